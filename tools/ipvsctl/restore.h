/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_RESTORE_H
#define IPVSCTL_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "parse.h"

struct nlctx;

/* One command of a restore file, already parsed. */
struct restore_line {
	unsigned int lineno;		/* 1-based, for messages */
	struct request req;
};

/* Words a restore line may have: far more than any command needs. */
#define RESTORE_MAX_WORDS	64

/*
 * Read and parse all of @in before anything is sent: one command per
 * line, words split on blanks, blank lines and lines starting with '#'
 * skipped, an optional leading "ipvsadm" or "ipvsctl" word ignored.
 * Returns 0 with the commands in @lines (free() them), or EXIT_USAGE with
 * "line N: <why>" in @err, or EXIT_RUNTIME if @in cannot be read.
 */
int restore_read(FILE *in, struct restore_line **lines, size_t *n, char *err, size_t errlen);

/* True for -A and -a: adds that one delete undoes exactly. */
bool restore_undoable(const struct request *req);

/* The request undoing @add: -A becomes -D, -a becomes -d. */
void restore_undo_request(const struct request *add, struct request *undo);

/*
 * A batch failed at entry @first_err of its @n entries; entry i is line
 * @line[i] and was applied if @ok[i]. Store in @out the entries after
 * @first_err to undo, in the order their undo must be sent (last first;
 * servers of a service that is itself undone are skipped, deleting the
 * service takes them along). Returns how many.
 */
size_t restore_plan_undo(const struct restore_line *lines, const size_t *line,
			 const bool *ok, size_t n, size_t first_err, size_t *out);

/*
 * -R: read @in, then apply it in pipelined batches. Exit code: 0, 1 when
 * the kernel refused a line (lines before it stay applied, none after),
 * 2 for a parse error (nothing sent).
 */
int run_restore(FILE *in);

#endif /* IPVSCTL_RESTORE_H */
