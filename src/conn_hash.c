// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table's hash table: one node per connection, found from
 * both directions, as IPVS does. A flow is hashed by its client side
 * (address, port, protocol), which requests carry as source and replies
 * as destination; a persistence template by its masked client address.
 * hsiphash under a boot-time random key keeps clients from aiming
 * collisions. Chains are unbounded: the one chain a client can lengthen
 * at will is its own address and port, once per virtual service.
 *
 * Lookups are RCU only. Writers take one of L4LB_CONN_LOCKS spinlocks,
 * chosen by the hash's low bits; since a table never has fewer buckets
 * than locks, a bucket keeps its lock across resizes.
 *
 * The table is sized to the number of connections by a worker, off the
 * packet path, a stripe of buckets at a time: it publishes the next table,
 * waits a grace period, then moves each stripe under its lock and marks it
 * moved, for writers. Lookups never lock, as in rhashtable: the resizer
 * moves a chain's last entry first, into the next table before out of
 * this one, so an entry is always in one of the two, and a lookup that
 * misses looks in the next table too. A reader on an entry as it moves
 * carries on into its new chain: what followed it had moved already.
 */
#include <linux/log2.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "conn_hash.h"
#include "service.h"

#define L4LB_CONN_LOCKS		256
#define L4LB_CONN_TAB_MIN	L4LB_CONN_LOCKS
#define L4LB_CONN_TAB_MAX	(1U << 23)
#define L4LB_CONN_SHRINK_DELAY	(10 * HZ)

struct l4lb_conn_tab {
	unsigned int mask;			/* buckets - 1 */
	struct l4lb_conn_tab __rcu *next;	/* being moved to, or NULL */
	DECLARE_BITMAP(moved, L4LB_CONN_LOCKS);	/* stripes now in next */
	struct rcu_head rcu;
	struct hlist_head bucket[];
};

static hsiphash_key_t l4lb_conn_key __read_mostly;

void l4lb_conn_hash_module_init(void)
{
	get_random_bytes(&l4lb_conn_key, sizeof(l4lb_conn_key));
}

/*
 * The client side of a flow, or the masked client of a template: what
 * both directions of a flow carry.
 */
static u32 l4lb_hash(const union nf_inet_addr *addr, __be16 port, u8 af,
		     u8 protocol, bool tmpl)
{
	u32 rest = (u32)tmpl << 24 | (u32)af << 16 | (u32)protocol << 8;
	struct {
		union nf_inet_addr addr;
		u32 rest;
	} key;

	if (af == AF_INET)
		return hsiphash_3u32((__force u32)addr->ip, (__force u32)port,
				     rest, &l4lb_conn_key);
	key.addr = *addr;
	key.rest = rest | (__force u16)port;
	return hsiphash(&key, sizeof(key), &l4lb_conn_key);
}

/* The hash of the connection @t belongs to, for l4lb_conn_find(). */
u32 l4lb_conn_hash(const struct l4lb_tuple *t)
{
	if (t->dir == L4LB_DIR_REPLY)
		return l4lb_hash(&t->dst, t->dport, t->af, t->protocol, false);
	return l4lb_hash(&t->src, t->sport, t->af, t->protocol,
			 t->dir == L4LB_DIR_TEMPLATE);
}

/*
 * @cp is the connection of @t. A reply's server side lives in the dest:
 * it is compared last, so only the flow sought costs a second cache line.
 * Only NAT flows have replies to undo: a DR or TUN server answers from
 * the VIP, and a packet from its own address is no reply of ours.
 */
static bool l4lb_conn_match(const struct l4lb_conn *cp,
			    const struct l4lb_tuple *t)
{
	bool tmpl = cp->flags & L4LB_CONN_F_TEMPLATE;
	const struct l4lb_dest *dest;

	if (t->protocol != cp->protocol || t->af != cp->af)
		return false;
	if (t->dir == L4LB_DIR_REPLY) {
		if (tmpl || cp->fwd != L4LB_FWD_MASQ || t->dport != cp->cport ||
		    !nf_inet_addr_cmp(&t->dst, &cp->caddr))
			return false;
		dest = cp->dest;
		return t->sport == dest->port && dest->af == t->af &&
		       nf_inet_addr_cmp(&t->src, &dest->addr);
	}
	return tmpl == (t->dir == L4LB_DIR_TEMPLATE) &&
	       t->sport == cp->cport && t->dport == cp->vport &&
	       nf_inet_addr_cmp(&t->src, &cp->caddr) &&
	       nf_inet_addr_cmp(&t->dst, &cp->vaddr);
}

