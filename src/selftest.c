// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler selftests, built only with L4LB_DEBUG=1 and run at module
 * load, WireGuard style: they exercise the real scheduler code on fake
 * services, and a failure refuses the load. l4lb_selftest() runs the
 * connection table's (selftest_conn_hash.c) after them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "conn.h"
#include "sched.h"
#include "sched_hash.h"
#include "selftest.h"
#include "service.h"

#define NR_MAX 64

struct l4lb_fake {
	struct l4lb_service svc;
	struct l4lb_dest dest[NR_MAX];
	unsigned int n;
	void *state;
};

static struct l4lb_fake *__init l4lb_fake_new(const struct l4lb_sched_ops *ops,
					      const u32 *weights,
					      unsigned int n)
{
	struct l4lb_fake *f;
	unsigned int i;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	f->state = kzalloc(ops->state_size(n), GFP_KERNEL);
	if (!f->state) {
		kfree(f);
		return NULL;
	}
	INIT_LIST_HEAD(&f->svc.dests);
	spin_lock_init(&f->svc.sched_lock);
	f->svc.sched = ops;
	f->n = n;
	f->svc.nr_dests = n;
	for (i = 0; i < n; i++) {
		f->dest[i].weight = weights[i];
		f->dest[i].sched_idx = -1;
		f->dest[i].svc = &f->svc;
		list_add_tail(&f->dest[i].list, &f->svc.dests);
	}
	spin_lock_bh(&f->svc.sched_lock);
	ops->build(&f->svc, f->state, NULL);
	spin_unlock_bh(&f->svc.sched_lock);
	return f;
}

static void __init l4lb_fake_free(struct l4lb_fake *f)
{
	kfree(f->state);
	kfree(f);
}

static int __init l4lb_fake_pick(struct l4lb_fake *f)
{
	struct l4lb_tuple t = { .af = AF_INET };
	struct l4lb_dest *d;

	spin_lock_bh(&f->svc.sched_lock);
	d = f->svc.sched->pick(&f->svc, f->state, &t);
	spin_unlock_bh(&f->svc.sched_lock);
	return d ? d - f->dest : -1;
}

/* Count picks per dest over @picks rounds and compare with @want. */
static bool __init l4lb_test_spread(const struct l4lb_sched_ops *ops,
				    const u32 *weights, const u32 *want,
				    unsigned int n, unsigned int picks)
{
	unsigned int count[NR_MAX] = { };
	struct l4lb_fake *f;
	unsigned int i;
	bool ok = true;

	f = l4lb_fake_new(ops, weights, n);
	if (!f)
		return false;
	for (i = 0; i < picks; i++) {
		int d = l4lb_fake_pick(f);

		if (d < 0) {
			ok = false;
			break;
		}
		count[d]++;
	}
	for (i = 0; i < n; i++) {
		if (count[i] != want[i]) {
			pr_err("selftest %s: dest %u got %u picks, want %u\n",
			       ops->name, i, count[i], want[i]);
			ok = false;
		}
	}
	l4lb_fake_free(f);
	return ok;
}

/* The heap's pick must equal a linear scan's, under random load changes. */
static bool __init l4lb_test_heap(const struct l4lb_sched_ops *ops,
				  bool weighted)
{
	u32 weights[NR_MAX];
	struct l4lb_fake *f;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < NR_MAX; i++)
		weights[i] = i % 7 ? get_random_u32_below(100) : 0;
	f = l4lb_fake_new(ops, weights, NR_MAX);
	if (!f)
		return false;
	for (i = 0; i < 5000 && ok; i++) {
		struct l4lb_dest *d = &f->dest[get_random_u32_below(NR_MAX)];
		int best = -1, got;
		unsigned int j;

		atomic_set(&d->active, get_random_u32_below(50));
		atomic_set(&d->inactive, get_random_u32_below(500));
		if (d->sched_idx >= 0) {
			spin_lock_bh(&f->svc.sched_lock);
			ops->load_changed(f->state, d);
			spin_unlock_bh(&f->svc.sched_lock);
		}
		for (j = 0; j < NR_MAX; j++) {
			u64 lj, lb;

			if (!weights[j])
				continue;
			if (best < 0) {
				best = j;
				continue;
			}
			lj = l4lb_dest_overhead(&f->dest[j]);
			lb = l4lb_dest_overhead(&f->dest[best]);
			if (weighted) {
				lj *= weights[best];
				lb *= weights[j];
			}
			if (lj < lb)
				best = j;
		}
		got = l4lb_fake_pick(f);
		if (got != best) {
			pr_err("selftest %s: step %u picked %d, scan says %d\n",
			       ops->name, i, got, best);
			ok = false;
		}
	}
	l4lb_fake_free(f);
	return ok;
}

