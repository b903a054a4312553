/* run_many.c - many-target mode (fping's job) and plugin mode
 * (check_icmp's), which is a many-target run with another report */
#include "config.h"

#include "proto.h"
#include "run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "result.h"
#include "mode_many.h"
#include "target.h"
#include "tlist.h"

/* What building the target list tells the run: the names that did not
 * resolve, kept for --metrics (whose file is opened later). */
struct plan_notes {
	const struct np_options *opt;
	char **names, **why;
	size_t n, cap;
};

static void say_unresolved(void *ctx, const char *name,
			   const struct np_err *err)
{
	struct plan_notes *pn = ctx;

	fprintf(stderr, "netprobe: %s\n", err->msg);
	if (pn->opt->metrics == NULL)
		return;
	if (pn->n == pn->cap) {
		size_t cap = pn->cap ? 2 * pn->cap : 8;
		char **a = realloc(pn->names, cap * sizeof(*a));

		if (a != NULL)
			pn->names = a;
		a = a != NULL ? realloc(pn->why, cap * sizeof(*a)) : NULL;
		if (a == NULL)
			return; /* out of memory: its series is lost */
		pn->why = a;
		pn->cap = cap;
	}
	pn->names[pn->n] = strdup(name);
	pn->why[pn->n] = strdup(np_run_resolve_reason(err->msg));
	if (pn->names[pn->n] == NULL || pn->why[pn->n] == NULL) {
		free(pn->names[pn->n]);
		free(pn->why[pn->n]);
		return;
	}
	pn->n++;
}

static void plan_notes_free(struct plan_notes *pn)
{
	for (size_t i = 0; i < pn->n; i++) {
		free(pn->names[i]);
		free(pn->why[i]);
	}
	free(pn->names);
	free(pn->why);
	pn->names = pn->why = NULL;
	pn->n = pn->cap = 0;
}

static void say_duplicate(void *ctx, const char *name, uint64_t addresses)
{
	const struct np_options *o = ((struct plan_notes *)ctx)->opt;

	if (!o->verbose)
		return;
	if (addresses == 0)
		fprintf(stderr,
			"netprobe: %s: already in the list, probed once\n",
			name);
	else
		fprintf(stderr,
			"netprobe: %s: %llu of its addresses already in the "
			"list, probed once\n",
			name, (unsigned long long)addresses);
}

static int read_plan(struct np_tplan *plan, const struct np_options *o,
		     const struct np_tplan_notify *notify, struct np_err *err)
{
	const char *path = o->file != NULL ? o->file : "-";
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f;
	int rc;

	if (o->file == NULL && isatty(STDIN_FILENO))
		return np_err_set(err, "no target given (usage: netprobe "
				       "[options] TARGET...; try --help)");
	f = is_stdin ? stdin : fopen(path, "re");
	if (f == NULL)
		return np_err_errno(err, errno, "cannot open %s", path);
	rc = np_tplan_read(plan, f, is_stdin ? "<stdin>" : path, o->family,
			   notify, err);
	if (!is_stdin)
		fclose(f);
	return rc;
}

static int build_plan(struct np_tplan *plan, const struct np_options *o,
		      struct plan_notes *pn, struct np_err *err)
{
	struct np_tplan_notify notify = {pn, say_unresolved,
					 o->verbose ? say_duplicate : NULL};
	struct np_tspec spec;

	if (o->generate && o->ntargets == 2) {
		if (np_tspec_pair(o->targets[0], o->targets[1], o->family,
				  &spec, err) != 0)
			return -1;
		return np_tplan_add_range(plan, o->targets[0], &spec, &notify,
					  err);
	}
	for (int i = 0; i < o->ntargets; i++)
		if (np_tplan_add(plan, o->targets[i], o->family, &notify,
				 err) != 0)
			return -1;
	if ((o->file != NULL || o->ntargets == 0) &&
	    read_plan(plan, o, &notify, err) != 0)
		return -1;
	if (plan->n == 0 && plan->unresolved == 0)
		return np_err_set(err, "no target given (usage: netprobe "
				       "[options] TARGET...; try --help)");
	if (!o->plugin)
		return 0;
	if (np_tplan_size(plan) + plan->duplicates + plan->unresolved >
	    (uint64_t)o->ntargets)
		return np_err_set(err, "plugin mode checks hosts: a CIDR block "
				       "or a range is not one");
	if (plan->unresolved > 0) /* check_icmp: UNKNOWN */
		return np_err_set(err, "cannot resolve %llu of the hosts",
				  (unsigned long long)plan->unresolved);
	return 0;
}

