/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "IPVS" generic-netlink family (ipvs_nl.c), registered only with the
 * module parameter ipvs_abi=1.
 */
#ifndef _L4LB_IPVS_NL_H
#define _L4LB_IPVS_NL_H

int l4lb_ipvs_init(void);
void l4lb_ipvs_exit(void);

#endif /* _L4LB_IPVS_NL_H */
