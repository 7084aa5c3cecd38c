/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler interface (sched.c) and the schedulers behind it: rr, wrr,
 * lc, wlc, sh and mh (sched_*.c).
 */
#ifndef _L4LB_SCHED_H
#define _L4LB_SCHED_H

#include "service.h"

struct l4lb_tuple;

/*
 * A scheduler keeps its state in one allocation, built from the dest list
 * on every configuration change and published under RCU (sched.c). Picks
 * run on many CPUs at once, without a lock: rr's, wrr's, sh's and mh's
 * state is never changed once published; lc's and wlc's heap takes load
 * changes under svc->sched_lock, and a pick reads its root
 * (sched_heap.c).
 */
struct l4lb_sched_ops {
	const char *name;
	u32 flags;			/* the L4LB_SVC_SCHED_F_* it takes */
	size_t (*state_size)(unsigned int nr_dests);
	/*
	 * Fill a zeroed @state from svc->dests; called with ln->lock held,
	 * and sched_lock too unless build_unlocked. @prev: the state it
	 * replaces, if of the same scheduler, else NULL.
	 */
	void (*build)(struct l4lb_service *svc, void *state, const void *prev);
	/*
	 * The state depends on the dests and their weights alone, which
	 * ln->lock holds still, and takes long to build: build() runs
	 * before sched_lock is taken, and may sleep.
	 */
	bool build_unlocked;
	/* A server for the new flow @t, or NULL. */
	struct l4lb_dest *(*pick)(struct l4lb_service *svc, void *state,
				  const struct l4lb_tuple *t);
	/* Optional: a dest's active/inactive counts changed. */
	void (*load_changed)(void *state, struct l4lb_dest *dest);
};

extern const struct l4lb_sched_ops l4lb_sched_rr;
extern const struct l4lb_sched_ops l4lb_sched_wrr;
extern const struct l4lb_sched_ops l4lb_sched_lc;
extern const struct l4lb_sched_ops l4lb_sched_wlc;
extern const struct l4lb_sched_ops l4lb_sched_sh;
extern const struct l4lb_sched_ops l4lb_sched_mh;

/* sched_mh.c: an mh table's slots, mh_table_size (this by default). */
#define L4LB_MH_SIZE_DEFAULT	65537
unsigned int l4lb_mh_table_size(void);

const struct l4lb_sched_ops *l4lb_sched_find(const char *name);
size_t l4lb_sched_names(char *buf, size_t size);
int l4lb_sched_rebuild(struct l4lb_service *svc,
		       const struct l4lb_sched_ops *sched,
		       struct l4lb_dest *edit, u32 weight);
void l4lb_sched_free(struct l4lb_service *svc);
struct l4lb_dest *l4lb_sched_pick(struct l4lb_service *svc,
				  const struct l4lb_tuple *t);
void l4lb_sched_load_changed(struct l4lb_dest *dest);
void l4lb_sched_load_swept(struct l4lb_dest *dest);
void l4lb_sched_apply_sweep(struct l4lb_net *ln);

static inline u32 l4lb_dest_overhead(const struct l4lb_dest *dest)
{
	/* IPVS's load measure: an active connection weighs 256 idle ones. */
	return atomic_read(&dest->active) * 256 + atomic_read(&dest->inactive);
}

#endif /* _L4LB_SCHED_H */
