/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftests at module load, with L4LB_DEBUG=1: the schedulers'
 * (selftest.c) and the connection table's (selftest_conn_hash.c).
 */
#ifndef _L4LB_SELFTEST_H
#define _L4LB_SELFTEST_H

#ifdef DEBUG
int l4lb_selftest(void);
bool l4lb_selftest_conn_hash(void);
#else
static inline int l4lb_selftest(void)
{
	return 0;
}
#endif

#endif /* _L4LB_SELFTEST_H */
