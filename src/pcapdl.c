/* pcapdl.c - libpcap through dlopen(): see pcapdl.h */
#include "config.h"

#define NP_PCAPDL_NO_MACROS
#include "pcapdl.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

struct np_pcap_api np_pcap;

static const char *loaded;

/* The library under the names distributions give it: Debian's 0.8
 * (the same ABI as 1), then upstream's, then the development link. */
static const char *const sonames[] = {"libpcap.so.0.8", "libpcap.so.1",
				      "libpcap.so"};

#define SYM(field, name)                                                       \
	{                                                                      \
		offsetof(struct np_pcap_api, field), name                      \
	}
static const struct {
	size_t off;
	const char *name;
} syms[] = {
	SYM(activate, "pcap_activate"),
	SYM(close, "pcap_close"),
	SYM(compile, "pcap_compile"),
	SYM(create, "pcap_create"),
	SYM(datalink, "pcap_datalink"),
	SYM(datalink_val_to_name, "pcap_datalink_val_to_name"),
	SYM(dump, "pcap_dump"),
	SYM(dump_close, "pcap_dump_close"),
	SYM(dump_flush, "pcap_dump_flush"),
	SYM(dump_open, "pcap_dump_open"),
	SYM(freecode, "pcap_freecode"),
	SYM(get_selectable_fd, "pcap_get_selectable_fd"),
	SYM(geterr, "pcap_geterr"),
	SYM(lib_version, "pcap_lib_version"),
	SYM(next_ex, "pcap_next_ex"),
	SYM(open_offline_with_tstamp_precision,
	    "pcap_open_offline_with_tstamp_precision"),
	SYM(set_buffer_size, "pcap_set_buffer_size"),
	SYM(set_immediate_mode, "pcap_set_immediate_mode"),
	SYM(set_snaplen, "pcap_set_snaplen"),
	SYM(set_tstamp_precision, "pcap_set_tstamp_precision"),
	SYM(setfilter, "pcap_setfilter"),
	SYM(setnonblock, "pcap_setnonblock"),
	SYM(stats, "pcap_stats"),
	SYM(statustostr, "pcap_statustostr"),
};

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
		*(void **)((char *)&np_pcap + syms[i].off) = f;
	}
	loaded = sonames[which];
	return 0;
}

const char *np_pcap_soname(void)
{
	return loaded;
}
