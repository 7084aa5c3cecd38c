// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every netns has its own services,
 * connections and timeouts, created with the netns and torn down with it.
 *
 * This file owns a netns's lifecycle, as WireGuard's device.c owns its
 * device: the netfilter hooks are on while the netns has services or
 * connections (IPv6's from its first IPv6 service on), the sweeper runs
 * while the hooks are on, and the rate estimator while there are
 * services. Nothing else starts or stops them.
 */
#include <linux/jiffies.h>
#include <linux/netlink.h>
#include <net/net_namespace.h>

#include "conn.h"
#include "hooks.h"
#include "netns.h"
#include "service.h"
#include "stats.h"

unsigned int l4lb_net_id __read_mostly;

static const unsigned int l4lb_default_timeouts[L4LB_TO_MAX] = {
	[L4LB_TO_TCP_SYN_RECV]		= 60,
	[L4LB_TO_TCP_SYNACK]		= 60,
	[L4LB_TO_TCP_ESTABLISHED]	= 900,
	[L4LB_TO_TCP_FIN_WAIT]		= 120,
	[L4LB_TO_TCP_CLOSE_WAIT]	= 60,
	[L4LB_TO_TCP_TIME_WAIT]		= 120,
	[L4LB_TO_TCP_CLOSE]		= 10,
	[L4LB_TO_UDP]			= 300,
};

/* Hooks on and the sweeper running; a no-op if they are already. */
static int l4lb_net_start(struct l4lb_net *ln)
{
	int err;

	lockdep_assert_held(&ln->lock);
	if (ln->hooks_on)
		return 0;
	err = l4lb_hooks_register(ln->net);
	if (err)
		return err;
	ln->hooks_on = true;
	queue_delayed_work(system_power_efficient_wq, &ln->gc_work, HZ);
	return 0;
}

static void l4lb_net_stop6(struct l4lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	if (!ln->hooks6_on)
		return;
	l4lb_hooks6_unregister(ln->net);
	ln->hooks6_on = false;
}

/* Hooks off; the sweeper then stops re-arming itself. */
static void l4lb_net_stop(struct l4lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	l4lb_net_stop6(ln);
	if (!ln->hooks_on)
		return;
	l4lb_hooks_unregister(ln->net);
	ln->hooks_on = false;
}

/*
 * Add a service (service.c), bringing the netns up for it: hooks and
 * sweeper, and the estimator with the first service.
 */
struct l4lb_service *l4lb_net_add_service(struct l4lb_net *ln,
					  const struct l4lb_svc_key *key,
					  const struct l4lb_sched_ops *sched,
					  const struct l4lb_svc_conf *conf,
					  struct netlink_ext_ack *extack)
{
	struct l4lb_service *svc;
	int err;

	lockdep_assert_held(&ln->lock);
	err = l4lb_net_start(ln);
	if (!err && key->af == AF_INET6 && !ln->hooks6_on) {
		err = l4lb_hooks6_register(ln->net);
		ln->hooks6_on = !err;
	}
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot register netfilter hooks");
		return ERR_PTR(err);
	}
	svc = l4lb_service_add(ln, key, sched, conf, extack);
	if (!IS_ERR(svc) && ln->nr_services == 1)
		queue_delayed_work(system_power_efficient_wq, &ln->est_work,
				   L4LB_EST_INTERVAL);
	return svc;
}

/* A sweeper step; the last connection of a netns without services goes. */
static void l4lb_net_gc_work(struct work_struct *work)
{
	struct l4lb_net *ln = container_of(to_delayed_work(work),
					   struct l4lb_net, gc_work);

	l4lb_conn_gc(ln);

	mutex_lock(&ln->lock);
	if (!ln->nr_services && l4lb_conn_table_empty(ln))
		l4lb_net_stop(ln);
	/*
	 * IPv6 hooks (and IPv6 reassembly) go with the last IPv6 service and
	 * connection: a netns that stopped using IPv6 pays nothing for it.
	 */
	else if (!ln->nr_services6 && !l4lb_conn_any6(ln))
		l4lb_net_stop6(ln);
	if (ln->hooks_on)
		queue_delayed_work(system_power_efficient_wq, &ln->gc_work,
				   l4lb_conn_gc_delay(ln));
	mutex_unlock(&ln->lock);
}

static void l4lb_net_est_work(struct work_struct *work)
{
	struct l4lb_net *ln = container_of(to_delayed_work(work),
					   struct l4lb_net, est_work);

	/*
	 * Off the configuration mutex: a long pass must not hold up ipvsctl,
	 * nor ipvsctl the pass. A service deleted meanwhile re-arms it once
	 * more at most; one added finds it pending or queues it itself.
	 */
	l4lb_est_run(ln);
	if (READ_ONCE(ln->nr_services))
		queue_delayed_work(system_power_efficient_wq, &ln->est_work,
				   L4LB_EST_INTERVAL);
}

static int __net_init l4lb_net_init(struct net *net)
{
	struct l4lb_net *ln = l4lb_pernet(net);
	int err, i;

	ln->net = net;
	mutex_init(&ln->lock);
	INIT_LIST_HEAD(&ln->services);
	INIT_LIST_HEAD(&ln->all_dests);
	INIT_LIST_HEAD(&ln->gone_services);
	spin_lock_init(&ln->dests_lock);
	init_llist_head(&ln->sweep_loads);
	INIT_DELAYED_WORK(&ln->gc_work, l4lb_net_gc_work);
	INIT_DELAYED_WORK(&ln->est_work, l4lb_net_est_work);
	for (i = 0; i < L4LB_TO_MAX; i++)
		ln->timeouts[i] = l4lb_default_timeouts[i] * HZ;

	ln->drops = alloc_percpu_gfp(struct l4lb_drops, GFP_KERNEL_ACCOUNT);
	if (!ln->drops)
		return -ENOMEM;
	err = l4lb_service_table_init(ln);
	if (err)
		goto err_drops;
	err = l4lb_conn_table_init(ln);
	if (err)
		goto err_svc;
	err = l4lb_sysctl_init(ln);
	if (err)
		goto err_conn;
	return 0;

err_conn:
	l4lb_conn_table_destroy(ln);
err_svc:
	l4lb_service_table_destroy(ln);
err_drops:
	free_percpu(ln->drops);
	return err;
}

static void __net_exit l4lb_net_exit(struct net *net)
{
	struct l4lb_net *ln = l4lb_pernet(net);

	mutex_lock(&ln->lock);
	l4lb_net_stop(ln);
	mutex_unlock(&ln->lock);
	/* With the hooks gone the sweeper stops re-arming itself. */
	cancel_delayed_work_sync(&ln->gc_work);

	l4lb_conn_flush(ln);
	mutex_lock(&ln->lock);
	l4lb_service_flush(ln);
	mutex_unlock(&ln->lock);
	/* Without services the estimator stops re-arming itself too. */
	cancel_delayed_work_sync(&ln->est_work);
	/* Each dest left the list with its last reference (service.c). */
	WARN_ON_ONCE(!list_empty(&ln->all_dests));
	WARN_ON_ONCE(!list_empty(&ln->gone_services));
	l4lb_sysctl_exit(ln);
	l4lb_conn_table_destroy(ln);
	l4lb_service_table_destroy(ln);
	free_percpu(ln->drops);
}

struct pernet_operations l4lb_net_ops = {
	.init	= l4lb_net_init,
	.exit	= l4lb_net_exit,
	.id	= &l4lb_net_id,
	.size	= sizeof(struct l4lb_net),
};
