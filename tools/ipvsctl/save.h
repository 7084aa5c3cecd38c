/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_SAVE_H
#define IPVSCTL_SAVE_H

#include <stddef.h>
#include <stdio.h>

#include "show.h"

/*
 * Print @svcs (sorted by the caller) as ipvsadm -Sn does: one -A line per
 * service, then one -a line per server, all numeric, replayable with -R.
 */
void save_services(FILE *f, const struct svc_entry *svcs, size_t n);

#endif /* IPVSCTL_SAVE_H */
