// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler interface: the registry of schedulers, and every use of a
 * service's scheduler state, all under svc->sched_lock: rebuilding it on
 * a configuration change, picking a server, telling it of load changes.
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
 * The names of the schedulers, as "rr, wrr, lc, wlc", into @buf of @size
 * bytes. Returns the length written: a list that fills @buf may have been
 * cut short.
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
 * Rebuild the scheduler state of @svc with @sched from its dest list, after
 * @edit got @weight (or was unlisted), a dest was added, or the scheduler
 * changed. The state is rebuilt in place while it fits, so removals and
 * edits cannot fail; it grows by doubling. Packets keep being scheduled
 * meanwhile: the change is atomic under sched_lock.
 */
int l4lb_sched_rebuild(struct l4lb_service *svc,
		       const struct l4lb_sched_ops *sched,
		       struct l4lb_dest *edit, u32 weight)
{
	unsigned int cap = svc->sched_cap;
	void *state = NULL, *old = NULL;
	struct l4lb_dest *dest;

	lockdep_assert_held(&svc->ln->lock);
	if (sched != svc->sched || svc->nr_dests > cap) {
		cap = max3(4U, svc->nr_dests, sched == svc->sched ? 2 * cap : cap);
		state = kvzalloc(sched->state_size(cap), GFP_KERNEL_ACCOUNT);
		if (!state)
			return -ENOMEM;
	}

	spin_lock_bh(&svc->sched_lock);
	if (edit) {
		/* Read locklessly by persistence (schedule.c). */
		WRITE_ONCE(edit->weight, weight);
		edit->sched_idx = -1;
	}
	if (state) {
		old = svc->sched_state;
		svc->sched_state = state;
		WRITE_ONCE(svc->sched, sched);
		svc->sched_cap = cap;
	} else {
		memset(svc->sched_state, 0, sched->state_size(cap));
	}
	list_for_each_entry(dest, &svc->dests, list)
		dest->sched_idx = -1;
	sched->build(svc, svc->sched_state);
	spin_unlock_bh(&svc->sched_lock);

	kvfree(old);
	return 0;
}

/* Pick a dest for a new connection; returns it with a reference held. */
struct l4lb_dest *l4lb_sched_pick(struct l4lb_service *svc)
{
	struct l4lb_dest *dest;

	spin_lock_bh(&svc->sched_lock);
	dest = svc->sched->pick(svc, svc->sched_state);
	/* Listed dests hold a reference that only drops after unlisting. */
	if (dest)
		refcount_inc(&dest->refcnt);
	spin_unlock_bh(&svc->sched_lock);
	return dest;
}

/* @dest's active or inactive count changed: tell a load-based scheduler. */
void l4lb_sched_load_changed(struct l4lb_dest *dest)
{
	struct l4lb_service *svc = dest->svc;

	if (!READ_ONCE(svc->sched)->load_changed)
		return;
	spin_lock_bh(&svc->sched_lock);
	if (svc->sched->load_changed && dest->sched_idx >= 0)
		svc->sched->load_changed(svc->sched_state, dest);
	spin_unlock_bh(&svc->sched_lock);
}
