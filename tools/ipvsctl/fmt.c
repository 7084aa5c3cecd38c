// SPDX-License-Identifier: GPL-2.0
/*
 * Pure formatting helpers shared by the text and JSON listings. No netlink
 * here, so the unit tests link this file directly.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/l4lb.h>

#include "fmt.h"
#include "util.h"

const char *fmt_number(char *buf, size_t len, uint64_t v, bool exact)
{
	static const char suffix[] = "KMGT";
	uint64_t div = 1000;
	int i;

	if (exact || v < 100000) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	/*
	 * Pick the smallest unit that leaves at most five digits, which keeps
	 * e.g. 123456 -> "123K" and 99999999 -> "99999K" inside the column.
	 */
	for (i = 0; i < 3 && v / div >= 100000; i++)
		div *= 1000;
	snprintf(buf, len, "%" PRIu64 "%c", v / div, suffix[i]);
	return buf;
}

const char *fmt_sched_flags(char *buf, size_t len, const char *sched, uint32_t flags)
{
	static const char *const sh[] = { "fallback", "port" };
	static const char *const other[] = { "flag-1", "flag-2" };
	bool named = !strcmp(sched, "sh") || !strcmp(sched, "mh");
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(sh) && n < len; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (named)
			n += (size_t)snprintf(buf + n, len - n, "%s%s-%s", n ? "," : "",
					      sched, sh[i]);
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      other[i]);
	}
	return buf;
}

const char *fmt_addr(char *buf, size_t len, uint16_t af, const uint8_t *addr)
{
	if ((af != AF_INET && af != AF_INET6) ||
	    !inet_ntop(af, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *fmt_addr_port(char *buf, size_t len, uint16_t af, const uint8_t *addr,
			  uint16_t port)
{
	char a[FMT_ADDR_LEN];

	fmt_addr(a, sizeof(a), af, addr);
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *fmt_expire(char *buf, size_t len, uint32_t msecs)
{
	uint32_t secs = msecs / 1000;

	snprintf(buf, len, "%02u:%02u", secs / 60, secs % 60);
	return buf;
}

const char *fmt_proto(uint8_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return "?";
	}
}

const char *fmt_fwd(uint8_t fwd)
{
	static const char *const names[] = {
		[L4LB_FWD_MASQ]		= "Masq",
		[L4LB_FWD_LOCAL]	= "Local",
		[L4LB_FWD_TUNNEL]	= "Tunnel",
		[L4LB_FWD_ROUTE]	= "Route",
	};

	return fwd < ARRAY_SIZE(names) ? names[fwd] : "?";
}

/*
 * The uAPI's L4LB_TCP_STATE_NAMES, the one list of TCP state names (the
 * module's /proc/net/ip_vs_conn prints the same). A state added to the
 * enum without a name there fails the build rather than printing "?" or
 * NULL.
 */
const char *fmt_state(uint8_t protocol, uint8_t state)
{
	static const char *const names[] = L4LB_TCP_STATE_NAMES;
	_Static_assert(ARRAY_SIZE(names) == __L4LB_TCP_MAX,
		       "a name for every enum l4lb_tcp_state");

	if (protocol == IPPROTO_UDP)
		return "UDP";
	return state < ARRAY_SIZE(names) && names[state] ? names[state] : "?";
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			/*
			 * Control bytes must be escaped; bytes >= 0x80 are too,
			 * since the kernel does not promise valid UTF-8 and one
			 * stray byte would make the whole document invalid.
			 */
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}
