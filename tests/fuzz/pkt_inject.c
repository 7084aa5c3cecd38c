// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_inject - throw malformed and hostile IPv4 or IPv6 packets at a
 * virtual service, as fast as the kernel takes them (sendmmsg).
 *
 *   pkt_inject -d VIP -S NET/LEN [-t PORTS] [-u PORTS] [-p PORTS]
 *              [-i IFACE [-M MAC]] [-n COUNT] [-r PPS] [-s SEED] [-b BATCH]
 *              [-j JOBS] [-k KINDS] [-v]
 *
 *   -d VIP       the virtual service address, IPv4 or IPv6: the family
 *                of every packet sent
 *   -S NET/LEN   spoofed source addresses are drawn from this range only
 *                (keep it away from real clients), of the same family
 *   -t PORTS     TCP service ports, comma separated (default 80)
 *   -u PORTS     UDP service ports (default none)
 *   -p PORTS     the same ports for both
 *   -i IFACE     send Ethernet frames on IFACE (AF_PACKET): every header
 *                field as built, including bad lengths and checksums.
 *                Without -i, an AF_INET or AF_INET6 raw socket (IP_HDRINCL,
 *                IPV6_HDRINCL): the local stack then fills in the IPv4
 *                total length and checksum and refuses some packets
 *                (counted as "refused").
 *   -M MAC       next hop's MAC for -i (default: the first complete entry
 *                for IFACE in /proc/net/arp)
 *   -n COUNT     packets to send (default 1000000); 0: until SIGTERM or
 *                SIGINT (the summary is printed either way)
 *   -r PPS       at most PPS packets per second (default: no limit)
 *   -s SEED      random seed (default from the clock; printed)
 *   -b BATCH     packets per sendmmsg (default 64)
 *   -j JOBS      that many injector processes, one per CPU in turn, each
 *                with an equal share of COUNT (and of PPS) and seed SEED+i
 *                (default 1: one process, seed SEED)
 *   -k KINDS     only these cases, comma separated, in their usual
 *                proportions (names as -v prints them); "syn-flood", not
 *                in the default mix, is a well-formed SYN (TTL 64) from a
 *                random source and port to a TCP service port
 *   -v           per-case counts at the end
 *
 * The mix: TCP with every one of the 256 combinations of the low flag bits
 * and random seq/ack, new flows (SYN, UDP) to service ports and follow-ups
 * on them, bad TCP data offsets, truncated IP/TCP/UDP headers, bad IHL and
 * total length, bad IP checksums, IP options (valid and garbage), fragment
 * sets (first/middle/last, out of order, overlapping, tiny, past 64 KiB),
 * UDP with bad length fields and zero or wrong checksums, ICMP errors (dest
 * unreachable, frag needed, time exceeded, parameter problem) quoting
 * random, truncated or real flows (tuples this run opened), packets for
 * ports with no service, random protocols and garbage frames.
 *
 * IPv6 (-d an IPv6 address): the same TCP and UDP cases, and in place of
 * the IPv4-only ones: truncated headers, payload lengths short, long and
 * zero (with and without a jumbo option), extension-header chains (long,
 * repeating, cut short, lengths past the packet, odd options, routing
 * headers with segments left), fragment sets (as for IPv4, and a first
 * fragment without the L4 header, atomic and duplicate fragments),
 * ICMPv6 errors (destination unreachable, packet too big, time exceeded,
 * parameter problem) quoting random, truncated or real flows.
 *
 * At the end: "pkt_inject: N packets sent in T s", then the rate and the
 * number of packets that could open a connection on a service (the upper
 * bound for the connection counters a test can check against).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "rnd.h"

#define FRAME_MAX	1600
#define BATCH_MAX	256
#define PORTS_MAX	16
#define FLOWS		512

#define P_ICMP		1
#define P_TCP		6
#define P_UDP		17
#define P_ICMPV6	58

/* IPv6 extension headers, as ipv6_find_hdr() walks them. */
#define H_HOP		0
#define H_ROUTING	43
#define H_FRAG		44
#define H_AUTH		51
#define H_NONE		59
#define H_DEST		60

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PSH		0x08
#define TH_ACK		0x10

/* ----------------------------------------------------------- options */

/* An address of either family: IPv4 in the first 4 bytes. */
struct addr {
	unsigned char b[16];
};

static bool v6;				/* -d is an IPv6 address */
static size_t l3len = 20;		/* IP header without options */
static uint32_t vip;			/* network order */
static uint32_t spoof_net, spoof_mask;	/* host order */
static struct in6_addr vip6, spoof6_net;
static unsigned int spoof6_plen;
static uint16_t tcp_ports[PORTS_MAX], udp_ports[PORTS_MAX];
static unsigned int n_tcp_ports, n_udp_ports;
static unsigned long opt_count = 1000000;
static uint64_t opt_seed;
static unsigned int opt_batch = 64;
static const char *opt_iface;
static bool opt_verbose;
static unsigned char dst_mac[6], src_mac[6];
static bool have_mac;
static unsigned long opt_rate;
static volatile sig_atomic_t stop;

/* ---------------------------------------------------------- counters */

enum kind {
	K_TCP_FLAGS, K_TCP_SYN, K_TCP_FOLLOW, K_TCP_DOFF, K_TCP_SHORT,
	K_UDP, K_UDP_BAD, K_UDP_SHORT, K_ICMP_ERR, K_ICMP_OTHER, K_IP_BAD,
	K_IP_OPTS, K_EXT_HDRS, K_FRAGS, K_NO_SERVICE, K_PROTO, K_GARBAGE,
	K_SYN_FLOOD, K_MAX
};

/*
 * Weights: the default mix, one per family (IPv4 has options, IPv6
 * extension headers; IPv6 puts more weight on fragments, which carry
 * extension headers of their own); -k zeroes the cases not asked for.
 */
static struct {
	const char *name;
	unsigned int weight, weight6;
} kinds[K_MAX] = {
	[K_TCP_FLAGS]	= { "tcp-flags",	14, 14 },
	[K_TCP_SYN]	= { "tcp-syn",		6, 6 },
	[K_TCP_FOLLOW]	= { "tcp-follow",	8, 8 },
	[K_TCP_DOFF]	= { "tcp-doff",		4, 4 },
	[K_TCP_SHORT]	= { "tcp-short",	3, 3 },
	[K_UDP]		= { "udp",		6, 6 },
	[K_UDP_BAD]	= { "udp-bad",		6, 6 },
	[K_UDP_SHORT]	= { "udp-short",	3, 3 },
	[K_ICMP_ERR]	= { "icmp-error",	10, 10 },
	[K_ICMP_OTHER]	= { "icmp-other",	2, 2 },
	[K_IP_BAD]	= { "ip-bad",		7, 7 },
	[K_IP_OPTS]	= { "ip-options",	5, 0 },
	[K_EXT_HDRS]	= { "ext-headers",	0, 6 },
	[K_FRAGS]	= { "fragments",	2, 4 },
	[K_NO_SERVICE]	= { "no-service",	4, 4 },
	[K_PROTO]	= { "protocol",		3, 3 },
	[K_GARBAGE]	= { "garbage",		1, 1 },
	[K_SYN_FLOOD]	= { "syn-flood",	0, 0 },	/* -k syn-flood only */
};

/* What one injector did; with -j, the parent adds up its children's. */
static struct counters {
	unsigned long sent, refused, open_tcp, open_udp;
	unsigned long kind[K_MAX];
} cnt;

/* --------------------------------------------------------- checksums */

