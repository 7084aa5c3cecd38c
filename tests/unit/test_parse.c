// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for ipvsctl's command-line parser and formatting helpers.
 * Good command lines are checked through a canonical one-line description
 * of the parsed request; bad ones through the exit code and a substring
 * of the message.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "parse.h"
#include "test_util.h"

int tests_passed, tests_failed;

#define ARGS(...) ((const char *[]){ "ipvsctl", __VA_ARGS__, NULL })

struct parse_case {
	const char *name;
	const char **argv;
	int rc;			/* 0 or EXIT_USAGE */
	const char *want;	/* description when rc is 0, else message substring */
};

static const struct parse_case cases[] = {
	/* Services. */
	{ "add tcp service, default scheduler", ARGS("-A", "-t", "10.0.0.1:80"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:80 sched=wlc" },
	{ "add udp service with -s", ARGS("-A", "-u", "10.0.0.1:53", "-s", "rr"), 0,
	  "cmd=-A svc=UDP:10.0.0.1:53 sched=rr" },
	{ "add service, long options",
	  ARGS("--add-service", "--tcp-service", "10.0.0.1:80", "--scheduler", "wrr"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:80 sched=wrr" },
	{ "edit service without -s sends no scheduler", ARGS("-E", "-t", "10.0.0.1:80"), 0,
	  "cmd=-E svc=TCP:10.0.0.1:80" },
	{ "edit service scheduler", ARGS("-E", "-t", "10.0.0.1:80", "-s", "lc"), 0,
	  "cmd=-E svc=TCP:10.0.0.1:80 sched=lc" },
	{ "persistent with default timeout", ARGS("-A", "-t", "10.0.0.1:443", "-p"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:443 sched=wlc persist=360" },
	{ "persistent timeout as next word and netmask",
	  ARGS("-A", "-t", "10.0.0.1:443", "-p", "600", "-M", "255.255.255.0"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:443 sched=wlc persist=600 mask=255.255.255.0" },
	{ "persistent timeout attached", ARGS("-A", "-t", "10.0.0.1:443", "-p600", "-s", "rr"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:443 sched=rr persist=600" },
	{ "--persistent=120 and prefix netmask",
	  ARGS("-E", "-t", "10.0.0.1:443", "--persistent=120", "--netmask", "16"), 0,
	  "cmd=-E svc=TCP:10.0.0.1:443 persist=120 mask=255.255.0.0" },
	{ "edit netmask alone", ARGS("-E", "-t", "10.0.0.1:443", "-M", "255.255.255.255"), 0,
	  "cmd=-E svc=TCP:10.0.0.1:443 mask=255.255.255.255" },
	{ "delete service", ARGS("-D", "-u", "10.0.0.1:53"), 0, "cmd=-D svc=UDP:10.0.0.1:53" },
	{ "add service with an idle timeout",
	  ARGS("-A", "-t", "10.0.0.1:80", "-s", "rr", "--idle-timeout", "3600"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:80 sched=rr idle=3600" },
	{ "edit idle timeout back to the global ones",
	  ARGS("-E", "-u", "10.0.0.1:53", "--idle-timeout", "0"), 0,
	  "cmd=-E svc=UDP:10.0.0.1:53 idle=0" },
	{ "idle timeout after persistence, --opt=value",
	  ARGS("-A", "-t", "10.0.0.1:443", "-p", "--idle-timeout=4294967295"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:443 sched=wlc persist=360 idle=4294967295" },
	{ "mh with both scheduler flags, as ipvsadm -S writes them",
	  ARGS("-A", "-t", "10.0.0.1:80", "-s", "mh", "-b", "mh-fallback,mh-port"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:80 sched=mh schedflags=3" },
	{ "sh port flag, long option, -b before -s",
	  ARGS("-A", "-u", "10.0.0.1:53", "--sched-flags=sh-port", "-s", "sh"), 0,
	  "cmd=-A svc=UDP:10.0.0.1:53 sched=sh schedflags=2" },
	{ "edit: scheduler flags alone, the kernel checks the scheduler",
	  ARGS("-E", "-t", "10.0.0.1:80", "-b", "mh-fallback"), 0,
	  "cmd=-E svc=TCP:10.0.0.1:80 schedflags=1" },
	{ "empty words in the flag list are skipped, as by ipvsadm",
	  ARGS("-A", "-t", "10.0.0.1:80", "-s", "mh", "-b", ",mh-port,"), 0,
	  "cmd=-A svc=TCP:10.0.0.1:80 sched=mh schedflags=2" },
	{ "edit: an empty list clears the scheduler flags",
	  ARGS("-E", "-t", "10.0.0.1:80", "-b", ""), 0,
	  "cmd=-E svc=TCP:10.0.0.1:80 schedflags=0" },

	/* Real servers. */
	{ "add server: port, -g and weight 1 default",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2"), 0,
	  "cmd=-a svc=TCP:10.0.0.1:80 dest=192.168.1.2:80 fwd=Route weight=1" },
	{ "add NAT server mapping the port",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2:8080", "-m", "-w", "5"), 0,
	  "cmd=-a svc=TCP:10.0.0.1:80 dest=192.168.1.2:8080 fwd=Masq weight=5" },
	{ "add tunnel server", ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2", "-i"), 0,
	  "cmd=-a svc=TCP:10.0.0.1:80 dest=192.168.1.2:80 fwd=Tunnel weight=1" },
	{ "add DR server with the same explicit port",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2:80", "-g", "-w", "65535"), 0,
	  "cmd=-a svc=TCP:10.0.0.1:80 dest=192.168.1.2:80 fwd=Route weight=65535" },
	{ "add server, long options",
	  ARGS("--add-server", "--udp-service", "10.0.0.1:53", "--real-server", "192.168.1.3:5353",
	       "--masquerading", "--weight", "3"), 0,
	  "cmd=-a svc=UDP:10.0.0.1:53 dest=192.168.1.3:5353 fwd=Masq weight=3" },
	{ "NAT server port 0 is allowed",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2:0", "-m"), 0,
	  "cmd=-a svc=TCP:10.0.0.1:80 dest=192.168.1.2:0 fwd=Masq weight=1" },
	{ "edit server sends only the weight",
	  ARGS("-e", "-t", "10.0.0.1:80", "-r", "192.168.1.2:8080", "-w", "0"), 0,
	  "cmd=-e svc=TCP:10.0.0.1:80 dest=192.168.1.2:8080 weight=0" },
	{ "edit server forwarding only",
	  ARGS("-e", "-t", "10.0.0.1:80", "-r", "192.168.1.2", "--ipip"), 0,
	  "cmd=-e svc=TCP:10.0.0.1:80 dest=192.168.1.2:80 fwd=Tunnel" },
	{ "tunnel server as ipvsadm -S writes it",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2:80", "-i", "-w", "3", "--tun-type",
	       "ipip"), 0, "cmd=-a svc=TCP:10.0.0.1:80 dest=192.168.1.2:80 fwd=Tunnel weight=3" },
	{ "edit to a tunnel, naming its type",
	  ARGS("-e", "-t", "10.0.0.1:80", "-r", "192.168.1.2", "--tun-type=ipip", "-i"), 0,
	  "cmd=-e svc=TCP:10.0.0.1:80 dest=192.168.1.2:80 fwd=Tunnel" },
	{ "delete server", ARGS("-d", "-t", "10.0.0.1:80", "-r", "192.168.1.2"), 0,
	  "cmd=-d svc=TCP:10.0.0.1:80 dest=192.168.1.2:80" },

	/* Other commands. */
	{ "clear", ARGS("-C"), 0, "cmd=-C" },
	{ "zero all", ARGS("--zero"), 0, "cmd=-Z" },
	{ "zero one service", ARGS("-Z", "-t", "10.0.0.1:80"), 0, "cmd=-Z svc=TCP:10.0.0.1:80" },
	{ "list -Ln", ARGS("-Ln"), 0, "cmd=-L list=n" },
	{ "list -l with stats and exact", ARGS("-l", "--stats", "--exact", "-n"), 0,
	  "cmd=-L list=n,stats,exact" },
	{ "list connections as JSON", ARGS("-L", "-c", "--json"), 0, "cmd=-L list=c,json" },
	{ "list one service", ARGS("--list", "-t", "10.0.0.1:80", "--numeric"), 0,
	  "cmd=-L svc=TCP:10.0.0.1:80 list=n" },
	{ "list timeouts", ARGS("-L", "--timeout"), 0, "cmd=-L list=timeout" },
	{ "list rates", ARGS("-L", "-n", "--rate"), 0, "cmd=-L list=n,rate" },
	{ "list rates of one service, exact",
	  ARGS("-L", "--rate", "--exact", "-t", "10.0.0.1:80"), 0,
	  "cmd=-L svc=TCP:10.0.0.1:80 list=rate,exact" },
	{ "save", ARGS("-S"), 0, "cmd=-S" },
	{ "save numeric, ipvsadm style", ARGS("-S", "-n"), 0, "cmd=-S list=n" },
	{ "save, long option", ARGS("--save", "--numeric"), 0, "cmd=-S list=n" },
	{ "save as -Sn", ARGS("-Sn"), 0, "cmd=-S list=n" },
	{ "restore", ARGS("-R"), 0, "cmd=-R" },
	{ "restore, long option", ARGS("--restore"), 0, "cmd=-R" },
	{ "info", ARGS("--info"), 0, "cmd=--info" },
	{ "info as JSON", ARGS("--info", "--json"), 0, "cmd=--info list=json" },
	{ "set timeouts", ARGS("--set", "900", "120", "300"), 0, "cmd=--set set=900/120/300" },
	{ "set with zeros kept", ARGS("--set", "0", "0", "60"), 0, "cmd=--set set=0/0/60" },
	{ "help wins over anything", ARGS("-A", "-h", "--bogus"), 0, "cmd=-h" },
	{ "version", ARGS("-v"), 0, "cmd=-v" },

	/* Usage errors: exit 2 and a message naming the problem. */
	{ "no command", ARGS("-n"), EXIT_USAGE, "no command given" },
	{ "conflicting commands", ARGS("-A", "-D", "-t", "10.0.0.1:80"), EXIT_USAGE,
	  "conflicting commands: -A (--add-service) and -D (--delete-service)" },
	{ "conflicting forwarding",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2", "-g", "-m"), EXIT_USAGE,
	  "conflicting forwarding methods: -g (--gatewaying) and -m (--masquerading)" },
	{ "add service without -t", ARGS("-A", "-s", "rr"), EXIT_USAGE,
	  "-A (--add-service) needs a service" },
	{ "delete server without -t", ARGS("-d", "-r", "1.2.3.4"), EXIT_USAGE,
	  "-d (--delete-server) needs a service" },
	{ "add server without -r", ARGS("-a", "-t", "10.0.0.1:80"), EXIT_USAGE,
	  "needs a real server: -r" },
	{ "-r with -A", ARGS("-A", "-t", "10.0.0.1:80", "-r", "1.2.3.4"), EXIT_USAGE,
	  "-r (--real-server) needs -a, -e or -d" },
	{ "-w with -A", ARGS("-A", "-t", "10.0.0.1:80", "-w", "3"), EXIT_USAGE,
	  "option -w (--weight) is not valid with -A (--add-service)" },
	{ "-s with -D", ARGS("-D", "-t", "10.0.0.1:80", "-s", "rr"), EXIT_USAGE,
	  "option -s (--scheduler) is not valid with -D" },
	{ "-w with -d", ARGS("-d", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-w", "2"), EXIT_USAGE,
	  "option -w (--weight) is not valid with -d" },
	{ "-t with -C", ARGS("-C", "-t", "10.0.0.1:80"), EXIT_USAGE, "is not valid with -C" },
	{ "--json with -Z", ARGS("-Z", "--json"), EXIT_USAGE, "--json is not valid with -Z" },
	{ "missing service port", ARGS("-A", "-t", "10.0.0.1"), EXIT_USAGE,
	  "missing port in service '10.0.0.1'" },
	{ "service port 0", ARGS("-A", "-t", "10.0.0.1:0"), EXIT_USAGE,
	  "port 0 is out of range" },
	{ "service port too big", ARGS("-A", "-t", "10.0.0.1:65536"), EXIT_USAGE,
	  "bad port '65536'" },
	{ "service port by name", ARGS("-A", "-t", "10.0.0.1:http"), EXIT_USAGE,
	  "bad port 'http'" },
	{ "empty port", ARGS("-A", "-t", "10.0.0.1:"), EXIT_USAGE, "bad port ''" },
	{ "bad octet", ARGS("-A", "-t", "10.0.0.256:80"), EXIT_USAGE,
	  "bad service address '10.0.0.256'" },
	{ "host name", ARGS("-A", "-t", "www.example.com:80"), EXIT_USAGE,
	  "bad service address 'www.example.com'" },
	{ "server port too big",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4:99999", "-m"), EXIT_USAGE,
	  "bad port '99999'" },
	{ "negative server port", ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4:-1", "-m"),
	  EXIT_USAGE, "bad port '-1'" },
	{ "weight too big", ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-w", "65536"),
	  EXIT_USAGE, "bad weight '65536'" },
	{ "negative weight", ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-w", "-1"),
	  EXIT_USAGE, "bad weight '-1'" },
	{ "weight not a number", ARGS("-e", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-w", "1x"),
	  EXIT_USAGE, "bad weight '1x'" },
	{ "scheduler name too long",
	  ARGS("-A", "-t", "10.0.0.1:80", "-s", "averyverylongname"), EXIT_USAGE,
	  "scheduler name 'averyverylongname' is too long" },
	{ "empty scheduler name", ARGS("-A", "-t", "10.0.0.1:80", "-s", ""), EXIT_USAGE,
	  "empty scheduler name" },
	{ "DR cannot map ports", ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4:8080"),
	  EXIT_USAGE, "-g/-i (direct routing/tunnel) cannot map ports; server port 8080" },
	{ "tunnel cannot map ports", ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4:81", "-i"),
	  EXIT_USAGE, "cannot map ports" },
	{ "edit to DR with another port",
	  ARGS("-e", "-t", "10.0.0.1:80", "-r", "1.2.3.4:81", "-g"), EXIT_USAGE,
	  "cannot map ports" },
	{ "unknown long option", ARGS("-L", "--bogus"), EXIT_USAGE, "unknown option '--bogus'" },
	{ "unknown short option", ARGS("-L", "-x"), EXIT_USAGE, "unknown option -x" },
	{ "-t without its argument", ARGS("-A", "-t"), EXIT_USAGE,
	  "option -t needs an argument" },
	{ "--weight without its argument",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "--weight"), EXIT_USAGE,
	  "option '--weight' needs an argument" },
	{ "-c with --stats", ARGS("-L", "-c", "--stats"), EXIT_USAGE,
	  "-c (--connection) lists the whole connection table" },
	{ "-c with a service", ARGS("-L", "-c", "-t", "10.0.0.1:80"), EXIT_USAGE,
	  "it takes no -t/-u service" },
	{ "--timeout with --stats", ARGS("-L", "--timeout", "--stats"), EXIT_USAGE,
	  "--timeout cannot be combined" },
	{ "--set with two values", ARGS("--set", "1", "2"), EXIT_USAGE,
	  "--set needs three values" },
	{ "--set with a bad value", ARGS("--set", "1", "2", "x"), EXIT_USAGE,
	  "bad --set value 'x'" },
	{ "persistence timeout 0", ARGS("-A", "-t", "10.0.0.1:80", "-p", "0"), EXIT_USAGE,
	  "bad persistence timeout '0'" },
	{ "non-contiguous netmask",
	  ARGS("-A", "-t", "10.0.0.1:80", "-p", "-M", "255.0.255.0"), EXIT_USAGE,
	  "bad netmask '255.0.255.0'" },
	{ "netmask prefix too long", ARGS("-E", "-t", "10.0.0.1:80", "-M", "33"), EXIT_USAGE,
	  "bad netmask '33'" },
	{ "netmask without persistence on add", ARGS("-A", "-t", "10.0.0.1:80", "-M", "24"),
	  EXIT_USAGE, "only applies to persistent services" },
	{ "trailing word", ARGS("-L", "extra"), EXIT_USAGE, "unexpected argument 'extra'" },
	{ "idle timeout not a number", ARGS("-A", "-t", "10.0.0.1:80", "--idle-timeout", "1h"),
	  EXIT_USAGE, "bad idle timeout '1h'" },
	{ "negative idle timeout", ARGS("-E", "-t", "10.0.0.1:80", "--idle-timeout", "-1"),
	  EXIT_USAGE, "bad idle timeout '-1'" },
	{ "idle timeout too big",
	  ARGS("-E", "-t", "10.0.0.1:80", "--idle-timeout", "4294967296"), EXIT_USAGE,
	  "bad idle timeout '4294967296'" },
	{ "idle timeout without its argument", ARGS("-E", "-t", "10.0.0.1:80", "--idle-timeout"),
	  EXIT_USAGE, "option '--idle-timeout' needs an argument" },
	{ "idle timeout on a server",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "--idle-timeout", "5"), EXIT_USAGE,
	  "option --idle-timeout is not valid with -a (--add-server)" },
	{ "GUE tunnels are not supported",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-i", "--tun-type", "gue"), EXIT_USAGE,
	  "tunnel type 'gue' is not supported (only ipip)" },
	{ "tunnel type without -i",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "--tun-type", "ipip"), EXIT_USAGE,
	  "--tun-type only applies to -i (--ipip) servers" },
	{ "tunnel type on a NAT server",
	  ARGS("-e", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-m", "--tun-type", "ipip"), EXIT_USAGE,
	  "--tun-type only applies to -i (--ipip) servers" },
	{ "tunnel type with -A", ARGS("-A", "-t", "10.0.0.1:80", "--tun-type", "ipip"), EXIT_USAGE,
	  "option --tun-type is not valid with -A (--add-service)" },
	{ "--stats with --rate", ARGS("-L", "--stats", "--rate"), EXIT_USAGE,
	  "--stats and --rate cannot be combined" },
	{ "-c with --rate", ARGS("-L", "-c", "--rate"), EXIT_USAGE, "it takes no --rate" },
	{ "--timeout with --rate", ARGS("-L", "--timeout", "--rate"), EXIT_USAGE,
	  "--timeout cannot be combined" },
	{ "--rate with -A", ARGS("-A", "-t", "10.0.0.1:80", "--rate"), EXIT_USAGE,
	  "option --rate is not valid with -A" },
	{ "save takes no service", ARGS("-S", "-t", "10.0.0.1:80"), EXIT_USAGE,
	  "is not valid with -S (--save)" },
	{ "save has no JSON", ARGS("-S", "--json"), EXIT_USAGE,
	  "option --json is not valid with -S (--save)" },
	{ "restore takes no options", ARGS("-R", "-n"), EXIT_USAGE,
	  "option -n (--numeric) is not valid with -R (--restore)" },
	{ "restore and save conflict", ARGS("-R", "-S"), EXIT_USAGE,
	  "conflicting commands: -R (--restore) and -S (--save)" },
	{ "restore takes no file argument", ARGS("-R", "rules.txt"), EXIT_USAGE,
	  "unexpected argument 'rules.txt'" },
	{ "info takes no --stats", ARGS("--info", "--stats"), EXIT_USAGE,
	  "option --stats is not valid with --info" },
	{ "two services", ARGS("-A", "-t", "10.0.0.1:80", "-u", "10.0.0.1:53"), EXIT_USAGE,
	  "only one service" },
	{ "two real servers",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "1.2.3.4", "-r", "1.2.3.5"), EXIT_USAGE,
	  "only one real server" },

	/* IPv6 services and servers. */
	{ "IPv6 service", ARGS("-A", "-t", "[2001:db8::1]:80"), 0,
	  "cmd=-A svc=TCP:[2001:db8::1]:80 sched=wlc" },
	{ "IPv6 service, capitals and zeros as printed compressed",
	  ARGS("-A", "-u", "[2001:DB8:0:0::53]:53", "-s", "rr"), 0,
	  "cmd=-A svc=UDP:[2001:db8::53]:53 sched=rr" },
	{ "longest IPv6 service",
	  ARGS("-E", "-t", "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535", "-s", "lc"), 0,
	  "cmd=-E svc=TCP:[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535 sched=lc" },
	{ "IPv4-mapped IPv6 service is IPv6", ARGS("-D", "-t", "[::ffff:10.0.0.1]:80"), 0,
	  "cmd=-D svc=TCP:[::ffff:10.0.0.1]:80" },
	{ "IPv6 persistence with a prefix length",
	  ARGS("-A", "-t", "[2001:db8::1]:443", "-p", "300", "-M", "64"), 0,
	  "cmd=-A svc=TCP:[2001:db8::1]:443 sched=wlc persist=300 plen=64" },
	{ "IPv6 -M before -t", ARGS("-A", "-M", "48", "-p", "-t", "[2001:db8::1]:443"), 0,
	  "cmd=-A svc=TCP:[2001:db8::1]:443 sched=wlc persist=360 plen=48" },
	{ "IPv6 -M 1 and 128 are the bounds",
	  ARGS("-E", "-t", "[2001:db8::1]:443", "--netmask=1"), 0,
	  "cmd=-E svc=TCP:[2001:db8::1]:443 plen=1" },
	{ "IPv6 -M 128", ARGS("-E", "-t", "[2001:db8::1]:443", "-M", "128"), 0,
	  "cmd=-E svc=TCP:[2001:db8::1]:443 plen=128" },
	{ "IPv4 -M before -t", ARGS("-E", "-M", "24", "-t", "10.0.0.1:443"), 0,
	  "cmd=-E svc=TCP:10.0.0.1:443 mask=255.255.255.0" },
	{ "IPv6 NAT server with a port",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::2]:8080", "-m"), 0,
	  "cmd=-a svc=TCP:[2001:db8::1]:80 dest=[2001:db8::2]:8080 fwd=Masq weight=1" },
	{ "IPv6 server in brackets, no port",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::2]", "-w", "2"), 0,
	  "cmd=-a svc=TCP:[2001:db8::1]:80 dest=[2001:db8::2]:80 fwd=Route weight=2" },
	{ "IPv6 server without brackets, as ipvsadm takes it",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "2001:db8::2"), 0,
	  "cmd=-a svc=TCP:[2001:db8::1]:80 dest=[2001:db8::2]:80 fwd=Route weight=1" },
	{ "IPv6 server without brackets: the last group is no port",
	  ARGS("-d", "-t", "[2001:db8::1]:80", "-r", "2001:db8::2:8080"), 0,
	  "cmd=-d svc=TCP:[2001:db8::1]:80 dest=[2001:db8::2:8080]:80" },
	{ "IPv6 server ::2", ARGS("-d", "-u", "[::1]:53", "-r", "::2"), 0,
	  "cmd=-d svc=UDP:[::1]:53 dest=[::2]:53" },
	{ "IPv6 NAT server port 0",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::2]:0", "-m"), 0,
	  "cmd=-a svc=TCP:[2001:db8::1]:80 dest=[2001:db8::2]:0 fwd=Masq weight=1" },
	{ "IPv4 tunnel server of an IPv6 service",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "192.168.1.2", "-i"), 0,
	  "cmd=-a svc=TCP:[2001:db8::1]:80 dest=192.168.1.2:80 fwd=Tunnel weight=1" },
	{ "IPv6 tunnel server of an IPv4 service",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "[2001:db8::2]:80", "-i", "--tun-type", "ipip"),
	  0, "cmd=-a svc=TCP:10.0.0.1:80 dest=[2001:db8::2]:80 fwd=Tunnel weight=1" },
	{ "edit of another family's server, method left to the kernel",
	  ARGS("-e", "-t", "[2001:db8::1]:80", "-r", "192.168.1.2", "-w", "0"), 0,
	  "cmd=-e svc=TCP:[2001:db8::1]:80 dest=192.168.1.2:80 weight=0" },
	{ "delete of another family's server",
	  ARGS("-d", "-t", "10.0.0.1:80", "-r", "[2001:db8::2]"), 0,
	  "cmd=-d svc=TCP:10.0.0.1:80 dest=[2001:db8::2]:80" },
	{ "list one IPv6 service", ARGS("-L", "-n", "-t", "[2001:db8::1]:80"), 0,
	  "cmd=-L svc=TCP:[2001:db8::1]:80 list=n" },
	{ "zero one IPv6 service", ARGS("-Z", "-u", "[2001:db8::53]:53"), 0,
	  "cmd=-Z svc=UDP:[2001:db8::53]:53" },

	{ "edit to direct routing across families",
	  ARGS("-e", "-t", "[2001:db8::1]:80", "-r", "192.168.1.2", "-g"), EXIT_USAGE,
	  "an IPv4 real server of an IPv6 service needs -i (--ipip)" },
	{ "IPv6 direct routing cannot map ports",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::2]:8080"), EXIT_USAGE,
	  "-g/-i (direct routing/tunnel) cannot map ports; server port 8080 differs from service port 80" },
};

/* Usage errors whose whole message is checked. */
struct usage_case {
	const char *name;
	const char **argv;
	const char *msg;
};

static const struct usage_case usage_cases[] = {
	{ "IPv6 service without a port", ARGS("-A", "-t", "[2001:db8::1]"),
	  "missing port in service '[2001:db8::1]' (expected [ADDRESS]:PORT)" },
	{ "IPv6 service without brackets", ARGS("-A", "-t", "2001:db8::1:80"),
	  "missing port in service '2001:db8::1:80' (expected [ADDRESS]:PORT: a port after an IPv6 address needs the brackets)" },
	{ "unclosed bracket in a service", ARGS("-A", "-t", "[2001:db8::1:80"),
	  "unclosed '[' in service '[2001:db8::1:80' (expected [ADDRESS]:PORT)" },
	{ "unclosed bracket in a server",
	  ARGS("-a", "-t", "[::1]:80", "-r", "[::2", "-m"),
	  "unclosed '[' in real server '[::2' (expected [ADDRESS][:PORT])" },
	{ "no colon after the bracket", ARGS("-A", "-t", "[2001:db8::1]80"),
	  "unexpected '80' after ']' in service '[2001:db8::1]80' (expected [ADDRESS]:PORT)" },
	{ "bad IPv6 service address", ARGS("-A", "-t", "[2001:db8::zz]:80"),
	  "bad service address '2001:db8::zz' (expected [an IPv6 address]:PORT)" },
	{ "empty brackets", ARGS("-A", "-t", "[]:80"),
	  "bad service address '[]:80' (expected [an IPv6 address]:PORT)" },
	{ "IPv6 address too long",
	  ARGS("-A", "-t", "[2001:0db8:0000:0000:0000:0000:0000:0001:0002:0003:0004:0005]:80"),
	  "bad service address '[2001:0db8:0000:0000:0000:0000:0000:0001:0002:0003:0004:0005]:80' (expected [an IPv6 address]:PORT)" },
	{ "IPv4 in brackets", ARGS("-A", "-t", "[10.0.0.1]:80"),
	  "bad service address '10.0.0.1' (expected [an IPv6 address]:PORT)" },
	{ "bad bare IPv6 server",
	  ARGS("-a", "-t", "[::1]:80", "-r", "2001:db8:::2"),
	  "bad real server address '2001:db8:::2' (expected [an IPv6 address][:PORT])" },
	{ "IPv6 service port 0", ARGS("-A", "-t", "[2001:db8::1]:0"),
	  "port 0 is out of range in service '[2001:db8::1]:0' (expected 1..65535)" },
	{ "IPv6 service port too big", ARGS("-A", "-t", "[2001:db8::1]:65536"),
	  "bad port '65536' in service '[2001:db8::1]:65536' (expected 1..65535)" },
	{ "IPv6 service, empty port", ARGS("-A", "-t", "[2001:db8::1]:"),
	  "bad port '' in service '[2001:db8::1]:' (expected 1..65535)" },
	{ "IPv6 server port by name",
	  ARGS("-a", "-t", "[::1]:80", "-r", "[::2]:http", "-m"),
	  "bad port 'http' in real server '[::2]:http' (expected 0..65535)" },
	{ "dotted netmask for an IPv6 service",
	  ARGS("-A", "-t", "[2001:db8::1]:80", "-p", "-M", "255.255.255.0"),
	  "bad netmask '255.255.255.0' for an IPv6 service (expected a prefix length 1..128, not a dotted mask)" },
	{ "IPv6 prefix length 0", ARGS("-E", "-t", "[2001:db8::1]:80", "-M", "0"),
	  "bad netmask '0' for an IPv6 service (expected a prefix length 1..128)" },
	{ "IPv6 prefix length 129, -M first",
	  ARGS("-E", "-M", "129", "-t", "[2001:db8::1]:80"),
	  "bad netmask '129' for an IPv6 service (expected a prefix length 1..128)" },
	{ "IPv6 prefix length not a number",
	  ARGS("-E", "-t", "[2001:db8::1]:80", "-M", "/64"),
	  "bad netmask '/64' for an IPv6 service (expected a prefix length 1..128)" },
	{ "IPv6 prefix length for an IPv4 service, -M first",
	  ARGS("-E", "-M", "64", "-t", "10.0.0.1:80"),
	  "bad netmask '64' for an IPv4 service (expected a contiguous mask like 255.255.255.0, or 0..32; longer prefixes are for IPv6 services)" },
	{ "scheduler flag of mh for the default scheduler",
	  ARGS("-A", "-t", "10.0.0.1:80", "-b", "mh-port"),
	  "-b (--sched-flags) mh-... flags are for -s mh, not wlc" },
	{ "scheduler flag of sh for mh",
	  ARGS("-E", "-t", "10.0.0.1:80", "-s", "mh", "-b", "sh-fallback"),
	  "-b (--sched-flags) sh-... flags are for -s sh, not mh" },
	{ "scheduler flags of two schedulers",
	  ARGS("-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-port,mh-port"),
	  "scheduler flags of sh and mh in one list 'sh-port,mh-port': a service has one scheduler" },
	{ "unknown scheduler flag",
	  ARGS("-A", "-t", "10.0.0.1:80", "-s", "mh", "-b", "mh-fallback,flag-3"),
	  "bad scheduler flag 'flag-3' (expected sh-fallback, sh-port, mh-fallback or mh-port)" },
	{ "scheduler flags on a real server",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "192.168.1.2", "-b", "sh-port"),
	  "option -b (--sched-flags) is not valid with -a (--add-server)" },
	{ "IPv6 prefix length without persistence on add",
	  ARGS("-A", "-t", "[2001:db8::1]:80", "-M", "64"),
	  "-M (--netmask) only applies to persistent services: add -p" },
	{ "IPv4 server of an IPv6 service by direct routing",
	  ARGS("-a", "-t", "[2001:db8::1]:80", "-r", "192.168.1.2"),
	  "an IPv4 real server of an IPv6 service needs -i (--ipip): only a tunnel crosses address families" },
	{ "IPv6 server of an IPv4 service by NAT",
	  ARGS("-a", "-t", "10.0.0.1:80", "-r", "2001:db8::1", "-m"),
	  "an IPv6 real server of an IPv4 service needs -i (--ipip): only a tunnel crosses address families" },
};

static void describe(const struct request *req, char *buf, size_t len)
{
	char a[FMT_ADDR_LEN];
	size_t off;
	bool dest_cmd = req->cmd == CMD_ADD_DEST || req->cmd == CMD_EDIT_DEST ||
			req->cmd == CMD_DEL_DEST;

#define ADD(...) (off = strlen(buf), snprintf(buf + off, len - off, __VA_ARGS__))
	buf[0] = '\0';
	/* command_name() gives "-A (--add-service)": keep the short spelling. */
	ADD("cmd=%.*s", (int)strcspn(command_name(req->cmd), " "), command_name(req->cmd));
	if (req->opts & OPT_SERVICE)
		ADD(" svc=%s:%s", req->svc.protocol == IPPROTO_TCP ? "TCP" : "UDP",
		    fmt_addr_port(a, sizeof(a), req->svc.af, req->svc.addr, req->svc.port));
	if (req->svc.sched[0])
		ADD(" sched=%s", req->svc.sched);
	if (req->opts & OPT_PERSIST)
		ADD(" persist=%u", req->svc.timeout);
	if ((req->opts & OPT_NETMASK) && req->svc.af == AF_INET6)
		ADD(" plen=%u", req->svc.prefixlen);
	else if (req->opts & OPT_NETMASK)
		ADD(" mask=%s", inet_ntop(AF_INET, &req->svc.netmask, a, sizeof(a)));
	if (req->opts & OPT_IDLE)
		ADD(" idle=%u", req->svc.idle_timeout);
	if (req->opts & OPT_SCHED_FLAGS)
		ADD(" schedflags=%u", req->svc.sched_flags);
	if (dest_cmd)
		ADD(" dest=%s", fmt_addr_port(a, sizeof(a), req->dest.af, req->dest.addr,
					      req->dest.port));
	if ((req->opts & OPT_FWD) || req->cmd == CMD_ADD_DEST)
		ADD(" fwd=%s", fmt_fwd(req->dest.fwd));
	if ((req->opts & OPT_WEIGHT) || req->cmd == CMD_ADD_DEST)
		ADD(" weight=%u", req->dest.weight);
	if (req->opts & (OPT_NUMERIC | OPT_CONN | OPT_STATS | OPT_RATE | OPT_EXACT | OPT_TIMEOUT |
			 OPT_JSON))
		ADD(" list=%s%s%s%s%s%s%s", req->list.numeric ? "n," : "",
		    req->list.connections ? "c," : "", req->list.stats ? "stats," : "",
		    req->list.rate ? "rate," : "", req->list.exact ? "exact," : "",
		    req->list.timeout ? "timeout," : "", req->list.json ? "json," : "");
	if (req->cmd == CMD_SET)
		ADD(" set=%u/%u/%u", req->set.tcp, req->set.tcp_fin, req->set.udp);
#undef ADD
	off = strlen(buf);
	if (off && buf[off - 1] == ',')
		buf[off - 1] = '\0';
}

static void run_parse_case(const struct parse_case *c)
{
	char *argv[32], err[256], desc[512], name[256];
	struct request req;
	int argc, rc;

	for (argc = 0; c->argv[argc]; argc++)
		argv[argc] = (char *)c->argv[argc];
	argv[argc] = NULL;

	rc = parse_args(argc, argv, &req, err, sizeof(err));
	snprintf(name, sizeof(name), "parse: %s", c->name);
	if (c->rc == 0) {
		if (rc) {
			CHECK(0, name, "rc %d, error '%s'", rc, err);
			return;
		}
		describe(&req, desc, sizeof(desc));
		CHECK_STR(desc, c->want, name);
	} else {
		CHECK(rc == c->rc && strstr(err, c->want) && !strchr(err, '\n'), name,
		      "rc %d, error '%s', want rc %d and '%s'", rc, err, c->rc, c->want);
	}
}

static void run_usage_case(const struct usage_case *c)
{
	char *argv[32], err[256], name[256];
	struct request req;
	int argc, rc;

	for (argc = 0; c->argv[argc]; argc++)
		argv[argc] = (char *)c->argv[argc];
	argv[argc] = NULL;

	rc = parse_args(argc, argv, &req, err, sizeof(err));
	snprintf(name, sizeof(name), "parse: %s", c->name);
	CHECK(rc == EXIT_USAGE && !strcmp(err, c->msg), name, "rc %d, error '%s', want '%s'", rc,
	      err, c->msg);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_parse_case(&cases[i]);
	for (i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++)
		run_usage_case(&usage_cases[i]);
	run_fmt_tests();
	run_show_tests();
	run_restore_tests();

	printf("%d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}
