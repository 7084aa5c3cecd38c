/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_OPTS_H
#define IPVSCTL_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* getopt values of the options that have no short letter. */
enum {
	LOPT_STATS = 0x100,
	LOPT_EXACT,
	LOPT_TIMEOUT,
	LOPT_SET,
	LOPT_JSON,
	LOPT_RATE,
	LOPT_IDLE,
	LOPT_INFO,
	LOPT_TUN_TYPE,
};

enum cli_opt_group {
	CLI_COMMAND,		/* -h's "Commands:" */
	CLI_OPTION,		/* -h's "Options:" */
};

/*
 * One command-line option: the one table that the getopt tables and the
 * -h text are made from. tests/unit/run.sh holds the man page and the bash
 * completion to it (tests/unit/cli_tables prints it).
 */
struct cli_opt {
	const char *name;	/* long name, without "--" */
	int val;		/* short letter, or LOPT_* */
	char alias;		/* a second short letter (-l for -L), or 0 */
	int has_arg;		/* no_argument, required_argument, optional_argument */
	const char *arg;	/* the argument in -h, e.g. "VIP:PORT"; NULL: none */
	enum cli_opt_group group;
	const char *help;	/* -h text; '\n' goes on at the help column */
};

extern const struct cli_opt cli_opts[];
extern const size_t cli_opts_count;

/* The schedulers the module knows, in its registry's order. */
extern const char *const cli_scheds[];
extern const size_t cli_scheds_count;

/* getopt_long()'s tables, made from cli_opts on first use. */
const char *cli_short_opts(void);
const struct option *cli_long_opts(void);

/* How -h spells an option, e.g. "-L, -l, --list" or "    --set TCP TCPFIN UDP". */
const char *cli_opt_spelling(char *buf, size_t len, const struct cli_opt *o);

/* The -h text. */
void print_usage(FILE *f);

#endif /* IPVSCTL_OPTS_H */