static uint32_t csum_add(uint32_t sum, const unsigned char *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Checksum of an L4 segment of @len bytes at @l4 under the pseudo-header
 * of the IPv4 or IPv6 header at @ip (IPv6: the addresses of the fixed
 * header; no routing header changes the final destination).
 */
static uint16_t l4_csum(const unsigned char *ip, const unsigned char *l4,
			size_t len, uint8_t proto)
{
	uint32_t sum = 0;

	if (v6)
		sum = csum_add(sum, ip + 8, 32);
	else
		sum = csum_add(sum, ip + 12, 8);
	sum += proto;
	sum += (uint32_t)len;
	sum = csum_add(sum, l4, len);
	return csum_fold(sum);
}

/* -------------------------------------------------------- addresses */

static struct addr spoof_addr(void)
{
	struct addr a = { { 0 } };
	uint32_t v;
	unsigned int i, bits;

	if (!v6) {
		v = htonl(spoof_net | (rnd64() & ~spoof_mask));
		memcpy(a.b, &v, 4);
		return a;
	}
	rnd_bytes(a.b, 16);
	for (i = 0; i < 16; i++) {
		bits = spoof6_plen > i * 8 ? spoof6_plen - i * 8 : 0;
		if (bits >= 8)
			a.b[i] = spoof6_net.s6_addr[i];
		else if (bits)
			a.b[i] = (spoof6_net.s6_addr[i] & (0xff << (8 - bits))) |
				 (a.b[i] & (0xff >> bits));
	}
	return a;
}

static uint32_t addr4(const struct addr *a)
{
	uint32_t v;

	memcpy(&v, a->b, 4);
	return v;
}

/* A spoofed IPv4 source, network order (the IPv4-only cases). */
static uint32_t spoof4(void)
{
	struct addr a = spoof_addr();

	return addr4(&a);
}

static uint16_t svc_tcp_port(void)
{
	return n_tcp_ports ? tcp_ports[rnd(n_tcp_ports)] : 1 + rnd(65535);
}

static uint16_t svc_udp_port(void)
{
	return n_udp_ports ? udp_ports[rnd(n_udp_ports)] : 1 + rnd(65535);
}

static bool is_port(const uint16_t *ports, unsigned int n, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* A port with no service on it (for either protocol). */
static uint16_t free_port(void)
{
	uint16_t p;

	do
		p = 1 + rnd(65535);
	while (is_port(tcp_ports, n_tcp_ports, p) ||
	       is_port(udp_ports, n_udp_ports, p));
	return p;
}

static uint16_t client_port(void)
{
	return 1024 + rnd(64512);
}

/* Flows this run opened, for follow-ups and ICMP errors that quote them. */
struct flow {
	struct addr saddr;
	uint16_t sport, dport;
	uint8_t proto;
	uint32_t seq;
};

static struct flow flows[FLOWS];
static unsigned int nflows, flow_next;

static void flow_add(struct addr saddr, uint16_t sport, uint16_t dport,
		     uint8_t proto, uint32_t seq)
{
	flows[flow_next] = (struct flow){ saddr, sport, dport, proto, seq };
	flow_next = (flow_next + 1) % FLOWS;
	if (nflows < FLOWS)
		nflows++;
}

static const struct flow *flow_pick(uint8_t proto)
{
	unsigned int i, start;

	if (!nflows)
		return NULL;
	start = rnd(nflows);
	for (i = 0; i < nflows; i++) {
		const struct flow *f = &flows[(start + i) % nflows];

		if (!proto || f->proto == proto)
			return f;
	}
	return NULL;
}

/* ------------------------------------------------------ IP building */

/*
 * An IPv4 header at @ip with @optlen bytes of options (a multiple of 4)
 * left for the caller; returns the header length.
 */
static size_t ip_start(unsigned char *ip, uint8_t proto, uint32_t saddr,
		       uint32_t daddr, size_t optlen)
{
	size_t hl = 20 + optlen;

	ip[0] = 0x40 | (hl / 4);
	ip[1] = one_in(8) ? rnd(256) : 0;
	put16(ip + 4, rnd(65536));
	put16(ip + 6, one_in(3) ? 0x4000 : 0);	/* DF sometimes */
	ip[8] = one_in(50) ? rnd(3) : 64;
	ip[9] = proto;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	return hl;
}

/* Total length and header checksum for a packet of @len bytes. */
static void ip_finish(unsigned char *ip, size_t len)
{
	size_t hl = (ip[0] & 0x0f) * 4;

	put16(ip + 2, len);
	put16(ip + 10, 0);
	if (hl < 20)
		hl = 20;
	put16(ip + 10, csum_fold(csum_add(0, ip, hl)));
}

/* An IPv6 header to the VIP; the payload length is ip6_finish()'s. */
static size_t ip6_start(unsigned char *ip, uint8_t nexthdr,
			const struct addr *saddr)
{
	uint32_t tc = one_in(8) ? rnd(256) : 0;

	put32(ip, 6U << 28 | tc << 20 | (one_in(2) ? rnd(1 << 20) : 0));
	put16(ip + 4, 0);
	ip[6] = nexthdr;
	ip[7] = one_in(50) ? rnd(3) : 64;
	memcpy(ip + 8, saddr->b, 16);
	memcpy(ip + 24, &vip6, 16);
	return 40;
}

static void ip6_finish(unsigned char *ip, size_t len)
{
	put16(ip + 4, len > 40 ? len - 40 : 0);
}

/* The header of the run's family from @saddr to the VIP, no options. */
static size_t l3_start(unsigned char *ip, uint8_t proto,
		       const struct addr *saddr)
{
	uint32_t a;

	if (v6)
		return ip6_start(ip, proto, saddr);
	memcpy(&a, saddr->b, 4);
	return ip_start(ip, proto, a, vip, 0);
}

static void l3_finish(unsigned char *ip, size_t len)
{
	if (v6)
		ip6_finish(ip, len);
	else
		ip_finish(ip, len);
}

/* Nothing odd in the header: TOS or traffic class 0, TTL or hop limit 64. */
static void l3_plain(unsigned char *ip)
{
	if (v6) {
		put32(ip, 6U << 28);
		ip[7] = 64;
	} else {
		ip[1] = 0;
		ip[8] = 64;
	}
}

static size_t tcp_build(unsigned char *ip, struct addr saddr, uint16_t sport,
			uint16_t dport, uint8_t flags, uint32_t seq,
			size_t datalen)
{
	size_t hl = l3_start(ip, P_TCP, &saddr);
	unsigned char *th = ip + hl;

	put16(th, sport);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, flags & TH_ACK ? (uint32_t)rnd64() : 0);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, one_in(20) ? 0 : 1024 + rnd(64512));
	put16(th + 16, 0);
	put16(th + 18, one_in(20) ? rnd(65536) : 0);
	rnd_bytes(th + 20, datalen);
	put16(th + 16, l4_csum(ip, th, 20 + datalen, P_TCP));
	l3_finish(ip, hl + 20 + datalen);
	return hl + 20 + datalen;
}

static size_t udp_build(unsigned char *ip, struct addr saddr, uint16_t sport,
			uint16_t dport, size_t datalen)
{
	size_t hl = l3_start(ip, P_UDP, &saddr);
	unsigned char *uh = ip + hl;
	uint16_t c;

	put16(uh, sport);
	put16(uh + 2, dport);
	put16(uh + 4, 8 + datalen);
	put16(uh + 6, 0);
	rnd_bytes(uh + 8, datalen);
	c = l4_csum(ip, uh, 8 + datalen, P_UDP);
	put16(uh + 6, c ? c : 0xffff);
	l3_finish(ip, hl + 8 + datalen);
	return hl + 8 + datalen;
}

/* ------------------------------------------------------------- cases */

static unsigned int flag_combo;		/* walks all 256 flag bytes */

static size_t k_tcp_flags(unsigned char *ip)
{
	const struct flow *f = one_in(3) ? flow_pick(P_TCP) : NULL;
	uint8_t flags = flag_combo++ & 0xff;
	uint16_t dport = one_in(5) ? free_port() : svc_tcp_port();
	size_t len;

	if (f)
		len = tcp_build(ip, f->saddr, f->sport, f->dport, flags,
				one_in(2) ? f->seq + rnd(4) : (uint32_t)rnd64(),
				rnd(4) ? 0 : rnd(100));
	else
		len = tcp_build(ip, spoof_addr(), client_port(), dport, flags,
				(uint32_t)rnd64(), rnd(4) ? 0 : rnd(100));
	/* The reserved bits and NS too, now and then. */
	if (one_in(8)) {
		unsigned char *th = ip + l3len;

		th[12] |= rnd(16);
		put16(th + 16, 0);
		put16(th + 16, l4_csum(ip, th, len - (th - ip), P_TCP));
	}
	return len;
}

static size_t k_tcp_syn(unsigned char *ip)
{
	struct addr saddr = spoof_addr();
	uint32_t seq = (uint32_t)rnd64();
	uint16_t sport = client_port(), dport = svc_tcp_port();

	flow_add(saddr, sport, dport, P_TCP, seq + 1);
	return tcp_build(ip, saddr, sport, dport, TH_SYN, seq, 0);
}

/* A plain SYN, as a SYN flood sends: nothing odd about it but the source. */
static size_t k_syn_flood(unsigned char *ip)
{
	size_t len = tcp_build(ip, spoof_addr(), client_port(), svc_tcp_port(),
			       TH_SYN, (uint32_t)rnd64(), 0);
	unsigned char *th = ip + l3len;

	l3_plain(ip);
	put16(th + 14, 64240);
	put16(th + 18, 0);
	put16(th + 16, 0);
	put16(th + 16, l4_csum(ip, th, len - l3len, P_TCP));
	l3_finish(ip, len);
	return len;
}

static size_t k_tcp_follow(unsigned char *ip)
{
	static const uint8_t fl[] = {
		TH_ACK, TH_ACK | TH_PSH, TH_FIN | TH_ACK, TH_RST,
		TH_RST | TH_ACK, TH_SYN, TH_SYN | TH_ACK, TH_FIN,
	};
	const struct flow *f = flow_pick(P_TCP);

	if (!f)
		return k_tcp_syn(ip);
	return tcp_build(ip, f->saddr, f->sport, f->dport, fl[rnd(ARRAY_SIZE(fl))],
			 one_in(3) ? (uint32_t)rnd64() : f->seq,
			 one_in(2) ? rnd(200) : 0);
}

