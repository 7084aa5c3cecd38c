#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/drtun.sh - direct routing (DR) and IPIP tunnelling (TUN), where
# replies go from the real server straight to the client.
# Runs in the VM: scripts/vm-run -- tests/vm/drtun.sh
#
#             one L2 segment: bridge br0 in "sw"
#   +-----------+-----------+-----------+-----------+-----------+-----------+-----------+
#   |           |           |           |           |           |           |           |
#  "c"         "d"        "s1"        "s2"         "r"         "d2"       "s3"
#  10.0.0.2    10.0.0.1   10.0.0.11   10.0.0.12   10.0.0.254  10.0.0.3   10.0.0.13
#  gw .254     VIPs on    VIP on lo   VIP on lo    (router)   director B (takeover
#              eth0       (DR)        (DR)         |          only)
#              route 192.168/16 via .254           |  192.168.1.1 ---- "t1" 192.168.1.3
#                                                  |  192.168.2.1 ---- "t2" 192.168.2.3
#                                                  |              VIPs on tunl0 (TUN)
#                                                  +- ip_forward=1
#  "n1" 192.168.9.2 -- "d" 192.168.9.1: a NAT server behind the director.
#
# VIPs (on the director's eth0, so it alone answers ARP for them):
#   10.0.0.100: TCP :80 DR to s1, s2
#   10.0.0.101: TCP :80 and UDP :53 TUN to t1, t2
#   10.0.0.102: TCP :80 mixed: s1 (DR), t1 (TUN), n1 (NAT)
# Every server runs tests/vm/server.py answering with its name on TCP :80
# and UDP :53. The router does not own the VIPs, so it forwards the
# servers' replies (sourced from a VIP) to the client.
# Takeover (test_takeover): directors "d" (A) and "d2" (B) both hold
# 10.0.1.100 (DR, TCP :80) and 10.0.1.101 (TUN, TCP :81) on lo, off the
# segment, each an mh -b mh-port service to s1, s2, s3 (B adds them in
# the other order), sloppy_tcp=1. The client reaches them by a host route
# via A or via B (10.0.0.1 or 10.0.0.3); during the test s1-s3 hold
# 10.0.1.100 on lo and 10.0.1.101 on tunl0.
# test_dr and test_tun make their table changes with Debian's ipvsadm
# over the "IPVS" family (ipvs_abi=1): the same assertions, IPVS's tool.
#
# IPv6, on the same links: the segment is 2001:db8::/64 (c ::2, d ::1, s1
# ::11, s2 ::12, r ::254), t1 is 2001:db8:1:1::3 behind r's
# 2001:db8:1:1::1, t2 2001:db8:1:2::3 behind 2001:db8:1:2::1, and the
# director routes 2001:db8:1::/48 via r. VIPs, on the director's eth0:
#   2001:db8::100: TCP :80 and :8080 DR to s1, s2
#   2001:db8::101: TCP :80 and :8080, UDP :53 TUN (ip6ip6) to t1, t2
#   2001:db8::102: TCP :80, UDP :53 TUN to t1, t2 by their IPv4 addresses
#                  (IPv6 in IPv4: VIP on sit0)
#   10.0.0.103:    TCP :80, UDP :53 TUN to t1, t2 by their IPv6 addresses
#                  (IPv4 in IPv6: VIP on ip6tnl0 in mode any)
# The servers answer on both families (server.py), and s1, s2, t1, t2
# run busybox httpd on :8080 serving their name, for curl.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UNLOAD_ON_EXIT=1

DR_VIP=10.0.0.100
TUN_VIP=10.0.0.101
MIX_VIP=10.0.0.102
DR_VIP6=2001:db8::100
TUN_VIP6=2001:db8::101
X6_VIP=2001:db8::102
X4_VIP=10.0.0.103
TKO_DR_VIP=10.0.1.100
TKO_TUN_VIP=10.0.1.101
REALSERVER=$L4LB_ROOT/scripts/realserver

# re ADDR: ADDR as a regex, its brackets (IPv6 listings) and dots escaped.
re() { printf '%s' "$1" | sed 's/[].[]/\\&/g'; }

# curls N URL: N GETs of URL from the client, the bodies (server names)
# on one line, "ERR:<curl status>" for a failure.
curls() {
	local i out
	for ((i = 0; i < $1; i++)); do
		out=$(n c curl -g -sS -m 10 "$2" 2>&1) || out="ERR:$?"
		printf '%s ' "$out"
	done
	echo
}

