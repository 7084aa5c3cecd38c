// SPDX-License-Identifier: GPL-2.0
/*
 * The pure half of -R: reading and parsing a restore file, and deciding
 * what to undo when a batch fails. batch.c does the netlink half. Every
 * line is parsed before the first message goes out, so a typo on line
 * 90000 cannot leave a half-restored configuration behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "restore.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Split @s in place; returns the word count or -1 if there are too many. */
static int split_words(char *s, char **words, int max)
{
	int n = 0;

	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s)
			return n;
		if (n == max)
			return -1;
		words[n++] = s;
		while (*s && !is_blank(*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

/* Commands a restore file may hold: the ones that change something. */
static bool restorable(enum command cmd)
{
	switch (cmd) {
	case CMD_ADD_SVC:
	case CMD_EDIT_SVC:
	case CMD_DEL_SVC:
	case CMD_ADD_DEST:
	case CMD_EDIT_DEST:
	case CMD_DEL_DEST:
	case CMD_FLUSH:
	case CMD_ZERO:
	case CMD_SET:
		return true;
	default:
		return false;
	}
}

/* Parse one line into @out: 0, NO_COMMAND for blanks and comments, or EXIT_USAGE. */
#define NO_COMMAND	(-1)

static int parse_line(char *text, unsigned int lineno, struct request *out, char *err,
		      size_t errlen)
{
	char *argv[RESTORE_MAX_WORDS + 2], msg[256];
	int nwords, skip = 0, ret;

	nwords = split_words(text, argv + 1, RESTORE_MAX_WORDS);
	if (nwords < 0) {
		snprintf(err, errlen, "line %u: too many words (at most %d)", lineno,
			 RESTORE_MAX_WORDS);
		return EXIT_USAGE;
	}
	if (nwords == 0 || argv[1][0] == '#')
		return NO_COMMAND;
	/* ipvsadm accepts lines that start with its own name; so do we. */
	if (!strcmp(argv[1], "ipvsadm") || !strcmp(argv[1], "ipvsctl")) {
		skip = 1;
		if (nwords == 1) {
			snprintf(err, errlen, "line %u: no command after '%s'", lineno, argv[1]);
			return EXIT_USAGE;
		}
	}
	argv[skip] = "ipvsctl";
	argv[nwords + 1] = NULL;

	ret = parse_args(nwords + 1 - skip, argv + skip, out, msg, sizeof(msg));
	if (ret) {
		snprintf(err, errlen, "line %u: %s", lineno, msg);
		return ret;
	}
	if (!restorable(out->cmd)) {
		snprintf(err, errlen,
			 "line %u: %s cannot be used in a restore file (only -A -E -D -a -e -d -C -Z --set)",
			 lineno, command_name(out->cmd));
		return EXIT_USAGE;
	}
	return 0;
}

int restore_read(FILE *in, struct restore_line **lines, size_t *n, char *err, size_t errlen)
{
	size_t cnt = 0, cap = 0, bufsz = 0;
	struct restore_line *v = NULL, *p;
	unsigned int lineno = 0;
	char *buf = NULL;
	int ret = 0;

	while (getline(&buf, &bufsz, in) >= 0) {
		lineno++;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 256;
			p = realloc(v, cap * sizeof(*v));
			if (!p) {
				snprintf(err, errlen, "out of memory at line %u", lineno);
				ret = EXIT_RUNTIME;
				break;
			}
			v = p;
		}
		ret = parse_line(buf, lineno, &v[cnt].req, err, errlen);
		if (ret == NO_COMMAND) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		v[cnt++].lineno = lineno;
	}
	if (!ret && ferror(in)) {
		snprintf(err, errlen, "cannot read the restore input: %s", strerror(errno));
		ret = EXIT_RUNTIME;
	}
	free(buf);
	if (ret) {
		free(v);
		return ret;
	}
	*lines = v;
	*n = cnt;
	return 0;
}

bool restore_undoable(const struct request *req)
{
	return req->cmd == CMD_ADD_SVC || req->cmd == CMD_ADD_DEST;
}

void restore_undo_request(const struct request *add, struct request *undo)
{
	*undo = *add;
	undo->cmd = add->cmd == CMD_ADD_SVC ? CMD_DEL_SVC : CMD_DEL_DEST;
	/* Deletes name keys only; drop the settings so nothing else is sent. */
	undo->opts &= OPT_SERVICE | OPT_REAL;
}

static bool same_service(const struct svc_spec *a, const struct svc_spec *b)
{
	return a->af == b->af && a->protocol == b->protocol && a->port == b->port &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

size_t restore_plan_undo(const struct restore_line *lines, const size_t *line,
			 const bool *ok, size_t n, size_t first_err, size_t *out)
{
	size_t i, j, cnt = 0;

	for (i = n; i-- > first_err + 1;) {
		const struct request *r = &lines[line[i]].req;
		bool covered = false;

		if (!ok[i] || !restore_undoable(r))
			continue;
		/* A server added after its service goes when the service goes. */
		for (j = first_err + 1; r->cmd == CMD_ADD_DEST && j < i && !covered; j++)
			covered = ok[j] && lines[line[j]].req.cmd == CMD_ADD_SVC &&
				  same_service(&lines[line[j]].req.svc, &r->svc);
		if (!covered)
			out[cnt++] = i;
	}
	return cnt;
}
