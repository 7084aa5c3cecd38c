/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_PARSE_H
#define IPVSCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/l4lb.h>

/* Exit codes: usage errors are told apart from kernel/runtime ones. */
#define EXIT_USAGE	2
#define EXIT_RUNTIME	1

#define DEFAULT_SCHED		"wlc"
#define DEFAULT_PERSIST_TIMEOUT	360

enum command {
	CMD_NONE,
	CMD_ADD_SVC,
	CMD_EDIT_SVC,
	CMD_DEL_SVC,
	CMD_ADD_DEST,
	CMD_EDIT_DEST,
	CMD_DEL_DEST,
	CMD_FLUSH,
	CMD_ZERO,
	CMD_LIST,
	CMD_SET,
	CMD_HELP,
	CMD_VERSION,
	CMD_SAVE,
	CMD_RESTORE,
	CMD_INFO,
};

/*
 * Which options appeared on the command line. Edit commands send only the
 * attributes whose bit is set, so the kernel keeps everything else.
 */
enum {
	OPT_SERVICE	= 1 << 0,	/* -t / -u */
	OPT_SCHED	= 1 << 1,	/* -s */
	OPT_PERSIST	= 1 << 2,	/* -p */
	OPT_NETMASK	= 1 << 3,	/* -M */
	OPT_REAL	= 1 << 4,	/* -r */
	OPT_FWD		= 1 << 5,	/* -g / -i / -m */
	OPT_WEIGHT	= 1 << 6,	/* -w */
	OPT_NUMERIC	= 1 << 7,	/* -n */
	OPT_CONN	= 1 << 8,	/* -c */
	OPT_STATS	= 1 << 9,	/* --stats */
	OPT_EXACT	= 1 << 10,	/* --exact */
	OPT_TIMEOUT	= 1 << 11,	/* --timeout */
	OPT_JSON	= 1 << 12,	/* --json */
	OPT_RATE	= 1 << 13,	/* --rate */
	OPT_IDLE	= 1 << 14,	/* --idle-timeout */
	OPT_TUN_TYPE	= 1 << 15,	/* --tun-type ipip */
	OPT_SCHED_FLAGS	= 1 << 16,	/* -b */
};

struct svc_spec {
	uint16_t af;
	uint8_t protocol;		/* IPPROTO_TCP / IPPROTO_UDP */
	uint8_t addr[16];		/* union nf_inet_addr layout */
	uint16_t port;			/* host byte order */
	char sched[L4LB_SCHED_NAME_MAX];
	uint32_t flags;			/* L4LB_SVC_F_* */
	uint32_t sched_flags;		/* -b: L4LB_SVC_SCHED_F_* */
	char sched_flags_of[3];		/* -b's scheduler, "sh" or "mh", or "" */
	uint32_t timeout;		/* persistence, seconds */
	uint32_t netmask;		/* AF_INET: -M, network byte order */
	uint8_t prefixlen;		/* AF_INET6: -M, 1..128 */
	uint32_t idle_timeout;		/* seconds, 0 = the global timeouts */
};

struct dest_spec {
	uint16_t af;
	uint8_t addr[16];
	uint16_t port;			/* host byte order */
	bool port_given;
	uint8_t fwd;			/* enum l4lb_fwd_method */
	uint32_t weight;
};

struct list_opts {
	bool numeric;
	bool stats;
	bool rate;
	bool exact;
	bool connections;
	bool timeout;
	bool json;
};

struct timeouts {
	uint32_t tcp;
	uint32_t tcp_fin;
	uint32_t udp;
};

struct request {
	enum command cmd;
	unsigned int opts;		/* OPT_* seen */
	struct svc_spec svc;
	struct dest_spec dest;
	struct list_opts list;
	struct timeouts set;		/* --set; 0 keeps the current value */
};

/*
 * Parse argv into @req. Returns 0 on success or EXIT_USAGE with a one-line
 * message (without the "ipvsctl: " prefix) in @err. Touches no sockets so
 * it can be unit tested.
 */
int parse_args(int argc, char **argv, struct request *req, char *err, size_t errlen);

/* Short and long spelling of a command, e.g. "-A (--add-service)". */
const char *command_name(enum command cmd);

#endif /* IPVSCTL_PARSE_H */
