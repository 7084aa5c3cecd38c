// SPDX-License-Identifier: GPL-2.0
/*
 * Generic-netlink transport: one socket, one request at a time, and error
 * reporting that surfaces the kernel's extended-ack message. libnl 3.7 has
 * no extack API, so the TLVs after struct nlmsgerr are parsed here.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/l4lb.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "parse.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct exec_state {
	nlx_reply_cb cb;
	void *arg;
	bool done;
	bool local;		/* error raised by our own reply parsing */
	bool intr;		/* the dump raced with a change */
	int err;		/* positive errno, 0 if none */
	char extack[256];
};

int nlx_open(struct nlctx *ctx)
{
	int one = 1, ret;

	ctx->family = -1;
	ctx->sk = nl_socket_alloc();
	if (!ctx->sk)
		return -NLE_NOMEM;
	ret = genl_connect(ctx->sk);
	if (ret < 0)
		goto fail;

	/*
	 * Ask for error strings. Older kernels lack these options and just
	 * send bare errnos, which we still report, so failures are ignored.
	 */
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Dump messages may exceed a page; peeking sizes the buffer right. */
	nl_socket_enable_msg_peek(ctx->sk);

	ret = genl_ctrl_resolve(ctx->sk, L4LB_GENL_NAME);
	if (ret < 0)
		goto fail;
	ctx->family = ret;

	/*
	 * From here on NLM_F_ACK is set per message: a dump must not ask for
	 * an ack, which would arrive after NLMSG_DONE and confuse the next
	 * request. This has to come after genl_ctrl_resolve(), which waits
	 * for its own ack.
	 */
	nl_socket_disable_auto_ack(ctx->sk);
	return 0;
fail:
	nl_socket_free(ctx->sk);
	ctx->sk = NULL;
	return ret;
}

void nlx_open_error(int err)
{
	if (err == -NLE_OBJ_NOTFOUND)
		fprintf(stderr,
			"ipvsctl: the l4lb kernel module is not loaded (try: insmod l4lb.ko)\n");
	else
		fprintf(stderr, "ipvsctl: cannot reach generic netlink: %s\n", nl_geterror(err));
}

void nlx_close(struct nlctx *ctx)
{
	if (ctx->sk)
		nl_socket_free(ctx->sk);
	ctx->sk = NULL;
}

struct nl_msg *nlx_msg(struct nlctx *ctx, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		goto oom;
	if (!(flags & NLM_F_DUMP))
		flags |= NLM_F_ACK;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->family, 0, flags, cmd,
			 L4LB_GENL_VERSION)) {
		nlmsg_free(msg);
		goto oom;
	}
	return msg;
oom:
	fprintf(stderr, "ipvsctl: out of memory\n");
	return NULL;
}

int nlx_put_failed(struct nl_msg *msg)
{
	nlmsg_free(msg);
	fprintf(stderr, "ipvsctl: cannot build the netlink request (message too large)\n");
	return EXIT_RUNTIME;
}

/* Copy NLMSGERR_ATTR_MSG from the TLVs that start @offset bytes into the payload. */
static void get_extack(const struct nlmsghdr *nlh, size_t offset, char *buf, size_t len)
{
	const struct nlattr *attr;
	size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(offset);
	int rem;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || start >= nlh->nlmsg_len)
		return;
	nla_for_each_attr(attr, (struct nlattr *)((char *)nlh + start),
			  (int)(nlh->nlmsg_len - start), rem) {
		size_t n;

		if (nla_type(attr) != NLMSGERR_ATTR_MSG || nla_len(attr) <= 0)
			continue;
		n = strnlen(nla_data(attr), (size_t)nla_len(attr));
		if (n >= len)
			n = len - 1;
		memcpy(buf, nla_data(attr), n);
		/* Some kernel messages end in a newline; we add our own. */
		while (n && buf[n - 1] == '\n')
			n--;
		buf[n] = '\0';
	}
}