/*
 * The hashing schedulers, sh and mh, on fake services of up to
 * HASH_NR_MAX servers 10.0.x.y:80: their tables, and picks from them.
 */
#define HASH_NR_MAX	1000

struct l4lb_hfake {
	struct l4lb_service svc;
	const struct l4lb_sched_ops *ops;
	unsigned int n;
	struct l4lb_dest dest[HASH_NR_MAX];
};

static struct l4lb_hfake *__init l4lb_hfake_new(const struct l4lb_sched_ops *ops,
						unsigned int n)
{
	struct l4lb_hfake *f;
	unsigned int i;

	f = kvzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	spin_lock_init(&f->svc.sched_lock);
	INIT_LIST_HEAD(&f->svc.dests);
	f->svc.sched = ops;
	f->ops = ops;
	f->n = n;
	for (i = 0; i < n; i++) {
		struct l4lb_dest *d = &f->dest[i];

		d->af = AF_INET;
		d->addr.ip = htonl(0x0a000000 | (i + 1));
		d->port = htons(80);
		d->weight = 1;
		d->last_weight = 1;
		d->sched_idx = -1;
		d->svc = &f->svc;
	}
	return f;
}

/*
 * A table for the servers of @f but @skip (-1: none), added in the
 * order of @f's array, or the reverse order with @reverse: as in
 * service.c, the last added goes first in the list.
 */
static struct l4lb_hash_tab *__init l4lb_hfake_build(struct l4lb_hfake *f,
						     int skip, bool reverse)
{
	struct l4lb_hash_tab *tab;
	unsigned int i;

	INIT_LIST_HEAD(&f->svc.dests);
	f->svc.nr_dests = 0;
	for (i = 0; i < f->n; i++) {
		unsigned int j = reverse ? f->n - 1 - i : i;

		if (j == skip)
			continue;
		list_add(&f->dest[j].list, &f->svc.dests);
		f->svc.nr_dests++;
	}
	tab = kvzalloc(f->ops->state_size(f->svc.nr_dests), GFP_KERNEL);
	if (!tab)
		return NULL;
	/* As l4lb_sched_rebuild() does: sh and mh build without sched_lock. */
	f->ops->build(&f->svc, tab, NULL);
	return tab;
}

/* The server of bucket @b, whose server is not at weight 0. */
static struct l4lb_dest *__init l4lb_hserver(const struct l4lb_hash_tab *tab,
					     u32 b)
{
	return tab->d[tab->bucket[b] & ~L4LB_HASH_DOWN].dest;
}

static bool __init l4lb_htab_equal(const struct l4lb_hash_tab *a,
				   const struct l4lb_hash_tab *b)
{
	u32 i;

	if (a->size != b->size || a->n != b->n)
		return false;
	for (i = 0; i < a->size; i++)
		if (l4lb_hserver(a, i) != l4lb_hserver(b, i))
			return false;
	return true;
}

/*
 * Remove each of the servers @f has in turn (every @step-th): its buckets
 * go to others, and at most @max_bp basis points of the others' buckets
 * move with them (none bounded with @max_bp 0: sh is not consistent);
 * adding it back, in another order, builds the same table as before.
 * The largest share moved is reported.
 */
static bool __init l4lb_test_hash_remove(struct l4lb_hfake *f, unsigned int step,
					 u32 max_bp)
{
	struct l4lb_hash_tab *full, *less, *back;
	u32 b, moved, own, bp, worst = 0;
	unsigned int k;
	bool ok = true;

	full = l4lb_hfake_build(f, -1, false);
	if (!full)
		return false;
	back = l4lb_hfake_build(f, -1, true);
	if (!back || !l4lb_htab_equal(full, back)) {
		pr_err("selftest %s: %u servers added in another order build another table\n",
		       f->ops->name, f->n);
		ok = false;
	}
	kvfree(back);
	for (k = 0; k < f->n && ok; k += step) {
		less = l4lb_hfake_build(f, k, false);
		if (!less) {
			ok = false;
			break;
		}
		moved = 0;
		own = 0;
		for (b = 0; b < full->size; b++) {
			struct l4lb_dest *was = l4lb_hserver(full, b);

			if (l4lb_hserver(less, b) == &f->dest[k]) {
				pr_err("selftest %s: removed server %u still has bucket %u\n",
				       f->ops->name, k, b);
				ok = false;
				break;
			}
			if (was == &f->dest[k])
				own++;
			else if (l4lb_hserver(less, b) != was)
				moved++;
		}
		bp = div_u64((u64)moved * 10000, full->size - own);
		worst = max(worst, bp);
		if (max_bp && bp > max_bp) {
			pr_err("selftest %s: removing server %u of %u moved %u.%02u%% of the others' buckets, more than %u.%02u%%\n",
			       f->ops->name, k, f->n, bp / 100, bp % 100,
			       max_bp / 100, max_bp % 100);
			ok = false;
		}
		kvfree(less);
		/* Back, as the last added: first in the list. */
		back = l4lb_hfake_build(f, -1, k & 1);
		if (!back || !l4lb_htab_equal(full, back)) {
			pr_err("selftest %s: server %u of %u added back builds another table\n",
			       f->ops->name, k, f->n);
			ok = false;
		}
		kvfree(back);
	}
	pr_info("%s, %u servers, %u buckets: removing one moved at most %u.%02u%% of the other servers' buckets\n",
		f->ops->name, f->n, full->size, worst / 100, worst % 100);
	kvfree(full);
	return ok;
}

