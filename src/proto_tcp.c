// SPDX-License-Identifier: GPL-2.0
/*
 * TCP state as the director sees it, and the per-state idle timeouts.
 *
 * NAT sees both halves of a conversation: a flow is ESTABLISHED only once
 * the server's SYN-ACK and then the client's ACK went through, so a client
 * cannot fake an established flow to a server that never answered. The
 * input-only table is for methods where replies bypass the director.
 */
#include <linux/tcp.h>

#include "conn.h"
#include "sched.h"
#include "service.h"

enum { EV_SYN, EV_FIN, EV_ACK, EV_RST, EV_MAX };

#define sNO L4LB_TCP_NONE
#define sSR L4LB_TCP_SYN_RECV
#define sSA L4LB_TCP_SYNACK
#define sES L4LB_TCP_ESTABLISHED
#define sFW L4LB_TCP_FIN_WAIT
#define sCW L4LB_TCP_CLOSE_WAIT
#define sTW L4LB_TCP_TIME_WAIT
#define sCL L4LB_TCP_CLOSE

enum { TBL_CLIENT, TBL_SERVER, TBL_INPUT_ONLY, TBL_MAX };

static const u8 l4lb_tcp_next[TBL_MAX][EV_MAX][__L4LB_TCP_MAX] = {
	[TBL_CLIENT] = {
		/*	    sNO  sSR  sSA  sES  sFW  sCW  sTW  sCL */
		[EV_SYN] = { sSR, sSR, sSA, sES, sFW, sCW, sSR, sSR },
		[EV_FIN] = { sNO, sFW, sFW, sFW, sFW, sTW, sTW, sCL },
		[EV_ACK] = { sNO, sSR, sES, sES, sFW, sCW, sTW, sCL },
		[EV_RST] = { sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	[TBL_SERVER] = {
		[EV_SYN] = { sNO, sSA, sSA, sES, sFW, sCW, sTW, sCL },
		[EV_FIN] = { sNO, sCW, sCW, sCW, sTW, sCW, sTW, sCL },
		[EV_ACK] = { sNO, sSR, sSA, sES, sFW, sCW, sTW, sCL },
		[EV_RST] = { sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	[TBL_INPUT_ONLY] = {
		[EV_SYN] = { sSR, sSR, sSA, sES, sFW, sCW, sSR, sSR },
		[EV_FIN] = { sNO, sFW, sFW, sFW, sFW, sTW, sTW, sCL },
		[EV_ACK] = { sNO, sES, sES, sES, sFW, sCW, sTW, sCL },
		[EV_RST] = { sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
};

static const u8 l4lb_tcp_timeout_slot[__L4LB_TCP_MAX] = {
	[L4LB_TCP_NONE]		= L4LB_TO_TCP_CLOSE,
	[L4LB_TCP_SYN_RECV]	= L4LB_TO_TCP_SYN_RECV,
	[L4LB_TCP_SYNACK]	= L4LB_TO_TCP_SYNACK,
	[L4LB_TCP_ESTABLISHED]	= L4LB_TO_TCP_ESTABLISHED,
	[L4LB_TCP_FIN_WAIT]	= L4LB_TO_TCP_FIN_WAIT,
	[L4LB_TCP_CLOSE_WAIT]	= L4LB_TO_TCP_CLOSE_WAIT,
	[L4LB_TCP_TIME_WAIT]	= L4LB_TO_TCP_TIME_WAIT,
	[L4LB_TCP_CLOSE]	= L4LB_TO_TCP_CLOSE,
};

/* A service's own idle timeout, if set, replaces ESTABLISHED's and UDP's. */
unsigned long l4lb_conn_timeout(struct l4lb_net *ln,
				const struct l4lb_conn *cp, unsigned int state)
{
	unsigned long idle = READ_ONCE(cp->dest->svc->idle_timeout);

	if (cp->protocol != IPPROTO_TCP)
		return idle ?: READ_ONCE(ln->timeouts[L4LB_TO_UDP]);
	if (state == L4LB_TCP_ESTABLISHED && idle)
		return idle;
	return READ_ONCE(ln->timeouts[l4lb_tcp_timeout_slot[state]]);
}

static int l4lb_tcp_event(const struct tcphdr *th)
{
	if (th->rst)
		return EV_RST;
	if (th->syn)
		return EV_SYN;
	if (th->fin)
		return EV_FIN;
	if (th->ack)
		return EV_ACK;
	return -1;
}

/*
 * Push @cp's expiry to @exp unless it already is within a small slack of it
 * (an eighth of the timeout @t, at most a second), as flow_offload_refresh()
 * does: most packets then leave the connection's cache line clean. The
 * store is lockless; one racing a state change may leave the old state's
 * timeout, which the next packet corrects (it moves by more than the slack).
 */
static void l4lb_conn_refresh(struct l4lb_net *ln, struct l4lb_conn *cp,
			      unsigned long t)
{
	unsigned long old = READ_ONCE(cp->expires);
	unsigned long slack = min_t(unsigned long, t >> 3, HZ);
	unsigned long exp = jiffies + t;

	if (time_in_range(exp, old - slack, old + slack))
		return;
	WRITE_ONCE(cp->expires, exp);
	/* Sooner than before: the timeout was lowered meanwhile. */
	if (time_before(exp, old))
		l4lb_gc_due(ln, exp);
}

/*
 * Advance @cp's state for a segment seen in direction @dir (@th is NULL for
 * UDP) and push its expiry out by the new state's timeout. Only a segment
 * that changes the state takes cp->lock. A move into or out of ESTABLISHED
 * moves the flow between the dest's active and inactive counts, which
 * load-based schedulers are told about.
 */
void l4lb_conn_set_state(struct l4lb_net *ln, struct l4lb_conn *cp,
			 enum l4lb_dir dir, const struct tcphdr *th)
{
	struct l4lb_dest *dest = cp->dest;
	bool moved = false;
	unsigned long exp;
	int tbl, ev;
	u8 old, new;

	if (!th) {
		if (dir == L4LB_DIR_REPLY)
			l4lb_tmpl_assure(cp);
		l4lb_conn_refresh(ln, cp, l4lb_conn_timeout(ln, cp, L4LB_TCP_NONE));
		return;
	}

	ev = l4lb_tcp_event(th);
	if (cp->fwd != L4LB_FWD_MASQ)
		tbl = TBL_INPUT_ONLY;
	else
		tbl = dir == L4LB_DIR_ORIG ? TBL_CLIENT : TBL_SERVER;

	old = READ_ONCE(cp->state);
	if (ev < 0 || l4lb_tcp_next[tbl][ev][old] == old) {
		l4lb_conn_refresh(ln, cp, l4lb_conn_timeout(ln, cp, old));
		return;
	}

	spin_lock_bh(&cp->lock);
	/* Read again: another CPU may have moved it meanwhile. */
	old = cp->state;
	new = l4lb_tcp_next[tbl][ev][old];
	if (new != old && !cp->dead) {
		WRITE_ONCE(cp->state, new);
		if (old == L4LB_TCP_ESTABLISHED) {
			atomic_dec(&dest->active);
			atomic_inc(&dest->inactive);
			moved = true;
		} else if (new == L4LB_TCP_ESTABLISHED) {
			atomic_dec(&dest->inactive);
			atomic_inc(&dest->active);
			moved = true;
			l4lb_tmpl_assure(cp);
		}
	}
	exp = jiffies + l4lb_conn_timeout(ln, cp, new);
	WRITE_ONCE(cp->expires, exp);
	spin_unlock_bh(&cp->lock);

	/* A new state may have a shorter timeout. */
	if (new != old)
		l4lb_gc_due(ln, exp);

	if (moved)
		l4lb_sched_load_changed(dest);
}
