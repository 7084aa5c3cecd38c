// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz - a generic-netlink fuzzer for the "l4lb" family, and for the
 * "IPVS" family l4lb registers with ipvs_abi=1.
 *
 *   genl_fuzz [-F FAMILY] [-n COUNT] [-s SEED] [-a VIP]... [-r] [-v]
 *
 *   -F FAMILY l4lb (the default) or IPVS: the "IPVS" family's requests are
 *             built from uapi/linux/ip_vs.h (nested SERVICE, DEST and
 *             DAEMON, the TIMEOUT_* attributes, libnl's nests without
 *             NLA_F_NESTED, IPv4 addresses in 4 bytes or 16), with what
 *             in-tree IPVS has and l4lb lacks (fwmark services, other
 *             schedulers, persistence engines, thresholds, GUE and GRE
 *             tunnels, the sync daemon) now and then
 *   -n COUNT  messages to send (default 100000)
 *   -s SEED   random seed (default: from the clock; always printed, so a
 *             run can be repeated: the messages sent depend on the seed and
 *             COUNT only, never on the kernel's answers)
 *   -a VIP    also use VIP (1 time in 4) as a service address: the one
 *             that carries live traffic during the run, so that services
 *             come and go under packets; once per family (an IPv4 and an
 *             IPv6 one)
 *   -r        read-only expectation (run it without CAP_NET_ADMIN): every
 *             mutating command must be refused with EPERM and the
 *             configuration must be the same afterwards
 *   -v        print every request that was rejected, and each violation
 *
 * Three kinds of messages, over two sockets used alternately:
 *
 *  A  well-formed requests for every command of the uapi enum, with values
 *     that are random but plausible (VIPs in a small pool so that services
 *     are reused, valid and invalid schedulers, weights, methods, timeouts,
 *     masks) and, now and then, a required attribute left out. A third of
 *     the services are IPv6: 16-byte addresses (valid, v4-mapped,
 *     loopback, multicast, unspecified), prefix lengths (0..255, and of
 *     the wrong size), the IPv4 netmask on them and the prefix length on
 *     IPv4 ones, real servers of the other family with and without
 *     tunnelling, addresses of the wrong family or attribute length.
 *  B  mutations: wrong attribute types and lengths, truncated or oversized
 *     nla_len, unknown attributes, garbage and deep nesting inside nests,
 *     NLA_F_NESTED flipped, strings without NUL, unknown commands, random
 *     nlmsg flags and types, bad genl version and reserved field, short
 *     and batched messages.
 *  C  dumps (GET_SERVICE, GET_DEST, GET_CONN; IPVS: GET_SERVICE,
 *     GET_DEST, GET_DAEMON) read only partially while the other socket
 *     keeps changing the configuration; some are abandoned midway by
 *     closing the socket.
 *
 * A FLUSH now and then keeps the state bounded. Replies are read without
 * blocking (poll with a short timeout at the end), so nothing can hang.
 *
 * The rule checked as it goes: a rejected request of kind A (or a failed
 * dump) must carry an extended-ack message (NLMSGERR_ATTR_MSG). Exceptions
 * that the genetlink core produces without a message and that no module
 * can annotate: EBUSY for a second dump on a socket whose dump is still
 * running, and EPERM for an unprivileged caller (-r).
 *
 * Exit status: 0 when no rule was broken; 1 on a violation, when the family
 * disappears or on an unexpected socket error; 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ip_vs.h>
#include <linux/l4lb.h>

#include "rnd.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED		0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif

#define __aligned(x)		__attribute__((aligned(x)))

#define MSG_MAX		2048	/* request size bound (acks echo it) */
#define RX_MAX		8192	/* receive buffer: also the dump part size */
#define NPEND		65536	/* outstanding requests tracked by seq */
#define DESC_MAX	200
#define ERRNO_MAX	512
#define VIOL_SHOW	10
#define FAMILY_CHECK	2000	/* re-resolve the family this often */

/* ----------------------------------------------------------- options */

static unsigned long opt_count = 100000;
static uint64_t opt_seed;
static bool opt_ro;
static bool opt_verbose;

/*
 * The family under test (-F): its commands (names, which of them change
 * the configuration, how often each is sent, which exist only as dumps,
 * which class C leaves half-read), the builder of their attributes, and
 * the attribute ranges class B draws from.
 */
struct fam {
	const char *name;
	uint8_t version;
	const char *const *cmd_names;
	size_t n_cmd_names;
	bool (*mutates)(unsigned int cmd);
	const uint8_t (*weights)[2];
	size_t n_weights;
	bool (*dump_only)(uint8_t cmd);
	const uint8_t *dumps;
	size_t n_dumps;
	/* A request's attributes; @drop: leave out a required one. */
	void (*put_attrs)(uint8_t cmd, bool dump, bool drop);
	uint8_t cmd_get_service;	/* also as a dump, 1 in 3 */
	uint8_t cmd_get_config;
	uint8_t cmd_flush;
	uint8_t cmd_max;
	uint16_t attr_max;		/* top level */
	uint16_t a_service;		/* its nests */
	uint16_t a_dest;
	uint16_t svc_attr_max;
	uint16_t svc_a_port;
	const uint16_t *garbage_tops;	/* attributes filled with garbage */
	size_t n_garbage_tops;
	/* 1 nest in 2 without NLA_F_NESTED, as libnl sends them. */
	bool nest_flag_optional;
	const char *loaded;		/* what registers it */
};

static const struct fam *F;

/* ---------------------------------------------------------- counters */

static unsigned long n_msgs, n_sent, n_ok, n_rej, n_extack, n_silent;
static unsigned long n_abandoned, n_overrun, n_send_again, n_send_empty;
static unsigned long n_data;
static unsigned long n_a, n_a_rej, n_reopen, n_dumps_partial;
static unsigned long err_count[ERRNO_MAX];
static unsigned long n_viol;
static char viol_text[VIOL_SHOW][DESC_MAX + 96];
static unsigned long ro_mut, ro_eperm, ro_eperm_noext, ro_bad;
static bool fatal;

/* ----------------------------------------------------------- names */

static const char *const l4lb_cmd_names[] = {
	[L4LB_CMD_UNSPEC]	= "UNSPEC",
	[L4LB_CMD_GET_INFO]	= "GET_INFO",
	[L4LB_CMD_NEW_SERVICE]	= "NEW_SERVICE",
	[L4LB_CMD_SET_SERVICE]	= "SET_SERVICE",
	[L4LB_CMD_DEL_SERVICE]	= "DEL_SERVICE",
	[L4LB_CMD_GET_SERVICE]	= "GET_SERVICE",
	[L4LB_CMD_NEW_DEST]	= "NEW_DEST",
	[L4LB_CMD_SET_DEST]	= "SET_DEST",
	[L4LB_CMD_DEL_DEST]	= "DEL_DEST",
	[L4LB_CMD_GET_DEST]	= "GET_DEST",
	[L4LB_CMD_FLUSH]	= "FLUSH",
	[L4LB_CMD_ZERO]		= "ZERO",
	[L4LB_CMD_GET_CONN]	= "GET_CONN",
	[L4LB_CMD_SET_CONFIG]	= "SET_CONFIG",
	[L4LB_CMD_GET_CONFIG]	= "GET_CONFIG",
};

static const char *cmd_name(unsigned int cmd)
{
	static char buf[16];

	if (cmd < F->n_cmd_names && F->cmd_names[cmd])
		return F->cmd_names[cmd];
	snprintf(buf, sizeof(buf), "cmd%u", cmd);
	return buf;
}

static bool l4lb_cmd_mutates(unsigned int cmd)
{
	switch (cmd) {
	case L4LB_CMD_NEW_SERVICE:
	case L4LB_CMD_SET_SERVICE:
	case L4LB_CMD_DEL_SERVICE:
	case L4LB_CMD_NEW_DEST:
	case L4LB_CMD_SET_DEST:
	case L4LB_CMD_DEL_DEST:
	case L4LB_CMD_FLUSH:
	case L4LB_CMD_ZERO:
	case L4LB_CMD_SET_CONFIG:
		return true;
	}
	return false;
}

static const char *err_name(int e)
{
	const char *s = strerrorname_np(e);
	static char buf[16];

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static void violation(const char *fmt, ...)
{
	va_list ap;

	if (n_viol < VIOL_SHOW) {
		va_start(ap, fmt);
		vsnprintf(viol_text[n_viol], sizeof(viol_text[0]), fmt, ap);
		va_end(ap);
		if (opt_verbose)
			fprintf(stderr, "genl_fuzz: violation: %s\n",
				viol_text[n_viol]);
	}
	n_viol++;
}

/* ----------------------------------------------------------- sockets */

struct nlsock {
	int fd;
	uint32_t gen;		/* which incarnation: pending entries name it */
	unsigned int hold;	/* messages to go before draining it again */
};

static struct nlsock socks[2];
static uint32_t sock_gen;
static uint16_t family_id;

static int sock_open_fd(bool nonblock)
{
	int one = 1, size = 4 << 20, fd;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
		    (nonblock ? SOCK_NONBLOCK : 0), NETLINK_GENERIC);
	if (fd < 0) {
		perror("genl_fuzz: socket(NETLINK_GENERIC)");
		exit(1);
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one))) {
		perror("genl_fuzz: NETLINK_EXT_ACK");
		exit(1);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("genl_fuzz: bind");
		exit(1);
	}
	return fd;
}

static void sock_open(struct nlsock *s)
{
	int one = 1;

	s->fd = sock_open_fd(true);
	/* Both ack layouts: the request echoed in full, or capped. */
	if (one_in(2))
		setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
			   sizeof(one));
	s->gen = ++sock_gen;
	s->hold = 0;
}

