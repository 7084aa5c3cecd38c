// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted least connections (the default): the server with the least
 * overhead / weight, compared by cross-multiplying in 64 bits so that no
 * precision is lost; ties go to the earliest added.
 *
 * Same min-heap as lc (sched_heap.c): pick O(1), load change O(log n),
 * where IPVS scans all n servers per new connection.
 */
#include "sched_heap.h"

static void l4lb_wlc_build(struct l4lb_service *svc, void *state,
			  const void *prev)
{
	l4lb_heap_build(svc, state, true);
}

const struct l4lb_sched_ops l4lb_sched_wlc = {
	.name		= "wlc",
	.state_size	= l4lb_heap_size,
	.build		= l4lb_wlc_build,
	.pick		= l4lb_heap_pick,
	.load_changed	= l4lb_heap_update,
};
