// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: one per client flow, and one per persistence template,
 * from creation to expiry. The hash table they live in is conn_hash.c.
 *
 * Expiry needs no per-connection timer: a lookup that finds an expired
 * entry retires it at once, and a per-netns worker sweeps the table for
 * the idle rest, once something may have expired and in bounded steps
 * (l4lb_conn_gc()).
 */
#include <linux/slab.h>
#include <linux/tcp.h>

#include "conn_hash.h"
#include "sched.h"
#include "service.h"
#include "stats.h"

/*
 * The sweeper only starts a sweep once something may have expired, or
 * after L4LB_GC_IDLE anyway. A sweep goes in steps L4LB_GC_STEP apart,
 * each visiting an eighth of the table, so that a sweep takes a second,
 * within bounds: at least L4LB_GC_CONNS a step, and at most
 * L4LB_GC_CONNS_MAX (1M a second) up to 8M flows, which then take up to
 * eight seconds, as larger tables do (1/L4LB_GC_STEPS a step). (16k a
 * step, 131k a second, fell behind the bench's 120k new flows a second
 * of a 1 s timeout: the table filled with expired ones.)
 * Small steps keep the table's size steady: a second's worth of expired
 * flows removed at once could have it shrink and grow again.
 */
#define L4LB_GC_IDLE		(60 * HZ)
#define L4LB_GC_STEP		(HZ / 8)
#define L4LB_GC_CONNS		(16 * 1024)
#define L4LB_GC_CONNS_MAX	(128 * 1024)
#define L4LB_GC_STEPS		64

static struct kmem_cache *l4lb_conn_cache __read_mostly;

int l4lb_conn_module_init(void)
{
	l4lb_conn_hash_module_init();
	l4lb_conn_cache = KMEM_CACHE(l4lb_conn, 0);
	return l4lb_conn_cache ? 0 : -ENOMEM;
}

void l4lb_conn_module_exit(void)
{
	kmem_cache_destroy(l4lb_conn_cache);
}

int l4lb_conn_table_init(struct l4lb_net *ln)
{
	int err;

	ln->gc_next = jiffies;
	err = percpu_counter_init(&ln->nr_conns, 0, GFP_KERNEL);
	if (err)
		return err;
	err = l4lb_conn_hash_init(ln);
	if (err)
		percpu_counter_destroy(&ln->nr_conns);
	return err;
}

void l4lb_conn_table_destroy(struct l4lb_net *ln)
{
	l4lb_conn_hash_destroy(ln);
	percpu_counter_destroy(&ln->nr_conns);
}

/* No flow and no template left. */
bool l4lb_conn_table_empty(struct l4lb_net *ln)
{
	return !l4lb_conn_count(ln) && !atomic_read(&ln->nr_tmpls);
}

/* Exact, summed over the CPUs: for the control path, not per packet. */
unsigned int l4lb_conn_count(struct l4lb_net *ln)
{
	return percpu_counter_sum_positive(&ln->nr_conns);
}

static void l4lb_conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(l4lb_conn_cache,
			container_of(head, struct l4lb_conn, rcu));
}

/*
 * Readers that still hold @cp started before it was unlinked, so the grace
 * period of the dest's own deferred free covers their use of cp->dest.
 */
void l4lb_conn_put(struct l4lb_conn *cp)
{
	if (!refcount_dec_and_test(&cp->refcnt))
		return;
	if (cp->tmpl)
		l4lb_conn_put(cp->tmpl);
	l4lb_dest_put(cp->dest);
	call_rcu(&cp->rcu, l4lb_conn_free_rcu);
}

/*
 * A template lives on while flows it placed are alive. After them, one
 * assured lives out its timeout; one never assured goes at once, as in
 * IPVS, so a flood of SYNs from many sources leaves no templates behind.
 */
