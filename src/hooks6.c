// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 netfilter hooks: the same points and roles as IPv4's (hooks.c),
 * registered in a netns while it has IPv6 services. Extension headers are
 * skipped with ipv6_find_hdr(); fragments never get here, as
 * nf_defrag_ipv6, enabled with these hooks, reassembles them first.
 */
#include <linux/icmpv6.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "hooks.h"
#include "netns.h"
#include "xmit.h"

static void l4lb_tuple6_fill(struct l4lb_tuple *t,
			     const struct in6_addr *saddr,
			     const struct in6_addr *daddr,
			     const __be16 *ports, u8 protocol, u8 dir)
{
	memset(t, 0, sizeof(*t));
	t->src.in6 = *saddr;
	t->dst.in6 = *daddr;
	t->sport = ports[0];
	t->dport = ports[1];
	t->af = AF_INET6;
	t->protocol = protocol;
	t->dir = dir;
}

/* The ports of the TCP or UDP header at @thoff into @p. */
static bool l4lb_parse6_l4(struct sk_buff *skb, int protocol,
			   unsigned int thoff, struct l4lb_pkt *p,
			   const __be16 **ports)
{
	p->thoff = thoff;
	p->th = NULL;
	if (protocol == IPPROTO_TCP) {
		p->th = skb_header_pointer(skb, thoff, sizeof(p->buf.th),
					   &p->buf.th);
		*ports = (const __be16 *)p->th;
	} else if (protocol == IPPROTO_UDP) {
		*ports = skb_header_pointer(skb, thoff, sizeof(p->buf.ports),
					    p->buf.ports);
	} else {
		return false;
	}
	return *ports;
}

/*
 * ICMPv6 errors (types below 128) quoting one of our flows: look the
 * quoted packet up reversed in direction @dir and rewrite. Anything else
 * passes.
 */
static unsigned int l4lb_icmp6(struct l4lb_net *ln, struct sk_buff *skb,
			       unsigned int icmpoff, enum l4lb_dir dir)
{
	struct ipv6hdr _inner, *inner;
	struct icmp6hdr _ih, *ih;
	unsigned int inner_off;
	const __be16 *ports;
	__be16 swapped[2];
	struct l4lb_pkt p;
	__be16 frag_off;
	struct l4lb_conn *cp;
	int thoff;
	u8 nexthdr;

	ih = skb_header_pointer(skb, icmpoff, sizeof(_ih), &_ih);
	if (!ih || !icmpv6_is_err(ih->icmp6_type))
		return NF_ACCEPT;
	inner_off = icmpoff + sizeof(*ih);
	inner = skb_header_pointer(skb, inner_off, sizeof(_inner), &_inner);
	if (!inner || inner->version != 6)
		return NF_ACCEPT;
	nexthdr = inner->nexthdr;
	thoff = ipv6_skip_exthdr(skb, inner_off + sizeof(*inner), &nexthdr,
				 &frag_off);
	if (thoff < 0 || (frag_off & htons(~0x7)) ||
	    !l4lb_parse6_l4(skb, nexthdr, thoff, &p, &ports))
		return NF_ACCEPT;

	/* The quoted packet travelled the other way: swap it into a key. */
	swapped[0] = ports[1];
	swapped[1] = ports[0];
	l4lb_tuple6_fill(&p.t, &inner->daddr, &inner->saddr, swapped, nexthdr,
			 dir);
	cp = l4lb_conn_lookup(ln, &p.t);
	if (!cp)
		return NF_ACCEPT;
	if (l4lb_nat6_icmp(skb, cp, dir, icmpoff, inner_off, thoff))
		return NF_DROP;
	return NF_ACCEPT;
}

/*
 * Parse @skb: NF_ACCEPT and false for what is not ours to look at, else
 * true with a TCP or UDP packet in @p; ICMPv6 goes to l4lb_icmp6(), whose
 * verdict is in @verdict.
 */
static bool l4lb_parse6(struct l4lb_net *ln, struct sk_buff *skb,
			enum l4lb_dir dir, struct l4lb_pkt *p,
			unsigned int *verdict)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned short frag_off = 0;
	const __be16 *ports;
	unsigned int thoff = 0;
	int protocol;

	*verdict = NF_ACCEPT;
	protocol = ipv6_find_hdr(skb, &thoff, -1, &frag_off, NULL);
	/* A fragment here was not reassembled: not a flow's to take. */
	if (protocol < 0 || frag_off)
		return false;
	if (protocol == IPPROTO_ICMPV6) {
		*verdict = l4lb_icmp6(ln, skb, thoff, dir);
		return false;
	}
	if (!l4lb_parse6_l4(skb, protocol, thoff, p, &ports))
		return false;
	l4lb_tuple6_fill(&p->t, &ip6h->saddr, &ip6h->daddr, ports, protocol,
			 dir);
	return true;
}

static unsigned int l4lb_in6(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	unsigned int verdict;
	struct l4lb_pkt p;

	if (!l4lb_parse6(ln, skb, L4LB_DIR_ORIG, &p, &verdict))
		return verdict;
	return l4lb_request(ln, skb, &p);
}

static unsigned int l4lb_out6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	unsigned int verdict;
	struct l4lb_pkt p;

	if (!l4lb_parse6(ln, skb, L4LB_DIR_REPLY, &p, &verdict))
		return verdict;
	return l4lb_reply(ln, skb, &p);
}

static const struct nf_hook_ops l4lb_nf6_ops[] = {
	{
		/* After defrag, before conntrack and ip6tables DNAT. */
		.hook		= l4lb_in6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK - 1,
	},
	{
		/* After filter: FORWARD rules see the real server's address. */
		.hook		= l4lb_out6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP6_PRI_FILTER + 1,
	},
};

int l4lb_hooks6_register(struct net *net)
{
	int err;

	err = nf_defrag_ipv6_enable(net);
	if (err)
		return err;
	err = nf_register_net_hooks(net, l4lb_nf6_ops,
				    ARRAY_SIZE(l4lb_nf6_ops));
	if (err)
		nf_defrag_ipv6_disable(net);
	return err;
}

void l4lb_hooks6_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, l4lb_nf6_ops, ARRAY_SIZE(l4lb_nf6_ops));
	nf_defrag_ipv6_disable(net);
}