/* Offset of the TLVs in an NLMSG_ERROR payload: after the echoed request. */
static size_t err_tlv_offset(const struct nlmsghdr *nlh, const struct nlmsgerr *e)
{
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		return sizeof(*e);
	return sizeof(e->error) + e->msg.nlmsg_len;
}

void nlx_error_extack(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	buf[0] = '\0';
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return;
	get_extack(nlh, err_tlv_offset(nlh, nlmsg_data(nlh)), buf, len);
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload; the header sits right before it. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct exec_state *st = arg;

	(void)nla;
	st->err = -e->error;
	get_extack(nlh, err_tlv_offset(nlh, e), st->extack, sizeof(st->extack));
	st->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct exec_state *st = arg;
	char warn[256];

	/* A successful ack may still carry a warning worth showing. */
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		get_extack(nlh, err_tlv_offset(nlh, nlmsg_data(nlh)), warn, sizeof(warn));
		if (warn[0])
			fprintf(stderr, "ipvsctl: warning: %s\n", warn);
	}
	st->done = true;
	return NL_STOP;
}

/*
 * A dump that fails after it started ends with NLMSG_DONE carrying a
 * negative errno (and extack TLVs after it); libnl does not look at it.
 */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct exec_state *st = arg;
	int derr;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		memcpy(&derr, nlmsg_data(nlh), sizeof(derr));
		if (derr < 0) {
			st->err = -derr;
			get_extack(nlh, sizeof(int), st->extack, sizeof(st->extack));
		}
	}
	st->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct exec_state *st = arg;
	int ret;

	if (!st->cb)
		return NL_OK;
	ret = st->cb(nlmsg_hdr(msg), st->arg);
	if (ret < 0) {
		st->err = -ret;
		st->local = true;
		st->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

void nlx_report(const char *where, int err, const char *extack)
{
	if (err == EPERM)
		fprintf(stderr, "ipvsctl: %spermission denied (CAP_NET_ADMIN needed)%s%s\n",
			where, extack[0] ? ": " : "", extack);
	else if (extack[0])
		fprintf(stderr, "ipvsctl: %s%s\n", where, extack);
	else
		fprintf(stderr, "ipvsctl: %s%s\n", where, strerror(err));
}

static void report(const struct exec_state *st)
{
	if (st->local)
		fprintf(stderr, "ipvsctl: cannot decode the kernel's reply: %s\n",
			strerror(st->err));
	else
		nlx_report("", st->err, st->extack);
}

/* Read the interrupted dump to its end; the caller starts over. */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct exec_state *st = arg;

	(void)msg;
	st->intr = true;
	return NL_OK;
}

int nlx_exec(struct nlctx *ctx, struct nl_msg *msg, nlx_reply_cb cb, void *arg)
{
	struct exec_state st = { .cb = cb, .arg = arg };
	struct nl_cb *nlcb;
	int ret;

	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		fprintf(stderr, "ipvsctl: out of memory\n");
		return EXIT_RUNTIME;
	}
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_err(nlcb, NL_CB_CUSTOM, on_error, &st);
	nl_cb_set(nlcb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &st);

	ret = nl_send_auto(ctx->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(nlcb);
		fprintf(stderr, "ipvsctl: cannot send the netlink request: %s\n",
			nl_geterror(ret));
		return EXIT_RUNTIME;
	}

	while (!st.done) {
		ret = nl_recvmsgs(ctx->sk, nlcb);
		if (ret < 0 && !st.done) {
			nl_cb_put(nlcb);
			fprintf(stderr, "ipvsctl: netlink receive failed: %s\n", nl_geterror(ret));
			return EXIT_RUNTIME;
		}
	}
	nl_cb_put(nlcb);

	if (st.err) {
		report(&st);
		return EXIT_RUNTIME;
	}
	return st.intr ? NLX_RETRY : 0;
}
