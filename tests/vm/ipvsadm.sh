#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/ipvsadm.sh - l4lb loaded with ipvs_abi=1 and driven by Debian's
# real ipvsadm through the "IPVS" generic-netlink family (src/ipvs_nl.c),
# asserted on real traffic, on ipvsadm's listings and on what ipvsctl sees
# of the same table. First in-tree ip_vs.ko answers the same bad requests,
# so that ipvsadm's error text against l4lb is checked against IPVS's.
# Last, in-tree IPVS's own selftest (ipvs.sh, scripts/setup extracts it)
# runs unchanged against l4lb, in namespaces ns0-ns2 of its own.
# Runs in the VM: scripts/vm-run -- tests/vm/ipvsadm.sh
#
#                          director "d"                 real servers
#  client "c"          +------------------+        +--------------------+
#  +-------------+     | c0 10.0.0.1/24   |   s1   | "s1" eth0          |
#  | eth0        |-----| lo 10.0.0.100/32 |--------| 192.168.1.2/24     |
#  | 10.0.0.2/24 |     |  (the VIP)       |        | 2001:db8:1::2/64   |
#  | 2001:db8:c::2     | lo 2001:db8:f::100        +--------------------+
#  +-------------+     | s1 192.168.1.1   |
#                      | s2 192.168.2.1   |--------  "s2" 192.168.2.2
#                      | s3 192.168.3.1   |--------  "s3" 192.168.3.2
#                      | ipvsadm, ipvsctl |
#                      +------------------+
#
#  Every real server sN runs busybox httpd on :8080 answering "serverN".
#  Services on the VIP, all NAT to :8080: TCP :80 rr, :90 wrr 1,2,3 (then
#  -E rr), :91 rr persistent, :93 rr (weight 0, -d), :94 mh with scheduler
#  flags, UDP :70 from ipvsctl, and TCP [2001:db8:f::100]:80 rr over the
#  servers' IPv6 addresses.
#
#  IPVS's /proc files (src/ipvs_proc.c) are compared with in-tree ip_vs's
#  for one table (proc_config: TCP :85, :86 persistent, [VIP6]:85
#  persistent, UDP :87 DR and TUN) and three connections held from the
#  client (tests/vm/client.py) to tests/vm/server.py on s1's :9000.

# shellcheck source=tests/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VIP=10.0.0.100
V6=[$VIP6]
HDR2='Prot LocalAddress:Port Scheduler Flags'
HDR3='  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'
HDR1_RE='^IP Virtual Server version 1\.2\.1 \(size=[0-9]+\)$'
ABI_LOG='l4lb: ipvs_abi=1: the "IPVS" generic-netlink family is taken'

# ipvsadm in the director; its columns end in spaces, dropped here.
adm() { n d ipvsadm "$@"; }
adm_ln() { adm -Ln "$@" | sed 's/ *$//'; }

# adm_err ARGS... : "rc=N: what ipvsadm printed" for a failing command.
adm_err() {
	local out rc=0
	out=$(adm "$@" 2>&1) || rc=$?
	printf 'rc=%s: %s\n' "$rc" "$out"
}

# tally_curl N URL : which servers answered N requests (one connection
# each), as "server1=N ...", or what curl said.
#
# Each call takes its client ports from a block of its own. The services
# share the servers' :8080, so a client port reused through another VIP
# meets the server's TIME_WAIT of the earlier connection, which may
# refuse the SYN (PAWS): the client resets and retries, and the retry is
# scheduled afresh, as IPVS does, one pick more than connections (18 of
# 60 runs of 90 connections did, none with the blocks).
tally_curl() {
	local urls=() i out rc=0 blk range
	blk=$(cat "$TEST_TMP/port_block" 2> /dev/null || echo 0)
	echo $((blk + 1)) > "$TEST_TMP/port_block"
	# Blocks below the default range, which the rest of the suite keeps.
	[ "$blk" -lt 45 ] || { echo "tally_curl: out of port blocks"; return 0; }
	for i in $(seq "$1"); do urls+=("$2"); done
	range=$(n c sysctl -n net.ipv4.ip_local_port_range)
	n c sysctl -qw net.ipv4.ip_local_port_range="$((10000 + blk * 500)) $((10499 + blk * 500))"
	out=$(n c curl -g -sS -m 10 "${urls[@]}" 2>&1) || rc=$?
	n c sysctl -qw net.ipv4.ip_local_port_range="$range"
	if [ "$rc" != 0 ]; then
		echo "curl exit $rc: $out"
		return 0
	fi
	# shellcheck disable=SC2046 # one word per answer
	tally $(printf '%s\n' "$out")
}

