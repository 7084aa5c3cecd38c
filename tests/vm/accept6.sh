#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/accept6.sh - the IPv6 acceptance suite: the same IPv6 cases,
# with the same assertions, run against in-tree IPVS (ip_vs.ko, driven by
# Debian's ipvsadm) and then against l4lb (driven by ipvsctl, with the
# same arguments), in one VM boot. IPVS's behaviour is the expectation: a
# case l4lb fails where IPVS passes is a difference to fix. The cases: NAT,
# scheduling (rr, wrr, lc, wlc), draining, persistence, ICMPv6, and direct
# routing (DR) and ip6ip6 tunnelling (TUN), rr and draining.
# Runs in the VM: scripts/vm-run -- tests/vm/accept6.sh
#
#                            director "d"                    real servers
#  client "c"            +----------------------+       +----------------------+
#  +-----------------+   | c0 2001:db8:c::1/64  |  s1   | "s1" eth0            |
#  | eth0            |---| lo 2001:db8:f::100   |-------| 2001:db8:1::2/64     |
#  | 2001:db8:c::2   |   |    (VIP6)            |       | gw 2001:db8:1::1     |
#  | 2001:db8:c::3   |   | s1 2001:db8:1::1/64  |       +----------------------+
#  | 2001:db8:c:1::2 |   | s2 2001:db8:2::1/64  |-------  "s2" 2001:db8:2::2
#  | gw 2001:db8:c::1|   | s3 2001:db8:3::1/64  |-------  "s3" 2001:db8:3::2
#  +-----------------+   | forwarding=1         |
#                        | ip_vs.ko and l4lb.ko |
#                        +----------------------+
#  (tests/vm/lib.sh's nat_site, dual-stack; only its IPv6 side is used.)
#
#  DR and TUN: c and d also join one L2 segment, bridge br0 in "sw":
#
#   "c" eth1       "d" a0         "dr1"          "dr2"          "rt"
#   2001:db8:a::2  2001:db8:a::1  2001:db8:a::11 2001:db8:a::12 2001:db8:a::fe
#                  DR6, TUN6      DR6 on lo      DR6 on lo      forwarding=1
#     |              |              |              |              |
#   --+--------------+--------------+--------------+--------------+
#   rt tu1 2001:db8:b:1::1/64 --- "tu1" eth0 2001:db8:b:1::3/64, gw rt
#   rt tu2 2001:db8:b:2::1/64 --- "tu2" eth0 2001:db8:b:2::3/64, gw rt
#   (tu1, tu2: TUN6 on ip6tnl0, ip6ip6; c and d: 2001:db8:b::/48 via rt)
#
#  DR6 2001:db8:a::100 and TUN6 2001:db8:a::101 sit on d's a0 (deprecated:
#  never a tunnel's outer source), so that d alone answers neighbour
#  solicitations for them; scripts/realserver puts them on the servers.
#  Replies go from the servers straight to the client (TUN's via rt).
#
# Implementations: "ipvs" (modprobe ip_vs; ipvsadm in "d") runs first,
# then "l4lb" (scripts/insmod l4lb.ko; ipvsctl in "d"). Both modules stay
# loaded; each implementation has its own ports, VIP side and server side,
# so that no tuple is ever used by both (IPVS keeps its connection entries
# after -C, and both look replies up by the server-side tuple):
#
#   case                      ipvs   l4lb   (VIP port = server port)
#   NAT rr                    9101   9201   TCP
#   NAT wrr                   9102   9202   TCP
#   lc                        9103   9203   TCP
#   wlc                       9104   9204   TCP
#   drain: weight 0, delete   9105   9205   TCP
#   persistence -p 60 -M 64   9106   9206   TCP
#   service deleted, again    9107   9207   TCP
#   ICMPv6 port unreachable   9108   9208   UDP, nothing listens there
#   DR rr over dr1, dr2       9110   9210   TCP, VIP DR6
#   DR draining: weight 0     9111   9211   TCP, VIP DR6
#   TUN rr over tu1, tu2      9112   9212   TCP, VIP TUN6
#   TUN draining: weight 0    9113   9213   TCP, VIP TUN6
#
# Every real server runs tests/vm/server.py answering with its name on the
# TCP ports above (s1-s3 the NAT ones, dr1, dr2, tu1, tu2 the DR and TUN
# ones), and on 9100 (reached directly, no service, at setup).
# ACCEPT6_TESTS=case_rr,case_lc,... runs only those cases (DR and TUN:
# case_dr, case_dr_drain, case_tun, case_tun_drain).

