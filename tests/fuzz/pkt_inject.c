// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_inject - throw malformed and hostile IPv4 packets at a virtual
 * service, as fast as the kernel takes them (sendmmsg).
 *
 *   pkt_inject -d VIP -S NET/LEN [-t PORTS] [-u PORTS] [-p PORTS]
 *              [-i IFACE [-M MAC]] [-n COUNT] [-r PPS] [-s SEED] [-b BATCH]
 *              [-j JOBS] [-k KINDS] [-v]
 *
 *   -d VIP       the virtual service address
 *   -S NET/LEN   spoofed source addresses are drawn from this range only
 *                (keep it away from real clients)
 *   -t PORTS     TCP service ports, comma separated (default 80)
 *   -u PORTS     UDP service ports (default none)
 *   -p PORTS     the same ports for both
 *   -i IFACE     send Ethernet frames on IFACE (AF_PACKET): every header
 *                field as built, including bad lengths and checksums.
 *                Without -i, an AF_INET raw socket (IP_HDRINCL): the local
 *                stack then fills in the IP total length and checksum and
 *                refuses some packets (counted as "refused").
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

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PSH		0x08
#define TH_ACK		0x10

/* ----------------------------------------------------------- options */

static uint32_t vip;			/* network order */
static uint32_t spoof_net, spoof_mask;	/* host order */
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
	K_IP_OPTS, K_FRAGS, K_NO_SERVICE, K_PROTO, K_GARBAGE, K_SYN_FLOOD,
	K_MAX
};

