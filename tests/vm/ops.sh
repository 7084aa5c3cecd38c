#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/ops.sh - operating a director: sysctls observed on real traffic,
# timeouts, persistence, save/restore, counters and rates, JSON.
# Runs in the VM: scripts/vm-run -- tests/vm/ops.sh
#
#                          director "d"                 real servers
#  client "c"          +------------------+        +--------------------+
#  +-------------+     | c0 10.0.0.1/24   |   s1   | "s1" eth0          |
#  | eth0        |-----| lo 10.0.0.100/32 |--------| 192.168.1.2/24     |
#  | 10.0.0.2/24 |     |  (the VIP)       |        | gw 192.168.1.1     |
#  | 10.0.0.3/24 |     | s1 192.168.1.1   |        +--------------------+
#  | gw 10.0.0.1 |     | s2 192.168.2.1   |--------  "s2" 192.168.2.2
#  +-------------+     | s3 192.168.3.1   |--------  "s3" 192.168.3.2
#                      | ip_forward=1     |
#                      +------------------+
#  "v": a namespace with in-tree ip_vs, for an ipvsadm-written save file.
#  Dual-stack (tests/vm/lib.sh's nat_site): the client also holds
#  2001:db8:c::2 and ::3, the director $VIP6, server N 2001:db8:N::2.
#
# Every real server runs tests/vm/server.py answering with its name on TCP
# :9000 (line echo, held open as long as the client wants) and UDP :7000.
# Each test uses its own service port on the VIP, so none inherits
# another's connections.
#
# Tests run as FUNC@ipvsadm make their table changes with Debian's ipvsadm
# over the "IPVS" family (ipvs_abi=1): the same assertions, IPVS's tool.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UNLOAD_ON_EXIT=1

VIP=10.0.0.100

topology() {
	local i

	nat_site c d s1 s2 s3
	ns_add v
	nip c addr add 10.0.0.3/24 dev eth0
	nip c addr add 2001:db8:c::3/64 dev eth0 nodad
	for i in 1 2 3; do
		start_server "s$i" "s$i" --tcp 9000 --udp 7000
	done
	for i in 1 2 3; do
		wait_for is_listening "s$i" tcp 9000
	done
	agent_start c c
}

# service PROTO PORT SCHED [ipvsctl -A options] : a service on VIP:PORT with
# the three servers (NAT), ports 9000 (TCP) or 7000 (UDP).
service() {
	local proto=$1 port=$2 sched=$3 rport=9000 i
	shift 3
	[ "$proto" = -t ] || rport=7000
	vs d -A "$proto" "$VIP:$port" -s "$sched" "$@"
	for i in 1 2 3; do
		vs d -a "$proto" "$VIP:$port" -r "192.168.$i.2:$rport" -m
	done
}

# from_each HOST PORT SRC1 SRC2 : three rounds of one connection from each
# source address; the names of the servers that answered, in order.
from_each() {
	n c python3 - "$@" <<-'EOF'
		import socket, sys
		host, port, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
		out = []
		for src in srcs * 3:
		    s = socket.create_connection((host, port), timeout=5,
		                                 source_address=(src, 0))
		    s.sendall(b'who\n')
		    out.append(s.recv(100).split()[0].decode())
		    s.close()
		print(' '.join(out))
	EOF
}

# conns PORT : the -Lnc lines of service VIP:PORT.
conns() { vs d -Lnc | grep -E " $VIP:$1 " || true; }

test_sysctl_ranges() {
	section "sysctls: ranges, per netns"
	check_rc "sysctl: sloppy_tcp=2 is refused" 1 \
		n d sh -c 'echo 2 > /proc/sys/net/l4lb/sloppy_tcp'
	check_eq "sysctl: sloppy_tcp unchanged after a refused write" 0 \
		"$(n d sysctl -n net.l4lb.sloppy_tcp)"
	if n d sysctl -qw net.l4lb.conn_max=-1 2>/dev/null; then
		not_ok "sysctl: conn_max=-1 is refused" "the write succeeded"
	else
		ok "sysctl: conn_max=-1 is refused"
	fi
	check_eq "sysctl: conn_reuse_mode defaults to 1" 1 \
		"$(n d sysctl -n net.l4lb.conn_reuse_mode)"
	n d sysctl -qw net.l4lb.conn_max=7
	check_eq "sysctl: another netns keeps its own conn_max" 0 \
		"$(n c sysctl -n net.l4lb.conn_max)"
	n d sysctl -qw net.l4lb.conn_max=0
}

