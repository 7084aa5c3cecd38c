/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "l4lb" generic-netlink family: requests (netlink.c) and replies and
 * dumps (netlink_show.c); and the request checks netlink.c shares with
 * the "IPVS" family (ipvs_nl.c), so that both accept the same services.
 */
#ifndef _L4LB_NETLINK_H
#define _L4LB_NETLINK_H

#include <net/genetlink.h>

#include "netns.h"

struct l4lb_dest;
struct l4lb_sched_ops;
struct l4lb_service;
struct l4lb_svc_conf;
struct l4lb_svc_key;

extern struct genl_family l4lb_genl_family;

int l4lb_genl_init(void);
void l4lb_genl_exit(void);

static inline struct l4lb_net *l4lb_info_net(struct genl_info *info)
{
	return l4lb_pernet(genl_info_net(info));
}

struct l4lb_service *l4lb_nl_svc_lookup(struct l4lb_net *ln,
					const struct l4lb_svc_key *key,
					const struct nlattr *nest,
					struct netlink_ext_ack *extack);
struct l4lb_dest *l4lb_nl_dest_lookup(struct l4lb_service *svc, u8 af,
				      const union nf_inet_addr *addr,
				      __be16 port, const struct nlattr *nest,
				      struct netlink_ext_ack *extack);
struct l4lb_service *l4lb_nl_svc_find(struct l4lb_net *ln, struct nlattr *nest,
				      struct netlink_ext_ack *extack);

/* Shared with ipvs_nl.c: bounds, and checks of values either family gave. */
extern struct netlink_range_validation l4lb_nl_idle_range;
extern struct netlink_range_validation l4lb_nl_weight_range;
extern struct netlink_range_validation l4lb_nl_timeout_range;

/* A new service's settings before its request's: ipvsadm's defaults. */
#define L4LB_NL_SVC_CONF_INIT {			\
	.netmask		= htonl(0xffffffff),	\
	.plen			= 128,			\
	.persist_timeout	= 360 * HZ,		\
}

/* The attributes a service's or a server's identity came in (extack). */
struct l4lb_nl_svc_attrs {
	const struct nlattr *af, *protocol, *addr, *port;
};

struct l4lb_nl_dest_attrs {
	const struct nlattr *af, *addr, *port;
};

int l4lb_nl_svc_key_check(struct l4lb_svc_key *key, u16 af,
			  const struct l4lb_nl_svc_attrs *a,
			  struct netlink_ext_ack *extack);
int l4lb_nl_sched(struct nlattr *attr, const struct l4lb_sched_ops **sched,
		  struct netlink_ext_ack *extack);
int l4lb_nl_persist_timeout(const struct nlattr *attr,
			    struct l4lb_svc_conf *conf,
			    struct netlink_ext_ack *extack);
int l4lb_nl_netmask(const struct nlattr *attr, struct l4lb_svc_conf *conf,
		    struct netlink_ext_ack *extack);
void l4lb_nl_svc_conf_of(const struct l4lb_service *svc,
			 struct l4lb_svc_conf *conf);
int l4lb_nl_sched_flags(struct l4lb_svc_conf *conf,
			const struct l4lb_sched_ops *sched,
			const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int l4lb_nl_dest_check(u16 af, union nf_inet_addr *addr, __be16 port,
		       const struct l4lb_nl_dest_attrs *a,
		       struct netlink_ext_ack *extack);
int l4lb_nl_fwd_check(struct genl_info *info, struct l4lb_service *svc,
		      struct nlattr *attr, u8 fwd, u8 af,
		      const union nf_inet_addr *addr, __be16 port);
void l4lb_nl_zero(struct l4lb_net *ln, struct l4lb_service *svc);
void l4lb_nl_set_timeouts(struct l4lb_net *ln, struct nlattr *tcp,
			  struct nlattr *tcp_fin, struct nlattr *udp);

/* netlink_show.c, for both families' replies and dumps */
void *l4lb_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
		       const struct genl_family *family, u8 cmd);
bool l4lb_nl_dump_end(struct sk_buff *skb, void *hdr, int err);
int l4lb_nl_dump_svc_list(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct genl_family *family, u8 cmd,
			  int (*fill)(struct sk_buff *skb,
				      struct l4lb_service *svc));
void l4lb_nl_dump_dest_list(struct sk_buff *skb, struct netlink_callback *cb,
			    struct l4lb_service *svc,
			    const struct genl_family *family, u8 cmd,
			    int (*fill)(struct sk_buff *skb,
					struct l4lb_dest *dest));
int l4lb_nl_put_timeouts(struct sk_buff *msg, struct l4lb_net *ln,
			 int tcp, int fin, int udp);
int l4lb_nl_reply(struct genl_info *info, const struct genl_family *family,
		  u8 cmd, int (*fill)(struct sk_buff *msg, struct l4lb_net *ln));

int l4lb_nl_get_service(struct sk_buff *skb, struct genl_info *info);
int l4lb_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_nl_conn_start(struct netlink_callback *cb);
int l4lb_nl_conn_done(struct netlink_callback *cb);
int l4lb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_nl_get_config(struct sk_buff *skb, struct genl_info *info);
int l4lb_nl_get_info(struct sk_buff *skb, struct genl_info *info);

#endif /* _L4LB_NETLINK_H */