# shellcheck source=tests/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# nat_site also sets up IPv4 (unused here) and needs $VIP.
VIP=10.0.0.100
V6=[$VIP6]
TCP_CASES="1 2 3 4 5 6 7"
# The DR and TUN site's: case ports, VIPs, servers' addresses by name.
DIRECT_CASES="10 11 12 13"
DR6=2001:db8:a::100
TUN6=2001:db8:a::101
declare -A RIP6=([dr1]=2001:db8:a::11 [dr2]=2001:db8:a::12
	[tu1]=2001:db8:b:1::3 [tu2]=2001:db8:b:2::3)

# base IMPL : the implementation's port base.
base() {
	case $1 in
	ipvs) echo 9100 ;;
	l4lb) echo 9200 ;;
	esac
}

# adm IMPL ARGS... : the implementation's admin tool in the director.
adm() {
	local impl=$1
	shift
	case $impl in
	ipvs) n d ipvsadm "$@" ;;
	l4lb) vs d "$@" ;;
	esac
}

# tool IMPL : the admin tool's name, for messages.
tool() {
	case $1 in
	ipvs) echo ipvsadm ;;
	l4lb) echo ipvsctl ;;
	esac
}

# cfg IMPL ARGS... : configure; a refusal is a failed test (named after the
# command, with the tool's message), not the end of the suite.
cfg() {
	local impl=$1 out rc=0
	shift
	out=$(adm "$impl" "$@" 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		not_ok "$impl: $(tool "$impl") $*" "exit status $rc"
		show output "$out"
	fi
	return 0
}

# dest_field IMPL PROTO PORT RIP COLUMN : one column of a server's line in
# -Ln (4 weight, 5 active, 6 inactive); the servers' port is PORT.
dest_field() {
	adm "$1" -Ln "$2" "$V6:$3" |
		awk -v d="[$4]:$3" -v f="$5" '$1 == "->" && $2 == d { print $f }'
}

# act_inact IMPL PORT : "ACTIVE/INACTIVE" of s1, s2, s3 in the -Ln of TCP
# service VIP6:PORT (servers on PORT), "-/-" for one not listed.
act_inact() {
	adm "$1" -Ln -t "$V6:$2" | awk -v p="$2" '
		$1 == "->" { c[$2] = $5 "/" $6 }
		END {
			for (i = 1; i <= 3; i++) {
				k = "[2001:db8:" i "::2]:" p
				printf "%s%s", (i > 1 ? " " : ""), (k in c ? c[k] : "-/-")
			}
			print ""
		}'
}

# check_order IMPL SCHED AGENT-ANSWER : the order of the first 6 answers
# is IPVS's. IPVS links a new server at the head of the service's list, so
# its rr goes from the last server added backwards; l4lb must go the same
# way (recorded from the ipvs run, checked in the l4lb one).
declare -A ORDER
check_order() {
	local impl=$1 sched=$2 first
	first=$(cut -d' ' -f2-7 <<< "$3")
	say "# $impl $sched order: $first"
	if [ "$impl" = ipvs ]; then
		ORDER[$sched]=$first
	elif [ -n "${ORDER[$sched]:-}" ]; then
		check_eq "$impl: IPv6 $sched: the same order as IPVS" \
			"${ORDER[$sched]}" "$first"
	fi
}


# others X : the servers but X, as an expected tally with N each.
others() {
	local x=$1 each=$2 i want=
	for i in 1 2 3; do
		[ "s$i" = "$x" ] || want+=" s$i=$each"
	done
	echo "${want# }"
}

# nat_service IMPL PORT SCHED [-A options] : a TCP NAT service on
# VIP6:PORT with the three servers on PORT, weight 1.
nat_service() {
	local impl=$1 port=$2 sched=$3 i
	shift 3
	cfg "$impl" -A -t "$V6:$port" -s "$sched" "$@"
	for i in 1 2 3; do
		cfg "$impl" -a -t "$V6:$port" -r "[2001:db8:$i::2]:$port" -m
	done
}

# ================================================================ cases

case_rr() {
	local impl=$1 p ans ss_out
	p=$(($(base "$impl") + 1))
	section "$impl: IPv6 NAT rr"
	nat_service "$impl" "$p" rr
	ans=$(agent c tcp 30 "$VIP6" "$p")
	check_spread "$impl: IPv6 NAT rr 10/10/10" "$ans" "s1=10 s2=10 s3=10"
	check_order "$impl" rr "$ans"
	ans=$(agent c open rr "$VIP6" "$p")
	check_match "$impl: IPv6 NAT rr: held connection established" \
		'^ok s[123] [0-9]+$' "$ans"
	check_eq "$impl: IPv6 NAT: the client's peer is $V6:$p (replies un-NATed)" \
		"ok $V6:$p" "$(agent c peer rr)"
	ss_out=$(n c ss -Htn state established)
	check_no_match "$impl: IPv6 NAT: the client sees no real server address" \
		'2001:db8:[123]::' "$ss_out"
	check_eq "$impl: IPv6 NAT: -Ln shows the held connection as the one active" 1 \
		"$(adm "$impl" -Ln -t "$V6:$p" | awk '$1 == "->" { s += $5 } END { print s + 0 }')"
	agent c close rr > /dev/null
}

case_wrr() {
	local impl=$1 p i ans
	p=$(($(base "$impl") + 2))
	section "$impl: IPv6 NAT wrr"
	cfg "$impl" -A -t "$V6:$p" -s wrr
	for i in 1 2 3; do
		cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:$i::2]:$p" -m -w "$i"
	done
	ans=$(agent c tcp 60 "$VIP6" "$p")
	check_spread "$impl: IPv6 NAT wrr 1,2,3 over 60: 10/20/30" "$ans" \
		"s1=10 s2=20 s3=30"
	check_order "$impl" wrr "$ans"
}

