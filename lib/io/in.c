/* Input streams with transparent gzip / zstd decompression. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "tuneset/io.h"

enum { RAW_CHUNK = 256 * 1024 };

struct ts_in {
    int fd;
    int pending; /* an error found after some output was returned */
    ts_err pending_err;
    bool owns_fd;
    bool raw_eof;
    bool stream_done; /* the last compressed frame/member ended cleanly */
    ts_codec codec;
    const char *path;
    uint64_t raw_bytes;
    unsigned char *raw; /* compressed input window */
    size_t raw_pos, raw_len;
    z_stream z;
    ZSTD_DStream *zs;
};

static int io_fail(ts_in *in, ts_err *err, int code, const char *what)
{
    if (err) {
        ts_err_set(err, code, "%s", what);
        err->file = in->path;
    }
    return code;
}

static int fill_raw(ts_in *in, ts_err *err)
{
    if (in->raw_pos < in->raw_len || in->raw_eof)
        return 0;
    ssize_t n;
    do
        n = read(in->fd, in->raw, RAW_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (err) {
            ts_err_set(err, TS_EIO, "read failed: %s", strerror(errno));
            err->file = in->path;
        }
        return TS_EIO;
    }
    in->raw_pos = 0;
    in->raw_len = (size_t)n;
    in->raw_bytes += (uint64_t)n;
    if (n == 0)
        in->raw_eof = true;
    return 0;
}

