/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of l4lb. Locking rules, in one place:
 *
 * - l4lb_net.lock (mutex) serialises configuration: the service list and
 *   table, each service's dest list, scheduler choice, hook registration.
 * - The packet path runs under RCU only. Services and dests are found
 *   through RCU-protected tables and lists and are freed after a grace
 *   period once their last reference is gone.
 * - l4lb_service.sched_lock (spinlock, BH) guards the scheduler state:
 *   picks, load updates and rebuilds all happen under it.
 * - l4lb_conn.lock guards a connection's state and the dest counters that
 *   depend on it.
 */
#ifndef _L4LB_H
#define _L4LB_H

#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/netns/generic.h>
#include <uapi/linux/l4lb.h>

/* Same order as enum l4lb_stats_attr, minus its UNSPEC. */
enum l4lb_counter {
	L4LB_CNT_CONNS,
	L4LB_CNT_INPKTS,
	L4LB_CNT_OUTPKTS,
	L4LB_CNT_INBYTES,
	L4LB_CNT_OUTBYTES,
	L4LB_CNT_MAX
};

struct l4lb_stats_cpu {
	u64_stats_t cnt[L4LB_CNT_MAX];
	struct u64_stats_sync syncp;
};

struct l4lb_stats {
	u64 cnt[L4LB_CNT_MAX];
};

/* Rates per second, estimated every 2 s; written under l4lb_net.lock. */
struct l4lb_est {
	u64 last[L4LB_CNT_MAX];
	u64 rate[L4LB_CNT_MAX];		/* scaled by 2^10 */
};

/* Identity of a service; also the key of the service table. */
struct l4lb_svc_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 af;
	u8 protocol;
};

struct l4lb_net;
struct l4lb_service;
struct l4lb_dest;
struct tcphdr;

/*
 * A scheduler keeps its state in one allocation that is rebuilt from the
 * dest list on every configuration change; picks and load updates then
 * work on that state under svc->sched_lock.
 */
struct l4lb_sched_ops {
	const char *name;
	size_t (*state_size)(unsigned int nr_dests);
	/* Fill @state from svc->dests; called with sched_lock held. */
	void (*build)(struct l4lb_service *svc, void *state);
	struct l4lb_dest *(*pick)(struct l4lb_service *svc, void *state);
	/* Optional: a dest's active/inactive counts changed. */
	void (*load_changed)(void *state, struct l4lb_dest *dest);
};

struct l4lb_dest {
	struct list_head list;		/* svc->dests, RCU */
	struct l4lb_service *svc;
	union nf_inet_addr addr;
	__be16 port;
	u8 af;
	u8 fwd;
	u32 weight;			/* written under sched_lock */
	atomic_t active;
	atomic_t inactive;
	int sched_idx;			/* slot in the scheduler state or -1 */
	struct dst_cache dst_cache;	/* route to the server: DR and TUN */
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
	struct list_head dests;		/* RCU; written under l4lb_net.lock */
	unsigned int nr_dests;
	struct l4lb_net *ln;
	spinlock_t sched_lock;
	const struct l4lb_sched_ops *sched;
	void *sched_state;
	unsigned int sched_cap;		/* dests the state has room for */
	struct l4lb_stats_cpu __percpu *stats;
	struct l4lb_stats stats_base;
	struct l4lb_est est;
	u32 flags;			/* L4LB_SVC_F_* */
	__be32 netmask;			/* persistence granularity */
	unsigned long persist_timeout;	/* jiffies */
	unsigned long idle_timeout;	/* jiffies, 0: the netns timeouts */
	refcount_t refcnt;
	struct rcu_head rcu;
};

/* A flow as seen on the wire in one direction; the key of the conn table. */
struct l4lb_tuple {
	union nf_inet_addr src;
	union nf_inet_addr dst;
	__be16 sport;
	__be16 dport;
	u8 af;
	u8 protocol;
	u8 dir;				/* enum l4lb_dir: both live in one table */
	u8 pad;
};

enum l4lb_dir {
	L4LB_DIR_ORIG,		/* client -> virtual service */
	L4LB_DIR_REPLY,		/* real server -> client */
	L4LB_DIR_TEMPLATE,	/* client network -> virtual service */
};

/*
 * A client flow, or a persistence template (client network -> server),
 * which uses only node[0] and is held by the flows it placed.
 *
 * Both hash nodes live in one rhashtable; their keys (struct l4lb_tuple)
 * are derived from the fields below and the dest rather than stored, which
 * keeps a flow at 112 bytes. Objects are 16-byte aligned so that a node's
 * address tells which of the two it is (conn.c).
 */
