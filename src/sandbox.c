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
#include <sys/ioctl.h>
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

int np_sandbox_enter(struct np_err *err, bool plugin)
{
	/* What the loop, the reports and the C library under them use. */
	static const int allowed[] = {
		/* sockets already open */
		SCMP_SYS(sendto),
		SCMP_SYS(sendmsg),
		SCMP_SYS(recvmsg),
		SCMP_SYS(recvmmsg),
		SCMP_SYS(recvfrom),
		SCMP_SYS(getsockopt),
		/* the route socket reconnected for the path MTU (no packet
		 * leaves: it is UDP) */
		SCMP_SYS(connect),
		/* waiting, time, randomness */
		SCMP_SYS(pselect6),
		SCMP_SYS(poll), /* libpcap reads its ring with poll() */
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
		/* output (stdio) and the metrics file opened at setup */
		SCMP_SYS(write),
		SCMP_SYS(writev),
		SCMP_SYS(read),
		SCMP_SYS(lseek),
		SCMP_SYS(fstat),
		SCMP_SYS(newfstatat),
		SCMP_SYS(fsync),
		SCMP_SYS(rename),
		SCMP_SYS(renameat),
		SCMP_SYS(renameat2),
		SCMP_SYS(unlink),
		SCMP_SYS(unlinkat),
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
	deny_plugin = plugin;
	deny_status = plugin ? 3 : 2; /* UNKNOWN, as any system error */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return np_err_errno(err, errno, "sandbox: sigaction(SIGSYS)");
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		return np_err_set(err, "sandbox: seccomp_init failed");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0;
	     i++)
		if (allowed[i] >= 0) /* __NR_ that this architecture lacks */
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i],
					      0);
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

#else /* !HAVE_SECCOMP */

bool np_sandbox_available(void)
{
	return false;
}

int np_sandbox_enter(struct np_err *err, bool plugin)
{
	(void)err;
	(void)plugin;
	return 0;
}

#endif
