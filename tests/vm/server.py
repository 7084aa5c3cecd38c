#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/server.py - a real server for the VM suites, one process per
# server namespace (python3 starts slowly under TCG: start it once).
#
#   server.py NAME [--tcp PORT]... [--udp PORT]... [--ipv6]
#
# --ipv6: listen on [::] too (IPv6 only; IPv4 stays on 0.0.0.0).
# TCP: for every line received, answers "NAME LINE"; connections stay open
# as long as the client keeps them (for the held-open connection tests).
# UDP: answers every datagram with "NAME DATA".
import argparse
import socket
import sys
import threading


def tcp_conn(name, conn):
    with conn:
        f = conn.makefile('rb')
        for line in f:
            try:
                conn.sendall(name + b' ' + line.rstrip(b'\r\n') + b'\n')
            except OSError:
                return


def bound(kind, family, port):
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(('::', port))
    else:
        s.bind(('0.0.0.0', port))
    return s


def tcp_server(name, port, family):
    s = bound(socket.SOCK_STREAM, family, port)
    s.listen(128)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=tcp_conn, args=(name, conn),
                         daemon=True).start()


def udp_server(name, port, family):
    s = bound(socket.SOCK_DGRAM, family, port)
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(name + b' ' + data.rstrip(b'\r\n') + b'\n', peer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('name')
    ap.add_argument('--tcp', type=int, action='append', default=[])
    ap.add_argument('--udp', type=int, action='append', default=[])
    ap.add_argument('--ipv6', action='store_true')
    args = ap.parse_args()
    name = args.name.encode()
    families = [socket.AF_INET] + ([socket.AF_INET6] if args.ipv6 else [])
    threads = [threading.Thread(target=tcp_server, args=(name, p, f))
               for f in families for p in args.tcp]
    threads += [threading.Thread(target=udp_server, args=(name, p, f))
                for f in families for p in args.udp]
    for t in threads:
        t.daemon = True
        t.start()
    for t in threads:
        t.join()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