# The /proc/net/ip_vs* files of this netns, or of netns NAME.
ipvs_proc_files() {
	if [ -n "${1:-}" ]; then
		n "$1" bash -c 'ls -d /proc/net/ip_vs* 2> /dev/null' || true
	else
		ls -d /proc/net/ip_vs* 2> /dev/null || true
	fi
}


# In-tree IPVS's own end-to-end test (DR, NAT and TUN, each set up with
# ipvsadm in namespaces ns0-ns2 of its own), as Linux ships it: scripts/setup
# takes it from linux-source. Prints "rc=N: its last line".
IPVS_SELFTEST=$L4LB_ROOT/build/selftests/ipvs.sh
ipvs_selftest() {
	local out rc=0
	out=$(sh "$IPVS_SELFTEST" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed 's/^/# ipvs.sh: /' >&2
	printf 'rc=%s: %s\n' "$rc" "$(printf '%s\n' "$out" | tail -n 1)"
}

# ------------------------------------------------------ the /proc files
# The table on which ip_vs's /proc files and l4lb's are compared, on
# ports of its own, so that the connections it leaves behind count in no
# listing checked later. Every connection made to it goes to s1's
# server.py: the other servers have weight 0 or get no traffic.
proc_config() {
	adm -A -t $VIP:85 -s rr
	adm -a -t $VIP:85 -r 192.168.1.2:9000 -m
	adm -A -t $VIP:86 -s wrr -p 120 -M 255.255.255.0
	adm -a -t $VIP:86 -r 192.168.1.2:9000 -m -w 2
	adm -a -t $VIP:86 -r 192.168.2.2:9000 -m -w 0
	adm -A -t "$V6:85" -s rr -p 300 -M 64
	adm -a -t "$V6:85" -r "[2001:db8:1::2]:9000" -m
	adm -a -t "$V6:85" -r "[2001:db8:2::2]:9000" -m -w 0
	adm -A -u $VIP:87 -s wlc
	adm -a -u $VIP:87 -r 192.168.2.2 -g -w 3
	adm -a -u $VIP:87 -r 192.168.3.2 -i
}

# proc_open ID HOST PORT : a connection held by the client agent as ID
# (p85, p86: IPv4; p6: IPv6), answered by s1; its client port goes to
# PROC_PORT[ID], which the texts compared show as ID.
declare -A PROC_PORT
proc_open() {
	local ans
	ans=$(agent c open "$1" "$2" "$3")
	check_match "held connection $1 to $2 port $3: s1 answers" \
		'^ok server1 [0-9]+$' "$ans"
	PROC_PORT[$1]=${ans##* }
}

proc_hold() {
	proc_open p85 $VIP 85
	proc_open p86 $VIP 86
	proc_open p6 "$VIP6" 85
}

# The client ports of the held connections named, in the hexadecimal of
# /proc/net/ip_vs_conn (proc_ports) or ipvsadm -Lnc's decimal (lnc_ports).
proc_ports() {
	sed -E -e "s/^(TCP [0-9A-F]{8}) $(printf %04X "${PROC_PORT[p85]}") /\1 p85  /" \
		-e "s/^(TCP [0-9A-F]{8}) $(printf %04X "${PROC_PORT[p86]}") /\1 p86  /" \
		-e "s/^(TCP [0-9a-f:]{39}) $(printf %04X "${PROC_PORT[p6]}") /\1 p6   /"
}

lnc_ports() {
	sed -E -e "s/ 10\.0\.0\.2:${PROC_PORT[p85]} / 10.0.0.2:p85   /" \
		-e "s/ 10\.0\.0\.2:${PROC_PORT[p86]} / 10.0.0.2:p86   /" \
		-e "s/\]:${PROC_PORT[p6]} /]:p6    /"
}

# /proc/net/ip_vs of the director, its table size taken out and its
# services sorted (IPVS lists them in the order of a hash that is keyed
# by the netns); each one's servers stay in the order listed.
proc_svcs() {
	local out
	out=$(n d cat /proc/net/ip_vs)
	head -n 3 <<< "$out" | sed -E 's/\(size=[0-9]+\)/(size=N)/'
	tail -n +4 <<< "$out" | awk '
		/^  -> / { r = r "~" $0; next }
		{ if (r != "") print r; r = $0 }
		END { if (r != "") print r }' | sort | tr '~' '\n'
}

# /proc/net/ip_vs_conn of the director: the header, then the lines
# sorted (both list in hash order), Expires masked (its seven columns
# kept) and the held connections' client ports named.
proc_conns() {
	local out
	out=$(n d cat /proc/net/ip_vs_conn)
	head -n 1 <<< "$out"
	tail -n +2 <<< "$out" | sed -E 's/[ 0-9]{7}$/EXPIRES/' | proc_ports | sort
}

# ipvsadm -Lnc in the director (it reads /proc/net/ip_vs_conn), the
# same way: expiry masked, ports named, lines sorted.
proc_lnc() {
	local out
	out=$(adm -Lnc)
	head -n 2 <<< "$out"
	tail -n +3 <<< "$out" | sed -E 's/^([A-Z]+ +)[0-9]{2}:[0-9]{2} /\1MM:SS /' |
		lnc_ports | sort
}

# /proc/net/ip_vs_stats: its headers, and its two lines of numbers
# reduced to their layout (widths 8 8 8 16 16, upper-case hexadecimal).
STATS_ROW='^[ 0-9A-F]{8} [ 0-9A-F]{8} [ 0-9A-F]{8} [ 0-9A-F]{16} [ 0-9A-F]{16}$'
proc_stats_shape() {
	n d cat /proc/net/ip_vs_stats | sed -E "s/$STATS_ROW/<8 8 8 16 16 hex>/"
}

# The total of connections /proc/net/ip_vs_stats counts, in decimal.
proc_stats_conns() {
	# shellcheck disable=SC2016 # awk's $1
	echo $((16#$(n d awk 'NR == 3 { print $1 }' /proc/net/ip_vs_stats)))
}

# conn_state_is ID STATE : /proc/net/ip_vs_conn shows held connection
# ID in STATE.
conn_state_is() {
	[ "$(proc_conns | awk -v id="$1" '$3 == id { print $8 }')" = "$2" ]
}

# proc_closed ID : the client closed held connection ID and the server
# closed its end: its state is TIME_WAIT, as both see the two FINs.
proc_closed() {
	agent c close "$1" > /dev/null
	wait_for -t 20 conn_state_is "$1" TIME_WAIT
}

# ================================================================ setup
section "setup"
own_modules ip_vs
klog_mark
SUITE_MARK=$_KLOG_MARK
nat_site c d s1 s2 s3
for i in 1 2 3; do
	start_httpd "s$i" "server$i"
done
start_server s1 server1 --tcp 9000
agent_start c c
for i in 1 2 3; do
	check "s$i reachable from the client (no service)" \
		wait_for -t 30 n c curl -sf -m 2 "http://192.168.$i.2:8080/"
	check "s$i reachable over IPv6 (no service)" \
		wait_for -t 30 n c curl -g -sf -m 2 "http://[2001:db8:$i::2]:8080/"
done
check "s1's server.py listens on :9000" wait_for is_listening s1 tcp 9000 6
check_eq "the client agent answers" pong "$(agent c ping)"

# ======================================================= in-tree IPVS
section "in-tree IPVS: what ipvsadm says to bad requests"
check_rc "modprobe ip_vs" 0 modprobe ip_vs
declare -A IPVS_SAYS
adm -A -t $VIP:83 -s rr
IPVS_SAYS[sched]=$(adm_err -A -t $VIP:81 -s nosuch)
IPVS_SAYS[exists]=$(adm_err -A -t $VIP:83 -s rr)
IPVS_SAYS[nosvc]=$(adm_err -D -t $VIP:82)
IPVS_SAYS[nosvc_dest]=$(adm_err -a -t $VIP:82 -r 192.168.1.2:8080 -m)
IPVS_SAYS[nodest]=$(adm_err -d -t $VIP:83 -r 192.168.1.2:8080)
check_match "IPVS: unknown scheduler refused (ENOENT)" \
	'^rc=[1-9][0-9]*: Scheduler or persistence engine not found$' "${IPVS_SAYS[sched]}"
# What IPVS has and l4lb has not: IPVS takes these.
check_rc "IPVS takes an upper threshold (-x 10)" 0 \
	adm -a -t $VIP:83 -r 192.168.1.2:8080 -m -x 10
check_rc "IPVS takes a fwmark service (-f 1)" 0 adm -A -f 1 -s rr
adm -A -t $VIP:94 -s mh -b mh-fallback,mh-port
IPVS_SAYS[mh]=$(adm_ln | grep -F ':94 ')
IPVS_SAYS[mh_save]=$(adm -Sn | grep -F ':94 ')
check_eq "IPVS lists mh's scheduler flags" \
	"TCP  10.0.0.100:94 mh (mh-fallback,mh-port)" "${IPVS_SAYS[mh]}"
check_rc "IPVS takes scheduler flag 1 for rr (-b flag-1), unused" 0 \
	adm -A -t $VIP:95 -s rr -b flag-1

klog_mark
rc=0
out=$(load_module ipvs_abi=1 2>&1) || rc=$?
check "insmod l4lb.ko ipvs_abi=1 fails while ip_vs holds \"IPVS\": $out" \
	test "$rc" != 0
check_eq "... with one log line saying why" 1 \
	"$(klog_since_mark | grep -cF "$ABI_LOG" || true)"
check_eq "... and l4lb is not loaded" "" \
	"$(grep '^l4lb ' /proc/modules || true)"
adm -C

section "in-tree IPVS: its /proc files, to compare l4lb's with"
declare -A IPVS_PROC
proc_config
proc_hold
IPVS_PROC[svcs]=$(proc_svcs)
IPVS_PROC[conns]=$(proc_conns)
IPVS_PROC[lnc]=$(proc_lnc)
IPVS_PROC[stats]=$(proc_stats_shape)
IPVS_PROC[nconns]=$(proc_stats_conns)
check "IPVS: the connection to :85 closed, in TIME_WAIT" proc_closed p85
IPVS_PROC[svcs_closed]=$(proc_svcs)
IPVS_PROC[conns_closed]=$(proc_conns)
agent c close p86 > /dev/null
agent c close p6 > /dev/null
adm -C
# shellcheck disable=SC2046 # module names
check_rc "rmmod ip_vs and its schedulers" 0 modprobe -r $(ipvs_modules)

# ================================================================ l4lb
section "l4lb with ipvs_abi=1"
check_rc "insmod l4lb.ko ipvs_abi=1" 0 load_module ipvs_abi=1
check_match "ipvsadm -Ln: line 1 is IPVS's version and a table size" \
	"$HDR1_RE" "$(adm -Ln | head -n 1)"

section "the same bad requests, against l4lb"
adm -A -t $VIP:83 -s rr
check_eq "unknown scheduler: ipvsadm says what it says against IPVS" \
	"${IPVS_SAYS[sched]}" "$(adm_err -A -t $VIP:81 -s nosuch)"
check_eq "service exists: as against IPVS" \
	"${IPVS_SAYS[exists]}" "$(adm_err -A -t $VIP:83 -s rr)"
check_eq "-D of no service: as against IPVS" \
	"${IPVS_SAYS[nosvc]}" "$(adm_err -D -t $VIP:82)"
check_eq "-a to no service: as against IPVS" \
	"${IPVS_SAYS[nosvc_dest]}" "$(adm_err -a -t $VIP:82 -r 192.168.1.2:8080 -m)"
check_eq "-d of no server: as against IPVS" \
	"${IPVS_SAYS[nodest]}" "$(adm_err -d -t $VIP:83 -r 192.168.1.2:8080)"
# EOPNOTSUPP: ipvsadm's own table words it as an IPv6 limitation.
check_match "a threshold is refused, not ignored (EOPNOTSUPP)" \
	'^rc=[1-9][0-9]*: Operation not supported with IPv6$' \
	"$(adm_err -a -t $VIP:83 -r 192.168.1.2:8080 -m -x 10)"
check_match "a fwmark service is refused (EOPNOTSUPP)" \
	'^rc=[1-9][0-9]*: Operation not supported with IPv6$' \
	"$(adm_err -A -f 1 -s rr)"
check_text "nothing of the refused requests was added" \
"$HDR2
$HDR3
TCP  10.0.0.100:83 rr" "$(adm_ln | tail -n +2)"
adm -D -t $VIP:83

# ==================================================== the /proc files
section "/proc/net/ip_vs*: l4lb's as ip_vs's, for the same table and traffic"
proc_config
proc_hold
check_match "/proc/net/ip_vs line 1: IPVS's version and the table size" \
	"$HDR1_RE" "$(n d head -n 1 /proc/net/ip_vs)"
# What is compared below, for the log (and so that it is not empty).
proc_svcs | sed 's/^/# ip_vs: /'
proc_conns | sed 's/^/# ip_vs_conn: /'
check_match "/proc/net/ip_vs: :86, persistent, its netmask in hexadecimal" \
	'(^|
)TCP  0A000064:0056 wrr  persistent [0-9]+ FFFFFF00
  -> C0A80202:2328      Masq    0      0          0         
  -> C0A80102:2328      Masq    2      1          0         (
|$)' "$(proc_svcs)"
check_match "/proc/net/ip_vs: [VIP6]:85, an IPv6 prefix length as IPVS shows it" \
	'(^|
)TCP  \[2001:0db8:000f:0000:0000:0000:0000:0100\]:0055 rr persistent [0-9]+ 40000000(
|$)' "$(proc_svcs)"
check_text "/proc/net/ip_vs: as ip_vs's (services sorted)" \
	"${IPVS_PROC[svcs]}" "$(proc_svcs)"
check_text "/proc/net/ip_vs_conn: as ip_vs's (lines sorted, Expires masked)" \
	"${IPVS_PROC[conns]}" "$(proc_conns)"
lnc=$(proc_lnc)
check_text "ipvsadm -Lnc: as against ip_vs" "${IPVS_PROC[lnc]}" "$lnc"
check_eq "ipvsadm -Lnc: the three held connections, ESTABLISHED" 3 \
	"$(grep -cE '^TCP +MM:SS +ESTABLISHED .*:p(85|86|6) ' <<< "$lnc" || true)"
check_eq "ipvsadm -Lnc: a persistence template for each persistent service" \
	"TCP ASSURED 10.0.0.0:0 10.0.0.100:86 192.168.1.2:9000
TCP ASSURED [2001:db8:c::]:0 [2001:db8:f::100]:85 [2001:db8:1::2]:9000" \
	"$(awk '$4 ~ /:0$/ { print $1, $3, $4, $5, $6 }' <<< "$lnc" | sort)"
check_text "/proc/net/ip_vs_stats: ip_vs's layout" "${IPVS_PROC[stats]}" \
	"$(proc_stats_shape)"
check_eq "/proc/net/ip_vs_stats: the connections ip_vs counted" \
	"${IPVS_PROC[nconns]}" "$(proc_stats_conns)"
check "the connection to :85 closed, in TIME_WAIT" proc_closed p85
check_text "closed: /proc/net/ip_vs as ip_vs's (active to inactive)" \
	"${IPVS_PROC[svcs_closed]}" "$(proc_svcs)"
check_text "closed: /proc/net/ip_vs_conn as ip_vs's" \
	"${IPVS_PROC[conns_closed]}" "$(proc_conns)"
# Per netns: the client's netns and this one have no service of theirs.
check_eq "per netns: the client's /proc/net/ip_vs lists no service" \
	"$(n d head -n 3 /proc/net/ip_vs | tail -n +2)" \
	"$(n c cat /proc/net/ip_vs | tail -n +2)"
check_eq "per netns: the client's /proc/net/ip_vs_conn lists nothing" \
	"$(n d head -n 1 /proc/net/ip_vs_conn)" "$(n c cat /proc/net/ip_vs_conn)"
# shellcheck disable=SC2016 # awk's $i
check_eq "per netns: the client's /proc/net/ip_vs_stats counts nothing" 0 \
	"$(n c awk 'NR == 3 || NR == 6 { for (i = 1; i <= NF; i++) n += $i != "0" } END { print n + 0 }' /proc/net/ip_vs_stats)"
check_eq "per netns: ipvsadm -Lnc in the client's lists nothing" \
	"$(head -n 2 <<< "$lnc")" "$(n c ipvsadm -Lnc)"
check_eq "per netns: this one's /proc/net/ip_vs_conn lists nothing" 1 \
	"$(wc -l < /proc/net/ip_vs_conn)"
agent c close p86 > /dev/null
agent c close p6 > /dev/null
adm -C

# ============================================================ NAT, rr
section "NAT rr and wrr, listing"
adm -A -t $VIP:80 -s rr
adm -A -t $VIP:90 -s wrr
for i in 3 1 2; do
	adm -a -t $VIP:80 -r "192.168.$i.2:8080" -m
	adm -a -t $VIP:90 -r "192.168.$i.2:8080" -m -w "$i"
done
check_text "ipvsadm -Ln lists what ipvsadm added" \
"$HDR2
$HDR3
TCP  10.0.0.100:80 rr
  -> 192.168.1.2:8080             Masq    1      0          0
  -> 192.168.2.2:8080             Masq    1      0          0
  -> 192.168.3.2:8080             Masq    1      0          0
TCP  10.0.0.100:90 wrr
  -> 192.168.1.2:8080             Masq    1      0          0
  -> 192.168.2.2:8080             Masq    2      0          0
  -> 192.168.3.2:8080             Masq    3      0          0" \
	"$(adm_ln | tail -n +2)"
check_text "ipvsctl -Ln lists the same" "$(adm_ln | tail -n +2)" \
	"$(vs d -Ln | tail -n +2)"
# One service's listing has no version line: scripts count its lines.
check_text "ipvsctl -Ln -t: the same as ipvsadm's, line for line" \
	"$(adm_ln -t $VIP:90)" "$(vs d -Ln -t $VIP:90 | sed 's/ *$//')"
check_eq "rr over 30 connections: 10/10/10" \
	"server1=10 server2=10 server3=10" "$(tally_curl 30 "http://$VIP/")"
check_eq "wrr weights 1,2,3 over 60 connections: 10/20/30" \
	"server1=10 server2=20 server3=30" "$(tally_curl 60 "http://$VIP:90/")"
check_rc "-E: :90 from wrr to rr" 0 adm -E -t $VIP:90 -s rr
check_eq "-E: rr ignores the weights: 10/10/10" \
	"server1=10 server2=10 server3=10" "$(tally_curl 30 "http://$VIP:90/")"

section "--stats, --rate, -Z"
stats=$(adm_ln --stats --exact)
check_match "--stats: :80 counted its 30 connections" \
	'(^|
)TCP  10\.0\.0\.100:80 +30 +[1-9]' "$stats"
check_text "--stats --exact: as ipvsctl counts them" \
	"$(tail -n +2 <<< "$stats")" "$(vs d -Ln --stats --exact | tail -n +2)"
check_match "--rate: ipvsadm's columns" \
	'Prot LocalAddress:Port +CPS +InPPS +OutPPS +InBPS +OutBPS' \
	"$(adm_ln --rate)"
check_rc "ipvsadm -Z" 0 adm -Z
check_eq "-Z: every counter is 0" "" \
	"$(adm_ln --stats --exact | tail -n +4 | awk '$3 != 0 || $4 != 0 || $5 != 0 || $6 != 0 || $7 != 0')"

# ======================================================== drain, delete
section "weight 0 (-e) and -d"
adm -A -t $VIP:93 -s rr
for i in 1 2 3; do adm -a -t $VIP:93 -r "192.168.$i.2:8080" -m; done
check_rc "-e -w 0 on s2" 0 adm -e -t $VIP:93 -r 192.168.2.2:8080 -m -w 0
check_match "-Ln: s2 at weight 0" \
	'  -> 192\.168\.2\.2:8080 +Masq +0 ' "$(adm_ln)"
check_eq "weight 0: new connections skip s2: 3/3" \
	"server1=3 server3=3" "$(tally_curl 6 "http://$VIP:93/")"
check_rc "-d s3" 0 adm -d -t $VIP:93 -r 192.168.3.2:8080
check_eq "-d: s3 is gone, s2 drained: all to s1" \
	"server1=4" "$(tally_curl 4 "http://$VIP:93/")"

# ================================================ scheduler flags (-b)
section "mh with -b mh-fallback,mh-port"
adm -A -t $VIP:94 -s mh -b mh-fallback,mh-port
for i in 1 2 3; do adm -a -t $VIP:94 -r "192.168.$i.2:8080" -m; done
check_eq "ipvsadm -Ln lists the flags as against IPVS" \
	"${IPVS_SAYS[mh]}" "$(adm_ln | grep -F ':94 ')"
check_eq "ipvsadm -Sn writes them as against IPVS" \
	"${IPVS_SAYS[mh_save]}" "$(adm -Sn | grep -F -- '-A -t 10.0.0.100:94 ')"
check_text "ipvsctl -Ln lists the same" "$(adm_ln | tail -n +2)" \
	"$(vs d -Ln | tail -n +2)"
check_match "mh-port: one client's 12 connections spread" \
	'^server[123]=[0-9]+ server[123]=[0-9]+' "$(tally_curl 12 "http://$VIP:94/")"
check_rc "-E -s mh without -b clears the flags, as with IPVS" 0 adm -E -t $VIP:94 -s mh
check_match "... and ipvsadm lists none" '(^|
)TCP  10\.0\.0\.100:94 mh($|
)' "$(adm_ln)"
check_match "-E -b mh-port from ipvsctl, seen by ipvsadm" \
	'(^|
)TCP  10\.0\.0\.100:94 mh \(mh-port\)($|
)' "$(vs d -E -t $VIP:94 -b mh-port && adm_ln)"
check_match "scheduler flag 1 on rr: refused, where IPVS keeps it unused" \
	'^rc=[1-9][0-9]*: ' "$(adm_err -A -t $VIP:95 -s rr -b flag-1)"
