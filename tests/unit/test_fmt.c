// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pure formatting helpers (fmt.c) and for the listing
 * layouts (show.c), captured through open_memstream().
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fmt.h"
#include "parse.h"
#include "save.h"
#include "show.h"
#include "util.h"
#include "test_util.h"

static void check_number(uint64_t v, bool exact, const char *want)
{
	char buf[FMT_NUM_LEN], name[96];

	snprintf(name, sizeof(name), "fmt_number(%llu%s) = %s", (unsigned long long)v,
		 exact ? ", exact" : "", want);
	CHECK_STR(fmt_number(buf, sizeof(buf), v, exact), want, name);
}

static void v4(uint8_t addr[16], const char *s)
{
	memset(addr, 0, 16);
	inet_pton(AF_INET, s, addr);
}

static void v6(uint8_t addr[16], const char *s)
{
	inet_pton(AF_INET6, s, addr);
}

static void test_numbers(void)
{
	check_number(0, false, "0");
	check_number(99999, false, "99999");
	check_number(100000, false, "100K");
	check_number(123456, false, "123K");
	check_number(99999999, false, "99999K");
	check_number(100000000, false, "100M");
	check_number(1234567890, false, "1234M");
	check_number(100000000000ULL, false, "100G");
	check_number(123456789012345ULL, false, "123T");
	check_number(123456, true, "123456");
	check_number(UINT64_MAX, true, "18446744073709551615");
}

