#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/lib.sh - helpers shared by the VM test suites, in the style of
# WireGuard's tools/testing/selftests/wireguard/netns.sh. A suite sources it
# first thing, builds its topology with the helpers below, asserts with ok /
# not_ok / check_*, and ends with `finish`, whose last line is always
#
#	N passed, M failed
#
# (tests/run parses that line). Suites run as root inside the VM
# (scripts/vm-run), with the host's tree visible read-only.
#
# Everything a suite creates is named per run: network namespaces are
# "l4lb-<pid>-<name>" (use $NS_PREFIX or `ns NAME`), scratch files live in
# $TEST_TMP. Background processes are remembered by PID. An EXIT trap kills
# them, deletes the namespaces and unloads the module, so a crashed suite
# leaves nothing behind; an ERR trap (the suites run under `set -e`) reports
# the command that failed as a "not ok" line before that happens.

set -eE

L4LB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
L4LB_KO=${L4LB_KO:-$L4LB_ROOT/l4lb.ko}
IPVSCTL=${IPVSCTL:-$L4LB_ROOT/tools/ipvsctl/ipvsctl}
TEST_DIR=$L4LB_ROOT/tests/vm
# DEBUG_KERNEL: 1 under the debug kernel of make check-debug (KASAN,
# lockdep... under TCG; its release ends in -debug).
# SLOW: how many times longer the checks bound to short timeouts allow (a
# flow must still be listed a moment after it was made): 5 under the debug
# kernel, else 1. Exported for tests/vm/client.py.
case $(uname -r) in
*-debug) DEBUG_KERNEL=1 SLOW=${SLOW:-5} ;;
*)       DEBUG_KERNEL=  SLOW=${SLOW:-1} ;;
esac
export SLOW
SUITE=$(basename "$0" .sh)
NS_PREFIX="l4lb-$$-"
TEST_TMP=$(mktemp -d "/tmp/l4lb-$SUITE-$$.XXXXXX")

# Kernel log lines that mean trouble: BAD_KLOG, the list scripts/vm-run
# judges a whole run by.
. "$L4LB_ROOT/scripts/bad-klog.sh"

_PASSED=0
_FAILED=0
_FINISHED=
_NAMESPACES=()
_PIDS=()
declare -A AGENT_IN AGENT_OUT AGENT_PID

# ---------------------------------------------------------------- results

say() { printf '%s\n' "$*"; }

# A section header, for readable logs.
section() { say "# --- $* --- (${SECONDS}s)"; }

ok() {
	_PASSED=$((_PASSED + 1))
	say "ok $*"
}

# not_ok NAME REASON
not_ok() {
	local name=$1
	shift
	_FAILED=$((_FAILED + 1))
	say "not ok $name: $*"
}

# Show a (possibly multi-line) value after a failure, indented.
show() {
	local label=$1
	shift
	say "#   $label:"
	printf '%s\n' "$@" | sed 's/^/#     | /'
}

# check NAME CMD... : passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name" "command failed: $*"
	fi
}

# check_eq NAME EXPECTED SEEN
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected '$2', saw '$3'"
	fi
}

# check_match NAME EXTENDED-REGEX SEEN
check_match() {
	if [[ $3 =~ $2 ]]; then
		ok "$1"
	else
		not_ok "$1" "expected a match for /$2/, saw '$3'"
	fi
}

# check_no_match NAME EXTENDED-REGEX SEEN
check_no_match() {
	if [[ $3 =~ $2 ]]; then
		not_ok "$1" "expected no match for /$2/, saw '$3'"
	else
		ok "$1"
	fi
}

# check_text NAME EXPECTED SEEN : multi-line exact comparison, with a diff.
check_text() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "text differs (- expected, + seen)"
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$3") |
			tail -n +3 | sed 's/^/#     /' || true
	fi
}

# check_rc NAME EXPECTED-STATUS CMD... : CMD's exit status, output shown on
# failure.
check_rc() {
	local name=$1 want=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "expected exit status $want, saw $rc from: $*"
		show output "$out"
	fi
}