check_no_match "... and not added" ':95 ' "$(adm_ln)"

# ========================================================= persistence
section "persistence (-p)"
adm -A -t $VIP:91 -s rr -p 120
for i in 1 2 3; do adm -a -t $VIP:91 -r "192.168.$i.2:8080" -m; done
check_match "-p: ipvsadm -Ln shows it" \
	'(^|
)TCP  10\.0\.0\.100:91 rr persistent 120($|
)' "$(adm_ln)"
check_match "-p 120: six connections from one client, one server" \
	'^server[123]=6$' "$(tally_curl 6 "http://$VIP:91/")"
out=$(adm_ln --persistent-conn -t $VIP:91)
# Columns: -> address, Weight, PersistConn, ActiveConn, InActConn.
n_tmpl=$(awk '$1 == "->" { s += $4 } END { print s + 0 }' <<< "$out")
if [ "$n_tmpl" = 1 ]; then
	ok "--persistent-conn: one template, to one server"
else
	not_ok "--persistent-conn: one template, to one server" \
		"expected 1 in the PersistConn column, saw $n_tmpl"
	show "ipvsadm -Ln --persistent-conn" "$out"
fi

# ================================================================ IPv6
section "IPv6"
adm -A -t "$V6:80" -s rr
for i in 1 2 3; do adm -a -t "$V6:80" -r "[2001:db8:$i::2]:8080" -m; done
check_text "IPv6: ipvsadm -Ln, in brackets" \
"TCP  [2001:db8:f::100]:80 rr
  -> [2001:db8:1::2]:8080         Masq    1      0          0
  -> [2001:db8:2::2]:8080         Masq    1      0          0
  -> [2001:db8:3::2]:8080         Masq    1      0          0" \
	"$(adm_ln | sed -n '/^TCP  \[/,$p')"
