// SPDX-License-Identifier: GPL-2.0
/*
 * The "l4lb" generic-netlink family: configuration and listing.
 *
 * One attribute policy per nesting level, strict validation, an extack
 * message on every rejection. Commands that change anything need
 * CAP_NET_ADMIN in the socket's netns (GENL_UNS_ADMIN_PERM); reading the
 * configuration, counters and connections is open to every user of the
 * netns, as /proc/net/ip_vs is for IPVS.
 */
#include <linux/inet.h>
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "l4lb.h"

static struct genl_family l4lb_genl_family;

static const struct nla_policy l4lb_stats_policy[L4LB_STATS_A_MAX + 1] = {
	[L4LB_STATS_A_CONNS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_INPKTS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_OUTPKTS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_INBYTES]	= { .type = NLA_U64 },
	[L4LB_STATS_A_OUTBYTES]	= { .type = NLA_U64 },
};

/* Up to 30 days: long-lived flows are the point of a per-service value. */
static struct netlink_range_validation l4lb_idle_range = {
	.max = 30 * 86400,
};

static const struct nla_policy l4lb_svc_policy[L4LB_SVC_A_MAX + 1] = {
	[L4LB_SVC_A_AF]		= { .type = NLA_U16 },
	[L4LB_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[L4LB_SVC_A_ADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union nf_inet_addr)),
	[L4LB_SVC_A_PORT]	= { .type = NLA_BE16 },
	[L4LB_SVC_A_SCHED_NAME]	= { .type = NLA_NUL_STRING,
				    .len = L4LB_SCHED_NAME_MAX - 1 },
	[L4LB_SVC_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, L4LB_SVC_F_PERSISTENT),
	[L4LB_SVC_A_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_idle_range),
	[L4LB_SVC_A_NETMASK]	= { .type = NLA_BE32 },
	[L4LB_SVC_A_STATS]	= NLA_POLICY_NESTED(l4lb_stats_policy),
	[L4LB_SVC_A_NR_DESTS]	= { .type = NLA_U32 },
	[L4LB_SVC_A_IDLE_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &l4lb_idle_range),
};

static struct netlink_range_validation l4lb_weight_range = {
	.max = L4LB_WEIGHT_MAX,
};

/* Timeouts: 0 keeps the current value; at most a day, as a sanity bound. */
static struct netlink_range_validation l4lb_timeout_range = {
	.max = 86400,
};

static const struct nla_policy l4lb_dest_policy[L4LB_DEST_A_MAX + 1] = {
	[L4LB_DEST_A_AF]		= { .type = NLA_U16 },
	[L4LB_DEST_A_ADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union nf_inet_addr)),
	[L4LB_DEST_A_PORT]	= { .type = NLA_BE16 },
	[L4LB_DEST_A_FWD_METHOD]	= NLA_POLICY_MAX(NLA_U8, L4LB_FWD_MAX),
	[L4LB_DEST_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_weight_range),
	[L4LB_DEST_A_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[L4LB_DEST_A_INACT_CONNS]	= { .type = NLA_U32 },
	[L4LB_DEST_A_STATS]	= NLA_POLICY_NESTED(l4lb_stats_policy),
};

