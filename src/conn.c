// SPDX-License-Identifier: GPL-2.0
/*
 * Connection table: one entry per client flow, reachable from both
 * directions. Each connection carries two hash nodes (client->VIP and
 * server->client) in one resizable rhashtable per netns, keyed with hsiphash
 * under a boot-time random key so that clients cannot aim collisions. The
 * keys are derived from the connection on demand, not stored.
 *
 * Lookups are RCU only. Expiry needs no per-connection timer: a lookup that
 * finds an expired entry retires it at once, and a per-netns worker sweeps
 * the table for the idle rest, once something may have expired and in
 * bounded steps (l4lb_conn_gc()).
 */
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/tcp.h>

#include "conn.h"
#include "sched.h"
#include "service.h"
#include "stats.h"

/*
 * The sweeper only starts a sweep once something may have expired, or
 * after L4LB_GC_IDLE anyway. A sweep goes in steps L4LB_GC_STEP apart,
 * each visiting at least L4LB_GC_NODES hash nodes (two per flow): tables
 * up to 128k flows are swept whole within a second, a larger one within
 * L4LB_GC_STEPS steps. Small steps keep the table's size steady: a second's
 * worth of expired flows removed at once would have it shrink and grow
 * again (each a rehash) under a steady rate of new flows.
 */
#define L4LB_GC_IDLE	(60 * HZ)
#define L4LB_GC_STEP	(HZ / 8)
#define L4LB_GC_NODES	(32 * 1024)
#define L4LB_GC_STEPS	64

static struct kmem_cache *l4lb_conn_cache __read_mostly;
static hsiphash_key_t l4lb_conn_key __read_mostly;

/*
 * hsiphash, the kernel's keyed hash for hash tables: cheap enough per
 * packet, and with a secret key clients cannot aim collisions. An IPv4
 * tuple fits in four words.
 */
static u32 l4lb_tuple_hashfn(const void *data, u32 len, u32 seed)
{
	const struct l4lb_tuple *t = data;
	hsiphash_key_t key = l4lb_conn_key;

	/* rhashtable reseeds on rehash; fold its seed into the key. */
	key.key[0] ^= seed;
	if (t->af == AF_INET)
		return hsiphash_4u32((__force u32)t->src.ip,
				     (__force u32)t->dst.ip,
				     (__force u32)t->sport << 16 |
				     (__force u32)t->dport,
				     t->af << 16 | t->protocol << 8 | t->dir,
				     &key);
	return hsiphash(data, sizeof(*t), &key);
}

/*
 * node[1] sits 8 bytes into a 16-byte aligned object: a node's address
 * says which direction it hashes.
 */
static bool l4lb_node_is_reply(const void *node)
{
	return (unsigned long)node & sizeof(struct rhash_head);
}

static struct l4lb_conn *l4lb_node_conn(const void *node)
{
	if (l4lb_node_is_reply(node))
		return container_of(node, struct l4lb_conn, node[1]);
	return container_of(node, struct l4lb_conn, node[0]);
}

/* The key a node stands for. The reply's source is the flow's server. */
static void l4lb_node_key(const void *node, struct l4lb_tuple *t)
{
	const struct l4lb_conn *cp = l4lb_node_conn(node);

	memset(t, 0, sizeof(*t));
	t->af = cp->af;
	t->protocol = cp->protocol;
	if (l4lb_node_is_reply(node)) {
		t->src = cp->dest->addr;
		t->sport = cp->dest->port;
		t->dst = cp->caddr;
		t->dport = cp->cport;
		t->dir = L4LB_DIR_REPLY;
	} else {
		t->src = cp->caddr;
		t->sport = cp->cport;
		t->dst = cp->vaddr;
		t->dport = cp->vport;
		t->dir = cp->flags & L4LB_CONN_F_TEMPLATE ? L4LB_DIR_TEMPLATE :
							     L4LB_DIR_ORIG;
	}
}

static u32 l4lb_node_hashfn(const void *node, u32 len, u32 seed)
{
	struct l4lb_tuple t;

	l4lb_node_key(node, &t);
	return l4lb_tuple_hashfn(&t, len, seed);
}

