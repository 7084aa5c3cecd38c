// SPDX-License-Identifier: GPL-2.0
/*
 * The "IPVS" generic-netlink family, registered with ipvs_abi=1: the
 * commands, attributes and semantics of Linux's uapi/linux/ip_vs.h as a
 * translation layer over the services of the l4lb family, so that
 * ipvsadm, keepalived and moby/ipvs drive l4lb unchanged, and what one
 * family adds the other sees and changes. The checks are the l4lb
 * family's (netlink.c), so both accept the same services.
 *
 * Requests are parsed as in-tree IPVS parses them: liberally (libnl's
 * nests carry no NLA_F_NESTED), an IPv4 address in 4 bytes or 16, FLAGS
 * as {flags, mask}, attributes only a reply carries ignored. What IPVS
 * can do and l4lb cannot (fwmark services, one-packet scheduling, the
 * third scheduler flag, thresholds, GUE and GRE tunnels, persistence
 * engines, the sync daemon) is refused with an extack message, never
 * ignored: with IPVS's errno for the same request where IPVS refuses it
 * (a scheduler or a persistence engine it lacks: ENOENT), else
 * EOPNOTSUPP. Scheduler flags 1 and 2 are sh's and mh's fallback and
 * port, as in IPVS; on another scheduler, where IPVS keeps them unused,
 * they are refused (EINVAL), as by the l4lb family.
 *
 * Permissions are the l4lb family's: changes need CAP_NET_ADMIN in the
 * netns, reading is open (IPVS wants CAP_NET_ADMIN for reading too).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
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

static bool ipvs_abi;
module_param(ipvs_abi, bool, 0444);
MODULE_PARM_DESC(ipvs_abi,
		 "also register the \"IPVS\" generic-netlink family (ipvsadm, keepalived)");

/* The two ABIs agree on these, so they pass through unchanged. */
static_assert(IP_VS_SVC_F_PERSISTENT == L4LB_SVC_F_PERSISTENT);
static_assert(L4LB_SVC_SCHED_F_FALLBACK << L4LB_IPVS_SCHED_SHIFT == IP_VS_SVC_F_SCHED1);
static_assert(L4LB_SVC_SCHED_F_PORT << L4LB_IPVS_SCHED_SHIFT == IP_VS_SVC_F_SCHED2);
#define L4LB_IPVS_SCHED_FLAGS	(IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2)
static_assert(IP_VS_CONN_F_MASQ == L4LB_FWD_MASQ);
static_assert(IP_VS_CONN_F_LOCALNODE == L4LB_FWD_LOCAL);
static_assert(IP_VS_CONN_F_TUNNEL == L4LB_FWD_TUNNEL);
static_assert(IP_VS_CONN_F_DROUTE == L4LB_FWD_ROUTE);
static_assert(IP_VS_SCHEDNAME_MAXLEN == L4LB_SCHED_NAME_MAX);
/* Counter i is reported as IPVS_STATS_ATTR_CONNS + i, its rate as CPS + i. */
static_assert(IPVS_STATS_ATTR_CONNS + L4LB_CNT_OUTBYTES == IPVS_STATS_ATTR_OUTBYTES);
static_assert(IPVS_STATS_ATTR_CPS + L4LB_CNT_OUTBYTES == IPVS_STATS_ATTR_OUTBPS);
static_assert(IPVS_STATS_ATTR_CONNS + L4LB_CNT_INBYTES == IPVS_STATS_ATTR_INBYTES);


/* An address: 16 bytes, or an IPv4 one in 4 (moby/ipvs). */
#define L4LB_IPVS_ADDR_POLICY						\
	NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),		\
			 sizeof(union nf_inet_addr))

/* IPVS_CMD_ATTR_SERVICE */
static const struct nla_policy l4lb_ipvs_svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL]	= NLA_POLICY_MAX(NLA_U16, U8_MAX),
	[IPVS_SVC_ATTR_ADDR]		= L4LB_IPVS_ADDR_POLICY,
	[IPVS_SVC_ATTR_PORT]		= { .type = NLA_BE16 },
	[IPVS_SVC_ATTR_FWMARK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_SCHEDNAME_MAXLEN - 1 },
	[IPVS_SVC_ATTR_FLAGS]	= NLA_POLICY_EXACT_LEN(sizeof(struct ip_vs_flags)),
	[IPVS_SVC_ATTR_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_idle_range),
	[IPVS_SVC_ATTR_NETMASK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_PE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = IP_VS_PENAME_MAXLEN },
	/* Reply-only, ignored in requests as IPVS does. */
	[IPVS_SVC_ATTR_STATS]		= { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_STATS64]		= { .type = NLA_NESTED },
};

