/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hashing tables (sched_hash.c): private to the sh and mh schedulers, which
 * lay their buckets out differently but share the servers' shares, the
 * fallback and the pick, and to the selftests that check them.
 */
#ifndef _L4LB_SCHED_HASH_H
#define _L4LB_SCHED_HASH_H

#include <linux/siphash.h>

#include "sched.h"

/* A server with a share of the buckets, and its state while they are laid out. */
struct l4lb_hash_dest {
	struct l4lb_dest *dest;
	u32 quota;		/* buckets still to take */
	u32 turns;		/* buckets per pass: last_weight / gcd */
	u32 link;		/* the next server with a quota left */
	u32 pos;		/* mh: its next slot of its permutation */
	u32 skip;		/* mh: its permutation's step */
};

/*
 * A bucket holds the index in d[] of its server. With L4LB_HASH_DOWN, that
 * server is at weight 0 and the rest is the server a fallback takes
 * instead: the first one up after it in the table, or L4LB_HASH_NONE.
 * While the buckets are laid out, 0 is a free bucket and others hold the
 * index + 1.
 */
#define L4LB_HASH_DOWN		0x80000000U
#define L4LB_HASH_NONE		0x7fffffffU
#define L4LB_HASH_END		U32_MAX		/* the end of the link list */

struct l4lb_hash_tab {
	u32 size;		/* buckets */
	u32 n;			/* servers with a share, in d[] */
	u32 *bucket;		/* after d[], in the same allocation */
	struct l4lb_hash_dest d[];
};

size_t l4lb_hash_size(unsigned int nr_dests, u32 buckets);
u32 l4lb_hash_init(struct l4lb_service *svc, struct l4lb_hash_tab *tab,
		   u32 buckets);
void l4lb_hash_finish(struct l4lb_hash_tab *tab);
u64 l4lb_hash_dest(const struct l4lb_dest *dest, const siphash_key_t *key);
u32 l4lb_hash_client(const struct l4lb_tuple *t, u32 sched_flags);

/*
 * The server of bucket @b of @tab for a flow of a service with
 * @sched_flags: NULL if it is at weight 0, unless the flags say
 * fallback. O(1): the fallback is in the bucket.
 */
static inline struct l4lb_dest *
l4lb_hash_pick(const struct l4lb_hash_tab *tab, u32 b, u32 sched_flags)
{
	u32 e = tab->bucket[b];

	if (unlikely(e & L4LB_HASH_DOWN)) {
		if (!(sched_flags & L4LB_SVC_SCHED_F_FALLBACK))
			return NULL;
		e &= ~L4LB_HASH_DOWN;
		if (e == L4LB_HASH_NONE)
			return NULL;
	}
	return tab->d[e].dest;
}

#endif /* _L4LB_SCHED_HASH_H */