bool l4lb_conn_expired(const struct l4lb_conn *cp)
{
	u8 flags = READ_ONCE(cp->flags);

	if (!(flags & L4LB_CONN_F_TEMPLATE))
		return time_after_eq(jiffies, READ_ONCE(cp->expires));
	if (refcount_read(&cp->refcnt) != 1)
		return false;
	return !(flags & L4LB_CONN_F_ASSURED) ||
	       time_after_eq(jiffies, READ_ONCE(cp->expires));
}

/*
 * IPv6 entries keep the IPv6 hooks on (netns.c); IPv4 ones pay only the
 * test.
 */
static void l4lb_conn_count6(struct l4lb_net *ln,
			     const struct l4lb_conn *cp, int n)
{
	if (cp->af == AF_INET6)
		atomic_add(n, &ln->nr_conns6);
}

bool l4lb_conn_any6(struct l4lb_net *ln)
{
	return atomic_read(&ln->nr_conns6);
}

static struct l4lb_conn *l4lb_conn_alloc(const struct l4lb_tuple *orig,
					 struct l4lb_dest *dest)
{
	struct l4lb_conn *cp;

	cp = kmem_cache_zalloc(l4lb_conn_cache, GFP_ATOMIC);
	if (!cp)
		return NULL;
	cp->caddr = orig->src;
	cp->cport = orig->sport;
	cp->vaddr = orig->dst;
	cp->vport = orig->dport;
	cp->af = orig->af;
	cp->protocol = orig->protocol;
	cp->dest = dest;
	cp->fwd = READ_ONCE(dest->fwd);
	spin_lock_init(&cp->lock);
	refcount_set(&cp->refcnt, 1);
	return cp;
}

/*
 * Create the persistence template @key -> @dest, consuming the caller's
 * reference on @dest. Returns it with a reference for the caller, or NULL.
 */
struct l4lb_conn *l4lb_tmpl_new(struct l4lb_net *ln,
				const struct l4lb_tuple *key,
				struct l4lb_dest *dest)
{
	struct l4lb_conn *cp;

	cp = l4lb_conn_alloc(key, dest);
	if (!cp) {
		l4lb_dest_put(dest);
		return NULL;
	}
	cp->flags = L4LB_CONN_F_TEMPLATE;
	cp->hash = l4lb_conn_hash(key);
	cp->expires = jiffies + READ_ONCE(dest->svc->persist_timeout);
	refcount_set(&cp->refcnt, 2);
	atomic_inc(&ln->nr_tmpls);
	if (l4lb_conn_hash_add(ln, cp)) {
		/* Lost a race to another CPU: the caller simply retries. */
		atomic_dec(&ln->nr_tmpls);
		kmem_cache_free(l4lb_conn_cache, cp);
		l4lb_dest_put(dest);
		return NULL;
	}
	atomic_inc(&dest->persist);
	l4lb_conn_count6(ln, cp, 1);
	l4lb_gc_due(ln, cp->expires);
	return cp;
}

/* A flow that has ended, though its entry still waits out a timeout. */
static bool l4lb_conn_closed(const struct l4lb_conn *cp)
{
	u8 state = READ_ONCE(cp->state);

	return l4lb_conn_expired(cp) || state == L4LB_TCP_TIME_WAIT ||
	       state == L4LB_TCP_CLOSE;
}

/*
 * Take a place under net.l4lb.conn_max for a new flow. The count is per
 * CPU, folded into the shared total every L4LB_CONN_BATCH flows, so CPUs
 * opening flows at once do not all write one cache line. Far below the
 * limit the folded total is enough. Near it the CPUs are summed: a full
 * table refuses without touching the count (so a flood at the limit
 * never shows it above), else the place is taken and checked again,
 * with a full barrier between, so that of two CPUs racing for the last
 * place at least one sees the other's (each one's store must be visible
 * before it reads the others': a lock in the sum would not order that).
 * The one check of conn_max, made before scheduling, so a full table
 * costs no pick.
 */
#define L4LB_CONN_BATCH	64

