// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only requests: info, services with their servers, connections and
 * timeouts, decoded into the plain structs that show.c prints.
 *
 * Replies are scanned for every nest of the expected type rather than
 * through a parse table, so the kernel may pack one or several objects
 * per dump message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/l4lb.h>

#include "fetch.h"

static const struct nla_policy top_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_VERSION]		= { .type = NLA_STRING },
	[L4LB_A_CONN_COUNT]		= { .type = NLA_U32 },
	[L4LB_A_CONN_TAB_SIZE]		= { .type = NLA_U32 },
	[L4LB_A_SERVICE]		= { .type = NLA_NESTED },
	[L4LB_A_DEST]			= { .type = NLA_NESTED },
	[L4LB_A_CONN]			= { .type = NLA_NESTED },
	[L4LB_A_TIMEOUT_TCP]		= { .type = NLA_U32 },
	[L4LB_A_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[L4LB_A_TIMEOUT_UDP]		= { .type = NLA_U32 },
	[L4LB_A_DROP_CONN_MAX]		= { .type = NLA_U64 },
	[L4LB_A_DROP_NO_DEST]		= { .type = NLA_U64 },
	[L4LB_A_DROP_NOMEM]		= { .type = NLA_U64 },
	[L4LB_A_DROP_NO_ROUTE]		= { .type = NLA_U64 },
	[L4LB_A_DROP_CLASH]		= { .type = NLA_U64 },
	[L4LB_A_DROP_DEST_GONE]		= { .type = NLA_U64 },
};

