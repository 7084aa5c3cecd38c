// SPDX-License-Identifier: GPL-2.0
/*
 * Which connection a request belongs to: the one in the table while it is
 * good for it, else a new flow scheduled to a server and entered in the
 * table.
 *
 * A TCP packet that is not a SYN and matches no connection is left alone
 * (unless net.l4lb.sloppy_tcp): the local stack answers it with a RST,
 * which is what the client needs. With sloppy_tcp a mid-flow segment (an
 * ACK, with or without data, PSH or FIN) is adopted as ESTABLISHED, as
 * after a takeover from another director: sh and mh send it to the
 * server the first director chose. A RST, or a segment with neither SYN
 * nor ACK, which no live flow sends, is still left alone.
 *
 * Persistence (-p, -M): a client, or a client network under the service's
 * netmask, keeps going to one server while a template entry lives. A
 * template sits in the connection table under its own direction, expires
 * the persistence timeout after the last flow it placed began, and never
 * while such a flow is alive.
 *
 * A template whose server was deleted is dropped at once; one whose server
 * was set to weight 0 keeps its clients unless
 * net.l4lb.expire_quiescent_template says otherwise.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/tcp.h>
#include <net/ipv6.h>

#include "conn.h"
#include "netns.h"
#include "sched.h"
#include "schedule.h"
#include "service.h"
#include "xmit.h"

static bool l4lb_tmpl_usable(struct l4lb_net *ln, struct l4lb_conn *tmpl)
{
	struct l4lb_dest *dest = tmpl->dest;

	if (l4lb_conn_expired(tmpl) || READ_ONCE(dest->gone))
		return false;
	return READ_ONCE(dest->weight) ||
	       !READ_ONCE(ln->sysctl.expire_quiescent_template);
}

/*
 * Pick a dest for the new flow @t of persistent @svc. Returns the dest
 * with a reference and, in @tmpl, the template with one, or NULL.
 */
static struct l4lb_dest *l4lb_persist_schedule(struct l4lb_net *ln,
					       struct l4lb_service *svc,
					       const struct l4lb_tuple *t,
					       struct l4lb_conn **tmpl)
{
	struct l4lb_tuple key;
	struct l4lb_dest *dest;
	struct l4lb_conn *tp;

	memset(&key, 0, sizeof(key));
	if (t->af == AF_INET6)
		ipv6_addr_prefix(&key.src.in6, &t->src.in6,
				 READ_ONCE(svc->plen));
	else
		key.src.ip = t->src.ip & READ_ONCE(svc->netmask);
	key.dst = t->dst;
	key.dport = t->dport;
	key.af = t->af;
	key.protocol = t->protocol;
	key.dir = L4LB_DIR_TEMPLATE;

	tp = l4lb_conn_lookup(ln, &key);
	if (tp && !l4lb_tmpl_usable(ln, tp)) {
		l4lb_conn_expire(ln, tp);
		tp = NULL;
	}
	if (tp && refcount_inc_not_zero(&tp->refcnt)) {
		dest = tp->dest;
		refcount_inc(&dest->refcnt);
	} else {
		dest = l4lb_sched_pick(svc, t);
		if (!dest)
			return NULL;
		refcount_inc(&dest->refcnt);
		tp = l4lb_tmpl_new(ln, &key, dest);
		/* Racing CPUs each place their flow; one template wins. */
	}
	if (tp) {
		WRITE_ONCE(tp->expires,
			   jiffies + READ_ONCE(svc->persist_timeout));
		l4lb_gc_due(ln, tp->expires);
	}
	*tmpl = tp;
	return dest;
}

/*
 * A flow's first packet (@t, of l4lb_conn_hash() @hash): schedule it and
 * create its connection. Returns
 * NULL to let the packet pass untouched, an ERR_PTR to drop it.
 */
