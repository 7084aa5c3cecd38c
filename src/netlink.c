// SPDX-License-Identifier: GPL-2.0
/*
 * The "l4lb" generic-netlink family: policies, request parsing and the
 * commands that change configuration; replies and dumps are in
 * netlink_show.c.
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
#include <net/ipv6.h>
#include <net/sock.h>

#include "netlink.h"
#include "netns.h"
#include "sched.h"
#include "service.h"
#include "stats.h"
#include "xmit.h"


/*
 * Policies, one per nesting level and a top level per command (the ops
 * at the end), all validated strictly: an attribute a command does not
 * take is refused, and one that the module only reports says so. A
 * reply-only nest (stats, a connection) sent with NLA_F_NESTED, as nests
 * should be, meets the core's own check first: "NLA_F_NESTED not
 * expected" refuses it before NLA_REJECT's message would.
 */
#define L4LB_REPLY_ONLY {						\
	.type = NLA_REJECT,						\
	.reject_message = "reply-only attribute, not accepted in requests" \
}

/* Up to 30 days: long-lived flows are the point of a per-service value. */
struct netlink_range_validation l4lb_nl_idle_range = {
	.max = 30 * 86400,
};

/* L4LB_A_SERVICE: the identity, and the settings of NEW and SET. */
static const struct nla_policy l4lb_svc_policy[L4LB_SVC_A_MAX + 1] = {
	[L4LB_SVC_A_AF]		= { .type = NLA_U16 },
	[L4LB_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[L4LB_SVC_A_ADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union nf_inet_addr)),
	[L4LB_SVC_A_PORT]	= { .type = NLA_BE16 },
	[L4LB_SVC_A_SCHED_NAME]	= { .type = NLA_NUL_STRING,
				    .len = L4LB_SCHED_NAME_MAX - 1 },
	[L4LB_SVC_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, L4LB_SVC_F_PERSISTENT),
	[L4LB_SVC_A_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_idle_range),
	[L4LB_SVC_A_NETMASK]	= { .type = NLA_BE32 },
	[L4LB_SVC_A_STATS]	= L4LB_REPLY_ONLY,
	[L4LB_SVC_A_NR_DESTS]	= L4LB_REPLY_ONLY,
	[L4LB_SVC_A_IDLE_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &l4lb_nl_idle_range),
	[L4LB_SVC_A_PREFIXLEN]	= NLA_POLICY_RANGE(NLA_U8, 1, 128),
	[L4LB_SVC_A_SCHED_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						   L4LB_SVC_SCHED_F_FALLBACK |
						   L4LB_SVC_SCHED_F_PORT),
};

struct netlink_range_validation l4lb_nl_weight_range = {
	.max = L4LB_WEIGHT_MAX,
};

/* L4LB_A_DEST: the identity, and the settings of NEW and SET. */
static const struct nla_policy l4lb_dest_policy[L4LB_DEST_A_MAX + 1] = {
	[L4LB_DEST_A_AF]		= { .type = NLA_U16 },
	[L4LB_DEST_A_ADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union nf_inet_addr)),
	[L4LB_DEST_A_PORT]	= { .type = NLA_BE16 },
	[L4LB_DEST_A_FWD_METHOD]	= NLA_POLICY_MAX(NLA_U8, L4LB_FWD_MAX),
	[L4LB_DEST_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_weight_range),
	[L4LB_DEST_A_ACTIVE_CONNS]	= L4LB_REPLY_ONLY,
	[L4LB_DEST_A_INACT_CONNS]	= L4LB_REPLY_ONLY,
	[L4LB_DEST_A_STATS]	= L4LB_REPLY_ONLY,
};

/* GET_INFO, FLUSH, GET_CONN, GET_CONFIG */
static const struct nla_policy l4lb_noattr_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_VERSION ... L4LB_A_CONN_TAB_SIZE] = L4LB_REPLY_ONLY,
	[L4LB_A_CONN]		= L4LB_REPLY_ONLY,
	[L4LB_A_DROP_CONN_MAX ... L4LB_A_DROP_DEST_GONE] = L4LB_REPLY_ONLY,
};

