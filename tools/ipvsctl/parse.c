// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing for ipvsctl. Everything here is pure: argv goes in,
 * a struct request or a one-line error comes out, so the unit tests can
 * exercise every rule without a kernel.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "opts.h"
#include "parse.h"
#include "util.h"

/* Per command: options it accepts and options it cannot do without. */
static const struct {
	const char *name;
	unsigned int allowed;
	unsigned int required;
} cmd_rules[] = {
	[CMD_NONE]	= { "(none)", 0, 0 },
	[CMD_ADD_SVC]	= { "-A (--add-service)",
			    OPT_SERVICE | OPT_SCHED | OPT_PERSIST | OPT_NETMASK | OPT_IDLE |
			    OPT_SCHED_FLAGS,
			    OPT_SERVICE },
	[CMD_EDIT_SVC]	= { "-E (--edit-service)",
			    OPT_SERVICE | OPT_SCHED | OPT_PERSIST | OPT_NETMASK | OPT_IDLE |
			    OPT_SCHED_FLAGS,
			    OPT_SERVICE },
	[CMD_DEL_SVC]	= { "-D (--delete-service)", OPT_SERVICE, OPT_SERVICE },
	[CMD_ADD_DEST]	= { "-a (--add-server)",
			    OPT_SERVICE | OPT_REAL | OPT_FWD | OPT_WEIGHT | OPT_TUN_TYPE,
			    OPT_SERVICE | OPT_REAL },
	[CMD_EDIT_DEST]	= { "-e (--edit-server)",
			    OPT_SERVICE | OPT_REAL | OPT_FWD | OPT_WEIGHT | OPT_TUN_TYPE,
			    OPT_SERVICE | OPT_REAL },
	[CMD_DEL_DEST]	= { "-d (--delete-server)",
			    OPT_SERVICE | OPT_REAL, OPT_SERVICE | OPT_REAL },
	[CMD_FLUSH]	= { "-C (--clear)", 0, 0 },
	[CMD_ZERO]	= { "-Z (--zero)", OPT_SERVICE, 0 },
	[CMD_LIST]	= { "-L (--list)",
			    OPT_SERVICE | OPT_NUMERIC | OPT_CONN | OPT_STATS | OPT_RATE |
			    OPT_EXACT | OPT_TIMEOUT | OPT_JSON, 0 },
	[CMD_SET]	= { "--set", 0, 0 },
	[CMD_HELP]	= { "-h (--help)", 0, 0 },
	[CMD_VERSION]	= { "-v (--version)", 0, 0 },
	/* Saves are always numeric; -n is accepted for ipvsadm's "-S -n". */
	[CMD_SAVE]	= { "-S (--save)", OPT_NUMERIC, 0 },
	[CMD_RESTORE]	= { "-R (--restore)", 0, 0 },
	[CMD_INFO]	= { "--info", OPT_JSON, 0 },
};

/* Spelling of each OPT_* bit in messages, in the order they are checked. */
static const struct {
	unsigned int bit;
	const char *name;
} opt_names[] = {
	{ OPT_SERVICE,	"-t/-u (--tcp-service/--udp-service)" },
	{ OPT_SCHED,	"-s (--scheduler)" },
	{ OPT_PERSIST,	"-p (--persistent)" },
	{ OPT_NETMASK,	"-M (--netmask)" },
	{ OPT_REAL,	"-r (--real-server)" },
	{ OPT_FWD,	"-g/-i/-m (forwarding method)" },
	{ OPT_WEIGHT,	"-w (--weight)" },
	{ OPT_NUMERIC,	"-n (--numeric)" },
	{ OPT_CONN,	"-c (--connection)" },
	{ OPT_STATS,	"--stats" },
	{ OPT_EXACT,	"--exact" },
	{ OPT_TIMEOUT,	"--timeout" },
	{ OPT_JSON,	"--json" },
	{ OPT_RATE,	"--rate" },
	{ OPT_IDLE,	"--idle-timeout" },
	{ OPT_TUN_TYPE,	"--tun-type" },
	{ OPT_SCHED_FLAGS, "-b (--sched-flags)" },
};

const char *command_name(enum command cmd)
{
	if ((unsigned int)cmd >= ARRAY_SIZE(cmd_rules))
		return "?";
	return cmd_rules[cmd].name;
}

