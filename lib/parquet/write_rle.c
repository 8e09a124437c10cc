/* RLE / bit-packed hybrid encoding (levels and dictionary indices): runs
 * of 8 or more equal values become RLE runs, everything else bit-packed
 * groups of 8. A literal run is cut at 63 groups, the longest a one-byte
 * header holds, which every reader accepts. */
#include <string.h>

#include "thrift_enc.h"
#include "write_int.h"

enum { MAX_GROUPS = 63 };

int pqw_bit_width(uint64_t max)
{
    int w = 0;
    while (max) {
        w++;
        max >>= 1;
    }
    return w;
}


static int rle_run(ts_buf *out, uint32_t value, size_t count, int bw)
{
    uint8_t b[4];
    int nb = (bw + 7) / 8;
    for (int i = 0; i < nb; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    int rc = pqw_put_varint(out, (uint64_t)count << 1);
    return rc ? rc : ts_buf_append(out, b, (size_t)nb);
}

/* v[0..n) bit-packed, LSB first, padded with zeros to whole groups of 8. */
static int packed_run(ts_buf *out, const uint32_t *v, size_t n, int bw)
{
    size_t groups = (n + 7) / 8;
    int rc = pqw_put_varint(out, (uint64_t)groups << 1 | 1);
    if (rc || (rc = ts_buf_reserve(out, groups * (size_t)bw)))
        return rc;
    uint8_t *p = (uint8_t *)out->data + out->len;
    memset(p, 0, groups * (size_t)bw);
    size_t bit = 0;
    for (size_t i = 0; i < n; i++, bit += (size_t)bw) {
        uint64_t x = (uint64_t)v[i] << (bit & 7);
        for (size_t k = bit >> 3; x; k++, x >>= 8)
            p[k] |= (uint8_t)x;
    }
    out->len += groups * (size_t)bw;
    return 0;
}

int pqw_rle_encode(ts_buf *out, const uint32_t *v, size_t n, int bw)
{
    size_t lit = 0; /* start of the pending literal values */
    size_t i = 0;
    int rc = 0;
    while (i < n && !rc) {
        size_t run = 1;
        while (i + run < n && v[i + run] == v[i])
            run++;
        /* An RLE run may start only where the literals fill whole groups. */
        if (run >= 8 && (i - lit) % 8 == 0) {
            if (i > lit)
                rc = packed_run(out, v + lit, i - lit, bw);
            if (!rc)
                rc = rle_run(out, v[i], run, bw);
            i += run;
            lit = i;
            continue;
        }
        i++;
        if (i - lit == 8 * MAX_GROUPS) {
            rc = packed_run(out, v + lit, i - lit, bw);
            lit = i;
        }
    }
    if (!rc && n > lit)
        rc = packed_run(out, v + lit, n - lit, bw);
    return rc;
}