/* IPVS_CMD_ATTR_DEST */
static const struct nla_policy l4lb_ipvs_dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR]		= L4LB_IPVS_ADDR_POLICY,
	[IPVS_DEST_ATTR_PORT]		= { .type = NLA_BE16 },
	[IPVS_DEST_ATTR_FWD_METHOD]	= NLA_POLICY_MAX(NLA_U32, IP_VS_CONN_F_DROUTE),
	[IPVS_DEST_ATTR_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_weight_range),
	[IPVS_DEST_ATTR_U_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ADDR_FAMILY]	= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_TYPE]	= NLA_POLICY_MAX(NLA_U8,
					IP_VS_CONN_F_TUNNEL_TYPE_MAX - 1),
	[IPVS_DEST_ATTR_TUN_PORT]	= { .type = NLA_BE16 },
	[IPVS_DEST_ATTR_TUN_FLAGS]	= { .type = NLA_U16 },
	/* Reply-only, ignored in requests as IPVS does. */
	[IPVS_DEST_ATTR_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS]		= { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_STATS64]	= { .type = NLA_NESTED },
};

/* Top level, every command: IPVS has one policy for all of them. */
static const struct nla_policy l4lb_ipvs_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE]	= NLA_POLICY_NESTED(l4lb_ipvs_svc_policy),
	[IPVS_CMD_ATTR_DEST]	= NLA_POLICY_NESTED(l4lb_ipvs_dest_policy),
	/* The sync daemon's commands are refused whatever it holds. */
	[IPVS_CMD_ATTR_DAEMON]	= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&l4lb_nl_timeout_range),
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&l4lb_nl_timeout_range),
	[IPVS_CMD_ATTR_TIMEOUT_UDP] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&l4lb_nl_timeout_range),
};

/*
 * The service a request's SERVICE nest names, into @key, and the nest's
 * attributes into @tb. IPVS wants AF and either FWMARK or PROTOCOL, ADDR
 * and PORT. The nests were validated with the top level already; they
 * are parsed as liberally (no NLA_F_NESTED from libnl).
 */
int l4lb_ipvs_svc_key(struct nlattr *nest, struct nlattr **tb,
		      struct l4lb_svc_key *key, struct netlink_ext_ack *extack)
{
	struct l4lb_nl_svc_attrs attrs;
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "missing service (IPVS_CMD_ATTR_SERVICE)");
		return -EINVAL;
	}
	err = nla_parse_nested_deprecated(tb, IPVS_SVC_ATTR_MAX, nest,
					  l4lb_ipvs_svc_policy, extack);
	if (err)
		return err;
	if (!tb[IPVS_SVC_ATTR_AF] ||
	    (!tb[IPVS_SVC_ATTR_FWMARK] &&
	     (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_ADDR] ||
	      !tb[IPVS_SVC_ATTR_PORT]))) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "service needs family, protocol, address and port");
		return -EINVAL;
	}
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_SVC_ATTR_FWMARK],
				    "firewall-mark services are not supported");
		return -EOPNOTSUPP;
	}
	attrs = (struct l4lb_nl_svc_attrs) {
		.af		= tb[IPVS_SVC_ATTR_AF],
		.protocol	= tb[IPVS_SVC_ATTR_PROTOCOL],
		.addr		= tb[IPVS_SVC_ATTR_ADDR],
		.port		= tb[IPVS_SVC_ATTR_PORT],
	};
	memset(key, 0, sizeof(*key));
	key->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
	key->port = nla_get_be16(tb[IPVS_SVC_ATTR_PORT]);
	nla_memcpy(&key->addr, tb[IPVS_SVC_ATTR_ADDR], sizeof(key->addr));
	return l4lb_nl_svc_key_check(key, nla_get_u16(tb[IPVS_SVC_ATTR_AF]),
				     &attrs, extack);
}

/* The service the request names, or an error; called with ln->lock held. */
struct l4lb_service *l4lb_ipvs_svc_find(struct l4lb_net *ln,
					struct genl_info *info,
					struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct l4lb_svc_key key;
	int err;

	err = l4lb_ipvs_svc_key(nest, tb, &key, info->extack);
	if (err)
		return ERR_PTR(err);
	return l4lb_nl_svc_lookup(ln, &key, nest, info->extack);
}

