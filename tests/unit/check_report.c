/* check_report.c - the iputils-compatible text output */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "report.h"
#include "suites.h"

START_TEST(rtt_format)
{
	static const struct {
		int64_t ns;
		const char *text;
	} v[] = {
		{0, "0.000"},	      {31000, "0.031"},	 {999999, "0.999"},
		{1000000, "1.00"},    {1234000, "1.23"}, {1235000, "1.24"},
		{9994000, "9.99"},    {9995000, "10.0"}, {12345000, "12.3"},
		{99949000, "99.9"},   {99950000, "100"}, {123456000, "123"},
		{1500000000, "1500"}, {-5, "0.000"},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		np_report_format_rtt(v[i].ns, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, v[i].text) == 0,
			      "%lld ns: '%s', want '%s'", (long long)v[i].ns,
			      buf, v[i].text);
	}
}
END_TEST

/* --decimals: fixed decimals, truncated, at any size; back to iputils'
 * format with 3. */
START_TEST(rtt_format_decimals)
{
	char buf[32];

	np_report_set_decimals(6);
	np_report_format_rtt(6138, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.006138");
	np_report_format_rtt(123456789, buf, sizeof(buf));
	ck_assert_str_eq(buf, "123.456789");
	np_report_format_rtt(-1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.000000");
	np_report_set_decimals(4);
	np_report_format_rtt(6199, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.0061");
	np_report_format_rtt(1500000000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1500.0000");
	np_report_set_decimals(9); /* kept within 3..6 */
	ck_assert_int_eq(np_report_decimals(), 6);
	np_report_set_decimals(3);
	np_report_format_rtt(1235000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1.24");
	ck_assert_str_eq(np_report_ts_name(NP_TS_TX_KERNEL | NP_TS_RX_KERNEL),
			 "kernel");
	ck_assert_str_eq(np_report_ts_name(NP_TS_RX_KERNEL), "kernel-rx");
	ck_assert_str_eq(np_report_ts_name(0), "user");
}
END_TEST

struct capture {
	char *out, *diag;
	size_t outlen, diaglen;
	struct np_report_text ctx;
	struct np_sink sink;
	struct np_options opt;
	struct np_target tgt;
	struct np_socket sock;
	struct np_run_info info;
};

static void cap_open(struct capture *c, const char *name, const char *addr)
{
	memset(c, 0, sizeof(*c));
	c->ctx.out = open_memstream(&c->out, &c->outlen);
	c->ctx.diag = open_memstream(&c->diag, &c->diaglen);
	np_report_text_sink(&c->ctx, &c->sink);
	np_options_defaults(&c->opt);
	c->tgt.name = name;
	c->tgt.addr = pk_addr(addr);
	c->tgt.family = c->tgt.addr.ss_family;
	c->tgt.numeric = strcmp(name, addr) == 0;
	snprintf(c->tgt.addr_str, sizeof(c->tgt.addr_str), "%s", addr);
	snprintf(c->tgt.host, sizeof(c->tgt.host), "%s", name);
	c->info.opt = &c->opt;
	c->info.target = &c->tgt;
	c->info.sock = &c->sock;
	c->info.packet_len = 84;
}

static void cap_close(struct capture *c)
{
	fclose(c->ctx.out);
	fclose(c->ctx.diag);
}

static void cap_free(struct capture *c)
{
	free(c->out);
	free(c->diag);
}

/* The names of ICMP error codes (JSON code_name): RFC 792 / RFC 4443,
 * and "other" for any code without one. */
START_TEST(icmp_code_names)
{
	ck_assert_str_eq(np_icmp_code_name(AF_INET, 3, 1), "host-unreachable");
	ck_assert_str_eq(np_icmp_code_name(AF_INET, 3, 15),
			 "precedence-cutoff");
	ck_assert_str_eq(np_icmp_code_name(AF_INET, 3, 16), "other");
	ck_assert_str_eq(np_icmp_code_name(AF_INET6, 1, 3),
			 "address-unreachable");
	ck_assert_str_eq(np_icmp_code_name(AF_INET6, 1, 7),
			 "source-routing-header-error");
	ck_assert_str_eq(np_icmp_code_name(AF_INET6, 1, 8), "other");
	for (int f = 0; f < 2; f++) {
		int fam = f ? AF_INET6 : AF_INET, te = f ? 3 : 11;

		ck_assert_str_eq(np_icmp_code_name(fam, te, 0), "ttl-exceeded");
		ck_assert_str_eq(np_icmp_code_name(fam, te, 1),
				 "reassembly-time-exceeded");
		ck_assert_str_eq(np_icmp_code_name(fam, te, 2), "other");
		ck_assert_str_eq(np_icmp_code_name(fam, te, 255), "other");
	}
	ck_assert_str_eq(np_icmp_code_name(AF_INET, 12, 0), "other");
}
END_TEST

START_TEST(header_and_reply_lines)
{
	struct capture c;
	struct np_event ev;
	struct sockaddr_storage from = pk_addr("127.0.0.1");

	cap_open(&c, "localhost", "127.0.0.1");
	c.sink.start(c.sink.ctx, &c.info);
	memset(&ev, 0, sizeof(ev));
	ev.kind = NP_EV_REPLY;
	ev.seq = 1;
	ev.bytes = 64;
	ev.ttl = 64;
	ev.rtt_ns = 31000;
	ev.from = (struct sockaddr *)&from;
	c.sink.event(c.sink.ctx, &c.info, &ev);
	ev.wire_rtt_ns = 29300; /* --save */
	ev.seq = 2;
	c.sink.event(c.sink.ctx, &c.info, &ev);
	ev.wire_rtt_ns = 0;
	ev.seq = 1;
	ev.flags = NP_EVF_DUP;
	c.sink.event(c.sink.ctx, &c.info, &ev);
	cap_close(&c);
	ck_assert_str_eq(c.out,
			 "PING localhost (127.0.0.1) 56(84) bytes of data.\n"
			 "64 bytes from localhost (127.0.0.1): icmp_seq=1 "
			 "ttl=64 time=0.031 ms\n"
			 "64 bytes from localhost (127.0.0.1): icmp_seq=2 "
			 "ttl=64 time=0.031 ms wire=0.029 ms\n"
			 "64 bytes from localhost (127.0.0.1): icmp_seq=1 "
			 "ttl=64 time=0.031 ms (DUP!)\n");
	cap_free(&c);
}
END_TEST

START_TEST(error_and_outstanding_lines)
{
	struct capture c;
	struct np_event ev;
	struct np_reply r;
	struct sockaddr_storage from = pk_addr("198.51.100.254");

	cap_open(&c, "198.51.100.7", "198.51.100.7");
	c.opt.timestamps = true;
	memset(&ev, 0, sizeof(ev));
	memset(&r, 0, sizeof(r));
	r.kind = NP_RX_ERROR;
	r.type = 3;
	r.code = 1;
	ev.kind = NP_EV_ICMP_ERROR;
	ev.seq = 4;
	ev.reply = &r;
	ev.from = (struct sockaddr *)&from;
	ev.wall_ns = 1700000000123456789LL;
	c.sink.event(c.sink.ctx, &c.info, &ev);
	ev.kind = NP_EV_NO_ANSWER;
	ev.seq = 5;
	c.sink.event(c.sink.ctx, &c.info, &ev);
	cap_close(&c);
	ck_assert_str_eq(c.out,
			 "[1700000000.123456] From 198.51.100.254 icmp_seq=4 "
			 "Destination Host Unreachable\n"
			 "[1700000000.123456] no answer yet for icmp_seq=5\n");
	cap_free(&c);
}
END_TEST

START_TEST(summary)
{
	struct capture c;
	struct np_stats st;

	cap_open(&c, "198.51.100.7", "198.51.100.7");
	np_stats_init(&st);
	st.transmitted = 3;
	st.received = 2;
	st.duplicates = 1;
	st.errors = 1;
	st.start_ns = 0;
	st.end_ns = 2003999999;
	np_rtt_add(&st.rtt, 1000000);
	np_rtt_add(&st.rtt, 3000000);
	c.sink.finish(c.sink.ctx, &c.info, &st);
	cap_close(&c);
	ck_assert_str_eq(c.out,
			 "\n--- 198.51.100.7 ping statistics ---\n"
			 "3 packets transmitted, 2 received, +1 duplicates, +1 "
			 "errors, 33.3333% packet loss, time 2003ms\n"
			 "rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms\n");
	cap_free(&c);
}
END_TEST

START_TEST(summary_no_reply_and_quiet)
{
	struct capture c;
	struct np_stats st;
	struct np_event ev;

	cap_open(&c, "2001:db8::7", "2001:db8::7");
	c.opt.quiet = true;
	c.sink.start(c.sink.ctx, &c.info);
	memset(&ev, 0, sizeof(ev));
	ev.kind = NP_EV_REPLY;
	c.sink.event(c.sink.ctx, &c.info, &ev); /* not printed with -q */
	np_stats_init(&st);
	st.transmitted = 2;
	st.corrupted = 1;
	st.end_ns = 1000000000;
	c.sink.finish(c.sink.ctx, &c.info, &st);
	cap_close(&c);
	ck_assert_str_eq(c.out, "PING 2001:db8::7(2001:db8::7) 56 data bytes\n"
				"\n--- 2001:db8::7 ping statistics ---\n"
				"2 packets transmitted, 0 received, +1 "
				"corrupted, 100% packet loss, time 1000ms\n"
				"\n");
	cap_free(&c);
}
END_TEST

/* The summary's min and max equal the printed time= of some reply. */
START_TEST(summary_extremes_match_reply_lines)
{
	struct capture c;
	struct np_stats st;
	char t1[32], t2[32];

	cap_open(&c, "198.51.100.7", "198.51.100.7");
	np_stats_init(&st);
	st.transmitted = st.received = 2;
	np_rtt_add(&st.rtt, 33999);
	np_rtt_add(&st.rtt, 96999);
	np_report_format_rtt(33999, t1, sizeof(t1));
	np_report_format_rtt(96999, t2, sizeof(t2));
	ck_assert_str_eq(t1, "0.033");
	ck_assert_str_eq(t2, "0.096");
	c.sink.finish(c.sink.ctx, &c.info, &st);
	cap_close(&c);
	ck_assert_ptr_nonnull(strstr(
		c.out, "rtt min/avg/max/mdev = 0.033/0.065/0.096/0.031 ms\n"));
	cap_free(&c);
	/* one sample of 29.9996 us: avg must not print above max */
	cap_open(&c, "198.51.100.7", "198.51.100.7");
	np_stats_init(&st);
	st.transmitted = st.received = 1;
	np_rtt_add(&st.rtt, 29999);
	c.sink.finish(c.sink.ctx, &c.info, &st);
	cap_close(&c);
	ck_assert_ptr_nonnull(strstr(
		c.out, "rtt min/avg/max/mdev = 0.029/0.029/0.029/0.000 ms\n"));
	cap_free(&c);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, rtt_format);
	tcase_add_test(tc, rtt_format_decimals);
	tcase_add_test(tc, icmp_code_names);
	tcase_add_test(tc, header_and_reply_lines);
	tcase_add_test(tc, error_and_outstanding_lines);
	tcase_add_test(tc, summary);
	tcase_add_test(tc, summary_no_reply_and_quiet);
	tcase_add_test(tc, summary_extremes_match_reply_lines);
	suite_add_tcase(s, tc);
	return s;
}