topology() {
	local h

	ns_add sw c d s1 s2 r t1 t2 n1 d2 s3
	nip sw link add br0 type bridge
	nip sw link set br0 up
	for h in c d s1 s2 r d2 s3; do
		veth "$h" eth0 sw "p$h"
		nip sw link set "p$h" master br0 up
		nip "$h" link set eth0 up
	done
	nip c addr add 10.0.0.2/24 dev eth0
	nip c route add default via 10.0.0.254
	nbatch d <<-EOF
		addr add 10.0.0.1/24 dev eth0
		addr add $DR_VIP/32 dev eth0
		addr add $TUN_VIP/32 dev eth0
		addr add $MIX_VIP/32 dev eth0
		route add 192.168.0.0/16 via 10.0.0.254
		addr add 2001:db8::1/64 dev eth0 nodad
		addr add $DR_VIP6/128 dev eth0 nodad preferred_lft 0
		addr add $TUN_VIP6/128 dev eth0 nodad preferred_lft 0
		addr add $X6_VIP/128 dev eth0 nodad preferred_lft 0
		addr add $X4_VIP/32 dev eth0
		route add 2001:db8:1::/48 via 2001:db8::254
	EOF
	# The IPv6 VIPs are deprecated (preferred_lft 0) on the director as
	# on the servers: else IPv6 source selection may pick one as the
	# source of the tunnel's outer header, and a server holding that VIP
	# drops the packet (ip6_tnl_rcv_ctl(): the remote end is local).
	nip c addr add 2001:db8::2/64 dev eth0 nodad
	nip c -6 route add default via 2001:db8::254
	nip s1 addr add 10.0.0.11/24 dev eth0
	nip s1 addr add 2001:db8::11/64 dev eth0 nodad
	nip s2 addr add 10.0.0.12/24 dev eth0
	nip s2 addr add 2001:db8::12/64 dev eth0 nodad
	nip s3 addr add 10.0.0.13/24 dev eth0
	nbatch d2 <<-EOF
		addr add 10.0.0.3/24 dev eth0
		addr add $TKO_DR_VIP/32 dev lo
		addr add $TKO_TUN_VIP/32 dev lo
	EOF
	nip d addr add "$TKO_DR_VIP/32" dev lo
	nip d addr add "$TKO_TUN_VIP/32" dev lo
	nip r addr add 10.0.0.254/24 dev eth0
	nip r addr add 2001:db8::254/64 dev eth0 nodad
	n r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	for h in 1 2; do
		veth r "t$h" "t$h" eth0
		ifup r "t$h" "192.168.$h.1/24"
		ifup "t$h" eth0 "192.168.$h.3/24"
		nip "t$h" route add default via "192.168.$h.1"
		nip r addr add "2001:db8:1:$h::1/64" dev "t$h" nodad
		nbatch "t$h" <<-EOF
			addr add 2001:db8:1:$h::3/64 dev eth0 nodad
			route add ::/0 via 2001:db8:1:$h::1
		EOF
	done
	# The NAT server of the mixed service sits behind the director.
	veth d n1 n1 eth0
	ifup d n1 192.168.9.1/24
	ifup n1 eth0 192.168.9.2/24
	nip n1 route add default via 192.168.9.1
	n d sysctl -qw net.ipv4.ip_forward=1

	for h in s1 s2; do
		n "$h" "$REALSERVER" dr "$DR_VIP" "$MIX_VIP" "$DR_VIP6" > /dev/null
	done
	for h in t1 t2; do
		n "$h" "$REALSERVER" tun "$TUN_VIP" "$MIX_VIP" "$TUN_VIP6" > /dev/null
		n "$h" "$REALSERVER" tun -o 4 "$X6_VIP" > /dev/null
		n "$h" "$REALSERVER" tun -o 6 "$X4_VIP" > /dev/null
	done
	for h in t1 t2 n1; do
		start_server "$h" "$h" --tcp 80 --udp 53
	done
	for h in s1 s2; do
		start_server "$h" "$h" --tcp 80 --tcp 81 --udp 53
	done
	start_server s3 s3 --tcp 80 --tcp 81
	for h in s1 s2 t1 t2; do
		start_httpd "$h" "$h" 8080
	done
	for h in s1 s2 t1 t2 n1; do
		wait_for is_listening "$h" tcp 80
		wait_for is_listening "$h" tcp 80 6
		wait_for is_listening "$h" udp 53 6
	done
	for h in s1 s2 t1 t2; do
		wait_for is_listening "$h" tcp 8080
	done
	for h in s1 s2 s3; do
		wait_for is_listening "$h" tcp 81
	done
	agent_start c c
}

