#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every ipvsctl unit test: the C tests (test_parse) and end-to-end runs
# of the real ipvsctl binary against fake_l4lb.so, an LD_PRELOAD stand-in
# for the kernel module. Prints one line per case and a single closing
# "N passed, M failed"; exits non-zero if anything failed.

cd "$(dirname "$0")" || exit 1
IPVSCTL=${IPVSCTL:-../../tools/ipvsctl/ipvsctl}
FAKE=$PWD/fake_l4lb.so
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/out ERR=$TMP/err LOG=$TMP/log SLOG=$TMP/sendlog STATE=$TMP/state

passed=0 failed=0

# --- the C unit tests: forward their lines, keep their counts ------------
./test_parse >"$TMP/unit" 2>&1
unit_rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$TMP/unit"
read -r up uf < <(sed -n -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$TMP/unit")
if [[ -z $up ]]; then
	echo "not ok - test_parse: no summary line (exit $unit_rc)"
	failed=$((failed + 1))
else
	passed=$((passed + up)) failed=$((failed + uf))
	if ((unit_rc != 0 && uf == 0)); then
		echo "not ok - test_parse: exit $unit_rc with no failed case"
		failed=$((failed + 1))
	fi
fi

# --- end-to-end cases ----------------------------------------------------
# run [VAR=value...] ARGS...: run ipvsctl under the fake kernel, stdin from
# $IN (default /dev/null). Requests go to $LOG, sendmsg() sizes to $SLOG.
run() {
	local envs=()

	while [[ $1 == [A-Z]*=* ]]; do
		envs+=("$1")
		shift
	done
	: >"$LOG"
	: >"$SLOG"
	rm -f "$STATE"
	env LD_PRELOAD="$FAKE" FAKE_L4LB_LOG="$LOG" FAKE_L4LB_SENDLOG="$SLOG" "${envs[@]}" \
		"$IPVSCTL" "$@" <"${IN:-/dev/null}" >"$OUT" 2>"$ERR"
	rc=$?
}

begin() { name=$1 why=; }
flat() { tr '\n' '|' <"$1"; }
want_rc() { [[ $rc == "$1" ]] || why+=" exit $rc (want $1);"; }
want_out() { [[ $(cat "$OUT") == "$1" ]] || why+=" stdout '$(flat "$OUT")';"; }
want_out_has() { grep -qF -- "$1" "$OUT" || why+=" stdout '$(flat "$OUT")' lacks '$1';"; }
want_err() { [[ $(cat "$ERR") == "$1" ]] || why+=" stderr '$(flat "$ERR")' (want '$1');"; }
want_log() { [[ $(cat "$LOG") == "$1" ]] || why+=" sent '$(flat "$LOG")' (want '$1');"; }
want_sends() { [[ $(cat "$SLOG") == "$1" ]] || why+=" sendmsg '$(flat "$SLOG")' (want '$1');"; }
want_state() { [[ $(cat "$STATE") == "$1" ]] || why+=" state '$(flat "$STATE")' (want '$1');"; }
want_json() {
	# $1: a python expression over the parsed document d that must hold.
	# One interpreter per check: python3 takes a while to start.
	if ! command -v python3 >/dev/null; then
		why+=" python3 missing (scripts/deps), cannot check JSON;"
		return
	fi
	python3 -c "import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError as e:
    print('invalid JSON: %s' % e)
    sys.exit(2)
sys.exit(0 if ($1) else 1)" "$OUT" >"$TMP/json" 2>&1
	case $? in
	0) ;;
	1) why+=" JSON fails: $1;" ;;
	*) why+=" $(flat "$TMP/json");" ;;
	esac
}
end() {
	if [[ -z $why ]]; then
		echo "ok - cli: $name"
		passed=$((passed + 1))
	else
		echo "not ok - cli: $name:$why"
		failed=$((failed + 1))
	fi
}

if [[ ! -x $IPVSCTL || ! -f $FAKE ]]; then
	echo "not ok - cli: $IPVSCTL or $FAKE is missing (run make first)"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
fi

NOT_LOADED="ipvsctl: the l4lb kernel module is not loaded (try: insmod l4lb.ko)"

begin "-Ln lists sorted services in ipvsadm layout"
run -Ln
want_rc 0
want_out "l4lb version 0.1.0-fake (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 wlc
  -> 192.168.1.2:80               Masq    1      0          0
  -> 192.168.1.3:80               Masq    2      5          1
TCP  10.0.0.2:443 wrr persistent 360 mask 255.255.255.0
  -> 192.168.1.4:443              Route   3      7          2
UDP  10.0.0.1:53 rr idle 30"
want_log "GET_INFO ack
GET_SERVICE dump
GET_DEST dump service{ af=2 proto=17 addr=10.0.0.1 port=53 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.2 port=443 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.1 port=80 }"
end

begin "-L --stats uses K/M suffixes"
run -L --stats
want_rc 0
want_out "l4lb version 0.1.0-fake (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.0.0.1:80                      123K    1000K     900K     150M    2000M
  -> 192.168.1.2:80                      0        0        0        0        0
  -> 192.168.1.3:80                    100        1        2        3        4
TCP  10.0.0.2:443                       10       20       30       40       50
  -> 192.168.1.4:443                     0        0        0        0        0
UDP  10.0.0.1:53                         0        0        0        0        0"
end

begin "-L --stats --exact prints raw counters"
run -L -n --stats --exact
want_rc 0
want_out_has "TCP  10.0.0.1:80                    123456  1000000   900000 150000000 2000000000"
end

begin "-L --json is valid JSON with servers and stats"
run -L --json
want_rc 0
want_json "len(d) == 3 and d[0]['address'] == '10.0.0.1' and d[0]['port'] == 80 and
	d[0]['scheduler'] == 'wlc' and len(d[0]['servers']) == 2 and
	d[0]['servers'][1]['forward'] == 'Masq' and d[0]['servers'][1]['active'] == 5 and
	d[0]['stats']['outbytes'] == 2000000000 and d[1]['persistent'] is True and
	d[1]['netmask'] == '255.255.255.0' and d[2]['protocol'] == 'UDP' and d[2]['servers'] == []"
want_log "GET_SERVICE dump
GET_DEST dump service{ af=2 proto=17 addr=10.0.0.1 port=53 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.2 port=443 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.1 port=80 }"
end

begin "-L -t lists one service, without the version line (as ipvsadm)"
run -L -t 10.0.0.2:443
want_rc 0
want_out "Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.2:443 wrr persistent 360 mask 255.255.255.0
  -> 192.168.1.4:443              Route   3      7          2"
want_log "GET_SERVICE ack service{ af=2 proto=6 addr=10.0.0.2 port=443 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.2 port=443 }"
end

begin "-L -t of a missing service shows the kernel's message"
run -L -u 10.0.0.9:53
want_rc 1
want_out ""
want_err "ipvsctl: no such service"
end

begin "-Lc lists connections, several per message"
run -Lc
want_rc 0
want_out "l4lb connection entries
pro expire state       source             virtual            destination
TCP 01:01  FIN_WAIT    10.0.0.4:1025      10.0.0.1:80        192.168.1.3:80
TCP 14:59  ESTABLISHED 10.0.0.5:51234     10.0.0.1:80        192.168.1.2:80
TCP 05:59  NONE        10.1.2.0:0         10.0.0.2:443       192.168.1.4:443
UDP 04:59  UDP         10.0.0.9:40000     10.0.0.1:53        192.168.1.3:53"
want_log "GET_CONN dump"
end

begin "-Lc --json marks the persistence template"
run -L -c --json
want_rc 0
want_json "len(d) == 4 and d[1]['state'] == 'ESTABLISHED' and d[1]['client'] ==
	{'address': '10.0.0.5', 'port': 51234} and d[1]['expires_ms'] == 899999 and
	d[1]['template'] is False and d[2]['template'] is True and d[2]['state'] == 'NONE' and
	d[2]['client'] == {'address': '10.1.2.0', 'port': 0}"
