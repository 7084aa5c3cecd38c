// SPDX-License-Identifier: GPL-2.0
/*
 * Listings, as text in ipvsadm's column layout or as JSON. Everything
 * prints from decoded structs to a FILE, so tests can capture the output.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "show.h"

static int cmp_endpoint(uint16_t af_a, const uint8_t *a, uint16_t port_a,
			uint16_t af_b, const uint8_t *b, uint16_t port_b)
{
	int r;

	if (af_a != af_b)
		return af_a < af_b ? -1 : 1;
	/* Network byte order compares like the number it encodes. */
	r = memcmp(a, b, af_a == AF_INET ? 4 : 16);
	if (r)
		return r;
	return port_a < port_b ? -1 : port_a > port_b;
}

static int cmp_dest(const void *pa, const void *pb)
{
	const struct dest_entry *a = pa, *b = pb;

	return cmp_endpoint(a->af, a->addr, a->port, b->af, b->addr, b->port);
}

static int cmp_svc(const void *pa, const void *pb)
{
	const struct svc_entry *a = pa, *b = pb;

	/* IPv4 services first, as in ipvsadm, whose listing -S follows. */
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	return cmp_endpoint(a->af, a->addr, a->port, b->af, b->addr, b->port);
}

static int cmp_conn(const void *pa, const void *pb)
{
	const struct conn_entry *a = pa, *b = pb;
	int r;

	/* As the services: IPv4 first, then by protocol. */
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	r = cmp_endpoint(a->af, a->vaddr, a->vport, b->af, b->vaddr, b->vport);
	if (r)
		return r;
	return cmp_endpoint(a->af, a->caddr, a->cport, b->af, b->caddr, b->cport);
}

void sort_services(struct svc_entry *svcs, size_t n)
{
	size_t i;

	if (n > 1)
		qsort(svcs, n, sizeof(*svcs), cmp_svc);
	for (i = 0; i < n; i++)
		if (svcs[i].ndests > 1)
			qsort(svcs[i].dests, svcs[i].ndests, sizeof(*svcs[i].dests), cmp_dest);
}

void sort_conns(struct conn_entry *conns, size_t n)
{
	if (n > 1)
		qsort(conns, n, sizeof(*conns), cmp_conn);
}

/* --stats and --rate share one layout: a label, then five 8-column numbers. */
#define NUM_ROW_FMT "%-33s %8s %8s %8s %8s %8s\n"

static void text_num_row(FILE *f, const char *label, const struct l4lb_stats *s,
			 const struct list_opts *o)
{
	const uint64_t *v, counters[5] = { s->conns, s->inpkts, s->outpkts, s->inbytes,
					   s->outbytes };
	const uint64_t rates[5] = { s->cps, s->inpps, s->outpps, s->inbps, s->outbps };
	char b[5][FMT_NUM_LEN];
	int i;

	v = o->rate ? rates : counters;
	for (i = 0; i < 5; i++)
		fmt_number(b[i], sizeof(b[i]), v[i], o->exact);
	fprintf(f, NUM_ROW_FMT, label, b[0], b[1], b[2], b[3], b[4]);
}

/* Like ipvsadm, a mask of all ones (one client, one server) goes unsaid. */
bool svc_has_mask(const struct svc_entry *s)
{
	if (s->af == AF_INET6)
		return s->prefixlen != 128;
	return s->netmask != 0xffffffffu;
}

/* The mask as ipvsadm writes it: "255.255.255.0", or "64" for IPv6. */
const char *svc_mask(char *buf, size_t len, const struct svc_entry *s)
{
	if (s->af == AF_INET6)
		snprintf(buf, len, "%u", s->prefixlen);
	else
		fmt_addr(buf, len, AF_INET, (const uint8_t *)&s->netmask);
	return buf;
}

static void text_service(FILE *f, const struct svc_entry *s, const struct list_opts *o)
{
	char ap[FMT_ADDR_LEN], label[FMT_ADDR_LEN + 8], mask[FMT_ADDR_LEN];
	char sflags[64];
	size_t i;

	fmt_addr_port(ap, sizeof(ap), s->af, s->addr, s->port);
	snprintf(label, sizeof(label), "%-4s %s", fmt_proto(s->protocol), ap);
	if (o->stats || o->rate) {
		text_num_row(f, label, &s->stats, o);
	} else {
		fprintf(f, "%s %s", label, s->sched);
		/* As ipvsadm: "mh (mh-fallback,mh-port)", before persistence. */
		if (s->sched_flags)
			fprintf(f, " (%s)", fmt_sched_flags(sflags, sizeof(sflags), s->sched,
							    s->sched_flags));
		if (s->flags & L4LB_SVC_F_PERSISTENT) {
			fprintf(f, " persistent %u", s->timeout);
			if (svc_has_mask(s))
				fprintf(f, " mask %s", svc_mask(mask, sizeof(mask), s));
		}
		if (s->idle_timeout)
			fprintf(f, " idle %u", s->idle_timeout);
		fputc('\n', f);
	}

	for (i = 0; i < s->ndests; i++) {
		const struct dest_entry *d = &s->dests[i];

		fmt_addr_port(ap, sizeof(ap), d->af, d->addr, d->port);
		snprintf(label, sizeof(label), "  -> %s", ap);
		if (o->stats || o->rate)
			text_num_row(f, label, &d->stats, o);
		else
			fprintf(f, "  -> %-28s %-7s %-6u %-10u %u\n", ap, fmt_fwd(d->fwd),
				d->weight, d->active, d->inactive);
	}
}