static const struct nla_policy l4lb_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_SERVICE]	= NLA_POLICY_NESTED(l4lb_svc_policy),
	[L4LB_A_DEST]		= NLA_POLICY_NESTED(l4lb_dest_policy),
	[L4LB_A_TIMEOUT_TCP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
	[L4LB_A_TIMEOUT_TCP_FIN] = NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
	[L4LB_A_TIMEOUT_UDP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
};

static struct l4lb_net *l4lb_info_net(struct genl_info *info)
{
	return l4lb_pernet(genl_info_net(info));
}

/* Parse the nested service identity of a request into @key. */
static int l4lb_nl_svc_key(struct nlattr *nest, struct l4lb_svc_key *key,
			   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "missing service (L4LB_A_SERVICE)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, L4LB_SVC_A_MAX, nest, l4lb_svc_policy,
			       extack);
	if (err)
		return err;
	if (!tb[L4LB_SVC_A_AF] || !tb[L4LB_SVC_A_PROTOCOL] ||
	    !tb[L4LB_SVC_A_ADDR] || !tb[L4LB_SVC_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "service needs family, protocol, address and port");
		return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	key->af = nla_get_u16(tb[L4LB_SVC_A_AF]);
	key->protocol = nla_get_u8(tb[L4LB_SVC_A_PROTOCOL]);
	key->port = nla_get_be16(tb[L4LB_SVC_A_PORT]);
	key->addr.ip = nla_get_in_addr(tb[L4LB_SVC_A_ADDR]);
	if (key->af != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_AF],
				    "only IPv4 (AF_INET) services are supported");
		return -EAFNOSUPPORT;
	}
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_PROTOCOL],
				    "protocol must be TCP or UDP");
		return -EPROTONOSUPPORT;
	}
	if (!key->port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_PORT],
				    "service port must not be 0");
		return -EINVAL;
	}
	if (ipv4_is_zeronet(key->addr.ip) || ipv4_is_multicast(key->addr.ip) ||
	    ipv4_is_lbcast(key->addr.ip)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_ADDR],
				    "service address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

/* Find the service a request names; called with ln->lock held. */
static struct l4lb_service *l4lb_nl_svc_find(struct l4lb_net *ln,
					     struct nlattr *nest,
					     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_nl_svc_key(nest, &key, tb, extack);
	if (err)
		return ERR_PTR(err);
	rcu_read_lock();
	svc = l4lb_service_lookup(ln, &key);
	rcu_read_unlock();
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no such service");
		return ERR_PTR(-ESRCH);
	}
	return svc;
}

static int l4lb_nl_sched(struct nlattr *attr,
			 const struct l4lb_sched_ops **sched,
			 struct netlink_ext_ack *extack)
{
	*sched = l4lb_sched_find(attr ? nla_data(attr) : "wlc");
	if (!*sched) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "unknown scheduler (known: rr, wrr, lc, wlc)");
		return -ENOENT;
	}
	return 0;
}

/*
 * Service settings from @tb over @conf (defaults or the current ones):
 * persistence defaults to 360 s and a /32 mask, as ipvsadm's.
 */
static int l4lb_nl_svc_conf(struct nlattr **tb, struct l4lb_svc_conf *conf,
			    struct netlink_ext_ack *extack)
{
	if (tb[L4LB_SVC_A_FLAGS])
		conf->flags = nla_get_u32(tb[L4LB_SVC_A_FLAGS]);
	if (tb[L4LB_SVC_A_TIMEOUT]) {
		if (!nla_get_u32(tb[L4LB_SVC_A_TIMEOUT])) {
			NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_TIMEOUT],
					    "persistence timeout must be at least 1 s");
			return -EINVAL;
		}
		conf->persist_timeout = nla_get_u32(tb[L4LB_SVC_A_TIMEOUT]) * HZ;
	}
	if (tb[L4LB_SVC_A_NETMASK]) {
		__be32 mask = nla_get_be32(tb[L4LB_SVC_A_NETMASK]);

		if (!mask || bad_mask(mask, 0)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_NETMASK],
					    "persistence netmask must be a contiguous, non-zero mask");
			return -EINVAL;
		}
		conf->netmask = mask;
	}
	if (tb[L4LB_SVC_A_IDLE_TIMEOUT])
		conf->idle_timeout = nla_get_u32(tb[L4LB_SVC_A_IDLE_TIMEOUT]) * HZ;
	return 0;
}