end

begin "-L --timeout"
run -L --timeout
want_rc 0
want_out "Timeout (tcp tcpfin udp): 900 120 300"
want_log "GET_CONFIG ack"
end

begin "-L --timeout --json"
run -L --timeout --json
want_rc 0
want_json "d == {'tcp': 900, 'tcpfin': 120, 'udp': 300}"
end

begin "-A sends the default scheduler"
run -A -t 10.0.0.1:80
want_rc 0
want_out ""
want_err ""
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=wlc }"
end

begin "-A with persistence and netmask"
run -A -u 10.0.0.1:53 -s rr -p 600 -M 255.255.255.0
want_rc 0
want_log "NEW_SERVICE ack service{ af=2 proto=17 addr=10.0.0.1 port=53 sched=rr flags=1 timeout=600 netmask=255.255.255.0 }"
end

begin "-E sends only the scheduler given"
run -E -t 10.0.0.1:80 -s rr
want_rc 0
want_log "SET_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=rr }"
end

begin "-E -p sends only persistence"
run -E -t 10.0.0.1:80 -p
want_rc 0
want_log "SET_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 flags=1 timeout=360 }"
end

begin "-A -b sends the scheduler flags"
run -A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port
want_rc 0
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=mh schedflags=3 }"
end

begin "-E -b '' sends no scheduler flags, to clear them"
run -E -t 10.0.0.1:80 -b ''
want_rc 0
want_log "SET_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 schedflags=0 }"
end

begin "-b of another scheduler is a usage error, nothing sent"
run -A -t 10.0.0.1:80 -s sh -b mh-port
want_rc 2
want_err "ipvsctl: -b (--sched-flags) mh-... flags are for -s mh, not sh"
want_log ""
end

begin "-D sends the key only"
run -D -t 10.0.0.1:80
want_rc 0
want_log "DEL_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 }"
end

begin "-a defaults: service port, direct routing, weight 1"
run -a -t 10.0.0.1:80 -r 192.168.1.2
want_rc 0
want_log "NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.2 port=80 fwd=3 weight=1 }"
end

begin "-a NAT with port mapping and weight"
run -a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 5
want_rc 0
want_log "NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.2 port=8080 fwd=0 weight=5 }"
end

begin "-e sends only the weight"
run -e -t 10.0.0.1:80 -r 192.168.1.2 -w 0
want_rc 0
want_log "SET_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.2 port=80 weight=0 }"
end

begin "-d sends both keys only"
run -d -u 10.0.0.1:53 -r 192.168.1.3:5353
want_rc 0
want_log "DEL_DEST ack service{ af=2 proto=17 addr=10.0.0.1 port=53 } dest{ af=2 addr=192.168.1.3 port=5353 }"
end

begin "-C flushes"
run -C
want_rc 0
want_log "FLUSH ack"
end

begin "-Z with and without a service"
run -Z
want_rc 0
want_log "ZERO ack"
run -Z -t 10.0.0.1:80
want_rc 0
want_log "ZERO ack service{ af=2 proto=6 addr=10.0.0.1 port=80 }"
end

begin "--set omits zero values"
run --set 0 120 0
want_rc 0
want_log "SET_CONFIG ack tcpfin=120"
end

begin "kernel error prints the extack message"
run FAKE_L4LB_FAIL=17 "FAKE_L4LB_EXTACK=service already exists" -A -t 10.0.0.1:80
want_rc 1
want_err "ipvsctl: service already exists"
end

begin "extack found after an uncapped echo of the request"
run FAKE_L4LB_FAIL=22 FAKE_L4LB_NO_CAP=1 "FAKE_L4LB_EXTACK=unknown scheduler 'foo'" -A -t 10.0.0.1:80 -s foo
want_rc 1
want_err "ipvsctl: unknown scheduler 'foo'"
end

begin "kernel error without extack falls back to strerror"
run FAKE_L4LB_FAIL=2 -D -t 10.0.0.1:80
want_rc 1
want_err "ipvsctl: No such file or directory"
end

begin "EPERM says CAP_NET_ADMIN is needed"
run FAKE_L4LB_FAIL=1 -C
want_rc 1
want_err "ipvsctl: permission denied (CAP_NET_ADMIN needed)"
end

begin "EPERM with an extack message"
run FAKE_L4LB_FAIL=1 "FAKE_L4LB_EXTACK=not in this netns" -C
want_rc 1
want_err "ipvsctl: permission denied (CAP_NET_ADMIN needed): not in this netns"
end

begin "a dump failing midway prints nothing but the error"
run FAKE_L4LB_DUMP_FAIL=90 "FAKE_L4LB_EXTACK=dump interrupted" -Ln
want_rc 1
want_out ""
want_err "ipvsctl: dump interrupted"
end

begin "a dump failing without extack"
run FAKE_L4LB_DUMP_FAIL=90 -L -c
want_rc 1
want_err "ipvsctl: Message too long"
end

begin "a warning on a successful ack is shown"
run "FAKE_L4LB_WARN=weight ignored by rr" -e -t 10.0.0.1:80 -r 192.168.1.2 -w 3
want_rc 0
want_err "ipvsctl: warning: weight ignored by rr"
end

begin "-L --rate uses ipvsadm's rate columns"
run -L -n --rate
want_rc 0
want_out "l4lb version 0.1.0-fake (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  10.0.0.1:80                      1500     123K     100K     150M    2000M
  -> 192.168.1.2:80                      0        0        0        0        0
  -> 192.168.1.3:80                      5       10       20     3000     4000
TCP  10.0.0.2:443                        1        2        3        4        5
  -> 192.168.1.4:443                     0        0        0        0        0
UDP  10.0.0.1:53                         0        0        0        0        0"
end

begin "-L --rate --exact"
run -L --rate --exact -t 10.0.0.1:80
want_rc 0
want_out_has "TCP  10.0.0.1:80                      1500   123456   100000 150000000 2000000000"
end

begin "-L --rate from an older module prints zeros"
run FAKE_L4LB_OLD=1 -L --rate -t 10.0.0.2:443
want_rc 0
want_out_has "TCP  10.0.0.2:443                        0        0        0        0        0"
end

begin "-L --json has rates and idle_timeout"
run -L --json
want_rc 0
want_json "d[0]['stats']['cps'] == 1500 and d[0]['stats']['outbps'] == 2000000000 and
	d[0]['servers'][1]['stats']['inbps'] == 3000 and d[0]['idle_timeout'] == 0 and
	d[2]['idle_timeout'] == 30 and d[1]['stats']['inpps'] == 2"
end

begin "-L --json from an older module: rates 0"
run FAKE_L4LB_OLD=1 -L --json
want_rc 0
want_json "d[0]['stats']['cps'] == 0 and d[0]['stats']['conns'] == 123456 and
	d[2]['idle_timeout'] == 0"
end

begin "--info"
run --info
want_rc 0
want_out "l4lb v0.1.0-fake: 3 connections, table size 4096
dropped: conn_max 7, no_dest 0, nomem 123456789012, no_route 2, clash 5, dest_gone 6"
want_log "GET_INFO ack"
end

begin "--info --json"
run --info --json
want_rc 0
want_json "d == {'version': '0.1.0-fake', 'connections': 3, 'table_size': 4096,
	'dropped': {'conn_max': 7, 'no_dest': 0, 'nomem': 123456789012, 'no_route': 2,
		'clash': 5, 'dest_gone': 6}}"
end

begin "--info from an older module: drop counters 0"
run FAKE_L4LB_OLD=1 --info
want_rc 0
want_out_has "dropped: conn_max 0, no_dest 0, nomem 0, no_route 0, clash 0, dest_gone 0"
end

