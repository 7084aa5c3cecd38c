// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services and their real servers (dests).
 *
 * Configuration runs under l4lb_net.lock; the packet path finds services
 * in an RCU rhashtable and never sleeps. A service holds a reference per
 * dest, and each connection holds one on its dest; memory goes once the
 * last user is gone, after an RCU grace period.
 *
 * A deleted dest stays on its service's gone_dests while connections hold it,
 * and a deleted service on l4lb_net.gone_services while such dests do.
 * Their packets are dropped (or, with expire_nodest_conn, scheduled
 * afresh: schedule.c), and the same server added back to the same
 * service takes them again, as IPVS's trash of dests does: a server that
 * a health checker took out for a moment keeps its flows, and so do
 * the services of `ipvsctl -C; ipvsctl -R < rules`.
 *
 * A new dest goes first in its service's list, as in IPVS, so rr and wrr
 * take the servers from the last added backwards, in the same order.
 *
 * The root of an unprivileged user namespace may configure its own netns
 * (GENL_UNS_ADMIN_PERM): services, dests, their counters and scheduler
 * state are charged to its memory cgroup (GFP_KERNEL_ACCOUNT).
 */
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "netns.h"
#include "sched.h"
#include "service.h"
#include "stats.h"
#include "xmit.h"

/*
 * A key's fields, compared as words: the default, memcmp(), is a call
 * that compares byte by byte, once per new flow.
 */
static int l4lb_svc_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct l4lb_svc_key *a = arg->key;
	const struct l4lb_svc_key *b = &((const struct l4lb_service *)obj)->key;

	return !(nf_inet_addr_cmp(&a->addr, &b->addr) && a->port == b->port &&
		 a->af == b->af && a->protocol == b->protocol);
}

static const struct rhashtable_params l4lb_svc_params = {
	.head_offset		= offsetof(struct l4lb_service, node),
	.key_offset		= offsetof(struct l4lb_service, key),
	.key_len		= sizeof(struct l4lb_svc_key),
	.obj_cmpfn		= l4lb_svc_cmp,
	.automatic_shrinking	= true,
};

int l4lb_service_table_init(struct l4lb_net *ln)
{
	return rhashtable_init(&ln->svc_table, &l4lb_svc_params);
}

void l4lb_service_table_destroy(struct l4lb_net *ln)
{
	rhashtable_destroy(&ln->svc_table);
}

struct l4lb_service *l4lb_service_lookup(struct l4lb_net *ln,
					 const struct l4lb_svc_key *key)
{
	return rhashtable_lookup(&ln->svc_table, key, l4lb_svc_params);
}

static void l4lb_service_free_rcu(struct rcu_head *head)
{
	struct l4lb_service *svc = container_of(head, struct l4lb_service, rcu);

	l4lb_sched_free(svc);
	l4lb_stats_free(svc->stats);
	kfree(svc);
}

/* Not from an RCU callback: the netns may be gone by then (see below). */
static void l4lb_service_put(struct l4lb_service *svc)
{
	struct l4lb_net *ln = svc->ln;

	if (!refcount_dec_and_test(&svc->refcnt))
		return;
	spin_lock_bh(&ln->dests_lock);
	list_del(&svc->gone_node);
	spin_unlock_bh(&ln->dests_lock);
	call_rcu(&svc->rcu, l4lb_service_free_rcu);
}

static void l4lb_dest_free_rcu(struct rcu_head *head)
{
	struct l4lb_dest *dest = container_of(head, struct l4lb_dest, rcu);

	l4lb_dest_route_release(dest);
	l4lb_stats_free(dest->stats);
	kfree(dest);
}

void l4lb_dest_put(struct l4lb_dest *dest)
{
	struct l4lb_net *ln;

	if (!refcount_dec_and_test(&dest->refcnt))
		return;
	/*
	 * Off the netns's list here, not in the RCU callback: a pernet exit
	 * does not wait for callbacks, and the l4lb_net holding the list and
	 * its lock is freed right after it. A route a reader still caches
	 * in the grace period goes with the dest all the same.
	 */
	ln = dest->svc->ln;
	spin_lock_bh(&ln->dests_lock);
	list_del(&dest->all);
	list_del(&dest->gone_node);
	spin_unlock_bh(&ln->dests_lock);
	/* Readers of dest->svc in this grace period hold off the svc's too. */
	l4lb_service_put(dest->svc);
	call_rcu(&dest->rcu, l4lb_dest_free_rcu);
}

