// SPDX-License-Identifier: GPL-2.0
/*
 * Applying a restore file (-R) quickly, one line at a time atomically.
 *
 * One netlink round trip per line would make 100,000 lines take minutes,
 * so requests are pipelined: up to a few hundred, each with NLM_F_ACK and
 * consecutive sequence numbers, go out in one sendmsg() and then all their
 * acks are read, matched to lines by sequence number. The kernel handles
 * the messages of one sendmsg() in order and goes on after an error, so
 * when entry k fails, the entries after it may have been applied: those
 * are adds (-A, -a) and are undone with deletes, leaving every line
 * before k applied and nothing from k on. Lines that cannot be undone
 * that simply (-E -e -D -d -C -Z --set) wait for the batch before them
 * and go out alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>

#include "cmd.h"
#include "nl.h"
#include "restore.h"

/* Past a few hundred per sendmsg() the round trips no longer matter. */
#define BATCH_MSGS_MAX	256
#define BATCH_BYTES_MAX	(256 * 1024)
/*
 * Receive-buffer room one ack may take (the kernel counts skb truesize,
 * under 1 KiB for an ack with an extack message), doubled for safety: the
 * kernel queues every ack of a batch before we read any, and drops the
 * ones that do not fit.
 */
#define ACK_COST	2048
/* All acks are queued by the time sendmsg() returns; this is a safety net. */
#define ACK_TIMEOUT_S	10
/*
 * Acks read per recvmmsg(): each is its own datagram, and one system call
 * per ack would cost more than the kernel's work on a fast path. An ack
 * is 36 bytes, or a few hundred with an extack message or (without
 * NETLINK_CAP_ACK) the echoed request; a receive buffer holds any.
 */
#define RECV_VEC	32
#define RECV_SIZE	8192

#define NO_ERROR	SIZE_MAX

struct slot {
	size_t line;		/* index into the restore lines */
	uint32_t seq;
	bool acked;
	int err;		/* positive errno, 0 if applied */
	char extack[200];
};

struct batch {
	struct nlctx *ctx;
	const struct restore_line *lines;
	char *buf;		/* the requests, back to back */
	size_t len;
	size_t max_bytes;
	struct slot *slots;
	size_t n;
	size_t max_msgs;
};

static void set_buf(int fd, int opt_force, int opt, int want)
{
	/* FORCE goes past net.core.[rw]mem_max but needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
}

static int get_buf(int fd, int opt)
{
	socklen_t len;
	int v = 0;

	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len))
		return 0;
	return v;
}

/* Size the socket buffers, then the batches to what the buffers hold. */
static int batch_init(struct batch *b, struct nlctx *ctx, const struct restore_line *lines)
{
	struct timeval tv = { .tv_sec = ACK_TIMEOUT_S };
	int fd = nl_socket_get_fd(ctx->sk);
	size_t rcv, snd;

	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	b->lines = lines;
	set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, BATCH_MSGS_MAX * ACK_COST);
	set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, BATCH_BYTES_MAX + 4096);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	rcv = (size_t)get_buf(fd, SO_RCVBUF);
	snd = (size_t)get_buf(fd, SO_SNDBUF);
	b->max_msgs = rcv / ACK_COST;
	if (b->max_msgs > BATCH_MSGS_MAX)
		b->max_msgs = BATCH_MSGS_MAX;
	if (b->max_msgs < 1)
		b->max_msgs = 1;
	/* netlink_sendmsg() refuses a datagram over sk_sndbuf - 32. */
	b->max_bytes = snd > 64 ? snd - 64 : 0;
	if (b->max_bytes > BATCH_BYTES_MAX)
		b->max_bytes = BATCH_BYTES_MAX;
	if (b->max_bytes < 4096)
		b->max_bytes = 4096;

	b->buf = malloc(b->max_bytes);
	b->slots = calloc(b->max_msgs, sizeof(*b->slots));
	if (!b->buf || !b->slots) {
		fprintf(stderr, "ipvsctl: out of memory\n");
		return EXIT_RUNTIME;
	}
	return 0;
}

static void batch_free(struct batch *b)
{
	free(b->buf);
	free(b->slots);
}

static bool batch_fits(const struct batch *b, size_t size)
{
	return b->n < b->max_msgs && b->len + size <= b->max_bytes;
}

