// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the save format (save.c) and the pure half of restore
 * (restore.c): reading and parsing a file, line numbers in errors, and
 * which adds of a failed batch get undone.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "restore.h"
#include "save.h"
#include "test_util.h"

static void v4(uint8_t addr[16], const char *s)
{
	memset(addr, 0, 16);
	inet_pton(AF_INET, s, addr);
}

static void v6(uint8_t addr[16], const char *s)
{
	inet_pton(AF_INET6, s, addr);
}

/* Four services covering every save feature, sorted as -L sorts. */
static struct svc_entry *save_sample(size_t *n)
{
	struct svc_entry *s = calloc(4, sizeof(*s));
	struct dest_entry *d = calloc(4, sizeof(*d));

	s[0] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_UDP, .port = 53,
				   .sched = "rr", .netmask = 0xffffffffu, .idle_timeout = 30,
				   .dests = d + 3, .ndests = 1 };
	v4(s[0].addr, "10.0.0.1");
	d[3] = (struct dest_entry){ .af = AF_INET, .port = 53, .fwd = L4LB_FWD_LOCAL,
				    .weight = 0 };
	v4(d[3].addr, "127.0.0.1");
	s[1] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80,
				   .sched = "wlc", .netmask = 0xffffffffu, .dests = d,
				   .ndests = 2 };
	v4(s[1].addr, "10.0.0.1");
	d[0] = (struct dest_entry){ .af = AF_INET, .port = 8080, .fwd = L4LB_FWD_MASQ,
				    .weight = 1 };
	v4(d[0].addr, "192.168.1.2");
	d[1] = (struct dest_entry){ .af = AF_INET, .port = 80, .fwd = L4LB_FWD_ROUTE,
				    .weight = 65535 };
	v4(d[1].addr, "192.168.1.10");
	s[2] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 443,
				   .sched = "wrr", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 360, .netmask = htonl(0xffffff00),
				   .idle_timeout = 7200, .dests = d + 2, .ndests = 1 };
	v4(s[2].addr, "10.0.0.1");
	d[2] = (struct dest_entry){ .af = AF_INET, .port = 443, .fwd = L4LB_FWD_TUNNEL,
				    .weight = 3 };
	v4(d[2].addr, "172.16.0.1");
	s[3] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 22,
				   .sched = "lc", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 60, .netmask = 0xffffffffu };
	v4(s[3].addr, "10.0.0.2");
	*n = 4;
	sort_services(s, 4);
	return s;
}

static const char save_text[] =
	"-A -t 10.0.0.1:80 -s wlc\n"
	"-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 1\n"
	"-a -t 10.0.0.1:80 -r 192.168.1.10:80 -g -w 65535\n"
	"-A -t 10.0.0.1:443 -s wrr -p 360 -M 255.255.255.0 --idle-timeout 7200\n"
	"-a -t 10.0.0.1:443 -r 172.16.0.1:443 -i -w 3 --tun-type ipip\n"
	"-A -t 10.0.0.2:22 -s lc -p 60\n"
	"-A -u 10.0.0.1:53 -s rr --idle-timeout 30\n"
	"-a -u 10.0.0.1:53 -r 127.0.0.1:53 -g -w 0\n";

/*
 * IPv6 services among IPv4 ones, with servers of the other family behind
 * tunnels, as -S sees them from the kernel (unsorted).
 */
static struct svc_entry *save_sample_v6(size_t *n)
{
	struct svc_entry *s = calloc(4, sizeof(*s));
	struct dest_entry *d = calloc(4, sizeof(*d));

