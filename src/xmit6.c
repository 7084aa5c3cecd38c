// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 transmission by forwarding method, as xmit.c for IPv4: NAT
 * rewrites the destination (requests) or the source (replies) and what
 * ICMPv6 errors quote, DR sends the packet unchanged to the server's
 * MAC, TUN encapsulates in IPv6. Requests leave on a route cached per
 * server (struct l4lb_dest_route) and never pass the FORWARD path. IPv6
 * routers never fragment: a request too big for the server's path gets a
 * packet too big before any rewriting, quoting it as the client sent it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmpv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>

#include "conn.h"
#include "netns.h"
#include "service.h"
#include "xmit.h"

/*
 * The route to @addr, with FLOWI_FLAG_KNOWN_NH: for an on-link server
 * ip6_pol_route() makes a clone whose next hop is the server itself, so
 * neighbour discovery asks for the server and not for a DR packet's VIP.
 * NULL without one; @saddr gets the source the route would use.
 */
static struct dst_entry *l4lb_route6(struct net *net,
				     const struct in6_addr *addr,
				     struct in6_addr *saddr)
{
	struct flowi6 fl6 = {
		.daddr		= *addr,
		.flowi6_flags	= FLOWI_FLAG_KNOWN_NH,
	};
	struct dst_entry *dst;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error ||
	    (saddr && ipv6_addr_any(&fl6.saddr) &&
	     ipv6_dev_get_saddr(net, ip6_dst_idev(dst)->dev, &fl6.daddr, 0,
				&fl6.saddr) < 0)) {
		dst_release(dst);
		return NULL;
	}
	if (saddr)
		*saddr = fl6.saddr;
	return dst;
}

/* Whether the route to @addr goes through a gateway: 1 or 0, or -1. */
int l4lb_route6_via_gw(struct net *net, const struct in6_addr *addr)
{
	struct dst_entry *dst = l4lb_route6(net, addr, NULL);
	int via_gw;

	if (!dst)
		return -1;
	via_gw = !!(((struct rt6_info *)dst)->rt6i_flags & RTF_GATEWAY);
	dst_release(dst);
	return via_gw;
}

/*
 * @dest's cached route (see l4lb_dest_route() in xmit.c), valid until the
 * caller leaves its RCU section; ERR_PTR(-ENETUNREACH) or -ENOMEM.
 */
static struct dst_entry *l4lb_dest_route6(struct net *net,
					  struct l4lb_dest *dest,
					  struct in6_addr *saddr)
{
	struct l4lb_dest_route *r = rcu_dereference(dest->route);
	union nf_inet_addr src = {};
	struct dst_entry *dst;

	if (likely(r && dst_check(r->dst, r->cookie))) {
		*saddr = r->saddr.in6;
		return r->dst;
	}
	dst = l4lb_route6(net, &dest->addr.in6, &src.in6);
	if (!dst)
		return ERR_PTR(-ENETUNREACH);
	r = l4lb_dest_route_set(dest, dst, &src,
				rt6_get_cookie((struct rt6_info *)dst));
	if (!r)
		return ERR_PTR(-ENOMEM);
	*saddr = src.in6;
	return dst;
}

/* Send on a cached route, without a reference; the caller returns NF_STOLEN. */
static void l4lb_send6(struct net *net, struct sk_buff *skb,
		       struct dst_entry *dst)
{
	u16 frag_max_size = IP6CB(skb)->frag_max_size;

	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	nf_reset_ct(skb);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	/* A reassembled request leaves in fragments no larger than it came. */
	IP6CB(skb)->frag_max_size = frag_max_size;
	ip6_local_out(net, NULL, skb);
}

/*
 * A request that will not fit in @mtu: packet too big, as a router says.
 * One that nf_defrag_ipv6 reassembled is judged by its largest fragment,
 * which is what the client sent and what the output path sends again.
 */
bool l4lb_too_big6(struct sk_buff *skb, unsigned int mtu)
{
	u16 frag_max = IP6CB(skb)->frag_max_size;

	if (mtu < IPV6_MIN_MTU)
		mtu = IPV6_MIN_MTU;
	if (frag_max ? frag_max <= mtu :
	    skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
			      skb->len <= mtu)
		return false;
	icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return true;
}

/* Rewrite the destination (@dst) or the source address and port. */
static int l4lb_nat6(struct sk_buff *skb, u8 protocol, unsigned int thoff,
		     bool dst, const struct in6_addr *addr, __be16 port)
{
	unsigned int l4len = protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
						       sizeof(struct udphdr);
	struct in6_addr *field;
	__be16 *ports;
	__sum16 *check;

	if (skb_ensure_writable(skb, thoff + l4len))
		return -ENOMEM;
	field = dst ? &ipv6_hdr(skb)->daddr : &ipv6_hdr(skb)->saddr;
	ports = (__be16 *)(skb->data + thoff);
	if (protocol == IPPROTO_TCP)
		check = &((struct tcphdr *)(skb->data + thoff))->check;
	else
		check = &((struct udphdr *)(skb->data + thoff))->check;
	inet_proto_csum_replace16(check, skb, field->s6_addr32,
				  addr->s6_addr32, true);
	inet_proto_csum_replace2(check, skb, ports[dst], port, false);
	/* IPv6 has no "no UDP checksum": a zero one is sent as all ones. */
	if (protocol == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
	ports[dst] = port;
	*field = *addr;
	return 0;
}

int l4lb_nat6_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		    unsigned int thoff)
{
	return l4lb_nat6(skb, cp->protocol, thoff, false, &cp->vaddr.in6,
			 cp->vport);
}