begin "-A --idle-timeout sends the attribute"
run -A -t 10.0.0.1:80 -s rr --idle-timeout 3600
want_rc 0
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=rr idle=3600 }"
end

begin "-E --idle-timeout 0 sends only that"
run -E -u 10.0.0.1:53 --idle-timeout 0
want_rc 0
want_log "SET_SERVICE ack service{ af=2 proto=17 addr=10.0.0.1 port=53 idle=0 }"
end

SAVED="-A -t 10.0.0.1:80 -s wlc
-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 1
-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 2
-A -t 10.0.0.2:443 -s wrr -p 360 -M 255.255.255.0
-a -t 10.0.0.2:443 -r 192.168.1.4:443 -g -w 3
-A -u 10.0.0.1:53 -s rr --idle-timeout 30"

begin "-S -n prints ipvsadm's save format, sorted"
run -S -n
want_rc 0
want_out "$SAVED"
want_err ""
want_log "GET_SERVICE dump
GET_DEST dump service{ af=2 proto=17 addr=10.0.0.1 port=53 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.2 port=443 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.1 port=80 }"
end

begin "-S without -n is numeric too"
run -S
want_rc 0
want_out "$SAVED"
end

begin "-S fails cleanly on a dump error"
run FAKE_L4LB_DUMP_FAIL=90 "FAKE_L4LB_EXTACK=dump interrupted" -S
want_rc 1
want_out ""
want_err "ipvsctl: dump interrupted"
end

begin "-R replays -S output in one sendmsg"
printf '%s\n' "$SAVED" >"$TMP/saved"
IN=$TMP/saved run -R
want_rc 0
want_out ""
want_err ""
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=wlc }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.2 port=80 fwd=0 weight=1 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.3 port=80 fwd=0 weight=2 }
NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.2 port=443 sched=wrr flags=1 timeout=360 netmask=255.255.255.0 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.2 port=443 } dest{ af=2 addr=192.168.1.4 port=443 fwd=3 weight=3 }
NEW_SERVICE ack service{ af=2 proto=17 addr=10.0.0.1 port=53 sched=rr idle=30 }"
want_sends "sendmsg 6"
end

begin "-R reads ipvsadm -Sn's scheduler flags"
printf '%s\n' "-A -t 10.0.0.3:80 -s mh -p 360 -b mh-fallback,mh-port" \
	"-a -t 10.0.0.3:80 -r 192.168.1.2:80 -g -w 1" >"$TMP/flags"
IN=$TMP/flags run -R
want_rc 0
want_err ""
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.3 port=80 sched=mh flags=1 timeout=360 schedflags=3 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.3 port=80 } dest{ af=2 addr=192.168.1.2 port=80 fwd=3 weight=1 }"
end

begin "-R: a parse error names the line and sends nothing"
printf '%s\n' "# header" "-A -t 10.0.0.1:80" "" "-a -t 10.0.0.1:80 -r 1.2.3.4 -w x" \
	"-A -t 10.0.0.2:80" >"$TMP/bad"
IN=$TMP/bad run -R
want_rc 2
want_err "ipvsctl: line 4: bad weight 'x' (expected an integer 0..65535)"
want_log ""
want_sends ""
end

begin "-R: a listing line is refused before anything is sent"
printf '%s\n' "-A -t 10.0.0.1:80" "-L -n" >"$TMP/bad"
IN=$TMP/bad run -R
want_rc 2
want_err "ipvsctl: line 2: -L (--list) cannot be used in a restore file (only -A -E -D -a -e -d -C -Z --set)"
want_log ""
end

begin "-R: empty input needs no module"
printf '%s\n' "# nothing" "" >"$TMP/empty"
IN=$TMP/empty run FAKE_L4LB_ABSENT=1 -R
want_rc 0
want_err ""
end

begin "-R: module not loaded"
IN=$TMP/saved run FAKE_L4LB_ABSENT=1 -R
want_rc 1
want_err "$NOT_LOADED"
end

begin "-R: a failed add stops the restore and undoes the rest of its batch"
printf '%s\n' "-A -t 10.0.0.1:80 -s rr" "-a -t 10.0.0.1:80 -r 192.168.1.2" \
	"ipvsadm -A -t 10.0.0.2:80" "-A -t 10.0.0.1:80" "-A -t 10.0.0.3:80" \
	"-a -t 10.0.0.3:80 -r 192.168.1.3" "-a -t 10.0.0.2:80 -r 192.168.1.4" \
	"-a -t 10.0.0.9:80 -r 192.168.1.5" "-A -u 10.0.0.1:53" >"$TMP/dup"
IN=$TMP/dup run FAKE_L4LB_STATE="$STATE" -R
want_rc 1
want_err "ipvsctl: line 4: service already exists"
want_state "service TCP 10.0.0.1:80
dest TCP 10.0.0.1:80 -> 192.168.1.2:80
service TCP 10.0.0.2:80"
want_sends "sendmsg 9
sendmsg 3"
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=rr }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.2 port=80 fwd=3 weight=1 }
NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.2 port=80 sched=wlc }
NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=wlc }
NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.3 port=80 sched=wlc }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.3 port=80 } dest{ af=2 addr=192.168.1.3 port=80 fwd=3 weight=1 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.2 port=80 } dest{ af=2 addr=192.168.1.4 port=80 fwd=3 weight=1 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.9 port=80 } dest{ af=2 addr=192.168.1.5 port=80 fwd=3 weight=1 }
NEW_SERVICE ack service{ af=2 proto=17 addr=10.0.0.1 port=53 sched=wlc }
DEL_SERVICE ack service{ af=2 proto=17 addr=10.0.0.1 port=53 }
DEL_DEST ack service{ af=2 proto=6 addr=10.0.0.2 port=80 } dest{ af=2 addr=192.168.1.4 port=80 }
DEL_SERVICE ack service{ af=2 proto=6 addr=10.0.0.3 port=80 }"
end

begin "-R: lines that cannot be undone go out alone"
printf '%s\n' "-A -t 10.0.0.1:80" "-a -t 10.0.0.1:80 -r 192.168.1.2" \
	"-E -t 10.0.0.1:80 -s rr" "-a -t 10.0.0.1:80 -r 192.168.1.3" \
	"-a -t 10.0.0.1:80 -r 192.168.1.4" "-e -t 10.0.0.1:80 -r 192.168.1.4 -w 0" \
	"-d -t 10.0.0.1:80 -r 192.168.1.3" "--set 0 0 60" "-Z" "-A -t 10.0.0.2:80" \
	"-D -t 10.0.0.2:80" "-A -t 10.0.0.3:80" "-a -t 10.0.0.3:80 -r 192.168.1.9" >"$TMP/mixed"
IN=$TMP/mixed run FAKE_L4LB_STATE="$STATE" -R
want_rc 0
want_err ""
want_sends "sendmsg 2
sendmsg 1
sendmsg 2
sendmsg 1
sendmsg 1
sendmsg 1
sendmsg 1
sendmsg 1
sendmsg 1
sendmsg 2"
want_state "service TCP 10.0.0.1:80
dest TCP 10.0.0.1:80 -> 192.168.1.2:80
dest TCP 10.0.0.1:80 -> 192.168.1.4:80
service TCP 10.0.0.3:80
dest TCP 10.0.0.3:80 -> 192.168.1.9:80"
end

begin "-R: a failed edit stops the restore, nothing after it is sent"
printf '%s\n' "-A -t 10.0.0.1:80" "-E -t 10.0.0.9:80 -s rr" "-A -t 10.0.0.2:80" >"$TMP/edit"
IN=$TMP/edit run FAKE_L4LB_STATE="$STATE" -R
want_rc 1
want_err "ipvsctl: line 2: no such service"
want_sends "sendmsg 1
sendmsg 1"
want_state "service TCP 10.0.0.1:80"
end