static int l4lb_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_svc_conf conf = {
		.netmask		= htonl(0xffffffff),
		.persist_timeout	= 360 * HZ,
	};
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	const struct l4lb_sched_ops *sched;
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_nl_svc_key(info->attrs[L4LB_A_SERVICE], &key, tb,
			      info->extack);
	if (!err)
		err = l4lb_nl_svc_conf(tb, &conf, info->extack);
	if (!err)
		err = l4lb_nl_sched(tb[L4LB_SVC_A_SCHED_NAME], &sched,
				    info->extack);
	if (err)
		return err;

	mutex_lock(&ln->lock);
	svc = l4lb_service_add(ln, &key, sched, &conf, info->extack);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(svc);
}

static int l4lb_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	const struct l4lb_sched_ops *sched = NULL;
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_svc_conf conf;
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_nl_svc_key(info->attrs[L4LB_A_SERVICE], &key, tb,
			      info->extack);
	if (!err && tb[L4LB_SVC_A_SCHED_NAME])
		err = l4lb_nl_sched(tb[L4LB_SVC_A_SCHED_NAME], &sched,
				    info->extack);
	if (err)
		return err;

	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (err)
		goto out;
	conf = (struct l4lb_svc_conf) {
		.flags			= svc->flags,
		.netmask		= svc->netmask,
		.persist_timeout	= svc->persist_timeout,
		.idle_timeout		= svc->idle_timeout,
	};
	err = l4lb_nl_svc_conf(tb, &conf, info->extack);
	if (err)
		goto out;
	if (sched && svc->sched != sched) {
		err = l4lb_service_set_sched(svc, sched, info->extack);
		if (err)
			goto out;
	}
	l4lb_service_set_conf(svc, &conf);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_nl_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct l4lb_service *svc;

	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	if (!IS_ERR(svc))
		l4lb_service_del(svc);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(svc);
}

static int l4lb_nl_put_addr(struct sk_buff *skb, int type,
			    const union nf_inet_addr *addr)
{
	return nla_put(skb, type, sizeof(*addr), addr);
}

