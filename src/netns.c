// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every netns has its own services,
 * connections and timeouts, created with the netns and torn down with it.
 */
#include <linux/jiffies.h>
#include <net/net_namespace.h>

#include "l4lb.h"

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

static int __net_init l4lb_net_init(struct net *net)
{
	struct l4lb_net *ln = l4lb_pernet(net);
	int err, i;

	ln->net = net;
	mutex_init(&ln->lock);
	INIT_LIST_HEAD(&ln->services);
	INIT_DELAYED_WORK(&ln->gc_work, l4lb_conn_gc_work);
	INIT_DELAYED_WORK(&ln->est_work, l4lb_est_work);
	for (i = 0; i < L4LB_TO_MAX; i++)
		ln->timeouts[i] = l4lb_default_timeouts[i] * HZ;

	ln->drops = alloc_percpu(struct l4lb_drops);
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
	l4lb_hooks_disable(ln);
	mutex_unlock(&ln->lock);
	/* With the hooks gone the sweeper stops re-arming itself. */
	cancel_delayed_work_sync(&ln->gc_work);

	l4lb_conn_flush(ln);
	mutex_lock(&ln->lock);
	l4lb_service_flush(ln);
	mutex_unlock(&ln->lock);
	/* Without services the estimator stops re-arming itself too. */
	cancel_delayed_work_sync(&ln->est_work);
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
