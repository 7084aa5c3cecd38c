/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_NL_H
#define IPVSCTL_NL_H

#include <stdint.h>

#include <netlink/genl/genl.h>

struct nlctx {
	struct nl_sock *sk;
	int family;
};

/*
 * Called for every reply message of a request or dump. Return 0 to go on
 * or a negative errno to abort; the errno is then reported like a kernel
 * error.
 */
typedef int (*nlx_reply_cb)(struct nlmsghdr *nlh, void *arg);

/* Connect and resolve the "l4lb" family. Returns 0 or a negative libnl code. */
int nlx_open(struct nlctx *ctx);
/* Explain a failed nlx_open() on stderr (e.g. "module is not loaded"). */
void nlx_open_error(int err);
void nlx_close(struct nlctx *ctx);

/* A new request for @cmd; @flags is 0 or NLM_F_DUMP. NULL (reported) on ENOMEM. */
struct nl_msg *nlx_msg(struct nlctx *ctx, uint8_t cmd, int flags);

/*
 * Send @msg (always freed) and read replies until the kernel acks, ends
 * the dump, or reports an error. Kernel errors print "ipvsctl: <extack>"
 * (or strerror) and return EXIT_RUNTIME; success returns 0. A dump that
 * the configuration changed under (NLM_F_DUMP_INTR) is read to its end and
 * returns NLX_RETRY, for the caller to start over.
 */
#define NLX_RETRY	(-2)

int nlx_exec(struct nlctx *ctx, struct nl_msg *msg, nlx_reply_cb cb, void *arg);

/* Report a failure to build a message (attribute space, ENOMEM). */
int nlx_put_failed(struct nl_msg *msg);

/*
 * Print a kernel error as "ipvsctl: <where><message>": the extack message
 * if there is one, else strerror(@err); @where is "" or e.g. "line 3: ".
 */
void nlx_report(const char *where, int err, const char *extack);
/* The extack message of an NLMSG_ERROR (an error or an ack), "" if none. */
void nlx_error_extack(const struct nlmsghdr *nlh, char *buf, size_t len);

#endif /* IPVSCTL_NL_H */
