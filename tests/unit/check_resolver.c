/* check_resolver.c - the parent side of the name helper: one request per
 * address, the bounds (in flight, cache), and the helper's answers read
 * as untrusted bytes.  The test plays the helper on the other end of a
 * socketpair. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "resolver.h"
#include "suites.h"

struct pair {
	struct np_resolver r;
	int helper; /* the test's end */
};

static void pair_open(struct pair *p)
{
	int sv[2];

	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	p->r.fd = sv[0];
	p->r.pid = -1;
	p->helper = sv[1];
}

static void pair_close(struct pair *p)
{
	np_resolver_stop(&p->r);
	if (p->helper >= 0)
		close(p->helper);
}

static struct sockaddr_in v4(const char *s)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, s, &a.sin_addr), 1);
	return a;
}

/* The request the helper got, or 0 bytes when there is none. */
static ssize_t request(struct pair *p, struct sockaddr_storage *ss)
{
	ssize_t n = recv(p->helper, ss, sizeof(*ss), MSG_DONTWAIT);

	return n < 0 && errno == EAGAIN ? 0 : n;
}

static void answer(struct pair *p, const struct sockaddr_in *a, int found,
		   const char *name, size_t len)
{
	struct np_resolver_answer ans;
	size_t n = offsetof(struct np_resolver_answer, name) + len;

	memset(&ans, 0, sizeof(ans));
	memcpy(&ans.addr, a, sizeof(*a));
	ans.found = (uint8_t)found;
	memcpy(ans.name, name, len);
	ck_assert_int_eq(send(p->helper, &ans, n, 0), (ssize_t)n);
}

static enum np_name_state peek(struct pair *p, const struct sockaddr_in *a,
			       char *buf, size_t len)
{
	return np_resolver_peek(&p->r, (const struct sockaddr *)a, buf, len,
				NULL);
}