/* ------------------------------------------------- pending requests */

enum { CLS_A, CLS_B, CLS_C };

struct pending {
	uint32_t seq;
	uint32_t gen;
	uint16_t flags;
	uint8_t cmd;
	uint8_t cls;
	bool busy;
	bool check;	/* the extack rule applies */
	bool mut;	/* a mutating l4lb request that reaches genetlink */
	char desc[DESC_MAX];
};

static struct pending pend[NPEND];
static uint32_t next_seq = 1;

static struct pending *pend_new(uint32_t seq)
{
	struct pending *p = &pend[seq % NPEND];

	if (p->busy)
		n_silent++;
	memset(p, 0, sizeof(*p) - sizeof(p->desc));
	p->desc[0] = 0;
	p->seq = seq;
	p->busy = true;
	return p;
}

static struct pending *pend_find(uint32_t seq, uint32_t gen)
{
	struct pending *p = &pend[seq % NPEND];

	if (!p->busy || p->seq != seq || p->gen != gen)
		return NULL;
	return p;
}

/* A socket is closed: whatever it still owed us is abandoned. */
static void pend_abandon(uint32_t gen)
{
	size_t i;

	for (i = 0; i < NPEND; i++)
		if (pend[i].busy && pend[i].gen == gen) {
			pend[i].busy = false;
			n_abandoned++;
		}
}

/* ---------------------------------------------------- message building */

static unsigned char mbuf[MSG_MAX] __aligned(8);
static size_t mlen;

struct arec {
	uint32_t off;
	bool nest;
};

static struct arec attrs[96];
static unsigned int nattrs;
static uint32_t nests[24];
static unsigned int ndepth;

/* Knobs of the builder: class B turns them on. */
static struct {
	bool bad;		/* wrong lengths, strings without NUL */
	unsigned int skip;	/* leave each attribute out, 1 in skip */
} kn;

static char *desc;		/* the current request's description */

static void desc_add(const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!desc)
		return;
	used = strlen(desc);
	if (used >= DESC_MAX - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(desc + used, DESC_MAX - used, fmt, ap);
	va_end(ap);
}

static struct nlmsghdr *msg_hdr(void)
{
	return (struct nlmsghdr *)mbuf;
}

static void msg_start(uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(mbuf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	msg_hdr()->nlmsg_type = family_id;
	msg_hdr()->nlmsg_flags = flags;
	g = (struct genlmsghdr *)(mbuf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = F->version;
	mlen = NLMSG_HDRLEN + GENL_HDRLEN;
	nattrs = 0;
	ndepth = 0;
}

/* Append an attribute; silently does nothing when the buffer is full. */
static struct nlattr *put_raw(uint16_t type, const void *data, size_t len)
{
	struct nlattr *nla;
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (mlen + total > MSG_MAX - 64)
		return NULL;
	nla = (struct nlattr *)(mbuf + mlen);
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	if (nattrs < ARRAY_SIZE(attrs))
		attrs[nattrs++] = (struct arec){ .off = mlen };
	mlen += total;
	return nla;
}

static bool skip_attr(void)
{
	return kn.skip && one_in(kn.skip);
}

/* A scalar, or in bad mode sometimes the wrong number of bytes. */
static void put_scalar(uint16_t type, const void *v, size_t len)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 33 };
	unsigned char junk[64];
	size_t l;

	if (skip_attr())
		return;
	if (kn.bad && one_in(5)) {
		do
			l = lens[rnd(ARRAY_SIZE(lens))];
		while (l == len);
		rnd_bytes(junk, l);
		if (l >= len)
			memcpy(junk, v, len);
		put_raw(type, junk, l);
		return;
	}
	put_raw(type, v, len);
}

static void put_u8(uint16_t type, uint8_t v)
{
	put_scalar(type, &v, sizeof(v));
}

static void put_u16(uint16_t type, uint16_t v)
{
	put_scalar(type, &v, sizeof(v));
}

static void put_u32(uint16_t type, uint32_t v)
{
	put_scalar(type, &v, sizeof(v));
}

static void put_u64(uint16_t type, uint64_t v)
{
	put_scalar(type, &v, sizeof(v));
}

/* An IPv4 address as union nf_inet_addr: 16 bytes, the first 4 used. */
static void put_addr(uint16_t type, uint32_t be_addr)
{
	unsigned char a[16] = { 0 };

	memcpy(a, &be_addr, 4);
	if (kn.bad && one_in(8))
		rnd_bytes(a + 4, 12);
	put_scalar(type, a, sizeof(a));
}

static void put_str(uint16_t type, const char *s)
{
	size_t len = strlen(s);

	if (skip_attr())
		return;
	if (kn.bad && one_in(4)) {
		/* Without the NUL, or with bytes after it. */
		if (one_in(2)) {
			put_raw(type, s, len);
		} else {
			char b[40];

			rnd_bytes(b, sizeof(b));
			memcpy(b, s, len < 20 ? len + 1 : 20);
			put_raw(type, b, sizeof(b));
		}
		return;
	}
	put_raw(type, s, len + 1);
}

static bool nest_begin(uint16_t type)
{
	struct nlattr *nla;
	uint16_t flag = NLA_F_NESTED;

	if ((kn.bad && one_in(10)) || (F->nest_flag_optional && one_in(2)))
		flag = 0;
	if (ndepth >= ARRAY_SIZE(nests))
		return false;
	nla = put_raw(type | flag, NULL, 0);
	if (!nla)
		return false;
	if (nattrs)
		attrs[nattrs - 1].nest = true;
	nests[ndepth++] = (char *)nla - (char *)mbuf;
	return true;
}

static void nest_end(void)
{
	struct nlattr *nla;

	if (!ndepth)
		return;
	nla = (struct nlattr *)(mbuf + nests[--ndepth]);
	nla->nla_len = mbuf + mlen - (unsigned char *)nla;
}

static void msg_finish(void)
{
	while (ndepth)
		nest_end();
	msg_hdr()->nlmsg_len = mlen;
}

/* -------------------------------------------------------- value pools */

static uint32_t extra_vip;		/* -a: VIPs under live traffic */
static struct in6_addr extra_vip6;
static bool have_vip6;

/* The family of the service being built: its dests' default family. */
static uint16_t cur_svc_af = AF_INET;

static uint32_t pick_vip(void)
{
	static const char *const odd[] = {
		"0.0.0.0", "224.0.0.1", "255.255.255.255", "127.0.0.1",
		"10.99.255.255", "0.1.2.3", "239.255.255.250",
	};
	struct in_addr a;

	if (one_in(25)) {
		inet_pton(AF_INET, odd[rnd(ARRAY_SIZE(odd))], &a);
		return a.s_addr;
	}
	if (one_in(50))
		return (uint32_t)rnd64();
	if (extra_vip && one_in(4))
		return extra_vip;
	return htonl(0x0a630000 | rnd(4) << 8 | (1 + rnd(8)));
}

static uint32_t pick_rip(void)
{
	static const char *const pool[] = {
		"192.168.1.2", "192.168.2.2", "10.98.0.1", "10.98.0.2",
		"10.98.0.3", "10.98.0.4", "10.0.0.2", "10.0.0.1",
	};
	static const char *const odd[] = {
		"127.0.0.1", "0.0.0.0", "224.1.1.1", "255.255.255.255",
		"0.0.0.1", "127.1.2.3",
	};
	struct in_addr a;

	if (one_in(20))
		inet_pton(AF_INET, odd[rnd(ARRAY_SIZE(odd))], &a);
	else if (one_in(50))
		a.s_addr = (uint32_t)rnd64();
	else
		inet_pton(AF_INET, pool[rnd(ARRAY_SIZE(pool))], &a);
	return a.s_addr;
}

/*
 * IPv6 addresses that a service or a server may not have (::, ::1,
 * multicast, v4-mapped), and some it may (link-local, v4-compatible,
 * unique local).
 */
static const char *const odd6[] = {
	"::", "::1", "ff02::1", "ff05::1:3", "ff0e::101",
	"::ffff:10.99.0.1", "::ffff:192.168.1.2", "::ffff:127.0.0.1",
	"::ffff:0.0.0.0", "fe80::1", "::10.99.0.1", "fd00::1",
	"2001:db8::", "::2",
};

static void pick_vip6(struct in6_addr *a)
{
	if (one_in(12)) {
		inet_pton(AF_INET6, odd6[rnd(ARRAY_SIZE(odd6))], a);
		return;
	}
	if (one_in(50)) {
		rnd_bytes(a, sizeof(*a));
		return;
	}
	if (have_vip6 && one_in(4)) {
		*a = extra_vip6;
		return;
	}
	/* 2001:db8:99:N::M, a pool as small as the IPv4 one. */
	inet_pton(AF_INET6, "2001:db8:99::", a);
	a->s6_addr[7] = rnd(4);
	a->s6_addr[15] = 1 + rnd(8);
}

static void pick_rip6(struct in6_addr *a)
{
	static const char *const pool[] = {
		"2001:db8:1::2", "2001:db8:2::2", "fd00:98::1", "fd00:98::2",
		"fd00:98::3", "fd00:98::4", "2001:db8::2", "2001:db8::1",
	};

	if (one_in(10))
		inet_pton(AF_INET6, odd6[rnd(ARRAY_SIZE(odd6))], a);
	else if (one_in(50))
		rnd_bytes(a, sizeof(*a));
	else
		inet_pton(AF_INET6, pool[rnd(ARRAY_SIZE(pool))], a);
}

/*
 * An address of family @af (a service's or a server's: @rip) as the
 * kernel reads it; the desc says which. Now and then an address of the
 * other family, or (well-formed requests too: the policy must say why)
 * an attribute of an IPv4 address's 4 bytes or some other wrong size.
 */
