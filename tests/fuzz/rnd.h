/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' random numbers: splitmix64, seeded from -s so that a run
 * can be replayed; each program is single-threaded (pkt_inject -j forks).
 */
#ifndef FUZZ_RND_H
#define FUZZ_RND_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool one_in(uint32_t n)
{
	return rnd(n) == 0;
}

static void rnd_bytes(void *p, size_t len)
{
	unsigned char *b = p;

	while (len >= 8) {
		uint64_t v = rnd64();

		memcpy(b, &v, 8);
		b += 8;
		len -= 8;
	}
	while (len--)
		*b++ = (unsigned char)rnd64();
}

#endif
