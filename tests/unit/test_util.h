/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_TEST_UTIL_H
#define IPVSCTL_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

extern int tests_passed, tests_failed;

/* One TAP-like line per case; on failure, say what was seen instead. */
#define CHECK(cond, name, ...)						\
	do {								\
		if (cond) {						\
			tests_passed++;					\
			printf("ok - %s\n", name);			\
		} else {						\
			tests_failed++;					\
			printf("not ok - %s: saw ", name);		\
			printf(__VA_ARGS__);				\
			putchar('\n');					\
		}							\
	} while (0)

#define CHECK_STR(got, want, name)					\
	CHECK(strcmp((got), (want)) == 0, name, "'%s', want '%s'", (got), (want))

void run_fmt_tests(void);
void run_show_tests(void);
void run_restore_tests(void);

#endif /* IPVSCTL_TEST_UTIL_H */