check_eq "IPv6 rr over 30 connections: 10/10/10" \
	"server1=10 server2=10 server3=10" "$(tally_curl 30 "http://$V6/")"

# ======================================================= both families
section "one table, two families"
vs d -A -u $VIP:70 -s lc
vs d -a -u $VIP:70 -r 192.168.1.2:7000 -m -w 5
check_match "added with ipvsctl, listed by ipvsadm" \
	'(^|
)UDP  10\.0\.0\.100:70 lc
  -> 192\.168\.1\.2:7000 +Masq +5 ' "$(adm_ln)"
adm -e -u $VIP:70 -r 192.168.1.2:7000 -m -w 7
check_match "edited with ipvsadm, seen by ipvsctl" \
	'  -> 192\.168\.1\.2:7000 +Masq +7 ' "$(vs d -Ln)"
check_text "ipvsadm -Sn is byte-identical to ipvsctl -S -n" \
	"$(vs d -S -n)" "$(adm -Sn)"
adm -Sn > "$TEST_TMP/rules"
check_rc "ipvsadm -C" 0 adm -C
check_text "-C: ipvsctl lists nothing" "$HDR2
$HDR3" "$(vs d -Ln | tail -n +2)"
check_rc "ipvsadm -R < saved rules" 0 adm -R < "$TEST_TMP/rules"
check_text "-Sn | -C | -R: the same table again" \
	"$(cat "$TEST_TMP/rules")" "$(adm -Sn)"