/*
 * Field by field what l4lb_node_key() derives, without building it. A
 * reply's server side lives in the dest: it is compared last, so that
 * only an entry of the same client address and port (in practice the one
 * sought) costs a second cache line.
 */
static int l4lb_node_cmpfn(struct rhashtable_compare_arg *arg,
			   const void *node)
{
	const struct l4lb_conn *cp = l4lb_node_conn(node);
	const struct l4lb_tuple *t = arg->key;
	const struct l4lb_dest *dest;

	if (t->protocol != cp->protocol || t->af != cp->af)
		return 1;
	if (l4lb_node_is_reply(node)) {
		if (t->dir != L4LB_DIR_REPLY || t->dport != cp->cport ||
		    !nf_inet_addr_cmp(&t->dst, &cp->caddr))
			return 1;
		dest = cp->dest;
		return t->sport != dest->port ||
		       !nf_inet_addr_cmp(&t->src, &dest->addr);
	}
	return t->dir != (cp->flags & L4LB_CONN_F_TEMPLATE ?
			  L4LB_DIR_TEMPLATE : L4LB_DIR_ORIG) ||
	       t->sport != cp->cport || t->dport != cp->vport ||
	       !nf_inet_addr_cmp(&t->src, &cp->caddr) ||
	       !nf_inet_addr_cmp(&t->dst, &cp->vaddr);
}

/* Nodes are the hashed objects (head_offset 0); lookups take a tuple. */
static const struct rhashtable_params l4lb_conn_params = {
	.key_len		= sizeof(struct l4lb_tuple),
	.hashfn			= l4lb_tuple_hashfn,
	.obj_hashfn		= l4lb_node_hashfn,
	.obj_cmpfn		= l4lb_node_cmpfn,
	.automatic_shrinking	= true,
};

int l4lb_conn_module_init(void)
{
	BUILD_BUG_ON(sizeof(struct l4lb_tuple) % sizeof(u64));
	BUILD_BUG_ON(offsetof(struct l4lb_conn, node[1]) !=
		     sizeof(struct rhash_head));
	BUILD_BUG_ON(__alignof__(struct l4lb_conn) < 2 * sizeof(struct rhash_head));

	get_random_bytes(&l4lb_conn_key, sizeof(l4lb_conn_key));
	l4lb_conn_cache = KMEM_CACHE(l4lb_conn, 0);
	return l4lb_conn_cache ? 0 : -ENOMEM;
}

void l4lb_conn_module_exit(void)
{
	kmem_cache_destroy(l4lb_conn_cache);
}

int l4lb_conn_table_init(struct l4lb_net *ln)
{
	int err;

	err = rhashtable_init(&ln->conn_table, &l4lb_conn_params);
	if (err)
		return err;
	/* The sweeper's place in the table, kept from one tick to the next. */
	rhashtable_walk_enter(&ln->conn_table, &ln->gc_iter);
	ln->gc_next = jiffies;
	return 0;
}

void l4lb_conn_table_destroy(struct l4lb_net *ln)
{
	rhashtable_walk_exit(&ln->gc_iter);
	rhashtable_destroy(&ln->conn_table);
}

/* No flow and no template left. */
bool l4lb_conn_table_empty(struct l4lb_net *ln)
{
	return !atomic_read(&ln->conn_table.nelems);
}

unsigned int l4lb_conn_count(struct l4lb_net *ln)
{
	return atomic_read(&ln->nr_conns);
}

unsigned int l4lb_conn_buckets(struct l4lb_net *ln)
{
	unsigned int size;

	rcu_read_lock();
	size = rcu_dereference(ln->conn_table.tbl)->size;
	rcu_read_unlock();
	return size;
}

struct l4lb_conn *l4lb_conn_lookup(struct l4lb_net *ln,
				   const struct l4lb_tuple *t)
{
	void *node;

	node = rhashtable_lookup(&ln->conn_table, t, l4lb_conn_params);
	return node ? l4lb_node_conn(node) : NULL;
}

static void l4lb_conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(l4lb_conn_cache,
			container_of(head, struct l4lb_conn, rcu));
}