static int l4lb_nl_put_stats(struct sk_buff *skb, int type,
			     struct l4lb_stats_cpu __percpu *pcpu,
			     const struct l4lb_stats *base,
			     const struct l4lb_est *est)
{
	u64 rates[L4LB_CNT_MAX];
	struct l4lb_stats st;
	struct nlattr *nest;
	int i;

	l4lb_stats_read(pcpu, base, &st);
	l4lb_est_rates(est, rates);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < L4LB_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, L4LB_STATS_A_CONNS + i, st.cnt[i],
				      L4LB_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, L4LB_STATS_A_CPS + i, rates[i],
				      L4LB_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_nl_fill_service(struct sk_buff *skb, struct l4lb_service *svc)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_SERVICE);
	if (!nest ||
	    nla_put_u16(skb, L4LB_SVC_A_AF, svc->key.af) ||
	    nla_put_u8(skb, L4LB_SVC_A_PROTOCOL, svc->key.protocol) ||
	    l4lb_nl_put_addr(skb, L4LB_SVC_A_ADDR, &svc->key.addr) ||
	    nla_put_be16(skb, L4LB_SVC_A_PORT, svc->key.port) ||
	    nla_put_string(skb, L4LB_SVC_A_SCHED_NAME, svc->sched->name) ||
	    nla_put_u32(skb, L4LB_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u32(skb, L4LB_SVC_A_NR_DESTS, svc->nr_dests) ||
	    nla_put_u32(skb, L4LB_SVC_A_IDLE_TIMEOUT, svc->idle_timeout / HZ) ||
	    l4lb_nl_put_stats(skb, L4LB_SVC_A_STATS, svc->stats,
			      &svc->stats_base, &svc->est))
		return -EMSGSIZE;
	if ((svc->flags & L4LB_SVC_F_PERSISTENT) &&
	    (nla_put_u32(skb, L4LB_SVC_A_TIMEOUT, svc->persist_timeout / HZ) ||
	     nla_put_be32(skb, L4LB_SVC_A_NETMASK, svc->netmask)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_nl_fill_dest(struct sk_buff *skb, struct l4lb_dest *dest)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_DEST);
	if (!nest ||
	    nla_put_u16(skb, L4LB_DEST_A_AF, dest->af) ||
	    l4lb_nl_put_addr(skb, L4LB_DEST_A_ADDR, &dest->addr) ||
	    nla_put_be16(skb, L4LB_DEST_A_PORT, dest->port) ||
	    nla_put_u8(skb, L4LB_DEST_A_FWD_METHOD, dest->fwd) ||
	    nla_put_u32(skb, L4LB_DEST_A_WEIGHT, dest->weight) ||
	    nla_put_u32(skb, L4LB_DEST_A_ACTIVE_CONNS,
			atomic_read(&dest->active)) ||
	    nla_put_u32(skb, L4LB_DEST_A_INACT_CONNS,
			atomic_read(&dest->inactive)) ||
	    l4lb_nl_put_stats(skb, L4LB_DEST_A_STATS, dest->stats,
			      &dest->stats_base, &dest->est))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct l4lb_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &l4lb_genl_family, 0,
				L4LB_CMD_GET_SERVICE);
	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (!err)
		err = l4lb_nl_fill_service(msg, svc);
	mutex_unlock(&ln->lock);
	if (!hdr || err) {
		nlmsg_free(msg);
		return err ?: -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Dumps resume at index cb->args[0] and flag changes made between parts. */
static int l4lb_nl_dump_services(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	struct l4lb_service *svc;
	long idx = 0;

	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	list_for_each_entry(svc, &ln->services, list) {
		void *hdr;

		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &l4lb_genl_family,
				  NLM_F_MULTI, L4LB_CMD_GET_SERVICE);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (l4lb_nl_fill_service(skb, svc)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&ln->lock);
	return skb->len;
}

static int l4lb_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	long idx = 0;
	int err = 0;

	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], cb->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	list_for_each_entry(dest, &svc->dests, list) {
		void *hdr;

		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &l4lb_genl_family,
				  NLM_F_MULTI, L4LB_CMD_GET_DEST);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (l4lb_nl_fill_dest(skb, dest)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
out:
	mutex_unlock(&ln->lock);
	return err ?: skb->len;
}

static int l4lb_nl_dest_parse(struct genl_info *info,
			      struct l4lb_service *svc, struct nlattr **tb,
			      union nf_inet_addr *addr, __be16 *port)
{
	struct nlattr *nest = info->attrs[L4LB_A_DEST];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "missing real server (L4LB_A_DEST)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, L4LB_DEST_A_MAX, nest, l4lb_dest_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[L4LB_DEST_A_ADDR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "real server needs an address");
		return -EINVAL;
	}
	if (tb[L4LB_DEST_A_AF] && nla_get_u16(tb[L4LB_DEST_A_AF]) != svc->key.af) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_AF],
				    "real server family differs from the service's");
		return -EAFNOSUPPORT;
	}
	memset(addr, 0, sizeof(*addr));
	addr->ip = nla_get_in_addr(tb[L4LB_DEST_A_ADDR]);
	if (ipv4_is_zeronet(addr->ip) || ipv4_is_multicast(addr->ip) ||
	    ipv4_is_lbcast(addr->ip) || ipv4_is_loopback(addr->ip)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_ADDR],
				    "real server address must be a non-loopback unicast address");
		return -EINVAL;
	}
	*port = tb[L4LB_DEST_A_PORT] ? nla_get_be16(tb[L4LB_DEST_A_PORT]) :
				       svc->key.port;
	if (!*port) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_PORT],
				    "real server port must not be 0");
		return -EINVAL;
	}
	return 0;
}

/*
 * Check a dest's forwarding method: DR and TUN deliver the packet as the
 * client sent it, so they cannot map ports, and they need a route.
 */