begin "-R: a failed -C after a batch"
printf '%s\n' "-A -t 10.0.0.1:80" "-A -t 10.0.0.2:80" "-C" "-A -t 10.0.0.3:80" >"$TMP/clear"
IN=$TMP/clear run FAKE_L4LB_FAIL_AT=3 FAKE_L4LB_FAIL=1 -R
want_rc 1
want_err "ipvsctl: line 3: permission denied (CAP_NET_ADMIN needed)"
want_sends "sendmsg 2
sendmsg 1"
end

begin "-R: warnings name their line"
printf '%s\n' "# c" "-A -t 10.0.0.1:80" "-a -t 10.0.0.1:80 -r 192.168.1.2" >"$TMP/warn"
IN=$TMP/warn run "FAKE_L4LB_WARN=weight ignored by rr" -R
want_rc 0
want_err "ipvsctl: line 2: warning: weight ignored by rr
ipvsctl: line 3: warning: weight ignored by rr"
end

begin "-R: the whole batch failing undoes nothing"
IN=$TMP/saved run FAKE_L4LB_FAIL=17 "FAKE_L4LB_EXTACK=service already exists" -R
want_rc 1
want_err "ipvsctl: line 1: service already exists"
want_sends "sendmsg 6"
end

# Generated restore files: $1 services with $2 servers each.
gen_restore() {
	python3 - "$1" "$2" <<'PY'
import sys
svcs, srvs = int(sys.argv[1]), int(sys.argv[2])
out = []
for i in range(svcs):
    vip = "10.%d.%d.1:80" % (i // 256, i % 256)
    out.append("-A -t %s -s rr" % vip)
    for j in range(srvs):
        out.append("-a -t %s -r 192.168.%d.%d:8080 -m -w 1" % (vip, j // 250, j % 250 + 1))
sys.stdout.write("\n".join(out) + "\n")
PY
}

# sendmsg sizes: "count sum max first" of $SLOG.
send_stats() {
	awk '{ n++; s += $2; if ($2 > m) m = $2; if (n == 1) f = $2 }
	     END { print n + 0, s + 0, m + 0, f + 0 }' "$SLOG"
}

begin "-R: a failure deep in a big file undoes only its own batch"
gen_restore 1000 1 >"$TMP/mid"
IN=$TMP/mid run FAKE_L4LB_FAIL_AT=700 "FAKE_L4LB_EXTACK=injected" -R
want_rc 1
want_err "ipvsctl: line 700: injected"
read -r nsend sum max first < <(send_stats)
# Batches of $first lines; line 700 is in batch b; the lines after it in
# that batch alternate -A (odd, undone) and -a (even, going with its -A).
b=$(((700 - 1) / first)) last=$(((700 - 1) / first * first + first))
((last > 2000)) && last=2000
undo=$(((last - 700 + 1) / 2))
[[ $nsend == $((b + 2)) && $sum == $((last + undo)) && $max == "$first" ]] ||
	why+=" sends $nsend/$sum/$max (batch $first, want $((b + 2))/$((last + undo)));"
((first >= 32 && first <= 256)) || why+=" batch of $first;"
[[ $(grep -c '^DEL_SERVICE' "$LOG") == "$undo" && $(grep -c '^DEL_DEST' "$LOG") == 0 ]] ||
	why+=" undo '$(grep -c '^DEL' "$LOG")' (want $undo DEL_SERVICE);"
[[ $(tail -n 1 "$LOG") == "DEL_SERVICE ack service{ af=2 proto=6 addr=10.1.94.1 port=80 }" ]] ||
	why+=" last undo '$(tail -n 1 "$LOG")';"
end

begin "-R: 110,000 lines go out in batches, fast"
gen_restore 10000 10 >"$TMP/big"
: >"$SLOG"
start=$(date +%s%N)
env LD_PRELOAD="$FAKE" FAKE_L4LB_SENDLOG="$SLOG" "$IPVSCTL" -R <"$TMP/big" >"$OUT" 2>"$ERR"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
want_rc 0
want_err ""
read -r nsend sum max first < <(send_stats)
[[ $sum == 110000 ]] || why+=" $sum requests sent;"
((max <= 256 && nsend <= 110000 / 32 + 1)) || why+=" $nsend sendmsg calls, max $max;"
((ms < 20000)) || why+=" took ${ms} ms;"
echo "# 110000 lines: $nsend sendmsg calls of up to $max requests, ${ms} ms"
end

# --- IPv6: FAKE_L4LB_IPV6 adds IPv6 services, servers and connections --
V6=FAKE_L4LB_IPV6=1

begin "IPv6: -Ln lists them after the IPv4 ones, addresses uncut"
run $V6 -Ln
want_rc 0
want_out "l4lb version 0.1.0-fake (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 wlc
  -> 192.168.1.2:80               Masq    1      0          0
  -> 192.168.1.3:80               Masq    2      5          1
TCP  10.0.0.2:443 wrr persistent 360 mask 255.255.255.0
  -> 192.168.1.4:443              Route   3      7          2
UDP  10.0.0.1:53 rr idle 30
TCP  [2001:db8::1]:80 wlc persistent 300 mask 64
  -> [2001:db8::10]:80            Route   1      0          0
  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080 Masq    2      5          1
TCP  [2001:db8::1]:443 wrr persistent 360
  -> 192.168.1.5:443              Tunnel  1      0          0
UDP  [2001:db8::53]:53 rr
  -> [2001:db8::2]:53             Masq    1      0          3"
want_log "GET_INFO ack
GET_SERVICE dump
GET_DEST dump service{ af=2 proto=17 addr=10.0.0.1 port=53 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.2 port=443 }
GET_DEST dump service{ af=2 proto=6 addr=10.0.0.1 port=80 }
GET_DEST dump service{ af=10 proto=17 addr=2001:db8::53 port=53 }
GET_DEST dump service{ af=10 proto=6 addr=2001:db8::1 port=80 }
GET_DEST dump service{ af=10 proto=6 addr=2001:db8::1 port=443 }"
end

begin "IPv6: -L -t one service"
run $V6 -L -n -t '[2001:db8::1]:80'
want_rc 0
want_out "Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  [2001:db8::1]:80 wlc persistent 300 mask 64
  -> [2001:db8::10]:80            Route   1      0          0
  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080 Masq    2      5          1"
want_log "GET_SERVICE ack service{ af=10 proto=6 addr=2001:db8::1 port=80 }
GET_DEST dump service{ af=10 proto=6 addr=2001:db8::1 port=80 }"
end

begin "IPv6: -L -t of a missing service"
run $V6 -L -t '[2001:db8::1]:81'
want_rc 1
want_err "ipvsctl: no such service"
end

begin "IPv6: -L --stats"
run $V6 -L --stats -u '[2001:db8::53]:53'
want_rc 0
want_out "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
UDP  [2001:db8::53]:53                   0        0        0        0        0
  -> [2001:db8::2]:53                    0        0        0        0        0"
end

begin "IPv6: -L --rate --exact, long addresses uncut"
run $V6 -L --rate --exact -t '[2001:db8::1]:80'
want_rc 0
want_out "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  [2001:db8::1]:80                    1       10        9     1000      900
  -> [2001:db8::10]:80                   0        0        0        0        0
  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080        1       10        9     1000      900"
end

begin "IPv6: -L --json has addresses as text and prefix_length"
run $V6 -L --json
want_rc 0
want_json "len(d) == 6 and d[3]['address'] == '2001:db8::1' and d[3]['port'] == 80 and
	d[3]['persistent'] is True and d[3]['timeout'] == 300 and d[3]['prefix_length'] == 64 and
	'netmask' not in d[3] and d[3]['servers'][1] == dict(d[3]['servers'][1],
		address='2001:db8:aaaa:bbbb:cccc:dddd:eeee:10', port=8080, forward='Masq') and
	d[4]['prefix_length'] == 128 and d[4]['servers'][0]['address'] == '192.168.1.5' and
	d[4]['servers'][0]['forward'] == 'Tunnel' and d[5]['protocol'] == 'UDP' and
	d[5]['persistent'] is False and 'prefix_length' not in d[5] and
	d[1]['netmask'] == '255.255.255.0' and 'prefix_length' not in d[1]"
end

begin "IPv6: -Lnc, fields past their column overflow as in ipvsadm"
run $V6 -Lnc
want_rc 0
want_out "l4lb connection entries
pro expire state       source             virtual            destination
TCP 01:01  FIN_WAIT    10.0.0.4:1025      10.0.0.1:80        192.168.1.3:80
TCP 14:59  ESTABLISHED 10.0.0.5:51234     10.0.0.1:80        192.168.1.2:80
TCP 05:59  NONE        10.1.2.0:0         10.0.0.2:443       192.168.1.4:443
UDP 04:59  UDP         10.0.0.9:40000     10.0.0.1:53        192.168.1.3:53
TCP 00:59  SYN_RECV    [2001:db8::7]:40001 [2001:db8::1]:80   192.168.1.7:80
TCP 14:59  ESTABLISHED [2001:db8::99]:51234 [2001:db8::1]:80   [2001:db8::10]:80
TCP 04:59  NONE        [2001:db8:1:2::]:0 [2001:db8::1]:80   [2001:db8::10]:80
UDP 04:59  UDP         [2001:db8::9]:40000 [2001:db8::53]:53  [2001:db8::2]:53"
want_log "GET_CONN dump"
end

begin "IPv6: -Lc --json"
run $V6 -L -c --json
want_rc 0
want_json "len(d) == 8 and d[5]['client'] == {'address': '2001:db8::99', 'port': 51234} and
	d[5]['virtual'] == {'address': '2001:db8::1', 'port': 80} and
	d[5]['server'] == {'address': '2001:db8::10', 'port': 80} and
	d[6]['template'] is True and d[6]['client'] == {'address': '2001:db8:1:2::', 'port': 0} and
	d[7]['protocol'] == 'UDP' and
	d[4]['server'] == {'address': '192.168.1.7', 'port': 80} and d[4]['forward'] == 'Tunnel'"
end

SAVED6="-A -t 10.0.0.1:80 -s wlc
-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 1
-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 2
-A -t 10.0.0.2:443 -s wrr -p 360 -M 255.255.255.0
-a -t 10.0.0.2:443 -r 192.168.1.4:443 -g -w 3
-A -u 10.0.0.1:53 -s rr --idle-timeout 30
-A -t [2001:db8::1]:80 -s wlc -p 300 -M 64
-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -g -w 1
-a -t [2001:db8::1]:80 -r [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080 -m -w 2
-A -t [2001:db8::1]:443 -s wrr -p 360
-a -t [2001:db8::1]:443 -r 192.168.1.5:443 -i -w 1 --tun-type ipip
-A -u [2001:db8::53]:53 -s rr
-a -u [2001:db8::53]:53 -r [2001:db8::2]:53 -m -w 1"

begin "IPv6: -S of a mixed table, as ipvsadm -Sn prints it"
run $V6 -S -n
want_rc 0
want_out "$SAVED6"
want_err ""
end

begin "IPv6: -R replays the mixed -S output"
printf '%s\n' "$SAVED6" >"$TMP/saved6"
IN=$TMP/saved6 run FAKE_L4LB_STATE="$STATE" -R
want_rc 0
want_err ""
want_log "NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.1 port=80 sched=wlc }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.2 port=80 fwd=0 weight=1 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=2 addr=192.168.1.3 port=80 fwd=0 weight=2 }
NEW_SERVICE ack service{ af=2 proto=6 addr=10.0.0.2 port=443 sched=wrr flags=1 timeout=360 netmask=255.255.255.0 }
NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.2 port=443 } dest{ af=2 addr=192.168.1.4 port=443 fwd=3 weight=3 }
NEW_SERVICE ack service{ af=2 proto=17 addr=10.0.0.1 port=53 sched=rr idle=30 }
NEW_SERVICE ack service{ af=10 proto=6 addr=2001:db8::1 port=80 sched=wlc flags=1 timeout=300 prefixlen=64 }
NEW_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=80 } dest{ af=10 addr=2001:db8::10 port=80 fwd=3 weight=1 }
NEW_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=80 } dest{ af=10 addr=2001:db8:aaaa:bbbb:cccc:dddd:eeee:10 port=8080 fwd=0 weight=2 }
NEW_SERVICE ack service{ af=10 proto=6 addr=2001:db8::1 port=443 sched=wrr flags=1 timeout=360 }
NEW_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=443 } dest{ af=2 addr=192.168.1.5 port=443 fwd=2 weight=1 }
NEW_SERVICE ack service{ af=10 proto=17 addr=2001:db8::53 port=53 sched=rr }
NEW_DEST ack service{ af=10 proto=17 addr=2001:db8::53 port=53 } dest{ af=10 addr=2001:db8::2 port=53 fwd=0 weight=1 }"
want_sends "sendmsg 13"
want_state "service TCP 10.0.0.1:80
dest TCP 10.0.0.1:80 -> 192.168.1.2:80
dest TCP 10.0.0.1:80 -> 192.168.1.3:80
service TCP 10.0.0.2:443
dest TCP 10.0.0.2:443 -> 192.168.1.4:443
service UDP 10.0.0.1:53
service TCP [2001:db8::1]:80
dest TCP [2001:db8::1]:80 -> [2001:db8::10]:80
dest TCP [2001:db8::1]:80 -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080
service TCP [2001:db8::1]:443
dest TCP [2001:db8::1]:443 -> 192.168.1.5:443
service UDP [2001:db8::53]:53
dest UDP [2001:db8::53]:53 -> [2001:db8::2]:53"
end