static void json_stats(FILE *f, const struct l4lb_stats *s)
{
	fprintf(f, "{\"conns\":%" PRIu64 ",\"inpkts\":%" PRIu64 ",\"outpkts\":%" PRIu64
		",\"inbytes\":%" PRIu64 ",\"outbytes\":%" PRIu64,
		s->conns, s->inpkts, s->outpkts, s->inbytes, s->outbytes);
	fprintf(f, ",\"cps\":%" PRIu64 ",\"inpps\":%" PRIu64 ",\"outpps\":%" PRIu64
		",\"inbps\":%" PRIu64 ",\"outbps\":%" PRIu64 "}",
		s->cps, s->inpps, s->outpps, s->inbps, s->outbps);
}

static void json_service(FILE *f, const struct svc_entry *s)
{
	char a[FMT_ADDR_LEN], sflags[64], *flag, *save;
	size_t i;

	fprintf(f, "{\"protocol\":");
	json_string(f, fmt_proto(s->protocol));
	fprintf(f, ",\"address\":");
	json_string(f, fmt_addr(a, sizeof(a), s->af, s->addr));
	fprintf(f, ",\"port\":%u,\"scheduler\":", s->port);
	json_string(f, s->sched);
	/* The flags as -b names them, one string each. */
	fprintf(f, ",\"sched_flags\":[");
	fmt_sched_flags(sflags, sizeof(sflags), s->sched, s->sched_flags);
	for (i = 0, flag = strtok_r(sflags, ",", &save); flag;
	     i++, flag = strtok_r(NULL, ",", &save)) {
		if (i)
			fputc(',', f);
		json_string(f, flag);
	}
	fputc(']', f);
	if (s->flags & L4LB_SVC_F_PERSISTENT && s->af == AF_INET6) {
		fprintf(f, ",\"persistent\":true,\"timeout\":%u,\"prefix_length\":%u",
			s->timeout, s->prefixlen);
	} else if (s->flags & L4LB_SVC_F_PERSISTENT) {
		fprintf(f, ",\"persistent\":true,\"timeout\":%u,\"netmask\":", s->timeout);
		json_string(f, fmt_addr(a, sizeof(a), AF_INET, (const uint8_t *)&s->netmask));
	} else {
		fprintf(f, ",\"persistent\":false");
	}
	fprintf(f, ",\"idle_timeout\":%u", s->idle_timeout);
	fprintf(f, ",\"servers\":[");
	for (i = 0; i < s->ndests; i++) {
		const struct dest_entry *d = &s->dests[i];

		fprintf(f, "%s{\"address\":", i ? "," : "");
		json_string(f, fmt_addr(a, sizeof(a), d->af, d->addr));
		fprintf(f, ",\"port\":%u,\"forward\":", d->port);
		json_string(f, fmt_fwd(d->fwd));
		fprintf(f, ",\"weight\":%u,\"active\":%u,\"inactive\":%u,\"stats\":",
			d->weight, d->active, d->inactive);
		json_stats(f, &d->stats);
		fputc('}', f);
	}
	fprintf(f, "],\"stats\":");
	json_stats(f, &s->stats);
	fputc('}', f);
}

