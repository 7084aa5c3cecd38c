/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU packet, byte and connection counters of services and dests
 * (stats.c) and their rate estimator (est.c).
 */
#ifndef _L4LB_STATS_H
#define _L4LB_STATS_H

#include <linux/build_bug.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/l4lb.h>

/*
 * Same order as enum l4lb_stats_attr, minus its UNSPEC: netlink_show.c
 * reports counter i as L4LB_STATS_A_CONNS + i and its rate as
 * L4LB_STATS_A_CPS + i.
 */
enum l4lb_counter {
	L4LB_CNT_CONNS,
	L4LB_CNT_INPKTS,
	L4LB_CNT_OUTPKTS,
	L4LB_CNT_INBYTES,
	L4LB_CNT_OUTBYTES,
	L4LB_CNT_MAX
};

static_assert(L4LB_STATS_A_CONNS + L4LB_CNT_CONNS == L4LB_STATS_A_CONNS);
static_assert(L4LB_STATS_A_CONNS + L4LB_CNT_INPKTS == L4LB_STATS_A_INPKTS);
static_assert(L4LB_STATS_A_CONNS + L4LB_CNT_OUTPKTS == L4LB_STATS_A_OUTPKTS);
static_assert(L4LB_STATS_A_CONNS + L4LB_CNT_INBYTES == L4LB_STATS_A_INBYTES);
static_assert(L4LB_STATS_A_CONNS + L4LB_CNT_OUTBYTES == L4LB_STATS_A_OUTBYTES);
static_assert(L4LB_STATS_A_CPS + L4LB_CNT_CONNS == L4LB_STATS_A_CPS);
static_assert(L4LB_STATS_A_CPS + L4LB_CNT_INPKTS == L4LB_STATS_A_INPPS);
static_assert(L4LB_STATS_A_CPS + L4LB_CNT_OUTPKTS == L4LB_STATS_A_OUTPPS);
static_assert(L4LB_STATS_A_CPS + L4LB_CNT_INBYTES == L4LB_STATS_A_INBPS);
static_assert(L4LB_STATS_A_CPS + L4LB_CNT_OUTBYTES == L4LB_STATS_A_OUTBPS);
/* A new counter needs its two attributes first. */
static_assert(L4LB_STATS_A_CONNS + L4LB_CNT_MAX == L4LB_STATS_A_OUTBYTES + 1);
static_assert(L4LB_STATS_A_CPS + L4LB_CNT_MAX == L4LB_STATS_A_OUTBPS + 1);

struct l4lb_stats_cpu {
	u64_stats_t cnt[L4LB_CNT_MAX];
	struct u64_stats_sync syncp;
};

struct l4lb_stats {
	u64 cnt[L4LB_CNT_MAX];
};

/* Rates per second, estimated every 2 s; written under l4lb_net.lock. */
struct l4lb_est {
	u64 last[L4LB_CNT_MAX];
	u64 rate[L4LB_CNT_MAX];		/* scaled by 2^10 */
	unsigned long pass;		/* jiffies of the last pass that counted it */
};

struct l4lb_dest;
struct l4lb_net;

/* stats.c */
struct l4lb_stats_cpu __percpu *l4lb_stats_alloc(void);
void l4lb_stats_free(struct l4lb_stats_cpu __percpu *s);
void l4lb_stats_read(struct l4lb_stats_cpu __percpu *s,
		     const struct l4lb_stats *base, struct l4lb_stats *out);
void l4lb_stats_zero(struct l4lb_stats_cpu __percpu *s,
		     struct l4lb_stats *base);
void l4lb_stats_sum(struct l4lb_stats_cpu __percpu *s,
		    struct l4lb_stats *out);
void l4lb_stats_conn(struct l4lb_dest *dest);
void l4lb_stats_in(struct l4lb_dest *dest, unsigned int len);
void l4lb_stats_out(struct l4lb_dest *dest, unsigned int len);

/* est.c: netns.c runs a pass this often while there are services. */
#define L4LB_EST_INTERVAL	(2 * HZ)
void l4lb_est_run(struct l4lb_net *ln);
void l4lb_est_rates(const struct l4lb_est *est, u64 *rates);

#endif /* _L4LB_STATS_H */
