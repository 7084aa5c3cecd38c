// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the l4lb kernel module, loaded with LD_PRELOAD under
 * ipvsctl so its netlink code runs end to end on a host without the module.
 *
 * fake_nl.c intercepts sendmsg()/recvmsg()/setsockopt() on generic-netlink
 * sockets; this file answers like the kernel would: the controller (there)
 * resolves "l4lb", dumps
 * return canned services, servers and connections, and errors come back
 * with extended-ack TLVs (only if the socket asked for them, as the kernel
 * does). Every l4lb request is decoded into one line of FAKE_L4LB_LOG so
 * tests can check exactly which attributes were sent.
 *
 * Environment:
 *   FAKE_L4LB_LOG=file       append decoded requests
 *   FAKE_L4LB_ABSENT=1       the family does not exist
 *   FAKE_L4LB_FAIL=errno     fail every l4lb request with -errno
 *   FAKE_L4LB_EXTACK=text    extack message for FAKE_L4LB_FAIL / dump failures
 *   FAKE_L4LB_DUMP_FAIL=errno  dumps end in NLMSG_DONE(-errno), the service
 *                            dump right after its first service
 *   FAKE_L4LB_WARN=text      successful acks carry this extack message
 *   FAKE_L4LB_NO_CAP=1       echo whole requests in errors despite NETLINK_CAP_ACK
 *   FAKE_L4LB_FAIL_AT=k[,k..]  only the k-th l4lb requests (from 1) fail, with
 *                            FAKE_L4LB_FAIL's errno (default EEXIST)
 *   FAKE_L4LB_OLD=1          reply like an older module: no rates, idle
 *                            timeouts, connection flags or drop counters
 *   FAKE_L4LB_IPV6=1         IPv6 services, servers and connections too,
 *                            after the IPv4 ones
 *   FAKE_L4LB_STATE=file     keep services and servers in a table (fake_state.c)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/l4lb.h>
#include <linux/netlink.h>

#include "fake.h"

struct svc {
	uint8_t proto;
	const char *addr;	/* IPv4 or IPv6 */
	uint16_t port;
	const char *sched;
	uint32_t flags, timeout;
	const char *mask;	/* IPv4 */
	uint8_t prefixlen;	/* IPv6; 0 sends none */
	uint32_t idle;
	uint64_t stats[10];	/* five counters, then five rates */
};

struct dest {
	int svc;		/* index into svcs[] */
	const char *addr;
	uint16_t port;
	uint8_t fwd;
	uint32_t weight, active, inactive;
	uint64_t stats[10];
};

/*
 * Deliberately unsorted: ipvsctl must sort. The IPv4 services come first
 * and are all there is without FAKE_L4LB_IPV6.
 */
#define NR_SVCS_V4	3

static const struct svc svcs[] = {
	{ IPPROTO_UDP, "10.0.0.1", 53, "rr", 0, 0, NULL, 0, 30, { 0 } },
	{ IPPROTO_TCP, "10.0.0.2", 443, "wrr", L4LB_SVC_F_PERSISTENT, 360, "255.255.255.0", 0,
	  0, { 10, 20, 30, 40, 50, 1, 2, 3, 4, 5 } },
	{ IPPROTO_TCP, "10.0.0.1", 80, "wlc", 0, 0, NULL, 0, 0,
	  { 123456, 1000000, 900000, 150000000, 2000000000ULL,
	    1500, 123456, 100000, 150000000, 2000000000ULL } },
	{ IPPROTO_UDP, "2001:db8::53", 53, "rr", 0, 0, NULL, 0, 0, { 0 } },
	{ IPPROTO_TCP, "2001:db8::1", 80, "wlc", L4LB_SVC_F_PERSISTENT, 300, NULL, 64, 0,
	  { 7, 70, 60, 7000, 6000, 1, 10, 9, 1000, 900 } },
	/* Persistent, and no prefix length sent: 128, the default. */
	{ IPPROTO_TCP, "2001:db8::1", 443, "wrr", L4LB_SVC_F_PERSISTENT, 360, NULL, 0, 0, { 0 } },
};

