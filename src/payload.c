/* payload.c - the authentication bytes every probe carries: a keyed MAC
 * over the probe's identity, the send stamp and the fill. */
#include "config.h"

#include "payload.h"

#include <string.h>
#include <sys/random.h>

#include "bytes.h"
#include "icmp.h"

int np_payload_new_key(struct np_payload_spec *spec)
{
	uint8_t k[NP_SIPHASH_KEY_LEN];

	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
		return -1;
	np_siphash_key_set(&spec->key, k);
	return 0;
}

uint64_t np_payload_mac(const struct np_payload_spec *spec,
			const struct np_probe_ident *id)
{
	uint8_t m[12];

	np_wr_be16(m, id->flow);
	np_wr_be16(m + 2, id->seq);
	np_wr_be64(m + 4, id->stamp);
	return np_siphash24(&spec->key, m, sizeof(m));
}

uint8_t np_payload_byte(const struct np_payload_spec *spec, uint64_t mac,
			uint64_t stamp, size_t i)
{
	if (i < NP_PAYLOAD_STAMP_OFF)
		return (uint8_t)(mac >> (8 * (7 - i)));
	if (i < NP_PAYLOAD_FILL_OFF)
		return (uint8_t)(stamp >> (8 * (15 - i)));
	if (spec->pattern_len > 0)
		return spec->pattern[(i - NP_PAYLOAD_FILL_OFF) %
				     spec->pattern_len];
	return (uint8_t)i;
}

/* Payload bytes [from, to) of the fill (from >= NP_PAYLOAD_FILL_OFF) into
 * dst: np_payload_byte's values, without a division or a call per byte. */
static void fill_bytes(const struct np_payload_spec *spec, uint8_t *dst,
		       size_t from, size_t to)
{
	size_t plen = spec->pattern_len, k;

	if (plen == 0) {
		for (size_t i = from; i < to; i++)
			dst[i - from] = (uint8_t)i;
		return;
	}
	k = (from - NP_PAYLOAD_FILL_OFF) % plen;
	for (size_t i = from; i < to; i++) {
		dst[i - from] = spec->pattern[k];
		if (++k == plen)
			k = 0;
	}
}

/* Does the fill of payload (bytes NP_PAYLOAD_FILL_OFF..len) hold what
 * fill_bytes writes? */
static bool fill_ok(const struct np_payload_spec *spec, const uint8_t *payload,
		    size_t len)
{
	uint8_t want[256];
	unsigned diff = 0;

	if (spec->fill != NULL && len == spec->size)
		return memcmp(payload + NP_PAYLOAD_FILL_OFF, spec->fill,
			      len - NP_PAYLOAD_FILL_OFF) == 0;
	for (size_t i = NP_PAYLOAD_FILL_OFF; i < len; i += sizeof(want)) {
		size_t n = len - i < sizeof(want) ? len - i : sizeof(want);

		fill_bytes(spec, want, i, i + n);
		for (size_t j = 0; j < n; j++)
			diff |= (unsigned)(payload[i + j] ^ want[j]);
		if (diff != 0)
			return false;
	}
	return true;
}

uint32_t np_payload_prepare(uint8_t *payload,
			    const struct np_payload_spec *spec)
{
	if (spec->size <= NP_PAYLOAD_FILL_OFF)
		return 0;
	fill_bytes(spec, payload + NP_PAYLOAD_FILL_OFF, NP_PAYLOAD_FILL_OFF,
		   spec->size);
	/* (the fill's offset is even: this sum adds to the one of the bytes
	 * before) */
	return np_csum_add(0, payload + NP_PAYLOAD_FILL_OFF,
			   spec->size - NP_PAYLOAD_FILL_OFF);
}

size_t np_payload_finish(uint8_t *payload, const struct np_payload_spec *spec,
			 const struct np_probe_ident *id)
{
	size_t head = spec->size < NP_PAYLOAD_FILL_OFF ? spec->size
						       : NP_PAYLOAD_FILL_OFF;
	uint64_t mac;

	if (head == 0)
		return 0;
	mac = np_payload_mac(spec, id);
	if (head == NP_PAYLOAD_FILL_OFF) { /* the usual case: two words */
		np_wr_be64(payload + NP_PAYLOAD_MAC_OFF, mac);
		np_wr_be64(payload + NP_PAYLOAD_STAMP_OFF, id->stamp);
	} else {
		for (size_t i = 0; i < head; i++)
			payload[i] = np_payload_byte(spec, mac, id->stamp, i);
	}
	return head;
}

