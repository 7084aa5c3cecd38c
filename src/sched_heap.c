// SPDX-License-Identifier: GPL-2.0
/*
 * Binary min-heap of servers ordered by load, shared by lc and wlc.
 *
 * Each node caches the overhead it was last sifted with, so comparisons
 * never see a load that moved under them; a load change updates one node
 * and re-sifts it, O(log n), touching the heap's own memory only. Builds
 * and sifts run under svc->sched_lock; picks read the root without it.
 */
#include "sched.h"
#include "sched_heap.h"

size_t l4lb_heap_size(unsigned int nr_dests)
{
	return struct_size_t(struct l4lb_heap, node, nr_dests) +
	       array_size(nr_dests, sizeof(u32));
}

static bool l4lb_heap_less(const struct l4lb_heap *h,
			   const struct l4lb_heap_node *a,
			   const struct l4lb_heap_node *b)
{
	u64 la = a->overhead, lb = b->overhead;

	if (h->weighted) {
		/* a/wa < b/wb without division */
		la *= b->weight;
		lb *= a->weight;
	}
	if (la != lb)
		return la < lb;
	return a->slot < b->slot;
}

/* Picks read node[0].dest without the lock: it is stored whole. */
static void l4lb_heap_swap(struct l4lb_heap *h, unsigned int i, unsigned int j)
{
	struct l4lb_heap_node *a = &h->node[i], *b = &h->node[j];
	struct l4lb_heap_node t = *a;

	WRITE_ONCE(a->dest, b->dest);
	a->overhead = b->overhead;
	a->weight = b->weight;
	a->slot = b->slot;
	WRITE_ONCE(b->dest, t.dest);
	b->overhead = t.overhead;
	b->weight = t.weight;
	b->slot = t.slot;
	h->pos[a->slot] = i;
	h->pos[b->slot] = j;
}

static void l4lb_heap_sift(struct l4lb_heap *h, unsigned int i)
{
	while (i && l4lb_heap_less(h, &h->node[i], &h->node[(i - 1) / 2])) {
		l4lb_heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->len && l4lb_heap_less(h, &h->node[l], &h->node[m]))
			m = l;
		if (r < h->len && l4lb_heap_less(h, &h->node[r], &h->node[m]))
			m = r;
		if (m == i)
			return;
		l4lb_heap_swap(h, i, m);
		i = m;
	}
}

void l4lb_heap_build(struct l4lb_service *svc, struct l4lb_heap *h,
		     bool weighted)
{
	struct l4lb_dest *dest;

	lockdep_assert_held(&svc->sched_lock);
	h->weighted = weighted;
	/* The state has room for svc->nr_dests at least. */
	h->pos = (u32 *)&h->node[svc->nr_dests];
	list_for_each_entry(dest, &svc->dests, list) {
		struct l4lb_heap_node *n;

		if (!dest->weight)
			continue;
		n = &h->node[h->len];
		n->dest = dest;
		n->overhead = l4lb_dest_overhead(dest);
		n->weight = dest->weight;
		n->slot = h->len;
		dest->sched_idx = h->len;
		h->pos[h->len] = h->len;
		l4lb_heap_sift(h, h->len++);
	}
}

struct l4lb_dest *l4lb_heap_pick(struct l4lb_service *svc, void *state,
				 const struct l4lb_tuple *t)
{
	struct l4lb_heap *h = state;

	/* Lockless: the root as it is, a sift may be moving it. */
	return h->len ? READ_ONCE(h->node[0].dest) : NULL;
}

void l4lb_heap_update(void *state, struct l4lb_dest *dest)
{
	struct l4lb_heap *h = state;
	unsigned int i = h->pos[dest->sched_idx];

	h->node[i].overhead = l4lb_dest_overhead(dest);
	l4lb_heap_sift(h, i);
}
