// SPDX-License-Identifier: GPL-2.0
/*
 * net.l4lb.* sysctls, one set per netns. Every knob has a validated range:
 * a write outside it is refused with EINVAL, never clamped.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "netns.h"

#define L4LB_BOOL(name) {						\
	.procname	= #name,					\
	.data		= &((struct l4lb_sysctl *)NULL)->name,		\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= SYSCTL_ZERO,					\
	.extra2		= SYSCTL_ONE,					\
}

static const struct ctl_table l4lb_sysctl_template[] = {
	L4LB_BOOL(expire_nodest_conn),
	L4LB_BOOL(expire_quiescent_template),
	L4LB_BOOL(conn_reuse_mode),
	L4LB_BOOL(sloppy_tcp),
	{
		.procname	= "conn_max",
		.data		= &((struct l4lb_sysctl *)NULL)->conn_max,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{ }
};

int l4lb_sysctl_init(struct l4lb_net *ln)
{
	struct ctl_table *tbl;
	int i;

	ln->sysctl.conn_reuse_mode = 1;

	tbl = kmemdup(l4lb_sysctl_template, sizeof(l4lb_sysctl_template),
		      GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return -ENOMEM;
	/* The template holds offsets into struct l4lb_sysctl: rebase them. */
	for (i = 0; tbl[i].procname; i++)
		tbl[i].data = (char *)&ln->sysctl + (uintptr_t)tbl[i].data;
	ln->sysctl_hdr = register_net_sysctl(ln->net, "net/l4lb", tbl);
	if (!ln->sysctl_hdr) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}

void l4lb_sysctl_exit(struct l4lb_net *ln)
{
	struct ctl_table *tbl = ln->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(ln->sysctl_hdr);
	kfree(tbl);
}