static size_t k_tcp_doff(unsigned char *ip)
{
	size_t len = tcp_build(ip, spoof_addr(), client_port(), svc_tcp_port(),
			       one_in(2) ? TH_SYN : rnd(256), (uint32_t)rnd64(),
			       rnd(3) ? 0 : rnd(24));
	unsigned char *th = ip + l3len;

	th[12] = (one_in(2) ? rnd(5) : 6 + rnd(10)) << 4;
	put16(th + 16, 0);
	put16(th + 16, l4_csum(ip, th, len - l3len, P_TCP));
	return len;
}

static size_t k_tcp_short(unsigned char *ip)
{
	size_t len = tcp_build(ip, spoof_addr(), client_port(), svc_tcp_port(),
			       TH_SYN, (uint32_t)rnd64(), 0);

	len = l3len + rnd(20);		/* 0..19 bytes of TCP header */
	l3_finish(ip, len);
	return len;
}

static size_t k_no_service(unsigned char *ip);

static size_t k_udp(unsigned char *ip)
{
	struct addr saddr = spoof_addr();
	uint16_t sport = client_port(), dport = svc_udp_port();

	if (!n_udp_ports)
		return k_no_service(ip);

	flow_add(saddr, sport, dport, P_UDP, 0);
	return udp_build(ip, saddr, sport, dport, rnd(3) ? rnd(64) : rnd(1400));
}

static size_t k_udp_bad(unsigned char *ip)
{
	const struct flow *f = one_in(2) ? flow_pick(P_UDP) : NULL;
	size_t len = f ? udp_build(ip, f->saddr, f->sport, f->dport, rnd(64)) :
			 udp_build(ip, spoof_addr(), client_port(),
				   svc_udp_port(), rnd(64));
	unsigned char *uh = ip + l3len;
	size_t ulen = len - l3len;
	uint16_t c;

	switch (rnd(5)) {
	case 0:		/* zero checksum: "none" (IPv6: invalid) */
		put16(uh + 6, 0);
		break;
	case 1:		/* wrong checksum */
		put16(uh + 6, get16(uh + 6) ^ (1 + rnd(0xffff)));
		break;
	case 2:		/* length shorter than the header */
		put16(uh + 4, rnd(8));
		break;
	case 3:		/* length past the datagram */
		put16(uh + 4, ulen + 1 + rnd(2000));
		break;
	default:	/* shorter than the datagram, checksum to match */
		put16(uh + 4, 8 + rnd(ulen - 7));
		put16(uh + 6, 0);
		c = l4_csum(ip, uh, get16(uh + 4), P_UDP);
		put16(uh + 6, c ? c : 0xffff);
		break;
	}
	return len;
}

static size_t k_udp_short(unsigned char *ip)
{
	size_t len = udp_build(ip, spoof_addr(), client_port(), svc_udp_port(),
			       0);

	len = l3len + rnd(8);		/* 0..7 bytes of UDP header */
	l3_finish(ip, len);
	return len;
}

/* An ICMP error to the VIP, quoting a flow of ours, garbage, or too little. */
static size_t k_icmp_err(unsigned char *ip)
{
	static const uint8_t types[][2] = {
		{ 3, 16 }, { 11, 2 }, { 12, 3 }, { 4, 1 },	/* type, codes */
	};
	static const uint16_t mtus[] = { 0, 1, 68, 576, 1280, 1500, 65535 };
	const struct flow *f = flow_pick(0);
	unsigned int t = rnd(ARRAY_SIZE(types));
	size_t hl = ip_start(ip, P_ICMP, one_in(2) && f ? addr4(&f->saddr) :
			     spoof4(), vip, 0);
	unsigned char *ic = ip + hl, *in = ic + 8;
	size_t inlen, len;

	ic[0] = types[t][0];
	ic[1] = rnd(types[t][1]);
	if (one_in(2)) {		/* fragmentation needed */
		ic[0] = 3;
		ic[1] = 4;
	}
	put16(ic + 2, 0);
	put32(ic + 4, 0);
	if (ic[0] == 3 && ic[1] == 4)
		put16(ic + 6, mtus[rnd(ARRAY_SIZE(mtus))]);
	if (ic[0] == 12)
		ic[4] = rnd(60);

	/* The quoted packet: VIP:vport -> client:cport travelled to us. */
	in[0] = 0x45;
	in[1] = 0;
	put16(in + 4, rnd(65536));
	put16(in + 6, 0x4000);
	in[8] = 64;
	memcpy(in + 12, &vip, 4);
	if (f && !one_in(4)) {
		in[9] = f->proto;
		memcpy(in + 16, f->saddr.b, 4);
		put16(in + 20, f->dport);
		put16(in + 22, f->sport);
	} else {
		uint32_t a = spoof4();

		in[9] = one_in(2) ? P_TCP : P_UDP;
		memcpy(in + 16, &a, 4);
		put16(in + 20, one_in(2) ? svc_tcp_port() : svc_udp_port());
		put16(in + 22, client_port());
	}
	rnd_bytes(in + 24, 4);
	inlen = 28;
	if (in[9] == P_TCP && one_in(2)) {	/* a whole TCP header */
		rnd_bytes(in + 24, 16);
		in[32] = 5 << 4;
		inlen = 40;
	}
	put16(in + 2, inlen + rnd(100));
	put16(in + 10, 0);
	put16(in + 10, csum_fold(csum_add(0, in, 20)));

	switch (rnd(8)) {
	case 0:		/* truncated: part of the inner IP header */
		inlen = rnd(20);
		break;
	case 1:		/* inner IP header but not all of the ports */
		inlen = 20 + rnd(4);
		break;
	case 2:		/* inner IHL out of range */
		in[0] = 0x40 | (one_in(2) ? rnd(5) : 6 + rnd(10));
		break;
	case 3:		/* inner fragment, or another protocol */
		if (one_in(2))
			put16(in + 6, 1 + rnd(0x1fff));
		else
			in[9] = rnd(256);
		break;
	case 4:		/* random quoted bytes */
		rnd_bytes(in, inlen);
		break;
	default:
		break;
	}
	len = hl + 8 + inlen;
	put16(ic + 2, csum_fold(csum_add(0, ic, 8 + inlen)));
	if (one_in(16))
		put16(ic + 2, rnd(65536));
	ip_finish(ip, len);
	return len;
}

static size_t k_icmp_other(unsigned char *ip)
{
	size_t hl = ip_start(ip, P_ICMP, spoof4(), vip, 0);
	unsigned char *ic = ip + hl;
	size_t dl = rnd(64);

	ic[0] = one_in(2) ? 8 : rnd(256);	/* echo request, or anything */
	ic[1] = rnd(4) ? 0 : rnd(256);
	put16(ic + 2, 0);
	rnd_bytes(ic + 4, 4 + dl);
	put16(ic + 2, csum_fold(csum_add(0, ic, 8 + dl)));
	ip_finish(ip, hl + 8 + dl);
	return hl + 8 + dl;
}

/* A TCP or UDP packet for a service, as the base of header damage. */
static size_t base_packet(unsigned char *ip)
{
	if (one_in(2) || !n_udp_ports)
		return tcp_build(ip, spoof_addr(), client_port(),
				 svc_tcp_port(), one_in(2) ? TH_SYN : rnd(256),
				 (uint32_t)rnd64(), rnd(40));
	return udp_build(ip, spoof_addr(), client_port(), svc_udp_port(),
			 rnd(40));
}

/* Damage the IP header; @len may change (bytes on the wire). */
static size_t k_ip_bad(unsigned char *ip)
{
	size_t len = base_packet(ip);
	static const char *const martians[] = {
		"0.0.0.0", "127.0.0.1", "255.255.255.255", "224.0.0.1",
	};
	struct in_addr a;
	size_t ihl;

	switch (rnd(9)) {
	case 0:		/* IHL below 5 */
		ip[0] = 0x40 | rnd(5);
		ip_finish(ip, len);
		break;
	case 1:		/* IHL past the packet */
		len = 20 + rnd(40);
		ihl = len / 4 + 1 + rnd(4);
		ip[0] = 0x40 | (ihl > 15 ? 15 : ihl);
		ip_finish(ip, len);
		break;
	case 2:		/* total length shorter than the packet */
		ip_finish(ip, rnd(len));
		break;
	case 3:		/* total length longer than the packet */
		ip_finish(ip, len + 1 + rnd(3000));
		break;
	case 4:		/* header checksum wrong */
		put16(ip + 10, get16(ip + 10) ^ (1 + rnd(0xffff)));
		break;
	case 5:		/* not version 4 */
		ip[0] = (uint8_t)(rnd(16) << 4) | 5;
		if ((ip[0] >> 4) == 4)
			ip[0] = 0x65;
		ip_finish(ip, len);
		break;
	case 6:		/* TTL 0 or 1 */
		ip[8] = rnd(2);
		ip_finish(ip, len);
		break;
	case 7:		/* martian source */
		inet_pton(AF_INET, martians[rnd(ARRAY_SIZE(martians))], &a);
		memcpy(ip + 12, &a.s_addr, 4);
		ip_finish(ip, len);
		break;
	default:	/* shorter than an IP header */
		len = rnd(20);
		break;
	}
	return len;
}

