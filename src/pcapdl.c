/* pcapdl.c - libpcap through dlopen(): see pcapdl.h */
#include "config.h"

#define NP_PCAPDL_NO_MACROS
#include "pcapdl.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct np_pcap_api np_pcap;

static const char *loaded;

/* The library under the names distributions give it: Debian's 0.8
 * (the same ABI as 1), then upstream's, then the development link. */
static const char *const sonames[] = {"libpcap.so.0.8", "libpcap.so.1",
				      "libpcap.so"};

#define NP_PCAP_SYM(name) {offsetof(struct np_pcap_api, name), "pcap_" #name},
static const struct {
	size_t off;
	const char *name;
} syms[] = {NP_PCAP_FUNCS(NP_PCAP_SYM)};
#undef NP_PCAP_SYM

int np_pcap_load(struct np_err *err)
{
	char why[256] = "not found";
	void *h = NULL;
	size_t i, n, which = 0;

	if (loaded != NULL)
		return 0;
	for (i = 0; h == NULL && i < sizeof(sonames) / sizeof(sonames[0]);
	     i++) {
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (h != NULL) {
			which = i;
		} else if (i == 0) {
			/* a copy: the next dlopen() frees dlerror()'s text */
			const char *e = dlerror();

			if (e != NULL)
				snprintf(why, sizeof(why), "%s", e);
		}
	}
	if (h == NULL)
		return np_err_set(err,
				  "capture needs libpcap, which cannot be "
				  "loaded: %s: %s (Debian: apt-get install "
				  "libpcap0.8)",
				  sonames[0], why);
	n = sizeof(syms) / sizeof(syms[0]);
	for (i = 0; i < n; i++) {
		void *f = dlsym(h, syms[i].name);

		if (f == NULL) {
			dlclose(h);
			return np_err_set(err,
					  "%s has no %s: too old a libpcap",
					  sonames[which], syms[i].name);
		}
		/* POSIX: a function pointer from dlsym() converts so */
		memcpy((char *)&np_pcap + syms[i].off, &f, sizeof(f));
	}
	loaded = sonames[which];
	return 0;
}

const char *np_pcap_soname(void)
{
	return loaded;
}
