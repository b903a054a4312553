/* suites.h - the Check suites of the unit test program */
#ifndef NP_TEST_SUITES_H
#define NP_TEST_SUITES_H

#include <check.h>

Suite *checksum_suite(void);
Suite *icmp_suite(void);
Suite *reply_suite(void);
Suite *options_suite(void);
Suite *stats_suite(void);
Suite *match_suite(void);
Suite *report_suite(void);
Suite *tlist_suite(void);
Suite *sweep_suite(void);
Suite *output_suite(void);
Suite *capture_suite(void);
Suite *core_suite(void);
Suite *resolver_suite(void);
Suite *proto_suite(void);
Suite *udp_suite(void);
Suite *connect_suite(void);
Suite *tcp_suite(void);

#endif