static const char *opt_name(unsigned int bit)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_names); i++)
		if (opt_names[i].bit == bit)
			return opt_names[i].name;
	return "?";
}

__printf(3, 4)
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

/*
 * Plain decimal only: strtoul() would accept signs, blanks and hex, and
 * "-1" silently becoming 4294967295 is exactly what we must refuse.
 */
static bool parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The port after an address's ':': 1..65535 for a service, 0..65535 for a server. */
static int parse_port(const char *what, const char *arg, const char *portstr, bool is_service,
		      uint16_t *port, char *err, size_t errlen)
{
	uint32_t p;

	if (!parse_uint(portstr, 65535, &p))
		return fail(err, errlen, "bad port '%s' in %s '%s' (expected %s..65535)",
			    portstr, what, arg, is_service ? "1" : "0");
	if (is_service && p == 0)
		return fail(err, errlen, "port 0 is out of range in %s '%s' (expected 1..65535)",
			    what, arg);
	*port = (uint16_t)p;
	return 0;
}

static int bad_address(const char *what, const char *text, bool v6, bool is_service,
		       char *err, size_t errlen)
{
	return fail(err, errlen, "bad %s address '%s' (expected %s%s)", what, text,
		    v6 ? "[an IPv6 address]" : "an IPv4 address", is_service ? ":PORT" : "[:PORT]");
}

/*
 * Services are "A.B.C.D:PORT" or "[IPV6]:PORT" (port 1..65535 required),
 * real servers "A.B.C.D[:PORT]", "[IPV6][:PORT]" or a bare "IPV6" (port
 * 0..65535, optional). As in ipvsadm, a port after an IPv6 address needs
 * the brackets: a word with two colons or more is an IPv6 address alone,
 * so "2001:db8::1:80" is an address, not port 80 of 2001:db8::1.
 */
static int parse_endpoint(const char *what, const char *arg, bool is_service,
			  uint16_t *af, uint8_t addr[16], uint16_t *port, bool *port_given,
			  char *err, size_t errlen)
{
	const char *v6_form = is_service ? "[ADDRESS]:PORT" : "[ADDRESS][:PORT]";
	const char *start = arg, *end, *colon, *portstr = NULL;
	char host[INET6_ADDRSTRLEN + 8];
	struct in6_addr a;
	bool v6 = false;
	size_t hlen;
	int ret;

	colon = strchr(arg, ':');
	if (arg[0] == '[') {
		v6 = true;
		start = arg + 1;
		end = strchr(start, ']');
		if (!end)
			return fail(err, errlen, "unclosed '[' in %s '%s' (expected %s)",
				    what, arg, v6_form);
		if (end[1] && end[1] != ':')
			return fail(err, errlen, "unexpected '%s' after ']' in %s '%s' (expected %s)",
				    end + 1, what, arg, v6_form);
		if (end[1])
			portstr = end + 2;
	} else if (colon && strchr(colon + 1, ':')) {
		v6 = true;
		end = arg + strlen(arg);
	} else {
		end = colon ? colon : arg + strlen(arg);
		if (colon)
			portstr = colon + 1;
	}

	hlen = (size_t)(end - start);
	if (!hlen || hlen >= sizeof(host))
		return bad_address(what, arg, v6, is_service, err, errlen);
	memcpy(host, start, hlen);
	host[hlen] = '\0';
	memset(&a, 0, sizeof(a));
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, &a) != 1)
		return bad_address(what, host, v6, is_service, err, errlen);

	*port = 0;
	if (portstr) {
		ret = parse_port(what, arg, portstr, is_service, port, err, errlen);
		if (ret)
			return ret;
	} else if (is_service) {
		return fail(err, errlen, "missing port in %s '%s' (expected %s)", what, arg,
			    !v6 ? "ADDRESS:PORT" : arg[0] == '[' ? v6_form :
			    "[ADDRESS]:PORT: a port after an IPv6 address needs the brackets");
	}
	*port_given = portstr != NULL;
	*af = v6 ? AF_INET6 : AF_INET;
	memcpy(addr, &a, 16);
	return 0;
}

/*
 * -M of an IPv4 service: a dotted mask, which must be contiguous to make
 * sense, or a prefix length 0..32.
 */
