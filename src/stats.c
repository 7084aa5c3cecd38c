// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU packet, byte and connection counters of services and dests.
 * Writers touch only their CPU's slot; readers sum. Zeroing records a
 * baseline instead of writing other CPUs' slots, so it never races.
 */
#include <linux/percpu.h>

#include "service.h"
#include "stats.h"

struct l4lb_stats_cpu __percpu *l4lb_stats_alloc(void)
{
	struct l4lb_stats_cpu __percpu *s;
	int cpu;

	s = alloc_percpu_gfp(struct l4lb_stats_cpu, GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s, cpu)->syncp);
	return s;
}

void l4lb_stats_free(struct l4lb_stats_cpu __percpu *s)
{
	free_percpu(s);
}

void l4lb_stats_sum(struct l4lb_stats_cpu __percpu *s,
		    struct l4lb_stats *out)
{
	int cpu, i;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		struct l4lb_stats_cpu *c = per_cpu_ptr(s, cpu);
		u64 v[L4LB_CNT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < L4LB_CNT_MAX; i++)
				v[i] = u64_stats_read(&c->cnt[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (i = 0; i < L4LB_CNT_MAX; i++)
			out->cnt[i] += v[i];
	}
}

void l4lb_stats_read(struct l4lb_stats_cpu __percpu *s,
		     const struct l4lb_stats *base, struct l4lb_stats *out)
{
	int i;

	l4lb_stats_sum(s, out);
	for (i = 0; i < L4LB_CNT_MAX; i++)
		out->cnt[i] -= base->cnt[i];
}

void l4lb_stats_zero(struct l4lb_stats_cpu __percpu *s,
		     struct l4lb_stats *base)
{
	l4lb_stats_sum(s, base);
}

/* Count one event of @what, and @len bytes in @bytes unless @len is 0. */
static void l4lb_stats_bump(struct l4lb_stats_cpu __percpu *s,
			    enum l4lb_counter what, enum l4lb_counter bytes,
			    unsigned int len)
{
	struct l4lb_stats_cpu *c = this_cpu_ptr(s);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->cnt[what]);
	if (len)
		u64_stats_add(&c->cnt[bytes], len);
	u64_stats_update_end(&c->syncp);
}

void l4lb_stats_conn(struct l4lb_dest *dest)
{
	l4lb_stats_bump(dest->stats, L4LB_CNT_CONNS, 0, 0);
	l4lb_stats_bump(dest->svc->stats, L4LB_CNT_CONNS, 0, 0);
}

void l4lb_stats_in(struct l4lb_dest *dest, unsigned int len)
{
	l4lb_stats_bump(dest->stats, L4LB_CNT_INPKTS, L4LB_CNT_INBYTES, len);
	l4lb_stats_bump(dest->svc->stats, L4LB_CNT_INPKTS, L4LB_CNT_INBYTES,
			len);
}

void l4lb_stats_out(struct l4lb_dest *dest, unsigned int len)
{
	l4lb_stats_bump(dest->stats, L4LB_CNT_OUTPKTS, L4LB_CNT_OUTBYTES, len);
	l4lb_stats_bump(dest->svc->stats, L4LB_CNT_OUTPKTS, L4LB_CNT_OUTBYTES,
			len);
}
