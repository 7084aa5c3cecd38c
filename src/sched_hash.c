// SPDX-License-Identifier: GPL-2.0
/*
 * What the hashing schedulers, sh and mh, share: which servers have a
 * share of the buckets and how many buckets each gets, the fallback of
 * a bucket whose server is at weight 0, and the hashes.
 *
 * Every director of a fleet must map a client to the same server, so a
 * table depends on the set of servers and their weights alone: servers
 * are taken in address order, not in the order they were added (IPVS's
 * tables follow its list, so two directors configured in different
 * orders disagree), and the hashes are siphash with fixed keys, the
 * same on every director, boot and architecture (IPVS's mh uses
 * hsiphash, which differs between 32- and 64-bit hosts). Fixed keys
 * let anyone compute where a client lands; with -port a client can
 * pick ports that all land on one server, as with IPVS.
 */
#include <linux/gcd.h>
#include <linux/math64.h>
#include <linux/sort.h>

#include "conn.h"
#include "sched_hash.h"

/* Arbitrary, and fixed for good: directors must all hash alike. */
static const siphash_key_t l4lb_hash_client_key = {{
	0x6c346c6273686131ULL, 0x636c69656e746b31ULL
}};

size_t l4lb_hash_size(unsigned int nr_dests, u32 buckets)
{
	return struct_size_t(struct l4lb_hash_tab, d, nr_dests) +
	       array_size(buckets, sizeof(u32));
}

static int l4lb_hash_cmp(const void *a, const void *b)
{
	const struct l4lb_dest *x = ((const struct l4lb_hash_dest *)a)->dest;
	const struct l4lb_dest *y = ((const struct l4lb_hash_dest *)b)->dest;
	int r;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	/* Network byte order: the same order on every host. */
	r = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (r)
		return r;
	return (int)ntohs(x->port) - (int)ntohs(y->port);
}

/*
 * Set up zeroed @tab of @buckets buckets for svc->dests (sched_lock
 * held): the servers with a share, which is every one whose last weight
 * is not 0, in address order, each with the buckets it is to take, its
 * share of them by weight: shares are within one bucket of the weights'.
 * Returns the first of them, linked in order by their link, or
 * L4LB_HASH_END if none has a share.
 *
 * Weights are taken as IPVS's mh takes them: divided by their gcd, as
 * turns, the buckets a server takes in each pass of the layout, so that
 * weights 2:2 lay out as 1:1.
 */
u32 l4lb_hash_init(struct l4lb_service *svc, struct l4lb_hash_tab *tab,
		   u32 buckets)
{
	u32 g = 0, left = buckets, head = L4LB_HASH_END, *link = &head, i;
	struct l4lb_dest *dest;
	u64 total = 0;

	tab->size = buckets;
	tab->bucket = (u32 *)&tab->d[svc->nr_dests];
	list_for_each_entry(dest, &svc->dests, list) {
		if (!dest->last_weight)
			continue;
		tab->d[tab->n++].dest = dest;
		g = gcd(g, dest->last_weight);
	}
	if (!tab->n)
		return L4LB_HASH_END;
	sort(tab->d, tab->n, sizeof(tab->d[0]), l4lb_hash_cmp, NULL);

	for (i = 0; i < tab->n; i++) {
		tab->d[i].turns = tab->d[i].dest->last_weight / g;
		total += tab->d[i].turns;
	}
	for (i = 0; i < tab->n; i++) {
		tab->d[i].quota = div64_u64((u64)buckets * tab->d[i].turns,
					    total);
		left -= tab->d[i].quota;
	}
	/* Fewer left than servers: what the shares rounded down. */
	for (i = 0; i < left; i++)
		tab->d[i].quota++;
	for (i = 0; i < tab->n; i++) {
		if (!tab->d[i].quota)
			continue;
		*link = i;
		link = &tab->d[i].link;
	}
	*link = L4LB_HASH_END;
	return head;
}

/*
 * Turn the laid out buckets (server index + 1) into what picks read: a
 * bucket whose server is at weight 0 gets L4LB_HASH_DOWN and, for a
 * fallback, the server of the next bucket up whose server is not (as
 * IPVS's fallback looks further along its table), or L4LB_HASH_NONE.
 * Twice round the table backwards: the first lap finds what follows the
 * last bucket. O(buckets).
 */
void l4lb_hash_finish(struct l4lb_hash_tab *tab)
{
	u32 up = L4LB_HASH_NONE, i, b, e;

	if (!tab->n)
		return;
	for (i = 2 * tab->size; i-- > 0;) {
		b = i < tab->size ? i : i - tab->size;
		/* The second lap writes each bucket once, after reading it. */
		e = tab->bucket[b] - 1;
		if (i < tab->size)
			tab->bucket[b] = tab->d[e].dest->weight ? e :
							  L4LB_HASH_DOWN | up;
		if (tab->d[e].dest->weight)
			up = e;
	}
}

/* A server's identity, hashed with @key: its address and port. */
u64 l4lb_hash_dest(const struct l4lb_dest *dest, const siphash_key_t *key)
{
	const __be32 *a = dest->addr.ip6;

	/* An IPv4 address's other words are 0 (netlink.c). */
	return siphash_3u64((u64)ntohl(a[0]) << 32 | ntohl(a[1]),
			    (u64)ntohl(a[2]) << 32 | ntohl(a[3]),
			    (u64)dest->af << 16 | ntohs(dest->port), key);
}

/* A client's hash: its address, and its port with L4LB_SVC_SCHED_F_PORT. */
u32 l4lb_hash_client(const struct l4lb_tuple *t, u32 sched_flags)
{
	u32 port = sched_flags & L4LB_SVC_SCHED_F_PORT ? ntohs(t->sport) : 0;
	const __be32 *a = t->src.ip6;

	if (t->af == AF_INET)
		return siphash_2u32(ntohl(a[0]), port, &l4lb_hash_client_key);
	return siphash_3u64((u64)ntohl(a[0]) << 32 | ntohl(a[1]),
			    (u64)ntohl(a[2]) << 32 | ntohl(a[3]),
			    (u64)AF_INET6 << 16 | port, &l4lb_hash_client_key);
}