static int parse_netmask(const char *arg, uint32_t *mask, char *err, size_t errlen)
{
	struct in_addr a;
	uint32_t bits, m;

	if (parse_uint(arg, 32, &bits)) {
		m = bits ? ~0u << (32 - bits) : 0;
	} else if (inet_pton(AF_INET, arg, &a) == 1) {
		m = ntohl(a.s_addr);
		if (m & (~m >> 1))
			goto bad;
	} else if (parse_uint(arg, 128, &bits)) {
		return fail(err, errlen,
			    "bad netmask '%s' for an IPv4 service (expected a contiguous mask like 255.255.255.0, or 0..32; longer prefixes are for IPv6 services)",
			    arg);
	} else {
		goto bad;
	}
	*mask = htonl(m);
	return 0;
bad:
	return fail(err, errlen,
		    "bad netmask '%s' (expected a contiguous mask like 255.255.255.0, or 0..32)",
		    arg);
}

/* -M of an IPv6 service: a prefix length 1..128, as ipvsadm takes it. */
static int parse_prefixlen(const char *arg, uint8_t *plen, char *err, size_t errlen)
{
	struct in_addr a;
	uint32_t v;

	if (!parse_uint(arg, 128, &v) || !v)
		return fail(err, errlen,
			    "bad netmask '%s' for an IPv6 service (expected a prefix length 1..128%s)",
			    arg, inet_pton(AF_INET, arg, &a) == 1 ? ", not a dotted mask" : "");
	*plen = (uint8_t)v;
	return 0;
}

/*
 * -b: ipvsadm's scheduler flags, comma-separated, each named after its
 * scheduler: sh-fallback, sh-port, mh-fallback, mh-port. An empty list
 * clears them (-E sends only what is given).
 */
static int parse_sched_flags(const char *arg, struct svc_spec *s, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} names[] = {
		{ "fallback",	L4LB_SVC_SCHED_F_FALLBACK },
		{ "port",	L4LB_SVC_SCHED_F_PORT },
	};
	const char *word = arg, *end;
	size_t len, i;

	s->sched_flags = 0;
	s->sched_flags_of[0] = '\0';
	for (; *word; word = *end ? end + 1 : end) {
		end = strchr(word, ',');
		if (!end)
			end = word + strlen(word);
		len = (size_t)(end - word);
		/* Empty words are skipped, as ipvsadm's strtok() does. */
		if (!len)
			continue;
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (len == 3 + strlen(names[i].name) &&
			    (!strncmp(word, "sh-", 3) || !strncmp(word, "mh-", 3)) &&
			    !strncmp(word + 3, names[i].name, len - 3))
				break;
		if (i == ARRAY_SIZE(names))
			return fail(err, errlen,
				    "bad scheduler flag '%.*s' (expected sh-fallback, sh-port, mh-fallback or mh-port)",
				    (int)len, word);
		if (s->sched_flags_of[0] && strncmp(word, s->sched_flags_of, 2))
			return fail(err, errlen,
				    "scheduler flags of sh and mh in one list '%s': a service has one scheduler",
				    arg);
		memcpy(s->sched_flags_of, word, 2);
		s->sched_flags_of[2] = '\0';
		s->sched_flags |= names[i].flag;
	}
	return 0;
}

static int set_cmd(struct request *req, enum command cmd, char *err, size_t errlen)
{
	if (req->cmd != CMD_NONE && req->cmd != cmd)
		return fail(err, errlen, "conflicting commands: %s and %s",
			    command_name(req->cmd), command_name(cmd));
	req->cmd = cmd;
	return 0;
}

static const char *fwd_flag(uint8_t fwd)
{
	switch (fwd) {
	case L4LB_FWD_MASQ:
		return "-m (--masquerading)";
	case L4LB_FWD_TUNNEL:
		return "-i (--ipip)";
	default:
		return "-g (--gatewaying)";
	}
}

static int set_fwd(struct request *req, uint8_t fwd, char *err, size_t errlen)
{
	if ((req->opts & OPT_FWD) && req->dest.fwd != fwd)
		return fail(err, errlen, "conflicting forwarding methods: %s and %s",
			    fwd_flag(req->dest.fwd), fwd_flag(fwd));
	req->opts |= OPT_FWD;
	req->dest.fwd = fwd;
	return 0;
}

