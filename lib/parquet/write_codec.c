/* Page compression for the writer: Parquet's SNAPPY is a raw snappy
 * block, GZIP a gzip member, ZSTD a zstd frame. */
#include <limits.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "write_int.h"

int ts_parquet_codec_parse(const char *name, ts_parquet_codec *out)
{
    static const struct {
        const char *name;
        ts_parquet_codec c;
    } names[] = {{"snappy", TS_PARQUET_SNAPPY}, {"zstd", TS_PARQUET_ZSTD}, {"gzip", TS_PARQUET_GZIP},
                 {"none", TS_PARQUET_NONE},     {"uncompressed", TS_PARQUET_NONE}};
    for (size_t i = 0; name && i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].c;
            return 0;
        }
    return TS_EINVAL;
}

int pqw_codec_id(ts_parquet_codec c)
{
    switch (c) {
    case TS_PARQUET_SNAPPY: return 1;
    case TS_PARQUET_GZIP: return 2;
    case TS_PARQUET_ZSTD: return 6;
    default: return 0;
    }
}

static int gzip(const void *src, size_t n, ts_buf *out, int level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return TS_ENOMEM;
    size_t bound = deflateBound(&z, (uLong)n);
    int rc = ts_buf_reserve(out, bound);
    if (rc == 0) {
        z.next_in = (Bytef *)(uintptr_t)src;
        z.avail_in = (uInt)n;
        z.next_out = (Bytef *)out->data;
        z.avail_out = (uInt)bound;
        rc = deflate(&z, Z_FINISH) == Z_STREAM_END ? 0 : TS_ECODEC;
        out->len = z.total_out;
    }
    deflateEnd(&z);
    return rc;
}

int pqw_compress(ts_parquet_codec c, int level, const void *src, size_t n, ts_buf *out)
{
    int rc;
    out->len = 0;
    if (n > INT_MAX) /* page sizes are i32 in the page header */
        return TS_ETOOBIG;
    switch (c) {
    case TS_PARQUET_SNAPPY: {
        size_t len = snappy_max_compressed_length(n);
        if ((rc = ts_buf_reserve(out, len)))
            return rc;
        if (snappy_compress(src, n, out->data, &len) != SNAPPY_OK)
            return TS_ECODEC;
        out->len = len;
        return 0;
    }
    case TS_PARQUET_ZSTD: {
        size_t bound = ZSTD_compressBound(n);
        if ((rc = ts_buf_reserve(out, bound)))
            return rc;
        size_t r = ZSTD_compress(out->data, bound, src, n, level ? level : 3);
        if (ZSTD_isError(r))
            return TS_ECODEC;
        out->len = r;
        return 0;
    }
    case TS_PARQUET_GZIP:
        return gzip(src, n, out, level);
    default:
        return ts_buf_append(out, src, n);
    }
}