begin "IPv6: -R stops at a duplicate and undoes the rest of its batch"
printf '%s\n' "-A -t [2001:db8::1]:80 -p -M 48" "-a -t [2001:db8::1]:80 -r 2001:db8::10" \
	"-A -u [2001:db8::1]:80" "-A -t [2001:DB8:0::1]:80" "-A -t 10.0.0.1:80" \
	"-a -t [2001:db8::1]:80 -r [2001:db8::11]" >"$TMP/dup6"
IN=$TMP/dup6 run FAKE_L4LB_STATE="$STATE" -R
want_rc 1
want_err "ipvsctl: line 4: service already exists"
want_state "service TCP [2001:db8::1]:80
dest TCP [2001:db8::1]:80 -> [2001:db8::10]:80
service UDP [2001:db8::1]:80"
want_sends "sendmsg 6
sendmsg 2"
end

begin "IPv6: -A with persistence and a prefix length"
run -A -t '[2001:db8::1]:443' -s rr -p 600 -M 64
want_rc 0
want_err ""
want_log "NEW_SERVICE ack service{ af=10 proto=6 addr=2001:db8::1 port=443 sched=rr flags=1 timeout=600 prefixlen=64 }"
end

begin "IPv6: -M before -t is read once the family is known"
run -A -M 56 -p -u '[2001:db8::53]:53'
want_rc 0
want_log "NEW_SERVICE ack service{ af=10 proto=17 addr=2001:db8::53 port=53 sched=wlc flags=1 timeout=360 prefixlen=56 }"
run -E -M 24 -t 10.0.0.2:443
want_rc 0
want_log "SET_SERVICE ack service{ af=2 proto=6 addr=10.0.0.2 port=443 netmask=255.255.255.0 }"
end

