#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/client.py - a client agent for the VM suites. It runs in a client
# namespace, reads one command per line on stdin and answers each with one
# line on stdout, so that a suite pays python3's start-up once (it is slow
# under TCG) and can keep connections open across commands.
#
# Commands (HOST PORT is the service to talk to; HOST may be IPv6, and
# addresses in answers are then written [ADDR]:PORT):
#   ping                      -> pong
#   tcp N HOST PORT           N short connections in turn, each sending
#                             "hi", reading the answer's first word (the
#                             server's name) and closing (both ways) ->
#                             "ok W1 W2 ..." where a failure is
#                             ERR:<errno name>
#   tcpfrom LPORT HOST PORT   one such connection from local port LPORT
#                             -> "ok NAME" or "ok ERR:<errno name>"
#   http N HOST PORT          N HTTP/1.0 GETs of / -> "ok BODY1 BODY2 ..."
#   udp N HOST PORT           N datagrams, each from a source port of its
#                             own -> "ok NAME@SRCIP:SRCPORT ..."
#   udpbig HOST PORT SIZE     one datagram of SIZE bytes (fragmented on the
#                             way when SIZE is past the MTU) -> "ok NAME
#                             LENGTH" of the answer, or "err ERRNO"
#   udpconn HOST PORT         a connected UDP socket sends one datagram and
#                             waits 3 s -> "ok ANSWER" or "err ECONNREFUSED"...
#   pmtu HOST PORT SIZE       DF datagrams of SIZE bytes on a connected UDP
#                             socket until the path MTU drops (5 s at most)
#                             -> "ok MTU" as the socket then sees it
#   connect HOST PORT         one TCP connect -> "ok SECS" or "err ERRNO SECS"
#   open ID HOST PORT         open a connection kept as ID and ask who
#                             answers -> "ok NAME LOCALPORT"
#   send ID TEXT              send a line on ID -> "ok ANSWER-LINE"
#   recv ID SECS              wait up to SECS (times SLOW) for a line on ID,
#                             e.g. the late answer to a send that timed out
#                             -> "ok LINE"
#   peer ID                   -> "ok IP:PORT" (getpeername)
#   close ID                  -> ok
#   reset ID                  close ID with a RST (SO_LINGER 0) -> ok
#   hold GROUP N HOST PORT [LPORT]
#                             open N connections, one after another, kept
#                             as GROUP, each asking who answers (as open),
#                             from local ports LPORT, LPORT+1... (default:
#                             any) -> "ok NAME=n ... [ERR:x=n ...]" (a
#                             failed one is not kept, and ends the series)
#   sendall GROUP TAG         send "TAG" on every live connection of GROUP
#                             at once, in a random order (as unrelated
#                             clients would, not in the order they were
#                             opened), without waiting -> "ok N" (sent)
#   collect GROUP SECS        wait up to SECS (times SLOW) for every answer
#                             to the last sendall -> "ok live=N same=N
#                             moved=N lost=N [ERR:x=n ...]": answered by the
#                             server that answered at first, by another
#                             one, or not at all (reset, closed, timed out:
#                             closed and no longer live)
#   round GROUP SECS [TAG]    sendall (TAG: "round") then collect
#   ports GROUP live|lost     local ports of GROUP's live connections, or of
#                             those lost in the last collect -> "ok P1 ..."
#   drop GROUP                close every connection of GROUP -> ok
#   bg_start HOST PORT        keep making short connections (as tcp) in a
#                             thread
#   bg_count                  -> "ok N": connections made so far
#   bg_stop                   -> "ok total=N runs=R*n,... NAME=n ..." where
#                             runs is the run-length sequence of ok/ERR:x
import errno
import os
import random
import selectors
import socket
import struct
import sys
import threading
import time

# tests/vm/lib.sh's SLOW: 5 under the debug kernel.
TIMEOUT = 5.0 * int(os.environ.get('SLOW', '1'))
held = {}
bg = {}
# hold's groups: name -> list of dicts (sock, name, port, alive, buf, ...)
groups = {}