# nodest NAME HOST SERVICE SERVER : a connection held on the one server
# of SERVICE (VIP:PORT), which is deleted under it. As in IPVS: with
# expire_nodest_conn=0 its packets are dropped (and counted) while the
# entry lives, and the server added back takes the flow again; with 1,
# the next packet expires the entry and, not being a SYN, is answered by
# the director's own stack with a reset.
dest_gone() { vs d --info | sed -n 's/.*dest_gone \([0-9]*\)$/\1/p'; }

nodest() {
	local name=$1 host=$2 svc=$3 rs=$4 got d0 d1

	got=$(agent c open "$name" "$host" "${svc##*:}")
	check_match "$name: held connection to s1" "^ok s1 " "$got"
	d0=$(dest_gone)
	vs d -d -t "$svc" -r "$rs"
	check_eq "$name, nodest=0: packets to the deleted server are dropped" \
		"err ETIMEDOUT" "$(agent c send "$name" hello)"
	d1=$(dest_gone)
	if [ "${d1:-0}" -gt "${d0:-0}" ]; then
		ok "$name, nodest=0: the drops are counted"
	else
		not_ok "$name, nodest=0: the drops are counted" \
			"--info dest_gone: '$d0' before, '$d1' after"
	fi
	check_match "$name, nodest=0: the entry stays ESTABLISHED" \
		"ESTABLISHED .*${rs//[][]/.}" "$(vs d -Lnc | grep -F " $svc ")"
	vs d -a -t "$svc" -r "$rs" -m
	check_eq "$name, nodest=0: the server added back takes the flow again" \
		"ok s1 hello" "$(agent c recv "$name" 20)"
	check_eq "$name: and it goes on" "ok s1 again" \
		"$(agent c send "$name" again)"

	vs d -d -t "$svc" -r "$rs"
	n d sysctl -qw net.l4lb.expire_nodest_conn=1
	check_match "$name, nodest=1: the flow to the deleted server is reset" \
		"^err (ECONNRESET|EOF)" "$(agent c send "$name" reset)"
	agent c close "$name" > /dev/null
	check_eq "$name, nodest=1: its connection entry is gone" "" \
		"$(vs d -Lnc | grep -F " $svc " | grep ESTABLISHED)"
	n d sysctl -qw net.l4lb.expire_nodest_conn=0
}

test_expire_nodest() {
	section "expire_nodest_conn"
	vs d -A -t "$VIP:9101" -s rr
	vs d -a -t "$VIP:9101" -r 192.168.1.2:9000 -m
	nodest nodest4 "$VIP" "$VIP:9101" 192.168.1.2:9000

	# The whole service deleted and created again (as by -C, then -R):
	# its server added back takes its connections again, as in IPVS.
	vs d -A -t "$VIP:9114" -s wlc
	vs d -a -t "$VIP:9114" -r 192.168.2.2:9000 -m
	check_match "service again: held connection to s2" "^ok s2 " \
		"$(agent c open again "$VIP" 9114)"
	vs d -D -t "$VIP:9114"
	check_eq "service again: deleted, its connection's packets are dropped" \
		"err ETIMEDOUT" "$(agent c send again hello)"
	vs d -A -t "$VIP:9114" -s rr
	vs d -a -t "$VIP:9114" -r 192.168.2.2:9000 -m -w 2
	check_eq "service again: created again, its server takes the connection" \
		"ok s2 hello" "$(agent c recv again 20)"
	check_eq "service again: -Ln shows the new scheduler, weight and the connection" \
		"rr 2 1" "$(vs d -Ln -t "$VIP:9114" | awk '$1 == "TCP" { s = $3 } $1 == "->" && $2 ~ /^192/ { print s, $4, $5 }')"
	agent c close again > /dev/null
}