# least_conn IMPL PORT SCHED : three connections held on s1 while it is the
# only server; s2 and s3 then join with weights 1 and W (lc: 1). Each new
# connection is closed (both ways) before the next, so it counts as
# inactive by then: lc alternates over s2 and s3; wlc with 1 and 3 gives
# 2/6 over 8 (overhead active*256 + inactive, over the weight).
least_conn() {
	local impl=$1 p=$2 sched=$3 h names='' ans w3=1 n=10 want="s2=5 s3=5"
	local want_ln="3/0 0/5 0/5"
	if [ "$sched" = wlc ]; then
		w3=3 n=8 want="s2=2 s3=6" want_ln="3/0 0/2 0/6"
	fi
	section "$impl: IPv6 $sched with held connections"
	cfg "$impl" -A -t "$V6:$p" -s "$sched"
	cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:1::2]:$p" -m
	for h in 1 2 3; do
		ans=$(agent c open "$sched$h" "$VIP6" "$p")
		names+=" $(open_name "$ans")"
	done
	check_eq "$impl: IPv6 $sched: 3 held connections while s1 is the only server" \
		" s1 s1 s1" "$names"
	cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:2::2]:$p" -m -w 1
	cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:3::2]:$p" -m -w "$w3"
	check_eq "$impl: IPv6 $sched: -Ln shows s1 with 3 active connections" 3 \
		"$(dest_field "$impl" -t "$p" 2001:db8:1::2 5)"
	ans=$(agent c tcp "$n" "$VIP6" "$p")
	check_spread "$impl: IPv6 $sched: $n new connections avoid the busy s1: $want" \
		"$ans" "$want"
	check_eq "$impl: IPv6 $sched: a held connection on s1 still works" \
		"ok s1 ping" "$(agent c send "${sched}1" ping)"
	check_eq "$impl: IPv6 $sched: -Ln active/inactive per server" "$want_ln" \
		"$(act_inact "$impl" "$p")"
	for h in 1 2 3; do agent c close "$sched$h" > /dev/null; done
}

