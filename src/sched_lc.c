// SPDX-License-Identifier: GPL-2.0
/*
 * Least connections: the server with the least overhead
 * (active * 256 + inactive), ties to the earliest added.
 *
 * Servers sit in a min-heap keyed on overhead (sched_heap.c): a pick reads
 * the root, O(1); each change of a server's load re-sifts it, O(log n).
 * IPVS scans all n servers per new connection instead.
 */
#include "sched_heap.h"

static void l4lb_lc_build(struct l4lb_service *svc, void *state,
			  const void *prev)
{
	l4lb_heap_build(svc, state, false);
}

const struct l4lb_sched_ops l4lb_sched_lc = {
	.name		= "lc",
	.state_size	= l4lb_heap_size,
	.build		= l4lb_lc_build,
	.pick		= l4lb_heap_pick,
	.load_changed	= l4lb_heap_update,
};
