// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's /proc files, with ipvs_abi=1: /proc/net/ip_vs (services and
 * their servers), /proc/net/ip_vs_conn (connections and persistence
 * templates; what `ipvsadm -Lc` reads, IPVS having no netlink dump of
 * them) and /proc/net/ip_vs_stats (the netns's totals and rates), in
 * every netns, in in-tree IPVS's formats to the character, so that
 * scripts and monitoring that parse them keep working.
 *
 * The files belong to the "IPVS" ABI, not to a netns's l4lb state: they
 * have pernet operations of their own, registered after l4lb's (so a
 * netns's l4lb_net outlives them) by ipvs_nl.c's init.
 */
#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <uapi/linux/ip_vs.h>

#include "conn.h"
#include "ipvs_nl.h"
#include "netns.h"
#include "sched.h"
#include "service.h"
#include "stats.h"

static const char *l4lb_ipvs_proto_name(u8 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	}
	/* l4lb has TCP and UDP services only. */
	return "IP";
}

/* ------------------------------------------------------------- ip_vs */

/*
 * Where a read of /proc/net/ip_vs stopped: the service at @pos, valid
 * while no service was added or deleted since (@gen), so that a long
 * list is not walked again from its head for every read.
 */
struct l4lb_ipvs_svc_seq {
	struct seq_net_private p;
	struct l4lb_service *svc;
	loff_t pos;
	unsigned int gen;
};

static struct l4lb_net *l4lb_ipvs_seq_ln(struct seq_file *m)
{
	return l4lb_pernet(seq_file_net(m));
}

/* Under ln->lock, for the whole of a read: services are not RCU-listed. */
static void *l4lb_ipvs_svc_start(struct seq_file *m, loff_t *pos)
{
	struct l4lb_ipvs_svc_seq *s = m->private;
	struct l4lb_net *ln = l4lb_ipvs_seq_ln(m);
	struct l4lb_service *svc;
	loff_t n = *pos;

	mutex_lock(&ln->lock);
	if (!n)
		return SEQ_START_TOKEN;
	if (s->svc && s->gen == ln->gen && s->pos == n)
		return s->svc;
	list_for_each_entry(svc, &ln->services, list)
		if (!--n)
			return svc;
	return NULL;
}

static void *l4lb_ipvs_svc_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct l4lb_ipvs_svc_seq *s = m->private;
	struct l4lb_net *ln = l4lb_ipvs_seq_ln(m);
	struct l4lb_service *svc = v;

	++*pos;
	if (v == SEQ_START_TOKEN)
		svc = list_first_entry_or_null(&ln->services,
					       struct l4lb_service, list);
	else if (list_is_last(&svc->list, &ln->services))
		svc = NULL;
	else
		svc = list_next_entry(svc, list);
	s->svc = svc;
	s->pos = *pos;
	s->gen = ln->gen;
	return svc;
}

static void l4lb_ipvs_svc_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&l4lb_ipvs_seq_ln(m)->lock);
}

static const char *l4lb_ipvs_fwd_name(u8 fwd)
{
	static const char *const names[] = {
		[IP_VS_CONN_F_MASQ]		= "Masq",
		[IP_VS_CONN_F_LOCALNODE]	= "Local",
		[IP_VS_CONN_F_TUNNEL]		= "Tunnel",
		[IP_VS_CONN_F_DROUTE]		= "Route",
	};

	/* As IPVS: anything else is NAT. */
	return fwd < ARRAY_SIZE(names) ? names[fwd] : names[0];
}

/*
 * IPVS's columns: addresses and ports in hexadecimal, IPv4 ones in host
 * order, IPv6 ones in full. An IPv4 service has one field more than an
 * IPv6 one (one-packet scheduling, always empty here), hence its two
 * spaces. A persistent service's timeout is in jiffies and its netmask
 * byte-swapped from network order, an IPv6 one's prefix length
 * included, as IPVS prints them.
 */
