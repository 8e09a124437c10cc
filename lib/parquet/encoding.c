/* Value encodings: PLAIN, dictionary indices, RLE booleans and
 * BYTE_STREAM_SPLIT here; the DELTA family in delta.c. Every count is
 * checked against the bytes present before anything is read. Multi-byte
 * values are assembled byte by byte, so the reader is endian-neutral. */
#include <string.h>

#include "column.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

int pq_bit_width(uint32_t max)
{
    int w = 0;
    while (max) {
        w++;
        max >>= 1;
    }
    return w;
}

void pq_rle_init(pq_rle *r, const uint8_t *p, size_t n, int bw)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->end = p + n;
    r->bw = bw;
}

/* Starts the next run; -1 when the data ends or is malformed. */
static int next_run(pq_rle *r)
{
    uint64_t h = 0;
    for (int shift = 0;; shift += 7) {
        if (r->p >= r->end || shift > 35)
            return -1;
        uint8_t c = *r->p++;
        h |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            break;
    }
    if (h & 1) {
        /* Bit-packed groups of 8; a final group cut short by the end of
         * the data still yields the values that are present. */
        uint64_t values = (h >> 1) * 8;
        size_t avail = (size_t)(r->end - r->p);
        if (r->bw && values * (uint64_t)r->bw > (uint64_t)avail * 8)
            values = (uint64_t)avail * 8 / (uint64_t)r->bw;
        r->bp_left = values > UINT32_MAX ? UINT32_MAX : (uint32_t)values;
        r->bp_end = (h >> 1) * (uint64_t)r->bw < avail ? r->p + (h >> 1) * (uint64_t)r->bw : r->end;
        r->bits = 0;
        r->nbits = 0;
        return r->bp_left || h >> 1 == 0 ? 0 : -1;
    }
    int nbytes = (r->bw + 7) / 8;
    if ((size_t)(r->end - r->p) < (size_t)nbytes)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < nbytes; i++)
        v |= (uint32_t)r->p[i] << (8 * i);
    r->p += nbytes;
    r->rle_val = v;
    r->rle_left = h >> 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(h >> 1);
    return 0;
}

int pq_rle_get(pq_rle *r, uint32_t *out, size_t n)
{
    const uint64_t mask = r->bw >= 32 ? 0xffffffffu : ((uint64_t)1 << r->bw) - 1;
    size_t i = 0;
    while (i < n) {
        if (r->rle_left) {
            size_t k = n - i < r->rle_left ? n - i : r->rle_left;
            for (size_t j = 0; j < k; j++)
                out[i + j] = r->rle_val;
            i += k;
            r->rle_left -= (uint32_t)k;
        } else if (r->bp_left) {
            while (i < n && r->bp_left) {
                while (r->nbits < r->bw) {
                    r->bits |= (uint64_t)*r->p++ << r->nbits;
                    r->nbits += 8;
                }
                out[i++] = (uint32_t)(r->bits & mask);
                r->bits >>= r->bw;
                r->nbits -= r->bw;
                r->bp_left--;
            }
            if (!r->bp_left) { /* runs end on a byte boundary */
                r->p = r->bp_end;
                r->bits = 0;
                r->nbits = 0;
            }
        } else if (next_run(r)) {
            return -1;
        }
    }
    return 0;
}

static int fail(const char **why, const char *msg)
{
    *why = msg;
    return -1;
}

static int plain(int type, int32_t type_len, const uint8_t *p, size_t len, pq_val *out, size_t n,
                 const char **why)
{
    static const uint8_t width[] = {0, 4, 8, 12, 4, 8, 0, 0};
    if (type == PQ_BOOLEAN) {
        if ((n + 7) / 8 > len)
            return fail(why, "PLAIN booleans run past the page");
        for (size_t i = 0; i < n; i++)
            out[i].u.b = (p[i / 8] >> (i % 8)) & 1;
        return 0;
    }
    if (type == PQ_BYTE_ARRAY) {
        const uint8_t *end = p + len;
        for (size_t i = 0; i < n; i++) {
            if (end - p < 4)
                return fail(why, "PLAIN byte array runs past the page");
            uint32_t l = rd32(p);
            p += 4;
            if (l > (size_t)(end - p))
                return fail(why, "PLAIN byte array runs past the page");
            out[i].u.s.p = p;
            out[i].u.s.n = l;
            p += l;
        }
        return 0;
    }
    size_t w = type == PQ_FLBA ? (size_t)type_len : width[type];
    if (w == 0 || n > len / w)
        return fail(why, "PLAIN values run past the page");
    for (size_t i = 0; i < n; i++, p += w) {
        switch (type) {
        case PQ_INT32:
        case PQ_FLOAT: {
            uint32_t v = rd32(p);
            memcpy(&out[i].u.i32, &v, 4);
            break;
        }
        case PQ_INT64:
        case PQ_DOUBLE: {
            uint64_t v = rd64(p);
            memcpy(&out[i].u.i64, &v, 8);
            break;
        }
        case PQ_INT96:
            memcpy(out[i].u.raw, p, 12);
            break;
        default:
            out[i].u.s.p = p;
            out[i].u.s.n = (uint32_t)w;
        }
    }
    return 0;
}

