#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/server.py - a real server for the VM suites, one process per
# server namespace (python3 starts slowly under TCG: start it once).
#
#   server.py NAME [--tcp PORT]... [--udp PORT]...
#
# TCP: for every line received, answers "NAME LINE"; connections stay open
# as long as the client keeps them (for the held-open connection tests).
# UDP: answers every datagram with "NAME DATA".
# Both IPv4 and IPv6: every socket is IPv6 with IPV6_V6ONLY off.
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


def dual_stack(kind, port):
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(('::', port))
    return s


def tcp_server(name, port):
    s = dual_stack(socket.SOCK_STREAM, port)
    s.listen(128)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=tcp_conn, args=(name, conn),
                         daemon=True).start()


def udp_server(name, port):
    s = dual_stack(socket.SOCK_DGRAM, port)
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(name + b' ' + data.rstrip(b'\r\n') + b'\n', peer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('name')
    ap.add_argument('--tcp', type=int, action='append', default=[])
    ap.add_argument('--udp', type=int, action='append', default=[])
    args = ap.parse_args()
    name = args.name.encode()
    threads = [threading.Thread(target=tcp_server, args=(name, p))
               for p in args.tcp]
    threads += [threading.Thread(target=udp_server, args=(name, p))
                for p in args.udp]
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