static void put_addr_af(uint16_t type, uint16_t af, bool rip)
{
	static const size_t badlens[] = { 0, 4, 8, 15, 17, 20, 32 };
	char txt[INET6_ADDRSTRLEN];
	unsigned char a[32] = { 0 };
	struct in6_addr a6;
	struct in_addr a4;
	size_t len;

	if (af != AF_INET && af != AF_INET6)
		af = AF_INET;
	if (one_in(20))
		af = af == AF_INET ? AF_INET6 : AF_INET;
	if (af == AF_INET6) {
		if (rip)
			pick_rip6(&a6);
		else
			pick_vip6(&a6);
		memcpy(a, &a6, sizeof(a6));
		inet_ntop(AF_INET6, &a6, txt, sizeof(txt));
	} else {
		a4.s_addr = rip ? pick_rip() : pick_vip();
		memcpy(a, &a4, 4);
		inet_ntop(AF_INET, &a4, txt, sizeof(txt));
	}
	if (one_in(40)) {
		if (skip_attr())
			return;
		len = badlens[rnd(ARRAY_SIZE(badlens))];
		if (len > 16)
			rnd_bytes(a + 16, len - 16);
		put_raw(type, a, len);
		desc_add("addr=%s/%zuB", txt, len);
		return;
	}
	if (af == AF_INET) {
		put_addr(type, a4.s_addr);
	} else {
		if (kn.bad && one_in(8))
			rnd_bytes(a + 8, 8);
		put_scalar(type, a, 16);
	}
	desc_add("addr=%s", txt);
}

static uint16_t pick_port(void)
{
	static const uint16_t pool[] = {
		80, 70, 443, 8080, 53, 1, 65535, 7000,
	};

	if (one_in(25))
		return 0;
	if (one_in(25))
		return htons(rnd(65536));
	return htons(pool[rnd(ARRAY_SIZE(pool))]);
}

/* Mostly IPv4 (the existing coverage), a third IPv6, now and then junk. */
static uint16_t pick_af(void)
{
	static const uint16_t odd[] = {
		0, 1, 0xffff, AF_PACKET, AF_INET6 + 1, AF_INET6 << 8,
	};

	if (one_in(25))
		return odd[rnd(ARRAY_SIZE(odd))];
	return one_in(3) ? AF_INET6 : AF_INET;
}

static uint8_t pick_proto(void)
{
	static const uint8_t odd[] = { 0, 1, 17 + 1, 132, 255, 41 };

	if (one_in(25))
		return odd[rnd(ARRAY_SIZE(odd))];
	return one_in(2) ? 6 : 17;
}

static const char *pick_sched(void)
{
	static const char *const good[] = { "rr", "wrr", "lc", "wlc", "sh", "mh" };
	static const char *const bad[] = {
		"", "shh", "RR", "wlcx", "r", "dh", "aaaaaaaaaaaaaaa",
		"aaaaaaaaaaaaaaaa", "rr rr", "wrr\twrr",
		"a-scheduler-name-that-is-far-too-long-for-the-sixteen-byte-limit",
	};

	if (one_in(5))
		return bad[rnd(ARRAY_SIZE(bad))];
	return good[rnd(ARRAY_SIZE(good))];
}

static uint32_t pick_weight(void)
{
	static const uint32_t pool[] = {
		0, 1, 2, 3, 100, 65534, 65535, 65536, 0x7fffffff, 0xffffffff,
	};

	if (one_in(3))
		return rnd(10);
	return pool[rnd(ARRAY_SIZE(pool))];
}

static uint32_t pick_timeout(uint32_t max)
{
	const uint32_t pool[] = {
		0, 1, 2, 60, 300, 900, max - 1, max, max + 1, 0xffffffff,
	};

	if (one_in(4))
		return rnd(max + 2);
	return pool[rnd(ARRAY_SIZE(pool))];
}

static uint32_t pick_netmask(void)
{
	static const uint32_t pool[] = {
		0xffffffff, 0xffffff00, 0xffff0000, 0xff000000, 0x80000000,
		0, 0xff00ff00, 0x00ffffff, 0xfffffffe, 0x0000ffff,
	};

	return htonl(pool[rnd(ARRAY_SIZE(pool))]);
}

/* An IPv6 persistence prefix length: 1..128 is valid. */
static uint8_t pick_plen(void)
{
	static const uint8_t pool[] = {
		0, 1, 8, 32, 48, 56, 64, 96, 120, 127, 128, 129, 200, 255,
	};

	if (one_in(3))
		return rnd(256);
	return pool[rnd(ARRAY_SIZE(pool))];
}

/* PREFIXLEN, now and then of the wrong size (a u16, a u32, nothing). */
static void put_plen(void)
{
	static const size_t badlens[] = { 0, 2, 4, 8 };
	unsigned char b[8];
	uint8_t v = pick_plen();
	size_t len;

	if (one_in(10) && !skip_attr()) {
		len = badlens[rnd(ARRAY_SIZE(badlens))];
		memset(b, 0, sizeof(b));
		b[0] = v;
		put_raw(L4LB_SVC_A_PREFIXLEN, b, len);
		desc_add(" plen=%u/%zuB", v, len);
		return;
	}
	put_u8(L4LB_SVC_A_PREFIXLEN, v);
	desc_add(" plen=%u", v);
}

/* ---------------------------------------------- class A: well-formed */

static void put_stats_nest(uint16_t type)
{
	int i;

	if (!nest_begin(type))
		return;
	for (i = L4LB_STATS_A_CONNS; i <= L4LB_STATS_A_OUTBYTES; i++)
		if (one_in(2))
			put_u64(i, rnd64());
	nest_end();
}

/* The nested service: its key, then (full) the settings. */
static void put_service(bool full, bool drop_required)
{
	int drop = drop_required ? (int)rnd(5) : -1;
	uint16_t af = pick_af();
	uint32_t v;

	cur_svc_af = af == AF_INET6 ? AF_INET6 : AF_INET;
	if (drop == 4) {
		desc_add(" svc=<none>");
		return;
	}
	if (!nest_begin(L4LB_A_SERVICE))
		return;
	desc_add(" svc{");
	if (drop != 0) {
		put_u16(L4LB_SVC_A_AF, af);
		desc_add("af=%u", af);
	}
	if (drop != 1) {
		v = pick_proto();
		put_u8(L4LB_SVC_A_PROTOCOL, v);
		desc_add(" proto=%u", v);
	}
	if (drop != 2) {
		desc_add(" ");
		put_addr_af(L4LB_SVC_A_ADDR, af, false);
	}
	if (drop != 3) {
		v = pick_port();
		put_u16(L4LB_SVC_A_PORT, v);
		desc_add(" port=%u", ntohs(v));
	}
	if (full) {
		if (one_in(2)) {
			const char *s = pick_sched();

			put_str(L4LB_SVC_A_SCHED_NAME, s);
			desc_add(" sched=\"%s\"", s);
		}
		if (one_in(3)) {
			v = one_in(8) ? (uint32_t)rnd64() : rnd(3);
			put_u32(L4LB_SVC_A_FLAGS, v);
			desc_add(" flags=%#x", v);
		}
		if (one_in(3)) {
			v = pick_timeout(30 * 86400);
			put_u32(L4LB_SVC_A_TIMEOUT, v);
			desc_add(" timeout=%u", v);
		}
		/* Each family's granularity, and now and then the other's. */
		if (one_in(cur_svc_af == AF_INET ? 3 : 12)) {
			v = pick_netmask();
			put_scalar(L4LB_SVC_A_NETMASK, &v, 4);
			desc_add(" netmask=%#x", ntohl(v));
		}
		if (one_in(cur_svc_af == AF_INET6 ? 3 : 12))
			put_plen();
		if (one_in(3)) {
			v = pick_timeout(30 * 86400);
			put_u32(L4LB_SVC_A_IDLE_TIMEOUT, v);
			desc_add(" idle=%u", v);
		}
		/* sh's and mh's flags (1, 2), on any scheduler, and others. */
		if (one_in(3)) {
			v = one_in(8) ? (uint32_t)rnd64() : rnd(4);
			put_u32(L4LB_SVC_A_SCHED_FLAGS, v);
			desc_add(" schedflags=%#x", v);
		}
		/* Reply-only attributes: the kernel must refuse them, with a message. */
		if (one_in(20)) {
			put_u32(L4LB_SVC_A_NR_DESTS, rnd(10));
			desc_add(" nr_dests");
		}
		if (one_in(20)) {
			put_stats_nest(L4LB_SVC_A_STATS);
			desc_add(" stats{}");
		}
	}
	desc_add("}");
	nest_end();
}

