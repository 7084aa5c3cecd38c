// SPDX-License-Identifier: GPL-2.0
/*
 * Transmission by forwarding method.
 *
 * NAT: requests get the real server as destination, replies get the
 * virtual service back as source, and ICMP errors about a flow get the
 * same treatment for the header they quote. Checksums are updated
 * incrementally, which also covers CHECKSUM_PARTIAL (offloaded) packets.
 *
 * DR and TUN: the director sends the request itself, unchanged to the
 * server's MAC or inside IPIP, and never sees the replies.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/netdevice.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/dsfield.h>
#include <net/ip_tunnels.h>
#include <net/route.h>

#include "conn.h"
#include "netns.h"
#include "service.h"
#include "xmit.h"

/* Replace an address and a port of the L4 header at @thoff. */
static void l4lb_mangle_l4(struct sk_buff *skb, unsigned int thoff,
			   u8 protocol, __be32 oaddr, __be32 naddr,
			   __be16 *port, __be16 nport)
{
	__sum16 *check;

	if (protocol == IPPROTO_TCP) {
		check = &((struct tcphdr *)(skb->data + thoff))->check;
	} else {
		check = &((struct udphdr *)(skb->data + thoff))->check;
		/* A zero UDP checksum means none: keep it that way. */
		if (!*check && skb->ip_summed != CHECKSUM_PARTIAL) {
			*port = nport;
			return;
		}
	}
	inet_proto_csum_replace4(check, skb, oaddr, naddr, true);
	inet_proto_csum_replace2(check, skb, *port, nport, false);
	*port = nport;
	if (protocol == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
}

static unsigned int l4lb_l4_hdrlen(u8 protocol)
{
	return protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
					 sizeof(struct udphdr);
}

/* Rewrite the destination (@dst) or the source address and port. */
static int l4lb_nat(struct sk_buff *skb, u8 protocol, unsigned int thoff,
		    bool dst, __be32 addr, __be16 port)
{
	struct iphdr *iph;
	__be16 *ports;
	__be32 *field;

	if (skb_ensure_writable(skb, thoff + l4lb_l4_hdrlen(protocol)))
		return -ENOMEM;
	iph = ip_hdr(skb);
	field = dst ? &iph->daddr : &iph->saddr;
	ports = (__be16 *)(skb->data + thoff);
	l4lb_mangle_l4(skb, thoff, protocol, *field, addr, &ports[dst], port);
	csum_replace4(&iph->check, *field, addr);
	*field = addr;
	return 0;
}

int l4lb_nat_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		   unsigned int thoff)
{
	return l4lb_nat(skb, cp->protocol, thoff, false, cp->vaddr.ip,
			cp->vport);
}

/*
 * An ICMP error quoting a packet of @cp. @dir is the direction of the
 * quoted packet's *reverse*, i.e. of the tuple the lookup matched:
 *  ORIG:  the client complains about a reply (VIP -> client); send it to
 *         the server, quoting the reply as the server sent it.
 *  REPLY: the server (or a router on the way) complains about a request
 *         (client -> server); send it to the client, quoting the request
 *         as the client sent it.
 * Only the 8 quoted L4 bytes are touched, so the quoted L4 checksum is
 * left alone: it covers data the error does not carry anyway.
 */