/* A packet for a service with IP options, valid or not. */
static size_t k_ip_opts(unsigned char *ip)
{
	unsigned char pkt[FRAME_MAX], *o;
	size_t len = base_packet(pkt), optlen = 4 * (1 + rnd(10)), i;

	memcpy(ip, pkt, 20);
	memcpy(ip + 20 + optlen, pkt + 20, len - 20);
	ip[0] = 0x40 | (20 + optlen) / 4;
	o = ip + 20;
	switch (rnd(6)) {
	case 0:		/* NOPs and an end of list */
		memset(o, 1, optlen);
		o[optlen - 1] = 0;
		break;
	case 1:		/* record route */
		memset(o, 0, optlen);
		o[0] = 7;
		o[1] = optlen - 1 < 39 ? optlen - 1 : 39;
		o[2] = 4;
		break;
	case 2:		/* timestamp */
		memset(o, 0, optlen);
		o[0] = 68;
		o[1] = optlen;
		o[2] = 5;
		o[3] = rnd(4);
		break;
	case 3:		/* router alert */
		memset(o, 1, optlen);
		o[0] = 148;
		o[1] = 4;
		o[2] = 0;
		o[3] = 0;
		break;
	case 4:		/* option lengths that lie */
		for (i = 0; i + 1 < optlen; i += 2) {
			o[i] = 2 + rnd(254);
			o[i + 1] = one_in(2) ? rnd(2) : optlen + rnd(40);
		}
		break;
	default:	/* random bytes */
		rnd_bytes(o, optlen);
		break;
	}
	len += optlen;
	ip_finish(ip, len);
	return len;
}

static size_t k_no_service(unsigned char *ip)
{
	uint16_t port = free_port();

	if (one_in(2))
		return tcp_build(ip, spoof_addr(), client_port(), port,
				 one_in(2) ? TH_SYN : rnd(256),
				 (uint32_t)rnd64(), rnd(20));
	return udp_build(ip, spoof_addr(), client_port(), port, rnd(64));
}

static size_t k_proto(unsigned char *ip)
{
	uint8_t proto;
	size_t hl, dl = rnd(80);

	do
		proto = rnd(256);
	while (proto == P_TCP || proto == P_UDP || proto == P_ICMP);
	if (one_in(4))		/* TCP/UDP-looking bytes under another number */
		proto = one_in(2) ? 4 : 47;	/* IPIP, GRE */
	hl = ip_start(ip, proto, spoof4(), vip, 0);
	rnd_bytes(ip + hl, dl);
	ip_finish(ip, hl + dl);
	return hl + dl;
}

static size_t k_garbage(unsigned char *ip)
{
	size_t len = rnd(120);

	rnd_bytes(ip, len);
	if (one_in(2) && len >= 20) {
		ip[0] = 0x45;
		memcpy(ip + 16, &vip, 4);
		ip_finish(ip, len);
	}
	return len;
}

static void count_openers(const unsigned char *ip, size_t len);

/*
 * A set of fragments of one TCP or UDP packet for a service: in order or
 * not, overlapping, tiny first fragments, offsets past 64 KiB. Fills up to
 * @max packets; returns how many. The whole packet counts as one that
 * could open a connection, as the director reassembles the set.
 */
static unsigned int k_frags(unsigned char **pkts, size_t *lens,
			    unsigned int max)
{
	unsigned char whole[FRAME_MAX];
	size_t len = one_in(2) ?
		tcp_build(whole, spoof_addr(), client_port(), svc_tcp_port(),
			  TH_SYN, (uint32_t)rnd64(), 8 + rnd(200)) :
		udp_build(whole, spoof_addr(), client_port(), svc_udp_port(),
			  8 + rnd(200));
	size_t payload = len - 20, off = 0, chunk;
	unsigned int n = 0, i, j, mode = rnd(6);
	uint16_t id = rnd(65536);

	count_openers(whole, len);

	while (off < payload && n < max) {
		unsigned char *p = pkts[n];
		bool last;

		chunk = mode == 1 && n == 0 ? 8 : 8 * (1 + rnd(8));	/* tiny */
		if (off + chunk >= payload)
			chunk = payload - off;
		last = off + chunk >= payload;
		memcpy(p, whole, 20);
		memcpy(p + 20, whole + 20 + off, chunk);
		put16(p + 4, id);
		put16(p + 6, (last ? 0 : 0x2000) | (off / 8));
		if (mode == 2 && one_in(2))		/* overlap */
			put16(p + 6, (get16(p + 6) & 0x2000) |
				     (off / 8 ? off / 8 - 1 : 0));
		if (mode == 3 && last)			/* past 64 KiB */
			put16(p + 6, 0x1fff - rnd(4));
		if (mode == 4 && !last && one_in(2))	/* not a multiple of 8 */
			chunk = chunk > 1 ? chunk - 1 - rnd(chunk - 1) : chunk;
		ip_finish(p, 20 + chunk);
		lens[n++] = 20 + chunk;
		off += chunk;
	}
	/* Out of order, or a part missing. */
	if (mode == 5 || one_in(3))
		for (i = n; i > 1; i--) {
			unsigned char *tp;
			size_t tl;

			j = rnd(i);
			tp = pkts[i - 1];
			pkts[i - 1] = pkts[j];
			pkts[j] = tp;
			tl = lens[i - 1];
			lens[i - 1] = lens[j];
			lens[j] = tl;
		}
	if (n > 1 && one_in(4))
		n--;
	return n;
}

/* ------------------------------------------------------------- IPv6 */

/*
 * One extension header of type @type at @p, in at most @room bytes;
 * returns its length (0: no room). Hop-by-hop and destination options
 * carry padding, or with @odd options that are not: unknown types with
 * each action, a jumbo payload or router alert where it does not belong,
 * lengths that lie. The next header byte is the caller's.
 */
static size_t ext_hdr(unsigned char *p, size_t room, uint8_t type, bool odd)
{
	static const uint8_t unknown[] = { 0x1e, 0x3e, 0x7e, 0xbe, 0xfe };
	size_t len, i;

	switch (type) {
	case H_FRAG:
		if (room < 8)
			return 0;
		p[1] = 0;
		/* An atomic fragment, or with @odd anything at all. */
		put16(p + 2, odd ? rnd(65536) : 0);
		put32(p + 4, (uint32_t)rnd64());
		return 8;
	case H_AUTH:
		len = 4 * (3 + rnd(odd ? 60 : 4));
		if (len > room)
			return 0;
		rnd_bytes(p + 1, len - 1);
		p[1] = len / 4 - 2;
		put16(p + 2, 0);
		return len;
	case H_ROUTING:
		len = 8 * (1 + 2 * (1 + rnd(odd ? 8 : 2)));
		if (len > room)
			return 0;
		rnd_bytes(p + 1, len - 1);
		p[1] = len / 8 - 1;
		/* RH0 (deprecated), mobility (2), RPL (3), segment routing (4) */
		p[2] = one_in(5) ? rnd(256) : (uint8_t[]){ 0, 2, 3, 4 }[rnd(4)];
		p[3] = odd ? rnd(256) : 0;		/* segments left */
		for (i = 8; i + 16 <= len; i += 16)
			if (one_in(2))
				memcpy(p + i, &vip6, 16);
		return len;
	}
	/* H_HOP, H_DEST */
	len = 8 * (1 + rnd(odd ? 8 : 3));
	if (len > room)
		return 0;
	p[1] = len / 8 - 1;
	memset(p + 2, 0, len - 2);
	if (!odd) {
		if (len - 2 >= 2) {		/* PadN */
			p[2] = 1;
			p[3] = len - 4;
		}
		return len;
	}
	i = 2;
	while (i < len) {
		switch (rnd(7)) {
		case 0:		/* Pad1 */
			p[i++] = 0;
			continue;
		case 1:		/* jumbo payload */
			p[i] = 0xc2;
			p[i + 1] = 4;
			break;
		case 2:		/* router alert */
			p[i] = 5;
			p[i + 1] = 2;
			break;
		case 3:		/* unknown: skip, discard, ICMP, ICMP not multicast */
			p[i] = unknown[rnd(ARRAY_SIZE(unknown))];
			p[i + 1] = rnd(8);
			break;
		case 4:		/* a length past the header */
			p[i] = rnd(256);
			p[i + 1] = len + rnd(200);
			break;
		case 5:		/* PadN with bytes in it */
			p[i] = 1;
			p[i + 1] = rnd(8);
			break;
		default:
			p[i] = rnd(256);
			p[i + 1] = rnd(256);
			break;
		}
		if (i + 1 >= len)
			break;
		rnd_bytes(p + i + 2, len - i - 2 < p[i + 1] ? len - i - 2 :
							     p[i + 1]);
		i += 2 + p[i + 1];
	}
	return len;
}