static void put_dest(bool full, bool drop_required)
{
	int drop = drop_required ? (int)rnd(2) : -1;
	uint16_t af = cur_svc_af;
	uint32_t v;

	if (drop == 1) {
		desc_add(" dest=<none>");
		return;
	}
	if (!nest_begin(L4LB_A_DEST))
		return;
	desc_add(" dest{");
	if (one_in(3)) {
		/* The service's family said again, the other one, or junk. */
		v = one_in(3) ? af : pick_af();
		put_u16(L4LB_DEST_A_AF, v);
		desc_add("af=%u ", v);
		af = v;
	}
	if (drop != 0)
		put_addr_af(L4LB_DEST_A_ADDR, af, true);
	if (!one_in(4)) {
		v = pick_port();
		put_u16(L4LB_DEST_A_PORT, v);
		desc_add(" port=%u", ntohs(v));
	}
	if (full) {
		if (one_in(2)) {
			/*
			 * Mostly NAT: DR and TUN need a route. A server of
			 * the other family needs TUN: mostly that.
			 */
			v = one_in(2) ? L4LB_FWD_MASQ : rnd(6);
			if (af != cur_svc_af && !one_in(3))
				v = L4LB_FWD_TUNNEL;
			put_u8(L4LB_DEST_A_FWD_METHOD, v);
			desc_add(" fwd=%u", v);
		}
		if (one_in(2)) {
			v = pick_weight();
			put_u32(L4LB_DEST_A_WEIGHT, v);
			desc_add(" weight=%u", v);
		}
		if (one_in(25)) {
			put_u32(L4LB_DEST_A_ACTIVE_CONNS, rnd(100));
			put_u32(L4LB_DEST_A_INACT_CONNS, rnd(100));
			desc_add(" conns");
		}
		if (one_in(25)) {
			put_stats_nest(L4LB_DEST_A_STATS);
			desc_add(" stats{}");
		}
	}
	desc_add("}");
	nest_end();
}

static const uint8_t l4lb_cmd_weights[][2] = {
	{ L4LB_CMD_GET_INFO,	3 },
	{ L4LB_CMD_NEW_SERVICE,	16 },
	{ L4LB_CMD_SET_SERVICE,	8 },
	{ L4LB_CMD_DEL_SERVICE,	4 },
	{ L4LB_CMD_GET_SERVICE,	6 },
	{ L4LB_CMD_NEW_DEST,	16 },
	{ L4LB_CMD_SET_DEST,	8 },
	{ L4LB_CMD_DEL_DEST,	4 },
	{ L4LB_CMD_GET_DEST,	5 },
	{ L4LB_CMD_FLUSH,	1 },
	{ L4LB_CMD_ZERO,	3 },
	{ L4LB_CMD_GET_CONN,	2 },
	{ L4LB_CMD_SET_CONFIG,	3 },
	{ L4LB_CMD_GET_CONFIG,	3 },
};

static uint8_t pick_cmd(void)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < F->n_weights; i++)
		total += F->weights[i][1];
	r = rnd(total);
	for (i = 0; i < F->n_weights; i++) {
		if (r < F->weights[i][1])
			return F->weights[i][0];
		r -= F->weights[i][1];
	}
	return F->weights[0][0];
}

/* Commands that only exist as dumps. */
static bool l4lb_cmd_dump_only(uint8_t cmd)
{
	return cmd == L4LB_CMD_GET_DEST || cmd == L4LB_CMD_GET_CONN;
}

/*
 * Build a request for @cmd with the current knobs. @dump: GET_SERVICE as
 * a dump.
 */
static void build(uint8_t cmd, bool dump)
{
	bool drop = one_in(20);		/* leave out a required attribute */
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

	if (dump || F->dump_only(cmd))
		flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg_start(flags, cmd);
	desc_add("%s%s", cmd_name(cmd), flags & NLM_F_DUMP ? "(dump)" : "");
	F->put_attrs(cmd, dump, drop);
	msg_finish();
}

static void l4lb_put_attrs(uint8_t cmd, bool dump, bool drop)
{
	uint32_t v;
	int i;

	switch (cmd) {
	case L4LB_CMD_NEW_SERVICE:
	case L4LB_CMD_SET_SERVICE:
		put_service(true, drop);
		break;
	case L4LB_CMD_DEL_SERVICE:
		put_service(false, drop);
		break;
	case L4LB_CMD_GET_SERVICE:
		if (!dump)
			put_service(false, drop);
		break;
	case L4LB_CMD_NEW_DEST:
	case L4LB_CMD_SET_DEST:
		put_service(false, drop && one_in(2));
		put_dest(true, drop);
		break;
	case L4LB_CMD_DEL_DEST:
		put_service(false, drop && one_in(2));
		put_dest(false, drop);
		break;
	case L4LB_CMD_GET_DEST:
		put_service(false, drop);
		break;
	case L4LB_CMD_ZERO:
		if (one_in(2))
			put_service(false, false);
		break;
	case L4LB_CMD_SET_CONFIG:
		for (i = L4LB_A_TIMEOUT_TCP; i <= L4LB_A_TIMEOUT_UDP; i++) {
			if (one_in(2))
				continue;
			v = pick_timeout(86400);
			put_u32(i, v);
			desc_add(" timeout%d=%u", i - L4LB_A_TIMEOUT_TCP, v);
		}
		break;
	default:
		break;
	}
}

static const uint16_t l4lb_garbage_tops[] = {
	L4LB_A_SERVICE, L4LB_A_DEST, L4LB_A_CONN, L4LB_A_VERSION,
	L4LB_A_TIMEOUT_TCP,
};

static const uint8_t l4lb_dumps[] = {
	L4LB_CMD_GET_SERVICE, L4LB_CMD_GET_DEST, L4LB_CMD_GET_CONN,
};

static const struct fam fam_l4lb = {
	.name		= L4LB_GENL_NAME,
	.version	= L4LB_GENL_VERSION,
	.cmd_names	= l4lb_cmd_names,
	.n_cmd_names	= ARRAY_SIZE(l4lb_cmd_names),
	.mutates	= l4lb_cmd_mutates,
	.weights	= l4lb_cmd_weights,
	.n_weights	= ARRAY_SIZE(l4lb_cmd_weights),
	.dump_only	= l4lb_cmd_dump_only,
	.dumps		= l4lb_dumps,
	.n_dumps	= ARRAY_SIZE(l4lb_dumps),
	.put_attrs	= l4lb_put_attrs,
	.cmd_get_service = L4LB_CMD_GET_SERVICE,
	.cmd_get_config	= L4LB_CMD_GET_CONFIG,
	.cmd_flush	= L4LB_CMD_FLUSH,
	.cmd_max	= L4LB_CMD_MAX,
	.attr_max	= L4LB_A_MAX,
	.a_service	= L4LB_A_SERVICE,
	.a_dest		= L4LB_A_DEST,
	.svc_attr_max	= L4LB_SVC_A_MAX,
	.svc_a_port	= L4LB_SVC_A_PORT,
	.garbage_tops	= l4lb_garbage_tops,
	.n_garbage_tops	= ARRAY_SIZE(l4lb_garbage_tops),
	.loaded		= "l4lb.ko",
};

/* ------------------------------------- class A: the "IPVS" family */

static const char *const ipvs_cmd_names[] = {
	[IPVS_CMD_UNSPEC]	= "UNSPEC",
	[IPVS_CMD_NEW_SERVICE]	= "NEW_SERVICE",
	[IPVS_CMD_SET_SERVICE]	= "SET_SERVICE",
	[IPVS_CMD_DEL_SERVICE]	= "DEL_SERVICE",
	[IPVS_CMD_GET_SERVICE]	= "GET_SERVICE",
	[IPVS_CMD_NEW_DEST]	= "NEW_DEST",
	[IPVS_CMD_SET_DEST]	= "SET_DEST",
	[IPVS_CMD_DEL_DEST]	= "DEL_DEST",
	[IPVS_CMD_GET_DEST]	= "GET_DEST",
	[IPVS_CMD_NEW_DAEMON]	= "NEW_DAEMON",
	[IPVS_CMD_DEL_DAEMON]	= "DEL_DAEMON",
	[IPVS_CMD_GET_DAEMON]	= "GET_DAEMON",
	[IPVS_CMD_SET_CONFIG]	= "SET_CONFIG",
	[IPVS_CMD_GET_CONFIG]	= "GET_CONFIG",
	[IPVS_CMD_SET_INFO]	= "SET_INFO",
	[IPVS_CMD_GET_INFO]	= "GET_INFO",
	[IPVS_CMD_ZERO]		= "ZERO",
	[IPVS_CMD_FLUSH]	= "FLUSH",
};

static bool ipvs_cmd_mutates(unsigned int cmd)
{
	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE:
	case IPVS_CMD_SET_SERVICE:
	case IPVS_CMD_DEL_SERVICE:
	case IPVS_CMD_NEW_DEST:
	case IPVS_CMD_SET_DEST:
	case IPVS_CMD_DEL_DEST:
	case IPVS_CMD_NEW_DAEMON:
	case IPVS_CMD_DEL_DAEMON:
	case IPVS_CMD_SET_CONFIG:
	case IPVS_CMD_ZERO:
	case IPVS_CMD_FLUSH:
		return true;
	}
	return false;
}

/* SET_INFO is a reply's command only: class B sends it. */
static const uint8_t ipvs_cmd_weights[][2] = {
	{ IPVS_CMD_GET_INFO,	3 },
	{ IPVS_CMD_NEW_SERVICE,	16 },
	{ IPVS_CMD_SET_SERVICE,	8 },
	{ IPVS_CMD_DEL_SERVICE,	4 },
	{ IPVS_CMD_GET_SERVICE,	6 },
	{ IPVS_CMD_NEW_DEST,	16 },
	{ IPVS_CMD_SET_DEST,	8 },
	{ IPVS_CMD_DEL_DEST,	4 },
	{ IPVS_CMD_GET_DEST,	5 },
	{ IPVS_CMD_NEW_DAEMON,	2 },
	{ IPVS_CMD_DEL_DAEMON,	1 },
	{ IPVS_CMD_GET_DAEMON,	2 },
	{ IPVS_CMD_FLUSH,	1 },
	{ IPVS_CMD_ZERO,	3 },
	{ IPVS_CMD_SET_CONFIG,	3 },
	{ IPVS_CMD_GET_CONFIG,	3 },
};

/* ipvsadm dumps the daemons; IPVS has no GET_DAEMON doit. */
static bool ipvs_cmd_dump_only(uint8_t cmd)
{
	return cmd == IPVS_CMD_GET_DEST || cmd == IPVS_CMD_GET_DAEMON;
}