/*
 * Weights: each server's buckets are its share by weight, within one
 * bucket. The largest excess over a share is reported, in basis points.
 */
static bool __init l4lb_test_hash_weights(struct l4lb_hfake *f)
{
	u32 *count, b, worst = 0;
	struct l4lb_hash_tab *tab;
	unsigned int i;
	bool ok = true;
	u64 total = 0;

	for (i = 0; i < f->n; i++) {
		f->dest[i].weight = i * 37 % 100 + 1;
		f->dest[i].last_weight = f->dest[i].weight;
		total += f->dest[i].weight;
	}
	tab = l4lb_hfake_build(f, -1, false);
	count = kcalloc(f->n, sizeof(*count), GFP_KERNEL);
	if (!tab || !count) {
		ok = false;
		goto out;
	}
	for (b = 0; b < tab->size; b++)
		count[l4lb_hserver(tab, b) - f->dest]++;
	for (i = 0; i < f->n; i++) {
		/* count / size against weight / total, in integers */
		s64 diff = (s64)count[i] * total -
			   (s64)tab->size * f->dest[i].weight;

		if (abs(diff) >= total) {
			pr_err("selftest %s: server %u of weight %u got %u of %u buckets, total weight %llu\n",
			       f->ops->name, i, f->dest[i].weight, count[i],
			       tab->size, total);
			ok = false;
		}
		if (diff > 0)
			worst = max_t(u32, worst,
				      div64_u64((u64)diff * 10000,
						(u64)tab->size * f->dest[i].weight));
	}
	pr_info("%s, %u servers of weights 1..100, %u buckets: each within one bucket of its share, at most %u.%02u%% over it\n",
		f->ops->name, f->n, tab->size, worst / 100, worst % 100);
out:
	kfree(count);
	kvfree(tab);
	for (i = 0; i < f->n; i++) {
		f->dest[i].weight = 1;
		f->dest[i].last_weight = 1;
	}
	return ok;
}

static void __init l4lb_tuple_client(struct l4lb_tuple *t, u32 client, u16 port)
{
	memset(t, 0, sizeof(*t));
	t->af = AF_INET;
	t->protocol = IPPROTO_TCP;
	t->src.ip = htonl(0xc0a80000 | client);
	t->sport = htons(port);
}

/*
 * Picks of real flows: a client keeps its server; with the port flag
 * its ports spread; a server set to weight 0 keeps its buckets, so its
 * clients are refused, or with the fallback flag go to others, and
 * every other client stays where it was.
 */
static bool __init l4lb_test_hash_picks(struct l4lb_hfake *f)
{
	struct l4lb_hash_tab *tab, *drained;
	struct l4lb_dest **was, *d, *seen = NULL;
	unsigned int i, spread = 0;
	const unsigned int nr = 256;
	struct l4lb_tuple t;
	const u32 k = 3;
	bool ok = false;

	was = kcalloc(nr, sizeof(*was), GFP_KERNEL);
	tab = l4lb_hfake_build(f, -1, false);
	f->dest[k].weight = 0;
	drained = l4lb_hfake_build(f, -1, false);
	f->dest[k].weight = 1;
	if (!was || !tab || !drained)
		goto out;
	f->svc.sched_flags = 0;
	for (i = 0; i < nr; i++) {
		l4lb_tuple_client(&t, i, 1024 + i);
		was[i] = f->ops->pick(&f->svc, tab, &t);
		l4lb_tuple_client(&t, i, 40000);
		if (!was[i] || f->ops->pick(&f->svc, tab, &t) != was[i]) {
			pr_err("selftest %s: client %u changed server with its port\n",
			       f->ops->name, i);
			goto out;
		}
		d = f->ops->pick(&f->svc, drained, &t);
		if (d != (was[i] == &f->dest[k] ? NULL : was[i])) {
			pr_err("selftest %s: client %u of server %ld went to %ld with server %u at weight 0\n",
			       f->ops->name, i, was[i] - f->dest,
			       d ? d - f->dest : -1L, k);
			goto out;
		}
	}
	f->svc.sched_flags = L4LB_SVC_SCHED_F_FALLBACK;
	for (i = 0; i < nr; i++) {
		l4lb_tuple_client(&t, i, 1024 + i);
		d = f->ops->pick(&f->svc, drained, &t);
		if (!d || d == &f->dest[k] ||
		    (was[i] != &f->dest[k] && d != was[i])) {
			pr_err("selftest %s: with fallback, client %u of server %ld went to %ld with server %u at weight 0\n",
			       f->ops->name, i, was[i] - f->dest,
			       d ? d - f->dest : -1L, k);
			goto out;
		}
	}
	f->svc.sched_flags = L4LB_SVC_SCHED_F_PORT;
	for (i = 0; i < 64; i++) {
		l4lb_tuple_client(&t, 7, 1024 + i);
		d = f->ops->pick(&f->svc, tab, &t);
		if (d != seen)
			spread++;
		seen = d;
	}
	if (spread < 8) {
		pr_err("selftest %s: with the port flag, 64 ports of one client changed server only %u times\n",
		       f->ops->name, spread);
		goto out;
	}
	ok = true;
out:
	f->svc.sched_flags = 0;
	kvfree(drained);
	kvfree(tab);
	kfree(was);
	return ok;
}