static void test_addresses(void)
{
	char buf[FMT_ADDR_LEN];
	uint8_t a[16];

	v4(a, "10.0.0.1");
	CHECK_STR(fmt_addr_port(buf, sizeof(buf), AF_INET, a, 80), "10.0.0.1:80",
		  "fmt_addr_port IPv4");
	v4(a, "255.255.255.255");
	CHECK_STR(fmt_addr_port(buf, sizeof(buf), AF_INET, a, 65535), "255.255.255.255:65535",
		  "fmt_addr_port widest IPv4");
	v4(a, "0.0.0.0");
	CHECK_STR(fmt_addr_port(buf, sizeof(buf), AF_INET, a, 0), "0.0.0.0:0",
		  "fmt_addr_port zero");
	inet_pton(AF_INET6, "2001:db8::1", a);
	CHECK_STR(fmt_addr_port(buf, sizeof(buf), AF_INET6, a, 443), "[2001:db8::1]:443",
		  "fmt_addr_port IPv6 in brackets");
	CHECK_STR(fmt_addr_port(buf, sizeof(buf), 99, a, 1), "?:1",
		  "fmt_addr_port unknown family");
	v6(a, "2001:0DB8:0000:0000:0000:0000:0000:0010");
	CHECK_STR(fmt_addr(buf, sizeof(buf), AF_INET6, a), "2001:db8::10",
		  "fmt_addr IPv6 compressed, lower case");
	v6(a, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
	CHECK_STR(fmt_addr_port(buf, sizeof(buf), AF_INET6, a, 65535),
		  "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "fmt_addr_port widest IPv6");
	v4(a, "192.168.1.2");
	CHECK_STR(fmt_addr(buf, sizeof(buf), AF_INET, a), "192.168.1.2", "fmt_addr IPv4");
}

/* Every state of the uAPI enum has a name of its own, none left out. */
static void test_state_names(void)
{
	const char *seen[__L4LB_TCP_MAX];
	const char *bad = NULL;
	int i, j;

	for (i = 0; i < __L4LB_TCP_MAX && !bad; i++) {
		seen[i] = fmt_state(IPPROTO_TCP, i);
		if (!seen[i] || !*seen[i] || !strcmp(seen[i], "?") || !strcmp(seen[i], "UDP"))
			bad = "no name";
		for (j = 0; j < i && !bad; j++)
			if (!strcmp(seen[i], seen[j]))
				bad = "a name used twice";
	}
	CHECK(!bad, "fmt_state names every enum l4lb_tcp_state once",
	      "%s at state %d", bad, i - 1);
}

static void test_names(void)
{
	char buf[16];

	CHECK_STR(fmt_expire(buf, sizeof(buf), 899999), "14:59", "fmt_expire rounds down");
	CHECK_STR(fmt_expire(buf, sizeof(buf), 0), "00:00", "fmt_expire zero");
	CHECK_STR(fmt_expire(buf, sizeof(buf), 6000000), "100:00", "fmt_expire 100 minutes");
	CHECK_STR(fmt_fwd(L4LB_FWD_MASQ), "Masq", "fmt_fwd masq");
	CHECK_STR(fmt_fwd(L4LB_FWD_LOCAL), "Local", "fmt_fwd local");
	CHECK_STR(fmt_fwd(L4LB_FWD_TUNNEL), "Tunnel", "fmt_fwd tunnel");
	CHECK_STR(fmt_fwd(L4LB_FWD_ROUTE), "Route", "fmt_fwd route");
	CHECK_STR(fmt_fwd(200), "?", "fmt_fwd unknown");
	CHECK_STR(fmt_state(IPPROTO_TCP, L4LB_TCP_ESTABLISHED), "ESTABLISHED",
		  "fmt_state established");
	CHECK_STR(fmt_state(IPPROTO_TCP, L4LB_TCP_SYNACK), "SYNACK", "fmt_state synack");
	CHECK_STR(fmt_state(IPPROTO_TCP, L4LB_TCP_CLOSE), "CLOSE", "fmt_state close");
	CHECK_STR(fmt_state(IPPROTO_TCP, 42), "?", "fmt_state unknown");
	CHECK_STR(fmt_state(IPPROTO_UDP, L4LB_TCP_NONE), "UDP", "fmt_state udp");
	CHECK_STR(fmt_state(IPPROTO_TCP, __L4LB_TCP_MAX), "?", "fmt_state past the enum");
	test_state_names();
	CHECK_STR(fmt_proto(IPPROTO_UDP), "UDP", "fmt_proto udp");
}

/* Run @fn against a memory stream and return what it wrote (caller frees). */
#define CAPTURE(out, stmt)						\
	do {								\
		size_t __len;						\
		FILE *f = open_memstream(&(out), &__len);		\
		stmt;							\
		fclose(f);						\
	} while (0)

static void test_json_string(void)
{
	char *out = NULL;

	CAPTURE(out, json_string(f, "a\"b\\c\n\x01\xc3\xa9"));
	CHECK_STR(out, "\"a\\\"b\\\\c\\n\\u0001\\u00c3\\u00a9\"", "json_string escapes");
	free(out);
	CAPTURE(out, json_string(f, ""));
	CHECK_STR(out, "\"\"", "json_string empty");
	free(out);
}

void run_fmt_tests(void)
{
	test_numbers();
	test_addresses();
	test_names();
	test_json_string();
}

static const struct l4lb_info info = { .version = "0.1.0", .conn_count = 3,
					.conn_tab_size = 4096 };

static struct svc_entry *sample_services(size_t *n)
{
	struct svc_entry *s = calloc(3, sizeof(*s));
	struct dest_entry *d = calloc(3, sizeof(*d));

	/* Deliberately out of order: UDP first, servers reversed. */
	s[0] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_UDP, .port = 53,
				   .sched = "rr" };
	v4(s[0].addr, "10.0.0.1");
	s[1] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80,
				   .sched = "wlc", .dests = d, .ndests = 2,
				   .stats = { .conns = 123456, .inpkts = 2000000, .outpkts = 5,
					      .inbytes = 99999, .outbytes = 100000000 } };
	v4(s[1].addr, "10.0.0.1");
	d[0] = (struct dest_entry){ .af = AF_INET, .port = 80, .fwd = L4LB_FWD_ROUTE,
				    .weight = 3, .active = 12, .inactive = 7 };
	v4(d[0].addr, "192.168.1.10");
	d[1] = (struct dest_entry){ .af = AF_INET, .port = 80, .fwd = L4LB_FWD_MASQ,
				    .weight = 1, .stats = { .conns = 1, .inpkts = 2, .outpkts = 3,
							 .inbytes = 4, .outbytes = 5 } };
	v4(d[1].addr, "192.168.1.2");
	s[2] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 443,
				   .sched = "sh", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 360, .netmask = htonl(0xffffff00),
				   .dests = d + 2, .ndests = 1 };
	v4(s[2].addr, "10.0.0.1");
	d[2] = (struct dest_entry){ .af = AF_INET, .port = 443, .fwd = L4LB_FWD_TUNNEL,
				    .weight = 65535, .active = 4000000000u };
	v4(d[2].addr, "172.16.0.1");
	*n = 3;
	sort_services(s, 3);
	return s;
}