/* Same client side, same kind. */
static bool l4lb_conn_same_client(const struct l4lb_conn *a,
				  const struct l4lb_conn *b)
{
	return a->hash == b->hash && a->cport == b->cport &&
	       a->protocol == b->protocol && a->af == b->af &&
	       (a->flags & L4LB_CONN_F_TEMPLATE) ==
	       (b->flags & L4LB_CONN_F_TEMPLATE) &&
	       nf_inet_addr_cmp(&a->caddr, &b->caddr);
}

/* Requests of @a would be requests of @b: one flow (or one template). */
bool l4lb_conn_same_flow(const struct l4lb_conn *a, const struct l4lb_conn *b)
{
	return l4lb_conn_same_client(a, b) && a->vport == b->vport &&
	       nf_inet_addr_cmp(&a->vaddr, &b->vaddr);
}

/*
 * Replies of flow @a would be replies of flow @b. Only NAT flows are
 * found by their replies: two DR or TUN flows from one client port to
 * one server through two VIPs are two flows to that server.
 */
static bool l4lb_conn_same_reply(const struct l4lb_conn *a,
				 const struct l4lb_conn *b)
{
	return a->fwd == L4LB_FWD_MASQ && b->fwd == L4LB_FWD_MASQ &&
	       l4lb_conn_same_client(a, b) &&
	       !(a->flags & L4LB_CONN_F_TEMPLATE) &&
	       a->dest->port == b->dest->port &&
	       nf_inet_addr_cmp(&a->dest->addr, &b->dest->addr);
}

static spinlock_t *l4lb_conn_lock(struct l4lb_net *ln, u32 hash)
{
	return &ln->conn_locks[hash & (L4LB_CONN_LOCKS - 1)];
}

/* The table that holds @hash's stripe, under the stripe's lock. */
static struct l4lb_conn_tab *l4lb_tab_locked(struct l4lb_conn_tab *tab,
					     u32 hash)
{
	struct l4lb_conn_tab *next;

	while ((next = rcu_dereference_check(tab->next, 1)) &&
	       test_bit(hash & (L4LB_CONN_LOCKS - 1), tab->moved))
		tab = next;
	return tab;
}

static struct l4lb_conn *l4lb_tab_find(struct l4lb_conn_tab *tab, u32 hash,
				       const struct l4lb_tuple *t)
{
	struct l4lb_conn *cp;

	hlist_for_each_entry_rcu(cp, &tab->bucket[hash & tab->mask], node,
				 true)
		if (cp->hash == hash && l4lb_conn_match(cp, t))
			return cp;
	return NULL;
}

/* The connection of @t, whose l4lb_conn_hash() is @hash; under RCU. */
struct l4lb_conn *l4lb_conn_find(struct l4lb_net *ln,
				 const struct l4lb_tuple *t, u32 hash)
{
	struct l4lb_conn_tab *tab = rcu_dereference(ln->conn_tab);
	struct l4lb_conn *cp;

	do {
		cp = l4lb_tab_find(tab, hash, t);
		if (cp)
			return cp;
		/* An entry seen gone from @tab is in the next one: see it. */
		smp_rmb();
		tab = rcu_dereference(tab->next);
	} while (unlikely(tab));
	return NULL;
}

/*
 * Enter @cp, hashed, in the table, under RCU. Returns NULL, or the live
 * connection in its way: the same flow or template, or a flow with the
 * same reply tuple. A table that has fallen short is resized.
 */
struct l4lb_conn *l4lb_conn_hash_add(struct l4lb_net *ln,
				     struct l4lb_conn *cp)
{
	bool tmpl = cp->flags & L4LB_CONN_F_TEMPLATE;
	spinlock_t *lock = l4lb_conn_lock(ln, cp->hash);
	struct hlist_head *head;
	struct l4lb_conn_tab *tab;
	struct l4lb_conn *old;