check_eq "the restored :80 serves: 10/10/10" \
	"server1=10 server2=10 server3=10" "$(tally_curl 30 "http://$VIP/")"
vs d -D -u $VIP:70
check_no_match "deleted with ipvsctl, gone from ipvsadm" 'UDP ' "$(adm_ln)"

section "timeouts"
check_eq "-L --timeout: the defaults" "Timeout (tcp tcpfin udp): 900 120 300" \
	"$(adm -L --timeout)"
check_rc "ipvsadm --set 1000 100 200" 0 adm --set 1000 100 200
check_eq "-L --timeout after --set" "Timeout (tcp tcpfin udp): 1000 100 200" \
	"$(adm -L --timeout)"
check_eq "ipvsctl -L --timeout agrees" "$(adm -L --timeout)" \
	"$(vs d -L --timeout)"
adm --set 0 0 250
check_eq "--set 0 keeps a value" "Timeout (tcp tcpfin udp): 1000 100 250" \
	"$(adm -L --timeout)"

# ======================================================= net.ipv4.vs.*
section "net.ipv4.vs.*: IPVS's names for the same settings"
check_eq "net.ipv4.vs has the four IPVS knobs l4lb has" \
	"conn_reuse_mode expire_nodest_conn expire_quiescent_template sloppy_tcp" \
	"$(n d ls /proc/sys/net/ipv4/vs | sort | xargs)"
