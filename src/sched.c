// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler interface: the registry of schedulers, and every use of a
 * service's scheduler state: rebuilding it on a configuration change,
 * picking a server (under RCU alone), telling it of load changes (under
 * svc->sched_lock, in batches).
 *
 * Schedulers are built in: a lookup by name is all the configuration path
 * needs, and no module refcounting is involved.
 */
#include <linux/mm.h>
#include <linux/string.h>

#include "netns.h"
#include "sched.h"
#include "service.h"

static const struct l4lb_sched_ops *const l4lb_scheds[] = {
	&l4lb_sched_rr,
	&l4lb_sched_wrr,
	&l4lb_sched_lc,
	&l4lb_sched_wlc,
	&l4lb_sched_sh,
	&l4lb_sched_mh,
};

const struct l4lb_sched_ops *l4lb_sched_find(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(l4lb_scheds); i++)
		if (!strcmp(l4lb_scheds[i]->name, name))
			return l4lb_scheds[i];
	return NULL;
}

/*
 * The names of the schedulers, as "rr, wrr, lc, wlc, sh, mh", into @buf
 * of @size bytes. Returns the length written: a list that fills @buf may
 * have been cut short.
 */
size_t l4lb_sched_names(char *buf, size_t size)
{
	size_t len = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(l4lb_scheds); i++)
		len += scnprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				 l4lb_scheds[i]->name);
	return len;
}

/*
 * A service's scheduler state: the scheduler it is for, so that a lockless
 * reader gets the two together, and the scheduler's own data.
 */
struct l4lb_sched_state {
	struct rcu_head rcu;
	const struct l4lb_sched_ops *ops;
	unsigned long data[];
};

/* The state of a service nothing can pick from any more. */
void l4lb_sched_free(struct l4lb_service *svc)
{
	kvfree(rcu_dereference_protected(svc->sched_state, true));
}

/* The service's state, to a holder of its sched_lock. */
static struct l4lb_sched_state *l4lb_sched_locked(struct l4lb_service *svc)
{
	return rcu_dereference_protected(svc->sched_state,
					 lockdep_is_held(&svc->sched_lock));
}

/*
 * Tell state @st (NULL: none, a rebuild reads the loads itself) of a load
 * change of @dest. Under svc->sched_lock.
 */
static void l4lb_sched_tell(struct l4lb_sched_state *st,
			    struct l4lb_dest *dest)
{
	if (st && st->ops->load_changed && dest->sched_idx >= 0)
		st->ops->load_changed(st->data, dest);
}

/*
 * The same for a change queued with bit @bit of load_queued, dropping the
 * queue's reference. A change that comes after the bit is cleared queues
 * the dest again, so none is lost. Under svc->sched_lock.
 */
static void l4lb_sched_apply(struct l4lb_sched_state *st,
			     struct l4lb_dest *dest, int bit)
{
	clear_bit(bit, &dest->load_queued);
	smp_mb__after_atomic();	/* read the load after the clear */
	l4lb_sched_tell(st, dest);
	l4lb_dest_put(dest);
}

/* The load changes queued since the scheduler last heard. */
static void l4lb_sched_drain(struct l4lb_service *svc,
			     struct l4lb_sched_state *st)
{
	struct llist_node *first = llist_del_all(&svc->load_changes);
	struct l4lb_dest *dest, *tmp;

	lockdep_assert_held(&svc->sched_lock);
	llist_for_each_entry_safe(dest, tmp, first, load_node)
		l4lb_sched_apply(st, dest, 0);
}

/* Set @edit's weight; under sched_lock, as a heap reads weights under it. */
static void l4lb_sched_set_weight(struct l4lb_dest *edit, u32 weight)
{
	/* Read locklessly by persistence (schedule.c). */
	WRITE_ONCE(edit->weight, weight);
	if (weight)
		edit->last_weight = weight;
	edit->sched_idx = -1;
}

