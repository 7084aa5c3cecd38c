// SPDX-License-Identifier: GPL-2.0
/*
 * What the "l4lb" family reports: services, servers, connections,
 * counters, timeouts and module information, as replies and dumps.
 * Requests are parsed in netlink.c.
 */
#include <net/genetlink.h>
#include <net/sock.h>

#include "conn.h"
#include "netlink.h"
#include "netns.h"
#include "sched.h"
#include "service.h"
#include "stats.h"

static int l4lb_nl_put_addr(struct sk_buff *skb, int type,
			    const union nf_inet_addr *addr)
{
	return nla_put(skb, type, sizeof(*addr), addr);
}

static int l4lb_nl_put_stats(struct sk_buff *skb, int type,
			     struct l4lb_stats_cpu __percpu *pcpu,
			     const struct l4lb_stats *base,
			     const struct l4lb_est *est)
{
	u64 rates[L4LB_CNT_MAX];
	struct l4lb_stats st;
	struct nlattr *nest;
	int i;

	l4lb_stats_read(pcpu, base, &st);
	l4lb_est_rates(est, rates);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < L4LB_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, L4LB_STATS_A_CONNS + i, st.cnt[i],
				      L4LB_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, L4LB_STATS_A_CPS + i, rates[i],
				      L4LB_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_nl_fill_service(struct sk_buff *skb, struct l4lb_service *svc)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_SERVICE);
	if (!nest ||
	    nla_put_u16(skb, L4LB_SVC_A_AF, svc->key.af) ||
	    nla_put_u8(skb, L4LB_SVC_A_PROTOCOL, svc->key.protocol) ||
	    l4lb_nl_put_addr(skb, L4LB_SVC_A_ADDR, &svc->key.addr) ||
	    nla_put_be16(skb, L4LB_SVC_A_PORT, svc->key.port) ||
	    nla_put_string(skb, L4LB_SVC_A_SCHED_NAME, svc->sched->name) ||
	    nla_put_u32(skb, L4LB_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u32(skb, L4LB_SVC_A_NR_DESTS, svc->nr_dests) ||
	    nla_put_u32(skb, L4LB_SVC_A_IDLE_TIMEOUT, svc->idle_timeout / HZ) ||
	    nla_put_u32(skb, L4LB_SVC_A_SCHED_FLAGS, svc->sched_flags) ||
	    l4lb_nl_put_stats(skb, L4LB_SVC_A_STATS, svc->stats,
			      &svc->stats_base, &svc->est))
		return -EMSGSIZE;
	if ((svc->flags & L4LB_SVC_F_PERSISTENT) &&
	    (nla_put_u32(skb, L4LB_SVC_A_TIMEOUT, svc->persist_timeout / HZ) ||
	     (svc->key.af == AF_INET6 ?
	      nla_put_u8(skb, L4LB_SVC_A_PREFIXLEN, svc->plen) :
	      nla_put_be32(skb, L4LB_SVC_A_NETMASK, svc->netmask))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_nl_fill_dest(struct sk_buff *skb, struct l4lb_dest *dest)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_DEST);
	if (!nest ||
	    nla_put_u16(skb, L4LB_DEST_A_AF, dest->af) ||
	    l4lb_nl_put_addr(skb, L4LB_DEST_A_ADDR, &dest->addr) ||
	    nla_put_be16(skb, L4LB_DEST_A_PORT, dest->port) ||
	    nla_put_u8(skb, L4LB_DEST_A_FWD_METHOD, dest->fwd) ||
	    nla_put_u32(skb, L4LB_DEST_A_WEIGHT, dest->weight) ||
	    nla_put_u32(skb, L4LB_DEST_A_ACTIVE_CONNS,
			atomic_read(&dest->active)) ||
	    nla_put_u32(skb, L4LB_DEST_A_INACT_CONNS,
			atomic_read(&dest->inactive)) ||
	    l4lb_nl_put_stats(skb, L4LB_DEST_A_STATS, dest->stats,
			      &dest->stats_base, &dest->est))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int l4lb_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_info_net(info);
	struct l4lb_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &l4lb_genl_family, 0,
				L4LB_CMD_GET_SERVICE);
	mutex_lock(&ln->lock);
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], info->extack);
	err = PTR_ERR_OR_ZERO(svc);
	if (!err)
		err = l4lb_nl_fill_service(msg, svc);
	mutex_unlock(&ln->lock);
	if (!hdr || err) {
		nlmsg_free(msg);
		return err ?: -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A dump entry's message header; changes since the dump began flag it. */
void *l4lb_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
		       const struct genl_family *family, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  family, NLM_F_MULTI, cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/* Close a dump entry filled with result @err; false if it did not fit. */
bool l4lb_nl_dump_end(struct sk_buff *skb, void *hdr, int err)
{
	if (err) {
		genlmsg_cancel(skb, hdr);
		return false;
	}
	genlmsg_end(skb, hdr);
	return true;
}

/*
 * Every service into a dump of @family, one @cmd message each, filled by
 * @fill. Dumps resume at index cb->args[0] and flag changes made between
 * parts. For both families (ipvs_nl.c).
 */
int l4lb_nl_dump_svc_list(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct genl_family *family, u8 cmd,
			  int (*fill)(struct sk_buff *skb,
				      struct l4lb_service *svc))
{
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	struct l4lb_service *svc;
	long idx = 0;

	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	list_for_each_entry(svc, &ln->services, list) {
		void *hdr;

		if (idx++ < cb->args[0])
			continue;
		hdr = l4lb_nl_dump_hdr(skb, cb, family, cmd);
		if (!hdr || !l4lb_nl_dump_end(skb, hdr, fill(skb, svc)))
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&ln->lock);
	return skb->len;
}

int l4lb_nl_dump_services(struct sk_buff *skb,
			  struct netlink_callback *cb)
{
	return l4lb_nl_dump_svc_list(skb, cb, &l4lb_genl_family,
				     L4LB_CMD_GET_SERVICE, l4lb_nl_fill_service);
}

/*
 * @svc's dests into a dump of @family, one @cmd message each, filled by
 * @fill, from where the last part stopped (cb->args[0]); under ln->lock.
 * For both families (ipvs_nl.c).
 */
void l4lb_nl_dump_dest_list(struct sk_buff *skb, struct netlink_callback *cb,
			    struct l4lb_service *svc,
			    const struct genl_family *family, u8 cmd,
			    int (*fill)(struct sk_buff *skb,
					struct l4lb_dest *dest))
{
	struct l4lb_dest *dest;
	long idx = 0;

	list_for_each_entry(dest, &svc->dests, list) {
		void *hdr;

		if (idx++ < cb->args[0])
			continue;
		hdr = l4lb_nl_dump_hdr(skb, cb, family, cmd);
		if (!hdr || !l4lb_nl_dump_end(skb, hdr, fill(skb, dest)))
			break;
		cb->args[0] = idx;
	}
}

int l4lb_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	struct l4lb_service *svc;
	int err = 0;

	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	svc = l4lb_nl_svc_find(ln, info->attrs[L4LB_A_SERVICE], cb->extack);
	if (IS_ERR(svc))
		err = PTR_ERR(svc);
	else
		l4lb_nl_dump_dest_list(skb, cb, svc, &l4lb_genl_family,
				       L4LB_CMD_GET_DEST, l4lb_nl_fill_dest);
	mutex_unlock(&ln->lock);
	return err ?: skb->len;
}

