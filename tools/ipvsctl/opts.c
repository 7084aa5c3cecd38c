// SPDX-License-Identifier: GPL-2.0
/*
 * ipvsctl's options, in one table: getopt's short and long tables and the
 * -h text are made from it, and the unit tests hold the man page and the
 * bash completion to it.
 */
#include <stdio.h>
#include <string.h>

#include "opts.h"
#include "parse.h"
#include "util.h"

/* In -h's order. The -s help, the scheduler list, comes from cli_scheds. */
const struct cli_opt cli_opts[] = {
	{ "add-service", 'A', 0, no_argument, NULL, CLI_COMMAND,
	  "add a virtual service" },
	{ "edit-service", 'E', 0, no_argument, NULL, CLI_COMMAND,
	  "change a virtual service (only the options given)" },
	{ "delete-service", 'D', 0, no_argument, NULL, CLI_COMMAND,
	  "delete a virtual service and its servers" },
	{ "add-server", 'a', 0, no_argument, NULL, CLI_COMMAND,
	  "add a real server to a service" },
	{ "edit-server", 'e', 0, no_argument, NULL, CLI_COMMAND,
	  "change a real server (only the options given)" },
	{ "delete-server", 'd', 0, no_argument, NULL, CLI_COMMAND,
	  "remove a real server from a service" },
	{ "clear", 'C', 0, no_argument, NULL, CLI_COMMAND,
	  "delete every service" },
	{ "zero", 'Z', 0, no_argument, NULL, CLI_COMMAND,
	  "zero the counters of one service, or of all" },
	{ "list", 'L', 'l', no_argument, NULL, CLI_COMMAND,
	  "list services, connections (-c) or timeouts" },
	{ "save", 'S', 0, no_argument, NULL, CLI_COMMAND,
	  "print the configuration as -R input (always numeric)" },
	{ "restore", 'R', 0, no_argument, NULL, CLI_COMMAND,
	  "apply commands from stdin, one per line; a failed line\n"
	  "stops the restore: lines before it stay applied,\n"
	  "nothing after it is" },
	/* --set takes two more words; parse_set() reads them. */
	{ "set", LOPT_SET, 0, required_argument, "TCP TCPFIN UDP", CLI_COMMAND,
	  "set connection timeouts in seconds (0 keeps one)" },
	{ "info", LOPT_INFO, 0, no_argument, NULL, CLI_COMMAND,
	  "module version, connection count and drop counters" },
	{ "help", 'h', 0, no_argument, NULL, CLI_COMMAND,
	  "show this help" },
	{ "version", 'v', 0, no_argument, NULL, CLI_COMMAND,
	  "show the ipvsctl and kernel module versions" },

	{ "tcp-service", 't', 0, required_argument, "VIP:PORT", CLI_OPTION,
	  "TCP virtual service; IPv6 in brackets: [VIP]:PORT" },
	{ "udp-service", 'u', 0, required_argument, "VIP:PORT", CLI_OPTION,
	  "UDP virtual service; IPv6 in brackets: [VIP]:PORT" },
	{ "scheduler", 's', 0, required_argument, "SCHEDULER", CLI_OPTION, NULL },
	{ "persistent", 'p', 0, optional_argument, "[TIMEOUT]", CLI_OPTION,
	  "persistent service; timeout in s (default 360)" },
	{ "netmask", 'M', 0, required_argument, "NETMASK", CLI_OPTION,
	  "persistence granularity: 255.255.255.0 or 24;\n"
	  "for IPv6, a prefix length 1..128 (default 128)" },
	{ "sched-flags", 'b', 0, required_argument, "FLAGS", CLI_OPTION,
	  "scheduler flags, comma-separated: sh-fallback,\n"
	  "sh-port with -s sh, mh-fallback, mh-port with\n"
	  "-s mh; '' for none" },
	{ "idle-timeout", LOPT_IDLE, 0, required_argument, "SECONDS", CLI_OPTION,
	  "this service's idle timeout (TCP established and\n"
	  "UDP); 0 = the global ones (--set)" },
	{ "real-server", 'r', 0, required_argument, "RIP[:PORT]", CLI_OPTION,
	  "real server; the port defaults to the service's;\n"
	  "IPv6 in brackets: [RIP][:PORT]" },
	{ "gatewaying", 'g', 0, no_argument, NULL, CLI_OPTION,
	  "direct routing (default)" },
	{ "ipip", 'i', 0, no_argument, NULL, CLI_OPTION,
	  "IP-in-IP tunnel; the only method that may lead\n"
	  "to a server of the other address family" },
	{ "tun-type", LOPT_TUN_TYPE, 0, required_argument, "TYPE", CLI_OPTION,
	  "the tunnel type; ipip is the only one" },
	{ "masquerading", 'm', 0, no_argument, NULL, CLI_OPTION,
	  "NAT; the only method that may change the port" },
	{ "weight", 'w', 0, required_argument, "WEIGHT", CLI_OPTION,
	  "server weight 0..65535 (default 1)" },
	{ "numeric", 'n', 0, no_argument, NULL, CLI_OPTION,
	  "numeric output (always the case)" },
	{ "connection", 'c', 0, no_argument, NULL, CLI_OPTION,
	  "list the connection table" },
	{ "stats", LOPT_STATS, 0, no_argument, NULL, CLI_OPTION,
	  "list packet and byte counters" },
	{ "rate", LOPT_RATE, 0, no_argument, NULL, CLI_OPTION,
	  "list connection, packet and byte rates per second" },
	{ "exact", LOPT_EXACT, 0, no_argument, NULL, CLI_OPTION,
	  "counters as exact numbers, without K/M/G" },
	{ "timeout", LOPT_TIMEOUT, 0, no_argument, NULL, CLI_OPTION,
	  "list the connection timeouts" },
	{ "json", LOPT_JSON, 0, no_argument, NULL, CLI_OPTION,
	  "list (or --info) as JSON" },
};
const size_t cli_opts_count = ARRAY_SIZE(cli_opts);

