/* match.c - the rules that decide whether a parsed packet answers one of
 * this run's probes, and how it is counted: one matcher for every mode. */
#include "config.h"

#include "match.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "icmp.h"
#include "target.h"

static bool ignore(struct np_event *ev, const char *why)
{
	ev->kind = NP_EV_IGNORED;
	ev->why = why;
	return true;
}

static void set_rtt(const struct np_probe *p, int64_t rx_mono,
		    struct np_event *ev)
{
	ev->rtt_ns = rx_mono - p->sent_mono;
	if (ev->rtt_ns < 0)
		ev->rtt_ns = 0;
	ev->ts = p->ts & NP_TS_TX_KERNEL;
}

/* ---- the rules both matchers share ------------------------------------- */

/* The identity probe `p` was sent with: our flow id (a datagram socket's
 * kernel checked the packet's), the sequence the packet names and the
 * probe's send stamp: what its MAC was made of. */
static struct np_probe_ident
probe_ident(uint16_t flow, const struct np_reply *r, const struct np_probe *p)
{
	struct np_probe_ident id = {flow, (uint16_t)r->key.seq, p->stamp};

	return id;
}

/* NP_PROOF_TAG: the 16 bits of probe `p`'s MAC that the protocol's
 * header carried (TCP's ISN) are right. */
static bool tag_matches(const struct np_payload_spec *spec, uint16_t flow,
			const struct np_reply *r, const struct np_probe *p)
{
	struct np_probe_ident id = probe_ident(flow, r, p);

	return r->key.proof == NP_PROOF_TAG &&
	       np_payload_tag(spec, &id) == r->key.tag;
}

/* The packet's whole MAC is right: for probe `p`'s stamp or (p NULL, or
 * an earlier probe with that sequence) the stamp the payload holds. */
static bool has_mac(const struct np_payload_spec *spec, uint16_t flow,
		    const struct np_reply *r, const struct np_probe *p)
{
	uint16_t seq = (uint16_t)r->key.seq;

	if (r->key.proof == NP_PROOF_TAG)
		return p != NULL && tag_matches(spec, flow, r, p);
	return (p != NULL &&
		np_payload_has_mac(spec, flow, seq, &p->stamp, r->key.auth,
				   r->key.auth_len)) ||
	       np_payload_has_mac(spec, flow, seq, NULL, r->key.auth,
				  r->key.auth_len);
}

/* An error's quote shows nothing against probe `p`: every MAC byte it
 * holds is right (an RFC 792 quote holds none). */
static bool quote_matches(const struct np_payload_spec *spec, uint16_t flow,
			  const struct np_reply *r, const struct np_probe *p)
{
	struct np_probe_ident id = probe_ident(flow, r, p);

	if (r->key.proof == NP_PROOF_TAG)
		return tag_matches(spec, flow, r, p);
	return np_payload_mac_matches(spec, &id, r->key.auth, r->key.auth_len);
}

/* What an echo reply with our identifier is, for the probe `p` its
 * sequence number names (NULL: none; a bad checksum is judged first all
 * the same).  Sets ev's
 * payload verdict, RTT and flags, and moves a probe that gets its reply
 * to REPLIED (*was: its state before); the callers count. */
enum echo_verdict {
	ECHO_NOT_SENT,	/* no probe has that number (p NULL) */
	ECHO_OTHER_RUN, /* ignored: another run's cookie (ev->why set) */
	ECHO_BADSUM,	/* a bad checksum, our cookie: corrupted */
	ECHO_EARLIER,	/* our cookie, another send stamp (no RTT set) */
	ECHO_BADDATA,	/* the payload altered: corrupted */
	ECHO_GOOD,	/* the probe's reply */
	ECHO_DUP,	/* a second reply */
	ECHO_LATE,	/* after the probe timed out */
};