/*
 * A TCP or UDP packet for a service behind a chain of extension headers:
 * plausible ones, long chains of one type over and over (a loop, to a
 * parser that does not move on), chains cut short or whose lengths run
 * past the packet, odd options, routing headers with segments left,
 * hop-by-hop anywhere but first, a chain ending in "no next header" or
 * ESP with the segment after it anyway.
 */
static size_t k6_ext_hdrs(unsigned char *ip)
{
	static const uint8_t types[] = {
		H_HOP, H_DEST, H_ROUTING, H_FRAG, H_AUTH,
	};
	unsigned char pkt[FRAME_MAX], *prev = ip + 6, *last = NULL;
	size_t len = base_packet(pkt), l4len = len - 40, off = 40, room, h;
	unsigned int n, i, mode = rnd(8);
	uint8_t type, loop = types[1 + rnd(ARRAY_SIZE(types) - 1)];

	memcpy(ip, pkt, 40);
	room = 1440 - len;
	n = mode == 1 ? 8 + rnd(150) : 1 + rnd(4);
	for (i = 0; i < n; i++) {
		switch (mode) {
		case 1:		/* the same header over and over */
			type = one_in(20) ? types[rnd(ARRAY_SIZE(types))] : loop;
			break;
		case 7:		/* hop-by-hop, but not first */
			type = i == 0 && one_in(3) ? H_HOP :
			       types[rnd(ARRAY_SIZE(types))];
			if (i == n - 1)
				type = H_HOP;
			break;
		case 5:
			type = one_in(2) ? H_ROUTING : types[1 + rnd(4)];
			break;
		default:
			type = i == 0 && one_in(3) ? H_HOP :
			       types[1 + rnd(ARRAY_SIZE(types) - 1)];
			break;
		}
		h = ext_hdr(ip + off, room, type,
			    mode == 4 || (mode == 5 && type == H_ROUTING) ||
			    one_in(16));
		if (!h)
			break;
		*prev = type;
		prev = ip + off;
		last = ip + off;
		off += h;
		room -= h;
	}
	*prev = pkt[6];
	memcpy(ip + off, pkt + 40, l4len);
	len = off + l4len;
	switch (mode) {
	case 2:		/* cut inside the chain */
		len = 40 + rnd(off - 40 + 1);
		break;
	case 3:		/* a length past the end */
		if (last)
			last[1] = last[1] + 1 + rnd(255 - last[1] + 1);
		break;
	case 6:		/* "no next header", or ESP; the segment follows */
		*prev = one_in(2) ? H_NONE : 50;
		break;
	default:
		break;
	}
	ip6_finish(ip, len);
	return len;
}

/*
 * An ICMPv6 error to the VIP (destination unreachable, packet too big,
 * time exceeded, parameter problem) quoting a flow of ours, garbage, or
 * too little.
 */
static size_t k6_icmp_err(unsigned char *ip)
{
	static const uint8_t types[][2] = {
		{ 1, 8 }, { 2, 1 }, { 3, 2 }, { 4, 4 },	/* type, codes */
	};
	static const uint32_t mtus[] = {
		0, 1, 68, 1279, 1280, 1400, 1500, 65535, 0xffffffff,
	};
	const struct flow *f = flow_pick(0);
	unsigned int t = rnd(ARRAY_SIZE(types));
	struct addr src = one_in(2) && f ? f->saddr : spoof_addr();
	size_t hl = ip6_start(ip, P_ICMPV6, &src);
	unsigned char *ic = ip + hl, *in = ic + 8, *l4;
	size_t inlen, len, off = 40, h;
	bool quoted = f && !one_in(4);
	struct addr cl;
	uint16_t c;

	ic[0] = types[t][0];
	ic[1] = rnd(types[t][1]);
	if (one_in(3)) {		/* packet too big */
		ic[0] = 2;
		ic[1] = 0;
	}
	put16(ic + 2, 0);
	put32(ic + 4, 0);
	if (ic[0] == 2)
		put32(ic + 4, mtus[rnd(ARRAY_SIZE(mtus))]);
	if (ic[0] == 4)
		put32(ic + 4, one_in(2) ? rnd(48) : (uint32_t)rnd64());

	/* The quoted packet: VIP:vport -> client:cport travelled to us. */
	put32(in, 6U << 28);
	in[7] = 64;
	memcpy(in + 8, &vip6, 16);
	if (quoted) {
		in[6] = f->proto;
		memcpy(in + 24, f->saddr.b, 16);
	} else {
		cl = spoof_addr();
		in[6] = one_in(2) ? P_TCP : P_UDP;
		memcpy(in + 24, cl.b, 16);
	}
	/* Extension headers in the quoted packet, now and then. */
	if (one_in(6)) {
		uint8_t type = one_in(2) ? H_DEST : H_FRAG;

		h = ext_hdr(in + off, 64, type, one_in(2));
		in[off] = in[6];
		in[6] = type;
		off += h;
	}
	l4 = in + off;
	if (quoted) {
		put16(l4, f->dport);
		put16(l4 + 2, f->sport);
	} else {
		put16(l4, one_in(2) ? svc_tcp_port() : svc_udp_port());
		put16(l4 + 2, client_port());
	}
	rnd_bytes(l4 + 4, 4);
	inlen = off + 8;
	if (one_in(2)) {			/* a whole TCP header */
		rnd_bytes(l4 + 4, 16);
		l4[12] = 5 << 4;
		inlen = off + 20;
	}
	if (one_in(4)) {			/* and some of its data */
		rnd_bytes(in + inlen, 200);
		inlen += rnd(200);
	}
	put16(in + 4, inlen - 40 + (one_in(2) ? rnd(1000) : 0));

	switch (rnd(8)) {
	case 0:		/* truncated: part of the inner IPv6 header */
		inlen = rnd(40);
		break;
	case 1:		/* inner header but not all of the ports */
		inlen = off + rnd(4);
		break;
	case 2:		/* not version 6 */
		in[0] = (in[0] & 0x0f) | (uint8_t)(rnd(16) << 4);
		if (in[0] >> 4 == 6)
			in[0] = (in[0] & 0x0f) | 0x40;
		break;
	case 3:		/* another protocol, or a chain cut short */
		if (one_in(2)) {
			in[6] = rnd(256);
		} else {
			in[6] = one_in(2) ? H_DEST : H_ROUTING;
			in[41] = 255;
			inlen = 40 + rnd(inlen - 40);
		}
		break;
	case 4:		/* random quoted bytes */
		rnd_bytes(in, inlen);
		break;
	default:
		break;
	}
	len = hl + 8 + inlen;
	c = l4_csum(ip, ic, 8 + inlen, P_ICMPV6);
	put16(ic + 2, c);
	if (one_in(16))
		put16(ic + 2, rnd(65536));
	ip6_finish(ip, len);
	return len;
}

static size_t k6_icmp_other(unsigned char *ip)
{
	struct addr src = spoof_addr();
	size_t hl = ip6_start(ip, P_ICMPV6, &src);
	unsigned char *ic = ip + hl;
	size_t dl = rnd(64);

	/* Echo request, informational and neighbour discovery types, anything. */
	ic[0] = one_in(2) ? 128 : one_in(2) ? 128 + rnd(128) : rnd(256);
	ic[1] = rnd(4) ? 0 : rnd(256);
	put16(ic + 2, 0);
	rnd_bytes(ic + 4, 4 + dl);
	put16(ic + 2, l4_csum(ip, ic, 8 + dl, P_ICMPV6));
	ip6_finish(ip, hl + 8 + dl);
	return hl + 8 + dl;
}

static size_t base_packet(unsigned char *ip);

/* Damage the IPv6 header; @len may change (bytes on the wire). */
static size_t k6_ip_bad(unsigned char *ip)
{
	static const char *const martians[] = {
		"::", "::1", "ff02::1", "ff0e::1", "::ffff:10.0.0.2",
		"fe80::1", "::10.0.0.2",
	};
	unsigned char pkt[FRAME_MAX];
	size_t len = base_packet(ip), plen = len - 40;
	struct in6_addr a;

	switch (rnd(9)) {
	case 0:		/* shorter than the fixed header */
		len = rnd(40);
		break;
	case 1:		/* payload length shorter than the payload */
		put16(ip + 4, rnd(plen));
		break;
	case 2:		/* payload length past the packet */
		put16(ip + 4, plen + 1 + rnd(3000));
		break;
	case 3:		/* payload length zero, and no jumbo option */
		put16(ip + 4, 0);
		break;
	case 4:		/* a jumbo payload option, on a small packet */
		memcpy(pkt, ip, len);
		memcpy(ip + 48, pkt + 40, plen);
		ip[40] = ip[6];
		ip[6] = H_HOP;
		ip[41] = 0;
		ip[42] = 0xc2;
		ip[43] = 4;
		put32(ip + 44, one_in(2) ? plen + 8 : one_in(2) ?
			       65536 + rnd(65536) : (uint32_t)rnd64());
		len += 8;
		put16(ip + 4, one_in(4) ? len - 40 : 0);
		break;
	case 5:		/* not version 6 */
		ip[0] = (ip[0] & 0x0f) | (uint8_t)(rnd(16) << 4);
		if (ip[0] >> 4 == 6)
			ip[0] = (ip[0] & 0x0f) | 0x40;
		break;
	case 6:		/* hop limit 0 or 1 */
		ip[7] = rnd(2);
		break;
	case 7:		/* martian source */
		inet_pton(AF_INET6, martians[rnd(ARRAY_SIZE(martians))], &a);
		memcpy(ip + 8, &a, 16);
		break;
	default:	/* the fixed header and a few bytes */
		len = 40 + rnd(8);
		ip6_finish(ip, len);
		break;
	}
	return len;
}