static void test_show_services(void)
{
	struct list_opts text = { 0 }, stats = { .stats = true }, json = { .json = true };
	struct svc_entry *s;
	char *out = NULL;
	size_t n;

	s = sample_services(&n);
	CAPTURE(out, show_services(f, &info, s, n, &text));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port Scheduler Flags\n"
		  "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		  "TCP  10.0.0.1:80 wlc\n"
		  "  -> 192.168.1.2:80               Masq    1      0          0\n"
		  "  -> 192.168.1.10:80              Route   3      12         7\n"
		  "TCP  10.0.0.1:443 sh persistent 360 mask 255.255.255.0\n"
		  "  -> 172.16.0.1:443               Tunnel  65535  4000000000 0\n"
		  "UDP  10.0.0.1:53 rr\n",
		  "show: text listing, sorted, ipvsadm columns");
	free(out);

	CAPTURE(out, show_services(f, &info, s, 1, &stats));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		  "  -> RemoteAddress:Port\n"
		  "TCP  10.0.0.1:80                      123K    2000K        5    99999     100M\n"
		  "  -> 192.168.1.2:80                      1        2        3        4        5\n"
		  "  -> 192.168.1.10:80                     0        0        0        0        0\n",
		  "show: --stats listing with K/M suffixes");
	free(out);

	stats.exact = true;
	CAPTURE(out, show_services(f, &info, s, 1, &stats));
	CHECK(strstr(out, "TCP  10.0.0.1:80                    123456  2000000        5    99999 100000000\n"),
	      "show: --stats --exact prints raw counters", "%s", out);
	free(out);

	CAPTURE(out, show_services(f, &info, s + 1, 1, &json));
	CHECK_STR(out,
		  "[{\"protocol\":\"TCP\",\"address\":\"10.0.0.1\",\"port\":443,"
		  "\"scheduler\":\"sh\",\"sched_flags\":[],\"persistent\":true,\"timeout\":360,"
		  "\"netmask\":\"255.255.255.0\",\"idle_timeout\":0,\"servers\":[{"
		  "\"address\":\"172.16.0.1\","
		  "\"port\":443,\"forward\":\"Tunnel\",\"weight\":65535,\"active\":4000000000,"
		  "\"inactive\":0,\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,"
		  "\"inbytes\":0,\"outbytes\":0,\"cps\":0,\"inpps\":0,\"outpps\":0,"
		  "\"inbps\":0,\"outbps\":0}}],\"stats\":{\"conns\":0,\"inpkts\":0,"
		  "\"outpkts\":0,\"inbytes\":0,\"outbytes\":0,\"cps\":0,\"inpps\":0,"
		  "\"outpps\":0,\"inbps\":0,\"outbps\":0}}]\n",
		  "show: JSON service object");
	free(out);

	CAPTURE(out, show_services(f, &info, s, 0, &json));
	CHECK_STR(out, "[]\n", "show: JSON empty list");
	free(out);

	free(s[0].dests);
	free(s);
}

