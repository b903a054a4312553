/* tlist.c - target lists: parsing, CIDR/range expansion, duplicates */
#include "config.h"

#include "tlist.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

struct np_ivl {
	np_u128 first, last;
};

struct np_tset_slot {
	np_u128 key;
	size_t spec;
	uint8_t family; /* 0: empty */
};

static int fam_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

/* ---- addresses as integers ---------------------------------------------- */

np_u128 np_u128_from_addr(const struct sockaddr *sa)
{
	np_u128 v = 0;

	if (sa->sa_family == AF_INET) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		return ntohl(sin.sin_addr.s_addr);
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof(sin6));
		for (int i = 0; i < 16; i++)
			v = v << 8 | sin6.sin6_addr.s6_addr[i];
	}
	return v;
}

socklen_t np_u128_to_addr(int family, np_u128 v, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl((uint32_t)v);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	for (int i = 15; i >= 0; i--) {
		sin6->sin6_addr.s6_addr[i] = (uint8_t)v;
		v >>= 8;
	}
	return sizeof(*sin6);
}

/* A numeric address, no scope, no port.  Returns the family, or 0. */
static int parse_addr(const char *s, np_u128 *v)
{
	struct sockaddr_storage ss;
	int family = np_addr_parse(s, AF_UNSPEC, &ss);

	*v = family != 0 ? np_u128_from_addr((struct sockaddr *)&ss) : 0;
	return family;
}

static const char *fam_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static int check_family(const char *text, int want, int got, struct np_err *err)
{
	if (want != AF_UNSPEC && want != got)
		return np_err_set(err,
				  "'%s' is an %s block or range, but -%c "
				  "was given",
				  text, fam_name(got),
				  want == AF_INET ? '4' : '6');
	return 0;
}

static int check_span(const char *text, np_u128 first, np_u128 last,
		      struct np_err *err)
{
	np_u128 span = last - first; /* one less than the count */

	if (span >= NP_TLIST_MAX_SPAN) {
		if (span >= (np_u128)UINT64_MAX)
			return np_err_set(err,
					  "'%s': more than 16777216 addresses "
					  "(a /8); split it",
					  text);
		return np_err_set(err,
				  "'%s': %llu addresses, more than 16777216 "
				  "(a /8); split it",
				  text, (unsigned long long)(span + 1));
	}
	return 0;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int np_tspec_pair(const char *first, const char *last, int family,
		  struct np_tspec *out, struct np_err *err)
{
	np_u128 a, b;
	int fa = parse_addr(first, &a), fb = parse_addr(last, &b);
	char text[2 * NP_TLIST_MAX_TEXT + 2];

	snprintf(text, sizeof(text), "%s-%s", first, last);
	if (fa == 0 || fb == 0 || fa != fb)
		return np_err_set(err,
				  "'%s': a range needs two addresses of the "
				  "same family",
				  text);
	if (check_family(text, family, fa, err) != 0)
		return -1;
	if (a > b)
		return np_err_set(err, "'%s': the range ends before it starts",
				  text);
	if (check_span(text, a, b, err) != 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->kind = NP_TSPEC_RANGE;
	out->family = fa;
	out->first = a;
	out->last = b;
	return 0;
}

static int parse_cidr(const char *text, const char *slash, int family,
		      struct np_tspec *out, struct np_err *err)
{
	char addr[NP_TLIST_MAX_TEXT + 1];
	size_t alen = (size_t)(slash - text);
	int fam, bits, plen;
	np_u128 v, hostmask;

