// SPDX-License-Identifier: GPL-2.0
/*
 * Round robin: the next server with a non-zero weight after the last one.
 *
 * Pick: O(1) and lockless. One atomic cursor per service, so servers take
 * turns exactly across all CPUs; the state is replaced, never changed, on
 * a configuration change (sched.c).
 */
#include <linux/atomic.h>

#include "sched.h"

struct l4lb_rr {
	atomic_t next;
	unsigned int n;
	struct l4lb_dest *dest[];
};

static size_t l4lb_rr_size(unsigned int nr_dests)
{
	return struct_size_t(struct l4lb_rr, dest, nr_dests);
}

static void l4lb_rr_build(struct l4lb_service *svc, void *state)
{
	struct l4lb_rr *rr = state;
	struct l4lb_dest *dest;

	list_for_each_entry(dest, &svc->dests, list) {
		if (!dest->weight)
			continue;
		dest->sched_idx = rr->n;
		rr->dest[rr->n++] = dest;
	}
}

static struct l4lb_dest *l4lb_rr_pick(struct l4lb_service *svc, void *state)
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