static const struct dest dests[] = {
	{ 2, "192.168.1.3", 80, L4LB_FWD_MASQ, 2, 5, 1, { 100, 1, 2, 3, 4, 5, 10, 20, 3000, 4000 } },
	{ 2, "192.168.1.2", 80, L4LB_FWD_MASQ, 1, 0, 0, { 0 } },
	{ 1, "192.168.1.4", 443, L4LB_FWD_ROUTE, 3, 7, 2, { 0 } },
	{ 4, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:10", 8080, L4LB_FWD_MASQ, 2, 5, 1,
	  { 7, 70, 60, 7000, 6000, 1, 10, 9, 1000, 900 } },
	{ 4, "2001:db8::10", 80, L4LB_FWD_ROUTE, 1, 0, 0, { 0 } },
	/* An IPv4 server of an IPv6 service: only a tunnel crosses families. */
	{ 5, "192.168.1.5", 443, L4LB_FWD_TUNNEL, 1, 0, 0, { 0 } },
	{ 3, "2001:db8::2", 53, L4LB_FWD_MASQ, 1, 0, 3, { 0 } },
};

static bool with_ipv6(void)
{
	return getenv("FAKE_L4LB_IPV6") != NULL;
}

static int nr_svcs(void)
{
	return with_ipv6() ? (int)ARRAY_SIZE(svcs) : NR_SVCS_V4;
}

static bool old_module(void)
{
	return getenv("FAKE_L4LB_OLD") != NULL;
}

static void logf_(const char *fmt, ...)
{
	const char *path = getenv("FAKE_L4LB_LOG");
	va_list ap;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

enum kind { K_U8, K_U16, K_BE16, K_U32, K_ADDR, K_MASK, K_STR };

/* How to print each attribute of the service and dest nests. */
static const struct field {
	bool svc;
	uint16_t type;
	const char *name;
	enum kind kind;
} fields[] = {
	{ true, L4LB_SVC_A_AF, "af", K_U16 },
	{ true, L4LB_SVC_A_PROTOCOL, "proto", K_U8 },
	{ true, L4LB_SVC_A_ADDR, "addr", K_ADDR },
	{ true, L4LB_SVC_A_PORT, "port", K_BE16 },
	{ true, L4LB_SVC_A_SCHED_NAME, "sched", K_STR },
	{ true, L4LB_SVC_A_FLAGS, "flags", K_U32 },
	{ true, L4LB_SVC_A_TIMEOUT, "timeout", K_U32 },
	{ true, L4LB_SVC_A_NETMASK, "netmask", K_MASK },
	{ true, L4LB_SVC_A_IDLE_TIMEOUT, "idle", K_U32 },
	{ true, L4LB_SVC_A_PREFIXLEN, "prefixlen", K_U8 },
	{ true, L4LB_SVC_A_SCHED_FLAGS, "schedflags", K_U32 },
	{ false, L4LB_DEST_A_AF, "af", K_U16 },
	{ false, L4LB_DEST_A_ADDR, "addr", K_ADDR },
	{ false, L4LB_DEST_A_PORT, "port", K_BE16 },
	{ false, L4LB_DEST_A_FWD_METHOD, "fwd", K_U8 },
	{ false, L4LB_DEST_A_WEIGHT, "weight", K_U32 },
};

/* Append " name=value" for one attribute; the object's key is kept in @key. */
static void decode_attr(const struct nlattr *a, bool is_svc, char *log, size_t loglen,
			struct fake_key *key)
{
	const uint8_t *d = (const uint8_t *)a + NLA_HDRLEN;
	size_t off = strlen(log), len = a->nla_len - NLA_HDRLEN, i;
	char addr[INET6_ADDRSTRLEN];
	uint32_t v32 = 0;
	uint16_t v16 = 0;

	memcpy(&v32, d, len >= 4 ? 4 : 0);
	memcpy(&v16, d, len >= 2 ? 2 : 0);
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].svc == is_svc && fields[i].type == a->nla_type)
			break;
	if (i == ARRAY_SIZE(fields)) {
		snprintf(log + off, loglen - off, " attr%u", a->nla_type);
		return;
	}
	off += snprintf(log + off, loglen - off, " %s=", fields[i].name);
	switch (fields[i].kind) {
	case K_U8:
		snprintf(log + off, loglen - off, "%u", d[0]);
		break;
	case K_U16:
		snprintf(log + off, loglen - off, "%u", v16);
		break;
	case K_BE16:
		snprintf(log + off, loglen - off, "%u", ntohs(v16));
		break;
	case K_U32:
		snprintf(log + off, loglen - off, "%u", v32);
		break;
	case K_ADDR:
		/* The family came first in the nest, as ipvsctl sends it. */
		snprintf(log + off, loglen - off, "%s%s",
			 len >= 16 || key->af == AF_INET ?
			 inet_ntop(key->af, d, addr, sizeof(addr)) : "?",
			 len != 16 ? "(BADLEN)" : "");
		break;
	case K_MASK:
		snprintf(log + off, loglen - off, "%s", inet_ntop(AF_INET, d, addr, sizeof(addr)));
		break;
	case K_STR:
		snprintf(log + off, loglen - off, "%.*s", (int)len, (const char *)d);
		break;
	}
	if (a->nla_type == (is_svc ? L4LB_SVC_A_AF : L4LB_DEST_A_AF))
		key->af = v16;
	else if (a->nla_type == (is_svc ? L4LB_SVC_A_ADDR : L4LB_DEST_A_ADDR))
		memcpy(key->addr, d, len < 16 ? len : 16);
	else if (a->nla_type == (is_svc ? L4LB_SVC_A_PORT : L4LB_DEST_A_PORT))
		key->port = ntohs(v16);
	else if (is_svc && a->nla_type == L4LB_SVC_A_PROTOCOL)
		key->proto = d[0];
}

