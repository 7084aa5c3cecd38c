// SPDX-License-Identifier: GPL-2.0
/*
 * Transport half of the fake l4lb module (see fake_l4lb.c): interposes
 * sendmsg()/recvmsg()/setsockopt() on generic-netlink sockets, queues the
 * replies as datagrams the way the kernel would, and resolves the family
 * through a fake controller.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
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

#define MAX_DGRAMS	64
#define DGRAM_SIZE	16384

struct dgram {
	size_t len;
	char buf[DGRAM_SIZE];
};

static struct dgram queue[MAX_DGRAMS];
static int q_head, q_tail;
static bool ext_ack, cap_ack;
static struct dgram *cur;

void fake_dgram_begin(void)
{
	if (q_tail - q_head >= MAX_DGRAMS) {
		fprintf(stderr, "fake_l4lb: reply queue overflow\n");
		abort();
	}
	cur = &queue[q_tail % MAX_DGRAMS];
	cur->len = 0;
}

void fake_dgram_end(void)
{
	q_tail++;
}

static void *put(const void *data, size_t len)
{
	void *p = cur->buf + cur->len;

	if (cur->len + NLMSG_ALIGN(len) > DGRAM_SIZE) {
		fprintf(stderr, "fake_l4lb: reply datagram overflow\n");
		abort();
	}
	memset(p, 0, NLMSG_ALIGN(len));
	if (data)
		memcpy(p, data, len);
	cur->len += NLMSG_ALIGN(len);
	return p;
}

size_t fake_msg_begin(const struct nlmsghdr *req, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr h = {
		.nlmsg_type = type, .nlmsg_flags = flags,
		.nlmsg_seq = req->nlmsg_seq, .nlmsg_pid = req->nlmsg_pid,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	size_t off = cur->len;

	put(&h, sizeof(h));
	if (type != NLMSG_ERROR && type != NLMSG_DONE)
		put(&g, sizeof(g));
	return off;
}

void fake_msg_end(size_t off)
{
	((struct nlmsghdr *)(cur->buf + off))->nlmsg_len = (uint32_t)(cur->len - off);
}

void fake_attr(uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	put(&a, sizeof(a));
	put(data, len);
}

void fake_attr_u8(uint16_t t, uint8_t v) { fake_attr(t, &v, 1); }
void fake_attr_u16(uint16_t t, uint16_t v) { fake_attr(t, &v, 2); }
void fake_attr_u32(uint16_t t, uint32_t v) { fake_attr(t, &v, 4); }
void fake_attr_u64(uint16_t t, uint64_t v) { fake_attr(t, &v, 8); }
void fake_attr_str(uint16_t t, const char *s) { fake_attr(t, s, strlen(s) + 1); }

void fake_attr_addr(uint16_t t, const char *s)
{
	uint8_t a[16] = { 0 };

	inet_pton(AF_INET, s, a);
	fake_attr(t, a, 16);
}

size_t fake_nest_begin(uint16_t type)
{
	size_t off = cur->len;

	fake_attr(type | NLA_F_NESTED, NULL, 0);
	return off;
}

void fake_nest_end(size_t off)
{
	((struct nlattr *)(cur->buf + off))->nla_len = (uint16_t)(cur->len - off);
}

static void put_extack(const char *msg)
{
	if (msg && *msg && ext_ack)
		fake_attr_str(NLMSGERR_ATTR_MSG, msg);
}

/* NLMSG_ERROR for @req: error 0 is an ack. */
void fake_reply_error(const struct nlmsghdr *req, int error, const char *msg)
{
	bool capped = cap_ack && !getenv("FAKE_L4LB_NO_CAP");
	bool tlvs = msg && *msg && ext_ack;
	size_t off;

	fake_dgram_begin();
	off = fake_msg_begin(req, NLMSG_ERROR, (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0),
			0);
	put(&error, sizeof(error));
	put(req, capped ? sizeof(*req) : req->nlmsg_len);
	put_extack(msg);
	fake_msg_end(off);
	fake_dgram_end();
}

