/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks (hooks.c); netns.c says when they are on. */
#ifndef _L4LB_HOOKS_H
#define _L4LB_HOOKS_H

struct net;

int l4lb_hooks_register(struct net *net);
void l4lb_hooks_unregister(struct net *net);

#endif /* _L4LB_HOOKS_H */