	spin_lock_bh(lock);
	tab = l4lb_tab_locked(rcu_dereference(ln->conn_tab), cp->hash);
	head = &tab->bucket[cp->hash & tab->mask];
	hlist_for_each_entry(old, head, node) {
		if (READ_ONCE(old->dead))
			continue;
		if (l4lb_conn_same_flow(old, cp) ||
		    (!tmpl && l4lb_conn_same_reply(old, cp)))
			goto out;
	}
	hlist_add_head_rcu(&cp->node, head);
	spin_unlock_bh(lock);
	/*
	 * l4lb_tab_want()'s growth rule, short of its ceiling, on the
	 * count as last folded: the worker decides on the exact one.
	 */
	if (unlikely(percpu_counter_read(&ln->nr_conns) > tab->mask &&
		     tab->mask < L4LB_CONN_TAB_MAX - 1))
		queue_work(system_unbound_wq, &ln->conn_resize);
	return NULL;
out:
	spin_unlock_bh(lock);
	return old;
}

/* Unlink @cp, which is in the table; readers on it carry on past it. */
void l4lb_conn_hash_del(struct l4lb_net *ln, struct l4lb_conn *cp)
{
	spinlock_t *lock = l4lb_conn_lock(ln, cp->hash);

	spin_lock_bh(lock);
	hlist_del_rcu(&cp->node);
	spin_unlock_bh(lock);
}

static struct l4lb_conn_tab *l4lb_tab_alloc(unsigned int size)
{
	struct l4lb_conn_tab *tab;

	tab = kvzalloc(struct_size(tab, bucket, size),
		       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (tab)
		tab->mask = size - 1;
	return tab;
}

/* What the table's size should be for its connections now. */
static unsigned int l4lb_tab_want(struct l4lb_net *ln, unsigned int size)
{
	unsigned int n = l4lb_conn_count(ln) + atomic_read(&ln->nr_tmpls);

	/* Between 1/8 and 1 connection per bucket; 1/4 to 1/2 after a resize. */
	if (n > size || (n < size / 8 && size > L4LB_CONN_TAB_MIN))
		size = clamp_t(unsigned int, roundup_pow_of_two(n + 1) * 2,
			       L4LB_CONN_TAB_MIN, L4LB_CONN_TAB_MAX);
	return size;
}

/*
 * Ask for a resize if the table's size is off: at once to grow, but to
 * shrink only once it has been too large for L4LB_CONN_SHRINK_DELAY, so
 * that bursts of flows a few seconds apart do not have it shrink and
 * grow again each time (a resize allocates and walks the whole table).
 * Without services no burst can come, and the sweeper stops with the
 * last flow: then at once. The sweeper's, every step. Returns whether
 * it asked.
 */
bool l4lb_conn_hash_check(struct l4lb_net *ln)
{
	struct l4lb_conn_tab *tab;
	unsigned int size, want;

	rcu_read_lock();
	tab = rcu_dereference(ln->conn_tab);
	size = tab->mask + 1;
	rcu_read_unlock();
	want = l4lb_tab_want(ln, size);
	if (want >= size) {
		ln->conn_shrink_at = 0;
		if (want == size)
			return false;
	} else if (READ_ONCE(ln->nr_services) &&
		   (!ln->conn_shrink_at ||
		    time_before(jiffies, ln->conn_shrink_at))) {
		if (!ln->conn_shrink_at)
			ln->conn_shrink_at = (jiffies + L4LB_CONN_SHRINK_DELAY) | 1;
		return false;
	}
	ln->conn_shrink_at = 0;
	queue_work(system_unbound_wq, &ln->conn_resize);
	return true;
}

/*
 * Move the last entry of @head, in a stripe being moved, to the head of
 * its bucket in @new: in there first, so that a lookup that misses it in
 * @head finds it in @new, then out of @head.
 */
static void l4lb_tab_move_last(struct hlist_head *head,
			       struct l4lb_conn_tab *new)
{
	struct hlist_node *n = head->first, **pprev;
	struct hlist_head *to;