def errname(e):
    if isinstance(e, (socket.timeout, TimeoutError)):
        return 'ETIMEDOUT'
    if getattr(e, 'errno', None):
        return errno.errorcode.get(e.errno, str(e.errno))
    return type(e).__name__


def family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def addr_port(sa):
    if ':' in sa[0]:
        return '[%s]:%d' % (sa[0], sa[1])
    return '%s:%d' % (sa[0], sa[1])


def readline(sock):
    buf = b''
    while not buf.endswith(b'\n'):
        chunk = sock.recv(1)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors='replace').rstrip('\r\n')


def one_tcp(host, port):
    # Close from our side and wait for the server's FIN too, so that the
    # director has seen the whole connection close before the next one is
    # scheduled (lc/wlc count it as inactive from then on).
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as s:
            s.sendall(b'hi\n')
            line = readline(s)
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
            return line.split()[0] if line else 'ERR:EOF'
    except OSError as e:
        return 'ERR:' + errname(e)


def tcp_from(lport, host, port):
    """One short connection (as one_tcp) from local port @lport."""
    try:
        with socket.socket(family(host), socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('::' if ':' in host else '0.0.0.0', lport))
            s.settimeout(TIMEOUT)
            s.connect((host, port))
            s.sendall(b'hi\n')
            line = readline(s)
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
            return line.split()[0] if line else 'ERR:EOF'
    except OSError as e:
        return 'ERR:' + errname(e)


def one_http(host, port):
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as s:
            s.sendall(b'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' % host.encode())
            data = b''
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b'\r\n\r\n')
        if not head.startswith(b'HTTP/1.') or b' 200 ' not in head.split(b'\r\n')[0]:
            return 'ERR:HTTP'
        return body.decode(errors='replace').strip() or 'ERR:EMPTY'
    except OSError as e:
        return 'ERR:' + errname(e)


def one_udp(s, host, port):
    try:
        s.sendto(b'hi\n', (host, port))
        data, peer = s.recvfrom(2048)
        return '%s@%s' % (data.split()[0].decode(), addr_port(peer))
    except OSError as e:
        return 'ERR:' + errname(e)


def udp_each(n, host, port):
    """One datagram from each of N source ports. The sockets stay open
    until the last answer, so the kernel never hands out a port twice: a
    port used again would be the same flow, answered by the same server.
    (Closed one by one, 30 sockets drew some port twice about one run in
    65, and nat.sh's 10/10/10 over rr saw 10/11/9.)"""
    socks = []
    try:
        for _ in range(n):
            socks.append(socket.socket(family(host), socket.SOCK_DGRAM))
            socks[-1].settimeout(3.0)
        return [one_udp(s, host, port) for s in socks]
    finally:
        for s in socks:
            s.close()


def bg_loop(host, port, stop, results):
    while not stop.is_set():
        results.append(one_tcp(host, port))
        time.sleep(0.01)


