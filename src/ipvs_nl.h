/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "IPVS" generic-netlink family (ipvs_nl.c, ipvs_nl_show.c) and
 * IPVS's /proc files (ipvs_proc.c), all only with ipvs_abi=1.
 */
#ifndef _L4LB_IPVS_NL_H
#define _L4LB_IPVS_NL_H

int l4lb_ipvs_init(void);
void l4lb_ipvs_exit(void);

/* Between ipvs_nl.c (requests) and ipvs_nl_show.c (replies, dumps). */
struct genl_info;
struct netlink_callback;
struct nlattr;
struct sk_buff;
struct l4lb_net;
struct l4lb_service;
struct l4lb_svc_key;

/* IPVS's scheduler flags 1 and 2, SCHED_SH/MH_FALLBACK and _PORT, are ours << 3. */
#define L4LB_IPVS_SCHED_SHIFT	3

extern struct genl_family l4lb_ipvs_family;
int l4lb_ipvs_svc_key(struct nlattr *nest, struct nlattr **tb,
		      struct l4lb_svc_key *key, struct netlink_ext_ack *extack);
struct l4lb_service *l4lb_ipvs_svc_find(struct l4lb_net *ln,
					struct genl_info *info,
					struct nlattr **tb);
int l4lb_ipvs_get_service(struct sk_buff *skb, struct genl_info *info);
int l4lb_ipvs_dump_services(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_ipvs_dump_dests(struct sk_buff *skb, struct netlink_callback *cb);
int l4lb_ipvs_get_config(struct sk_buff *skb, struct genl_info *info);
int l4lb_ipvs_get_info(struct sk_buff *skb, struct genl_info *info);

/* ipvs_proc.c: /proc/net/ip_vs* in every netns, while registered. */
#ifdef CONFIG_PROC_FS
int l4lb_ipvs_proc_init(void);
void l4lb_ipvs_proc_exit(void);
#else
static inline int l4lb_ipvs_proc_init(void)
{
	return 0;
}

static inline void l4lb_ipvs_proc_exit(void)
{
}
#endif

#endif /* _L4LB_IPVS_NL_H */
