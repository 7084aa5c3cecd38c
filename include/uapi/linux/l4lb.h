/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * l4lb generic-netlink ABI, shared by the kernel module and ipvsctl.
 *
 * Rules that keep it stable: enums only grow at the end, attribute types
 * never change, and every address travels as a family (L4LB_A_*_AF) plus a
 * 16-byte union nf_inet_addr so that IPv6 needs no new attributes.
 *
 * Requests name a service with a nested L4LB_A_SERVICE {AF, PROTOCOL, ADDR,
 * PORT} and a real server with a nested L4LB_A_DEST {ADDR, PORT, ...}.
 * Mutating commands need CAP_NET_ADMIN in the network namespace of the
 * socket; every rejection carries an extended-ack message.
 */
#ifndef _UAPI_LINUX_L4LB_H
#define _UAPI_LINUX_L4LB_H

#include <linux/types.h>

#define L4LB_GENL_NAME		"l4lb"
#define L4LB_GENL_VERSION	1

#define L4LB_SCHED_NAME_MAX	16

enum l4lb_cmd {
	L4LB_CMD_UNSPEC,
	L4LB_CMD_GET_INFO,	/* version, connection count, table size */
	L4LB_CMD_NEW_SERVICE,
	L4LB_CMD_SET_SERVICE,
	L4LB_CMD_DEL_SERVICE,
	L4LB_CMD_GET_SERVICE,	/* one service, or dump all */
	L4LB_CMD_NEW_DEST,
	L4LB_CMD_SET_DEST,
	L4LB_CMD_DEL_DEST,
	L4LB_CMD_GET_DEST,	/* dump the servers of one service */
	L4LB_CMD_FLUSH,		/* delete every service */
	L4LB_CMD_ZERO,		/* zero counters: one service, or all */
	L4LB_CMD_GET_CONN,	/* dump the connection table */
	L4LB_CMD_SET_CONFIG,	/* global timeouts */
	L4LB_CMD_GET_CONFIG,
	__L4LB_CMD_MAX
};
#define L4LB_CMD_MAX (__L4LB_CMD_MAX - 1)

/* Top-level attributes. */
enum l4lb_attr {
	L4LB_A_UNSPEC,
	L4LB_A_VERSION,		/* string: module version */
	L4LB_A_CONN_COUNT,	/* u32: connections in this netns */
	L4LB_A_CONN_TAB_SIZE,	/* u32: buckets of the connection table */
	L4LB_A_SERVICE,		/* nest: enum l4lb_svc_attr */
	L4LB_A_DEST,		/* nest: enum l4lb_dest_attr */
	L4LB_A_CONN,		/* nest: enum l4lb_conn_attr */
	L4LB_A_TIMEOUT_TCP,	/* u32 seconds: ESTABLISHED */
	L4LB_A_TIMEOUT_TCP_FIN,	/* u32 seconds: FIN_WAIT */
	L4LB_A_TIMEOUT_UDP,	/* u32 seconds */
	L4LB_A_PAD,
	/* GET_INFO: u64 counts of packets dropped since the netns began. */
	L4LB_A_DROP_CONN_MAX,	/* a new flow over net.l4lb.conn_max */
	L4LB_A_DROP_NO_DEST,	/* a new flow with no available server */
	L4LB_A_DROP_NOMEM,	/* no memory for a new connection */
	L4LB_A_DROP_NO_ROUTE,	/* DR/TUN server unreachable */
	L4LB_A_DROP_CLASH,	/* a live flow holds the same server tuple */
	L4LB_A_DROP_DEST_GONE,	/* a flow's server was deleted (nodest=0) */
	__L4LB_A_MAX
};
#define L4LB_A_MAX (__L4LB_A_MAX - 1)

enum l4lb_svc_attr {
	L4LB_SVC_A_UNSPEC,
	L4LB_SVC_A_AF,		/* u16: AF_INET or AF_INET6 */
	L4LB_SVC_A_PROTOCOL,	/* u8: IPPROTO_TCP or IPPROTO_UDP */
	L4LB_SVC_A_ADDR,	/* binary: union nf_inet_addr (16 bytes) */
	L4LB_SVC_A_PORT,	/* be16 */
	L4LB_SVC_A_SCHED_NAME,	/* string: rr, wrr, lc, wlc, sh, mh */
	L4LB_SVC_A_FLAGS,	/* u32: L4LB_SVC_F_* */
	L4LB_SVC_A_TIMEOUT,	/* u32 seconds: persistence */
	L4LB_SVC_A_NETMASK,	/* be32: persistence granularity (AF_INET) */
	L4LB_SVC_A_STATS,	/* nest: enum l4lb_stats_attr */
	L4LB_SVC_A_NR_DESTS,	/* u32, reply only */
	L4LB_SVC_A_PAD,
	L4LB_SVC_A_IDLE_TIMEOUT,	/* u32 seconds: this service's TCP
					 * established and UDP idle timeout;
					 * 0 = the global ones
					 */
	L4LB_SVC_A_PREFIXLEN,	/* u8: persistence granularity of an
				 * AF_INET6 service, a prefix length
				 * 1..128; AF_INET ones use NETMASK
				 */
	L4LB_SVC_A_SCHED_FLAGS,	/* u32: scheduler flags, sh and mh
				 * only (L4LB_SVC_SCHED_F_FALLBACK,
				 * _PORT); a change of scheduler without
				 * it keeps those the new one takes
				 */
	__L4LB_SVC_A_MAX
};
#define L4LB_SVC_A_MAX (__L4LB_SVC_A_MAX - 1)