/* Append @msg (freed) for line @line; the caller made room. */
static void batch_add(struct batch *b, struct nl_msg *msg, size_t line)
{
	struct nlmsghdr *nlh;
	size_t size;

	/* Sequence number, port and NLM_F_REQUEST, as nl_send_auto() would. */
	nl_complete_msg(b->ctx->sk, msg);
	nlh = nlmsg_hdr(msg);
	size = NLMSG_ALIGN(nlh->nlmsg_len);
	memcpy(b->buf + b->len, nlh, size);
	b->len += size;
	b->slots[b->n] = (struct slot){ .line = line, .seq = nlh->nlmsg_seq };
	b->n++;
	nlmsg_free(msg);
}

static unsigned int lineno(const struct batch *b, size_t slot)
{
	return b->lines[b->slots[slot].line].lineno;
}

/* Say which lines a transport failure leaves in doubt. */
static void in_doubt(const struct batch *b, const char *what, int err)
{
	fprintf(stderr, "ipvsctl: %s: %s; lines %u-%u may be partly applied\n", what,
		strerror(err), lineno(b, 0), lineno(b, b->n - 1));
}

/* Record one ack, if it answers an entry of the batch. */
static void take_ack(struct batch *b, const struct nlmsghdr *nlh, size_t *pending)
{
	uint32_t idx = nlh->nlmsg_seq - b->slots[0].seq;
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct slot *s;

	if (nlh->nlmsg_type != NLMSG_ERROR || idx >= b->n ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(e->error)))
		return;
	s = &b->slots[idx];
	if (s->acked)
		return;
	s->acked = true;
	s->err = -e->error;
	nlx_error_extack(nlh, s->extack, sizeof(s->extack));
	(*pending)--;
}

/* Record the acks in one datagram. */
static void take_acks(struct batch *b, const char *buf, size_t len, size_t *pending)
{
	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
			return;
		take_ack(b, nlh, pending);
		if (step >= len)
			return;
		buf += step;
		len -= step;
	}
}

/* Wait for at least one datagram, then take all queued, up to RECV_VEC. */
static int recv_acks(struct batch *b, int fd, size_t *pending)
{
	static char rbuf[RECV_VEC][RECV_SIZE];
	struct mmsghdr vec[RECV_VEC];
	struct iovec iov[RECV_VEC];
	int i, r;

	memset(vec, 0, sizeof(vec));
	for (i = 0; i < RECV_VEC; i++) {
		iov[i] = (struct iovec){ .iov_base = rbuf[i], .iov_len = RECV_SIZE };
		vec[i].msg_hdr.msg_iov = &iov[i];
		vec[i].msg_hdr.msg_iovlen = 1;
	}
	r = recvmmsg(fd, vec, RECV_VEC, MSG_WAITFORONE, NULL);
	for (i = 0; i < r; i++)
		take_acks(b, rbuf[i], vec[i].msg_len, pending);
	return r;
}

/* Send the batch in one sendmsg() and collect an ack for every entry. */
static int batch_transmit(struct batch *b)
{
	struct iovec iov = { .iov_base = b->buf, .iov_len = b->len };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct msghdr mh = {
		.msg_name = &kernel, .msg_namelen = sizeof(kernel),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	size_t pending = b->n;
	int fd, r;

	fd = nl_socket_get_fd(b->ctx->sk);
	if (sendmsg(fd, &mh, 0) < 0) {
		/* Nothing of a datagram the kernel refused was applied. */
		fprintf(stderr, "ipvsctl: line %u: cannot send the netlink request: %s\n",
			lineno(b, 0), strerror(errno));
		return EXIT_RUNTIME;
	}
	while (pending) {
		r = recv_acks(b, fd, &pending);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) {
			in_doubt(b, "acknowledgements were lost (receive buffer overrun)", errno);
			return EXIT_RUNTIME;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			in_doubt(b, "no acknowledgement from the kernel", ETIMEDOUT);
			return EXIT_RUNTIME;
		}
		if (r < 0) {
			in_doubt(b, "netlink receive failed", errno);
			return EXIT_RUNTIME;
		}
	}
	return 0;
}

static size_t first_error(const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->slots[i].err)
			return i;
	return NO_ERROR;
}

