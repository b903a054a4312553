/* check_resolver.c - the parent side of the name helper: one request per
 * address, the bounds (in flight, cache), and the helper's answers read
 * as untrusted bytes.  The test plays the helper on the other end of a
 * socketpair. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "packets.h"
#include "report.h"
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

/* Ping mode's text output with the helper: an error line waits for its
 * router's name, the lines after it wait behind it, the answer prints
 * them in order; the summary prints a line still waiting, by address. */
START_TEST(test_held_lines)
{
	struct pair p;
	struct np_report_text ctx;
	struct np_sink sink;
	struct np_options opt;
	struct np_target tgt;
	struct np_socket sock;
	struct np_run_info info;
	struct np_event ev;
	struct np_reply r;
	struct np_stats st;
	struct sockaddr_storage router = pk_addr("198.51.100.2"),
				other = pk_addr("198.51.100.3"),
				target = pk_addr("198.18.1.1"), got;
	struct sockaddr_in a;
	char *out = NULL, *diag = NULL;
	size_t outlen = 0, diaglen = 0;
	int64_t wake;

	pair_open(&p);
	memset(&ctx, 0, sizeof(ctx));
	memset(&tgt, 0, sizeof(tgt));
	memset(&sock, 0, sizeof(sock));
	memset(&info, 0, sizeof(info));
	ctx.out = open_memstream(&out, &outlen);
	ctx.diag = open_memstream(&diag, &diaglen);
	ctx.resolver = &p.r;
	np_report_text_sink(&ctx, &sink);
	np_options_defaults(&opt);
	tgt.name = "far.example";
	tgt.addr = target;
	tgt.family = AF_INET;
	snprintf(tgt.addr_str, sizeof(tgt.addr_str), "198.18.1.1");
	snprintf(tgt.host, sizeof(tgt.host), "far.example");
	info.opt = &opt;
	info.target = &tgt;
	info.sock = &sock;
	info.packet_len = 84;

	memset(&r, 0, sizeof(r));
	r.kind = NP_RX_ERROR;
	r.type = 3;
	r.code = 1;
	np_event_init(&ev, NP_EV_ICMP_ERROR, 1);
	ev.reply = &r;
	ev.from = (struct sockaddr *)&router;
	sink.event(sink.ctx, &info, &ev);
	np_event_init(&ev, NP_EV_REPLY, 2);
	ev.from = (struct sockaddr *)&target;
	ev.bytes = 64;
	sink.event(sink.ctx, &info, &ev);
	np_event_init(&ev, NP_EV_ICMP_ERROR, 3);
	ev.reply = &r;
	ev.from = (struct sockaddr *)&router;
	sink.event(sink.ctx, &info, &ev);
	fflush(ctx.out);
	ck_assert_uint_eq(outlen, 0); /* all three wait for the name */
	ck_assert_int_eq(request(&p, &got), (ssize_t)sizeof(a));
	ck_assert_int_eq(np_report_text_poll(&ctx, &wake), p.r.fd);
	ck_assert_int_lt(wake, INT64_MAX);

	memcpy(&a, &router, sizeof(a));
	answer(&p, &a, 1, "router.example", sizeof("router.example"));
	np_report_text_pump(&ctx);
	fflush(ctx.out);
	ck_assert_str_eq(out, "From router.example (198.51.100.2) icmp_seq=1 "
			      "Destination Host Unreachable\n"
			      "64 bytes from far.example (198.18.1.1): "
			      "icmp_seq=2\n"
			      "From router.example (198.51.100.2) icmp_seq=3 "
			      "Destination Host Unreachable\n");

	/* another router, no answer: the summary does not wait */
	np_event_init(&ev, NP_EV_ICMP_ERROR, 4);
	ev.reply = &r;
	ev.from = (struct sockaddr *)&other;
	sink.event(sink.ctx, &info, &ev);
	np_stats_init(&st);
	sink.finish(sink.ctx, &info, &st);
	fclose(ctx.out);
	fclose(ctx.diag);
	ck_assert_ptr_nonnull(strstr(out, "icmp_seq=3 Destination Host "
					  "Unreachable\n"
					  "From 198.51.100.3 icmp_seq=4 "
					  "Destination Host Unreachable\n"
					  "\n--- far.example ping statistics"));
	free(out);
	free(diag);
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
	tcase_add_test(tc, test_held_lines);
	suite_add_tcase(s, tc);
	return s;
}
