/* SPDX-License-Identifier: GPL-2.0 */
/* Transmission by forwarding method, NAT rewrites, ICMP (xmit.c). */
#ifndef _L4LB_XMIT_H
#define _L4LB_XMIT_H

#include "conn.h"

struct l4lb_dest;
struct netlink_ext_ack;
struct sk_buff;

int l4lb_nat_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		   unsigned int thoff);
int l4lb_nat_icmp(struct sk_buff *skb, struct l4lb_conn *cp,
		  enum l4lb_dir dir, unsigned int icmpoff,
		  unsigned int inner_off, unsigned int inner_thoff);
void l4lb_icmp_send(struct sk_buff *skb, int type, int code, __be32 info);
int l4lb_dest_check_route(struct net *net, u8 af,
			  const union nf_inet_addr *addr, u8 fwd,
			  struct netlink_ext_ack *extack);

/* xmit6.c */
int l4lb_route6_via_gw(struct net *net, const struct in6_addr *addr);
void l4lb_dest_route_release(struct l4lb_dest *dest);
unsigned int l4lb_xmit_nat(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp, unsigned int thoff);
unsigned int l4lb_xmit_dr(struct l4lb_net *ln, struct sk_buff *skb,
			  struct l4lb_conn *cp);
unsigned int l4lb_xmit_tun(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp);

#endif /* _L4LB_XMIT_H */