/*
 * The settings of a NEW or SET_SERVICE over @conf (a new service's
 * defaults or the service's own), and its scheduler: IPVS wants them
 * all. Timeout and netmask only matter with persistence, as for IPVS,
 * but an IPv6 service's netmask is a prefix length IPVS always checks.
 */
static int l4lb_ipvs_svc_conf(struct nlattr **tb, u16 af,
			      struct l4lb_svc_conf *conf,
			      const struct l4lb_sched_ops **sched,
			      struct netlink_ext_ack *extack)
{
	struct ip_vs_flags fl;
	u32 flags, plen;
	int err;

	if (!tb[IPVS_SVC_ATTR_SCHED_NAME] || !tb[IPVS_SVC_ATTR_FLAGS] ||
	    !tb[IPVS_SVC_ATTR_TIMEOUT] || !tb[IPVS_SVC_ATTR_NETMASK]) {
		NL_SET_ERR_MSG(extack,
			       "service needs scheduler, flags, timeout and netmask");
		return -EINVAL;
	}
	if (tb[IPVS_SVC_ATTR_PE_NAME] &&
	    *(char *)nla_data(tb[IPVS_SVC_ATTR_PE_NAME])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_SVC_ATTR_PE_NAME],
				    "persistence engines are not supported");
		return -ENOENT;
	}
	nla_memcpy(&fl, tb[IPVS_SVC_ATTR_FLAGS], sizeof(fl));
	/* The bits in mask are set as in flags; HASHED is IPVS's own. */
	flags = conf->flags | conf->sched_flags << L4LB_IPVS_SCHED_SHIFT;
	flags = (flags & ~fl.mask) | (fl.flags & fl.mask);
	flags &= ~IP_VS_SVC_F_HASHED;
	if (flags & ~(IP_VS_SVC_F_PERSISTENT | L4LB_IPVS_SCHED_FLAGS)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_SVC_ATTR_FLAGS],
				    "one-packet scheduling and scheduler flag 3 are not supported");
		return -EOPNOTSUPP;
	}
	conf->flags = flags & IP_VS_SVC_F_PERSISTENT;
	conf->sched_flags = (flags & L4LB_IPVS_SCHED_FLAGS) >>
			    L4LB_IPVS_SCHED_SHIFT;
	if (af == AF_INET6) {
		plen = nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
		if (plen < 1 || plen > 128) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_SVC_ATTR_NETMASK],
					    "an IPv6 service's netmask is a prefix length, 1 to 128");
			return -EINVAL;
		}
		conf->plen = plen;
	}
	if (flags & IP_VS_SVC_F_PERSISTENT) {
		err = l4lb_nl_persist_timeout(tb[IPVS_SVC_ATTR_TIMEOUT], conf,
					      extack);
		if (!err && af == AF_INET)
			err = l4lb_nl_netmask(tb[IPVS_SVC_ATTR_NETMASK], conf,
					      extack);
		if (err)
			return err;
	}
	err = l4lb_nl_sched(tb[IPVS_SVC_ATTR_SCHED_NAME], sched, extack);
	if (err)
		return err;
	/* Scheduler flags outside the mask are kept, not given. */
	return l4lb_nl_sched_flags(conf, *sched,
				   fl.mask & L4LB_IPVS_SCHED_FLAGS ?
				   tb[IPVS_SVC_ATTR_FLAGS] : NULL, extack);
}

static int l4lb_ipvs_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_svc_conf conf = L4LB_NL_SVC_CONF_INIT;
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	const struct l4lb_sched_ops *sched;
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_ipvs_svc_key(info->attrs[IPVS_CMD_ATTR_SERVICE], tb, &key,
				info->extack);
	if (!err)
		err = l4lb_ipvs_svc_conf(tb, key.af, &conf, &sched,
					 info->extack);
	if (err)
		return err;

	mutex_lock(&ln->lock);
	svc = l4lb_net_add_service(ln, &key, sched, &conf, info->extack);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(svc);
}