int l4lb_nat_icmp(struct sk_buff *skb, struct l4lb_conn *cp,
		  enum l4lb_dir dir, unsigned int icmpoff,
		  unsigned int inner_off, unsigned int inner_thoff)
{
	const struct l4lb_dest *dest = cp->dest;
	struct iphdr *iph, *inner;
	struct icmphdr *icmph;
	__be16 *ports;

	if (skb_ensure_writable(skb, inner_thoff + 4))
		return -ENOMEM;
	iph = ip_hdr(skb);
	inner = (struct iphdr *)(skb->data + inner_off);
	ports = (__be16 *)(skb->data + inner_thoff);

	if (dir == L4LB_DIR_ORIG) {
		/* Quoted: VIP:vport -> client; outer: client -> VIP. */
		csum_replace4(&inner->check, inner->saddr, dest->addr.ip);
		inner->saddr = dest->addr.ip;
		ports[0] = dest->port;
		csum_replace4(&iph->check, iph->daddr, dest->addr.ip);
		iph->daddr = dest->addr.ip;
		skb_dst_drop(skb);
	} else {
		/* Quoted: client -> RIP:rport; outer: RIP or router -> client. */
		csum_replace4(&inner->check, inner->daddr, cp->vaddr.ip);
		inner->daddr = cp->vaddr.ip;
		ports[1] = cp->vport;
		if (iph->saddr == dest->addr.ip) {
			csum_replace4(&iph->check, iph->saddr, cp->vaddr.ip);
			iph->saddr = cp->vaddr.ip;
		}
	}

	icmph = (struct icmphdr *)(skb->data + icmpoff);
	icmph->checksum = 0;
	icmph->checksum = csum_fold(skb_checksum(skb, icmpoff,
						 skb->len - icmpoff, 0));
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/*
 * ICMP errors from PRE_ROUTING: icmp_send() picks its source from the
 * packet's route, and before routing there is none yet.
 */
void l4lb_icmp_send(struct sk_buff *skb, int type, int code, __be32 info)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (!skb_dst(skb) &&
	    ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos,
				 skb->dev))
		return;
	icmp_send(skb, type, code, info);
}

/*
 * The route to a DR or TUN server. FLOWI_FLAG_KNOWN_NH makes an on-link
 * server its own next hop even though the packet still says VIP, which is
 * what DR needs; for TUN the outer header names the server anyway.
 */
static struct rtable *l4lb_route(struct net *net, __be32 daddr, __be32 *saddr)
{
	struct flowi4 fl4 = {
		.daddr		= daddr,
		.flowi4_flags	= FLOWI_FLAG_KNOWN_NH,
	};
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		return ERR_PTR(-EINVAL);
	}
	*saddr = fl4.saddr;
	return rt;
}

/*
 * DR and TUN need a route to the server (DR an on-link one), checked when
 * it is added or edited rather than at its first packet.
 */
int l4lb_dest_check_route(struct net *net, u8 af,
			  const union nf_inet_addr *addr, u8 fwd,
			  struct netlink_ext_ack *extack)
{
	struct rtable *rt;
	__be32 saddr;
	int via_gw;

	if (fwd != L4LB_FWD_ROUTE && fwd != L4LB_FWD_TUNNEL)
		return 0;
	if (af == AF_INET6) {
		via_gw = l4lb_route6_via_gw(net, &addr->in6);
	} else {
		rt = l4lb_route(net, addr->ip, &saddr);
		via_gw = IS_ERR(rt) ? PTR_ERR(rt) : rt->rt_uses_gateway;
		if (!IS_ERR(rt))
			ip_rt_put(rt);
	}
	if (via_gw < 0) {
		NL_SET_ERR_MSG(extack,
			       "no unicast route to the real server from this namespace");
		return -ENETUNREACH;
	}
	if (fwd == L4LB_FWD_ROUTE && via_gw) {
		NL_SET_ERR_MSG(extack,
			       "direct routing (-g) needs the real server on a directly connected network; use -i to tunnel");
		return -ENETUNREACH;
	}
	return 0;
}

/* Cached routes to servers (struct l4lb_dest_route, xmit.h). */
static void l4lb_dest_route_free(struct l4lb_dest_route *r)
{
	dst_release(r->dst);
	kfree(r);
}

static void l4lb_dest_route_free_rcu(struct rcu_head *head)
{
	l4lb_dest_route_free(container_of(head, struct l4lb_dest_route, rcu));
}

/*
 * A device going down or away: drop the netns's cached routes, to be
 * looked up again by the next packet. An IPv6 route holds the FIB entry
 * it came from, and with it that entry's device, until it is freed; by
 * the time this runs, IPv6 may already have moved the route itself to
 * the blackhole device, so it cannot be matched by its device. Kept in a
 * dest, it would hold up the device's unregistration, and a netns's
 * deletion, for ever. (IPVS forgets its routes on these events too.)
 */
