/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The min-heap of servers by load (sched_heap.c): private to the lc and
 * wlc schedulers, which share it.
 */
#ifndef _L4LB_SCHED_HEAP_H
#define _L4LB_SCHED_HEAP_H

#include "sched.h"

struct l4lb_heap_node {
	struct l4lb_dest *dest;
	u32 overhead;		/* cached: only changed with a re-sift */
	u32 weight;
	u32 slot;		/* the dest's sched_idx, in dest list order */
};

/*
 * The nodes, then where each slot's node is: a sift moves nodes and
 * updates pos[], and never writes to the dests.
 */
struct l4lb_heap {
	bool weighted;
	unsigned int len;
	u32 *pos;
	struct l4lb_heap_node node[];
};

size_t l4lb_heap_size(unsigned int nr_dests);
void l4lb_heap_build(struct l4lb_service *svc, struct l4lb_heap *h,
		     bool weighted);
struct l4lb_dest *l4lb_heap_pick(struct l4lb_service *svc, void *state,
				 const struct l4lb_tuple *t);
void l4lb_heap_update(void *state, struct l4lb_dest *dest);

#endif /* _L4LB_SCHED_HEAP_H */
