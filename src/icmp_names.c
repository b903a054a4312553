/* icmp_names.c - the one table of ICMP and ICMPv6 type and code names
 * (RFC 792, RFC 950, RFC 1812, RFC 4443, RFC 4861): the machine names
 * that JSON, --metrics and inspect print ("destination-unreachable",
 * "port-unreachable"), and the iputils-compatible text of an error line
 * ("Destination Port Unreachable"), side by side. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "icmp.h"
#include "reply.h"
#include "report.h"
#include "target.h"

#define ANY (-1) /* the type's own row */

struct icmp_name {
	uint8_t v6; /* 0: ICMP, 1: ICMPv6 */
	uint8_t type;
	int16_t code;	  /* ANY for the type */
	const char *name; /* NULL: "other" */
	const char *text; /* iputils' wording; NULL: none of its own */
};

static const struct icmp_name names[] = {
	{0, 0, ANY, "echo-reply", NULL},
	{0, 0, 0, "none", NULL},
	{0, 3, ANY, "destination-unreachable", NULL},
	{0, 3, 0, "net-unreachable", "Destination Net Unreachable"},
	{0, 3, 1, "host-unreachable", "Destination Host Unreachable"},
	{0, 3, 2, "protocol-unreachable", "Destination Protocol Unreachable"},
	{0, 3, 3, "port-unreachable", "Destination Port Unreachable"},
	{0, 3, 4, "fragmentation-needed", "Frag needed and DF set"},
	{0, 3, 5, "source-route-failed", "Source Route Failed"},
	{0, 3, 6, "net-unknown", "Destination Net Unknown"},
	{0, 3, 7, "host-unknown", "Destination Host Unknown"},
	{0, 3, 8, "source-host-isolated", "Source Host Isolated"},
	{0, 3, 9, "net-prohibited", "Destination Net Prohibited"},
	{0, 3, 10, "host-prohibited", "Destination Host Prohibited"},
	{0, 3, 11, "net-unreachable-for-tos",
	 "Destination Net Unreachable for Type of Service"},
	{0, 3, 12, "host-unreachable-for-tos",
	 "Destination Host Unreachable for Type of Service"},
	{0, 3, 13, "communication-prohibited", "Packet filtered"},
	{0, 3, 14, "host-precedence-violation", "Precedence Violation"},
	{0, 3, 15, "precedence-cutoff", "Precedence Cutoff"},
	{0, 4, ANY, "source-quench", "Source Quench"},
	{0, 5, ANY, "redirect", NULL},
	{0, 5, 0, NULL, "Redirect Network"},
	{0, 5, 1, NULL, "Redirect Host"},
	{0, 5, 2, NULL, "Redirect Type of Service and Network"},
	{0, 5, 3, NULL, "Redirect Type of Service and Host"},
	{0, 8, ANY, "echo-request", NULL},
	{0, 8, 0, "none", NULL},
	{0, 9, ANY, "router-advertisement", NULL},
	{0, 10, ANY, "router-solicitation", NULL},
	{0, 11, ANY, "time-exceeded", NULL},
	{0, 11, 0, "ttl-exceeded", "Time to live exceeded"},
	{0, 11, 1, "reassembly-time-exceeded", "Frag reassembly time exceeded"},
	{0, 12, ANY, "parameter-problem", NULL},
	{0, 13, ANY, "timestamp-request", NULL},
	{0, 14, ANY, "timestamp-reply", NULL},
	{0, 15, ANY, "information-request", NULL},
	{0, 16, ANY, "information-reply", NULL},
	{0, 17, ANY, "address-mask-request", NULL},
	{0, 18, ANY, "address-mask-reply", NULL},

	{1, 1, ANY, "destination-unreachable", NULL},
	{1, 1, 0, "no-route", "No route"},
	{1, 1, 1, "communication-prohibited", "Administratively prohibited"},
	{1, 1, 2, "beyond-scope", "Beyond scope of source address"},
	{1, 1, 3, "address-unreachable", "Address unreachable"},
	{1, 1, 4, "port-unreachable", "Port unreachable"},
	{1, 1, 5, "source-address-failed-policy",
	 "Source address failed ingress/egress policy"},
	{1, 1, 6, "reject-route", "Reject route to destination"},
	{1, 1, 7, "source-routing-header-error", NULL},
	{1, 2, ANY, "packet-too-big", NULL},
	{1, 3, ANY, "time-exceeded", NULL},
	{1, 3, 0, "ttl-exceeded", "Hop limit"},
	{1, 3, 1, "reassembly-time-exceeded", "Defragmentation failure"},
	{1, 4, ANY, "parameter-problem", NULL},
	{1, 4, 0, NULL, "Erroneous header field"},
	{1, 4, 1, NULL, "Unrecognized next header"},
	{1, 4, 2, NULL, "Unrecognized IPv6 option"},
	{1, 128, ANY, "echo-request", NULL},
	{1, 128, 0, "none", NULL},
	{1, 129, ANY, "echo-reply", NULL},
	{1, 129, 0, "none", NULL},
	{1, 130, ANY, "multicast-listener-query", NULL},
	{1, 131, ANY, "multicast-listener-report", NULL},
	{1, 132, ANY, "multicast-listener-done", NULL},
	{1, 133, ANY, "router-solicitation", NULL},
	{1, 134, ANY, "router-advertisement", NULL},
	{1, 135, ANY, "neighbor-solicitation", NULL},
	{1, 136, ANY, "neighbor-advertisement", NULL},
	{1, 137, ANY, "redirect", NULL},
	{1, 143, ANY, "multicast-listener-report-v2", NULL},
};

