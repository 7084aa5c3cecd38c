#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/basic.sh - skeleton checks: module load/unload, the CLI against
# an empty table, versions, per-netns configuration, permissions, and the
# kernel's exact message for each rejection ipvsctl can provoke.
# Runs in the VM: scripts/vm-run -- tests/vm/basic.sh
#
# No traffic, so no links: the initial netns, "x", and later "e" (a dummy
# link 192.168.7.1/24 and a route to 198.51.100.0/24 via 192.168.7.2, for
# the rejections that depend on routes).
#
#   +--------------------------+      +--------------------------+
#   | initial netns            |      | netns "x"                |
#   |  ipvsctl -A -t 10.1.1.1  |      |  ipvsctl -A -u 10.2.2.2  |
#   |  (sees only its service) |      |  (sees only its service) |
#   +--------------------------+      +--------------------------+
#               \_____________ l4lb.ko ____________/

# shellcheck source=tests/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HDR2='Prot LocalAddress:Port Scheduler Flags'
HDR3='  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'
HDR1_RE='^l4lb version [0-9.]+ \(size=[0-9]+\)$'

# check_empty_listing NAME OUTPUT : the 3-line header and nothing else.
check_empty_listing() {
	local name=$1 out=$2
	local l1 l2 l3 nl
	l1=$(sed -n 1p <<< "$out")
	l2=$(sed -n 2p <<< "$out")
	l3=$(sed -n 3p <<< "$out")
	nl=$(wc -l <<< "$out")
	if [[ $l1 =~ $HDR1_RE ]] && [ "$l2" = "$HDR2" ] && [ "$l3" = "$HDR3" ] &&
	   [ "$nl" = 3 ]; then
		ok "$name"
	else
		not_ok "$name" "expected the 3-line header only"
		show "seen" "$out"
	fi
}

own_modules

section "module load/unload"
for i in 1 2 3; do
	klog_mark
	check_rc "insmod #$i" 0 "$L4LB_ROOT/scripts/insmod" "$L4LB_KO"
	check_rc "ipvsctl -Ln after insmod #$i" 0 "$IPVSCTL" -Ln
	check_rc "rmmod #$i" 0 rmmod l4lb
	klog_check "kernel log clean after load/unload #$i"
done

section "mh_table_size"
klog_mark
rc=0
out=$("$L4LB_ROOT/scripts/insmod" "$L4LB_KO" mh_table_size=4096 2>&1) || rc=$?
check "insmod mh_table_size=4096 fails: not a prime ($out)" test "$rc" != 0
check_match "... and the kernel log says why" \
	'l4lb: mh_table_size=4096: must be a prime from 251 to 1048576' "$(klog_since_mark)"
check_rc "insmod mh_table_size=4093" 0 "$L4LB_ROOT/scripts/insmod" "$L4LB_KO" mh_table_size=4093
check_eq "the parameter reads 4093" 4093 "$(cat /sys/module/l4lb/parameters/mh_table_size)"
check_rc "an mh service on the 4093-slot table" 0 "$IPVSCTL" -A -t 10.1.1.1:80 -s mh
check_rc "... with a server" 0 "$IPVSCTL" -a -t 10.1.1.1:80 -r 192.168.7.2:80 -m
check_rc "rmmod" 0 rmmod l4lb
klog_check "kernel log clean after mh_table_size"

section "scheduler and connection table selftests"
# L4LB_DEBUG=1 builds run them at load: make test builds one beside the
# module (make module-debug); under the debug kernel the module is one
# (make module-debugk).
if [ -n "$DEBUG_KERNEL" ]; then
	selftest_ko=$L4LB_KO
else
	selftest_ko=${L4LB_SELFTEST_KO:-$L4LB_ROOT/build/debug/l4lb.ko}
fi
if [ ! -e "$selftest_ko" ]; then
	not_ok "selftest build present" "$selftest_ko is missing: run make module-debug"
