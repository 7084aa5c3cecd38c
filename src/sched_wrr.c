// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin, interleaved, as IPVS's: a current weight steps down
 * from the largest weight by the gcd of all weights, and each pass over
 * the servers serves those whose weight reaches it. Weights 1,2,3 give
 * exactly 1:2:3 over every 6 picks.
 *
 * A configuration change starts the next pick from the first server (the
 * last added) and keeps the current weight, brought into the new range,
 * so the sequence is IPVS's for the same history of changes.
 *
 * Pick: lockless. The place in the sequence (current weight and next
 * slot) is one 64-bit word that a pick advances with a compare-and-swap,
 * so the sequence, and with it the exact ratio of weights over a cycle,
 * holds across all CPUs; the state is replaced, never changed, on a
 * configuration change (sched.c). O(n) steps worst case in the number of
 * servers n, O(n * max / gcd) per full cycle of sum(weights) / gcd picks.
 */
#include <linux/atomic.h>
#include <linux/gcd.h>

#include "sched.h"

struct l4lb_wrr_slot {
	struct l4lb_dest *dest;
	u32 weight;			/* as built: edits make a new state */
};

struct l4lb_wrr {
	atomic64_t pos;			/* current weight << 32 | next slot */
	unsigned int n;
	u32 mw;				/* largest weight - (gcd - 1) */
	u32 gcd;
	struct l4lb_wrr_slot slot[];
};

static size_t l4lb_wrr_size(unsigned int nr_dests)
{
	return struct_size_t(struct l4lb_wrr, slot, nr_dests);
}

static void l4lb_wrr_build(struct l4lb_service *svc, void *state,
			   const void *prev)
{
	const struct l4lb_wrr *old = prev;
	struct l4lb_wrr *wrr = state;
	struct l4lb_dest *dest;
	u32 max = 0, cw = 0;

	list_for_each_entry(dest, &svc->dests, list) {
		if (!dest->weight)
			continue;
		dest->sched_idx = wrr->n;
		wrr->slot[wrr->n].dest = dest;
		wrr->slot[wrr->n++].weight = dest->weight;
		max = max(max, dest->weight);
		wrr->gcd = gcd(wrr->gcd, dest->weight);
	}
	if (!wrr->n)
		return;
	/*
	 * With a gcd g > 1, current weights are 1 more than multiples of g:
	 * the same servers reach them as reach those multiples.
	 */
	wrr->mw = max - (wrr->gcd - 1);
	if (old)
		cw = atomic64_read(&old->pos) >> 32;
	if (!cw || cw > wrr->mw)
		cw = wrr->mw;
	else if (wrr->gcd > 1)
		cw = cw / wrr->gcd * wrr->gcd + 1;
	atomic64_set(&wrr->pos, (s64)cw << 32);
}

static struct l4lb_dest *l4lb_wrr_pick(struct l4lb_service *svc, void *state,
				       const struct l4lb_tuple *t)
{
	struct l4lb_wrr *wrr = state;
	s64 old, cw;
	u32 i;

	if (!wrr->n)
		return NULL;
	old = atomic64_read(&wrr->pos);
	do {
		cw = old >> 32;
		i = (u32)old;
		/* Terminates: cw is at most mw, which the largest weight reaches. */
		for (;; i++) {
			if (i >= wrr->n) {
				i = 0;
				cw -= wrr->gcd;
				if (cw <= 0)
					cw = wrr->mw;
			}
			if (wrr->slot[i].weight >= cw)
				break;
		}
	} while (!atomic64_try_cmpxchg(&wrr->pos, &old, cw << 32 | (i + 1)));
	return wrr->slot[i].dest;
}

const struct l4lb_sched_ops l4lb_sched_wrr = {
	.name		= "wrr",
	.state_size	= l4lb_wrr_size,
	.build		= l4lb_wrr_build,
	.pick		= l4lb_wrr_pick,
};