/* Like the kernel's strict validation: nests must carry NLA_F_NESTED. */
static int decode_nest(const struct nlattr *nest, bool is_svc, char *log, size_t loglen,
		       struct fake_key *key)
{
	int rem = nest->nla_len - NLA_HDRLEN;
	const struct nlattr *a;

	if (!(nest->nla_type & NLA_F_NESTED))
		return -1;
	key->af = AF_INET;
	for (a = (const void *)((const char *)nest + NLA_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len)))
		decode_attr(a, is_svc, log, loglen, key);
	key->set = true;
	return 0;
}

static const char *const cmd_names[] = {
	"UNSPEC", "GET_INFO", "NEW_SERVICE", "SET_SERVICE", "DEL_SERVICE", "GET_SERVICE",
	"NEW_DEST", "SET_DEST", "DEL_DEST", "GET_DEST", "FLUSH", "ZERO", "GET_CONN",
	"SET_CONFIG", "GET_CONFIG",
};

static void put_stats(uint16_t type, const uint64_t *s)
{
	size_t n = fake_nest_begin(type);
	int i;

	for (i = 0; i < 5; i++)
		fake_attr_u64(L4LB_STATS_A_CONNS + i, s[i]);
	for (i = 0; i < 5 && !old_module(); i++)
		fake_attr_u64(L4LB_STATS_A_CPS + i, s[5 + i]);
	fake_nest_end(n);
}

static void put_service(const struct svc *s, int idx)
{
	size_t n = fake_nest_begin(L4LB_A_SERVICE);
	int nr = 0, i;

	for (i = 0; i < (int)ARRAY_SIZE(dests); i++)
		nr += dests[i].svc == idx;
	fake_attr_u16(L4LB_SVC_A_AF, fake_af(s->addr));
	fake_attr_u8(L4LB_SVC_A_PROTOCOL, s->proto);
	fake_attr_addr(L4LB_SVC_A_ADDR, s->addr);
	fake_attr_u16(L4LB_SVC_A_PORT, htons(s->port));
	fake_attr_str(L4LB_SVC_A_SCHED_NAME, s->sched);
	fake_attr_u32(L4LB_SVC_A_FLAGS, s->flags);
	fake_attr_u32(L4LB_SVC_A_TIMEOUT, s->timeout);
	if (s->mask) {
		uint32_t m;

		inet_pton(AF_INET, s->mask, &m);
		fake_attr_u32(L4LB_SVC_A_NETMASK, m);
	}
	if (s->prefixlen)
		fake_attr_u8(L4LB_SVC_A_PREFIXLEN, s->prefixlen);
	put_stats(L4LB_SVC_A_STATS, s->stats);
	fake_attr_u32(L4LB_SVC_A_NR_DESTS, (uint32_t)nr);
	if (s->idle && !old_module())
		fake_attr_u32(L4LB_SVC_A_IDLE_TIMEOUT, s->idle);
	fake_nest_end(n);
}

