/* sandbox.c - a seccomp filter (libseccomp) for the probe loop.  After
 * setup netprobe needs to send and receive on sockets it already holds,
 * wait, read the clock, allocate memory and write its output: nothing
 * else.  A call outside the list (a new socket, exec, open) is not failed
 * silently but kills the process with a message that names it. */
#include "config.h"

#include "sandbox.h"

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

/* SIGSYS: only async-signal-safe calls (write, _exit).  si_syscall is the
 * number of the refused call. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char head[] = "netprobe: sandbox: system call ";
	static const char tail[] = " is not allowed after setup (a bug in "
				   "netprobe: please report it; --no-sandbox "
				   "runs without the filter)\n";
	char num[16];
	int n = si->si_syscall, i = (int)sizeof(num);

	(void)sig;
	(void)uc;
	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	(void)!write(STDERR_FILENO, head, sizeof(head) - 1);
	(void)!write(STDERR_FILENO, num + i, sizeof(num) - (size_t)i);
	(void)!write(STDERR_FILENO, tail, sizeof(tail) - 1);
	_exit(2);
}

int np_sandbox_enter(struct np_err *err)
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

int np_sandbox_enter(struct np_err *err)
{
	(void)err;
	return 0;
}

#endif
