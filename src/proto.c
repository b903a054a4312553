/* proto.c - the table of probe protocols: a new protocol is a row here
 * and its proto_*.c. */
#include "config.h"

#include "proto.h"

#include <string.h>

#include "icmp.h"
#include "proto_icmp.h"
#include "proto_udp.h"
#include "proto_tcpconn.h"
#include "proto_tcp.h"
#include "sockets.h"

static const struct np_proto *const protos[] = {
	&np_proto_icmp,
	&np_proto_udp,
	&np_proto_tcpconn,
	&np_proto_tcp,
};

const struct np_proto *np_proto_find(const char *name)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i]->name, name) == 0)
			return protos[i];
	return NULL;
}

const struct np_proto *np_proto_default(void)
{
	return protos[0];
}

enum np_class np_proto_classify_error(int family, const struct np_reply *r)
{
	if (family == AF_INET) {
		if (r->type == NP_ICMP_REDIRECT ||
		    r->type == NP_ICMP_SOURCE_QUENCH)
			return NP_CLASS_NOTICE;
		return r->type == NP_ICMP_TIME_EXCEEDED ? NP_CLASS_HOP
							: NP_CLASS_ERROR;
	}
	if (r->type == NP_ICMP6_REDIRECT)
		return NP_CLASS_NOTICE;
	return r->type == NP_ICMP6_TIME_EXCEEDED ? NP_CLASS_HOP
						 : NP_CLASS_ERROR;
}

const struct np_proto *np_proto_select(const char *name, struct np_err *err)
{
	const struct np_proto *P =
		name != NULL ? np_proto_find(name) : np_proto_default();

	if (P == NULL)
		np_err_set(err, "--%s: this build has no %s probes", name,
			   name);
	return P;
}

void np_rx_parse(const struct np_socket *s, struct np_rxpkt *pkt)
{
	struct np_rx rx;
	struct in6_addr src6;

	if (!pkt->to_parse || pkt->parsed)
		return;
	pkt->parsed = true;
	if (pkt->errqueue) {
		np_reply_from_errqueue(s->proto, s->family, &pkt->ee, pkt->buf,
				       pkt->len, &pkt->r);
		/* msg_name holds where the failed packet was going (a UDP
		 * socket's: its port too; a raw socket's port is 0, its quote
		 * named the port). */
		if (pkt->from.ss_family == s->family) {
			memcpy(&pkt->r.quoted_dst, &pkt->from,
			       sizeof(pkt->from));
			pkt->r.quoted_dst_set = true;
			if (s->proto->default_port != 0 && pkt->r.key.port == 0)
				pkt->r.key.port = np_addr_port(
					(const struct sockaddr *)&pkt->from);
		}
		/* who reported it: the router, else ourselves */
		if (pkt->have_offender)
			memcpy(&pkt->from, &pkt->offender,
			       sizeof(pkt->offender));
		else if (s->src.ss_family == s->family)
			memcpy(&pkt->from, &s->src, sizeof(s->src));
		else {
			memset(&pkt->from, 0, sizeof(pkt->from));
			pkt->from.ss_family = (sa_family_t)s->family;
		}
		return;
	}
	memset(&rx, 0, sizeof(rx));
	rx.family = s->family;
	/* raw IPv4 sockets deliver the IP header */
	rx.has_ip_header = s->family == AF_INET && s->kind == NP_SOCK_RAW;
	rx.raw = s->kind == NP_SOCK_RAW;
	rx.buf = pkt->buf;
	rx.len = pkt->len;
	rx.ttl = pkt->ttl;
	rx.proto = s->proto;
	if (s->family == AF_INET6) {
		memcpy(&src6, &((struct sockaddr_in6 *)&pkt->from)->sin6_addr,
		       sizeof(src6));
		rx.src6 = &src6;
		rx.dst6 = pkt->have_dst6 ? &pkt->dst6 : NULL;
	}
	np_reply_parse(&rx, &pkt->r);
	/* A protocol's own datagram (a UDP reply): the port it came from,
	 * which the matcher checks. */
	if (pkt->r.kind == NP_RX_APP_REPLY)
		pkt->r.key.port =
			np_addr_port((const struct sockaddr *)&pkt->from);
}
