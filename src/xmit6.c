// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 transmission: routes to IPv6 servers.
 */
#include <net/ip6_route.h>

#include "xmit.h"

/*
 * Whether the route to @addr goes through a gateway: 1 or 0, or -1 with
 * no route. FLOWI_FLAG_KNOWN_NH, as DR sends with: for an on-link server
 * ip6_pol_route() makes a clone whose next hop is the server itself, so
 * neighbour discovery asks for the server and not for the packet's VIP.
 */
int l4lb_route6_via_gw(struct net *net, const struct in6_addr *addr)
{
	struct flowi6 fl6 = {
		.daddr		= *addr,
		.flowi6_flags	= FLOWI_FLAG_KNOWN_NH,
	};
	struct dst_entry *dst;
	int via_gw;

	dst = ip6_route_output(net, NULL, &fl6);
	via_gw = dst->error ? -1 :
		 !!(((struct rt6_info *)dst)->rt6i_flags & RTF_GATEWAY);
	dst_release(dst);
	return via_gw;
}