bool l4lb_conn_reserve(struct l4lb_net *ln)
{
	int max = READ_ONCE(ln->sysctl.conn_max);
	s64 near;

	/* The folded total is off by less than a batch per CPU. */
	near = (s64)max - L4LB_CONN_BATCH * num_online_cpus();
	if (!max || percpu_counter_read(&ln->nr_conns) < near) {
		percpu_counter_add_batch(&ln->nr_conns, 1, L4LB_CONN_BATCH);
		return true;
	}
	if (percpu_counter_sum(&ln->nr_conns) >= max)
		return false;
	percpu_counter_add_batch(&ln->nr_conns, 1, L4LB_CONN_BATCH);
	/* Our place before their counts: pairs with another CPU's here. */
	smp_mb();
	if (percpu_counter_sum(&ln->nr_conns) <= max)
		return true;
	l4lb_conn_unreserve(ln);
	return false;
}

void l4lb_conn_unreserve(struct l4lb_net *ln)
{
	percpu_counter_add_batch(&ln->nr_conns, -1, L4LB_CONN_BATCH);
}

/*
 * A new flow for @orig (of l4lb_conn_hash() @hash) bound to @dest in TCP
 * state @state, not yet in the table (as flow_offload_alloc()). Once
 * l4lb_flow_add() has it, it owns the caller's references on @dest and
 * @tmpl (which may be NULL) and place under conn_max. NULL when out of
 * memory: the caller keeps them all.
 */
struct l4lb_conn *l4lb_flow_alloc(struct l4lb_net *ln,
				  const struct l4lb_tuple *orig, u32 hash,
				  struct l4lb_dest *dest, struct l4lb_conn *tmpl,
				  u8 state)
{
	struct l4lb_conn *cp;

	cp = l4lb_conn_alloc(orig, dest);
	if (!cp)
		return NULL;
	cp->hash = hash;
	cp->tmpl = tmpl;
	cp->state = state;
	cp->expires = jiffies + l4lb_conn_timeout(ln, cp, state);
	return cp;
}

/*
 * Enter the new flow @cp in the table (as flow_offload_add()). Returns the
 * connection that owns the flow: a racing CPU may have created it first,
 * in which case @cp goes and that one is returned. -EEXIST, @cp gone too,
 * when a live flow already holds the server-side tuple.
 */
struct l4lb_conn *l4lb_flow_add(struct l4lb_net *ln, struct l4lb_conn *cp)
{
	struct l4lb_dest *dest = cp->dest;
	atomic_t *count = cp->state == L4LB_TCP_ESTABLISHED ? &dest->active :
								&dest->inactive;
	struct l4lb_conn *old;

	/* Count before publishing, so a racing state change never underflows. */
	atomic_inc(count);
	old = l4lb_conn_hash_add(ln, cp);
	/*
	 * Another flow maps to the same server tuple: the same client port
	 * reached the same server through another service. A closed one
	 * gives way, as the client's own stack already moved on; a live one
	 * keeps its place and the new flow is refused.
	 */
	if (old && !l4lb_conn_same_flow(old, cp) && l4lb_conn_closed(old)) {
		l4lb_conn_expire(ln, old);
		old = l4lb_conn_hash_add(ln, cp);
	}
	if (old) {
		atomic_dec(count);
		l4lb_conn_unreserve(ln);
		l4lb_conn_put(cp);
		return l4lb_conn_same_flow(old, cp) ? old : ERR_PTR(-EEXIST);
	}
	l4lb_conn_count6(ln, cp, 1);
	l4lb_gc_due(ln, cp->expires);
	l4lb_sched_load_changed(dest);
	l4lb_stats_conn(dest);
	return cp;
}

/*
 * Unlink @cp; safe against concurrent callers, only the first one acts.
 * @swept: the sweeper's, whose load changes wait for its step's end.
 */
