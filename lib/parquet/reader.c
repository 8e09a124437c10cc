/* The Parquet reader: footer at open, then rows row group by row group.
 * A row group's projected column chunks are decoded whole into one arena
 * (under the memory cap), rows are assembled from them one at a time,
 * and the arena is reset for the next group. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader.h"

enum { MAX_FOOTER = 256 << 20 };

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    for (size_t got = 0; got < n;) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k ? TS_EIO : TS_ETRUNC;
        got += (size_t)k;
    }
    return 0;
}

bool ts_parquet_sniff(const char *path)
{
    /* Only regular files: peeking into a pipe would eat its first bytes. */
    struct stat st;
    if (stat(path, &st) || !S_ISREG(st.st_mode))
        return false;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    char m[4];
    bool yes = pread_all(fd, m, 4, 0) == 0 && !memcmp(m, "PAR1", 4);
    close(fd);
    return yes;
}

/* Names the file; line 0 and byte unknown unless a row is involved. */
static int fail(ts_parquet *pq, ts_err *err, int code, uint64_t row, const char *fmt, const char *why)
{
    if (err) {
        ts_err_set(err, code, fmt, why);
        err->file = pq->path;
        err->line = row;
        err->byte = UINT64_MAX;
    }
    return code;
}

static int open_footer(ts_parquet *pq, ts_err *err)
{
    struct stat st;
    if (fstat(pq->fd, &st) || !S_ISREG(st.st_mode))
        return fail(pq, err, TS_EINVAL, 0, "%s", "Parquet is read from a regular file (not a pipe or stdin)");
    pq->size = (uint64_t)st.st_size;
    uint8_t head[4], tail[8];
    if (pq->size < 12)
        return fail(pq, err, TS_ETRUNC, 0, "%s", "not a Parquet file: shorter than its magic and footer");
    int rc = pread_all(pq->fd, head, 4, 0);
    if (!rc)
        rc = pread_all(pq->fd, tail, 8, pq->size - 8);
    if (rc)
        return fail(pq, err, rc, 0, "cannot read: %s", strerror(errno));
    if (memcmp(head, "PAR1", 4))
        return fail(pq, err, TS_ESCHEMA, 0, "%s", "not a Parquet file (no PAR1 magic at the start)");
    if (!memcmp(tail + 4, "PARE", 4))
        return fail(pq, err, TS_ENOTSUP, 0, "%s", "encrypted Parquet files are not supported");
    if (memcmp(tail + 4, "PAR1", 4))
        return fail(pq, err, TS_ETRUNC, 0, "%s", "no PAR1 magic at the end: truncated or not a Parquet file");
    uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
    if (flen == 0 || flen > pq->size - 12) {
        char msg[128];
        snprintf(msg, sizeof msg, "footer length %u does not fit in the file's %llu bytes", flen,
                 (unsigned long long)pq->size);
        return fail(pq, err, TS_ESCHEMA, 0, "corrupt footer: %s", msg);
    }
    if (flen > MAX_FOOTER)
        return fail(pq, err, TS_ETOOBIG, 0, "%s", "footer larger than 256 MiB");
    pq->data_end = pq->size - 8 - flen;
    if (!(pq->footer = malloc(flen)))
        return fail(pq, err, TS_ENOMEM, 0, "%s", "out of memory");
    if ((rc = pread_all(pq->fd, pq->footer, flen, pq->data_end)))
        return fail(pq, err, rc, 0, "cannot read the footer: %s", strerror(errno));
    ts_err e = TS_ERR_INIT;
    if ((rc = pq_meta_parse(pq->footer, flen, &pq->meta_arena, &pq->meta, &e)) ||
        (rc = pq_schema_build(&pq->meta, &pq->meta_arena, &pq->schema, &e)))
        return fail(pq, err, rc, 0, "%s", e.msg);
    return 0;
}