/*
 * An address of family @af as IPVS reads it: an IPv4 one in 16 bytes or,
 * 1 in 4 (moby/ipvs), in 4.
 */
static void ipvs_put_addr(uint16_t type, uint16_t af, bool rip)
{
	struct in_addr a4;

	if (af == AF_INET && one_in(4)) {
		a4.s_addr = rip ? pick_rip() : pick_vip();
		put_scalar(type, &a4, sizeof(a4));
		desc_add("addr=%s/4B", inet_ntoa(a4));
		return;
	}
	put_addr_af(type, af, rip);
}

static const char *ipvs_pick_sched(void)
{
	/* IPVS's schedulers that l4lb lacks: ENOENT, as from IPVS. */
	static const char *const other[] = {
		"dh", "sed", "nq", "fo", "ovf", "lblc", "lblcr", "twos",
	};

	if (one_in(6))
		return other[rnd(ARRAY_SIZE(other))];
	return pick_sched();
}

static uint32_t ipvs_pick_flags(void)
{
	static const uint32_t pool[] = {
		0, IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_HASHED,
		IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_SCHED1,
		IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3,
		IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED,
	};

	if (one_in(10))
		return (uint32_t)rnd64();
	return pool[rnd(ARRAY_SIZE(pool))];
}

/*
 * The nested service: its key (or, now and then, a firewall mark), then
 * (@full) the settings NEW and SET_SERVICE need all of.
 */
static void ipvs_put_service(bool full, bool drop_required)
{
	int drop = drop_required ? (int)rnd(9) : -1;
	struct ip_vs_flags fl;
	uint16_t af = pick_af();
	uint32_t v;

	cur_svc_af = af == AF_INET6 ? AF_INET6 : AF_INET;
	if (drop == 8) {
		desc_add(" svc=<none>");
		return;
	}
	if (!nest_begin(IPVS_CMD_ATTR_SERVICE))
		return;
	desc_add(" svc{");
	if (drop != 0) {
		put_u16(IPVS_SVC_ATTR_AF, af);
		desc_add("af=%u", af);
	}
	if (one_in(15)) {
		v = 1 + rnd(100);
		put_u32(IPVS_SVC_ATTR_FWMARK, v);
		desc_add(" fwmark=%u", v);
	}
	if (drop != 1) {
		v = pick_proto();
		put_u16(IPVS_SVC_ATTR_PROTOCOL, v);
		desc_add(" proto=%u", v);
	}
	if (drop != 2) {
		desc_add(" ");
		ipvs_put_addr(IPVS_SVC_ATTR_ADDR, af, false);
	}
	if (drop != 3) {
		v = pick_port();
		put_u16(IPVS_SVC_ATTR_PORT, v);
		desc_add(" port=%u", ntohs(v));
	}
	if (full) {
		if (drop != 4) {
			const char *n = ipvs_pick_sched();

			put_str(IPVS_SVC_ATTR_SCHED_NAME, n);
			desc_add(" sched=\"%s\"", n);
		}
		if (drop != 5) {
			fl.flags = ipvs_pick_flags();
			fl.mask = one_in(4) ? (uint32_t)rnd64() : ~0U;
			put_scalar(IPVS_SVC_ATTR_FLAGS, &fl, sizeof(fl));
			desc_add(" flags=%#x/%#x", fl.flags, fl.mask);
		}
		if (drop != 6) {
			v = pick_timeout(30 * 86400);
			put_u32(IPVS_SVC_ATTR_TIMEOUT, v);
			desc_add(" timeout=%u", v);
		}
		if (drop != 7) {
			/* IPv4: a mask; IPv6: a prefix length; or the other. */
			v = cur_svc_af == AF_INET6 && !one_in(8) ? pick_plen() :
			    pick_netmask();
			put_u32(IPVS_SVC_ATTR_NETMASK, v);
			desc_add(" netmask=%#x", v);
		}
		if (one_in(20)) {
			const char *pe = one_in(2) ? "sip" : "";

			put_str(IPVS_SVC_ATTR_PE_NAME, pe);
			desc_add(" pe=\"%s\"", pe);
		}
		/* Reply-only: IPVS ignores them in requests. */
		if (one_in(20)) {
			put_stats_nest(IPVS_SVC_ATTR_STATS);
			desc_add(" stats{}");
		}
	}
	desc_add("}");
	nest_end();
}

static void ipvs_put_dest(bool full, bool drop_required)
{
	int drop = drop_required ? (int)rnd(7) : -1;
	uint16_t af = cur_svc_af;
	uint32_t v;

	if (drop == 6) {
		desc_add(" dest=<none>");
		return;
	}
	if (!nest_begin(IPVS_CMD_ATTR_DEST))
		return;
	desc_add(" dest{");
	if (one_in(3)) {
		/* The service's family said again, the other one, or junk. */
		v = one_in(3) ? af : pick_af();
		put_u16(IPVS_DEST_ATTR_ADDR_FAMILY, v);
		desc_add("af=%u ", v);
		af = v;
	}
	if (drop != 0)
		ipvs_put_addr(IPVS_DEST_ATTR_ADDR, af, true);
	if (drop != 1) {
		v = pick_port();
		put_u16(IPVS_DEST_ATTR_PORT, v);
		desc_add(" port=%u", ntohs(v));
	}
	if (full) {
		if (drop != 2) {
			/* Mostly NAT; TUN for a server of the other family. */
			v = one_in(2) ? IP_VS_CONN_F_MASQ : rnd(6);
			if (af != cur_svc_af && !one_in(3))
				v = IP_VS_CONN_F_TUNNEL;
			put_u32(IPVS_DEST_ATTR_FWD_METHOD, v);
			desc_add(" fwd=%u", v);
		}
		if (drop != 3) {
			v = pick_weight();
			put_u32(IPVS_DEST_ATTR_WEIGHT, v);
			desc_add(" weight=%u", v);
		}
		/* keepalived always sends both thresholds, as 0. */
		if (drop != 4) {
			v = one_in(10) ? 1 + rnd(1000) : 0;
			put_u32(IPVS_DEST_ATTR_U_THRESH, v);
			desc_add(" u_thresh=%u", v);
		}
		if (drop != 5) {
			v = one_in(10) ? 1 + rnd(1000) : 0;
			put_u32(IPVS_DEST_ATTR_L_THRESH, v);
			desc_add(" l_thresh=%u", v);
		}
		if (one_in(5)) {
			v = rnd(4);
			put_u8(IPVS_DEST_ATTR_TUN_TYPE, v);
			put_u16(IPVS_DEST_ATTR_TUN_PORT, pick_port());
			put_u16(IPVS_DEST_ATTR_TUN_FLAGS, rnd(8));
			desc_add(" tun=%u", v);
		}
		/* Reply-only: IPVS ignores them in requests. */
		if (one_in(25)) {
			put_u32(IPVS_DEST_ATTR_ACTIVE_CONNS, rnd(100));
			put_u32(IPVS_DEST_ATTR_INACT_CONNS, rnd(100));
			put_u32(IPVS_DEST_ATTR_PERSIST_CONNS, rnd(100));
			desc_add(" conns");
		}
		if (one_in(25)) {
			put_stats_nest(IPVS_DEST_ATTR_STATS);
			desc_add(" stats{}");
		}
	}
	desc_add("}");
	nest_end();
}

/* The sync daemon's nest, as ipvsadm --start-daemon sends it. */
static void ipvs_put_daemon(void)
{
	struct in6_addr g6;

	if (one_in(10)) {
		desc_add(" daemon=<none>");
		return;
	}
	if (!nest_begin(IPVS_CMD_ATTR_DAEMON))
		return;
	put_u32(IPVS_DAEMON_ATTR_STATE, 1 + rnd(2));
	put_str(IPVS_DAEMON_ATTR_MCAST_IFN, one_in(2) ? "eth0" : "c0");
	put_u32(IPVS_DAEMON_ATTR_SYNC_ID, rnd(256));
	if (one_in(2))
		put_u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, rnd(65536));
	if (one_in(3)) {
		put_u32(IPVS_DAEMON_ATTR_MCAST_GROUP, htonl(0xe0000051));
	} else if (one_in(2)) {
		inet_pton(AF_INET6, "ff02::12", &g6);
		put_scalar(IPVS_DAEMON_ATTR_MCAST_GROUP6, &g6, sizeof(g6));
	}
	if (one_in(2))
		put_u16(IPVS_DAEMON_ATTR_MCAST_PORT, htons(8848));
	if (one_in(2))
		put_u8(IPVS_DAEMON_ATTR_MCAST_TTL, rnd(256));
	desc_add(" daemon{}");
	nest_end();
}