	if (alen == 0 || alen >= sizeof(addr))
		return np_err_set(err, "'%s': not a CIDR block", text);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	fam = parse_addr(addr, &v);
	if (fam == 0)
		return np_err_set(err,
				  "'%s': '%s' before the '/' is not an "
				  "address",
				  text, addr);
	bits = fam == AF_INET ? 32 : 128;
	if (!all_digits(slash + 1) || strlen(slash + 1) > 3 ||
	    (plen = atoi(slash + 1)) > bits)
		return np_err_set(err,
				  "'%s': the prefix length must be a number "
				  "from 0 to %d",
				  text, bits);
	if (check_family(text, family, fam, err) != 0)
		return -1;
	/* (shifting a 128-bit value by 128 is undefined) */
	hostmask = plen == bits ? 0
		   : plen == 0 && bits == 128
			   ? ~(np_u128)0
			   : (((np_u128)1 << (bits - plen)) - 1);
	memset(out, 0, sizeof(*out));
	out->kind = NP_TSPEC_RANGE;
	out->family = fam;
	out->first = v & ~hostmask;
	out->last = out->first | hostmask;
	if (fam == AF_INET)
		out->last &= 0xffffffffu;
	if (check_span(text, out->first, out->last, err) != 0)
		return -1;
	/* fping -g: no network or broadcast address below a /31. */
	if (fam == AF_INET && plen <= 30) {
		out->first++;
		out->last--;
	}
	return 0;
}

/* What a host name or address may contain: letters, digits, '.', '-',
 * '_', and ':' '%' for IPv6 literals with a scope. */
static bool name_ok(const char *s)
{
	if (*s == '\0' || *s == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_:%", *s))
			return false;
	return true;
}

int np_tspec_parse(const char *text, int family, struct np_tspec *out,
		   struct np_err *err)
{
	const char *slash = strchr(text, '/');
	const char *dash = strchr(text, '-');
	size_t len = strlen(text);

	if (len == 0)
		return np_err_set(err, "an empty target");
	if (len > NP_TLIST_MAX_TEXT)
		return np_err_set(err, "a target longer than %d characters",
				  NP_TLIST_MAX_TEXT);
	if (slash != NULL)
		return parse_cidr(text, slash, family, out, err);
	if (dash != NULL && strchr(dash + 1, '-') == NULL) {
		char a[NP_TLIST_MAX_TEXT + 1];
		np_u128 v;

		memcpy(a, text, (size_t)(dash - text));
		a[dash - text] = '\0';
		/* "web-1" is a name; "198.18.0.1-198.18.0.9" a range. */
		if (parse_addr(a, &v) != 0)
			return np_tspec_pair(a, dash + 1, family, out, err);
	}
	if (!name_ok(text))
		return np_err_set(err,
				  "'%s': not a host name, address, CIDR "
				  "block or range",
				  text);
	memset(out, 0, sizeof(*out));
	out->kind = NP_TSPEC_NAME;
	return 0;
}

/* ---- the plan ----------------------------------------------------------- */

void np_tplan_init(struct np_tplan *p)
{
	memset(p, 0, sizeof(*p));
}

void np_tplan_free(struct np_tplan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->ent[i].name);
	free(p->ent);
	free(p->cov[0]);
	free(p->cov[1]);
	free(p->set);
	memset(p, 0, sizeof(*p));
}

static int oom(struct np_err *err)
{
	return np_err_set(err, "out of memory for the target list");
}

static int push_ent(struct np_tplan *p, const struct np_tent *e,
		    struct np_err *err)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct np_tent *v = realloc(p->ent, cap * sizeof(*v));

		if (v == NULL)
			return oom(err);
		p->ent = v;
		p->cap = cap;
	}
	p->ent[p->n++] = *e;
	return 0;
}

static uint64_t hash_addr(int family, np_u128 v)
{
	uint64_t h = (uint64_t)v ^ (uint64_t)(v >> 64) * 0x9e3779b97f4a7c15u;

	h ^= (uint64_t)family;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h;
}

static struct np_tset_slot *set_find(const struct np_tplan *p, int family,
				     np_u128 v)
{
	size_t i;

	if (p->set_cap == 0)
		return NULL;
	i = hash_addr(family, v) & (p->set_cap - 1);
	for (;; i = (i + 1) & (p->set_cap - 1)) {
		struct np_tset_slot *s = &p->set[i];

		if (s->family == 0)
			return NULL;
		if (s->family == family && s->key == v)
			return s;
	}
}

static int set_insert(struct np_tplan *p, int family, np_u128 v, size_t spec)
{
	size_t i;

	if ((p->set_used + 1) * 2 > p->set_cap) {
		size_t cap = p->set_cap ? p->set_cap * 2 : 64;
		struct np_tset_slot *old = p->set;
		size_t oldcap = p->set_cap;

		p->set = calloc(cap, sizeof(*p->set));
		if (p->set == NULL) {
			p->set = old;
			return -1;
		}
		p->set_cap = cap;
		p->set_used = 0;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k].family != 0)
				(void)set_insert(p, old[k].family, old[k].key,
						 old[k].spec);
		free(old);
	}
	i = hash_addr(family, v) & (p->set_cap - 1);
	while (p->set[i].family != 0)
		i = (i + 1) & (p->set_cap - 1);
	p->set[i].family = (uint8_t)family;
	p->set[i].key = v;
	p->set[i].spec = spec;
	p->set_used++;
	return 0;
}