/* NEW_SERVICE, SET_SERVICE, DEL_SERVICE, GET_SERVICE, GET_DEST, ZERO */
static const struct nla_policy l4lb_svc_cmd_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_SERVICE]	= NLA_POLICY_NESTED(l4lb_svc_policy),
	[L4LB_A_VERSION ... L4LB_A_CONN_TAB_SIZE] = L4LB_REPLY_ONLY,
	[L4LB_A_CONN]		= L4LB_REPLY_ONLY,
	[L4LB_A_DROP_CONN_MAX ... L4LB_A_DROP_DEST_GONE] = L4LB_REPLY_ONLY,
};

/* NEW_DEST, SET_DEST, DEL_DEST */
static const struct nla_policy l4lb_dest_cmd_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_SERVICE]	= NLA_POLICY_NESTED(l4lb_svc_policy),
	[L4LB_A_DEST]		= NLA_POLICY_NESTED(l4lb_dest_policy),
	[L4LB_A_VERSION ... L4LB_A_CONN_TAB_SIZE] = L4LB_REPLY_ONLY,
	[L4LB_A_CONN]		= L4LB_REPLY_ONLY,
	[L4LB_A_DROP_CONN_MAX ... L4LB_A_DROP_DEST_GONE] = L4LB_REPLY_ONLY,
};

/* Timeouts: 0 keeps the current value; at most a day, as a sanity bound. */
struct netlink_range_validation l4lb_nl_timeout_range = {
	.max = 86400,
};

/* SET_CONFIG */
static const struct nla_policy l4lb_config_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_TIMEOUT_TCP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_timeout_range),
	[L4LB_A_TIMEOUT_TCP_FIN] = NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_timeout_range),
	[L4LB_A_TIMEOUT_UDP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_nl_timeout_range),
	[L4LB_A_VERSION ... L4LB_A_CONN_TAB_SIZE] = L4LB_REPLY_ONLY,
	[L4LB_A_CONN]		= L4LB_REPLY_ONLY,
	[L4LB_A_DROP_CONN_MAX ... L4LB_A_DROP_DEST_GONE] = L4LB_REPLY_ONLY,
};

/*
 * An address of family @af, as either family's request carried it in
 * @addr (copied zero-padded: an IPv4 one in the first four bytes): zero
 * what the family does not use; false unless it is unicast, and for a
 * server (!@service) not loopback. An IPv4-mapped IPv6 address is the
 * IPv4 family's.
 */
static bool l4lb_nl_addr_ok(u16 af, union nf_inet_addr *addr, bool service)
{
	int type;

	if (af == AF_INET) {
		memset(&addr->all[1], 0, sizeof(*addr) - sizeof(addr->ip));
		return !ipv4_is_zeronet(addr->ip) &&
		       !ipv4_is_multicast(addr->ip) &&
		       !ipv4_is_lbcast(addr->ip) &&
		       (service || !ipv4_is_loopback(addr->ip));
	}
	type = ipv6_addr_type(&addr->in6);
	/* IPV6_ADDR_ANY is 0: the unspecified address is a type of its own. */
	return type != IPV6_ADDR_ANY &&
	       !(type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_MAPPED)) &&
	       (service || !(type & IPV6_ADDR_LOOPBACK));
}

/*
 * Check a service identity from either family: its family @af (set in
 * @key if good), @key's protocol and port as the request gave them and
 * its address as copied from @a->addr; @a names the attributes, for the
 * extack.
 */