/* --rate, the idle timeout flag and ipvsadm's silent all-ones mask. */
static void test_show_rate_idle(void)
{
	struct list_opts text = { 0 }, rate = { .rate = true }, json = { .json = true };
	struct dest_entry d = { .af = AF_INET, .port = 8080, .fwd = L4LB_FWD_MASQ, .weight = 2,
				.stats = { .cps = 7, .inpps = 8, .outpps = 9, .inbps = 10,
					   .outbps = 11 } };
	struct svc_entry s[2] = {
		{ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80, .sched = "wlc",
		  .flags = L4LB_SVC_F_PERSISTENT, .timeout = 360, .netmask = 0xffffffffu,
		  .idle_timeout = 3600, .dests = &d, .ndests = 1,
		  .stats = { .conns = 5, .cps = 123456, .inpps = 2000000, .outpps = 5,
			     .inbps = 99999, .outbps = 100000000 } },
		{ .af = AF_INET, .protocol = IPPROTO_UDP, .port = 53, .sched = "rr",
		  .netmask = 0xffffffffu, .idle_timeout = 30 },
	};
	char *out = NULL;

	v4(s[0].addr, "10.0.0.1");
	v4(s[1].addr, "10.0.0.1");
	v4(d.addr, "192.168.1.2");
	CAPTURE(out, show_services(f, &info, s, 2, &text));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port Scheduler Flags\n"
		  "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		  "TCP  10.0.0.1:80 wlc persistent 360 idle 3600\n"
		  "  -> 192.168.1.2:8080             Masq    2      0          0\n"
		  "UDP  10.0.0.1:53 rr idle 30\n",
		  "show: idle flag after persistence, all-ones mask omitted");
	free(out);

	CAPTURE(out, show_services(f, &info, s, 2, &rate));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		  "  -> RemoteAddress:Port\n"
		  "TCP  10.0.0.1:80                      123K    2000K        5    99999     100M\n"
		  "  -> 192.168.1.2:8080                    7        8        9       10       11\n"
		  "UDP  10.0.0.1:53                         0        0        0        0        0\n",
		  "show: --rate listing with ipvsadm's header");
	free(out);

	rate.exact = true;
	CAPTURE(out, show_services(f, &info, s, 1, &rate));
	CHECK(strstr(out, "TCP  10.0.0.1:80                    123456  2000000        5"
			  "    99999 100000000\n"),
	      "show: --rate --exact prints raw rates", "%s", out);
	free(out);

	CAPTURE(out, show_services(f, &info, s, 1, &json));
	CHECK(strstr(out, "\"persistent\":true,\"timeout\":360,\"netmask\":\"255.255.255.255\","
			  "\"idle_timeout\":3600,") &&
	      strstr(out, "\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,"
			  "\"outbytes\":0,\"cps\":7,\"inpps\":8,\"outpps\":9,\"inbps\":10,"
			  "\"outbps\":11}") &&
	      strstr(out, "\"conns\":5,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0,"
			  "\"cps\":123456,\"inpps\":2000000,\"outpps\":5,\"inbps\":99999,"
			  "\"outbps\":100000000}"),
	      "show: JSON idle_timeout and rates", "%s", out);
	free(out);

	/* A /0 mask is a real setting, not "none". */
	s[0].netmask = 0;
	CAPTURE(out, show_services(f, &info, s, 1, &text));
	CHECK(strstr(out, "TCP  10.0.0.1:80 wlc persistent 360 mask 0.0.0.0 idle 3600\n"),
	      "show: mask 0.0.0.0 is shown", "%s", out);
	free(out);
}

static void test_show_templates(void)
{
	struct list_opts text = { 0 }, json = { .json = true };
	struct conn_entry c[2] = {
		{ .af = AF_INET, .daf = AF_INET, .protocol = IPPROTO_UDP,
		  .cport = 0, .vport = 53, .dport = 53,
		  .state = L4LB_TCP_NONE, .expires = 359000, .fwd = L4LB_FWD_ROUTE,
		  .flags = L4LB_CONN_F_TEMPLATE },
		{ .af = AF_INET, .daf = AF_INET, .protocol = IPPROTO_TCP,
		  .cport = 0, .vport = 443, .dport = 443,
		  .state = L4LB_TCP_ESTABLISHED, .expires = 1000, .fwd = L4LB_FWD_MASQ,
		  .flags = L4LB_CONN_F_TEMPLATE | L4LB_CONN_F_ASSURED },
	};
	char *out = NULL;

	v4(c[0].caddr, "10.1.2.0");
	v4(c[0].vaddr, "10.0.0.1");
	v4(c[0].daddr, "192.168.1.3");
	v4(c[1].caddr, "10.1.2.3");
	v4(c[1].vaddr, "10.0.0.2");
	v4(c[1].daddr, "192.168.1.4");
	CAPTURE(out, show_conns(f, c, 2, &text));
	CHECK_STR(out,
		  "l4lb connection entries\n"
		  "pro expire state       source             virtual            destination\n"
		  "UDP 05:59  NONE        10.1.2.0:0         10.0.0.1:53        192.168.1.3:53\n"
		  "TCP 00:01  ASSURED     10.1.2.3:0         10.0.0.2:443       192.168.1.4:443\n",
		  "show: templates have state NONE or ASSURED whatever the protocol");
	free(out);

	CAPTURE(out, show_conns(f, c, 1, &json));
	CHECK(strstr(out, "\"protocol\":\"UDP\",\"state\":\"NONE\",\"template\":true,"),
	      "show: JSON template flag", "%s", out);
	free(out);
}

