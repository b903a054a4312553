/* run_inspect.c - inspect mode (--read FILE, --inspect[=IFACE]), and the
 * two modes that only print: --help and --version */
#include "config.h"

#include "run.h"

#include <string.h>

#ifdef HAVE_PCAP
#include "capture.h"
#include "pcapdl.h"
#endif
#include "sandbox.h"

#ifdef HAVE_PCAP
/* The capture is opened with the privileges, which go before the first
 * packet is decoded; then the sandbox. */
int np_run_inspect(const struct np_options *opt, struct np_privs *privs)
{
	struct np_capture cap;
	struct np_core_signals sig;
	struct np_err err;
	sigset_t waitmask;
	int rc;

	memset(&err, 0, sizeof(err));
	if (opt->inspect_iface != NULL)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (np_capture_open_inspect(&cap, opt, privs, &err) != 0)
		return np_run_fail(opt, &err);
	if (np_privs_drop_all(privs, &err) != 0 ||
	    np_run_signals(&sig, &waitmask, &err) != 0 ||
	    np_run_sandbox(opt, -1, &err) != 0)
		rc = np_run_fail(opt, &err);
	else if (opt->sandbox_test != NULL)
		rc = np_run_sandbox_test(opt->sandbox_test, false, -1);
	else if ((rc = np_capture_inspect(&cap, opt, sig.stop, &waitmask,
					  &err)) < 0)
		rc = np_run_fail(opt, &err);
	else if (np_run_flush() != 0)
		rc = NP_EXIT_TROUBLE;
	return rc;
}
#else
int np_run_inspect(const struct np_options *opt, struct np_privs *privs)
{
	struct np_err err;

	(void)privs; /* the parse refuses --read and --inspect: not reached */
	np_err_set(&err, "this netprobe was built without libpcap");
	return np_run_fail(opt, &err);
}
#endif

int np_run_help(const struct np_options *opt, struct np_privs *privs)
{
	(void)privs;
	if (opt->plugin)
		np_options_plugin_usage(stdout);
	else
		np_options_usage(stdout);
	return NP_EXIT_REPLIES;
}

int np_run_version(const struct np_options *opt, struct np_privs *privs)
{
	(void)opt;
	(void)privs;
	printf("netprobe %s\n", PACKAGE_VERSION);
#ifdef HAVE_PCAP
	if (np_pcap_load(NULL) == 0)
		printf("configured with libpcap (%s, loaded when capturing: "
		       "%s)\n",
		       np_pcap_soname(), np_pcap.lib_version());
	else
		printf("configured with libpcap (loaded when capturing; not "
		       "installed here)\n");
#else
	printf("configured without libpcap\n");
#endif
	printf("sandbox after setup: %s\n",
	       np_sandbox_available() ? "seccomp (libseccomp)"
				      : "none (built without libseccomp)");
	return NP_EXIT_REPLIES;
}