int l4lb_nl_svc_key_check(struct l4lb_svc_key *key, u16 af,
			  const struct l4lb_nl_svc_attrs *a,
			  struct netlink_ext_ack *extack)
{
	if (af != AF_INET && af != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, a->af,
				    "service family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	key->af = af;
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, a->protocol,
				    "protocol must be TCP or UDP");
		return -EPROTONOSUPPORT;
	}
	if (!key->port) {
		NL_SET_ERR_MSG_ATTR(extack, a->port,
				    "service port must not be 0");
		return -EINVAL;
	}
	if (!l4lb_nl_addr_ok(key->af, &key->addr, true)) {
		NL_SET_ERR_MSG_ATTR(extack, a->addr,
				    "service address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

/* Parse the nested service identity of a request into @key. */
static int l4lb_nl_svc_key(struct nlattr *nest, struct l4lb_svc_key *key,
			   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct l4lb_nl_svc_attrs attrs;
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
	attrs = (struct l4lb_nl_svc_attrs) {
		.af		= tb[L4LB_SVC_A_AF],
		.protocol	= tb[L4LB_SVC_A_PROTOCOL],
		.addr		= tb[L4LB_SVC_A_ADDR],
		.port		= tb[L4LB_SVC_A_PORT],
	};
	memset(key, 0, sizeof(*key));
	key->protocol = nla_get_u8(tb[L4LB_SVC_A_PROTOCOL]);
	key->port = nla_get_be16(tb[L4LB_SVC_A_PORT]);
	nla_memcpy(&key->addr, tb[L4LB_SVC_A_ADDR], sizeof(key->addr));
	return l4lb_nl_svc_key_check(key, nla_get_u16(tb[L4LB_SVC_A_AF]),
				     &attrs, extack);
}

/* The service @key names (in @nest, for the extack); under ln->lock. */
struct l4lb_service *l4lb_nl_svc_lookup(struct l4lb_net *ln,
					const struct l4lb_svc_key *key,
					const struct nlattr *nest,
					struct netlink_ext_ack *extack)
{
	struct l4lb_service *svc;

	rcu_read_lock();
	svc = l4lb_service_lookup(ln, key);
	rcu_read_unlock();
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no such service");
		return ERR_PTR(-ESRCH);
	}
	return svc;
}

/* Find the service a request names; called with ln->lock held. */
struct l4lb_service *l4lb_nl_svc_find(struct l4lb_net *ln, struct nlattr *nest,
				      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_svc_key key;
	int err;

	err = l4lb_nl_svc_key(nest, &key, tb, extack);
	if (err)
		return ERR_PTR(err);
	return l4lb_nl_svc_lookup(ln, &key, nest, extack);
}

/*
 * "unknown scheduler (known: rr, wrr, lc, wlc)", with the list from the
 * registry (sched.c), made once at init: NL_SET_ERR_MSG() takes string
 * literals only, and an extack message must outlive the request.
 */
static char l4lb_nl_sched_msg[128] __ro_after_init;

static void __init l4lb_nl_sched_msg_init(void)
{
	char list[96];

	/* A list cut short would be a bug: the buffers are too small. */
	WARN_ON(l4lb_sched_names(list, sizeof(list)) >= sizeof(list) - 1);
	snprintf(l4lb_nl_sched_msg, sizeof(l4lb_nl_sched_msg),
		 "unknown scheduler (known: %s)", list);
}

/* The scheduler @attr names, or wlc (ipvsadm's default) without one. */
int l4lb_nl_sched(struct nlattr *attr, const struct l4lb_sched_ops **sched,
		  struct netlink_ext_ack *extack)
{
	*sched = attr ? l4lb_sched_find(nla_data(attr)) : &l4lb_sched_wlc;
	if (!*sched) {
		do_trace_netlink_extack(l4lb_nl_sched_msg);
		if (extack)
			extack->_msg = l4lb_nl_sched_msg;
		NL_SET_BAD_ATTR(extack, attr);
		return -ENOENT;
	}
	return 0;
}

/* The persistence timeout in seconds (u32) @attr gives: at least 1 s. */
int l4lb_nl_persist_timeout(const struct nlattr *attr,
			    struct l4lb_svc_conf *conf,
			    struct netlink_ext_ack *extack)
{
	if (!nla_get_u32(attr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "persistence timeout must be at least 1 s");
		return -EINVAL;
	}
	conf->persist_timeout = nla_get_u32(attr) * HZ;
	return 0;
}

/* The IPv4 persistence netmask (be32) @attr gives: contiguous, non-zero. */
int l4lb_nl_netmask(const struct nlattr *attr, struct l4lb_svc_conf *conf,
		    struct netlink_ext_ack *extack)
{
	__be32 mask = nla_get_be32(attr);

	if (!mask || bad_mask(mask, 0)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "persistence netmask must be a contiguous, non-zero mask");
		return -EINVAL;
	}
	conf->netmask = mask;
	return 0;
}

