// SPDX-License-Identifier: GPL-2.0
/*
 * udp_echo - a UDP responder for the fuzz suite's real servers: answers
 * every datagram with "NAME DATA" (trailing CR/LF of DATA dropped, one LF
 * added), like tests/vm/server.py --udp, but cheap enough to keep up with
 * a packet flood under TCG, where python3 takes the CPU the flood needs.
 * One socket for both families (IPv6, not v6-only), IPv4 alone where the
 * kernel has no IPv6.
 *
 *   udp_echo NAME PORT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char in[2048], out[2048 + 64];
	int fd, one = 1, zero = 0;
	size_t nlen;

	if (argc != 3) {
		fprintf(stderr, "usage: udp_echo NAME PORT\n");
		return 2;
	}
	nlen = strlen(argv[1]);
	if (nlen > 60) {
		fprintf(stderr, "udp_echo: name too long\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[2]));
	sa6.sin6_port = sa.sin_port;
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd >= 0) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			       sizeof(zero)) ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&sa6, sizeof(sa6))) {
			perror("udp_echo");
			return 1;
		}
	} else if (errno == EAFNOSUPPORT) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("udp_echo");
			return 1;
		}
	} else {
		perror("udp_echo");
		return 1;
	}
	memcpy(out, argv[1], nlen);
	out[nlen] = ' ';
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, in, sizeof(in), 0,
				     (struct sockaddr *)&peer, &plen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("udp_echo: recvfrom");
			return 1;
		}
		while (n > 0 && (in[n - 1] == '\n' || in[n - 1] == '\r'))
			n--;
		memcpy(out + nlen + 1, in, n);
		out[nlen + 1 + n] = '\n';
		/* Errors (no route back to a spoofed source...) do not matter. */
		sendto(fd, out, nlen + 2 + n, 0, (struct sockaddr *)&peer, plen);
	}
}