/*
 * Drop the caller's reference on deleted @svc, keeping it on
 * l4lb_net.gone_services while its deleted dests keep it alive.
 */
static void l4lb_service_bury(struct l4lb_service *svc)
{
	struct l4lb_net *ln = svc->ln;

	spin_lock_bh(&ln->dests_lock);
	list_add(&svc->gone_node, &ln->gone_services);
	spin_unlock_bh(&ln->dests_lock);
	l4lb_service_put(svc);
}

/*
 * A deleted service of @key that connections still hold through its
 * deleted dests, taken off l4lb_net.gone_services with a reference.
 */
static struct l4lb_service *l4lb_service_find_gone(struct l4lb_net *ln,
						   const struct l4lb_svc_key *key)
{
	struct l4lb_service *svc, *found = NULL;

	spin_lock_bh(&ln->dests_lock);
	list_for_each_entry(svc, &ln->gone_services, gone_node) {
		if (!memcmp(&svc->key, key, sizeof(*key)) &&
		    refcount_inc_not_zero(&svc->refcnt)) {
			list_del_init(&svc->gone_node);
			found = svc;
			break;
		}
	}
	spin_unlock_bh(&ln->dests_lock);
	return found;
}

/* List @svc, holding its reference, as a live service. */
static void l4lb_service_list(struct l4lb_service *svc)
{
	struct l4lb_net *ln = svc->ln;

	list_add_tail(&svc->list, &ln->services);
	WRITE_ONCE(ln->nr_services, ln->nr_services + 1);
	if (svc->key.af == AF_INET6)
		ln->nr_services6++;
	ln->gen++;
}

/*
 * Deleted @svc comes back with a new configuration, its deleted dests
 * waiting to be added back. It counts from zero, as a new one would.
 */
static struct l4lb_service *
l4lb_service_revive(struct l4lb_service *svc, const struct l4lb_sched_ops *sched,
		    const struct l4lb_svc_conf *conf, struct netlink_ext_ack *extack)
{
	struct l4lb_net *ln = svc->ln;
	int err;

	err = l4lb_sched_rebuild(svc, sched, NULL, 0);
	if (err) {
		NL_SET_ERR_MSG(extack, "out of memory for the scheduler state");
		goto err_bury;
	}
	l4lb_service_set_conf(svc, conf);
	l4lb_stats_zero(svc->stats, &svc->stats_base);
	/* A reader that was on its table node when it left is done. */
	synchronize_rcu();
	err = rhashtable_insert_fast(&ln->svc_table, &svc->node,
				     l4lb_svc_params);
	if (err)
		goto err_bury;
	l4lb_service_list(svc);
	return svc;

err_bury:
	l4lb_service_bury(svc);
	return ERR_PTR(err);
}

struct l4lb_service *l4lb_service_add(struct l4lb_net *ln,
				      const struct l4lb_svc_key *key,
				      const struct l4lb_sched_ops *sched,
				      const struct l4lb_svc_conf *conf,
				      struct netlink_ext_ack *extack)
{
	struct l4lb_service *svc;
	int err = -ENOMEM;

	lockdep_assert_held(&ln->lock);
	if (rhashtable_lookup_fast(&ln->svc_table, key, l4lb_svc_params)) {
		NL_SET_ERR_MSG(extack, "service already exists");
		return ERR_PTR(-EEXIST);
	}
	svc = l4lb_service_find_gone(ln, key);
	if (svc)
		return l4lb_service_revive(svc, sched, conf, extack);
	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->stats = l4lb_stats_alloc();
	if (!svc->stats)
		goto err_free;
	svc->key = *key;
	svc->ln = ln;
	l4lb_service_set_conf(svc, conf);
	INIT_LIST_HEAD(&svc->dests);
	INIT_LIST_HEAD(&svc->gone_dests);
	INIT_LIST_HEAD(&svc->gone_node);
	spin_lock_init(&svc->sched_lock);
	refcount_set(&svc->refcnt, 1);
	err = l4lb_sched_rebuild(svc, sched, NULL, 0);
	if (err)
		goto err_stats;

