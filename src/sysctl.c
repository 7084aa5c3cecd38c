// SPDX-License-Identifier: GPL-2.0
/*
 * net.l4lb.* sysctls, one set per netns. Every knob has a validated range:
 * a write outside it is refused with EINVAL, never clamped. With
 * ipvs_abi=1 the knobs IPVS has too are also net.ipv4.vs.*, IPVS's names
 * for the same settings, so that its tools and sysctl.conf lines work.
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

/* Those IPVS has, with the same meaning: net.ipv4.vs.*. */
static const struct ctl_table l4lb_ipvs_sysctl_template[] = {
	L4LB_BOOL(expire_nodest_conn),
	L4LB_BOOL(expire_quiescent_template),
	L4LB_BOOL(conn_reuse_mode),
	L4LB_BOOL(sloppy_tcp),
	{ }
};

/* Register a copy of @tmpl, @size bytes, as @path for the netns of @ln. */
static struct ctl_table_header *l4lb_sysctl_register(struct l4lb_net *ln,
						     const char *path,
						     const struct ctl_table *tmpl,
						     size_t size)
{
	struct ctl_table_header *hdr;
	struct ctl_table *tbl;
	int i;

	tbl = kmemdup(tmpl, size, GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return NULL;
	/* The template holds offsets into struct l4lb_sysctl: rebase them. */
	for (i = 0; tbl[i].procname; i++)
		tbl[i].data = (char *)&ln->sysctl + (uintptr_t)tbl[i].data;
	hdr = register_net_sysctl(ln->net, path, tbl);
	if (!hdr)
		kfree(tbl);
	return hdr;
}

static void l4lb_sysctl_unregister(struct ctl_table_header *hdr)
{
	struct ctl_table *tbl = hdr->ctl_table_arg;

	unregister_net_sysctl_table(hdr);
	kfree(tbl);
}

int l4lb_sysctl_init(struct l4lb_net *ln)
{
	ln->sysctl.conn_reuse_mode = 1;
	ln->sysctl_hdr = l4lb_sysctl_register(ln, "net/l4lb",
					      l4lb_sysctl_template,
					      sizeof(l4lb_sysctl_template));
	return ln->sysctl_hdr ? 0 : -ENOMEM;
}

void l4lb_sysctl_exit(struct l4lb_net *ln)
{
	l4lb_sysctl_unregister(ln->sysctl_hdr);
}

/*
 * net.ipv4.vs.*, once the "IPVS" family is ours (ipvs_nl.c): while ip_vs
 * is loaded the names are its own.
 */
int l4lb_sysctl_ipvs_init(struct l4lb_net *ln)
{
	ln->ipvs_sysctl_hdr = l4lb_sysctl_register(ln, "net/ipv4/vs",
						   l4lb_ipvs_sysctl_template,
						   sizeof(l4lb_ipvs_sysctl_template));
	return ln->ipvs_sysctl_hdr ? 0 : -ENOMEM;
}

void l4lb_sysctl_ipvs_exit(struct l4lb_net *ln)
{
	l4lb_sysctl_unregister(ln->ipvs_sysctl_hdr);
}