void fake_reply_done(const struct nlmsghdr *req, int error, const char *msg)
{
	bool tlvs = msg && *msg && ext_ack;
	size_t off;

	off = fake_msg_begin(req, NLMSG_DONE, NLM_F_MULTI | (tlvs ? NLM_F_ACK_TLVS : 0), 0);
	put(&error, sizeof(error));
	put_extack(msg);
	fake_msg_end(off);
}

static void handle_ctrl(const struct nlmsghdr *req)
{
	size_t off;

	if (getenv("FAKE_L4LB_ABSENT")) {
		fake_reply_error(req, -ENOENT, NULL);
		return;
	}
	fake_dgram_begin();
	off = fake_msg_begin(req, GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
	fake_attr_str(CTRL_ATTR_FAMILY_NAME, L4LB_GENL_NAME);
	fake_attr_u16(CTRL_ATTR_FAMILY_ID, FAKE_FAMILY_ID);
	fake_attr_u32(CTRL_ATTR_VERSION, L4LB_GENL_VERSION);
	fake_attr_u32(CTRL_ATTR_HDRSIZE, 0);
	fake_attr_u32(CTRL_ATTR_MAXATTR, L4LB_A_MAX);
	fake_msg_end(off);
	fake_dgram_end();
	if (req->nlmsg_flags & NLM_F_ACK)
		fake_reply_error(req, 0, NULL);
}

/* The libc calls interposed for generic-netlink sockets. */

static bool is_genl(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) || v != AF_NETLINK)
		return false;
	l = sizeof(v);
	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) && v == NETLINK_GENERIC;
}

FAKE_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	static int (*real)(int, int, int, const void *, socklen_t);

	if (!real)
		real = dlsym(RTLD_NEXT, "setsockopt");
	if (level == SOL_NETLINK && len == sizeof(int) && is_genl(fd)) {
		if (name == NETLINK_EXT_ACK)
			ext_ack = *(const int *)val;
		if (name == NETLINK_CAP_ACK)
			cap_ack = *(const int *)val;
	}
	return real(fd, level, name, val, len);
}

FAKE_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	static char buf[DGRAM_SIZE];
	struct nlmsghdr *h;
	size_t len = 0, i;
	int rem;

	if (!real)
		real = dlsym(RTLD_NEXT, "sendmsg");
	if (!is_genl(fd))
		return real(fd, msg, flags);
	for (i = 0; i < msg->msg_iovlen; i++) {
		if (len + msg->msg_iov[i].iov_len > sizeof(buf)) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(buf + len, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
		len += msg->msg_iov[i].iov_len;
	}
	rem = (int)len;
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
		if (h->nlmsg_type == GENL_ID_CTRL)
			handle_ctrl(h);
		else if (h->nlmsg_type == FAKE_FAMILY_ID)
			fake_l4lb_handle(h);
		else
			fake_reply_error(h, -EOPNOTSUPP, "fake: unknown family");
	}
	return (ssize_t)len;
}

FAKE_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	struct sockaddr_nl *nla = msg->msg_name;
	struct dgram *d;
	size_t copied = 0, i;

	if (!real)
		real = dlsym(RTLD_NEXT, "recvmsg");
	if (!is_genl(fd))
		return real(fd, msg, flags);
	if (q_head == q_tail) {
		/* The real kernel would block forever: fail loudly instead. */
		fprintf(stderr, "fake_l4lb: %s with nothing queued\n", __func__);
		errno = EAGAIN;
		return -1;
	}
	d = &queue[q_head % MAX_DGRAMS];
	for (i = 0; i < msg->msg_iovlen && copied < d->len; i++) {
		size_t n = d->len - copied;

		if (n > msg->msg_iov[i].iov_len)
			n = msg->msg_iov[i].iov_len;
		memcpy(msg->msg_iov[i].iov_base, d->buf + copied, n);
		copied += n;
	}
	msg->msg_flags = copied < d->len ? MSG_TRUNC : 0;
	msg->msg_controllen = 0;
	if (nla && msg->msg_namelen >= sizeof(*nla)) {
		memset(nla, 0, sizeof(*nla));
		nla->nl_family = AF_NETLINK;
		msg->msg_namelen = sizeof(*nla);
	}
	if (!(flags & MSG_PEEK))
		q_head++;
	return (ssize_t)((flags & MSG_TRUNC) ? d->len : copied);
}