test_realserver() {
	section "realserver script"
	check_eq "realserver: arp_ignore=1 on a DR server" 1 \
		"$(n s1 sysctl -n net.ipv4.conf.all.arp_ignore)"
	check_eq "realserver: arp_announce=2 on a DR server" 2 \
		"$(n s1 sysctl -n net.ipv4.conf.all.arp_announce)"
	check_match "realserver: VIP on lo" "inet $DR_VIP/32" \
		"$(nip s1 -4 addr show dev lo)"
	check_match "realserver: VIP on tunl0" "inet $TUN_VIP/32" \
		"$(nip t1 -4 addr show dev tunl0)"
	check_eq "realserver: rp_filter off on tunl0" 0 \
		"$(n t1 sysctl -n net.ipv4.conf.tunl0.rp_filter)"
	check_rc "realserver: a bad VIP is refused" 2 \
		n s1 "$REALSERVER" dr 10.0.0.300

	section "realserver script, IPv6"
	check_match "realserver: IPv6 VIP on lo, /128, deprecated" \
		"inet6 $DR_VIP6/128 .*deprecated.*preferred_lft 0sec" \
		"$(nip s1 -6 addr show dev lo)"
	check_match "realserver: IPv6 VIP on ip6tnl0 (ip6ip6)" \
		"inet6 $TUN_VIP6/128 .*deprecated" \
		"$(nip t1 -6 addr show dev ip6tnl0)"
	check_match "realserver: IPv4 VIP tunnelled in IPv6 on ip6tnl0" \
		"inet $X4_VIP/32 " "$(nip t1 -4 addr show dev ip6tnl0)"
	check_match "realserver: ip6tnl0 in mode any for IPv4 in IPv6" \
		"ip6tnl any " "$(nip t1 -d link show dev ip6tnl0)"
	check_eq "realserver: rp_filter off on ip6tnl0 (IPv4 in IPv6)" 0 \
		"$(n t1 sysctl -n net.ipv4.conf.ip6tnl0.rp_filter)"
	check_match "realserver: IPv6 VIP tunnelled in IPv4 on sit0" \
		"inet6 $X6_VIP/128 " "$(nip t1 -6 addr show dev sit0)"
	check_match "realserver: status lists the IPv6 VIPs" \
		"tun VIP $TUN_VIP6/128 \(in IPv6\).*tun VIP $X6_VIP/128 \(in IPv4\)" \
		"$(n t1 "$REALSERVER" status | tr '\n' ' ')"
	check_rc "realserver: a bad IPv6 VIP is refused" 2 \
		n s1 "$REALSERVER" dr 2001:db8::1::2
}

test_config_errors() {
	local out

	section "configuration errors"
	vs d -A -t "$DR_VIP:80" -s rr
	out=$(vs d -a -t "$DR_VIP:80" -r 192.168.1.3 -g 2>&1) && true
	check_match "DR to a server behind a router is refused" \
		"directly connected network" "$out"
	check_rc "DR with a different server port is a usage error" 2 \
		vs d -a -t "$DR_VIP:80" -r 10.0.0.11:8080 -g
	out=$(vs d -a -t "$DR_VIP:80" -r 10.0.0.1 -g 2>&1) && true
	check_match "DR to the director's own address is refused" \
		"route" "$out"
	vs d -D -t "$DR_VIP:80"

	vs d -A -t "[$DR_VIP6]:80" -s rr
	out=$(vs d -a -t "[$DR_VIP6]:80" -r "[2001:db8:1:1::3]" -g 2>&1) && true
	check_match "DR6: a server behind a router is refused" \
		"directly connected network" "$out"
	vs d -D -t "[$DR_VIP6]:80"
}

# ip_unicast NS in|out [-6] : the unicast IP packets (IPv4, or IPv6 with
# -6) namespace NS has received or sent, from its SNMP counters: neither
# ARP nor multicast (IPv6 neighbour discovery and MLD, IGMP), which the
# segment carries at any time. (Counting every packet of the director's
# eth0 counted them too, and once came to more than its slack allowed.)
ip_unicast() {
	local -a c v

	case "$2${3:-}" in
	in-6)	c=(Ip6InReceives Ip6InMcastPkts) ;;
	out-6)	c=(Ip6OutRequests Ip6OutMcastPkts) ;;
	in)	c=(Ip:InReceives IpExt:InMcastPkts IpExt:InBcastPkts) ;;
	out)	c=(Ip:OutRequests IpExt:OutMcastPkts IpExt:OutBcastPkts) ;;
	esac
	read -ra v < <(snmp "$1" "${c[@]}")
	# IPv6 has no broadcast counter: its third term is none.
	echo $((v[0] - v[1] - ${v[2]:-0}))
}

# pmtu_probe VIP SIZE [-6] : the client sends a SIZE-byte datagram with
# DF (IPv4) or without fragmenting (IPv6) to VIP port 53, and prints the
# path MTU its socket then learns from the ICMP error (1500 if none came).
pmtu_probe() {
	n c python3 - "$1" "$2" "${3:-}" <<-'EOF'
		import socket, sys, time
		if sys.argv[3] == '-6':
		    # IPV6_MTU_DISCOVER, IPV6_MTU
		    fam, lvl, discover, mtu = socket.AF_INET6, socket.IPPROTO_IPV6, 23, 24
		else:
		    # IP_MTU_DISCOVER, IP_MTU
		    fam, lvl, discover, mtu = socket.AF_INET, socket.IPPROTO_IP, 10, 14
		s = socket.socket(fam, socket.SOCK_DGRAM)
		s.setsockopt(lvl, discover, 2)  # PMTUDISC_DO
		s.connect((sys.argv[1], 53))
		s.settimeout(3)
		try:
		    s.send(b'x' * int(sys.argv[2]))
		except OSError as e:
		    print('first-send-failed', e.errno)
		# The error comes back asynchronously: poll the socket's MTU.
		for _ in range(50):
		    if s.getsockopt(lvl, mtu) < 1500:
		        break
		    time.sleep(0.1)
		print(s.getsockopt(lvl, mtu))
	EOF
}

