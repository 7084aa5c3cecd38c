// SPDX-License-Identifier: GPL-2.0
/*
 * Transport half of the fake l4lb module (see fake_l4lb.c): interposes
 * sendmsg(), recvmsg(), recvmmsg() and setsockopt() on generic-netlink
 * sockets, queues the replies as datagrams the way the kernel would, and
 * resolves the family through a fake controller.
 *
 * Like the kernel, every message of one sendmsg() is handled in order,
 * errors do not stop the rest, a datagram over the socket's send buffer
 * is refused with EMSGSIZE, and replies that do not fit the receive
 * buffer (counted as skb truesize, roughly) are dropped and the next
 * recvmsg() fails with ENOBUFS.
 *
 *   FAKE_L4LB_SENDLOG=file   append "sendmsg N" for every sendmsg() that
 *                            carries N l4lb requests
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

#define DGRAM_SIZE	16384
/* What the kernel charges a small reply skb against the receive buffer. */
#define SKB_OVERHEAD	768

struct dgram {
	size_t len;
	char *buf;		/* DGRAM_SIZE bytes */
};

static struct dgram *queue;
static size_t q_head, q_tail, q_cap;
static size_t rmem;		/* receive-buffer charge of the queued replies */
static size_t rcvbuf = SIZE_MAX;	/* the socket's, read at each sendmsg() */
static bool overrun;		/* a reply was dropped: ENOBUFS next */
static bool ext_ack, cap_ack;
static struct dgram *cur;

void fake_dgram_begin(void)
{
	if (q_head == q_tail)
		q_head = q_tail = 0;
	if (q_tail == q_cap) {
		q_cap = q_cap ? q_cap * 2 : 64;
		queue = realloc(queue, q_cap * sizeof(*queue));
		if (!queue)
			abort();
	}
	cur = &queue[q_tail];
	cur->len = 0;
	cur->buf = malloc(DGRAM_SIZE);
	if (!cur->buf)
		abort();
}

void fake_dgram_end(void)
{
	/* The kernel checks before queueing, so one skb may overshoot. */
	if (rmem > rcvbuf) {
		free(cur->buf);
		overrun = true;
		return;
	}
	rmem += cur->len + SKB_OVERHEAD;
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

uint16_t fake_af(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

void fake_attr_addr(uint16_t t, const char *s)
{
	uint8_t a[16] = { 0 };

	inet_pton(fake_af(s), s, a);
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

static int sock_int(int fd, int opt)
{
	socklen_t l = sizeof(int);
	int v = 0;

	getsockopt(fd, SOL_SOCKET, opt, &v, &l);
	return v;
}

static void log_send(unsigned int n)
{
	const char *path = getenv("FAKE_L4LB_SENDLOG");
	FILE *f;

	if (!path || !n)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "sendmsg %u\n", n);
	fclose(f);
}

FAKE_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	unsigned int n_l4lb = 0;
	struct nlmsghdr *h;
	size_t len = 0, i;
	char *buf;
	int rem;

	if (!real)
		real = dlsym(RTLD_NEXT, "sendmsg");
	if (!is_genl(fd))
		return real(fd, msg, flags);
	for (i = 0; i < msg->msg_iovlen; i++)
		len += msg->msg_iov[i].iov_len;
	/* netlink_sendmsg()'s limit. */
	if (len > (size_t)sock_int(fd, SO_SNDBUF) - 32) {
		errno = EMSGSIZE;
		return -1;
	}
	buf = malloc(len ? len : 1);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	for (len = 0, i = 0; i < msg->msg_iovlen; i++) {
		memcpy(buf + len, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
		len += msg->msg_iov[i].iov_len;
	}
	rcvbuf = (size_t)sock_int(fd, SO_RCVBUF);
	rem = (int)len;
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
		if (h->nlmsg_type == GENL_ID_CTRL) {
			handle_ctrl(h);
		} else if (h->nlmsg_type == FAKE_FAMILY_ID) {
			n_l4lb++;
			fake_l4lb_handle(h);
		} else {
			fake_reply_error(h, -EOPNOTSUPP, "fake: unknown family");
		}
	}
	free(buf);
	log_send(n_l4lb);
	return (ssize_t)len;
}

/* Dequeue one reply; @wait: would the kernel block for it? */
static ssize_t fake_recv(struct msghdr *msg, int flags, bool wait)
{
	struct sockaddr_nl *nla = msg->msg_name;
	struct dgram *d;
	size_t copied = 0, i;

	if (overrun) {
		overrun = false;
		errno = ENOBUFS;
		return -1;
	}
	if (q_head == q_tail) {
		/* The real kernel would block forever: fail loudly instead. */
		if (wait)
			fprintf(stderr, "fake_l4lb: recvmsg with nothing queued\n");
		errno = EAGAIN;
		return -1;
	}
	d = &queue[q_head];
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
	if (!(flags & MSG_PEEK)) {
		rmem -= d->len + SKB_OVERHEAD;
		free(d->buf);
		q_head++;
	}
	return (ssize_t)((flags & MSG_TRUNC) ? d->len : copied);
}

FAKE_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);

	if (!real)
		real = dlsym(RTLD_NEXT, "recvmsg");
	if (!is_genl(fd))
		return real(fd, msg, flags);
	return fake_recv(msg, flags, !(flags & MSG_DONTWAIT));
}

FAKE_EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
			 struct timespec *timeout)
{
	static int (*real)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
	unsigned int i;
	ssize_t r;

	if (!real)
		real = dlsym(RTLD_NEXT, "recvmmsg");
	if (!is_genl(fd))
		return real(fd, vec, vlen, flags, timeout);
	for (i = 0; i < vlen; i++) {
		bool wait = !(flags & MSG_DONTWAIT) && !(i && (flags & MSG_WAITFORONE));

		r = fake_recv(&vec[i].msg_hdr, flags & ~MSG_WAITFORONE, wait);
		if (r < 0) {
			/* Like the kernel: an error after some messages waits for the next call. */
			if (i && errno == EAGAIN)
				break;
			if (i) {
				overrun = errno == ENOBUFS;
				break;
			}
			return -1;
		}
		vec[i].msg_len = (unsigned int)r;
	}
	return (int)i;
}