static void test_show_info(void)
{
	struct l4lb_info i = { .version = "0.2.0", .conn_count = 12, .conn_tab_size = 65536,
			       .drop_conn_max = 1, .drop_no_dest = 22,
			       .drop_nomem = 333, .drop_no_route = 18446744073709551615ULL,
			       .drop_clash = 4444, .drop_dest_gone = 55555 };
	char *out = NULL;

	CAPTURE(out, show_info(f, &i, false));
	CHECK_STR(out,
		  "l4lb v0.2.0: 12 connections, table size 65536\n"
		  "dropped: conn_max 1, no_dest 22, nomem 333, no_route 18446744073709551615, clash 4444, dest_gone 55555\n",
		  "show: --info text");
	free(out);
	CAPTURE(out, show_info(f, &i, true));
	CHECK_STR(out,
		  "{\"version\":\"0.2.0\",\"connections\":12,\"table_size\":65536,"
		  "\"dropped\":{\"conn_max\":1,\"no_dest\":22,\"nomem\":333,"
		  "\"no_route\":18446744073709551615,\"clash\":4444,\"dest_gone\":55555}}\n",
		  "show: --info JSON");
	free(out);
}

static void test_show_conns(void)
{
	struct list_opts text = { 0 }, json = { .json = true };
	struct conn_entry c[2] = {
		{ .af = AF_INET, .daf = AF_INET, .protocol = IPPROTO_UDP,
		  .cport = 40000, .vport = 53,
		  .dport = 53, .state = L4LB_TCP_NONE, .expires = 299000,
		  .fwd = L4LB_FWD_MASQ },
		{ .af = AF_INET, .daf = AF_INET, .protocol = IPPROTO_TCP,
		  .cport = 51234, .vport = 80,
		  .dport = 80, .state = L4LB_TCP_ESTABLISHED, .expires = 899500,
		  .fwd = L4LB_FWD_ROUTE },
	};
	char *out = NULL;

	v4(c[0].caddr, "10.0.0.3");
	v4(c[0].vaddr, "10.0.0.1");
	v4(c[0].daddr, "192.168.1.3");
	v4(c[1].caddr, "10.0.0.2");
	v4(c[1].vaddr, "10.0.0.1");
	v4(c[1].daddr, "192.168.1.2");
	sort_conns(c, 2);

	CAPTURE(out, show_conns(f, c, 2, &text));
	CHECK_STR(out,
		  "l4lb connection entries\n"
		  "pro expire state       source             virtual            destination\n"
		  "TCP 14:59  ESTABLISHED 10.0.0.2:51234     10.0.0.1:80        192.168.1.2:80\n"
		  "UDP 04:59  UDP         10.0.0.3:40000     10.0.0.1:53        192.168.1.3:53\n",
		  "show: connection listing");
	free(out);

	CAPTURE(out, show_conns(f, c, 1, &json));
	CHECK_STR(out,
		  "[{\"protocol\":\"TCP\",\"state\":\"ESTABLISHED\",\"template\":false,"
		  "\"expires_ms\":899500,"
		  "\"forward\":\"Route\",\"client\":{\"address\":\"10.0.0.2\",\"port\":51234},"
		  "\"virtual\":{\"address\":\"10.0.0.1\",\"port\":80},"
		  "\"server\":{\"address\":\"192.168.1.2\",\"port\":80}}]\n",
		  "show: JSON connection object");
	free(out);
}