static int l4lb_nl_fill_conn(struct sk_buff *skb, struct l4lb_conn *cp)
{
	long left = READ_ONCE(cp->expires) - jiffies;
	struct l4lb_dest *dest = cp->dest;
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_CONN);
	if (!nest ||
	    nla_put_u16(skb, L4LB_CONN_A_AF, cp->af) ||
	    nla_put_u8(skb, L4LB_CONN_A_PROTOCOL, cp->protocol) ||
	    l4lb_nl_put_addr(skb, L4LB_CONN_A_CADDR, &cp->caddr) ||
	    nla_put_be16(skb, L4LB_CONN_A_CPORT, cp->cport) ||
	    l4lb_nl_put_addr(skb, L4LB_CONN_A_VADDR, &cp->vaddr) ||
	    nla_put_be16(skb, L4LB_CONN_A_VPORT, cp->vport) ||
	    nla_put_u16(skb, L4LB_CONN_A_DAF, dest->af) ||
	    l4lb_nl_put_addr(skb, L4LB_CONN_A_DADDR, &dest->addr) ||
	    nla_put_be16(skb, L4LB_CONN_A_DPORT, dest->port) ||
	    nla_put_u32(skb, L4LB_CONN_A_FLAGS, READ_ONCE(cp->flags)) ||
	    nla_put_u8(skb, L4LB_CONN_A_STATE, READ_ONCE(cp->state)) ||
	    nla_put_u32(skb, L4LB_CONN_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put_u8(skb, L4LB_CONN_A_FWD_METHOD, cp->fwd))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The connection dump keeps its place in the table across parts, so a
 * million entries cost one pass, not a quadratic resume. The entry that
 * did not fit leads the next part.
 */
int l4lb_nl_conn_start(struct netlink_callback *cb)
{
	struct l4lb_conn_iter *it;

	it = kzalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return -ENOMEM;
	cb->args[0] = (long)it;
	return 0;
}

int l4lb_nl_conn_done(struct netlink_callback *cb)
{
	kfree((struct l4lb_conn_iter *)cb->args[0]);
	return 0;
}

struct l4lb_nl_conn_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static bool l4lb_nl_dump_conn(struct l4lb_net *ln, struct l4lb_conn *cp,
			      void *arg)
{
	struct l4lb_nl_conn_dump *d = arg;
	void *hdr;

	hdr = l4lb_nl_dump_hdr(d->skb, d->cb, &l4lb_genl_family,
			       L4LB_CMD_GET_CONN);
	return hdr && l4lb_nl_dump_end(d->skb, hdr,
				       l4lb_nl_fill_conn(d->skb, cp));
}

int l4lb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct l4lb_net *ln = l4lb_pernet(sock_net(cb->skb->sk));
	struct l4lb_nl_conn_dump d = { .skb = skb, .cb = cb };

	l4lb_conn_walk(ln, (struct l4lb_conn_iter *)cb->args[0], UINT_MAX,
		       l4lb_nl_dump_conn, &d);
	return skb->len;
}

