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
#include "parse.h"
#include "restore.h"

#ifndef IPVSCTL_VERSION
#define IPVSCTL_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"Usage:\n"
	"  ipvsctl -A|-E -t|-u VIP:PORT [-s SCHED] [-p [TIMEOUT]] [-M NETMASK]\n"
	"          [--idle-timeout SECONDS]\n"
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
	"Commands:\n"
	"  -A, --add-service       add a virtual service\n"
	"  -E, --edit-service      change a virtual service (only the options given)\n"
	"  -D, --delete-service    delete a virtual service and its servers\n"
	"  -a, --add-server        add a real server to a service\n"
	"  -e, --edit-server       change a real server (only the options given)\n"
	"  -d, --delete-server     remove a real server from a service\n"
	"  -C, --clear             delete every service\n"
	"  -Z, --zero              zero the counters of one service, or of all\n"
	"  -L, -l, --list          list services, connections (-c) or timeouts\n"
	"  -S, --save              print the configuration as -R input (always numeric)\n"
	"  -R, --restore           apply commands from stdin, one per line; a failed line\n"
	"                          stops the restore: lines before it stay applied,\n"
	"                          nothing after it is\n"
	"      --set TCP TCPFIN UDP  set connection timeouts in seconds (0 keeps one)\n"
	"      --info              module version, connection count and drop counters\n"
	"  -h, --help              show this help\n"
	"  -v, --version           show the ipvsctl and kernel module versions\n"
	"\n"
	"Options:\n"
	"  -t, --tcp-service VIP:PORT   TCP virtual service (IPv4)\n"
	"  -u, --udp-service VIP:PORT   UDP virtual service (IPv4)\n"
	"  -s, --scheduler NAME         rr, wrr, lc or wlc (default wlc)\n"
	"  -p, --persistent [TIMEOUT]   persistent service; timeout in s (default 360)\n"
	"  -M, --netmask MASK           persistence granularity: 255.255.255.0 or 24\n"
	"      --idle-timeout SECONDS   this service's idle timeout (TCP established and\n"
	"                               UDP); 0 = the global ones (--set)\n"
	"  -r, --real-server RIP[:PORT] real server; the port defaults to the service's\n"
	"  -g, --gatewaying             direct routing (default)\n"
	"  -i, --ipip                   IP-in-IP tunnel\n"
	"      --tun-type ipip          the tunnel type; ipip is the only one\n"
	"  -m, --masquerading           NAT; the only method that may change the port\n"
	"  -w, --weight N               server weight 0..65535 (default 1)\n"
	"  -n, --numeric                numeric output (always the case)\n"
	"  -c, --connection             list the connection table\n"
	"      --stats                  list packet and byte counters\n"
	"      --rate                   list connection, packet and byte rates per second\n"
	"      --exact                  counters as exact numbers, without K/M/G\n"
	"      --timeout                list the connection timeouts\n"
	"      --json                   list (or --info) as JSON\n"
	"\n"
	"Exit status: 0 success, 1 kernel or runtime error, 2 usage error.\n";

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
		fputs(usage_text, stdout);
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