static int setup(ts_parquet *pq, const ts_parquet_opts *o, ts_err *err)
{
    const pq_schema *s = &pq->schema;
    size_t nl = s->nleaves ? s->nleaves : 1;
    pq->wanted = ts_arena_alloc(&pq->meta_arena, s->nnodes * sizeof *pq->wanted);
    pq->cols = calloc(nl, sizeof *pq->cols);
    pq->pos = calloc(nl, sizeof *pq->pos);
    pq->vpos = calloc(nl, sizeof *pq->vpos);
    if (!pq->wanted || !pq->cols || !pq->pos || !pq->vpos)
        return fail(pq, err, TS_ENOMEM, 0, "%s", "out of memory");
    memset(pq->wanted, 0, s->nnodes * sizeof *pq->wanted);
    const pq_node *root = &s->nodes[0];
    for (uint32_t i = 0; i < root->nchildren; i++) {
        uint32_t ci = root->children[i];
        const pq_str *name = &s->nodes[ci].el->name;
        bool want = !o || !o->columns;
        for (size_t k = 0; !want && k < o->ncolumns; k++)
            want = strlen(o->columns[k]) == name->n && !memcmp(o->columns[k], name->p, name->n);
        pq->wanted[ci] = want;
    }
    if (!(o && o->keep_absent) && pq_absent_mark(&pq->meta, s, &pq->meta_arena, &pq->omit))
        return fail(pq, err, TS_ENOMEM, 0, "%s", "out of memory");
    pq->budget.cap = o && o->max_row_group_bytes ? o->max_row_group_bytes : TS_PARQUET_DEFAULT_MAX_ROW_GROUP;
    pq->scratch.arena = &pq->rg_arena;
    pq->scratch.budget = &pq->budget;
    ts_jb_init(&pq->jb, NULL);
    pq->as = (pq_asm){.s = s, .cols = pq->cols, .pos = pq->pos, .vpos = pq->vpos, .wanted = pq->wanted,
                      .omit = pq->omit, .b = &pq->jb};
    return 0;
}

int ts_parquet_open(ts_parquet **out, const char *path, const ts_parquet_opts *opts, ts_err *err)
{
    ts_parquet *pq = calloc(1, sizeof *pq);
    if (!pq)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    pq->path = path;
    ts_arena_init(&pq->meta_arena);
    ts_arena_init(&pq->rg_arena);
    pq->fd = open(path, O_RDONLY);
    if (pq->fd < 0) {
        int code = errno == ENOENT ? TS_ENOENT : TS_EIO;
        fail(pq, err, code, 0, "cannot open: %s", strerror(errno));
        ts_parquet_close(pq);
        return code;
    }
    int rc = open_footer(pq, err);
    if (!rc)
        rc = setup(pq, opts, err);
    if (rc) {
        ts_parquet_close(pq);
        return rc;
    }
    *out = pq;
    return 0;
}

