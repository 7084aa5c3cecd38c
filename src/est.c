// SPDX-License-Identifier: GPL-2.0
/*
 * Rate estimator: every 2 s, per service and dest, the counter deltas are
 * folded into an exponentially weighted average (weight 1/4, so a step
 * change shows within a few seconds). One worker per netns, running only
 * while the netns has services; the packet path is not involved.
 */
#include "l4lb.h"

#define L4LB_EST_INTERVAL	(2 * HZ)
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

void l4lb_est_work(struct work_struct *work)
{
	struct l4lb_net *ln = container_of(to_delayed_work(work),
					   struct l4lb_net, est_work);
	struct l4lb_service *svc;
	struct l4lb_dest *dest;

	mutex_lock(&ln->lock);
	list_for_each_entry(svc, &ln->services, list) {
		l4lb_est_update(&svc->est, svc->stats);
		list_for_each_entry(dest, &svc->dests, list)
			l4lb_est_update(&dest->est, dest->stats);
		cond_resched();
	}
	if (ln->nr_services)
		queue_delayed_work(system_power_efficient_wq, &ln->est_work,
				   L4LB_EST_INTERVAL);
	mutex_unlock(&ln->lock);
}