case_lc() { least_conn "$1" $(($(base "$1") + 3)) lc; }
case_wlc() { least_conn "$1" $(($(base "$1") + 4)) wlc; }

# Draining: a server at weight 0 keeps its held connection and gets no new
# one. A deleted server gets no new connection either, and (IPVS,
# ip_vs_in_hook(): "Check the server status") the packets of a connection
# still bound to it are dropped while expire_nodest_conn is 0 (with 1, the
# entry is expired and the packet scheduled afresh). The same server added
# back takes the connection again (IPVS revives it from its trash).
case_drain() {
	local impl=$1 p x y z ans i
	p=$(($(base "$impl") + 5))
	section "$impl: IPv6 draining: weight 0, server deleted"
	nat_service "$impl" "$p" rr
	x=$(open_name "$(agent c open w0 "$VIP6" "$p")")
	check_match "$impl: IPv6 weight 0: held connection opened" '^s[123]$' "$x"
	cfg "$impl" -e -t "$V6:$p" -r "[2001:db8:${x#s}::2]:$p" -m -w 0
	check_eq "$impl: IPv6 weight 0: -Ln shows $x at weight 0, its connection active" \
		"0 1" "$(dest_field "$impl" -t "$p" "2001:db8:${x#s}::2" 4) $(dest_field "$impl" -t "$p" "2001:db8:${x#s}::2" 5)"
	ans=$(agent c tcp 6 "$VIP6" "$p")
	check_spread "$impl: IPv6 weight 0: 6 new connections avoid $x: 3/3" \
		"$ans" "$(others "$x" 3)"
	check_eq "$impl: IPv6 weight 0: the held connection to $x still works" \
		"ok $x drained" "$(agent c send w0 drained)"

	y=$(open_name "$(agent c open del "$VIP6" "$p")")
	check_match "$impl: IPv6 delete: held connection to a server of weight 1" \
		"^s[123]\$" "${y/$x/?}"
	z=
	for i in 1 2 3; do
		[ "s$i" = "$x" ] || [ "s$i" = "$y" ] || z=s$i
	done
	cfg "$impl" -d -t "$V6:$p" -r "[2001:db8:${y#s}::2]:$p"
	check_eq "$impl: IPv6 delete: $y no longer listed" "" \
		"$(dest_field "$impl" -t "$p" "2001:db8:${y#s}::2" 4)"
	ans=$(agent c tcp 4 "$VIP6" "$p")
	check_spread "$impl: IPv6 delete: 4 new connections avoid deleted $y and drained $x" \
		"$ans" "${z:-?}=4"
	check_eq "$impl: IPv6 delete: the held connection to deleted $y is dropped (no answer)" \
		"err ETIMEDOUT" "$(agent c send del deleted)"
	cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:${y#s}::2]:$p" -m
	check_eq "$impl: IPv6 delete: $y added back takes the held connection again" \
		"ok $y deleted" "$(agent c recv del 20)"
	check_eq "$impl: IPv6 delete: the held connection to drained $x still works" \
		"ok $x drained" "$(agent c send w0 drained)"
	agent c close w0 > /dev/null
	agent c close del > /dev/null
}

# Persistence by /64: connections from 2001:db8:c::2 and ::3 (one /64)
# share a server; 2001:db8:c:1::2 (another /64) gets its own template and,
# rr having moved on, the next server.
case_persist() {
	local impl=$1 p got
	p=$(($(base "$impl") + 6))
	section "$impl: IPv6 persistence -p 60 -M 64"
	nat_service "$impl" "$p" rr -p 60 -M 64
	got=$(n c python3 - "$VIP6" "$p" <<-'EOF' 2>&1
		import socket, sys
		out = []
		for src in ['2001:db8:c::2', '2001:db8:c::3'] * 3 + ['2001:db8:c:1::2'] * 2:
		    try:
		        s = socket.create_connection((sys.argv[1], int(sys.argv[2])),
		                                     timeout=5, source_address=(src, 0))
		        s.sendall(b'who\n')
		        out.append(s.recv(100).split()[0].decode())
		        s.close()
		    except OSError as e:
		        out.append('ERR:%s' % e)
		print(' '.join(out))
	EOF
	)
	# shellcheck disable=SC2086 # the answers as words
	set -- $got
	check_eq "$impl: IPv6 -p 60 -M 64: c::2 and c::3 (one /64) go to one server" \
		"$1=6" "$(tally "${@:1:6}")"
	if [[ $7 =~ ^s[123]$ ]] && [ "$7" = "$8" ] && [ "$7" != "$1" ]; then
		ok "$impl: IPv6 -p 60 -M 64: c:1::2 (another /64) sticks to another server"
	else
		not_ok "$impl: IPv6 -p 60 -M 64: c:1::2 (another /64) sticks to another server" \
			"saw '$got' (c::2 c::3 alternating 6 times, then c:1::2 twice)"
	fi
	check_match "$impl: IPv6 -Lnc: a template for the /64 c::" \
		"TCP +[0-9]{2}:[0-9]{2} +[A-Z]+ +\\[2001:db8:c::\\]:0 +\\[$VIP6\\]:$p +\\[2001:db8:[123]::2\\]:$p" \
		"$(adm "$impl" -Lnc)"
	check_match "$impl: IPv6 -Lnc: a template for the /64 c:1::" \
		"TCP +[0-9]{2}:[0-9]{2} +[A-Z]+ +\\[2001:db8:c:1::\\]:0 +\\[$VIP6\\]:$p +\\[2001:db8:[123]::2\\]:$p" \
		"$(adm "$impl" -Lnc)"
	# A template is ASSURED once a connection it placed is established
	# (IPVS: ip_vs_control_assure_ct()).
	local want="ASSURED ASSURED"
	check_eq "$impl: IPv6 -Lnc: both templates $want" "$want" \
		"$(adm "$impl" -Lnc | awk -v v="[$VIP6]:$p" '$5 == v && $4 ~ /\]:0$/ { print $3 }' | paste -sd' ')"
	check_match "$impl: IPv6 -Ln: persistent 60 mask 64" \
		"^TCP  \\[$VIP6\\]:$p rr persistent 60 mask 64\$" \
		"$(adm "$impl" -Ln -t "$V6:$p" | grep '^TCP')"
}

# A service deleted with a connection held on its server: the
# connection's packets are dropped; the service created again, with the
# same server, and the connection goes on (IPVS finds the server in its
# trash, bound to the service's address, port and protocol).
case_again() {
	local impl=$1 p y
	p=$(($(base "$impl") + 7))
	section "$impl: IPv6 service deleted and created again"
	cfg "$impl" -A -t "$V6:$p" -s wlc
	cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:2::2]:$p" -m
	y=$(open_name "$(agent c open again "$VIP6" "$p")")
	check_eq "$impl: IPv6 service again: held connection to s2" s2 "$y"
	cfg "$impl" -D -t "$V6:$p"
	check_eq "$impl: IPv6 service again: deleted, the connection's packets are dropped" \
		"err ETIMEDOUT" "$(agent c send again hello)"
	cfg "$impl" -A -t "$V6:$p" -s rr
	cfg "$impl" -a -t "$V6:$p" -r "[2001:db8:2::2]:$p" -m
	check_eq "$impl: IPv6 service again: created again, the server takes the connection" \
		"ok s2 hello" "$(agent c recv again 20)"
	agent c close again > /dev/null
}

# ICMPv6 through NAT: UDP to a server port nothing listens on; the server's
# port unreachable, quoting the NATed datagram, reaches the client un-NATed
# (a connected socket then reports ECONNREFUSED).
case_icmp() {
	local impl=$1 p
	p=$(($(base "$impl") + 8))
	section "$impl: IPv6 ICMPv6 port unreachable through NAT"
	cfg "$impl" -A -u "$V6:$p" -s rr
	cfg "$impl" -a -u "$V6:$p" -r "[2001:db8:2::2]:$p" -m
	check_eq "$impl: IPv6 UDP to a port with no listener: ECONNREFUSED" \
		"err ECONNREFUSED" "$(agent c udpconn "$VIP6" "$p")"
}

# ============================================================ DR, TUN

# direct_mode DR|TUN : set the caller's vip, flag (the -a option), fwd
# (-Ln's Forward column) and srv (its two servers' names).
direct_mode() {
	case $1 in
	DR) vip=$DR6 flag=-g fwd=Route srv="dr1 dr2" ;;
	TUN) vip=$TUN6 flag=-i fwd=Tunnel srv="tu1 tu2" ;;
	esac
}

