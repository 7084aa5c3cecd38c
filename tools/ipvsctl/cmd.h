/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_CMD_H
#define IPVSCTL_CMD_H

#include "nl.h"
#include "parse.h"

/* Carry out a parsed request (any command but help, version and restore). */
int run_command(struct nlctx *ctx, const struct request *req);

/*
 * The request message of a change command (-A -E -D -a -e -d -C -Z --set),
 * with NLM_F_ACK; NULL after printing why. Edits carry only the attributes
 * the user gave.
 */
struct nl_msg *build_change(struct nlctx *ctx, const struct request *req);

#endif /* IPVSCTL_CMD_H */
