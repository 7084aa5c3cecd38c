/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_CMD_H
#define IPVSCTL_CMD_H

#include "nl.h"
#include "parse.h"

/* Carry out a parsed request (any command but help and version). */
int run_command(struct nlctx *ctx, const struct request *req);

#endif /* IPVSCTL_CMD_H */