/*
 * Rebuild the scheduler state of @svc with @sched from its dest list, after
 * @edit got @weight (or was unlisted), a dest was added, or the scheduler
 * changed. The state is replaced, never rebuilt in place, as picks may be
 * reading it (an edit or a removal allocates with __GFP_NOFAIL: it must
 * not fail, and kvzalloc() can keep that for a big state too); until a
 * grace period has passed and the old one is freed, picks from it skip
 * deleted servers (l4lb_sched_pick()).
 *
 * A state of the servers and weights alone (sh's and mh's tables) is
 * built before sched_lock is taken: a Maglev table takes milliseconds,
 * too long with bottom halves off. The dest list and the weights do not
 * change under ln->lock but for @edit's, set first.
 */
int l4lb_sched_rebuild(struct l4lb_service *svc,
		       const struct l4lb_sched_ops *sched,
		       struct l4lb_dest *edit, u32 weight)
{
	struct l4lb_sched_state *old, *st;
	struct l4lb_dest *dest;

	lockdep_assert_held(&svc->ln->lock);
	st = kvzalloc(struct_size(st, data, 0) + sched->state_size(svc->nr_dests),
		      GFP_KERNEL_ACCOUNT | (edit ? __GFP_NOFAIL : 0));
	if (!st)
		return -ENOMEM;
	st->ops = sched;

	old = rcu_dereference_protected(svc->sched_state,
					lockdep_is_held(&svc->ln->lock));
	if (sched->build_unlocked) {
		if (edit) {
			spin_lock_bh(&svc->sched_lock);
			l4lb_sched_set_weight(edit, weight);
			spin_unlock_bh(&svc->sched_lock);
		}
		sched->build(svc, st->data,
			     old && old->ops == sched ? old->data : NULL);
	}