/*
 * An ICMPv6 error quoting a packet of @cp, @dir as in l4lb_nat_icmp()
 * (xmit.c). The checksum covers a pseudo-header: computed afresh.
 */
int l4lb_nat6_icmp(struct sk_buff *skb, struct l4lb_conn *cp,
		   enum l4lb_dir dir, unsigned int icmpoff,
		   unsigned int inner_off, unsigned int inner_thoff)
{
	const struct l4lb_dest *dest = cp->dest;
	struct ipv6hdr *ip6h, *inner;
	struct icmp6hdr *icmp6h;
	unsigned int len;
	__be16 *ports;

	if (skb_ensure_writable(skb, inner_thoff + 4))
		return -ENOMEM;
	ip6h = ipv6_hdr(skb);
	inner = (struct ipv6hdr *)(skb->data + inner_off);
	ports = (__be16 *)(skb->data + inner_thoff);

	if (dir == L4LB_DIR_ORIG) {
		/* Quoted: VIP:vport -> client; outer: client -> VIP. */
		inner->saddr = dest->addr.in6;
		ports[0] = dest->port;
		ip6h->daddr = dest->addr.in6;
		skb_dst_drop(skb);
	} else {
		/* Quoted: client -> RIP:rport; outer: RIP or router -> client. */
		inner->daddr = cp->vaddr.in6;
		ports[1] = cp->vport;
		if (ipv6_addr_equal(&ip6h->saddr, &dest->addr.in6))
			ip6h->saddr = cp->vaddr.in6;
	}

	len = skb->len - icmpoff;
	icmp6h = (struct icmp6hdr *)(skb->data + icmpoff);
	icmp6h->icmp6_cksum = 0;
	icmp6h->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					      IPPROTO_ICMPV6,
					      skb_checksum(skb, icmpoff, len, 0));
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/*
 * NAT: the hop limit is the director's to decrement, as a router's; a
 * server that is a local address has no route of its own and is left to
 * the input path, as for IPv4.
 */
unsigned int l4lb_xmit_nat6(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *cp, unsigned int thoff)
{
	struct l4lb_dest *dest = cp->dest;
	struct in6_addr saddr;
	struct dst_entry *dst;

	dst = l4lb_dest_route6(ln->net, dest, &saddr);
	if (l4lb_route_failed(ln, dst))
		return NF_DROP;
	if (dst->dev->flags & IFF_LOOPBACK) {
		if (l4lb_nat6(skb, cp->protocol, thoff, true, &dest->addr.in6,
			      dest->port))
			return NF_DROP;
		skb_dst_drop(skb);
		return NF_ACCEPT;
	}
	if (ipv6_hdr(skb)->hop_limit <= 1) {
		icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
		return NF_DROP;
	}
	if (l4lb_too_big6(skb, dst_mtu(dst)) ||
	    l4lb_nat6(skb, cp->protocol, thoff, true, &dest->addr.in6,
		      dest->port))
		return NF_DROP;
	ipv6_hdr(skb)->hop_limit--;
	skb_forward_csum(skb);
	l4lb_send6(ln->net, skb, dst);
	return NF_STOLEN;
}

/* Direct routing: unchanged, to the server's MAC (l4lb_route6()). */
unsigned int l4lb_xmit_dr6(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp)
{
	struct in6_addr saddr;
	struct dst_entry *dst;

	dst = l4lb_dest_route6(ln->net, cp->dest, &saddr);
	if (l4lb_route_failed(ln, dst))
		return NF_DROP;
	if (((struct rt6_info *)dst)->rt6i_flags & RTF_GATEWAY) {
		l4lb_drop(ln, L4LB_DROP_NO_ROUTE);
		net_warn_ratelimited("DR server %pI6c is not on-link: dropping\n",
				     &cp->dest->addr.in6);
		return NF_DROP;
	}
	if (l4lb_too_big6(skb, dst_mtu(dst)))
		return NF_DROP;
	skb_forward_csum(skb);
	l4lb_send6(ln->net, skb, dst);
	return NF_STOLEN;
}

/*
 * To an IPv6 server: the request, IPv6 or IPv4, inside IPv6 from the
 * director's address on the route to it. One that no longer fits gets a
 * packet too big or fragmentation-needed back, in its own family.
 */
unsigned int l4lb_xmit_tun6(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *cp)
{
	bool inner6 = cp->af == AF_INET6;
	struct in6_addr saddr;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	unsigned int mtu;
	u8 dsfield;

	dst = l4lb_dest_route6(ln->net, cp->dest, &saddr);
	if (l4lb_route_failed(ln, dst))
		return NF_DROP;
	mtu = dst_mtu(dst) - sizeof(*ip6h);
	if (inner6) {
		dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
		if (l4lb_too_big6(skb, mtu))
			return NF_DROP;
	} else {
		dsfield = ip_hdr(skb)->tos;
		if (l4lb_too_big(skb, mtu))
			return NF_DROP;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + sizeof(*ip6h)) ||
	    iptunnel_handle_offloads(skb, SKB_GSO_IPXIP6))
		return NF_DROP;
	skb_set_inner_ipproto(skb, inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP);

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, dsfield, 0);
	ip6h->nexthdr = inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = saddr;
	ip6h->daddr = cp->dest->addr.in6;
	skb->protocol = htons(ETH_P_IPV6);
	/*
	 * The director is the tunnel's entry point: an IPv4 request without
	 * DF that no longer fits is fragmented here, outer header and all
	 * (RFC 2473), where ip6_fragment() would otherwise refuse it.
	 */
	skb->ignore_df = 1;
	l4lb_send6(ln->net, skb, dst);
	return NF_STOLEN;
}
