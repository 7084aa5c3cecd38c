// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks, registered in a netns only while it has services or
 * connections.
 *
 * Requests are caught at PRE_ROUTING, before the routing decision, and
 * sent on by the balancer itself on a route cached per real server (NAT
 * rewrites the destination first): they skip the kernel's FORWARD path,
 * as with IPVS, and meet netfilter again at LOCAL_OUT and POST_ROUTING.
 * This also covers packets for a VIP the director does not own. Replies
 * are un-NATed at FORWARD, after routing, because the VIP is a local
 * address that routing would reject as a source: a NAT director needs
 * net.ipv4.ip_forward=1 for them.
 *
 * The hooks parse and dispatch: which connection a request belongs to is
 * schedule.c's to say, its state proto_tcp.c's, how it leaves xmit.c's.
 */
#include <linux/icmp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "conn.h"
#include "hooks.h"
#include "netns.h"
#include "schedule.h"
#include "stats.h"
#include "xmit.h"

static void l4lb_tuple_fill(struct l4lb_tuple *t, __be32 saddr, __be32 daddr,
			    const __be16 *ports, u8 protocol, u8 dir)
{
	memset(t, 0, sizeof(*t));
	t->src.ip = saddr;
	t->dst.ip = daddr;
	t->sport = ports[0];
	t->dport = ports[1];
	t->af = AF_INET;
	t->protocol = protocol;
	t->dir = dir;
}

static bool l4lb_icmp_is_error(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}

/*
 * ICMP errors quoting one of our flows: look the quoted packet up reversed
 * in direction @dir and rewrite. Anything else passes.
 */
static unsigned int l4lb_icmp(struct l4lb_net *ln, struct sk_buff *skb,
			      unsigned int icmpoff, enum l4lb_dir dir)
{
	struct iphdr _inner, *inner;
	struct icmphdr _ih, *ih;
	__be16 _ports[2], *ports, swapped[2];
	unsigned int inner_off;
	struct l4lb_tuple t;
	struct l4lb_conn *cp;

	ih = skb_header_pointer(skb, icmpoff, sizeof(_ih), &_ih);
	if (!ih || !l4lb_icmp_is_error(ih->type))
		return NF_ACCEPT;
	inner_off = icmpoff + sizeof(*ih);
	inner = skb_header_pointer(skb, inner_off, sizeof(_inner), &_inner);
	if (!inner || inner->ihl < 5 || inner->version != 4 ||
	    (inner->protocol != IPPROTO_TCP && inner->protocol != IPPROTO_UDP) ||
	    ntohs(inner->frag_off) & IP_OFFSET)
		return NF_ACCEPT;
	ports = skb_header_pointer(skb, inner_off + inner->ihl * 4,
				   sizeof(_ports), _ports);
	if (!ports)
		return NF_ACCEPT;

	/* The quoted packet travelled the other way: swap it into a key. */
	swapped[0] = ports[1];
	swapped[1] = ports[0];
	l4lb_tuple_fill(&t, inner->daddr, inner->saddr, swapped,
			inner->protocol, dir);
	cp = l4lb_conn_lookup(ln, &t);
	if (!cp)
		return NF_ACCEPT;
	if (l4lb_nat_icmp(skb, cp, dir, icmpoff, inner_off,
			  inner_off + inner->ihl * 4))
		return NF_DROP;
	return NF_ACCEPT;
}

/* Fill @p from a TCP or UDP @skb; false for anything else or truncated. */
static bool l4lb_parse(struct sk_buff *skb, enum l4lb_dir dir,
		       struct l4lb_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);
	const __be16 *ports;

	p->thoff = ip_hdrlen(skb);
	p->th = NULL;
	if (iph->protocol == IPPROTO_TCP) {
		p->th = skb_header_pointer(skb, p->thoff, sizeof(p->buf.th),
					   &p->buf.th);
		ports = (const __be16 *)p->th;
	} else if (iph->protocol == IPPROTO_UDP) {
		ports = skb_header_pointer(skb, p->thoff, sizeof(p->buf.ports),
					   p->buf.ports);
	} else {
		return false;
	}
	if (!ports)
		return false;
	l4lb_tuple_fill(&p->t, iph->saddr, iph->daddr, ports, iph->protocol,
			dir);
	return true;
}