static void ipvs_put_attrs(uint8_t cmd, bool dump, bool drop)
{
	uint32_t v;
	int i;

	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE:
	case IPVS_CMD_SET_SERVICE:
		ipvs_put_service(true, drop);
		break;
	case IPVS_CMD_DEL_SERVICE:
		ipvs_put_service(false, drop);
		break;
	case IPVS_CMD_GET_SERVICE:
		/* A dump with an empty SERVICE, as moby/ipvs sends it. */
		if (dump && one_in(3) && nest_begin(IPVS_CMD_ATTR_SERVICE)) {
			nest_end();
			desc_add(" svc{}");
		} else if (!dump) {
			ipvs_put_service(false, drop);
		}
		break;
	case IPVS_CMD_NEW_DEST:
	case IPVS_CMD_SET_DEST:
		ipvs_put_service(false, drop && one_in(2));
		ipvs_put_dest(true, drop);
		break;
	case IPVS_CMD_DEL_DEST:
		ipvs_put_service(false, drop && one_in(2));
		ipvs_put_dest(false, drop);
		break;
	case IPVS_CMD_GET_DEST:
		ipvs_put_service(false, drop);
		break;
	case IPVS_CMD_NEW_DAEMON:
	case IPVS_CMD_DEL_DAEMON:
		ipvs_put_daemon();
		break;
	case IPVS_CMD_ZERO:
		if (one_in(2))
			ipvs_put_service(false, false);
		break;
	case IPVS_CMD_SET_CONFIG:
		for (i = IPVS_CMD_ATTR_TIMEOUT_TCP;
		     i <= IPVS_CMD_ATTR_TIMEOUT_UDP; i++) {
			if (one_in(2))
				continue;
			v = pick_timeout(86400);
			put_u32(i, v);
			desc_add(" timeout%d=%u", i - IPVS_CMD_ATTR_TIMEOUT_TCP,
				 v);
		}
		break;
	default:
		break;
	}
}

static const uint16_t ipvs_garbage_tops[] = {
	IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST, IPVS_CMD_ATTR_DAEMON,
	IPVS_CMD_ATTR_TIMEOUT_TCP, IPVS_CMD_ATTR_TIMEOUT_UDP,
};

static const uint8_t ipvs_dumps[] = {
	IPVS_CMD_GET_SERVICE, IPVS_CMD_GET_DEST, IPVS_CMD_GET_DAEMON,
};

static const struct fam fam_ipvs = {
	.name		= IPVS_GENL_NAME,
	.version	= IPVS_GENL_VERSION,
	.cmd_names	= ipvs_cmd_names,
	.n_cmd_names	= ARRAY_SIZE(ipvs_cmd_names),
	.mutates	= ipvs_cmd_mutates,
	.weights	= ipvs_cmd_weights,
	.n_weights	= ARRAY_SIZE(ipvs_cmd_weights),
	.dump_only	= ipvs_cmd_dump_only,
	.dumps		= ipvs_dumps,
	.n_dumps	= ARRAY_SIZE(ipvs_dumps),
	.put_attrs	= ipvs_put_attrs,
	.cmd_get_service = IPVS_CMD_GET_SERVICE,
	.cmd_get_config	= IPVS_CMD_GET_CONFIG,
	.cmd_flush	= IPVS_CMD_FLUSH,
	.cmd_max	= IPVS_CMD_MAX,
	.attr_max	= IPVS_CMD_ATTR_MAX,
	.a_service	= IPVS_CMD_ATTR_SERVICE,
	.a_dest		= IPVS_CMD_ATTR_DEST,
	.svc_attr_max	= IPVS_SVC_ATTR_MAX,
	.svc_a_port	= IPVS_SVC_ATTR_PORT,
	.garbage_tops	= ipvs_garbage_tops,
	.n_garbage_tops	= ARRAY_SIZE(ipvs_garbage_tops),
	.nest_flag_optional = true,
	.loaded		= "l4lb.ko with ipvs_abi=1",
};

/* ------------------------------------------------ class B: mutations */

static struct nlattr *attr_at(unsigned int i)
{
	return (struct nlattr *)(mbuf + attrs[i].off);
}

static void mutate_attr_type(void)
{
	struct nlattr *nla;

	if (!nattrs)
		return;
	nla = attr_at(rnd(nattrs));
	switch (rnd(4)) {
	case 0:
		nla->nla_type = rnd(F->attr_max + 4);
		break;
	case 1:
		nla->nla_type ^= NLA_F_NESTED;
		break;
	case 2:
		nla->nla_type = rnd(0x10000);
		break;
	default:
		nla->nla_type |= NLA_F_NET_BYTEORDER;
		break;
	}
}

static void mutate_attr_len(void)
{
	struct nlattr *nla;
	size_t room;

	if (!nattrs)
		return;
	nla = attr_at(rnd(nattrs));
	room = mbuf + mlen - (unsigned char *)nla;
	switch (rnd(4)) {
	case 0:		/* shorter than the header */
		nla->nla_len = rnd(NLA_HDRLEN);
		break;
	case 1:		/* a byte or so short or long */
		nla->nla_len += (int)rnd(7) - 3;
		break;
	case 2:		/* past the end of the message */
		nla->nla_len = room + 1 + rnd(200);
		break;
	default:
		nla->nla_len = rnd(0x10000);
		break;
	}
}

/* Unknown attribute types, at the top level or inside a nest. */
static void add_unknown(void)
{
	unsigned char junk[24];
	uint16_t type;

	rnd_bytes(junk, sizeof(junk));
	switch (rnd(3)) {
	case 0:
		type = F->attr_max + 1 + rnd(8);
		break;
	case 1:
		type = F->svc_attr_max + 1 + rnd(8);
		break;
	default:
		type = rnd(NLA_TYPE_MASK + 1);
		break;
	}
	if (one_in(4))
		type |= NLA_F_NESTED;
	if (one_in(2) && nest_begin(one_in(2) ? F->a_service : F->a_dest)) {
		put_raw(type, junk, rnd(sizeof(junk)));
		nest_end();
	} else {
		put_raw(type, junk, rnd(sizeof(junk)));
	}
}

/* Garbage inside a nest, or nests inside nests. */
static void add_nested_garbage(void)
{
	unsigned char junk[128];
	unsigned int depth, i;

	if (!nest_begin(F->garbage_tops[rnd(F->n_garbage_tops)]))
		return;
	switch (rnd(3)) {
	case 0:
		rnd_bytes(junk, sizeof(junk));
		put_raw(rnd(16) | (one_in(2) ? NLA_F_NESTED : 0), junk,
			rnd(sizeof(junk)));
		break;
	case 1:
		/* Raw bytes where attributes should be. */
		i = rnd(64);
		if (mlen + i < MSG_MAX - 64) {
			rnd_bytes(mbuf + mlen, i);
			mlen += NLA_ALIGN(i);
		}
		break;
	default:
		depth = 1 + rnd(20);
		for (i = 0; i < depth; i++)
			if (!nest_begin(rnd(F->svc_attr_max + 2)))
				break;
		if (one_in(2))
			put_u32(F->svc_a_port, (uint32_t)rnd64());
		break;
	}
	while (ndepth)
		nest_end();
}

/* Class B: a mutated request. Returns the datagram length to send. */
static size_t build_mutant(void)
{
	unsigned int i, n;
	uint8_t cmd = pick_cmd();
	struct genlmsghdr *g;
	size_t len;

	kn.bad = true;
	kn.skip = one_in(2) ? 4 : 0;
	build(cmd, cmd == F->cmd_get_service && one_in(3));
	kn.bad = false;
	kn.skip = 0;

	/* More attributes first, then corrupt what is there. */
	if (one_in(3))
		add_unknown();
	if (one_in(4))
		add_nested_garbage();
	msg_finish();

	g = (struct genlmsghdr *)(mbuf + NLMSG_HDRLEN);
	n = 1 + rnd(3);
	for (i = 0; i < n; i++) {
		switch (rnd(10)) {
		case 0:
			mutate_attr_type();
			break;
		case 1:
		case 2:
			mutate_attr_len();
			break;
		case 3:		/* unknown or odd command */
			g->cmd = one_in(2) ? F->cmd_max + 1 + rnd(4) :
					     (uint8_t)rnd(256);
			if (one_in(4))
				g->cmd = 0;	/* UNSPEC */
			break;
		case 4:		/* random flags */
			msg_hdr()->nlmsg_flags = rnd(0x10000);
			if (!one_in(8))
				msg_hdr()->nlmsg_flags |= NLM_F_REQUEST;
			break;
		case 5:		/* a dump of anything, or an ack of a dump */
			msg_hdr()->nlmsg_flags ^= one_in(2) ? NLM_F_DUMP :
							      NLM_F_ACK;
			break;
		case 6:		/* wrong version, reserved bits */
			g->version = rnd(256);
			if (one_in(2))
				g->reserved = rnd(0x10000);
			break;
		case 7:		/* random payload after the headers */
			len = rnd(MSG_MAX - 64 - NLMSG_HDRLEN - GENL_HDRLEN);
			len = len % 256;
			rnd_bytes(mbuf + NLMSG_HDRLEN + GENL_HDRLEN, len);
			mlen = NLMSG_HDRLEN + GENL_HDRLEN + len;
			nattrs = 0;
			msg_hdr()->nlmsg_len = mlen;
			break;
		case 8:		/* nlmsg_len lies */
			switch (rnd(3)) {
			case 0:
				msg_hdr()->nlmsg_len = rnd(mlen + 1);
				break;
			case 1:
				msg_hdr()->nlmsg_len = mlen + 1 + rnd(64);
				break;
			default:
				msg_hdr()->nlmsg_len = NLMSG_HDRLEN + rnd(GENL_HDRLEN + 1);
				break;
			}
			break;
		default:	/* other message types */
			if (one_in(3))
				msg_hdr()->nlmsg_type = rnd(NLMSG_MIN_TYPE + 1);
			else
				msg_hdr()->nlmsg_flags |= rnd(0x10000) & ~NLM_F_DUMP;
			break;
		}
	}

	len = mlen;
	/* Short datagrams: cut anywhere, even inside the headers. */
	if (one_in(12)) {
		len = rnd(mlen + 1);
		if (one_in(2) && len >= 4)
			msg_hdr()->nlmsg_len = len;
	}
	return len;
}

/* ------------------------------------------------------------ replies */

/* Find NLMSGERR_ATTR_MSG in the TLVs at @p..@end. */
static const char *find_ext_msg(const unsigned char *p, const unsigned char *end)
{
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || p + nla->nla_len > end)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    nla->nla_len > NLA_HDRLEN)
			return (const char *)p + NLA_HDRLEN;
		p += NLA_ALIGN(nla->nla_len);
	}
	return NULL;
}

