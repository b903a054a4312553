/* report_metrics.c - Prometheus text format for node_exporter's textfile
 * collector.  Each target's numbers are kept in an unlinked temporary file
 * while the run goes on (memory does not grow with the targets), then
 * written out grouped by metric family, to a temporary file renamed over
 * the destination: a collector never reads half a file. */
#include "config.h"

#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "options.h"
#include "proto.h"
#include "result.h"

struct rec {
	char name[256]; /* host names are at most 253 bytes */
	char address[INET6_ADDRSTRLEN + 16];
	uint64_t sent, received, duplicates, errors;
	int have_rtt;
	double min_s, max_s, sum_s, p50_s, p90_s, p99_s, loss;
	char proto[16]; /* --tcp, --udp: the proto and port labels */
	unsigned port;
	int unresolved;	 /* only netprobe_up and netprobe_resolve_failed */
	char reason[96]; /* why it did not resolve */
};

int np_metrics_open(struct np_metrics *m, const char *path, struct np_err *err)
{
	memset(m, 0, sizeof(*m));
	m->path = path;
	m->tmp = tmpfile();
	if (m->tmp == NULL)
		return np_err_errno(
			err, errno,
			"--metrics: cannot create a temporary file");
	if (strcmp(path, "-") == 0)
		return 0;
	/* The file renamed into place at the end is created now: a
	 * directory that is missing or not writable fails before the run,
	 * not after it. */
	if (snprintf(m->outname, sizeof(m->outname), "%s.tmp.%ld", path,
		     (long)getpid()) >= (int)sizeof(m->outname)) {
		fclose(m->tmp);
		return np_err_set(err, "--metrics: the path is too long");
	}
	m->out = fopen(m->outname, "wxe");
	if (m->out == NULL) {
		int e = errno;

		fclose(m->tmp);
		return np_err_errno(err, e, "--metrics: cannot create %s",
				    m->outname);
	}
	return 0;
}

void np_metrics_probe(struct np_metrics *m, const struct np_options *o)
{
	const struct np_proto *P =
		o->proto != NULL ? np_proto_find(o->proto) : NULL;

	if (P == NULL || P->default_port == 0)
		return;
	m->proto = P->name;
	m->port = o->port != 0 ? o->port : P->default_port;
}

static void rec_probe(const struct np_metrics *m, struct rec *x)
{
	if (m->proto == NULL)
		return;
	snprintf(x->proto, sizeof(x->proto), "%s", m->proto);
	x->port = m->port;
}

