// SPDX-License-Identifier: GPL-2.0
/*
 * Rate estimator: every 2 s, per service and dest, the counter deltas are
 * folded into an exponentially weighted average (weight 1/4, so a step
 * change shows within a few seconds). netns.c runs a pass every
 * L4LB_EST_INTERVAL while the netns has services; the packet path is not
 * involved.
 */
#include <linux/rhashtable.h>

#include "netns.h"
#include "service.h"
#include "stats.h"

#define L4LB_EST_SHIFT		10	/* fixed point for the averages */

/* Fold in the counters of one service or dest, once per pass @pass. */
static void l4lb_est_update(struct l4lb_est *est,
			    struct l4lb_stats_cpu __percpu *pcpu,
			    unsigned long pass)
{
	struct l4lb_stats now;
	int i;

	/* A table resize may show a service twice in one walk. */
	if (est->pass == pass)
		return;
	est->pass = pass;
	l4lb_stats_sum(pcpu, &now);
	for (i = 0; i < L4LB_CNT_MAX; i++) {
		/* Per second, scaled: delta / 2 s. */
		s64 sample = (now.cnt[i] - est->last[i]) <<
			     (L4LB_EST_SHIFT - 1);
		u64 rate = est->rate[i];

		est->last[i] = now.cnt[i];
		WRITE_ONCE(est->rate[i], rate + (sample - (s64)rate) / 4);
	}
}

/* Rates per second; read locklessly beside a running pass. */
void l4lb_est_rates(const struct l4lb_est *est, u64 *rates)
{
	int i;

	for (i = 0; i < L4LB_CNT_MAX; i++)
		rates[i] = (READ_ONCE(est->rate[i]) +
			    (1 << (L4LB_EST_SHIFT - 1))) >> L4LB_EST_SHIFT;
}

/*
 * One estimator pass over every service and dest of @ln, found through
 * the service table under RCU rather than under the configuration mutex.
 * Services and dests, and their counters, are freed after a grace period.
 */
void l4lb_est_run(struct l4lb_net *ln)
{
	unsigned long pass = jiffies;
	struct rhashtable_iter iter;
	struct l4lb_service *svc;
	struct l4lb_dest *dest;

	rhashtable_walk_enter(&ln->svc_table, &iter);
	rhashtable_walk_start(&iter);
	while ((svc = rhashtable_walk_next(&iter))) {
		if (IS_ERR(svc))	/* -EAGAIN: resized, walk on */
			continue;
		l4lb_est_update(&svc->est, svc->stats, pass);
		list_for_each_entry_rcu(dest, &svc->dests, list)
			l4lb_est_update(&dest->est, dest->stats, pass);
		if (need_resched()) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}
