/* check_stats.c - streaming statistics */
#include "config.h"

#include <math.h>

#include "stats.h"
#include "suites.h"

#define MS 1000000LL

START_TEST(rtt_known_samples)
{
	struct np_rtt r;

	np_rtt_init(&r);
	np_rtt_add(&r, 1 * MS);
	np_rtt_add(&r, 2 * MS);
	np_rtt_add(&r, 3 * MS);
	np_rtt_add(&r, 4 * MS);
	ck_assert_uint_eq(r.n, 4);
	ck_assert_int_eq(r.min_ns, 1 * MS);
	ck_assert_int_eq(r.max_ns, 4 * MS);
	ck_assert_double_eq_tol(np_rtt_avg_ns(&r), 2.5 * MS, 1e-6);
	/* population standard deviation: sqrt(1.25) ms */
	ck_assert_double_eq_tol(np_rtt_mdev_ns(&r), sqrt(1.25) * MS, 1e-3);
}
END_TEST

START_TEST(rtt_edges)
{
	struct np_rtt r;

	np_rtt_init(&r);
	ck_assert_double_eq(np_rtt_avg_ns(&r), 0.0);
	ck_assert_double_eq(np_rtt_mdev_ns(&r), 0.0);
	np_rtt_add(&r, -5); /* clamped: an RTT is never negative */
	ck_assert_int_eq(r.min_ns, 0);
	np_rtt_add(&r, 7 * MS);
	ck_assert_int_eq(r.min_ns, 0);
	ck_assert_int_eq(r.max_ns, 7 * MS);
	/* EWMA weight 1/8: 0 + (7 - 0) / 8 ms */
	ck_assert_double_eq_tol(r.ewma_ns, 7.0 * MS / 8, 1e-6);
}
END_TEST

START_TEST(rtt_streaming_is_stable)
{
	struct np_rtt r;

	/* A million identical samples near 10 s: no drift, mdev exactly 0 -
	 * the naive sum-of-squares method loses this to cancellation. */
	np_rtt_init(&r);
	for (int i = 0; i < 1000000; i++)
		np_rtt_add(&r, 9999999937LL);
	ck_assert_double_eq_tol(np_rtt_avg_ns(&r), 9999999937.0, 1e-3);
	ck_assert_double_eq_tol(np_rtt_mdev_ns(&r), 0.0, 1e-3);
	/* alternating: mdev is half the spread */
	np_rtt_init(&r);
	for (int i = 0; i < 100001; i++)
		np_rtt_add(&r, i % 2 ? 3 * MS : 1 * MS);
	ck_assert_double_eq_tol(np_rtt_mdev_ns(&r), 1.0 * MS, 100.0);
}
END_TEST

START_TEST(loss)
{
	struct np_stats s;

	np_stats_init(&s);
	ck_assert_double_eq(np_stats_loss_pct(&s), 0.0);
	s.transmitted = 3;
	s.received = 2;
	ck_assert_double_eq_tol(np_stats_loss_pct(&s), 100.0 / 3, 1e-9);
	s.received = 0;
	ck_assert_double_eq(np_stats_loss_pct(&s), 100.0);
	s.received = 3;
	ck_assert_double_eq(np_stats_loss_pct(&s), 0.0);
}
END_TEST

Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("rtt");

	tcase_add_test(tc, rtt_known_samples);
	tcase_add_test(tc, rtt_edges);
	tcase_add_test(tc, rtt_streaming_is_stable);
	tcase_add_test(tc, loss);
	suite_add_tcase(s, tc);
	return s;
}
