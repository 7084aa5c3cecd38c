#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/nat.sh - core load balancing over NAT, asserted on real traffic.
# Runs in the VM: scripts/vm-run -- tests/vm/nat.sh
#
# Site A (most tests):
#
#                          director "d"                 real servers
#  client "c"          +------------------+        +--------------------+
#  +-------------+     | c0 10.0.0.1/24   |   s1   | "s1" eth0          |
#  | eth0        |-----| lo 10.0.0.100/32 |--------| 192.168.1.2/24     |
#  | 10.0.0.2/24 |     |  (the VIP)       |        | gw 192.168.1.1     |
#  | gw 10.0.0.1 |     | s1 192.168.1.1   |        +--------------------+
#  +-------------+     | s2 192.168.2.1   |--------  "s2" 192.168.2.2
#                      | s3 192.168.3.1   |--------  "s3" 192.168.3.2
#                      | ip_forward=1     |
#                      +------------------+
#
#  Every real server sN runs busybox httpd on :8080 answering "serverN"
#  (s1 and s2 also on :8081) and tests/vm/server.py answering "serverN ..."
#  on TCP :9000-9008 (line echo, kept open as long as the client wants) and
#  UDP :7000 and :7002. Nothing listens on UDP :7001 (ICMP test).
#
# Site B (isolation test): the same addresses again in other namespaces,
# client "cb" -- director "db" -- servers "sb1", "sb2" (httpd on :8081
# answering "b-server1", "b-server2").
#
# Virtual services on 10.0.0.100 (VIP): TCP :80 -> :8080 (rr, HTTP),
# UDP :70 -> :7000 (rr), TCP :90 -> :9000 (wrr 1,2,3), and one fresh
# service per test on its own port (so that no test inherits another's
# connections): TCP :91 lc, :92 wlc, :93 weight 0, :94 server delete,
# :95 service delete, :97 counters, :98 unload, each :9N -> :900N; :96 all
# weights 0; :81 -> :8081 isolation (both sites); :89 and :99 -> :9006 port
# reuse; UDP :71 -> :7001 ICMP, :73 -> :7009 path MTU, :72 -> :7002
# unload. No two services share a real server port except where a test
# means it (port reuse).
#
# The sections lc to service delete, and IPv6 ICMPv6 errors and
# persistence, make their table changes with Debian's ipvsadm over the
# "IPVS" family (ipvs_abi=1, lib.sh's use_admin): the same assertions,
# driven by IPVS's own tool. L4LB_ADMIN=ipvsadm turns every change over.

# shellcheck source=tests/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VIP=10.0.0.100
# One TCP echo port per service: two services never share a real server
# tuple (see the port reuse test for what happens when they do).
TCP_PORTS="9000 9001 9002 9003 9004 9005 9006 9007 9008"
HDR2='Prot LocalAddress:Port Scheduler Flags'
HDR3='  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'
HDR1_RE='^l4lb version [0-9.]+ \(size=[0-9]+\)$'