static void put_dest(const struct dest *d)
{
	size_t n = fake_nest_begin(L4LB_A_DEST);

	fake_attr_u16(L4LB_DEST_A_AF, fake_af(d->addr));
	fake_attr_addr(L4LB_DEST_A_ADDR, d->addr);
	fake_attr_u16(L4LB_DEST_A_PORT, htons(d->port));
	fake_attr_u8(L4LB_DEST_A_FWD_METHOD, d->fwd);
	fake_attr_u32(L4LB_DEST_A_WEIGHT, d->weight);
	fake_attr_u32(L4LB_DEST_A_ACTIVE_CONNS, d->active);
	fake_attr_u32(L4LB_DEST_A_INACT_CONNS, d->inactive);
	put_stats(L4LB_DEST_A_STATS, d->stats);
	fake_nest_end(n);
}

static void put_conn(uint8_t proto, const char *c, uint16_t cp, const char *v, uint16_t vp,
		     const char *d, uint16_t dp, uint8_t state, uint32_t expires, uint32_t flags)
{
	size_t n = fake_nest_begin(L4LB_A_CONN);

	fake_attr_u16(L4LB_CONN_A_AF, fake_af(c));
	fake_attr_u8(L4LB_CONN_A_PROTOCOL, proto);
	fake_attr_addr(L4LB_CONN_A_CADDR, c);
	fake_attr_u16(L4LB_CONN_A_CPORT, htons(cp));
	fake_attr_addr(L4LB_CONN_A_VADDR, v);
	fake_attr_u16(L4LB_CONN_A_VPORT, htons(vp));
	if (!old_module())
		fake_attr_u16(L4LB_CONN_A_DAF, fake_af(d));
	fake_attr_addr(L4LB_CONN_A_DADDR, d);
	fake_attr_u16(L4LB_CONN_A_DPORT, htons(dp));
	fake_attr_u8(L4LB_CONN_A_STATE, state);
	fake_attr_u32(L4LB_CONN_A_EXPIRES, expires);
	fake_attr_u8(L4LB_CONN_A_FWD_METHOD, fake_af(c) == fake_af(d) ?
			    L4LB_FWD_MASQ : L4LB_FWD_TUNNEL);
	if (!old_module())
		fake_attr_u32(L4LB_CONN_A_FLAGS, flags);
	fake_nest_end(n);
}

static int find_svc(const struct fake_key *k)
{
	uint8_t a[16];
	int i;

	for (i = 0; i < nr_svcs(); i++) {
		memset(a, 0, sizeof(a));
		inet_pton(fake_af(svcs[i].addr), svcs[i].addr, a);
		if (k->set && k->af == fake_af(svcs[i].addr) && svcs[i].proto == k->proto &&
		    !memcmp(a, k->addr, sizeof(a)) && svcs[i].port == k->port)
			return i;
	}
	return -1;
}

static int env_errno(const char *name)
{
	const char *v = getenv(name);

	return v ? atoi(v) : 0;
}