/* A service's current settings, for a change to start from. */
void l4lb_nl_svc_conf_of(const struct l4lb_service *svc,
			 struct l4lb_svc_conf *conf)
{
	*conf = (struct l4lb_svc_conf) {
		.flags			= svc->flags,
		.sched_flags		= svc->sched_flags,
		.netmask		= svc->netmask,
		.plen			= svc->plen,
		.persist_timeout	= svc->persist_timeout,
		.idle_timeout		= svc->idle_timeout,
	};
}

/*
 * Service settings from @tb over @conf (defaults or the current ones) for
 * a service of family @af: persistence defaults to 360 s and a /32 mask
 * (/128 for IPv6), as ipvsadm's.
 */
static int l4lb_nl_svc_conf(struct nlattr **tb, u16 af,
			    struct l4lb_svc_conf *conf,
			    struct netlink_ext_ack *extack)
{
	int err;

	if (af == AF_INET6 && tb[L4LB_SVC_A_NETMASK]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_NETMASK],
				    "an IPv6 service's persistence granularity is a prefix length (L4LB_SVC_A_PREFIXLEN)");
		return -EINVAL;
	}
	if (af == AF_INET && tb[L4LB_SVC_A_PREFIXLEN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_PREFIXLEN],
				    "an IPv4 service's persistence granularity is a netmask (L4LB_SVC_A_NETMASK)");
		return -EINVAL;
	}
	if (tb[L4LB_SVC_A_PREFIXLEN])
		conf->plen = nla_get_u8(tb[L4LB_SVC_A_PREFIXLEN]);
	if (tb[L4LB_SVC_A_FLAGS])
		conf->flags = nla_get_u32(tb[L4LB_SVC_A_FLAGS]);
	if (tb[L4LB_SVC_A_TIMEOUT]) {
		err = l4lb_nl_persist_timeout(tb[L4LB_SVC_A_TIMEOUT], conf,
					      extack);
		if (err)
			return err;
	}
	if (tb[L4LB_SVC_A_NETMASK]) {
		err = l4lb_nl_netmask(tb[L4LB_SVC_A_NETMASK], conf, extack);
		if (err)
			return err;
	}
	if (tb[L4LB_SVC_A_IDLE_TIMEOUT])
		conf->idle_timeout = nla_get_u32(tb[L4LB_SVC_A_IDLE_TIMEOUT]) * HZ;
	if (tb[L4LB_SVC_A_SCHED_FLAGS])
		conf->sched_flags = nla_get_u32(tb[L4LB_SVC_A_SCHED_FLAGS]);
	return 0;
}

/*
 * The scheduler flags of @conf against @sched, the scheduler the service
 * has once the request is done. Flags the request gave (in @attr) that it
 * does not take are refused; flags kept from a scheduler that took them
 * go with it (sh's to rr: dropped, sh's to mh: kept).
 */
int l4lb_nl_sched_flags(struct l4lb_svc_conf *conf,
			const struct l4lb_sched_ops *sched,
			const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	if (!(conf->sched_flags & ~sched->flags))
		return 0;
	if (!attr) {
		conf->sched_flags &= sched->flags;
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "scheduler flags (fallback, port) are only for the sh and mh schedulers");
	return -EINVAL;
}

static int l4lb_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_svc_conf conf = L4LB_NL_SVC_CONF_INIT;
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	const struct l4lb_sched_ops *sched;
	struct l4lb_service *svc;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_nl_svc_key(info->attrs[L4LB_A_SERVICE], &key, tb,
			      info->extack);
	if (!err)
		err = l4lb_nl_svc_conf(tb, key.af, &conf, info->extack);
	if (!err)
		err = l4lb_nl_sched(tb[L4LB_SVC_A_SCHED_NAME], &sched,
				    info->extack);
	if (!err)
		err = l4lb_nl_sched_flags(&conf, sched,
					  tb[L4LB_SVC_A_SCHED_FLAGS],
					  info->extack);
	if (err)
		return err;

	mutex_lock(&ln->lock);
	svc = l4lb_net_add_service(ln, &key, sched, &conf, info->extack);
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
	l4lb_nl_svc_conf_of(svc, &conf);
	err = l4lb_nl_svc_conf(tb, svc->key.af, &conf, info->extack);
	if (!err)
		err = l4lb_nl_sched_flags(&conf, sched ?: svc->sched,
					  tb[L4LB_SVC_A_SCHED_FLAGS],
					  info->extack);
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

