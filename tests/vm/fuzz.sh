#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/fuzz.sh - the module under hostile input: a generic-netlink
# fuzzer against the configuration interface (racing live traffic), the
# "l4lb" family and the "IPVS" one (loaded with ipvs_abi=1), then
# a malformed-packet flood against the data path while a real client keeps
# going, then an unprivileged user who must be refused every change.
# Runs in the VM: scripts/vm-run -- tests/vm/fuzz.sh
# The fuzzers are built on the host first: make -C tests/fuzz
#
#                           director "d"                  real servers
#  client "c"           +-------------------+       +---------------------+
#  +---------------+    | c0 10.0.0.1/24    |  s1   | "s1" eth0           |
#  | eth0          |----| lo 10.0.0.100/32  |-------| 192.168.1.2/24      |
#  | 10.0.0.2/24   |    |  (the VIP)        |       | gw 192.168.1.1      |
#  | gw 10.0.0.1   |    | s1 192.168.1.1/24 |       | httpd :8080         |
#  | local route   |    | s2 192.168.2.1/24 |-------| udp_echo :7000      |
#  | 10.0.0.128/25 |    | ip_forward=1      |  s2   +---------------------+
#  | (the spoofed  |    | genl_fuzz runs    |         "s2" 192.168.2.2, same
#  |  sources)     |    |  here             |
#  +---------------+    +-------------------+
#   pkt_inject on eth0 (AF_PACKET), curl loop from 10.0.0.2
#
# IPv6 beside it on the same links (lib.sh's nat_site, every address nodad):
#   client eth0 2001:db8:c::2/64, gw 2001:db8:c::1, local route
#     2001:db8:ee::/120 (the spoofed IPv6 sources)
#   director c0 2001:db8:c::1/64, lo 2001:db8:100::100/128 (VIP6), sN
#     2001:db8:N::1/64, forwarding=1, 2001:db8:ee::/120 via the client
#     (neighbour discovery, unlike ARP, never answers for a local route)
#   server sN eth0 2001:db8:N::2/64, gw 2001:db8:N::1; httpd and
#     udp_echo listen on both families
#
# The client owns the whole spoofed range (a local route), so the
# servers' answers to spoofed packets come back and are answered in turn
# (RST, port unreachable) instead of dying in ARP: realistic reverse
# traffic, and no half-open backlog on the servers.
#
# Services: TCP 10.0.0.100:80 -> s1, s2 :8080 (rr, NAT); UDP
# 10.0.0.100:70 -> s1, s2 :7000 (rr, NAT); the same two on
# [2001:db8:100::100] to the servers' IPv6 addresses. The UDP responder is
# tests/fuzz/udp_echo (tests/vm/server.py's answer, in C: python3 under TCG
# takes the CPU the flood needs).
#
# Phases, in this order: (a) genl_fuzz as root, with background packets
# to both VIPs; (i) the same with genl_fuzz -F IPVS; (c), (ci) genl_fuzz
# -r as nobody, for each family; (b6) the IPv6 packet flood
# with a curl loop over IPv6, short timeouts, and the table drained
# after it; (b) the IPv4 packet flood with a curl loop. (c) runs before
# the floods so that its GET_CONN dumps stay small (during (a)
# net.l4lb.conn_max bounds the connection table; a flood would leave tens
# of thousands of connections); (b6) before (b), so that the IPv6 table
# can drain (the IPv4 flood's connections live 900 s).
#
# Environment (scripts/vm-run gives the guest a clean environment: pass
# them on its command line, e.g.
#   scripts/vm-run -- env FUZZ_PKT_COUNT=200000 tests/vm/fuzz.sh):
#   FUZZ_GENL_COUNT     genl_fuzz messages (default 100000)
#   FUZZ_GENL_RO_COUNT  genl_fuzz -r messages as nobody (default 10000)
#   FUZZ_GENL_IPVS_COUNT, FUZZ_GENL_IPVS_RO_COUNT
#                       the same for the "IPVS" family (default: half of
#                       FUZZ_GENL_COUNT, as many as FUZZ_GENL_RO_COUNT:
#                       it is a translation onto the same checks)
#   FUZZ_PKT_COUNT      pkt_inject packets, per family (default 250000:
#                       25-75 s under TCG with slub_debug at 3300-9500
#                       pps; make soak sends 5000000 and 1000000 messages)
#   FUZZ_PKT_JOBS       pkt_inject injector processes (default: one per
#                       CPU; the kernel forwards in the sender's context)
#   FUZZ_SEED           seed for both fuzzers (default: a new one, printed)

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UNLOAD_ON_EXIT=1

