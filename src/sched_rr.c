// SPDX-License-Identifier: GPL-2.0
/*
 * Round robin: the next server with a non-zero weight after the last one.
 *
 * A configuration change keeps the place, as IPVS does: the next pick is
 * the server after the one picked last (a new server goes first, so it
 * waits for the next round) or, that one deleted or set to weight 0, the
 * server that followed it.
 *
 * Pick: O(1) and lockless. One atomic cursor per service, so servers take
 * turns exactly across all CPUs; the state is replaced, never changed, on
 * a configuration change (sched.c).
 */
#include <linux/atomic.h>

#include "sched.h"

struct l4lb_rr {
	atomic_t next;			/* picks so far; 0: the first server */
	unsigned int n;
	struct l4lb_dest *dest[];
};

static size_t l4lb_rr_size(unsigned int nr_dests)
{
	return struct_size_t(struct l4lb_rr, dest, nr_dests);
}

static void l4lb_rr_build(struct l4lb_service *svc, void *state,
			  const void *prev)
{
	const struct l4lb_rr *old = prev;
	struct l4lb_dest *dest, *last = NULL;
	struct l4lb_rr *rr = state;
	unsigned int at = 0, next;

	next = old ? (unsigned int)atomic_read(&old->next) : 0;
	if (next && old->n) {
		at = (next - 1) % old->n;
		last = old->dest[at];
	}
	next = at;
	list_for_each_entry(dest, &svc->dests, list) {
		if (!dest->weight)
			continue;
		dest->sched_idx = rr->n;
		rr->dest[rr->n++] = dest;
		if (dest == last)
			next = rr->n;
	}
	/* Not found: the one that followed the last pick now has its slot. */
	if (rr->n)
		atomic_set(&rr->next, next % rr->n);
}

static struct l4lb_dest *l4lb_rr_pick(struct l4lb_service *svc, void *state,
				      const struct l4lb_tuple *t)
{
	struct l4lb_rr *rr = state;

	if (!rr->n)
		return NULL;
	return rr->dest[(unsigned int)atomic_fetch_inc(&rr->next) % rr->n];
}

const struct l4lb_sched_ops l4lb_sched_rr = {
	.name		= "rr",
	.state_size	= l4lb_rr_size,
	.build		= l4lb_rr_build,
	.pick		= l4lb_rr_pick,
};