/*
 * Check a real server's identity from either family: its family @af, its
 * address @addr as copied from @a->addr, and @port; @a names the
 * attributes, for the extack.
 */
int l4lb_nl_dest_check(u16 af, union nf_inet_addr *addr, __be16 port,
		       const struct l4lb_nl_dest_attrs *a,
		       struct netlink_ext_ack *extack)
{
	if (af != AF_INET && af != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, a->af,
				    "real server family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (!l4lb_nl_addr_ok(af, addr, false)) {
		NL_SET_ERR_MSG_ATTR(extack, a->addr,
				    "real server address must be a non-loopback unicast address");
		return -EINVAL;
	}
	/* As IPVS: without an interface, a link-local address names no host. */
	if (af == AF_INET6 && ipv6_addr_type(&addr->in6) & IPV6_ADDR_LINKLOCAL) {
		NL_SET_ERR_MSG_ATTR(extack, a->addr,
				    "real server address must not be link-local");
		return -EINVAL;
	}
	if (!port) {
		NL_SET_ERR_MSG_ATTR(extack, a->port,
				    "real server port must not be 0");
		return -EINVAL;
	}
	return 0;
}

/*
 * The real server a request names: its family (the service's unless
 * L4LB_DEST_A_AF says otherwise), address and port.
 */
static int l4lb_nl_dest_parse(struct genl_info *info,
			      struct l4lb_service *svc, struct nlattr **tb,
			      u8 *af, union nf_inet_addr *addr, __be16 *port)
{
	struct nlattr *nest = info->attrs[L4LB_A_DEST];
	struct l4lb_nl_dest_attrs attrs;
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
	*af = tb[L4LB_DEST_A_AF] ? nla_get_u16(tb[L4LB_DEST_A_AF]) :
				   svc->key.af;
	nla_memcpy(addr, tb[L4LB_DEST_A_ADDR], sizeof(*addr));
	*port = tb[L4LB_DEST_A_PORT] ? nla_get_be16(tb[L4LB_DEST_A_PORT]) :
				       svc->key.port;
	attrs = (struct l4lb_nl_dest_attrs) {
		.af	= tb[L4LB_DEST_A_AF],
		.addr	= tb[L4LB_DEST_A_ADDR],
		.port	= tb[L4LB_DEST_A_PORT],
	};
	return l4lb_nl_dest_check(*af, addr, *port, &attrs, info->extack);
}

/*
 * Check a dest's forwarding method: DR and TUN deliver the packet as the
 * client sent it, so they cannot map ports, and they need a route.
 */
int l4lb_nl_fwd_check(struct genl_info *info, struct l4lb_service *svc,
		      struct nlattr *attr, u8 fwd, u8 af,
		      const union nf_inet_addr *addr, __be16 port)
{
	/* As IPVS: only a tunnel can carry a packet to the other family. */
	if (af != svc->key.af && fwd != L4LB_FWD_TUNNEL) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "a real server of the other address family needs tunnelling (-i)");
		return -EINVAL;
	}
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
	return l4lb_dest_check_route(genl_info_net(info), af, addr, fwd,
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
	u8 af;

	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (err)
		goto out;
	err = l4lb_nl_dest_parse(info, svc, tb, &af, &addr, &port);
	if (err)
		goto out;
	if (tb[L4LB_DEST_A_FWD_METHOD])
		fwd = nla_get_u8(tb[L4LB_DEST_A_FWD_METHOD]);
	err = l4lb_nl_fwd_check(info, svc, tb[L4LB_DEST_A_FWD_METHOD], fwd,
				af, &addr, port);
	if (err)
		goto out;
	if (tb[L4LB_DEST_A_WEIGHT])
		weight = nla_get_u32(tb[L4LB_DEST_A_WEIGHT]);
	dest = l4lb_dest_add(svc, af, &addr, port, fwd, weight, info->extack);
	err = PTR_ERR_OR_ZERO(dest);
out:
	mutex_unlock(&ln->lock);
	return err;
}

