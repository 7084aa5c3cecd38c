#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/ipvsadm.sh - l4lb loaded with ipvs_abi=1 and driven by Debian's
# real ipvsadm through the "IPVS" generic-netlink family (src/ipvs_nl.c),
# asserted on real traffic, on ipvsadm's listings and on what ipvsctl sees
# of the same table. First in-tree ip_vs.ko answers the same bad requests,
# so that ipvsadm's error text against l4lb is checked against IPVS's.
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
#  -E rr), :91 rr persistent, :93 rr (weight 0, -d), UDP :70 from ipvsctl,
#  and TCP [2001:db8:f::100]:80 rr over the servers' IPv6 addresses.

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
tally_curl() {
	local urls=() i out rc=0
	for i in $(seq "$1"); do urls+=("$2"); done
	out=$(n c curl -g -sS -m 10 "${urls[@]}" 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		echo "curl exit $rc: $out"
		return 0
	fi
	# shellcheck disable=SC2046 # one word per answer
	tally $(printf '%s\n' "$out")
}

# ip_vs and the scheduler modules it loaded, as modprobe -r wants them.
ipvs_modules() { awk '$1 ~ /^ip_vs/ { print $1 }' /proc/modules | sort -r; }

# ================================================================ setup
section "setup"
if grep -qE '^(l4lb|ip_vs) ' /proc/modules; then
	not_ok "$SUITE" "l4lb or ip_vs is loaded already: this suite loads both in turn"
	exit 1
fi
# shellcheck disable=SC2034 # read by lib.sh
UNLOAD_ON_EXIT=1
klog_mark
SUITE_MARK=$_KLOG_MARK
nat_site c d s1 s2 s3
for i in 1 2 3; do
	start_httpd "s$i" "server$i"
done
for i in 1 2 3; do
	check "s$i reachable from the client (no service)" \
		wait_for -t 30 n c curl -sf -m 2 "http://192.168.$i.2:8080/"
	check "s$i reachable over IPv6 (no service)" \
		wait_for -t 30 n c curl -g -sf -m 2 "http://[2001:db8:$i::2]:8080/"
done

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

# ================================================================= end
section "end"
check_eq "ip_vs was never loaded behind l4lb's back" "" "$(ipvs_modules)"
klog_mark
modprobe ip_vs 2> /dev/null || true
check_eq "while l4lb holds \"IPVS\", ip_vs cannot load" "" "$(ipvs_modules)"
# (Its init would find /proc/net/ip_vs taken, a kernel warning: l4lb
# refuses it before its init runs.)
check_match "... refused before its init ran, and l4lb's log says why" \
	'l4lb: ipvs_abi=1: ip_vs may not load while l4lb holds' "$(klog_since_mark)"
check_no_match "... so IPVS logs nothing" 'IPVS: ' "$(klog_since_mark)"
check_rc "rmmod l4lb" 0 unload_module
check_rc "modprobe ip_vs works once l4lb is gone" 0 modprobe ip_vs
check_match "ipvsadm talks to IPVS again" '\(size=4096\)$' \
	"$(adm -Ln | head -n 1)"
# shellcheck disable=SC2046 # module names
modprobe -r $(ipvs_modules)
_KLOG_MARK=$SUITE_MARK
klog_check "kernel log clean since the suite started"
finish
