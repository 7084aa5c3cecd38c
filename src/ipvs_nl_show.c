// SPDX-License-Identifier: GPL-2.0
/*
 * The "IPVS" family's replies and dumps (ipvs_nl.c has the commands that
 * change things): services, servers, timeouts and GET_INFO in IPVS's
 * attributes, from the same walks as the l4lb family's (netlink_show.c).
 */
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/ip_vs.h>

#include "conn.h"
#include "ipvs_nl.h"
#include "netlink.h"
#include "netns.h"
#include "sched.h"
#include "service.h"
#include "stats.h"

/*
 * Counters and rates, twice as IPVS reports them: STATS with 32-bit
 * counts and rates and 64-bit bytes, STATS64 all 64-bit.
 */
static int l4lb_ipvs_put_stats(struct sk_buff *skb, int type, int type64,
			       struct l4lb_stats_cpu __percpu *pcpu,
			       const struct l4lb_stats *base,
			       const struct l4lb_est *est)
{
	u64 rates[L4LB_CNT_MAX];
	struct l4lb_stats st;
	struct nlattr *nest;
	int i, err = 0;

	l4lb_stats_read(pcpu, base, &st);
	l4lb_est_rates(est, rates);
	/* Nests without NLA_F_NESTED, as IPVS sends them. */
	nest = nla_nest_start_noflag(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < L4LB_CNT_MAX && !err; i++) {
		if (i >= L4LB_CNT_INBYTES)
			err = nla_put_u64_64bit(skb, IPVS_STATS_ATTR_CONNS + i,
						st.cnt[i], IPVS_STATS_ATTR_PAD);
		else
			err = nla_put_u32(skb, IPVS_STATS_ATTR_CONNS + i,
					  st.cnt[i]);
		err = err ?: nla_put_u32(skb, IPVS_STATS_ATTR_CPS + i, rates[i]);
	}
	if (err)
		return err;
	nla_nest_end(skb, nest);

	nest = nla_nest_start_noflag(skb, type64);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < L4LB_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, IPVS_STATS_ATTR_CONNS + i, st.cnt[i],
				      IPVS_STATS_ATTR_PAD) ||
		    nla_put_u64_64bit(skb, IPVS_STATS_ATTR_CPS + i, rates[i],
				      IPVS_STATS_ATTR_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_ipvs_fill_service(struct sk_buff *skb,
				  struct l4lb_service *svc)
{
	/* A listed service is hashed, and IPVS says so. */
	struct ip_vs_flags flags = {
		.flags	= svc->flags | IP_VS_SVC_F_HASHED |
			  svc->sched_flags << L4LB_IPVS_SCHED_SHIFT,
		.mask	= ~0U,
	};
	bool persistent = svc->flags & L4LB_SVC_F_PERSISTENT;
	struct nlattr *nest;
	__be32 netmask;

	/* An IPv6 service's netmask is its prefix length, as with IPVS. */
	netmask = svc->key.af == AF_INET6 ? (__force __be32)(u32)svc->plen :
					    svc->netmask;
	nest = nla_nest_start_noflag(skb, IPVS_CMD_ATTR_SERVICE);
	if (!nest ||
	    nla_put_u16(skb, IPVS_SVC_ATTR_AF, svc->key.af) ||
	    nla_put_u16(skb, IPVS_SVC_ATTR_PROTOCOL, svc->key.protocol) ||
	    nla_put(skb, IPVS_SVC_ATTR_ADDR, sizeof(svc->key.addr),
		    &svc->key.addr) ||
	    nla_put_be16(skb, IPVS_SVC_ATTR_PORT, svc->key.port) ||
	    nla_put_string(skb, IPVS_SVC_ATTR_SCHED_NAME, svc->sched->name) ||
	    nla_put(skb, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) ||
	    nla_put_u32(skb, IPVS_SVC_ATTR_TIMEOUT,
			persistent ? svc->persist_timeout / HZ : 0) ||
	    nla_put_be32(skb, IPVS_SVC_ATTR_NETMASK, netmask) ||
	    l4lb_ipvs_put_stats(skb, IPVS_SVC_ATTR_STATS, IPVS_SVC_ATTR_STATS64,
				svc->stats, &svc->stats_base, &svc->est))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_ipvs_fill_dest(struct sk_buff *skb, struct l4lb_dest *dest)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, IPVS_CMD_ATTR_DEST);
	if (!nest ||
	    nla_put(skb, IPVS_DEST_ATTR_ADDR, sizeof(dest->addr), &dest->addr) ||
	    nla_put_be16(skb, IPVS_DEST_ATTR_PORT, dest->port) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_FWD_METHOD, READ_ONCE(dest->fwd)) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_WEIGHT, READ_ONCE(dest->weight)) ||
	    nla_put_u8(skb, IPVS_DEST_ATTR_TUN_TYPE,
		       IP_VS_CONN_F_TUNNEL_TYPE_IPIP) ||
	    nla_put_be16(skb, IPVS_DEST_ATTR_TUN_PORT, 0) ||
	    nla_put_u16(skb, IPVS_DEST_ATTR_TUN_FLAGS, 0) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_U_THRESH, 0) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_L_THRESH, 0) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_ACTIVE_CONNS,
			atomic_read(&dest->active)) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_INACT_CONNS,
			atomic_read(&dest->inactive)) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_PERSIST_CONNS,
			atomic_read(&dest->persist)) ||
	    nla_put_u16(skb, IPVS_DEST_ATTR_ADDR_FAMILY, dest->af) ||
	    l4lb_ipvs_put_stats(skb, IPVS_DEST_ATTR_STATS,
				IPVS_DEST_ATTR_STATS64, dest->stats,
				&dest->stats_base, &dest->est))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* GET_SERVICE of one service: answered as NEW_SERVICE, as IPVS does. */