/* The server of @svc with this identity (in @nest, for the extack). */
struct l4lb_dest *l4lb_nl_dest_lookup(struct l4lb_service *svc, u8 af,
				      const union nf_inet_addr *addr,
				      __be16 port, const struct nlattr *nest,
				      struct netlink_ext_ack *extack)
{
	struct l4lb_dest *dest;

	dest = l4lb_dest_find(svc, af, addr, port);
	if (!dest) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "no such real server in this service");
		return ERR_PTR(-ENOENT);
	}
	return dest;
}

/* Find the service and then the server a request names; under ln->lock. */
static struct l4lb_dest *l4lb_nl_dest_find(struct l4lb_net *ln,
					   struct genl_info *info,
					   struct nlattr **tb)
{
	union nf_inet_addr addr;
	struct l4lb_service *svc;
	__be16 port;
	int err;
	u8 af;

	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	if (IS_ERR(svc))
		return ERR_CAST(svc);
	err = l4lb_nl_dest_parse(info, svc, tb, &af, &addr, &port);
	if (err)
		return ERR_PTR(err);
	return l4lb_nl_dest_lookup(svc, af, &addr, port,
				   info->attrs[L4LB_A_DEST], info->extack);
}

static int l4lb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_DEST_A_MAX + 1];
	struct l4lb_dest *dest;
	u32 weight;
	int err;
	u8 fwd;

	mutex_lock(&ln->lock);
	dest = l4lb_nl_dest_find(ln, info, tb);
	err = PTR_ERR_OR_ZERO(dest);
	if (err)
		goto out;
	fwd = dest->fwd;
	if (tb[L4LB_DEST_A_FWD_METHOD])
		fwd = nla_get_u8(tb[L4LB_DEST_A_FWD_METHOD]);
	err = l4lb_nl_fwd_check(info, dest->svc, tb[L4LB_DEST_A_FWD_METHOD],
				fwd, dest->af, &dest->addr, dest->port);
	if (err)
		goto out;
	weight = tb[L4LB_DEST_A_WEIGHT] ? nla_get_u32(tb[L4LB_DEST_A_WEIGHT]) :
					  dest->weight;
	l4lb_dest_edit(dest, fwd, weight);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct nlattr *tb[L4LB_DEST_A_MAX + 1];
	struct l4lb_dest *dest;

	mutex_lock(&ln->lock);
	dest = l4lb_nl_dest_find(ln, info, tb);
	if (!IS_ERR(dest))
		l4lb_dest_del(dest);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(dest);
}

static int l4lb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);

	mutex_lock(&ln->lock);
	l4lb_service_flush(ln);
	mutex_unlock(&ln->lock);
	return 0;
}

static void l4lb_nl_zero_service(struct l4lb_service *svc)
{
	struct l4lb_dest *dest;

	l4lb_stats_zero(svc->stats, &svc->stats_base);
	list_for_each_entry(dest, &svc->dests, list)
		l4lb_stats_zero(dest->stats, &dest->stats_base);
}

/* Zero the counters of @svc, or of every service without one; under lock. */
void l4lb_nl_zero(struct l4lb_net *ln, struct l4lb_service *svc)
{
	lockdep_assert_held(&ln->lock);
	if (svc) {
		l4lb_nl_zero_service(svc);
		return;
	}
	list_for_each_entry(svc, &ln->services, list)
		l4lb_nl_zero_service(svc);
}

static int l4lb_nl_zero_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_service *svc = NULL;
	struct l4lb_net *ln = l4lb_info_net(info);

	mutex_lock(&ln->lock);
	if (info->attrs[L4LB_A_SERVICE])
		svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE],
				       info->extack);
	if (!IS_ERR(svc))
		l4lb_nl_zero(ln, svc);
	mutex_unlock(&ln->lock);
	return PTR_ERR_OR_ZERO(svc);
}

/* Set the timeouts the u32 seconds of @tcp, @tcp_fin, @udp give; 0 keeps. */
void l4lb_nl_set_timeouts(struct l4lb_net *ln, struct nlattr *tcp,
			  struct nlattr *tcp_fin, struct nlattr *udp)
{
	const struct {
		struct nlattr *attr;
		enum l4lb_timeout slot;
	} map[] = {
		{ tcp,		L4LB_TO_TCP_ESTABLISHED },
		{ tcp_fin,	L4LB_TO_TCP_FIN_WAIT },
		{ udp,		L4LB_TO_UDP },
	};
	int i;