# direct_service IMPL MODE PORT : a TCP rr service on the mode's VIP:PORT
# with its two servers (on PORT, weight 1) in the mode.
direct_service() {
	local impl=$1 p=$3 vip flag fwd srv s
	direct_mode "$2"
	cfg "$impl" -A -t "[$vip]:$p" -s rr
	for s in $srv; do
		cfg "$impl" -a -t "[$vip]:$p" -r "[${RIP6[$s]}]:$p" "$flag"
	done
}

# stats_line IMPL VIP PORT : the service's line of -Ln --stats --exact
# (Conns InPkts OutPkts InBytes OutBytes).
stats_line() {
	adm "$1" -Ln --stats --exact -t "[$2]:$3" | grep '^TCP'
}

# conns_counted IMPL VIP PORT N : the service's Conns is N. (IPVS adds up
# its per-CPU counters in its 2 s estimator timer, not when read.)
conns_counted() {
	local re="^TCP +[^ ]+ +$4 "
	[[ $(stats_line "$1" "$2" "$3") =~ $re ]]
}

# direct_rr IMPL MODE PORT : 10 connections spread 5/5 over the two
# servers, which answer the client directly: the director counts no reply
# packet, and the client's peer is the VIP.
direct_rr() {
	local impl=$1 mode=$2 p=$3 vip flag fwd srv ans want s
	direct_mode "$mode"
	section "$impl: IPv6 $mode rr"
	direct_service "$impl" "$mode" "$p"
	check_eq "$impl: IPv6 $mode: -Ln shows both servers as $fwd" "$fwd $fwd" \
		"$(adm "$impl" -Ln -t "[$vip]:$p" | awk '$1 == "->" && $2 ~ /^\[/ { print $3 }' | paste -sd' ')"
	ans=$(agent c tcp 10 "$vip" "$p")
	want=
	for s in $srv; do want+=" $s=5"; done
	check_spread "$impl: IPv6 $mode rr over 2 servers: 5/5" "$ans" "${want# }"
	wait_for -t 10 conns_counted "$impl" "$vip" "$p" 10 || true
	check_match "$impl: IPv6 $mode: 10 connections, no reply through the director (OutPkts 0)" \
		"^TCP +\\[$vip\\]:$p +10 +[0-9]+ +0 " "$(stats_line "$impl" "$vip" "$p")"
	ans=$(agent c open "$mode" "$vip" "$p")
	check_match "$impl: IPv6 $mode: held connection established" \
		"^ok (${srv/ /|}) [0-9]+\$" "$ans"
	check_eq "$impl: IPv6 $mode: the client's peer is [$vip]:$p" \
		"ok [$vip]:$p" "$(agent c peer "$mode")"
	agent c close "$mode" > /dev/null
}

