// SPDX-License-Identifier: GPL-2.0
/*
 * Source hashing, as IPVS's sh: a client's address (with sh-port, its
 * address and port) hashes to a bucket of a table whose buckets belong
 * to the servers in shares proportional to their weights.
 *
 * It is not consistent hashing: adding or removing a server, or changing
 * a weight to another that is not 0, lays the buckets out anew and may
 * move clients of every server, as IPVS's sh does (mh does not). What sh
 * guarantees: a client goes to the same server as long as the servers
 * and their weights stay the same, and on every director that has the
 * same servers and weights, whatever order they were added in
 * (sched_hash.c); each server's share of the buckets is its weight's
 * within one bucket.
 *
 * A server set to weight 0 keeps the buckets of its last weight, so
 * draining it moves no other server's clients: its own are refused (a
 * port unreachable) or, with sh-fallback, go to the server of the next
 * bucket up that is not at weight 0. IPVS's sh instead lays its table
 * out again, with one bucket per pass for a server at weight 0.
 *
 * The table: 64 buckets per server, a power of two from IPVS's 256 up
 * to 65536, so shares are within 1/64 of the weights' for up to 1024
 * servers. It is laid out in passes over the servers in address order,
 * each taking last_weight / gcd buckets per pass, at positions spread
 * over the table by an odd stride: the bucket after one of a server's
 * is any server's, and a drained server's clients fall back to many.
 *
 * Pick: O(1) and lockless, a siphash of the client and a table read; the
 * table is replaced, never changed (sched.c). Build: O(b + n log n) for
 * b buckets and n servers, on configuration changes only.
 */
#include <linux/log2.h>

#include "sched_hash.h"

#define L4LB_SH_PER_DEST	64
#define L4LB_SH_MIN		256
#define L4LB_SH_MAX		65536
/* Odd, so j -> j * stride is a permutation modulo any power of two. */
#define L4LB_SH_STRIDE		0x9e3779b1U

static u32 l4lb_sh_buckets(unsigned int nr_dests)
{
	if (nr_dests <= L4LB_SH_MIN / L4LB_SH_PER_DEST)
		return L4LB_SH_MIN;
	if (nr_dests >= L4LB_SH_MAX / L4LB_SH_PER_DEST)
		return L4LB_SH_MAX;
	return roundup_pow_of_two(nr_dests * L4LB_SH_PER_DEST);
}

static size_t l4lb_sh_size(unsigned int nr_dests)
{
	return l4lb_hash_size(nr_dests, l4lb_sh_buckets(nr_dests));
}

static void l4lb_sh_build(struct l4lb_service *svc, void *state,
			  const void *prev)
{
	struct l4lb_hash_tab *tab = state;
	u32 head, *link, i, j = 0, mask;

	head = l4lb_hash_init(svc, tab, l4lb_sh_buckets(svc->nr_dests));
	mask = tab->size - 1;
	/* The quotas add up to the table: every bucket is taken once. */
	while (head != L4LB_HASH_END) {
		link = &head;
		for (i = head; i != L4LB_HASH_END; i = tab->d[i].link) {
			struct l4lb_hash_dest *d = &tab->d[i];
			u32 take = min(d->turns, d->quota);

			d->quota -= take;
			while (take--)
				tab->bucket[(j++ * L4LB_SH_STRIDE) & mask] = i + 1;
			if (d->quota)
				link = &d->link;
			else
				*link = d->link;
		}
	}
	l4lb_hash_finish(tab);
}

static struct l4lb_dest *l4lb_sh_pick(struct l4lb_service *svc, void *state,
				      const struct l4lb_tuple *t)
{
	const struct l4lb_hash_tab *tab = state;
	u32 flags = READ_ONCE(svc->sched_flags);

	if (!tab->n)
		return NULL;
	return l4lb_hash_pick(tab, l4lb_hash_client(t, flags) & (tab->size - 1),
			      flags);
}

const struct l4lb_sched_ops l4lb_sched_sh = {
	.name		= "sh",
	.flags		= L4LB_SVC_SCHED_F_FALLBACK | L4LB_SVC_SCHED_F_PORT,
	.state_size	= l4lb_sh_size,
	.build		= l4lb_sh_build,
	.build_unlocked	= true,
	.pick		= l4lb_sh_pick,
};
