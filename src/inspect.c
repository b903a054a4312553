/* inspect.c - decode, pair, time and summarise captured ICMP.
 *
 * Every frame goes through np_link_decode and np_reply_parse_packet: the
 * bounds-checked parsers of the ping path, with Echo Requests recognised
 * too.  Requests are paired with replies by (requester, responder,
 * identifier, sequence); flows are (requester, responder, identifier).
 *
 * A capture point is an interface and a direction (Linux cooked
 * captures say both; other link types are one point).  A router's "any"
 * capture sees a forwarded packet twice, in and out: the second sighting
 * at another point is a copy, shown but counted once; a second sighting
 * at the same point is a new request, or a duplicate reply.
 */
#include "config.h"

#include "inspect.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"
#include "hist.h"
#include "icmp.h"
#include "linklayer.h"
#include "reply.h"
#include "report.h"
#include "target.h"

#define MAX_ERROR_KINDS 8

struct addr_key {
	uint8_t family;
	uint8_t a[16];
};

struct flow {
	struct addr_key req, resp; /* requester, responder */
	uint16_t id;
	uint32_t seen; /* capture points, a bit each */
	uint64_t requests, replies, duplicates, corrupted, unpaired, errors;
	struct {
		uint8_t type, code;
		uint64_t n;
	} err[MAX_ERROR_KINDS];
	unsigned nerr;
	uint64_t err_other;
	double sum_ms;
	struct np_hist *hist; /* the first RTT allocates it */
};

#define SIGHTINGS 4 /* capture points told apart per request */

struct request {
	uint32_t flow; /* index + 1; 0: a free slot */
	uint16_t seq;
	uint8_t requested; /* a request seen (else: replies without one) */
	uint8_t answered;  /* replies: the most seen at one point */
	uint8_t errors;	   /* errors quoting it: the most at one point */
	uint8_t n;	   /* sightings used */
	struct {
		uint8_t point, req, rep, err; /* how often seen there */
	} at[SIGHTINGS];
	int64_t ts_ns[SIGHTINGS]; /* the request's at each point */
};

struct point {
	uint32_t ifindex;
	uint8_t dir;
};

struct np_inspect {
	struct np_inspect_opts o;
	struct flow *flows;
	size_t nflows;
	uint32_t *flow_index; /* open addressing: flow + 1, 0 empty */
	size_t flow_slots;
	struct request *req; /* open addressing */
	size_t req_slots, nreq;
	struct np_inspect_totals t;
	struct point points[NP_INSPECT_MAX_POINTS]; /* [0]: not cooked */
	unsigned npoints;
	uint64_t untracked; /* past the bounds */
	int64_t first_ns, last_ns;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static void addr_key(const struct sockaddr_storage *ss, struct addr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(k->a, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(k->a, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
}

static void key_addr(const struct addr_key *k, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = k->family;
	if (k->family == AF_INET)
		memcpy(&((struct sockaddr_in *)ss)->sin_addr, k->a, 4);
	else if (k->family == AF_INET6)
		memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr, k->a, 16);
}

static uint64_t flow_hash(const struct addr_key *req,
			  const struct addr_key *resp, uint16_t id)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = mix(h, req, sizeof(*req));
	h = mix(h, resp, sizeof(*resp));
	return mix(h, &id, sizeof(id));
}

/* The flow's index, created when `create`; -1 when unknown or past the
 * bound. */
static long flow_find(struct np_inspect *in, const struct addr_key *req,
		      const struct addr_key *resp, uint16_t id, bool create)
{
	size_t mask = in->flow_slots - 1;
	size_t i = flow_hash(req, resp, id) & mask;
	struct flow *f;

	for (;; i = (i + 1) & mask) {
		uint32_t v = in->flow_index[i];

		if (v == 0)
			break;
		f = &in->flows[v - 1];
		if (f->id == id && memcmp(&f->req, req, sizeof(*req)) == 0 &&
		    memcmp(&f->resp, resp, sizeof(*resp)) == 0)
			return (long)v - 1;
	}
	if (!create || in->nflows >= NP_INSPECT_MAX_FLOWS)
		return -1;
	f = &in->flows[in->nflows];
	memset(f, 0, sizeof(*f));
	f->req = *req;
	f->resp = *resp;
	f->id = id;
	in->flow_index[i] = (uint32_t)++in->nflows;
	return (long)in->nflows - 1;
}

static uint64_t req_hash(uint32_t flow, uint16_t seq)
{
	return mix(mix(0xcbf29ce484222325ULL, &flow, sizeof(flow)), &seq,
		   sizeof(seq));
}

static struct request *req_find(struct np_inspect *in, uint32_t flow,
				uint16_t seq, bool create)
{
	size_t mask = in->req_slots - 1;
	size_t i = req_hash(flow, seq) & mask;

	for (;; i = (i + 1) & mask) {
		struct request *r = &in->req[i];

		if (r->flow == 0)
			break;
		if (r->flow == flow + 1 && r->seq == seq)
			return r;
	}
	if (!create)
		return NULL;
	if (in->nreq + 1 > in->req_slots / 2) { /* grow, up to the bound */
		size_t n = in->req_slots * 2;
		struct request *nr;

		if (n > 2 * (size_t)NP_INSPECT_MAX_REQUESTS)
			return NULL;
		nr = calloc(n, sizeof(*nr));
		if (nr == NULL)
			return NULL;
		for (size_t j = 0; j < in->req_slots; j++) {
			struct request *o = &in->req[j];
			size_t k;

			if (o->flow == 0)
				continue;
			for (k = req_hash(o->flow - 1, o->seq) & (n - 1);
			     nr[k].flow != 0; k = (k + 1) & (n - 1))
				;
			nr[k] = *o;
		}
		free(in->req);
		in->req = nr;
		in->req_slots = n;
		return req_find(in, flow, seq, true);
	}
	in->nreq++;
	in->req[i].flow = flow + 1;
	in->req[i].seq = seq;
	return &in->req[i];
}

struct np_inspect *np_inspect_new(const struct np_inspect_opts *o)
{
	struct np_inspect *in = calloc(1, sizeof(*in));

