// SPDX-License-Identifier: GPL-2.0
/*
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
#include "l4lb.h"

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
struct l4lb_dest *l4lb_persist_schedule(struct l4lb_net *ln,
					struct l4lb_service *svc,
					const struct l4lb_tuple *t,
					struct l4lb_conn **tmpl)
{
	struct l4lb_tuple key;
	struct l4lb_dest *dest;
	struct l4lb_conn *tp;

	memset(&key, 0, sizeof(key));
	key.src.ip = t->src.ip & svc->netmask;
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
		dest = l4lb_schedule(svc);
		if (!dest)
			return NULL;
		refcount_inc(&dest->refcnt);
		tp = l4lb_tmpl_new(ln, &key, dest);
		/* Racing CPUs each place their flow; one template wins. */
	}
	if (tp) {
		WRITE_ONCE(tp->expires, jiffies + svc->persist_timeout);
		l4lb_gc_due(ln, tp->expires);
	}
	*tmpl = tp;
	return dest;
}