void show_services(FILE *f, const struct l4lb_info *info, const struct svc_entry *svcs,
		   size_t n, const struct list_opts *opts)
{
	size_t i;

	if (opts->json) {
		fputc('[', f);
		for (i = 0; i < n; i++) {
			if (i)
				fputc(',', f);
			json_service(f, &svcs[i]);
		}
		fputs("]\n", f);
		return;
	}

	if (info)
		fprintf(f, "l4lb version %s (size=%u)\n", info->version, info->conn_tab_size);
	if (opts->stats) {
		fprintf(f, NUM_ROW_FMT, "Prot LocalAddress:Port",
			"Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
		fprintf(f, "  -> RemoteAddress:Port\n");
	} else if (opts->rate) {
		fprintf(f, NUM_ROW_FMT, "Prot LocalAddress:Port",
			"CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
		fprintf(f, "  -> RemoteAddress:Port\n");
	} else {
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n");
		fprintf(f, "  -> %-28s %-7s %-6s %-10s %s\n", "RemoteAddress:Port",
			"Forward", "Weight", "ActiveConn", "InActConn");
	}
	for (i = 0; i < n; i++)
		text_service(f, &svcs[i], opts);
}

static void json_endpoint(FILE *f, const char *key, uint16_t af, const uint8_t *addr,
			  uint16_t port)
{
	char a[FMT_ADDR_LEN];

	fprintf(f, ",\"%s\":{\"address\":", key);
	json_string(f, fmt_addr(a, sizeof(a), af, addr));
	fprintf(f, ",\"port\":%u}", port);
}

/* pro, expire, state, source, virtual, destination */
#define CONN_FMT "%-3s %-6s %-11s %-18s %-18s %s\n"

static bool is_template(const struct conn_entry *e)
{
	return e->flags & L4LB_CONN_F_TEMPLATE;
}

/*
 * A persistence template carries no packets, so it has no protocol state,
 * only whether a flow it placed was answered: IPVS names it NONE or
 * ASSURED whatever the protocol, UDP included.
 */
static const char *conn_state(const struct conn_entry *e)
{
	if (is_template(e))
		return e->flags & L4LB_CONN_F_ASSURED ? "ASSURED" : "NONE";
	return fmt_state(e->protocol, e->state);
}

void show_conns(FILE *f, const struct conn_entry *conns, size_t n,
		const struct list_opts *opts)
{
	char c[FMT_ADDR_LEN], v[FMT_ADDR_LEN], d[FMT_ADDR_LEN], exp[16];
	size_t i;

	if (opts->json) {
		fputc('[', f);
		for (i = 0; i < n; i++) {
			const struct conn_entry *e = &conns[i];

			fprintf(f, "%s{\"protocol\":", i ? "," : "");
			json_string(f, fmt_proto(e->protocol));
			fprintf(f, ",\"state\":");
			json_string(f, conn_state(e));
			fprintf(f, ",\"template\":%s,\"expires_ms\":%u,\"forward\":",
				is_template(e) ? "true" : "false", e->expires);
			json_string(f, fmt_fwd(e->fwd));
			json_endpoint(f, "client", e->af, e->caddr, e->cport);
			json_endpoint(f, "virtual", e->af, e->vaddr, e->vport);
			json_endpoint(f, "server", e->daf, e->daddr, e->dport);
			fputc('}', f);
		}
		fputs("]\n", f);
		return;
	}

	fprintf(f, "l4lb connection entries\n");
	fprintf(f, CONN_FMT, "pro", "expire", "state", "source", "virtual", "destination");
	for (i = 0; i < n; i++) {
		const struct conn_entry *e = &conns[i];

		fprintf(f, CONN_FMT, fmt_proto(e->protocol), fmt_expire(exp, sizeof(exp), e->expires),
			conn_state(e),
			fmt_addr_port(c, sizeof(c), e->af, e->caddr, e->cport),
			fmt_addr_port(v, sizeof(v), e->af, e->vaddr, e->vport),
			fmt_addr_port(d, sizeof(d), e->daf, e->daddr, e->dport));
	}
}

void show_timeouts(FILE *f, const struct timeouts *t, const struct list_opts *opts)
{
	if (opts->json)
		fprintf(f, "{\"tcp\":%u,\"tcpfin\":%u,\"udp\":%u}\n", t->tcp, t->tcp_fin, t->udp);
	else
		fprintf(f, "Timeout (tcp tcpfin udp): %u %u %u\n", t->tcp, t->tcp_fin, t->udp);
}

void show_info(FILE *f, const struct l4lb_info *info, bool json)
{
	if (json) {
		fprintf(f, "{\"version\":");
		json_string(f, info->version);
		fprintf(f, ",\"connections\":%u,\"table_size\":%u,\"dropped\":{"
			"\"conn_max\":%" PRIu64 ",\"no_dest\":%" PRIu64 ",\"nomem\":%" PRIu64
			",\"no_route\":%" PRIu64 ",\"clash\":%" PRIu64
			",\"dest_gone\":%" PRIu64 "}}\n",
			info->conn_count, info->conn_tab_size, info->drop_conn_max,
			info->drop_no_dest, info->drop_nomem, info->drop_no_route,
			info->drop_clash, info->drop_dest_gone);
		return;
	}
	fprintf(f, "l4lb v%s: %u connections, table size %u\n", info->version,
		info->conn_count, info->conn_tab_size);
	fprintf(f, "dropped: conn_max %" PRIu64 ", no_dest %" PRIu64 ", nomem %" PRIu64
		", no_route %" PRIu64 ", clash %" PRIu64 ", dest_gone %" PRIu64 "\n",
		info->drop_conn_max, info->drop_no_dest, info->drop_nomem,
		info->drop_no_route, info->drop_clash, info->drop_dest_gone);
}
