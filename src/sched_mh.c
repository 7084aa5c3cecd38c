// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, section 3.4), as IPVS's mh: each
 * server has its own permutation of a lookup table of prime size M, from
 * a hash of its address and port (a first slot and a step), and the
 * servers take turns claiming the free slot they prefer most until the
 * table is full. A client's address (with mh-port, its address and
 * port) hashes to a slot.
 *
 * Consistent: a server's preferences are its own, so removing one hands
 * its slots to the others and moves few slots of theirs (selftest.c
 * holds it to a bound), and adding it back builds the same table again.
 * The table depends on the servers and their weights only, not on the
 * order they were added in (sched_hash.c): directors of a fleet with the
 * same configuration send a client to the same server.
 *
 * Weights: as IPVS, a server claims last_weight / gcd slots per turn;
 * unlike IPVS, each stops at its share of M by weight (within one slot),
 * so a last, partial, round of turns cannot shortchange the servers late
 * in it. A server set to weight 0 keeps the slots of its last weight, as
 * IPVS's does, so draining it moves no other server's clients: its own
 * are refused, or with mh-fallback go to the server of the next slot up
 * that is not at weight 0.
 *
 * The table size is the module parameter mh_table_size, 65537 by default,
 * the paper's: each server gets M/N slots within one, so the servers'
 * shares are within N/M of each other, 0.15% with 100 servers and 1.5%
 * with 1000, where IPVS's default of 4093 gives 2.4% and 24% (and IPVS
 * refuses more servers than slots). A bigger table also moves fewer
 * other clients when a server goes. The cost is 4 bytes a slot, 256 KiB
 * per mh service, and a rebuild of about M ln M steps on each
 * configuration change, off the packet path; a host with many small mh
 * services can load with mh_table_size=4093. It is read-only once
 * loaded: directors must agree on it, and every table has its size.
 *
 * Pick: O(1) and lockless, a siphash of the client, a multiply-shift and
 * a table read; the table is replaced, never changed (sched.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/sched.h>

#include "sched_hash.h"

#define L4LB_MH_SIZE_MIN	251
#define L4LB_MH_SIZE_MAX	(1U << 20)

static unsigned int mh_table_size = L4LB_MH_SIZE_DEFAULT;

static bool l4lb_is_prime(unsigned int v)
{
	unsigned int d;

	if (v < 2)
		return false;
	for (d = 2; d * d <= v; d++)
		if (!(v % d))
			return false;
	return true;
}

static int l4lb_mh_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < L4LB_MH_SIZE_MIN || v > L4LB_MH_SIZE_MAX || !l4lb_is_prime(v)) {
		pr_err("mh_table_size=%u: must be a prime from %u to %u\n",
		       v, L4LB_MH_SIZE_MIN, L4LB_MH_SIZE_MAX);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops l4lb_mh_size_ops = {
	.set	= l4lb_mh_size_set,
	.get	= param_get_uint,
};

module_param_cb(mh_table_size, &l4lb_mh_size_ops, &mh_table_size, 0444);
MODULE_PARM_DESC(mh_table_size,
		 "slots of an mh service's Maglev table, a prime (default 65537)");

unsigned int l4lb_mh_table_size(void)
{
	return mh_table_size;
}

/* Arbitrary, and fixed for good: directors must all build alike. */
static const siphash_key_t l4lb_mh_key = {{
	0x6c346c626d686131ULL, 0x7065726d75746531ULL
}};

static size_t l4lb_mh_size(unsigned int nr_dests)
{
	return l4lb_hash_size(nr_dests, mh_table_size);
}

static void l4lb_mh_build(struct l4lb_service *svc, void *state,
			  const void *prev)
{
	struct l4lb_hash_tab *tab = state;
	u32 head, *link, i, m;

	head = l4lb_hash_init(svc, tab, mh_table_size);
	m = tab->size;
	for (i = 0; i < tab->n; i++) {
		u64 h = l4lb_hash_dest(tab->d[i].dest, &l4lb_mh_key);

		/* M is prime: any step from 1 to M - 1 visits every slot. */
		tab->d[i].pos = (u32)h % m;
		tab->d[i].skip = (u32)(h >> 32) % (m - 1) + 1;
	}
	/*
	 * The quotas add up to M, so a server with one left always finds
	 * a free slot in its permutation.
	 */
	while (head != L4LB_HASH_END) {
		/* Out of sched_lock (build_unlocked): a big table may take long. */
		cond_resched();
		link = &head;
		for (i = head; i != L4LB_HASH_END; i = tab->d[i].link) {
			struct l4lb_hash_dest *d = &tab->d[i];
			u32 take = min(d->turns, d->quota);

			d->quota -= take;
			while (take--) {
				while (tab->bucket[d->pos]) {
					d->pos += d->skip;
					if (d->pos >= m)
						d->pos -= m;
				}
				tab->bucket[d->pos] = i + 1;
			}
			if (d->quota)
				link = &d->link;
			else
				*link = d->link;
		}
	}
	l4lb_hash_finish(tab);
}

static struct l4lb_dest *l4lb_mh_pick(struct l4lb_service *svc, void *state,
				      const struct l4lb_tuple *t)
{
	const struct l4lb_hash_tab *tab = state;
	u32 flags = READ_ONCE(svc->sched_flags);

	if (!tab->n)
		return NULL;
	return l4lb_hash_pick(tab, reciprocal_scale(l4lb_hash_client(t, flags),
						    tab->size), flags);
}

const struct l4lb_sched_ops l4lb_sched_mh = {
	.name		= "mh",
	.flags		= L4LB_SVC_SCHED_F_FALLBACK | L4LB_SVC_SCHED_F_PORT,
	.state_size	= l4lb_mh_size,
	.build		= l4lb_mh_build,
	.build_unlocked	= true,
	.pick		= l4lb_mh_pick,
};
