/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual services and their real servers (dests): service.c, the
 * configuration side of them.
 */
#ifndef _L4LB_SERVICE_H
#define _L4LB_SERVICE_H

#include <linux/llist.h>
#include <linux/netfilter.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock_types.h>

#include "stats.h"

/* Identity of a service; also the key of the service table. */
struct l4lb_svc_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 af;
	u8 protocol;
};

struct l4lb_net;
struct l4lb_sched_ops;
struct l4lb_sched_state;
struct l4lb_service;
struct l4lb_dest_route;
struct netlink_ext_ack;

struct l4lb_dest {
	struct list_head list;		/* svc->dests, RCU */
	struct list_head all;		/* l4lb_net.all_dests, deleted too */
	struct list_head gone_node;	/* svc->gone_dests once deleted */
	struct l4lb_service *svc;
	union nf_inet_addr addr;
	__be16 port;
	u8 af;
	u8 fwd;
	u32 weight;			/* written under sched_lock */
	/*
	 * The last weight other than 0, or 0 if it never had one: the
	 * share of a hashing table a server at weight 0 keeps, so that
	 * draining it moves no other server's clients (sched_hash.c).
	 */
	u32 last_weight;
	atomic_t active;
	atomic_t inactive;
	atomic_t persist;		/* persistence templates to it */
	int sched_idx;			/* slot in the scheduler state or -1 */
	/* A load change not yet told to the scheduler (svc->load_changes). */
	struct llist_node load_node;
	/* One not yet told, from the sweeper (l4lb_net.sweep_loads). */
	struct llist_node sweep_node;
	unsigned long load_queued;	/* bit 0: on svc->load_changes,
					 * bit 1: on ln->sweep_loads
					 */
	struct l4lb_dest_route __rcu *route;	/* to the server (xmit.c) */
	struct l4lb_stats_cpu __percpu *stats;
	struct l4lb_stats stats_base;	/* subtracted: zeroing, under lock */
	struct l4lb_est est;
	bool gone;			/* deleted; connections may remain */
	refcount_t refcnt;
	struct rcu_head rcu;
};

struct l4lb_service {
	struct rhash_head node;		/* l4lb_net.svc_table */
	struct l4lb_svc_key key;
	struct list_head list;		/* l4lb_net.services, under lock */
	struct list_head gone_node;	/* l4lb_net.gone_services once deleted */
	struct list_head dests;		/* RCU; written under l4lb_net.lock */
	/* Deleted dests that connections still hold; l4lb_net.dests_lock. */
	struct list_head gone_dests;
	unsigned int nr_dests;
	struct l4lb_net *ln;
	spinlock_t sched_lock;
	const struct l4lb_sched_ops *sched;	/* under sched_lock */
	struct l4lb_sched_state __rcu *sched_state;
	struct llist_head load_changes;	/* dests, each holding a reference */
	struct l4lb_stats_cpu __percpu *stats;
	struct l4lb_stats stats_base;
	struct l4lb_est est;
	u32 flags;			/* L4LB_SVC_F_* */
	u32 sched_flags;		/* L4LB_SVC_SCHED_F_*, read by picks */
	__be32 netmask;			/* persistence granularity: IPv4 */
	u8 plen;			/* and IPv6, a prefix length */
	unsigned long persist_timeout;	/* jiffies */
	unsigned long idle_timeout;	/* jiffies, 0: the netns timeouts */
	refcount_t refcnt;
	struct rcu_head rcu;
};

/* Service settings beyond identity and scheduler. */
struct l4lb_svc_conf {
	u32 flags;
	u32 sched_flags;		/* only those its scheduler takes */
	__be32 netmask;
	u8 plen;
	unsigned long persist_timeout;	/* jiffies */
	unsigned long idle_timeout;	/* jiffies */
};

int l4lb_service_table_init(struct l4lb_net *ln);
void l4lb_service_table_destroy(struct l4lb_net *ln);
struct l4lb_service *l4lb_service_lookup(struct l4lb_net *ln,
					 const struct l4lb_svc_key *key);
struct l4lb_service *l4lb_service_add(struct l4lb_net *ln,
				      const struct l4lb_svc_key *key,
				      const struct l4lb_sched_ops *sched,
				      const struct l4lb_svc_conf *conf,
				      struct netlink_ext_ack *extack);
void l4lb_service_set_conf(struct l4lb_service *svc,
			   const struct l4lb_svc_conf *conf);
int l4lb_service_set_sched(struct l4lb_service *svc,
			   const struct l4lb_sched_ops *sched,
			   struct netlink_ext_ack *extack);
void l4lb_service_del(struct l4lb_service *svc);
void l4lb_service_flush(struct l4lb_net *ln);
struct l4lb_dest *l4lb_dest_find(struct l4lb_service *svc, u8 af,
				 const union nf_inet_addr *addr, __be16 port);
struct l4lb_dest *l4lb_dest_add(struct l4lb_service *svc, u8 af,
				const union nf_inet_addr *addr, __be16 port,
				u8 fwd, u32 weight,
				struct netlink_ext_ack *extack);
void l4lb_dest_edit(struct l4lb_dest *dest, u8 fwd, u32 weight);
void l4lb_dest_del(struct l4lb_dest *dest);
void l4lb_dest_put(struct l4lb_dest *dest);

#endif /* _L4LB_SERVICE_H */