# direct_drain IMPL MODE PORT : a server at weight 0 keeps its held
# connection (-Ln: weight 0, 1 active) and gets none of 4 new ones.
direct_drain() {
	local impl=$1 mode=$2 p=$3 vip flag fwd srv x s other ans
	direct_mode "$mode"
	section "$impl: IPv6 $mode draining: weight 0"
	direct_service "$impl" "$mode" "$p"
	x=$(open_name "$(agent c open "${mode}w0" "$vip" "$p")")
	check_match "$impl: IPv6 $mode weight 0: held connection opened" \
		"^(${srv/ /|})\$" "$x"
	for s in $srv; do
		[ "$s" = "$x" ] || other=$s
	done
	cfg "$impl" -e -t "[$vip]:$p" -r "[${RIP6[$x]:-?}]:$p" "$flag" -w 0
	check_eq "$impl: IPv6 $mode weight 0: -Ln shows $x at weight 0, its connection active" \
		"0 1" "$(adm "$impl" -Ln -t "[$vip]:$p" |
			awk -v d="[${RIP6[$x]:-?}]:$p" '$1 == "->" && $2 == d { print $4, $5 }')"
	ans=$(agent c tcp 4 "$vip" "$p")
	check_spread "$impl: IPv6 $mode weight 0: 4 new connections avoid $x" \
		"$ans" "$other=4"
	check_eq "$impl: IPv6 $mode weight 0: the held connection to $x still works" \
		"ok $x drained" "$(agent c send "${mode}w0" drained)"
	agent c close "${mode}w0" > /dev/null
}

