/* format.c - the small formatters every output shares: JSON strings and
 * times, ICMP type and code names, RTTs in ms with --decimals.  Kept apart
 * from the reports so that the capture decoder and its fuzzer need none of
 * them. */
#include "config.h"

#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"
#include "icmp.h"

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		c = c << 6 | (p[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

void np_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n;

		switch (*p) {
		case '"':
			fputs("\\\"", f);
			p++;
			continue;
		case '\\':
			fputs("\\\\", f);
			p++;
			continue;
		case '\n':
			fputs("\\n", f);
			p++;
			continue;
		case '\r':
			fputs("\\r", f);
			p++;
			continue;
		case '\t':
			fputs("\\t", f);
			p++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
			p++;
			continue;
		}
		/* UTF-8 passes through; a byte that is not part of a valid
		 * sequence (names from a resolver are bytes) becomes U+FFFD,
		 * so the output is always valid JSON */
		n = utf8_len(p);
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

void np_json_time(FILE *f, int64_t wall_ns)
{
	time_t secs = (time_t)(wall_ns / NP_NSEC_PER_SEC);
	struct tm tm;
	char buf[32];

	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "\"%s.%06" PRId64 "Z\"", buf,
		(wall_ns % NP_NSEC_PER_SEC) / NP_NSEC_PER_USEC);
}

static int rtt_decimals = 3;

void np_report_set_decimals(int decimals)
{
	rtt_decimals = decimals < 3 ? 3 : decimals > 6 ? 6 : decimals;
}

int np_report_decimals(void)
{
	return rtt_decimals;
}

/* Milliseconds with exactly `rtt_decimals` decimals (three by default),
 * truncated as iputils computes them, so that min <= avg <= max as printed
 * and min and max equal the time= of a printed reply (below 1 ms, where
 * time= has three decimals too). */
void np_format_ms(int64_t ns, char *buf, size_t len)
{
	int64_t unit = 1, scale = 1;

	for (int i = rtt_decimals; i < 6; i++)
		unit *= 10; /* ns per last digit */
	for (int i = 0; i < rtt_decimals; i++)
		scale *= 10;
	ns = ns < 0 ? 0 : ns / unit;
	snprintf(buf, len, "%" PRId64 ".%0*" PRId64, ns / scale, rtt_decimals,
		 ns % scale);
}