static const struct icmp_name *find(int family, int type, int code)
{
	uint8_t v6 = family == AF_INET6;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v6 == v6 && names[i].type == type &&
		    names[i].code == code)
			return &names[i];
	return NULL;
}

const char *np_icmp_type_name(int family, int type)
{
	const struct icmp_name *n = find(family, type, ANY);

	return n != NULL && n->name != NULL ? n->name : "other";
}

const char *np_icmp_code_name(int family, int type, int code)
{
	const struct icmp_name *n = code >= 0 ? find(family, type, code) : NULL;

	return n != NULL && n->name != NULL ? n->name : "other";
}

/* iputils' text for a type and code, NULL when it has none. */
static const char *text(int family, int type, int code)
{
	const struct icmp_name *n = find(family, type, code);

	return n != NULL ? n->text : NULL;
}

void np_reply_describe_error(int family, const struct np_reply *r, char *buf,
			     size_t len)
{
	const char *s = text(family, r->type, r->code);
	char gw[INET6_ADDRSTRLEN];

	if (r->kind == NP_RX_LOCAL_ERROR) {
		snprintf(buf, len, "local error: %s", strerror(r->code));
		return;
	}
	if (r->has_gateway)
		np_addr_str((const struct sockaddr *)&r->gateway, gw,
			    sizeof(gw));
	if (family == AF_INET) {
		switch (r->type) {
		case NP_ICMP_DEST_UNREACH:
			if (r->code == 4)
				snprintf(buf, len, "%s (mtu = %u)", s,
					 (unsigned)r->info);
			else if (s != NULL)
				snprintf(buf, len, "%s", s);
			else
				snprintf(buf, len,
					 "Dest Unreachable, Bad Code: %u",
					 r->code);
			return;
		case NP_ICMP_SOURCE_QUENCH:
			snprintf(buf, len, "Source Quench");
			return;
		case NP_ICMP_REDIRECT:
			if (s == NULL)
				s = "Redirect, Bad Code";
			if (r->has_gateway)
				snprintf(buf, len, "%s(New nexthop: %s)", s,
					 gw);
			else
				snprintf(buf, len, "%s", s);
			return;
		case NP_ICMP_TIME_EXCEEDED:
			if (s != NULL)
				snprintf(buf, len, "%s", s);
			else
				snprintf(buf, len,
					 "Time exceeded, Bad Code: %u",
					 r->code);
			return;
		case NP_ICMP_PARAMPROB:
			snprintf(buf, len, "Parameter problem: pointer = %u",
				 (unsigned)r->info);
			return;
		default:
			snprintf(buf, len, "Bad ICMP type: %u", r->type);
			return;
		}
	}
	switch (r->type) {
	case NP_ICMP6_DST_UNREACH:
		if (s != NULL)
			snprintf(buf, len, "Destination unreachable: %s", s);
		else
			snprintf(buf, len,
				 "Destination unreachable: Unknown code %u",
				 r->code);
		return;
	case NP_ICMP6_PACKET_TOO_BIG:
		snprintf(buf, len, "Packet too big: mtu=%u", (unsigned)r->info);
		return;
	case NP_ICMP6_TIME_EXCEEDED:
		if (s != NULL)
			snprintf(buf, len, "Time exceeded: %s", s);
		else
			snprintf(buf, len, "Time exceeded: code %u", r->code);
		return;
	case NP_ICMP6_PARAM_PROB:
		if (s != NULL)
			snprintf(buf, len, "Parameter problem: %s at %u", s,
				 (unsigned)r->info);
		else
			snprintf(buf, len, "Parameter problem: code %u at %u",
				 r->code, (unsigned)r->info);
		return;
	case NP_ICMP6_REDIRECT:
		if (r->has_gateway)
			snprintf(buf, len, "Redirect (New nexthop: %s)", gw);
		else
			snprintf(buf, len, "Redirect");
		return;
	default:
		snprintf(buf, len, "Unknown ICMPv6 type: %u", r->type);
	}
}