static size_t k6_proto(unsigned char *ip)
{
	struct addr src = spoof_addr();
	size_t hl, dl = rnd(80);
	uint8_t proto;

	do
		proto = rnd(256);
	while (proto == P_TCP || proto == P_UDP || proto == P_ICMPV6);
	if (one_in(4))		/* TCP/UDP-looking bytes under another number */
		proto = (uint8_t[]){ 4, 41, 47, H_NONE }[rnd(4)];
	hl = ip6_start(ip, proto, &src);
	rnd_bytes(ip + hl, dl);
	if (proto == 41 && one_in(2)) {	/* IPv6 in IPv6: a SYN for the VIP */
		dl = tcp_build(ip + hl, spoof_addr(), client_port(),
			       svc_tcp_port(), TH_SYN, (uint32_t)rnd64(), 0);
	}
	ip6_finish(ip, hl + dl);
	return hl + dl;
}

static size_t k6_garbage(unsigned char *ip)
{
	size_t len = rnd(120);

	rnd_bytes(ip, len);
	if (one_in(2) && len >= 40) {
		ip[0] = 0x60 | (ip[0] & 0x0f);
		memcpy(ip + 24, &vip6, 16);
		ip6_finish(ip, len);
	}
	return len;
}

/* IPv6: could this packet open a connection on a service? (An upper bound.) */
static void count_openers6(const unsigned char *ip, size_t len)
{
	size_t tot, off = 40, hl;
	uint16_t dport;
	uint8_t nh;

	if (len < 40 || ip[0] >> 4 != 6 || memcmp(ip + 24, &vip6, 16))
		return;
	tot = 40 + get16(ip + 4);
	if (tot > len)
		tot = len;
	/* Every extension header ipv6_find_hdr() walks over. */
	for (nh = ip[6];; nh = ip[off], off += hl) {
		if (nh == H_HOP || nh == H_ROUTING || nh == H_DEST ||
		    nh == H_AUTH) {
			if (off + 2 > tot)
				return;
			hl = nh == H_AUTH ? (ip[off + 1] + 2) * 4 :
					    (ip[off + 1] + 1) * 8;
		} else if (nh == H_FRAG) {
			/* A first fragment counts: as if never reassembled. */
			if (off + 8 > tot || (get16(ip + off + 2) & ~7))
				return;
			hl = 8;
		} else {
			break;
		}
	}
	if (off + 4 > tot)
		return;
	dport = get16(ip + off + 2);
	if (nh == P_TCP && off + 20 <= tot &&
	    (ip[off + 13] & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    is_port(tcp_ports, n_tcp_ports, dport))
		cnt.open_tcp++;
	if (nh == P_UDP && is_port(udp_ports, n_udp_ports, dport))
		cnt.open_udp++;
}

/*
 * IPv6 fragment sets of one TCP or UDP packet for a service: in order or
 * not, overlapping, a tiny first fragment, past 64 KiB, lengths not a
 * multiple of 8, a first fragment without the L4 header (destination
 * options before it in the fragmentable part), an atomic fragment, a
 * duplicate; a hop-by-hop or destination options header before the
 * fragment header now and then. As for IPv4, the whole packet counts as
 * one that could open a connection.
 */
static unsigned int k6_frags(unsigned char **pkts, size_t *lens,
			     unsigned int max)
{
	unsigned char whole[FRAME_MAX], hdr[128], fp[FRAME_MAX], *p, *fh;
	size_t len = one_in(2) ?
		tcp_build(whole, spoof_addr(), client_port(), svc_tcp_port(),
			  TH_SYN, (uint32_t)rnd64(), 8 + rnd(400)) :
		udp_build(whole, spoof_addr(), client_port(), svc_udp_port(),
			  8 + rnd(400));
	size_t unfrag = 40, fplen = 0, off = 0, chunk, h;
	unsigned int n = 0, i, j, mode = rnd(9);
	uint32_t id = (uint32_t)rnd64();
	uint8_t first_nh = whole[6];
	unsigned char *prev;
	bool last;

	count_openers6(whole, len);

	/* The unfragmentable part. */
	memcpy(hdr, whole, 40);
	prev = hdr + 6;
	if (one_in(4)) {
		uint8_t type = one_in(2) ? H_HOP : H_DEST;

		h = ext_hdr(hdr + unfrag, sizeof(hdr) - unfrag, type, false);
		*prev = type;
		prev = hdr + unfrag;
		unfrag += h;
	}
	*prev = H_FRAG;
	/* The fragmentable part: destination options, then the segment. */
	if (mode == 6 || one_in(6)) {
		fplen = 8 * (2 + rnd(8));
		memset(fp, 0, fplen);
		fp[0] = first_nh;
		fp[1] = fplen / 8 - 1;
		fp[2] = 1;			/* PadN */
		fp[3] = fplen - 4;
		first_nh = H_DEST;
	}
	memcpy(fp + fplen, whole + 40, len - 40);
	fplen += len - 40;

	while (off < fplen && n < max) {
		p = pkts[n];
		chunk = 8 * (1 + rnd(24));
		if ((mode == 1 || mode == 6) && n == 0)	/* tiny */
			chunk = 8;
		if (mode == 7 && n == 0)		/* atomic */
			chunk = fplen;
		if (off + chunk >= fplen)
			chunk = fplen - off;
		last = off + chunk >= fplen;
		memcpy(p, hdr, unfrag);
		fh = p + unfrag;
		fh[0] = first_nh;
		fh[1] = 0;
		put16(fh + 2, (off / 8) << 3 | !last);
		put32(fh + 4, id);
		if (mode == 2 && n && one_in(2))	/* overlap */
			put16(fh + 2, (off / 8 - 1) << 3 | !last);
		if (mode == 3 && last)			/* past 64 KiB */
			put16(fh + 2, (0x1fff - rnd(4)) << 3);
		if (mode == 4 && !last && one_in(2))	/* not a multiple of 8 */
			chunk = chunk > 1 ? chunk - 1 - rnd(chunk - 1) : chunk;
		memcpy(fh + 8, fp + off, chunk);
		lens[n] = unfrag + 8 + chunk;
		ip6_finish(p, lens[n]);
		n++;
		off += chunk;
	}
	if (mode == 8 && n && n < max) {		/* a duplicate */
		j = rnd(n);
		memcpy(pkts[n], pkts[j], lens[j]);
		lens[n++] = lens[j];
	}
	/* Out of order, or a part missing. */
	if (mode == 5 || one_in(3))
		for (i = n; i > 1; i--) {
			unsigned char *tp;
			size_t tl;

			j = rnd(i);
			tp = pkts[i - 1];
			pkts[i - 1] = pkts[j];
			pkts[j] = tp;
			tl = lens[i - 1];
			lens[i - 1] = lens[j];
			lens[j] = tl;
		}
	if (n > 1 && one_in(4))
		n--;
	return n;
}

/*
 * One packet of each kind but K_FRAGS (k_frags makes several), IPv4
 * first; each family's header options stand in for the other's.
 */
static size_t (*const builders[K_MAX])(unsigned char *ip) = {
	[K_TCP_FLAGS]	= k_tcp_flags,
	[K_TCP_SYN]	= k_tcp_syn,
	[K_TCP_FOLLOW]	= k_tcp_follow,
	[K_TCP_DOFF]	= k_tcp_doff,
	[K_TCP_SHORT]	= k_tcp_short,
	[K_UDP]		= k_udp,
	[K_UDP_BAD]	= k_udp_bad,
	[K_UDP_SHORT]	= k_udp_short,
	[K_ICMP_ERR]	= k_icmp_err,
	[K_ICMP_OTHER]	= k_icmp_other,
	[K_IP_BAD]	= k_ip_bad,
	[K_IP_OPTS]	= k_ip_opts,
	[K_EXT_HDRS]	= k_ip_opts,
	[K_NO_SERVICE]	= k_no_service,
	[K_PROTO]	= k_proto,
	[K_GARBAGE]	= k_garbage,
	[K_SYN_FLOOD]	= k_syn_flood,
};

static size_t (*const builders6[K_MAX])(unsigned char *ip) = {
	[K_TCP_FLAGS]	= k_tcp_flags,
	[K_TCP_SYN]	= k_tcp_syn,
	[K_TCP_FOLLOW]	= k_tcp_follow,
	[K_TCP_DOFF]	= k_tcp_doff,
	[K_TCP_SHORT]	= k_tcp_short,
	[K_UDP]		= k_udp,
	[K_UDP_BAD]	= k_udp_bad,
	[K_UDP_SHORT]	= k_udp_short,
	[K_ICMP_ERR]	= k6_icmp_err,
	[K_ICMP_OTHER]	= k6_icmp_other,
	[K_IP_BAD]	= k6_ip_bad,
	[K_IP_OPTS]	= k6_ext_hdrs,
	[K_EXT_HDRS]	= k6_ext_hdrs,
	[K_NO_SERVICE]	= k_no_service,
	[K_PROTO]	= k6_proto,
	[K_GARBAGE]	= k6_garbage,
	[K_SYN_FLOOD]	= k_syn_flood,
};

/* Could this packet open a connection on a service? (An upper bound.) */
static void count_openers(const unsigned char *ip, size_t len)
{
	size_t hl, tot;
	uint16_t dport;

	if (v6) {
		count_openers6(ip, len);
		return;
	}
	if (len < 20 || ip[0] >> 4 != 4 || (ip[0] & 0x0f) < 5)
		return;
	if (memcmp(ip + 16, &vip, 4) || (get16(ip + 6) & 0x3fff))
		return;
	hl = (ip[0] & 0x0f) * 4;
	tot = get16(ip + 2);
	if (tot > len)
		tot = len;
	if (tot < hl + 4)
		return;
	dport = get16(ip + hl + 2);
	if (ip[9] == P_TCP && tot >= hl + 20 &&
	    (ip[hl + 13] & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    is_port(tcp_ports, n_tcp_ports, dport))
		cnt.open_tcp++;
	if (ip[9] == P_UDP && is_port(udp_ports, n_udp_ports, dport))
		cnt.open_udp++;
}

static enum kind pick_kind(void)
{
	unsigned int total = 0, r, k;

	for (k = 0; k < K_MAX; k++)
		total += v6 ? kinds[k].weight6 : kinds[k].weight;
	r = rnd(total);
	for (k = 0; k < K_MAX; k++) {
		unsigned int w = v6 ? kinds[k].weight6 : kinds[k].weight;

		if (r < w)
			return k;
		r -= w;
	}
	return K_TCP_FLAGS;
}

/* ----------------------------------------------------------- sending */

static int sock_fd;
static struct sockaddr_ll ll_addr;
static size_t l2;				/* bytes of Ethernet header */
static unsigned char frames[BATCH_MAX][FRAME_MAX + 64];
static size_t frame_len[BATCH_MAX];
static struct sockaddr_in in_addr[BATCH_MAX];
static struct sockaddr_in6 in6_addr[BATCH_MAX];

static void parse_ports(const char *s, uint16_t *ports, unsigned int *n)
{
	char *copy = strdup(s), *tok, *save = NULL, *end;
	unsigned long v;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = strtoul(tok, &end, 10);
		if (*end || !v || v > 65535 || *n >= PORTS_MAX) {
			fprintf(stderr, "pkt_inject: bad port list \"%s\"\n", s);
			exit(2);
		}
		ports[(*n)++] = v;
	}
	free(copy);
}

/* -k: keep the cases named in @s (a listed case weighing 0 gets 1). */
static void parse_kinds(const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;
	bool keep[K_MAX] = { false };
	unsigned int k;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < K_MAX; k++)
			if (!strcmp(tok, kinds[k].name))
				break;
		if (k == K_MAX) {
			fprintf(stderr, "pkt_inject: no case \"%s\" (have:", tok);
			for (k = 0; k < K_MAX; k++)
				fprintf(stderr, " %s", kinds[k].name);
			fprintf(stderr, ")\n");
			exit(2);
		}
		keep[k] = true;
	}
	free(copy);
	for (k = 0; k < K_MAX; k++) {
		kinds[k].weight = keep[k] ? (kinds[k].weight ?: 1) : 0;
		kinds[k].weight6 = keep[k] ? (kinds[k].weight6 ?: 1) : 0;
	}
}

