// SPDX-License-Identifier: GPL-2.0
/*
 * Rate estimator: every 2 s, per service and dest, the counter deltas are
 * folded into an exponentially weighted average (weight 1/4, so a step
 * change shows within a few seconds). netns.c runs a pass every
 * L4LB_EST_INTERVAL while the netns has services; the packet path is not
 * involved.
 */
#include "netns.h"
#include "service.h"
#include "stats.h"

#define L4LB_EST_SHIFT		10	/* fixed point for the averages */

static void l4lb_est_update(struct l4lb_est *est,
			    struct l4lb_stats_cpu __percpu *pcpu)
{
	struct l4lb_stats now;
	int i;

	l4lb_stats_sum(pcpu, &now);
	for (i = 0; i < L4LB_CNT_MAX; i++) {
		/* Per second, scaled: delta / 2 s. */
		s64 sample = (now.cnt[i] - est->last[i]) <<
			     (L4LB_EST_SHIFT - 1);

		est->last[i] = now.cnt[i];
		est->rate[i] += (sample - (s64)est->rate[i]) / 4;
	}
}

void l4lb_est_rates(const struct l4lb_est *est, u64 *rates)
{
	int i;

	for (i = 0; i < L4LB_CNT_MAX; i++)
		rates[i] = (est->rate[i] + (1 << (L4LB_EST_SHIFT - 1))) >>
			   L4LB_EST_SHIFT;
}

/* One estimator pass over every service and dest of @ln. */
void l4lb_est_run(struct l4lb_net *ln)
{
	struct l4lb_service *svc;
	struct l4lb_dest *dest;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry(svc, &ln->services, list) {
		l4lb_est_update(&svc->est, svc->stats);
		list_for_each_entry(dest, &svc->dests, list)
			l4lb_est_update(&dest->est, dest->stats);
		cond_resched();
	}
}