/*
 * IPv4 and IPv6 services in one table: IPv4 first, as ipvsadm sorts, and
 * IPv6 addresses never cut, pushing the columns after them to the right.
 */
static void test_show_ipv6(void)
{
	struct list_opts text = { 0 }, rate = { .rate = true }, json = { .json = true };
	struct svc_entry *s = calloc(5, sizeof(*s));
	struct dest_entry *d = calloc(4, sizeof(*d));
	char *out = NULL;

	s[0] = (struct svc_entry){ .af = AF_INET6, .protocol = IPPROTO_TCP, .port = 80,
				   .sched = "wlc", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 300, .prefixlen = 64, .dests = d, .ndests = 2,
				   .stats = { .cps = 1500, .inpps = 2, .outpps = 3, .inbps = 4,
					      .outbps = 5 } };
	v6(s[0].addr, "2001:db8::1");
	d[0] = (struct dest_entry){ .af = AF_INET6, .port = 8080, .fwd = L4LB_FWD_MASQ,
				    .weight = 1, .active = 12, .inactive = 3,
				    .stats = { .cps = 7, .inpps = 8, .outpps = 9, .inbps = 10,
					       .outbps = 11 } };
	v6(d[0].addr, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:10");
	d[1] = (struct dest_entry){ .af = AF_INET6, .port = 80, .fwd = L4LB_FWD_ROUTE,
				    .weight = 1 };
	v6(d[1].addr, "2001:db8::10");
	s[1] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_UDP, .port = 53,
				   .sched = "rr", .netmask = 0xffffffffu };
	v4(s[1].addr, "10.0.0.1");
	s[2] = (struct svc_entry){ .af = AF_INET6, .protocol = IPPROTO_UDP, .port = 53,
				   .sched = "rr", .prefixlen = 128, .dests = d + 2, .ndests = 1 };
	v6(s[2].addr, "2001:db8::53");
	d[2] = (struct dest_entry){ .af = AF_INET, .port = 53, .fwd = L4LB_FWD_TUNNEL,
				    .weight = 1 };
	v4(d[2].addr, "192.168.1.5");
	s[3] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80,
				   .sched = "wlc", .netmask = 0xffffffffu, .dests = d + 3,
				   .ndests = 1 };
	v4(s[3].addr, "10.0.0.1");
	d[3] = (struct dest_entry){ .af = AF_INET, .port = 80, .fwd = L4LB_FWD_MASQ,
				    .weight = 1 };
	v4(d[3].addr, "192.168.1.2");
	/* The default prefix length, 128, goes unsaid like IPv4's all-ones mask. */
	s[4] = (struct svc_entry){ .af = AF_INET6, .protocol = IPPROTO_TCP, .port = 443,
				   .sched = "wlc", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 360, .prefixlen = 128 };
	v6(s[4].addr, "2001:db8::1");
	sort_services(s, 5);

	CAPTURE(out, show_services(f, &info, s, 5, &text));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port Scheduler Flags\n"
		  "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		  "TCP  10.0.0.1:80 wlc\n"
		  "  -> 192.168.1.2:80               Masq    1      0          0\n"
		  "UDP  10.0.0.1:53 rr\n"
		  "TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
		  "  -> [2001:db8::10]:80            Route   1      0          0\n"
		  "  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080 Masq    1      12         3\n"
		  "TCP  [2001:db8::1]:443 wlc persistent 360\n"
		  "UDP  [2001:db8::53]:53 rr\n"
		  "  -> 192.168.1.5:53               Tunnel  1      0          0\n",
		  "show: IPv6 after IPv4, mask as a prefix length, long addresses uncut");
	free(out);

	CAPTURE(out, show_services(f, &info, s + 2, 1, &rate));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		  "  -> RemoteAddress:Port\n"
		  "TCP  [2001:db8::1]:80                 1500        2        3        4        5\n"
		  "  -> [2001:db8::10]:80                   0        0        0        0        0\n"
		  "  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080        7        8        9       10       11\n",
		  "show: IPv6 --rate, long addresses uncut");
	free(out);

	CAPTURE(out, show_services(f, &info, s + 2, 2, &json));
	CHECK(strstr(out, "[{\"protocol\":\"TCP\",\"address\":\"2001:db8::1\",\"port\":80,"
			  "\"scheduler\":\"wlc\",\"sched_flags\":[],\"persistent\":true,\"timeout\":300,"
			  "\"prefix_length\":64,\"idle_timeout\":0,\"servers\":[{"
			  "\"address\":\"2001:db8::10\",\"port\":80,\"forward\":\"Route\",") &&
	      strstr(out, "{\"protocol\":\"TCP\",\"address\":\"2001:db8::1\",\"port\":443,"
			  "\"scheduler\":\"wlc\",\"sched_flags\":[],\"persistent\":true,\"timeout\":360,"
			  "\"prefix_length\":128,\"idle_timeout\":0,\"servers\":[],") &&
	      !strstr(out, "netmask"),
	      "show: JSON IPv6 services have prefix_length, no netmask", "%s", out);
	free(out);

	free(d);
	free(s);
}

