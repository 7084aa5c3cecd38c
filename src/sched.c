// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler registry. Schedulers are built in: a lookup by name is all
 * the configuration path needs, and no module refcounting is involved.
 */
#include <linux/string.h>

#include "l4lb.h"

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
