/* target.h - name resolution and address helpers */
#ifndef NP_TARGET_H
#define NP_TARGET_H

#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "error.h"

struct np_target {
	const char *name; /* as given on the command line */
	bool numeric;	  /* given as an address literal */
	int family;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char addr_str[INET6_ADDRSTRLEN + 16]; /* with %scope if any */
	char host[NI_MAXHOST]; /* reverse name of addr, or addr_str */
};

/* Resolve `name` (family AF_UNSPEC, AF_INET or AF_INET6).  With AF_UNSPEC
 * the resolver's first answer wins, as in ping.  `numeric_out` (-n) skips
 * the reverse lookup of the address. */
int np_target_resolve(struct np_target *t, const char *name, int family,
		      bool numeric_out, struct np_err *err);

/* "localhost" or a name under it ("a.localhost"), any case, with or
 * without a trailing dot: loopback by RFC 6761 section 6.3, resolved
 * without the resolver (127.0.0.1, or ::1 for IPv6 only). */
bool np_name_is_localhost(const char *name);

/* Address to text (no port).  Always NUL-terminates. */
void np_addr_str(const struct sockaddr *sa, char *buf, size_t len);
/* Reverse name of an address, or its text when there is none or when
 * `numeric` is set. */
void np_addr_name(const struct sockaddr *sa, bool numeric, char *buf,
		  size_t len);
/* Same family and address (ports ignored; IPv6 scope ids compared only
 * when both are set). */
bool np_addr_equal(const struct sockaddr *a, const struct sockaddr *b);
/* A numeric address of `family` (AF_UNSPEC: IPv4, else IPv6) into *ss,
 * port 0, no scope.  Returns its family, or 0 when s is none. */
int np_addr_parse(const char *s, int family, struct sockaddr_storage *ss);
/* Set the port of an AF_INET or AF_INET6 address (host order). */
void np_addr_set_port(struct sockaddr *sa, uint16_t port);
/* The port of an AF_INET or AF_INET6 address (host order), 0 for others. */
uint16_t np_addr_port(const struct sockaddr *sa);
socklen_t np_addr_len(int family);

#endif
