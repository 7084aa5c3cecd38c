#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/drtun.sh - direct routing (DR) and IPIP tunnelling (TUN), where
# replies go from the real server straight to the client.
# Runs in the VM: scripts/vm-run -- tests/vm/drtun.sh
#
#             one L2 segment: bridge br0 in "sw"
#   +-----------+-----------+-----------+-----------+-----------+
#   |           |           |           |           |           |
#  "c"         "d"        "s1"        "s2"         "r"
#  10.0.0.2    10.0.0.1   10.0.0.11   10.0.0.12   10.0.0.254 (router)
#  gw .254     VIPs on    VIP on lo   VIP on lo    |  192.168.1.1 ---- "t1" 192.168.1.3
#              eth0       (DR)        (DR)         |  192.168.2.1 ---- "t2" 192.168.2.3
#              route 192.168/16 via .254           |              VIPs on tunl0 (TUN)
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

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UNLOAD_ON_EXIT=1

DR_VIP=10.0.0.100
TUN_VIP=10.0.0.101
MIX_VIP=10.0.0.102
REALSERVER=$L4LB_ROOT/scripts/realserver

topology() {
	local h

	ns_add sw c d s1 s2 r t1 t2 n1
	nip sw link add br0 type bridge
	nip sw link set br0 up
	for h in c d s1 s2 r; do
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
	EOF
	nip s1 addr add 10.0.0.11/24 dev eth0
	nip s2 addr add 10.0.0.12/24 dev eth0
	nip r addr add 10.0.0.254/24 dev eth0
	n r sysctl -qw net.ipv4.ip_forward=1
	for h in 1 2; do
		veth r "t$h" "t$h" eth0
		ifup r "t$h" "192.168.$h.1/24"
		ifup "t$h" eth0 "192.168.$h.3/24"
		nip "t$h" route add default via "192.168.$h.1"
	done
	# The NAT server of the mixed service sits behind the director.
	veth d n1 n1 eth0
	ifup d n1 192.168.9.1/24
	ifup n1 eth0 192.168.9.2/24
	nip n1 route add default via 192.168.9.1
	n d sysctl -qw net.ipv4.ip_forward=1

	for h in s1 s2; do
		n "$h" "$REALSERVER" dr "$DR_VIP" "$MIX_VIP" > /dev/null
	done
	for h in t1 t2; do
		n "$h" "$REALSERVER" tun "$TUN_VIP" "$MIX_VIP" > /dev/null
	done
	for h in s1 s2 t1 t2 n1; do
		start_server "$h" "$h" --tcp 80 --udp 53
	done
	for h in s1 s2 t1 t2 n1; do
		wait_for is_listening "$h" tcp 80
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
}

test_dr() {
	local got dmac rx0 rx1 tx0 tx1 listing

	section "direct routing"
	vs d -A -t "$DR_VIP:80" -s rr
	vs d -a -t "$DR_VIP:80" -r 10.0.0.11 -g
	vs d -a -t "$DR_VIP:80" -r 10.0.0.12 -g
	listing=$(vs d -Ln -t "$DR_VIP:80")
	check_match "DR: listing shows Route" \
		"10\.0\.0\.11:80 +Route +1 " "$listing"

	rx0=$(n d cat /sys/class/net/eth0/statistics/rx_packets)
	tx0=$(n c cat /sys/class/net/eth0/statistics/tx_packets)
	got=$(agent c tcp 10 "$DR_VIP" 80)
	rx1=$(n d cat /sys/class/net/eth0/statistics/rx_packets)
	tx1=$(n c cat /sys/class/net/eth0/statistics/tx_packets)
	check_eq "DR: rr over two servers, 5 each" "s1=5 s2=5" \
		"$(tally ${got#ok })"

	dmac=$(n d cat /sys/class/net/eth0/address)
	check_match "DR: the client's ARP entry for the VIP is the director's" \
		"lladdr $dmac" "$(nip c neigh show "$DR_VIP")"
	# Replies bypass the director: it received no more than what the
	# client sent (a few ARP frames of slack), though the servers sent
	# as many packets back as the client sent.
	if [ $((rx1 - rx0)) -le $((tx1 - tx0 + 4)) ] && [ $((tx1 - tx0)) -ge 40 ]; then
		ok "DR: replies do not pass the director"
	else
		not_ok "DR: replies do not pass the director" \
			"director received $((rx1 - rx0)) packets for $((tx1 - tx0)) sent by the client"
	fi
	check_match "DR: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$DR_VIP:80 +10 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "$DR_VIP:80" | sed -n 4p)"
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

test_tun() {
	local got rx0 rx1 mtu

	section "IPIP tunnelling"
	vs d -A -t "$TUN_VIP:80" -s rr
	vs d -a -t "$TUN_VIP:80" -r 192.168.1.3 -i
	vs d -a -t "$TUN_VIP:80" -r 192.168.2.3 -i
	check_match "TUN: listing shows Tunnel" "192\.168\.1\.3:80 +Tunnel " \
		"$(vs d -Ln -t "$TUN_VIP:80")"

	rx0=$(n d cat /sys/class/net/eth0/statistics/rx_packets)
	got=$(agent c tcp 10 "$TUN_VIP" 80)
	rx1=$(n d cat /sys/class/net/eth0/statistics/rx_packets)
	check_eq "TUN: rr over two servers behind a router, 5 each" \
		"t1=5 t2=5" "$(tally ${got#ok })"
	check_match "TUN: the director saw no reply packets (OutPkts 0)" \
		"^TCP +$TUN_VIP:80 +10 +[0-9]+ +0 " \
		"$(vs d -Ln --stats --exact -t "$TUN_VIP:80" | sed -n 4p)"
	if [ $((rx1 - rx0)) -le 70 ]; then
		ok "TUN: replies do not pass the director"
	else
		not_ok "TUN: replies do not pass the director" \
			"director received $((rx1 - rx0)) packets for 10 short connections"
	fi

	section "TUN MTU"
	vs d -A -u "$TUN_VIP:53" -s rr
	vs d -a -u "$TUN_VIP:53" -r 192.168.1.3 -i
	mtu=$(n c python3 - "$TUN_VIP" <<-'EOF'
		import socket, sys, time
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER: DO
		s.connect((sys.argv[1], 53))
		s.settimeout(3)
		try:
		    s.send(b'x' * 1472)
		except OSError as e:
		    print('first-send-failed', e.errno)
		# The frag-needed comes back asynchronously: poll IP_MTU.
		for _ in range(50):
		    if s.getsockopt(socket.IPPROTO_IP, 14) < 1500:
		        break
		    time.sleep(0.1)
		print(s.getsockopt(socket.IPPROTO_IP, 14))
	EOF
	)
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

test_undo() {
	section "realserver undo"
	n s2 "$REALSERVER" undo dr "$DR_VIP" "$MIX_VIP" > /dev/null
	check_no_match "realserver undo: VIP gone from lo" "$DR_VIP" \
		"$(nip s2 -4 addr show dev lo)"
	check_eq "realserver undo: arp_ignore restored" 0 \
		"$(n s2 sysctl -n net.ipv4.conf.all.arp_ignore)"
}

load_module
klog_mark
topology
run_tests test_realserver test_config_errors test_dr test_dr_states test_tun \
	test_mixed test_undo
vs d -C
unload_module
klog_check "kernel log clean after unload"
finish
