// SPDX-License-Identifier: GPL-2.0
/*
 * Print ipvsctl's own tables, one item a line, for run.sh to hold the man
 * page, the bash completion and the module's sources to:
 *
 *	opt SHORT|- ALIAS|- LONG ARG|-	each option (ARG: whether it takes one)
 *	spelling TEXT			how -h spells it, e.g. "-p, --persistent [TIMEOUT]"
 *	sched NAME			each scheduler
 *	default NAME			the default scheduler
 *	state NAME			each TCP state of enum l4lb_tcp_state
 */
#include <netinet/in.h>
#include <stdio.h>

#include <linux/l4lb.h>

#include "fmt.h"
#include "opts.h"
#include "parse.h"

int main(void)
{
	char buf[64];
	size_t i;
	int s;

	for (i = 0; i < cli_opts_count; i++) {
		const struct cli_opt *o = &cli_opts[i];

		printf("opt %c %c %s %s\n", o->val < 0x100 ? o->val : '-',
		       o->alias ? o->alias : '-', o->name,
		       o->has_arg == no_argument ? "-" : "ARG");
		printf("spelling %s\n", cli_opt_spelling(buf, sizeof(buf), o));
	}
	for (i = 0; i < cli_scheds_count; i++)
		printf("sched %s\n", cli_scheds[i]);
	printf("default %s\n", DEFAULT_SCHED);
	for (s = 0; s < __L4LB_TCP_MAX; s++)
		printf("state %s\n", fmt_state(IPPROTO_TCP, s));
	return 0;
}
