/* check_output.c - the pieces of the machine-readable outputs: percentiles
 * (and their error bound), check_icmp thresholds and states, JSON strings
 * and times. */
#include "config.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "match.h"
#include "options.h"
#include "report.h"
#include "result.h"
#include "suites.h"

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank quantile of sorted samples. */
static int64_t exact(const int64_t *v, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);

	return v[(rank < 1 ? 1 : rank) - 1];
}

START_TEST(percentiles_within_bound)
{
	static int64_t v[20000];
	static const double qs[] = {0.5, 0.9, 0.99, 0.999};
	struct np_hist h;
	unsigned seed = 12345;

	/* log-uniform samples from 5 µs to 3 s, and a few below 1 µs */
	np_hist_init(&h);
	for (size_t i = 0; i < 20000; i++) {
		double u;

		seed = seed * 1103515245u + 12345u;
		u = (double)(seed >> 8) / (double)(1u << 24);
		v[i] = i % 1000 == 0 ? 300 : (int64_t)(5000.0 * pow(6e5, u));
		np_hist_add(&h, v[i]);
	}
	qsort(v, 20000, sizeof(v[0]), cmp64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		int64_t want = exact(v, 20000, qs[k]);
		int64_t got = np_hist_quantile(&h, qs[k]);

		ck_assert_msg(fabs((double)got / (double)want - 1.0) <= 0.022,
			      "q=%g: %lld vs exact %lld", qs[k], (long long)got,
			      (long long)want);
	}
	ck_assert_int_eq(np_hist_quantile(&h, 1.0), v[19999]);
	ck_assert_int_eq(np_hist_quantile(&h, 0.00001), v[0]); /* 300 ns */
}
END_TEST

START_TEST(percentiles_small_and_edges)
{
	struct np_hist h;

	np_hist_init(&h);
	ck_assert_int_eq(np_hist_quantile(&h, 0.5), -1);
	np_hist_add(&h, 42000);
	/* one sample: every quantile is that sample (clamped) */
	ck_assert_int_eq(np_hist_quantile(&h, 0.5), 42000);
	ck_assert_int_eq(np_hist_quantile(&h, 0.99), 42000);
	np_hist_add(&h, 84000);
	ck_assert_int_eq(np_hist_quantile(&h, 0.5), 42000);
	ck_assert_int_eq(np_hist_quantile(&h, 0.9), 84000);
	/* out of range: clamped into the first and last bucket */
	np_hist_add(&h, -5);
	np_hist_add(&h, INT64_C(999999999999));
	ck_assert_int_eq(h.count, 4);
	ck_assert_int_eq(np_hist_quantile(&h, 1.0), INT64_C(999999999999));
	ck_assert_int_eq(np_hist_quantile(&h, 0.01), 0);
}
END_TEST

/* Up to NP_HIST_EXACT samples, a percentile is one of them (the field
 * report: p50 of 44.900/46.518/47.014/47.451 ms was 47.355, a bucket's
 * middle); one more, and the buckets take over, within their bound. */
START_TEST(percentiles_exact_below_size)
{
	static const int64_t four[] = {47451000, 44900000, 47014000, 46518000};
	static int64_t v[NP_HIST_EXACT + 1];
	struct np_hist h;
	uint64_t sum = 0;
	int64_t want, got;

	np_hist_init(&h);
	for (size_t i = 0; i < 4; i++)
		np_hist_add(&h, four[i]);
	ck_assert_int_eq(np_hist_quantile(&h, 0.5), 46518000);
	ck_assert_int_eq(np_hist_quantile(&h, 0.75), 47014000);
	ck_assert_int_eq(np_hist_quantile(&h, 0.9), 47451000);
	ck_assert_int_eq(np_hist_quantile(&h, 0.25), 44900000);

	/* 224 samples 1000 + 997 * k ns, added in a scrambled order */
	ck_assert_uint_eq(NP_HIST_EXACT, 224);
	np_hist_init(&h);
	for (size_t i = 0; i < NP_HIST_EXACT; i++) {
		v[i] = 1000 + 997 * (int64_t)((i * 101) % NP_HIST_EXACT);
		np_hist_add(&h, v[i]);
	}
	qsort(v, NP_HIST_EXACT, sizeof(v[0]), cmp64);
	ck_assert_int_eq(np_hist_quantile(&h, 0.5),
			 exact(v, NP_HIST_EXACT, 0.5));
	ck_assert_int_eq(np_hist_quantile(&h, 0.9),
			 exact(v, NP_HIST_EXACT, 0.9));
	ck_assert_int_eq(np_hist_quantile(&h, 0.99),
			 exact(v, NP_HIST_EXACT, 0.99));
	/* the 225th: folded into buckets, every sample counted once */
	np_hist_add(&h, 5000);
	v[NP_HIST_EXACT] = 5000;
	qsort(v, NP_HIST_EXACT + 1, sizeof(v[0]), cmp64);
	for (size_t i = 0; i < NP_HIST_BUCKETS; i++)
		sum += h.n[i];
	ck_assert_uint_eq(sum, NP_HIST_EXACT + 1);
	want = exact(v, NP_HIST_EXACT + 1, 0.5);
	got = np_hist_quantile(&h, 0.5);
	ck_assert_msg(fabs((double)got / (double)want - 1.0) <= 0.022,
		      "p50 %lld vs exact %lld", (long long)got,
		      (long long)want);
}
END_TEST