VIP=10.0.0.100
SPOOF=10.0.0.128/25
VIP6=2001:db8:100::100
SPOOF6=2001:db8:ee::/120
GENL_FUZZ=$L4LB_ROOT/tests/fuzz/genl_fuzz
PKT_INJECT=$L4LB_ROOT/tests/fuzz/pkt_inject
UDP_ECHO=$L4LB_ROOT/tests/fuzz/udp_echo
GENL_COUNT=${FUZZ_GENL_COUNT:-100000}
GENL_RO_COUNT=${FUZZ_GENL_RO_COUNT:-10000}
# The "IPVS" family's phases, sized as the l4lb family's.
GENL_IPVS_COUNT=${FUZZ_GENL_IPVS_COUNT:-$((GENL_COUNT / 2))}
GENL_IPVS_RO_COUNT=${FUZZ_GENL_IPVS_RO_COUNT:-$GENL_RO_COUNT}
PKT_COUNT=${FUZZ_PKT_COUNT:-250000}
PKT_JOBS=${FUZZ_PKT_JOBS:-$(nproc)}
SEED=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
SUITE_START=$SECONDS

# backlog_drops : packets the kernel dropped for a full per-CPU backlog
# queue (netdev_max_backlog), all CPUs; the second column of softnet_stat.
backlog_drops() {
	local _a d _b sum=0
	while read -r _a d _b; do
		sum=$((sum + 16#$d))
	done < /proc/net/softnet_stat
	echo "$sum"
}

# elapsed SINCE : seconds since $SECONDS was SINCE.
elapsed() { echo $((SECONDS - $1)); }

# words_tally WORDS... : "word=count ..." sorted by word. (lib.sh's tally
# does not parse under mawk, the awk of the host and the guest: its
# `printf ..., NR > 1 ? ...` reads as an output redirection.)
words_tally() {
	printf '%s\n' "$@" | grep -v '^$' | sort | uniq -c |
		awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 } END { print "" }'
}

# The services every phase starts from.
configure() {
	vs d -C
	vs d --set 900 120 300
	vs d -A -t $VIP:80 -s rr
	vs d -A -u $VIP:70 -s rr
	vs d -A -t "[$VIP6]:80" -s rr
	vs d -A -u "[$VIP6]:70" -s rr
	for i in 1 2; do
		vs d -a -t $VIP:80 -r "192.168.$i.2:8080" -m
		vs d -a -u $VIP:70 -r "192.168.$i.2:7000" -m
		vs d -a -t "[$VIP6]:80" -r "[2001:db8:$i::2]:8080" -m
		vs d -a -u "[$VIP6]:70" -r "[2001:db8:$i::2]:7000" -m
	done
}

# The spoofed IPv6 sources (see the top), beside nat_site's dual stack.
nat_site6() {
	nip c route add local "$SPOOF6" dev lo
	nip d route add "$SPOOF6" via 2001:db8:c::2
}

# vip_url VIP : the URL host part, bracketed for IPv6.
vip_url() {
	if [[ $1 == *:* ]]; then echo "[$1]"; else echo "$1"; fi
}

# http_spread N [VIP] : N curl requests through the VIP (default the IPv4
# one); prints the tally of answers ("server1=5 server2=5"), or a failure.
http_spread() {
	local urls=() i out host
	host=$(vip_url "${2:-$VIP}")
	for i in $(seq "$1"); do urls+=("http://$host/"); done
	if ! out=$(n c curl -g -sS -m 10 "${urls[@]}" 2>&1); then
		echo "curl failed: $out"
		return 0
	fi
	# shellcheck disable=SC2046
	words_tally $(grep -x 'server[0-9]' <<< "$out")
}

# udp_ask [VIP] : one datagram to VIP:70 from a fresh port; prints the
# answer.
udp_ask() {
	# (head, not read: bash reads a byte at a time, and the first
	# read(2) of a datagram socket takes the whole datagram.)
	# shellcheck disable=SC2016
	n c bash -c 'exec 3<>/dev/udp/$1/70 && echo hi >&3 &&
		timeout 3 head -n 1 <&3' _ "${1:-$VIP}" 2>&1 || true
}

# udp_spread N [VIP]
udp_spread() {
	local i words=()
	for i in $(seq "$1"); do
		words+=("$(udp_ask "${2:-}" | awk '{ print $1 }')")
	done
	words_tally "${words[@]}"
}

# stats_of PROTO ADDR:PORT : a service's counters from -Ln --stats --exact
# (Conns InPkts OutPkts InBytes OutBytes), then " | " and its servers' sums.
stats_of() {
	vs d -Ln --stats --exact | awk -v key="$1" -v want="$2" '
		$1 == key { on = ($2 == want); if (on) svc = $3 " " $4 " " $5 " " $6 " " $7; next }
		on && $1 == "->" { for (i = 3; i <= 7; i++) s[i] += $i; next }
		{ on = 0 }
		END { print svc " | " s[3] + 0, s[4] + 0, s[5] + 0, s[6] + 0, s[7] + 0 }'
}

# ============================================================ binaries
section "prerequisites"
missing=
for f in "$GENL_FUZZ" "$PKT_INJECT" "$UDP_ECHO" "$IPVSCTL"; do
	[ -x "$f" ] || missing+=" ${f#"$L4LB_ROOT"/}"
done
[ -e "$L4LB_KO" ] || missing+=" l4lb.ko"
if [ -n "$missing" ]; then
	not_ok "fuzz prerequisites built" "missing:$missing (build on the host first: make module cli && make -C tests/fuzz)"
	finish
fi
ok "fuzz prerequisites built (genl_fuzz, pkt_inject, udp_echo, l4lb.ko, ipvsctl)"
say "# seed $SEED; $GENL_COUNT netlink messages, $GENL_RO_COUNT unprivileged; to \"IPVS\" $GENL_IPVS_COUNT, $GENL_IPVS_RO_COUNT unprivileged; $PKT_COUNT packets"

# =============================================================== setup
section "setup"
if grep -q '^l4lb ' /proc/modules; then
	rmmod l4lb
fi
klog_mark
SUITE_MARK=$_KLOG_MARK
# With the "IPVS" family too, for phases (i) and (ci).
load_module ipvs_abi=1

nat_site c d s1 s2
nip c route add local $SPOOF dev lo
nat_site6
for i in 1 2; do
	start_httpd "s$i" "server$i"
	bg n "s$i" "$UDP_ECHO" "server$i" 7000
done

servers_ready() {
	local out
	out=$(n "$1" ss -Hltun)
	[[ $out == *:8080\ * && $out == *:7000\ * ]]
}
for i in 1 2; do
	check "server s$i listens on tcp 8080 and udp 7000" \
		wait_for -t 60 servers_ready "s$i"
done
# IPv6 neighbour discovery and routes, both ways through the director.
for i in 1 2; do
	check "IPv6: the client reaches s$i (2001:db8:$i::2) through the director" \
		wait_for -t 30 n c ping -6 -c 1 -W 1 "2001:db8:$i::2"
done
configure
check_eq "setup: 10 requests through the VIP, both servers answer" \
	"server1=5 server2=5" "$(http_spread 10)"
check_eq "setup: 4 datagrams through the VIP, both servers answer" \
	"server1=2 server2=2" "$(udp_spread 4)"
check_eq "setup: 10 requests through the IPv6 VIP, both servers answer" \
	"server1=5 server2=5" "$(http_spread 10 $VIP6)"
check_eq "setup: 4 datagrams through the IPv6 VIP, both servers answer" \
	"server1=2 server2=2" "$(udp_spread 4 $VIP6)"
DMAC=$(ip -n "$(ns d)" -br link show c0 | awk '{ print $3 }')
check_match "setup: the director's MAC on c0" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$DMAC"

# ==================================================== (a) netlink fuzz
# genl_phase TAG COUNT [GENL_FUZZ OPTION...] : genl_fuzz as root, COUNT
# messages, with background packets to both VIPs; then the services
# re-created and serving. Tests named "(TAG) ...". Leaves its seconds in
# GENL_SECS.
genl_phase() {
	local tag=$1 count=$2 rc t log inj_pid inj6_pid
	shift 2
	log=$TEST_TMP/genl-$tag.log
	# A full GET_CONN dump costs a message per connection: keep the
	# table small while the fuzzer dumps it (this also runs the
	# conn_max drop path).
	n d sysctl -qw net.l4lb.conn_max=200
	# Connections for the GET_CONN dumps and for FLUSH to tear down,
	# then steady background traffic: genl_fuzz -a makes services on
	# the VIP come and go (and change scheduler, servers, weights)
	# under it.
	n c "$PKT_INJECT" -d $VIP -S $SPOOF -t 80 -u 70 -i eth0 -M "$DMAC" \
		-n 5000 -s "$SEED" > "$TEST_TMP/inject-pre.log" 2>&1
	check_match "($tag) 5000 packets to open connections first" \
		'^pkt_inject: 5000 packets sent' "$(grep 'packets sent' "$TEST_TMP/inject-pre.log")"
	n c "$PKT_INJECT" -d $VIP6 -S $SPOOF6 -t 80 -u 70 -i eth0 -M "$DMAC" \
		-n 5000 -s "$SEED" > "$TEST_TMP/inject-pre6.log" 2>&1
	check_match "($tag) 5000 IPv6 packets to open connections first" \
		'^pkt_inject: 5000 packets sent' "$(grep 'packets sent' "$TEST_TMP/inject-pre6.log")"
	# (Started without a shell in between, so that the PID is pkt_inject's.)
	bg ip netns exec "$(ns c)" "$PKT_INJECT" -d $VIP -S $SPOOF -t 80 -u 70 \
		-i eth0 -M "$DMAC" -n 0 -r 1000 -s "$((SEED + 1))" \
		> "$TEST_TMP/inject-bg.log" 2>&1
	inj_pid=$BG_PID
	bg ip netns exec "$(ns c)" "$PKT_INJECT" -d $VIP6 -S $SPOOF6 -t 80 -u 70 \
		-i eth0 -M "$DMAC" -n 0 -r 500 -s "$((SEED + 2))" \
		> "$TEST_TMP/inject-bg6.log" 2>&1
	inj6_pid=$BG_PID

	t=$SECONDS
	klog_mark
	rc=0
	n d "$GENL_FUZZ" "$@" -n "$count" -s "$SEED" -a $VIP -a $VIP6 \
		> "$log" 2>&1 || rc=$?
	GENL_SECS=$(elapsed $t)
	kill -TERM "$inj_pid" "$inj6_pid" 2>/dev/null || true
	wait "$inj_pid" 2>/dev/null || true
	wait "$inj6_pid" 2>/dev/null || true
	# (The table is full: real clients need room again.)
	n d sysctl -qw net.l4lb.conn_max=0
	grep -E '^genl_fuzz: ' "$log" | grep -v '^genl_fuzz: seed [0-9]*,' | sed 's/^/# /'
	grep -E 'packets sent|packets/s' "$TEST_TMP/inject-bg.log" | sed 's/^/# background: /'
	grep -E 'packets sent|packets/s' "$TEST_TMP/inject-bg6.log" | sed 's/^/# background IPv6: /'
	say "# genl_fuzz took ${GENL_SECS}s"
	if [ "$rc" = 0 ]; then
		ok "($tag) genl_fuzz${*:+ $*}: $count messages, every rejected well-formed request carried an extack message"
	else
		not_ok "($tag) genl_fuzz${*:+ $*}" "exit status $rc (reproduce: genl_fuzz${*:+ $*} -n $count -s $SEED -a $VIP -a $VIP6)"
		show "genl_fuzz output (end)" "$(tail -n 30 "$log")"
	fi
	check_match "($tag) genl_fuzz sent them all" \
		"^genl_fuzz: $count messages, [0-9]+ ok, [0-9]+ rejected" \
		"$(grep -E '^genl_fuzz: [0-9]+ messages' "$log")"
	klog_check "($tag) kernel log clean after the netlink fuzzer"

	configure
	check_eq "($tag) services re-created: ipvsctl -Ln lists 4 services and 8 servers" "4 8" \
		"$(vs d -Ln | awk '/^(TCP|UDP) / { s++ } /^  -> ([0-9]|\[)/ { d++ } END { print s + 0, d + 0 }')"
	check_eq "($tag) after the fuzzer: 20 requests through the VIP, 10/10" \
		"server1=10 server2=10" "$(http_spread 20)"
	check_eq "($tag) after the fuzzer: 4 datagrams through the VIP, 2/2" \
		"server1=2 server2=2" "$(udp_spread 4)"
	check_eq "($tag) after the fuzzer: 20 requests through the IPv6 VIP, 10/10" \
		"server1=10 server2=10" "$(http_spread 20 $VIP6)"
	check_eq "($tag) after the fuzzer: 4 datagrams through the IPv6 VIP, 2/2" \
		"server1=2 server2=2" "$(udp_spread 4 $VIP6)"
	check_rc "($tag) ipvsctl -Ln --stats works" 0 vs d -Ln --stats
	check_rc "($tag) ipvsctl -Lnc works" 0 vs d -Lnc
	check_rc "($tag) ipvsctl --info works" 0 vs d --info
}

section "(a) generic-netlink fuzzer, racing traffic to the VIP"
genl_phase a "$GENL_COUNT"
GENL_A_SECS=$GENL_SECS

# ================================================ (i) the "IPVS" family
section "(i) the same on the \"IPVS\" family (ipvs_abi=1)"
genl_phase i "$GENL_IPVS_COUNT" -F IPVS
GENL_I_SECS=$GENL_SECS
# What ipvsadm reads of it, /proc/net/ip_vs_conn included.
check_match "(i) ipvsadm -Ln lists the 4 services" \
	'^4$' "$(n d ipvsadm -Ln | grep -cE '^(TCP|UDP) ' || true)"
check_rc "(i) ipvsadm -Lnc works" 0 n d ipvsadm -Lnc
check_rc "(i) /proc/net/ip_vs* read whole" 0 \
	n d cat /proc/net/ip_vs /proc/net/ip_vs_conn /proc/net/ip_vs_stats

# ================================================ (c) unprivileged user
# ro_phase TAG COUNT [GENL_FUZZ OPTION...] : genl_fuzz -r as nobody.
ro_phase() {
	local tag=$1 count=$2 rc before ro log
	shift 2
	log=$TEST_TMP/genl-ro-$tag.log
	before=$(vs d -S)
	rc=0
	n d setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$GENL_FUZZ" "$@" -r -n "$count" -s "$SEED" -a $VIP -a $VIP6 \
		> "$log" 2>&1 || rc=$?
	grep -E '^genl_fuzz: ' "$log" | grep -v '^genl_fuzz: seed [0-9]*,' | sed 's/^/# /'
	if [ "$rc" = 0 ]; then
		ok "($tag) genl_fuzz${*:+ $*} -r as nobody: no rule broken"
	else
		not_ok "($tag) genl_fuzz${*:+ $*} -r as nobody" "exit status $rc (reproduce: genl_fuzz${*:+ $*} -r -n $count -s $SEED -a $VIP -a $VIP6)"
		show "genl_fuzz output (end)" "$(tail -n 30 "$log")"
	fi
	ro=$(grep '^genl_fuzz: read-only:' "$log" || true)
	check_match "($tag) every mutating request got EPERM" \
		'read-only: ([1-9][0-9]*) mutating requests, \1 EPERM, 0 other' "$ro"
	check_text "($tag) the configuration is unchanged (ipvsctl -S)" "$before" "$(vs d -S)"
}

section "(c) unprivileged: every change refused with EPERM"
ro_phase c "$GENL_RO_COUNT"
section "(c) unprivileged, the \"IPVS\" family"
ro_phase ci "$GENL_IPVS_RO_COUNT" -F IPVS


# ================================================ (b6), (b) packet floods
# The real client: one curl at a time until told to stop, a pause between
# them (starting curl costs as much CPU under TCG as a burst of packets);
# "ok ANSWER SECONDS" per request. With the CPUs saturated by the flood,
# starting curl takes seconds; the requests themselves stay well under 1 s
# (10 s allowed; $SLOW times that under the debug kernel).
cat > "$TEST_TMP/client-loop.sh" <<-'EOF'
	while [ ! -e "$2" ]; do
		if out=$(curl -g -sS -m "$3" -w ' %{time_total}' "http://$1/" 2>&1); then
			echo "ok" $out
		else
			echo "fail" $out
		fi
		sleep 0.5
	done
EOF

# flood TAG VIP SPOOF : the malformed-packet flood of the VIP's family
# while the real client keeps going, and what must hold after it; tests
# named "(TAG) ...". Leaves its seconds in PKT_SECS.
flood() {
	local tag=$1 vip=$2 spoof=$3 host log=$TEST_TMP/inject-$1.log
	local rc good bad times drops0 opened open_tcp open_udp tcp udp
	local t_conns t_in t_out t_inb t_outb u_conns u_in total t
	host=$(vip_url "$vip")
	vs d -Z
	rm -f "$TEST_TMP/stop"
	bg n c bash "$TEST_TMP/client-loop.sh" "$host" "$TEST_TMP/stop" $((10 * SLOW)) \
		> "$TEST_TMP/client-$tag.log"
	CLIENT_PID=$BG_PID
	check "($tag) the client loop is under way" \
		wait_for -t 30 grep -q '^ok' "$TEST_TMP/client-$tag.log"

	t=$SECONDS
	drops0=$(backlog_drops)
	klog_mark
	rc=0
	n c "$PKT_INJECT" -d "$vip" -S "$spoof" -t 80 -u 70 -i eth0 -M "$DMAC" \
		-n "$PKT_COUNT" -j "$PKT_JOBS" -s "$SEED" -v > "$log" 2>&1 || rc=$?
	PKT_SECS=$(elapsed $t)
	touch "$TEST_TMP/stop"
	wait "$CLIENT_PID" 2>/dev/null || true
	sed 's/^/# /' "$log"
	check_eq "($tag) pkt_inject exit status" 0 "$rc"
	check_match "($tag) pkt_inject sent them all" "^pkt_inject: $PKT_COUNT packets sent in " \
		"$(grep 'packets sent' "$log")"

	ANSWER_RE='^ok server[12] [0-9.]+$'
	good=$(grep -cE "$ANSWER_RE" "$TEST_TMP/client-$tag.log" || true)
	bad=$(grep -vcE "$ANSWER_RE" "$TEST_TMP/client-$tag.log" || true)
	times=$(awk '$1 == "ok" { print $3 }' "$TEST_TMP/client-$tag.log" | sort -n)
	say "# real client during the flood: $good requests answered, $bad failed (${PKT_SECS}s);" \
		"median $(awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }' <<< "$times") s," \
		"slowest $(tail -n 1 <<< "$times") s; $(($(backlog_drops) - drops0)) packets dropped by full backlog queues"
	check_eq "($tag) every real request during the flood answered" 0 "$bad"
	if [ "$bad" != 0 ]; then
		show "failed requests" "$(grep -vE "$ANSWER_RE" "$TEST_TMP/client-$tag.log" | head -n 10)"
		# Where a reset or a timeout would come from: listen queues,
		# cookies, resets sent.
		for i in c s1 s2; do
			show "TCP counters in $i" "$(n "$i" nstat -asz TcpExtListenOverflows \
				TcpExtListenDrops TcpExtTCPReqQFullDrop TcpExtSyncookiesSent \
				TcpExtSyncookiesFailed TcpOutRsts TcpEstabResets \
				TcpExtTCPAbortOnData TcpExtTCPAbortOnTimeout)"
		done
	fi
	check_match "($tag) the client made progress during the flood" '^[1-9][0-9]*$' "$good"
	# shellcheck disable=SC2046
	check_match "($tag) both servers answered the client during the flood" \
		'^server1=[1-9][0-9]* server2=[1-9][0-9]*$' \
		"$(words_tally $(awk '$1 == "ok" { print $2 }' "$TEST_TMP/client-$tag.log"))"
	klog_check "($tag) kernel log clean after the flood"

	# Counters: plausible, and each service the sum of its servers.
	opened=$(sed -n 's/.*could open a connection: tcp \([0-9]*\), udp \([0-9]*\).*/\1 \2/p' "$log")
	open_tcp=${opened% *}
	open_udp=${opened#* }
	tcp=$(stats_of TCP "$host:80")
	udp=$(stats_of UDP "$host:70")
	say "# TCP $host:80 Conns InPkts OutPkts InBytes OutBytes | servers' sums: $tcp"
	say "# UDP $host:70 Conns InPkts OutPkts InBytes OutBytes | servers' sums: $udp"
	check_eq "($tag) TCP service counters are its servers' sums" "${tcp#* | }" "${tcp% | *}"
	check_eq "($tag) UDP service counters are its servers' sums" "${udp#* | }" "${udp% | *}"
	read -r t_conns t_in t_out t_inb t_outb _ <<< "$tcp"
	read -r u_conns u_in _ <<< "$udp"
	total=$((good + bad))
	if [ -n "$t_conns" ] && [ "$t_conns" -ge "$good" ] &&
	   [ "$t_conns" -le $((open_tcp + total)) ]; then
		ok "($tag) TCP Conns $t_conns: at least the $good real requests, at most $open_tcp SYNs + $total requests"
	else
		not_ok "($tag) TCP Conns plausible" "Conns '$t_conns', real requests $good (of $total), injected SYNs to :80 $open_tcp"
	fi
	if [ -n "$u_conns" ] && [ "$u_conns" -le "$open_udp" ]; then
		ok "($tag) UDP Conns $u_conns: at most the $open_udp datagrams to :70"
	else
		not_ok "($tag) UDP Conns plausible" "Conns '$u_conns', injected datagrams to :70 $open_udp"
	fi
	# In: the injected packets, the client stack's answers to what the
	# servers sent back to spoofed sources (RSTs: at most one per
	# injected packet) and the real requests (a few packets each).
	if [ -n "$t_in" ] && [ $((t_in + u_in)) -le $((2 * PKT_COUNT + 50 * total)) ] &&
	   [ "$t_inb" -ge $((20 * t_in)) ] && [ "$t_outb" -ge $((20 * t_out)) ]; then
		ok "($tag) InPkts $((t_in + u_in)) plausible for $PKT_COUNT packets injected; bytes >= 20 per packet"
	else
		not_ok "($tag) packet counters plausible" "TCP '$tcp', UDP '$udp', $PKT_COUNT injected, $total requests"
	fi
	check_eq "($tag) after the flood: 10 requests through the VIP, 5/5" \
		"server1=5 server2=5" "$(http_spread 10 "$vip")"
}

# info_conns : the connection count of ipvsctl --info.
info_conns() { vs d --info | sed -n 's/.*: \([0-9]*\) connections.*/\1/p'; }

section "(b6) malformed IPv6 packets at the IPv6 VIP while a real client keeps going"
# Short timeouts, so that the table can drain afterwards (SYN_RECV 60 s
# and TIME_WAIT 120 s are fixed): the sweeper under IPv6 flows too.
vs d --set 10 10 10
base_conns=$(info_conns)
flood b6 $VIP6 $SPOOF6
PKT6_SECS=$PKT_SECS
# Drained: at most what the checks just above left (10 requests).
drained() { [ "$(info_conns)" -le $((base_conns + 10)) ]; }
t=$SECONDS
peak=$(info_conns)
if wait_for -t 240 drained; then
	ok "(b6) the table drains: $peak connections after the flood, $(info_conns) $((SECONDS - t))s later (before it: $base_conns)"
else
	not_ok "(b6) the table drains" "$peak connections after the flood, still $(info_conns) $((SECONDS - t))s later (before it: $base_conns)"
fi
klog_check "(b6) kernel log clean after the drain"

section "(b) malformed packets at the VIP while a real client keeps going"
vs d --set 900 120 300
flood b $VIP $SPOOF

# ============================================================== unload
section "unload"
klog_mark
check_rc "rmmod l4lb with services and connections" 0 rmmod l4lb
klog_check "rmmod: kernel log clean"
_KLOG_MARK=$SUITE_MARK
klog_check "kernel log clean since the suite started"
say "# timing: genl_fuzz ${GENL_A_SECS}s, IPVS ${GENL_I_SECS}s, pkt_inject IPv6 ${PKT6_SECS}s, IPv4 ${PKT_SECS}s, suite $(elapsed "$SUITE_START")s"

finish