def hold(group, n, host, port, lport):
    conns = groups.setdefault(group, [])
    res = []
    for i in range(n):
        try:
            if lport:
                s = socket.socket(family(host), socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.settimeout(TIMEOUT)
                try:
                    s.bind(('::' if ':' in host else '0.0.0.0', lport + i))
                    s.connect((host, port))
                except OSError:
                    s.close()
                    raise
            else:
                s = socket.create_connection((host, port), timeout=TIMEOUT)
        except OSError as e:
            res.append('ERR:' + errname(e))
            break
        try:
            s.sendall(b'who\n')
            line = readline(s)
        except OSError as e:
            s.close()
            res.append('ERR:' + errname(e))
            break
        if not line:
            s.close()
            res.append('ERR:EOF')
            break
        name = line.split()[0]
        conns.append({'sock': s, 'name': name, 'port': s.getsockname()[1],
                      'alive': True, 'lost': False})
        res.append(name)
    return tally(res)


def tally(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return ' '.join('%s=%d' % kv for kv in sorted(counts.items()))


def sendall(group, tag):
    sent = 0
    for c in random.sample(groups[group], len(groups[group])):
        c['lost'] = False
        if not c['alive']:
            continue
        c['buf'], c['tag'], c['err'] = b'', tag, None
        try:
            c['sock'].sendall(tag.encode() + b'\n')
            sent += 1
        except OSError as e:
            c['err'] = 'ERR:' + errname(e)
    return 'ok %d' % sent


def collect(group, secs):
    conns = [c for c in groups[group] if c['alive']]
    sel = selectors.DefaultSelector()
    for c in conns:
        if c['err'] is None:
            c['sock'].setblocking(False)
            sel.register(c['sock'], selectors.EVENT_READ, c)
    deadline = time.monotonic() + secs
    while sel.get_map():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(left):
            c = key.data
            try:
                data = c['sock'].recv(4096)
            except BlockingIOError:
                continue
            except OSError as e:
                c['err'] = 'ERR:' + errname(e)
                sel.unregister(c['sock'])
                continue
            if not data:
                c['err'] = 'ERR:EOF'
                sel.unregister(c['sock'])
                continue
            c['buf'] += data
            if b'\n' in c['buf']:
                sel.unregister(c['sock'])
    for key in list(sel.get_map().values()):
        key.data['err'] = 'ERR:ETIMEDOUT'
    sel.close()
    res = []
    for c in conns:
        words = c['buf'].decode(errors='replace').split()
        if c['err'] is None and words[1:] != [c['tag']]:
            c['err'] = 'ERR:GARBLED'
        if c['err'] is not None:
            c['alive'], c['lost'] = False, True
            c['sock'].close()
            res.append(c['err'])
        else:
            c['sock'].setblocking(True)
            c['sock'].settimeout(TIMEOUT)
            res.append('same' if words[0] == c['name'] else 'moved')
    errs = [r for r in res if r.startswith('ERR:')]
    return 'ok live=%d same=%d moved=%d lost=%d%s' % (
        len(conns), res.count('same'), res.count('moved'), len(errs),
        (' ' + tally(errs)) if errs else '')


def run(cmd, args):
    if cmd == 'ping':
        return 'pong'
    if cmd in ('tcp', 'http'):
        n, host, port = int(args[0]), args[1], int(args[2])
        fn = {'tcp': one_tcp, 'http': one_http}[cmd]
        return 'ok ' + ' '.join(fn(host, port) for _ in range(n))
    if cmd == 'udp':
        return 'ok ' + ' '.join(udp_each(int(args[0]), args[1], int(args[2])))
    if cmd == 'tcpfrom':
        return 'ok ' + tcp_from(int(args[0]), args[1], int(args[2]))
    if cmd == 'udpbig':
        with socket.socket(family(args[0]), socket.SOCK_DGRAM) as s:
            s.settimeout(3.0)
            try:
                s.sendto(b'x' * int(args[2]), (args[0], int(args[1])))
                data = s.recv(65535)
                return 'ok %s %d' % (data.split()[0].decode(), len(data))
            except OSError as e:
                return 'err ' + errname(e)
    if cmd == 'udpconn':
        with socket.socket(family(args[0]), socket.SOCK_DGRAM) as s:
            s.settimeout(3.0)
            try:
                s.connect((args[0], int(args[1])))
                s.send(b'hi\n')
                return 'ok ' + s.recv(2048).decode(errors='replace').strip()
            except OSError as e:
                return 'err ' + errname(e)
    if cmd == 'pmtu':
        # A DF datagram too big for the path: the path MTU the client's
        # stack learns for HOST from the fragmentation-needed (IPv6: packet
        # too big) it gets back. (linux/in.h and in6.h values; Python's
        # socket module lacks some of them)
        host, port, size = args[0], int(args[1]), int(args[2])
        if ':' in host:
            level, discover, do, opt, hdrs = socket.IPPROTO_IPV6, 23, 2, 24, 48
        else:
            level, discover, do, opt, hdrs = socket.IPPROTO_IP, 10, 2, 14, 28
        with socket.socket(family(host), socket.SOCK_DGRAM) as s:
            s.setsockopt(level, discover, do)
            s.connect((host, port))
            mtu = s.getsockopt(level, opt)
            deadline = time.monotonic() + 5
            while mtu >= size + hdrs and time.monotonic() < deadline:
                try:
                    s.send(b'x' * size)
                except OSError:
                    pass
                time.sleep(0.2)
                mtu = s.getsockopt(level, opt)
            return 'ok %d' % mtu
    if cmd == 'connect':
        t = time.monotonic()
        try:
            socket.create_connection((args[0], int(args[1])),
                                     timeout=TIMEOUT).close()
            return 'ok %.3f' % (time.monotonic() - t)
        except OSError as e:
            return 'err %s %.3f' % (errname(e), time.monotonic() - t)
    if cmd == 'open':
        cid, host, port = args[0], args[1], int(args[2])
        try:
            s = socket.create_connection((host, port), timeout=TIMEOUT)
        except OSError as e:
            return 'err ' + errname(e)
        held[cid] = s
        try:
            s.sendall(b'who\n')
            line = readline(s)
        except OSError as e:
            return 'err ' + errname(e)
        if not line:
            return 'err EOF'
        return 'ok %s %d' % (line.split()[0], s.getsockname()[1])
    if cmd == 'send':
        s = held[args[0]]
        try:
            s.sendall(' '.join(args[1:]).encode() + b'\n')
            line = readline(s)
        except OSError as e:
            return 'err ' + errname(e)
        return 'ok ' + line if line else 'err EOF'
    if cmd == 'recv':
        s = held[args[0]]
        s.settimeout(float(args[1]) * int(os.environ.get('SLOW', '1')))
        try:
            line = readline(s)
        except OSError as e:
            return 'err ' + errname(e)
        finally:
            s.settimeout(TIMEOUT)
        return 'ok ' + line if line else 'err EOF'
    if cmd == 'peer':
        try:
            return 'ok ' + addr_port(held[args[0]].getpeername())
        except OSError as e:
            return 'err ' + errname(e)
    if cmd == 'close':
        held.pop(args[0]).close()
        return 'ok'
    if cmd == 'reset':
        s = held.pop(args[0])
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.close()
        return 'ok'
    if cmd == 'hold':
        return 'ok ' + hold(args[0], int(args[1]), args[2], int(args[3]),
                            int(args[4]) if len(args) > 4 else 0)
    if cmd == 'sendall':
        return sendall(args[0], args[1])
    if cmd == 'collect':
        return collect(args[0], float(args[1]) * int(os.environ.get('SLOW', '1')))
    if cmd == 'round':
        sendall(args[0], args[2] if len(args) > 2 else 'round')
        return collect(args[0], float(args[1]) * int(os.environ.get('SLOW', '1')))
    if cmd == 'ports':
        want = args[1]
        return 'ok ' + ' '.join(str(c['port']) for c in groups[args[0]]
                                if c['alive' if want == 'live' else 'lost'])
    if cmd == 'drop':
        for c in groups.pop(args[0], []):
            if c['alive']:
                c['sock'].close()
        return 'ok'
    if cmd == 'bg_start':
        stop, results = threading.Event(), []
        t = threading.Thread(target=bg_loop,
                             args=(args[0], int(args[1]), stop, results))
        bg.update(stop=stop, results=results, thread=t)
        t.start()
        return 'ok'
    if cmd == 'bg_count':
        return 'ok %d' % len(bg['results'])
    if cmd == 'bg_stop':
        bg['stop'].set()
        bg['thread'].join()
        res = bg['results']
        runs = []
        for r in res:
            kind = r if r.startswith('ERR:') else 'ok'
            if runs and runs[-1][0] == kind:
                runs[-1][1] += 1
            else:
                runs.append([kind, 1])
        names = {}
        for r in res:
            if not r.startswith('ERR:'):
                names[r] = names.get(r, 0) + 1
        return 'ok total=%d runs=%s %s' % (
            len(res), ','.join('%s*%d' % (k, c) for k, c in runs),
            ' '.join('%s=%d' % kv for kv in sorted(names.items())))
    return 'err unknown command ' + cmd


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            answer = run(words[0], words[1:])
        except Exception as e:  # report, keep serving
            answer = 'err exception %s: %s' % (type(e).__name__, e)
        sys.stdout.write(answer.replace('\n', ' ') + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
