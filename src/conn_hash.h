/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hash table under the connection table (conn_hash.c): private to
 * conn.c, which owns the connections' lifecycle.
 */
#ifndef _L4LB_CONN_HASH_H
#define _L4LB_CONN_HASH_H

#include "conn.h"

void l4lb_conn_hash_module_init(void);
int l4lb_conn_hash_init(struct l4lb_net *ln);
void l4lb_conn_hash_destroy(struct l4lb_net *ln);
struct l4lb_conn *l4lb_conn_hash_add(struct l4lb_net *ln,
				     struct l4lb_conn *cp);
void l4lb_conn_hash_del(struct l4lb_net *ln, struct l4lb_conn *cp);
bool l4lb_conn_same_flow(const struct l4lb_conn *a,
			 const struct l4lb_conn *b);
bool l4lb_conn_hash_check(struct l4lb_net *ln);

#endif /* _L4LB_CONN_HASH_H */