/*
 * The three timeouts ipvsadm --set sets, in seconds, as attributes @tcp,
 * @fin and @udp of either family.
 */
int l4lb_nl_put_timeouts(struct sk_buff *msg, struct l4lb_net *ln,
			 int tcp, int fin, int udp)
{
	if (nla_put_u32(msg, tcp,
			READ_ONCE(ln->timeouts[L4LB_TO_TCP_ESTABLISHED]) / HZ) ||
	    nla_put_u32(msg, fin,
			READ_ONCE(ln->timeouts[L4LB_TO_TCP_FIN_WAIT]) / HZ) ||
	    nla_put_u32(msg, udp, READ_ONCE(ln->timeouts[L4LB_TO_UDP]) / HZ))
		return -EMSGSIZE;
	return 0;
}

static int l4lb_nl_fill_config(struct sk_buff *msg, struct l4lb_net *ln)
{
	return l4lb_nl_put_timeouts(msg, ln, L4LB_A_TIMEOUT_TCP,
				    L4LB_A_TIMEOUT_TCP_FIN, L4LB_A_TIMEOUT_UDP);
}

static int l4lb_nl_fill_info(struct sk_buff *msg, struct l4lb_net *ln)
{
	u64 sum[L4LB_DROP_MAX] = { };
	int cpu, i;

	if (nla_put_string(msg, L4LB_A_VERSION, L4LB_VERSION) ||
	    nla_put_u32(msg, L4LB_A_CONN_COUNT, l4lb_conn_count(ln)) ||
	    nla_put_u32(msg, L4LB_A_CONN_TAB_SIZE, l4lb_conn_buckets(ln)))
		return -EMSGSIZE;
	for_each_possible_cpu(cpu)
		for (i = 0; i < L4LB_DROP_MAX; i++)
			sum[i] += per_cpu_ptr(ln->drops, cpu)->cnt[i];
	for (i = 0; i < L4LB_DROP_MAX; i++)
		if (nla_put_u64_64bit(msg, L4LB_A_DROP_CONN_MAX + i, sum[i],
				      L4LB_A_PAD))
			return -EMSGSIZE;
	return 0;
}

/* Answer @info with one message of top-level attributes from @fill. */
int l4lb_nl_reply(struct genl_info *info, const struct genl_family *family,
		  u8 cmd, int (*fill)(struct sk_buff *msg, struct l4lb_net *ln))
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, family, 0, cmd);
	if (!hdr || fill(msg, l4lb_info_net(info))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int l4lb_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return l4lb_nl_reply(info, &l4lb_genl_family, L4LB_CMD_GET_CONFIG,
			     l4lb_nl_fill_config);
}

int l4lb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	return l4lb_nl_reply(info, &l4lb_genl_family, L4LB_CMD_GET_INFO,
			     l4lb_nl_fill_info);
}