static struct l4lb_conn *l4lb_conn_schedule(struct l4lb_net *ln,
					    struct sk_buff *skb,
					    const struct l4lb_tuple *t, u32 hash,
					    const struct tcphdr *th)
{
	u8 state = th ? L4LB_TCP_SYN_RECV : L4LB_TCP_NONE;
	struct l4lb_conn *tmpl = NULL, *cp;
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	struct l4lb_dest *dest;

	/*
	 * Only a SYN opens a TCP flow, unless sloppy_tcp adopts mid-flow.
	 * Every segment after the handshake carries an ACK: one with
	 * neither SYN nor ACK (a FIN, NULL or XMAS probe) is no flow's, and
	 * adopted it would hold an ESTABLISHED entry for the full timeout.
	 */
	if (th && (!th->syn || th->ack || th->rst)) {
		if (th->rst || !READ_ONCE(ln->sysctl.sloppy_tcp))
			return NULL;
		if (!th->syn && !th->ack)
			return NULL;
		state = th->syn ? L4LB_TCP_SYN_RECV : L4LB_TCP_ESTABLISHED;
	}
	memset(&key, 0, sizeof(key));
	key.addr = t->dst;
	key.port = t->dport;
	key.af = t->af;
	key.protocol = t->protocol;
	svc = l4lb_service_lookup(ln, &key);
	if (!svc)
		return NULL;

	if (!l4lb_conn_reserve(ln)) {
		l4lb_drop(ln, L4LB_DROP_CONN_MAX);
		return ERR_PTR(-ENOSPC);
	}
	if (READ_ONCE(svc->flags) & L4LB_SVC_F_PERSISTENT)
		dest = l4lb_persist_schedule(ln, svc, t, &tmpl);
	else
		dest = l4lb_sched_pick(svc, t);
	if (!dest) {
		l4lb_conn_unreserve(ln);
		/* No server can take it: fail fast rather than time out. */
		l4lb_drop(ln, L4LB_DROP_NO_DEST);
		if (t->af == AF_INET6)
			icmpv6_send(skb, ICMPV6_DEST_UNREACH,
				    ICMPV6_PORT_UNREACH, 0);
		else
			l4lb_icmp_send(skb, ICMP_DEST_UNREACH,
				       ICMP_PORT_UNREACH, 0);
		return ERR_PTR(-EHOSTUNREACH);
	}
	cp = l4lb_flow_alloc(ln, t, hash, dest, tmpl, state);
	if (!cp) {
		l4lb_conn_unreserve(ln);
		if (tmpl)
			l4lb_conn_put(tmpl);
		l4lb_dest_put(dest);
		l4lb_drop(ln, L4LB_DROP_NOMEM);
		return ERR_PTR(-ENOMEM);
	}
	cp = l4lb_flow_add(ln, cp);
	if (IS_ERR(cp))
		l4lb_drop(ln, PTR_ERR(cp) == -EEXIST ? L4LB_DROP_CLASH :
						       L4LB_DROP_NOMEM);
	return cp;
}

/*
 * The connection found for a request, if it still takes it. NULL when it
 * goes and the request is scheduled afresh: it expired; a new SYN reuses
 * the client port of a closed flow and conn_reuse_mode says so; or, with
 * expire_nodest_conn, a new SYN comes to a server of weight 0 or its
 * server was deleted.
 *
 * ERR_PTR(-ENOENT), to drop the packet, when its server was deleted and
 * expire_nodest_conn is 0. The connection stays until it times out, so
 * that re-adding the server in the meantime gives the flow back to it
 * (l4lb_dest_add()). All as in IPVS, in IPVS's order: a new SYN on a
 * closed flow's port is scheduled afresh even if that flow's server is
 * gone.
 */
static struct l4lb_conn *l4lb_conn_check(struct l4lb_net *ln,
					 struct l4lb_conn *cp,
					 const struct tcphdr *th)
{
	bool nodest = READ_ONCE(ln->sysctl.expire_nodest_conn);
	bool syn = th && th->syn && !th->ack;
	struct l4lb_dest *dest = cp->dest;
	u8 state;

	if (l4lb_conn_expired(cp))
		goto expire;
	if (syn) {
		state = READ_ONCE(cp->state);
		if ((state == L4LB_TCP_TIME_WAIT || state == L4LB_TCP_CLOSE) &&
		    READ_ONCE(ln->sysctl.conn_reuse_mode))
			goto expire;
		if (nodest && !READ_ONCE(dest->weight))
			goto expire;
	}
	if (unlikely(READ_ONCE(dest->gone))) {
		if (nodest)
			goto expire;
		l4lb_drop(ln, L4LB_DROP_DEST_GONE);
		return ERR_PTR(-ENOENT);
	}
	return cp;

expire:
	l4lb_conn_expire(ln, cp);
	return NULL;
}

/*
 * The connection of request @t (@th: its TCP header, NULL for UDP).
 * Returns NULL to let the packet pass untouched, an ERR_PTR to drop it.
 */
struct l4lb_conn *l4lb_conn_for_request(struct l4lb_net *ln,
					struct sk_buff *skb,
					const struct l4lb_tuple *t,
					const struct tcphdr *th)
{
	u32 hash = l4lb_conn_hash(t);
	struct l4lb_conn *cp;

	cp = l4lb_conn_find(ln, t, hash);
	if (cp) {
		cp = l4lb_conn_check(ln, cp, th);
		if (cp)
			return cp;
	}
	return l4lb_conn_schedule(ln, skb, t, hash, th);
}
