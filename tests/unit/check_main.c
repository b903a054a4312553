/* check_main.c - runs every unit suite; Check prints the summary line */
#include "config.h"

#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(checksum_suite());
	int failed;

	srunner_add_suite(sr, icmp_suite());
	srunner_add_suite(sr, reply_suite());
	srunner_add_suite(sr, options_suite());
	srunner_add_suite(sr, stats_suite());
	srunner_add_suite(sr, match_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, tlist_suite());
	srunner_add_suite(sr, sweep_suite());
	srunner_add_suite(sr, output_suite());
	srunner_add_suite(sr, capture_suite());
	srunner_add_suite(sr, core_suite());
	srunner_add_suite(sr, resolver_suite());
	srunner_add_suite(sr, proto_suite());
	srunner_add_suite(sr, udp_suite());
	srunner_add_suite(sr, connect_suite());
	srunner_add_suite(sr, tcp_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
