#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/keepalived.sh - Debian's real keepalived drives l4lb (loaded with
# ipvs_abi=1) through the "IPVS" generic-netlink family: its health
# checkers add, delete and weigh real servers in l4lb's table, and VRRP
# moves the service between two directors. Both directors run
# docs/keepalived.conf, the file README.md quotes (keepalived -i d1|d2
# picks each one's lines).
# Runs in the VM: scripts/vm-run -- tests/vm/keepalived.sh
#
#               front segment: bridge br0 in namespace "sw"
#  client "c" ---------+--------------------+
#  10.0.0.2/24         |                    |
#               eth0 10.0.0.11/24     eth0 10.0.0.12/24
#               +----------------+    +----------------+
#               | director "d1"  |    | director "d2"  |
#               | keepalived     |    | keepalived     |
#               | -i d1, VRRP    |    | -i d2, VRRP    |
#               | priority 150   |    | priority 100   |
#               +----------------+    +----------------+
#               eth1 192.168.1.11/24  eth1 192.168.1.12/24
#                      |                    |
#  back segment: br1 --+--------------------+----+-------+-------+
#  in "sw"                                       |       |       |
#                                              "s1"    "s2"    "s3"
#                  eth0 192.168.1.21-23/24, default via 192.168.1.1
#
#  VRRP (a sync group of two instances) puts the VIP 10.0.0.100 on the
#  master's eth0 and the servers' gateway 192.168.1.1 on its eth1. NAT
#  rather than DR: the real servers route their replies through whichever
#  director holds the gateway, which is always the one holding the VIP, as
#  in the usual LVS-NAT + keepalived site, so the whole path moves with
#  VRRP; the servers need no VIP and no ARP sysctls.
#
#  Every server sN runs busybox httpd on :8080 and :8081, answering
#  "serverN". Services on the VIP (from the config): TCP :80 rr -> :8080
#  with TCP_CHECK (a failed server is deleted), TCP :81 wlc -> :8081 with
#  HTTP_GET and inhibit_on_failure (a failed server goes to weight 0).
#
#  (1) health checks: stop one server's listener under a client loop (one
#  curl -m 2 per connection, timestamped), see it leave the table, start
#  it again, see it come back and serve. (2) failover: the master director
#  dies (its processes frozen, its links cut, keepalived SIGKILLed, its
#  namespace deleted); the backup takes the VIP and gateway and serves new
#  connections. Then keepalived's clean stop (SIGTERM) empties its table.
#  Times and failed requests are printed as "# ..." lines.

# shellcheck source=tests/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VIP=10.0.0.100
GW=192.168.1.1
KA_CONF=$L4LB_ROOT/docs/keepalived.conf
HDR2='Prot LocalAddress:Port Scheduler Flags'
HDR3='  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'
# keepalived's timers (docs/keepalived.conf): delay_loop 1, retry 1,
# delay_before_retry 1, connect_timeout 1. A stopped listener refuses at
# once, so a failure is seen at the next check (within delay_loop), once
# more after delay_before_retry, and the server goes: 1-2 s. The budget
# allows delay_loop + retry * (connect_timeout + delay_before_retry), 3 s,
# and 3 s more for a busy VM (3.6 s was seen with another VM running).
CHECK_BUDGET=6
# VRRP (RFC 3768): a backup takes over when it has heard nothing for
# Master_Down_Interval = 3 * advert_int + (256 - priority) / 256 s, 3.61 s
# for d2 (advert_int 1, priority 100), counted from the master's last
# advertisement, so 2.6-3.6 s after the master dies. The budget adds 1.4 s.
FAILOVER_BUDGET=5
declare -A KA_PID LOOP_PID

# ipvsadm in a director; its columns end in spaces, dropped here.
adm() { n "$1" ipvsadm "${@:2}"; }
adm_ln() { adm "$1" -Ln "${@:2}" | sed 's/ *$//'; }

# now : the time, in seconds with microseconds (the loops use the same).
now() { printf '%s\n' "$EPOCHREALTIME"; }
# since T : seconds from T to now, to 0.01 s.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }'; }

# ---------------------------------------------------------- keepalived