# Write a marker to the kernel log; klog_check reports what came after.
_KLOG_MARK=
klog_mark() {
	_KLOG_MARK="l4lb-test: $SUITE mark $$-$RANDOM$RANDOM"
	echo "$_KLOG_MARK" > /dev/kmsg
}

# The kernel log lines since the last klog_mark (all of it without one).
klog_since_mark() {
	dmesg | awk -v m="$_KLOG_MARK" '
		m != "" && index($0, m) { n = 0; delete l; next }
		{ l[++n] = $0 }
		END { for (i = 1; i <= n; i++) print l[i] }'
}

# klog_check NAME : passes when the kernel log since the mark is clean.
klog_check() {
	local bad
	bad=$(klog_since_mark | grep -E -- "$BAD_KLOG" || true)
	if [ -z "$bad" ]; then
		ok "$1"
	else
		not_ok "$1" "the kernel log shows problems"
		show "kernel log" "$(klog_since_mark | tail -n 60)"
	fi
}

# run_tests FUNC... : call the suite's test functions in order. When
# $<SUITE>_TESTS is set (e.g. DRTUN_TESTS=test_dr,test_tun: comma-separated,
# as make check-debug CHECK_DEBUG=ci passes it), only those it names run.
#
# FUNC@ipvsadm runs FUNC with its table changes made by ipvsadm (see vs):
# the same assertions, with IPVS's own tool driving l4lb.
run_tests() {
	local var=${SUITE^^}_TESTS t f admin
	local only=${!var:-}
	for t in "$@"; do
		f=${t%@*}
		if [ -n "$only" ] && [[ ,$only, != *",$f,"* ]]; then
			say "# skipped: $f (not in $var=$only)"
			continue
		fi
		admin=$VS_ADMIN
		[ "$t" = "$f" ] || admin=${t#*@}
		[ "$admin" = ipvsctl ] || say "# $f: table changes through $admin"
		VS_ADMIN=$admin "$f"
	done
}

# Print the summary; the exit status is non-zero when anything failed.
# Cleans up first so that nothing is printed after the summary line.
finish() {
	cleanup
	_FINISHED=1
	say "$_PASSED passed, $_FAILED failed"
	[ "$_FAILED" = 0 ]
}

# --------------------------------------------------------------- cleanup

cleanup() {
	local pid ns name fdi fdo
	set +e
	trap - ERR
	for name in "${!AGENT_PID[@]}"; do
		fdi=${AGENT_IN[$name]}
		fdo=${AGENT_OUT[$name]}
		exec {fdi}>&- {fdo}<&-
	done
	for pid in "${_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for ns in "${_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	for pid in "${_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	_PIDS=()
	_NAMESPACES=()
	AGENT_PID=()
	rm -rf "$TEST_TMP"
	if [ -n "${UNLOAD_ON_EXIT:-}" ] && grep -q '^l4lb ' /proc/modules; then
		rmmod l4lb 2>/dev/null
	fi
	set -e
}

_on_err() {
	local rc=$1 line=$2 cmd=$3
	# Only the suite's own shell reports (not command substitutions).
	[ "$BASHPID" = "$$" ] || return 0
	not_ok "$SUITE line $line" "command failed with status $rc: $cmd"
}

_on_exit() {
	local rc=$?
	[ -z "$_FINISHED" ] || return 0
	if [ "$rc" != 0 ] && [ "$_FAILED" = 0 ]; then
		not_ok "$SUITE" "exited early with status $rc"
	fi
	if [ "$_FAILED" = 0 ] && [ "$rc" = 0 ]; then
		not_ok "$SUITE" "ended without calling finish"
	fi
	finish || exit 1
}

trap '_on_err $? $LINENO "$BASH_COMMAND"' ERR
trap _on_exit EXIT

# ------------------------------------------------------------- processes

# bg CMD... : run CMD in the background and remember its PID for cleanup.
# The PID is left in $BG_PID.
bg() {
	"$@" &
	BG_PID=$!
	_PIDS+=("$BG_PID")
}

# wait_for [-t SECONDS] CMD... : poll CMD (quietly) until it succeeds, for at
# most SECONDS (default 60: python3 starting in five namespaces at once can
# take 20 s and more under TCG on a busy host), times $SLOW. Fails when it
# never does.
wait_for() {
	local timeout=60 start=$SECONDS
	if [ "$1" = -t ]; then
		timeout=$2
		shift 2
	fi
	timeout=$((timeout * SLOW))
	until "$@" > /dev/null 2>&1; do
		if [ $((SECONDS - start)) -ge "$timeout" ]; then
			say "# wait_for: gave up after ${timeout}s: $*"
			return 1
		fi
		sleep 0.1
	done
}

# ------------------------------------------------------------ namespaces

# ns NAME : the full name of this run's namespace NAME.
ns() { printf '%s%s' "$NS_PREFIX" "$1"; }

# n NAME CMD... : run CMD in this run's namespace NAME.
n() {
	local name=$1
	shift
	ip netns exec "$NS_PREFIX$name" "$@"
}

# ns_add NAME... : create namespaces, with lo up.
ns_add() {
	local name
	for name in "$@"; do
		ip netns add "$NS_PREFIX$name"
		_NAMESPACES+=("$NS_PREFIX$name")
		ip -n "$NS_PREFIX$name" link set lo up
	done
}

# veth NS1 IF1 NS2 IF2 : a veth pair between two of this run's namespaces.
veth() {
	ip link add "$2" netns "$NS_PREFIX$1" type veth peer name "$4" \
		netns "$NS_PREFIX$3"
}

# ifup NS IF ADDR/LEN : address an interface and bring it up.
ifup() {
	ip -n "$NS_PREFIX$1" addr add "$3" dev "$2"
	ip -n "$NS_PREFIX$1" link set "$2" up
}

# nip NS ARGS... : `ip` in namespace NS (e.g. nip c route add default via X).
nip() {
	local name=$1
	shift
	ip -n "$NS_PREFIX$name" "$@"
}

# nbatch NS : `ip -batch` in namespace NS, commands on stdin (every `ip`
# process costs under TCG).
nbatch() { ip -n "$NS_PREFIX$1" -batch -; }

# snmp NS COUNTER... : namespace NS's SNMP counters, on one line in the
# order asked: "Proto:Field" for /proc/net/snmp and /proc/net/netstat (a
# header line, then the values: Icmp:InDestUnreachs, IpExt:InMcastPkts),
# the bare name for /proc/net/snmp6 (Ip6InReceives). A counter the kernel
# does not have prints as "?", which no arithmetic takes quietly.
snmp() {
	local name=$1
	shift
	# shellcheck disable=SC2016 # awk's $k
	n "$name" awk -v want="$*" '
		FILENAME ~ /snmp6$/ { c[$1] = $2; next }
		$1 in hdr { split(hdr[$1], h); for (k = 2; k <= NF; k++) c[$1 h[k]] = $k; next }
		{ hdr[$1] = $0 }
		END {
			n = split(want, w, " ")
			for (k = 1; k <= n; k++)
				printf "%s%s", (k > 1 ? " " : ""), ((w[k] in c) ? c[w[k]] : "?")
			print ""
		}' /proc/net/snmp /proc/net/netstat /proc/net/snmp6
}

# nat_site CLIENT DIRECTOR SERVER... : the NAT topology most suites use.
# CLIENT 10.0.0.2/24 -- c0 10.0.0.1/24 on DIRECTOR, which holds $VIP on lo
# and forwards; server N (N from the end of its name) at 192.168.N.2/24
# behind DIRECTOR's sN 192.168.N.1/24, routing through the director.
# Dual-stack: the same with 2001:db8:c::2/64 -- 2001:db8:c::1/64, $VIP6 on
# the director's lo (outside the client's prefix: IPv6 answers neighbour
# solicitations only for addresses of the link they came on), servers at
# 2001:db8:N::2/64 behind 2001:db8:N::1/64. No DAD: addresses are usable
# at once.
VIP6=2001:db8:f::100
nat_site() {
	local c=$1 d=$2 s i
	shift 2
	ns_add "$c" "$d" "$@"
	{
		echo "link add eth0 netns $(ns "$c") type veth peer name c0 netns $(ns "$d")"
		for s in "$@"; do
			echo "link add eth0 netns $(ns "$s") type veth peer name s${s##*[!0-9]} netns $(ns "$d")"
		done
	} | ip -batch -
	nbatch "$c" <<-EOF
		addr add 10.0.0.2/24 dev eth0
		addr add 2001:db8:c::2/64 dev eth0 nodad
		link set eth0 up
		route add default via 10.0.0.1
		route add default via 2001:db8:c::1
	EOF
	{
		echo "addr add 10.0.0.1/24 dev c0"
		echo "addr add 2001:db8:c::1/64 dev c0 nodad"
		echo "link set c0 up"
		echo "addr add $VIP/32 dev lo"
		echo "addr add $VIP6/128 dev lo"
		for s in "$@"; do
			i=${s##*[!0-9]}
			echo "addr add 192.168.$i.1/24 dev s$i"
			echo "addr add 2001:db8:$i::1/64 dev s$i nodad"
			echo "link set s$i up"
		done
	} | nbatch "$d"
	n "$d" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	for s in "$@"; do
		i=${s##*[!0-9]}
		nbatch "$s" <<-EOF
			addr add 192.168.$i.2/24 dev eth0
			addr add 2001:db8:$i::2/64 dev eth0 nodad
			link set eth0 up
			route add default via 192.168.$i.1
			route add default via 2001:db8:$i::1
		EOF
	done
}

# --------------------------------------------------------------- l4lb

# own_modules [ip_vs] : the suite loads l4lb (and with "ip_vs", ip_vs too)
# itself and the EXIT trap unloads l4lb: stop at once if either is loaded
# already, as something else's state would be measured.
own_modules() {
	local re=l4lb what="l4lb is"
	if [ "${1:-}" = ip_vs ]; then
		re='(l4lb|ip_vs)' what="l4lb or ip_vs is"
	fi
	if grep -qE "^$re " /proc/modules; then
		not_ok "$SUITE" "$what loaded already: unload it first (this suite loads and unloads it)"
		exit 1
	fi
	# shellcheck disable=SC2034 # read by cleanup
	UNLOAD_ON_EXIT=1
}

# load_module [PARAM=VALUE...] : e.g. load_module ipvs_abi=1, which
# L4LB_ADMIN=ipvsadm implies.
# shellcheck disable=SC2120 # most suites pass none
load_module() {
	if [ "$VS_ADMIN" = ipvsadm ] && [[ " $* " != *" ipvs_abi="* ]]; then
		set -- "$@" ipvs_abi=1
	fi
	"$L4LB_ROOT/scripts/insmod" "$L4LB_KO" "$@"
}

unload_module() {
	rmmod l4lb
}

# ip_vs and the scheduler modules it loaded, as modprobe -r wants them.
ipvs_modules() { awk '$1 ~ /^ip_vs/ { print $1 }' /proc/modules | sort -r; }

# Which tool makes vs's table changes (-A -E -D -a -e -d -C -Z -R --set):
# ipvsctl, or Debian's ipvsadm over the "IPVS" family (the module loaded
# with ipvs_abi=1). Listings and ipvsctl's extras stay ipvsctl's, so the
# assertions are the same either way. L4LB_ADMIN=ipvsadm in the
# environment turns a whole suite over to ipvsadm; run_tests's
# FUNC@ipvsadm, one test; use_admin, what follows in a suite.
VS_ADMIN=${L4LB_ADMIN:-ipvsctl}

use_admin() {
	VS_ADMIN=${L4LB_ADMIN:-$1}
	say "# table changes through $VS_ADMIN from here"
}

# ipvsctl (or ipvsadm, above) in namespace NS: vs NS ARGS...
vs() {
	local name=$1 tool=$IPVSCTL
	shift
	if [ "$VS_ADMIN" = ipvsadm ]; then
		case $1 in
		-A|-E|-D|-a|-e|-d|-C|-Z|-R|--set) tool=ipvsadm ;;
		esac
	fi
	ip netns exec "$NS_PREFIX$name" "$tool" "$@"
}

# ----------------------------------------------------------- endpoints

# Listening: is_listening NS tcp|udp PORT [6] (6: on an IPv6 socket)
is_listening() {
	local opt=-Hltn
	[ "$2" = tcp ] || opt=-Hlun
	[ "${4:-}" != 6 ] || opt=${opt}6
	n "$1" ss "$opt" "sport = :$3" | grep -q .
}

# start_httpd NS NAME [PORT] : busybox httpd serving "NAME\n" at / on PORT
# (default 8080). Waits until it listens.
start_httpd() {
	local name=$1 text=$2 port=${3:-8080} dir=$TEST_TMP/www-$1-${3:-8080}
	mkdir -p "$dir"
	printf '%s\n' "$text" > "$dir/index.html"
	bg n "$name" busybox httpd -f -p "$port" -h "$dir"
}

# start_server NS NAME [ARGS] : tests/vm/server.py answering with NAME
# (--tcp PORT: a line echo prefixed with NAME; --udp PORT: a datagram
# answer with NAME). Does not wait: use wait_for is_listening.
start_server() {
	local name=$1
	shift
	n "$name" python3 -u "$TEST_DIR/server.py" "$@" \
		> "$TEST_TMP/server-$name.log" 2>&1 &
	_PIDS+=("$!")
}

# agent_start ID NS : start tests/vm/client.py in NS, driven by `agent ID`.
agent_start() {
	local id=$1 name=$2
	mkfifo "$TEST_TMP/agent-$id.in" "$TEST_TMP/agent-$id.out"
	# The child opens the FIFOs (a redirection on `bg` would make this
	# shell block opening them).
	n "$name" python3 -u "$TEST_DIR/client.py" \
		< "$TEST_TMP/agent-$id.in" > "$TEST_TMP/agent-$id.out" \
		2> "$TEST_TMP/agent-$id.err" &
	_PIDS+=("$!")
	AGENT_PID[$id]=$!
	local fdi fdo
	exec {fdi}> "$TEST_TMP/agent-$id.in"
	exec {fdo}< "$TEST_TMP/agent-$id.out"
	AGENT_IN[$id]=$fdi
	AGENT_OUT[$id]=$fdo
}

# agent ID CMD... : send one command to a client agent, print its answer
# (one line). A dead or stuck agent answers "err agent: ...".
agent() {
	local id=$1 line
	shift
	if ! printf '%s\n' "$*" 1>&"${AGENT_IN[$id]}" 2>/dev/null; then
		echo "err agent: $id is gone"
		return 0
	fi
	if IFS= read -r -t 120 line <&"${AGENT_OUT[$id]}"; then
		printf '%s\n' "$line"
	else
		echo "err agent: no answer from $id ($(tail -n 3 "$TEST_TMP/agent-$id.err" 2>/dev/null | tr '\n' ' '))"
	fi
}

# count WORD WORDS... : how many times WORD occurs among WORDS.
count() {
	local want=$1 w c=0
	shift
	for w in "$@"; do
		[ "$w" != "$want" ] || c=$((c + 1))
	done
	echo "$c"
}

# tally WORDS... : "word=count ..." sorted by word, for messages and checks.
tally() {
	printf '%s\n' "$@" | grep -v '^$' | sort | uniq -c |
		awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 } END { print "" }'
}

# check_spread NAME AGENT-ANSWER EXPECTED-TALLY
check_spread() {
	local name=$1 ans=$2 want=$3
	if [[ $ans != "ok "* ]]; then
		not_ok "$name" "expected $want, the client said: $ans"
		return 0
	fi
	# shellcheck disable=SC2086
	check_eq "$name" "$want" "$(tally ${ans#ok })"
}

# The server name in an "ok NAME LOCALPORT" answer to `open`.
# shellcheck disable=SC2086 # split the answer into words
open_name() { [[ $1 == "ok "* ]] && set -- $1 && echo "$2" || echo "?"; }
