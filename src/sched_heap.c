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

static bool l4lb_heap_less(bool weighted, const struct l4lb_heap_node *a,
			   const struct l4lb_heap_node *b)
{
	u64 la = a->overhead, lb = b->overhead;

	if (weighted) {
		/* a/wa < b/wb without division */
		la *= b->weight;
		lb *= a->weight;
	}
	if (la != lb)
		return la < lb;
	return a->slot < b->slot;
}

/* Node @i becomes @n; picks read node[0].dest without the lock. */
static void l4lb_heap_put(struct l4lb_heap *h, unsigned int i,
			  const struct l4lb_heap_node *n)
{
	struct l4lb_heap_node *d = &h->node[i];

	WRITE_ONCE(d->dest, n->dest);
	d->overhead = n->overhead;
	d->weight = n->weight;
	d->slot = n->slot;
	h->pos[n->slot] = i;
}

/*
 * Move node @i to its place. The nodes it passes each move one step, into
 * the hole it leaves, and it is written once, at its place: a node and a
 * pos[] entry per level, where swaps wrote two of each. Meanwhile one
 * node is in two places and the moving one in none, but node[0] is only
 * ever overwritten by a whole node of the heap, so a pick still finds a
 * dest of the heap there.
 */
static void l4lb_heap_sift(struct l4lb_heap *h, unsigned int i)
{
	struct l4lb_heap_node n = h->node[i];
	bool weighted = h->weighted;
	unsigned int start = i;

	while (i) {
		unsigned int p = (i - 1) / 2;

		if (!l4lb_heap_less(weighted, &n, &h->node[p]))
			break;
		l4lb_heap_put(h, i, &h->node[p]);
		i = p;
	}
	/* Not up: then perhaps down. */
	if (i == start) {
		for (;;) {
			unsigned int c = 2 * i + 1;

			if (c >= h->len)
				break;
			if (c + 1 < h->len &&
			    l4lb_heap_less(weighted, &h->node[c + 1],
					   &h->node[c]))
				c++;
			if (!l4lb_heap_less(weighted, &h->node[c], &n))
				break;
			l4lb_heap_put(h, i, &h->node[c]);
			i = c;
		}
	}
	if (i != start)
		l4lb_heap_put(h, i, &n);
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
