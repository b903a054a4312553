/* proto_tcpconn.h - TCP connect() probes (--connect): no privilege, each
 * probe a non-blocking connect() of a socket of its own, its outcome read
 * from the socket (SO_ERROR, the error queue, TCP_INFO).  The protocol
 * row, and the socket calls the core makes through np_io_system. */
#ifndef NP_PROTO_TCPCONN_H
#define NP_PROTO_TCPCONN_H

#include "core.h"
#include "proto.h"

extern const struct np_proto np_proto_tcpconn;

/* A connect probe's reply (np_reply.type): the TCP flags of what the
 * kernel got, SYN|ACK (open) or RST|ACK (closed), as a raw probe's. */
#define NP_TCPCONN_SYNACK 0x12
#define NP_TCPCONN_RST 0x14

/* A non-blocking TCP socket (SO_LINGER 0, TCP_SYNCNT 1, IP_RECVERR, and
 * `cfg`'s -t, -Q, -I) connecting to `dst`: its descriptor, or -1 with
 * errno. */
int np_tcpconn_open(const struct np_conn_cfg *cfg, const struct sockaddr *dst,
		    socklen_t dstlen);
/* How the connect on `fd` ended; out->err EINPROGRESS: not yet. */
void np_tcpconn_outcome(int fd, struct np_conn_outcome *out);
void np_tcpconn_close(int fd);

#endif