/* Label values: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

void np_metrics_add(struct np_metrics *m, const struct np_result *r)
{
	struct rec x;

	memset(&x, 0, sizeof(x));
	snprintf(x.name, sizeof(x.name), "%.*s", (int)sizeof(x.name) - 1,
		 r->name);
	snprintf(x.address, sizeof(x.address), "%s", r->address);
	x.sent = r->transmitted;
	x.received = r->received;
	rec_probe(m, &x);
	x.duplicates = r->duplicates;
	x.errors = r->errors;
	x.loss = r->loss_pct / 100.0;
	x.have_rtt = r->have_rtt;
	if (r->have_rtt) {
		x.min_s = (double)r->min_ns / 1e9;
		x.max_s = (double)r->max_ns / 1e9;
		x.sum_s = r->sum_ns / 1e9;
		x.p50_s = (double)r->p50_ns / 1e9;
		x.p90_s = (double)r->p90_ns / 1e9;
		x.p99_s = (double)r->p99_ns / 1e9;
	}
	if (fwrite(&x, sizeof(x), 1, m->tmp) != 1)
		m->failed = true;
	m->n++;
}

void np_metrics_add_unresolved(struct np_metrics *m, const char *name,
			       const char *why)
{
	struct rec x;

	memset(&x, 0, sizeof(x));
	x.unresolved = 1;
	rec_probe(m, &x);
	snprintf(x.name, sizeof(x.name), "%s", name);
	snprintf(x.reason, sizeof(x.reason), "%s", why);
	if (fwrite(&x, sizeof(x), 1, m->tmp) != 1)
		m->failed = true;
	m->n++;
	m->unresolved++;
}

static void labels(FILE *f, const struct rec *x, const char *extra)
{
	fputs("{target=\"", f);
	label(f, x->name);
	fputs("\",address=\"", f);
	label(f, x->address);
	fputc('"', f);
	if (x->proto[0] != '\0')
		fprintf(f, ",proto=\"%s\",port=\"%u\"", x->proto, x->port);
	if (extra != NULL)
		fprintf(f, ",%s", extra);
	fputc('}', f);
}

enum fam {
	F_SENT,
	F_RECEIVED,
	F_DUPLICATES,
	F_ERRORS,
	F_UP,
	F_LOSS,
	F_RTT,
	F_MIN,
	F_MAX,
	F_RESOLVE,
	F_N
};

static const struct {
	const char *name, *type, *help;
} fams[F_N] = {
	{"netprobe_probes_sent_total", "counter",
	 "Echo Requests sent to the target in this run."},
	{"netprobe_replies_received_total", "counter",
	 "Good Echo Replies received (one per probe at most)."},
	{"netprobe_duplicates_total", "counter",
	 "Further replies to probes already answered."},
	{"netprobe_errors_total", "counter",
	 "ICMP errors about the probes, and send errors."},
	{"netprobe_up", "gauge", "1 if the target answered at least once."},
	{"netprobe_loss_ratio", "gauge",
	 "Probes without a good reply, as a fraction of those sent."},
	{"netprobe_rtt_seconds", "summary",
	 "Round-trip time of the good replies (quantiles within 2.2%)."},
	{"netprobe_rtt_min_seconds", "gauge", "Smallest round-trip time."},
	{"netprobe_rtt_max_seconds", "gauge", "Largest round-trip time."},
	{"netprobe_resolve_failed", "gauge",
	 "1: the target's name did not resolve (why: the reason label); "
	 "not probed, netprobe_up 0."},
};

static void family(FILE *f, FILE *tmp, enum fam k, size_t unresolved)
{
	struct rec x;

	if (k == F_RESOLVE && unresolved == 0)
		return; /* the family only when a name failed */
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fams[k].name, fams[k].help,
		fams[k].name, fams[k].type);
	rewind(tmp);
	while (fread(&x, sizeof(x), 1, tmp) == 1) {
		const char *n = fams[k].name;

		/* no address, nothing sent: up 0 (for the alert on
		 * up == 0) and the reason, no counters that would read as
		 * a run of probes */
		if (x.unresolved && k != F_UP && k != F_RESOLVE)
			continue;
		if (!x.unresolved && k == F_RESOLVE)
			continue;
		switch (k) {
		case F_SENT:
		case F_RECEIVED:
		case F_DUPLICATES:
		case F_ERRORS:
			fputs(n, f);
			labels(f, &x, NULL);
			fprintf(f, " %" PRIu64 "\n",
				k == F_SENT	    ? x.sent
				: k == F_RECEIVED   ? x.received
				: k == F_DUPLICATES ? x.duplicates
						    : x.errors);
			break;
		case F_UP:
			fputs(n, f);
			labels(f, &x, NULL);
			fprintf(f, " %d\n", x.received > 0 ? 1 : 0);
			break;
		case F_LOSS:
			fputs(n, f);
			labels(f, &x, NULL);
			fprintf(f, " %.6g\n", x.loss);
			break;
		case F_RTT:
			if (x.have_rtt && x.p50_s >= 0) {
				static const char *const q[] = {
					"quantile=\"0.5\"", "quantile=\"0.9\"",
					"quantile=\"0.99\""};
				const double v[] = {x.p50_s, x.p90_s, x.p99_s};

				for (int i = 0; i < 3; i++) {
					fputs(n, f);
					labels(f, &x, q[i]);
					fprintf(f, " %.9f\n", v[i]);
				}
			}
			fprintf(f, "%s_sum", n);
			labels(f, &x, NULL);
			fprintf(f, " %.9f\n", x.have_rtt ? x.sum_s : 0.0);
			fprintf(f, "%s_count", n);
			labels(f, &x, NULL);
			fprintf(f, " %" PRIu64 "\n", x.received);
			break;
		case F_MIN:
		case F_MAX:
			if (!x.have_rtt)
				break;
			fputs(n, f);
			labels(f, &x, NULL);
			fprintf(f, " %.9f\n", k == F_MIN ? x.min_s : x.max_s);
			break;
		case F_RESOLVE:
			fputs(n, f);
			fputs("{target=\"", f);
			label(f, x.name);
			fputs("\",address=\"\"", f);
			if (x.proto[0] != '\0')
				fprintf(f, ",proto=\"%s\",port=\"%u\"", x.proto,
					x.port);
			fputs(",reason=\"", f);
			label(f, x.reason);
			fputs("\"} 1\n", f);
			break;
		case F_N:
			break;
		}
	}
}