/*
 * Readers that still hold @cp started before it was unlinked, so the grace
 * period of the dest's own deferred free covers their use of cp->dest.
 */
void l4lb_conn_put(struct l4lb_conn *cp)
{
	if (!refcount_dec_and_test(&cp->refcnt))
		return;
	if (cp->tmpl)
		l4lb_conn_put(cp->tmpl);
	l4lb_dest_put(cp->dest);
	call_rcu(&cp->rcu, l4lb_conn_free_rcu);
}

/* A template lives on while flows it placed are alive. */
bool l4lb_conn_expired(const struct l4lb_conn *cp)
{
	if (!time_after_eq(jiffies, READ_ONCE(cp->expires)))
		return false;
	return !(cp->flags & L4LB_CONN_F_TEMPLATE) ||
	       refcount_read(&cp->refcnt) == 1;
}

static struct l4lb_conn *l4lb_conn_alloc(const struct l4lb_tuple *orig,
					 struct l4lb_dest *dest)
{
	struct l4lb_conn *cp;

	cp = kmem_cache_zalloc(l4lb_conn_cache, GFP_ATOMIC);
	if (!cp)
		return NULL;
	cp->caddr = orig->src;
	cp->cport = orig->sport;
	cp->vaddr = orig->dst;
	cp->vport = orig->dport;
	cp->af = orig->af;
	cp->protocol = orig->protocol;
	cp->dest = dest;
	cp->fwd = READ_ONCE(dest->fwd);
	spin_lock_init(&cp->lock);
	refcount_set(&cp->refcnt, 1);
	return cp;
}

/*
 * Create the persistence template @key -> @dest, consuming the caller's
 * reference on @dest. Returns it with a reference for the caller, or NULL.
 */
struct l4lb_conn *l4lb_tmpl_new(struct l4lb_net *ln,
				const struct l4lb_tuple *key,
				struct l4lb_dest *dest)
{
	struct l4lb_conn *cp;
	void *old;

	cp = l4lb_conn_alloc(key, dest);
	if (!cp) {
		l4lb_dest_put(dest);
		return NULL;
	}
	cp->flags = L4LB_CONN_F_TEMPLATE;
	cp->expires = jiffies + READ_ONCE(dest->svc->persist_timeout);
	l4lb_gc_due(ln, cp->expires);
	refcount_set(&cp->refcnt, 2);
	old = rhashtable_lookup_get_insert_key(&ln->conn_table, key,
					       &cp->node[0], l4lb_conn_params);
	if (old) {
		/* Lost a race to another CPU: the caller simply retries. */
		kmem_cache_free(l4lb_conn_cache, cp);
		l4lb_dest_put(dest);
		return NULL;
	}
	return cp;
}

/* A flow that has ended, though its entry still waits out a timeout. */
static bool l4lb_conn_closed(const struct l4lb_conn *cp)
{
	u8 state = READ_ONCE(cp->state);

	return l4lb_conn_expired(cp) || state == L4LB_TCP_TIME_WAIT ||
	       state == L4LB_TCP_CLOSE;
}

/*
 * Take a place under net.l4lb.conn_max for a new flow, in one step: CPUs
 * that both saw room for one more flow must not both take it. The one
 * check of conn_max, made before scheduling, so a full table costs no pick.
 */
bool l4lb_conn_reserve(struct l4lb_net *ln)
{
	int max = READ_ONCE(ln->sysctl.conn_max);
	int n = atomic_read(&ln->nr_conns);

	do {
		if (max && n >= max)
			return false;
	} while (!atomic_try_cmpxchg(&ln->nr_conns, &n, n + 1));
	return true;
}

void l4lb_conn_unreserve(struct l4lb_net *ln)
{
	atomic_dec(&ln->nr_conns);
}

/*
 * A new flow for @orig bound to @dest in TCP state @state, not yet in the
 * table (as flow_offload_alloc()). Once l4lb_flow_add() has it, it owns the
 * caller's references on @dest and @tmpl (which may be NULL) and place
 * under conn_max. NULL when out of memory: the caller keeps them all.
 */