/* Warnings on acks of lines that stay applied. */
static void show_warnings(const struct batch *b, size_t upto)
{
	char where[32];
	size_t i;

	for (i = 0; i < upto && i < b->n; i++) {
		if (b->slots[i].err || !b->slots[i].extack[0])
			continue;
		snprintf(where, sizeof(where), "line %u: warning: ", lineno(b, i));
		nlx_report(where, 0, b->slots[i].extack);
	}
}

/*
 * After entry @first of the batch failed: delete what the later entries
 * added. The batch is reused for the deletes, which always fit since
 * they are fewer than the entries just sent.
 */
static int batch_undo(struct batch *b, size_t first)
{
	size_t line[BATCH_MSGS_MAX], which[BATCH_MSGS_MAX];
	bool ok[BATCH_MSGS_MAX];
	struct request undo;
	char where[48];
	size_t i, cnt;
	int ret = 0;

	for (i = 0; i < b->n; i++) {
		line[i] = b->slots[i].line;
		ok[i] = !b->slots[i].err;
	}
	cnt = restore_plan_undo(b->lines, line, ok, b->n, first, which);
	b->n = 0;
	b->len = 0;
	for (i = 0; i < cnt; i++) {
		struct nl_msg *msg;

		restore_undo_request(&b->lines[line[which[i]]].req, &undo);
		msg = build_change(b->ctx, &undo);
		if (!msg)
			return EXIT_RUNTIME;
		batch_add(b, msg, line[which[i]]);
	}
	if (!b->n)
		return 0;
	ret = batch_transmit(b);
	for (i = 0; !ret && i < b->n; i++) {
		if (!b->slots[i].err)
			continue;
		snprintf(where, sizeof(where), "line %u: cannot undo: ", lineno(b, i));
		nlx_report(where, b->slots[i].err, b->slots[i].extack);
		ret = EXIT_RUNTIME;
	}
	b->n = 0;
	b->len = 0;
	return ret;
}

/* Send what is queued; on a failed line, report it and undo what followed. */
static int batch_flush(struct batch *b)
{
	char where[32];
	size_t first;
	int ret;

	if (!b->n)
		return 0;
	ret = batch_transmit(b);
	if (ret) {
		b->n = 0;
		b->len = 0;
		return ret;
	}
	first = first_error(b);
	show_warnings(b, first);
	if (first == NO_ERROR) {
		b->n = 0;
		b->len = 0;
		return 0;
	}
	snprintf(where, sizeof(where), "line %u: ", lineno(b, first));
	nlx_report(where, b->slots[first].err, b->slots[first].extack);
	batch_undo(b, first);
	return EXIT_RUNTIME;
}

static int apply_line(struct batch *b, size_t i)
{
	const struct request *req = &b->lines[i].req;
	bool alone = !restore_undoable(req);
	struct nl_msg *msg;
	size_t size;
	int ret;

	msg = build_change(b->ctx, req);
	if (!msg)
		return EXIT_RUNTIME;
	size = NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
	if (alone || !batch_fits(b, size)) {
		ret = batch_flush(b);
		if (ret) {
			nlmsg_free(msg);
			return ret;
		}
	}
	batch_add(b, msg, i);
	return alone ? batch_flush(b) : 0;
}

static int restore_apply(struct nlctx *ctx, const struct restore_line *lines, size_t n)
{
	struct batch b;
	size_t i;
	int ret;

	ret = batch_init(&b, ctx, lines);
	for (i = 0; !ret && i < n; i++)
		ret = apply_line(&b, i);
	if (!ret)
		ret = batch_flush(&b);
	batch_free(&b);
	return ret;
}

int run_restore(FILE *in)
{
	struct restore_line *lines = NULL;
	struct nlctx ctx;
	char err[320];
	size_t n = 0;
	int ret;

	ret = restore_read(in, &lines, &n, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ipvsctl: %s\n", err);
		return ret;
	}
	/* An empty file changes nothing, module or not. */
	if (!n) {
		free(lines);
		return 0;
	}
	ret = nlx_open(&ctx);
	if (ret) {
		nlx_open_error(ret);
		free(lines);
		return EXIT_RUNTIME;
	}
	ret = restore_apply(&ctx, lines, n);
	nlx_close(&ctx);
	free(lines);
	return ret;
}