static int l4lb_nl_fwd_check(struct genl_info *info, struct l4lb_service *svc,
			     struct nlattr *attr, u8 fwd,
			     const union nf_inet_addr *addr, __be16 port)
{
	if (fwd == L4LB_FWD_LOCAL) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "local forwarding is not supported");
		return -EOPNOTSUPP;
	}
	if (fwd != L4LB_FWD_MASQ && port != svc->key.port) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "direct routing and tunnelling cannot map ports: the server port must be the service port");
		return -EINVAL;
	}
	return l4lb_dest_check_route(genl_info_net(info), addr->ip, fwd,
				     info->extack);
}

static int l4lb_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_DEST_A_MAX + 1];
	union nf_inet_addr addr;
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	u8 fwd = L4LB_FWD_MASQ;
	u32 weight = 1;
	__be16 port;
	int err;

	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (err)
		goto out;
	err = l4lb_nl_dest_parse(info, svc, tb, &addr, &port);
	if (err)
		goto out;
	if (tb[L4LB_DEST_A_FWD_METHOD])
		fwd = nla_get_u8(tb[L4LB_DEST_A_FWD_METHOD]);
	err = l4lb_nl_fwd_check(info, svc, tb[L4LB_DEST_A_FWD_METHOD], fwd,
				&addr, port);
	if (err)
		goto out;
	if (tb[L4LB_DEST_A_WEIGHT])
		weight = nla_get_u32(tb[L4LB_DEST_A_WEIGHT]);
	dest = l4lb_dest_add(svc, &addr, port, fwd, weight, info->extack);
	err = PTR_ERR_OR_ZERO(dest);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static struct l4lb_dest *l4lb_nl_dest_find(struct genl_info *info,
					   struct l4lb_service *svc,
					   struct nlattr **tb)
{
	union nf_inet_addr addr;
	struct l4lb_dest *dest;
	__be16 port;
	int err;

	err = l4lb_nl_dest_parse(info, svc, tb, &addr, &port);
	if (err)
		return ERR_PTR(err);
	dest = l4lb_dest_find(svc, &addr, port);
	if (!dest) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L4LB_A_DEST],
				    "no such real server in this service");
		return ERR_PTR(-ENOENT);
	}
	return dest;
}

static int l4lb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_DEST_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	u32 weight;
	int err;
	u8 fwd;

	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (err)
		goto out;
	dest = l4lb_nl_dest_find(info, svc, tb);
	err = PTR_ERR_OR_ZERO(dest);
	if (err)
		goto out;
	fwd = dest->fwd;
	if (tb[L4LB_DEST_A_FWD_METHOD])
		fwd = nla_get_u8(tb[L4LB_DEST_A_FWD_METHOD]);
	err = l4lb_nl_fwd_check(info, svc, tb[L4LB_DEST_A_FWD_METHOD], fwd,
				&dest->addr, dest->port);
	if (err)
		goto out;
	weight = tb[L4LB_DEST_A_WEIGHT] ? nla_get_u32(tb[L4LB_DEST_A_WEIGHT]) :
					  dest->weight;
	err = l4lb_dest_edit(dest, fwd, weight);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_DEST_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	int err;

	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (err)
		goto out;
	dest = l4lb_nl_dest_find(info, svc, tb);
	err = PTR_ERR_OR_ZERO(dest);
	if (!err)
		l4lb_dest_del(dest);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);

	mutex_lock(&ln->lock);
	l4lb_service_flush(ln);
	mutex_unlock(&ln->lock);
	return 0;
}

static void l4lb_service_zero(struct l4lb_service *svc)
{
	struct l4lb_dest *dest;

	l4lb_stats_zero(svc->stats, &svc->stats_base);
	list_for_each_entry(dest, &svc->dests, list)
		l4lb_stats_zero(dest->stats, &dest->stats_base);
}