# bypass_start [-6] / bypass_end TAG [-6] : around ten connections from
# the client, check that the replies bypassed the director: of unicast IP
# it received no more than what the client sent (SYN, request, ACKs, FIN:
# over 40), with a slack of 4 for the servers' neighbour advertisements
# to it, though the servers sent as many packets back as the client sent.
bypass_start() {
	BYPASS_RX0=$(ip_unicast d in "${1:-}")
	BYPASS_TX0=$(ip_unicast c out "${1:-}")
}

bypass_end() {
	local rx tx

	rx=$(($(ip_unicast d in "${2:-}") - BYPASS_RX0))
	tx=$(($(ip_unicast c out "${2:-}") - BYPASS_TX0))
	if [ "$rx" -le $((tx + 4)) ] && [ "$tx" -ge 40 ]; then
		ok "$1: replies do not pass the director (it got $rx unicast packets, the client sent $tx)"
	else
		not_ok "$1: replies do not pass the director" \
			"director received $rx unicast packets for $tx sent by the client"
	fi
}

# dr_rr TAG VIP ADDR1 ADDR2 [-6] : an rr service on VIP:80 over the DR
# servers at ADDR1 and ADDR2 (bracketed for IPv6), ten connections, and
# that the replies bypassed the director.
dr_rr() {
	local tag=$1 vip=$2 fam=${5:-} svc got dmac

	svc=$vip
	[ "$fam" = -6 ] && svc="[$vip]"
	vs d -A -t "$svc:80" -s rr
	vs d -a -t "$svc:80" -r "$3" -g
	vs d -a -t "$svc:80" -r "$4" -g
	check_match "$tag: listing shows Route" \
		"$(re "$3"):80 +Route +1 " "$(vs d -Ln -t "$svc:80")"

	bypass_start $fam
	got=$(agent c tcp 10 "$vip" 80)
	bypass_end "$tag" $fam
	check_eq "$tag: rr over two servers, 5 each" "s1=5 s2=5" \
		"$(tally ${got#ok })"

	dmac=$(n d cat /sys/class/net/eth0/address)
	check_match "$tag: the client's neighbour entry for the VIP is the director's" \
		"lladdr $dmac" "$(nip c $fam neigh show "$vip")"
	check_match "$tag: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$(re "$svc"):80 +10 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "$svc:80" | sed -n 3p)"
}

test_dr() {
	section "direct routing"
	dr_rr DR "$DR_VIP" 10.0.0.11 10.0.0.12
}

test_dr_states() {
	local got listing

	section "DR connection states from the client's half"
	got=$(agent c open held "$DR_VIP" 80)
	check_match "DR: a held connection answers" "^ok s[12] " "$got"
	listing=$(vs d -Ln -t "$DR_VIP:80")
	check_match "DR: the held connection counts as active" \
		"Route +1 +1 " "$listing"
	check_match "DR: -Lnc shows it ESTABLISHED" \
		"ESTABLISHED +10\.0\.0\.2:[0-9]+ +$DR_VIP:80 " "$(vs d -Lnc)"
	agent c close held > /dev/null
	wait_for -t 10 sh -c "! ip netns exec $(ns d) $IPVSCTL -Ln -t $DR_VIP:80 | grep -q 'Route  *1  *1 '"
	check_match "DR: after the client's FIN the flow is no longer active" \
		"FIN_WAIT|TIME_WAIT|CLOSE" "$(vs d -Lnc)"
}

test_dr6() {
	local got

	section "IPv6 direct routing"
	dr_rr DR6 "$DR_VIP6" "[2001:db8::11]" "[2001:db8::12]" -6

	vs d -A -t "[$DR_VIP6]:8080" -s rr
	vs d -a -t "[$DR_VIP6]:8080" -r "[2001:db8::11]" -g
	vs d -a -t "[$DR_VIP6]:8080" -r "[2001:db8::12]" -g
	got=$(curls 4 "http://[$DR_VIP6]:8080/")
	check_eq "DR6: curl -g gets both servers' pages, 2 each" "s1=2 s2=2" \
		"$(tally $got)"
}