static void handle_dump(const struct nlmsghdr *req, uint8_t cmd, const struct fake_key *key)
{
	int fail = env_errno("FAKE_L4LB_DUMP_FAIL");
	int i, idx = find_svc(key);
	size_t off;

	fake_dgram_begin();
	switch (cmd) {
	case L4LB_CMD_GET_SERVICE:
		for (i = 0; i < nr_svcs(); i++) {
			off = fake_msg_begin(req, FAKE_FAMILY_ID, NLM_F_MULTI, cmd);
			put_service(&svcs[i], i);
			fake_msg_end(off);
			if (fail)
				break;
		}
		break;
	case L4LB_CMD_GET_DEST:
		for (i = 0; i < (int)ARRAY_SIZE(dests); i++) {
			if (dests[i].svc != idx)
				continue;
			off = fake_msg_begin(req, FAKE_FAMILY_ID, NLM_F_MULTI, cmd);
			put_dest(&dests[i]);
			fake_msg_end(off);
		}
		break;
	case L4LB_CMD_GET_CONN:
		/* Two nests in one message, then one more: both must be read. */
		off = fake_msg_begin(req, FAKE_FAMILY_ID, NLM_F_MULTI, cmd);
		put_conn(IPPROTO_UDP, "10.0.0.9", 40000, "10.0.0.1", 53, "192.168.1.3", 53,
			 L4LB_TCP_NONE, 299000, 0);
		put_conn(IPPROTO_TCP, "10.0.0.5", 51234, "10.0.0.1", 80, "192.168.1.2", 80,
			 L4LB_TCP_ESTABLISHED, 899999, 0);
		fake_msg_end(off);
		off = fake_msg_begin(req, FAKE_FAMILY_ID, NLM_F_MULTI, cmd);
		put_conn(IPPROTO_TCP, "10.0.0.4", 1025, "10.0.0.1", 80, "192.168.1.3", 80,
			 L4LB_TCP_FIN_WAIT, 61000, 0);
		/* A persistence template of the /24 of 10.1.2.3 on 10.0.0.2:443. */
		put_conn(IPPROTO_TCP, "10.1.2.0", 0, "10.0.0.2", 443, "192.168.1.4", 443,
			 L4LB_TCP_NONE, 359000, L4LB_CONN_F_TEMPLATE);
		fake_msg_end(off);
		if (!with_ipv6())
			break;
		off = fake_msg_begin(req, FAKE_FAMILY_ID, NLM_F_MULTI, cmd);
		put_conn(IPPROTO_TCP, "2001:db8::99", 51234, "2001:db8::1", 80, "2001:db8::10", 80,
			 L4LB_TCP_ESTABLISHED, 899999, 0);
		/* The template of the /64 of 2001:db8:1:2::99 on [2001:db8::1]:80. */
		put_conn(IPPROTO_TCP, "2001:db8:1:2::", 0, "2001:db8::1", 80, "2001:db8::10", 80,
			 L4LB_TCP_NONE, 299000, L4LB_CONN_F_TEMPLATE);
		put_conn(IPPROTO_UDP, "2001:db8::9", 40000, "2001:db8::53", 53, "2001:db8::2", 53,
			 L4LB_TCP_NONE, 299000, 0);
		/* Tunnelled to an IPv4 server. */
		put_conn(IPPROTO_TCP, "2001:db8::7", 40001, "2001:db8::1", 80, "192.168.1.7", 80,
			 L4LB_TCP_SYN_RECV, 59000, 0);
		fake_msg_end(off);
		break;
	}
	/* The kernel batches a dump into one datagram, NLMSG_DONE included. */
	fake_reply_done(req, fail ? -fail : 0, fail ? getenv("FAKE_L4LB_EXTACK") : NULL);
	fake_dgram_end();
}

/* Is @n in the comma-separated list @list? */
static bool in_list(const char *list, unsigned long n)
{
	char *end;

	while (*list) {
		if (strtoul(list, &end, 10) == n && end != list)
			return true;
		if (end == list || !*end)
			return false;
		list = end + 1;
	}
	return false;
}

/* The errno to fail the @nth l4lb request with, 0 for none. */
static int fail_errno(unsigned long nth)
{
	const char *at = getenv("FAKE_L4LB_FAIL_AT");
	int e = env_errno("FAKE_L4LB_FAIL");

	if (!at)
		return e;
	return in_list(at, nth) ? (e ? e : EEXIST) : 0;
}

