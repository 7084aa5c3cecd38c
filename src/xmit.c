// SPDX-License-Identifier: GPL-2.0
/*
 * NAT rewriting: requests get the real server as destination, replies get
 * the virtual service back as source, and ICMP errors about a flow get the
 * same treatment for the header they quote. Checksums are updated
 * incrementally, which also covers CHECKSUM_PARTIAL (offloaded) packets.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "l4lb.h"

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

int l4lb_nat_request(struct sk_buff *skb, struct l4lb_conn *cp,
		     unsigned int thoff)
{
	const struct l4lb_tuple *r = &cp->th[L4LB_DIR_REPLY].tuple;
	struct iphdr *iph;
	__be16 *ports;

	if (skb_ensure_writable(skb, thoff + l4lb_l4_hdrlen(r->protocol)))
		return -ENOMEM;
	iph = ip_hdr(skb);
	ports = (__be16 *)(skb->data + thoff);
	l4lb_mangle_l4(skb, thoff, r->protocol, iph->daddr, r->src.ip,
		       &ports[1], r->sport);
	csum_replace4(&iph->check, iph->daddr, r->src.ip);
	iph->daddr = r->src.ip;
	/* Not routed yet at PRE_ROUTING; make sure routing sees the new dst. */
	skb_dst_drop(skb);
	return 0;
}

int l4lb_nat_reply(struct sk_buff *skb, struct l4lb_conn *cp,
		   unsigned int thoff)
{
	const struct l4lb_tuple *o = &cp->th[L4LB_DIR_ORIG].tuple;
	struct iphdr *iph;
	__be16 *ports;

	if (skb_ensure_writable(skb, thoff + l4lb_l4_hdrlen(o->protocol)))
		return -ENOMEM;
	iph = ip_hdr(skb);
	ports = (__be16 *)(skb->data + thoff);
	l4lb_mangle_l4(skb, thoff, o->protocol, iph->saddr, o->dst.ip,
		       &ports[0], o->dport);
	csum_replace4(&iph->check, iph->saddr, o->dst.ip);
	iph->saddr = o->dst.ip;
	return 0;
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
		  unsigned int inner_off)
{
	const struct l4lb_tuple *o = &cp->th[L4LB_DIR_ORIG].tuple;
	const struct l4lb_tuple *r = &cp->th[L4LB_DIR_REPLY].tuple;
	struct iphdr *iph, *inner;
	unsigned int inner_thoff;
	struct icmphdr *icmph;
	__be16 *ports;

	inner = (struct iphdr *)(skb->data + inner_off);
	inner_thoff = inner_off + inner->ihl * 4;
	if (skb_ensure_writable(skb, inner_thoff + 4))
		return -ENOMEM;
	iph = ip_hdr(skb);
	inner = (struct iphdr *)(skb->data + inner_off);
	ports = (__be16 *)(skb->data + inner_thoff);

	if (dir == L4LB_DIR_ORIG) {
		/* Quoted: VIP:vport -> client; outer: client -> VIP. */
		csum_replace4(&inner->check, inner->saddr, r->src.ip);
		inner->saddr = r->src.ip;
		ports[0] = r->sport;
		csum_replace4(&iph->check, iph->daddr, r->src.ip);
		iph->daddr = r->src.ip;
		skb_dst_drop(skb);
	} else {
		/* Quoted: client -> RIP:rport; outer: RIP or router -> client. */
		csum_replace4(&inner->check, inner->daddr, o->dst.ip);
		inner->daddr = o->dst.ip;
		ports[1] = o->dport;
		if (iph->saddr == r->src.ip) {
			csum_replace4(&iph->check, iph->saddr, o->dst.ip);
			iph->saddr = o->dst.ip;
		}
	}

	icmph = (struct icmphdr *)(skb->data + icmpoff);
	icmph->checksum = 0;
	icmph->checksum = csum_fold(skb_checksum(skb, icmpoff,
						 skb->len - icmpoff, 0));
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}
