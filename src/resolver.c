/* resolver.c - reverse lookups for the probe loop in a helper process.
 * The parent never blocks: requests go out with MSG_DONTWAIT, at most
 * NP_RESOLVER_INFLIGHT at a time, and answers are read when the loop sees
 * the descriptor readable.  Everything the helper sends is checked as
 * untrusted: the size, the address it names, the name's bytes. */
#include "config.h"

#include "resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sandbox.h"
#include "target.h"

static bool addr_ok(const struct sockaddr_storage *ss, size_t n)
{
	if (n < sizeof(sa_family_t))
		return false;
	if (ss->ss_family == AF_INET)
		return n >= sizeof(struct sockaddr_in);
	if (ss->ss_family == AF_INET6)
		return n >= sizeof(struct sockaddr_in6);
	return false;
}

/* Every descriptor but the helper's socket closed, and 0-2 on /dev/null:
 * it holds no probe socket, capture or output that a reader waits on. */
static void child_fds(int keep)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	long max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 0; fd < 3; fd++)
		if (null >= 0 && null != fd)
			dup2(null, fd);
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

static void child_loop(int fd)
{
	struct sockaddr_storage req;
	struct np_resolver_answer ans;

	for (;;) {
		ssize_t n = recv(fd, &req, sizeof(req), 0);
		size_t len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		memset(&ans, 0, sizeof(ans));
		if (!addr_ok(&req, (size_t)n))
			continue;
		memcpy(&ans.addr, &req, (size_t)n);
		ans.found = getnameinfo((const struct sockaddr *)&req,
					np_addr_len(req.ss_family), ans.name,
					sizeof(ans.name), NULL, 0,
					NI_NAMEREQD) == 0;
		if (!ans.found)
			ans.name[0] = '\0';
		len = offsetof(struct np_resolver_answer, name) +
		      strlen(ans.name) + 1;
		while (send(fd, &ans, len, MSG_NOSIGNAL) < 0)
			if (errno != EINTR)
				_exit(0);
	}
}

/* The helper: never returns. */
static void child(int fd, int parent_end, pid_t parent, struct np_privs *privs,
		  bool filter)
{
	struct np_err err;
	struct sigaction sa;

	close(parent_end);
	/* Dies with the parent (a run ends without waiting for a lookup);
	 * the parent may have gone before the prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(0);
	/* The terminal's ^C and ^\ go to the whole process group: they are
	 * the parent's to handle (summary, interim statistics). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	child_fds(fd);
	if (np_privs_drop_all(privs, &err) != 0 ||
	    (filter && np_sandbox_enter_resolver(&err) != 0))
		_exit(0); /* the parent sees the end: names by address */
	child_loop(fd);
	_exit(0);
}

int np_resolver_start(struct np_resolver *r, struct np_privs *privs,
		      bool filter, struct np_err *err)
{
	int sv[2];
	pid_t parent = getpid(), pid;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->pid = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return np_err_errno(err, errno, "resolver: socketpair");
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return np_err_errno(err, errno, "resolver: fork");
	}
	if (pid == 0)
		child(sv[1], sv[0], parent, privs, filter);
	close(sv[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0) {
		close(sv[0]);
		return np_err_errno(err, errno, "resolver: O_NONBLOCK");
	}
	r->fd = sv[0];
	r->pid = pid;
	return 0;
}

static struct np_name_entry *find(const struct np_resolver *r,
				  const struct sockaddr *sa)
{
	for (size_t i = 0; i < NP_RESOLVER_CACHE; i++) {
		const struct np_name_entry *e = &r->cache[i];

		if (e->state != NP_NAME_UNKNOWN &&
		    np_addr_equal((const struct sockaddr *)&e->addr, sa))
			return (struct np_name_entry *)e;
	}
	return NULL;
}