static enum echo_verdict
judge_echo(struct np_probe_table *tab, const struct np_payload_spec *spec,
	   uint16_t flow, const struct np_reply *r, struct np_probe *p,
	   int64_t rx_mono, struct np_event *ev, enum np_probe_state *was)
{
	struct np_probe_ident id;

	if (r->checksum_checked && !r->checksum_ok) {
		if (!has_mac(spec, flow, r, p)) {
			ignore(ev, "echo reply with a bad checksum and "
				   "another run's cookie");
			return ECHO_OTHER_RUN;
		}
		ev->flags |= NP_EVF_BADSUM;
		if (p != NULL)
			set_rtt(p, rx_mono, ev);
		return ECHO_BADSUM;
	}
	if (p == NULL)
		return ECHO_NOT_SENT;
	if (r->key.proof == NP_PROOF_TAG) {
		/* No payload: the header's 16 MAC bits name this very probe
		 * (they cover its stamp), or the packet is not ours. */
		if (!tag_matches(spec, flow, r, p)) {
			ignore(ev, "reply whose acknowledgment number is not "
				   "one of our probes'");
			return ECHO_OTHER_RUN;
		}
		set_rtt(p, rx_mono, ev);
		goto state;
	}
	id = probe_ident(flow, r, p);
	ev->payload = np_payload_check(spec, &id, r->key.auth, r->key.auth_len,
				       &ev->mm);
	if (ev->payload == NP_PAYLOAD_COOKIE) {
		/* Our id and sequence with another sender's payload: a
		 * concurrent pinger that drew the same id, or a spoof. */
		ignore(ev, "echo reply with another run's cookie");
		return ECHO_OTHER_RUN;
	}
	/* A stamp that differs under a MAC right for the stamp it carries,
	 * not for this probe's: the reply to an earlier probe with the same
	 * sequence number (before a wrap).  Under this probe's MAC, the stamp
	 * was altered on the way: corrupted, below. */
	if (ev->payload == NP_PAYLOAD_STAMP &&
	    !np_payload_has_mac(spec, flow, id.seq, &p->stamp, r->key.auth,
				r->key.auth_len))
		return ECHO_EARLIER;
	set_rtt(p, rx_mono, ev);
	if (ev->payload != NP_PAYLOAD_OK) {
		ev->flags |= NP_EVF_BADDATA;
		return ECHO_BADDATA;
	}
state:
	*was = p->state;
	switch (p->state) {
	case NP_PROBE_PENDING:
		tab->pending--;
		/* fall through */
	case NP_PROBE_ERRORED: /* an error came first; the reply still counts */
		p->state = NP_PROBE_REPLIED;
		return ECHO_GOOD;
	case NP_PROBE_REPLIED:
		ev->flags |= NP_EVF_DUP;
		return ECHO_DUP;
	default: /* NP_PROBE_TIMEDOUT: after -W */
		ev->flags |= NP_EVF_LATE;
		return ECHO_LATE;
	}
}

/* Errors that end a probe; redirects and source quench do not (the probe
 * was forwarded, a reply may still come). */
static bool error_is_final(int family, const struct np_reply *r)
{
	return r->proto->classify(family, r) != NP_CLASS_NOTICE;
}

/* An ICMP error (or local error) quoting probe `p`, ours by identifier,
 * sequence and cookie: sets the event, and ends the probe (ERRORED) when
 * the error is final and the quote holds our whole cookie.  A quote too
 * short for it (RFC 792 asks only for 8 bytes past the IP header) could be
 * forged by anyone who guesses the id and sequence: it is shown and
 * counted, but it does not end the probe, so it cannot turn a reply into
 * a loss or stop a -w run.  True when it ended the probe; the callers
 * count. */
static bool judge_error(struct np_probe_table *tab,
			const struct np_payload_spec *spec, uint16_t flow,
			int family, const struct np_reply *r,
			struct np_probe *p, struct np_event *ev)
{
	struct np_probe_ident id = probe_ident(flow, r, p);
	bool ends = false;

	bool proven =
		r->key.proof == NP_PROOF_TAG
			? tag_matches(spec, flow, r, p)
			: np_payload_has_mac(spec, (uint16_t)id.flow, id.seq,
					     &id.stamp, r->key.auth,
					     r->key.auth_len);

