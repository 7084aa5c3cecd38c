/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks: IPv4's (hooks.c, which also dispatches a parsed
 * packet of either family) and IPv6's (hooks6.c); netns.c says when they
 * are on.
 */
#ifndef _L4LB_HOOKS_H
#define _L4LB_HOOKS_H

#include <linux/tcp.h>

#include "conn.h"

/* A TCP or UDP packet as the hooks see it. */
struct l4lb_pkt {
	struct l4lb_tuple t;
	const struct tcphdr *th;	/* NULL for UDP */
	unsigned int thoff;
	union {
		struct tcphdr th;
		__be16 ports[2];
	} buf;
};

struct net;
struct sk_buff;

unsigned int l4lb_request(struct l4lb_net *ln, struct sk_buff *skb,
			  struct l4lb_pkt *p);
unsigned int l4lb_reply(struct l4lb_net *ln, struct sk_buff *skb,
			struct l4lb_pkt *p);
int l4lb_hooks_register(struct net *net);
void l4lb_hooks_unregister(struct net *net);

/* hooks6.c */
int l4lb_hooks6_register(struct net *net);
void l4lb_hooks6_unregister(struct net *net);

#endif /* _L4LB_HOOKS_H */