/*
 * Reassemble fragments before anything else, as nf_defrag_ipv4 does where
 * conntrack runs: a non-first fragment carries no ports to find its flow
 * by, and a NAT rewrite must reach every fragment. Replies pass here too
 * on their way to FORWARD. The output path refragments to the sizes seen.
 * Returns false when the fragment was queued (or dropped) by ip_defrag().
 */
static bool l4lb_defrag(struct net *net, struct sk_buff *skb)
{
	int err;

	skb_orphan(skb);
	local_bh_disable();
	err = ip_defrag(net, skb, IP_DEFRAG_VS_IN);
	local_bh_enable();
	if (err)
		return false;
	skb->ignore_df = 1;
	return true;
}

/*
 * A parsed request of either family: its connection, state, counters,
 * and off it goes by its forwarding method.
 */
unsigned int l4lb_request(struct l4lb_net *ln, struct sk_buff *skb,
			  struct l4lb_pkt *p)
{
	bool v6 = p->t.af == AF_INET6;
	struct l4lb_conn *cp;

	cp = l4lb_conn_for_request(ln, skb, &p->t, p->th);
	if (!cp)
		return NF_ACCEPT;
	if (IS_ERR(cp))
		return NF_DROP;

	l4lb_conn_set_state(ln, cp, L4LB_DIR_ORIG, p->th);
	l4lb_stats_in(cp->dest, skb->len);
	switch (cp->fwd) {
	case L4LB_FWD_ROUTE:
		return v6 ? l4lb_xmit_dr6(ln, skb, cp) : l4lb_xmit_dr(ln, skb, cp);
	case L4LB_FWD_TUNNEL:
		return l4lb_xmit_tun(ln, skb, cp);
	}
	return v6 ? l4lb_xmit_nat6(ln, skb, cp, p->thoff) :
		    l4lb_xmit_nat(ln, skb, cp, p->thoff);
}

/* A parsed packet of either family that may be a reply: un-NAT it. */
unsigned int l4lb_reply(struct l4lb_net *ln, struct sk_buff *skb,
			struct l4lb_pkt *p)
{
	struct l4lb_conn *cp;
	int err;

	cp = l4lb_conn_lookup(ln, &p->t);
	if (!cp)
		return NF_ACCEPT;
	l4lb_conn_set_state(ln, cp, L4LB_DIR_REPLY, p->th);
	l4lb_stats_out(cp->dest, skb->len);
	err = p->t.af == AF_INET6 ? l4lb_nat6_reply(skb, cp, p->thoff) :
				    l4lb_nat_reply(skb, cp, p->thoff);
	return err ? NF_DROP : NF_ACCEPT;
}

static unsigned int l4lb_in(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_pkt p;

	if (ip_is_fragment(ip_hdr(skb)) && !l4lb_defrag(state->net, skb))
		return NF_STOLEN;
	if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
		return l4lb_icmp(ln, skb, ip_hdrlen(skb), L4LB_DIR_ORIG);
	if (!l4lb_parse(skb, L4LB_DIR_ORIG, &p))
		return NF_ACCEPT;
	return l4lb_request(ln, skb, &p);
}

static unsigned int l4lb_out(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_pkt p;

	/* Reassembled at PRE_ROUTING; fragments here are not ours. */
	if (ip_is_fragment(ip_hdr(skb)))
		return NF_ACCEPT;
	if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
		return l4lb_icmp(ln, skb, ip_hdrlen(skb), L4LB_DIR_REPLY);
	if (!l4lb_parse(skb, L4LB_DIR_REPLY, &p))
		return NF_ACCEPT;
	return l4lb_reply(ln, skb, &p);
}

static const struct nf_hook_ops l4lb_nf_ops[] = {
	{
		/* After defrag and raw, before conntrack and iptables DNAT. */
		.hook		= l4lb_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK - 1,
	},
	{
		/* After filter: FORWARD rules see the real server's address. */
		.hook		= l4lb_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_FILTER + 1,
	},
};

/* When the hooks are on is netns.c's to say. */
int l4lb_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, l4lb_nf_ops, ARRAY_SIZE(l4lb_nf_ops));
}

void l4lb_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, l4lb_nf_ops, ARRAY_SIZE(l4lb_nf_ops));
}