static int l4lb_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct l4lb_service *svc;
	int err = 0;

	mutex_lock(&ln->lock);
	if (info->attrs[L4LB_A_SERVICE]) {
		svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE],
				       info->extack);
		err = PTR_ERR_OR_ZERO(svc);
		if (!err)
			l4lb_service_zero(svc);
	} else {
		list_for_each_entry(svc, &ln->services, list)
			l4lb_service_zero(svc);
	}
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_nl_fill_conn(struct sk_buff *skb, struct l4lb_conn *cp)
{
	long left = READ_ONCE(cp->expires) - jiffies;
	struct l4lb_dest *dest = cp->dest;
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_CONN);
	if (!nest ||
	    nla_put_u16(skb, L4LB_CONN_A_AF, cp->af) ||
	    nla_put_u8(skb, L4LB_CONN_A_PROTOCOL, cp->protocol) ||
	    l4lb_nl_put_addr(skb, L4LB_CONN_A_CADDR, &cp->caddr) ||
	    nla_put_be16(skb, L4LB_CONN_A_CPORT, cp->cport) ||
	    l4lb_nl_put_addr(skb, L4LB_CONN_A_VADDR, &cp->vaddr) ||
	    nla_put_be16(skb, L4LB_CONN_A_VPORT, cp->vport) ||
	    l4lb_nl_put_addr(skb, L4LB_CONN_A_DADDR, &dest->addr) ||
	    nla_put_be16(skb, L4LB_CONN_A_DPORT, dest->port) ||
	    nla_put_u32(skb, L4LB_CONN_A_FLAGS, cp->flags) ||
	    nla_put_u8(skb, L4LB_CONN_A_STATE, READ_ONCE(cp->state)) ||
	    nla_put_u32(skb, L4LB_CONN_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put_u8(skb, L4LB_CONN_A_FWD_METHOD, cp->fwd))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The connection dump walks the table with an rhashtable iterator kept
 * across parts, so a million entries cost one pass, not a quadratic
 * resume. Entries are peeked before they are consumed: the one that did
 * not fit leads the next part. A concurrent resize can repeat entries.
 */
static int l4lb_nl_conn_start(struct netlink_callback *cb)
{
	struct l4lb_net *ln = l4lb_pernet(sock_net(cb->skb->sk));
	struct rhashtable_iter *iter;

	iter = kmalloc(sizeof(*iter), GFP_KERNEL);
	if (!iter)
		return -ENOMEM;
	rhashtable_walk_enter(&ln->conn_table, iter);
	cb->args[0] = (long)iter;
	return 0;
}

static int l4lb_nl_conn_done(struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];

	if (iter) {
		rhashtable_walk_exit(iter);
		kfree(iter);
	}
	return 0;
}

static int l4lb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];
	struct l4lb_conn *cp;

	rhashtable_walk_start(iter);
	while ((cp = l4lb_conn_walk_peek(iter))) {
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &l4lb_genl_family,
				  NLM_F_MULTI, L4LB_CMD_GET_CONN);
		if (!hdr)
			break;
		if (l4lb_nl_fill_conn(skb, cp)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		rhashtable_walk_next(iter);
	}
	rhashtable_walk_stop(iter);
	return skb->len;
}

static int l4lb_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	static const struct {
		int attr;
		enum l4lb_timeout slot;
	} map[] = {
		{ L4LB_A_TIMEOUT_TCP,		L4LB_TO_TCP_ESTABLISHED },
		{ L4LB_A_TIMEOUT_TCP_FIN,	L4LB_TO_TCP_FIN_WAIT },
		{ L4LB_A_TIMEOUT_UDP,		L4LB_TO_UDP },
	};
	struct l4lb_net *ln = l4lb_info_net(info);
	int i;

	mutex_lock(&ln->lock);
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		struct nlattr *a = info->attrs[map[i].attr];

		if (a && nla_get_u32(a))
			WRITE_ONCE(ln->timeouts[map[i].slot],
				   nla_get_u32(a) * HZ);
	}
	mutex_unlock(&ln->lock);
	return 0;
}

