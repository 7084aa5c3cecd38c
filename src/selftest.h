/* SPDX-License-Identifier: GPL-2.0 */
/* Scheduler selftests at module load (selftest.c), with L4LB_DEBUG=1. */
#ifndef _L4LB_SELFTEST_H
#define _L4LB_SELFTEST_H

#ifdef DEBUG
int l4lb_selftest(void);
#else
static inline int l4lb_selftest(void)
{
	return 0;
}
#endif

#endif /* _L4LB_SELFTEST_H */