/* Index of the first covered interval whose end is >= v. */
static size_t cov_lower(const struct np_ivl *c, size_t n, np_u128 v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c[mid].last < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool covered(const struct np_tplan *p, int family, np_u128 v)
{
	int f = fam_index(family);
	size_t i = cov_lower(p->cov[f], p->ncov[f], v);

	return i < p->ncov[f] && p->cov[f][i].first <= v;
}

/* Merge [first, last] into the sorted, disjoint covered list. */
static int cov_add(struct np_tplan *p, int family, np_u128 first, np_u128 last)
{
	int f = fam_index(family);
	struct np_ivl *c;
	size_t i, j;

	if (p->ncov[f] == p->capcov[f]) {
		size_t cap = p->capcov[f] ? p->capcov[f] * 2 : 8;

		c = realloc(p->cov[f], cap * sizeof(*c));
		if (c == NULL)
			return -1;
		p->cov[f] = c;
		p->capcov[f] = cap;
	}
	c = p->cov[f];
	/* first interval that touches or follows [first, last] */
	i = cov_lower(c, p->ncov[f], first == 0 ? 0 : first - 1);
	j = i;
	while (j < p->ncov[f] &&
	       (last == (np_u128)-1 || c[j].first <= last + 1)) {
		if (c[j].first < first)
			first = c[j].first;
		if (c[j].last > last)
			last = c[j].last;
		j++;
	}
	/* replace c[i..j) by one interval */
	if (j == i) {
		memmove(&c[i + 1], &c[i], (p->ncov[f] - i) * sizeof(*c));
		p->ncov[f]++;
	} else if (j > i + 1) {
		memmove(&c[i + 1], &c[j], (p->ncov[f] - j) * sizeof(*c));
		p->ncov[f] -= j - i - 1;
	}
	c[i].first = first;
	c[i].last = last;
	return 0;
}

int np_tplan_add_range(struct np_tplan *p, const char *text,
		       const struct np_tspec *s,
		       const struct np_tplan_notify *notify, struct np_err *err)
{
	int f = fam_index(s->family);
	size_t spec = p->specs++, n0 = p->n;
	np_u128 at = s->first;
	uint64_t fresh = 0, dups;
	struct np_tent e;

	/* the pieces of [first, last] that no earlier block covers */
	for (size_t i = cov_lower(p->cov[f], p->ncov[f], s->first);; i++) {
		/* (no pointer into the list past its end: it may be NULL) */
		const struct np_ivl *c = i < p->ncov[f] ? &p->cov[f][i] : NULL;
		bool overlap = c != NULL && c->first <= s->last;

		memset(&e, 0, sizeof(e));
		e.family = s->family;
		e.spec = spec;
		e.first = at;
		if (!overlap) {
			e.last = s->last;
			if (push_ent(p, &e, err) != 0)
				return -1;
			break;
		}
		/* c ends at or after `at`: the gap before it is new */
		if (c->first > at) {
			e.last = c->first - 1;
			if (push_ent(p, &e, err) != 0)
				return -1;
		}
		if (c->last >= s->last)
			break;
		at = c->last + 1;
	}
	/* What was already in the list: addresses of earlier blocks, and
	 * hosts outside them (skipped as this block is expanded).  Only
	 * for -v: the scan of the hosts is skipped when nobody asks. */
	if (notify != NULL && notify->duplicate != NULL) {
		for (size_t i = n0; i < p->n; i++)
			fresh += (uint64_t)(p->ent[i].last - p->ent[i].first) +
				 1;
		dups = (uint64_t)(s->last - s->first) + 1 - fresh;
		for (size_t i = 0; i < p->set_cap; i++)
			if (p->set[i].family == s->family &&
			    p->set[i].key >= s->first &&
			    p->set[i].key <= s->last &&
			    !covered(p, s->family, p->set[i].key))
				dups++;
		if (dups > 0)
			notify->duplicate(notify->ctx, text, dups);
	}
	if (cov_add(p, s->family, s->first, s->last) != 0)
		return oom(err);
	return 0;
}

int np_tplan_add_host(struct np_tplan *p, const char *name,
		      const struct sockaddr *addr, struct np_err *err)
{
	size_t spec = p->specs++;
	np_u128 v = np_u128_from_addr(addr);
	struct np_tent e;

	if (covered(p, addr->sa_family, v) ||
	    set_find(p, addr->sa_family, v) != NULL) {
		p->duplicates++;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.name = strdup(name);
	e.family = addr->sa_family;
	e.first = e.last = v;
	e.spec = spec;
	if (addr->sa_family == AF_INET6) /* by offset: see match.c */
		memcpy(&e.scope,
		       (const char *)addr +
			       offsetof(struct sockaddr_in6, sin6_scope_id),
		       sizeof(e.scope));
	if (e.name == NULL || set_insert(p, e.family, v, spec) != 0) {
		free(e.name);
		return oom(err);
	}
	if (push_ent(p, &e, err) != 0) {
		free(e.name);
		return -1;
	}
	return 1;
}

int np_tplan_add(struct np_tplan *p, const char *text, int family,
		 const struct np_tplan_notify *notify, struct np_err *err)
{
	struct np_tspec s;
	struct np_target t;
	struct np_err rerr;
	int rc;

	if (np_tspec_parse(text, family, &s, err) != 0)
		return -1;
	if (s.kind == NP_TSPEC_RANGE)
		return np_tplan_add_range(p, text, &s, notify, err);
	memset(&rerr, 0, sizeof(rerr));
	if (np_target_resolve(&t, text, family, true, &rerr) != 0) {
		p->specs++;
		p->unresolved++;
		if (notify != NULL && notify->unresolved != NULL)
			notify->unresolved(notify->ctx, text, &rerr);
		return 0;
	}
	rc = np_tplan_add_host(p, text, (struct sockaddr *)&t.addr, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && notify != NULL && notify->duplicate != NULL)
		notify->duplicate(notify->ctx, text, 0);
	return 0;
}

int np_tplan_read(struct np_tplan *p, FILE *f, const char *origin, int family,
		  const struct np_tplan_notify *notify, struct np_err *err)
{
	char line[4096];
	unsigned long lineno = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		char *s = line, *e;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n')
			return np_err_set(err, "%s:%lu: line too long", origin,
					  lineno);
		/* a UTF-8 byte-order mark, as Windows editors write one:
		 * not part of the first target */
		if (lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		e = strchr(s, '#');
		if (e != NULL)
			*e = '\0';
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*s == '\0')
			continue;
		for (char *c = s; *c; c++)
			if (isspace((unsigned char)*c) ||
			    !isprint((unsigned char)*c))
				return np_err_set(err,
						  "%s:%lu: '%.64s': one "
						  "target per line",
						  origin, lineno, s);
		if (np_tplan_add(p, s, family, notify, err) != 0) {
			struct np_err inner = *err;

			return np_err_set(err, "%s:%lu: %s", origin, lineno,
					  inner.msg);
		}
	}
	if (ferror(f))
		return np_err_errno(err, errno, "reading %s", origin);
	return 0;
}

uint64_t np_tplan_size(const struct np_tplan *p)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += (uint64_t)(p->ent[i].last - p->ent[i].first) + 1;
	return n;
}

unsigned np_tplan_families(const struct np_tplan *p)
{
	unsigned f = 0;

	for (size_t i = 0; i < p->n; i++)
		f |= 1u << fam_index(p->ent[i].family);
	return f;
}

bool np_tplan_next(struct np_tplan *p, struct np_tnext *out)
{
	while (p->cur < p->n) {
		const struct np_tent *e = &p->ent[p->cur];
		struct np_tset_slot *s;
		np_u128 v;

		if (!p->started) {
			p->at = e->first;
			p->started = true;
		}
		v = p->at;
		if (v == e->last) {
			p->cur++;
			p->started = false;
		} else {
			p->at++;
		}
		/* A host written earlier than this block is not probed
		 * twice. */
		if (e->name == NULL && p->set_used > 0 &&
		    (s = set_find(p, e->family, v)) != NULL &&
		    s->spec < e->spec) {
			p->duplicates++;
			continue;
		}
		out->name = e->name;
		out->family = e->family;
		out->addr = v;
		out->scope = e->scope;
		return true;
	}
	return false;
}