	spin_lock_bh(&svc->sched_lock);
	/* The state is built from the current loads: queued changes are in. */
	l4lb_sched_drain(svc, NULL);
	if (edit)
		l4lb_sched_set_weight(edit, weight);
	list_for_each_entry(dest, &svc->dests, list)
		dest->sched_idx = -1;
	if (!sched->build_unlocked)
		sched->build(svc, st->data,
			     old && old->ops == sched ? old->data : NULL);
	rcu_assign_pointer(svc->sched_state, st);
	WRITE_ONCE(svc->sched, sched);
	spin_unlock_bh(&svc->sched_lock);

	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/*
 * A reference on @dest for a new flow, unless it is being deleted: a
 * pick may come from a state about to be replaced.
 */
static bool l4lb_sched_take(struct l4lb_dest *dest)
{
	return !READ_ONCE(dest->gone) && refcount_inc_not_zero(&dest->refcnt);
}

/*
 * Pick a dest for new flow @t, under RCU; returns it with a reference
 * held, or NULL if no server can take it. No lock is waited for: the load
 * changes queued for lc and wlc are applied first by whichever CPU takes
 * sched_lock at once, and a CPU that finds it taken picks from the heap
 * as it is. That is the exactness given up: picks on several CPUs at the
 * same moment may go to the same least loaded server before the others'
 * changes are in (IPVS's lockless scan races the same way); on one CPU,
 * every pick sees every change made before it.
 */
struct l4lb_dest *l4lb_sched_pick(struct l4lb_service *svc,
				  const struct l4lb_tuple *t)
{
	struct l4lb_sched_state *st;
	struct l4lb_dest *dest;
	int tries;

	/* A deleted server's turn goes to the next one, in the new state. */
	for (tries = 0; tries < 4; tries++) {
		if (!llist_empty(&svc->load_changes) &&
		    spin_trylock_bh(&svc->sched_lock)) {
			l4lb_sched_drain(svc, l4lb_sched_locked(svc));
			spin_unlock_bh(&svc->sched_lock);
		}
		st = rcu_dereference(svc->sched_state);
		dest = st->ops->pick(svc, st->data, t);
		if (!dest || l4lb_sched_take(dest))
			return dest;
	}
	return NULL;
}

/*
 * Queue @dest for a load change (bit @bit of load_queued), once until it
 * is applied, holding a reference. False if it need not or cannot be.
 */
static bool l4lb_sched_queue(struct l4lb_dest *dest, int bit)
{
	if (!READ_ONCE(dest->svc->sched)->load_changed)
		return false;
	if (test_and_set_bit(bit, &dest->load_queued))
		return false;
	/* Its last connection may be going: a dest on its way out is in no state. */
	if (!refcount_inc_not_zero(&dest->refcnt)) {
		clear_bit(bit, &dest->load_queued);
		return false;
	}
	return true;
}

/*
 * @dest's active or inactive count changed. A load-based scheduler hears
 * of it at once if sched_lock is free, with the changes queued before
 * it: one lock, as when the next pick applied it from the queue, without
 * the queue's atomics (its bit, its list, a reference on the dest, each
 * taken and undone). With the lock held elsewhere the change is queued,
 * without waiting, for the next pick (or change) that gets the lock, so
 * picks see changes as l4lb_sched_pick() says; a dest changed again
 * while queued is queued once.
 */
void l4lb_sched_load_changed(struct l4lb_dest *dest)
{
	struct l4lb_service *svc = dest->svc;

	if (!READ_ONCE(svc->sched)->load_changed)
		return;
	if (spin_trylock_bh(&svc->sched_lock)) {
		struct l4lb_sched_state *st = l4lb_sched_locked(svc);

		if (!llist_empty(&svc->load_changes))
			l4lb_sched_drain(svc, st);
		l4lb_sched_tell(st, dest);
		spin_unlock_bh(&svc->sched_lock);
		return;
	}
	if (!l4lb_sched_queue(dest, 0))
		return;
	llist_add(&dest->load_node, &svc->load_changes);
	/*
	 * Deleted meanwhile: the rebuild that unlisted it may have drained
	 * the queue before the add (both are full barriers, so if it did,
	 * this sees gone) and no pick may come again. Drain here.
	 */
	if (unlikely(READ_ONCE(dest->gone))) {
		spin_lock_bh(&svc->sched_lock);
		l4lb_sched_drain(svc, l4lb_sched_locked(svc));
		spin_unlock_bh(&svc->sched_lock);
	}
}

/*
 * The same, from the sweeper's expiries: gathered apart and applied at
 * the end of its step, on its own CPU (l4lb_sched_apply_sweep()). Queued
 * for picks, a step's thousands of them would land on the next packet;
 * applied one by one, each would take sched_lock from the packet path.
 */
void l4lb_sched_load_swept(struct l4lb_dest *dest)
{
	if (l4lb_sched_queue(dest, 1))
		llist_add(&dest->sweep_node, &dest->svc->ln->sweep_loads);
}

/*
 * Tell the schedulers of the sweeper's load changes gathered so far,
 * holding a service's sched_lock for up to L4LB_SWEEP_BATCH dests at a
 * time. Task context. The gathered dests hold references, and through
 * them their services and scheduler states.
 */
#define L4LB_SWEEP_BATCH	64

void l4lb_sched_apply_sweep(struct l4lb_net *ln)
{
	struct llist_node *node = llist_del_all(&ln->sweep_loads);

	while (node) {
		struct l4lb_service *svc;
		struct l4lb_sched_state *st;
		unsigned int n = 0;

		svc = llist_entry(node, struct l4lb_dest, sweep_node)->svc;
		spin_lock_bh(&svc->sched_lock);
		st = l4lb_sched_locked(svc);
		do {
			struct l4lb_dest *dest = llist_entry(node, struct l4lb_dest,
							     sweep_node);

			if (dest->svc != svc)
				break;
			node = llist_next(node);
			l4lb_sched_apply(st, dest, 1);
		} while (node && ++n < L4LB_SWEEP_BATCH);
		spin_unlock_bh(&svc->sched_lock);
	}
}