	s[0] = (struct svc_entry){ .af = AF_INET6, .protocol = IPPROTO_UDP, .port = 53,
				   .sched = "rr", .prefixlen = 128, .idle_timeout = 30,
				   .dests = d + 3, .ndests = 1 };
	v6(s[0].addr, "2001:db8::53");
	d[3] = (struct dest_entry){ .af = AF_INET, .port = 53, .fwd = L4LB_FWD_TUNNEL,
				    .weight = 1 };
	v4(d[3].addr, "192.168.1.5");
	s[1] = (struct svc_entry){ .af = AF_INET6, .protocol = IPPROTO_TCP, .port = 80,
				   .sched = "wlc", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 300, .prefixlen = 64, .dests = d, .ndests = 2 };
	v6(s[1].addr, "2001:db8::1");
	d[0] = (struct dest_entry){ .af = AF_INET6, .port = 8080, .fwd = L4LB_FWD_MASQ,
				    .weight = 2 };
	v6(d[0].addr, "2001:db8::11");
	d[1] = (struct dest_entry){ .af = AF_INET6, .port = 80, .fwd = L4LB_FWD_ROUTE,
				    .weight = 1 };
	v6(d[1].addr, "2001:db8::10");
	s[2] = (struct svc_entry){ .af = AF_INET6, .protocol = IPPROTO_TCP, .port = 443,
				   .sched = "wrr", .flags = L4LB_SVC_F_PERSISTENT,
				   .timeout = 360, .prefixlen = 128 };
	v6(s[2].addr, "2001:db8::1");
	s[3] = (struct svc_entry){ .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80,
				   .sched = "wlc", .netmask = 0xffffffffu, .dests = d + 2,
				   .ndests = 1 };
	v4(s[3].addr, "10.0.0.1");
	d[2] = (struct dest_entry){ .af = AF_INET6, .port = 80, .fwd = L4LB_FWD_TUNNEL,
				    .weight = 1 };
	v6(d[2].addr, "2001:db8::20");
	*n = 4;
	sort_services(s, 4);
	return s;
}

static const char save_text_v6[] =
	"-A -t 10.0.0.1:80 -s wlc\n"
	"-a -t 10.0.0.1:80 -r [2001:db8::20]:80 -i -w 1 --tun-type ipip\n"
	"-A -t [2001:db8::1]:80 -s wlc -p 300 -M 64\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -g -w 1\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8::11]:8080 -m -w 2\n"
	"-A -t [2001:db8::1]:443 -s wrr -p 360\n"
	"-A -u [2001:db8::53]:53 -s rr --idle-timeout 30\n"
	"-a -u [2001:db8::53]:53 -r 192.168.1.5:53 -i -w 1 --tun-type ipip\n";

static void test_save(void)
{
	struct svc_entry *s;
	char *out = NULL;
	size_t n, len;
	FILE *f;

	s = save_sample(&n);
	f = open_memstream(&out, &len);
	save_services(f, s, n);
	fclose(f);
	CHECK_STR(out, save_text, "save: ipvsadm -Sn layout, extension last");
	free(out);

	f = open_memstream(&out, &len);
	save_services(f, s, 0);
	fclose(f);
	CHECK_STR(out, "", "save: nothing configured, nothing printed");
	free(out);
	free(s[0].dests);
	free(s);

	s = save_sample_v6(&n);
	f = open_memstream(&out, &len);
	save_services(f, s, n);
	fclose(f);
	CHECK_STR(out, save_text_v6, "save: IPv6 in brackets, -M as a prefix length, after IPv4");
	free(out);
	free(s[1].dests);	/* sorted, [2001:db8::1]:80 holds d[0] */
	free(s);
}

/* Parse @text as a restore file. */
static int read_text(const char *text, struct restore_line **lines, size_t *n, char *err,
		     size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	*lines = NULL;
	*n = 0;
	ret = restore_read(f, lines, n, err, errlen);
	fclose(f);
	return ret;
}

static void check_read_error(const char *text, const char *want, const char *name)
{
	struct restore_line *lines;
	char err[320], full[160];
	size_t n;
	int ret;

	snprintf(full, sizeof(full), "restore: %s", name);
	ret = read_text(text, &lines, &n, err, sizeof(err));
	CHECK(ret == EXIT_USAGE && !strcmp(err, want), full, "rc %d '%s', want '%s'", ret, err,
	      want);
	if (!ret)
		free(lines);
}