struct l4lb_conn {
	struct rhash_head node[2];	/* [0] orig or template, [1] reply */
	union nf_inet_addr caddr;	/* client, masked for a template */
	union nf_inet_addr vaddr;
	__be16 cport;			/* 0 for a template */
	__be16 vport;
	u8 af;
	u8 protocol;
	u8 state;			/* enum l4lb_tcp_state */
	u8 dead;			/* unlinked, under lock */
	u8 fwd;				/* dest's method when created */
	u8 flags;			/* L4LB_CONN_F_* */
	spinlock_t lock;
	refcount_t refcnt;		/* the table's, plus flows' on a template */
	struct l4lb_dest *dest;		/* holds a reference */
	struct l4lb_conn *tmpl;		/* holds a reference, or NULL */
	unsigned long expires;		/* jiffies */
	struct rcu_head rcu;
} __aligned(16);

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

enum l4lb_drop {
	L4LB_DROP_CONN_MAX,
	L4LB_DROP_NO_DEST,
	L4LB_DROP_NOMEM,
	L4LB_DROP_NO_ROUTE,
	L4LB_DROP_CLASH,
	L4LB_DROP_MAX
};

struct l4lb_drops {
	unsigned long cnt[L4LB_DROP_MAX];
};

struct l4lb_net {
	struct net *net;
	struct mutex lock;
	struct rhashtable svc_table;
	struct list_head services;
	unsigned int nr_services;
	unsigned int gen;		/* bumped on config change, for dumps */
	bool hooks_on;
	struct rhashtable conn_table;
	atomic_t nr_conns;		/* flows, templates not included */
	struct delayed_work gc_work;
	struct rhashtable_iter gc_iter;	/* a sweep's place, for gc_work */
	bool gc_sweeping;
	unsigned long gc_next;		/* no flow expires before, jiffies */
	struct delayed_work est_work;
	unsigned long timeouts[L4LB_TO_MAX];	/* jiffies */
	struct l4lb_sysctl sysctl;
	struct ctl_table_header *sysctl_hdr;
	struct l4lb_drops __percpu *drops;
};

static inline void l4lb_drop(struct l4lb_net *ln, enum l4lb_drop why)
{
	this_cpu_inc(ln->drops->cnt[why]);
}

/* A flow may expire at @expires: the sweeper must not wait past it. */
static inline void l4lb_gc_due(struct l4lb_net *ln, unsigned long expires)
{
	if (time_before(expires, READ_ONCE(ln->gc_next)))
		WRITE_ONCE(ln->gc_next, expires);
}

extern unsigned int l4lb_net_id;
extern struct pernet_operations l4lb_net_ops;

struct l4lb_svc_key;
struct l4lb_svc_conf;
struct l4lb_sched_ops;
struct netlink_ext_ack;
struct l4lb_service *l4lb_net_add_service(struct l4lb_net *ln,
					  const struct l4lb_svc_key *key,
					  const struct l4lb_sched_ops *sched,
					  const struct l4lb_svc_conf *conf,
					  struct netlink_ext_ack *extack);

static inline struct l4lb_net *l4lb_pernet(struct net *net)
{
	return net_generic(net, l4lb_net_id);
}

/* conn.c */
int l4lb_conn_module_init(void);
void l4lb_conn_module_exit(void);
int l4lb_conn_table_init(struct l4lb_net *ln);
void l4lb_conn_table_destroy(struct l4lb_net *ln);
struct l4lb_conn *l4lb_conn_lookup(struct l4lb_net *ln,
				   const struct l4lb_tuple *t);
struct l4lb_conn *l4lb_conn_new(struct l4lb_net *ln,
				const struct l4lb_tuple *orig,
				struct l4lb_dest *dest, struct l4lb_conn *tmpl,
				u8 state);
struct l4lb_conn *l4lb_tmpl_new(struct l4lb_net *ln,
				const struct l4lb_tuple *key,
				struct l4lb_dest *dest);
void l4lb_conn_put(struct l4lb_conn *cp);
bool l4lb_conn_expired(const struct l4lb_conn *cp);
void l4lb_conn_expire(struct l4lb_net *ln, struct l4lb_conn *cp);
void l4lb_conn_flush(struct l4lb_net *ln);
struct l4lb_conn *l4lb_conn_walk_peek(struct rhashtable_iter *iter);
unsigned int l4lb_conn_count(struct l4lb_net *ln);
unsigned int l4lb_conn_buckets(struct l4lb_net *ln);
bool l4lb_conn_table_empty(struct l4lb_net *ln);
void l4lb_conn_gc(struct l4lb_net *ln);
unsigned long l4lb_conn_gc_delay(struct l4lb_net *ln);

/* proto_tcp.c */
void l4lb_conn_set_state(struct l4lb_net *ln, struct l4lb_conn *cp,
			 enum l4lb_dir dir, const struct tcphdr *th);
unsigned long l4lb_conn_timeout(struct l4lb_net *ln,
				const struct l4lb_conn *cp, unsigned int state);

/* service.c */
struct l4lb_service *l4lb_service_lookup(struct l4lb_net *ln,
					 const struct l4lb_svc_key *key);
int l4lb_service_table_init(struct l4lb_net *ln);
void l4lb_service_table_destroy(struct l4lb_net *ln);
/* Service settings beyond identity and scheduler. */
struct l4lb_svc_conf {
	u32 flags;
	__be32 netmask;
	unsigned long persist_timeout;	/* jiffies */
	unsigned long idle_timeout;	/* jiffies */
};

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
struct l4lb_dest *l4lb_dest_find(struct l4lb_service *svc,
				 const union nf_inet_addr *addr, __be16 port);
