/* SPDX-License-Identifier: GPL-2.0 */
/* Which connection a request belongs to, new flows scheduled (schedule.c). */
#ifndef _L4LB_SCHEDULE_H
#define _L4LB_SCHEDULE_H

#include "conn.h"

struct sk_buff;
struct tcphdr;

struct l4lb_conn *l4lb_conn_for_request(struct l4lb_net *ln,
					struct sk_buff *skb,
					const struct l4lb_tuple *t,
					const struct tcphdr *th);

#endif /* _L4LB_SCHEDULE_H */
