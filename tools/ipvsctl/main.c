// SPDX-License-Identifier: GPL-2.0
/*
 * ipvsctl: configure the l4lb load balancer over generic netlink, with
 * ipvsadm's command-line syntax.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fetch.h"
#include "nl.h"
#include "opts.h"
#include "parse.h"
#include "restore.h"

#ifndef IPVSCTL_VERSION
#define IPVSCTL_VERSION "0.1.0"
#endif

static int show_version(void)
{
	struct l4lb_info info;
	struct nlctx ctx;
	int ret;

	ret = nlx_open(&ctx);
	if (ret) {
		/* Our own version is still useful when the module is missing. */
		printf("ipvsctl v%s\n", IPVSCTL_VERSION);
		fflush(stdout);
		nlx_open_error(ret);
		return EXIT_RUNTIME;
	}
	ret = fetch_info(&ctx, &info);
	nlx_close(&ctx);
	if (ret) {
		printf("ipvsctl v%s\n", IPVSCTL_VERSION);
		return ret;
	}
	printf("ipvsctl v%s (l4lb module v%s)\n", IPVSCTL_VERSION, info.version);
	return 0;
}

int main(int argc, char **argv)
{
	struct request req;
	struct nlctx ctx;
	char err[256];
	int ret;

	if (argc < 2) {
		fprintf(stderr,
			"Usage: ipvsctl -A|-E|-D|-a|-e|-d|-C|-Z|-L|-S|-R|--set|--info ... [options]\n"
			"Try 'ipvsctl -h' for more information.\n");
		return EXIT_USAGE;
	}

	ret = parse_args(argc, argv, &req, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ipvsctl: %s\n", err);
		return ret;
	}

	switch (req.cmd) {
	case CMD_HELP:
		print_usage(stdout);
		return 0;
	case CMD_VERSION:
		return show_version();
	case CMD_RESTORE:
		return run_restore(stdin);
	default:
		break;
	}

	ret = nlx_open(&ctx);
	if (ret) {
		nlx_open_error(ret);
		return EXIT_RUNTIME;
	}
	ret = run_command(&ctx, &req);
	nlx_close(&ctx);
	return ret;
}