else
	klog_mark
	check_rc "insmod the selftest build" 0 "$L4LB_ROOT/scripts/insmod" "$selftest_ko"
	check_match "the scheduler selftests passed" \
		'l4lb: scheduler selftests passed' "$(klog_since_mark)"
	# Lookups on other CPUs while the connection table is resized.
	check_match "the connection table selftest passed" \
		'l4lb: connection table selftest passed' "$(klog_since_mark)"
	check_eq "no selftest failed" "" "$(klog_since_mark | grep 'selftest .*:' || true)"
	check_rc "rmmod the selftest build" 0 rmmod l4lb
	klog_check "kernel log clean after the selftests"
fi

section "module not loaded"
rc=0
out=$("$IPVSCTL" -Ln 2>&1) || rc=$?
check_eq "ipvsctl -Ln without module: exit 1" 1 "$rc"
check_eq "ipvsctl -Ln without module: one line" 1 "$(wc -l <<< "$out")"
check_match "ipvsctl -Ln without module: says not loaded" \
	'module is not loaded' "$out"
rc=0
out=$("$IPVSCTL" -A -t 10.1.1.1:80 2>&1) || rc=$?
check_eq "ipvsctl -A without module: exit 1" 1 "$rc"
check_match "ipvsctl -A without module: says not loaded" \
	'module is not loaded' "$out"
rc=0
out=$("$IPVSCTL" -v 2>&1) || rc=$?
check_eq "ipvsctl -v without module: exit 1" 1 "$rc"
check_match "ipvsctl -v without module: still shows its own version" \
	'^ipvsctl v[0-9.]+' "$out"

section "empty table"
klog_mark
load_module
out=$("$IPVSCTL" -Ln)
check_empty_listing "ipvsctl -Ln on the empty table: header" "$out"
check_eq "ipvsctl -L (no -n) same as -Ln" "$out" "$("$IPVSCTL" -L)"
out=$("$IPVSCTL" -Ln --stats)
check_eq "ipvsctl -Ln --stats on the empty table: 3 lines" 3 "$(wc -l <<< "$out")"
check_eq "ipvsctl -Ln --json on the empty table" '[]' "$("$IPVSCTL" -Ln --json)"
out=$("$IPVSCTL" -Lnc)
check_text "ipvsctl -Lnc on the empty table" \
"l4lb connection entries
pro expire state       source             virtual            destination" "$out"

section "versions"
out=$("$IPVSCTL" -v)
check_match "ipvsctl -v shows both versions" \
	'^ipvsctl v[0-9]+\.[0-9]+\.[0-9]+ \(l4lb module v[0-9]+\.[0-9]+\.[0-9]+\)$' "$out"
modver=$(modinfo -F version "$L4LB_KO" 2>/dev/null || true)
if [ -n "$modver" ]; then
	check_match "ipvsctl -v module version is the module's ($modver)" \
		"\\(l4lb module v${modver//./\\.}\\)\$" "$out"
fi
if [ -f "$L4LB_ROOT/VERSION" ]; then
	ver=$(cat "$L4LB_ROOT/VERSION")
	check_match "ipvsctl -v CLI version is VERSION ($ver)" \
		"^ipvsctl v${ver//./\\.} " "$out"
fi
check_match "listing header shows the module version" \
	"^l4lb version ${modver:-[0-9.]+} " "$("$IPVSCTL" -Ln | head -n 1)"

section "per-netns configuration"
ns_add x
check_rc "add a TCP service in the initial netns" 0 \
	"$IPVSCTL" -A -t 10.1.1.1:80 -s rr
check_rc "add a server in the initial netns" 0 \
	"$IPVSCTL" -a -t 10.1.1.1:80 -r 192.168.1.2:8080 -m -w 3
check_empty_listing "new netns lists nothing" "$(vs x -Ln)"
check_rc "add a UDP service in the new netns" 0 vs x -A -u 10.2.2.2:53 -s wrr
check_rc "add a server in the new netns" 0 vs x -a -u 10.2.2.2:53 -r 192.168.9.9 -m
init_list=$("$IPVSCTL" -Ln | tail -n +2)
check_text "initial netns lists only its own service" \
"$HDR2
$HDR3
TCP  10.1.1.1:80 rr
  -> 192.168.1.2:8080             Masq    3      0          0" "$init_list"
check_text "new netns lists only its own service" \
"$HDR2
$HDR3
UDP  10.2.2.2:53 wrr
  -> 192.168.9.9:53               Masq    1      0          0" "$(vs x -Ln | tail -n +2)"
