/* Atomic, optionally compressed output files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "tuneset/io.h"

enum { OUT_BUF = 1 << 20, MAX_TEMPS = 64 };

struct ts_out {
    int fd;
    bool direct; /* stdout or a device/FIFO: written through, no temp file */
    ts_codec codec;
    char *path, *tmp;
    const char *name; /* the caller's path, borrowed: errors point to it */
    int temp_slot;
    unsigned char *buf; /* uncompressed bytes waiting to be written */
    size_t len;
    unsigned char *zbuf; /* compressed output staging */
    z_stream z;
    ZSTD_CStream *zs;
};

/* Temp paths of open outputs, for ts_out_unlink_all_temps() in a signal
 * handler. Fixed storage: the handler may not allocate. */
static char *volatile temps[MAX_TEMPS];

static int out_fail(ts_out *o, ts_err *err, int code, const char *what)
{
    if (err) {
        ts_err_set(err, code, "%s%s%s", what, errno ? ": " : "", errno ? strerror(errno) : "");
        err->file = o ? o->name : NULL;
        err->line = 0;
        err->byte = UINT64_MAX;
    }
    return code;
}

static int write_all(ts_out *o, const void *p, size_t n, ts_err *err)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(o->fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return out_fail(o, err, TS_EIO, "write failed");
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int ts_out_open(ts_out **out, const char *path, ts_err *err)
{
    ts_out *o = calloc(1, sizeof *o);
    if (!o)
        return ts_err_set(err, TS_ENOMEM, NULL);
    o->temp_slot = -1;
    o->name = path;
    o->path = strdup(path);
    o->buf = malloc(OUT_BUF);
    if (!o->path || !o->buf) {
        ts_out_abort(o);
        return ts_err_set(err, TS_ENOMEM, NULL);
    }
    struct stat st;
    if (!strcmp(path, "-")) {
        o->fd = 1;
        o->direct = true;
    } else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or pipe (/dev/null, a FIFO): written through, since
         * renaming a temp file over it would replace the device. */
        errno = 0;
        o->fd = open(path, O_WRONLY);
        if (o->fd < 0) {
            int code = out_fail(o, err, TS_EIO, "cannot open output");
            ts_out_abort(o);
            return code;
        }
        o->direct = true; /* no temp, no rename; closed at the end */
        o->codec = ts_codec_from_name(path);
    } else {
        /* Hidden temp beside the target: same file system, so rename is
         * atomic. */
        const char *slash = strrchr(path, '/');
        size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
        size_t need = strlen(path) + 32;
        o->tmp = malloc(need);
        if (!o->tmp) {
            ts_out_abort(o);
            return ts_err_set(err, TS_ENOMEM, NULL);
        }
        snprintf(o->tmp, need, "%.*s.%s.tmp-XXXXXX", (int)dirlen, path, path + dirlen);
        errno = 0;
        o->fd = mkstemp(o->tmp);
        if (o->fd < 0) {
            free(o->tmp);
            o->tmp = NULL;
            int code = out_fail(o, err, TS_EIO, "cannot create output");
            ts_out_abort(o);
            return code;
        }
        fchmod(o->fd, 0644); /* mkstemp makes 0600; outputs are ordinary files */
        for (int i = 0; i < MAX_TEMPS; i++)
            if (!temps[i]) {
                temps[i] = o->tmp;
                o->temp_slot = i;
                break;
            }
        o->codec = ts_codec_from_name(path);
    }
    if (o->codec != TS_CODEC_NONE) {
        o->zbuf = malloc(OUT_BUF);
        bool ok = o->zbuf != NULL;
        if (ok && o->codec == TS_CODEC_GZIP)
            ok = deflateInit2(&o->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
        if (ok && o->codec == TS_CODEC_ZSTD) {
            o->zs = ZSTD_createCStream();
            ok = o->zs && !ZSTD_isError(ZSTD_initCStream(o->zs, 3));
        }
        if (!ok) {
            ts_out_abort(o);
            return ts_err_set(err, TS_ENOMEM, "cannot start compressor");
        }
    }
    *out = o;
    return 0;
}

/* Pushes buffered bytes through the compressor (finishing it when `end`). */
static int drain(ts_out *o, bool end, ts_err *err)
{
    int rc;
    if (o->codec == TS_CODEC_NONE) {
        rc = write_all(o, o->buf, o->len, err);
        o->len = 0;
        return rc;
    }
    if (o->codec == TS_CODEC_GZIP) {
        o->z.next_in = o->buf;
        o->z.avail_in = (uInt)o->len;
        int zr;
        do {
            o->z.next_out = o->zbuf;
            o->z.avail_out = OUT_BUF;
            zr = deflate(&o->z, end ? Z_FINISH : Z_NO_FLUSH);
            if (zr == Z_STREAM_ERROR)
                return out_fail(o, err, TS_ECODEC, "gzip compression failed");
            if ((rc = write_all(o, o->zbuf, OUT_BUF - o->z.avail_out, err)))
                return rc;
        } while (o->z.avail_in || (end && zr != Z_STREAM_END));
        o->len = 0;
        return 0;
    }
    ZSTD_inBuffer ib = {o->buf, o->len, 0};
    size_t left;
    do {
        ZSTD_outBuffer ob = {o->zbuf, OUT_BUF, 0};
        left = end ? ZSTD_compressStream2(o->zs, &ob, &ib, ZSTD_e_end)
                   : ZSTD_compressStream2(o->zs, &ob, &ib, ZSTD_e_continue);
        if (ZSTD_isError(left))
            return out_fail(o, err, TS_ECODEC, ZSTD_getErrorName(left));
        if ((rc = write_all(o, o->zbuf, ob.pos, err)))
            return rc;
    } while (ib.pos < ib.size || (end && left));
    o->len = 0;
    return 0;
}

int ts_out_write(ts_out *o, const void *p, size_t n, ts_err *err)
{
    if (n > OUT_BUF - o->len) {
        int rc = drain(o, false, err);
        if (rc)
            return rc;
        if (n >= OUT_BUF && o->codec == TS_CODEC_NONE)
            return write_all(o, p, n, err); /* big block: skip the copy */
        while (n > OUT_BUF) {
            memcpy(o->buf, p, OUT_BUF);
            o->len = OUT_BUF;
            if ((rc = drain(o, false, err)))
                return rc;
            p = (const char *)p + OUT_BUF;
            n -= OUT_BUF;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return 0;
}

static void release(ts_out *o)
{
    if (o->temp_slot >= 0)
        temps[o->temp_slot] = NULL;
    if (o->codec == TS_CODEC_GZIP && o->zbuf)
        deflateEnd(&o->z);
    if (o->zs)
        ZSTD_freeCStream(o->zs);
    free(o->zbuf);
    free(o->buf);
    free(o->tmp);
    free(o->path);
    free(o);
}

int ts_out_commit(ts_out *o, ts_err *err)
{
    errno = 0;
    int rc = drain(o, true, err);
    if (o->fd > 2) {
        if (close(o->fd) != 0 && !rc)
            rc = out_fail(o, err, TS_EIO, "close failed");
        o->fd = -1;
    }
    if (!o->direct) {
        if (!rc && rename(o->tmp, o->path) != 0)
            rc = out_fail(o, err, TS_EIO, "cannot rename temporary file into place");
        if (rc)
            unlink(o->tmp);
    }
    release(o);
    return rc;
}

void ts_out_abort(ts_out *o)
{
    if (!o)
        return;
    if (o->fd > 2)
        close(o->fd);
    if (!o->direct && o->tmp)
        unlink(o->tmp);
    release(o);
}

void ts_out_unlink_all_temps(void)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i])
            unlink(temps[i]);
}