n d sysctl -qw net.ipv4.vs.expire_nodest_conn=1
check_eq "a write to net.ipv4.vs.expire_nodest_conn is net.l4lb's" 1 \
	"$(n d sysctl -n net.l4lb.expire_nodest_conn)"
n d sysctl -qw net.l4lb.expire_nodest_conn=0
check_eq "... and back" 0 "$(n d sysctl -n net.ipv4.vs.expire_nodest_conn)"
check_rc "out of range is refused there too (conn_reuse_mode=2)" 1 \
	n d sysctl -qw net.ipv4.vs.conn_reuse_mode=2
check_eq "... and changes nothing" 1 "$(n d sysctl -n net.l4lb.conn_reuse_mode)"

section "in-tree IPVS's selftest, against l4lb"
selftest=$(ipvs_selftest)
check_match "IPVS's ipvs.sh passes against l4lb (DR, NAT, TUN by ipvsadm)" \
	'^rc=0: .*ipvs\.sh: .*PASS' "$selftest"

# ================================================================= end
section "end"
check_eq "ip_vs was never loaded behind l4lb's back" "" "$(ipvs_modules)"
klog_mark
modprobe ip_vs 2> /dev/null || true
check_eq "while l4lb holds \"IPVS\", ip_vs cannot load" "" "$(ipvs_modules)"
out=$(klog_since_mark)
check_match "... refused by l4lb, with one line saying why" \
	'l4lb: ipvs_abi=1: not loading ip_vs: l4lb holds the "IPVS" family' "$out"
