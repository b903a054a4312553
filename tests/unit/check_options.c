/* check_options.c - option parsing: good values, bad values, messages */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "options.h"
#include "suites.h"

/* Parse a NULL-terminated list of arguments (argv[0] added). */
static int parse(struct np_options *o, struct np_err *err, const char *a0, ...)
{
	static char *argv[32]; /* o->targets points into it */
	int argc = 0;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)"netprobe";
	va_start(ap, a0);
	for (a = a0; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return np_options_parse(argc, argv, o, err);
}

START_TEST(defaults)
{
	struct np_options o;
	struct np_err e;

	ck_assert_int_eq(parse(&o, &e, "host", NULL), 0);
	ck_assert_str_eq(o.target, "host");
	ck_assert_int_eq(o.family, AF_UNSPEC);
	ck_assert_int_eq(o.count, 0);
	ck_assert_int_eq(o.interval_ns, 1000000000LL);
	ck_assert_int_eq(o.timeout_ns, 10000000000LL);
	ck_assert_int_eq(o.deadline_ns, 0);
	ck_assert_int_eq(o.size, 56);
	ck_assert_int_eq(o.ttl, -1);
	ck_assert_int_eq(o.tos, -1);
	ck_assert_int_eq(o.ident, -1);
	ck_assert_int_eq(o.pmtu, NP_PMTU_DEFAULT);
	ck_assert(!o.numeric && !o.quiet && !o.timestamps && !o.outstanding);
}
END_TEST