	mutex_lock(&ln->lock);
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].attr && nla_get_u32(map[i].attr))
			WRITE_ONCE(ln->timeouts[map[i].slot],
				   nla_get_u32(map[i].attr) * HZ);
	mutex_unlock(&ln->lock);
}

static int l4lb_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	l4lb_nl_set_timeouts(l4lb_info_net(info),
			     info->attrs[L4LB_A_TIMEOUT_TCP],
			     info->attrs[L4LB_A_TIMEOUT_TCP_FIN],
			     info->attrs[L4LB_A_TIMEOUT_UDP]);
	return 0;
}

static const struct genl_ops l4lb_genl_ops[] = {
	{
		.cmd	= L4LB_CMD_GET_INFO,
		.policy	= l4lb_noattr_policy,
		.maxattr = ARRAY_SIZE(l4lb_noattr_policy) - 1,
		.doit	= l4lb_nl_get_info,
	},
	{
		.cmd	= L4LB_CMD_NEW_SERVICE,
		.policy	= l4lb_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_svc_cmd_policy) - 1,
		.doit	= l4lb_nl_new_service,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_SERVICE,
		.policy	= l4lb_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_svc_cmd_policy) - 1,
		.doit	= l4lb_nl_set_service,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_SERVICE,
		.policy	= l4lb_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_svc_cmd_policy) - 1,
		.doit	= l4lb_nl_del_service,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_SERVICE,
		.policy	= l4lb_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_svc_cmd_policy) - 1,
		.doit	= l4lb_nl_get_service,
		.dumpit	= l4lb_nl_dump_services,
	},
	{
		.cmd	= L4LB_CMD_NEW_DEST,
		.policy	= l4lb_dest_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_dest_cmd_policy) - 1,
		.doit	= l4lb_nl_new_dest,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_DEST,
		.policy	= l4lb_dest_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_dest_cmd_policy) - 1,
		.doit	= l4lb_nl_set_dest,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_DEST,
		.policy	= l4lb_dest_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_dest_cmd_policy) - 1,
		.doit	= l4lb_nl_del_dest,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_DEST,
		.policy	= l4lb_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_svc_cmd_policy) - 1,
		.dumpit	= l4lb_nl_dump_dests,
	},
	{
		.cmd	= L4LB_CMD_FLUSH,
		.policy	= l4lb_noattr_policy,
		.maxattr = ARRAY_SIZE(l4lb_noattr_policy) - 1,
		.doit	= l4lb_nl_flush,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_ZERO,
		.policy	= l4lb_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(l4lb_svc_cmd_policy) - 1,
		.doit	= l4lb_nl_zero_cmd,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_CONN,
		.policy	= l4lb_noattr_policy,
		.maxattr = ARRAY_SIZE(l4lb_noattr_policy) - 1,
		.start	= l4lb_nl_conn_start,
		.dumpit	= l4lb_nl_dump_conns,
		.done	= l4lb_nl_conn_done,
	},
	{
		.cmd	= L4LB_CMD_SET_CONFIG,
		.policy	= l4lb_config_policy,
		.maxattr = ARRAY_SIZE(l4lb_config_policy) - 1,
		.doit	= l4lb_nl_set_config,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_CONFIG,
		.policy	= l4lb_noattr_policy,
		.maxattr = ARRAY_SIZE(l4lb_noattr_policy) - 1,
		.doit	= l4lb_nl_get_config,
	},
};

struct genl_family l4lb_genl_family __ro_after_init = {
	.name		= L4LB_GENL_NAME,
	.version	= L4LB_GENL_VERSION,
	.maxattr	= L4LB_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= l4lb_genl_ops,
	.n_ops		= ARRAY_SIZE(l4lb_genl_ops),
};

int __init l4lb_genl_init(void)
{
	l4lb_nl_sched_msg_init();
	return genl_register_family(&l4lb_genl_family);
}

void l4lb_genl_exit(void)
{
	genl_unregister_family(&l4lb_genl_family);
}
