/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_FMT_H
#define IPVSCTL_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "[" + IPv6 text + "]:" + port + NUL, with room to spare. */
#define FMT_ADDR_LEN	64
/* 20 digits of a u64 plus a suffix and NUL. */
#define FMT_NUM_LEN	24

/*
 * Counter for an 8-column field: exact digits up to 99999, then thousands
 * (K), millions (M), billions (G) or trillions (T), rounded down, with at
 * most five digits before the suffix (below 10^17). With @exact, plain
 * digits.
 */
const char *fmt_number(char *buf, size_t len, uint64_t v, bool exact);

/* @addr is a 16-byte union nf_inet_addr; unknown families print "?". */
const char *fmt_addr(char *buf, size_t len, uint16_t af, const uint8_t *addr);
/* "10.0.0.1:80", or "[2001:db8::1]:80" for IPv6. */
const char *fmt_addr_port(char *buf, size_t len, uint16_t af, const uint8_t *addr,
			  uint16_t port);
/* Seconds left as "mm:ss"; minutes may grow past two digits. */
const char *fmt_expire(char *buf, size_t len, uint32_t msecs);

/*
 * Scheduler flags as ipvsadm names them, comma-separated: "mh-fallback,
 * mh-port" for mh, "sh-..." for sh, "flag-1,flag-2" for another
 * scheduler; "" for none.
 */
const char *fmt_sched_flags(char *buf, size_t len, const char *sched, uint32_t flags);

const char *fmt_proto(uint8_t protocol);
const char *fmt_fwd(uint8_t fwd);
/* TCP state name; UDP flows have no state and print "UDP" like IPVS. */
const char *fmt_state(uint8_t protocol, uint8_t state);

/* Write @s as a quoted JSON string, escaping everything JSON requires. */
void json_string(FILE *f, const char *s);

#endif /* IPVSCTL_FMT_H */