START_TEST(thresholds)
{
	int64_t ns;
	double pl;

	ck_assert_int_eq(np_parse_threshold("200,40%", &ns, &pl), 0);
	ck_assert_int_eq(ns, 200000000);
	ck_assert(pl == 40.0);
	ck_assert_int_eq(np_parse_threshold("500ms,80", &ns, &pl), 0);
	ck_assert_int_eq(ns, 500000000);
	ck_assert_int_eq(np_parse_threshold("1.5s,100%", &ns, &pl), 0);
	ck_assert_int_eq(ns, 1500000000);
	ck_assert_int_eq(np_parse_threshold("250us,0%", &ns, &pl), 0);
	ck_assert_int_eq(ns, 250000);
	ck_assert(pl == 0.0);
	ck_assert_int_eq(np_parse_threshold("0.5,12.5%", &ns, &pl), 0);
	ck_assert_int_eq(ns, 500000);
	ck_assert(pl == 12.5);
	pl = 33;
	ck_assert_int_eq(np_parse_threshold("150", &ns, &pl), 0);
	ck_assert_int_eq(ns, 150000000);
	ck_assert(pl == 33.0); /* the RTA alone leaves the loss as it was */
	ck_assert_int_eq(np_parse_threshold("200,101%", &ns, &pl), -1);
	ck_assert_int_eq(np_parse_threshold("-1,40%", &ns, &pl), -1);
	ck_assert_int_eq(np_parse_threshold(",40%", &ns, &pl), -1);
	ck_assert_int_eq(np_parse_threshold("200,", &ns, &pl), -1);
	ck_assert_int_eq(np_parse_threshold("200m,40%", &ns, &pl), -1);
	ck_assert_int_eq(np_parse_threshold("200,40%%", &ns, &pl), -1);
	ck_assert_int_eq(np_parse_threshold("nan,40%", &ns, &pl), -1);
}
END_TEST

/* Parse argv for the plugin mode (argv[0] given). */
static int plugin_parse(struct np_options *o, struct np_err *e, int argc,
			char **argv)
{
	memset(e, 0, sizeof(*e));
	return np_options_parse(argc, argv, o, e);
}

START_TEST(plugin_options_and_states)
{
	static char *a1[] = {
		"check_netprobe", "-H", "h1", "-w", "100,20%", "-c",
		"300ms,60%",	  "-n", "3",  "h2", NULL};
	static char *a2[] = {"netprobe", "-H", "h1", "--plugin",
			     "-w",	 "x",  NULL};
	static char *a3[] = {"netprobe", "--plugin", NULL};
	struct np_options o;
	struct np_err e;
	struct np_result r;

	ck_assert_int_eq(plugin_parse(&o, &e, 10, a1), 0);
	ck_assert(o.plugin);
	ck_assert_int_eq(o.ntargets, 2);
	ck_assert_str_eq(o.targets[1], "h2");
	ck_assert_int_eq(o.count, 3);
	ck_assert_int_eq(o.size, 68);
	ck_assert_int_eq(o.warn_rta_ns, 100000000);
	ck_assert_int_eq(o.crit_rta_ns, 300000000);
	ck_assert_int_eq(plugin_parse(&o, &e, 6, a2), -1);
	ck_assert(o.plugin); /* an error in plugin mode is UNKNOWN */
	ck_assert_ptr_nonnull(strstr(e.msg, "'x' for -w"));
	ck_assert_int_eq(plugin_parse(&o, &e, 2, a3), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no host"));

	/* check_icmp's rules: at or above a threshold */
	ck_assert_int_eq(plugin_parse(&o, &e, 10, a1), 0);
	memset(&r, 0, sizeof(r));
	r.have_rtt = true;
	r.avg_ns = 99e6;
	r.loss_pct = 0;
	ck_assert_int_eq(np_plugin_state(&o, &r), NP_PLUGIN_OK);
	r.avg_ns = 100e6;
	ck_assert_int_eq(np_plugin_state(&o, &r), NP_PLUGIN_WARNING);
	r.avg_ns = 300e6;
	ck_assert_int_eq(np_plugin_state(&o, &r), NP_PLUGIN_CRITICAL);
	r.avg_ns = 1e6;
	r.loss_pct = 20;
	ck_assert_int_eq(np_plugin_state(&o, &r), NP_PLUGIN_WARNING);
	r.loss_pct = 60;
	ck_assert_int_eq(np_plugin_state(&o, &r), NP_PLUGIN_CRITICAL);
	r.have_rtt = false; /* nothing came back */
	r.loss_pct = 100;
	ck_assert_int_eq(np_plugin_state(&o, &r), NP_PLUGIN_CRITICAL);
}
END_TEST

/* A result is a value: a copy stays right after the original is gone
 * (the name of a target given by address used to point into the
 * result's own address field). */
START_TEST(result_is_a_value)
{
	struct np_tstate t;
	struct sockaddr_in sin;
	struct np_result *a = malloc(sizeof(*a)), b;

	memset(&t, 0, sizeof(t));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0xc6120001); /* 198.18.0.1 */
	np_tstate_set_addr(&t, (struct sockaddr *)&sin);
	np_rtt_init(&t.rtt);
	ck_assert_ptr_nonnull(a);
	np_result_from_tstate(a, &t);
	b = *a;
	memset(a, 'x', sizeof(*a));
	free(a);
	ck_assert_str_eq(b.address, "198.18.0.1");
	ck_assert_str_eq(b.name, "198.18.0.1");
	t.name = "db1.example";
	np_result_from_tstate(&b, &t);
	ck_assert_str_eq(b.name, "db1.example");
}
END_TEST