	while (n->next)
		n = n->next;
	pprev = n->pprev;
	to = &new->bucket[hlist_entry(n, struct l4lb_conn, node)->hash &
			  new->mask];
	/* A reader on @n carries on into @to's chain, not past its end. */
	rcu_assign_pointer(hlist_next_rcu(n), to->first);
	WRITE_ONCE(n->pprev, &to->first);
	if (to->first)
		WRITE_ONCE(to->first->pprev, &n->next);
	rcu_assign_pointer(hlist_first_rcu(to), n);
	/* Ordered after the above, for l4lb_conn_find()'s smp_rmb(). */
	smp_store_release(pprev, NULL);
}

static void l4lb_conn_resize(struct work_struct *work)
{
	struct l4lb_net *ln = container_of(work, struct l4lb_net, conn_resize);
	struct l4lb_conn_tab *old, *new;
	unsigned int size, s, i;

	/* This worker is the only one to change ln->conn_tab. */
	old = rcu_dereference_protected(ln->conn_tab, 1);
	size = l4lb_tab_want(ln, old->mask + 1);
	if (size == old->mask + 1)
		return;
	new = l4lb_tab_alloc(size);
	if (!new)
		return;		/* a later check asks again */

	rcu_assign_pointer(old->next, new);
	/* From here on, every lookup that misses looks in @new too. */
	synchronize_rcu();
	for (s = 0; s < L4LB_CONN_LOCKS; s++) {
		spin_lock_bh(&ln->conn_locks[s]);
		for (i = s; i <= old->mask; i += L4LB_CONN_LOCKS)
			while (!hlist_empty(&old->bucket[i]))
				l4lb_tab_move_last(&old->bucket[i], new);
		set_bit(s, old->moved);
		spin_unlock_bh(&ln->conn_locks[s]);
		cond_resched();
	}
	rcu_assign_pointer(ln->conn_tab, new);
	kvfree_rcu(old, rcu);
}

int l4lb_conn_hash_init(struct l4lb_net *ln)
{
	struct l4lb_conn_tab *tab;
	int i;

	ln->conn_locks = kvmalloc_array(L4LB_CONN_LOCKS,
					sizeof(*ln->conn_locks),
					GFP_KERNEL_ACCOUNT);
	if (!ln->conn_locks)
		return -ENOMEM;
	for (i = 0; i < L4LB_CONN_LOCKS; i++)
		spin_lock_init(&ln->conn_locks[i]);
	tab = l4lb_tab_alloc(L4LB_CONN_TAB_MIN);
	if (!tab) {
		kvfree(ln->conn_locks);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(ln->conn_tab, tab);
	INIT_WORK(&ln->conn_resize, l4lb_conn_resize);
	return 0;
}

/* The table is empty and nothing adds to it any more. */
void l4lb_conn_hash_destroy(struct l4lb_net *ln)
{
	cancel_work_sync(&ln->conn_resize);
	kvfree(rcu_dereference_protected(ln->conn_tab, 1));
	kvfree(ln->conn_locks);
}

unsigned int l4lb_conn_buckets(struct l4lb_net *ln)
{
	unsigned int size;

	rcu_read_lock();
	size = rcu_dereference(ln->conn_tab)->mask + 1;
	rcu_read_unlock();
	return size;
}

/*
 * The table walker: call @fn on every flow and template from @it's place
 * on, until @fn returns false (that entry stays for the next walk) or
 * @budget entries have been visited, at a bucket's end. Process context;
 * others get to run between buckets. Returns true at the end of the
 * table. A walk is not a snapshot: with the table changing under it, it
 * may miss or repeat an entry, as IPVS's does.
 */
bool l4lb_conn_walk(struct l4lb_net *ln, struct l4lb_conn_iter *it,
		    unsigned int budget,
		    bool (*fn)(struct l4lb_net *ln, struct l4lb_conn *cp,
			       void *arg),
		    void *arg)
{
	unsigned int n = 0;
	bool end = false;

	rcu_read_lock();
	while (n < budget) {
		struct l4lb_conn_tab *tab = rcu_dereference(ln->conn_tab);
		unsigned int size = tab->mask + 1, i = 0;
		struct l4lb_conn *cp;

		if (it->size != size) {
			/* Resized: the same place in the new table. */
			if (it->size)
				it->bucket = (u64)it->bucket * size / it->size;
			it->size = size;
			it->skip = 0;
		}
		if (it->bucket >= size) {
			end = true;
			break;
		}
		hlist_for_each_entry_rcu(cp, &tab->bucket[it->bucket], node) {
			if (i++ < it->skip)
				continue;
			if (!fn(ln, cp, arg))
				goto out;
			it->skip++;
			n++;
		}
		it->bucket++;
		it->skip = 0;
		if (need_resched()) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
out:
	rcu_read_unlock();
	return end;
}