static void resolve(struct pending *p, int err, const char *ext)
{
	bool mut = p->mut;

	p->busy = false;
	if (ext)
		n_extack++;
	if (!err) {
		n_ok++;
		if (opt_ro && mut) {
			ro_bad++;
			violation("read-only: %s accepted without CAP_NET_ADMIN: %s",
				  cmd_name(p->cmd), p->desc[0] ? p->desc : "(mutated)");
		}
		return;
	}
	err = -err;
	n_rej++;
	if (err > 0 && err < ERRNO_MAX)
		err_count[err]++;
	else
		err_count[0]++;
	if (p->cls == CLS_A)
		n_a_rej++;
	if (opt_verbose)
		printf("seq %u %s %s: %s%s%s\n", p->seq,
		       p->cls == CLS_A ? "A" : p->cls == CLS_B ? "B" : "C",
		       p->desc[0] ? p->desc : cmd_name(p->cmd), err_name(err),
		       ext ? ": " : "", ext ? ext : "");
	if (opt_ro && mut && p->cls == CLS_A) {
		if (err == EPERM) {
			ro_eperm++;
		} else {
			ro_bad++;
			violation("read-only: %s got %s, not EPERM: %s",
				  cmd_name(p->cmd), err_name(err), p->desc);
		}
	}
	if (!p->check || ext)
		return;
	if (err == EBUSY)	/* a dump already running on this socket */
		return;
	if (opt_ro && err == EPERM) {
		ro_eperm_noext++;
		return;
	}
	violation("%s rejected with %s and no extack message: %s",
		  cmd_name(p->cmd), err_name(err), p->desc);
}

static void handle_msg(struct nlsock *s, const struct nlmsghdr *nlh)
{
	const unsigned char *base = (const unsigned char *)nlh;
	const unsigned char *end = base + nlh->nlmsg_len;
	struct pending *p = pend_find(nlh->nlmsg_seq, s->gen);
	const struct nlmsgerr *e;
	const char *ext = NULL;
	size_t off;
	int err;

	if (!p)
		return;		/* a late part of an abandoned exchange */
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			resolve(p, -EBADMSG, NULL);
			return;
		}
		e = NLMSG_DATA(nlh);
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
			off = sizeof(*e);
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
			    e->msg.nlmsg_len >= NLMSG_HDRLEN)
				off += e->msg.nlmsg_len - NLMSG_HDRLEN;
			off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
			if (off < nlh->nlmsg_len)
				ext = find_ext_msg(base + off, end);
		}
		resolve(p, e->error, ext);
		break;
	case NLMSG_DONE:
		err = 0;
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
			memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			ext = find_ext_msg(base + NLMSG_HDRLEN +
					   NLMSG_ALIGN(sizeof(int)), end);
		resolve(p, err, ext);
		break;
	default:
		n_data++;
		/* A doit reply with no ack asked for ends the exchange. */
		if (!(nlh->nlmsg_flags & NLM_F_MULTI) &&
		    !(p->flags & NLM_F_ACK))
			resolve(p, 0, NULL);
		break;
	}
}

/* Read one datagram; false when there was none. */
static bool sock_recv_one(struct nlsock *s)
{
	static unsigned char rx[RX_MAX] __aligned(8);
	struct iovec iov = { rx, sizeof(rx) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	const struct nlmsghdr *nlh;
	ssize_t n;

	n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return false;
		if (errno == ENOBUFS) {	/* replies lost: not our concern */
			n_overrun++;
			return true;
		}
		fprintf(stderr, "genl_fuzz: recvmsg: %s\n", strerror(errno));
		fatal = true;
		return false;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		fprintf(stderr, "genl_fuzz: a reply larger than %d bytes\n",
			RX_MAX);
		fatal = true;
		return true;
	}
	for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, (size_t)n);
	     nlh = NLMSG_NEXT(nlh, n))
		handle_msg(s, nlh);
	return true;
}

static void sock_drain(struct nlsock *s)
{
	while (!fatal && sock_recv_one(s))
		;
}

static void sock_reopen(struct nlsock *s)
{
	close(s->fd);
	pend_abandon(s->gen);
	sock_open(s);
	n_reopen++;
}

/* Wait (briefly) for everything still owed, then give up on the rest. */
static void drain_all(int timeout_ms)
{
	struct pollfd pfd[2];
	unsigned int i;

	for (;;) {
		for (i = 0; i < 2; i++) {
			socks[i].hold = 0;
			sock_drain(&socks[i]);
			pfd[i] = (struct pollfd){ .fd = socks[i].fd,
						  .events = POLLIN };
		}
		if (fatal || poll(pfd, 2, timeout_ms) <= 0)
			break;
	}
}

/* ------------------------------------------------------------ sending */

/*
 * Remember the message at @m (@len bytes of it sent) under a fresh seq.
 * A mutating command counts as such only when it reaches genetlink as an
 * request of the family: a success for it means the kernel did change
 * something.
 */
static struct pending *track(struct nlsock *s, unsigned char *m, size_t len,
			     uint8_t cls, bool check)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m;
	struct genlmsghdr *g = (struct genlmsghdr *)(m + NLMSG_HDRLEN);
	struct pending *p;
	uint32_t seq = next_seq++;

	if (!seq)
		seq = next_seq++;
	nlh->nlmsg_seq = seq;
	p = pend_new(seq);
	p->gen = s->gen;
	p->flags = nlh->nlmsg_flags;
	p->cmd = g->cmd;
	p->cls = cls;
	p->check = check;
	p->mut = F->mutates(g->cmd) && nlh->nlmsg_type == family_id &&
		 (nlh->nlmsg_flags & NLM_F_REQUEST) &&
		 len >= NLMSG_HDRLEN + GENL_HDRLEN;
	if (desc)
		memcpy(p->desc, desc, DESC_MAX);
	if (cls == CLS_A)
		n_a++;
	if (opt_ro && cls == CLS_A && p->mut)
		ro_mut++;
	return p;
}

static void dump_hex(const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 256; i++)
		fprintf(stderr, "%02x%s", b[i], i % 16 == 15 ? "\n" : " ");
	fprintf(stderr, "\n");
}

static void send_buf(struct nlsock *s, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	while (sendto(s->fd, mbuf, len, 0, (struct sockaddr *)&kernel,
		      sizeof(kernel)) < 0) {
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) {
			n_send_again++;
			sock_drain(s);
			continue;
		}
		/* An empty datagram: the socket layer says so at once. */
		if (!len && errno == ENODATA) {
			n_send_empty++;
			return;
		}
		fprintf(stderr, "genl_fuzz: sendto (message %lu, %zu bytes): %s\n",
			n_msgs, len, strerror(errno));
		dump_hex(mbuf, len);
		fatal = true;
		return;
	}
	n_sent++;
}

static void send_msg(struct nlsock *s, size_t len, uint8_t cls, bool check)
{
	track(s, mbuf, len, cls, check);
	send_buf(s, len);
}

/* A batch: a well-formed message and a mutant in one datagram. */
static void send_batch(struct nlsock *s)
{
	static unsigned char first[MSG_MAX];
	size_t flen, len;

	build(pick_cmd(), false);
	memcpy(first, mbuf, mlen);
	flen = mlen;
	len = build_mutant();
	if (flen + len > MSG_MAX) {
		send_msg(s, len, CLS_B, false);
		return;
	}
	memmove(mbuf + flen, mbuf, len);
	memcpy(mbuf, first, flen);
	track(s, mbuf, flen, CLS_B, false);
	track(s, mbuf + flen, len, CLS_B, false);
	send_buf(s, flen + len);
}

/* --------------------------------------------------- family and state */

/*
 * A blocking request on a fresh socket, for the family lookup and the
 * read-only snapshots: calls @cb for every data message; returns 0 or the
 * negative error of the exchange (-ETIMEDOUT when the kernel is silent).
 */
static int call(const void *req, size_t len,
		void (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	static unsigned char rx[32768] __aligned(8);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct nlmsghdr *nlh;
	int fd = sock_open_fd(false), ret = -ETIMEDOUT;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	bool done = false;
	ssize_t n;

	if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		ret = -errno;
		goto out;
	}
	while (!done && poll(&pfd, 1, 2000) > 0) {
		n = recv(fd, rx, sizeof(rx), 0);
		if (n < 0) {
			ret = -errno;
			break;
		}
		for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				done = true;
			} else if (cb) {
				cb(nlh, arg);
				ret = 0;
			}
		}
	}
out:
	close(fd);
	return ret;
}

static void family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const unsigned char *p = (const unsigned char *)NLMSG_DATA(nlh) +
				 GENL_HDRLEN;
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || p + nla->nla_len > end)
			break;
		if (nla->nla_type == CTRL_ATTR_FAMILY_ID &&
		    nla->nla_len >= NLA_HDRLEN + 2)
			memcpy(arg, p + NLA_HDRLEN, 2);
		p += NLA_ALIGN(nla->nla_len);
	}
}

static int resolve_family(uint16_t *id)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		unsigned char attrs[32];
	} req = {
		.n.nlmsg_type = GENL_ID_CTRL,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.n.nlmsg_seq = 1,
		.g.cmd = CTRL_CMD_GETFAMILY,
		.g.version = 1,
	};
	struct nlattr *nla = (struct nlattr *)req.attrs;
	int err;

	nla->nla_type = CTRL_ATTR_FAMILY_NAME;
	nla->nla_len = NLA_HDRLEN + strlen(F->name) + 1;
	memcpy(req.attrs + NLA_HDRLEN, F->name, strlen(F->name) + 1);
	req.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN +
			  NLA_ALIGN(nla->nla_len);
	*id = 0;
	err = call(&req, req.n.nlmsg_len, family_cb, id);
	if (!err && !*id)
		err = -ENOENT;
	return err;
}