# ka_start D : keepalived in director D's namespace, in the foreground,
# with D's config lines (-i D), its pid files and log in $TEST_TMP. The
# pid remembered is keepalived's own (ip netns exec execs it).
ka_start() {
	local d=$1
	bg ip netns exec "$(ns "$d")" keepalived -n -l -D -G -i "$d" \
		-f "$KA_CONF" -p "$TEST_TMP/ka-$d.pid" \
		-c "$TEST_TMP/ka-$d-checkers.pid" -r "$TEST_TMP/ka-$d-vrrp.pid" \
		>> "$TEST_TMP/ka-$d.log" 2>&1
	KA_PID[$d]=$BG_PID
}

# ka_log D : what keepalived in D logged.
ka_log() { cat "$TEST_TMP/ka-$1.log"; }

# ka_errors D : keepalived's lines about IPVS requests that failed, or
# IPVS it could not initialise (it would then modprobe ip_vs).
ka_errors() {
	grep -E 'IPVS cmd .* error|IPVS: |[Nn]etlink.*(error|fail)|modprobe' \
		"$TEST_TMP/ka-$1.log" || true
}

# holds D ADDR IF : director D has ADDR on IF.
holds() { nip "$1" -4 -o addr show dev "$3" | grep -qF " $2/"; }

# vrrp_master D : D holds the VIP on eth0 and the gateway on eth1.
vrrp_master() { holds "$1" "$VIP" eth0 && holds "$1" "$GW" eth1; }

# vrrp_none D : D holds neither.
vrrp_none() { ! holds "$1" "$VIP" eth0 && ! holds "$1" "$GW" eth1; }

# The table keepalived installs from docs/keepalived.conf with every
# server up (no traffic through this director yet).
FULL_TABLE="$HDR2
$HDR3
TCP  10.0.0.100:80 rr
  -> 192.168.1.21:8080            Masq    1      0          0
  -> 192.168.1.22:8080            Masq    1      0          0
  -> 192.168.1.23:8080            Masq    1      0          0
TCP  10.0.0.100:81 wlc
  -> 192.168.1.21:8081            Masq    1      0          0
  -> 192.168.1.22:8081            Masq    1      0          0
  -> 192.168.1.23:8081            Masq    1      0          0"

# table_shape D : D's table without the connection counters.
table_shape() { adm_ln "$1" | tail -n +2 | awk '$1 == "->" { $5 = $6 = "" } { print }'; }
# full_table D : D lists every service and server at weight 1.
full_table() {
	[ "$(table_shape "$1")" = "$(awk '$1 == "->" { $5 = $6 = "" } { print }' <<< "$FULL_TABLE")" ]
}

# ---------------------------------------------------------- client loops

# loop_start NAME PORT : the client requests http://VIP:PORT/ over and
# over, one connection each (curl -m 2), one line per request in
# $TEST_TMP/loop-NAME: "START END CURL-STATUS BODY", until loop_stop NAME.
loop_start() {
	local log=$TEST_TMP/loop-$1
	rm -f "$log.stop"
	# shellcheck disable=SC2016 # expanded by the loop's shell
	bg n c bash -c '
		while [ ! -e "$1.stop" ]; do
			t=$EPOCHREALTIME
			out=$(curl -s -m 2 "http://$2/" 2> /dev/null) && rc=0 || rc=$?
			echo "$t $EPOCHREALTIME $rc ${out:--}"
		done > "$1"' loop "$log" "$VIP:$2"
	LOOP_PID[$1]=$BG_PID
}

loop_stop() {
	touch "$TEST_TMP/loop-$1.stop"
	wait "${LOOP_PID[$1]}" || true
}

# loop_count NAME FROM TO [ok|failed|BODY] : requests of loop NAME started
# in [FROM, TO) (all, those that failed, or those BODY answered).
loop_count() {
	awk -v a="$2" -v b="$3" -v w="${4:-}" '
		$1 >= a && $1 < b && (w == "" || (w == "ok" && $3 == 0) ||
			(w == "failed" && $3 != 0) || $4 == w) { c++ }
		END { print c + 0 }' "$TEST_TMP/loop-$1"
}

# loop_failed NAME FROM TO : the failed requests started in [FROM, TO),
# as "+SECONDS(after FROM):rc=N ...".
loop_failed() {
	awk -v a="$2" -v b="$3" '$1 >= a && $1 < b && $3 != 0 {
		printf "%s+%.2fs:rc=%s", (c++ ? " " : ""), $1 - a, $3 }
		END { print "" }' "$TEST_TMP/loop-$1"
}

