/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FAKE_L4LB_H
#define FAKE_L4LB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* Only the interposed libc calls leave the shared object. */
#define FAKE_EXPORT __attribute__((visibility("default")))

#define FAKE_FAMILY_ID	0x42

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Replies are built one datagram at a time, messages appended to it. */
void fake_dgram_begin(void);
void fake_dgram_end(void);
/* Returns the message's offset for fake_msg_end(); adds a genl header. */
size_t fake_msg_begin(const struct nlmsghdr *req, uint16_t type, uint16_t flags, uint8_t cmd);
void fake_msg_end(size_t off);

void fake_attr(uint16_t type, const void *data, size_t len);
void fake_attr_u8(uint16_t t, uint8_t v);
void fake_attr_u16(uint16_t t, uint16_t v);
void fake_attr_u32(uint16_t t, uint32_t v);
void fake_attr_u64(uint16_t t, uint64_t v);
void fake_attr_str(uint16_t t, const char *s);
/* A 16-byte union nf_inet_addr from IPv4 or IPv6 text. */
void fake_attr_addr(uint16_t t, const char *addr);
/* The family of an address in text: AF_INET6 if it has a colon. */
uint16_t fake_af(const char *addr);
size_t fake_nest_begin(uint16_t type);
void fake_nest_end(size_t off);

/* A datagram with NLMSG_ERROR for @req; @error 0 is an ack. */
void fake_reply_error(const struct nlmsghdr *req, int error, const char *extack);
/* Append NLMSG_DONE to the current datagram. */
void fake_reply_done(const struct nlmsghdr *req, int error, const char *extack);

/* The l4lb family: answer one request. */
void fake_l4lb_handle(const struct nlmsghdr *req);

/* A service {af, proto, addr, port} or server {af, addr, port} named in a request. */
struct fake_key {
	bool set;
	uint16_t af;		/* AF_INET without an AF attribute */
	uint8_t proto;
	uint8_t addr[16];	/* union nf_inet_addr */
	uint16_t port;		/* host byte order */
};

/*
 * FAKE_L4LB_STATE=file: services and servers live in a table instead of
 * the canned data, so adds of existing objects fail with EEXIST and
 * deletes of missing ones with ENOENT; the table is written to the file
 * when the process exits. Returns 0, or -errno with *msg set.
 */
bool fake_state_enabled(void);
int fake_state_change(uint8_t cmd, const struct fake_key *svc, const struct fake_key *dest,
		      const char **msg);

#endif /* FAKE_L4LB_H */