static const struct nla_policy svc_policy[L4LB_SVC_A_MAX + 1] = {
	[L4LB_SVC_A_AF]		= { .type = NLA_U16 },
	[L4LB_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[L4LB_SVC_A_ADDR]	= { .type = NLA_UNSPEC, .minlen = 16 },
	[L4LB_SVC_A_PORT]	= { .type = NLA_U16 },
	[L4LB_SVC_A_SCHED_NAME]	= { .type = NLA_STRING, .maxlen = L4LB_SCHED_NAME_MAX },
	[L4LB_SVC_A_FLAGS]	= { .type = NLA_U32 },
	[L4LB_SVC_A_TIMEOUT]	= { .type = NLA_U32 },
	[L4LB_SVC_A_NETMASK]	= { .type = NLA_U32 },
	[L4LB_SVC_A_STATS]	= { .type = NLA_NESTED },
	[L4LB_SVC_A_NR_DESTS]	= { .type = NLA_U32 },
	[L4LB_SVC_A_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[L4LB_SVC_A_PREFIXLEN]	= { .type = NLA_U8 },
	[L4LB_SVC_A_SCHED_FLAGS] = { .type = NLA_U32 },
};

static const struct nla_policy dest_policy[L4LB_DEST_A_MAX + 1] = {
	[L4LB_DEST_A_AF]		= { .type = NLA_U16 },
	[L4LB_DEST_A_ADDR]		= { .type = NLA_UNSPEC, .minlen = 16 },
	[L4LB_DEST_A_PORT]		= { .type = NLA_U16 },
	[L4LB_DEST_A_FWD_METHOD]	= { .type = NLA_U8 },
	[L4LB_DEST_A_WEIGHT]		= { .type = NLA_U32 },
	[L4LB_DEST_A_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[L4LB_DEST_A_INACT_CONNS]	= { .type = NLA_U32 },
	[L4LB_DEST_A_STATS]		= { .type = NLA_NESTED },
};

static const struct nla_policy stats_policy[L4LB_STATS_A_MAX + 1] = {
	[L4LB_STATS_A_CONNS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_INPKTS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_OUTPKTS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_INBYTES]	= { .type = NLA_U64 },
	[L4LB_STATS_A_OUTBYTES]	= { .type = NLA_U64 },
	[L4LB_STATS_A_CPS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_INPPS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_OUTPPS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_INBPS]	= { .type = NLA_U64 },
	[L4LB_STATS_A_OUTBPS]	= { .type = NLA_U64 },
};

static const struct nla_policy conn_policy[L4LB_CONN_A_MAX + 1] = {
	[L4LB_CONN_A_AF]		= { .type = NLA_U16 },
	[L4LB_CONN_A_PROTOCOL]		= { .type = NLA_U8 },
	[L4LB_CONN_A_CADDR]		= { .type = NLA_UNSPEC, .minlen = 16 },
	[L4LB_CONN_A_CPORT]		= { .type = NLA_U16 },
	[L4LB_CONN_A_VADDR]		= { .type = NLA_UNSPEC, .minlen = 16 },
	[L4LB_CONN_A_VPORT]		= { .type = NLA_U16 },
	[L4LB_CONN_A_DADDR]		= { .type = NLA_UNSPEC, .minlen = 16 },
	[L4LB_CONN_A_DPORT]		= { .type = NLA_U16 },
	[L4LB_CONN_A_STATE]		= { .type = NLA_U8 },
	[L4LB_CONN_A_EXPIRES]		= { .type = NLA_U32 },
	[L4LB_CONN_A_FWD_METHOD]	= { .type = NLA_U8 },
	[L4LB_CONN_A_FLAGS]		= { .type = NLA_U32 },
	[L4LB_CONN_A_DAF]		= { .type = NLA_U16 },
};

/* A growable array of fixed-size items; new items come zeroed. */
struct vec {
	void *items;
	size_t n;
	size_t cap;
};

static void *vec_push(struct vec *v, size_t size)
{
	void *p;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;

		p = realloc(v->items, cap * size);
		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	p = (char *)v->items + v->n++ * size;
	memset(p, 0, size);
	return p;
}

int put_service_key(struct nl_msg *msg, uint16_t af, uint8_t protocol,
		    const uint8_t *addr, uint16_t port)
{
	if (nla_put_u16(msg, L4LB_SVC_A_AF, af) ||
	    nla_put_u8(msg, L4LB_SVC_A_PROTOCOL, protocol) ||
	    nla_put(msg, L4LB_SVC_A_ADDR, 16, addr) ||
	    nla_put_u16(msg, L4LB_SVC_A_PORT, htons(port)))
		return -EMSGSIZE;
	return 0;
}

/* Call @fn for every top-level attribute of @type in a reply. */
static int each_nest(struct nlmsghdr *nlh, int type,
		     int (*fn)(struct nlattr *attr, void *arg), void *arg)
{
	struct genlmsghdr *gnlh;
	struct nlattr *attr;
	int rem, ret;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	gnlh = nlmsg_data(nlh);
	nla_for_each_attr(attr, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(attr) != type)
			continue;
		ret = fn(attr, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static void get_addr(uint8_t *dst, const struct nlattr *attr)
{
	if (attr)
		memcpy(dst, nla_data(attr), 16);
}

static uint16_t get_port(const struct nlattr *attr)
{
	return attr ? ntohs(nla_get_u16((struct nlattr *)attr)) : 0;
}

static uint32_t get_u32(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static uint8_t get_u8(struct nlattr *attr)
{
	return attr ? nla_get_u8(attr) : 0;
}

static uint64_t get_u64(struct nlattr *attr)
{
	return attr ? nla_get_u64(attr) : 0;
}

static int parse_stats(struct nlattr *attr, struct l4lb_stats *s)
{
	struct nlattr *tb[L4LB_STATS_A_MAX + 1];

	if (!attr)
		return 0;
	if (nla_parse_nested(tb, L4LB_STATS_A_MAX, attr, stats_policy) < 0)
		return -EBADMSG;
	s->conns = get_u64(tb[L4LB_STATS_A_CONNS]);
	s->inpkts = get_u64(tb[L4LB_STATS_A_INPKTS]);
	s->outpkts = get_u64(tb[L4LB_STATS_A_OUTPKTS]);
	s->inbytes = get_u64(tb[L4LB_STATS_A_INBYTES]);
	s->outbytes = get_u64(tb[L4LB_STATS_A_OUTBYTES]);
	/* Rates come from an estimator an older module may not have. */
	s->cps = get_u64(tb[L4LB_STATS_A_CPS]);
	s->inpps = get_u64(tb[L4LB_STATS_A_INPPS]);
	s->outpps = get_u64(tb[L4LB_STATS_A_OUTPPS]);
	s->inbps = get_u64(tb[L4LB_STATS_A_INBPS]);
	s->outbps = get_u64(tb[L4LB_STATS_A_OUTBPS]);
	return 0;
}

static int parse_svc_nest(struct nlattr *attr, void *arg)
{
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct svc_entry *s;

	if (nla_parse_nested(tb, L4LB_SVC_A_MAX, attr, svc_policy) < 0)
		return -EBADMSG;
	s = vec_push(arg, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->af = tb[L4LB_SVC_A_AF] ? nla_get_u16(tb[L4LB_SVC_A_AF]) : AF_INET;
	s->protocol = get_u8(tb[L4LB_SVC_A_PROTOCOL]);
	get_addr(s->addr, tb[L4LB_SVC_A_ADDR]);
	s->port = get_port(tb[L4LB_SVC_A_PORT]);
	if (tb[L4LB_SVC_A_SCHED_NAME])
		snprintf(s->sched, sizeof(s->sched), "%s",
			 nla_get_string(tb[L4LB_SVC_A_SCHED_NAME]));
	s->flags = get_u32(tb[L4LB_SVC_A_FLAGS]);
	s->timeout = get_u32(tb[L4LB_SVC_A_TIMEOUT]);
	/* No mask means per-client persistence, as IPVS's default says. */
	s->netmask = tb[L4LB_SVC_A_NETMASK] ? nla_get_u32(tb[L4LB_SVC_A_NETMASK]) : 0xffffffffu;
	s->prefixlen = tb[L4LB_SVC_A_PREFIXLEN] ? nla_get_u8(tb[L4LB_SVC_A_PREFIXLEN]) : 128;
	s->idle_timeout = get_u32(tb[L4LB_SVC_A_IDLE_TIMEOUT]);
	s->sched_flags = get_u32(tb[L4LB_SVC_A_SCHED_FLAGS]);
	return parse_stats(tb[L4LB_SVC_A_STATS], &s->stats);
}

static int svc_reply(struct nlmsghdr *nlh, void *arg)
{
	return each_nest(nlh, L4LB_A_SERVICE, parse_svc_nest, arg);
}

struct dest_ctx {
	struct vec v;
	uint16_t af;		/* the service's, if a server omits its own */
};

static int parse_dest_nest(struct nlattr *attr, void *arg)
{
	struct nlattr *tb[L4LB_DEST_A_MAX + 1];
	struct dest_ctx *ctx = arg;
	struct dest_entry *d;

	if (nla_parse_nested(tb, L4LB_DEST_A_MAX, attr, dest_policy) < 0)
		return -EBADMSG;
	d = vec_push(&ctx->v, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->af = tb[L4LB_DEST_A_AF] ? nla_get_u16(tb[L4LB_DEST_A_AF]) : ctx->af;
	get_addr(d->addr, tb[L4LB_DEST_A_ADDR]);
	d->port = get_port(tb[L4LB_DEST_A_PORT]);
	d->fwd = get_u8(tb[L4LB_DEST_A_FWD_METHOD]);
	d->weight = get_u32(tb[L4LB_DEST_A_WEIGHT]);
	d->active = get_u32(tb[L4LB_DEST_A_ACTIVE_CONNS]);
	d->inactive = get_u32(tb[L4LB_DEST_A_INACT_CONNS]);
	return parse_stats(tb[L4LB_DEST_A_STATS], &d->stats);
}

static int dest_reply(struct nlmsghdr *nlh, void *arg)
{
	return each_nest(nlh, L4LB_A_DEST, parse_dest_nest, arg);
}

/* Build a request carrying just a service key, e.g. GET_DEST or GET_SERVICE. */
static struct nl_msg *svc_key_msg(struct nlctx *ctx, uint8_t cmd, int flags, uint16_t af,
				  uint8_t protocol, const uint8_t *addr, uint16_t port)
{
	struct nl_msg *msg = nlx_msg(ctx, cmd, flags);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, L4LB_A_SERVICE | NLA_F_NESTED);
	if (!nest || put_service_key(msg, af, protocol, addr, port)) {
		nlx_put_failed(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

static int fetch_dests(struct nlctx *ctx, struct svc_entry *s)
{
	struct dest_ctx dc = { .af = s->af };
	struct nl_msg *msg;
	int ret;

	msg = svc_key_msg(ctx, L4LB_CMD_GET_DEST, NLM_F_DUMP, s->af, s->protocol, s->addr,
			  s->port);
	if (!msg)
		return EXIT_RUNTIME;
	ret = nlx_exec(ctx, msg, dest_reply, &dc);
	if (ret) {
		free(dc.v.items);
		return ret;
	}
	s->dests = dc.v.items;
	s->ndests = dc.v.n;
	return 0;
}

static int fetch_services_once(struct nlctx *ctx, const struct svc_spec *only,
			       struct svc_entry **svcs, size_t *n)
{
	struct vec v = { 0 };
	struct nl_msg *msg;
	size_t i;
	int ret;

	if (only)
		msg = svc_key_msg(ctx, L4LB_CMD_GET_SERVICE, 0, only->af, only->protocol,
				  only->addr, only->port);
	else
		msg = nlx_msg(ctx, L4LB_CMD_GET_SERVICE, NLM_F_DUMP);
	if (!msg)
		return EXIT_RUNTIME;
	ret = nlx_exec(ctx, msg, svc_reply, &v);
	for (i = 0; !ret && i < v.n; i++)
		ret = fetch_dests(ctx, &((struct svc_entry *)v.items)[i]);
	if (ret) {
		free_services(v.items, v.n);
		return ret;
	}
	*svcs = v.items;
	*n = v.n;
	return 0;
}

/* A listing that raced with a configuration change is taken again. */
int fetch_services(struct nlctx *ctx, const struct svc_spec *only,
		   struct svc_entry **svcs, size_t *n)
{
	int tries = 10, ret;

	do
		ret = fetch_services_once(ctx, only, svcs, n);
	while (ret == NLX_RETRY && --tries);
	if (ret == NLX_RETRY) {
		fprintf(stderr, "ipvsctl: the configuration kept changing during the listing\n");
		ret = EXIT_RUNTIME;
	}
	return ret;
}

void free_services(struct svc_entry *svcs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(svcs[i].dests);
	free(svcs);
}

static int parse_conn_nest(struct nlattr *attr, void *arg)
{
	struct nlattr *tb[L4LB_CONN_A_MAX + 1];
	struct conn_entry *c;

	if (nla_parse_nested(tb, L4LB_CONN_A_MAX, attr, conn_policy) < 0)
		return -EBADMSG;
	c = vec_push(arg, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->af = tb[L4LB_CONN_A_AF] ? nla_get_u16(tb[L4LB_CONN_A_AF]) : AF_INET;
	c->protocol = get_u8(tb[L4LB_CONN_A_PROTOCOL]);
	get_addr(c->caddr, tb[L4LB_CONN_A_CADDR]);
	c->cport = get_port(tb[L4LB_CONN_A_CPORT]);
	get_addr(c->vaddr, tb[L4LB_CONN_A_VADDR]);
	c->vport = get_port(tb[L4LB_CONN_A_VPORT]);
	/* Modules before IPv6 do not say: the server is of the flow's family. */
	c->daf = tb[L4LB_CONN_A_DAF] ? nla_get_u16(tb[L4LB_CONN_A_DAF]) : c->af;
	get_addr(c->daddr, tb[L4LB_CONN_A_DADDR]);
	c->dport = get_port(tb[L4LB_CONN_A_DPORT]);
	c->state = get_u8(tb[L4LB_CONN_A_STATE]);
	c->expires = get_u32(tb[L4LB_CONN_A_EXPIRES]);
	c->fwd = get_u8(tb[L4LB_CONN_A_FWD_METHOD]);
	c->flags = get_u32(tb[L4LB_CONN_A_FLAGS]);
	return 0;
}

static int conn_reply(struct nlmsghdr *nlh, void *arg)
{
	return each_nest(nlh, L4LB_A_CONN, parse_conn_nest, arg);
}

int fetch_conns(struct nlctx *ctx, struct conn_entry **conns, size_t *n)
{
	struct vec v = { 0 };
	struct nl_msg *msg;
	int ret;

	msg = nlx_msg(ctx, L4LB_CMD_GET_CONN, NLM_F_DUMP);
	if (!msg)
		return EXIT_RUNTIME;
	ret = nlx_exec(ctx, msg, conn_reply, &v);
	if (ret) {
		free(v.items);
		return ret;
	}
	*conns = v.items;
	*n = v.n;
	return 0;
}

static int info_reply(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[L4LB_A_MAX + 1];
	struct l4lb_info *info = arg;

	if (genlmsg_parse(nlh, 0, tb, L4LB_A_MAX, top_policy) < 0)
		return -EBADMSG;
	if (tb[L4LB_A_VERSION])
		snprintf(info->version, sizeof(info->version), "%s",
			 nla_get_string(tb[L4LB_A_VERSION]));
	info->conn_count = get_u32(tb[L4LB_A_CONN_COUNT]);
	info->conn_tab_size = get_u32(tb[L4LB_A_CONN_TAB_SIZE]);
	info->drop_conn_max = get_u64(tb[L4LB_A_DROP_CONN_MAX]);
	info->drop_no_dest = get_u64(tb[L4LB_A_DROP_NO_DEST]);
	info->drop_nomem = get_u64(tb[L4LB_A_DROP_NOMEM]);
	info->drop_no_route = get_u64(tb[L4LB_A_DROP_NO_ROUTE]);
	info->drop_clash = get_u64(tb[L4LB_A_DROP_CLASH]);
	info->drop_dest_gone = get_u64(tb[L4LB_A_DROP_DEST_GONE]);
	return 0;
}

int fetch_info(struct nlctx *ctx, struct l4lb_info *info)
{
	struct nl_msg *msg;

	memset(info, 0, sizeof(*info));
	strcpy(info->version, "?");
	msg = nlx_msg(ctx, L4LB_CMD_GET_INFO, 0);
	if (!msg)
		return EXIT_RUNTIME;
	return nlx_exec(ctx, msg, info_reply, info);
}

static int config_reply(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[L4LB_A_MAX + 1];
	struct timeouts *t = arg;

	if (genlmsg_parse(nlh, 0, tb, L4LB_A_MAX, top_policy) < 0)
		return -EBADMSG;
	t->tcp = get_u32(tb[L4LB_A_TIMEOUT_TCP]);
	t->tcp_fin = get_u32(tb[L4LB_A_TIMEOUT_TCP_FIN]);
	t->udp = get_u32(tb[L4LB_A_TIMEOUT_UDP]);
	return 0;
}

int fetch_timeouts(struct nlctx *ctx, struct timeouts *t)
{
	struct nl_msg *msg;

	memset(t, 0, sizeof(*t));
	msg = nlx_msg(ctx, L4LB_CMD_GET_CONFIG, 0);
	if (!msg)
		return EXIT_RUNTIME;
	return nlx_exec(ctx, msg, config_reply, t);
}