/* What a many-target run holds; many_cleanup() releases whatever was set
 * up. */
struct many_run {
	struct np_tplan plan;
	struct plan_notes notes;
	struct np_socket sock[2];
	struct np_sweep_cfg cfg;
	struct np_sweep_result res;
	struct np_sink sink;
	struct np_metrics_tee tee; /* --metrics beside the report */
	struct np_core_signals sig;
	sigset_t waitmask;
	struct np_report_multi text;
	struct np_report_json json;
	struct np_report_plugin plugin;
	struct np_metrics metrics;
	bool have_metrics; /* opened and neither written nor discarded */
	FILE *devnull;
};

/* A socket per family of the plan, then every privilege dropped. */
static int many_setup(struct many_run *r, const struct np_options *opt,
		      struct np_privs *privs, struct np_err *err)
{
	unsigned fams = np_tplan_families(&r->plan);
	const struct np_proto *P;

	for (int f = 0; f < 2; f++) {
		int family = f == 0 ? AF_INET : AF_INET6;

		if (!(fams & (1u << f)))
			continue;
		if (np_options_check_size(opt, family, err) != 0 ||
		    (P = np_proto_select(opt->proto, err)) == NULL ||
		    np_socket_open_proto(&r->sock[f], P, family, privs, err) !=
			    0 ||
		    np_socket_configure(&r->sock[f], opt, privs, err) != 0 ||
		    np_socket_open_route(&r->sock[f], family, err) != 0)
			return -1;
		r->cfg.sock[f] = &r->sock[f];
	}
	/* The same as for one target: nothing privileged after this. */
	if (np_privs_drop_all(privs, err) != 0 ||
	    np_run_signals(&r->sig, &r->waitmask, err) != 0)
		return -1;
	if (opt->verbose)
		for (int f = 0; f < 2; f++)
			if (r->cfg.sock[f] != NULL)
				np_run_verbose_setup(r->cfg.sock[f], privs, opt,
						     f == 0 || r->cfg.sock[0] ==
								       NULL);
	r->cfg.opt = opt;
	r->cfg.plan = &r->plan;
	r->cfg.alive_mode = opt->count == 0 && opt->vcount == 0;
	r->cfg.probes = r->cfg.alive_mode	  ? (uint32_t)(1 + opt->retries)
			: opt->vcount > 0	  ? (uint32_t)opt->vcount
			: opt->count > UINT32_MAX ? UINT32_MAX
						  : (uint32_t)opt->count;
	r->cfg.timeout_ns = np_options_multi_timeout(opt);
	r->cfg.percentiles = opt->json || opt->percentiles || opt->metrics;
	return 0;
}

/* The report: plugin, JSON or text. */
static int many_report(struct many_run *r, const struct np_options *opt,
		       struct np_err *err);

/* The sink: the report, with --metrics teed beside it. */
static int many_output(struct many_run *r, const struct np_options *opt,
		       struct np_err *err)
{
	if (many_report(r, opt, err) != 0)
		return -1;
	if (r->have_metrics)
		np_metrics_tee(&r->tee, &r->sink, &r->metrics, &r->sink);
	return 0;
}

static int many_report(struct many_run *r, const struct np_options *opt,
		       struct np_err *err)
{
	if (opt->metrics != NULL) {
		if (np_metrics_open(&r->metrics, opt->metrics, err) != 0)
			return -1;
		np_metrics_probe(&r->metrics, opt);
		r->have_metrics = true;
		/* the names that did not resolve first: up 0 and why */
		for (size_t i = 0; i < r->notes.n; i++)
			np_metrics_add_unresolved(&r->metrics,
						  r->notes.names[i],
						  r->notes.why[i]);
	}
	if (opt->plugin) {
		r->plugin.opt = opt;
		r->plugin.cap = (size_t)opt->ntargets;
		r->plugin.res = calloc(r->plugin.cap, sizeof(struct np_result));
		if (r->plugin.res == NULL)
			return np_err_set(err, "out of memory");
		np_report_plugin_sink(&r->plugin, &r->sink);
		return 0;
	}
	if (opt->json) {
		r->json.out = stdout;
		np_report_json_msink(&r->json, &r->sink);
		return 0;
	}
	r->text.out = np_run_text_out(opt, &r->devnull, err);
	if (r->text.out == NULL)
		return -1;
	r->text.diag = stderr;
	r->text.opt = opt;
	r->text.alive_mode = r->cfg.alive_mode;
	np_report_multi_sink(&r->text, &r->sink);
	return 0;
}