static int l4lb_ipvs_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	const struct l4lb_sched_ops *sched;
	struct l4lb_service *svc;
	struct l4lb_svc_conf conf;
	int err;

	mutex_lock(&ln->lock);
	svc = l4lb_ipvs_svc_find(ln, info, tb);
	err = PTR_ERR_OR_ZERO(svc);
	if (err)
		goto out;
	l4lb_nl_svc_conf_of(svc, &conf);
	err = l4lb_ipvs_svc_conf(tb, svc->key.af, &conf, &sched, info->extack);
	if (!err && svc->sched != sched)
		err = l4lb_service_set_sched(svc, sched, info->extack);
	if (!err)
		l4lb_service_set_conf(svc, &conf);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_ipvs_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct l4lb_service *svc;

	mutex_lock(&ln->lock);
	svc = l4lb_ipvs_svc_find(ln, info, tb);
	if (!IS_ERR(svc))
		l4lb_service_del(svc);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(svc);
}

/*
 * The real server the request's DEST nest names in @svc; with @full (NEW
 * and SET) IPVS wants its settings too. What l4lb cannot do is refused.
 */
static int l4lb_ipvs_dest(struct genl_info *info, struct l4lb_service *svc,
			  bool full, struct nlattr **tb, u8 *af,
			  union nf_inet_addr *addr, __be16 *port)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_DEST];
	struct netlink_ext_ack *extack = info->extack;
	struct l4lb_nl_dest_attrs attrs;
	u16 family;
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "missing real server (IPVS_CMD_ATTR_DEST)");
		return -EINVAL;
	}
	err = nla_parse_nested_deprecated(tb, IPVS_DEST_ATTR_MAX, nest,
					  l4lb_ipvs_dest_policy, extack);
	if (err)
		return err;
	if (!tb[IPVS_DEST_ATTR_ADDR] || !tb[IPVS_DEST_ATTR_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "real server needs address and port");
		return -EINVAL;
	}
	if (full && (!tb[IPVS_DEST_ATTR_FWD_METHOD] ||
		     !tb[IPVS_DEST_ATTR_WEIGHT] ||
		     !tb[IPVS_DEST_ATTR_U_THRESH] ||
		     !tb[IPVS_DEST_ATTR_L_THRESH])) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "real server needs forwarding method, weight and thresholds");
		return -EINVAL;
	}
	if (full && (nla_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]) ||
		     nla_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]))) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "connection thresholds are not supported (0 only)");
		return -EOPNOTSUPP;
	}
	if (full && tb[IPVS_DEST_ATTR_TUN_TYPE] &&
	    nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]) !=
	    IP_VS_CONN_F_TUNNEL_TYPE_IPIP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_DEST_ATTR_TUN_TYPE],
				    "only IPIP tunnels are supported");
		return -EOPNOTSUPP;
	}
	/* Without ADDR_FAMILY (older clients) the service's, as IPVS. */
	family = tb[IPVS_DEST_ATTR_ADDR_FAMILY] ?
		 nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : svc->key.af;
	nla_memcpy(addr, tb[IPVS_DEST_ATTR_ADDR], sizeof(*addr));
	*port = nla_get_be16(tb[IPVS_DEST_ATTR_PORT]);
	attrs = (struct l4lb_nl_dest_attrs) {
		.af	= tb[IPVS_DEST_ATTR_ADDR_FAMILY],
		.addr	= tb[IPVS_DEST_ATTR_ADDR],
		.port	= tb[IPVS_DEST_ATTR_PORT],
	};
	err = l4lb_nl_dest_check(family, addr, *port, &attrs, extack);
	*af = family;
	return err;
}

/* The service and the server the request names; under ln->lock. */
static struct l4lb_dest *l4lb_ipvs_dest_find(struct l4lb_net *ln,
					     struct genl_info *info, bool full,
					     struct nlattr **tb)
{
	struct nlattr *stb[IPVS_SVC_ATTR_MAX + 1];
	union nf_inet_addr addr;
	struct l4lb_service *svc;
	__be16 port;
	int err;
	u8 af;

	svc = l4lb_ipvs_svc_find(ln, info, stb);
	if (IS_ERR(svc))
		return ERR_CAST(svc);
	err = l4lb_ipvs_dest(info, svc, full, tb, &af, &addr, &port);
	if (err)
		return ERR_PTR(err);
	return l4lb_nl_dest_lookup(svc, af, &addr, port,
				   info->attrs[IPVS_CMD_ATTR_DEST], info->extack);
}

