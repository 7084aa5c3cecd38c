/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "IPVS" generic-netlink family (ipvs_nl.c) and IPVS's /proc files
 * (ipvs_proc.c), both only with the module parameter ipvs_abi=1.
 */
#ifndef _L4LB_IPVS_NL_H
#define _L4LB_IPVS_NL_H

int l4lb_ipvs_init(void);
void l4lb_ipvs_exit(void);

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