static int dict_indices(const uint8_t *p, size_t len, pq_val *out, size_t n, const pq_val *dict, size_t ndict,
                        const char **why)
{
    if (!dict)
        return fail(why, "dictionary-encoded page without a dictionary page");
    if (len < 1 || p[0] > 32)
        return fail(why, "bad bit width for dictionary indices");
    pq_rle r;
    pq_rle_init(&r, p + 1, len - 1, p[0]);
    uint32_t idx[512];
    for (size_t i = 0; i < n;) {
        size_t k = n - i < 512 ? n - i : 512;
        if (pq_rle_get(&r, idx, k))
            return fail(why, "dictionary indices run past the page");
        for (size_t j = 0; j < k; j++) {
            if (idx[j] >= ndict)
                return fail(why, "dictionary index out of range");
            out[i + j] = dict[idx[j]];
        }
        i += k;
    }
    return 0;
}

static int rle_bools(const uint8_t *p, size_t len, pq_val *out, size_t n, const char **why)
{
    if (len < 4 || rd32(p) > len - 4)
        return fail(why, "RLE booleans run past the page");
    pq_rle r;
    pq_rle_init(&r, p + 4, rd32(p), 1);
    uint32_t v[512];
    for (size_t i = 0; i < n;) {
        size_t k = n - i < 512 ? n - i : 512;
        if (pq_rle_get(&r, v, k))
            return fail(why, "RLE booleans run past the page");
        for (size_t j = 0; j < k; j++)
            out[i + j].u.b = v[j] != 0;
        i += k;
    }
    return 0;
}

/* Byte j of value i is at p[j * stride + i]: streams of first bytes,
 * second bytes, and so on, which compress better for floats. */
static int byte_stream_split(int type, int32_t type_len, const uint8_t *p, size_t len, pq_val *out, size_t n,
                             const char **why)
{
    size_t w = type == PQ_FLOAT || type == PQ_INT32 ? 4
               : type == PQ_DOUBLE || type == PQ_INT64 ? 8
               : type == PQ_FLBA ? (size_t)type_len : 0;
    if (w == 0)
        return fail(why, "BYTE_STREAM_SPLIT for a type it does not apply to");
    size_t stride = len / w;
    if (n > stride)
        return fail(why, "BYTE_STREAM_SPLIT values run past the page");
    if (type == PQ_FLBA)
        return fail(why, "BYTE_STREAM_SPLIT for FIXED_LEN_BYTE_ARRAY is not supported");
    for (size_t i = 0; i < n; i++) {
        uint8_t b[8];
        for (size_t j = 0; j < w; j++)
            b[j] = p[j * stride + i];
        if (w == 4) {
            uint32_t v = rd32(b);
            memcpy(&out[i].u.i32, &v, 4);
        } else {
            uint64_t v = rd64(b);
            memcpy(&out[i].u.i64, &v, 8);
        }
    }
    return 0;
}

int pq_decode_values(int enc, int type, int32_t type_len, const uint8_t *p, size_t len, pq_val *out,
                     size_t n, const pq_val *dict, size_t ndict, pq_scratch *scratch, const char **why)
{
    if (n == 0)
        return 0;
    switch (enc) {
    case PQ_PLAIN:
        return plain(type, type_len, p, len, out, n, why);
    case PQ_PLAIN_DICTIONARY:
    case PQ_RLE_DICTIONARY:
        return dict_indices(p, len, out, n, dict, ndict, why);
    case PQ_RLE:
        if (type != PQ_BOOLEAN)
            return fail(why, "RLE encoding for a non-boolean column");
        return rle_bools(p, len, out, n, why);
    case PQ_BYTE_STREAM_SPLIT:
        return byte_stream_split(type, type_len, p, len, out, n, why);
    case PQ_DELTA_BINARY_PACKED:
    case PQ_DELTA_LENGTH_BYTE_ARRAY:
    case PQ_DELTA_BYTE_ARRAY:
        return pq_decode_delta(enc, type, p, len, out, n, scratch, why);
    default:
        return fail(why, "unsupported value encoding");
    }
}