	err = rhashtable_insert_fast(&ln->svc_table, &svc->node,
				     l4lb_svc_params);
	if (err)
		goto err_state;
	l4lb_service_list(svc);
	return svc;

err_state:
	l4lb_sched_free(svc);
err_stats:
	l4lb_stats_free(svc->stats);
err_free:
	kfree(svc);
	return ERR_PTR(err);
}

void l4lb_service_set_conf(struct l4lb_service *svc,
			   const struct l4lb_svc_conf *conf)
{
	WRITE_ONCE(svc->netmask, conf->netmask);
	WRITE_ONCE(svc->plen, conf->plen);
	WRITE_ONCE(svc->persist_timeout, conf->persist_timeout);
	WRITE_ONCE(svc->idle_timeout, conf->idle_timeout);
	WRITE_ONCE(svc->flags, conf->flags);
	WRITE_ONCE(svc->sched_flags, conf->sched_flags);
	svc->ln->gen++;
}

int l4lb_service_set_sched(struct l4lb_service *svc,
			   const struct l4lb_sched_ops *sched,
			   struct netlink_ext_ack *extack)
{
	int err;

	err = l4lb_sched_rebuild(svc, sched, NULL, 0);
	if (err)
		NL_SET_ERR_MSG(extack, "out of memory for the scheduler state");
	else
		svc->ln->gen++;
	return err;
}

void l4lb_dest_del(struct l4lb_dest *dest)
{
	struct l4lb_service *svc = dest->svc;

	lockdep_assert_held(&svc->ln->lock);
	list_del_rcu(&dest->list);
	svc->nr_dests--;
	WRITE_ONCE(dest->gone, true);
	spin_lock_bh(&svc->ln->dests_lock);
	list_add(&dest->gone_node, &svc->gone_dests);
	spin_unlock_bh(&svc->ln->dests_lock);
	/* Same scheduler, fewer dests: cannot fail. */
	l4lb_sched_rebuild(svc, svc->sched, dest, 0);
	svc->ln->gen++;
	l4lb_dest_put(dest);
}

void l4lb_service_del(struct l4lb_service *svc)
{
	struct l4lb_net *ln = svc->ln;
	struct l4lb_dest *dest, *tmp;

	lockdep_assert_held(&ln->lock);
	rhashtable_remove_fast(&ln->svc_table, &svc->node, l4lb_svc_params);
	list_del(&svc->list);
	WRITE_ONCE(ln->nr_services, ln->nr_services - 1);
	if (svc->key.af == AF_INET6)
		ln->nr_services6--;
	ln->gen++;
	/*
	 * Each server goes with a rebuild, for the picks that may still
	 * reach the service under RCU: not of sh's or mh's table, which
	 * takes milliseconds, but of rr's state (a failed switch keeps
	 * the table: slower, as correct). A revived service gets its
	 * scheduler anew.
	 */
	if (svc->sched->build_unlocked && !list_empty(&svc->dests))
		l4lb_service_set_sched(svc, &l4lb_sched_rr, NULL);
	list_for_each_entry_safe(dest, tmp, &svc->dests, list)
		l4lb_dest_del(dest);
	l4lb_service_bury(svc);
}

void l4lb_service_flush(struct l4lb_net *ln)
{
	struct l4lb_service *svc, *tmp;

	list_for_each_entry_safe(svc, tmp, &ln->services, list)
		l4lb_service_del(svc);
}

struct l4lb_dest *l4lb_dest_find(struct l4lb_service *svc, u8 af,
				 const union nf_inet_addr *addr, __be16 port)
{
	struct l4lb_dest *dest;

	list_for_each_entry(dest, &svc->dests, list)
		if (dest->af == af && nf_inet_addr_cmp(&dest->addr, addr) &&
		    dest->port == port)
			return dest;
	return NULL;
}