struct tee_rec {
	unsigned events, done, finish;
};

static void tee_rec_event(void *ctx, const struct np_run_info *info,
			  const struct np_event *ev)
{
	(void)info;
	(void)ev;
	((struct tee_rec *)ctx)->events++;
}

static void tee_rec_done(void *ctx, const struct np_run_info *info,
			 const struct np_result *r)
{
	(void)info;
	ck_assert_str_eq(r->name, "db1");
	((struct tee_rec *)ctx)->done++;
}

static void tee_rec_finish(void *ctx, const struct np_run_info *info,
			   const struct np_stats *st)
{
	(void)info;
	(void)st;
	((struct tee_rec *)ctx)->finish++;
}

/* --metrics is a sink of its own that tees with any report: the report
 * sees every call, and each finished target becomes a metrics record. */
START_TEST(metrics_tee)
{
	struct tee_rec rec = {0, 0, 0};
	struct np_sink inner, out;
	struct np_metrics_tee tee;
	struct np_metrics m;
	struct np_err err;
	struct np_event ev;
	struct np_result r;
	struct np_stats st;

	memset(&inner, 0, sizeof(inner));
	inner.ctx = &rec;
	inner.event = tee_rec_event;
	inner.done = tee_rec_done;
	inner.finish = tee_rec_finish;
	ck_assert_int_eq(np_metrics_open(&m, "-", &err), 0);
	np_metrics_tee(&tee, &inner, &m, &out);
	np_event_init(&ev, NP_EV_TIMEOUT, 1);
	np_stats_init(&st);
	np_result_from_stats(&r, "db1", "198.18.0.1", &st);
	out.event(out.ctx, NULL, &ev);
	out.done(out.ctx, NULL, &r);
	out.done(out.ctx, NULL, &r);
	out.finish(out.ctx, NULL, &st);
	out.flush(out.ctx); /* none inside: nothing called */
	ck_assert_uint_eq(rec.events, 1);
	ck_assert_uint_eq(rec.done, 2);
	ck_assert_uint_eq(rec.finish, 1);
	ck_assert_uint_eq(m.n, 2);
	np_metrics_discard(&m);
}
END_TEST

START_TEST(json_strings_and_times)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	np_json_string(f, "we\"ird\\name\n\t\x01\x7f");
	fputc(' ', f);
	/* UTF-8 kept; a stray byte, an overlong form, a surrogate and 0xff
	 * each replaced by U+FFFD */
	np_json_string(f, "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3 \xc0\xaf "
			  "\xed\xa0\x80\xff");
	fputc(' ', f);
	np_json_time(f, INT64_C(1795282689123456789));
	fclose(f);
	ck_assert_str_eq(buf, "\"we\\\"ird\\\\name\\n\\t\\u0001\\u007f\" "
			      "\"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \\ufffd "
			      "\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\\ufffd\" "
			      "\"2026-11-21T17:38:09.123456Z\"");
	free(buf);
}
END_TEST

Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("pieces");

	tcase_add_test(tc, percentiles_within_bound);
	tcase_add_test(tc, percentiles_small_and_edges);
	tcase_add_test(tc, percentiles_exact_below_size);
	tcase_add_test(tc, thresholds);
	tcase_add_test(tc, plugin_options_and_states);
	tcase_add_test(tc, json_strings_and_times);
	tcase_add_test(tc, result_is_a_value);
	tcase_add_test(tc, metrics_tee);
	suite_add_tcase(s, tc);
	return s;
}