# loop_first NAME FROM [BODY] : the start of the first request started at
# or after FROM that succeeded (with BODY); nothing when there is none.
loop_first() {
	awk -v a="$2" -v w="${3:-}" '$1 >= a && $3 == 0 && (w == "" || $4 == w) {
		print $1; exit }' "$TEST_TMP/loop-$1"
}

# loop_after NAME T [BODY] : a request started after T succeeded (with BODY).
loop_after() { [ -n "$(loop_first "$@")" ]; }

# check_no_failure_after NAME LOOP T : no request of LOOP started at or
# after T failed, and some were made.
check_no_failure_after() {
	local name=$1 loop=$2 t=$3 total failed
	total=$(loop_count "$loop" "$t" 1e18)
	failed=$(loop_count "$loop" "$t" 1e18 failed)
	if [ "$failed" = 0 ] && [ "$total" -gt 0 ]; then
		ok "$name ($total requests)"
	else
		not_ok "$name" "$failed of $total requests failed: $(loop_failed "$loop" "$t" 1e18)"
		show "the loop's log from then" "$(awk -v a="$t" '$1 >= a' "$TEST_TMP/loop-$loop" | head -n 40)"
	fi
}

# ---------------------------------------------------------- real servers

# listener_pid S PORT : the pid of what listens on S's TCP PORT.
listener_pid() {
	n "$1" ss -Hltnp "sport = :$2" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}

# ================================================================ setup
section "setup"
own_modules ip_vs
klog_mark
check_rc "insmod l4lb.ko ipvs_abi=1" 0 load_module ipvs_abi=1

ns_add sw c d1 d2 s1 s2 s3
{
	for d in d1 d2; do
		echo "link add eth0 netns $(ns "$d") type veth peer name ${d}f netns $(ns sw)"
		echo "link add eth1 netns $(ns "$d") type veth peer name ${d}b netns $(ns sw)"
	done
	echo "link add eth0 netns $(ns c) type veth peer name c netns $(ns sw)"
	for i in 1 2 3; do
		echo "link add eth0 netns $(ns "s$i") type veth peer name s$i netns $(ns sw)"
	done
} | ip -batch -
nbatch sw <<-EOF
	link add br0 type bridge mcast_snooping 0
	link add br1 type bridge mcast_snooping 0
	link set c master br0
	link set d1f master br0
	link set d2f master br0
	link set d1b master br1
	link set d2b master br1
	link set s1 master br1
	link set s2 master br1
	link set s3 master br1
	link set br0 up
	link set br1 up
	link set c up
	link set d1f up
	link set d2f up
	link set d1b up
	link set d2b up
	link set s1 up
	link set s2 up
	link set s3 up
EOF
nbatch c <<-EOF
	addr add 10.0.0.2/24 dev eth0
	link set eth0 up
EOF
for i in 1 2; do
	nbatch "d$i" <<-EOF
		addr add 10.0.0.1$i/24 dev eth0
		addr add 192.168.1.1$i/24 dev eth1
		link set eth0 up
		link set eth1 up
	EOF
	n "d$i" sysctl -qw net.ipv4.ip_forward=1
done
for i in 1 2 3; do
	nbatch "s$i" <<-EOF
		addr add 192.168.1.2$i/24 dev eth0
		link set eth0 up
		route add default via $GW
	EOF
	# (Without stderr: the shell running a listener that (1) kills
	# says "Terminated".)
	start_httpd "s$i" "server$i" 8080 2> /dev/null
	start_httpd "s$i" "server$i" 8081 2> /dev/null
done
for i in 1 2 3; do
	check "s$i listens on :8080 and :8081" \
		wait_for -t 30 eval "is_listening s$i tcp 8080 && is_listening s$i tcp 8081"
	check "s$i answers d1 on the server segment" \
		wait_for -t 30 n d1 curl -sf -m 2 "http://192.168.1.2$i:8081/"
done

# ============================================================ keepalived
section "keepalived starts on both directors"
for d in d1 d2; do
	check_rc "keepalived -t: docs/keepalived.conf is valid for $d" 0 \
		n "$d" keepalived -t -i "$d" -f "$KA_CONF"