struct l4lb_conn *l4lb_flow_alloc(struct l4lb_net *ln,
				  const struct l4lb_tuple *orig,
				  struct l4lb_dest *dest, struct l4lb_conn *tmpl,
				  u8 state)
{
	struct l4lb_conn *cp;

	cp = l4lb_conn_alloc(orig, dest);
	if (!cp)
		return NULL;
	cp->tmpl = tmpl;
	cp->state = state;
	cp->expires = jiffies + l4lb_conn_timeout(ln, cp, state);
	return cp;
}

/*
 * Enter the new flow @cp in the table (as flow_offload_add()). Returns the
 * connection that owns the flow: a racing CPU may have created it first,
 * in which case @cp goes and that one is returned. Errors, @cp gone too:
 * -ENOMEM, or -EEXIST when a live flow already holds the server-side
 * tuple.
 */
struct l4lb_conn *l4lb_flow_add(struct l4lb_net *ln, struct l4lb_conn *cp)
{
	struct l4lb_dest *dest = cp->dest;
	atomic_t *count = cp->state == L4LB_TCP_ESTABLISHED ? &dest->active :
								&dest->inactive;
	struct l4lb_tuple orig, reply;
	void *old;

	l4lb_gc_due(ln, cp->expires);
	/* Count before publishing, so a racing state change never underflows. */
	atomic_inc(count);

	l4lb_node_key(&cp->node[0], &orig);
	old = rhashtable_lookup_get_insert_key(&ln->conn_table, &orig,
					       &cp->node[0], l4lb_conn_params);
	if (old) {
		atomic_dec(count);
		l4lb_conn_unreserve(ln);
		cp->dead = 1;
		refcount_set(&cp->refcnt, 1);
		l4lb_conn_put(cp);
		if (IS_ERR(old))
			return ERR_CAST(old);
		return l4lb_node_conn(old);
	}
	l4lb_node_key(&cp->node[1], &reply);
	old = rhashtable_lookup_get_insert_key(&ln->conn_table, &reply,
					       &cp->node[1], l4lb_conn_params);
	/*
	 * Another flow maps to the same server tuple: the same client port
	 * reached the same server through another service. A closed one
	 * gives way, as the client's own stack already moved on; a live one
	 * keeps its place and the new flow is refused.
	 */
	if (old && !IS_ERR(old) && l4lb_conn_closed(l4lb_node_conn(old))) {
		l4lb_conn_expire(ln, l4lb_node_conn(old));
		old = rhashtable_lookup_get_insert_key(&ln->conn_table, &reply,
						       &cp->node[1],
						       l4lb_conn_params);
	}
	if (old) {
		l4lb_conn_expire(ln, cp);
		return ERR_PTR(IS_ERR(old) ? PTR_ERR(old) : -EEXIST);
	}
	l4lb_sched_load_changed(dest);
	l4lb_stats_conn(dest);
	return cp;
}

/* Unlink @cp; safe against concurrent callers, only the first one acts. */
void l4lb_conn_expire(struct l4lb_net *ln, struct l4lb_conn *cp)
{
	struct l4lb_dest *dest = cp->dest;
	u8 state;

	spin_lock_bh(&cp->lock);
	if (cp->dead) {
		spin_unlock_bh(&cp->lock);
		return;
	}
	cp->dead = 1;
	state = cp->state;
	spin_unlock_bh(&cp->lock);

	rhashtable_remove_fast(&ln->conn_table, &cp->node[0],
			       l4lb_conn_params);
	if (!(cp->flags & L4LB_CONN_F_TEMPLATE)) {
		rhashtable_remove_fast(&ln->conn_table, &cp->node[1],
				       l4lb_conn_params);
		atomic_dec(&ln->nr_conns);
		if (state == L4LB_TCP_ESTABLISHED)
			atomic_dec(&dest->active);
		else
			atomic_dec(&dest->inactive);
		l4lb_sched_load_changed(dest);
		/* Its template may be free to go now. */
		if (cp->tmpl)
			l4lb_gc_due(ln, jiffies);
	}
	l4lb_conn_put(cp);
}

