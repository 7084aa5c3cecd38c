/* SPDX-License-Identifier: GPL-2.0 */
/* Transmission by forwarding method, NAT rewrites, ICMP (xmit.c). */
#ifndef _L4LB_XMIT_H
#define _L4LB_XMIT_H

#include "conn.h"

struct dst_entry;
struct l4lb_dest;
struct netlink_ext_ack;
struct sk_buff;

/*
 * A server's route, cached in its dest and used without a reference: a
 * packet holds it only under RCU, and the stack takes its own reference
 * if the packet has to wait in a queue (skb_dst_force()). So readers
 * write nothing shared, where a dst_cache takes and drops a reference on
 * the route per packet. A stale route is replaced by whichever CPU sees it
 * first; the one it displaced goes after a grace period.
 */
struct l4lb_dest_route {
	struct dst_entry *dst;		/* holds a reference */
	union nf_inet_addr saddr;
	u32 cookie;			/* IPv6's, for dst_check() */
	struct rcu_head rcu;
};

struct l4lb_dest_route *l4lb_dest_route_set(struct l4lb_dest *dest,
					    struct dst_entry *dst,
					    const union nf_inet_addr *saddr,
					    u32 cookie);
int l4lb_nat_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		   unsigned int thoff);
int l4lb_nat_icmp(struct sk_buff *skb, struct l4lb_conn *cp,
		  enum l4lb_dir dir, unsigned int icmpoff,
		  unsigned int inner_off, unsigned int inner_thoff);
void l4lb_icmp_send(struct sk_buff *skb, int type, int code, __be32 info);
bool l4lb_too_big(struct sk_buff *skb, unsigned int mtu);
bool l4lb_route_failed(struct l4lb_net *ln, const void *route);
int l4lb_dest_check_route(struct net *net, u8 af,
			  const union nf_inet_addr *addr, u8 fwd,
			  struct netlink_ext_ack *extack);

/* xmit6.c */
int l4lb_route6_via_gw(struct net *net, const struct in6_addr *addr);
bool l4lb_too_big6(struct sk_buff *skb, unsigned int mtu);
int l4lb_nat6_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		    unsigned int thoff);
int l4lb_nat6_icmp(struct sk_buff *skb, struct l4lb_conn *cp,
		   enum l4lb_dir dir, unsigned int icmpoff,
		   unsigned int inner_off, unsigned int inner_thoff);
unsigned int l4lb_xmit_nat6(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *cp, unsigned int thoff);
unsigned int l4lb_xmit_dr6(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp);
unsigned int l4lb_xmit_tun6(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *cp);
void l4lb_dest_route_release(struct l4lb_dest *dest);
int l4lb_xmit_init(void);
void l4lb_xmit_exit(void);
unsigned int l4lb_xmit_nat(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp, unsigned int thoff);
unsigned int l4lb_xmit_dr(struct l4lb_net *ln, struct sk_buff *skb,
			  struct l4lb_conn *cp);
unsigned int l4lb_xmit_tun(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp);

#endif /* _L4LB_XMIT_H */