void fake_l4lb_handle(const struct nlmsghdr *req)
{
	int rem = (int)req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct genlmsghdr *g = NLMSG_DATA(req);
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	struct fake_key key = { 0 }, dkey = { 0 };
	static unsigned long nth;
	const struct nlattr *a;
	const char *msg;
	char log[1024];
	size_t off;
	int fail;

	/* Count every request, so FAKE_L4LB_FAIL_AT=k means the k-th. */
	fail = fail_errno(++nth);
	snprintf(log, sizeof(log), "%s%s%s",
		 g->cmd < ARRAY_SIZE(cmd_names) ? cmd_names[g->cmd] : "?",
		 dump ? " dump" : "", req->nlmsg_flags & NLM_F_ACK ? " ack" : "");
	for (a = (const void *)((const char *)g + GENL_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		uint32_t v = 0;

		off = strlen(log);
		if (type == L4LB_A_SERVICE || type == L4LB_A_DEST) {
			snprintf(log + off, sizeof(log) - off, " %s{",
				 type == L4LB_A_SERVICE ? "service" : "dest");
			if (decode_nest(a, type == L4LB_A_SERVICE, log, sizeof(log),
					type == L4LB_A_SERVICE ? &key : &dkey)) {
				fake_reply_error(req, -EINVAL, "NLA_F_NESTED is missing");
				return;
			}
			off = strlen(log);
			snprintf(log + off, sizeof(log) - off, " }");
		} else {
			memcpy(&v, (const char *)a + NLA_HDRLEN, a->nla_len >= NLA_HDRLEN + 4 ? 4 : 0);
			snprintf(log + off, sizeof(log) - off, " %s=%u",
				 type == L4LB_A_TIMEOUT_TCP ? "tcp" :
				 type == L4LB_A_TIMEOUT_TCP_FIN ? "tcpfin" :
				 type == L4LB_A_TIMEOUT_UDP ? "udp" : "attr", v);
		}
	}
	logf_("%s\n", log);

	if (fail) {
		fake_reply_error(req, -fail, getenv("FAKE_L4LB_EXTACK"));
		return;
	}
	if (!dump && fake_state_enabled()) {
		fail = fake_state_change(g->cmd, &key, &dkey, &msg);
		if (fail) {
			fake_reply_error(req, fail, msg);
			return;
		}
	}
	if (dump) {
		if (g->cmd == L4LB_CMD_GET_DEST && find_svc(&key) < 0) {
			fake_reply_error(req, -ENOENT, "no such service");
			return;
		}
		handle_dump(req, g->cmd, &key);
		return;
	}

	switch (g->cmd) {
	case L4LB_CMD_GET_INFO:
	case L4LB_CMD_GET_CONFIG:
	case L4LB_CMD_GET_SERVICE:
		if (g->cmd == L4LB_CMD_GET_SERVICE && find_svc(&key) < 0) {
			fake_reply_error(req, -ENOENT, "no such service");
			return;
		}
		fake_dgram_begin();
		off = fake_msg_begin(req, FAKE_FAMILY_ID, 0, g->cmd);
		if (g->cmd == L4LB_CMD_GET_INFO) {
			fake_attr_str(L4LB_A_VERSION, "0.1.0-fake");
			fake_attr_u32(L4LB_A_CONN_COUNT, 3);
			fake_attr_u32(L4LB_A_CONN_TAB_SIZE, 4096);
			if (!old_module()) {
				fake_attr_u64(L4LB_A_DROP_CONN_MAX, 7);
				fake_attr_u64(L4LB_A_DROP_NO_DEST, 0);
				fake_attr_u64(L4LB_A_DROP_NOMEM, 123456789012ULL);
				fake_attr_u64(L4LB_A_DROP_NO_ROUTE, 2);
				fake_attr_u64(L4LB_A_DROP_CLASH, 5);
				fake_attr_u64(L4LB_A_DROP_DEST_GONE, 6);
			}
		} else if (g->cmd == L4LB_CMD_GET_CONFIG) {
			fake_attr_u32(L4LB_A_TIMEOUT_TCP, 900);
			fake_attr_u32(L4LB_A_TIMEOUT_TCP_FIN, 120);
			fake_attr_u32(L4LB_A_TIMEOUT_UDP, 300);
		} else {
			put_service(&svcs[find_svc(&key)], find_svc(&key));
		}
		fake_msg_end(off);
		fake_dgram_end();
		break;
	default:
		break;
	}
	if (req->nlmsg_flags & NLM_F_ACK)
		fake_reply_error(req, 0, getenv("FAKE_L4LB_WARN"));
}

