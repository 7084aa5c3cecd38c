// SPDX-License-Identifier: GPL-2.0
/*
 * The save format (-S): the configuration as ipvsctl command lines, laid
 * out like ipvsadm -Sn so that files move between the two tools, e.g.
 *
 *   -A -t 10.0.0.1:80 -s wlc -p 360 -M 255.255.255.0
 *   -A -t 10.0.0.2:80 -s mh -b mh-fallback,mh-port
 *   -a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 1
 *
 * Pure formatting from decoded structs, so the unit tests link it.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/l4lb.h>

#include "fmt.h"
#include "save.h"

/* ipvsadm's -t/-u switch for the service's protocol. */
static const char *proto_switch(uint8_t protocol)
{
	return protocol == IPPROTO_UDP ? "-u" : "-t";
}

static const char *fwd_switch(uint8_t fwd)
{
	switch (fwd) {
	case L4LB_FWD_MASQ:
		return "-m";
	case L4LB_FWD_TUNNEL:
		return "-i";
	default:
		/* ipvsadm saves local-node servers as -g too. */
		return "-g";
	}
}

static void save_service(FILE *f, const struct svc_entry *s)
{
	char vip[FMT_ADDR_LEN], rip[FMT_ADDR_LEN], mask[FMT_ADDR_LEN];
	char sflags[64];
	size_t i;

	fmt_addr_port(vip, sizeof(vip), s->af, s->addr, s->port);
	fprintf(f, "-A %s %s -s %s", proto_switch(s->protocol), vip, s->sched);
	if (s->flags & L4LB_SVC_F_PERSISTENT) {
		fprintf(f, " -p %u", s->timeout);
		/* One client is -M's default: ipvsadm leaves it out, and so do we. */
		if (svc_has_mask(s))
			fprintf(f, " -M %s", svc_mask(mask, sizeof(mask), s));
	}
	/* Where ipvsadm -S puts it: after persistence. */
	if (s->sched_flags)
		fprintf(f, " -b %s", fmt_sched_flags(sflags, sizeof(sflags), s->sched,
						      s->sched_flags));
	/* Our extension goes last, and only when set, so plain lines stay ipvsadm's. */
	if (s->idle_timeout)
		fprintf(f, " --idle-timeout %u", s->idle_timeout);
	fputc('\n', f);

	for (i = 0; i < s->ndests; i++) {
		const struct dest_entry *d = &s->dests[i];

		fmt_addr_port(rip, sizeof(rip), d->af, d->addr, d->port);
		fprintf(f, "-a %s %s -r %s %s -w %u", proto_switch(s->protocol), vip, rip,
			fwd_switch(d->fwd), d->weight);
		/* ipvsadm 1.31 names the tunnel type of every tunnel server. */
		if (d->fwd == L4LB_FWD_TUNNEL)
			fputs(" --tun-type ipip", f);
		fputc('\n', f);
	}
}

void save_services(FILE *f, const struct svc_entry *svcs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		save_service(f, &svcs[i]);
}