case_dr() { direct_rr "$1" DR $(($(base "$1") + 10)); }
case_dr_drain() { direct_drain "$1" DR $(($(base "$1") + 11)); }
case_tun() { direct_rr "$1" TUN $(($(base "$1") + 12)); }
case_tun_drain() { direct_drain "$1" TUN $(($(base "$1") + 13)); }

# run_impl IMPL : every case against one implementation, then -C.
run_impl() {
	local impl=$1 c
	for c in case_rr case_wrr case_lc case_wlc case_drain case_persist \
		case_again case_icmp case_dr case_dr_drain case_tun case_tun_drain; do
		if [ -n "${ACCEPT6_TESTS:-}" ] &&
		   [[ ,$ACCEPT6_TESTS, != *",$c,"* ]]; then
			say "# skipped: $impl $c (not in ACCEPT6_TESTS=$ACCEPT6_TESTS)"
			continue
		fi
		"$c" "$impl"
	done
	section "$impl: clear"
	check_rc "$impl: $(tool "$impl") -C" 0 adm "$impl" -C
	check_eq "$impl: no service left after -C" "" \
		"$(adm "$impl" -Ln | grep -E '^(TCP|UDP) ' || true)"
}

# ================================================================ setup
section "setup"
own_modules
klog_mark
nat_site c d s1 s2 s3
nbatch c <<-EOF
	addr add 2001:db8:c::3/64 dev eth0 nodad preferred_lft 0
	addr add 2001:db8:c:1::2/64 dev eth0 nodad preferred_lft 0
EOF
# (Deprecated, so never picked as a source unless bound: the client's
# connections come from 2001:db8:c::2.)
nip d route add 2001:db8:c:1::/64 dev c0