/* The --help text, as np_options_usage writes it. */
static const char *usage_text(char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	ck_assert_ptr_nonnull(f);
	np_options_usage(f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(good_values)
{
	struct np_options o;
	struct np_err e;

	ck_assert_int_eq(parse(&o, &e, "-4", "-c", "5", "-i", "0.2", "-W",
			       "1.5", "-w", "3", "-s", "1472", "-t", "9", "-Q",
			       "0x10", "-M", "do", "-I", "eth0", "-p", "ff00",
			       "-n", "-q", "-D", "-O", "-v", "198.51.100.7",
			       NULL),
			 0);
	ck_assert_int_eq(o.family, AF_INET);
	ck_assert_int_eq(o.count, 5);
	ck_assert_int_eq(o.interval_ns, 200000000LL);
	ck_assert_int_eq(o.timeout_ns, 1500000000LL);
	ck_assert_int_eq(o.deadline_ns, 3000000000LL);
	ck_assert_int_eq(o.size, 1472);
	ck_assert_int_eq(o.ttl, 9);
	ck_assert_int_eq(o.tos, 16);
	ck_assert_int_eq(o.pmtu, NP_PMTU_DO);
	ck_assert_str_eq(o.source, "eth0");
	ck_assert_uint_eq(o.pattern_len, 2);
	ck_assert_uint_eq(o.pattern[0], 0xff);
	ck_assert_uint_eq(o.pattern[1], 0x00);
	ck_assert(o.numeric && o.quiet && o.timestamps && o.outstanding &&
		  o.verbose);
	ck_assert_str_eq(o.target, "198.51.100.7");
}
END_TEST

START_TEST(long_and_attached_forms)
{
	struct np_options o;
	struct np_err e;
	static char buf[16384];

	ck_assert_int_eq(parse(&o, &e, "--ipv6", "--count=3", "--interval",
			       "0.5", "--pmtudisc=want", "-c7", "-s0", "--tos",
			       "255", "::1", NULL),
			 0);
	ck_assert_int_eq(o.family, AF_INET6);
	ck_assert_int_eq(o.count, 7);
	ck_assert_int_eq(o.size, 0);
	ck_assert_int_eq(o.tos, 255);
	ck_assert_int_eq(o.pmtu, NP_PMTU_WANT);
	ck_assert_int_eq(parse(&o, &e, "-M", "dont", "-M", "probe", "h", NULL),
			 0);
	ck_assert_int_eq(o.pmtu, NP_PMTU_PROBE);
	ck_assert_int_eq(parse(&o, &e, "--help", NULL), 0);
	ck_assert_int_eq(o.action, NP_ACTION_HELP);
	ck_assert_int_eq(parse(&o, &e, "-V", NULL), 0);
	ck_assert_int_eq(o.action, NP_ACTION_VERSION);
	ck_assert_ptr_nonnull(
		strstr(usage_text(buf, sizeof(buf)), "--deadline"));
}
END_TEST

/* Each bad value: the message names the option and the value. */
static const struct {
	const char *opt, *val, *name;
} bad[] = {
	{"-c", "0", "-c"},
	{"-c", "-1", "-c"},
	{"-c", "abc", "-c"},
	{"-c", "5x", "-c"},
	{"-c", "", "-c"},
	{"-c", "99999999999999999999", "-c"},
	{"--count", "0", "--count"},
	{"-i", "-0.1", "-i"},
	{"-i", "nan", "-i"},
	{"-i", "inf", "-i"},
	{"-i", "1,5", "-i"},
	{"-i", "0x10", "-i"},
	{"-i", "9999999", "-i"},
	{"-W", "0", "-W"},
	{"-W", "soon", "-W"},
	{"-w", "0", "-w"},
	{"-w", "-3", "-w"},
	{"-s", "-1", "-s"},
	{"-s", "65528", "-s"},
	{"-s", "1e3", "-s"},
	{"-t", "0", "-t"},
	{"-t", "256", "-t"},
	{"-t", " 5", "-t"},
	{"-Q", "256", "-Q"},
	{"-Q", "-1", "-Q"},
	{"-Q", "0xzz", "-Q"},
	{"-Q", "08x", "-Q"},
	{"-M", "maybe", "-M"},
	{"-M", "", "-M"},
	{"-p", "fg", "-p"},
	{"-p", "zz", "-p"},
	{"-p", "00112233445566778899aabbccddeeff00", "-p"},
	{"-I", "", "-I"},
	{"-e", "65536", "-e"},
	{"-e", "-1", "-e"},
	{"-e", "0x10000", "-e"},
	{"-e", "12ab", "-e"},
	{"--decimals", "2", "--decimals"},
	{"-l", "0", "-l"},
	{"-l", "65537", "-l"},
	{"--decimals", "7", "--decimals"},
};

START_TEST(bad_values)
{
	struct np_options o;
	struct np_err e;
	char want[128];

	ck_assert_int_eq(parse(&o, &e, bad[_i].opt, bad[_i].val, "host", NULL),
			 -1);
	snprintf(want, sizeof(want), "'%s' for %s", bad[_i].val, bad[_i].name);
	ck_assert_msg(strstr(e.msg, want) != NULL, "message '%s' lacks \"%s\"",
		      e.msg, want);
}
END_TEST

START_TEST(usage_errors)
{
	struct np_options o;
	struct np_err e;

	/* no target: main reads standard input or says "no target" */
	ck_assert_int_eq(parse(&o, &e, NULL), 0);
	ck_assert_int_eq(o.ntargets, 0);
	ck_assert_ptr_null(o.target);
	ck_assert_int_eq(parse(&o, &e, "-y", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'-y'"));
	/* an unknown letter in a cluster after a long option is named */
	ck_assert_int_eq(parse(&o, &e, "--verbose", "-Zq", "h", NULL), -1);
	ck_assert_msg(strstr(e.msg, "'-Z'") != NULL, "%s", e.msg);
	ck_assert_int_eq(parse(&o, &e, "--bogus", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--bogus"));
	ck_assert_int_eq(parse(&o, &e, "--help=x", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'--help=x'"));
	ck_assert_int_eq(parse(&o, &e, "--interv", "2", "h", NULL), 0);
	ck_assert_int_eq(o.interval_ns, 2000000000LL);
	ck_assert_int_eq(parse(&o, &e, "--inter", "2", "h", NULL), -1);
	ck_assert_int_eq(parse(&o, &e, "--t", "1", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "ambiguous"));
	/* -Q: decimal or hex, never octal */
	ck_assert_int_eq(parse(&o, &e, "-Q", "010", "h", NULL), 0);
	ck_assert_int_eq(o.tos, 10);
	/* -e: decimal or hex; 0 is "random", as in iputils */
	ck_assert_int_eq(parse(&o, &e, "-e", "0x4e50", "h", NULL), 0);
	ck_assert_int_eq(o.ident, 0x4e50);
	ck_assert_int_eq(parse(&o, &e, "--ident", "65535", "h", NULL), 0);
	ck_assert_int_eq(o.ident, 65535);
	ck_assert_int_eq(parse(&o, &e, "-e", "0", "h", NULL), 0);
	ck_assert_int_eq(o.ident, -1);
	ck_assert_int_eq(o.decimals, 3);
	ck_assert(!o.user_timestamps);
	ck_assert_int_eq(parse(&o, &e, "--decimals", "6", "--user-timestamps",
			       "h", NULL),
			 0);
	ck_assert_int_eq(o.decimals, 6);
	ck_assert(o.user_timestamps);
	ck_assert_int_eq(parse(&o, &e, "h", "-c", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-c needs a value"));
	ck_assert_int_eq(parse(&o, &e, "-4", "-6", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-4 and -6"));
	ck_assert_int_eq(parse(&o, &e, "", NULL), -1);
	/* options after the target work, as with iputils ping */
	ck_assert_int_eq(parse(&o, &e, "h", "-c", "2", NULL), 0);
	ck_assert_int_eq(o.count, 2);
	ck_assert_str_eq(o.target, "h");
}
END_TEST

START_TEST(many_targets)
{
	struct np_options o;
	struct np_err e;

	ck_assert_int_eq(parse(&o, &e, "a", "-c", "2", "b", "c", NULL), 0);
	ck_assert_int_eq(o.ntargets, 3);
	ck_assert_str_eq(o.targets[0], "a");
	ck_assert_str_eq(o.targets[2], "c");
	ck_assert(!o.multi_opts);
	ck_assert_int_eq(o.retries, 3);
	ck_assert_int_eq(o.gap_ns, 1000000LL);
	ck_assert_int_eq(o.burst, 1);
	/* alive mode: -W 0.5 s unless given */
	ck_assert_int_eq(np_options_multi_timeout(&o), 1000000000LL);
	ck_assert_int_eq(parse(&o, &e, "a", "b", NULL), 0);
	ck_assert_int_eq(np_options_multi_timeout(&o), 500000000LL);
	ck_assert_int_eq(parse(&o, &e, "-c", "3", "-i", "0.1", "a", NULL), 0);
	ck_assert_int_eq(np_options_multi_timeout(&o), 500000000LL);
	ck_assert_int_eq(parse(&o, &e, "-C", "3", "-W", "0.3", "a", NULL), 0);
	ck_assert_int_eq(np_options_multi_timeout(&o), 300000000LL);
	ck_assert_int_eq(o.vcount, 3);
	ck_assert(o.multi_opts);
	ck_assert_int_eq(parse(&o, &e, "-a", "-r", "0", "-x", "2", "--gap", "0",
			       "--file", "-", "--multi", NULL),
			 0);
	ck_assert(o.alive_only && o.multi_forced && o.retries_set);
	ck_assert_int_eq(o.retries, 0);
	ck_assert_int_eq(o.reachable, 2);
	ck_assert_int_eq(o.gap_ns, 0);
	ck_assert_str_eq(o.file, "-");
	ck_assert_int_eq(np_options_check_interval(&o, true, &e), 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--gap below 0.001"));
	ck_assert_int_eq(parse(&o, &e, "-g", "198.18.0.1", "198.18.0.9", NULL),
			 0);
	ck_assert(o.generate);

	ck_assert_int_eq(parse(&o, &e, "-a", "-u", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-a and -u"));
	ck_assert_int_eq(parse(&o, &e, "-c", "2", "-C", "2", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-c and -C"));
	ck_assert_int_eq(parse(&o, &e, "-c", "2", "-r", "1", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-r (retries)"));
	ck_assert_int_eq(parse(&o, &e, "-g", "a", "b", "c", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-g takes"));
	ck_assert_int_eq(parse(&o, &e, "-g", "--file", "f", "a", NULL), -1);
	ck_assert_int_eq(parse(&o, &e, "-O", "-a", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-O, -f, -A and -l apply"));
	ck_assert_int_eq(parse(&o, &e, "-C", "0", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'0' for -C"));
	ck_assert_int_eq(parse(&o, &e, "-C", "65537", "h", NULL), -1);
	ck_assert_int_eq(parse(&o, &e, "-r", "-1", "h", NULL), -1);
	ck_assert_int_eq(parse(&o, &e, "-x", "0", "h", NULL), -1);
	ck_assert_int_eq(parse(&o, &e, "--gap", "-1", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'-1' for --gap"));
	ck_assert_int_eq(parse(&o, &e, "--file", "", "h", NULL), -1);
	/* -A: ping mode only, not with -f */
	ck_assert_int_eq(parse(&o, &e, "-A", "h", NULL), 0);
	ck_assert(o.adaptive && !o.multi_opts);
	ck_assert_int_eq(parse(&o, &e, "--adaptive", "-f", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-f and -A"));
	ck_assert_int_eq(parse(&o, &e, "-A", "-a", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-O, -f, -A and -l apply"));
	/* --burst: 1..64, and it means many-target mode */
	ck_assert_int_eq(parse(&o, &e, "--burst", "64", "h", NULL), 0);
	ck_assert_int_eq(o.burst, 64);
	ck_assert(o.multi_opts);
	ck_assert_int_eq(parse(&o, &e, "--burst", "0", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "from 1 to 64"));
	ck_assert_int_eq(parse(&o, &e, "--burst", "65", "h", NULL), -1);
	ck_assert_int_eq(parse(&o, &e, "--burst", "2x", "h", NULL), -1);
}
END_TEST

START_TEST(context_checks)
{
	struct np_options o;
	struct np_err e;

	/* plugin mode: check_icmp's -I 0 and -i 1 run for a user too, at
	 * the user minimums, instead of an error in another mode's terms */
	ck_assert_int_eq(parse(&o, &e, "--plugin", "-H", "h", "-I", "0", "-i",
			       "1", NULL),
			 0);
	ck_assert_int_eq(o.gap_ns, 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), 0);
	ck_assert_int_eq(o.gap_ns, 1000000);
	ck_assert_int_eq(o.interval_ns, 2000000);
	ck_assert_int_eq(parse(&o, &e, "--plugin", "-H", "h", "-I", "0", "-i",
			       "1", NULL),
			 0);
	ck_assert_int_eq(np_options_check_interval(&o, true, &e), 0);
	ck_assert_int_eq(o.gap_ns, 0);
	ck_assert_int_eq(o.interval_ns, 1000000);

	ck_assert_int_eq(parse(&o, &e, "-i", "0.001", "h", NULL), 0);
	ck_assert_int_eq(np_options_check_interval(&o, true, &e), 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "2 ms"));
	ck_assert_int_eq(parse(&o, &e, "-i", "0.002", "h", NULL), 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), 0);
	/* -f and -l: ping's rules for users other than root */
	ck_assert_int_eq(parse(&o, &e, "-f", "h", NULL), 0);
	ck_assert(o.flood);
	ck_assert_int_eq(np_options_check_interval(&o, true, &e), 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot flood"));
	ck_assert_int_eq(parse(&o, &e, "--flood", "-i", "0.002", "h", NULL), 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), 0);
	ck_assert_int_eq(parse(&o, &e, "-l", "3", "h", NULL), 0);
	ck_assert_int_eq(o.preload, 3);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), 0);
	ck_assert_int_eq(parse(&o, &e, "--preload", "4", "h", NULL), 0);
	ck_assert_int_eq(np_options_check_interval(&o, false, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-l above 3"));
	ck_assert_int_eq(np_options_check_interval(&o, true, &e), 0);
	ck_assert_int_eq(parse(&o, &e, "-f", "-a", "h", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "-O, -f, -A and -l"));
	ck_assert_int_eq(parse(&o, &e, "-s", "65507", "h", NULL), 0);
	ck_assert_int_eq(np_options_check_size(&o, AF_INET, &e), 0);
	ck_assert_int_eq(parse(&o, &e, "-s", "65508", "h", NULL), 0);
	ck_assert_int_eq(np_options_check_size(&o, AF_INET, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'65508' for -s"));
	ck_assert_int_eq(np_options_check_size(&o, AF_INET6, &e), 0);
}
END_TEST

/* Plugin mode comes from the name check_netprobe or from --plugin parsed
 * as an option: not from the value of another option, not after "--". */
START_TEST(plugin_detection)
{
	struct np_options o;
	struct np_err e;

	ck_assert_int_eq(parse(&o, &e, "-4", "--plugin", "-H", "h", NULL), 0);
	ck_assert(o.plugin);
	ck_assert_int_eq(o.mode, NP_MODE_PLUGIN);
	ck_assert_int_eq(o.count, 5); /* check_icmp's -n default */
	ck_assert_int_eq(parse(&o, &e, "h", "--plugin", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_PLUGIN);
	/* the value of -I (an interface name, as odd as it looks) */
	ck_assert_int_eq(parse(&o, &e, "-I", "--plugin", "h", NULL), 0);
	ck_assert(!o.plugin);
	ck_assert_int_eq(o.mode, NP_MODE_PING);
	ck_assert_str_eq(o.source, "--plugin");
	ck_assert_int_eq(parse(&o, &e, "--interface=--plugin", "h", NULL), 0);
	ck_assert(!o.plugin);
	ck_assert_int_eq(parse(&o, &e, "-qI", "--plugin", "h", NULL), 0);
	ck_assert(!o.plugin);
	ck_assert_str_eq(o.source, "--plugin");
	/* after "--": a target (many-target mode, two of them) */
	ck_assert_int_eq(parse(&o, &e, "h", "--", "--plugin", NULL), 0);
	ck_assert(!o.plugin);
	ck_assert_int_eq(o.mode, NP_MODE_MANY);
	ck_assert_int_eq(o.ntargets, 2);
	ck_assert_str_eq(o.targets[1], "--plugin");
}
END_TEST

/* The mode, and the "applies only to" rules the option table makes. */
START_TEST(modes_from_table)
{
	struct np_options o;
	struct np_err e;

	ck_assert_int_eq(parse(&o, &e, "h", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_PING);
	ck_assert_int_eq(parse(&o, &e, "--multi", "h", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_MANY);
	ck_assert_int_eq(parse(&o, &e, "198.51.100.0/30", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_MANY);
	ck_assert_int_eq(parse(&o, &e, "-O", "a", "b", NULL), -1);
	ck_assert_str_eq(e.msg, "-O, -f, -A and -l apply to a single target");
	ck_assert_int_eq(parse(&o, &e, "--save", "f", "a", "b", NULL), -1);
#ifdef HAVE_PCAP
	ck_assert_str_eq(e.msg, "--save applies to a single target");
#endif
	ck_assert_int_eq(parse(&o, &e, "--filter", "icmp", "h", NULL), -1);
#ifdef HAVE_PCAP
	ck_assert_str_eq(e.msg, "--filter applies to --read and --inspect");
	ck_assert_int_eq(parse(&o, &e, "--read", "f", "-c", "2", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_INSPECT);
	ck_assert_int_eq(parse(&o, &e, "--read", "f", "-n", NULL), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--read and --inspect take only"));
	ck_assert_ptr_nonnull(strstr(e.msg, "-c, "));
	ck_assert_ptr_null(strstr(e.msg, "-n"));
	ck_assert_int_eq(parse(&o, &e, "--read", "f", "--inspect", NULL), -1);
	ck_assert_str_eq(e.msg, "--read and --inspect cannot be used together");
#endif
	ck_assert_int_eq(parse(&o, &e, "-a", "-u", "h", NULL), -1);
	ck_assert_str_eq(e.msg, "-a and -u cannot be used together");
	ck_assert_int_eq(parse(&o, &e, "--help", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_HELP);
	ck_assert_int_eq(parse(&o, &e, "--plugin", "-V", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_VERSION);
}
END_TEST

/* The synopses are made from the tables: every option on a line. */
START_TEST(synopses)
{
	static char buf[16384];
	static const char *const plugin_opts[] = {
		"-H HOST",	"-w RTA,PL%", "-c RTA,PL%",   "-n N",
		"-p N",		"-i TIME",    "-I TIME",      "-m N",
		"-l TTL",	"-t SECS",    "-b BYTES",     "-s ADDR|IF",
		"-4 ",		"-6 ",	      "-v ",	      "--metrics FILE",
		"--no-sandbox", "-h, --help", "-V, --version"};
	FILE *f;

	ck_assert_ptr_nonnull(strstr(usage_text(buf, sizeof(buf)),
				     "  -c, --count N           stop after"));
	ck_assert_ptr_nonnull(strstr(buf, "      --inspect[=IFACE]   "));
	ck_assert_ptr_nonnull(strstr(buf, "netprobe(8)"));
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_ptr_nonnull(f);
	np_options_plugin_usage(f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(buf, "Monitoring-plugin mode"));
	for (size_t i = 0; i < sizeof(plugin_opts) / sizeof(plugin_opts[0]);
	     i++)
		ck_assert_msg(strstr(buf, plugin_opts[i]) != NULL, "no %s",
			      plugin_opts[i]);
}
END_TEST

/* The settle step: -A's least interval, then nothing writes the options. */
START_TEST(settle)
{
	struct np_options o;
	struct np_err e;

	ck_assert_int_eq(parse(&o, &e, "-A", "h", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, true, &e), 0);
	ck_assert_int_eq(o.adaptive_min_ns, 0);
	ck_assert_int_eq(parse(&o, &e, "-A", "h", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, false, &e), 0);
	ck_assert_int_eq(o.adaptive_min_ns, 200000000LL);
	ck_assert_int_eq(parse(&o, &e, "-A", "-i", "0.5", "h", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, false, &e), 0);
	ck_assert_int_eq(o.adaptive_min_ns, 500000000LL);
	/* an alive sweep that shows no RTT: user-space times */
	ck_assert_int_eq(parse(&o, &e, "-a", "h1", "h2", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, true, &e), 0);
	ck_assert(o.user_timestamps);
	ck_assert_int_eq(parse(&o, &e, "-a", "-J", "h1", "h2", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, true, &e), 0);
	ck_assert(!o.user_timestamps);
	ck_assert_int_eq(parse(&o, &e, "-c", "1", "h1", "h2", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, true, &e), 0);
	ck_assert(!o.user_timestamps);
	ck_assert_int_eq(parse(&o, &e, "h1", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, true, &e), 0);
	ck_assert(!o.user_timestamps);
	ck_assert_int_eq(parse(&o, &e, "-i", "0.001", "h", NULL), 0);
	ck_assert_int_eq(np_options_settle(&o, false, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "2 ms"));
}
END_TEST

START_TEST(number_parsers)
{
	long long v;
	int64_t ns;
	uint8_t pat[16];
	size_t n;

	ck_assert_int_eq(np_parse_ll("0x1f", 0, 0, 255, &v), 0);
	ck_assert_int_eq(v, 31);
	ck_assert_int_eq(np_parse_ll("010", 0, 0, 255, &v), 0);
	ck_assert_int_eq(v, 8);
	ck_assert_int_eq(np_parse_ll("10 ", 10, 0, 255, &v), -1);
	ck_assert_int_eq(np_parse_seconds("1e-3", 0, 10, &ns), 0);
	ck_assert_int_eq(ns, 1000000);
	ck_assert_int_eq(np_parse_seconds("0.0000000004", 0, 10, &ns), 0);
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(np_parse_seconds(".5", 0, 10, &ns), 0);
	ck_assert_int_eq(ns, 500000000);
	ck_assert_int_eq(np_parse_seconds("1e400", 0, 10, &ns), -1);
	ck_assert_int_eq(np_parse_pattern("abc", pat, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(pat[0], 0xab);
	ck_assert_uint_eq(pat[1], 0x0c);
	ck_assert_int_eq(np_parse_pattern("DEADbeef", pat, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(pat[0], 0xde);
	ck_assert_uint_eq(pat[3], 0xef);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, good_values);
	tcase_add_test(tc, long_and_attached_forms);
	tcase_add_loop_test(tc, bad_values, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, many_targets);
	tcase_add_test(tc, context_checks);
	tcase_add_test(tc, number_parsers);
	tcase_add_test(tc, plugin_detection);
	tcase_add_test(tc, modes_from_table);
	tcase_add_test(tc, settle);
	tcase_add_test(tc, synopses);
	suite_add_tcase(s, tc);
	return s;
}