/*
 * The next flow or template of a walk, left in place for the caller to
 * consume with rhashtable_walk_next(); NULL at the end.
 */
struct l4lb_conn *l4lb_conn_walk_peek(struct rhashtable_iter *iter)
{
	void *node;

	while ((node = rhashtable_walk_peek(iter))) {
		if (IS_ERR(node)) {
			if (PTR_ERR(node) != -EAGAIN)
				return NULL;
		} else if (!l4lb_node_is_reply(node)) {
			return node;
		}
		rhashtable_walk_next(iter);
	}
	return NULL;
}

/*
 * The table walker: call @fn on every flow and template from @iter's
 * place on (a flow's reply node is skipped), for at most @budget hash
 * nodes, and let others run every 1024 nodes. The caller has started
 * @iter. Returns false when @budget ran out before the end of the table.
 */
static bool l4lb_conn_walk(struct l4lb_net *ln, struct rhashtable_iter *iter,
			   unsigned int budget,
			   void (*fn)(struct l4lb_net *ln, struct l4lb_conn *cp))
{
	unsigned int n = 0;
	void *node;

	while ((node = rhashtable_walk_next(iter))) {
		if (IS_ERR(node)) {
			if (PTR_ERR(node) == -EAGAIN)
				continue;
			break;
		}
		if (!l4lb_node_is_reply(node))
			fn(ln, l4lb_node_conn(node));
		if (++n == budget)
			return false;
		if (!(n % 1024)) {
			rhashtable_walk_stop(iter);
			cond_resched();
			rhashtable_walk_start(iter);
		}
	}
	return true;
}

/* Retire every connection. */
static void l4lb_conn_sweep_all(struct l4lb_net *ln)
{
	struct rhashtable_iter iter;

	rhashtable_walk_enter(&ln->conn_table, &iter);
	rhashtable_walk_start(&iter);
	l4lb_conn_walk(ln, &iter, UINT_MAX, l4lb_conn_expire);
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

void l4lb_conn_flush(struct l4lb_net *ln)
{
	/* A resize may make one walk miss entries: repeat until empty. */
	while (!l4lb_conn_table_empty(ln))
		l4lb_conn_sweep_all(ln);
}

static void l4lb_conn_gc_one(struct l4lb_net *ln, struct l4lb_conn *cp)
{
	unsigned long expires = READ_ONCE(cp->expires);

	if (l4lb_conn_expired(cp))
		l4lb_conn_expire(ln, cp);
	else if (time_before(jiffies, expires))
		l4lb_gc_due(ln, expires);
	/* Else a template its flows hold: the last of them to go says. */
}

/*
 * One step of a sweep: retire what expired and note, for the next
 * sweep, when the rest will.
 */
void l4lb_conn_gc(struct l4lb_net *ln)
{
	unsigned int budget = max_t(unsigned int, L4LB_GC_NODES,
				    atomic_read(&ln->conn_table.nelems) /
				    L4LB_GC_STEPS);
	struct rhashtable_iter *iter = &ln->gc_iter;
	unsigned long now = jiffies;
	bool done;

	if (!ln->gc_sweeping) {
		if (time_before(now, READ_ONCE(ln->gc_next)))
			return;
		/* From here on, new and changed flows lower it themselves. */
		WRITE_ONCE(ln->gc_next, now + L4LB_GC_IDLE);
		ln->gc_sweeping = true;
	}
	rhashtable_walk_start(iter);
	done = l4lb_conn_walk(ln, iter, budget, l4lb_conn_gc_one);
	rhashtable_walk_stop(iter);
	if (done) {
		/* The next sweep starts from the top. */
		rhashtable_walk_exit(iter);
		rhashtable_walk_enter(&ln->conn_table, iter);
		ln->gc_sweeping = false;
	}
}

/*
 * When the sweeper should look again: mid-sweep, or with a flow due
 * within the second, after a step; else in a second.
 */
unsigned long l4lb_conn_gc_delay(struct l4lb_net *ln)
{
	if (ln->gc_sweeping ||
	    time_before(READ_ONCE(ln->gc_next), jiffies + HZ))
		return L4LB_GC_STEP;
	return HZ;
}