static int set_fatal(ts_parquet *pq, ts_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int set_fatal(ts_parquet *pq, ts_err *err, int code, const char *fmt, ...)
{
    pq->fatal = true;
    ts_err *e = &pq->fatal_err;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->file = pq->path;
    e->line = pq->row + 1;
    e->byte = UINT64_MAX;
    if (err)
        *err = *e;
    return code;
}

/* Decodes the projected columns of the next non-empty row group. */
static int load_row_group(ts_parquet *pq, ts_err *err)
{
    const pq_schema *s = &pq->schema;
    uint32_t g = pq->next_rg++;
    const pq_rowgroup *rg = &pq->meta.rgs[g];
    ts_arena_reset(&pq->rg_arena);
    pq->budget.used = 0;
    if (rg->num_rows < 0)
        return set_fatal(pq, err, TS_ESCHEMA, "row group %u: negative row count", g);
    memset(pq->cols, 0, s->nleaves * sizeof *pq->cols);
    memset(pq->pos, 0, s->nleaves * sizeof *pq->pos);
    memset(pq->vpos, 0, s->nleaves * sizeof *pq->vpos);
    const pq_node *root = &s->nodes[0];
    for (uint32_t i = 0; i < root->nchildren; i++) {
        const pq_node *f = &s->nodes[root->children[i]];
        if (!pq->wanted[root->children[i]])
            continue;
        for (uint32_t l = f->first_leaf; l < f->first_leaf + f->nleaves; l++) {
            const pq_node *leaf = &s->nodes[s->leaves[l]];
            pq_chunk_in in = {pq->fd, pq->data_end, leaf, &rg->cols[l], &pq->codec, &pq->scratch};
            ts_err e = TS_ERR_INIT;
            char path[256];
            pq_schema_path(s, s->leaves[l], path, sizeof path);
            int rc = pq_column_read(&in, &pq->cols[l], &e);
            if (rc)
                return set_fatal(pq, err, rc, "row group %u, column %s: %s", g, path, e.msg);
            if (pq->cols[l].rows != (uint64_t)rg->num_rows)
                return set_fatal(pq, err, TS_ESCHEMA, "row group %u, column %s: %llu rows where the row group has %lld",
                                 g, path, (unsigned long long)pq->cols[l].rows, (long long)rg->num_rows);
        }
    }
    for (uint32_t l = 0; l < s->nleaves; l++)
        if (rg->cols[l].has_meta)
            pq->bytes_done += (uint64_t)(rg->cols[l].meta.total_compressed > 0 ? rg->cols[l].meta.total_compressed : 0);
    pq->rg_rows = rg->num_rows;
    pq->rg_row = 0;
    return 0;
}

int ts_parquet_next(ts_parquet *pq, ts_arena *a, ts_json **row, ts_err *err)
{
    if (pq->fatal) {
        if (err)
            *err = pq->fatal_err;
        return pq->fatal_err.code;
    }
    while (pq->rg_row >= pq->rg_rows) {
        if (pq->next_rg >= pq->meta.nrgs)
            return TS_EEOF;
        int rc = load_row_group(pq, err);
        if (rc)
            return rc;
    }
    pq->as.a = a;
    int rc = pq_assemble_row(&pq->as, row);
    if (rc && pq->as.why)
        return set_fatal(pq, err, rc, "row group %u: %s", pq->next_rg - 1, pq->as.why);
    pq->rg_row++;
    pq->row++;
    if (rc == TS_EUTF8 || rc == TS_ESCHEMA) {
        char path[200], msg[256];
        pq_schema_path(&pq->schema, pq->schema.leaves[pq->as.soft_leaf], path, sizeof path);
        snprintf(msg, sizeof msg, "column %s: %s", path,
                 rc == TS_EUTF8 ? "invalid UTF-8 in a string" : "null key in a map");
        return fail(pq, err, rc, pq->row, "%s", msg);
    }
    if (rc)
        return set_fatal(pq, err, rc, "%s", ts_strerror(rc));
    return 0;
}

bool ts_parquet_fatal(const ts_parquet *pq) { return pq->fatal; }
uint64_t ts_parquet_num_rows(const ts_parquet *pq) { return (uint64_t)pq->meta.num_rows; }
uint64_t ts_parquet_row(const ts_parquet *pq) { return pq->row; }
uint64_t ts_parquet_bytes_done(const ts_parquet *pq) { return pq->bytes_done; }
const char *ts_parquet_path(const ts_parquet *pq) { return pq->path; }

void ts_parquet_close(ts_parquet *pq)
{
    if (!pq)
        return;
    if (pq->fd >= 0)
        close(pq->fd);
    pq_codec_release(&pq->codec);
    ts_jb_release(&pq->jb);
    ts_arena_release(&pq->rg_arena);
    ts_arena_release(&pq->meta_arena);
    free(pq->cols);
    free(pq->pos);
    free(pq->vpos);
    free(pq->footer);
    free(pq);
}