static int l4lb_route_netdev_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct l4lb_net *ln = l4lb_pernet(dev_net(dev));
	struct l4lb_dest_route *r;
	struct l4lb_dest *dest;

	if (event != NETDEV_DOWN && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	spin_lock_bh(&ln->dests_lock);
	list_for_each_entry(dest, &ln->all_dests, all) {
		r = unrcu_pointer(xchg(&dest->route, NULL));
		if (r)
			call_rcu(&r->rcu, l4lb_dest_route_free_rcu);
	}
	spin_unlock_bh(&ln->dests_lock);
	return NOTIFY_DONE;
}

static struct notifier_block l4lb_route_notifier = {
	.notifier_call = l4lb_route_netdev_event,
};

int l4lb_xmit_init(void)
{
	return register_netdevice_notifier(&l4lb_route_notifier);
}

void l4lb_xmit_exit(void)
{
	unregister_netdevice_notifier(&l4lb_route_notifier);
}

/* @dest is being freed, after a grace period: no reader is left. */
void l4lb_dest_route_release(struct l4lb_dest *dest)
{
	struct l4lb_dest_route *r = rcu_dereference_protected(dest->route, 1);

	if (r)
		l4lb_dest_route_free(r);
}

/*
 * Cache @dst (whose reference it takes over) and @saddr as @dest's route.
 * NULL when out of memory, @dst released.
 */
struct l4lb_dest_route *l4lb_dest_route_set(struct l4lb_dest *dest,
					    struct dst_entry *dst,
					    const union nf_inet_addr *saddr,
					    u32 cookie)
{
	struct l4lb_dest_route *r, *old;

	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r) {
		dst_release(dst);
		return NULL;
	}
	r->dst = dst;
	r->saddr = *saddr;
	r->cookie = cookie;
	old = unrcu_pointer(xchg(&dest->route, RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, l4lb_dest_route_free_rcu);
	return r;
}

/*
 * The route to @dest, valid until the caller leaves its RCU section;
 * ERR_PTR(-ENETUNREACH) when there is no unicast route.
 */
static struct rtable *l4lb_dest_route(struct net *net, struct l4lb_dest *dest,
				      __be32 *saddr)
{
	struct l4lb_dest_route *r = rcu_dereference(dest->route);
	union nf_inet_addr src = {};
	struct rtable *rt;

	/* ipv4_dst_check(), inline: a cached output route is checked always. */
	if (likely(r && r->dst->obsolete == DST_OBSOLETE_FORCE_CHK &&
		   ((struct rtable *)r->dst)->rt_genid == rt_genid_ipv4(net))) {
		*saddr = r->saddr.ip;
		return (struct rtable *)r->dst;
	}
	rt = l4lb_route(net, dest->addr.ip, &src.ip);
	if (IS_ERR(rt))
		return ERR_PTR(-ENETUNREACH);
	if (!l4lb_dest_route_set(dest, &rt->dst, &src, 0))
		return ERR_PTR(-ENOMEM);
	*saddr = src.ip;
	return rt;
}

/*
 * Count why there is no route to send on, if there is none: @route is
 * either family's cached route or its ERR_PTR (xmit6.c too).
 */
bool l4lb_route_failed(struct l4lb_net *ln, const void *route)
{
	if (!IS_ERR(route))
		return false;
	l4lb_drop(ln, PTR_ERR(route) == -ENOMEM ? L4LB_DROP_NOMEM :
						  L4LB_DROP_NO_ROUTE);
	return true;
}

/*
 * Send a packet on its server's cached route (no reference, see
 * l4lb_dest_route()); the caller returns NF_STOLEN.
 */
static void l4lb_send(struct net *net, struct sk_buff *skb, struct rtable *rt)
{
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, &rt->dst);
	nf_reset_ct(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	ip_local_out(net, NULL, skb);
}

/*
 * A request with DF set that will not fit in @mtu: the client learns the
 * size left from a fragmentation-needed that quotes its packet as sent,
 * so that its stack can match it (checked before any rewriting).
 */
bool l4lb_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;
	if (skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
			      skb->len <= mtu)
		return false;
	l4lb_icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	return true;
}

/*
 * NAT: the request leaves on the route cached for its server, as for DR
 * and TUN, rather than going back to the kernel's routing and FORWARD
 * path: one route lookup and one connection lookup less per packet. The
 * TTL is the director's to decrement, as a router's. A server that is a
 * local address has no unicast route; the input path delivers to it.
 */
