/* check_tlist.c - target lists: CIDR blocks and ranges, their edges,
 * duplicates, lists from files, and lazy expansion. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "suites.h"
#include "target.h"
#include "tlist.h"

static np_u128 v4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static np_u128 v6(const char *s)
{
	struct in6_addr a;
	np_u128 v = 0;

	ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
	for (int i = 0; i < 16; i++)
		v = v << 8 | a.s6_addr[i];
	return v;
}

/* Parse `text`; check family, first, last and the count. */
static void range_is(const char *text, int family, np_u128 first, np_u128 last)
{
	struct np_tspec s;
	struct np_err e;

	memset(&e, 0, sizeof(e));
	ck_assert_msg(np_tspec_parse(text, AF_UNSPEC, &s, &e) == 0, "%s: %s",
		      text, e.msg);
	ck_assert_int_eq(s.kind, NP_TSPEC_RANGE);
	ck_assert_int_eq(s.family, family);
	ck_assert_msg(s.first == first && s.last == last, "%s: bad bounds",
		      text);
}

static void refused(const char *text, int family, const char *why)
{
	struct np_tspec s;
	struct np_err e;

	memset(&e, 0, sizeof(e));
	ck_assert_msg(np_tspec_parse(text, family, &s, &e) == -1,
		      "'%s' accepted", text);
	ck_assert_msg(strstr(e.msg, why) != NULL, "'%s': '%s' lacks '%s'", text,
		      e.msg, why);
}