test_dr6_states() {
	local got port listing

	section "IPv6 DR connection states from the client's half"
	got=$(agent c open held6 "$DR_VIP6" 80)
	check_match "DR6: a held connection answers" "^ok s[12] [0-9]+$" "$got"
	port=${got##* }
	listing=$(vs d -Ln -t "[$DR_VIP6]:80")
	check_match "DR6: the held connection counts as active" \
		"Route +1 +1 " "$listing"
	check_match "DR6: -Lnc shows it ESTABLISHED" \
		"ESTABLISHED +\[2001:db8::2\]:$port +$(re "[$DR_VIP6]"):80 +\[2001:db8::1[12]\]:80" \
		"$(vs d -Lnc)"
	agent c close held6 > /dev/null
	wait_for -t 10 sh -c "! ip netns exec $(ns d) $IPVSCTL -Ln -t '[$DR_VIP6]:80' | grep -q 'Route  *1  *1 '"
	check_match "DR6: after the client's FIN the flow is no longer active" \
		"(FIN_WAIT|TIME_WAIT|CLOSE[A-Z_]*) +\[2001:db8::2\]:$port " "$(vs d -Lnc)"
}

test_tun() {
	local got mtu

	section "IPIP tunnelling"
	vs d -A -t "$TUN_VIP:80" -s rr
	vs d -a -t "$TUN_VIP:80" -r 192.168.1.3 -i
	vs d -a -t "$TUN_VIP:80" -r 192.168.2.3 -i
	check_match "TUN: listing shows Tunnel" "192\.168\.1\.3:80 +Tunnel " \
		"$(vs d -Ln -t "$TUN_VIP:80")"

	bypass_start
	got=$(agent c tcp 10 "$TUN_VIP" 80)
	bypass_end TUN
	check_eq "TUN: rr over two servers behind a router, 5 each" \
		"t1=5 t2=5" "$(tally ${got#ok })"
	check_match "TUN: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$TUN_VIP:80 +10 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "$TUN_VIP:80" | sed -n 3p)"

	section "TUN MTU"
	vs d -A -u "$TUN_VIP:53" -s rr
	vs d -a -u "$TUN_VIP:53" -r 192.168.1.3 -i
	mtu=$(pmtu_probe "$TUN_VIP" 1472)
	check_eq "TUN: a too-big DF datagram gets frag-needed with the tunnel MTU" \
		1480 "$mtu"
	got=$(n c python3 - "$TUN_VIP" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: DONT
		s.settimeout(5)
		s.sendto(b'y' * 1472, (sys.argv[1], 53))
		print(s.recv(4096)[:3].decode())
	EOF
	)
	check_eq "TUN: a too-big datagram without DF is fragmented and answered" \
		"t1 " "$got"
}

test_tun6() {
	local got mtu

	section "IPv6 tunnelling (ip6ip6)"
	vs d -A -t "[$TUN_VIP6]:80" -s rr
	vs d -a -t "[$TUN_VIP6]:80" -r "[2001:db8:1:1::3]" -i
	vs d -a -t "[$TUN_VIP6]:80" -r "[2001:db8:1:2::3]" -i
	check_match "TUN6: listing shows Tunnel" "\[2001:db8:1:1::3\]:80 +Tunnel " \
		"$(vs d -Ln -t "[$TUN_VIP6]:80")"

	bypass_start -6
	got=$(agent c tcp 10 "$TUN_VIP6" 80)
	bypass_end TUN6 -6
	check_eq "TUN6: rr over two servers behind a router, 5 each" \
		"t1=5 t2=5" "$(tally ${got#ok })"
	check_match "TUN6: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$(re "[$TUN_VIP6]"):80 +10 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "[$TUN_VIP6]:80" | sed -n 3p)"
	vs d -A -t "[$TUN_VIP6]:8080" -s rr
	vs d -a -t "[$TUN_VIP6]:8080" -r "[2001:db8:1:1::3]" -i
	vs d -a -t "[$TUN_VIP6]:8080" -r "[2001:db8:1:2::3]" -i
	got=$(curls 4 "http://[$TUN_VIP6]:8080/")
	check_eq "TUN6: curl -g gets both servers' pages, 2 each" "t1=2 t2=2" \
		"$(tally $got)"

	section "IPv6 TUN MTU"
	vs d -A -u "[$TUN_VIP6]:53" -s rr
	vs d -a -u "[$TUN_VIP6]:53" -r "[2001:db8:1:1::3]" -i
	mtu=$(pmtu_probe "$TUN_VIP6" 1452 -6)
	check_eq "TUN6: a too-big datagram gets packet too big with the tunnel MTU" \
		1460 "$mtu"
	# The client now fragments to 1460: the director reassembles, and
	# must judge the fragments, not the datagram, against the tunnel.
	got=$(n c python3 - "$TUN_VIP6" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
		s.settimeout(5)
		s.sendto(b'y' * 1452, (sys.argv[1], 53))
		try:
		    print(s.recv(4096)[:3].decode())
		except OSError as e:
		    print('ERR', e)
	EOF
	)
	check_eq "TUN6: a datagram the client fragments to the path MTU is answered" \
		"t1 " "$got"
}

# rx_of NS DEV: packets received on DEV so far.
rx_of() { n "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

test_tun_xfamily() {
	local got a0 a1 b0 b1

	section "TUN across families: IPv4 service, IPv6 servers"
	vs d -A -t "$X4_VIP:80" -s rr
	vs d -a -t "$X4_VIP:80" -r "[2001:db8:1:1::3]" -i
	vs d -a -t "$X4_VIP:80" -r "[2001:db8:1:2::3]" -i
	check_match "X4: listing shows IPv6 Tunnel servers" \
		"\[2001:db8:1:2::3\]:80 +Tunnel " "$(vs d -Ln -t "$X4_VIP:80")"
	a0=$(rx_of t1 ip6tnl0)
	b0=$(rx_of t1 tunl0)
	got=$(agent c tcp 6 "$X4_VIP" 80)
	a1=$(rx_of t1 ip6tnl0)
	b1=$(rx_of t1 tunl0)
	check_eq "X4: rr over two IPv6 servers, 3 each" "t1=3 t2=3" \
		"$(tally ${got#ok })"
	if [ $((a1 - a0)) -ge 9 ] && [ $((b1 - b0)) = 0 ]; then
		ok "X4: the requests reached t1 in IPv6 (ip6tnl0, not tunl0)"
	else
		not_ok "X4: the requests reached t1 in IPv6 (ip6tnl0, not tunl0)" \
			"t1 received $((a1 - a0)) packets on ip6tnl0, $((b1 - b0)) on tunl0"
	fi
	check_match "X4: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$(re "$X4_VIP"):80 +6 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "$X4_VIP:80" | sed -n 3p)"
	vs d -A -u "$X4_VIP:53" -s rr
	vs d -a -u "$X4_VIP:53" -r "[2001:db8:1:1::3]" -i
	got=$(n c python3 - "$X4_VIP" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: DONT
		s.settimeout(5)
		s.sendto(b'y' * 1472, (sys.argv[1], 53))
		try:
		    print(s.recv(4096)[:3].decode())
		except OSError as e:
		    print('ERR', e)
	EOF
	)
	check_eq "X4: a datagram without DF too big for IPv6 is fragmented and answered" \
		"t1 " "$got"

	section "TUN across families: IPv6 service, IPv4 servers"
	vs d -A -t "[$X6_VIP]:80" -s rr
	vs d -a -t "[$X6_VIP]:80" -r 192.168.1.3 -i
	vs d -a -t "[$X6_VIP]:80" -r 192.168.2.3 -i
	check_match "X6: listing shows IPv4 Tunnel servers" \
		"192\.168\.2\.3:80 +Tunnel " "$(vs d -Ln -t "[$X6_VIP]:80")"
	a0=$(rx_of t1 sit0)
	got=$(agent c tcp 6 "$X6_VIP" 80)
	a1=$(rx_of t1 sit0)
	check_eq "X6: rr over two IPv4 servers, 3 each" "t1=3 t2=3" \
		"$(tally ${got#ok })"
	if [ $((a1 - a0)) -ge 9 ]; then
		ok "X6: the requests reached t1 in IPv4 (sit0)"
	else
		not_ok "X6: the requests reached t1 in IPv4 (sit0)" \
			"t1 received $((a1 - a0)) packets on sit0"
	fi
	check_match "X6: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$(re "[$X6_VIP]"):80 +6 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "[$X6_VIP]:80" | sed -n 3p)"
	vs d -A -u "[$X6_VIP]:53" -s rr
	vs d -a -u "[$X6_VIP]:53" -r 192.168.1.3 -i
	got=$(n c python3 - "$X6_VIP" <<-'EOF'
		import socket, sys, time
		s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
		s.setsockopt(socket.IPPROTO_IPV6, 23, 2)  # IPV6_MTU_DISCOVER: DO
		s.connect((sys.argv[1], 53))
		try:
		    s.send(b'x' * 1452)
		except OSError as e:
		    print('first-send-failed', e.errno)
		for _ in range(50):
		    if s.getsockopt(socket.IPPROTO_IPV6, 24) < 1500:
		        break
		    time.sleep(0.1)
		mtu = s.getsockopt(socket.IPPROTO_IPV6, 24)
		u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
		u.settimeout(5)
		u.sendto(b'y' * 1452, (sys.argv[1], 53))
		try:
		    print(mtu, u.recv(4096)[:2].decode())
		except OSError as e:
		    print(mtu, 'ERR', e)
	EOF
	)
	check_eq "X6: packet too big with the IPv4 tunnel's MTU, then fragments answered" \
		"1480 t1" "$got"
}

test_mixed() {
	local got sched

	section "one service, three methods"
	vs d -A -t "$MIX_VIP:80" -s rr
	vs d -a -t "$MIX_VIP:80" -r 10.0.0.11 -g
	vs d -a -t "$MIX_VIP:80" -r 192.168.1.3 -i
	vs d -a -t "$MIX_VIP:80" -r 192.168.9.2 -m
	got=$(agent c tcp 9 "$MIX_VIP" 80)
	check_eq "mixed: DR, TUN and NAT servers answer in turn" \
		"n1=3 s1=3 t1=3" "$(tally ${got#ok })"
	for sched in wrr lc wlc rr; do
		vs d -E -t "$MIX_VIP:80" -s "$sched"
		vs d -E -t "$DR_VIP:80" -s "$sched"
		vs d -E -t "$TUN_VIP:80" -s "$sched"
		got=$(agent c tcp 3 "$MIX_VIP" 80)$(agent c tcp 2 "$DR_VIP" 80)$(agent c tcp 2 "$TUN_VIP" 80)
		check_no_match "mixed: $sched serves DR, TUN and NAT" "ERR|err" "$got"
	done
}

# rip_of NAME: a takeover server's address (s1 -> 10.0.0.11).
rip_of() { printf '10.0.0.1%s' "${1#s}"; }

# takeover_service NS VIP PORT METHOD SERVER... : the takeover service on one
# director, its servers added in the order given.
takeover_service() {
	local d=$1 vip=$2 port=$3 m=$4 h
	shift 4
	vs "$d" -A -t "$vip:$port" -s mh -b mh-port
	for h in "$@"; do
		vs "$d" -a -t "$vip:$port" -r "$(rip_of "$h")" "$m"
	done
}

# raw_tcp VIP SPORT FLAGS... : from the client, one bare TCP segment per
# SPORT:FLAGS pair (FLAGS in hex: 01 FIN, 10 ACK) to VIP:80, of no flow.
raw_tcp() {
	n c python3 - 10.0.0.2 "$@" <<-'EOF'
		import socket, struct, sys
		def csum(b):
		    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
		    while s >> 16:
		        s = (s & 0xffff) + (s >> 16)
		    return ~s & 0xffff
		src, dst = sys.argv[1], sys.argv[2]
		r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
		for arg in sys.argv[3:]:
		    sport, flags = (int(x, 16 if i else 10) for i, x in enumerate(arg.split(':')))
		    hdr = struct.pack('!HHIIBBHHH', sport, 80, 1000, 2000, 5 << 4, flags, 65535, 0, 0)
		    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, 20)
		    hdr = hdr[:16] + struct.pack('!H', csum(ph + hdr)) + hdr[18:]
		    r.sendto(hdr, (dst, 0))
	EOF
}

# Stateless takeover: connections made through director A keep working
# through director B, which never saw them, when both run the same mh
# service and B has sloppy_tcp=1: B adopts each flow from its first
# mid-flow segment and its Maglev table (the same as A's, though its
# servers were added in the other order) picks the same server. B's
# first segment of a flow is data (most), a FIN or a RST (not adopted),
# or, sent raw, a FIN without ACK (not adopted) or an ACK alone. Then,
# with sloppy_tcp=0 on B, moved connections are reset by B's stack.
# DR is on port 80 and TUN on 81: A still holds the DR connections (their
# ends went through B) when TUN's begin, and l4lb refuses a new flow
# whose client address and port and server address and port a live one
# has, as a NAT reply could not tell them apart (even in DR and TUN).
test_takeover() {
	local mode vip port m i h ans want got bad listing line
	local -a cname cport

	# What scripts/realserver dr and tun do (tested above), in one
	# process per server: the script costs more than a second a call
	# under TCG. Undone by hand at the end, so that test_undo sees only
	# the script's own changes.
	for h in s1 s2 s3; do
		n "$h" sh -ec "
			ip addr add $TKO_DR_VIP/32 dev lo
			ip link set tunl0 up
			ip addr add $TKO_TUN_VIP/32 dev tunl0
			sysctl -qw net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.all.rp_filter=0
			[ \$(sysctl -n net.ipv4.conf.all.arp_ignore) = 1 ] ||
				sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"
	done
	for mode in DR TUN; do
		if [ $mode = DR ]; then
			vip=$TKO_DR_VIP port=80 m=-g
		else
			vip=$TKO_TUN_VIP port=81 m=-i
		fi
		section "$mode takeover: mh, sloppy_tcp, a second director"
		takeover_service d "$vip" $port $m s1 s2 s3
		takeover_service d2 "$vip" $port $m s3 s2 s1
		n d sysctl -qw net.l4lb.sloppy_tcp=1
		n d2 sysctl -qw net.l4lb.sloppy_tcp=1
		nip c route replace "$vip/32" via 10.0.0.1
		bad=
		for i in 0 1 2 3 4 5 6 7 8 9; do
			ans=$(agent c open "tko$i" "$vip" $port)
			if [[ $ans =~ ^ok\ (s[123])\ ([0-9]+)$ ]]; then
				cname[i]=${BASH_REMATCH[1]} cport[i]=${BASH_REMATCH[2]}
			else
				cname[i]='?' cport[i]=0 bad+=" tko$i: $ans"
			fi
		done
		check_eq "$mode takeover: 10 connections through A answer (${cname[*]})" "" "$bad"
		[ -z "$bad" ] || show "A's --info, ports ${cport[*]}" "$(vs d --info)"
		check_eq "$mode takeover: B has seen none of them" "" \
			"$(vs d2 -Lnc | grep " $(re "$vip"):$port " || true)"

		nip c route replace "$vip/32" via 10.0.0.3
		agent c reset tko0 > /dev/null
		agent c close tko1 > /dev/null
		want='' got=''
		for i in 2 3 4 5 6 7; do
			ans=$(agent c send "tko$i" moved)
			want+="tko$i=${cname[i]} "
			if [[ $ans =~ ^ok\ (s[123])\ moved$ ]]; then
				got+="tko$i=${BASH_REMATCH[1]} "
			else
				got+="tko$i=[$ans] "
			fi
		done
		check_eq "$mode takeover: through B each connection answers, from its server" \
			"$want" "$got"
		[ $mode = TUN ] || raw_tcp "$vip" 31001:01 31002:10
		listing=$(vs d2 -Lnc)
		bad=
		for i in 2 3 4 5 6 7; do
			line="^TCP +1[45]:[0-9]{2} +ESTABLISHED +10\.0\.0\.2:${cport[i]} +$(re "$vip"):$port +$(re "$(rip_of "${cname[i]}")"):$port *$"
			grep -Eq "$line" <<< "$listing" || bad+=" tko$i (port ${cport[i]}, ${cname[i]})"
		done
		check_eq "$mode takeover: B lists them ESTABLISHED, 15 min, to their servers" "" "$bad"
		[ -z "$bad" ] || show "B's connections" "$listing"
		check_match "$mode takeover: a FIN as B's first segment: FIN_WAIT, to its server" \
			"FIN_WAIT +10\.0\.0\.2:${cport[1]} +$(re "$vip"):$port +$(re "$(rip_of "${cname[1]}")"):$port" \
			"$listing"
		check_no_match "$mode takeover: a RST as B's first segment creates no connection" \
			"10\.0\.0\.2:${cport[0]} " "$listing"
		if [ $mode = DR ]; then
			check_no_match "$mode takeover: a FIN without ACK creates no connection" \
				"10\.0\.0\.2:31001 " "$listing"
			check_match "$mode takeover: an ACK alone creates one, ESTABLISHED" \
				"ESTABLISHED +10\.0\.0\.2:31002 " "$listing"
		fi

		# The control: without sloppy_tcp, B's stack resets what it did
		# not see begin.
		n d2 sysctl -qw net.l4lb.sloppy_tcp=0
		got=
		for i in 8 9; do
			got+="$(agent c send "tko$i" moved) "
		done
		check_match "$mode takeover: sloppy_tcp=0 on B: moved connections break" \
			"^err E[A-Z]+ err E[A-Z]+ $" "$got"
		check_no_match "$mode takeover: sloppy_tcp=0 on B: it lists none of them" \
			"10\.0\.0\.2:(${cport[8]}|${cport[9]}) " "$(vs d2 -Lnc)"

		for i in 2 3 4 5 6 7 8 9; do
			agent c close "tko$i" > /dev/null
		done
		nip c route del "$vip/32"
		vs d -D -t "$vip:$port"
		vs d2 -D -t "$vip:$port"
	done
	n d sysctl -qw net.l4lb.sloppy_tcp=0

	# One client port to one server through two VIPs, a DR and a TUN
	# one: two flows, not a clash. Only NAT flows are found by their
	# replies, so only they must differ in their server-side tuple
	# (nat.sh's port reuse test). Clients behind one CGNAT address do
	# this.
	section "one client port, one server, two DR/TUN VIPs"
	vs d -A -t "$TKO_DR_VIP:80" -s rr
	vs d -a -t "$TKO_DR_VIP:80" -r 10.0.0.11 -g
	vs d -A -t "$TKO_TUN_VIP:80" -s rr
	vs d -a -t "$TKO_TUN_VIP:80" -r 10.0.0.11 -i
	nip c route replace "$TKO_DR_VIP/32" via 10.0.0.1
	nip c route replace "$TKO_TUN_VIP/32" via 10.0.0.1
	check_eq "same client port: to the DR VIP" "ok s1" \
		"$(agent c tcpfrom 20001 "$TKO_DR_VIP" 80)"
	ans=$(agent c tcpfrom 20001 "$TKO_TUN_VIP" 80)
	check_eq "same client port: to the TUN VIP, same server (no clash)" "ok s1" "$ans"
	[ "$ans" = "ok s1" ] || show "director's --info" "$(vs d --info)"
	nip c route del "$TKO_DR_VIP/32"
	nip c route del "$TKO_TUN_VIP/32"
	vs d -D -t "$TKO_DR_VIP:80"
	vs d -D -t "$TKO_TUN_VIP:80"
	for h in s1 s2 s3; do
		n "$h" sh -ec "ip addr del $TKO_DR_VIP/32 dev lo; ip addr del $TKO_TUN_VIP/32 dev tunl0"
	done
}

test_undo() {
	section "realserver undo"
	n s2 "$REALSERVER" undo dr "$DR_VIP" "$MIX_VIP" > /dev/null
	check_no_match "realserver undo: VIP gone from lo" "$DR_VIP" \
		"$(nip s2 -4 addr show dev lo)"
	check_eq "realserver undo: arp_ignore restored" 0 \
		"$(n s2 sysctl -n net.ipv4.conf.all.arp_ignore)"
	n s2 "$REALSERVER" undo dr "$DR_VIP6" > /dev/null
	check_no_match "realserver undo: IPv6 VIP gone from lo" "$DR_VIP6" \
		"$(nip s2 -6 addr show dev lo)"
	n t2 "$REALSERVER" undo tun -o 6 "$X4_VIP" > /dev/null
	check_no_match "realserver undo: IPv4 VIP gone from ip6tnl0" "$X4_VIP" \
		"$(nip t2 -4 addr show dev ip6tnl0)"
}

# ipvs_abi=1: the IPv4 DR and TUN tests are driven by ipvsadm.
load_module ipvs_abi=1
klog_mark
topology
run_tests test_realserver test_config_errors test_dr@ipvsadm test_dr_states test_tun@ipvsadm \
	test_mixed test_dr6 test_dr6_states test_tun6 test_tun_xfamily test_takeover test_undo
vs d -C
unload_module
klog_check "kernel log clean after unload"
finish
