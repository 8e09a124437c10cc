/* The DELTA encodings. DELTA_BINARY_PACKED stores a first value and then
 * blocks of deltas: each block has a minimum delta and miniblocks of
 * bit-packed (delta - min) at one bit width per miniblock. The length
 * encodings put such a stream of lengths before the bytes; DELTA_BYTE_ARRAY
 * adds a stream of prefix lengths shared with the previous value. Sums
 * wrap in 64 bits as the spec asks (INT32 columns keep the low 32). */
#include <string.h>

#include "column.h"

enum { MAX_BLOCK = 1 << 16 };

static int fail(const char **why, const char *msg)
{
    *why = msg;
    return -1;
}

static int uvarint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t c = *p++;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            *pp = p;
            return 0;
        }
    }
    return -1;
}

/* bw bits at bit offset off of p, least significant first; the caller
 * has checked that the bytes exist. */
static uint64_t get_bits(const uint8_t *p, uint64_t off, int bw)
{
    if (bw == 0)
        return 0;
    const uint8_t *q = p + off / 8;
    int sh = (int)(off % 8);
    uint64_t v = (uint64_t)(*q++) >> sh;
    int got = 8 - sh;
    while (got < bw) {
        v |= (uint64_t)(*q++) << got;
        got += 8;
    }
    return bw == 64 ? v : v & (((uint64_t)1 << bw) - 1);
}

/* Decodes exactly n values; *used is the stream's length in bytes. */
static int delta_ints(const uint8_t *p, size_t len, int64_t *out, size_t n, size_t *used, const char **why)
{
    const uint8_t *start = p, *end = p + len;
    uint64_t block, nmb, total, zfirst;
    if (uvarint(&p, end, &block) || uvarint(&p, end, &nmb) || uvarint(&p, end, &total) ||
        uvarint(&p, end, &zfirst))
        return fail(why, "truncated DELTA_BINARY_PACKED header");
    if (block == 0 || block % 128 || block > MAX_BLOCK || nmb == 0 || block % nmb || (block / nmb) % 32)
        return fail(why, "bad DELTA_BINARY_PACKED block layout");
    if (total != n)
        return fail(why, "DELTA_BINARY_PACKED value count differs from the page's");
    uint64_t per_mb = block / nmb;
    uint64_t cur = (zfirst >> 1) ^ -(zfirst & 1);
    size_t got = 0;
    if (n)
        out[got++] = (int64_t)cur;
    while (got < n) {
        uint64_t zmin;
        if (uvarint(&p, end, &zmin))
            return fail(why, "truncated DELTA_BINARY_PACKED block");
        uint64_t min = (zmin >> 1) ^ -(zmin & 1);
        if ((uint64_t)(end - p) < nmb)
            return fail(why, "truncated DELTA_BINARY_PACKED bit widths");
        const uint8_t *widths = p;
        p += nmb;
        for (uint64_t m = 0; m < nmb && got < n; m++) {
            int bw = widths[m];
            if (bw > 64)
                return fail(why, "DELTA_BINARY_PACKED bit width over 64");
            uint64_t bytes = per_mb * (uint64_t)bw / 8;
            if ((uint64_t)(end - p) < bytes)
                return fail(why, "truncated DELTA_BINARY_PACKED miniblock");
            for (uint64_t k = 0; k < per_mb && got < n; k++) {
                cur += min + get_bits(p, k * (uint64_t)bw, bw);
                out[got++] = (int64_t)cur;
            }
            p += bytes;
        }
    }
    *used = (size_t)(p - start);
    return 0;
}

static int64_t *scratch_ints(pq_scratch *s, size_t n)
{
    return (int64_t *)pq_scratch_alloc(s, n ? n * sizeof(int64_t) : 1);
}

/* Lengths then the bytes back to back: slices into p. */
static int lengths_and_bytes(const uint8_t *p, size_t len, pq_val *out, size_t n, pq_scratch *s, size_t *used,
                             const char **why)
{
    int64_t *lens = scratch_ints(s, n);
    if (!lens)
        return fail(why, "row group larger than the memory cap");
    size_t hdr;
    if (delta_ints(p, len, lens, n, &hdr, why))
        return -1;
    const uint8_t *q = p + hdr, *end = p + len;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] < 0 || (uint64_t)lens[i] > (uint64_t)(end - q))
            return fail(why, "byte array lengths run past the page");
        out[i].u.s.p = q;
        out[i].u.s.n = (uint32_t)lens[i];
        q += lens[i];
    }
    *used = (size_t)(q - p);
    return 0;
}

static int delta_strings(const uint8_t *p, size_t len, pq_val *out, size_t n, pq_scratch *s, const char **why)
{
    int64_t *pre = scratch_ints(s, n);
    if (!pre)
        return fail(why, "row group larger than the memory cap");
    size_t used, used2;
    if (delta_ints(p, len, pre, n, &used, why) || lengths_and_bytes(p + used, len - used, out, n, s, &used2, why))
        return -1;
    const uint8_t *prev = NULL;
    uint32_t prevn = 0;
    for (size_t i = 0; i < n; i++) {
        if (pre[i] < 0 || (uint64_t)pre[i] > prevn)
            return fail(why, "DELTA_BYTE_ARRAY prefix longer than the previous value");
        if (pre[i] > 0) {
            uint64_t total = (uint64_t)pre[i] + out[i].u.s.n;
            if (total > UINT32_MAX)
                return fail(why, "DELTA_BYTE_ARRAY value longer than 4 GiB");
            uint8_t *v = pq_scratch_alloc(s, (size_t)total);
            if (!v)
                return fail(why, "row group larger than the memory cap");
            memcpy(v, prev, (size_t)pre[i]);
            memcpy(v + pre[i], out[i].u.s.p, out[i].u.s.n);
            out[i].u.s.p = v;
            out[i].u.s.n = (uint32_t)total;
        }
        prev = out[i].u.s.p;
        prevn = out[i].u.s.n;
    }
    return 0;
}

int pq_decode_delta(int enc, int type, const uint8_t *p, size_t len, pq_val *out, size_t n, pq_scratch *s,
                    const char **why)
{
    size_t used;
    if (enc == PQ_DELTA_BINARY_PACKED) {
        if (type != PQ_INT32 && type != PQ_INT64)
            return fail(why, "DELTA_BINARY_PACKED for a non-integer column");
        int64_t *v = scratch_ints(s, n);
        if (!v)
            return fail(why, "row group larger than the memory cap");
        if (delta_ints(p, len, v, n, &used, why))
            return -1;
        for (size_t i = 0; i < n; i++) {
            if (type == PQ_INT32)
                out[i].u.i32 = (int32_t)(uint32_t)(uint64_t)v[i];
            else
                out[i].u.i64 = v[i];
        }
        return 0;
    }
    if (type != PQ_BYTE_ARRAY && type != PQ_FLBA)
        return fail(why, "DELTA byte-array encoding for a non-byte-array column");
    if (enc == PQ_DELTA_LENGTH_BYTE_ARRAY)
        return lengths_and_bytes(p, len, out, n, s, &used, why);
    return delta_strings(p, len, out, n, s, why);
}
