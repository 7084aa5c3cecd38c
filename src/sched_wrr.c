// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin, interleaved: a current weight steps down from the
 * largest weight by the gcd of all weights, and each round serves the
 * servers whose weight reaches it. Weights 1,2,3 give exactly 1:2:3 over
 * every 6 picks.
 *
 * Pick: O(n) worst case in the number of servers n, O(n * max / gcd)
 * steps per full cycle of sum(weights) / gcd picks.
 */
#include <linux/gcd.h>

#include "sched.h"
#include "service.h"

struct l4lb_wrr {
	unsigned int n;
	int i;			/* last served slot */
	int cw;			/* current weight */
	int max;
	int gcd;
	struct l4lb_dest *dest[];
};

static size_t l4lb_wrr_size(unsigned int nr_dests)
{
	return struct_size_t(struct l4lb_wrr, dest, nr_dests);
}

static void l4lb_wrr_build(struct l4lb_service *svc, void *state)
{
	struct l4lb_wrr *wrr = state;
	struct l4lb_dest *dest;

	wrr->i = -1;
	list_for_each_entry(dest, &svc->dests, list) {
		if (!dest->weight)
			continue;
		dest->sched_idx = wrr->n;
		wrr->dest[wrr->n++] = dest;
		wrr->max = max_t(int, wrr->max, dest->weight);
		wrr->gcd = gcd(wrr->gcd, dest->weight);
	}
}

static struct l4lb_dest *l4lb_wrr_pick(struct l4lb_service *svc, void *state)
{
	struct l4lb_wrr *wrr = state;

	if (!wrr->n)
		return NULL;
	/* Terminates: every listed weight is >= gcd, so cw = max serves one. */
	for (;;) {
		wrr->i = (wrr->i + 1) % wrr->n;
		if (!wrr->i) {
			wrr->cw -= wrr->gcd;
			if (wrr->cw <= 0)
				wrr->cw = wrr->max;
		}
		if (wrr->dest[wrr->i]->weight >= wrr->cw)
			return wrr->dest[wrr->i];
	}
}

const struct l4lb_sched_ops l4lb_sched_wrr = {
	.name		= "wrr",
	.state_size	= l4lb_wrr_size,
	.build		= l4lb_wrr_build,
	.pick		= l4lb_wrr_pick,
};