/*
 * The module's scheduler registry (src/sched.c), by name: -h lists them
 * and tests/unit/run.sh checks this list against the module's sources,
 * the man page and the completion. The kernel, not ipvsctl, refuses an
 * unknown name, so that a newer module's schedulers can be used.
 */
const char *const cli_scheds[] = { "rr", "wrr", "lc", "wlc", "sh", "mh" };
const size_t cli_scheds_count = ARRAY_SIZE(cli_scheds);

/* "+": stop at the first non-option; ":": report a missing argument as ':'. */
#define SHORT_OPTS_MAX	(2 + 4 * ARRAY_SIZE(cli_opts) + 1)

const char *cli_short_opts(void)
{
	static char buf[SHORT_OPTS_MAX];
	static const char *const colons[] = {
		[no_argument]		= "",
		[required_argument]	= ":",
		[optional_argument]	= "::",
	};
	char *p = buf;
	size_t i;

	if (buf[0])
		return buf;
	*p++ = '+';
	*p++ = ':';
	for (i = 0; i < ARRAY_SIZE(cli_opts); i++) {
		const struct cli_opt *o = &cli_opts[i];

		if (o->val >= 0x100)
			continue;
		*p++ = (char)o->val;
		p = stpcpy(p, colons[o->has_arg]);
		if (o->alias) {
			*p++ = o->alias;
			p = stpcpy(p, colons[o->has_arg]);
		}
	}
	*p = '\0';
	return buf;
}

const struct option *cli_long_opts(void)
{
	/* The last one stays zero: getopt's end of table. */
	static struct option opts[ARRAY_SIZE(cli_opts) + 1];
	size_t i;

	if (opts[0].name)
		return opts;
	for (i = 0; i < ARRAY_SIZE(cli_opts); i++) {
		opts[i].name = cli_opts[i].name;
		opts[i].has_arg = cli_opts[i].has_arg;
		opts[i].val = cli_opts[i].val;
	}
	return opts;
}

const char *cli_opt_spelling(char *buf, size_t len, const struct cli_opt *o)
{
	char shorts[16] = "    ";

	if (o->val < 0x100 && o->alias)
		snprintf(shorts, sizeof(shorts), "-%c, -%c, ", o->val, o->alias);
	else if (o->val < 0x100)
		snprintf(shorts, sizeof(shorts), "-%c, ", o->val);
	snprintf(buf, len, "%s--%s%s%s", shorts, o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	return buf;
}

/* "rr, wrr, lc or wlc (default wlc)" */
static const char *sched_help(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(cli_scheds) && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s",
			      !i ? "" : i + 1 < ARRAY_SIZE(cli_scheds) ? ", " : " or ",
			      cli_scheds[i]);
	if (n < len)
		snprintf(buf + n, len - n, " (default %s)", DEFAULT_SCHED);
	return buf;
}

/*
 * One group of -h: each option spelt in a column @width wide, then at
 * least @gap blanks and its help, whose later lines start at the same
 * column as its first.
 */
static void print_group(FILE *f, enum cli_opt_group group, int width, int gap)
{
	char spelling[64], scheds[128];
	const char *help, *nl;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cli_opts); i++) {
		const struct cli_opt *o = &cli_opts[i];

		if (o->group != group)
			continue;
		help = o->help ? o->help : sched_help(scheds, sizeof(scheds));
		fprintf(f, "  %-*s%*s", width,
			cli_opt_spelling(spelling, sizeof(spelling), o), gap, "");
		while ((nl = strchr(help, '\n'))) {
			fprintf(f, "%.*s\n%*s", (int)(nl - help), help, 2 + width + gap, "");
			help = nl + 1;
		}
		fprintf(f, "%s\n", help);
	}
}

void print_usage(FILE *f)
{
	fputs("Usage:\n"
	      "  ipvsctl -A|-E -t|-u VIP:PORT [-s SCHEDULER] [-p [TIMEOUT]] [-M NETMASK]\n"
	      "          [-b FLAGS] [--idle-timeout SECONDS]\n"
	      "  ipvsctl -D -t|-u VIP:PORT\n"
	      "  ipvsctl -a|-e -t|-u VIP:PORT -r RIP[:PORT] [-g|-i|-m] [-w WEIGHT]\n"
	      "  ipvsctl -d -t|-u VIP:PORT -r RIP[:PORT]\n"
	      "  ipvsctl -C\n"
	      "  ipvsctl -Z [-t|-u VIP:PORT]\n"
	      "  ipvsctl -L|-l [-n] [--stats|--rate] [--exact] [--json] [-t|-u VIP:PORT]\n"
	      "  ipvsctl -L -c [--json]\n"
	      "  ipvsctl -L --timeout [--json]\n"
	      "  ipvsctl -S [-n]\n"
	      "  ipvsctl -R < FILE\n"
	      "  ipvsctl --set TCP TCPFIN UDP\n"
	      "  ipvsctl --info [--json]\n"
	      "  ipvsctl -h | -v\n"
	      "\n"
	      "Commands:\n", f);
	print_group(f, CLI_COMMAND, 22, 2);
	fputs("\nOptions:\n", f);
	print_group(f, CLI_OPTION, 28, 1);
	fputs("\nExit status: 0 success, 1 kernel or runtime error, 2 usage error.\n", f);
}