rc=0
out=$(vs x -D -t 10.1.1.1:80 2>&1) || rc=$?
check_eq "new netns cannot delete the initial netns' service: exit 1" 1 "$rc"
check_eq "initial netns' service still there" "$init_list" \
	"$("$IPVSCTL" -Ln | tail -n +2)"

old_to=$("$IPVSCTL" -L --timeout)
check_rc "set timeouts in the new netns" 0 vs x --set 100 20 30
check_eq "timeouts read back in the new netns" \
	"Timeout (tcp tcpfin udp): 100 20 30" "$(vs x -L --timeout)"
check_eq "timeouts of the initial netns unchanged" "$old_to" \
	"$("$IPVSCTL" -L --timeout)"

klog_mark
ip netns del "$(ns x)"
_NAMESPACES=()
check_eq "initial netns' service survives deleting the other netns" \
	"$init_list" "$("$IPVSCTL" -Ln | tail -n +2)"
klog_check "kernel log clean after deleting a netns with services"

section "permissions"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# The unprivileged runs use a copy of ipvsctl in a directory anyone may
# enter: the tree itself may sit in a private one (a clone in mktemp -d).
chmod 755 "$TEST_TMP"
IPVSCTL_ANY=$TEST_TMP/ipvsctl
cp "$IPVSCTL" "$IPVSCTL_ANY"
for cmd in "-A -t 10.3.3.3:80" "-D -t 10.1.1.1:80" \
	   "-a -t 10.1.1.1:80 -r 192.168.1.3 -m" "-C" "-Z" "--set 1 2 3"; do
	rc=0
	# shellcheck disable=SC2086
	out=$(nobody "$IPVSCTL_ANY" $cmd 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [[ ${out,,} == *permission* ]]; then
		ok "non-root ipvsctl $cmd: permission error"
	else
		not_ok "non-root ipvsctl $cmd: permission error" \
			"expected exit 1 and a message about permission, saw exit $rc: $out"
	fi
done
rc=0
out=$(nobody "$IPVSCTL_ANY" -Ln 2>&1) || rc=$?
check_eq "non-root ipvsctl -Ln: exit 0" 0 "$rc"
check_eq "non-root ipvsctl -Ln: lists the service" "$init_list" \
	"$(tail -n +2 <<< "$out")"
check_rc "non-root ipvsctl -Lnc works" 0 nobody "$IPVSCTL_ANY" -Lnc
check_rc "non-root ipvsctl -L --timeout works" 0 nobody "$IPVSCTL_ANY" -L --timeout
check_eq "root's service untouched by non-root attempts" "$init_list" \
	"$("$IPVSCTL" -Ln | tail -n +2)"

# A container's root: CAP_NET_ADMIN in a user namespace of its own, which
# counts for a netns that namespace owns and never for the initial one.
rc=0
out=$(nobody unshare -U -r "$IPVSCTL_ANY" -A -t 10.3.3.3:80 2>&1) || rc=$?
if [ "$rc" = 1 ] && [[ ${out,,} == *permission* ]]; then
	ok "root of a new user namespace, initial netns: permission error"
else
	not_ok "root of a new user namespace, initial netns: permission error" \
		"expected exit 1 and a message about permission, saw exit $rc: $out"
fi
rc=0
# shellcheck disable=SC2016
out=$(nobody unshare -U -r -n sh -c '"$0" -A -t 10.3.3.3:80 -s rr &&
	"$0" -a -t 10.3.3.3:80 -r 192.168.5.5:80 -m && "$0" -Ln' "$IPVSCTL_ANY" 2>&1) || rc=$?
if [ "$rc" = 0 ]; then
	ok "root of a new user namespace configures its own netns: exit 0"
else
	not_ok "root of a new user namespace configures its own netns: exit 0" \
		"saw exit $rc: $out"
fi
check_text "root of a new user namespace lists only its own service" \
"$HDR2
$HDR3
TCP  10.3.3.3:80 rr
  -> 192.168.5.5:80               Masq    1      0          0" "$(tail -n +2 <<< "$out")"
check_eq "initial netns untouched by the user namespace's root" "$init_list" \
	"$("$IPVSCTL" -Ln | tail -n +2)"

section "errors"
rc=0
out=$("$IPVSCTL" -A -t 10.1.1.1:80 2>&1) || rc=$?
check_eq "adding an existing service: exit 1" 1 "$rc"
check_match "adding an existing service: says so" '[Ee]xist' "$out"
rc=0
out=$("$IPVSCTL" -a -t 10.9.9.9:80 -r 192.168.1.4:8080 -m 2>&1) || rc=$?
check_eq "adding a server to a missing service: exit 1" 1 "$rc"
check_match "adding a server to a missing service: kernel's message" \
	'^ipvsctl: .*[Ss]ervice' "$out"
rc=0
out=$("$IPVSCTL" -a -t 10.1.1.1:80 -r 192.168.1.4:8080 -g 2>&1) || rc=$?
check_eq "direct routing (-g) with a port mapping: usage error, exit 2" 2 "$rc"
rc=0
out=$("$IPVSCTL" -d -t 10.9.9.9:80 -r 192.168.1.2:8080 2>&1) || rc=$?
check_eq "deleting a server of a missing service: exit 1" 1 "$rc"
check_rc "usage error: exit 2" 2 "$IPVSCTL" -A
check_eq "failed commands left the table alone" "$init_list" \
	"$("$IPVSCTL" -Ln | tail -n +2)"

section "kernel rejections: exit 1, the kernel's own message"
# Each row: ipvsctl arguments | the extack message the kernel must give.
# In a netns of their own with a connected /24 and a route via a gateway.
ns_add e
nip e link add dum0 type dummy
ifup e dum0 192.168.7.1/24
nip e route add 198.51.100.0/24 via 192.168.7.2
nip e addr add 2001:db8:7::1/64 dev dum0 nodad
nip e route add 2001:db8:51::/48 via 2001:db8:7::2
vs e -A -t 10.1.1.1:80 -s rr
vs e -a -t 10.1.1.1:80 -r 192.168.7.2:8080 -m
vs e -A -t '[2001:db8::1]:80' -s rr
vs e -a -t '[2001:db8::1]:80' -r '[2001:db8:7::2]:8080' -m
e_list=$(vs e -Ln)
while IFS='|' read -r args msg; do
	rc=0
	# shellcheck disable=SC2086
	out=$(vs e $args 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [ "$out" = "ipvsctl: $msg" ]; then
		ok "ipvsctl $args: $msg"
	else
		not_ok "ipvsctl $args: exit 1 and 'ipvsctl: $msg'" \
			"exit $rc: $out"
	fi
done <<'EOF'
-A -t 10.1.1.1:80|service already exists
-E -t 10.9.9.9:80 -s wrr|no such service
-D -t 10.9.9.9:80|no such service
-Z -t 10.9.9.9:80|no such service
-a -t 10.9.9.9:80 -r 192.168.7.3:8080 -m|no such service
-a -t 10.1.1.1:80 -r 192.168.7.2:8080 -m -w 5|real server already exists
-e -t 10.1.1.1:80 -r 192.168.7.9:8080 -m -w 2|no such real server in this service
-d -t 10.1.1.1:80 -r 192.168.7.9:8080|no such real server in this service
-A -t 10.1.1.2:80 -s foo|unknown scheduler (known: rr, wrr, lc, wlc, sh, mh)
-E -t 10.1.1.1:80 -s sed|unknown scheduler (known: rr, wrr, lc, wlc, sh, mh)
-A -t 224.0.0.1:80|service address must be a unicast address
-A -u 255.255.255.255:53|service address must be a unicast address
-a -t 10.1.1.1:80 -r 127.0.0.1:8080 -m|real server address must be a non-loopback unicast address
-a -t 10.1.1.1:80 -r 239.1.1.1:8080 -m|real server address must be a non-loopback unicast address
-a -t 10.1.1.1:80 -r 203.0.113.9 -g|no unicast route to the real server from this namespace
-a -t 10.1.1.1:80 -r 203.0.113.9 -i|no unicast route to the real server from this namespace
-a -t 10.1.1.1:80 -r 198.51.100.7 -g|direct routing (-g) needs the real server on a directly connected network; use -i to tunnel
-A -t [2001:db8::1]:80|service already exists
-E -t [2001:db8::9]:80 -s wrr|no such service
-a -t [2001:db8::1]:80 -r [2001:db8:7::2]:8080 -m -w 5|real server already exists
-e -t [2001:db8::1]:80 -r [2001:db8:7::9]:8080 -m -w 2|no such real server in this service
-A -t [ff02::1]:80|service address must be a unicast address
-A -u [::]:53|service address must be a unicast address
-A -t [::ffff:10.1.1.1]:80|service address must be a unicast address
-a -t [2001:db8::1]:80 -r [::1]:8080 -m|real server address must be a non-loopback unicast address
-a -t [2001:db8::1]:80 -r [ff05::2]:8080 -m|real server address must be a non-loopback unicast address
-a -t [2001:db8::1]:80 -r [fe80::2]:8080 -m|real server address must not be link-local
-a -t [2001:db8::1]:80 -r [2001:db8:99::9] -g|no unicast route to the real server from this namespace
-a -t [2001:db8::1]:80 -r [2001:db8:99::9] -i|no unicast route to the real server from this namespace
-a -t [2001:db8::1]:80 -r [2001:db8:51::7] -g|direct routing (-g) needs the real server on a directly connected network; use -i to tunnel
-a -t 10.1.1.1:80 -r [2001:db8:99::9] -i|no unicast route to the real server from this namespace
EOF
check_eq "rejected commands left netns e's table alone" "$e_list" "$(vs e -Ln)"

section "IPv6 configuration: mixed families over tunnels, edits, save and restore"
restore_e() { vs e -C && vs e -R; }
base=$(vs e -S -n)
check_rc "IPv4 service, IPv6 server over a tunnel (-i)" 0 \
	vs e -a -t 10.1.1.1:80 -r '[2001:db8:7::3]' -i
check_rc "IPv6 service, IPv4 server over a tunnel (-i)" 0 \
	vs e -a -t '[2001:db8::1]:80' -r 192.168.7.3 -i -w 2
check_rc "-E an IPv6 service: wlc, persistent by /48" 0 \
	vs e -E -t '[2001:db8::1]:80' -s wlc -p 120 -M 48
check_rc "-e an IPv6 server's weight" 0 \
	vs e -e -t '[2001:db8::1]:80' -r '[2001:db8:7::2]:8080' -m -w 4
check_rc "-A an IPv6 UDP service" 0 vs e -A -u '[2001:db8::53]:53' -s rr
saved=$(vs e -S -n)
check_text "-S -n: IPv6 in brackets, -M as a prefix length, mixed families" \
"-A -t 10.1.1.1:80 -s rr
-a -t 10.1.1.1:80 -r 192.168.7.2:8080 -m -w 1
-a -t 10.1.1.1:80 -r [2001:db8:7::3]:80 -i -w 1 --tun-type ipip
-A -t [2001:db8::1]:80 -s wlc -p 120 -M 48
-a -t [2001:db8::1]:80 -r 192.168.7.3:80 -i -w 2 --tun-type ipip
-a -t [2001:db8::1]:80 -r [2001:db8:7::2]:8080 -m -w 4
-A -u [2001:db8::53]:53 -s rr" "$saved"
before=$(vs e -Ln)
check_rc "-C, then -R of the saved table" 0 restore_e <<< "$saved"
check_eq "-R: the listing is back as it was" "$before" "$(vs e -Ln)"
check_eq "-R: -S -n reads back the same" "$saved" "$(vs e -S -n)"
restore_e <<< "$base"
check_eq "-R of the first save: netns e's table as before" "$e_list" "$(vs e -Ln)"

section "clear and unload"
check_rc "ipvsctl -C" 0 "$IPVSCTL" -C
check_empty_listing "ipvsctl -Ln after -C" "$("$IPVSCTL" -Ln)"
"$IPVSCTL" -A -t 10.1.1.1:80 -s rr
"$IPVSCTL" -a -t 10.1.1.1:80 -r 192.168.1.2:8080 -m
check_rc "rmmod with a service configured" 0 rmmod l4lb
klog_check "kernel log clean at the end"

finish
