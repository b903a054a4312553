/* main.c - argv -> options -> the mode's run -> exit code.  Each mode is
 * one run function (run_*.c) with one cleanup path. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "options.h"
#include "privs.h"
#include "report.h"
#include "run.h"

/* The mode table: what np_options_parse decided -> who runs it.  Plugin
 * mode is a many-target run with check_icmp's report. */
static const struct {
	enum np_mode mode;
	np_run_fn run;
} modes[] = {
	{NP_MODE_PING, np_run_ping},   {NP_MODE_MANY, np_run_many},
	{NP_MODE_PLUGIN, np_run_many}, {NP_MODE_INSPECT, np_run_inspect},
	{NP_MODE_HELP, np_run_help},   {NP_MODE_VERSION, np_run_version},
};

int main(int argc, char **argv)
{
	struct np_options opt;
	struct np_privs privs;
	struct np_err err;

	memset(&err, 0, sizeof(err));
	memset(&opt, 0, sizeof(opt));
	/* Privileges first: nothing else runs with more than CAP_NET_RAW in
	 * the permitted set and nothing in the effective set. */
	if (np_privs_init(&privs, &err) != 0)
		return np_run_fail(NULL, &err);
	if (np_options_parse(argc, argv, &opt, &err) != 0 ||
	    np_options_settle(&opt, privs.is_root, &err) != 0)
		return np_run_fail(&opt, &err);
	/* From here on the options are read-only. */
	np_report_set_decimals(opt.decimals);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == opt.mode)
			return modes[i].run(&opt, &privs);
	np_err_set(&err, "internal error: no run for mode %d", (int)opt.mode);
	return np_run_fail(&opt, &err);
}