struct l4lb_dest *l4lb_dest_add(struct l4lb_service *svc,
				const union nf_inet_addr *addr, __be16 port,
				u8 fwd, u32 weight,
				struct netlink_ext_ack *extack);
void l4lb_dest_edit(struct l4lb_dest *dest, u8 fwd, u32 weight);
void l4lb_dest_del(struct l4lb_dest *dest);
void l4lb_dest_put(struct l4lb_dest *dest);

/* sched.c */
const struct l4lb_sched_ops *l4lb_sched_find(const char *name);
int l4lb_sched_rebuild(struct l4lb_service *svc,
		       const struct l4lb_sched_ops *sched,
		       struct l4lb_dest *edit, u32 weight);
struct l4lb_dest *l4lb_sched_pick(struct l4lb_service *svc);
void l4lb_sched_load_changed(struct l4lb_dest *dest);

extern const struct l4lb_sched_ops l4lb_sched_rr;
extern const struct l4lb_sched_ops l4lb_sched_wrr;
extern const struct l4lb_sched_ops l4lb_sched_lc;
extern const struct l4lb_sched_ops l4lb_sched_wlc;

static inline u32 l4lb_dest_overhead(const struct l4lb_dest *dest)
{
	/* IPVS's load measure: an active connection weighs 256 idle ones. */
	return atomic_read(&dest->active) * 256 + atomic_read(&dest->inactive);
}

/* sched_heap.c: shared by lc and wlc */
struct l4lb_heap_node {
	struct l4lb_dest *dest;
	u32 overhead;		/* cached: only changed with a re-sift */
	u32 weight;
	u32 order;		/* tie-break: position in the dest list */
};

struct l4lb_heap {
	bool weighted;
	unsigned int len;
	struct l4lb_heap_node node[];
};

size_t l4lb_heap_size(unsigned int nr_dests);
void l4lb_heap_build(struct l4lb_service *svc, struct l4lb_heap *h,
		     bool weighted);
struct l4lb_dest *l4lb_heap_pick(struct l4lb_service *svc, void *state);
void l4lb_heap_update(void *state, struct l4lb_dest *dest);

/* stats.c */
struct l4lb_stats_cpu __percpu *l4lb_stats_alloc(void);
void l4lb_stats_free(struct l4lb_stats_cpu __percpu *s);
void l4lb_stats_read(struct l4lb_stats_cpu __percpu *s,
		     const struct l4lb_stats *base, struct l4lb_stats *out);
void l4lb_stats_zero(struct l4lb_stats_cpu __percpu *s,
		     struct l4lb_stats *base);
void l4lb_stats_sum(struct l4lb_stats_cpu __percpu *s,
		    struct l4lb_stats *out);
void l4lb_stats_conn(struct l4lb_dest *dest);
void l4lb_stats_in(struct l4lb_dest *dest, unsigned int len);
void l4lb_stats_out(struct l4lb_dest *dest, unsigned int len);

/* schedule.c */
struct l4lb_conn *l4lb_conn_for_request(struct l4lb_net *ln,
					struct sk_buff *skb,
					const struct l4lb_tuple *t,
					const struct tcphdr *th);

/* sysctl.c */
int l4lb_sysctl_init(struct l4lb_net *ln);
void l4lb_sysctl_exit(struct l4lb_net *ln);

/* est.c */
#define L4LB_EST_INTERVAL	(2 * HZ)
void l4lb_est_run(struct l4lb_net *ln);
void l4lb_est_rates(const struct l4lb_est *est, u64 *rates);

/* hooks.c */
int l4lb_hooks_register(struct net *net);
void l4lb_hooks_unregister(struct net *net);

/* xmit.c */
int l4lb_nat_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		   unsigned int thoff);
int l4lb_nat_icmp(struct sk_buff *skb, struct l4lb_conn *cp,
		  enum l4lb_dir dir, unsigned int icmpoff,
		  unsigned int inner_off, unsigned int inner_thoff);
void l4lb_icmp_send(struct sk_buff *skb, int type, int code, __be32 info);
int l4lb_dest_check_route(struct net *net, __be32 addr, u8 fwd,
			  struct netlink_ext_ack *extack);
unsigned int l4lb_xmit_nat(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp, unsigned int thoff);
unsigned int l4lb_xmit_dr(struct l4lb_net *ln, struct sk_buff *skb,
			  struct l4lb_conn *cp);
unsigned int l4lb_xmit_tun(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp);

/* selftest.c, with L4LB_DEBUG=1 */
#ifdef DEBUG
int l4lb_selftest(void);
#else
static inline int l4lb_selftest(void)
{
	return 0;
}
#endif

/* netlink.c */
int l4lb_genl_init(void);
void l4lb_genl_exit(void);

#endif /* _L4LB_H */