static void l4lb_ipvs_show_svc(struct seq_file *m, struct l4lb_service *svc)
{
	const char *proto = l4lb_ipvs_proto_name(svc->key.protocol);
	__be32 netmask = svc->netmask;
	struct l4lb_dest *dest;

	if (svc->key.af == AF_INET6) {
		seq_printf(m, "%s  [%pI6]:%04X %s ", proto, &svc->key.addr.in6,
			   ntohs(svc->key.port), svc->sched->name);
		netmask = (__force __be32)(u32)svc->plen;
	} else {
		seq_printf(m, "%s  %08X:%04X %s  ", proto,
			   ntohl(svc->key.addr.ip), ntohs(svc->key.port),
			   svc->sched->name);
	}
	if (svc->flags & L4LB_SVC_F_PERSISTENT)
		seq_printf(m, "persistent %d %08X\n",
			   (int)svc->persist_timeout, ntohl(netmask));
	else
		seq_putc(m, '\n');

	list_for_each_entry(dest, &svc->dests, list) {
		if (dest->af == AF_INET6)
			seq_printf(m, "  -> [%pI6]:%04X", &dest->addr.in6,
				   ntohs(dest->port));
		else
			seq_printf(m, "  -> %08X:%04X", ntohl(dest->addr.ip),
				   ntohs(dest->port));
		seq_printf(m, "      %-7s %-6d %-10d %-10d\n",
			   l4lb_ipvs_fwd_name(READ_ONCE(dest->fwd)),
			   (int)READ_ONCE(dest->weight),
			   atomic_read(&dest->active),
			   atomic_read(&dest->inactive));
	}
}