enum l4lb_fwd_method {
	L4LB_FWD_MASQ,		/* NAT */
	L4LB_FWD_LOCAL,		/* reserved */
	L4LB_FWD_TUNNEL,	/* IPIP */
	L4LB_FWD_ROUTE,		/* direct routing */
	__L4LB_FWD_MAX
};
#define L4LB_FWD_MAX (__L4LB_FWD_MAX - 1)

#define L4LB_WEIGHT_MAX		65535

#define L4LB_SVC_F_PERSISTENT	0x1

/*
 * Scheduler flags (L4LB_SVC_A_SCHED_FLAGS) of the hashing schedulers,
 * ipvsadm's -b sh-fallback,sh-port and mh-fallback,mh-port.
 */
/* A client whose server has weight 0 goes to another, not refused. */
#define L4LB_SVC_SCHED_F_FALLBACK	0x1
/* Hash the client's port with its address: its flows spread. */
#define L4LB_SVC_SCHED_F_PORT		0x2

/* A persistence template: client (network) -> server, no real flow. */
#define L4LB_CONN_F_TEMPLATE	0x1
/*
 * A template one of whose flows was answered (a TCP handshake completed,
 * a UDP reply seen): it outlives its flows by the persistence timeout.
 * One never answered goes with its last flow, as IPVS's does.
 */
#define L4LB_CONN_F_ASSURED	0x2

enum l4lb_dest_attr {
	L4LB_DEST_A_UNSPEC,
	L4LB_DEST_A_AF,		/* u16 */
	L4LB_DEST_A_ADDR,	/* binary: union nf_inet_addr (16 bytes) */
	L4LB_DEST_A_PORT,	/* be16 */
	L4LB_DEST_A_FWD_METHOD,	/* u8: enum l4lb_fwd_method */
	L4LB_DEST_A_WEIGHT,	/* u32: 0..L4LB_WEIGHT_MAX */
	L4LB_DEST_A_ACTIVE_CONNS,	/* u32, reply only */
	L4LB_DEST_A_INACT_CONNS,	/* u32, reply only */
	L4LB_DEST_A_STATS,	/* nest: enum l4lb_stats_attr, reply only */
	L4LB_DEST_A_PAD,
	__L4LB_DEST_A_MAX
};
#define L4LB_DEST_A_MAX (__L4LB_DEST_A_MAX - 1)

/* Counters are u64 totals since creation or the last zeroing. */
enum l4lb_stats_attr {
	L4LB_STATS_A_UNSPEC,
	L4LB_STATS_A_CONNS,
	L4LB_STATS_A_INPKTS,
	L4LB_STATS_A_OUTPKTS,
	L4LB_STATS_A_INBYTES,
	L4LB_STATS_A_OUTBYTES,
	L4LB_STATS_A_PAD,
	/* Rates per second from the periodic estimator, reply only. */
	L4LB_STATS_A_CPS,
	L4LB_STATS_A_INPPS,
	L4LB_STATS_A_OUTPPS,
	L4LB_STATS_A_INBPS,
	L4LB_STATS_A_OUTBPS,
	__L4LB_STATS_A_MAX
};
#define L4LB_STATS_A_MAX (__L4LB_STATS_A_MAX - 1)

/* TCP states as the director sees them; UDP flows report L4LB_TCP_NONE. */
enum l4lb_tcp_state {
	L4LB_TCP_NONE,
	L4LB_TCP_SYN_RECV,	/* client SYN seen */
	L4LB_TCP_SYNACK,	/* server SYN-ACK seen (NAT) */
	L4LB_TCP_ESTABLISHED,
	L4LB_TCP_FIN_WAIT,	/* client sent FIN */
	L4LB_TCP_CLOSE_WAIT,	/* server sent FIN */
	L4LB_TCP_TIME_WAIT,	/* both sent FIN */
	L4LB_TCP_CLOSE,		/* RST seen */
	__L4LB_TCP_MAX
};

/*
 * Their names, as IPVS's, for tables indexed by the state: the one list
 * (ipvsctl's -Lnc, the module's /proc/net/ip_vs_conn).
 */
#define L4LB_TCP_STATE_NAMES {				\
	[L4LB_TCP_NONE]		= "NONE",		\
	[L4LB_TCP_SYN_RECV]	= "SYN_RECV",		\
	[L4LB_TCP_SYNACK]	= "SYNACK",		\
	[L4LB_TCP_ESTABLISHED]	= "ESTABLISHED",	\
	[L4LB_TCP_FIN_WAIT]	= "FIN_WAIT",		\
	[L4LB_TCP_CLOSE_WAIT]	= "CLOSE_WAIT",		\
	[L4LB_TCP_TIME_WAIT]	= "TIME_WAIT",		\
	[L4LB_TCP_CLOSE]	= "CLOSE",		\
}

enum l4lb_conn_attr {
	L4LB_CONN_A_UNSPEC,
	L4LB_CONN_A_AF,		/* u16 */
	L4LB_CONN_A_PROTOCOL,	/* u8 */
	L4LB_CONN_A_CADDR,	/* client */
	L4LB_CONN_A_CPORT,
	L4LB_CONN_A_VADDR,	/* virtual service */
	L4LB_CONN_A_VPORT,
	L4LB_CONN_A_DADDR,	/* real server */
	L4LB_CONN_A_DPORT,
	L4LB_CONN_A_STATE,	/* u8: enum l4lb_tcp_state */
	L4LB_CONN_A_EXPIRES,	/* u32 milliseconds left */
	L4LB_CONN_A_FWD_METHOD,	/* u8 */
	L4LB_CONN_A_FLAGS,	/* u32: L4LB_CONN_F_* */
	L4LB_CONN_A_DAF,	/* u16: DADDR's family (TUN may cross) */
	__L4LB_CONN_A_MAX
};
#define L4LB_CONN_A_MAX (__L4LB_CONN_A_MAX - 1)

#endif /* _UAPI_LINUX_L4LB_H */
