// SPDX-License-Identifier: GPL-2.0
/*
 * A stateful table of services and servers for the fake l4lb module (see
 * fake.h), so restore tests can check what a run really left behind: the
 * table is written to $FAKE_L4LB_STATE at exit, one object per line in
 * the order they were added. Linear scans: meant for small tests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/l4lb.h>

#include "fake.h"

struct obj {
	struct fake_key svc;
	struct fake_key dest;	/* .set for a server */
	bool live;
};

static struct obj *objs;
static size_t nobjs, capobjs;

bool fake_state_enabled(void)
{
	return getenv("FAKE_L4LB_STATE") != NULL;
}

static bool same(const struct fake_key *a, const struct fake_key *b)
{
	return a->set == b->set &&
	       (!a->set || (a->af == b->af && a->proto == b->proto &&
			    !memcmp(a->addr, b->addr, sizeof(a->addr)) && a->port == b->port));
}

static struct obj *find(const struct fake_key *svc, const struct fake_key *dest)
{
	struct fake_key none = { 0 };
	size_t i;

	for (i = 0; i < nobjs; i++)
		if (objs[i].live && same(&objs[i].svc, svc) &&
		    same(&objs[i].dest, dest ? dest : &none))
			return &objs[i];
	return NULL;
}

static int add(const struct fake_key *svc, const struct fake_key *dest)
{
	if (nobjs == capobjs) {
		capobjs = capobjs ? capobjs * 2 : 64;
		objs = realloc(objs, capobjs * sizeof(*objs));
		if (!objs)
			abort();
	}
	objs[nobjs] = (struct obj){ .svc = *svc, .live = true };
	if (dest)
		objs[nobjs].dest = *dest;
	nobjs++;
	return 0;
}

int fake_state_change(uint8_t cmd, const struct fake_key *svc, const struct fake_key *dest,
		      const char **msg)
{
	struct obj *o;
	size_t i;

	switch (cmd) {
	case L4LB_CMD_NEW_SERVICE:
		*msg = "service already exists";
		return find(svc, NULL) ? -EEXIST : add(svc, NULL);
	case L4LB_CMD_NEW_DEST:
		*msg = "no such service";
		if (!find(svc, NULL))
			return -ENOENT;
		*msg = "server already exists";
		return find(svc, dest) ? -EEXIST : add(svc, dest);
	case L4LB_CMD_DEL_SERVICE:
		*msg = "no such service";
		o = find(svc, NULL);
		if (!o)
			return -ENOENT;
		/* The servers go with their service. */
		for (i = 0; i < nobjs; i++)
			if (objs[i].live && same(&objs[i].svc, svc))
				objs[i].live = false;
		return 0;
	case L4LB_CMD_DEL_DEST:
		*msg = "no such server";
		o = find(svc, dest);
		if (!o)
			return -ENOENT;
		o->live = false;
		return 0;
	case L4LB_CMD_FLUSH:
		for (i = 0; i < nobjs; i++)
			objs[i].live = false;
		return 0;
	case L4LB_CMD_SET_SERVICE:
	case L4LB_CMD_ZERO:
		*msg = "no such service";
		return !svc->set || find(svc, NULL) ? 0 : -ENOENT;
	case L4LB_CMD_SET_DEST:
		*msg = "no such server";
		return find(svc, dest) ? 0 : -ENOENT;
	default:
		return 0;
	}
}

/* "10.0.0.1:80" or "[2001:db8::1]:80", as ipvsctl prints them. */
static const char *ep(char *buf, size_t len, const struct fake_key *k)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(k->af, k->addr, a, sizeof(a));
	snprintf(buf, len, k->af == AF_INET6 ? "[%s]:%u" : "%s:%u", a, k->port);
	return buf;
}

__attribute__((destructor))
static void write_state(void)
{
	const char *path = getenv("FAKE_L4LB_STATE");
	char s[64], d[64];
	size_t i;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "w");
	if (!f)
		return;
	for (i = 0; i < nobjs; i++) {
		const struct obj *o = &objs[i];

		if (!o->live)
			continue;
		if (o->dest.set)
			fprintf(f, "dest %s %s -> %s\n", o->svc.proto == 17 ? "UDP" : "TCP",
				ep(s, sizeof(s), &o->svc), ep(d, sizeof(d), &o->dest));
		else
			fprintf(f, "service %s %s\n", o->svc.proto == 17 ? "UDP" : "TCP",
				ep(s, sizeof(s), &o->svc));
	}
	fclose(f);
}
