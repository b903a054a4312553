/* sandbox.c - a seccomp filter (libseccomp) for the probe loop.  After
 * setup netprobe needs to send and receive on sockets it already holds,
 * wait, read the clock, allocate memory and write its output: nothing
 * else.  A call outside the list (a new socket, exec, open) is not failed
 * silently but kills the process with a message that names it. */
#include "config.h"

#include "sandbox.h"

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

bool np_sandbox_under_valgrind(void)
{
#ifdef HAVE_VALGRIND_VALGRIND_H
	return RUNNING_ON_VALGRIND != 0;
#else
	return false;
#endif
}

#ifdef HAVE_SECCOMP

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

bool np_sandbox_available(void)
{
	return true;
}

/* What a refused call is, by number: the calls a compromised loop would
 * make, and those a change to the loop could bring in unnoticed.  Any
 * other is named by its number alone. */
static const struct {
	int nr;
	const char *name;
} known[] = {
	{SCMP_SYS(socket), "socket"},
	{SCMP_SYS(socketpair), "socketpair"},
	{SCMP_SYS(bind), "bind"},
	{SCMP_SYS(listen), "listen"},
	{SCMP_SYS(accept), "accept"},
	{SCMP_SYS(accept4), "accept4"},
	{SCMP_SYS(setsockopt), "setsockopt"},
	{SCMP_SYS(execve), "execve"},
	{SCMP_SYS(execveat), "execveat"},
	{SCMP_SYS(open), "open"},
	{SCMP_SYS(openat), "openat"},
	{SCMP_SYS(openat2), "openat2"},
	{SCMP_SYS(creat), "creat"},
	{SCMP_SYS(clone), "clone"},
	{SCMP_SYS(clone3), "clone3"},
	{SCMP_SYS(fork), "fork"},
	{SCMP_SYS(vfork), "vfork"},
	{SCMP_SYS(ptrace), "ptrace"},
	{SCMP_SYS(kill), "kill"},
	{SCMP_SYS(tgkill), "tgkill"},
	{SCMP_SYS(mprotect), "mprotect"},
	{SCMP_SYS(prctl), "prctl"},
	{SCMP_SYS(setuid), "setuid"},
	{SCMP_SYS(capset), "capset"},
	{SCMP_SYS(ioctl), "ioctl"},
	{SCMP_SYS(fcntl), "fcntl"},
	{SCMP_SYS(dup), "dup"},
	{SCMP_SYS(dup2), "dup2"},
	{SCMP_SYS(dup3), "dup3"},
	{SCMP_SYS(mkdir), "mkdir"},
	{SCMP_SYS(chmod), "chmod"},
	{SCMP_SYS(select), "select"},
	{SCMP_SYS(epoll_wait), "epoll_wait"},
	{SCMP_SYS(rename), "rename"},
	{SCMP_SYS(renameat), "renameat"},
	{SCMP_SYS(renameat2), "renameat2"},
	{SCMP_SYS(unlink), "unlink"},
	{SCMP_SYS(unlinkat), "unlinkat"},
	{SCMP_SYS(fsync), "fsync"},
	{SCMP_SYS(poll), "poll"},
	{SCMP_SYS(recvfrom), "recvfrom"},
	{SCMP_SYS(connect), "connect"},
};

/* How a refused call ends the run: the status, and in plugin mode the
 * monitoring system's UNKNOWN line on standard output as well. */
static int deny_status = 2;
static bool deny_plugin;

static void put(int fd, const char *s)
{
	(void)!write(fd, s, strlen(s));
}