static void test_restore_read(void)
{
	static const char text[] =
		"# saved by hand\n"
		"\n"
		"   \t\n"
		"-A -t 10.0.0.1:80 -s rr\r\n"
		"  ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 2\n"
		"ipvsctl\t-e\t-t 10.0.0.1:80 -r 192.168.1.2:8080 -w 0\n"
		"   # indented comment\n"
		"--set 0 0 60\n"
		"-C";			/* no final newline */
	struct restore_line *lines;
	char err[320];
	size_t n;
	int ret;

	ret = read_text(text, &lines, &n, err, sizeof(err));
	CHECK(ret == 0 && n == 5, "restore: comments, blanks and tool names skipped",
	      "rc %d n %zu '%s'", ret, n, ret ? err : "");
	if (ret == 0 && n == 5) {
		CHECK(lines[0].lineno == 4 && lines[1].lineno == 5 && lines[2].lineno == 6 &&
		      lines[3].lineno == 8 && lines[4].lineno == 9,
		      "restore: line numbers count every line", "%u %u %u %u %u",
		      lines[0].lineno, lines[1].lineno, lines[2].lineno, lines[3].lineno,
		      lines[4].lineno);
		CHECK(lines[0].req.cmd == CMD_ADD_SVC && !strcmp(lines[0].req.svc.sched, "rr") &&
		      lines[1].req.cmd == CMD_ADD_DEST && lines[1].req.dest.weight == 2 &&
		      lines[1].req.dest.port == 8080 && lines[1].req.dest.fwd == L4LB_FWD_MASQ &&
		      lines[2].req.cmd == CMD_EDIT_DEST && lines[2].req.dest.weight == 0 &&
		      lines[3].req.cmd == CMD_SET && lines[3].req.set.udp == 60 &&
		      lines[4].req.cmd == CMD_FLUSH,
		      "restore: each line parsed like a command line", "cmds %d %d %d %d %d",
		      lines[0].req.cmd, lines[1].req.cmd, lines[2].req.cmd, lines[3].req.cmd,
		      lines[4].req.cmd);
		free(lines);
	}

	ret = read_text("", &lines, &n, err, sizeof(err));
	CHECK(ret == 0 && n == 0, "restore: empty input", "rc %d n %zu", ret, n);
	free(lines);

	check_read_error("-A -t 10.0.0.1:80\n\n# c\n-a -t 10.0.0.1:80 -r 1.2.3.4 -w 70000\n",
			 "line 4: bad weight '70000' (expected an integer 0..65535)",
			 "error names the line number");
	check_read_error("-A -t 10.0.0.1:80\n-L -n\n",
			 "line 2: -L (--list) cannot be used in a restore file "
			 "(only -A -E -D -a -e -d -C -Z --set)", "listing refused");
	check_read_error("-R\n", "line 1: -R (--restore) cannot be used in a restore file "
			 "(only -A -E -D -a -e -d -C -Z --set)", "nested restore refused");
	check_read_error("-S -n\n", "line 1: -S (--save) cannot be used in a restore file "
			 "(only -A -E -D -a -e -d -C -Z --set)", "save refused");
	check_read_error("-A -t 10.0.0.1:80\n-h\n", "line 2: -h (--help) cannot be used in a "
			 "restore file (only -A -E -D -a -e -d -C -Z --set)", "help refused");
	check_read_error("ipvsadm\n", "line 1: no command after 'ipvsadm'", "tool name alone");
	check_read_error("-A -t 10.0.0.1:80 # trailing comment\n",
			 "line 1: unexpected argument '#'", "no trailing comments");
	check_read_error("\n-A -t 10.0.0.1:80 -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr "
			 "-s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr "
			 "-s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr -s rr "
			 "-s rr -s rr\n",
			 "line 2: too many words (at most 64)", "too many words");
	check_read_error("-A -t 10.0.0.1:80\n-A -x\n",
			 "line 2: unknown option -x (try 'ipvsctl -h')", "unknown option");
}

/*
 * The configuration the -A and -a lines of @lines make, as the kernel
 * would list it: -S of it must print the file they came from.
 */