done
t_start=$(now)
ka_start d1
ka_start d2
for d in d1 d2; do
	if wait_for -t 30 full_table "$d"; then
		ok "$d: keepalived installed both services, three servers each ($(since "$t_start") s)"
	else
		not_ok "$d: keepalived installed both services, three servers each" \
			"ipvsadm -Ln differs (- expected, + seen)"
		diff -u <(printf '%s\n' "$FULL_TABLE") <(adm_ln "$d" | tail -n +2) |
			tail -n +3 | sed 's/^/#     /' || true
		show "keepalived's log" "$(ka_log "$d" | tail -n 30)"
	fi
	check_text "$d: ipvsctl -Ln lists what ipvsadm -Ln lists" \
		"$(adm_ln "$d" | tail -n +2)" "$(vs "$d" -Ln | tail -n +2)"
	check_text "$d: ipvsadm -Sn and ipvsctl -S -n agree" \
		"$(adm "$d" -Sn)" "$(vs "$d" -S -n)"
done
if wait_for -t 30 vrrp_master d1; then
	ok "d1 (priority 150) is VRRP master: holds $VIP and $GW ($(since "$t_start") s)"
else
	not_ok "d1 (priority 150) is VRRP master" "d1 holds: $(nip d1 -4 -o addr show | awk '{ print $2, $4 }' | tr '\n' ' ')"
	show "d1's keepalived log" "$(ka_log d1 | tail -n 30)"
fi
check "d2 sees d1's adverts: keepalived's log says BACKUP" \
	wait_for -t 10 grep -q 'front) Entering BACKUP STATE' "$TEST_TMP/ka-d2.log"
check "d2 holds neither address" vrrp_none d2
check "the client reaches the VIP" wait_for -t 10 n c curl -sf -m 2 "http://$VIP/"
served=$(for i in 1 2 3 4 5 6; do n c curl -s -m 2 "http://$VIP/"; done)
# shellcheck disable=SC2086 # one word per answer
check_eq ":80 rr over 6 connections: 2/2/2" "server1=2 server2=2 server3=2" "$(tally $served)"
check_match "d1 counted them: --stats" \
	'(^|
)TCP  10\.0\.0\.100:80 +[1-9]' "$(adm_ln d1 --stats --exact)"
check_match "d2 counted none" \
	'(^|
)TCP  10\.0\.0\.100:80 +0 ' "$(adm_ln d2 --stats --exact)"

# ======================================================= health checks