# conn_max_settled: no connection of d's table expires within 10 s
# (x SLOW), longer than a refused connect below retries. conn_max is set
# from the count of the moment: an entry expiring meanwhile (a closed
# flow's 10 s, under the debug kernel's slower client) would free a place
# and let the refused connection in.
conn_max_settled() {
	vs d -Lnc | awk -v min=$((10 * SLOW)) '
		NR > 2 { split($2, t, ":"); if (t[1] * 60 + t[2] <= min) soon = 1 }
		END { exit soon }'
}

# conn_max_above N : once the table has settled, conn_max = its count + N.
conn_max_above() {
	local now
	wait_for -t 60 conn_max_settled
	now=$(vs d --info | sed -n 's/.*: \([0-9]*\) connections.*/\1/p')
	n d sysctl -qw net.l4lb.conn_max=$((now + $1))
}

test_conn_max() {
	local got info

	section "conn_max"
	service -t 9102 rr
	conn_max_above 2
	agent c open m1 "$VIP" 9102 > /dev/null
	agent c open m2 "$VIP" 9102 > /dev/null
	got=$(agent c connect "$VIP" 9102)
	check_match "conn_max: the connection beyond the limit is refused" \
		"^err ETIMEDOUT" "$got"
	check_match "conn_max: held connections keep working" "^ok s[123] " \
		"$(agent c send m1 x)"
	info=$(vs d --info)
	check_match "conn_max: the drop is counted" "conn_max [1-9]" "$info"
	n d sysctl -qw net.l4lb.conn_max=0
	check_match "conn_max=0: no limit" "^ok " "$(agent c connect "$VIP" 9102)"
	agent c close m1 > /dev/null
	agent c close m2 > /dev/null
}

test_timeouts_sloppy() {
	local got tcp=$((3 * SLOW)) udp=$((2 * SLOW))

	section "timeouts and sloppy_tcp"
	check_eq "timeouts: defaults" "Timeout (tcp tcpfin udp): 900 120 300" \
		"$(vs d -L --timeout)"
	vs d --set $tcp 2 $udp
	check_eq "timeouts: --set" "Timeout (tcp tcpfin udp): $tcp 2 $udp" \
		"$(vs d -L --timeout)"

	service -u 9103 rr
	agent c udp 1 "$VIP" 9103 > /dev/null
	check_match "timeouts: a UDP flow is listed" "^UDP " "$(conns 9103)"
	wait_for -t 8 sh -c "! ip netns exec $(ns d) $IPVSCTL -Lnc | grep -q ' $VIP:9103 '"
	check_eq "timeouts: the UDP flow expires after $udp s" "" "$(conns 9103)"

	vs d -A -t "$VIP:9104" -s rr
	vs d -a -t "$VIP:9104" -r 192.168.1.2:9000 -m
	agent c open idle "$VIP" 9104 > /dev/null
	wait_for -t 10 sh -c "! ip netns exec $(ns d) $IPVSCTL -Lnc | grep -q ' $VIP:9104 '"
	check_eq "timeouts: an idle established flow expires after $tcp s" "" \
		"$(conns 9104)"
	check_match "sloppy_tcp=0: a mid-flow packet of an expired flow is refused" \
		"^err " "$(agent c send idle x)"
	agent c close idle > /dev/null

	n d sysctl -qw net.l4lb.sloppy_tcp=1
	agent c open idle2 "$VIP" 9104 > /dev/null
	wait_for -t 10 sh -c "! ip netns exec $(ns d) $IPVSCTL -Lnc | grep -q ' $VIP:9104 '"
	check_match "sloppy_tcp=1: a mid-flow packet creates the flow again" \
		"^ok s1 " "$(agent c send idle2 x)"
	check_match "sloppy_tcp=1: the adopted flow is ESTABLISHED" \
		"ESTABLISHED" "$(conns 9104)"
	agent c close idle2 > /dev/null
	n d sysctl -qw net.l4lb.sloppy_tcp=0
	vs d --set 900 120 300
}

