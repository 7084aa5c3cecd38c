/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_SHOW_H
#define IPVSCTL_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/l4lb.h>

#include "parse.h"

/*
 * Decoded kernel replies. The fetch code fills these from netlink and the
 * show code prints them, so listings can be unit tested from plain data.
 */
struct l4lb_stats {
	uint64_t conns;
	uint64_t inpkts;
	uint64_t outpkts;
	uint64_t inbytes;
	uint64_t outbytes;
	/* Per-second rates; 0 when the kernel does not send them. */
	uint64_t cps;
	uint64_t inpps;
	uint64_t outpps;
	uint64_t inbps;
	uint64_t outbps;
};

struct dest_entry {
	uint16_t af;
	uint8_t addr[16];
	uint16_t port;			/* host byte order */
	uint8_t fwd;
	uint32_t weight;
	uint32_t active;
	uint32_t inactive;
	struct l4lb_stats stats;
};

struct svc_entry {
	uint16_t af;
	uint8_t protocol;
	uint8_t addr[16];
	uint16_t port;			/* host byte order */
	char sched[L4LB_SCHED_NAME_MAX];
	uint32_t flags;
	uint32_t sched_flags;		/* L4LB_SVC_SCHED_F_* */
	uint32_t timeout;
	uint32_t netmask;		/* AF_INET, network byte order */
	uint8_t prefixlen;		/* AF_INET6, 1..128 */
	uint32_t idle_timeout;		/* seconds, 0 = the global timeouts */
	struct l4lb_stats stats;
	struct dest_entry *dests;
	size_t ndests;
};

struct conn_entry {
	uint16_t af;
	uint8_t protocol;
	uint8_t caddr[16];
	uint16_t cport;
	uint8_t vaddr[16];
	uint16_t vport;
	uint16_t daf;			/* TUN may cross families */
	uint8_t daddr[16];
	uint16_t dport;
	uint8_t state;
	uint8_t fwd;
	uint32_t expires;		/* milliseconds */
	uint32_t flags;			/* L4LB_CONN_F_* */
};

struct l4lb_info {
	char version[64];
	uint32_t conn_count;
	uint32_t conn_tab_size;
	/* Packets dropped since the netns began; 0 when not sent. */
	uint64_t drop_conn_max;
	uint64_t drop_no_dest;
	uint64_t drop_nomem;
	uint64_t drop_no_route;
	uint64_t drop_clash;
	uint64_t drop_dest_gone;
};

/*
 * Sort services by (family, protocol, address, port) as ipvsadm does, and
 * their servers by (family, address, port).
 */
void sort_services(struct svc_entry *svcs, size_t n);
/* Connections by (family, protocol, virtual address and port, client's). */
void sort_conns(struct conn_entry *conns, size_t n);

/* Whether the persistence mask differs from one client, and as text. */
bool svc_has_mask(const struct svc_entry *s);
const char *svc_mask(char *buf, size_t len, const struct svc_entry *s);

/* -L: @info NULL for one service's listing, which has no version line. */
void show_services(FILE *f, const struct l4lb_info *info, const struct svc_entry *svcs,
		   size_t n, const struct list_opts *opts);
void show_conns(FILE *f, const struct conn_entry *conns, size_t n,
		const struct list_opts *opts);
void show_timeouts(FILE *f, const struct timeouts *t, const struct list_opts *opts);
/* --info: module version, connection count, table size, drop counters. */
void show_info(FILE *f, const struct l4lb_info *info, bool json);

#endif /* IPVSCTL_SHOW_H */