# direct_site : the DR and TUN site (the second drawing).
direct_site() {
	local h i
	ns_add sw dr1 dr2 rt tu1 tu2
	{
		echo "link add eth1 netns $(ns c) type veth peer name pc netns $(ns sw)"
		echo "link add a0 netns $(ns d) type veth peer name pd netns $(ns sw)"
		for h in dr1 dr2 rt; do
			echo "link add eth0 netns $(ns "$h") type veth peer name p$h netns $(ns sw)"
		done
		for i in 1 2; do
			echo "link add tu$i netns $(ns rt) type veth peer name eth0 netns $(ns "tu$i")"
		done
	} | ip -batch -
	{
		echo "link add br0 type bridge mcast_snooping 0"
		echo "link set br0 up"
		for h in pc pd pdr1 pdr2 prt; do
			echo "link set $h master br0 up"
		done
	} | nbatch sw
	nbatch c <<-EOF
		addr add 2001:db8:a::2/64 dev eth1 nodad
		link set eth1 up
		route add 2001:db8:b::/48 via 2001:db8:a::fe
	EOF
	nbatch d <<-EOF
		addr add 2001:db8:a::1/64 dev a0 nodad
		addr add $DR6/128 dev a0 nodad preferred_lft 0
		addr add $TUN6/128 dev a0 nodad preferred_lft 0
		link set a0 up
		route add 2001:db8:b::/48 via 2001:db8:a::fe
	EOF
	for h in dr1 dr2; do
		nbatch "$h" <<-EOF
			addr add ${RIP6[$h]}/64 dev eth0 nodad
			link set eth0 up
		EOF
		n "$h" "$L4LB_ROOT/scripts/realserver" dr "$DR6" > /dev/null
	done
	{
		echo "addr add 2001:db8:a::fe/64 dev eth0 nodad"
		echo "link set eth0 up"
		for i in 1 2; do
			echo "addr add 2001:db8:b:$i::1/64 dev tu$i nodad"
			echo "link set tu$i up"
		done
	} | nbatch rt
	n rt sysctl -qw net.ipv6.conf.all.forwarding=1
	for i in 1 2; do
		nbatch "tu$i" <<-EOF
			addr add ${RIP6[tu$i]}/64 dev eth0 nodad
			link set eth0 up
			route add default via 2001:db8:b:$i::1
		EOF
		n "tu$i" "$L4LB_ROOT/scripts/realserver" tun "$TUN6" > /dev/null
	done
}
direct_site

# server_ports CASE... : server.py's options for 9100 and the CASEs' ports.
server_ports() {
	local b i
	printf -- '--tcp 9100'
	for b in 9100 9200; do
		for i in "$@"; do printf -- ' --tcp %s' $((b + i)); done
	done
}
for i in 1 2 3; do
	# shellcheck disable=SC2046,SC2086 # one --tcp per port
	start_server "s$i" "s$i" $(server_ports $TCP_CASES)
done
for h in dr1 dr2 tu1 tu2; do
	# shellcheck disable=SC2046,SC2086 # one --tcp per port
	start_server "$h" "$h" $(server_ports $DIRECT_CASES)
done
agent_start c c

# servers_ready NS CASE... : NS listens on the CASEs' ports.
servers_ready() {
	local out b i
	out=$(n "$1" ss -Hltn)
	shift
	for b in 9100 9200; do
		for i in "$@"; do
			[[ $out == *:$((b + i))\ * ]] || return 1
		done
	done
}
for i in 1 2 3; do
	# shellcheck disable=SC2086 # one case a word
	check "server s$i listens on its TCP ports" \
		wait_for -t 60 servers_ready "s$i" $TCP_CASES
done
for h in dr1 dr2 tu1 tu2; do
	# shellcheck disable=SC2086 # one case a word
	check "server $h listens on its TCP ports" \
		wait_for -t 60 servers_ready "$h" $DIRECT_CASES
done
check "client agent answers" wait_for -t 60 test "$(agent c ping)" = pong
# reach NAME ADDR : the client reaches server NAME at ADDR, port 9100.
reach() { [ "$(agent c tcp 1 "$2" 9100)" = "ok $1" ]; }
for i in 1 2 3; do
	check "s$i reachable over IPv6 through the director (no service)" \
		wait_for -t 30 reach "s$i" "2001:db8:$i::2"
done
for h in dr1 dr2 tu1 tu2; do
	check "$h reachable over IPv6 from the client (no service)" \
		wait_for -t 30 reach "$h" "${RIP6[$h]}"
done

# ======================================================= in-tree IPVS
section "ipvs: modprobe ip_vs"
check_rc "ipvs: modprobe ip_vs" 0 n d modprobe ip_vs
run_impl ipvs

# ================================================================ l4lb
section "l4lb: insmod l4lb.ko"
check_rc "l4lb: insmod l4lb.ko (ip_vs still loaded)" 0 load_module
run_impl l4lb

section "end"
check_rc "rmmod l4lb" 0 unload_module
klog_check "kernel log clean (both implementations)"
finish