	ev->flags |= proven ? 0u : NP_EVF_UNVERIFIED;
	if (!(ev->flags & NP_EVF_UNVERIFIED) && error_is_final(family, r) &&
	    p->state == NP_PROBE_PENDING) {
		p->state = NP_PROBE_ERRORED;
		tab->pending--;
		ends = true;
	}
	ev->kind = r->kind == NP_RX_LOCAL_ERROR ? NP_EV_LOCAL_ERROR
						: NP_EV_ICMP_ERROR;
	ev->seq = r->key.seq;
	return ends;
}

/* ---- targets ------------------------------------------------------------- */

/* The address bytes of an AF_INET or AF_INET6 `sa` into `out` (4 or 16),
 * by offset: `sa` may point into a buffer aligned only for struct
 * sockaddr. */
static void sa_addr_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa->sa_family == AF_INET)
		memcpy(out,
		       (const char *)sa +
			       offsetof(struct sockaddr_in, sin_addr),
		       4);
	else
		memcpy(out,
		       (const char *)sa +
			       offsetof(struct sockaddr_in6, sin6_addr),
		       16);
}

void np_tstate_set_addr(struct np_tstate *t, const struct sockaddr *sa)
{
	memset(t->addr, 0, sizeof(t->addr));
	t->scope = 0;
	t->family = (uint8_t)sa->sa_family;
	sa_addr_bytes(sa, t->addr);
	if (sa->sa_family == AF_INET6)
		memcpy(&t->scope,
		       (const char *)sa +
			       offsetof(struct sockaddr_in6, sin6_scope_id),
		       sizeof(t->scope));
}

socklen_t np_tstate_addr(const struct np_tstate *t, struct sockaddr_storage *ss)
{
	/* the bytes a sockaddr_in6 covers (and a sockaddr_in): this runs for
	 * every reply and every event of a sweep */
	memset(ss, 0, sizeof(struct sockaddr_in6));
	ss->ss_family = t->family;
	if (t->family == AF_INET) {
		memcpy(&((struct sockaddr_in *)ss)->sin_addr, t->addr, 4);
		return sizeof(struct sockaddr_in);
	}
	memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr, t->addr, 16);
	((struct sockaddr_in6 *)ss)->sin6_scope_id = t->scope;
	return sizeof(struct sockaddr_in6);
}

bool np_tstate_is(const struct np_tstate *t, const struct sockaddr *sa)
{
	struct sockaddr_storage ss;

	np_tstate_addr(t, &ss);
	return np_addr_equal((const struct sockaddr *)&ss, sa);
}