/* SIGSYS: only async-signal-safe calls (write, _exit, and strlen, which
 * POSIX.1-2016 lists).  si_syscall is the number of the refused call. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char num[16];
	const char *name = NULL;
	int n = si->si_syscall, i = (int)sizeof(num) - 1;

	(void)sig;
	(void)uc;
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (known[k].nr >= 0 && known[k].nr == n)
			name = known[k].name;
	num[i] = '\0';
	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	for (int fd = deny_plugin ? STDOUT_FILENO : STDERR_FILENO;;
	     fd = STDERR_FILENO) {
		put(fd, fd == STDOUT_FILENO
				? "UNKNOWN - sandbox: system call "
				: "netprobe: sandbox: system call ");
		put(fd, num + i);
		if (name != NULL) {
			put(fd, " (");
			put(fd, name);
			put(fd, ")");
		}
		put(fd, " is not allowed after setup (a bug in netprobe: "
			"please report it; --no-sandbox runs without the "
			"filter)\n");
		if (fd == STDERR_FILENO)
			break;
	}
	_exit(deny_status);
}

/* Add `calls` (any count; a negative __NR_ is one this architecture
 * lacks) as allowed without conditions. */
static int allow(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if (calls[i] >= 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
	return rc;
}

#define ALLOW(ctx, a) allow(ctx, a, sizeof(a) / sizeof(a[0]))

/* --connect: each probe's socket, and only that kind of socket (the
 * arguments np_tcpconn_open passes): a compromised loop still cannot
 * open a raw or a datagram socket. */
static int allow_connect_probes(scmp_filter_ctx ctx)
{
	static const int calls[] = {SCMP_SYS(setsockopt), SCMP_SYS(bind),
				    SCMP_SYS(connect)};
	const scmp_datum_t type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
	int rc = ALLOW(ctx, calls);

	for (int i = 0; i < 2 && rc == 0; i++)
		rc = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
			SCMP_A0(SCMP_CMP_EQ, i == 0 ? AF_INET : AF_INET6),
			SCMP_A1(SCMP_CMP_EQ, type),
			SCMP_A2(SCMP_CMP_EQ, IPPROTO_TCP));
	return rc;
}

/* The calls only some runs need, each allowed only when the run does. */
static int allow_needs(scmp_filter_ctx ctx, const struct np_sandbox_needs *need)
{
	/* --metrics FILE: synced, renamed into place, or removed */
	static const int metrics[] = {
		SCMP_SYS(fsync),     SCMP_SYS(rename), SCMP_SYS(renameat),
		SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	};
	/* libpcap reads its ring with poll(); it may also recvfrom() */
	static const int capture[] = {SCMP_SYS(poll), SCMP_SYS(recvfrom)};
	/* the route socket reconnected for the path MTU, or for the
	 * source address of a TCP probe's checksum (no packet leaves: it is
	 * UDP) */
	static const int route[] = {SCMP_SYS(connect), SCMP_SYS(getsockname)};
	int rc = 0;

	if (need->metrics_file)
		rc = ALLOW(ctx, metrics);
	if (rc == 0 && need->capture)
		rc = ALLOW(ctx, capture);
	if (rc == 0 && need->route)
		rc = ALLOW(ctx, route);
	if (rc == 0 && need->connect_probes)
		rc = allow_connect_probes(ctx);
	/* the name helper's answers: on its socket only (the probe sockets
	 * are read with recvmsg and recvmmsg) */
	if (rc == 0 && need->resolver_fd >= 0 && !need->capture)
		rc = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)need->resolver_fd));
	return rc;
}