static void test_show_ipv6_conns(void)
{
	struct list_opts text = { 0 }, json = { .json = true };
	struct conn_entry c[3] = {
		{ .af = AF_INET6, .daf = AF_INET6, .protocol = IPPROTO_TCP,
		  .cport = 0, .vport = 80, .dport = 80,
		  .state = L4LB_TCP_NONE, .expires = 299000, .fwd = L4LB_FWD_ROUTE,
		  .flags = L4LB_CONN_F_TEMPLATE },
		{ .af = AF_INET6, .daf = AF_INET6, .protocol = IPPROTO_TCP,
		  .cport = 51234, .vport = 80,
		  .dport = 80, .state = L4LB_TCP_ESTABLISHED, .expires = 899999,
		  .fwd = L4LB_FWD_ROUTE },
		{ .af = AF_INET, .daf = AF_INET, .protocol = IPPROTO_TCP,
		  .cport = 1025, .vport = 80, .dport = 80,
		  .state = L4LB_TCP_SYN_RECV, .expires = 59000, .fwd = L4LB_FWD_MASQ },
	};
	char *out = NULL;

	v6(c[0].caddr, "2001:db8:1:2::");
	v6(c[0].vaddr, "2001:db8::1");
	v6(c[0].daddr, "2001:db8::10");
	v6(c[1].caddr, "2001:db8::99");
	v6(c[1].vaddr, "2001:db8::1");
	v6(c[1].daddr, "2001:db8::10");
	v4(c[2].caddr, "10.0.0.5");
	v4(c[2].vaddr, "10.0.0.1");
	v4(c[2].daddr, "192.168.1.2");
	sort_conns(c, 3);

	CAPTURE(out, show_conns(f, c, 3, &text));
	CHECK_STR(out,
		  "l4lb connection entries\n"
		  "pro expire state       source             virtual            destination\n"
		  "TCP 00:59  SYN_RECV    10.0.0.5:1025      10.0.0.1:80        192.168.1.2:80\n"
		  "TCP 14:59  ESTABLISHED [2001:db8::99]:51234 [2001:db8::1]:80   [2001:db8::10]:80\n"
		  "TCP 04:59  NONE        [2001:db8:1:2::]:0 [2001:db8::1]:80   [2001:db8::10]:80\n",
		  "show: IPv6 connections, fields past 18 columns overflow");
	free(out);

	CAPTURE(out, show_conns(f, c + 1, 1, &json));
	CHECK_STR(out,
		  "[{\"protocol\":\"TCP\",\"state\":\"ESTABLISHED\",\"template\":false,"
		  "\"expires_ms\":899999,\"forward\":\"Route\","
		  "\"client\":{\"address\":\"2001:db8::99\",\"port\":51234},"
		  "\"virtual\":{\"address\":\"2001:db8::1\",\"port\":80},"
		  "\"server\":{\"address\":\"2001:db8::10\",\"port\":80}}]\n",
		  "show: JSON IPv6 connection, addresses as text");
	free(out);
}

