/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state (netns.c, which also owns its lifecycle)
 * and settings (sysctl.c).
 *
 * Locking rules, in one place:
 *
 * - l4lb_net.lock (mutex) serialises configuration: the service list and
 *   table, each service's dest list, scheduler choice, hook registration.
 * - The packet path runs under RCU only. Services and dests are found
 *   through RCU-protected tables and lists and are freed after a grace
 *   period once their last reference is gone.
 * - A service's scheduler state is published under RCU (sched.c) and
 *   picked from without a lock; l4lb_service.sched_lock (spinlock, BH)
 *   guards rebuilds and lc's and wlc's load changes: the packet path's are
 *   applied at once if the lock is free, else queued locklessly on the
 *   service and applied by the next pick or change that gets the lock
 *   without waiting; the sweeper's are gathered on the netns and applied
 *   at the end of its step.
 * - The connection table is read under RCU; l4lb_net.conn_locks (spinlocks,
 *   BH, one per stripe of buckets) guard its chains, and a stripe's lock
 *   is also what its move to a resized table takes (conn_hash.c).
 * - l4lb_conn.lock guards a connection's state changes and the dest
 *   counters that depend on them; a packet that changes neither takes no
 *   lock.
 */
#ifndef _L4LB_NETNS_H
#define _L4LB_NETNS_H

#include <linux/build_bug.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <net/netns/generic.h>
#include <uapi/linux/l4lb.h>

enum l4lb_timeout {
	L4LB_TO_TCP_SYN_RECV,
	L4LB_TO_TCP_SYNACK,
	L4LB_TO_TCP_ESTABLISHED,
	L4LB_TO_TCP_FIN_WAIT,
	L4LB_TO_TCP_CLOSE_WAIT,
	L4LB_TO_TCP_TIME_WAIT,
	L4LB_TO_TCP_CLOSE,
	L4LB_TO_UDP,
	L4LB_TO_MAX
};

/* net.l4lb.* */
struct l4lb_sysctl {
	int expire_nodest_conn;
	int expire_quiescent_template;
	int conn_reuse_mode;
	int sloppy_tcp;
	int conn_max;
};

/*
 * Why a packet was dropped. Same order as the L4LB_A_DROP_* attributes:
 * netlink_show.c reports reason i as L4LB_A_DROP_CONN_MAX + i.
 */
enum l4lb_drop {
	L4LB_DROP_CONN_MAX,
	L4LB_DROP_NO_DEST,
	L4LB_DROP_NOMEM,
	L4LB_DROP_NO_ROUTE,
	L4LB_DROP_CLASH,
	L4LB_DROP_DEST_GONE,
	L4LB_DROP_MAX
};

static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_CONN_MAX == L4LB_A_DROP_CONN_MAX);
static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_NO_DEST == L4LB_A_DROP_NO_DEST);
static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_NOMEM == L4LB_A_DROP_NOMEM);
static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_NO_ROUTE == L4LB_A_DROP_NO_ROUTE);
static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_CLASH == L4LB_A_DROP_CLASH);
static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_DEST_GONE ==
	      L4LB_A_DROP_DEST_GONE);
/* A new reason needs its attribute first. */
static_assert(L4LB_A_DROP_CONN_MAX + L4LB_DROP_MAX == L4LB_A_DROP_DEST_GONE + 1);

/* A walk's place in the connection table (conn_hash.c). */
struct l4lb_conn_iter {
	unsigned int bucket;
	unsigned int size;	/* of the table @bucket is of */
	unsigned int skip;	/* entries of @bucket visited already */
};

struct l4lb_conn_tab;

struct l4lb_drops {
	unsigned long cnt[L4LB_DROP_MAX];
};

struct l4lb_net {
	struct net *net;
	struct mutex lock;
	struct rhashtable svc_table;
	struct list_head services;
	/* Every dest alive, deleted ones too: their routes (xmit.c). */
	struct list_head all_dests;
	/* Deleted services whose deleted dests connections hold (service.c). */
	struct list_head gone_services;
	spinlock_t dests_lock;		/* these two lists, gone_dests */
	unsigned int nr_services;
	unsigned int gen;		/* bumped on config change, for dumps */
	bool hooks_on;
	unsigned int nr_services6;	/* of them IPv6 */
	bool hooks6_on;			/* IPv6 services or connections */
	struct l4lb_conn_tab __rcu *conn_tab;
	spinlock_t *conn_locks;		/* the table's, by hash */
	struct work_struct conn_resize;
	unsigned long conn_shrink_at;	/* gc_work's: 0, or a shrink's time */
	struct percpu_counter nr_conns;	/* flows, templates not included */
	atomic_t nr_tmpls;
	atomic_t nr_conns6;		/* IPv6 flows and templates */
	struct delayed_work gc_work;
	struct llist_head sweep_loads;	/* dests, sched.c */
	struct l4lb_conn_iter gc_iter;	/* a sweep's place, for gc_work */
	bool gc_sweeping;
	unsigned long gc_next;		/* no flow expires before, jiffies */
	struct delayed_work est_work;
	unsigned long timeouts[L4LB_TO_MAX];	/* jiffies */
	struct l4lb_sysctl sysctl;
	struct ctl_table_header *sysctl_hdr;
	struct ctl_table_header *ipvs_sysctl_hdr;	/* ipvs_abi=1 */
	struct l4lb_drops __percpu *drops;
};

static inline void l4lb_drop(struct l4lb_net *ln, enum l4lb_drop why)
{
	this_cpu_inc(ln->drops->cnt[why]);
}

extern unsigned int l4lb_net_id;
extern struct pernet_operations l4lb_net_ops;

static inline struct l4lb_net *l4lb_pernet(struct net *net)
{
	return net_generic(net, l4lb_net_id);
}

struct l4lb_sched_ops;
struct l4lb_service;
struct l4lb_svc_conf;
struct l4lb_svc_key;
struct netlink_ext_ack;

/* netns.c */
struct l4lb_service *l4lb_net_add_service(struct l4lb_net *ln,
					  const struct l4lb_svc_key *key,
					  const struct l4lb_sched_ops *sched,
					  const struct l4lb_svc_conf *conf,
					  struct netlink_ext_ack *extack);

/* sysctl.c */
int l4lb_sysctl_init(struct l4lb_net *ln);
void l4lb_sysctl_exit(struct l4lb_net *ln);
int l4lb_sysctl_ipvs_init(struct l4lb_net *ln);
void l4lb_sysctl_ipvs_exit(struct l4lb_net *ln);

#endif /* _L4LB_NETNS_H */