check_no_match "... before any of ip_vs's init ran" 'IPVS: ' "$out"
check_rc "rmmod l4lb" 0 unload_module
check_eq "rmmod l4lb: /proc/net/ip_vs* gone" "" "$(ipvs_proc_files)"
check_rc "modprobe ip_vs works once l4lb is gone" 0 modprobe ip_vs
check_match "ipvsadm talks to IPVS again" '\(size=4096\)$' \
	"$(adm -Ln | head -n 1)"
# Whose fault, if ipvs.sh failed against l4lb: it takes ~40 s, so only then.
if ! [[ $selftest =~ ^rc=0:\ .*ipvs\.sh:\ .*PASS ]]; then
	say "# ipvs.sh against ip_vs.ko, for comparison: $(ipvs_selftest)"
fi
# shellcheck disable=SC2046 # module names
modprobe -r $(ipvs_modules)
check_rc "insmod l4lb.ko (no ipvs_abi)" 0 load_module
check_eq "without ipvs_abi=1: no /proc/net/ip_vs*, here or in the director's netns" "" \
	"$(ipvs_proc_files; ipvs_proc_files d)"
check_rc "rmmod l4lb" 0 unload_module
_KLOG_MARK=$SUITE_MARK
klog_check "kernel log clean since the suite started"
finish