# hc_cycle PORT SERVER-NUMBER GONE-TEST BACK-TEST WHAT : under a client loop
# on VIP:PORT, stop server N's listener (:8080 for :80, :8081 for :81),
# wait for GONE-TEST d1 (the checker acted), start it again, wait for
# BACK-TEST d1, then for the loop to be served by it.
hc_cycle() {
	local port=$1 i=$2 gone=$3 back=$4 what=$5
	local rport=$((port + 8000)) loop=hc$1 pid t_kill t_gone t_up t_back t_served
	local s=s$i name=server$i

	loop_start "$loop" "$port"
	wait_for -t 10 loop_after "$loop" 0 "$name"
	pid=$(listener_pid "$s" "$rport")
	kill "$pid"
	t_kill=$(now)
	wait_for -t 5 eval "! is_listening $s tcp $rport"
	if wait_for -t "$CHECK_BUDGET" "$gone" d1; then
		t_gone=$(now)
		ok ":$port: $what within ${CHECK_BUDGET}s: $(since "$t_kill") s after its listener stopped"
	else
		t_gone=$(now)
		not_ok ":$port: $what within ${CHECK_BUDGET}s" "the table is still"
		show "ipvsadm -Ln" "$(adm_ln d1 -t "$VIP:$port")"
		show "d1's keepalived log" "$(ka_log d1 | tail -n 20)"
	fi
	check "... and d2's checker acted too" wait_for -t "$CHECK_BUDGET" "$gone" d2
	# Requests made once the change is in the table must all work.
	wait_for -t 10 loop_after "$loop" "$t_gone"
	say "# :$port $s down: detected in $(awk -v a="$t_kill" -v b="$t_gone" 'BEGIN { printf "%.2f", b - a }') s (TCP connection refused at once)"
	say "#   requests failed from the stop to the change in the table: $(loop_count "$loop" "$t_kill" "$t_gone" failed) of $(loop_count "$loop" "$t_kill" "$t_gone") ($(loop_failed "$loop" "$t_kill" "$t_gone"))"
	start_httpd "$s" "$name" "$rport" 2> /dev/null
	wait_for -t 10 is_listening "$s" tcp "$rport"
	t_up=$(now)
	check_no_failure_after ":$port: no request failed once the table showed $s out" \
		"$loop" "$t_gone"
	if wait_for -t "$CHECK_BUDGET" "$back" d1; then
		t_back=$(now)
		ok ":$port: $s back in the table $(since "$t_up") s after it listens again"
	else
		t_back=$(now)
		not_ok ":$port: $s back in the table within ${CHECK_BUDGET}s" "the table is"
		show "ipvsadm -Ln" "$(adm_ln d1 -t "$VIP:$port")"
	fi
	if wait_for -t 10 loop_after "$loop" "$t_back" "$name"; then
		t_served=$(loop_first "$loop" "$t_back" "$name")
		ok ":$port: $s serves again (first answer $(awk -v a="$t_back" -v b="$t_served" 'BEGIN { printf "%.2f", b - a }') s after it was back)"
	else
		not_ok ":$port: $s serves again" "no answer from $name since it came back"
	fi
	wait_for -t 10 full_table d2
	loop_stop "$loop"
	say "#   requests failed while $s started again and came back: $(loop_count "$loop" "$t_gone" 1e18 failed) of $(loop_count "$loop" "$t_gone" 1e18)"
	check_no_failure_after ":$port: no request failed while $s came back" "$loop" "$t_gone"
	check "the tables are whole again on d1 and d2" eval "full_table d1 && full_table d2"
}

# :80 (TCP_CHECK): the failed server is deleted from the service.
s2_gone_80() { ! adm_ln "$1" -t "$VIP:80" | grep -qF '192.168.1.22:8080'; }
s2_back_80() { adm_ln "$1" -t "$VIP:80" | grep -qE '192\.168\.1\.22:8080 +Masq +1 '; }
# :81 (HTTP_GET, inhibit_on_failure): at weight 0, still listed.
s3_zero_81() { adm_ln "$1" -t "$VIP:81" | grep -qE '192\.168\.1\.23:8081 +Masq +0 '; }
s3_back_81() { adm_ln "$1" -t "$VIP:81" | grep -qE '192\.168\.1\.23:8081 +Masq +1 '; }

section "(1a) TCP_CHECK: s2 stops listening on :8080, then starts again"
hc_cycle 80 2 s2_gone_80 s2_back_80 "keepalived deleted s2"
section "(1b) HTTP_GET + inhibit_on_failure: s3 stops on :8081, then starts"
hc_cycle 81 3 s3_zero_81 s3_back_81 "keepalived set s3 to weight 0"

# ============================================================ failover
section "(2) VRRP failover: d1 dies"
check "d1 is still master" vrrp_master d1
loop_start fo 80
wait_for -t 10 loop_after fo 0
# d1 dies at once: a keepalived told to stop would send a priority 0
# advert and hand over at once, and one whose child dies starts another,
# so every process in d1 is frozen first; then its links go (deleting the
# switch's ends), then its processes are killed and its namespace deleted.
d1_pids=$(ip netns pids "$(ns d1)")
# shellcheck disable=SC2086 # one pid a word
kill -STOP $d1_pids
printf 'link del d1f\nlink del d1b\n' | nbatch sw
t_kill=$(now)
# shellcheck disable=SC2086
kill -KILL $d1_pids
wait "${KA_PID[d1]}" 2> /dev/null || true
# shellcheck disable=SC2016 # expanded by wait_for's eval
check "d1's processes are gone (keepalived: ${d1_pids//$'\n'/ })" \
	wait_for -t 5 eval '[ -z "$(ip netns pids "$(ns d1)")" ]'