START_TEST(cidr_edges)
{
	/* fping -g: no network or broadcast address below a /31 */
	range_is("198.18.0.0/24", AF_INET, v4("198.18.0.1"),
		 v4("198.18.0.254"));
	range_is("198.18.0.77/24", AF_INET, v4("198.18.0.1"),
		 v4("198.18.0.254"));
	range_is("198.18.0.4/30", AF_INET, v4("198.18.0.5"), v4("198.18.0.6"));
	range_is("198.18.0.4/31", AF_INET, v4("198.18.0.4"), v4("198.18.0.5"));
	range_is("198.18.0.4/32", AF_INET, v4("198.18.0.4"), v4("198.18.0.4"));
	range_is("255.255.255.255/32", AF_INET, v4("255.255.255.255"),
		 v4("255.255.255.255"));
	range_is("0.0.0.0/31", AF_INET, 0, 1);
	/* IPv6: every address */
	range_is("2001:db8::/120", AF_INET6, v6("2001:db8::"),
		 v6("2001:db8::ff"));
	range_is("2001:db8::/104", AF_INET6, v6("2001:db8::"),
		 v6("2001:db8::ff:ffff"));
	range_is("2001:db8::1/128", AF_INET6, v6("2001:db8::1"),
		 v6("2001:db8::1"));
	range_is("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120", AF_INET6,
		 v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00"),
		 v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	/* too large, /0 among them */
	refused("0.0.0.0/0", AF_UNSPEC, "split it");
	refused("::/0", AF_UNSPEC, "more than 16777216");
	refused("2001:db8::/103", AF_UNSPEC, "33554432 addresses");
	/* malformed */
	refused("198.18.0.0/33", AF_UNSPEC, "from 0 to 32");
	refused("2001:db8::/129", AF_UNSPEC, "from 0 to 128");
	refused("198.18.0.0/", AF_UNSPEC, "prefix length");
	refused("198.18.0.0/2x", AF_UNSPEC, "prefix length");
	refused("198.18.0.0/-1", AF_UNSPEC, "prefix length");
	refused("/24", AF_UNSPEC, "not a CIDR block");
	refused("host/24", AF_UNSPEC, "not an address");
	/* the family of -4/-6 */
	refused("2001:db8::/120", AF_INET, "-4 was given");
	refused("198.18.0.0/24", AF_INET6, "-6 was given");
}
END_TEST

START_TEST(ranges_and_names)
{
	struct np_tspec s;
	struct np_err e;

	range_is("198.18.0.1-198.18.0.254", AF_INET, v4("198.18.0.1"),
		 v4("198.18.0.254"));
	range_is("198.18.0.9-198.18.0.9", AF_INET, v4("198.18.0.9"),
		 v4("198.18.0.9"));
	range_is("2001:db8::1-2001:db8::ff", AF_INET6, v6("2001:db8::1"),
		 v6("2001:db8::ff"));
	ck_assert_int_eq(
		np_tspec_pair("198.18.0.0", "198.18.1.255", AF_UNSPEC, &s, &e),
		0);
	ck_assert(s.first == v4("198.18.0.0") && s.last == v4("198.18.1.255"));
	refused("198.18.0.9-198.18.0.1", AF_UNSPEC, "ends before it starts");
	refused("198.18.0.1-2001:db8::1", AF_UNSPEC, "same family");
	refused("198.18.0.1-host", AF_UNSPEC, "same family");
	refused("0.0.0.0-255.255.255.255", AF_UNSPEC, "split it");
	/* names, hyphens included */
	ck_assert_int_eq(np_tspec_parse("web-1.example", AF_UNSPEC, &s, &e), 0);
	ck_assert_int_eq(s.kind, NP_TSPEC_NAME);
	ck_assert_int_eq(np_tspec_parse("fe80::1%lo", AF_UNSPEC, &s, &e), 0);
	ck_assert_int_eq(s.kind, NP_TSPEC_NAME);
	refused("two words", AF_UNSPEC, "not a host name");
	refused("bad;name", AF_UNSPEC, "not a host name");
	refused("-c", AF_UNSPEC, "not a host name");
	refused("", AF_UNSPEC, "empty");
}
END_TEST

/* Expand the whole plan into text, one address per line. */
static void expand(struct np_tplan *p, char *out, size_t len)
{
	struct np_tnext nx;
	size_t used = 0;

	out[0] = '\0';
	while (np_tplan_next(p, &nx)) {
		struct sockaddr_storage ss;
		char a[64];

		np_u128_to_addr(nx.family, nx.addr, &ss);
		inet_ntop(
			nx.family,
			nx.family == AF_INET
				? (void *)&((struct sockaddr_in *)&ss)->sin_addr
				: (void *)&((struct sockaddr_in6 *)&ss)
					  ->sin6_addr,
			a, sizeof(a));
		used += (size_t)snprintf(out + used, len - used, "%s%s%s", a,
					 nx.name ? "=" : "",
					 nx.name ? nx.name : "");
		used += (size_t)snprintf(out + used, len - used, " ");
	}
}

static char dups_said[512];

static void on_duplicate(void *ctx, const char *name, uint64_t n)
{
	size_t used = strlen(dups_said);

	(void)ctx;
	snprintf(dups_said + used, sizeof(dups_said) - used, "%s:%llu ", name,
		 (unsigned long long)n);
}

static void add(struct np_tplan *p, const char *text)
{
	struct np_tplan_notify notify = {NULL, NULL, on_duplicate};
	struct np_err e;

	memset(&e, 0, sizeof(e));
	ck_assert_msg(np_tplan_add(p, text, AF_UNSPEC, &notify, &e) == 0,
		      "%s: %s", text, e.msg);
}

START_TEST(duplicates_probed_once)
{
	struct np_tplan p;
	char out[1024];

	np_tplan_init(&p);
	add(&p, "198.18.0.0/29");	   /* .1 - .6 */
	add(&p, "198.18.0.4/30");	   /* .5 .6: already there */
	add(&p, "198.18.0.3");		   /* in the first block */
	add(&p, "198.18.0.9");		   /* new, named */
	add(&p, "198.18.0.9");		   /* duplicate host */
	add(&p, "198.18.0.8/29");	   /* .9 is the host above */
	add(&p, "198.18.0.5-198.18.0.16"); /* only .15 .16 are new */
	add(&p, "2001:db8::1");
	add(&p, "2001:db8::/126");
	expand(&p, out, sizeof(out));
	ck_assert_str_eq(out, "198.18.0.1 198.18.0.2 198.18.0.3 198.18.0.4 "
			      "198.18.0.5 198.18.0.6 "
			      "198.18.0.9=198.18.0.9 "
			      "198.18.0.10 198.18.0.11 198.18.0.12 "
			      "198.18.0.13 198.18.0.14 "
			      "198.18.0.7 198.18.0.8 198.18.0.15 198.18.0.16 "
			      "2001:db8::1=2001:db8::1 "
			      "2001:db8:: 2001:db8::2 2001:db8::3 ");
	/* host .3, host .9 twice, .9 in the block, ::1 in its block */
	ck_assert_uint_eq(p.duplicates, 4);
	/* what -v says: hosts (0: the whole target), and how many addresses
	 * of each block were in the list already */
	ck_assert_str_eq(dups_said, "198.18.0.4/30:2 198.18.0.3:0 198.18.0.9:0 "
				    "198.18.0.8/29:1 "
				    "198.18.0.5-198.18.0.16:8 "
				    "2001:db8::/126:1 ");
	ck_assert_uint_eq(np_tplan_families(&p), 3);
	np_tplan_free(&p);
}
END_TEST

/* The fuzzers' first find (tests/fuzz/crashes/fuzz_targets/
 * tlist-add-range-null-cov): a block added to a plan whose list of covered
 * intervals is still empty (NULL) formed a pointer into that NULL list.
 * clang's UndefinedBehaviorSanitizer (CI's sanitizer build) reports it;
 * the block's addresses must come out whole, and a second family too. */
START_TEST(first_block_into_empty_plan)
{
	struct np_tplan p;
	char out[8192], *last;

	np_tplan_init(&p);
	add(&p, "198.51.100.0/24");
	expand(&p, out, sizeof(out));
	ck_assert_str_eq(strstr(out, "198.51.100.1 198.51.100.2 "), out);
	last = out + strlen(out) - strlen("198.51.100.254 ");
	ck_assert_str_eq(last, "198.51.100.254 ");
	ck_assert_uint_eq(p.duplicates, 0);
	np_tplan_free(&p);

	np_tplan_init(&p);
	add(&p, "2001:db8::/126");
	expand(&p, out, sizeof(out));
	ck_assert_str_eq(out, "2001:db8:: 2001:db8::1 2001:db8::2 "
			      "2001:db8::3 ");
	np_tplan_free(&p);
}
END_TEST

/* np_addr_str writes IPv4 addresses itself (not through inet_ntop's
 * printf): the same text for every octet at each digit-count edge, in
 * every position, and nothing past a buffer too short (inet_ntop fails
 * there; np_addr_str leaves an empty string). */
START_TEST(addr_str_ipv4_as_inet_ntop)
{
	static const unsigned char edge[] = {0,	  1,   9,   10,	 11,  99, 100,
					     101, 199, 200, 249, 250, 255};
	const size_t ne = sizeof(edge);
	struct sockaddr_in sin;
	char got[INET6_ADDRSTRLEN + 8], want[INET_ADDRSTRLEN];
	unsigned long checked = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	for (size_t i = 0; i < ne * ne * ne * ne; i++) {
		unsigned char *a = (unsigned char *)&sin.sin_addr;

		a[0] = edge[i % ne];
		a[1] = edge[i / ne % ne];
		a[2] = edge[i / (ne * ne) % ne];
		a[3] = edge[i / (ne * ne * ne)];
		ck_assert_ptr_nonnull(
			inet_ntop(AF_INET, &sin.sin_addr, want, sizeof(want)));
		memset(got, 'x', sizeof(got));
		np_addr_str((struct sockaddr *)&sin, got, sizeof(got));
		ck_assert_str_eq(got, want);
		/* exactly the room it needs, and one byte less */
		np_addr_str((struct sockaddr *)&sin, got, strlen(want) + 1);
		ck_assert_str_eq(got, want);
		memset(got, 'x', sizeof(got));
		np_addr_str((struct sockaddr *)&sin, got, strlen(want));
		ck_assert_str_eq(got, "");
		ck_assert_int_eq(got[1], 'x');
		checked++;
	}
	ck_assert_uint_eq(checked, 13UL * 13 * 13 * 13);
}
END_TEST

START_TEST(lazy_and_bounded)
{
	struct np_tplan p;
	struct np_tnext nx;

	np_tplan_init(&p);
	add(&p, "2001:db8::/104");
	add(&p, "255.255.255.254/31");
	add(&p, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
	/* 16777216 addresses are one entry, not 16 million */
	ck_assert_uint_eq(p.n, 3);
	ck_assert_uint_eq(np_tplan_size(&p), 16777216 + 2 + 2);
	ck_assert(np_tplan_next(&p, &nx));
	ck_assert(nx.addr == v6("2001:db8::") && nx.name == NULL);
	ck_assert(np_tplan_next(&p, &nx));
	ck_assert(nx.addr == v6("2001:db8::1"));
	/* skip to the edges: no wrap past the last address */
	p.cur = 1;
	p.started = false;
	ck_assert(np_tplan_next(&p, &nx) && nx.addr == v4("255.255.255.254"));
	ck_assert(np_tplan_next(&p, &nx) && nx.addr == v4("255.255.255.255"));
	ck_assert(np_tplan_next(&p, &nx) && nx.family == AF_INET6);
	ck_assert(np_tplan_next(&p, &nx) && nx.addr == ~(np_u128)0);
	ck_assert(!np_tplan_next(&p, &nx));
	ck_assert(!np_tplan_next(&p, &nx));
	np_tplan_free(&p);
}
END_TEST

static int unresolved_calls;

static void on_unresolved(void *ctx, const char *name, const struct np_err *e)
{
	(void)ctx;
	(void)e;
	ck_assert_str_eq(name, "nosuch.invalid");
	unresolved_calls++;
}

START_TEST(lists_from_files)
{
	static const char good[] = "# targets for the runbook\n"
				   "\n"
				   "  198.18.0.1   # the gateway\n"
				   "198.18.0.8/30\n"
				   "\t2001:db8::7\n"
				   "198.18.0.20-198.18.0.21\n";
	static const char bad[] = "198.18.0.1\n"
				  "# fine so far\n"
				  "198.18.0.2 198.18.0.3\n";
	static const char badcidr[] = "\n\n198.18.0.0/40\n";
	struct np_tplan_notify notify = {NULL, on_unresolved, NULL};
	struct np_tplan p;
	struct np_err e;
	char out[512];
	FILE *f;

	np_tplan_init(&p);
	f = fmemopen((void *)good, strlen(good), "r");
	ck_assert_int_eq(np_tplan_read(&p, f, "list", AF_UNSPEC, NULL, &e), 0);
	fclose(f);
	expand(&p, out, sizeof(out));
	ck_assert_str_eq(out, "198.18.0.1=198.18.0.1 198.18.0.9 198.18.0.10 "
			      "2001:db8::7=2001:db8::7 198.18.0.20 "
			      "198.18.0.21 ");
	np_tplan_free(&p);

	np_tplan_init(&p);
	f = fmemopen((void *)bad, strlen(bad), "r");
	ck_assert_int_eq(np_tplan_read(&p, f, "hosts.txt", AF_UNSPEC, NULL, &e),
			 -1);
	fclose(f);
	ck_assert_msg(strstr(e.msg, "hosts.txt:3:") != NULL, "%s", e.msg);
	np_tplan_free(&p);

	np_tplan_init(&p);
	f = fmemopen((void *)badcidr, strlen(badcidr), "r");
	ck_assert_int_eq(np_tplan_read(&p, f, "x", AF_UNSPEC, NULL, &e), -1);
	fclose(f);
	ck_assert_msg(strstr(e.msg, "x:3: '198.18.0.0/40'") != NULL, "%s",
		      e.msg);
	np_tplan_free(&p);

	/* a name that does not resolve is reported, the rest kept */
	np_tplan_init(&p);
	unresolved_calls = 0;
	ck_assert_int_eq(
		np_tplan_add(&p, "nosuch.invalid", AF_UNSPEC, &notify, &e), 0);
	add(&p, "198.18.0.1");
	ck_assert_int_eq(unresolved_calls, 1);
	ck_assert_uint_eq(p.unresolved, 1);
	ck_assert_uint_eq(np_tplan_size(&p), 1);
	np_tplan_free(&p);
}
END_TEST

START_TEST(list_with_byte_order_mark)
{
	/* as Notepad saves a UTF-8 list: EF BB BF before the first target */
	static const char bom[] = "\xef\xbb\xbf"
				  "198.18.0.1\n198.18.0.2\n";
	static const char late_bom[] = "198.18.0.1\n\xef\xbb\xbf"
				       "198.18.0.2\n";
	struct np_tplan p;
	struct np_err e;
	char out[256];
	FILE *f;

	np_tplan_init(&p);
	f = fmemopen((void *)bom, strlen(bom), "r");
	ck_assert_int_eq(np_tplan_read(&p, f, "bom", AF_UNSPEC, NULL, &e), 0);
	fclose(f);
	expand(&p, out, sizeof(out));
	ck_assert_str_eq(out, "198.18.0.1=198.18.0.1 198.18.0.2=198.18.0.2 ");
	np_tplan_free(&p);
	/* only at the start of the file: elsewhere it is not a target */
	np_tplan_init(&p);
	f = fmemopen((void *)late_bom, strlen(late_bom), "r");
	ck_assert_int_eq(np_tplan_read(&p, f, "x", AF_UNSPEC, NULL, &e), -1);
	fclose(f);
	ck_assert_msg(strstr(e.msg, "x:2:") != NULL, "%s", e.msg);
	np_tplan_free(&p);
}
END_TEST

START_TEST(localhost_without_resolver)
{
	static const char *const yes[] = {
		"localhost",   "LOCALHOST",	 "localhost.",	 "LocalHost.",
		"a.localhost", "x.y.LOCALHOST.", "db.localhost."};
	static const char *const no[] = {
		"mylocalhost", "localhost..", ".localhost", "a..localhost",
		"localhost.x", "local",	      "",	    "localhostt"};
	struct np_target t;
	struct np_tplan p;
	struct np_err e;
	char out[256];

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(np_name_is_localhost(yes[i]), "%s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!np_name_is_localhost(no[i]), "%s", no[i]);
	ck_assert_int_eq(
		np_target_resolve(&t, "LocalHost.", AF_UNSPEC, false, &e), 0);
	ck_assert_int_eq(t.family, AF_INET);
	ck_assert_str_eq(t.addr_str, "127.0.0.1");
	ck_assert_int_eq(
		np_target_resolve(&t, "a.localhost", AF_INET, true, &e), 0);
	ck_assert_str_eq(t.addr_str, "127.0.0.1");
	ck_assert_int_eq(
		np_target_resolve(&t, "localhost", AF_INET6, false, &e), 0);
	ck_assert_int_eq(t.family, AF_INET6);
	ck_assert_str_eq(t.addr_str, "::1");
	/* many targets and list files go through the same rule */
	np_tplan_init(&p);
	add(&p, "db.localhost");
	expand(&p, out, sizeof(out));
	ck_assert_str_eq(out, "127.0.0.1=db.localhost ");
	np_tplan_free(&p);
}
END_TEST

Suite *tlist_suite(void)
{
	Suite *s = suite_create("tlist");
	TCase *tc = tcase_create("expand");

	tcase_add_test(tc, cidr_edges);
	tcase_add_test(tc, ranges_and_names);
	tcase_add_test(tc, duplicates_probed_once);
	tcase_add_test(tc, first_block_into_empty_plan);
	tcase_add_test(tc, addr_str_ipv4_as_inet_ntop);
	tcase_add_test(tc, lazy_and_bounded);
	tcase_add_test(tc, lists_from_files);
	tcase_add_test(tc, list_with_byte_order_mark);
	tcase_add_test(tc, localhost_without_resolver);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
