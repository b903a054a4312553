/* privs.h - the capability model: setuid-free, CAP_NET_RAW only, effective
 * only around the calls that need it, everything dropped before the first
 * packet leaves. */
#ifndef NP_PRIVS_H
#define NP_PRIVS_H

#include <stdbool.h>

#include "error.h"

struct np_privs {
	bool is_root;	   /* real uid 0 */
	bool have_net_raw; /* CAP_NET_RAW was in the permitted set at start */
	bool raised;	   /* CAP_NET_RAW is in the effective set now */
	bool dropped;	   /* every capability is gone, and verified */
	bool no_new_privs; /* PR_SET_NO_NEW_PRIVS is set */
};

/* First thing main() does.  Refuses a setuid or setgid binary.  Reduces the
 * permitted set to CAP_NET_RAW (if it was there), empties the effective and
 * inheritable sets and the ambient set. */
int np_privs_init(struct np_privs *p, struct np_err *err);

/* Put CAP_NET_RAW into / take it out of the effective set.  raise() returns
 * -1 without a message when the capability is not permitted (callers then
 * try the unprivileged path); lower() never fails silently. */
int np_privs_raise(struct np_privs *p);
int np_privs_lower(struct np_privs *p, struct np_err *err);

/* Clear every set, verify with a fresh read that nothing is left (also
 * from /proc/self/status), and set PR_SET_NO_NEW_PRIVS. */
int np_privs_drop_all(struct np_privs *p, struct np_err *err);

/* For -v: the CapPrm/CapEff masks as the kernel reports them. */
int np_privs_read_proc(unsigned long long *capprm, unsigned long long *capeff);

#endif