begin "IPv6: -E sends only the prefix length"
run -E -t '[2001:db8::1]:443' -M 128
want_rc 0
want_log "SET_SERVICE ack service{ af=10 proto=6 addr=2001:db8::1 port=443 prefixlen=128 }"
end

begin "IPv6: -D, -Z and -C"
run -D -t '[2001:db8::1]:443'
want_rc 0
want_log "DEL_SERVICE ack service{ af=10 proto=6 addr=2001:db8::1 port=443 }"
run -Z -u '[2001:db8::53]:53'
want_rc 0
want_log "ZERO ack service{ af=10 proto=17 addr=2001:db8::53 port=53 }"
end

begin "IPv6: -a NAT server with a port, in brackets"
run -a -t '[2001:db8::1]:80' -r '[2001:db8::2]:8080' -m -w 3
want_rc 0
want_log "NEW_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=80 } dest{ af=10 addr=2001:db8::2 port=8080 fwd=0 weight=3 }"
end

begin "IPv6: -a server without a port, with or without brackets"
run -a -t '[2001:db8::1]:80' -r '[2001:db8::2]'
want_rc 0
want_log "NEW_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=80 } dest{ af=10 addr=2001:db8::2 port=80 fwd=3 weight=1 }"
run -a -t '[2001:db8::1]:80' -r 2001:db8::2:8080
want_rc 0
want_log "NEW_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=80 } dest{ af=10 addr=2001:db8::2:8080 port=80 fwd=3 weight=1 }"
end

begin "IPv6: a tunnel server of the other family"
run -a -t 10.0.0.1:80 -r '[2001:db8::2]' -i
want_rc 0
want_log "NEW_DEST ack service{ af=2 proto=6 addr=10.0.0.1 port=80 } dest{ af=10 addr=2001:db8::2 port=80 fwd=2 weight=1 }"
run -a -u '[2001:db8::53]:53' -r 192.168.1.5 -i
want_rc 0
want_log "NEW_DEST ack service{ af=10 proto=17 addr=2001:db8::53 port=53 } dest{ af=2 addr=192.168.1.5 port=53 fwd=2 weight=1 }"
end

begin "IPv6: -e and -d"
run -e -t '[2001:db8::1]:80' -r '[2001:db8::2]:8080' -w 0
want_rc 0
want_log "SET_DEST ack service{ af=10 proto=6 addr=2001:db8::1 port=80 } dest{ af=10 addr=2001:db8::2 port=8080 weight=0 }"
run -d -u '[2001:db8::53]:53' -r 2001:db8::2
want_rc 0
want_log "DEL_DEST ack service{ af=10 proto=17 addr=2001:db8::53 port=53 } dest{ af=10 addr=2001:db8::2 port=53 }"
end

begin "IPv6: the kernel's refusal is shown"
run FAKE_L4LB_FAIL=22 "FAKE_L4LB_EXTACK=a server of another family needs a tunnel" \
	-e -t '[2001:db8::1]:80' -r 192.168.1.2 -w 2
want_rc 1
want_err "ipvsctl: a server of another family needs a tunnel"
end

begin "-v shows both versions"
run -v
want_rc 0
[[ $(cat "$OUT") =~ ^ipvsctl\ v[^\ ]+\ \(l4lb\ module\ v0\.1\.0-fake\)$ ]] ||
	why+=" stdout '$(flat "$OUT")';"
end

begin "module not loaded: -Ln"
run FAKE_L4LB_ABSENT=1 -Ln
want_rc 1
want_out ""
want_err "$NOT_LOADED"
end

begin "module not loaded: -v prints the CLI version first"
run FAKE_L4LB_ABSENT=1 -v
want_rc 1
[[ $(cat "$OUT") =~ ^ipvsctl\ v[^\ ]+$ ]] || why+=" stdout '$(flat "$OUT")';"
want_err "$NOT_LOADED"
end

begin "usage errors send nothing"
run -a -t 10.0.0.1:80 -r 192.168.1.2:8080
want_rc 2
want_log ""
want_err "ipvsctl: -g/-i (direct routing/tunnel) cannot map ports; server port 8080 differs from service port 80 (use -m for NAT, or omit the server port)"
end

# Each row: arguments | the exact message; exit 2 and nothing sent. No
# globbing: "[::1]:80" is a bracket expression to the shell.
set -f
while IFS='|' read -r args msg; do
	begin "usage error, nothing sent: $args"
	# shellcheck disable=SC2086
	run $args
	want_rc 2
	want_log ""
	want_err "ipvsctl: $msg"
	end