static int l4lb_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &l4lb_genl_family, 0,
				L4LB_CMD_GET_CONFIG);
	if (!hdr ||
	    nla_put_u32(msg, L4LB_A_TIMEOUT_TCP,
			READ_ONCE(ln->timeouts[L4LB_TO_TCP_ESTABLISHED]) / HZ) ||
	    nla_put_u32(msg, L4LB_A_TIMEOUT_TCP_FIN,
			READ_ONCE(ln->timeouts[L4LB_TO_TCP_FIN_WAIT]) / HZ) ||
	    nla_put_u32(msg, L4LB_A_TIMEOUT_UDP,
			READ_ONCE(ln->timeouts[L4LB_TO_UDP]) / HZ)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int l4lb_nl_put_drops(struct sk_buff *msg, struct l4lb_net *ln)
{
	u64 sum[L4LB_DROP_MAX] = { };
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < L4LB_DROP_MAX; i++)
			sum[i] += per_cpu_ptr(ln->drops, cpu)->cnt[i];
	for (i = 0; i < L4LB_DROP_MAX; i++)
		if (nla_put_u64_64bit(msg, L4LB_A_DROP_CONN_MAX + i, sum[i],
				      L4LB_A_PAD))
			return -EMSGSIZE;
	return 0;
}

static int l4lb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &l4lb_genl_family, 0,
				L4LB_CMD_GET_INFO);
	if (!hdr ||
	    nla_put_string(msg, L4LB_A_VERSION, L4LB_VERSION) ||
	    nla_put_u32(msg, L4LB_A_CONN_COUNT, l4lb_conn_count(ln)) ||
	    nla_put_u32(msg, L4LB_A_CONN_TAB_SIZE, l4lb_conn_buckets(ln)) ||
	    l4lb_nl_put_drops(msg, ln)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops l4lb_genl_ops[] = {
	{
		.cmd	= L4LB_CMD_GET_INFO,
		.doit	= l4lb_nl_get_info,
	},
	{
		.cmd	= L4LB_CMD_NEW_SERVICE,
		.doit	= l4lb_nl_new_service,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_SERVICE,
		.doit	= l4lb_nl_set_service,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_SERVICE,
		.doit	= l4lb_nl_del_service,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_SERVICE,
		.doit	= l4lb_nl_get_service,
		.dumpit	= l4lb_nl_dump_services,
	},
	{
		.cmd	= L4LB_CMD_NEW_DEST,
		.doit	= l4lb_nl_new_dest,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_DEST,
		.doit	= l4lb_nl_set_dest,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_DEST,
		.doit	= l4lb_nl_del_dest,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_DEST,
		.dumpit	= l4lb_nl_dump_dests,
	},
	{
		.cmd	= L4LB_CMD_FLUSH,
		.doit	= l4lb_nl_flush,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_ZERO,
		.doit	= l4lb_nl_zero,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_CONN,
		.start	= l4lb_nl_conn_start,
		.dumpit	= l4lb_nl_dump_conns,
		.done	= l4lb_nl_conn_done,
	},
	{
		.cmd	= L4LB_CMD_SET_CONFIG,
		.doit	= l4lb_nl_set_config,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_CONFIG,
		.doit	= l4lb_nl_get_config,
	},
};

static struct genl_family l4lb_genl_family __ro_after_init = {
	.name		= L4LB_GENL_NAME,
	.version	= L4LB_GENL_VERSION,
	.maxattr	= L4LB_A_MAX,
	.policy		= l4lb_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= l4lb_genl_ops,
	.n_ops		= ARRAY_SIZE(l4lb_genl_ops),
};

int __init l4lb_genl_init(void)
{
	return genl_register_family(&l4lb_genl_family);
}

void l4lb_genl_exit(void)
{
	genl_unregister_family(&l4lb_genl_family);
}
