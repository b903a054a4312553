/* pcapdl.h - libpcap, loaded when a capture option is used.
 *
 * Debian's libpcap pulls in libdbus, libsystemd, libgcrypt and four
 * compression libraries: linked in, they cost every run (a plain -c 1)
 * about 0.8 ms and 1.2 MiB.  So netprobe loads libpcap with dlopen() only
 * for --read, --inspect and --save, and calls it through this table. */
#ifndef NP_PCAPDL_H
#define NP_PCAPDL_H

#include <pcap/pcap.h>

#include "error.h"

/* The libpcap functions netprobe calls, without their pcap_ prefix: the
 * table below and pcapdl.c's symbol list are made from this one list. */
#define NP_PCAP_FUNCS(X)                                                       \
	X(activate)                                                            \
	X(close)                                                               \
	X(compile)                                                             \
	X(create)                                                              \
	X(datalink)                                                            \
	X(datalink_val_to_name)                                                \
	X(dump)                                                                \
	X(dump_close)                                                          \
	X(dump_flush)                                                          \
	X(dump_open)                                                           \
	X(freecode)                                                            \
	X(get_selectable_fd)                                                   \
	X(geterr)                                                              \
	X(lib_version)                                                         \
	X(next_ex)                                                             \
	X(open_offline_with_tstamp_precision)                                  \
	X(set_buffer_size)                                                     \
	X(set_datalink)                                                        \
	X(set_immediate_mode)                                                  \
	X(set_snaplen)                                                         \
	X(set_tstamp_precision)                                                \
	X(setfilter)                                                           \
	X(setnonblock)                                                         \
	X(stats)                                                               \
	X(statustostr)

/* Each a pointer of the function's own type, from pcap.h. */
#define NP_PCAP_FIELD(name) __typeof__(pcap_##name) *name;
struct np_pcap_api {
	NP_PCAP_FUNCS(NP_PCAP_FIELD)
};
#undef NP_PCAP_FIELD

extern struct np_pcap_api np_pcap;

/* Load libpcap (once) and fill np_pcap.  0, or -1 with err set. */
int np_pcap_load(struct np_err *err);
/* The loaded library's name, after np_pcap_load succeeded. */
const char *np_pcap_soname(void);

#ifndef NP_PCAPDL_NO_MACROS
/* capture.c calls libpcap by its own names, through the table (a macro
 * cannot define macros, so these are written out). */
#define pcap_activate np_pcap.activate
#define pcap_close np_pcap.close
#define pcap_compile np_pcap.compile
#define pcap_create np_pcap.create
#define pcap_datalink np_pcap.datalink
#define pcap_datalink_val_to_name np_pcap.datalink_val_to_name
#define pcap_dump np_pcap.dump
#define pcap_dump_close np_pcap.dump_close
#define pcap_dump_flush np_pcap.dump_flush
#define pcap_dump_open np_pcap.dump_open
#define pcap_freecode np_pcap.freecode
#define pcap_get_selectable_fd np_pcap.get_selectable_fd
#define pcap_geterr np_pcap.geterr
#define pcap_lib_version np_pcap.lib_version
#define pcap_next_ex np_pcap.next_ex
#define pcap_open_offline_with_tstamp_precision                                \
	np_pcap.open_offline_with_tstamp_precision
#define pcap_set_buffer_size np_pcap.set_buffer_size
#define pcap_set_datalink np_pcap.set_datalink
#define pcap_set_immediate_mode np_pcap.set_immediate_mode
#define pcap_set_snaplen np_pcap.set_snaplen
#define pcap_set_tstamp_precision np_pcap.set_tstamp_precision
#define pcap_setfilter np_pcap.setfilter
#define pcap_setnonblock np_pcap.setnonblock
#define pcap_stats np_pcap.stats
#define pcap_statustostr np_pcap.statustostr
#endif

#endif