static int l4lb_ipvs_svc_show(struct seq_file *m, void *v)
{
	if (v != SEQ_START_TOKEN) {
		l4lb_ipvs_show_svc(m, v);
		return 0;
	}
	seq_printf(m, "IP Virtual Server version %d.%d.%d (size=%u)\n",
		   (IP_VS_VERSION_CODE >> 16) & 0xff,
		   (IP_VS_VERSION_CODE >> 8) & 0xff,
		   IP_VS_VERSION_CODE & 0xff,
		   l4lb_conn_buckets(l4lb_ipvs_seq_ln(m)));
	seq_puts(m, "Prot LocalAddress:Port Scheduler Flags\n");
	seq_puts(m, "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
	return 0;
}

static const struct seq_operations l4lb_ipvs_svc_seq_ops = {
	.start	= l4lb_ipvs_svc_start,
	.next	= l4lb_ipvs_svc_next,
	.stop	= l4lb_ipvs_svc_stop,
	.show	= l4lb_ipvs_svc_show,
};

/* ------------------------------------------------------- ip_vs_conn */

/* A connection as a line shows it, copied under RCU. */
struct l4lb_ipvs_conn_line {
	union nf_inet_addr caddr;
	union nf_inet_addr vaddr;
	union nf_inet_addr daddr;
	unsigned long expires;		/* jiffies */
	__be16 cport;
	__be16 vport;
	__be16 dport;
	u8 af;
	u8 daf;
	u8 protocol;
	u8 state;
	u8 flags;
};

#define L4LB_IPVS_CONN_BATCH	32

/*
 * A read of /proc/net/ip_vs_conn walks the table with the table walker,
 * a batch of entries at a time, copied: no lock or RCU section is held
 * between batches, nor between reads, and the walk resumes where the
 * last batch ended instead of counting its way back from the first
 * bucket as IPVS does (quadratic in the table's size). Line @pos (the
 * header is 0) is batch[pos - base]. As any walk of a changing table it
 * may miss or repeat an entry; a resize keeps its place.
 */
struct l4lb_ipvs_conn_seq {
	struct seq_net_private p;
	struct l4lb_conn_iter it;
	loff_t base;
	unsigned int n;
	bool end;			/* the walk reached the table's end */
	struct l4lb_ipvs_conn_line batch[L4LB_IPVS_CONN_BATCH];
};

static bool l4lb_ipvs_conn_copy(struct l4lb_net *ln, struct l4lb_conn *cp,
				void *arg)
{
	struct l4lb_ipvs_conn_seq *s = arg;
	struct l4lb_dest *dest = cp->dest;
	struct l4lb_ipvs_conn_line *l;

	if (s->n == L4LB_IPVS_CONN_BATCH)
		return false;	/* it leads the next batch */
	l = &s->batch[s->n++];
	l->caddr = cp->caddr;
	l->vaddr = cp->vaddr;
	l->daddr = dest->addr;
	l->expires = READ_ONCE(cp->expires);
	l->cport = cp->cport;
	l->vport = cp->vport;
	l->dport = dest->port;
	l->af = cp->af;
	l->daf = dest->af;
	l->protocol = cp->protocol;
	l->state = READ_ONCE(cp->state);
	l->flags = READ_ONCE(cp->flags);
	return true;
}

/* Back to the top of the table, before line 1. */
static void l4lb_ipvs_conn_rewind(struct l4lb_ipvs_conn_seq *s)
{
	s->it = (struct l4lb_conn_iter){ };
	s->base = 1;
	s->n = 0;
	s->end = false;
}

static void *l4lb_ipvs_conn_at(struct seq_file *m, loff_t pos)
{
	struct l4lb_ipvs_conn_seq *s = m->private;
	struct l4lb_net *ln = l4lb_ipvs_seq_ln(m);

	if (!pos)
		return SEQ_START_TOKEN;
	/* Read again from an earlier place (lseek), or a first read. */
	if (pos < s->base || !s->base)
		l4lb_ipvs_conn_rewind(s);
	while (pos >= s->base + s->n) {
		if (s->end)
			return NULL;
		s->base += s->n;
		s->n = 0;
		s->end = l4lb_conn_walk(ln, &s->it, UINT_MAX,
					l4lb_ipvs_conn_copy, s);
	}
	return &s->batch[pos - s->base];
}

static void *l4lb_ipvs_conn_start(struct seq_file *m, loff_t *pos)
{
	/* A read from the top is a new walk: what changed since shows. */
	if (!*pos)
		l4lb_ipvs_conn_rewind(m->private);
	return l4lb_ipvs_conn_at(m, *pos);
}

static void *l4lb_ipvs_conn_next(struct seq_file *m, void *v, loff_t *pos)
{
	return l4lb_ipvs_conn_at(m, ++*pos);
}

static void l4lb_ipvs_conn_stop(struct seq_file *m, void *v)
{
}

/* IPVS's state names: its TCP table's, "UDP", and a template's. */
static const char *l4lb_ipvs_state_name(const struct l4lb_ipvs_conn_line *l)
{
	static const char *const tcp[] = L4LB_TCP_STATE_NAMES;

	static_assert(ARRAY_SIZE(tcp) == __L4LB_TCP_MAX);
	if (l->flags & L4LB_CONN_F_TEMPLATE)
		return l->flags & L4LB_CONN_F_ASSURED ? "ASSURED" : "NONE";
	if (l->protocol == IPPROTO_UDP)
		return "UDP";
	return l->state < ARRAY_SIZE(tcp) ? tcp[l->state] : "ERR!";
}

static int l4lb_ipvs_conn_show(struct seq_file *m, void *v)
{
	const struct l4lb_ipvs_conn_line *l = v;
	const char *proto;
	long left;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
		return 0;
	}
	/* Whole seconds left, as IPVS shows them: 0 once due. */
	left = (long)(l->expires - jiffies);
	proto = l4lb_ipvs_proto_name(l->protocol);
	if (l->af == AF_INET6)
		seq_printf(m, "%-3s %pI6 %04X %pI6 %04X ", proto,
			   &l->caddr.in6, ntohs(l->cport), &l->vaddr.in6,
			   ntohs(l->vport));
	else
		seq_printf(m, "%-3s %08X %04X %08X %04X ", proto,
			   ntohl(l->caddr.ip), ntohs(l->cport),
			   ntohl(l->vaddr.ip), ntohs(l->vport));
	/* A tunnelled server may be of the other family. */
	if (l->daf == AF_INET6)
		seq_printf(m, "%pI6", &l->daddr.in6);
	else
		seq_printf(m, "%08X", ntohl(l->daddr.ip));
	/* No persistence engines: no PEName, no PEData. */
	seq_printf(m, " %04X %-11s %7u\n", ntohs(l->dport),
		   l4lb_ipvs_state_name(l),
		   left > 0 ? jiffies_to_msecs(left) / 1000 : 0);
	return 0;
}