static char *resave(const struct restore_line *lines, size_t n)
{
	struct svc_entry *s = calloc(n, sizeof(*s)), *cur = NULL;
	size_t i, nsvc = 0, len;
	char *out = NULL;
	FILE *f;

	for (i = 0; i < n; i++) {
		const struct request *r = &lines[i].req;
		struct dest_entry *d;

		if (r->cmd == CMD_ADD_SVC) {
			cur = &s[nsvc++];
			*cur = (struct svc_entry){ .af = r->svc.af, .protocol = r->svc.protocol,
						   .port = r->svc.port, .flags = r->svc.flags,
						   .timeout = r->svc.timeout,
						   .idle_timeout = r->svc.idle_timeout,
						   .netmask = 0xffffffffu, .prefixlen = 128,
						   .dests = calloc(n, sizeof(*d)) };
			memcpy(cur->addr, r->svc.addr, 16);
			strcpy(cur->sched, r->svc.sched);
			if (r->opts & OPT_NETMASK) {
				cur->netmask = r->svc.netmask;
				cur->prefixlen = r->svc.prefixlen;
			}
		} else if (r->cmd == CMD_ADD_DEST && cur) {
			d = &cur->dests[cur->ndests++];
			*d = (struct dest_entry){ .af = r->dest.af, .port = r->dest.port,
						  .fwd = r->dest.fwd, .weight = r->dest.weight };
			memcpy(d->addr, r->dest.addr, 16);
		}
	}
	f = open_memstream(&out, &len);
	save_services(f, s, nsvc);
	fclose(f);
	for (i = 0; i < nsvc; i++)
		free(s[i].dests);
	free(s);
	return out;
}

/* What -S prints, -R must read back to the same configuration. */
static void test_round_trip(void)
{
	struct restore_line *lines;
	char err[320], a[INET_ADDRSTRLEN], *out;
	size_t n;
	int ret;

	ret = read_text(save_text, &lines, &n, err, sizeof(err));
	CHECK(ret == 0 && n == 8, "restore: save output reads back", "rc %d n %zu '%s'", ret, n,
	      ret ? err : "");
	if (ret || n != 8)
		return;
	CHECK(lines[3].req.cmd == CMD_ADD_SVC && lines[3].req.svc.port == 443 &&
	      !strcmp(lines[3].req.svc.sched, "wrr") &&
	      lines[3].req.svc.flags == L4LB_SVC_F_PERSISTENT && lines[3].req.svc.timeout == 360 &&
	      lines[3].req.svc.netmask == htonl(0xffffff00) &&
	      lines[3].req.svc.idle_timeout == 7200 &&
	      (lines[3].req.opts & (OPT_PERSIST | OPT_NETMASK | OPT_IDLE)) ==
	      (OPT_PERSIST | OPT_NETMASK | OPT_IDLE),
	      "restore: persistence, mask and idle timeout survive", "%s/%u/%u/%s/%u",
	      lines[3].req.svc.sched, lines[3].req.svc.timeout, lines[3].req.svc.flags,
	      inet_ntop(AF_INET, &lines[3].req.svc.netmask, a, sizeof(a)),
	      lines[3].req.svc.idle_timeout);
	CHECK(lines[5].req.cmd == CMD_ADD_SVC && lines[5].req.svc.timeout == 60 &&
	      !(lines[5].req.opts & (OPT_NETMASK | OPT_IDLE)),
	      "restore: no -M, no idle timeout when not saved", "opts %#x", lines[5].req.opts);
	CHECK(lines[7].req.cmd == CMD_ADD_DEST && lines[7].req.svc.protocol == IPPROTO_UDP &&
	      lines[7].req.dest.weight == 0 && lines[7].req.dest.fwd == L4LB_FWD_ROUTE &&
	      lines[2].req.dest.weight == 65535 && lines[4].req.dest.fwd == L4LB_FWD_TUNNEL,
	      "restore: servers keep weight and method", "w %u fwd %u",
	      lines[7].req.dest.weight, lines[7].req.dest.fwd);
	out = resave(lines, n);
	CHECK_STR(out, save_text, "restore: what -R reads, -S prints back");
	free(out);
	free(lines);

	ret = read_text(save_text_v6, &lines, &n, err, sizeof(err));
	CHECK(ret == 0 && n == 8, "restore: IPv6 save output reads back", "rc %d n %zu '%s'",
	      ret, n, ret ? err : "");
	if (ret || n != 8)
		return;
	CHECK(lines[2].req.svc.af == AF_INET6 && lines[2].req.svc.prefixlen == 64 &&
	      (lines[2].req.opts & OPT_NETMASK) && lines[1].req.dest.af == AF_INET6 &&
	      lines[7].req.dest.af == AF_INET && lines[7].req.svc.af == AF_INET6,
	      "restore: IPv6 families and prefix length survive", "af %u plen %u",
	      lines[2].req.svc.af, lines[2].req.svc.prefixlen);
	out = resave(lines, n);
	CHECK_STR(out, save_text_v6, "restore: what -R reads of IPv6, -S prints back");
	free(out);
	free(lines);
}