unsigned int l4lb_xmit_nat(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp, unsigned int thoff)
{
	struct l4lb_dest *dest = cp->dest;
	struct rtable *rt;
	__be32 saddr;

	rt = l4lb_dest_route(ln->net, dest, &saddr);
	if (rt == ERR_PTR(-ENETUNREACH)) {
		/* No unicast route: input routing decides on the new dst. */
		if (l4lb_nat(skb, cp->protocol, thoff, true, dest->addr.ip,
			     dest->port))
			return NF_DROP;
		skb_dst_drop(skb);
		return NF_ACCEPT;
	}
	if (IS_ERR(rt)) {
		l4lb_drop(ln, L4LB_DROP_NOMEM);
		return NF_DROP;
	}
	if (ip_hdr(skb)->ttl <= 1) {
		l4lb_icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return NF_DROP;
	}
	if (l4lb_too_big(skb, dst_mtu(&rt->dst)) ||
	    l4lb_nat(skb, cp->protocol, thoff, true, dest->addr.ip, dest->port))
		return NF_DROP;
	ip_decrease_ttl(ip_hdr(skb));
	skb_forward_csum(skb);
	l4lb_send(ln->net, skb, rt);
	return NF_STOLEN;
}

/* Direct routing: the packet goes unchanged to the server's MAC. */
unsigned int l4lb_xmit_dr(struct l4lb_net *ln, struct sk_buff *skb,
			  struct l4lb_conn *cp)
{
	struct rtable *rt;
	__be32 saddr;

	rt = l4lb_dest_route(ln->net, cp->dest, &saddr);
	if (l4lb_route_failed(ln, rt))
		return NF_DROP;
	if (rt->rt_uses_gateway) {
		l4lb_drop(ln, L4LB_DROP_NO_ROUTE);
		net_warn_ratelimited("DR server %pI4 is not on-link: dropping\n",
				     &cp->dest->addr.ip);
		return NF_DROP;
	}
	skb_forward_csum(skb);
	l4lb_send(ln->net, skb, rt);
	return NF_STOLEN;
}

/*
 * IPIP (or IPv6 in IPv4) to the server, from the director's address on
 * the route to it; an IPv6 server gets ip6ip6 or IPv4 in IPv6
 * (l4lb_xmit_tun6()). A request with DF set that no longer fits gets a
 * fragmentation-needed back (l4lb_too_big()), an IPv6 one a packet too
 * big; an IPv4 one without DF is fragmented on the way out.
 */
unsigned int l4lb_xmit_tun(struct l4lb_net *ln, struct sk_buff *skb,
			   struct l4lb_conn *cp)
{
	bool inner6 = cp->af == AF_INET6;
	__be16 df = htons(IP_DF);
	struct rtable *rt;
	struct iphdr *iph;
	unsigned int mtu;
	__be32 saddr;
	u8 tos, ttl;

	if (cp->dest->af == AF_INET6)
		return l4lb_xmit_tun6(ln, skb, cp);
	if (inner6) {
		tos = ipv6_get_dsfield(ipv6_hdr(skb));
	} else {
		tos = ip_hdr(skb)->tos;
		df = ip_hdr(skb)->frag_off & htons(IP_DF);
	}
	rt = l4lb_dest_route(ln->net, cp->dest, &saddr);
	if (l4lb_route_failed(ln, rt))
		return NF_DROP;
	mtu = dst_mtu(&rt->dst) - sizeof(struct iphdr);
	if ((inner6 ? l4lb_too_big6(skb, mtu) : l4lb_too_big(skb, mtu)) ||
	    skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) + sizeof(*iph)) ||
	    iptunnel_handle_offloads(skb, SKB_GSO_IPXIP4))
		return NF_DROP;
	skb_set_inner_ipproto(skb, inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP);
	ttl = ip4_dst_hoplimit(&rt->dst);

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = tos;
	iph->frag_off = df;
	iph->ttl = ttl;
	iph->protocol = inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	iph->saddr = saddr;
	iph->daddr = cp->dest->addr.ip;
	__ip_select_ident(ln->net, iph, skb_shinfo(skb)->gso_segs ?: 1);
	l4lb_send(ln->net, skb, rt);
	return NF_STOLEN;
}