static const struct seq_operations l4lb_ipvs_conn_seq_ops = {
	.start	= l4lb_ipvs_conn_start,
	.next	= l4lb_ipvs_conn_next,
	.stop	= l4lb_ipvs_conn_stop,
	.show	= l4lb_ipvs_conn_show,
};

/* ------------------------------------------------------ ip_vs_stats */

/*
 * The netns's totals and rates: l4lb keeps them per service only, so
 * they are the sums over its services (a deleted service's counts
 * leave the totals, unlike IPVS's).
 */
static int l4lb_ipvs_stats_show(struct seq_file *m, void *v)
{
	struct l4lb_net *ln = l4lb_pernet(seq_file_single_net(m));
	u64 tot[L4LB_CNT_MAX] = { }, rate[L4LB_CNT_MAX] = { };
	u64 rates[L4LB_CNT_MAX];
	struct l4lb_service *svc;
	struct l4lb_stats st;
	int i;

	mutex_lock(&ln->lock);
	list_for_each_entry(svc, &ln->services, list) {
		l4lb_stats_read(svc->stats, &svc->stats_base, &st);
		l4lb_est_rates(&svc->est, rates);
		for (i = 0; i < L4LB_CNT_MAX; i++) {
			tot[i] += st.cnt[i];
			rate[i] += rates[i];
		}
	}
	mutex_unlock(&ln->lock);

	seq_puts(m, "   Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(m, "   Conns  Packets  Packets            Bytes            Bytes\n");
	seq_printf(m, "%8llX %8llX %8llX %16llX %16llX\n\n",
		   tot[L4LB_CNT_CONNS], tot[L4LB_CNT_INPKTS],
		   tot[L4LB_CNT_OUTPKTS], tot[L4LB_CNT_INBYTES],
		   tot[L4LB_CNT_OUTBYTES]);
	seq_puts(m, " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	seq_printf(m, "%8llX %8llX %8llX %16llX %16llX\n",
		   rate[L4LB_CNT_CONNS], rate[L4LB_CNT_INPKTS],
		   rate[L4LB_CNT_OUTPKTS], rate[L4LB_CNT_INBYTES],
		   rate[L4LB_CNT_OUTBYTES]);
	return 0;
}

/* --------------------------------------------------------- lifecycle */

static int __net_init l4lb_ipvs_proc_net_init(struct net *net)
{
	if (!proc_create_net("ip_vs", 0, net->proc_net, &l4lb_ipvs_svc_seq_ops,
			     sizeof(struct l4lb_ipvs_svc_seq)))
		goto err;
	if (!proc_create_net("ip_vs_conn", 0, net->proc_net,
			     &l4lb_ipvs_conn_seq_ops,
			     sizeof(struct l4lb_ipvs_conn_seq)))
		goto err_svc;
	if (!proc_create_net_single("ip_vs_stats", 0, net->proc_net,
				    l4lb_ipvs_stats_show, NULL))
		goto err_conn;
	return 0;

err_conn:
	remove_proc_entry("ip_vs_conn", net->proc_net);
err_svc:
	remove_proc_entry("ip_vs", net->proc_net);
err:
	return -ENOMEM;
}

static void __net_exit l4lb_ipvs_proc_net_exit(struct net *net)
{
	remove_proc_entry("ip_vs_stats", net->proc_net);
	remove_proc_entry("ip_vs_conn", net->proc_net);
	remove_proc_entry("ip_vs", net->proc_net);
}

static struct pernet_operations l4lb_ipvs_proc_ops = {
	.init	= l4lb_ipvs_proc_net_init,
	.exit	= l4lb_ipvs_proc_net_exit,
};

int l4lb_ipvs_proc_init(void)
{
	return register_pernet_subsys(&l4lb_ipvs_proc_ops);
}

void l4lb_ipvs_proc_exit(void)
{
	unregister_pernet_subsys(&l4lb_ipvs_proc_ops);
}