static void __l4lb_conn_expire(struct l4lb_net *ln, struct l4lb_conn *cp,
			       bool swept)
{
	struct l4lb_dest *dest = cp->dest;
	u8 state;

	spin_lock_bh(&cp->lock);
	if (cp->dead) {
		spin_unlock_bh(&cp->lock);
		return;
	}
	WRITE_ONCE(cp->dead, 1);
	state = cp->state;
	spin_unlock_bh(&cp->lock);

	l4lb_conn_hash_del(ln, cp);
	l4lb_conn_count6(ln, cp, -1);
	if (cp->flags & L4LB_CONN_F_TEMPLATE) {
		atomic_dec(&ln->nr_tmpls);
		atomic_dec(&dest->persist);
	} else {
		l4lb_conn_unreserve(ln);
		if (state == L4LB_TCP_ESTABLISHED)
			atomic_dec(&dest->active);
		else
			atomic_dec(&dest->inactive);
		if (swept)
			l4lb_sched_load_swept(dest);
		else
			l4lb_sched_load_changed(dest);
		/* Its template may be free to go now. */
		if (cp->tmpl)
			l4lb_gc_due(ln, jiffies);
	}
	l4lb_conn_put(cp);
}

void l4lb_conn_expire(struct l4lb_net *ln, struct l4lb_conn *cp)
{
	__l4lb_conn_expire(ln, cp, false);
}

static bool l4lb_conn_expire_one(struct l4lb_net *ln, struct l4lb_conn *cp,
				 void *arg)
{
	__l4lb_conn_expire(ln, cp, true);
	return true;
}

void l4lb_conn_flush(struct l4lb_net *ln)
{
	/* A resize may make one walk miss entries: repeat until empty. */
	while (!l4lb_conn_table_empty(ln)) {
		struct l4lb_conn_iter it = { };

		l4lb_conn_walk(ln, &it, UINT_MAX, l4lb_conn_expire_one, NULL);
	}
	l4lb_sched_apply_sweep(ln);
}

static bool l4lb_conn_gc_one(struct l4lb_net *ln, struct l4lb_conn *cp,
			     void *arg)
{
	unsigned long expires = READ_ONCE(cp->expires);

	if (l4lb_conn_expired(cp))
		__l4lb_conn_expire(ln, cp, true);
	else if (time_before(jiffies, expires))
		l4lb_gc_due(ln, expires);
	/* Else a template its flows hold: the last of them to go says. */
	return true;
}

/*
 * One step of a sweep: retire what expired and note, for the next
 * sweep, when the rest will.
 */
void l4lb_conn_gc(struct l4lb_net *ln)
{
	unsigned int n = percpu_counter_read_positive(&ln->nr_conns);
	unsigned int budget = clamp_t(unsigned int, n / 8, L4LB_GC_CONNS,
				      max(L4LB_GC_CONNS_MAX, n / L4LB_GC_STEPS));
	unsigned long now = jiffies;

	/* Also the table's size, as flows come and go: a tick suffices. */
	l4lb_conn_hash_check(ln);
	if (!ln->gc_sweeping) {
		if (time_before(now, READ_ONCE(ln->gc_next)))
			return;
		/* From here on, new and changed flows lower it themselves. */
		WRITE_ONCE(ln->gc_next, now + L4LB_GC_IDLE);
		ln->gc_sweeping = true;
	}
	if (l4lb_conn_walk(ln, &ln->gc_iter, budget, l4lb_conn_gc_one, NULL)) {
		/* The next sweep starts from the top. */
		memset(&ln->gc_iter, 0, sizeof(ln->gc_iter));
		ln->gc_sweeping = false;
	}
	l4lb_sched_apply_sweep(ln);
}

/*
 * When the sweeper should look again: mid-sweep, or with a flow due
 * within the second, after a step; else in a second.
 */
unsigned long l4lb_conn_gc_delay(struct l4lb_net *ln)
{
	if (ln->gc_sweeping ||
	    time_before(READ_ONCE(ln->gc_next), jiffies + HZ))
		return L4LB_GC_STEP;
	return HZ;
}
