/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPVSCTL_UTIL_H
#define IPVSCTL_UTIL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#endif /* IPVSCTL_UTIL_H */
