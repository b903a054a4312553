/* fuzz_targets.c - libFuzzer harness for target lists.
 *
 * The input is parsed as one target (np_tspec_parse, each family; and
 * np_tspec_pair on its two halves, split at the first NUL or space), and
 * read as a target-list file (np_tplan_read, from fmemopen).  The plan is
 * then walked for at most MAX_NEXT targets, checking that every address is
 * inside what was added, of its family, and given once.
 *
 * No DNS: this file is linked with -Wl,--wrap=getaddrinfo, and the wrapper
 * below refuses every lookup that is not numeric (AI_NUMERICHOST), as a
 * name that does not resolve.  Numeric addresses go to the real
 * getaddrinfo, so the plan holds hosts as well as blocks and ranges. */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "error.h"
#include "tlist.h"
#include "fuzz_check.h"

#define MAX_NEXT 10000

int __real_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);

int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	if (hints == NULL || !(hints->ai_flags & AI_NUMERICHOST))
		return EAI_NONAME;
	return __real_getaddrinfo(node, service, hints, res);
}

static void check_spec(const struct np_tspec *s, int family)
{
	if (s->kind != NP_TSPEC_RANGE) {
		CHECK(s->kind == NP_TSPEC_NAME);
		return;
	}
	CHECK(s->family == AF_INET || s->family == AF_INET6);
	CHECK(family == AF_UNSPEC || family == s->family);
	CHECK(s->first <= s->last);
	CHECK(s->last - s->first < NP_TLIST_MAX_SPAN);
	if (s->family == AF_INET)
		CHECK(s->last <= 0xffffffffu);
}

struct counts {
	uint64_t unresolved, duplicates;
};

static void on_unresolved(void *ctx, const char *name, const struct np_err *err)
{
	CHECK(name[0] != '\0');
	CHECK(err->msg[0] != '\0');
	((struct counts *)ctx)->unresolved++;
}

static void on_duplicate(void *ctx, const char *name, uint64_t addresses)
{
	CHECK(name[0] != '\0');
	(void)addresses;
	((struct counts *)ctx)->duplicates++;
}

struct seen {
	int family;
	np_u128 addr;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/* Walk the plan: each target inside an entry of its family, no address
 * twice. */
static void walk(struct np_tplan *p)
{
	static struct seen seen[MAX_NEXT];
	struct np_tnext t;
	struct sockaddr_storage ss;
	socklen_t len;
	size_t n = 0;
	uint64_t size = np_tplan_size(p);
	unsigned fams = np_tplan_families(p);

	CHECK((fams & ~3u) == 0);
	while (n < MAX_NEXT && np_tplan_next(p, &t)) {
		/* the entry it came from: the current one, or the one just
		 * finished */
		size_t at = p->started ? p->cur : p->cur - 1;
		const struct np_tent *e;

		CHECK(at < p->n);
		e = &p->ent[at];
		CHECK(t.family == AF_INET || t.family == AF_INET6);
		CHECK(fams & (t.family == AF_INET6 ? 2u : 1u));
		if (t.family == AF_INET)
			CHECK(t.addr <= 0xffffffffu);
		CHECK(e->family == t.family);
		CHECK(e->first <= t.addr && t.addr <= e->last);
		CHECK(t.name == e->name);
		if (t.name != NULL)
			CHECK(e->first == e->last);
		if (t.name != NULL)
			CHECK(t.name[0] != '\0');
		/* the address as the sweep sends to it, and back */
		len = np_u128_to_addr(t.family, t.addr, &ss);
		CHECK(ss.ss_family == t.family);
		CHECK(len == (t.family == AF_INET6
				      ? sizeof(struct sockaddr_in6)
				      : sizeof(struct sockaddr_in)));
		CHECK(np_u128_from_addr((struct sockaddr *)&ss) == t.addr);
		seen[n].family = t.family;
		seen[n].addr = t.addr;
		n++;
	}
	CHECK(n <= size);
	qsort(seen, n, sizeof(seen[0]), cmp_seen);
	for (size_t i = 1; i < n; i++)
		CHECK(cmp_seen(&seen[i - 1], &seen[i]) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int fams[3] = {AF_UNSPEC, AF_INET, AF_INET6};
	struct counts counts = {0, 0};
	struct np_tplan_notify notify = {&counts, on_unresolved, on_duplicate};
	char *text = malloc(size + 1), *a, *b;
	struct np_tspec s;
	struct np_tplan plan;
	struct np_err err;
	FILE *f;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	/* one target as written, and the plan of that one target */
	for (int i = 0; i < 3; i++) {
		memset(&err, 0, sizeof(err));
		if (np_tspec_parse(text, fams[i], &s, &err) != 0) {
			CHECK(err.msg[0] != '\0');
			continue;
		}
		check_spec(&s, fams[i]);
		if (s.kind == NP_TSPEC_RANGE && i == 0) {
			np_tplan_init(&plan);
			CHECK(np_tplan_add_range(&plan, text, &s, &notify,
						 &err) == 0);
			CHECK(np_tplan_size(&plan) ==
			      (uint64_t)(s.last - s.first) + 1);
			walk(&plan);
			np_tplan_free(&plan);
		}
	}

	/* fping -g FIRST LAST: the halves at the first NUL or space */
	a = strndup((const char *)data, size);
	if (a == NULL)
		abort();
	b = a + strcspn(a, " ");
	if (*b != '\0')
		*b++ = '\0';
	else if (strlen(a) < size)
		b = text + strlen(a) + 1;
	for (int i = 0; i < 3; i++) {
		memset(&err, 0, sizeof(err));
		if (np_tspec_pair(a, b, fams[i], &s, &err) == 0)
			check_spec(&s, fams[i]);
		else
			CHECK(err.msg[0] != '\0');
	}
	free(a);

	/* the input as a target-list file */
	f = fmemopen(text, size, "r");
	if (f != NULL) {
		int rc;

		np_tplan_init(&plan);
		counts.unresolved = 0;
		memset(&err, 0, sizeof(err));
		rc = np_tplan_read(&plan, f, "fuzz", AF_UNSPEC, &notify, &err);
		fclose(f);
		if (rc != 0)
			CHECK(rc == -1 && err.msg[0] != '\0');
		CHECK(plan.unresolved == counts.unresolved);
		walk(&plan);
		np_tplan_free(&plan);
	}
	free(text);
	return 0;
}