static int l4lb_ipvs_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *stb[IPVS_SVC_ATTR_MAX + 1], *tb[IPVS_DEST_ATTR_MAX + 1];
	struct l4lb_net *ln = l4lb_info_net(info);
	union nf_inet_addr addr;
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	__be16 port;
	int err;
	u8 af;
	u8 fwd;

	mutex_lock(&ln->lock);
	svc = l4lb_ipvs_svc_find(ln, info, stb);
	err = PTR_ERR_OR_ZERO(svc);
	if (!err)
		err = l4lb_ipvs_dest(info, svc, true, tb, &af, &addr, &port);
	if (err)
		goto out;
	fwd = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]);
	err = l4lb_nl_fwd_check(info, svc, tb[IPVS_DEST_ATTR_FWD_METHOD], fwd,
				af, &addr, port);
	if (err)
		goto out;
	dest = l4lb_dest_add(svc, af, &addr, port, fwd,
			     nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]),
			     info->extack);
	err = PTR_ERR_OR_ZERO(dest);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_ipvs_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	struct l4lb_dest *dest;
	int err;
	u8 fwd;

	mutex_lock(&ln->lock);
	dest = l4lb_ipvs_dest_find(ln, info, true, tb);
	err = PTR_ERR_OR_ZERO(dest);
	if (err)
		goto out;
	fwd = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]);
	err = l4lb_nl_fwd_check(info, dest->svc, tb[IPVS_DEST_ATTR_FWD_METHOD],
				fwd, dest->af, &dest->addr, dest->port);
	if (!err)
		l4lb_dest_edit(dest, fwd, nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]));
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_ipvs_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	struct l4lb_dest *dest;

	mutex_lock(&ln->lock);
	dest = l4lb_ipvs_dest_find(ln, info, false, tb);
	if (!IS_ERR(dest))
		l4lb_dest_del(dest);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(dest);
}

/* ZERO: the service named, or every one without a SERVICE. */
static int l4lb_ipvs_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct l4lb_service *svc = NULL;

	mutex_lock(&ln->lock);
	if (info->attrs[IPVS_CMD_ATTR_SERVICE])
		svc = l4lb_ipvs_svc_find(ln, info, tb);
	if (!IS_ERR(svc))
		l4lb_nl_zero(ln, svc);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(svc);
}

static int l4lb_ipvs_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);

	mutex_lock(&ln->lock);
	l4lb_service_flush(ln);
	mutex_unlock(&ln->lock);
	return 0;
}

static int l4lb_ipvs_set_config(struct sk_buff *skb, struct genl_info *info)
{
	l4lb_nl_set_timeouts(l4lb_info_net(info),
			     info->attrs[IPVS_CMD_ATTR_TIMEOUT_TCP],
			     info->attrs[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN],
			     info->attrs[IPVS_CMD_ATTR_TIMEOUT_UDP]);
	return 0;
}

static int l4lb_ipvs_daemon(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "the connection sync daemon is not supported");
	return -EOPNOTSUPP;
}

static int l4lb_ipvs_dump_daemons(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	NL_SET_ERR_MSG(cb->extack, "the connection sync daemon is not supported");
	return -EOPNOTSUPP;
}

/* Validated liberally, as IPVS is: libnl's nests lack NLA_F_NESTED. */
#define L4LB_IPVS_VALIDATE	(GENL_DONT_VALIDATE_STRICT |		\
				 GENL_DONT_VALIDATE_DUMP_STRICT)

static const struct genl_small_ops l4lb_ipvs_ops[] = {
	{
		.cmd		= IPVS_CMD_NEW_SERVICE,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_new_service,
	},
	{
		.cmd		= IPVS_CMD_SET_SERVICE,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_set_service,
	},
	{
		.cmd		= IPVS_CMD_DEL_SERVICE,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_del_service,
	},
	{
		.cmd		= IPVS_CMD_GET_SERVICE,
		.validate	= L4LB_IPVS_VALIDATE,
		.doit		= l4lb_ipvs_get_service,
		.dumpit		= l4lb_ipvs_dump_services,
	},
	{
		.cmd		= IPVS_CMD_NEW_DEST,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_new_dest,
	},
	{
		.cmd		= IPVS_CMD_SET_DEST,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_set_dest,
	},
	{
		.cmd		= IPVS_CMD_DEL_DEST,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_del_dest,
	},
	{
		.cmd		= IPVS_CMD_GET_DEST,
		.validate	= L4LB_IPVS_VALIDATE,
		.dumpit		= l4lb_ipvs_dump_dests,
	},
	{
		.cmd		= IPVS_CMD_NEW_DAEMON,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_daemon,
	},
	{
		.cmd		= IPVS_CMD_DEL_DAEMON,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_daemon,
	},
	{
		.cmd		= IPVS_CMD_GET_DAEMON,
		.validate	= L4LB_IPVS_VALIDATE,
		.doit		= l4lb_ipvs_daemon,
		.dumpit		= l4lb_ipvs_dump_daemons,
	},
	{
		.cmd		= IPVS_CMD_SET_CONFIG,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_set_config,
	},
	{
		.cmd		= IPVS_CMD_GET_CONFIG,
		.validate	= L4LB_IPVS_VALIDATE,
		.doit		= l4lb_ipvs_get_config,
	},
	{
		.cmd		= IPVS_CMD_GET_INFO,
		.validate	= L4LB_IPVS_VALIDATE,
		.doit		= l4lb_ipvs_get_info,
	},
	{
		.cmd		= IPVS_CMD_ZERO,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_zero,
	},
	{
		.cmd		= IPVS_CMD_FLUSH,
		.validate	= L4LB_IPVS_VALIDATE,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l4lb_ipvs_flush,
	},
};

