"""Run one command and measure it; used by bench/sweep and bench/suite.

Runs inside the namespace (ip netns exec NS python3 -I measure.py ...).
argv: STDOUT-FILE STDERR-FILE LIMIT CMD...
Prints one line:
    WALL_S PEAK_RSS_KB EXIT TIMED_OUT USER_S SYS_S
WALL_S from the moment the tool is let go to the moment it is reaped
(CLOCK_MONOTONIC); PEAK_RSS_KB, USER_S and SYS_S are the tool's own
ru_maxrss, ru_utime and ru_stime (wait4 of the tool's pid); EXIT is its exit
status (128+N for signal N); TIMED_OUT is 1 when it was killed after LIMIT
seconds.

The tool is not forked from python: ru_maxrss keeps the RSS a process had
before its exec, which for a fork of python is ~7 MB or more.  Instead python
starts sh, which forks a subshell (as small as sh) into the background,
writes its pid to us and exits.  The helper is a child subreaper, so the
subshell becomes our child.  The subshell waits on a pipe; once it is our
child, we read the clock and tell it to go, and it execs the tool in place.
So the wall time holds neither python's fork nor sh's start-up (only the
subshell's wake-up and the exec), and the tool cannot end, and be reaped by
sh, before it is ours.
"""
import ctypes
import os
import signal
import sys
import time

out, err, limit, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
r, w = os.pipe()            # the subshell's pid, from sh to us
go_r, go_w = os.pipe()      # "go", from us to the subshell
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
sh = os.fork()
if sh == 0:
    os.dup2(os.open(out, flags, 0o644), 1)
    os.dup2(os.open(err, flags, 0o644), 2)
    os.dup2(w, 3)
    os.dup2(go_r, 4)
    os.execv("/bin/sh", ["sh", "-c",
                         '{ read -r _ <&4 && exec "$@" 4<&-; exit 127; } 3>&- & echo $! >&3',
                         "sh"] + cmd)
os.close(w)
os.close(go_r)
pid = int(os.fdopen(r).read())
os.waitpid(sh, 0)  # from now on the subshell is our child
t0 = time.monotonic()
os.write(go_w, b"go\n")
os.close(go_w)
timed_out = []


def expire(*_):
    timed_out.append(1)
    os.kill(pid, signal.SIGKILL)


signal.signal(signal.SIGALRM, expire)
signal.setitimer(signal.ITIMER_REAL, limit)
_, status, ru = os.wait4(pid, 0)  # retried on EINTR (PEP 475)
wall = time.monotonic() - t0
signal.setitimer(signal.ITIMER_REAL, 0)
code = os.waitstatus_to_exitcode(status)
if code < 0:
    code = 128 - code  # killed by signal -code
print(f"{wall:.6f} {ru.ru_maxrss} {code} {len(timed_out)} {ru.ru_utime:.6f} {ru.ru_stime:.6f}")
