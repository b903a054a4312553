/* bytes.h - the one bounds-checked reader for untrusted bytes.
 *
 * Everything received from the network or read from a file is walked with a
 * struct np_rd.  Every read checks the remaining length first; a failed read
 * leaves the reader unchanged and returns false.  Nothing here ever casts the
 * buffer to a header struct.
 */
#ifndef NP_BYTES_H
#define NP_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct np_rd {
	const uint8_t *p; /* start of the window */
	size_t len;	  /* bytes in the window */
	size_t off;	  /* read position, always <= len */
};

static inline struct np_rd np_rd_init(const void *p, size_t len)
{
	struct np_rd r = {(const uint8_t *)p, len, 0};

	if (p == NULL)
		r.len = 0;
	return r;
}

static inline size_t np_rd_left(const struct np_rd *r)
{
	return r->len - r->off;
}

static inline const uint8_t *np_rd_ptr(const struct np_rd *r)
{
	return r->p + r->off;
}

static inline bool np_rd_skip(struct np_rd *r, size_t n)
{
	if (n > np_rd_left(r))
		return false;
	r->off += n;
	return true;
}

static inline bool np_rd_u8(struct np_rd *r, uint8_t *v)
{
	if (np_rd_left(r) < 1)
		return false;
	*v = r->p[r->off];
	r->off += 1;
	return true;
}

/* Network byte order. */
static inline bool np_rd_be16(struct np_rd *r, uint16_t *v)
{
	if (np_rd_left(r) < 2)
		return false;
	*v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
	r->off += 2;
	return true;
}

static inline bool np_rd_be32(struct np_rd *r, uint32_t *v)
{
	if (np_rd_left(r) < 4)
		return false;
	*v = ((uint32_t)r->p[r->off] << 24) |
	     ((uint32_t)r->p[r->off + 1] << 16) |
	     ((uint32_t)r->p[r->off + 2] << 8) | (uint32_t)r->p[r->off + 3];
	r->off += 4;
	return true;
}

static inline bool np_rd_bytes(struct np_rd *r, void *dst, size_t n)
{
	if (n > np_rd_left(r))
		return false;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return true;
}

/* Split off the next n bytes as a reader of their own. */
static inline bool np_rd_sub(struct np_rd *r, size_t n, struct np_rd *sub)
{
	if (n > np_rd_left(r))
		return false;
	*sub = np_rd_init(r->p + r->off, n);
	r->off += n;
	return true;
}

static inline void np_wr_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* 8 bytes at p, big endian (the caller knows they are there): one load
 * and a byte swap, not eight shifts. */
static inline uint64_t np_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void np_wr_be64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

#endif
