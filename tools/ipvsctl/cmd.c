// SPDX-License-Identifier: GPL-2.0
/*
 * Turn a parsed request into netlink messages. Edit commands send only the
 * attributes the user gave, so the kernel keeps every other setting.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include <linux/l4lb.h>

#include "cmd.h"
#include "fetch.h"
#include "save.h"
#include "show.h"

static int put_service(struct nl_msg *msg, const struct request *req, bool key_only)
{
	const struct svc_spec *s = &req->svc;
	struct nlattr *nest;

	nest = nla_nest_start(msg, L4LB_A_SERVICE | NLA_F_NESTED);
	if (!nest || put_service_key(msg, s->af, s->protocol, s->addr, s->port))
		return -1;
	if (!key_only) {
		/* -A always names a scheduler: parse_args() filled in the default. */
		if (((req->opts & OPT_SCHED) || req->cmd == CMD_ADD_SVC) &&
		    nla_put_string(msg, L4LB_SVC_A_SCHED_NAME, s->sched))
			return -1;
		if ((req->opts & OPT_PERSIST) &&
		    (nla_put_u32(msg, L4LB_SVC_A_FLAGS, s->flags) ||
		     nla_put_u32(msg, L4LB_SVC_A_TIMEOUT, s->timeout)))
			return -1;
		if ((req->opts & OPT_NETMASK) && s->af == AF_INET6 &&
		    nla_put_u8(msg, L4LB_SVC_A_PREFIXLEN, s->prefixlen))
			return -1;
		if ((req->opts & OPT_NETMASK) && s->af != AF_INET6 &&
		    nla_put_u32(msg, L4LB_SVC_A_NETMASK, s->netmask))
			return -1;
		if ((req->opts & OPT_IDLE) &&
		    nla_put_u32(msg, L4LB_SVC_A_IDLE_TIMEOUT, s->idle_timeout))
			return -1;
		if ((req->opts & OPT_SCHED_FLAGS) &&
		    nla_put_u32(msg, L4LB_SVC_A_SCHED_FLAGS, s->sched_flags))
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_dest(struct nl_msg *msg, const struct request *req, bool key_only)
{
	const struct dest_spec *d = &req->dest;
	bool add = req->cmd == CMD_ADD_DEST;
	struct nlattr *nest;

	nest = nla_nest_start(msg, L4LB_A_DEST | NLA_F_NESTED);
	if (!nest ||
	    nla_put_u16(msg, L4LB_DEST_A_AF, d->af) ||
	    nla_put(msg, L4LB_DEST_A_ADDR, 16, d->addr) ||
	    nla_put_u16(msg, L4LB_DEST_A_PORT, htons(d->port)))
		return -1;
	if (!key_only) {
		if ((add || (req->opts & OPT_FWD)) &&
		    nla_put_u8(msg, L4LB_DEST_A_FWD_METHOD, d->fwd))
			return -1;
		if ((add || (req->opts & OPT_WEIGHT)) &&
		    nla_put_u32(msg, L4LB_DEST_A_WEIGHT, d->weight))
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_timeouts(struct nl_msg *msg, const struct timeouts *t)
{
	/* 0 means "keep the current value", which is to say: do not send it. */
	if (t->tcp && nla_put_u32(msg, L4LB_A_TIMEOUT_TCP, t->tcp))
		return -1;
	if (t->tcp_fin && nla_put_u32(msg, L4LB_A_TIMEOUT_TCP_FIN, t->tcp_fin))
		return -1;
	if (t->udp && nla_put_u32(msg, L4LB_A_TIMEOUT_UDP, t->udp))
		return -1;
	return 0;
}

struct nl_msg *build_change(struct nlctx *ctx, const struct request *req)
{
	static const uint8_t cmds[] = {
		[CMD_ADD_SVC]	= L4LB_CMD_NEW_SERVICE,
		[CMD_EDIT_SVC]	= L4LB_CMD_SET_SERVICE,
		[CMD_DEL_SVC]	= L4LB_CMD_DEL_SERVICE,
		[CMD_ADD_DEST]	= L4LB_CMD_NEW_DEST,
		[CMD_EDIT_DEST]	= L4LB_CMD_SET_DEST,
		[CMD_DEL_DEST]	= L4LB_CMD_DEL_DEST,
		[CMD_FLUSH]	= L4LB_CMD_FLUSH,
		[CMD_ZERO]	= L4LB_CMD_ZERO,
		[CMD_SET]	= L4LB_CMD_SET_CONFIG,
	};
	struct nl_msg *msg;
	int ret = 0;

	if ((size_t)req->cmd >= sizeof(cmds) || !cmds[req->cmd]) {
		fprintf(stderr, "ipvsctl: %s sends no change\n", command_name(req->cmd));
		return NULL;
	}
	msg = nlx_msg(ctx, cmds[req->cmd], 0);
	if (!msg)
		return NULL;

	switch (req->cmd) {
	case CMD_ADD_SVC:
	case CMD_EDIT_SVC:
		ret = put_service(msg, req, false);
		break;
	case CMD_DEL_SVC:
		ret = put_service(msg, req, true);
		break;
	case CMD_ADD_DEST:
	case CMD_EDIT_DEST:
	case CMD_DEL_DEST:
		ret = put_service(msg, req, true);
		if (!ret)
			ret = put_dest(msg, req, req->cmd == CMD_DEL_DEST);
		break;
	case CMD_ZERO:
		/* Without a service the kernel zeroes every counter. */
		if (req->opts & OPT_SERVICE)
			ret = put_service(msg, req, true);
		break;
	case CMD_SET:
		ret = put_timeouts(msg, &req->set);
		break;
	default:
		break;
	}
	if (ret) {
		nlx_put_failed(msg);
		return NULL;
	}
	return msg;
}

static int do_change(struct nlctx *ctx, const struct request *req)
{
	struct nl_msg *msg = build_change(ctx, req);

	if (!msg)
		return EXIT_RUNTIME;
	return nlx_exec(ctx, msg, NULL, NULL);
}

static int do_save(struct nlctx *ctx)
{
	struct svc_entry *svcs = NULL;
	size_t n = 0;
	int ret;

	ret = fetch_services(ctx, NULL, &svcs, &n);
	if (ret)
		return ret;
	sort_services(svcs, n);
	save_services(stdout, svcs, n);
	free_services(svcs, n);
	return 0;
}

static int do_info(struct nlctx *ctx, const struct request *req)
{
	struct l4lb_info info;
	int ret;

	ret = fetch_info(ctx, &info);
	if (!ret)
		show_info(stdout, &info, req->list.json);
	return ret;
}

static int do_list(struct nlctx *ctx, const struct request *req)
{
	bool one = req->opts & OPT_SERVICE;
	const struct list_opts *o = &req->list;
	struct svc_entry *svcs = NULL;
	struct conn_entry *conns;
	struct l4lb_info info = { .version = "?" };
	struct timeouts t;
	size_t n = 0;
	int ret;

	if (o->timeout) {
		ret = fetch_timeouts(ctx, &t);
		if (!ret)
			show_timeouts(stdout, &t, o);
		return ret;
	}
	if (o->connections) {
		ret = fetch_conns(ctx, &conns, &n);
		if (ret)
			return ret;
		sort_conns(conns, n);
		show_conns(stdout, conns, n, o);
		free(conns);
		return 0;
	}

	/*
	 * The text header of the whole table names the module version and
	 * table size; one service's listing has none, as in ipvsadm.
	 */
	if (!o->json && !one) {
		ret = fetch_info(ctx, &info);
		if (ret)
			return ret;
	}
	ret = fetch_services(ctx, one ? &req->svc : NULL, &svcs, &n);
	if (ret)
		return ret;
	sort_services(svcs, n);
	show_services(stdout, one ? NULL : &info, svcs, n, o);
	free_services(svcs, n);
	return 0;
}

int run_command(struct nlctx *ctx, const struct request *req)
{
	int ret;

	switch (req->cmd) {
	case CMD_LIST:
		ret = do_list(ctx, req);
		break;
	case CMD_SAVE:
		ret = do_save(ctx);
		break;
	case CMD_INFO:
		ret = do_info(ctx, req);
		break;
	default:
		ret = do_change(ctx, req);
		break;
	}
	if (fflush(stdout) == EOF && !ret) {
		perror("ipvsctl: write error");
		ret = EXIT_RUNTIME;
	}
	return ret;
}