done <<'EOF'
-A -t 10.0.0.256:80|bad service address '10.0.0.256' (expected an IPv4 address:PORT)
-A -t 10.0.0.1:0|port 0 is out of range in service '10.0.0.1:0' (expected 1..65535)
-A -u 10.0.0.1:65536|bad port '65536' in service '10.0.0.1:65536' (expected 1..65535)
-A -t [::1]|missing port in service '[::1]' (expected [ADDRESS]:PORT)
-A -t 2001:db8::1:80|missing port in service '2001:db8::1:80' (expected [ADDRESS]:PORT: a port after an IPv6 address needs the brackets)
-A -u [2001:db8::1:53|unclosed '[' in service '[2001:db8::1:53' (expected [ADDRESS]:PORT)
-d -t [::1]:80 -r [::2|unclosed '[' in real server '[::2' (expected [ADDRESS][:PORT])
-A -t [::1]80|unexpected '80' after ']' in service '[::1]80' (expected [ADDRESS]:PORT)
-A -t [::g]:80|bad service address '::g' (expected [an IPv6 address]:PORT)
-a -t [::1]:80 -r ::1::2|bad real server address '::1::2' (expected [an IPv6 address][:PORT])
-A -t [::1]:0|port 0 is out of range in service '[::1]:0' (expected 1..65535)
-a -t [::1]:80 -r [::2]:65536 -m|bad port '65536' in real server '[::2]:65536' (expected 0..65535)
-A -t [::1]:80 -p -M 255.255.255.0|bad netmask '255.255.255.0' for an IPv6 service (expected a prefix length 1..128, not a dotted mask)
-E -M 129 -t [::1]:80|bad netmask '129' for an IPv6 service (expected a prefix length 1..128)
-A -t 10.0.0.1:80 -p -M 64|bad netmask '64' for an IPv4 service (expected a contiguous mask like 255.255.255.0, or 0..32; longer prefixes are for IPv6 services)
-a -t [::1]:80 -r 192.168.1.2|an IPv4 real server of an IPv6 service needs -i (--ipip): only a tunnel crosses address families
-e -t 10.0.0.1:80 -r [::2] -m|an IPv6 real server of an IPv4 service needs -i (--ipip): only a tunnel crosses address families
-a -t 10.0.0.1:80 -r 192.168.1.2 -m -w 70000|bad weight '70000' (expected an integer 0..65535)
-a -t 10.0.0.1:80 -r 192.168.1.2 -m -g|conflicting forwarding methods: -m (--masquerading) and -g (--gatewaying)
-a -t 10.0.0.1:80|-a (--add-server) needs a real server: -r ADDRESS[:PORT]
-A -t 10.0.0.1:80 -p 0|bad persistence timeout '0' (expected seconds, 1..4294967295)
-A -t 10.0.0.1:80 -M 255.0.255.0|bad netmask '255.0.255.0' (expected a contiguous mask like 255.255.255.0, or 0..32)
-A -t 10.0.0.1:80 -s|option -s needs an argument
-A -t 10.0.0.1:80 -u 10.0.0.1:53|only one service (-t/-u) may be given
-E -t 10.0.0.1:80 -r 1.2.3.4|-r (--real-server) needs -a, -e or -d, not -E (--edit-service)
-A -t 10.0.0.1:80 -f 5|unknown option -f (try 'ipvsctl -h')
--set 1 2|--set needs three values: tcp tcpfin udp (seconds, 0 keeps the current value)
-Z -C|conflicting commands: -Z (--zero) and -C (--clear)
EOF
set +f

begin "no arguments: short usage, exit 2"
run
want_rc 2
want_out ""
grep -q "ipvsctl -h" "$ERR" || why+=" stderr '$(flat "$ERR")';"
end

begin "-h prints the usage"
run -h
want_rc 0
want_out_has "--add-service"
want_out_has "--json"
end

MAN=../../tools/ipvsctl/ipvsctl.8
COMP=../../tools/ipvsctl/ipvsctl.bash-completion

begin "the man page renders without groff warnings"
if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww "$MAN" >/dev/null 2>"$ERR" || why+=" groff failed;"
	[[ -s $ERR ]] && why+=" $(flat "$ERR");"
else
	why+=" groff is missing (package groff-base, scripts/deps);"
fi
end

# ipvsctl's own tables (tools/ipvsctl/opts.c, fmt.c), which getopt and -h
# are made from; the man page, the completion and the module must agree.
./cli_tables >"$TMP/tables" || echo "not ok - cli: cli_tables failed"
table() { sed -n "s/^$1 //p" "$TMP/tables"; }
# Every spelling of every option: -L, -l, --list ...
table_words() {
	table opt | while read -r short alias long _; do
		[[ $short != - ]] && printf -- '-%s\n' "$short"
		[[ $alias != - ]] && printf -- '-%s\n' "$alias"
		printf -- '--%s\n' "$long"
	done | sort
}
# A man page section, from its .SH line to the next.
man_section() { awk -v s=".SH $1" '/^\.SH /{ on = $0 == s } on' "$MAN"; }
# roff to text: "\-" to "-", no fonts or quotes; .BR a ", " b to "a, b".
unroff() {
	sed -E 's/^\.[A-Z]+ //; s/\\f[BIRP]//g; s/\\-/-/g; s/"//g; s/ , /, /g; s/ +/ /g; s/ $//'
}
# -s's words in the completion, e.g. "-s | --scheduler)" -> its compgen -W.
comp_words_after() {
	awk -v p="$1" '$0 ~ "^\t" p "\\)$" { on = 1; next }
		on && /compgen -W/ { sub(/.*compgen -W '\''/, ""); sub(/'\''.*/, ""); print; exit }' "$COMP" |
		tr ' ' '\n' | sed '/^$/d'
}

begin "man page, -h and completion know every long option"
run -h
opts=$(table opt | cut -d' ' -f3)
[[ $(wc -w <<<"$opts") -ge 30 ]] || why+=" only found '$opts';"
for opt in $opts; do
	grep -qF -- "\\-\\-${opt//-/\\-}" "$MAN" || why+=" man lacks --$opt;"
	grep -qF -- "--$opt" "$OUT" || why+=" -h lacks --$opt;"
	grep -qF -- "--$opt" "$COMP" || why+=" completion lacks --$opt;"
done
end

begin "-h spells each option of the table, in its order, and no other"
# The lines that start an option in Commands: and Options: (not the ones
# that go on with its help) must be the table's spellings, one by one.
bad=$(table spelling | awk 'NR == FNR { w[++n] = $0; next }
	/^(Commands|Options):$/ { on = 1; next }
	/^$/ { on = 0 }
	on && /^  (-[a-zA-Z], |    --)/ {
		if (index($0, "  " w[++k] " ") != 1) print "line " k " is \"" $0 "\"" }
	END { if (k != n) print k " option lines, want " n }' - "$OUT")
[[ -z $bad ]] || why+=" $(tr '\n' '|' <<<"$bad");"
end

begin "man page: COMMANDS and OPTIONS describe exactly the table's options"
# Each .TP heading, e.g. ".BR \-p \", \" \-\-persistent \" [\fItimeout\fR]\"";
# the table's arguments are in capitals, the man page's in italics.
want=$(table spelling | sed -E 's/^ *//; s/(--[a-z-]+)(.*)/\1\L\2/' | sort)
got=$({ man_section COMMANDS; man_section OPTIONS; } |
	awk 'prev == ".TP" { print } { prev = $0 }' | unroff | sort)
[[ $got == "$want" ]] ||
	why+=" $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' '|');"
end

begin "man page: no option outside the table but under COMPATIBILITY WITH IPVSADM"
# ipvsadm's options that l4lb lacks are named there, and only there.
extra=$(awk '/^\.SH /{ skip = $0 == ".SH COMPATIBILITY WITH IPVSADM" } !skip' "$MAN" |
	grep -oE '(^|[^a-zA-Z0-9\\])\\-(\\-[a-z][a-z\\-]*[a-z]|[a-zA-Z]\b)' | sed -E 's/^[^\\]//' |
	sed 's/\\-/-/g' | sort -u | comm -23 - <(table_words))
[[ -z $extra ]] || why+=" not in the table: $(tr '\n' ' ' <<<"$extra");"
ipvsadm_only=$(man_section "COMPATIBILITY WITH IPVSADM" | grep -oE '\\-\\-[a-z][a-z\\-]*[a-z]' |
	sed 's/\\-/-/g' | sort -u | comm -12 - <(table_words) | grep -vxE -- '--(stats|rate|json|idle-timeout|info|tun-type)')
[[ -z $ipvsadm_only ]] || why+=" named as unsupported but in the table: $ipvsadm_only;"
end

begin "bash completion offers exactly the table's options"
got=$(sed -n "/local opts='/,/'\$/p" "$COMP" | sed "s/.*opts='//; s/'\$//" | tr -s ' \t' '\n\n' |
	sed '/^$/d' | sort)
[[ $got == "$(table_words)" ]] ||
	why+=" $(diff <(table_words) <(echo "$got") | grep '^[<>]' | tr '\n' '|');"
end

begin "bash completion completes an argument after exactly the options that take one"
# The case patterns on lines of their own: "	-s | --scheduler)".
got=$(grep -E $'^\t-[-a-zA-Z |]*\\)$' "$COMP" | tr -d '\t)' | tr '|' '\n' | tr -d ' ' | sort)
want=$(table opt | awk '$4 == "ARG" { if ($1 != "-") print "-" $1; print "--" $3 }' | sort)
[[ $got == "$want" ]] || why+=" $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' '|');"
end

begin "schedulers: ipvsctl's list is the module's registry, the man page's and the completion's"
want=$(table sched)
[[ -n $want ]] || why+=" no schedulers in the table;"
grep -qxF -- "$(table default)" <<<"$want" || why+=" default '$(table default)' unknown;"
# The module: every struct l4lb_sched_ops its sources define, by .name.
mod=$(find ../../src -name '*.c' -exec awk '
	/^(static )?const struct l4lb_sched_ops [a-z0-9_]+ = \{/ { on = 1 }
	on && /\.name[ \t]*=/ { s = $0; sub(/^[^"]*"/, "", s); sub(/".*/, "", s); print s }
	on && /^\};/ { on = 0 }' {} + | sort)
[[ -n $mod ]] || why+=" no scheduler found in ../../src;"
[[ $mod == "$(sort <<<"$want")" ]] || why+=" module '$(tr '\n' ' ' <<<"$mod")';"
man=$(man_section SCHEDULERS | awk 'prev == ".TP" { print } { prev = $0 }' | unroff)
[[ $man == "$want" ]] || why+=" man page '$(tr '\n' ' ' <<<"$man")';"
# The man page quotes the kernel's message for an unknown one.
known=$(sed -n 's/^ipvsctl: unknown scheduler (known: \(.*\))$/\1/p' "$MAN" | tr -d ',' | tr ' ' '\n')
[[ $known == "$want" ]] || why+=" man page's example 'known: $(tr '\n' ' ' <<<"$known")';"
comp=$(comp_words_after '-s \\| --scheduler')
[[ $comp == "$want" ]] || why+=" completion '$(tr '\n' ' ' <<<"$comp")';"
run -h
grep -qF -- "$(table sched | paste -sd' ' | sed -E 's/ /, /g; s/, ([^,]*)$/ or \1/') (default $(table default))" "$OUT" ||
	why+=" -h lacks the list;"
end

begin "TCP states: the man page lists ipvsctl's names"
# "TCP states are .BR SYN_RECV ... CLOSE ." up to the next paragraph; NONE
# is the persistence templates' (and is described with them).
man=$(man_section "LISTING FORMATS" | sed -n '/^TCP states are$/,/^\.PP$/p' | grep -vx '\.PP' | unroff |
	grep -oE '\b[A-Z][A-Z_]+\b' | grep -vx TCP)
want=$(table state | grep -vx NONE)
[[ $man == "$want" ]] || why+=" man page '$(tr '\n' ' ' <<<"$man")' (want '$(tr '\n' ' ' <<<"$want")');"
grep -qE '^\.B NONE$' "$MAN" || why+=" man page lacks NONE;"
end

begin "bash completion: schedulers, services, servers"
mkdir -p "$TMP/bin"
printf '#!/bin/sh\nLD_PRELOAD=%q exec %q "$@"\n' "$FAKE" "$(realpath "$IPVSCTL")" >"$TMP/bin/ipvsctl"
chmod +x "$TMP/bin/ipvsctl"
PATH=$TMP/bin:$PATH bash -c '
	source "$1"
	t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ipvsctl; echo "${COMPREPLY[*]}"; }
	t ipvsctl -A -t 10.0.0.9:80 -s w
	t ipvsctl -e -t ""
	t ipvsctl -d -u ""
	t ipvsctl -d -t 10.0.0.1:80 -r ""
	t ipvsctl -L --ra' _ "$COMP" >"$OUT" 2>"$ERR"
want_out "wrr wlc
10.0.0.1:80 10.0.0.2:443
10.0.0.1:53
192.168.1.2:80 192.168.1.3:80
--rate"
want_err ""
end

begin "bash completion: IPv6 services, servers and prefix lengths"
FAKE_L4LB_IPV6=1 PATH=$TMP/bin:$PATH bash -c '
	source "$1"
	t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ipvsctl; echo "${COMPREPLY[*]}"; }
	t ipvsctl -e -t ""
	t ipvsctl -d -t "[2001:db8::1]:80" -r ""
	t ipvsctl -d -t "[2001:db8::1]:443" -r ""
	t ipvsctl -A -t "[2001:db8::9]:80" -p -M ""
	t ipvsctl -A -t 10.0.0.9:80 -p -M 2' _ "$COMP" >"$OUT" 2>"$ERR"
want_out "10.0.0.1:80 10.0.0.2:443 [2001:db8::1]:80 [2001:db8::1]:443
[2001:db8::10]:80 [2001:db8:aaaa:bbbb:cccc:dddd:eeee:10]:8080
192.168.1.5:443
128 64 56 48
255.255.255.255 255.255.255.0 255.255.0.0 24"
want_err ""
end

begin "one list of bad kernel-log patterns: scripts/bad-klog.sh, sourced by vm-run and lib.sh"
KLOG=../../scripts/bad-klog.sh
for f in ../../scripts/vm-run ../../tests/vm/lib.sh; do
	grep -qE '^\. "\$[A-Z0-9_]*ROOT/scripts/bad-klog\.sh"$' "$f" || why+=" $f does not source it;"
done
# Whoever else sets the variable keeps a list of its own.
own=$(grep -rlE '\bBAD_KLOG\+?=' ../../scripts ../../tests ../../Makefile 2>/dev/null |
	grep -vxF -e "$KLOG" -e ../../tests/unit/run.sh)
[[ -z $own ]] || why+=" lists of their own: $(tr '\n' ' ' <<<"$own");"
re=$(. "$KLOG" && printf '%s' "$BAD_KLOG")
grep -E -- "$re" </dev/null 2>"$ERR"
[[ $? == 1 && ! -s $ERR ]] || why+=" not a valid grep -E pattern: $(flat "$ERR");"
while IFS= read -r line; do
	grep -qE -- "$re" <<<"$line" || why+=" misses '$line';"
done <<'EOF_BAD'
[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   12.345678] WARNING: CPU: 1 PID: 42 at net/l4lb/conn.c:120 l4lb_conn_put+0x1/0x2 [l4lb]
[   12.345678] BUG kmalloc-128 (Tainted: G           O      ): Left Redzone overwritten
[   12.345678] Redzone  ffff888003a1b2c0: bb bb bb bb bb bb bb bb
[   12.345678] BUG l4lb_conn (Tainted: G  O): Object padding overwritten
[   12.345678] l4lb_conn: Padding overwritten. 0x000000001-0x00000002 @offset=3
[   12.345678] Freechain corrupt
[   12.345678] refcount_t: underflow; use-after-free.
[   12.345678] BUG: KASAN: slab-use-after-free in l4lb_conn_put+0x10/0x20 [l4lb]
[   12.345678] WARNING: possible circular locking dependency detected
[   12.345678] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
[   12.345678] unregister_netdevice: waiting for veth0 to become free. Usage count = 2
EOF_BAD
while IFS= read -r line; do
	! grep -qE -- "$re" <<<"$line" || why+=" takes '$line' for trouble;"
done <<'EOF_GOOD'
[    1.234567] l4lb: loading out-of-tree module taints kernel.
[    1.234567] Kernel command line: console=ttyS0 slub_debug=FZPU
[    1.234567] IPVS: Registered protocols (TCP, UDP)
[    1.234567] debugbus: ready
EOF_GOOD
end

# quoted FILE VAR SUITE: README.md quotes docs/FILE verbatim (the fenced
# block whose first line is the file's) and tests/vm/SUITE runs it, as
# VAR=$L4LB_ROOT/docs/FILE.
quoted() {
	local conf=../../docs/$1 var=$2 suite=../../tests/vm/$3 block
	block=$(awk -v first="$(head -n 1 "$conf")" '
		inside && /^```/ { exit }
		inside { print; next }
		prev ~ /^```/ && $0 == first { inside = 1; print }
		{ prev = $0 }' ../../README.md)
	[[ -n $block ]] || why+=" README.md has no block starting with '$(head -n 1 "$conf")';"
	[[ -z $block || $block == "$(cat "$conf")" ]] ||
		why+=" README.md's block of $1 differs: $(diff <(printf '%s\n' "$block") "$conf" | head -n 5 | tr '\n' '|');"
	grep -qxF "$var=\$L4LB_ROOT/docs/$1" "$suite" || why+=" $3 does not run $1;"
}

begin "README.md quotes docs/keepalived.conf verbatim, the file tests/vm/keepalived.sh runs"
quoted keepalived.conf KA_CONF keepalived.sh
end

begin "README.md quotes docs/bird-director.conf verbatim, the file tests/vm/ecmp.sh runs"
quoted bird-director.conf BIRD_DIRECTOR ecmp.sh
grep -qxF 'BIRD_ROUTER=$L4LB_ROOT/docs/bird-router.conf' ../../tests/vm/ecmp.sh ||
	why+=" ecmp.sh does not run docs/bird-router.conf;"
grep -qF '(docs/bird-router.conf)' ../../README.md || why+=" README.md does not link docs/bird-router.conf;"
end

# Without the fake, on a host where the module cannot be loaded.
if ! grep -qw '^l4lb' /proc/modules 2>/dev/null; then
	begin "real kernel without the module: -Ln"
	"$IPVSCTL" -Ln >"$OUT" 2>"$ERR"
	rc=$?
	want_rc 1
	want_err "$NOT_LOADED"
	end
fi

echo "$passed passed, $failed failed"
((failed == 0))