static bool parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return false;
		mac[i] = b[i];
	}
	return true;
}

/* The first complete neighbour of @iface in /proc/net/arp. */
static bool arp_mac(const char *iface, unsigned char *mac)
{
	char line[256], ipaddr[64], hw[64], dev[64];
	unsigned int type, flags;
	bool found = false;
	FILE *f = fopen("/proc/net/arp", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s 0x%x 0x%x %63s %*s %63s", ipaddr, &type,
			   &flags, hw, dev) == 5 &&
		    (flags & 0x2) && !strcmp(dev, iface))
			found = parse_mac(hw, mac);
	fclose(f);
	return found;
}

static void open_socket(void)
{
	int one = 1;

	if (!opt_iface) {
		/* IPPROTO_RAW: IP_HDRINCL, and for IPv6 IPV6_HDRINCL. */
		sock_fd = socket(v6 ? AF_INET6 : AF_INET,
				 SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (sock_fd < 0) {
			perror(v6 ? "pkt_inject: socket(AF_INET6, SOCK_RAW)" :
				    "pkt_inject: socket(AF_INET, SOCK_RAW)");
			exit(1);
		}
		l2 = 0;
		return;
	}
	/* Protocol 0: this socket sends only and never receives. */
	sock_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (sock_fd < 0) {
		perror("pkt_inject: socket(AF_PACKET)");
		exit(1);
	}
	setsockopt(sock_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	ll_addr.sll_family = AF_PACKET;
	ll_addr.sll_protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	ll_addr.sll_ifindex = if_nametoindex(opt_iface);
	ll_addr.sll_halen = 6;
	if (!ll_addr.sll_ifindex) {
		fprintf(stderr, "pkt_inject: no interface %s\n", opt_iface);
		exit(1);
	}
	{
		struct ifreq ifr = { 0 };

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", opt_iface);
		if (ioctl(sock_fd, SIOCGIFHWADDR, &ifr)) {
			perror("pkt_inject: SIOCGIFHWADDR");
			exit(1);
		}
		memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (!have_mac && !arp_mac(opt_iface, dst_mac)) {
		fprintf(stderr, "pkt_inject: no neighbour on %s in /proc/net/arp: reach the next hop once first, or pass -M MAC\n",
			opt_iface);
		exit(1);
	}
	memcpy(ll_addr.sll_addr, dst_mac, 6);
	l2 = 14;
}

/* Ethernet header for frame @i; the run's family unless the case says otherwise. */
static void eth_header(unsigned char *f, bool garbage)
{
	if (!l2)
		return;
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, garbage && one_in(4) ? rnd(65536) :
		      v6 ? ETH_P_IPV6 : ETH_P_IP);
}

/*
 * Send frames [0, n). The raw socket refuses some packets outright (it
 * checks the IP header it is given): skip those, count them, go on.
 */
static void send_batch(unsigned int n)
{
	static struct mmsghdr mm[BATCH_MAX];
	static struct iovec iov[BATCH_MAX];
	unsigned int i, done = 0;
	int r;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = frames[i];
		iov[i].iov_len = frame_len[i];
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		if (l2) {
			mm[i].msg_hdr.msg_name = &ll_addr;
			mm[i].msg_hdr.msg_namelen = sizeof(ll_addr);
		} else if (v6) {
			in6_addr[i].sin6_family = AF_INET6;
			in6_addr[i].sin6_addr = vip6;
			mm[i].msg_hdr.msg_name = &in6_addr[i];
			mm[i].msg_hdr.msg_namelen = sizeof(in6_addr[i]);
		} else {
			in_addr[i].sin_family = AF_INET;
			in_addr[i].sin_addr.s_addr = vip;
			mm[i].msg_hdr.msg_name = &in_addr[i];
			mm[i].msg_hdr.msg_namelen = sizeof(in_addr[i]);
		}
	}
	while (done < n) {
		r = sendmmsg(sock_fd, mm + done, n - done, 0);
		if (r > 0) {
			done += r;
			cnt.sent += r;
			continue;
		}
		if (r < 0 && (errno == EINTR || errno == EAGAIN ||
			      errno == ENOBUFS))
			continue;
		if (r < 0 && (errno == EINVAL || errno == EMSGSIZE ||
			      errno == EPERM || errno == ENETUNREACH ||
			      errno == EHOSTUNREACH || errno == EFAULT ||
			      errno == ENOMEM || errno == EACCES)) {
			/* This one packet was refused; the rest go on. */
			cnt.refused++;
			done++;
			continue;
		}
		fprintf(stderr, "pkt_inject: sendmmsg: %s\n",
			r < 0 ? strerror(errno) : "sent nothing");
		exit(1);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* With -r: sleep until @sent packets are due since @t0. */
static void pace(const struct timespec *t0, unsigned long sent)
{
	double due = (double)sent / opt_rate;
	struct timespec t;

	t.tv_sec = t0->tv_sec + (time_t)due;
	t.tv_nsec = t0->tv_nsec + (long)((due - (time_t)due) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR &&
	       !stop)
		;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pkt_inject -d VIP -S NET/LEN [-t PORTS] [-u PORTS] [-p PORTS]\n"
		"                  [-i IFACE [-M MAC]] [-n COUNT] [-r PPS] [-s SEED]\n"
		"                  [-b BATCH] [-j JOBS] [-k KINDS] [-v]\n");
	exit(2);
}

/* Send @count packets (ULONG_MAX: until stopped) at most opt_rate a second. */
static void inject(unsigned long count)
{
	unsigned char *ptrs[BATCH_MAX];
	size_t lens[BATCH_MAX];
	unsigned long total = 0;
	unsigned int n, i, k, len;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (total < count && !stop) {
		if (opt_rate)
			pace(&t0, total);
		n = 0;
		while (n < opt_batch && total + n < count) {
			unsigned char *ip = frames[n] + l2;

			k = pick_kind();
			if (k == K_FRAGS) {
				static unsigned char tmp[8][FRAME_MAX];
				unsigned int room = opt_batch - n, got;

				if (room > count - total - n)
					room = count - total - n;
				if (room > 8)
					room = 8;
				for (i = 0; i < room; i++)
					ptrs[i] = frames[n + i] + l2;
				got = v6 ? k6_frags(ptrs, lens, room) :
					   k_frags(ptrs, lens, room);
				/*
				 * The shuffle moved pointers, not frames:
				 * copy into place through scratch frames.
				 */
				for (i = 0; i < got; i++)
					memcpy(tmp[i], ptrs[i], lens[i]);
				for (i = 0; i < got; i++) {
					memcpy(frames[n + i] + l2, tmp[i], lens[i]);
					eth_header(frames[n + i], false);
					frame_len[n + i] = l2 + lens[i];
				}
				cnt.kind[k] += got;
				n += got;
				continue;
			}
			len = (v6 ? builders6 : builders)[k](ip);
			eth_header(frames[n], k == K_GARBAGE);
			frame_len[n] = l2 + len;
			cnt.kind[k]++;
			n++;
		}
		for (i = 0; i < n; i++)
			count_openers(frames[i] + l2, frame_len[i] - l2);
		send_batch(n);
		total += n;
	}
}

/*
 * -j JOBS: that many injectors, each with its share of the packets and of
 * the rate, seed SEED + i and its own CPU; their counters come back over a
 * pipe. The kernel runs most of a packet's path (veth, both stacks) in the
 * sender's context, so this is what scales with the CPUs.
 */
static void run_jobs(unsigned int jobs, unsigned long count)
{
	pid_t pids[64];
	unsigned int i, k, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct counters c;
	int fds[2], status;

	if (pipe(fds)) {
		perror("pkt_inject: pipe");
		exit(1);
	}
	for (i = 0; i < jobs; i++) {
		unsigned long share = count == ULONG_MAX ? count :
				      count / jobs + (i < count % jobs);

		pids[i] = fork();
		if (pids[i] < 0) {
			perror("pkt_inject: fork");
			exit(1);
		}
		if (!pids[i]) {
			cpu_set_t set;

			close(fds[0]);
			CPU_ZERO(&set);
			CPU_SET(i % (ncpu ? ncpu : 1), &set);
			sched_setaffinity(0, sizeof(set), &set);
			rng_state = opt_seed + i;
			opt_rate = opt_rate / jobs + (i < opt_rate % jobs);
			inject(share);
			if (write(fds[1], &cnt, sizeof(cnt)) != sizeof(cnt))
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < jobs; i++) {
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			if (stop)
				for (k = 0; k < jobs; k++)
					kill(pids[k], SIGTERM);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "pkt_inject: injector %u failed\n", i);
			exit(1);
		}
	}
	for (i = 0; i < jobs; i++) {
		if (read(fds[0], &c, sizeof(c)) != sizeof(c)) {
			fprintf(stderr, "pkt_inject: injector %u sent no counters\n",
				i);
			exit(1);
		}
		cnt.sent += c.sent;
		cnt.refused += c.refused;
		cnt.open_tcp += c.open_tcp;
		cnt.open_udp += c.open_udp;
		for (k = 0; k < K_MAX; k++)
			cnt.kind[k] += c.kind[k];
	}
	close(fds[0]);
}

int main(int argc, char **argv)
{
	bool have_vip = false, tcp_set = false;
	char vip_txt[INET6_ADDRSTRLEN], *spoof_arg = NULL;
	struct timespec t0, t1;
	unsigned int plen, k, jobs = 1;
	unsigned long total;
	struct sigaction sa = { .sa_handler = on_signal };
	char *end, *slash;
	double secs;
	int c;

	opt_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((c = getopt(argc, argv, "d:S:t:u:p:i:M:n:r:s:b:j:k:vh")) != -1) {
		switch (c) {
		case 'd':
			if (inet_pton(AF_INET6, optarg, &vip6) == 1) {
				v6 = true;
				l3len = 40;
			} else if (inet_pton(AF_INET, optarg, &vip) != 1) {
				usage();
			}
			have_vip = true;
			break;
		case 'S':
			spoof_arg = optarg;
			break;
		case 't':
			parse_ports(optarg, tcp_ports, &n_tcp_ports);
			tcp_set = true;
			break;
		case 'u':
			parse_ports(optarg, udp_ports, &n_udp_ports);
			break;
		case 'p':
			parse_ports(optarg, tcp_ports, &n_tcp_ports);
			parse_ports(optarg, udp_ports, &n_udp_ports);
			tcp_set = true;
			break;
		case 'i':
			opt_iface = optarg;
			break;
		case 'M':
			if (!parse_mac(optarg, dst_mac))
				usage();
			have_mac = true;
			break;
		case 'n':
			opt_count = strtoul(optarg, &end, 0);
			if (*end)
				usage();
			break;
		case 'r':
			opt_rate = strtoul(optarg, &end, 0);
			if (*end)
				usage();
			break;
		case 's':
			opt_seed = strtoull(optarg, &end, 0);
			if (*end)
				usage();
			break;
		case 'b':
			opt_batch = strtoul(optarg, &end, 0);
			if (*end || !opt_batch || opt_batch > BATCH_MAX)
				usage();
			break;
		case 'j':
			jobs = strtoul(optarg, &end, 0);
			if (*end || !jobs || jobs > 64)
				usage();
			break;
		case 'k':
			parse_kinds(optarg);
			break;
		case 'v':
			opt_verbose = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !have_vip || !spoof_arg)
		usage();
	/* -S in the family of -d, whichever came first. */
	slash = strchr(spoof_arg, '/');
	if (!slash)
		usage();
	*slash = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (*end || plen > (v6 ? 128 : 32))
		usage();
	if (v6) {
		if (inet_pton(AF_INET6, spoof_arg, &spoof6_net) != 1)
			usage();
		spoof6_plen = plen;
	} else {
		if (inet_pton(AF_INET, spoof_arg, &spoof_net) != 1)
			usage();
		spoof_mask = plen ? ~0U << (32 - plen) : 0;
		spoof_net = ntohl(spoof_net) & spoof_mask;
	}
	if (!tcp_set) {
		tcp_ports[0] = 80;
		n_tcp_ports = 1;
	}
	rng_state = opt_seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	open_socket();
	if (v6)
		inet_ntop(AF_INET6, &vip6, vip_txt, sizeof(vip_txt));
	else
		inet_ntop(AF_INET, &vip, vip_txt, sizeof(vip_txt));
	if (opt_count)
		printf("pkt_inject: seed %llu, %lu packets to %s via %s, %u injector%s\n",
		       (unsigned long long)opt_seed, opt_count, vip_txt,
		       opt_iface ? opt_iface : "a raw IP socket", jobs,
		       jobs > 1 ? "s" : "");
	else
		printf("pkt_inject: seed %llu, packets to %s via %s until stopped, %u injector%s\n",
		       (unsigned long long)opt_seed, vip_txt,
		       opt_iface ? opt_iface : "a raw IP socket", jobs,
		       jobs > 1 ? "s" : "");

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!opt_count)
		opt_count = ULONG_MAX;
	if (opt_rate && opt_batch > opt_rate / jobs / 100 + 1)
		opt_batch = opt_rate / jobs / 100 + 1;	/* 100 batches a second */

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (jobs > 1)
		run_jobs(jobs, opt_count);
	else
		inject(opt_count);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	total = cnt.sent + cnt.refused;
	printf("pkt_inject: %lu packets sent in %.1f s\n", total, secs);
	printf("pkt_inject: %.0f packets/s; %lu refused by the local stack; could open a connection: tcp %lu, udp %lu\n",
	       secs > 0 ? total / secs : 0, cnt.refused, cnt.open_tcp,
	       cnt.open_udp);
	if (opt_verbose)
		for (k = 0; k < K_MAX; k++)
			printf("pkt_inject:   %-12s %lu\n", kinds[k].name,
			       cnt.kind[k]);
	close(sock_fd);
	return 0;
}