test_idle_timeout() {
	section "per-service idle timeout"
	service -u 9105 rr --idle-timeout 2
	check_match "idle: the listing shows it" "rr idle 2$" \
		"$(vs d -Ln -u "$VIP:9105" | sed -n 3p)"
	agent c udp 1 "$VIP" 9105 > /dev/null
	agent c udp 1 "$VIP" 9103 > /dev/null
	wait_for -t 8 sh -c "! ip netns exec $(ns d) $IPVSCTL -Lnc | grep -q ' $VIP:9105 '"
	check_eq "idle: the service's flow expired after 2 s" "" "$(conns 9105)"
	check_match "idle: another service keeps the global 300 s" "^UDP " \
		"$(conns 9103)"
}

# reuse PORT SPORT N : N connections to VIP:PORT from client port SPORT,
# each closed with a RST; prints the answering servers and the slowest
# connect in ms.
reuse() {
	n c python3 - "$VIP" "$1" "$2" "$3" <<-'EOF'
		import socket, struct, sys, time
		vip, port, sport, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
		names, slowest = [], 0.0
		for _ in range(count):
		    s = socket.socket()
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
		    s.bind(('10.0.0.2', sport))
		    s.settimeout(5)
		    t = time.monotonic()
		    s.connect((vip, port))
		    slowest = max(slowest, time.monotonic() - t)
		    s.sendall(b'who\n')
		    names.append(s.recv(100).split()[0].decode())
		    s.close()
		print(' '.join(names), int(slowest * 1000))
	EOF
}