int np_sandbox_enter(struct np_err *err, const struct np_sandbox_needs *need)
{
	/* What the loop, the reports and the C library under them use. */
	static const int allowed[] = {
		/* sockets already open (sendto: also the name helper's) */
		SCMP_SYS(sendto),
		SCMP_SYS(sendmsg),
		SCMP_SYS(recvmsg),
		SCMP_SYS(recvmmsg),
		SCMP_SYS(getsockopt),
		/* waiting, time, randomness */
		SCMP_SYS(ppoll),
		SCMP_SYS(clock_gettime),
		SCMP_SYS(gettimeofday),
		SCMP_SYS(time),
		SCMP_SYS(getrandom),
		SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep),
		/* signals */
		SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(restart_syscall),
		/* output (stdio) and the files opened at setup */
		SCMP_SYS(write),
		SCMP_SYS(writev),
		SCMP_SYS(read),
		SCMP_SYS(lseek),
		SCMP_SYS(fstat),
		SCMP_SYS(newfstatat),
		SCMP_SYS(close),
		/* memory */
		SCMP_SYS(brk),
		SCMP_SYS(mmap),
		SCMP_SYS(munmap),
		SCMP_SYS(mremap),
		SCMP_SYS(madvise),
		SCMP_SYS(futex),
		/* the end */
		SCMP_SYS(exit),
		SCMP_SYS(exit_group),
		SCMP_SYS(getpid),
	};
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int rc = 0;

	/* What the C library would open later, opened now: the time zone
	 * (gmtime_r reads it once, for the JSON times). */
	tzset();
	deny_plugin = need->plugin;
	deny_status = need->plugin ? 3 : 2; /* UNKNOWN, as any system error */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return np_err_errno(err, errno, "sandbox: sigaction(SIGSYS)");
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		return np_err_set(err, "sandbox: seccomp_init failed");
	rc = ALLOW(ctx, allowed);
	if (rc == 0)
		rc = allow_needs(ctx, need);
	/* stdio asks whether stdout is a terminal: TCGETS only */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_EQ, TCGETS));
	/* fcntl(F_GETFL) from stdio; nothing that changes descriptors */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				      SCMP_A1(SCMP_CMP_EQ, F_GETFL));
	/* PR_SET_NO_NEW_PRIVS is already set (privs.c), as seccomp needs
	 * for an unprivileged process */
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return np_err_set(err,
				  "sandbox: cannot load the seccomp filter: "
				  "%s",
				  strerror(-rc));
	return 0;
}

int np_sandbox_enter_resolver(struct np_err *err)
{
	/* What a name lookup (files, NSS modules, DNS over UDP and TCP)
	 * never does. */
	static const int denied[] = {
		SCMP_SYS(execve),
		SCMP_SYS(execveat),
		SCMP_SYS(fork),
		SCMP_SYS(vfork),
		SCMP_SYS(clone),
		SCMP_SYS(clone3),
		SCMP_SYS(ptrace),
		SCMP_SYS(process_vm_readv),
		SCMP_SYS(process_vm_writev),
		SCMP_SYS(kill),
		SCMP_SYS(tkill),
		SCMP_SYS(setuid),
		SCMP_SYS(setgid),
		SCMP_SYS(setreuid),
		SCMP_SYS(setresuid),
		SCMP_SYS(setgroups),
		SCMP_SYS(capset),
		SCMP_SYS(mount),
		SCMP_SYS(umount2),
		SCMP_SYS(unshare),
		SCMP_SYS(setns),
		SCMP_SYS(chroot),
		SCMP_SYS(bpf),
		SCMP_SYS(perf_event_open),
		SCMP_SYS(init_module),
		SCMP_SYS(finit_module),
		SCMP_SYS(rename),
		SCMP_SYS(renameat),
		SCMP_SYS(renameat2),
		SCMP_SYS(unlink),
		SCMP_SYS(unlinkat),
		SCMP_SYS(listen),
		SCMP_SYS(accept),
		SCMP_SYS(accept4),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = 0;

	if (ctx == NULL)
		return np_err_set(err, "sandbox: seccomp_init failed");
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]) && rc == 0;
	     i++)
		if (denied[i] >= 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
					      denied[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return np_err_set(err,
				  "sandbox: cannot load the resolver's "
				  "filter: %s",
				  strerror(-rc));
	return 0;
}

#else /* !HAVE_SECCOMP */

bool np_sandbox_available(void)
{
	return false;
}

int np_sandbox_enter(struct np_err *err, const struct np_sandbox_needs *need)
{
	(void)err;
	(void)need;
	return 0;
}

int np_sandbox_enter_resolver(struct np_err *err)
{
	(void)err;
	return 0;
}

#endif