/* Weights: the default mix; -k zeroes the cases not asked for. */
static struct {
	const char *name;
	unsigned int weight;
} kinds[K_MAX] = {
	[K_TCP_FLAGS]	= { "tcp-flags",	14 },
	[K_TCP_SYN]	= { "tcp-syn",		6 },
	[K_TCP_FOLLOW]	= { "tcp-follow",	8 },
	[K_TCP_DOFF]	= { "tcp-doff",		4 },
	[K_TCP_SHORT]	= { "tcp-short",	3 },
	[K_UDP]		= { "udp",		6 },
	[K_UDP_BAD]	= { "udp-bad",		6 },
	[K_UDP_SHORT]	= { "udp-short",	3 },
	[K_ICMP_ERR]	= { "icmp-error",	10 },
	[K_ICMP_OTHER]	= { "icmp-other",	2 },
	[K_IP_BAD]	= { "ip-bad",		7 },
	[K_IP_OPTS]	= { "ip-options",	5 },
	[K_FRAGS]	= { "fragments",	2 },
	[K_NO_SERVICE]	= { "no-service",	4 },
	[K_PROTO]	= { "protocol",		3 },
	[K_GARBAGE]	= { "garbage",		1 },
	[K_SYN_FLOOD]	= { "syn-flood",	0 },	/* -k syn-flood only */
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

/* Checksum of an L4 segment of @len bytes at @l4 under the pseudo-header. */
static uint16_t l4_csum(const unsigned char *ip, const unsigned char *l4,
			size_t len, uint8_t proto)
{
	uint32_t sum = 0;

	sum = csum_add(sum, ip + 12, 8);
	sum += proto;
	sum += (uint32_t)len;
	sum = csum_add(sum, l4, len);
	return csum_fold(sum);
}

/* -------------------------------------------------------- addresses */

static uint32_t spoof_addr(void)
{
	return htonl(spoof_net | (rnd64() & ~spoof_mask));
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
	uint32_t saddr;		/* network order */
	uint16_t sport, dport;
	uint8_t proto;
	uint32_t seq;
};

static struct flow flows[FLOWS];
static unsigned int nflows, flow_next;

static void flow_add(uint32_t saddr, uint16_t sport, uint16_t dport,
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

static size_t tcp_build(unsigned char *ip, uint32_t saddr, uint16_t sport,
			uint16_t dport, uint8_t flags, uint32_t seq,
			size_t datalen)
{
	size_t hl = ip_start(ip, P_TCP, saddr, vip, 0);
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
	ip_finish(ip, hl + 20 + datalen);
	return hl + 20 + datalen;
}

static size_t udp_build(unsigned char *ip, uint32_t saddr, uint16_t sport,
			uint16_t dport, size_t datalen)
{
	size_t hl = ip_start(ip, P_UDP, saddr, vip, 0);
	unsigned char *uh = ip + hl;
	uint16_t c;

	put16(uh, sport);
	put16(uh + 2, dport);
	put16(uh + 4, 8 + datalen);
	put16(uh + 6, 0);
	rnd_bytes(uh + 8, datalen);
	c = l4_csum(ip, uh, 8 + datalen, P_UDP);
	put16(uh + 6, c ? c : 0xffff);
	ip_finish(ip, hl + 8 + datalen);
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
		unsigned char *th = ip + (ip[0] & 0x0f) * 4;

		th[12] |= rnd(16);
		put16(th + 16, 0);
		put16(th + 16, l4_csum(ip, th, len - (th - ip), P_TCP));
	}
	return len;
}

static size_t k_tcp_syn(unsigned char *ip)
{
	uint32_t saddr = spoof_addr(), seq = (uint32_t)rnd64();
	uint16_t sport = client_port(), dport = svc_tcp_port();

	flow_add(saddr, sport, dport, P_TCP, seq + 1);
	return tcp_build(ip, saddr, sport, dport, TH_SYN, seq, 0);
}

/* A plain SYN, as a SYN flood sends: nothing odd about it but the source. */
static size_t k_syn_flood(unsigned char *ip)
{
	size_t len = tcp_build(ip, spoof_addr(), client_port(), svc_tcp_port(),
			       TH_SYN, (uint32_t)rnd64(), 0);
	unsigned char *th = ip + 20;

	ip[1] = 0;
	ip[8] = 64;
	put16(th + 14, 64240);
	put16(th + 18, 0);
	put16(th + 16, 0);
	put16(th + 16, l4_csum(ip, th, len - 20, P_TCP));
	ip_finish(ip, len);
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
	unsigned char *th = ip + 20;

	th[12] = (one_in(2) ? rnd(5) : 6 + rnd(10)) << 4;
	put16(th + 16, 0);
	put16(th + 16, l4_csum(ip, th, len - 20, P_TCP));
	return len;
}

static size_t k_tcp_short(unsigned char *ip)
{
	size_t len = tcp_build(ip, spoof_addr(), client_port(), svc_tcp_port(),
			       TH_SYN, (uint32_t)rnd64(), 0);

	len = 20 + rnd(20);		/* 0..19 bytes of TCP header */
	ip_finish(ip, len);
	return len;
}

static size_t k_no_service(unsigned char *ip);

static size_t k_udp(unsigned char *ip)
{
	uint32_t saddr = spoof_addr();
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
	unsigned char *uh = ip + 20;
	size_t ulen = len - 20;
	uint16_t c;

	switch (rnd(5)) {
	case 0:		/* zero checksum: "none" */
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

	len = 20 + rnd(8);		/* 0..7 bytes of UDP header */
	ip_finish(ip, len);
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
	size_t hl = ip_start(ip, P_ICMP, one_in(2) && f ? f->saddr :
			     spoof_addr(), vip, 0);
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
		memcpy(in + 16, &f->saddr, 4);
		put16(in + 20, f->dport);
		put16(in + 22, f->sport);
	} else {
		uint32_t a = spoof_addr();

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
	size_t hl = ip_start(ip, P_ICMP, spoof_addr(), vip, 0);
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
	hl = ip_start(ip, proto, spoof_addr(), vip, 0);
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

/* One packet of each kind but K_FRAGS (k_frags makes several). */
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
	[K_NO_SERVICE]	= k_no_service,
	[K_PROTO]	= k_proto,
	[K_GARBAGE]	= k_garbage,
	[K_SYN_FLOOD]	= k_syn_flood,
};

/* Could this packet open a connection on a service? (An upper bound.) */
static void count_openers(const unsigned char *ip, size_t len)
{
	size_t hl, tot;
	uint16_t dport;

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
		total += kinds[k].weight;
	r = rnd(total);
	for (k = 0; k < K_MAX; k++) {
		if (r < kinds[k].weight)
			return k;
		r -= kinds[k].weight;
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
	for (k = 0; k < K_MAX; k++)
		kinds[k].weight = keep[k] ? (kinds[k].weight ?: 1) : 0;
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
		sock_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (sock_fd < 0) {
			perror("pkt_inject: socket(AF_INET, SOCK_RAW)");
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
	ll_addr.sll_protocol = htons(ETH_P_IP);
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

/* Ethernet header for frame @i; IPv4 unless the case says otherwise. */
static void eth_header(unsigned char *f, bool garbage)
{
	if (!l2)
		return;
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, garbage && one_in(4) ? rnd(65536) : ETH_P_IP);
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
				got = k_frags(ptrs, lens, room);
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
			len = builders[k](ip);
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
	bool have_vip = false, have_spoof = false, tcp_set = false;
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
			if (inet_pton(AF_INET, optarg, &vip) != 1)
				usage();
			have_vip = true;
			break;
		case 'S':
			slash = strchr(optarg, '/');
			if (!slash)
				usage();
			*slash = 0;
			plen = strtoul(slash + 1, &end, 10);
			if (*end || plen > 32 ||
			    inet_pton(AF_INET, optarg, &spoof_net) != 1)
				usage();
			spoof_mask = plen ? ~0U << (32 - plen) : 0;
			spoof_net = ntohl(spoof_net) & spoof_mask;
			have_spoof = true;
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
	if (optind != argc || !have_vip || !have_spoof)
		usage();
	if (!tcp_set) {
		tcp_ports[0] = 80;
		n_tcp_ports = 1;
	}
	rng_state = opt_seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	open_socket();
	if (opt_count)
		printf("pkt_inject: seed %llu, %lu packets to %s via %s, %u injector%s\n",
		       (unsigned long long)opt_seed, opt_count,
		       inet_ntoa(*(struct in_addr *)&vip),
		       opt_iface ? opt_iface : "a raw IP socket", jobs,
		       jobs > 1 ? "s" : "");
	else
		printf("pkt_inject: seed %llu, packets to %s via %s until stopped, %u injector%s\n",
		       (unsigned long long)opt_seed,
		       inet_ntoa(*(struct in_addr *)&vip),
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