	if (in == NULL)
		return NULL;
	in->o = *o;
	in->npoints = 1;
	in->flow_slots = 2 * NP_INSPECT_MAX_FLOWS;
	in->flows = calloc(NP_INSPECT_MAX_FLOWS, sizeof(*in->flows));
	in->flow_index = calloc(in->flow_slots, sizeof(*in->flow_index));
	in->req_slots = 1024;
	in->req = calloc(in->req_slots, sizeof(*in->req));
	if (in->flows == NULL || in->flow_index == NULL || in->req == NULL) {
		np_inspect_free(in);
		return NULL;
	}
	return in;
}

void np_inspect_free(struct np_inspect *in)
{
	if (in == NULL)
		return;
	for (size_t i = 0; i < in->nflows; i++)
		free(in->flows[i].hist);
	free(in->flows);
	free(in->flow_index);
	free(in->req);
	free(in);
}

/* ---- capture points --------------------------------------------------- */

static unsigned point_of(struct np_inspect *in, const struct np_frame *fr)
{
	unsigned i;

	if (fr->dir == NP_DIR_UNKNOWN)
		return 0;
	for (i = 1; i < in->npoints; i++)
		if (in->points[i].ifindex == fr->ifindex &&
		    in->points[i].dir == fr->dir)
			return i;
	if (i >= NP_INSPECT_MAX_POINTS)
		return NP_INSPECT_MAX_POINTS - 1; /* shared by the rest */
	in->points[i].ifindex = fr->ifindex;
	in->points[i].dir = fr->dir;
	return in->npoints++;
}

static const char *if_name(const struct np_inspect *in, uint32_t index)
{
	for (size_t i = 0; i < in->o.nifnames; i++)
		if (in->o.ifnames[i].index == index)
			return in->o.ifnames[i].name;
	return NULL;
}

/* A point in text: "eth0 in", "ifindex 3 out", "in". */
static void point_text(const struct np_inspect *in, FILE *f, uint32_t ifindex,
		       uint8_t dir)
{
	const char *name = ifindex ? if_name(in, ifindex) : NULL;

	if (name != NULL)
		fprintf(f, "%s ", name);
	else if (ifindex != 0)
		fprintf(f, "ifindex %u ", ifindex);
	fputs(np_link_dir_name(dir), f);
}

/* A point's JSON members, after others. */
static void point_json(const struct np_inspect *in, FILE *f, uint32_t ifindex,
		       uint8_t dir)
{
	const char *name = ifindex ? if_name(in, ifindex) : NULL;

	if (name != NULL) {
		fputs(",\"interface\":", f);
		np_json_string(f, name);
	}
	if (ifindex != 0)
		fprintf(f, ",\"ifindex\":%u", ifindex);
	fprintf(f, ",\"direction\":\"%s\"", np_link_dir_name(dir));
}

static const char *tunnel_id_name(int kind)
{
	switch (kind) {
	case NP_TUN_GRE:
		return "key";
	case NP_TUN_VXLAN:
	case NP_TUN_GENEVE:
		return "vni";
	case NP_TUN_MPLS:
		return "label";
	}
	return "session"; /* ERSPAN, PPPoE */
}

static void tunnel_addrs(const struct np_tunnel *t, char *src, char *dst,
			 size_t len)
{
	struct addr_key k;
	struct sockaddr_storage ss;

	memset(&k, 0, sizeof(k));
	k.family = t->family;
	memcpy(k.a, t->src, 16);
	key_addr(&k, &ss);
	np_addr_str((const struct sockaddr *)&ss, src, len);
	memcpy(k.a, t->dst, 16);
	key_addr(&k, &ss);
	np_addr_str((const struct sockaddr *)&ss, dst, len);
}

/* The tunnels around the packet, outermost first: in text
 * "[gre 198.18.0.1 > 198.18.0.2 key 7]", in JSON a "tunnels" array. */
static void tunnels(struct np_inspect *in, const struct np_frame *fr)
{
	FILE *f = in->o.out;
	char src[INET6_ADDRSTRLEN + 16], dst[INET6_ADDRSTRLEN + 16];

	if (fr->ntun == 0)
		return;
	if (in->o.json)
		fputs(",\"tunnels\":[", f);
	for (unsigned i = 0; i < fr->ntun; i++) {
		const struct np_tunnel *t = &fr->tun[i];

		if (t->family != 0)
			tunnel_addrs(t, src, dst, sizeof(src));
		if (in->o.json) {
			fprintf(f, "%s{\"type\":\"%s\"", i ? "," : "",
				np_tunnel_name(t->kind));
			if (t->family != 0) {
				fputs(",\"from\":", f);
				np_json_string(f, src);
				fputs(",\"to\":", f);
				np_json_string(f, dst);
			}
			if (t->has_id)
				fprintf(f, ",\"%s\":%" PRIu32,
					tunnel_id_name(t->kind), t->id);
			fputc('}', f);
			continue;
		}
		fprintf(f, " [%s", np_tunnel_name(t->kind));
		if (t->family != 0)
			fprintf(f, " %s > %s", src, dst);
		if (t->has_id)
			fprintf(f, " %s %" PRIu32, tunnel_id_name(t->kind),
				t->id);
		fputc(']', f);
	}
	if (in->o.json)
		fputc(']', f);
}

/* ---- output ---------------------------------------------------------- */

static void ms_text(FILE *f, int64_t ns)
{
	char buf[32];

	np_format_ms(ns, buf, sizeof(buf));
	fputs(buf, f);
}

static void clock_text(FILE *f, int64_t ns)
{
	time_t secs = (time_t)(ns / NP_NSEC_PER_SEC);
	struct tm tm;
	int64_t frac = ns % NP_NSEC_PER_SEC;

	if (ns < 0) {
		secs = 0;
		frac = 0;
	}
	gmtime_r(&secs, &tm);
	if (np_report_decimals() > 5)
		fprintf(f, "%02d:%02d:%02d.%09" PRId64, tm.tm_hour, tm.tm_min,
			tm.tm_sec, frac);
	else
		fprintf(f, "%02d:%02d:%02d.%06" PRId64, tm.tm_hour, tm.tm_min,
			tm.tm_sec, frac / NP_NSEC_PER_USEC);
}

/* The start of a packet's line or object. */
static void head(struct np_inspect *in, const char *event, int64_t ts,
		 const struct np_frame *fr, const struct np_ipinfo *ip)
{
	FILE *f = in->o.out;
	char src[INET6_ADDRSTRLEN + 16] = "", dst[INET6_ADDRSTRLEN + 16] = "";

	if (ip != NULL && ip->family != 0) {
		np_addr_str((const struct sockaddr *)&ip->src, src,
			    sizeof(src));
		np_addr_str((const struct sockaddr *)&ip->dst, dst,
			    sizeof(dst));
	}
	if (in->o.json) {
		fprintf(f, "{\"event\":\"%s\",\"time\":", event);
		np_json_time(f, ts);
		if (fr->dir != NP_DIR_UNKNOWN)
			point_json(in, f, fr->ifindex, fr->dir);
		if (fr->nvlan > 0) {
			fputs(",\"vlan\":[", f);
			for (unsigned i = 0; i < fr->nvlan; i++)
				fprintf(f, "%s%u", i ? "," : "", fr->vlan[i]);
			fputc(']', f);
		}
		tunnels(in, fr);
		if (ip != NULL && ip->family != 0) {
			fputs(",\"from\":", f);
			np_json_string(f, src);
			fputs(",\"to\":", f);
			np_json_string(f, dst);
		}
		return;
	}
	clock_text(f, ts);
	if (fr->dir != NP_DIR_UNKNOWN) {
		fputc(' ', f);
		point_text(in, f, fr->ifindex, fr->dir);
	}
	if (fr->nvlan > 0) {
		fputs(" vlan ", f);
		for (unsigned i = 0; i < fr->nvlan; i++)
			fprintf(f, "%s%u", i ? "." : "", fr->vlan[i]);
	}
	tunnels(in, fr);
	if (ip != NULL && ip->family != 0)
		fprintf(f, " %s > %s", src, dst);
	fputc(':', f);
}

static void tail(struct np_inspect *in)
{
	fputs(in->o.json ? "}\n" : "\n", in->o.out);
}

/* A JSON name in text: "echo-request" as "echo request". */
static void words(FILE *f, const char *name)
{
	for (; *name; name++)
		fputc(*name == '-' ? ' ' : *name, f);
}

static const char *checksum_word(const struct np_reply *r)
{
	return !r->checksum_checked ? "unchecked"
	       : r->checksum_ok	    ? "good"
				    : "bad";
}

/* type, code, id/seq, bytes, ttl, checksum */
static void icmp_fields(struct np_inspect *in, int family,
			const struct np_reply *r, bool echo)
{
	FILE *f = in->o.out;

	if (in->o.json) {
		fprintf(f,
			",\"type\":%u,\"code\":%u,\"type_name\":\"%s\","
			"\"code_name\":\"%s\"",
			r->type, r->code, np_icmp_type_name(family, r->type),
			np_icmp_code_name(family, r->type, r->code));
		if (echo)
			fprintf(f, ",\"id\":%u,\"seq\":%u", r->key.flow,
				r->key.seq);
		fprintf(f, ",\"bytes\":%zu", r->icmp_len);
		if (r->ttl >= 0)
			fprintf(f, ",\"ttl\":%d", r->ttl);
		fprintf(f, ",\"checksum\":\"%s\"", checksum_word(r));
		return;
	}
	fputc(' ', f);
	words(f, np_icmp_type_name(family, r->type));
	if (!echo)
		fprintf(f, " (type %u, code %u)", r->type, r->code);
	else
		fprintf(f, ", id %u, seq %u", r->key.flow, r->key.seq);
	fprintf(f, ", %zu bytes", r->icmp_len);
	if (r->ttl >= 0)
		fprintf(f, ", ttl %d", r->ttl);
	if (r->checksum_checked && !r->checksum_ok)
		fputs(", BAD CHECKSUM", f);
}

/* ---- the packets ------------------------------------------------------ */

/* The request's record of capture point `pt`; -1 when its SIGHTINGS are
 * used up (then a sighting is taken for a copy). */
static int sighting(struct request *q, unsigned pt)
{
	for (int i = 0; i < q->n; i++)
		if (q->at[i].point == pt)
			return i;
	if (q->n >= SIGHTINGS)
		return -1;
	q->at[q->n].point = (uint8_t)pt;
	return q->n++;
}

/* A sequence number used again (or a request after replies without
 * one): what was seen of it is forgotten. */
static void req_reset(struct request *q)
{
	uint32_t flow = q->flow;
	uint16_t seq = q->seq;

	memset(q, 0, sizeof(*q));
	q->flow = flow;
	q->seq = seq;
}

static uint8_t bump(uint8_t *n)
{
	if (*n < UINT8_MAX)
		(*n)++;
	return *n;
}

/* The request's capture stamp to time a reply seen at `pt` with: the
 * one on the same interface, else the one seen the other way (a cooked
 * v1 capture has no interface), else the first. */
static int64_t req_ts(const struct np_inspect *in, const struct request *q,
		      unsigned pt)
{
	const struct point *p = &in->points[pt];
	int best = -1, best_score = -1;

	for (int i = 0; i < q->n; i++) {
		const struct point *o = &in->points[q->at[i].point];
		int score;

		if (!q->at[i].req)
			continue;
		score = (p->ifindex != 0 && o->ifindex == p->ifindex) * 2 +
			((p->dir == NP_DIR_OUTGOING) !=
			 (o->dir == NP_DIR_OUTGOING));
		if (score > best_score) {
			best = i;
			best_score = score;
		}
	}
	return best >= 0 ? q->ts_ns[best] : 0;
}

static void copy_mark(struct np_inspect *in, bool copy)
{
	if (copy)
		fputs(in->o.json ? ",\"copy\":true" : " (copy)", in->o.out);
}

static void on_request(struct np_inspect *in, int64_t ts,
		       const struct np_frame *fr, unsigned pt,
		       const struct np_ipinfo *ip, const struct np_reply *r)
{
	struct addr_key a, b;
	long fl;
	bool copy = false;

	addr_key(&ip->src, &a);
	addr_key(&ip->dst, &b);
	fl = flow_find(in, &a, &b, r->key.flow, true);
	if (fl >= 0) {
		struct request *q;

		in->flows[fl].seen |= 1u << pt;
		q = req_find(in, (uint32_t)fl, r->key.seq, true);
		if (q != NULL) {
			int i = sighting(q, pt);

			if (!q->requested || (i >= 0 && q->at[i].req)) {
				req_reset(q); /* new, or used again */
				i = sighting(q, pt);
			} else {
				copy = true; /* first seen elsewhere */
			}
			q->requested = 1;
			if (i >= 0) {
				q->at[i].req = 1;
				q->ts_ns[i] = ts;
			}
		} else {
			in->untracked++;
		}
		if (!copy)
			in->flows[fl].requests++;
	} else {
		in->untracked++;
	}
	if (copy)
		in->t.copies++;
	else
		in->t.requests++;
	if (in->o.quiet)
		return;
	head(in, "request", ts, fr, ip);
	icmp_fields(in, ip->family, r, true);
	copy_mark(in, copy);
	tail(in);
}

static void on_reply(struct np_inspect *in, int64_t ts,
		     const struct np_frame *fr, unsigned pt,
		     const struct np_ipinfo *ip, const struct np_reply *r)
{
	struct addr_key a, b;
	const char *event = "reply";
	int64_t rtt = -1;
	struct request *q = NULL;
	struct flow *flow = NULL;
	long fl;
	bool bad = r->checksum_checked && !r->checksum_ok, copy = false;

	addr_key(&ip->dst, &a); /* the requester */
	addr_key(&ip->src, &b);
	fl = flow_find(in, &a, &b, r->key.flow, true);
	if (fl >= 0) {
		flow = &in->flows[fl];
		flow->seen |= 1u << pt;
		/* Made when missing: the copies of a reply without request
		 * are told apart too. */
		if (!bad)
			q = req_find(in, (uint32_t)fl, r->key.seq, true);
	}
	if (bad) {
		/* Not trusted to pair: as ping, counted corrupted. */
		event = "corrupted";
		if (flow != NULL)
			flow->corrupted++;
	} else if (q == NULL) {
		in->t.unpaired++;
		if (flow != NULL)
			flow->unpaired++;
	} else {
		int i = sighting(q, pt);
		unsigned n = i >= 0 ? bump(&q->at[i].rep) : q->answered + 1u;

		if (i < 0 && q->answered > 0)
			copy = true;
		else if (n <= q->answered)
			copy = true; /* this reply, seen at another point */
		else
			q->answered = (uint8_t)(n > UINT8_MAX ? UINT8_MAX : n);
		if (q->requested) {
			rtt = ts - req_ts(in, q, pt);
			if (rtt < 0)
				rtt = 0; /* a file's clock stepped back */
		}
		if (q->answered > 1)
			event = "duplicate";
		if (copy) {
			/* counted where it was first seen */
		} else if (!q->requested) {
			in->t.unpaired++;
			flow->unpaired++;
		} else if (q->answered > 1) {
			in->t.duplicates++;
			flow->duplicates++;
		} else {
			flow->replies++;
			flow->sum_ms += (double)rtt / 1e6;
			if (flow->hist == NULL &&
			    (flow->hist = malloc(sizeof(*flow->hist))) != NULL)
				np_hist_init(flow->hist);
			if (flow->hist != NULL)
				np_hist_add(flow->hist, rtt);
		}
	}
	if (copy)
		in->t.copies++;
	else
		in->t.replies++;
	if (in->o.quiet)
		return;
	head(in, event, ts, fr, ip);
	icmp_fields(in, ip->family, r, true);
	if (in->o.json) {
		if (rtt >= 0)
			fprintf(in->o.out, ",\"rtt_ms\":%.*f",
				np_report_decimals(), (double)rtt / 1e6);
		else
			fputs(",\"rtt_ms\":null", in->o.out);
		if (bad)
			fputs(",\"reason\":\"bad checksum\"", in->o.out);
	} else if (rtt >= 0) {
		fputs(", time=", in->o.out);
		ms_text(in->o.out, rtt);
		fputs(strcmp(event, "duplicate") == 0 ? " ms (DUP!)" : " ms",
		      in->o.out);
	} else if (!bad) {
		fputs(", no request seen", in->o.out);
	}
	copy_mark(in, copy);
	tail(in);
}

static void flow_error(struct flow *f, const struct np_reply *r)
{
	f->errors++;
	for (unsigned i = 0; i < f->nerr; i++)
		if (f->err[i].type == r->type && f->err[i].code == r->code) {
			f->err[i].n++;
			return;
		}
	if (f->nerr < MAX_ERROR_KINDS) {
		f->err[f->nerr].type = r->type;
		f->err[f->nerr].code = r->code;
		f->err[f->nerr++].n = 1;
	} else {
		f->err_other++;
	}
}

static void on_error(struct np_inspect *in, int64_t ts,
		     const struct np_frame *fr, unsigned pt,
		     const struct np_ipinfo *ip, const struct np_reply *r,
		     bool about_echo)
{
	char desc[128], qdst[INET6_ADDRSTRLEN + 16] = "";
	FILE *f = in->o.out;
	bool copy = false;

	if (about_echo && r->quoted_dst_set) {
		struct addr_key a, b;
		long fl;

		addr_key(&ip->dst, &a); /* the error goes to the requester */
		addr_key(&r->quoted_dst, &b);
		fl = flow_find(in, &a, &b, r->key.flow, true);
		if (fl >= 0) {
			struct request *q =
				req_find(in, (uint32_t)fl, r->key.seq, false);
			int i = q != NULL ? sighting(q, pt) : -1;

			in->flows[fl].seen |= 1u << pt;
			if (i >= 0 && bump(&q->at[i].err) <= q->errors)
				copy = true; /* this error, seen elsewhere */
			else if (i >= 0)
				q->errors = q->at[i].err;
			if (!copy)
				flow_error(&in->flows[fl], r);
		}
	}
	if (copy)
		in->t.copies++;
	else
		in->t.errors++;
	if (r->quoted_dst_set)
		np_addr_str((const struct sockaddr *)&r->quoted_dst, qdst,
			    sizeof(qdst));
	if (in->o.quiet)
		return;
	np_reply_describe_error(ip->family, r, desc, sizeof(desc));
	head(in, "icmp_error", ts, fr, ip);
	icmp_fields(in, ip->family, r, false);
	if (in->o.json) {
		fputs(",\"message\":", f);
		np_json_string(f, desc);
		if (about_echo) {
			fputs(",\"quote\":{\"to\":", f);
			np_json_string(f, qdst);
			fprintf(f, ",\"id\":%u,\"seq\":%u}", r->key.flow,
				r->key.seq);
		} else if (r->quoted_dst_set) {
			fputs(",\"quote\":{\"to\":", f);
			np_json_string(f, qdst);
			fputc('}', f);
		}
	} else {
		fprintf(f, ", %s", desc);
		if (about_echo)
			fprintf(f, ", quotes echo request to %s, id %u, seq %u",
				qdst, r->key.flow, r->key.seq);
		else if (r->quoted_dst_set)
			fprintf(f, ", quotes a packet to %s", qdst);
	}
	copy_mark(in, copy);
	tail(in);
}

static bool is_error_type(int family, uint8_t type)
{
	if (family == AF_INET6)
		return type < 128;
	return type == NP_ICMP_DEST_UNREACH || type == NP_ICMP_SOURCE_QUENCH ||
	       type == NP_ICMP_REDIRECT || type == NP_ICMP_TIME_EXCEEDED ||
	       type == NP_ICMP_PARAMPROB;
}

/* ICMP, or ICMPv6, by the packet's own protocol chain (a header that
 * fails a check, or a cut one, is ICMP only if its chain says so). */
static bool chain_is_icmp(const struct np_ipinfo *ip)
{
	return ip->proto_known &&
	       ip->proto ==
		       (ip->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
}

/* A packet cut at the snap length that could still hold ICMP: its chain
 * says ICMP, or a tunnel protocol (IP-in-IP, GRE, MPLS-in-IP) whose
 * payload was cut before it could be decoded (UDP is too common to list:
 * a VXLAN or Geneve packet cut that short is counted as other). */
static bool chain_may_hold_icmp(const struct np_ipinfo *ip)
{
	if (!ip->proto_known || chain_is_icmp(ip))
		return true;
	switch (ip->proto) {
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
	case IPPROTO_GRE:
	case 137: /* MPLS-in-IP */
		return true;
	default:
		return false;
	}
}

/* A packet that is not ICMP: counted, and shown with -v in text. */
static bool on_other(struct np_inspect *in, int64_t ts,
		     const struct np_frame *fr, const struct np_ipinfo *ip,
		     enum np_rx_kind kind, const struct np_reply *r)
{
	FILE *f = in->o.out;

	in->t.other++;
	if (!in->o.verbose || in->o.quiet || in->o.json)
		return false;
	head(in, "other", ts, fr, ip);
	if (ip->proto_known)
		fprintf(f, " not ICMP (protocol %u%s", ip->proto,
			ip->fragment ? ", fragment" : "");
	else
		fputs(" not ICMP (protocol unknown", f);
	if (fr->ip_caplen < fr->ip_wirelen)
		fprintf(f, ", %zu of %zu IP bytes captured", fr->ip_caplen,
			fr->ip_wirelen);
	else if (kind == NP_RX_MALFORMED)
		fprintf(f, ", malformed: %s", np_reply_malformed_name(r->why));
	fputc(')', f);
	if (fr->skipped != NP_TUN_NONE)
		fprintf(f, ", %s payload 0x%04x not decoded",
			np_tunnel_name(fr->skipped), fr->skipped_proto);
	tail(in);
	return true;
}

static void on_malformed(struct np_inspect *in, int64_t ts,
			 const struct np_frame *fr, const struct np_ipinfo *ip,
			 const struct np_reply *r)
{
	FILE *f = in->o.out;
	const char *why = np_reply_malformed_name(r->why);
	char desc[128] = "";

	in->t.malformed++;
	if (in->o.quiet)
		return;
	head(in, "malformed", ts, fr, ip);
	/* An error whose quote fails a check still has a valid type, code
	 * and sender: what the user needs (as tshark shows them). */
	if (r->icmp_valid) {
		icmp_fields(in, ip->family, r, false);
		if (is_error_type(ip->family, r->type))
			np_reply_describe_error(ip->family, r, desc,
						sizeof(desc));
	}
	if (in->o.json) {
		if (desc[0] != '\0') {
			fputs(",\"message\":", f);
			np_json_string(f, desc);
		}
		fputs(",\"reason\":", f);
		np_json_string(f, why);
	} else {
		if (desc[0] != '\0')
			fprintf(f, ", %s", desc);
		fprintf(f, "%s malformed: %s", r->icmp_valid ? "," : "", why);
	}
	tail(in);
}

bool np_inspect_frame(struct np_inspect *in, int linktype, int64_t ts_ns,
		      const uint8_t *pkt, size_t caplen, size_t wirelen)
{
	struct np_frame fr;
	struct np_ipinfo ip;
	struct np_reply r;
	enum np_rx_kind kind;
	enum np_link_status st;
	FILE *f = in->o.out;
	unsigned pt;

	in->t.frames++;
	/* The span runs from the earliest stamp to the latest: files are
	 * not always in time order. */
	if (in->t.frames == 1 || ts_ns < in->first_ns)
		in->first_ns = ts_ns;
	if (in->t.frames == 1 || ts_ns > in->last_ns)
		in->last_ns = ts_ns;
	st = np_link_decode(linktype, pkt, caplen, wirelen, &fr);
	if (st == NP_LINK_BAD_TUNNEL) {
		/* Not known to be ICMP: counted apart, and named. */
		in->t.bad_tunnel++;
		if (in->o.quiet)
			return true;
		head(in, "bad_tunnel", ts_ns, &fr, NULL);
		if (in->o.json) {
			fputs(",\"reason\":", f);
			np_json_string(f, fr.why);
		} else {
			fprintf(f, " bad tunnel: %s", fr.why);
		}
		tail(in);
		return true;
	}
	if (st != NP_LINK_IP) {
		in->t.other++;
		return false;
	}
	if (fr.skipped != NP_TUN_NONE)
		in->t.tunnel_skipped++;
	if (in->o.family != AF_UNSPEC && fr.family != in->o.family) {
		in->t.other++;
		return false;
	}
	kind = np_reply_parse_packet(fr.ip, fr.ip_caplen, true, &ip, &r);
	pt = point_of(in, &fr);
	for (unsigned i = 0; i < fr.ntun; i++)
		if (fr.tun[i].kind < NP_INSPECT_TUNNEL_KINDS)
			in->t.tunnelled[fr.tun[i].kind]++;
	if (fr.ip_caplen < fr.ip_wirelen) {
		/* Cut at the snap length: listed when it could be ICMP (its
		 * chain says so, or a tunnel's, or was cut before it said
		 * anything), with
		 * the addresses if they were captured, nothing guessed from
		 * what was not. */
		if (!chain_may_hold_icmp(&ip))
			return on_other(in, ts_ns, &fr, &ip, kind, &r);
		in->t.truncated++;
		if (in->o.quiet)
			return true;
		head(in, "truncated", ts_ns, &fr, &ip);
		if (in->o.json)
			fprintf(f, ",\"captured\":%zu,\"bytes\":%zu",
				fr.ip_caplen, fr.ip_wirelen);
		else
			fprintf(f, " truncated: %zu of %zu IP bytes captured",
				fr.ip_caplen, fr.ip_wirelen);
		tail(in);
		return true;
	}
	if (!chain_is_icmp(&ip))
		return on_other(in, ts_ns, &fr, &ip, kind, &r);
	if (ip.family == AF_INET6)
		in->t.icmp6++;
	else
		in->t.icmp++;
	if (r.checksum_checked && !r.checksum_ok)
		in->t.bad_checksum++;
	switch (kind) {
	case NP_RX_ECHO_REQUEST:
		on_request(in, ts_ns, &fr, pt, &ip, &r);
		break;
	case NP_RX_ECHO_REPLY:
		on_reply(in, ts_ns, &fr, pt, &ip, &r);
		break;
	case NP_RX_ERROR:
		on_error(in, ts_ns, &fr, pt, &ip, &r, true);
		break;
	case NP_RX_MALFORMED:
		on_malformed(in, ts_ns, &fr, &ip, &r);
		break;
	case NP_RX_IGNORED:
	case NP_RX_LOCAL_ERROR:
	case NP_RX_APP_REPLY: /* a UDP socket's only, never a capture's */
		if (is_error_type(ip.family, r.type)) {
			on_error(in, ts_ns, &fr, pt, &ip, &r, false);
			break;
		}
		if (in->o.quiet)
			break;
		head(in, "icmp", ts_ns, &fr, &ip);
		icmp_fields(in, ip.family, &r, false);
		tail(in);
		break;
	}
	return true;
}

/* ---- the end ---------------------------------------------------------- */

/* Where a flow was seen, when the capture says (cooked captures): text
 * "seen at eth0 in, eth1 out", JSON a "seen" array. */
static void flow_seen(struct np_inspect *in, const struct flow *fl)
{
	FILE *f = in->o.out;
	bool first = true;

	if ((fl->seen & ~1u) == 0)
		return;
	fputs(in->o.json ? ",\"seen\":[" : "seen at ", f);
	for (unsigned i = 1; i < in->npoints; i++) {
		const struct point *p = &in->points[i];

		if (!(fl->seen & (1u << i)))
			continue;
		if (in->o.json) {
			fputs(first ? "{" : ",{", f);
			/* point_json starts with a comma: skip it */
			fprintf(f, "\"direction\":\"%s\"",
				np_link_dir_name(p->dir));
			if (p->ifindex != 0) {
				const char *name = if_name(in, p->ifindex);

				fprintf(f, ",\"ifindex\":%u", p->ifindex);
				if (name != NULL) {
					fputs(",\"interface\":", f);
					np_json_string(f, name);
				}
			}
			fputc('}', f);
		} else {
			if (!first)
				fputs(", ", f);
			point_text(in, f, p->ifindex, p->dir);
		}
		first = false;
	}
	fputs(in->o.json ? "]" : "\n", f);
}

static void flow_summary(struct np_inspect *in, const struct flow *fl)
{
	FILE *f = in->o.out;
	struct sockaddr_storage a, b;
	char req[INET6_ADDRSTRLEN + 16], resp[INET6_ADDRSTRLEN + 16];
	uint64_t unanswered =
		fl->requests > fl->replies ? fl->requests - fl->replies : 0;
	double loss =
		fl->requests ? 100.0 * (double)unanswered / (double)fl->requests
			     : 0.0;
	static const double q[3] = {0.5, 0.9, 0.99};
	static const char *const qn[3] = {"p50", "p90", "p99"};

	key_addr(&fl->req, &a);
	key_addr(&fl->resp, &b);
	np_addr_str((struct sockaddr *)&a, req, sizeof(req));
	np_addr_str((struct sockaddr *)&b, resp, sizeof(resp));
	if (in->o.json) {
		fputs("{\"event\":\"summary\",\"from\":", f);
		np_json_string(f, req);
		fputs(",\"to\":", f);
		np_json_string(f, resp);
		fprintf(f,
			",\"id\":%u,\"transmitted\":%" PRIu64
			",\"received\":%" PRIu64 ",\"unanswered\":%" PRIu64
			",\"duplicates\":%" PRIu64 ",\"corrupted\":%" PRIu64
			",\"unpaired\":%" PRIu64 ",\"errors\":%" PRIu64
			",\"loss_pct\":%.3f",
			fl->id, fl->requests, fl->replies, unanswered,
			fl->duplicates, fl->corrupted, fl->unpaired, fl->errors,
			loss);
		if (fl->hist != NULL && fl->hist->count > 0) {
			int d = np_report_decimals();

			fprintf(f,
				",\"rtt_ms\":{\"min\":%.*f,\"avg\":%.*f,"
				"\"max\":%.*f",
				d, (double)fl->hist->min_ns / 1e6, d,
				fl->sum_ms / (double)fl->hist->count, d,
				(double)fl->hist->max_ns / 1e6);
			for (int i = 0; i < 3; i++)
				fprintf(f, ",\"%s\":%.*f", qn[i], d,
					(double)np_hist_quantile(fl->hist,
								 q[i]) /
						1e6);
			fputc('}', f);
		} else {
			fputs(",\"rtt_ms\":null", f);
		}
		fputs(",\"icmp_errors\":[", f);
		for (unsigned i = 0; i < fl->nerr; i++)
			fprintf(f,
				"%s{\"type\":%u,\"code\":%u,\"type_name\":\"%"
				"s\","
				"\"code_name\":\"%s\",\"count\":%" PRIu64 "}",
				i ? "," : "", fl->err[i].type, fl->err[i].code,
				np_icmp_type_name(fl->req.family,
						  fl->err[i].type),
				np_icmp_code_name(fl->req.family,
						  fl->err[i].type,
						  fl->err[i].code),
				fl->err[i].n);
		fputc(']', f);
		flow_seen(in, fl);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "\n--- %s > %s, id %u ---\n", req, resp, fl->id);
	flow_seen(in, fl);
	fprintf(f,
		"%" PRIu64 " requests, %" PRIu64 " replies, %" PRIu64
		" unanswered",
		fl->requests, fl->replies, unanswered);
	if (fl->duplicates)
		fprintf(f, ", +%" PRIu64 " duplicates", fl->duplicates);
	if (fl->corrupted) /* as ping's summary */
		fprintf(f, ", +%" PRIu64 " corrupted", fl->corrupted);
	if (fl->unpaired)
		fprintf(f, ", %" PRIu64 " replies without request",
			fl->unpaired);
	if (fl->errors)
		fprintf(f, ", +%" PRIu64 " errors", fl->errors);
	if (fl->requests)
		fprintf(f, ", %g%% loss", loss);
	fputc('\n', f);
	if (fl->hist != NULL && fl->hist->count > 0) {
		fputs("rtt min/avg/max = ", f);
		ms_text(f, fl->hist->min_ns);
		fputc('/', f);
		ms_text(f,
			(int64_t)(fl->sum_ms * 1e6 / (double)fl->hist->count));
		fputc('/', f);
		ms_text(f, fl->hist->max_ns);
		fputs(" ms, p50/p90/p99 = ", f);
		for (int i = 0; i < 3; i++) {
			if (i)
				fputc('/', f);
			ms_text(f, np_hist_quantile(fl->hist, q[i]));
		}
		fputs(" ms\n", f);
	}
	for (unsigned i = 0; i < fl->nerr; i++) {
		const char *code = np_icmp_code_name(
			fl->req.family, fl->err[i].type, fl->err[i].code);

		fprintf(f, "%" PRIu64 " ", fl->err[i].n);
		words(f, np_icmp_type_name(fl->req.family, fl->err[i].type));
		if (strcmp(code, "other") != 0) {
			fputs(" (", f);
			words(f, code);
			fputc(')', f);
		} else {
			fprintf(f, " (code %u)", fl->err[i].code);
		}
		fputc('\n', f);
	}
	if (fl->err_other)
		fprintf(f, "%" PRIu64 " other errors\n", fl->err_other);
}

void np_inspect_finish(struct np_inspect *in)
{
	FILE *f = in->o.out;
	const struct np_inspect_totals *t = &in->t;
	double secs = (double)(in->last_ns - in->first_ns) / 1e9;

	for (size_t i = 0; i < in->nflows; i++)
		flow_summary(in, &in->flows[i]);
	if (in->o.json) {
		fprintf(f,
			"{\"event\":\"capture\",\"frames\":%" PRIu64
			",\"icmp\":%" PRIu64 ",\"icmp6\":%" PRIu64
			",\"other\":%" PRIu64 ",\"truncated\":%" PRIu64
			",\"malformed\":%" PRIu64 ",\"bad_checksum\":%" PRIu64
			",\"requests\":%" PRIu64 ",\"replies\":%" PRIu64
			",\"duplicates\":%" PRIu64 ",\"unpaired\":%" PRIu64
			",\"errors\":%" PRIu64 ",\"flows\":%zu"
			",\"untracked\":%" PRIu64 ",\"duration_s\":%.6f",
			t->frames, t->icmp, t->icmp6, t->other, t->truncated,
			t->malformed, t->bad_checksum, t->requests, t->replies,
			t->duplicates, t->unpaired, t->errors, in->nflows,
			in->untracked, secs);
		/* Capture points and tunnels (linklayer.c) */
		fprintf(f,
			",\"copies\":%" PRIu64 ",\"bad_tunnel\":%" PRIu64
			",\"tunnel_skipped\":%" PRIu64 ",\"tunnels\":{",
			t->copies, t->bad_tunnel, t->tunnel_skipped);
		for (int k = 1, n = 0; k < NP_TUN_KINDS; k++)
			if (t->tunnelled[k])
				fprintf(f, "%s\"%s\":%" PRIu64, n++ ? "," : "",
					np_tunnel_name(k), t->tunnelled[k]);
		fputs("}}\n", f);
		return;
	}
	fprintf(f,
		"\n%" PRIu64 " frames: %" PRIu64 " ICMP, %" PRIu64
		" ICMPv6, %" PRIu64 " other, %" PRIu64 " truncated, %" PRIu64
		" malformed, %" PRIu64 " bad checksum; %zu flow%s in %.3f s\n",
		t->frames, t->icmp, t->icmp6, t->other, t->truncated,
		t->malformed, t->bad_checksum, in->nflows,
		in->nflows == 1 ? "" : "s", secs);
	if (t->copies)
		fprintf(f,
			"%" PRIu64 " copies: packets seen again at another "
			"capture point, counted once\n",
			t->copies);
	{
		int n = 0;

		for (int k = 1; k < NP_TUN_KINDS; k++)
			if (t->tunnelled[k])
				fprintf(f, "%s%" PRIu64 " %s",
					n++ ? ", " : "tunnelled: ",
					t->tunnelled[k], np_tunnel_name(k));
		if (n > 0)
			fputc('\n', f);
	}
	if (t->bad_tunnel || t->tunnel_skipped)
		fprintf(f,
			"%" PRIu64 " bad tunnel headers, %" PRIu64
			" tunnels not decoded\n",
			t->bad_tunnel, t->tunnel_skipped);
	if (in->untracked)
		fprintf(f,
			"%" PRIu64 " requests not paired: more than %u flows "
			"or %u requests\n",
			in->untracked, NP_INSPECT_MAX_FLOWS,
			NP_INSPECT_MAX_REQUESTS);
}

void np_inspect_totals(const struct np_inspect *in, struct np_inspect_totals *t)
{
	*t = in->t;
}