/*
 * A deleted dest of @svc that connections still hold, taken off
 * svc->gone_dests with a reference, or NULL.
 */
static struct l4lb_dest *l4lb_dest_find_gone(struct l4lb_service *svc, u8 af,
					     const union nf_inet_addr *addr,
					     __be16 port)
{
	struct l4lb_dest *dest, *found = NULL;
	struct l4lb_net *ln = svc->ln;

	spin_lock_bh(&ln->dests_lock);
	list_for_each_entry(dest, &svc->gone_dests, gone_node) {
		if (dest->af == af && nf_inet_addr_cmp(&dest->addr, addr) &&
		    dest->port == port &&
		    refcount_inc_not_zero(&dest->refcnt)) {
			list_del_init(&dest->gone_node);
			found = dest;
			break;
		}
	}
	spin_unlock_bh(&ln->dests_lock);
	return found;
}

/* Relist deleted @dest, taking over the caller's reference as the service's. */
static struct l4lb_dest *l4lb_dest_revive(struct l4lb_dest *dest, u8 fwd,
					  u32 weight)
{
	struct l4lb_service *svc = dest->svc;

	/* A reader that was on its list node when it was unlisted is done. */
	synchronize_rcu();
	WRITE_ONCE(dest->fwd, fwd);
	WRITE_ONCE(dest->gone, false);
	/* Added anew, as IPVS does: at weight 0 it takes no share at all. */
	dest->last_weight = weight;
	list_add_rcu(&dest->list, &svc->dests);
	svc->nr_dests++;
	/* With a dest to set, the rebuild cannot fail (__GFP_NOFAIL). */
	l4lb_sched_rebuild(svc, svc->sched, dest, weight);
	svc->ln->gen++;
	return dest;
}

struct l4lb_dest *l4lb_dest_add(struct l4lb_service *svc, u8 af,
				const union nf_inet_addr *addr, __be16 port,
				u8 fwd, u32 weight,
				struct netlink_ext_ack *extack)
{
	struct l4lb_dest *dest;
	int err;

	lockdep_assert_held(&svc->ln->lock);
	if (l4lb_dest_find(svc, af, addr, port)) {
		NL_SET_ERR_MSG(extack, "real server already exists");
		return ERR_PTR(-EEXIST);
	}
	dest = l4lb_dest_find_gone(svc, af, addr, port);
	if (dest)
		return l4lb_dest_revive(dest, fwd, weight);
	dest = kzalloc(sizeof(*dest), GFP_KERNEL_ACCOUNT);
	if (!dest)
		return ERR_PTR(-ENOMEM);
	dest->stats = l4lb_stats_alloc();
	if (!dest->stats) {
		kfree(dest);
		return ERR_PTR(-ENOMEM);
	}
	dest->svc = svc;
	dest->addr = *addr;
	dest->port = port;
	dest->af = af;
	dest->fwd = fwd;
	dest->weight = weight;
	dest->last_weight = weight;
	dest->sched_idx = -1;
	INIT_LIST_HEAD(&dest->gone_node);
	refcount_set(&dest->refcnt, 1);
	refcount_inc(&svc->refcnt);

	spin_lock_bh(&svc->ln->dests_lock);
	list_add(&dest->all, &svc->ln->all_dests);
	spin_unlock_bh(&svc->ln->dests_lock);
	list_add_rcu(&dest->list, &svc->dests);
	svc->nr_dests++;
	err = l4lb_sched_rebuild(svc, svc->sched, NULL, 0);
	if (err) {
		list_del_rcu(&dest->list);
		svc->nr_dests--;
		l4lb_dest_put(dest);
		return ERR_PTR(err);
	}
	svc->ln->gen++;
	return dest;
}

void l4lb_dest_edit(struct l4lb_dest *dest, u8 fwd, u32 weight)
{
	struct l4lb_service *svc = dest->svc;

	lockdep_assert_held(&svc->ln->lock);
	/* Existing connections keep the method they were bound with. */
	WRITE_ONCE(dest->fwd, fwd);
	/* Same dests: rebuilt in place, cannot fail. */
	l4lb_sched_rebuild(svc, svc->sched, dest, weight);
	svc->ln->gen++;
}
