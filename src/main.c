// SPDX-License-Identifier: GPL-2.0
/*
 * l4lb: a layer-4 load balancer in the style of LVS/IPVS.
 * Module init and exit only; each concern lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

#include "conn.h"
#include "ipvs_nl.h"
#include "netlink.h"
#include "netns.h"
#include "selftest.h"
#include "xmit.h"

static int __init l4lb_init(void)
{
	int err;

	err = l4lb_selftest();
	if (err)
		return err;
	err = l4lb_conn_module_init();
	if (err)
		return err;
	err = register_pernet_subsys(&l4lb_net_ops);
	if (err)
		goto err_conn;
	err = l4lb_xmit_init();
	if (err)
		goto err_pernet;
	err = l4lb_genl_init();
	if (err)
		goto err_xmit;
	err = l4lb_ipvs_init();
	if (err)
		goto err_genl;
	pr_info("version " L4LB_VERSION " loaded\n");
	return 0;

err_genl:
	l4lb_genl_exit();
err_xmit:
	l4lb_xmit_exit();
err_pernet:
	unregister_pernet_subsys(&l4lb_net_ops);
err_conn:
	l4lb_conn_module_exit();
	return err;
}

static void __exit l4lb_exit(void)
{
	l4lb_ipvs_exit();
	l4lb_genl_exit();
	l4lb_xmit_exit();
	unregister_pernet_subsys(&l4lb_net_ops);
	/*
	 * A dest's RCU callback may queue its service's: one barrier for
	 * connections and dests, one for the services they released.
	 */
	rcu_barrier();
	rcu_barrier();
	l4lb_conn_module_exit();
}

module_init(l4lb_init);
module_exit(l4lb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Layer-4 load balancer (LVS/IPVS style)");
MODULE_VERSION(L4LB_VERSION);
MODULE_ALIAS_GENL_FAMILY(L4LB_GENL_NAME);