static void test_show_timeouts(void)
{
	struct list_opts text = { 0 }, json = { .json = true };
	struct timeouts t = { 900, 120, 300 };
	char *out = NULL;

	CAPTURE(out, show_timeouts(f, &t, &text));
	CHECK_STR(out, "Timeout (tcp tcpfin udp): 900 120 300\n", "show: timeouts");
	free(out);
	CAPTURE(out, show_timeouts(f, &t, &json));
	CHECK_STR(out, "{\"tcp\":900,\"tcpfin\":120,\"udp\":300}\n", "show: JSON timeouts");
	free(out);
}

/*
 * Scheduler flags: listed, in JSON and saved where ipvsadm 1.31 puts them,
 * and a saved line parses back to the same flags.
 */
static void test_sched_flags(void)
{
	struct list_opts text = { 0 }, json = { .json = true };
	struct svc_entry s[2] = {
		{ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80, .sched = "mh",
		  .sched_flags = L4LB_SVC_SCHED_F_FALLBACK | L4LB_SVC_SCHED_F_PORT,
		  .netmask = 0xffffffffu },
		{ .af = AF_INET, .protocol = IPPROTO_UDP, .port = 53, .sched = "sh",
		  .sched_flags = L4LB_SVC_SCHED_F_PORT, .flags = L4LB_SVC_F_PERSISTENT,
		  .timeout = 360, .netmask = htonl(0xffffff00), .idle_timeout = 30 },
	};
	char *argv[] = { "ipvsctl", "-A", "-t", "10.0.0.1:80", "-s", "mh", "-b",
			 "mh-fallback,mh-port", NULL };
	char *out = NULL, err[256], buf[64];
	struct request req;
	int rc;

	v4(s[0].addr, "10.0.0.1");
	v4(s[1].addr, "10.0.0.1");
	CAPTURE(out, show_services(f, &info, s, 2, &text));
	CHECK_STR(out,
		  "l4lb version 0.1.0 (size=4096)\n"
		  "Prot LocalAddress:Port Scheduler Flags\n"
		  "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		  "TCP  10.0.0.1:80 mh (mh-fallback,mh-port)\n"
		  "UDP  10.0.0.1:53 sh (sh-port) persistent 360 mask 255.255.255.0 idle 30\n",
		  "show: scheduler flags in parentheses after the scheduler, as ipvsadm");
	free(out);

	CAPTURE(out, show_services(f, &info, s, 2, &json));
	CHECK(strstr(out, "\"scheduler\":\"mh\",\"sched_flags\":[\"mh-fallback\",\"mh-port\"],") &&
	      strstr(out, "\"scheduler\":\"sh\",\"sched_flags\":[\"sh-port\"],"),
	      "show: JSON scheduler flags as -b names them", "%s", out);
	free(out);

	CAPTURE(out, save_services(f, s, 2));
	CHECK_STR(out,
		  "-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port\n"
		  "-A -u 10.0.0.1:53 -s sh -p 360 -M 255.255.255.0 -b sh-port --idle-timeout 30\n",
		  "save: -b after persistence, before the extension, as ipvsadm -Sn");
	free(out);

	rc = parse_args(ARRAY_SIZE(argv) - 1, argv, &req, err, sizeof(err));
	CHECK(!rc && (req.opts & OPT_SCHED_FLAGS) && req.svc.sched_flags == s[0].sched_flags,
	      "save: a saved -b parses back", "rc %d '%s' flags %u", rc, err, req.svc.sched_flags);

	CHECK_STR(fmt_sched_flags(buf, sizeof(buf), "wlc", L4LB_SVC_SCHED_F_FALLBACK),
		  "flag-1", "fmt: another scheduler's flag as ipvsadm names it");
	CHECK_STR(fmt_sched_flags(buf, sizeof(buf), "mh", 0), "",
		  "fmt: no scheduler flags, no text");
}

void run_show_tests(void)
{
	test_show_services();
	test_show_rate_idle();
	test_sched_flags();
	test_show_conns();
	test_show_templates();
	test_show_ipv6();
	test_show_ipv6_conns();
	test_show_timeouts();
	test_show_info();
}
