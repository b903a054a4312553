/* resolver.h - the names of routers that send ICMP errors, looked up by a
 * helper process forked before the sandbox (FreeBSD's Casper model): the
 * probe loop never blocks on a lookup and never opens a file or a socket
 * for one.  Parent and helper talk over a SOCK_SEQPACKET socketpair: a
 * request is an address, an answer the address and its name (or none). */
#ifndef NP_RESOLVER_H
#define NP_RESOLVER_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "error.h"
#include "privs.h"

#define NP_RESOLVER_CACHE 64   /* addresses whose names are kept */
#define NP_RESOLVER_INFLIGHT 8 /* requests asked and not answered, at most */
/* How long a line waits for its router's name before it is printed with
 * the bare address (as -n prints it). */
#define NP_RESOLVER_BUDGET_NS 1000000000LL

/* One answer on the wire: the address asked, whether a name was found,
 * the name (NUL-terminated; the datagram ends after the NUL). */
struct np_resolver_answer {
	struct sockaddr_storage addr;
	uint8_t found;
	char name[NI_MAXHOST];
};

enum np_name_state {
	NP_NAME_UNKNOWN = 0, /* not asked (no helper, or no room): no name */
	NP_NAME_PENDING,     /* asked, no answer yet */
	NP_NAME_FOUND,	     /* the name is in the buffer */
	NP_NAME_NONE,	     /* the helper answered: the address has none */
};

struct np_name_entry {
	enum np_name_state state; /* NP_NAME_UNKNOWN: a free slot */
	struct sockaddr_storage addr;
	int64_t asked_ns; /* CLOCK_MONOTONIC of the request */
	char name[NI_MAXHOST];
};

struct np_resolver {
	int fd; /* the parent's end (non-blocking); -1: no helper */
	pid_t pid;
	unsigned inflight;
	size_t next; /* the slot replaced next when the cache is full */
	struct np_name_entry cache[NP_RESOLVER_CACHE];
};

/* Fork the helper: it drops every capability (from `privs`, which the
 * parent keeps), closes every other descriptor, confines itself with a
 * seccomp filter of its own (`filter`: not with --no-sandbox, nor under
 * valgrind) where the build has one, and exits when the parent's end
 * closes or the parent dies.  0, or -1 with a message (then r->fd is -1
 * and the run goes on without names). */
int np_resolver_start(struct np_resolver *r, struct np_privs *privs,
		      bool filter, struct np_err *err);

/* The name of `sa` from the cache, asking the helper (without blocking)
 * when it is not there.  NP_NAME_FOUND: `buf` holds the name; PENDING:
 * `*asked_ns` says when it was asked. */
enum np_name_state np_resolver_lookup(struct np_resolver *r,
				      const struct sockaddr *sa, int64_t now,
				      char *buf, size_t len, int64_t *asked_ns);

/* The same without asking. */
enum np_name_state np_resolver_peek(const struct np_resolver *r,
				    const struct sockaddr *sa, char *buf,
				    size_t len, int64_t *asked_ns);

/* Read the answers that are there (never blocks).  The number read; a
 * helper that died leaves r->fd -1 and its pending names UNKNOWN. */
int np_resolver_pump(struct np_resolver *r);

/* Close the parent's end: the helper exits (it is killed anyway when the
 * parent exits, PR_SET_PDEATHSIG). */
void np_resolver_stop(struct np_resolver *r);

#endif