int np_metrics_write(struct np_metrics *m, struct np_err *err)
{
	FILE *f = m->out != NULL ? m->out : stdout;
	int rc = 0;

	if (m->failed || fflush(m->tmp) != 0) {
		rc = np_err_set(err, "--metrics: cannot write the temporary "
				     "file");
		goto out;
	}
	for (int k = 0; k < F_N; k++)
		family(f, m->tmp, (enum fam)k, m->unresolved);
	fprintf(f,
		"# HELP netprobe_last_run_timestamp_seconds When this run "
		"ended.\n# TYPE netprobe_last_run_timestamp_seconds gauge\n"
		"netprobe_last_run_timestamp_seconds %.3f\n",
		(double)np_clock_real() / 1e9);
	if (m->out == NULL) {
		if (fflush(f) != 0)
			rc = np_err_errno(err, errno, "--metrics: writing");
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = np_err_errno(err, errno, "--metrics: writing %s",
				  m->outname);
		goto out;
	}
	f = m->out;
	m->out = NULL;
	if (fclose(f) != 0) {
		rc = np_err_errno(err, errno, "--metrics: writing %s",
				  m->outname);
		goto out;
	}
	if (rename(m->outname, m->path) != 0)
		rc = np_err_errno(err, errno,
				  "--metrics: cannot rename %s to %s",
				  m->outname, m->path);
out:
	fclose(m->tmp);
	m->tmp = NULL;
	if (m->out != NULL) {
		fclose(m->out);
		m->out = NULL;
	}
	if (rc != 0 && m->outname[0] != '\0')
		unlink(m->outname);
	return rc;
}

/* Without a write (the run failed): no temporary file left behind. */
void np_metrics_discard(struct np_metrics *m)
{
	if (m->tmp != NULL)
		fclose(m->tmp);
	if (m->out != NULL) {
		fclose(m->out);
		unlink(m->outname);
	}
	m->tmp = m->out = NULL;
}

/* ---- the tee: --metrics beside any other report ------------------------ */

static void tee_start(void *vctx, const struct np_run_info *info)
{
	struct np_metrics_tee *t = vctx;

	if (t->inner.start)
		t->inner.start(t->inner.ctx, info);
}

static void tee_event(void *vctx, const struct np_run_info *info,
		      const struct np_event *ev)
{
	struct np_metrics_tee *t = vctx;

	if (t->inner.event)
		t->inner.event(t->inner.ctx, info, ev);
}

static void tee_done(void *vctx, const struct np_run_info *info,
		     const struct np_result *r)
{
	struct np_metrics_tee *t = vctx;

	if (t->inner.done)
		t->inner.done(t->inner.ctx, info, r);
	np_metrics_add(t->m, r);
}

static void tee_flush(void *vctx)
{
	struct np_metrics_tee *t = vctx;

	if (t->inner.flush)
		t->inner.flush(t->inner.ctx);
}

static void tee_progress(void *vctx, const struct np_run_info *info,
			 const struct np_stats *total, uint64_t reported,
			 uint64_t active)
{
	struct np_metrics_tee *t = vctx;

	if (t->inner.progress)
		t->inner.progress(t->inner.ctx, info, total, reported, active);
}

static void tee_finish(void *vctx, const struct np_run_info *info,
		       const struct np_stats *total)
{
	struct np_metrics_tee *t = vctx;

	if (t->inner.finish)
		t->inner.finish(t->inner.ctx, info, total);
}

void np_metrics_tee(struct np_metrics_tee *tee, const struct np_sink *inner,
		    struct np_metrics *m, struct np_sink *out)
{
	tee->inner = *inner;
	tee->m = m;
	memset(out, 0, sizeof(*out));
	out->ctx = tee;
	out->start = tee_start;
	out->event = tee_event;
	out->done = tee_done;
	out->flush = tee_flush;
	out->progress = tee_progress;
	out->finish = tee_finish;
}
