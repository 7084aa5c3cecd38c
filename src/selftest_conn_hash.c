// SPDX-License-Identifier: GPL-2.0
/*
 * Connection table selftest, built only with L4LB_DEBUG=1 and run at
 * module load with the scheduler's: a lookup takes no lock, even while
 * the resizer moves its entry, so readers on the other CPUs look up every
 * entry of a table while it is resized up and down under them, and each
 * must be found every time. Then the rule for when to resize.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/slab.h>

#include "conn_hash.h"
#include "selftest.h"

#define NR_CONNS	4096
#define NR_RESIZES	16
#define NR_READERS	8

struct l4lb_htest {
	struct l4lb_net ln;
	struct l4lb_conn *conn[NR_CONNS];
	atomic_long_t lookups;
	atomic_long_t misses;
};

static void l4lb_htest_tuple(struct l4lb_tuple *t, unsigned int i)
{
	memset(t, 0, sizeof(*t));
	t->af = AF_INET;
	t->protocol = IPPROTO_UDP;
	t->dir = L4LB_DIR_ORIG;
	t->src.ip = htonl(0x0a000000 | i);
	t->sport = htons(1024 + i);
	t->dst.ip = htonl(0xc0a80001);
	t->dport = htons(53);
}

/* Not __init: it runs until the test stops it, a kthread of its own. */
static int l4lb_htest_reader(void *arg)
{
	struct l4lb_htest *h = arg;
	struct l4lb_tuple t;
	unsigned int i;

	while (!kthread_should_stop()) {
		for (i = 0; i < NR_CONNS; i++) {
			l4lb_htest_tuple(&t, i);
			rcu_read_lock();
			if (l4lb_conn_find(&h->ln, &t, h->conn[i]->hash) !=
			    h->conn[i])
				atomic_long_inc(&h->misses);
			rcu_read_unlock();
		}
		atomic_long_add(NR_CONNS, &h->lookups);
		cond_resched();
	}
	return 0;
}

static int __init l4lb_htest_fill(struct l4lb_htest *h)
{
	struct l4lb_tuple t;
	struct l4lb_conn *cp;
	unsigned int i;

	for (i = 0; i < NR_CONNS; i++) {
		cp = kzalloc(sizeof(*cp), GFP_KERNEL);
		if (!cp)
			return -ENOMEM;
		l4lb_htest_tuple(&t, i);
		cp->af = t.af;
		cp->protocol = t.protocol;
		cp->fwd = L4LB_FWD_ROUTE;
		cp->caddr = t.src;
		cp->cport = t.sport;
		cp->vaddr = t.dst;
		cp->vport = t.dport;
		cp->hash = l4lb_conn_hash(&t);
		rcu_read_lock();
		if (l4lb_conn_hash_add(&h->ln, cp)) {
			rcu_read_unlock();
			kfree(cp);
			return -EEXIST;
		}
		rcu_read_unlock();
		h->conn[i] = cp;
	}
	return 0;
}

static void __init l4lb_htest_empty(struct l4lb_htest *h)
{
	unsigned int i;

	for (i = 0; i < NR_CONNS && h->conn[i]; i++)
		l4lb_conn_hash_del(&h->ln, h->conn[i]);
	synchronize_rcu();
	for (i = 0; i < NR_CONNS; i++)
		kfree(h->conn[i]);
}

/*
 * Resize between 65536 buckets (16 per entry) and 256 (16 entries per
 * chain, so that moves take chains' last entries out from under readers
 * on them), as the resizer reads the count of flows.
 */
static unsigned int __init l4lb_htest_resize(struct l4lb_htest *h)
{
	unsigned int r, size, resized = 0;

	for (r = 0; r < NR_RESIZES; r++) {
		size = l4lb_conn_buckets(&h->ln);
		percpu_counter_set(&h->ln.nr_conns, r & 1 ? 0 : 4 * NR_CONNS);
		queue_work(system_unbound_wq, &h->ln.conn_resize);
		flush_work(&h->ln.conn_resize);
		resized += l4lb_conn_buckets(&h->ln) != size;
	}
	percpu_counter_set(&h->ln.nr_conns, 0);
	return resized;
}

/* Set the count of flows, ask l4lb_conn_hash_check(), let it resize. */
static bool __init l4lb_htest_ask(struct l4lb_htest *h, s64 conns)
{
	bool asked;

	percpu_counter_set(&h->ln.nr_conns, conns);
	asked = l4lb_conn_hash_check(&h->ln);
	flush_work(&h->ln.conn_resize);
	return asked;
}

/*
 * l4lb_conn_hash_check()'s rule: grow at once; shrink after a delay, or
 * at once without services. Returns the first step that broke it, or 0.
 */
static int __init l4lb_htest_check_rule(struct l4lb_htest *h)
{
	if (!l4lb_htest_ask(h, 4 * NR_CONNS))
		return 1;
	WRITE_ONCE(h->ln.nr_services, 1);
	if (l4lb_htest_ask(h, 0) || l4lb_htest_ask(h, 0))
		return 2;
	h->ln.conn_shrink_at = jiffies - 1;
	if (!l4lb_htest_ask(h, 0))
		return 3;
	if (!l4lb_htest_ask(h, 4 * NR_CONNS))
		return 4;
	WRITE_ONCE(h->ln.nr_services, 0);
	if (!l4lb_htest_ask(h, 0))
		return 5;
	return l4lb_conn_buckets(&h->ln) == 256 ? 0 : 6;
}

bool __init l4lb_selftest_conn_hash(void)
{
	struct task_struct *reader[NR_READERS] = {};
	unsigned int i, nr = 0, resized = 0;
	int rule = -1;
	struct l4lb_htest *h;
	long misses, lookups;
	int err;

	h = kvzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return false;
	err = percpu_counter_init(&h->ln.nr_conns, 0, GFP_KERNEL);
	if (err)
		goto out_free;
	err = l4lb_conn_hash_init(&h->ln);
	if (err)
		goto out_counter;
	err = l4lb_htest_fill(h);
	if (err)
		goto out_empty;
	nr = clamp(num_online_cpus(), 2U, (unsigned int)NR_READERS);
	for (i = 0; i < nr; i++) {
		reader[i] = kthread_run(l4lb_htest_reader, h, "l4lb-htest/%u",
					i);
		if (IS_ERR(reader[i])) {
			err = PTR_ERR(reader[i]);
			reader[i] = NULL;
			goto out_stop;
		}
	}
	resized = l4lb_htest_resize(h);
	rule = l4lb_htest_check_rule(h);
out_stop:
	for (i = 0; i < nr && reader[i]; i++)
		kthread_stop(reader[i]);
out_empty:
	l4lb_htest_empty(h);
	l4lb_conn_hash_destroy(&h->ln);
out_counter:
	percpu_counter_destroy(&h->ln.nr_conns);
out_free:
	misses = atomic_long_read(&h->misses);
	lookups = atomic_long_read(&h->lookups);
	kvfree(h);
	if (err || misses || resized != NR_RESIZES || !lookups || rule) {
		pr_err("selftest conn_hash: error %d, %u of %u resizes, %ld of %ld lookups missed, resize rule broken at step %d\n",
		       err, resized, NR_RESIZES, misses, lookups, rule);
		return false;
	}
	pr_info("connection table selftest passed (%ld lookups by %u readers across %u resizes, none missed)\n",
		lookups, nr, resized);
	return true;
}