enum np_name_state np_resolver_peek(const struct np_resolver *r,
				    const struct sockaddr *sa, char *buf,
				    size_t len, int64_t *asked_ns)
{
	const struct np_name_entry *e = find(r, sa);

	if (e == NULL)
		return NP_NAME_UNKNOWN;
	if (e->state == NP_NAME_FOUND)
		snprintf(buf, len, "%s", e->name);
	if (e->state == NP_NAME_PENDING && asked_ns != NULL)
		*asked_ns = e->asked_ns;
	return e->state;
}

/* A free slot, else the next one in turn that is not waiting for its
 * answer; NULL when every slot is waiting. */
static struct np_name_entry *slot(struct np_resolver *r)
{
	for (size_t i = 0; i < NP_RESOLVER_CACHE; i++)
		if (r->cache[i].state == NP_NAME_UNKNOWN)
			return &r->cache[i];
	for (size_t k = 0; k < NP_RESOLVER_CACHE; k++) {
		struct np_name_entry *e =
			&r->cache[r->next++ % NP_RESOLVER_CACHE];

		if (e->state != NP_NAME_PENDING)
			return e;
	}
	return NULL;
}

enum np_name_state np_resolver_lookup(struct np_resolver *r,
				      const struct sockaddr *sa, int64_t now,
				      char *buf, size_t len, int64_t *asked_ns)
{
	enum np_name_state st = np_resolver_peek(r, sa, buf, len, asked_ns);
	struct np_name_entry *e;
	size_t alen = np_addr_len(sa->sa_family);

	if (st != NP_NAME_UNKNOWN || r->fd < 0 ||
	    r->inflight >= NP_RESOLVER_INFLIGHT || alen == 0)
		return st;
	e = slot(r);
	if (e == NULL)
		return NP_NAME_UNKNOWN;
	if (send(r->fd, sa, alen, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)alen)
		return NP_NAME_UNKNOWN; /* full: this one goes by address */
	memset(e, 0, sizeof(*e));
	memcpy(&e->addr, sa, alen);
	e->state = NP_NAME_PENDING;
	e->asked_ns = now;
	r->inflight++;
	if (asked_ns != NULL)
		*asked_ns = now;
	return NP_NAME_PENDING;
}

/* The helper is gone: what it was asked goes by address. */
static void dead(struct np_resolver *r)
{
	np_resolver_stop(r);
	for (size_t i = 0; i < NP_RESOLVER_CACHE; i++)
		if (r->cache[i].state == NP_NAME_PENDING)
			r->cache[i].state = NP_NAME_UNKNOWN;
	r->inflight = 0;
}

int np_resolver_pump(struct np_resolver *r)
{
	struct np_resolver_answer ans;
	int got = 0;

	while (r->fd >= 0) {
		ssize_t n = recv(r->fd, &ans, sizeof(ans), MSG_DONTWAIT);
		struct np_name_entry *e;
		size_t max;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			dead(r);
			break;
		}
		got++;
		if ((size_t)n <= offsetof(struct np_resolver_answer, name) ||
		    !addr_ok(&ans.addr, sizeof(ans.addr)))
			continue;
		e = find(r, (const struct sockaddr *)&ans.addr);
		if (e == NULL || e->state != NP_NAME_PENDING)
			continue;
		max = (size_t)n - offsetof(struct np_resolver_answer, name);
		if (max > sizeof(e->name) - 1)
			max = sizeof(e->name) - 1;
		/* a name reaches the terminal: printable ASCII only (a PTR
		 * record may hold any byte) */
		memcpy(e->name, ans.name, max);
		e->name[max] = '\0';
		for (char *c = e->name; *c != '\0'; c++)
			if (*c < 0x21 || *c > 0x7e)
				*c = '?';
		e->state = ans.found && e->name[0] != '\0' ? NP_NAME_FOUND
							   : NP_NAME_NONE;
		if (r->inflight > 0)
			r->inflight--;
	}
	return got;
}

void np_resolver_stop(struct np_resolver *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}