# block PROTO PORT [DIRECTOR [LIST-OPTIONS...]] : the lines of one service
# in the listing (service line and server lines).
block() {
	local proto=$1 port=$2 d=${3:-d}
	shift $(($# < 3 ? $# : 3))
	vs "$d" -Ln "$@" | awk -v key="$proto  $VIP:$port " '
		index($0, key) == 1 { on = 1; print; next }
		on && /^  ->/ { print; next }
		{ on = 0 }'
}

# dest_field PROTO PORT RIP:RPORT COLUMN : one column of a server's line
# (4 weight, 5 active, 6 inactive).
dest_field() {
	block "$1" "$2" | awk -v d="$3" -v f="$4" '$1 == "->" && $2 == d { print $f }'
}

# shellcheck disable=SC2086
open_port() { [[ $1 == "ok "* ]] && set -- $1 && echo "$3" || echo "?"; }
server_num() { echo "${1#server}"; }

reach() { [ "$(agent "$1" http 1 "$2" "$3")" = "ok $4" ]; }
bg_at_least() {
	local a
	a=$(agent A bg_count)
	[[ $a == "ok "* ]] && [ "${a#ok }" -ge "$1" ]
}

# ================================================================ setup
section "setup"
own_modules
klog_mark
SUITE_MARK=$_KLOG_MARK
# ipvs_abi=1: some sections' table changes are ipvsadm's (use_admin).
load_module ipvs_abi=1
nat_site c d s1 s2 s3
nat_site cb db sb1 sb2
for i in 1 2 3; do
	start_httpd "s$i" "server$i"
	[ "$i" = 3 ] || start_httpd "s$i" "server$i" 8081
	# shellcheck disable=SC2046,SC2086 # one --tcp per port
	start_server "s$i" "server$i" $(printf -- '--tcp %s ' $TCP_PORTS) \
		--udp 7000 --udp 7002
done
for i in 1 2; do
	start_httpd "sb$i" "b-server$i" 8081
done
agent_start A c
agent_start B cb

servers_ready() {
	local out
	out=$(n "$1" ss -Hltun)
	local p
	for p in 8080 $TCP_PORTS 7000 7002; do
		[[ $out == *:$p\ * ]] || return 1
	done
}
for i in 1 2 3; do
	check "server s$i listens on tcp 8080, 9000-9008 and udp 7000, 7002" \
		wait_for -t 60 servers_ready "s$i"
done
check "client agent A answers" wait_for -t 60 test "$(agent A ping)" = pong
check "client agent B answers" wait_for -t 60 test "$(agent B ping)" = pong
for i in 1 2 3; do
	check "s$i reachable from the client through the director (no service)" \
		wait_for -t 30 reach A "192.168.$i.2" 8080 "server$i"
done
for i in 1 2; do
	check "sb$i reachable from client B" \
		wait_for -t 30 reach B "192.168.$i.2" 8081 "b-server$i"
done

# ============================================================= listing
section "listing"
# Added out of order: the listing is sorted.
vs d -A -u $VIP:70 -s rr
vs d -A -t $VIP:90 -s wrr
vs d -A -t $VIP:80 -s rr
for i in 3 1 2; do
	vs d -a -t $VIP:80 -r "192.168.$i.2:8080" -m
	vs d -a -u $VIP:70 -r "192.168.$i.2:7000" -m
	vs d -a -t $VIP:90 -r "192.168.$i.2:9000" -m -w "$i"
done
out=$(vs d -Ln)
check_match "-Ln line 1: version and table size" "$HDR1_RE" "$(head -n 1 <<< "$out")"
check_text "-Ln lists the configuration, ipvsadm columns" \
"$HDR2
$HDR3
TCP  10.0.0.100:80 rr
  -> 192.168.1.2:8080             Masq    1      0          0
  -> 192.168.2.2:8080             Masq    1      0          0
  -> 192.168.3.2:8080             Masq    1      0          0
TCP  10.0.0.100:90 wrr
  -> 192.168.1.2:9000             Masq    1      0          0
  -> 192.168.2.2:9000             Masq    2      0          0
  -> 192.168.3.2:9000             Masq    3      0          0
UDP  10.0.0.100:70 rr
  -> 192.168.1.2:7000             Masq    1      0          0
  -> 192.168.2.2:7000             Masq    1      0          0
  -> 192.168.3.2:7000             Masq    1      0          0" "$(tail -n +2 <<< "$out")"
out=$(vs d -Ln --stats --exact)
check_text "-Ln --stats --exact before any traffic" \
"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.0.0.100:80                       0        0        0        0        0
  -> 192.168.1.2:8080                    0        0        0        0        0
  -> 192.168.2.2:8080                    0        0        0        0        0
  -> 192.168.3.2:8080                    0        0        0        0        0
TCP  10.0.0.100:90                       0        0        0        0        0
  -> 192.168.1.2:9000                    0        0        0        0        0
  -> 192.168.2.2:9000                    0        0        0        0        0
  -> 192.168.3.2:9000                    0        0        0        0        0
UDP  10.0.0.100:70                       0        0        0        0        0
  -> 192.168.1.2:7000                    0        0        0        0        0
  -> 192.168.2.2:7000                    0        0        0        0        0
  -> 192.168.3.2:7000                    0        0        0        0        0" \
	"$(tail -n +2 <<< "$out")"

# ====================================================== port mapping, rr
section "port mapping and rr over HTTP (curl)"
rc=0
out=$(n c curl -sS -m 10 -w ' %{remote_ip}:%{remote_port}' http://$VIP/ 2>&1) || rc=$?
check_eq "curl http://$VIP/ (80 -> 8080): exit 0" 0 "$rc"
check_match "curl http://$VIP/ answered by a server, from $VIP:80" \
	"^server[123]
 $VIP:80\$" "$out"
first=${out%%$'\n'*}
check_match "-Lnc: the curl connection went to ${first:-?}'s port 8080" \
	"TCP +[0-9]{2}:[0-9]{2} +[A-Z_]+ +10\\.0\\.0\\.2:[0-9]+ +10\\.0\\.0\\.100:80 +192\\.168\\.${first#server}\\.2:8080" \
	"$(vs d -Lnc)"

urls=()
for i in $(seq 30); do urls+=("http://$VIP/"); done
rc=0
out=$(n c curl -sS -m 10 -w '%{num_connects}\n' "${urls[@]}" 2>&1) || rc=$?
check_eq "30 curl requests: exit 0" 0 "$rc"
# shellcheck disable=SC2046
check_eq "30 curl requests over rr: a new connection each" 30 \
	"$(count 1 $(grep -vx 'server[0-9]' <<< "$out"))"
# shellcheck disable=SC2046
check_eq "30 curl requests over rr: 10/10/10" \
	"server1=10 server2=10 server3=10" "$(tally $(grep -x 'server[0-9]' <<< "$out"))"
check_eq "-Ln: 31 inactive connections on :80 after the curls" 31 \
	"$(block TCP 80 | awk '$1 == "->" { s += $6 } END { print s + 0 }')"

# ================================================================ wrr
section "wrr"
ans=$(agent A tcp 60 $VIP 90)
check_spread "wrr weights 1,2,3 over 60 connections: 10/20/30" "$ans" \
	"server1=10 server2=20 server3=30"
check_rc "-E: change :90 from wrr to rr live" 0 vs d -E -t $VIP:90 -s rr
check_match "-E: the listing shows rr" '^TCP  10\.0\.0\.100:90 rr$' \
	"$(block TCP 90 | head -n 1)"
ans=$(agent A tcp 30 $VIP 90)
check_spread "-E: rr ignores the weights 1,2,3: 10/10/10" "$ans" \
	"server1=10 server2=10 server3=10"
vs d -E -t $VIP:90 -s wrr
ans=$(agent A tcp 60 $VIP 90)
check_spread "-E: back to wrr: 10/20/30 again" "$ans" \
	"server1=10 server2=20 server3=30"

# ================================================================= UDP
section "UDP rr and reply un-NAT"
ans=$(agent A udp 30 $VIP 70)
check_spread "UDP rr, 30 datagrams from fresh source ports: 10/10/10" \
	"${ans//@$VIP:70/}" "server1=10 server2=10 server3=10"
# shellcheck disable=SC2086
bad=$(printf '%s\n' ${ans#ok } | grep -v "^server[123]@$VIP:70\$" || true)
check_eq "UDP replies come from $VIP:70 (un-NATed)" "" "$bad"
check_eq "-Ln: 30 UDP flows, all inactive" "0 30" \
	"$(block UDP 70 | awk '$1 == "->" { a += $5; i += $6 } END { print a + 0, i + 0 }')"

section "TCP reply un-NAT"
ans=$(agent A open u1 $VIP 90)
check_match "held TCP connection to $VIP:90 established" '^ok server[123] [0-9]+$' "$ans"
check_eq "held connection's peer is $VIP:90" "ok $VIP:90" "$(agent A peer u1)"
ss_out=$(n c ss -Htn state established)
check_match "ss in the client: the connection is to $VIP:90" \
	"10\\.0\\.0\\.2:$(open_port "$ans") +$VIP:90" "$ss_out"
check_no_match "ss in the client: no real server address seen" '192\.168\.' "$ss_out"
agent A close u1 > /dev/null

# ================================================================= lc
use_admin ipvsadm
section "lc"
vs d -A -t $VIP:91 -s lc
vs d -a -t $VIP:91 -r 192.168.1.2:9001 -m
names=
for h in 1 2 3; do
	ans=$(agent A open lc$h $VIP 91)
	names+=" $(open_name "$ans")"
done
check_eq "lc: 3 held connections while only s1 is a server" \
	" server1 server1 server1" "$names"
vs d -a -t $VIP:91 -r 192.168.2.2:9001 -m
vs d -a -t $VIP:91 -r 192.168.3.2:9001 -m
check_eq "lc: -Ln shows s1 with 3 active connections" 3 \
	"$(dest_field TCP 91 192.168.1.2:9001 5)"
ans=$(agent A tcp 10 $VIP 91)
check_spread "lc: 10 new connections avoid the busy s1: 0/5/5" "$ans" \
	"server2=5 server3=5"
check_eq "lc: held connection on s1 still works" "ok server1 ping" \
	"$(agent A send lc1 ping)"
check_eq "lc: -Ln active/inactive per server" "3/0 0/5 0/5" \
	"$(block TCP 91 | awk '$1 == "->" { printf "%s%s/%s", (n++ ? " " : ""), $5, $6 }')"
for h in 1 2 3; do agent A close lc$h > /dev/null; done

# ================================================================ wlc
section "wlc"
vs d -A -t $VIP:92 -s wlc
vs d -a -t $VIP:92 -r 192.168.1.2:9002 -m
names=
for h in 1 2 3; do
	ans=$(agent A open wlc$h $VIP 92)
	names+=" $(open_name "$ans")"
done
check_eq "wlc: 3 held connections while only s1 is a server" \
	" server1 server1 server1" "$names"
vs d -a -t $VIP:92 -r 192.168.2.2:9002 -m -w 1
vs d -a -t $VIP:92 -r 192.168.3.2:9002 -m -w 3
check_eq "wlc: -Ln shows s1 with 3 active connections" 3 \
	"$(dest_field TCP 92 192.168.1.2:9002 5)"
ans=$(agent A tcp 8 $VIP 92)
check_spread "wlc: 8 new connections avoid s1, weights 1:3 -> 0/2/6" "$ans" \
	"server2=2 server3=6"
check_eq "wlc: held connection on s1 still works" "ok server1 ping" \
	"$(agent A send wlc1 ping)"
for h in 1 2 3; do agent A close wlc$h > /dev/null; done

# ========================================================= weight 0
section "weight 0 drains"
vs d -A -t $VIP:93 -s rr
for i in 1 2 3; do vs d -a -t $VIP:93 -r "192.168.$i.2:9003" -m; done
ans=$(agent A open w0 $VIP 93)
x=$(open_name "$ans")
check_match "weight 0: held connection opened" '^server[123]$' "$x"
xn=$(server_num "$x")
check_rc "weight 0: -e -w 0 on $x" 0 \
	vs d -e -t $VIP:93 -r "192.168.$xn.2:9003" -m -w 0
check_eq "weight 0: -Ln shows weight 0 and the held connection active" "0 1" \
	"$(dest_field TCP 93 "192.168.$xn.2:9003" 4) $(dest_field TCP 93 "192.168.$xn.2:9003" 5)"
ans=$(agent A tcp 6 $VIP 93)
want=
for i in 1 2 3; do [ "$i" = "$xn" ] || want+=" server$i=3"; done
check_spread "weight 0: 6 new connections skip $x: 3/3 on the others" "$ans" "${want# }"
check_eq "weight 0: held connection to $x still works after the change" \
	"ok $x still-there" "$(agent A send w0 still-there)"
agent A close w0 > /dev/null

# ================================================ server delete, traffic
section "server delete under traffic"
klog_mark
vs d -A -t $VIP:94 -s rr
for i in 1 2 3; do vs d -a -t $VIP:94 -r "192.168.$i.2:9004" -m; done
ans=$(agent A open sd $VIP 94)
x=$(open_name "$ans")
xn=$(server_num "$x")
check_match "server delete: held connection opened" '^server[123]$' "$x"
agent A bg_start $VIP 94 > /dev/null
check "server delete: background traffic flows" wait_for -t 30 bg_at_least 10
check_rc "server delete: -d $x while traffic flows" 0 \
	vs d -d -t $VIP:94 -r "192.168.$xn.2:9004"
# Counted once the delete is done, as below for the service.
c0=$(agent A bg_count)
c0=${c0#ok }
check "server delete: traffic keeps flowing" wait_for -t 30 bg_at_least $((c0 + 10))
ans=$(agent A bg_stop)
# As in IPVS, a deleted server's connections have their packets dropped:
# of the short background connections, only one in flight to $x at that
# moment may fail, timing out (3 s), so it may be the last to end: the
# wait above can see it as the tenth. The nine before it or more got
# through after the delete.
check_match "server delete: no background connection failed but one in flight" \
	'^ok total=[0-9]+ runs=ok\*[0-9]+(,ERR:ETIMEDOUT\*1(,ok\*[0-9]+)?)? ' "$ans"
check_eq "server delete: $x no longer listed" "" \
	"$(block TCP 94 | grep -F "192.168.$xn.2:" || true)"
ans=$(agent A tcp 6 $VIP 94)
want=
for i in 1 2 3; do [ "$i" = "$xn" ] || want+=" server$i=3"; done
check_spread "server delete: new connections go to the other two: 3/3" "$ans" "${want# }"
check_eq "server delete: the held connection to deleted $x is dropped" \
	"err ETIMEDOUT" "$(agent A send sd after-delete)"
vs d -a -t $VIP:94 -r "192.168.$xn.2:9004" -m
check_eq "server delete: $x added back takes its held connection again" \
	"ok $x after-delete" "$(agent A recv sd 20)"
klog_check "server delete: kernel log clean"
agent A close sd > /dev/null

# =============================================== service delete, traffic
section "service delete under traffic"
klog_mark
vs d -A -t $VIP:95 -s rr
for i in 1 2 3; do vs d -a -t $VIP:95 -r "192.168.$i.2:9005" -m; done
ans=$(agent A open vd $VIP 95)
x=$(open_name "$ans")
check_match "service delete: held connection opened" '^server[123]$' "$x"
agent A bg_start $VIP 95 > /dev/null
check "service delete: background traffic flows" wait_for -t 30 bg_at_least 10
check_rc "service delete: -D while traffic flows" 0 vs d -D -t $VIP:95
# Counted once the delete is done: on a slow host the client may make many
# connections while the tool runs, and those still succeed.
c0=$(agent A bg_count)
c0=${c0#ok }
check "service delete: background client keeps trying" \
	wait_for -t 30 bg_at_least $((c0 + 10))
ans=$(agent A bg_stop)
# As in IPVS, the packets of the deleted service's connections are
# dropped: only the one in flight at that moment may time out.
check_match "service delete: connections succeed, then are refused (never reset)" \
	'^ok total=[0-9]+ runs=ok\*[0-9]+(,ERR:ETIMEDOUT\*1)?,ERR:ECONNREFUSED\*[0-9]+ ' "$ans"
check_eq "service delete: service no longer listed" "" "$(block TCP 95)"
check_match "service delete: a new connection is refused at once" \
	'^err ECONNREFUSED [0-2]\.' "$(agent A connect $VIP 95)"
check_eq "service delete: the held connection's packets are dropped" \
	"err ETIMEDOUT" "$(agent A send vd after-delete)"
klog_check "service delete: kernel log clean"
agent A close vd > /dev/null

# ================================================================ ICMP
use_admin ipvsctl
section "ICMP errors"
vs d -A -u $VIP:71 -s rr
vs d -a -u $VIP:71 -r 192.168.1.2:7001 -m
check_eq "UDP to a server port with no listener: ECONNREFUSED (ICMP un-NATed)" \
	"err ECONNREFUSED" "$(agent A udpconn $VIP 71)"

vs d -A -t $VIP:96 -s wlc
vs d -a -t $VIP:96 -r 192.168.1.2:8080 -m -w 0
vs d -a -t $VIP:96 -r 192.168.2.2:8080 -m -w 0
d_unreach=$(snmp d Icmp:OutDestUnreachs)
c_unreach=$(snmp c Icmp:InDestUnreachs)
rc=0
out=$(n c curl -sS -m 10 -w '%{time_total}' http://$VIP:96/ 2>&1) || rc=$?
check_eq "all weights 0: curl exit 7 (could not connect)" 7 "$rc"
check_match "all weights 0: curl says Couldn't connect" "Couldn't connect" "$out"
t=${out##*$'\n'}
t=${t##*[!0-9.]}
check_match "all weights 0: refused at once, not after the 10 s timeout (took ${t:-?} s)" \
	'^[0-2]\.' "$t"
check_eq "all weights 0: director sent one ICMP dest unreachable" 1 \
	$(($(snmp d Icmp:OutDestUnreachs) - d_unreach))
check_eq "all weights 0: client got one ICMP dest unreachable" 1 \
	$(($(snmp c Icmp:InDestUnreachs) - c_unreach))

# Path MTU discovery through NAT: the director's link to s3 is narrowed;
# a DF datagram that no longer fits must come back as a
# fragmentation-needed quoting the client's own packet (to the VIP), or the
# client's stack cannot match it and never learns the smaller MTU.
vs d -A -u $VIP:73 -s rr
vs d -a -u $VIP:73 -r 192.168.3.2:7009 -m
n d ip link set s3 mtu 1280
check_eq "NAT, DF datagram too big: the client learns path MTU 1280 for the VIP" \
	"ok 1280" "$(agent A pmtu $VIP 73 1400)"
n d ip link set s3 mtu 1500
vs d -D -u $VIP:73

# ============================================================ counters
section "counters"
vs d -A -t $VIP:97 -s rr
for i in 1 2 3; do vs d -a -t $VIP:97 -r "192.168.$i.2:9007" -m; done
agent A tcp 6 $VIP 97 > /dev/null
read -r conns inp outp inb outb < <(block TCP 97 d --stats --exact | awk 'NR == 1 { print $3, $4, $5, $6, $7 }')
check_eq "--stats --exact: Conns 6 after 6 connections" 6 "$conns"
check "--stats --exact: InPkts >= 4 per connection ($inp)" test "${inp:-0}" -ge 24
check "--stats --exact: OutPkts >= 3 per connection ($outp)" test "${outp:-0}" -ge 18
check "--stats --exact: InBytes > 40 per packet ($inb)" test "${inb:-0}" -gt $((40 * ${inp:-0}))
check "--stats --exact: OutBytes > 40 per packet ($outb)" test "${outb:-0}" -gt $((40 * ${outp:-0}))
check_eq "--stats --exact: 2 connections per server" "2 2 2" \
	"$(block TCP 97 d --stats --exact | awk '$1 == "->" { printf "%s%s", (n++ ? " " : ""), $3 }')"
check_eq "--stats --exact: servers add up to the service" "$conns $inp $outp $inb $outb" \
	"$(block TCP 97 d --stats --exact | awk '$1 == "->" { c += $3; i += $4; o += $5; ib += $6; ob += $7 } END { print c, i, o, ib, ob }')"
agent A tcp 3 $VIP 97 > /dev/null
read -r conns2 inp2 outp2 _ < <(block TCP 97 d --stats --exact | awk 'NR == 1 { print $3, $4, $5 }')
check_eq "--stats: Conns grows to 9" 9 "$conns2"
check "--stats: InPkts grows ($inp -> $inp2)" test "${inp2:-0}" -gt "${inp:-0}"
check "--stats: OutPkts grows ($outp -> $outp2)" test "${outp2:-0}" -gt "${outp:-0}"
check_rc "-Z -t $VIP:97" 0 vs d -Z -t $VIP:97
zero="TCP  10.0.0.100:97                       0        0        0        0        0
  -> 192.168.1.2:9007                    0        0        0        0        0
  -> 192.168.2.2:9007                    0        0        0        0        0
  -> 192.168.3.2:9007                    0        0        0        0        0"
check_text "-Z -t zeroes that service" "$zero" "$(block TCP 97 d --stats --exact)"
check_match "-Z -t leaves the other services alone" \
	'^TCP  10\.0\.0\.100:80 +31 ' "$(block TCP 80 d --stats --exact | head -n 1)"
check_rc "-Z" 0 vs d -Z
check_eq "-Z zeroes every service" "" \
	"$(vs d -Ln --stats --exact | tail -n +4 | awk '$3 != 0 || $4 != 0 || $5 != 0 || $6 != 0 || $7 != 0')"
agent A tcp 2 $VIP 97 > /dev/null
check_eq "--stats: counts again from zero (Conns 2)" 2 \
	"$(block TCP 97 d --stats --exact | awk 'NR == 1 { print $3 }')"

# ======================================================= -Lnc, --json
section "connection listing and JSON"
# Fresh entries of each kind, whatever expired meanwhile on a slow host.
agent A http 1 $VIP 80 > /dev/null
agent A udp 1 $VIP 70 > /dev/null
ans=$(agent A open lnc $VIP 90)
x=$(open_name "$ans")
lport=$(open_port "$ans")
out=$(vs d -Lnc)
check_eq "-Lnc: header" "l4lb connection entries
pro expire state       source             virtual            destination" \
	"$(head -n 2 <<< "$out")"
check_match "-Lnc: the held connection is ESTABLISHED to $x:9000" \
	"(^|
)TCP [0-9]{2}:[0-9]{2}  ESTABLISHED 10\\.0\\.0\\.2:$lport +10\\.0\\.0\\.100:90 +192\\.168\\.${x#server}\\.2:9000(
|\$)" "$out"
check_match "-Lnc: closed HTTP connections in TIME_WAIT" \
	"TCP [0-9]{2}:[0-9]{2}  TIME_WAIT   10\\.0\\.0\\.2:[0-9]+ +10\\.0\\.0\\.100:80 +192\\.168\\.[123]\\.2:8080" "$out"
check_match "-Lnc: UDP flows" \
	"UDP [0-9]{2}:[0-9]{2}  UDP         10\\.0\\.0\\.2:[0-9]+ +10\\.0\\.0\\.100:70 +192\\.168\\.[123]\\.2:7000" "$out"
# (But for the one of the service deleted above, on :95, whose entry waits
# out its timeout while its packets are dropped.)
check_eq "-Lnc: only ESTABLISHED is the held connection" 1 \
	"$(grep -v " $VIP:95 " <<< "$out" | grep -c ' ESTABLISHED ' || true)"

vs d -Ln --json > "$TEST_TMP/list.json"
vs d -Lnc --json > "$TEST_TMP/conns.json"
check_rc "-Ln --json parses with python3 -m json.tool" 0 \
	python3 -m json.tool "$TEST_TMP/list.json"
out=$(python3 - "$TEST_TMP/list.json" "$TEST_TMP/conns.json" <<-'EOF' 2>&1
	import json, sys
	svcs = json.load(open(sys.argv[1]))
	conns = json.load(open(sys.argv[2]))
	s90 = [s for s in svcs if s['protocol'] == 'TCP' and s['port'] == 90][0]
	print(len(svcs), s90['address'], s90['scheduler'],
	      ','.join('%s:%d/%d' % (d['address'], d['port'], d['weight'])
		       for d in s90['servers']),
	      sum(d['active'] for d in s90['servers']),
	      sum(d['stats']['conns'] for d in s90['servers']) == s90['stats']['conns'],
	      sum(1 for c in conns if c['state'] == 'ESTABLISHED' and
		  c['virtual']['port'] != 95))
	EOF
)
check_eq "--json: services, scheduler, servers, active, stats, conns" \
	"10 10.0.0.100 wrr 192.168.1.2:9000/1,192.168.2.2:9000/2,192.168.3.2:9000/3 1 True 1" "$out"
agent A close lnc > /dev/null

# ========================================================== isolation
section "isolation between two directors"
for d in d db; do
	vs $d -A -t $VIP:81 -s rr
	vs $d -a -t $VIP:81 -r 192.168.1.2:8081 -m
	vs $d -a -t $VIP:81 -r 192.168.2.2:8081 -m
done
seq_a=
seq_b=
for i in $(seq 6); do
	ans=$(agent A http 1 $VIP 81)
	seq_a+=" ${ans#ok }"
	ans=$(agent B http 1 $VIP 81)
	seq_b+=" ${ans#ok }"
done
alternates() { [[ $1 =~ ^(\ server1\ server2){3}$|^(\ server2\ server1){3}$ ]]; }
check "isolation: client A alternates over A's servers (interleaved with B): $seq_a" \
	alternates "$seq_a"
check "isolation: client B alternates over B's servers (interleaved with A): $seq_b" \
	alternates "${seq_b// b-/ }"
check_match "isolation: B's client only reaches B's servers" \
	'^( b-server[12]){6}$' "$seq_b"
check_text "isolation: B lists only its own service" \
"$HDR2
$HDR3
TCP  10.0.0.100:81 rr
  -> 192.168.1.2:8081             Masq    1      0          3
  -> 192.168.2.2:8081             Masq    1      0          3" \
	"$(vs db -Ln | tail -n +2)"
check_text "isolation: A's :81 service counts only A's connections" \
"TCP  10.0.0.100:81 rr
  -> 192.168.1.2:8081             Masq    1      0          3
  -> 192.168.2.2:8081             Masq    1      0          3" "$(block TCP 81)"
check_eq "isolation: B's connection table has B's 6 connections only" 6 \
	"$(vs db -Lnc | tail -n +3 | wc -l)"

# ========================================================= port reuse
section "client port reuse across services on one real server"
# Linux picks client ports per destination, so a client reuses a port
# towards another VIP:port freely. When two services map to the same
# RIP:port, the new connection has the same server-side tuple as the old,
# closed one (still in TIME_WAIT in the table). IPVS lets the new one win;
# l4lb currently drops the SYN until the old entry expires (2 min).
vs d -A -t $VIP:89 -s rr
vs d -a -t $VIP:89 -r 192.168.1.2:9006 -m
vs d -A -t $VIP:99 -s rr
vs d -a -t $VIP:99 -r 192.168.1.2:9006 -m
check_eq "port reuse: client port 20000 to :89" "ok server1" \
	"$(agent A tcpfrom 20000 $VIP 89)"
check_match "port reuse: that connection is closed (TIME_WAIT) in -Lnc" \
	"TIME_WAIT   10\\.0\\.0\\.2:20000 +10\\.0\\.0\\.100:89 +192\\.168\\.1\\.2:9006" \
	"$(vs d -Lnc)"
ans=$(agent A tcpfrom 20000 $VIP 99)
if [ "$ans" = "ok server1" ]; then
	ok "port reuse: same client port to :99 (same server tuple) connects"
else
	not_ok "port reuse: same client port to :99 (same server tuple) connects" \
		"expected 'ok server1', saw '$ans' (l4lb bug: SYN dropped on a server-tuple clash with a TIME_WAIT entry)"
	show "ipvsctl --info" "$(vs d --info 2>&1)"
fi

# =============================================================== IPv6
section "IPv6: listing"
# The same site, dual-stack: the client at 2001:db8:c::2, the VIP $VIP6 on
# the director, server N at 2001:db8:N::2, the same listeners (they bind ::).
V6=[$VIP6]
# block6 PROTO PORT : as block, for an IPv6 service on $VIP6.
block6() {
	vs d -Ln | awk -v key="$1  $V6:$2 " '
		index($0, key) == 1 { on = 1; print; next }
		on && /^  ->/ { print; next }
		{ on = 0 }'
}
vs d -A -t "$V6:80" -s rr
vs d -A -u "$V6:70" -s rr
vs d -A -t "$V6:90" -s wrr
for i in 3 1 2; do
	vs d -a -t "$V6:80" -r "[2001:db8:$i::2]:8080" -m
	vs d -a -u "$V6:70" -r "[2001:db8:$i::2]:7000" -m
	vs d -a -t "$V6:90" -r "[2001:db8:$i::2]:9000" -m -w "$i"
done
check_text "IPv6 services listed after IPv4 ones, sorted, in brackets" \
"TCP  [2001:db8:f::100]:80 rr
  -> [2001:db8:1::2]:8080         Masq    1      0          0
  -> [2001:db8:2::2]:8080         Masq    1      0          0
  -> [2001:db8:3::2]:8080         Masq    1      0          0
TCP  [2001:db8:f::100]:90 wrr
  -> [2001:db8:1::2]:9000         Masq    1      0          0
  -> [2001:db8:2::2]:9000         Masq    2      0          0
  -> [2001:db8:3::2]:9000         Masq    3      0          0
UDP  [2001:db8:f::100]:70 rr
  -> [2001:db8:1::2]:7000         Masq    1      0          0
  -> [2001:db8:2::2]:7000         Masq    1      0          0
  -> [2001:db8:3::2]:7000         Masq    1      0          0" \
	"$(vs d -Ln | sed -n '/^[TU][CD]P  \[/,$p')"
rc=0
out=$(vs d -a -t "$V6:80" -r 192.168.1.2:8080 -m 2>&1) || rc=$?
check_eq "IPv6 service, IPv4 server over NAT: exit 2 (bad usage)" 2 "$rc"
check_match "IPv6 service, IPv4 server over NAT: says only a tunnel crosses families" \
	'only a tunnel crosses address families' "$out"
rc=0
out=$(vs d -A -t "$V6:85" -s rr -p 60 -M 255.255.255.0 2>&1) || rc=$?
check_eq "IPv6 service with a dotted netmask: exit 2 (bad usage)" 2 "$rc"
check_match "IPv6 service with a dotted netmask: says a prefix length is needed" \
	'prefix' "$out"

section "IPv6: NAT over HTTP (curl)"
check "s1 reachable over IPv6 through the director (no service)" \
	wait_for -t 30 reach A 2001:db8:1::2 8080 server1
urls=()
for i in $(seq 30); do urls+=("http://$V6/"); done
rc=0
out=$(n c curl -g -sS -m 10 -w '%{num_connects} %{remote_ip}:%{remote_port}\n' \
	"${urls[@]}" 2>&1) || rc=$?
check_eq "IPv6: 30 curl requests: exit 0" 0 "$rc"
# shellcheck disable=SC2046
check_eq "IPv6: 30 curl requests over rr: 10/10/10" \
	"server1=10 server2=10 server3=10" "$(tally $(grep -x 'server[0-9]' <<< "$out"))"
check_eq "IPv6: every answer came from $V6:80, a new connection each" \
	"1 $VIP6:80=30" \
	"$(grep -vx 'server[0-9]' <<< "$out" | sort | uniq -c | awk '{ print $2, $3 "=" $1 }')"
check_match "IPv6 -Lnc: a curl connection, client, VIP and server in brackets" \
	"TCP +[0-9]{2}:[0-9]{2} +TIME_WAIT +\\[2001:db8:c::2\\]:[0-9]+ +\\[2001:db8:f::100\\]:80 +\\[2001:db8:[123]::2\\]:8080" \
	"$(vs d -Lnc)"

section "IPv6: wrr, UDP, reply un-NAT"
ans=$(agent A tcp 60 "$VIP6" 90)
check_spread "IPv6 wrr weights 1,2,3 over 60 connections: 10/20/30" "$ans" \
	"server1=10 server2=20 server3=30"
ans=$(agent A udp 30 "$VIP6" 70)
check_spread "IPv6 UDP rr, 30 datagrams: 10/10/10" "${ans//"@$V6:70"/}" \
	"server1=10 server2=10 server3=10"
# shellcheck disable=SC2086
bad=$(printf '%s\n' ${ans#ok } | grep -v "^server[123]@\\[$VIP6\\]:70\$" || true)
check_eq "IPv6 UDP replies come from $V6:70 (un-NATed)" "" "$bad"
ans=$(agent A open v6 "$VIP6" 90)
check_match "IPv6 held TCP connection to $V6:90 established" '^ok server[123] [0-9]+$' "$ans"
check_eq "IPv6 held connection's peer is $V6:90" "ok $V6:90" "$(agent A peer v6)"
check_eq "IPv6 -Ln: the held connection is the one active" 1 \
	"$(block6 TCP 90 | awk '$1 == "->" { s += $5 } END { print s + 0 }')"
ss_out=$(n c ss -Htn state established)
check_no_match "ss in the client: no real server address seen" '2001:db8:[123]::' "$ss_out"
agent A close v6 > /dev/null
# Reassembly: the client's stack fragments a 3000-byte datagram; the
# director reassembles it to find the ports, and refragments after NAT.
ans=$(agent A udpbig "$VIP6" 70 3000)
check_match "IPv6 UDP, a fragmented 3000-byte datagram: answered whole" \
	'^ok server[123] 3009$' "$ans"

use_admin ipvsadm
section "IPv6: ICMPv6 errors"
vs d -A -u "$V6:71" -s rr
vs d -a -u "$V6:71" -r "[2001:db8:1::2]:7001" -m
check_eq "IPv6 UDP to a server port with no listener: ECONNREFUSED (ICMPv6 un-NATed)" \
	"err ECONNREFUSED" "$(agent A udpconn "$VIP6" 71)"
# As for IPv4: the director's link to s3 is narrowed to IPv6's minimum; a
# datagram that no longer fits must come back as a packet too big quoting
# the client's own packet (to the VIP).
vs d -A -u "$V6:73" -s rr
vs d -a -u "$V6:73" -r "[2001:db8:3::2]:7009" -m
n d ip link set s3 mtu 1280
check_eq "IPv6 NAT, datagram too big: the client learns path MTU 1280 for the VIP" \
	"ok 1280" "$(agent A pmtu "$VIP6" 73 1400)"
n d ip link set s3 mtu 1500
vs d -A -t "$V6:96" -s wlc
vs d -a -t "$V6:96" -r "[2001:db8:1::2]:8080" -m -w 0
rc=0
out=$(n c curl -g -sS -m 10 -w '%{time_total}' "http://$V6:96/" 2>&1) || rc=$?
check_eq "IPv6, all weights 0: curl exit 7 (could not connect)" 7 "$rc"
t=${out##*$'\n'}
t=${t##*[!0-9.]}
check_match "IPv6, all weights 0: refused at once by an ICMPv6 error (took ${t:-?} s)" \
	'^[0-2]\.' "$t"

section "IPv6: persistence by prefix"
vs d -A -t "$V6:91" -s rr -p 300 -M 64
for i in 1 2 3; do vs d -a -t "$V6:91" -r "[2001:db8:$i::2]:9001" -m; done
ans=$(agent A tcp 6 "$VIP6" 91)
# shellcheck disable=SC2086
check_match "IPv6 -p -M 64: six connections, one server" \
	'^server[123]=6$' "$(tally ${ans#ok })"
check_match "IPv6 -Lnc: the template is the client's /64, ASSURED" \
	"TCP +[0-9]{2}:[0-9]{2} +ASSURED +\\[2001:db8:c::\\]:0 +\\[2001:db8:f::100\\]:91 +\\[2001:db8:[123]::2\\]:9001" \
	"$(vs d -Lnc)"
check_match "IPv6 -Ln shows the prefix length as the mask" \
	"^TCP  \\[2001:db8:f::100\\]:91 rr persistent 300 mask 64\$" \
	"$(block6 TCP 91 | head -n 1)"

# ============================================================== clear
use_admin ipvsctl
section "clear"
ans=$(agent A open clr $VIP 90)
x=$(open_name "$ans")
check_rc "ipvsctl -C" 0 vs d -C
out=$(vs d -Ln)
check_match "-C: line 1 of the listing" "$HDR1_RE" "$(head -n 1 <<< "$out")"
check_text "-C: the listing is empty" "$HDR2
$HDR3" "$(tail -n +2 <<< "$out")"
check_eq "-C: director B untouched" 1 "$(vs db -Ln | grep -c '^TCP ' || true)"
check_eq "-C: the held connection's packets are dropped, as in IPVS" \
	"err ETIMEDOUT" "$(agent A send clr after-clear)"
agent A close clr > /dev/null
check_eq "-C: no service, a new connection to :90 is refused" "err ECONNREFUSED" \
	"$(agent A connect $VIP 90 | cut -d' ' -f1-2)"

# ====================================================== rmmod, live
section "rmmod with live connections"
vs d -A -t $VIP:98 -s rr
vs d -A -u $VIP:72 -s rr
for i in 1 2 3; do
	vs d -a -t $VIP:98 -r "192.168.$i.2:9008" -m
	vs d -a -u $VIP:72 -r "192.168.$i.2:7002" -m
done
names=
for h in 1 2 3; do
	ans=$(agent A open rm$h $VIP 98)
	names+=" $(open_name "$ans")"
done
# shellcheck disable=SC2086
check_eq "rmmod: 3 held connections, one per server" \
	"server1=1 server2=1 server3=1" "$(tally $names)"
ans=$(agent A udp 3 $VIP 72)
check_spread "rmmod: UDP flows too" "${ans//@$VIP:72/}" \
	"server1=1 server2=1 server3=1"
check_eq "rmmod: -Ln shows 3 active connections" 3 \
	"$(block TCP 98 | awk '$1 == "->" { s += $5 } END { print s + 0 }')"
klog_mark
check_rc "rmmod l4lb with services and live connections in two netns" 0 rmmod l4lb
check_eq "rmmod: ipvsctl then says the module is not loaded" \
	"ipvsctl: the l4lb kernel module is not loaded (try: insmod l4lb.ko)" \
	"$(vs d -Ln 2>&1 || true)"
for h in 1 2 3; do agent A close rm$h > /dev/null; done
klog_check "rmmod: kernel log clean (whole run)"
_KLOG_MARK=$SUITE_MARK
klog_check "kernel log clean since the suite started"

finish