static int fam_slot(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

/* Count one event for target `t` and for the run. */
#define BUMP(m, t, field)                                                      \
	do {                                                                   \
		(t)->c.field++;                                                \
		(m)->total->c.field++;                                         \
	} while (0)

void np_match_sent(struct np_matcher *m, struct np_probe *p, uint32_t slot,
		   bool ok)
{
	struct np_tstate *t = &m->slots[slot];

	p->target = slot;
	p->gen = t->gen;
	p->index = (uint32_t)t->c.transmitted;
	BUMP(m, t, transmitted);
	if (ok) {
		p->state = NP_PROBE_PENDING;
		m->tab.pending++;
		t->inflight++;
	} else {
		p->state = NP_PROBE_ERRORED;
		BUMP(m, t, errors);
		BUMP(m, t, errored);
	}
}

/* The target a probe was sent to, if its slot still holds it. */
static struct np_tstate *owner(struct np_matcher *m, const struct np_probe *p)
{
	struct np_tstate *t;

	if (p->target >= m->nslots)
		return NULL;
	t = &m->slots[p->target];
	return t->used && t->gen == p->gen ? t : NULL;
}

struct np_tstate *np_match_expired(struct np_matcher *m,
				   const struct np_probe *p)
{
	struct np_tstate *t = owner(m, p);

	if (t != NULL && t->inflight > 0)
		t->inflight--;
	return t;
}

/* Probe `p` of target `t` got its answer (its state was `was`, now
 * REPLIED): counted, with its RTT. */
/* Does a port probe's reply say the port is closed (--refuse)? */
static bool reply_closed(const struct np_event *ev)
{
	const char *st = ev->state;

	if (st == NULL && ev->reply != NULL && ev->reply->proto != NULL &&
	    ev->reply->proto->reply_state != NULL)
		st = ev->reply->proto->reply_state(ev->reply);
	return st != NULL && strcmp(st, "closed") == 0;
}

static void count_received(struct np_matcher *m, struct np_tstate *t,
			   const struct np_probe *p, enum np_probe_state was,
			   const struct np_event *ev)
{
	if (was == NP_PROBE_PENDING && t->inflight > 0)
		t->inflight--;
	if (was == NP_PROBE_ERRORED && t->c.errored > 0) {
		t->c.errored--;
		m->total->c.errored--;
	}
	BUMP(m, t, received);
	if (reply_closed(ev))
		BUMP(m, t, closed);
	/* one target: its RTTs are the run's, kept once */
	np_rtt_add(m->total_rtt ? &m->total->rtt : &t->rtt, ev->rtt_ns);
	if (t->hist != NULL)
		np_hist_add(t->hist, ev->rtt_ns);
	if (t->rtts != NULL && p->index < m->keep_rtts)
		t->rtts[p->index] = ev->rtt_ns;
}

/* An ICMP error about target `t`'s probe: counted, and kept as the
 * target's last cause (many-target lists, plugin mode). */
static void count_error(struct np_matcher *m, struct np_tstate *t,
			const struct np_reply *r, const struct sockaddr *from)
{
	BUMP(m, t, errors);
	t->err_set = true;
	t->err_type = r->type;
	t->err_code = r->code;
	t->err_family = (uint8_t)from->sa_family;
	sa_addr_bytes(from, t->err_from);
}

/* A port probe's answer (UDP: the application's datagram, or the
 * target's port unreachable) for probe `p` of target `t`: a reply, with
 * the port's state; a second one is a duplicate, one after -W late. */
static bool reached(struct np_matcher *m, struct np_tstate *t,
		    struct np_probe *p, const struct np_reply *r,
		    int64_t rx_mono, struct np_event *ev, const char *state,
		    const char *note)
{
	enum np_probe_state was = p->state;

	ev->kind = NP_EV_REPLY;
	ev->seq = (uint16_t)p->no;
	ev->target = p->target;
	ev->index = p->index;
	ev->bytes = r->icmp_len;
	ev->ttl = r->ttl;
	ev->state = state;
	ev->state_note = note;
	set_rtt(p, rx_mono, ev);
	switch (was) {
	case NP_PROBE_PENDING:
		m->tab.pending--;
		/* fall through */
	case NP_PROBE_ERRORED:
		p->state = NP_PROBE_REPLIED;
		count_received(m, t, p, was, ev);
		break;
	case NP_PROBE_REPLIED:
		ev->flags |= NP_EVF_DUP;
		BUMP(m, t, duplicates);
		break;
	default:
		ev->flags |= NP_EVF_LATE;
		BUMP(m, t, late);
		break;
	}
	return true;
}

/* The oldest probe still pending to the target at `addr` (and *tp that
 * target): what a UDP answer names when its bytes do not (netprobe.8,
 * MATCHING).  At most the probe table's size of probes looked at. */
static struct np_probe *oldest_pending(struct np_matcher *m,
				       const struct sockaddr *addr,
				       struct np_tstate **tp)
{
	for (uint64_t no = m->tab.oldest; no < m->tab.next; no++) {
		struct np_probe *p = &m->tab.slot[no & m->tab.mask];
		struct np_tstate *t;

		if (p->no != no || p->state != NP_PROBE_PENDING)
			continue;
		t = owner(m, p);
		if (t != NULL && np_tstate_is(t, addr)) {
			*tp = t;
			return p;
		}
	}
	return NULL;
}

/* The rule for every mode: the sequence number names the probe, and a
 * reply counts only when it comes from that probe's target (netprobe.8,
 * MATCHING). */
static bool match_echo(struct np_matcher *m, const struct np_reply *r,
		       const struct sockaddr *from, int64_t rx_mono,
		       struct np_event *ev)
{
	int f = fam_slot(from->sa_family);
	enum np_probe_state was = NP_PROBE_EMPTY;
	bool badsum = r->checksum_checked && !r->checksum_ok;
	struct np_probe *p;
	struct np_tstate *t;

	/* Raw sockets see every pinger's replies: ours carry our id. */
	if (m->kind[f] == NP_SOCK_RAW && r->key.flow != m->ident[f])
		return false;
	p = np_probe_table_find(&m->tab, r->key.seq);
	/* A bad checksum may be in the sequence number itself: with one
	 * target, the reply is still that target's (corrupted). */
	if (p == NULL && !(badsum && m->nslots == 1 && m->slots[0].used)) {
		m->total->foreign++;
		return ignore(ev, "echo reply for a sequence number not sent, "
				  "or too old");
	}
	t = p != NULL ? owner(m, p) : &m->slots[0];
	if (t == NULL) {
		m->total->late++;
		/* A target's SYN/ACK again after it was reported (alive
		 * mode): our host's RST did not reach it (netprobe.8, TCP);
		 * the flag lets the reporter warn. */
		if (p->state == NP_PROBE_REPLIED && !badsum &&
		    tag_matches(&m->spec, m->ident[f], r, p)) {
			ev->flags |= NP_EVF_DUP;
			ev->seq = r->key.seq;
		}
		return ignore(ev, "echo reply for a target already reported");
	}
	if (!np_tstate_is(t, from)) {
		m->total->foreign++;
		return ignore(
			ev,
			"echo reply from an address that is not the target");
	}
	ev->kind = NP_EV_REPLY;
	ev->seq = r->key.seq;
	ev->target = p != NULL ? p->target : 0;
	ev->index = p != NULL ? p->index : 0;
	ev->bytes = r->icmp_len;
	ev->ttl = r->ttl;
	switch (judge_echo(&m->tab, &m->spec, m->ident[f], r, p, rx_mono, ev,
			   &was)) {
	case ECHO_NOT_SENT: /* p was looked at above */
	case ECHO_OTHER_RUN:
		m->total->foreign++;
		break;
	case ECHO_EARLIER:
		/* Right target, cookie and sequence, another send time: a
		 * reply to an earlier probe that used the same sequence
		 * number before it wrapped.  That probe has ended: late,
		 * in every mode (netprobe.8, MATCHING). */
		ev->flags |= NP_EVF_LATE;
		BUMP(m, t, late);
		break;
	case ECHO_BADSUM:
	case ECHO_BADDATA:
		BUMP(m, t, corrupted);
		break;
	case ECHO_GOOD:
		count_received(m, t, p, was, ev);
		break;
	case ECHO_DUP:
		BUMP(m, t, duplicates);
		break;
	case ECHO_LATE:
		BUMP(m, t, late);
		break;
	}
	return true;
}

/* The port unreachable of a UDP probe, from the target itself: the
 * target was reached (NP_CLASS_REACHED). */
static bool is_reached(const struct np_tstate *t, const struct np_reply *r,
		       const struct sockaddr *from)
{
	return r->proto->classify(from->sa_family, r) == NP_CLASS_REACHED &&
	       np_tstate_is(t, from);
}

static bool match_error(struct np_matcher *m, const struct np_reply *r,
			const struct sockaddr *from, int64_t rx_mono,
			struct np_event *ev)
{
	int f = fam_slot(from->sa_family);
	struct np_probe *p;
	struct np_tstate *t;

	if (r->checksum_checked && !r->checksum_ok) {
		m->total->malformed++;
		return ignore(ev, "ICMP error with a bad checksum");
	}
	if (r->key.proof == NP_PROOF_NONE) {
		m->total->foreign++;
		return ignore(ev, "ICMP error whose quote proves nothing "
				  "about our probes");
	}
	if (m->kind[f] == NP_SOCK_RAW && r->key.flow != m->ident[f])
		return false; /* about another pinger's probe */
	p = np_probe_table_find(&m->tab, r->key.seq);
	t = p != NULL ? owner(m, p) : NULL;
	if (t == NULL || !quote_matches(&m->spec, m->ident[f], r, p)) {
		m->total->foreign++;
		return ignore(ev,
			      "ICMP error quoting a probe that is not ours");
	}
	if (r->quoted_dst_set &&
	    !np_tstate_is(t, (const struct sockaddr *)&r->quoted_dst)) {
		m->total->foreign++;
		return ignore(ev,
			      "ICMP error quoting a probe to another address");
	}
	/* reached only when the quote proves the probe ours (its MAC) */
	if (is_reached(t, r, from) &&
	    np_payload_has_mac(&m->spec, m->ident[f], (uint16_t)r->key.seq,
			       &p->stamp, r->key.auth, r->key.auth_len))
		return reached(m, t, p, r, rx_mono, ev, "closed",
			       "port unreachable");
	count_error(m, t, r, from);
	if (judge_error(&m->tab, &m->spec, m->ident[f], from->sa_family, r, p,
			ev)) {
		if (t->inflight > 0)
			t->inflight--;
		BUMP(m, t, errored);
		m->ended = true;
	}
	ev->target = p->target;
	ev->index = p->index;
	return true;
}

/* A UDP application's datagram from the target's port to ours: an echo
 * of one of our probes (its MAC right) answers that probe; anything else
 * (a DNS answer, an altered echo) the oldest probe pending to the target:
 * the kernel matched the addresses and ports, no more is proved. */
static bool match_app(struct np_matcher *m, const struct np_reply *r,
		      const struct sockaddr *from, int64_t rx_mono,
		      struct np_event *ev)
{
	int f = fam_slot(from->sa_family);
	struct np_tstate *t = NULL;
	struct np_probe *p;

	if (m->spec.user == NULL && r->key.proof == NP_PROOF_AUTH &&
	    has_mac(&m->spec, m->ident[f], r,
		    np_probe_table_find(&m->tab, (uint16_t)r->key.seq))) {
		bool shown = match_echo(m, r, from, rx_mono, ev);

		if (shown && ev->kind == NP_EV_REPLY) {
			ev->state = "open";
			ev->state_note = "reply";
		}
		return shown;
	}
	p = oldest_pending(m, from, &t);
	if (p == NULL) {
		m->total->late++;
		return ignore(ev, "UDP datagram from the target's port with no "
				  "probe pending to it");
	}
	return reached(m, t, p, r, rx_mono, ev, "open", "reply");
}

/* An ICMP error about a UDP probe whose payload the user gave: nothing in
 * the quote tells the probes apart, so it concerns the oldest probe
 * pending to the target it went to (the kernel matched the addresses and
 * ports of the quote to our socket). */
static bool match_error_by_order(struct np_matcher *m, const struct np_reply *r,
				 const struct sockaddr *from, int64_t rx_mono,
				 struct np_event *ev)
{
	const struct sockaddr *to =
		r->quoted_dst_set ? (const struct sockaddr *)&r->quoted_dst
				  : from;
	struct np_tstate *t = NULL;
	struct np_probe *p = oldest_pending(m, to, &t);

	if (p == NULL) {
		m->total->foreign++;
		return ignore(ev, "ICMP error about a UDP datagram with no "
				  "probe pending to its target");
	}
	if (is_reached(t, r, from))
		return reached(m, t, p, r, rx_mono, ev, "closed",
			       "port unreachable");
	count_error(m, t, r, from);
	ev->kind = r->kind == NP_RX_LOCAL_ERROR ? NP_EV_LOCAL_ERROR
						: NP_EV_ICMP_ERROR;
	ev->seq = (uint16_t)p->no;
	ev->target = p->target;
	ev->index = p->index;
	if (error_is_final(from->sa_family, r)) {
		p->state = NP_PROBE_ERRORED;
		m->tab.pending--;
		if (t->inflight > 0)
			t->inflight--;
		BUMP(m, t, errored);
		m->ended = true;
	}
	return true;
}

bool np_match_packet(struct np_matcher *m, const struct np_reply *r,
		     const struct sockaddr *from, int64_t rx_mono,
		     struct np_event *ev)
{
	np_event_init(ev, NP_EV_REPLY, 0); /* the kind is set below */
	ev->from = from;
	ev->reply = r;
	m->ended = false;
	if (from->sa_family != AF_INET && from->sa_family != AF_INET6)
		return false;
	/* UDP: a datagram from another port, or a quote of one to another
	 * port, is not about our probes */
	if (r->key.port != 0 && m->port != 0 && r->key.port != m->port) {
		m->total->foreign++;
		return ignore(ev, "UDP datagram, or ICMP error about one, of "
				  "another port");
	}
	switch (r->kind) {
	case NP_RX_ECHO_REPLY:
		return match_echo(m, r, from, rx_mono, ev);
	case NP_RX_APP_REPLY:
		return match_app(m, r, from, rx_mono, ev);
	case NP_RX_ERROR:
		if (m->spec.user != NULL)
			return match_error_by_order(m, r, from, rx_mono, ev);
		return match_error(m, r, from, rx_mono, ev);
	case NP_RX_LOCAL_ERROR:
		return match_error(m, r, from, rx_mono, ev);
	case NP_RX_MALFORMED:
		m->total->malformed++;
		return ignore(ev, np_reply_malformed_name(r->why));
	case NP_RX_IGNORED:
	case NP_RX_ECHO_REQUEST: /* sockets never ask for requests */
		break;
	}
	return false;
}

/* ---- connect probes ------------------------------------------------------ */

/* The probe ends without a good reply: no longer in flight. */
static void conn_end(struct np_matcher *m, struct np_probe *p,
		     enum np_probe_state state, struct np_tstate *t)
{
	if (p->state == NP_PROBE_PENDING) {
		m->tab.pending--;
		if (t != NULL && t->inflight > 0)
			t->inflight--;
	}
	p->state = state;
}

void np_match_conn(struct np_matcher *m, struct np_probe *p,
		   struct np_event *ev)
{
	struct np_tstate *t = owner(m, p);

	m->ended = false;
	ev->target = p->target;
	ev->index = p->index;
	if (t == NULL || p->state != NP_PROBE_PENDING) {
		conn_end(m, p, NP_PROBE_TIMEDOUT, t);
		m->total->late++;
		ev->kind = NP_EV_IGNORED;
		ev->why = "connect probe of a target already reported";
		return;
	}
	if (ev->kind == NP_EV_REPLY) {
		conn_end(m, p, NP_PROBE_REPLIED, t);
		ev->bytes = 0;
		/* conn_end did the in-flight count: only the reply's */
		count_received(m, t, p, NP_PROBE_REPLIED, ev);
		return;
	}
	/* an ICMP error about the SYN, or a local one: as a verified error
	 * (the kernel checked the quoted ports and sequence) */
	if (ev->kind == NP_EV_ICMP_ERROR && ev->from != NULL &&
	    (ev->from->sa_family == AF_INET || ev->from->sa_family == AF_INET6))
		count_error(m, t, ev->reply, ev->from);
	else
		BUMP(m, t, errors);
	conn_end(m, p, NP_PROBE_ERRORED, t);
	BUMP(m, t, errored);
	m->ended = true;
}

struct np_tstate *np_match_conn_lost(struct np_matcher *m, struct np_probe *p)
{
	if (p->state != NP_PROBE_PENDING)
		return NULL;
	m->tab.pending--;
	p->state = NP_PROBE_TIMEDOUT;
	return np_match_expired(m, p);
}