test_conn_reuse() {
	local got ms

	section "conn_reuse_mode"
	service -t 9106 rr
	got=$(reuse 9106 40123 4)
	ms=${got##* }
	check_eq "reuse=1: a reused client port is scheduled afresh (rr from the last added)" \
		"s3 s2 s1 s3" "${got% *}"
	if [ "$ms" -lt 500 ]; then
		ok "reuse=1: no stall on the reused port (slowest ${ms} ms)"
	else
		not_ok "reuse=1: no stall on the reused port" "slowest connect ${ms} ms"
	fi
	n d sysctl -qw net.l4lb.conn_reuse_mode=0
	got=$(reuse 9106 40124 3)
	check_eq "reuse=0: a reused client port stays on its server" \
		"s2 s2 s2" "${got% *}"
	n d sysctl -qw net.l4lb.conn_reuse_mode=1
}

test_persistence() {
	local got a b

	section "persistence"
	service -t 9107 rr -p 60
	check_match "persistence: listing flags" "rr persistent 60$" \
		"$(vs d -Ln -t "$VIP:9107" | sed -n 3p)"
	got=$(agent c tcp 12 "$VIP" 9107)
	a=$(tally ${got#ok })
	check_match "persistence: 12 connections from one client, one server" \
		'^s[123]=12$' "$a"
	check_match "persistence: -Lnc shows the template, ASSURED" \
		"ASSURED +10\.0\.0\.2:0 +$VIP:9107 " "$(conns 9107)"
	check_match "persistence: --json marks the template" '"template": *true' \
		"$(vs d -Lnc --json)"

	a=${a%%=*}
	vs d -e -t "$VIP:9107" -r "192.168.${a#s}.2:9000" -m -w 0
	got=$(agent c tcp 3 "$VIP" 9107)
	check_eq "persistence: weight 0 keeps its persistent client" \
		"$a=3" "$(tally ${got#ok })"
	n d sysctl -qw net.l4lb.expire_quiescent_template=1
	got=$(agent c tcp 3 "$VIP" 9107)
	b=$(tally ${got#ok })
	check_match "expire_quiescent_template=1: the client moves on" \
		"^s[123]=3$" "$b"
	check_no_match "expire_quiescent_template=1: not to the quiesced server" \
		"^$a=" "$b"
	n d sysctl -qw net.l4lb.expire_quiescent_template=0

	# A template none of whose connections was established is not
	# ASSURED, and goes with its last connection (here refused by the
	# server, so CLOSE, 10 s), not 60 s later, as in IPVS.
	vs d -A -t "$VIP:9113" -s rr -p 60
	vs d -a -t "$VIP:9113" -r 192.168.1.2:9999 -m
	check_eq "persistence: a refused connection" "err ECONNREFUSED" \
		"$(agent c connect "$VIP" 9113 | cut -d' ' -f1-2)"
	check_match "persistence: its template is not ASSURED" \
		"NONE +10\.0\.0\.2:0 +$VIP:9113 " "$(conns 9113)"
	check "persistence: the template goes with the connection, within 30 s" \
		wait_for -t 30 sh -c "! ip netns exec $(ns d) $IPVSCTL -Lnc | grep -q ' $VIP:9113 '"

	vs d -A -t "$VIP:9108" -s rr -p 60 -M 255.255.255.0
	vs d -a -t "$VIP:9108" -r 192.168.1.2:9000 -m
	vs d -a -t "$VIP:9108" -r 192.168.2.2:9000 -m
	got=$(from_each "$VIP" 9108 10.0.0.2 10.0.0.3)
	check_match "persistence -M /24: two clients of one network share a server" \
		'^(s1 s1 s1 s1 s1 s1|s2 s2 s2 s2 s2 s2)$' "$got"

	vs d -A -t "[$VIP6]:9108" -s rr -p 60 -M 64
	vs d -a -t "[$VIP6]:9108" -r '[2001:db8:1::2]:9000' -m
	vs d -a -t "[$VIP6]:9108" -r '[2001:db8:2::2]:9000' -m
	got=$(from_each "$VIP6" 9108 2001:db8:c::2 2001:db8:c::3)
	check_match "IPv6 persistence -M 64: two clients of one /64 share a server" \
		'^(s1 s1 s1 s1 s1 s1|s2 s2 s2 s2 s2 s2)$' "$got"
	check_match "IPv6 persistence: one template, for the /64, ASSURED" \
		"ASSURED +\\[2001:db8:c::\\]:0 +\\[$VIP6\\]:9108 " \
		"$(vs d -Lnc | grep -F "[$VIP6]:9108 ")"
}

# sh and mh: which server a client gets, from its address (and with the
# port flag its port), and what weight 0 does with and without fallback.
test_hashing() {
	local sched port got a b one other num

	for sched in sh mh; do
		section "$sched: a client keeps its server; -b $sched-port, $sched-fallback"
		port=9120
		[ "$sched" = sh ] || port=9121
		service -t "$port" "$sched"
		got=$(from_each "$VIP" "$port" 10.0.0.2 10.0.0.3)
		check_match "$sched: each of two clients keeps one server, 3 times" \
			'^(s[123]) (s[123]) \1 \2 \1 \2$' "$got"
		read -r one other _ <<< "$got"

		vs d -E -t "$VIP:$port" -b "$sched-port"
		check_match "$sched: -Ln lists the flag as ipvsadm does" \
			"^TCP  $VIP:$port $sched \\($sched-port\\)$" \
			"$(vs d -Ln -t "$VIP:$port" | sed -n 3p)"
		got=$(agent c tcp 12 "$VIP" "$port")
		a=$(tally ${got#ok })
		check_match "$sched-port: one client's 12 source ports spread" \
			'^s[123]=[0-9]+ s[123]=[0-9]+' "$a"

		vs d -E -t "$VIP:$port" -b ''
		num=${one#s}
		vs d -e -t "$VIP:$port" -r "192.168.$num.2:9000" -m -w 0
		check_match "$sched: its server at weight 0, no fallback: refused" \
			'^err ECONNREFUSED ' "$(agent c connect "$VIP" "$port")"
		if [ "$other" != "$one" ]; then
			got=$(from_each "$VIP" "$port" 10.0.0.3)
			check_eq "$sched: the other client stays on its server" \
				"$other $other $other" "$got"
		fi
		vs d -E -t "$VIP:$port" -b "$sched-fallback"
		got=$(agent c tcp 3 "$VIP" "$port")
		b=$(tally ${got#ok })
		check_match "$sched-fallback: the client moves to one other server" \
			'^s[123]=3$' "$b"
		check_no_match "$sched-fallback: not to the one at weight 0" "^$one=" "$b"
		check_match "$sched: -S writes -b as ipvsadm -Sn" \
			"^-A -t $VIP:$port -s $sched -b $sched-fallback$" \
			"$(vs d -S -n | grep -F -- "-A -t $VIP:$port ")"
		check_match "$sched: --json lists the flag" \
			"\"scheduler\": *\"$sched\", *\"sched_flags\": *\\[\"$sched-fallback\"\\]" \
			"$(vs d -Ln --json -t "$VIP:$port")"
	done
	vs d -E -t "$VIP:9121" -s sh
	check_match "mh to sh: the flags carry over" "^TCP  $VIP:9121 sh \\(sh-fallback\\)$" \
		"$(vs d -Ln -t "$VIP:9121" | sed -n 3p)"
	vs d -E -t "$VIP:9121" -s rr
	check_match "sh to rr: the flags go with sh" "^TCP  $VIP:9121 rr$" \
		"$(vs d -Ln -t "$VIP:9121" | sed -n 3p)"
	check_match "a flag for rr is refused, the kernel says why" \
		'scheduler flags \(fallback, port\) are only for the sh and mh schedulers' \
		"$(vs d -E -t "$VIP:9121" -b sh-port 2>&1)"
}

test_save_restore() {
	local saved again out

	section "save and restore"
	vs d -C
	vs d -A -t "$VIP:80" -s wlc
	vs d -a -t "$VIP:80" -r 192.168.1.2:9000 -m -w 3
	vs d -a -t "$VIP:80" -r 192.168.2.2:9000 -m -w 0
	vs d -A -u "$VIP:53" -s rr -p 120 -M 255.255.255.0
	vs d -a -u "$VIP:53" -r 192.168.3.2:7000 -m
	vs d -A -t "$VIP:443" -s lc --idle-timeout 3600
	vs d -a -t "$VIP:443" -r 192.168.1.2:9000 -m
	saved=$(vs d -S -n)
	vs d -C
	check_eq "restore: -C empties the table" "" "$(vs d -S -n)"
	printf '%s\n' "$saved" | vs d -R
	again=$(vs d -S -n)
	check_text "save | clear | restore round-trips byte for byte" "$saved" "$again"

	out=$(printf '%s\n' '-A -t 10.0.0.100:1000 -s rr' '-A -t 10.0.0.100:1001 -s nosuch' \
		'-A -t 10.0.0.100:1002 -s rr' | vs d -R 2>&1) && true
	check_match "restore: a kernel error names its line" "line 2: .*unknown scheduler" "$out"
	check_match "restore: lines before it stay applied" "10\.0\.0\.100:1000" \
		"$(vs d -S -n)"
	check_no_match "restore: nothing after it is applied" "10\.0\.0\.100:1002" \
		"$(vs d -S -n)"
	check_rc "restore: a bad line is a usage error" 2 \
		sh -c "printf '%s\n' '-A -t 10.0.0.100:1003' '-a -t nonsense' | ip netns exec $(ns d) $IPVSCTL -R"
	check_no_match "restore: after a parse error nothing is applied" \
		"10\.0\.0\.100:1003" "$(vs d -S -n)"

	# A file written by ipvsadm from in-tree IPVS restores unchanged.
	vs d -C
	printf '%s\n' "$IPVS_SAVED" | vs d -R
	check_text "restore: an ipvsadm -Sn file, IPv6 too, restores unchanged" \
		"$IPVS_SAVED" "$(vs d -S -n)"
}

# What ipvsadm -S -n writes from in-tree IPVS, for test_save_restore: made
# before l4lb is loaded, as ip_vs cannot load beside it with ipvs_abi=1.
ipvs_save() {
	n v modprobe ip_vs
	n v ipvsadm -A -t 10.9.9.9:80 -s wrr -p 300
	n v ipvsadm -a -t 10.9.9.9:80 -r 192.168.1.2:80 -m -w 2
	n v ipvsadm -a -t 10.9.9.9:80 -r 192.168.2.2:8080 -m -w 1
	n v ipvsadm -A -u 10.9.9.9:53 -s sh
	n v ipvsadm -E -u 10.9.9.9:53 -s rr
	n v ipvsadm -a -u 10.9.9.9:53 -r 192.168.3.2:53 -m
	n v ipvsadm -A -t '[2001:db8::9]:80' -s wlc -p 300 -M 64
	n v ipvsadm -a -t '[2001:db8::9]:80' -r '[2001:db8:1::2]:80' -m -w 2
	n v ipvsadm -a -t '[2001:db8::9]:80' -r '[2001:db8:2::2]:8080' -m
	n v ipvsadm -A -u '[2001:db8::9]:53' -s rr
	n v ipvsadm -a -u '[2001:db8::9]:53' -r '[2001:db8:3::2]:53' -m
	n v ipvsadm -S -n
	n v ipvsadm -C
	# shellcheck disable=SC2046 # module names
	modprobe -r $(ipvs_modules)
}

test_ipv6() {
	local got

	section "IPv6: expire_nodest_conn, conn_max, counters"
	vs d -A -t "[$VIP6]:9111" -s rr
	vs d -a -t "[$VIP6]:9111" -r '[2001:db8:1::2]:9000' -m
	nodest nodest6 "$VIP6" "[$VIP6]:9111" '[2001:db8:1::2]:9000'

	vs d -A -t "[$VIP6]:9112" -s rr
	for i in 1 2 3; do
		vs d -a -t "[$VIP6]:9112" -r "[2001:db8:$i::2]:9000" -m
	done
	conn_max_above 1
	agent c open m6 "$VIP6" 9112 > /dev/null
	check_match "IPv6 conn_max: the connection beyond the limit is refused" \
		"^err ETIMEDOUT" "$(agent c connect "$VIP6" 9112)"
	check_match "IPv6 conn_max: the held connection keeps working" "^ok s[123] " \
		"$(agent c send m6 x)"
	n d sysctl -qw net.l4lb.conn_max=0
	agent c close m6 > /dev/null

	vs d -Z
	agent c tcp 30 "$VIP6" 9112 > /dev/null
	got=$(vs d -Ln --stats --exact -t "[$VIP6]:9112" | sed -n 3p)
	check_match "IPv6 stats: 30 connections counted" "^TCP +\\[$VIP6\\]:9112 +30 " "$got"
}

test_stats_rates_json() {
	local got stats rate

	section "counters, rates, JSON"
	vs d -C
	service -t 9110 rr
	agent c tcp 30 "$VIP" 9110 > /dev/null
	stats=$(vs d -Ln --stats --exact -t "$VIP:9110" | sed -n 3p)
	check_match "stats: 30 connections counted" "^TCP +$VIP:9110 +30 " "$stats"
	read -r _ _ _ inpkts outpkts _ <<< "$stats"
	if [ "$inpkts" -ge 150 ] && [ "$outpkts" -ge 120 ]; then
		ok "stats: packets counted both ways ($inpkts in, $outpkts out)"
	else
		not_ok "stats: packets counted both ways" "$stats"
	fi
	agent c bg_start "$VIP" 9110 > /dev/null
	wait_for -t 20 sh -c "ip netns exec $(ns d) $IPVSCTL -Ln --rate --exact -t $VIP:9110 | sed -n 3p | awk '{exit !(\$3 > 0 && \$4 > 0)}'"
	rate=$(vs d -Ln --rate --exact -t "$VIP:9110" | sed -n 3p)
	agent c bg_stop > /dev/null
	check_match "rates: CPS and InPPS move with traffic" \
		"^TCP +$VIP:9110 +[1-9][0-9]* +[1-9][0-9]* +[1-9]" "$rate"
	vs d -Z
	check_match "stats: -Z zeroes" "^TCP +$VIP:9110 +0 +0 +0 +0 +0$" \
		"$(vs d -Ln --stats --exact -t "$VIP:9110" | sed -n 3p)"
	for got in "-Ln" "-Ln --stats" "-Ln --rate" "-Lnc" "-L --timeout" "--info"; do
		# shellcheck disable=SC2086
		if vs d $got --json | python3 -m json.tool > /dev/null; then
			ok "json: ipvsctl $got --json parses"
		else
			not_ok "json: ipvsctl $got --json parses" "$(vs d $got --json 2>&1 | head -c 300)"
		fi
	done
}

topology
IPVS_SAVED=$(ipvs_save)
# ipvs_abi=1: some tests are driven by ipvsadm.
load_module ipvs_abi=1
klog_mark
run_tests test_sysctl_ranges test_expire_nodest@ipvsadm test_conn_max \
	test_timeouts_sloppy test_idle_timeout test_conn_reuse@ipvsadm \
	test_persistence@ipvsadm test_hashing test_save_restore test_ipv6@ipvsadm \
	test_stats_rates_json
vs d -C
unload_module
klog_check "kernel log clean after unload"
finish
