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
OUT=$TMP/out ERR=$TMP/err LOG=$TMP/log

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
# run [VAR=value...] ARGS...: run ipvsctl under the fake kernel.
run() {
	local envs=()

	while [[ $1 == [A-Z]*=* ]]; do
		envs+=("$1")
		shift
	done
	: >"$LOG"
	env LD_PRELOAD="$FAKE" FAKE_L4LB_LOG="$LOG" "${envs[@]}" "$IPVSCTL" "$@" >"$OUT" 2>"$ERR"
	rc=$?
}

begin() { name=$1 why=; }
flat() { tr '\n' '|' <"$1"; }
want_rc() { [[ $rc == "$1" ]] || why+=" exit $rc (want $1);"; }
want_out() { [[ $(cat "$OUT") == "$1" ]] || why+=" stdout '$(flat "$OUT")';"; }
want_out_has() { grep -qF -- "$1" "$OUT" || why+=" stdout '$(flat "$OUT")' lacks '$1';"; }
want_err() { [[ $(cat "$ERR") == "$1" ]] || why+=" stderr '$(flat "$ERR")' (want '$1');"; }
want_log() { [[ $(cat "$LOG") == "$1" ]] || why+=" sent '$(flat "$LOG")' (want '$1');"; }
want_json() {
	# $1: a python expression over the parsed document d that must hold.
	if ! command -v python3 >/dev/null; then
		why+=" python3 missing, cannot check JSON;"
	elif ! python3 -m json.tool "$OUT" >/dev/null 2>"$TMP/json"; then
		why+=" invalid JSON: $(flat "$TMP/json");"
	elif ! python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$OUT"; then
		why+=" JSON fails: $1;"
	fi
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
UDP  10.0.0.1:53 rr"
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

begin "-L -t lists one service"
run -L -t 10.0.0.2:443
want_rc 0
want_out "l4lb version 0.1.0-fake (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.2:443 wrr persistent 360 mask 255.255.255.0
  -> 192.168.1.4:443              Route   3      7          2"
want_log "GET_INFO ack
GET_SERVICE ack service{ af=2 proto=6 addr=10.0.0.2 port=443 }
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
UDP 04:59  UDP         10.0.0.9:40000     10.0.0.1:53        192.168.1.3:53"
want_log "GET_CONN dump"
end

begin "-Lc --json"
run -L -c --json
want_rc 0
want_json "len(d) == 3 and d[1]['state'] == 'ESTABLISHED' and d[1]['client'] ==
	{'address': '10.0.0.5', 'port': 51234} and d[1]['expires_ms'] == 899999"
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
