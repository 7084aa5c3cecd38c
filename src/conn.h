/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connections: the per-netns table of flows and persistence templates
 * (conn.c), and their TCP state and timeouts (proto_tcp.c).
 */
#ifndef _L4LB_CONN_H
#define _L4LB_CONN_H

#include <linux/jiffies.h>
#include <linux/netfilter.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/spinlock_types.h>

#include "netns.h"

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

struct l4lb_dest;

/*
 * A client flow, or a persistence template (client network -> server),
 * which is held by the flows it placed.
 *
 * One hash node serves both directions (conn_hash.c): the keys are the
 * fields below and the dest's address, not stored apart, which keeps a
 * flow at 112 bytes.
 */
struct l4lb_conn {
	/* What a chain walk reads first, in one cache line. */
	struct hlist_node node;
	u32 hash;			/* of the client side */
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
	union nf_inet_addr caddr;	/* client, masked for a template */
	union nf_inet_addr vaddr;
	struct l4lb_dest *dest;		/* holds a reference */
	struct l4lb_conn *tmpl;		/* holds a reference, or NULL */
	unsigned long expires;		/* jiffies */
	struct rcu_head rcu;
};

/*
 * A flow placed by template @cp->tmpl was answered: the template may now
 * outlive its flows (l4lb_conn_expired()).
 */
static inline void l4lb_tmpl_assure(const struct l4lb_conn *cp)
{
	struct l4lb_conn *tp = cp->tmpl;

	if (tp && !(READ_ONCE(tp->flags) & L4LB_CONN_F_ASSURED))
		WRITE_ONCE(tp->flags, tp->flags | L4LB_CONN_F_ASSURED);
}

/* A flow may expire at @expires: the sweeper must not wait past it. */
static inline void l4lb_gc_due(struct l4lb_net *ln, unsigned long expires)
{
	if (time_before(expires, READ_ONCE(ln->gc_next)))
		WRITE_ONCE(ln->gc_next, expires);
}

/* conn.c */
int l4lb_conn_module_init(void);
void l4lb_conn_module_exit(void);
int l4lb_conn_table_init(struct l4lb_net *ln);
void l4lb_conn_table_destroy(struct l4lb_net *ln);
bool l4lb_conn_reserve(struct l4lb_net *ln);
void l4lb_conn_unreserve(struct l4lb_net *ln);
struct l4lb_conn *l4lb_flow_alloc(struct l4lb_net *ln,
				  const struct l4lb_tuple *orig, u32 hash,
				  struct l4lb_dest *dest, struct l4lb_conn *tmpl,
				  u8 state);
struct l4lb_conn *l4lb_flow_add(struct l4lb_net *ln, struct l4lb_conn *cp);
struct l4lb_conn *l4lb_tmpl_new(struct l4lb_net *ln,
				const struct l4lb_tuple *key,
				struct l4lb_dest *dest);
void l4lb_conn_put(struct l4lb_conn *cp);
bool l4lb_conn_expired(const struct l4lb_conn *cp);
void l4lb_conn_expire(struct l4lb_net *ln, struct l4lb_conn *cp);
void l4lb_conn_flush(struct l4lb_net *ln);
unsigned int l4lb_conn_count(struct l4lb_net *ln);
bool l4lb_conn_any6(struct l4lb_net *ln);
bool l4lb_conn_table_empty(struct l4lb_net *ln);
void l4lb_conn_gc(struct l4lb_net *ln);
unsigned long l4lb_conn_gc_delay(struct l4lb_net *ln);

/* conn_hash.c */
u32 l4lb_conn_hash(const struct l4lb_tuple *t);
struct l4lb_conn *l4lb_conn_find(struct l4lb_net *ln,
				 const struct l4lb_tuple *t, u32 hash);
unsigned int l4lb_conn_buckets(struct l4lb_net *ln);

static inline struct l4lb_conn *l4lb_conn_lookup(struct l4lb_net *ln,
						 const struct l4lb_tuple *t)
{
	return l4lb_conn_find(ln, t, l4lb_conn_hash(t));
}
bool l4lb_conn_walk(struct l4lb_net *ln, struct l4lb_conn_iter *it,
		    unsigned int budget,
		    bool (*fn)(struct l4lb_net *ln, struct l4lb_conn *cp,
			       void *arg),
		    void *arg);

struct tcphdr;

/* proto_tcp.c */
void l4lb_conn_set_state(struct l4lb_net *ln, struct l4lb_conn *cp,
			 enum l4lb_dir dir, const struct tcphdr *th);
unsigned long l4lb_conn_timeout(struct l4lb_net *ln,
				const struct l4lb_conn *cp, unsigned int state);

#endif /* _L4LB_CONN_H */