struct genl_family l4lb_ipvs_family __ro_after_init = {
	.name		= IPVS_GENL_NAME,
	.version	= IPVS_GENL_VERSION,
	.maxattr	= IPVS_CMD_ATTR_MAX,
	.policy		= l4lb_ipvs_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= l4lb_ipvs_ops,
	.n_small_ops	= ARRAY_SIZE(l4lb_ipvs_ops),
	/* Every command is one of IPVS's, from before the core checked more. */
	.resv_start_op	= IPVS_CMD_FLUSH + 1,
};

/* IPVS's per-netns names for l4lb's settings: net.ipv4.vs.* (sysctl.c). */
static int __net_init l4lb_ipvs_net_init(struct net *net)
{
	return l4lb_sysctl_ipvs_init(l4lb_pernet(net));
}

static void __net_exit l4lb_ipvs_net_exit(struct net *net)
{
	l4lb_sysctl_ipvs_exit(l4lb_pernet(net));
}

/* Registered after l4lb_net_ops: set up after, torn down before it. */
static struct pernet_operations l4lb_ipvs_net_ops = {
	.init	= l4lb_ipvs_net_init,
	.exit	= l4lb_ipvs_net_exit,
};

/*
 * ip_vs loading now would register IPVS's names (net.ipv4.vs.*, its /proc
 * files) before finding the family taken, and the kernel warns about each
 * of them. Refuse it before its init runs, so it touches nothing.
 */
static int l4lb_ipvs_module_notify(struct notifier_block *nb,
				   unsigned long state, void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || strcmp(mod->name, "ip_vs"))
		return NOTIFY_DONE;
	pr_err_ratelimited("ipvs_abi=1: not loading ip_vs: l4lb holds the \"IPVS\" family and its names (net.ipv4.vs, /proc/net/ip_vs*): rmmod l4lb first\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block l4lb_ipvs_module_nb = {
	.notifier_call	= l4lb_ipvs_module_notify,
};

int __init l4lb_ipvs_init(void)
{
	int err;

	if (!ipvs_abi)
		return 0;
	err = genl_register_family(&l4lb_ipvs_family);
	if (err == -EEXIST)
		pr_err("ipvs_abi=1: the \"IPVS\" generic-netlink family is taken, by ip_vs most likely: rmmod ip_vs first\n");
	if (err)
		return err;
	err = register_module_notifier(&l4lb_ipvs_module_nb);
	if (err)
		goto err_family;
	/* Only once the family is ours: with ip_vs loaded the names are its. */
	err = register_pernet_subsys(&l4lb_ipvs_net_ops);
	if (err)
		goto err_notifier;
	err = l4lb_ipvs_proc_init();
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	unregister_pernet_subsys(&l4lb_ipvs_net_ops);
err_notifier:
	unregister_module_notifier(&l4lb_ipvs_module_nb);
err_family:
	genl_unregister_family(&l4lb_ipvs_family);
	return err;
}

void l4lb_ipvs_exit(void)
{
	if (!ipvs_abi)
		return;
	l4lb_ipvs_proc_exit();
	unregister_pernet_subsys(&l4lb_ipvs_net_ops);
	unregister_module_notifier(&l4lb_ipvs_module_nb);
	genl_unregister_family(&l4lb_ipvs_family);
}