static void test_undo(void)
{
	static const char text[] =
		"-A -t 10.0.0.1:80\n"				/* 0 ok */
		"-a -t 10.0.0.1:80 -r 1.1.1.1\n"		/* 1 ok */
		"-A -t 10.0.0.2:80\n"				/* 2 fails: first error */
		"-A -t 10.0.0.3:80\n"				/* 3 ok: undo */
		"-a -t 10.0.0.3:80 -r 1.1.1.2\n"		/* 4 ok: goes with 3 */
		"-a -t 10.0.0.1:80 -r 1.1.1.3\n"		/* 5 ok: undo */
		"-A -t 10.0.0.4:80\n"				/* 6 fails: nothing */
		"-a -t 10.0.0.2:80 -r 1.1.1.4 -m -w 7\n";	/* 7 ok: 2 existed, undo */
	static const bool ok[] = { true, true, false, true, true, true, false, true };
	size_t idx[8], out[8], cnt, i;
	struct restore_line *lines;
	struct request undo;
	char err[320];

	if (read_text(text, &lines, &cnt, err, sizeof(err)) || cnt != 8) {
		CHECK(0, "restore: undo sample parses", "'%s'", err);
		return;
	}
	for (i = 0; i < 8; i++)
		idx[i] = i;
	cnt = restore_plan_undo(lines, idx, ok, 8, 2, out);
	CHECK(cnt == 3 && out[0] == 7 && out[1] == 5 && out[2] == 3,
	      "restore: undo applied adds after the failure, last first", "%zu: %zu %zu %zu",
	      cnt, out[0], out[1], out[2]);
	cnt = restore_plan_undo(lines, idx, ok, 8, 6, out);
	CHECK(cnt == 1 && out[0] == 7, "restore: undo nothing before the failure", "%zu", cnt);
	cnt = restore_plan_undo(lines, idx, ok, 7, 6, out);
	CHECK(cnt == 0, "restore: failure last, nothing to undo", "%zu", cnt);

	CHECK(restore_undoable(&lines[0].req) && restore_undoable(&lines[1].req),
	      "restore: -A and -a are undoable", "%d", 0);
	restore_undo_request(&lines[7].req, &undo);
	CHECK(undo.cmd == CMD_DEL_DEST && undo.opts == (OPT_SERVICE | OPT_REAL) &&
	      undo.dest.port == 80 && undo.svc.port == 80,
	      "restore: -a undone by -d with the keys only", "cmd %d opts %#x", undo.cmd,
	      undo.opts);
	restore_undo_request(&lines[3].req, &undo);
	CHECK(undo.cmd == CMD_DEL_SVC && undo.opts == OPT_SERVICE,
	      "restore: -A undone by -D with the key only", "cmd %d opts %#x", undo.cmd, undo.opts);
	free(lines);

	if (read_text("-E -t 10.0.0.1:80 -s rr\n-d -t 10.0.0.1:80 -r 1.1.1.1\n-Z\n-C\n"
		      "--set 1 2 3\n-D -t 10.0.0.1:80\n-e -t 10.0.0.1:80 -r 1.1.1.1 -w 2\n",
		      &lines, &cnt, err, sizeof(err)) || cnt != 7) {
		CHECK(0, "restore: non-add sample parses", "'%s'", err);
		return;
	}
	for (i = 0; i < cnt && !restore_undoable(&lines[i].req); i++)
		;
	CHECK(i == cnt, "restore: -E -d -Z -C --set -D -e are not undoable", "line %zu", i);
	free(lines);
}

void run_restore_tests(void)
{
	test_save();
	test_restore_read();
	test_round_trip();
	test_undo();
}