uint64_t np_payload_next_stamp(int64_t sent_mono, int64_t off, uint64_t *last)
{
	uint64_t stamp = (uint64_t)(sent_mono + off);

	if (stamp <= *last)
		stamp = *last + 1;
	*last = stamp;
	return stamp;
}

bool np_payload_stamp(const uint8_t *payload, size_t len, uint64_t *stamp)
{
	struct np_rd r = np_rd_init(payload, len);
	uint32_t hi, lo;

	if (!np_rd_skip(&r, NP_PAYLOAD_STAMP_OFF) || !np_rd_be32(&r, &hi) ||
	    !np_rd_be32(&r, &lo))
		return false;
	*stamp = ((uint64_t)hi << 32) | lo;
	return true;
}

/* The MAC bytes present in payload[0..len) (no more than spec->size
 * carries) equal those of `mac`; with `whole`, all of them must be
 * there. */
static bool mac_bytes_match(const struct np_payload_spec *spec, uint64_t mac,
			    const uint8_t *payload, size_t len, bool whole)
{
	size_t carried = spec->size < NP_PAYLOAD_STAMP_OFF
				 ? spec->size
				 : NP_PAYLOAD_STAMP_OFF;
	size_t n = len < carried ? len : carried;

	if (whole && n < carried)
		return false;
	if (n == NP_PAYLOAD_STAMP_OFF) /* the whole MAC: one word */
		return np_be64(payload + NP_PAYLOAD_MAC_OFF) == mac;
	for (size_t i = 0; i < n; i++)
		if (payload[i] != (uint8_t)(mac >> (8 * (7 - i))))
			return false;
	return true;
}

bool np_payload_mac_matches(const struct np_payload_spec *spec,
			    const struct np_probe_ident *id,
			    const uint8_t *payload, size_t len)
{
	if (len == 0 || spec->size == 0)
		return true; /* nothing to check: the caller decides */
	return mac_bytes_match(spec, np_payload_mac(spec, id), payload, len,
			       false);
}

bool np_payload_has_mac(const struct np_payload_spec *spec, uint16_t flow,
			uint16_t seq, const uint64_t *stamp,
			const uint8_t *payload, size_t len)
{
	struct np_probe_ident id = {flow, seq, 0};

	if (spec->size == 0)
		return true; /* -s 0: nothing to carry it */
	if (stamp != NULL)
		id.stamp = *stamp;
	else if (!np_payload_stamp(payload, len, &id.stamp))
		return false; /* no stamp to check the MAC over */
	return mac_bytes_match(spec, np_payload_mac(spec, &id), payload, len,
			       true);
}

enum np_payload_result np_payload_check(const struct np_payload_spec *spec,
					const struct np_probe_ident *id,
					const uint8_t *payload, size_t len,
					struct np_payload_mismatch *mm)
{
	uint64_t mac = np_payload_mac(spec, id);
	size_t i;

	memset(mm, 0, sizeof(*mm));
	mm->got_len = len;
	/* Ours when the MAC is right for the probe's stamp, or for the stamp
	 * the payload holds (an earlier probe with the same sequence, or the
	 * stamp altered on the way: told apart below). */
	if (!mac_bytes_match(spec, mac, payload, len, true) &&
	    !np_payload_has_mac(spec, id->flow, id->seq, NULL, payload, len))
		return NP_PAYLOAD_COOKIE;
	/* A sender of ours always has the whole MAC; a payload shorter than
	 * the MAC we sent cannot be verified as ours. */
	if (len != spec->size)
		return NP_PAYLOAD_LENGTH;
	/* The usual case, a whole reply, checked in blocks; the byte that
	 * differs is looked for only when one does. */
	if (len >= NP_PAYLOAD_FILL_OFF)
		i = np_be64(payload + NP_PAYLOAD_STAMP_OFF) == id->stamp &&
				    np_be64(payload) == mac
			    ? NP_PAYLOAD_FILL_OFF
			    : 0;
	else
		for (i = 0; i < len; i++)
			if (payload[i] !=
			    np_payload_byte(spec, mac, id->stamp, i))
				break;
	if (i >= len ||
	    (i == NP_PAYLOAD_FILL_OFF && fill_ok(spec, payload, len)))
		return NP_PAYLOAD_OK;
	for (i = 0; i < len; i++) {
		uint8_t want = np_payload_byte(spec, mac, id->stamp, i);

		if (payload[i] != want) {
			mm->index = i;
			mm->expected = want;
			mm->got = payload[i];
			return i < NP_PAYLOAD_FILL_OFF ? NP_PAYLOAD_STAMP
						       : NP_PAYLOAD_DATA;
		}
	}
	return NP_PAYLOAD_OK;
}
