/* Page decompression. Each codec writes into a buffer of exactly the size
 * the page header announces and must fill it: more output than announced
 * is a decompression bomb or a lie, less is corruption. */
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <lz4.h>
#include <snappy-c.h>

#include "column.h"

const char *pq_codec_name(int codec)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec < (int)(sizeof names / sizeof *names) ? names[codec] : "UNKNOWN";
}

static int gunzip(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why)
{
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 32) != Z_OK) { /* +32: gzip or zlib header */
        *why = "cannot start zlib";
        return TS_ENOMEM;
    }
    z.next_out = dst;
    int rc = 0;
    size_t in_left = n;
    const uint8_t *in = src;
    size_t out_done = 0;
    for (;;) {
        /* zlib counts in uInt: feed and drain at most 1 GiB a round. */
        uInt in_now = in_left > (1u << 30) ? 1u << 30 : (uInt)in_left;
        uInt out_now = dst_n - out_done > (1u << 30) ? 1u << 30 : (uInt)(dst_n - out_done);
        z.next_in = (Bytef *)in;
        z.avail_in = in_now;
        z.next_out = dst + out_done;
        z.avail_out = out_now;
        uint8_t spare;
        if (out_now == 0) { /* full: any further output means too much */
            z.next_out = &spare;
            z.avail_out = 1;
        }
        int zr = inflate(&z, Z_NO_FLUSH);
        size_t used = in_now - z.avail_in;
        in += used;
        in_left -= used;
        if (out_now == 0 && z.avail_out == 0) {
            *why = "more data than the page header's uncompressed size (decompression bomb?)";
            rc = TS_ECODEC;
            break;
        }
        out_done += out_now - (out_now ? z.avail_out : 0);
        if (zr == Z_STREAM_END) {
            if (in_left == 0)
                break;
            if (inflateReset(&z) != Z_OK) { /* another gzip member follows */
                *why = "corrupt gzip stream";
                rc = TS_ECODEC;
                break;
            }
            continue;
        }
        if (zr == Z_BUF_ERROR && in_left == 0) {
            *why = "truncated gzip stream";
            rc = TS_ECODEC;
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            *why = zr == Z_MEM_ERROR ? "out of memory" : "corrupt gzip stream";
            rc = zr == Z_MEM_ERROR ? TS_ENOMEM : TS_ECODEC;
            break;
        }
        if (used == 0 && out_now && z.avail_out == out_now) {
            *why = "corrupt gzip stream (no progress)";
            rc = TS_ECODEC;
            break;
        }
    }
    inflateEnd(&z);
    if (!rc && out_done != dst_n) {
        *why = "less data than the page header's uncompressed size";
        rc = TS_ECODEC;
    }
    return rc;
}

static int unzstd(pq_codec_ctx *c, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why)
{
    if (!c->zstd && !(c->zstd = ZSTD_createDCtx())) {
        *why = "out of memory";
        return TS_ENOMEM;
    }
    size_t r = ZSTD_decompressDCtx(c->zstd, dst, dst_n, src, n);
    if (ZSTD_isError(r)) {
        *why = ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall
                   ? "more data than the page header's uncompressed size (decompression bomb?)"
                   : "corrupt zstd stream";
        return TS_ECODEC;
    }
    if (r != dst_n) {
        *why = "less data than the page header's uncompressed size";
        return TS_ECODEC;
    }
    return 0;
}

static int lz4_block(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why)
{
    if (n > INT32_MAX || dst_n > INT32_MAX) {
        *why = "LZ4 page larger than 2 GiB";
        return TS_ECODEC;
    }
    int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)dst_n);
    if (r < 0 || (size_t)r != dst_n) {
        *why = r < 0 ? "corrupt LZ4 block (or more data than the page header's size)"
                     : "less data than the page header's uncompressed size";
        return TS_ECODEC;
    }
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The deprecated LZ4 codec is Hadoop's framing (big-endian sizes before
 * each block) in files from Java and Arrow, a bare block in some others. */
static int lz4_hadoop(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why)
{
    size_t in = 0, out = 0;
    while (in + 8 <= n) {
        uint32_t raw = be32(src + in), comp = be32(src + in + 4);
        if (comp > n - in - 8 || raw > dst_n - out)
            break;
        if (lz4_block(src + in + 8, comp, dst + out, raw, why))
            break;
        in += 8 + (size_t)comp;
        out += raw;
        if (in == n && out == dst_n)
            return 0;
    }
    return lz4_block(src, n, dst, dst_n, why);
}

int pq_decompress(pq_codec_ctx *c, int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n,
                  const char **why)
{
    switch (codec) {
    case PQ_UNCOMPRESSED:
        if (n != dst_n) {
            *why = "uncompressed page whose sizes differ";
            return TS_ECODEC;
        }
        if (n)
            memcpy(dst, src, n);
        return 0;
    case PQ_GZIP:
        return gunzip(src, n, dst, dst_n, why);
    case PQ_ZSTD:
        return unzstd(c, src, n, dst, dst_n, why);
    case PQ_SNAPPY: {
        size_t want = 0;
        if (snappy_uncompressed_length((const char *)src, n, &want) != SNAPPY_OK) {
            *why = "corrupt snappy stream";
            return TS_ECODEC;
        }
        if (want != dst_n) {
            *why = want > dst_n ? "more data than the page header's uncompressed size (decompression bomb?)"
                                : "less data than the page header's uncompressed size";
            return TS_ECODEC;
        }
        size_t got = dst_n;
        if (snappy_uncompress((const char *)src, n, (char *)dst, &got) != SNAPPY_OK || got != dst_n) {
            *why = "corrupt snappy stream";
            return TS_ECODEC;
        }
        return 0;
    }
    case PQ_LZ4_RAW:
        return lz4_block(src, n, dst, dst_n, why);
    case PQ_LZ4:
        return lz4_hadoop(src, n, dst, dst_n, why);
    default:
        *why = "compression codec not supported (LZO and BROTLI are not)";
        return TS_ENOTSUP;
    }
}

void pq_codec_release(pq_codec_ctx *c)
{
    ZSTD_freeDCtx(c->zstd);
    c->zstd = NULL;
}
