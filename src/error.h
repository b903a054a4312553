/* error.h - error messages carried from the library up to main.c */
#ifndef NP_ERROR_H
#define NP_ERROR_H

#include <stddef.h>

/* Library functions return -1 and fill one of these; only main.c prints it
 * (prefixed with "netprobe: ") and decides the exit code. */
struct np_err {
	char msg[1024];
};

/* printf-style; always returns -1 so callers can `return np_err_set(...)`. */
int np_err_set(struct np_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like np_err_set, appending ": strerror(errnum)". */
int np_err_errno(struct np_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