int ts_in_open(ts_in **out, const char *path, ts_err *err)
{
    ts_in *in = calloc(1, sizeof *in);
    if (!in)
        return ts_err_set(err, TS_ENOMEM, NULL);
    in->path = path;
    if (err)
        err->file = path;
    if (!strcmp(path, "-")) {
        in->fd = 0;
        in->path = "<stdin>";
        if (err)
            err->file = in->path;
    } else {
        in->fd = open(path, O_RDONLY);
        if (in->fd < 0) {
            int e = errno;
            free(in);
            return ts_err_set(err, e == ENOENT ? TS_ENOENT : TS_EIO, "cannot open: %s", strerror(e));
        }
        in->owns_fd = true;
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    in->raw = malloc(RAW_CHUNK);
    if (!in->raw) {
        ts_in_close(in);
        return ts_err_set(err, TS_ENOMEM, NULL);
    }
    int rc = fill_raw(in, err);
    if (rc) {
        ts_in_close(in);
        return rc;
    }
    /* A short first read from a pipe may hold less than a magic number;
     * read on until 4 bytes or end. */
    while (in->raw_len < 4 && !in->raw_eof) {
        ssize_t n = read(in->fd, in->raw + in->raw_len, RAW_CHUNK - in->raw_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            in->raw_eof = n == 0;
            break;
        }
        in->raw_len += (size_t)n;
        in->raw_bytes += (uint64_t)n;
    }
    const unsigned char *m = in->raw;
    if (in->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        in->codec = TS_CODEC_GZIP;
        if (inflateInit2(&in->z, 15 + 16) != Z_OK) {
            ts_in_close(in);
            return ts_err_set(err, TS_ENOMEM, "cannot start gzip decoder");
        }
    } else if (in->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
        in->codec = TS_CODEC_ZSTD;
        in->zs = ZSTD_createDStream();
        if (!in->zs) {
            ts_in_close(in);
            return ts_err_set(err, TS_ENOMEM, "cannot start zstd decoder");
        }
        ZSTD_initDStream(in->zs);
    }
    *out = in;
    return 0;
}

static int read_gzip(ts_in *in, void *buf, size_t cap, size_t *got, ts_err *err)
{
    in->z.next_out = buf;
    in->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
    while (in->z.avail_out) {
        int rc = fill_raw(in, err);
        if (rc)
            return rc;
        if (in->raw_pos == in->raw_len) {
            if (!in->stream_done) {
                *got = cap - in->z.avail_out;
                return io_fail(in, err, TS_ETRUNC, "truncated gzip stream (unexpected end of file)");
            }
            break;
        }
        if (in->stream_done) {
            /* Another gzip member follows (concatenated .gz files). */
            if (inflateReset(&in->z) != Z_OK)
                return io_fail(in, err, TS_ECODEC, "gzip decoder reset failed");
            in->stream_done = false;
        }
        in->z.next_in = in->raw + in->raw_pos;
        in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
        int zr = inflate(&in->z, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - in->z.avail_in;
        if (zr == Z_STREAM_END)
            in->stream_done = true;
        else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            *got = cap - in->z.avail_out;
            return io_fail(in, err, TS_ECODEC, in->z.msg ? in->z.msg : "corrupt gzip data");
        }
    }
    *got = cap - in->z.avail_out;
    return 0;
}

static int read_zstd(ts_in *in, void *buf, size_t cap, size_t *got, ts_err *err)
{
    ZSTD_outBuffer ob = {buf, cap, 0};
    while (ob.pos < ob.size) {
        int rc = fill_raw(in, err);
        if (rc)
            return rc;
        if (in->raw_pos == in->raw_len) {
            if (!in->stream_done) {
                *got = ob.pos;
                return io_fail(in, err, TS_ETRUNC, "truncated zstd stream (unexpected end of file)");
            }
            break;
        }
        ZSTD_inBuffer ib = {in->raw, in->raw_len, in->raw_pos};
        size_t zr = ZSTD_decompressStream(in->zs, &ob, &ib);
        in->raw_pos = ib.pos;
        if (ZSTD_isError(zr)) {
            *got = ob.pos;
            return io_fail(in, err, TS_ECODEC, ZSTD_getErrorName(zr));
        }
        in->stream_done = zr == 0;
    }
    *got = ob.pos;
    return 0;
}

int ts_in_read(ts_in *in, void *buf, size_t cap, size_t *got, ts_err *err)
{
    *got = 0;
    if (in->pending) {
        if (err)
            *err = in->pending_err;
        return in->pending;
    }
    if (in->codec != TS_CODEC_NONE) {
        ts_err e = TS_ERR_INIT;
        int rc = in->codec == TS_CODEC_GZIP ? read_gzip(in, buf, cap, got, &e)
                                            : read_zstd(in, buf, cap, got, &e);
        if (rc && *got) {
            /* Hand out what was decoded before the damage; the error
             * comes with the next read, so no good record is lost. */
            in->pending = rc;
            in->pending_err = e;
            return 0;
        }
        if (rc && err)
            *err = e;
        return rc;
    }
    /* Plain: hand out what the sniffing read buffered, then read directly. */
    if (in->raw_pos < in->raw_len) {
        size_t n = in->raw_len - in->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        *got = n;
        return 0;
    }
    if (in->raw_eof)
        return 0;
    ssize_t n;
    do
        n = read(in->fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (err) {
            ts_err_set(err, TS_EIO, "read failed: %s", strerror(errno));
            err->file = in->path;
        }
        return TS_EIO;
    }
    in->raw_bytes += (uint64_t)n;
    if (n == 0)
        in->raw_eof = true;
    *got = (size_t)n;
    return 0;
}

ts_codec ts_in_codec(const ts_in *in) { return in->codec; }
uint64_t ts_in_raw_bytes(const ts_in *in) { return in->raw_bytes; }

void ts_in_close(ts_in *in)
{
    if (!in)
        return;
    if (in->codec == TS_CODEC_GZIP)
        inflateEnd(&in->z);
    if (in->zs)
        ZSTD_freeDStream(in->zs);
    if (in->owns_fd)
        close(in->fd);
    free(in->raw);
    free(in);
}

ts_codec ts_codec_from_name(const char *path)
{
    size_t n = strlen(path);
    if (n > 3 && !strcmp(path + n - 3, ".gz"))
        return TS_CODEC_GZIP;
    if (n > 4 && !strcmp(path + n - 4, ".zst"))
        return TS_CODEC_ZSTD;
    return TS_CODEC_NONE;
}

size_t ts_path_strip_codec(const char *path)
{
    size_t n = strlen(path);
    switch (ts_codec_from_name(path)) {
    case TS_CODEC_GZIP:
        return n - 3;
    case TS_CODEC_ZSTD:
        return n - 4;
    default:
        return n;
    }
}
