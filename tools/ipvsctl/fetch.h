/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_FETCH_H
#define IPVSCTL_FETCH_H

#include <stddef.h>

#include "nl.h"
#include "parse.h"
#include "show.h"

/*
 * Read state from the kernel into the structs of show.h. Each returns 0
 * or EXIT_RUNTIME after printing the reason.
 */
int fetch_info(struct nlctx *ctx, struct l4lb_info *info);
/* All services, or only @only when it is not NULL; servers included. */
int fetch_services(struct nlctx *ctx, const struct svc_spec *only,
		   struct svc_entry **svcs, size_t *n);
void free_services(struct svc_entry *svcs, size_t n);
int fetch_conns(struct nlctx *ctx, struct conn_entry **conns, size_t *n);
int fetch_timeouts(struct nlctx *ctx, struct timeouts *t);

/* Append the service key {AF, PROTOCOL, ADDR, PORT} as an L4LB_A_SERVICE nest. */
int put_service_key(struct nl_msg *msg, uint16_t af, uint8_t protocol,
		    const uint8_t *addr, uint16_t port);

#endif /* IPVSCTL_FETCH_H */