int l4lb_ipvs_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct l4lb_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &l4lb_ipvs_family, 0,
				IPVS_CMD_NEW_SERVICE);
	mutex_lock(&ln->lock);
	svc = l4lb_ipvs_svc_find(ln, info, tb);
	err = PTR_ERR_OR_ZERO(svc);
	if (!err)
		err = l4lb_ipvs_fill_service(msg, svc);
	mutex_unlock(&ln->lock);
	if (!hdr || err) {
		nlmsg_free(msg);
		return err ?: -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Every service; a SERVICE in the request (moby/ipvs sends an empty one)
 * does not filter, as with IPVS.
 */
int l4lb_ipvs_dump_services(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	return l4lb_nl_dump_svc_list(skb, cb, &l4lb_ipvs_family,
				     IPVS_CMD_NEW_SERVICE,
				     l4lb_ipvs_fill_service);
}

int l4lb_ipvs_dump_dests(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_ipvs_svc_key(nest, tb, &key, cb->extack);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	svc = l4lb_nl_svc_lookup(ln, &key, nest, cb->extack);
	if (IS_ERR(svc))
		err = PTR_ERR(svc);
	else
		l4lb_nl_dump_dest_list(skb, cb, svc, &l4lb_ipvs_family,
				       IPVS_CMD_NEW_DEST, l4lb_ipvs_fill_dest);
	mutex_unlock(&ln->lock);
	return err ?: skb->len;
}

static int l4lb_ipvs_fill_config(struct sk_buff *msg, struct l4lb_net *ln)
{
	return l4lb_nl_put_timeouts(msg, ln, IPVS_CMD_ATTR_TIMEOUT_TCP,
				    IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
				    IPVS_CMD_ATTR_TIMEOUT_UDP);
}

/* Both, or keepalived gives up: it reads the table size too. */
static int l4lb_ipvs_fill_info(struct sk_buff *msg, struct l4lb_net *ln)
{
	if (nla_put_u32(msg, IPVS_INFO_ATTR_VERSION, IP_VS_VERSION_CODE) ||
	    nla_put_u32(msg, IPVS_INFO_ATTR_CONN_TAB_SIZE,
			l4lb_conn_buckets(ln)))
		return -EMSGSIZE;
	return 0;
}

int l4lb_ipvs_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return l4lb_nl_reply(info, &l4lb_ipvs_family, IPVS_CMD_SET_CONFIG,
			     l4lb_ipvs_fill_config);
}

int l4lb_ipvs_get_info(struct sk_buff *skb, struct genl_info *info)
{
	return l4lb_nl_reply(info, &l4lb_ipvs_family, IPVS_CMD_SET_INFO,
			     l4lb_ipvs_fill_info);
}
