/* privs.c - the capability model (libcap) */
#include "config.h"

#include "privs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static int set_caps(bool permit_raw, bool effective_raw, struct np_err *err)
{
	cap_t caps = cap_init(); /* all sets empty */
	cap_value_t raw = CAP_NET_RAW;
	int rc = 0;

	if (caps == NULL)
		return np_err_errno(err, errno, "cap_init");
	if (permit_raw)
		cap_set_flag(caps, CAP_PERMITTED, 1, &raw, CAP_SET);
	if (effective_raw)
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &raw, CAP_SET);
	if (cap_set_proc(caps) != 0)
		rc = np_err_errno(err, errno,
				  "cannot set capabilities (cap_set_proc)");
	cap_free(caps);
	return rc;
}

static bool cap_in(cap_t caps, cap_flag_t set, cap_value_t v)
{
	cap_flag_value_t fv = CAP_CLEAR;

	cap_get_flag(caps, v, set, &fv);
	return fv == CAP_SET;
}

int np_privs_init(struct np_privs *p, struct np_err *err)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	cap_t caps;

	memset(p, 0, sizeof(*p));
	getresuid(&ruid, &euid, &suid);
	getresgid(&rgid, &egid, &sgid);
	/* Never setuid: a setuid install is a packaging mistake, and running
	 * with a borrowed uid would give file access we must not have. */
	if (ruid != euid || ruid != suid || rgid != egid || rgid != sgid)
		return np_err_set(err, "refusing to run setuid or setgid; "
				       "install with 'setcap cap_net_raw+p' "
				       "instead (chmod u-s,g-s the binary)");
	p->is_root = ruid == 0;
	caps = cap_get_proc();
	if (caps == NULL)
		return np_err_errno(err, errno,
				    "cannot read capabilities (cap_get_proc)");
	p->have_net_raw = cap_in(caps, CAP_PERMITTED, CAP_NET_RAW);
	cap_free(caps);
	/* Ambient capabilities would survive an exec: none. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL)
		return np_err_errno(err, errno,
				    "cannot clear ambient capabilities");
	return set_caps(p->have_net_raw, false, err);
}

int np_privs_raise(struct np_privs *p)
{
	if (!p->have_net_raw || p->dropped)
		return -1;
	if (set_caps(true, true, NULL) != 0)
		return -1;
	p->raised = true;
	return 0;
}

int np_privs_lower(struct np_privs *p, struct np_err *err)
{
	if (!p->raised)
		return 0;
	if (set_caps(true, false, err) != 0)
		return -1;
	p->raised = false;
	return 0;
}

int np_privs_read_proc(unsigned long long *capprm, unsigned long long *capeff)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "CapPrm: %llx", capprm) == 1)
			found |= 1;
		else if (sscanf(line, "CapEff: %llx", capeff) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

int np_privs_drop_all(struct np_privs *p, struct np_err *err)
{
	cap_t now, empty;
	unsigned long long prm = ~0ULL, eff = ~0ULL;
	int same;

	if (set_caps(false, false, err) != 0)
		return -1;
	p->raised = false;
	/* Verify, from a fresh read, that nothing is left. */
	now = cap_get_proc();
	empty = cap_init();
	if (now == NULL || empty == NULL) {
		cap_free(now);
		cap_free(empty);
		return np_err_errno(err, errno,
				    "cannot verify the capability drop");
	}
	same = cap_compare(now, empty) == 0;
	cap_free(now);
	cap_free(empty);
	if (!same)
		return np_err_set(err, "capabilities are still held after "
				       "dropping them; refusing to go on");
	/* And as the kernel reports it (what an operator checks). */
	if (np_privs_read_proc(&prm, &eff) == 0 && (prm != 0 || eff != 0))
		return np_err_set(
			err,
			"/proc/self/status still shows CapPrm=%llx CapEff=%llx "
			"after the drop; refusing to go on",
			prm, eff);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return np_err_errno(err, errno,
				    "cannot set PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return np_err_set(
			err,
			"PR_SET_NO_NEW_PRIVS did not stick; refusing to go on");
	p->no_new_privs = true;
	p->dropped = true;
	return 0;
}