ip netns del "$(ns d1)"
wait_for -t 10 vrrp_master d2 || true
t_vip=$(now)
took=$(awk -v a="$t_kill" -v b="$t_vip" 'BEGIN { printf "%.2f", b - a }')
if vrrp_master d2 && awk -v t="$took" -v m="$((FAILOVER_BUDGET * SLOW))" 'BEGIN { exit !(t <= m) }'; then
	ok "d2 holds $VIP and $GW within ${FAILOVER_BUDGET}s of d1's death: $took s"
else
	not_ok "d2 holds $VIP and $GW within ${FAILOVER_BUDGET}s" \
		"after $took s d2 holds: $(nip d2 -4 -o addr show | awk '{ print $2, $4 }' | tr '\n' ' ')"
	show "d2's keepalived log" "$(ka_log d2 | tail -n 20)"
fi
if wait_for -t 10 loop_after fo "$t_vip"; then
	t_first=$(loop_first fo "$t_vip")
	ok "d2 serves new connections ($(awk -v a="$t_vip" -v b="$t_first" 'BEGIN { printf "%.2f", b - a }') s after it took the VIP)"
else
	t_first=$(now)
	not_ok "d2 serves new connections" "no request started after the takeover succeeded"
	show "the loop's log since d1 died" "$(awk -v a="$t_kill" '$1 >= a' "$TEST_TMP/loop-fo" | head -n 20)"
fi
loop_stop fo
served=$(for i in 1 2 3; do n c curl -s -m 2 "http://$VIP/"; done)
# shellcheck disable=SC2086 # one word per answer
check_eq "d2: rr over 3 new connections: 1/1/1" "server1=1 server2=1 server3=1" "$(tally $served)"
check_match "d2 counted connections: --stats" \
	'(^|
)TCP  10\.0\.0\.100:80 +[1-9]' "$(adm_ln d2 --stats --exact)"
check_no_failure_after "no request failed after d2's first answer" fo "$t_first"
# The client's view: requests in flight when d1 died or started since,
# and the longest time it went without an answer (between the ends of two
# good requests).
failed=$(awk -v a="$t_kill" '$2 >= a && $3 != 0 { c++ } END { print c + 0 }' "$TEST_TMP/loop-fo")
total=$(awk -v a="$t_kill" '$2 >= a { c++ } END { print c + 0 }' "$TEST_TMP/loop-fo")
gap=$(awk '$3 == 0 { if (last != "" && $2 - last > g + 0) g = $2 - last; last = $2 }
	END { printf "%.2f", g }' "$TEST_TMP/loop-fo")
say "# failover: d2 took the VIP $took s after d1 died (VRRP: 3 x advert_int 1 s + skew 0.61 s after d1's last advert)"
say "#   client: $failed of $total requests in flight or made since d1 died failed; no answer for $gap s"
say "#   its requests from 2 s before (start after d1 died: result, duration):"
awk -v a="$t_kill" '$1 >= a - 2 { printf "#     %+.2f s: %s %.2f s\n", $1 - a, ($3 == 0 ? "ok " $4 : "failed, curl status " $3), $2 - $1 }' "$TEST_TMP/loop-fo"

# ======================================================== keepalived stops
section "keepalived stops cleanly (SIGTERM)"
kill -TERM "${KA_PID[d2]}"
# (A zombie answers kill -0; it has no netns to list.)
# shellcheck disable=SC2016 # expanded by wait_for's eval
check "keepalived on d2 exits" wait_for -t 20 eval '[ -z "$(ip netns pids "$(ns d2)")" ]'
wait "${KA_PID[d2]}" 2> /dev/null || true
check_text "its services are gone from d2's table (DEL_DEST, DEL_SERVICE)" \
	"$HDR2
$HDR3" "$(adm_ln d2 | tail -n +2)"
check "it let go of $VIP and $GW" vrrp_none d2
for d in d1 d2; do
	check_eq "$d: keepalived logged no IPVS error" "" "$(ka_errors "$d")"
done

# ================================================================= end
section "end"
check_eq "ip_vs was never loaded behind l4lb's back" "" "$(ipvs_modules)"
check_rc "rmmod l4lb" 0 unload_module
klog_check "kernel log clean"
if [ "$_FAILED" != 0 ] || [ -n "${KA_SHOW_LOGS:-}" ]; then
	for d in d1 d2; do
		show "keepalived's log in $d (the end)" "$(ka_log "$d" | tail -n "${KA_SHOW_LOGS:-40}")"
	done
fi
finish
