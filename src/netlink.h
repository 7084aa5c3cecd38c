/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "l4lb" generic-netlink family: requests (netlink.c) and replies and
 * dumps (netlink_show.c).
 */
#ifndef _L4LB_NETLINK_H
#define _L4LB_NETLINK_H

#include <net/genetlink.h>

#include "netns.h"

struct l4lb_service;

extern struct genl_family l4lb_genl_family;

int l4lb_genl_init(void);
void l4lb_genl_exit(void);

static inline struct l4lb_net *l4lb_info_net(struct genl_info *info)
{
	return l4lb_pernet(genl_info_net(info));
}

struct l4lb_service *l4lb_nl_svc_find(struct l4lb_net *ln, struct nlattr *nest,
				      struct netlink_ext_ack *extack);

int l4lb_nl_get_service(struct sk_buff *skb, struct genl_info *info);
int l4lb_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_nl_conn_start(struct netlink_callback *cb);
int l4lb_nl_conn_done(struct netlink_callback *cb);
int l4lb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_nl_get_config(struct sk_buff *skb, struct genl_info *info);
int l4lb_nl_get_info(struct sk_buff *skb, struct genl_info *info);

#endif /* _L4LB_NETLINK_H */