/* The exit code: plugin mode's status, or fping's rules. */
static int many_status(struct many_run *r, const struct np_options *opt)
{
	const struct np_sweep_result *res = &r->res;

	if (opt->plugin) {
		return np_report_plugin_print(&r->plugin, stdout);
	}
	if (opt->reachable > 0 && res->answered >= (uint64_t)opt->reachable)
		return NP_EXIT_REPLIES;
	if (r->plan.unresolved > 0)
		return NP_EXIT_TROUBLE;
	if (opt->reachable > 0 || res->answered < res->targets ||
	    res->targets == 0 || (r->plan.n > 0 && !res->complete))
		return NP_EXIT_NO_REPLY;
	return NP_EXIT_REPLIES;
}

/* After the sweep: totals (-v), the status, the metrics written. */
static int many_finish(struct many_run *r, const struct np_options *opt,
		       struct np_err *err)
{
	const struct np_sweep_result *res = &r->res;
	int rc;

	/* stdout is fully buffered here: the -a/-u list first, so that the
	 * totals come after it when both go to one file (cron, journald) */
	fflush(stdout);
	if (opt->verbose)
		fprintf(stderr,
			"netprobe: %llu targets, %llu answered; %llu probes "
			"sent, %llu replies; at most %llu targets at a time, "
			"probe table of %zu\n",
			(unsigned long long)res->targets,
			(unsigned long long)res->answered,
			(unsigned long long)res->total.transmitted,
			(unsigned long long)res->total.received,
			(unsigned long long)res->peak_active, res->table_slots);
	rc = many_status(r, opt);
	if (r->have_metrics) {
		r->have_metrics = false; /* written or removed, either way */
		if (np_metrics_write(&r->metrics, err) != 0)
			return np_run_fail(opt, err);
	}
	if (np_run_flush() != 0)
		return opt->plugin ? NP_PLUGIN_UNKNOWN : NP_EXIT_TROUBLE;
	return rc;
}

/* The one way out of a many-target run. */
static void many_cleanup(struct many_run *r)
{
	if (r->have_metrics)
		np_metrics_discard(&r->metrics);
	if (r->devnull != NULL)
		fclose(r->devnull);
	free(r->plugin.res);
	for (int f = 0; f < 2; f++) {
		if (r->sock[f].fd >= 0)
			close(r->sock[f].fd);
		if (r->sock[f].route_fd >= 0)
			close(r->sock[f].route_fd);
	}
	plan_notes_free(&r->notes);
	np_tplan_free(&r->plan);
}

int np_run_many(const struct np_options *opt, struct np_privs *privs)
{
	struct many_run *r = calloc(1, sizeof(*r));
	struct np_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	if (r == NULL) {
		np_err_set(&err, "out of memory");
		return np_run_fail(opt, &err);
	}
	for (int f = 0; f < 2; f++)
		r->sock[f].fd = r->sock[f].route_fd = -1;
	np_tplan_init(&r->plan);
	r->notes.opt = opt;
	if ((!opt->plugin && np_run_habits(opt, &err) != 0) ||
	    build_plan(&r->plan, opt, &r->notes, &err) != 0 ||
	    many_setup(r, opt, privs, &err) != 0) {
		rc = np_run_fail(opt, &err);
		goto out;
	}
	/* Whole lines, written when the mode is about to wait. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (many_output(r, opt, &err) != 0 ||
	    np_run_sandbox(opt, -1, &err) != 0) {
		rc = np_run_fail(opt, &err);
	} else if (opt->sandbox_test != NULL) {
		/* a refused call ends the process: no metrics file left */
		if (r->have_metrics)
			np_metrics_discard(&r->metrics);
		r->have_metrics = false;
		rc = np_run_sandbox_test(opt->sandbox_test, opt->plugin, -1);
	} else if (r->plan.n > 0 && np_many_run(&r->cfg, &r->sink, &r->sig,
						NULL, &r->res, &err) != 0) {
		rc = np_run_fail(opt, &err);
	} else {
		rc = many_finish(r, opt, &err);
	}
out:
	many_cleanup(r);
	free(r);
	return rc;
}
