// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler selftests, built only with L4LB_DEBUG=1 and run at module
 * load, WireGuard style: they exercise the real scheduler code on fake
 * services, and a failure refuses the load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>

#include "conn.h"
#include "sched.h"
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

int __init l4lb_selftest(void)
{
	static const u32 w123[] = { 1, 2, 3 }, want123[] = { 10, 20, 30 };
	static const u32 w101[] = { 1, 0, 1 }, want101[] = { 5, 0, 5 };
	static const u32 w42[] = { 4, 2 }, want42[] = { 8, 4 };
	static const u32 w000[] = { 0, 0, 0 }, want000[] = { 0, 0, 0 };
	bool ok = true;

	ok &= l4lb_test_spread(&l4lb_sched_rr, w101, want101, 3, 10);
	ok &= l4lb_test_spread(&l4lb_sched_wrr, w123, want123, 3, 60);
	ok &= l4lb_test_spread(&l4lb_sched_wrr, w42, want42, 2, 12);
	/* All weights 0: no pick at all. */
	ok &= !l4lb_test_spread(&l4lb_sched_wrr, w000, want000, 3, 1);
	ok &= !l4lb_test_spread(&l4lb_sched_wlc, w000, want000, 3, 1);
	ok &= l4lb_test_heap(&l4lb_sched_lc, false);
	ok &= l4lb_test_heap(&l4lb_sched_wlc, true);
	if (!ok)
		return -EINVAL;
	pr_info("scheduler selftests passed\n");
	return 0;
}