START_TEST(test_asks_once_and_caches)
{
	struct pair p;
	struct sockaddr_in a = v4("198.51.100.2");
	struct sockaddr_storage got;
	char name[NI_MAXHOST];
	int64_t asked = 0;

	pair_open(&p);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a, 42,
					    name, sizeof(name), &asked),
			 NP_NAME_PENDING);
	ck_assert_int_eq(asked, 42);
	ck_assert_int_eq(request(&p, &got), (ssize_t)sizeof(a));
	ck_assert_int_eq(memcmp(&got, &a, sizeof(a)), 0);
	/* asked again: still pending since 42, no second request */
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a, 99,
					    name, sizeof(name), &asked),
			 NP_NAME_PENDING);
	ck_assert_int_eq(asked, 42);
	ck_assert_int_eq(request(&p, &got), 0);
	answer(&p, &a, 1, "router.example", sizeof("router.example"));
	ck_assert_int_eq(np_resolver_pump(&p.r), 1);
	ck_assert_int_eq(peek(&p, &a, name, sizeof(name)), NP_NAME_FOUND);
	ck_assert_str_eq(name, "router.example");
	ck_assert_uint_eq(p.r.inflight, 0);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a, 100,
					    name, sizeof(name), NULL),
			 NP_NAME_FOUND);
	ck_assert_int_eq(request(&p, &got), 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_none_and_hostile_answers)
{
	struct pair p;
	struct sockaddr_in a = v4("198.51.100.2"), b = v4("198.51.100.3"),
			   c = v4("198.51.100.4");
	struct sockaddr_storage got;
	char name[NI_MAXHOST], longname[NI_MAXHOST];
	static const char evil[] = "evil\033[31m\n.example";

	pair_open(&p);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a, 1,
					    name, sizeof(name), NULL),
			 NP_NAME_PENDING);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&b, 1,
					    name, sizeof(name), NULL),
			 NP_NAME_PENDING);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&c, 1,
					    name, sizeof(name), NULL),
			 NP_NAME_PENDING);
	while (request(&p, &got) > 0)
		;
	/* an answer cut before its name, and one about an address never
	 * asked: ignored */
	ck_assert_int_eq(send(p.helper, &a, sizeof(a), 0), (ssize_t)sizeof(a));
	answer(&p, (const struct sockaddr_in[]){v4("192.0.2.1")}, 1, "x", 2);
	/* no name */
	answer(&p, &a, 0, "", 1);
	/* terminal escapes in a PTR record: printed as '?' */
	answer(&p, &b, 1, evil, sizeof(evil));
	/* a name that fills the buffer without a NUL: cut, terminated */
	memset(longname, 'n', sizeof(longname));
	answer(&p, &c, 1, longname, sizeof(longname));
	ck_assert_int_eq(np_resolver_pump(&p.r), 5);
	ck_assert_int_eq(peek(&p, &a, name, sizeof(name)), NP_NAME_NONE);
	ck_assert_int_eq(peek(&p, &b, name, sizeof(name)), NP_NAME_FOUND);
	ck_assert_str_eq(name, "evil?[31m?.example");
	ck_assert_int_eq(peek(&p, &c, name, sizeof(name)), NP_NAME_FOUND);
	ck_assert_uint_eq(strlen(name), NI_MAXHOST - 1);
	ck_assert_int_eq(peek(&p, (const struct sockaddr_in[]){v4("192.0.2.1")},
			      name, sizeof(name)),
			 NP_NAME_UNKNOWN);
	ck_assert_uint_eq(p.r.inflight, 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_bounds)
{
	struct pair p;
	struct sockaddr_storage got;
	struct sockaddr_in a;
	char s[32], name[NI_MAXHOST];
	int i, asked = 0;

	pair_open(&p);
	/* at most NP_RESOLVER_INFLIGHT requests without an answer */
	for (i = 0; i < NP_RESOLVER_INFLIGHT + 2; i++) {
		snprintf(s, sizeof(s), "198.18.0.%d", i + 1);
		a = v4(s);
		ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a,
						    1, name, sizeof(name),
						    NULL),
				 i < NP_RESOLVER_INFLIGHT ? NP_NAME_PENDING
							  : NP_NAME_UNKNOWN);
	}
	while (request(&p, &got) > 0)
		asked++;
	ck_assert_int_eq(asked, NP_RESOLVER_INFLIGHT);
	for (i = 0; i < NP_RESOLVER_INFLIGHT; i++) {
		snprintf(s, sizeof(s), "198.18.0.%d", i + 1);
		a = v4(s);
		answer(&p, &a, 1, s, strlen(s) + 1);
	}
	np_resolver_pump(&p.r);
	/* the cache keeps NP_RESOLVER_CACHE names: older ones make room */
	for (i = 0; i < 3 * NP_RESOLVER_CACHE; i++) {
		snprintf(s, sizeof(s), "198.18.1.%d", i % 250 + 1);
		a = v4(s);
		if (np_resolver_lookup(&p.r, (struct sockaddr *)&a, 1, name,
				       sizeof(name), NULL) != NP_NAME_PENDING)
			continue;
		ck_assert_int_gt(request(&p, &got), 0);
		answer(&p, &a, 0, "", 1);
		np_resolver_pump(&p.r);
	}
	asked = 0;
	for (i = 0; i < 250; i++) {
		snprintf(s, sizeof(s), "198.18.1.%d", i + 1);
		a = v4(s);
		asked += peek(&p, &a, name, sizeof(name)) == NP_NAME_NONE;
	}
	ck_assert_int_eq(asked, NP_RESOLVER_CACHE);
	pair_close(&p);
}
END_TEST

START_TEST(test_dead_helper)
{
	struct pair p;
	struct sockaddr_in a = v4("198.51.100.2");
	char name[NI_MAXHOST];

	pair_open(&p);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a, 1,
					    name, sizeof(name), NULL),
			 NP_NAME_PENDING);
	close(p.helper);
	p.helper = -1;
	np_resolver_pump(&p.r);
	ck_assert_int_eq(p.r.fd, -1);
	/* what it was asked goes by address, and nothing waits */
	ck_assert_int_eq(peek(&p, &a, name, sizeof(name)), NP_NAME_UNKNOWN);
	ck_assert_int_eq(np_resolver_lookup(&p.r, (struct sockaddr *)&a, 2,
					    name, sizeof(name), NULL),
			 NP_NAME_UNKNOWN);
	pair_close(&p);
}
END_TEST

Suite *resolver_suite(void)
{
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("parent");

	tcase_add_test(tc, test_asks_once_and_caches);
	tcase_add_test(tc, test_none_and_hostile_answers);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_dead_helper);
	suite_add_tcase(s, tc);
	return s;
}