static void check_family(void)
{
	uint16_t id;
	int err = resolve_family(&id);

	if (err || id != family_id) {
		fprintf(stderr, "genl_fuzz: family \"%s\" %s after %lu messages\n",
			F->name, err ? "disappeared" : "changed id",
			n_msgs);
		fatal = true;
	}
}

/* Read-only runs: what must not change. */
struct snapshot {
	unsigned int services;
	unsigned char config[64];
	size_t config_len;
};

static void count_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(unsigned int *)arg)++;
}

static void config_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct snapshot *s = arg;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (len > sizeof(s->config))
		len = sizeof(s->config);
	memcpy(s->config, (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN, len);
	s->config_len = len;
}

static int snapshot(struct snapshot *s)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
		.n.nlmsg_type = family_id,
		.n.nlmsg_seq = 1,
		.g.version = F->version,
	};
	int err;

	memset(s, 0, sizeof(*s));
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.g.cmd = F->cmd_get_service;
	err = call(&req, sizeof(req), count_cb, &s->services);
	if (err)
		return err;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.g.cmd = F->cmd_get_config;
	return call(&req, sizeof(req), config_cb, s);
}

/* ----------------------------------------------------------- the run */

static struct nlsock *pick_sock(void)
{
	struct nlsock *s = &socks[rnd(2)];

	/* Prefer one that is not holding a half-read dump. */
	if (s->hold && !socks[0].hold)
		s = &socks[0];
	else if (s->hold && !socks[1].hold)
		s = &socks[1];
	return s;
}

static void one_message(void)
{
	static char dbuf[DESC_MAX];
	struct nlsock *s = pick_sock(), *o;
	unsigned int r = rnd(100);
	uint8_t cmd;

	dbuf[0] = 0;
	if (r < 45) {			/* A */
		/* Never behind a half-read dump: every one gets its answer. */
		if (s->hold) {
			s->hold = 0;
			sock_drain(s);
		}
		desc = dbuf;
		cmd = pick_cmd();
		build(cmd, cmd == F->cmd_get_service && one_in(3));
		send_msg(s, mlen, CLS_A, true);
		desc = NULL;
	} else if (r < 85) {		/* B */
		desc = NULL;
		if (one_in(15))
			send_batch(s);
		else
			send_msg(s, build_mutant(), CLS_B, false);
	} else {			/* C: a dump, left half-read */
		desc = dbuf;
		cmd = F->dumps[rnd(F->n_dumps)];
		build(cmd, true);
		if (one_in(4))
			msg_hdr()->nlmsg_flags |= NLM_F_ACK;
		send_msg(s, mlen, CLS_C, true);
		desc = NULL;
		/* Read one part now, or none; the rest much later. */
		if (one_in(2))
			sock_recv_one(s);
		s->hold = 1 + rnd(40);
		n_dumps_partial++;
	}

	/* Drain what is not held; advance or abandon held dumps. */
	for (o = socks; o < socks + 2; o++) {
		if (!o->hold) {
			sock_drain(o);
			continue;
		}
		if (one_in(8))
			sock_recv_one(o);
		if (--o->hold)
			continue;
		if (one_in(2))
			sock_reopen(o);		/* abandoned midway */
		else
			sock_drain(o);
	}
}

static void send_flush(void)
{
	static char dbuf[DESC_MAX];
	struct nlsock *s = pick_sock();

	if (s->hold) {
		s->hold = 0;
		sock_drain(s);
	}

	dbuf[0] = 0;
	desc = dbuf;
	build(F->cmd_flush, false);
	send_msg(s, mlen, CLS_A, true);
	desc = NULL;
	sock_drain(s);
}

static void usage(void)
{
	fprintf(stderr, "usage: genl_fuzz [-F l4lb|IPVS] [-n COUNT] [-s SEED] [-a VIP]... [-r] [-v]\n");
	exit(2);
}

static void print_summary(double secs)
{
	char errs[1024] = "";
	size_t used = 0;
	bool shown[ERRNO_MAX] = { false };
	int i, best;

	/* Errnos by count, most frequent first. */
	for (;;) {
		best = -1;
		for (i = 0; i < ERRNO_MAX; i++)
			if (err_count[i] && !shown[i] &&
			    (best < 0 || err_count[i] > err_count[best]))
				best = i;
		if (best < 0 || used >= sizeof(errs) - 40)
			break;
		shown[best] = true;
		used += snprintf(errs + used, sizeof(errs) - used, "%s%s %lu",
				 used ? ", " : "",
				 best ? err_name(best) : "other",
				 err_count[best]);
	}
	printf("genl_fuzz: %lu messages, %lu ok, %lu rejected (%s), %lu with extack\n",
	       n_msgs, n_ok, n_rej, used ? errs : "none", n_extack);
	printf("genl_fuzz: seed %llu; %.1f s, %.0f messages/s; %lu datagrams, %lu well-formed (%lu rejected), %lu partial dumps, %lu sockets reopened, %lu data replies, %lu unanswered, %lu abandoned, %lu overruns, %lu send retries, %lu empty datagrams refused\n",
	       (unsigned long long)opt_seed, secs, secs > 0 ? n_msgs / secs : 0,
	       n_sent, n_a, n_a_rej, n_dumps_partial, n_reopen, n_data,
	       n_silent, n_abandoned, n_overrun, n_send_again, n_send_empty);
	if (opt_ro)
		printf("genl_fuzz: read-only: %lu mutating requests, %lu EPERM, %lu other (EPERM from the genetlink core without extack: %lu)\n",
		       ro_mut, ro_eperm, ro_bad, ro_eperm_noext);
	printf("genl_fuzz: %lu violations\n", n_viol);
	for (i = 0; i < VIOL_SHOW && (unsigned long)i < n_viol; i++)
		printf("genl_fuzz: violation: %s\n", viol_text[i]);
	if (n_viol > VIOL_SHOW)
		printf("genl_fuzz: ... and %lu more\n", n_viol - VIOL_SHOW);
}

int main(int argc, char **argv)
{
	struct snapshot before, after;
	struct timespec t0, t1;
	unsigned long next_flush;
	char *end;
	double secs;
	int c, err;

	opt_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	F = &fam_l4lb;
	while ((c = getopt(argc, argv, "F:n:s:a:rvh")) != -1) {
		switch (c) {
		case 'F':
			if (!strcmp(optarg, fam_l4lb.name))
				F = &fam_l4lb;
			else if (!strcmp(optarg, fam_ipvs.name))
				F = &fam_ipvs;
			else
				usage();
			break;
		case 'a':
			if (inet_pton(AF_INET6, optarg, &extra_vip6) == 1)
				have_vip6 = true;
			else if (inet_pton(AF_INET, optarg, &extra_vip) != 1)
				usage();
			break;
		case 'n':
			opt_count = strtoul(optarg, &end, 0);
			if (*end)
				usage();
			break;
		case 's':
			opt_seed = strtoull(optarg, &end, 0);
			if (*end)
				usage();
			break;
		case 'r':
			opt_ro = true;
			break;
		case 'v':
			opt_verbose = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	rng_state = opt_seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("genl_fuzz: seed %llu, %lu messages to \"%s\"%s\n",
	       (unsigned long long)opt_seed, opt_count, F->name,
	       opt_ro ? ", read-only expectation" : "");

	err = resolve_family(&family_id);
	if (err) {
		fprintf(stderr, "genl_fuzz: no generic-netlink family \"%s\": %s (is %s loaded?)\n",
			F->name, strerror(-err), F->loaded);
		return 1;
	}
	if (opt_ro) {
		err = snapshot(&before);
		if (err) {
			fprintf(stderr, "genl_fuzz: cannot read the configuration: %s\n",
				strerror(-err));
			return 1;
		}
	}
	sock_open(&socks[0]);
	sock_open(&socks[1]);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next_flush = 200 + rnd(400);
	for (n_msgs = 0; n_msgs < opt_count && !fatal; n_msgs++) {
		if (n_msgs && n_msgs % FAMILY_CHECK == 0)
			check_family();
		if (n_msgs == next_flush) {
			send_flush();
			next_flush += 200 + rnd(400);
			continue;
		}
		one_message();
	}
	drain_all(200);
	if (!fatal)
		check_family();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* What is still owed now will not come. */
	for (c = 0; c < NPEND; c++)
		if (pend[c].busy) {
			pend[c].busy = false;
			n_silent++;
		}

	if (opt_ro && ro_eperm + ro_bad != ro_mut)
		violation("read-only: %lu mutating requests got no answer",
			  ro_mut - ro_eperm - ro_bad);
	if (opt_ro && !fatal) {
		err = snapshot(&after);
		if (err) {
			violation("read-only: cannot read the configuration afterwards: %s",
				  strerror(-err));
		} else if (after.services != before.services ||
			   after.config_len != before.config_len ||
			   memcmp(after.config, before.config, after.config_len)) {
			violation("read-only: the configuration changed: %u services before, %u after%s",
				  before.services, after.services,
				  after.config_len == before.config_len &&
				  !memcmp(after.config, before.config,
					  after.config_len) ? "" :
				  ", timeouts differ");
		}
	}
	print_summary(secs);
	close(socks[0].fd);
	close(socks[1].fd);
	if (fatal) {
		printf("genl_fuzz: FAILED: stopped early (see above)\n");
		return 1;
	}
	return n_viol ? 1 : 0;
}