/* A build of @n servers, timed: it runs on configuration changes. */
static void __init l4lb_time_hash_build(struct l4lb_hfake *f)
{
	struct l4lb_hash_tab *tab;
	ktime_t start;

	start = ktime_get();
	tab = l4lb_hfake_build(f, -1, false);
	if (tab)
		pr_info("%s, %u servers, %u buckets: built in %lld us\n",
			f->ops->name, f->n, tab->size,
			ktime_us_delta(ktime_get(), start));
	kvfree(tab);
}

static bool __init l4lb_test_hash(const struct l4lb_sched_ops *ops,
				  u32 max_bp10, u32 max_bp100)
{
	struct l4lb_hfake *f;
	bool ok = true;

	f = l4lb_hfake_new(ops, HASH_NR_MAX);
	if (!f)
		return false;
	f->n = 10;
	ok &= l4lb_test_hash_remove(f, 1, max_bp10);
	ok &= l4lb_test_hash_weights(f);
	ok &= l4lb_test_hash_picks(f);
	f->n = 100;
	ok &= l4lb_test_hash_remove(f, 7, max_bp100);
	ok &= l4lb_test_hash_weights(f);
	ok &= l4lb_test_hash_picks(f);
	f->n = HASH_NR_MAX;
	l4lb_time_hash_build(f);
	kvfree(f);
	return ok;
}

int __init l4lb_selftest(void)
{
	static const u32 w123[] = { 1, 2, 3 }, want123[] = { 10, 20, 30 };
	static const u32 w101[] = { 1, 0, 1 }, want101[] = { 5, 0, 5 };
	static const u32 w42[] = { 4, 2 }, want42[] = { 8, 4 };
	static const u32 w000[] = { 0, 0, 0 }, want000[] = { 0, 0, 0 };
	bool ok = true;
	u32 mh_bp;

	ok &= l4lb_test_spread(&l4lb_sched_rr, w101, want101, 3, 10);
	ok &= l4lb_test_spread(&l4lb_sched_wrr, w123, want123, 3, 60);
	ok &= l4lb_test_spread(&l4lb_sched_wrr, w42, want42, 2, 12);
	/* All weights 0: no pick at all. */
	ok &= !l4lb_test_spread(&l4lb_sched_wrr, w000, want000, 3, 1);
	ok &= !l4lb_test_spread(&l4lb_sched_wlc, w000, want000, 3, 1);
	ok &= l4lb_test_heap(&l4lb_sched_lc, false);
	ok &= l4lb_test_heap(&l4lb_sched_wlc, true);
	/*
	 * Maglev moves few other slots with a server: at most 0.40% of them
	 * measured with 10 servers, 0.61% with 100, in the default 65537
	 * slots, and bounded at 1% there. Fewer slots move more (about N/M):
	 * with another mh_table_size the moves are measured, not bounded.
	 */
	mh_bp = l4lb_mh_table_size() == L4LB_MH_SIZE_DEFAULT ? 100 : 0;
	ok &= l4lb_test_hash(&l4lb_sched_mh, mh_bp, mh_bp);
	/* sh is not consistent: removals are measured, not bounded. */
	ok &= l4lb_test_hash(&l4lb_sched_sh, 0, 0);
	if (!ok)
		return -EINVAL;
	pr_info("scheduler selftests passed\n");
	return l4lb_selftest_conn_hash() ? 0 : -EINVAL;
}