static int parse_set(int argc, char **argv, struct request *req, char *err, size_t errlen)
{
	const char *vals[3];
	uint32_t out[3];
	int i;

	vals[0] = optarg;
	if (optind + 2 > argc)
		return fail(err, errlen,
			    "--set needs three values: tcp tcpfin udp (seconds, 0 keeps the current value)");
	vals[1] = argv[optind];
	vals[2] = argv[optind + 1];
	optind += 2;
	for (i = 0; i < 3; i++)
		if (!parse_uint(vals[i], UINT32_MAX, &out[i]))
			return fail(err, errlen,
				    "bad --set value '%s' (expected seconds, 0 keeps the current value)",
				    vals[i]);
	req->set.tcp = out[0];
	req->set.tcp_fin = out[1];
	req->set.udp = out[2];
	return set_cmd(req, CMD_SET, err, errlen);
}

static int parse_opt(int c, int argc, char **argv, struct request *req, const char **netmask,
		     char *err, size_t errlen)
{
	const char *arg;
	uint32_t v;
	bool given;
	int ret;

	switch (c) {
	case 'A': return set_cmd(req, CMD_ADD_SVC, err, errlen);
	case 'E': return set_cmd(req, CMD_EDIT_SVC, err, errlen);
	case 'D': return set_cmd(req, CMD_DEL_SVC, err, errlen);
	case 'a': return set_cmd(req, CMD_ADD_DEST, err, errlen);
	case 'e': return set_cmd(req, CMD_EDIT_DEST, err, errlen);
	case 'd': return set_cmd(req, CMD_DEL_DEST, err, errlen);
	case 'C': return set_cmd(req, CMD_FLUSH, err, errlen);
	case 'Z': return set_cmd(req, CMD_ZERO, err, errlen);
	case 'L':
	case 'l': return set_cmd(req, CMD_LIST, err, errlen);
	case 'v': return set_cmd(req, CMD_VERSION, err, errlen);
	case 'S': return set_cmd(req, CMD_SAVE, err, errlen);
	case 'R': return set_cmd(req, CMD_RESTORE, err, errlen);
	case LOPT_INFO: return set_cmd(req, CMD_INFO, err, errlen);
	case LOPT_SET: return parse_set(argc, argv, req, err, errlen);
	case 't':
	case 'u':
		if (req->opts & OPT_SERVICE)
			return fail(err, errlen, "only one service (-t/-u) may be given");
		ret = parse_endpoint("service", optarg, true, &req->svc.af, req->svc.addr,
				     &req->svc.port, &given, err, errlen);
		if (ret)
			return ret;
		req->svc.protocol = c == 't' ? IPPROTO_TCP : IPPROTO_UDP;
		req->opts |= OPT_SERVICE;
		return 0;
	case 'r':
		if (req->opts & OPT_REAL)
			return fail(err, errlen, "only one real server (-r) may be given");
		ret = parse_endpoint("real server", optarg, false, &req->dest.af,
				     req->dest.addr, &req->dest.port, &req->dest.port_given,
				     err, errlen);
		if (ret)
			return ret;
		req->opts |= OPT_REAL;
		return 0;
	case 's':
		if (!*optarg)
			return fail(err, errlen, "empty scheduler name");
		if (strlen(optarg) >= L4LB_SCHED_NAME_MAX)
			return fail(err, errlen, "scheduler name '%s' is too long (at most %d characters)",
				    optarg, L4LB_SCHED_NAME_MAX - 1);
		strcpy(req->svc.sched, optarg);
		req->opts |= OPT_SCHED;
		return 0;
	case 'p':
		/* ipvsadm takes "-p 600" as well as "-p600": peek at the next word. */
		arg = optarg;
		if (!arg && optind < argc && all_digits(argv[optind]))
			arg = argv[optind++];
		v = DEFAULT_PERSIST_TIMEOUT;
		if (arg && (!parse_uint(arg, UINT32_MAX, &v) || v == 0))
			return fail(err, errlen,
				    "bad persistence timeout '%s' (expected seconds, 1..4294967295)", arg);
		req->svc.flags |= L4LB_SVC_F_PERSISTENT;
		req->svc.timeout = v;
		req->opts |= OPT_PERSIST;
		return 0;
	case 'b':
		ret = parse_sched_flags(optarg, &req->svc, err, errlen);
		if (ret)
			return ret;
		req->opts |= OPT_SCHED_FLAGS;
		return 0;
	case 'M':
		/* A mask or a prefix length: the service's family decides, later. */
		*netmask = optarg;
		req->opts |= OPT_NETMASK;
		return 0;
	case 'g': return set_fwd(req, L4LB_FWD_ROUTE, err, errlen);
	case 'i': return set_fwd(req, L4LB_FWD_TUNNEL, err, errlen);
	case 'm': return set_fwd(req, L4LB_FWD_MASQ, err, errlen);
	case 'w':
		if (!parse_uint(optarg, L4LB_WEIGHT_MAX, &v))
			return fail(err, errlen, "bad weight '%s' (expected an integer 0..%d)",
				    optarg, L4LB_WEIGHT_MAX);
		req->dest.weight = v;
		req->opts |= OPT_WEIGHT;
		return 0;
	case 'n':
		req->list.numeric = true;
		req->opts |= OPT_NUMERIC;
		return 0;
	case 'c':
		req->list.connections = true;
		req->opts |= OPT_CONN;
		return 0;
	case LOPT_STATS:
		req->list.stats = true;
		req->opts |= OPT_STATS;
		return 0;
	case LOPT_RATE:
		req->list.rate = true;
		req->opts |= OPT_RATE;
		return 0;
	case LOPT_IDLE:
		if (!parse_uint(optarg, UINT32_MAX, &v))
			return fail(err, errlen,
				    "bad idle timeout '%s' (expected seconds, 0 = the global timeouts)",
				    optarg);
		req->svc.idle_timeout = v;
		req->opts |= OPT_IDLE;
		return 0;
	case LOPT_TUN_TYPE:
		/*
		 * ipvsadm -S writes "--tun-type ipip" after every -i server;
		 * IP-in-IP being our only tunnel, it is accepted and implied.
		 */
		if (strcmp(optarg, "ipip"))
			return fail(err, errlen,
				    "tunnel type '%s' is not supported (only ipip)", optarg);
		req->opts |= OPT_TUN_TYPE;
		return 0;
	case LOPT_EXACT:
		req->list.exact = true;
		req->opts |= OPT_EXACT;
		return 0;
	case LOPT_TIMEOUT:
		req->list.timeout = true;
		req->opts |= OPT_TIMEOUT;
		return 0;
	case LOPT_JSON:
		req->list.json = true;
		req->opts |= OPT_JSON;
		return 0;
	case ':':
		if (argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-')
			return fail(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
		return fail(err, errlen, "option -%c needs an argument", optopt);
	default:
		if (optopt && optopt < 0x100)
			return fail(err, errlen, "unknown option -%c (try 'ipvsctl -h')", optopt);
		return fail(err, errlen, "unknown option '%s' (try 'ipvsctl -h')", argv[optind - 1]);
	}
}

static const char *af_name(uint16_t af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/*
 * Rules that span several options, checked once everything is known.
 * @netmask is -M's argument, which -t/-u may follow.
 */
static int check_request(struct request *req, const char *netmask, char *err, size_t errlen)
{
	unsigned int allowed = cmd_rules[req->cmd].allowed;
	unsigned int missing = cmd_rules[req->cmd].required & ~req->opts;
	unsigned int extra = req->opts & ~allowed;
	size_t i;
	int ret;

	for (i = 0; extra && i < ARRAY_SIZE(opt_names); i++) {
		if (!(extra & opt_names[i].bit))
			continue;
		if (opt_names[i].bit == OPT_REAL)
			return fail(err, errlen,
				    "-r (--real-server) needs -a, -e or -d, not %s",
				    command_name(req->cmd));
		return fail(err, errlen, "option %s is not valid with %s",
			    opt_name(opt_names[i].bit), command_name(req->cmd));
	}
	if (missing & OPT_SERVICE)
		return fail(err, errlen, "%s needs a service: -t|-u ADDRESS:PORT",
			    command_name(req->cmd));
	if (missing & OPT_REAL)
		return fail(err, errlen, "%s needs a real server: -r ADDRESS[:PORT]",
			    command_name(req->cmd));
	/* Only -A and -E take -M, and both have a service by now. */
	if (req->opts & OPT_NETMASK) {
		if (req->svc.af == AF_INET6)
			ret = parse_prefixlen(netmask, &req->svc.prefixlen, err, errlen);
		else
			ret = parse_netmask(netmask, &req->svc.netmask, err, errlen);
		if (ret)
			return ret;
	}

	switch (req->cmd) {
	case CMD_ADD_SVC:
	case CMD_EDIT_SVC:
		if (req->cmd == CMD_ADD_SVC && !(req->opts & OPT_SCHED))
			strcpy(req->svc.sched, DEFAULT_SCHED);
		if (req->cmd == CMD_ADD_SVC && (req->opts & OPT_NETMASK) &&
		    !(req->opts & OPT_PERSIST))
			return fail(err, errlen,
				    "-M (--netmask) only applies to persistent services: add -p");
		/*
		 * As ipvsadm: an sh- flag needs -s sh, an mh- one -s mh. Without
		 * -s, -E leaves the kernel to hold the flags to the scheduler.
		 */
		if (req->svc.sched_flags_of[0] && req->svc.sched[0] &&
		    strcmp(req->svc.sched, req->svc.sched_flags_of))
			return fail(err, errlen,
				    "-b (--sched-flags) %s-... flags are for -s %s, not %s",
				    req->svc.sched_flags_of, req->svc.sched_flags_of,
				    req->svc.sched);
		break;
	case CMD_ADD_DEST:
	case CMD_EDIT_DEST:
	case CMD_DEL_DEST:
		if (!req->dest.port_given)
			req->dest.port = req->svc.port;
		if (req->cmd == CMD_ADD_DEST) {
			if (!(req->opts & OPT_FWD))
				req->dest.fwd = L4LB_FWD_ROUTE;
			if (!(req->opts & OPT_WEIGHT))
				req->dest.weight = 1;
		}
		if ((req->opts & OPT_TUN_TYPE) &&
		    (!(req->opts & OPT_FWD) || req->dest.fwd != L4LB_FWD_TUNNEL))
			return fail(err, errlen, "--tun-type only applies to -i (--ipip) servers");
		/* As in IPVS, only a tunnel can carry packets to another family. */
		if ((req->cmd == CMD_ADD_DEST || (req->opts & OPT_FWD)) &&
		    req->dest.af != req->svc.af && req->dest.fwd != L4LB_FWD_TUNNEL)
			return fail(err, errlen,
				    "an %s real server of an %s service needs -i (--ipip): only a tunnel crosses address families",
				    af_name(req->dest.af), af_name(req->svc.af));
		if ((req->cmd == CMD_ADD_DEST || (req->opts & OPT_FWD)) &&
		    req->dest.fwd != L4LB_FWD_MASQ && req->dest.port != req->svc.port)
			return fail(err, errlen,
				    "-g/-i (direct routing/tunnel) cannot map ports; server port %u differs from service port %u (use -m for NAT, or omit the server port)",
				    req->dest.port, req->svc.port);
		break;
	case CMD_LIST:
		if ((req->opts & OPT_CONN) && (req->opts & (OPT_STATS | OPT_RATE | OPT_SERVICE)))
			return fail(err, errlen,
				    "-c (--connection) lists the whole connection table: it takes no %s",
				    req->opts & OPT_STATS ? "--stats" :
				    req->opts & OPT_RATE ? "--rate" : "-t/-u service");
		if ((req->opts & OPT_TIMEOUT) &&
		    (req->opts & (OPT_STATS | OPT_RATE | OPT_SERVICE | OPT_CONN)))
			return fail(err, errlen,
				    "--timeout cannot be combined with --stats, --rate, -c or a -t/-u service");
		/* Both would want the same five columns. */
		if ((req->opts & OPT_STATS) && (req->opts & OPT_RATE))
			return fail(err, errlen,
				    "--stats and --rate cannot be combined: list one, then the other");
		break;
	default:
		break;
	}
	return 0;
}

int parse_args(int argc, char **argv, struct request *req, char *err, size_t errlen)
{
	const char *netmask = NULL;
	int c, ret;

	memset(req, 0, sizeof(*req));
	if (errlen)
		err[0] = '\0';

	/* 0 rather than 1 makes glibc reset its state: tests parse many times. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, cli_short_opts(), cli_long_opts(), NULL)) != -1) {
		if (c == 'h') {
			req->cmd = CMD_HELP;
			return 0;
		}
		ret = parse_opt(c, argc, argv, req, &netmask, err, errlen);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s'", argv[optind]);
	if (req->cmd == CMD_NONE)
		return fail(err, errlen,
			    "no command given: use one of -A -E -D -a -e -d -C -Z -L -S -R --set --info (try 'ipvsctl -h')");
	return check_request(req, netmask, err, errlen);
}
