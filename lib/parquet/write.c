/* The Parquet writer: buffers one row group of records (copied into an
 * arena), writes it column by column, and ends the file with the footer.
 * File layout: "PAR1", column chunks, FileMetaData, its length, "PAR1". */
#include <stdlib.h>
#include <string.h>

#include "tuneset/io.h"
#include "tuneset/tuneset.h"
#include "write_int.h"

enum { DEF_ROWS = 100000, DEF_PAGE = 1 << 20 };
#define DEF_RG_BYTES ((size_t)128 << 20)

typedef struct rowgroup {
    int64_t rows, offset, raw, comp;
    pqw_chunk *chunks; /* one per leaf */
} rowgroup;

struct ts_parquet_writer {
    ts_out *out;
    pqw_sink sink;
    ts_parquet_write_opts o;
    ts_arena meta; /* kv copies */
    pqw_schema schema;
    ts_arena rows_arena; /* the buffered records */
    const ts_json **rows;
    size_t nrows, caprows;
    uint64_t added, written;
    rowgroup *rgs;
    size_t nrgs, caprgs;
    bool failed;
};

static int sink_write(void *ctx, const void *p, size_t n, ts_err *err)
{
    return ts_out_write(ctx, p, n, err);
}

static void rg_free(ts_parquet_writer *w)
{
    for (size_t i = 0; i < w->nrgs; i++) {
        for (size_t k = 0; w->rgs[i].chunks && k < w->schema.nleaves; k++)
            pqw_chunk_release(&w->rgs[i].chunks[k]);
        free(w->rgs[i].chunks);
    }
    free(w->rgs);
}

static void writer_free(ts_parquet_writer *w)
{
    rg_free(w);
    pqw_schema_release(&w->schema);
    ts_arena_release(&w->rows_arena);
    ts_arena_release(&w->meta);
    free(w->rows);
    free(w);
}

int ts_parquet_writer_open(ts_parquet_writer **out, const char *path, const ts_parquet_write_opts *opts,
                           ts_err *err)
{
    *out = NULL;
    ts_parquet_writer *w = calloc(1, sizeof *w);
    if (!w)
        return ts_err_set(err, TS_ENOMEM, NULL);
    if (opts)
        w->o = *opts;
    if (!w->o.row_group_rows)
        w->o.row_group_rows = DEF_ROWS;
    if (!w->o.row_group_bytes)
        w->o.row_group_bytes = DEF_RG_BYTES;
    if (!w->o.page_bytes)
        w->o.page_bytes = DEF_PAGE;
    ts_arena_init(&w->meta);
    ts_arena_init(&w->rows_arena);
    int rc = pqw_schema_init(&w->schema);
    const char **kv = w->o.nkv ? ts_arena_alloc(&w->meta, 2 * w->o.nkv * sizeof *kv) : NULL;
    if (!rc && w->o.nkv && !kv)
        rc = TS_ENOMEM;
    for (size_t i = 0; !rc && i < 2 * w->o.nkv; i++)
        if (!(kv[i] = ts_arena_dup(&w->meta, w->o.kv[i], strlen(w->o.kv[i]) + 1)))
            rc = TS_ENOMEM;
    w->o.kv = kv;
    w->o.schema = NULL;
    if (rc) {
        writer_free(w);
        return ts_err_set(err, rc, NULL);
    }
    if (opts && opts->schema && (rc = pqw_schema_from_template(&w->schema, opts->schema, err))) {
        writer_free(w);
        return rc;
    }
    if ((rc = ts_out_open(&w->out, path, err))) {
        writer_free(w);
        return rc;
    }
    w->sink.write = sink_write;
    w->sink.ctx = w->out;
    if ((rc = ts_out_write(w->out, "PAR1", 4, err))) {
        ts_parquet_writer_abort(w);
        return rc;
    }
    w->sink.offset = 4;
    *out = w;
    return 0;
}

/* A compact deep copy (ts_json_clone copies each child twice). */
static int copy_into(ts_arena *a, ts_json *dst, const ts_json *v)
{
    *dst = *v;
    if (v->type == TS_JSON_STRING || v->type == TS_JSON_NUMBER) {
        if (v->len && !(dst->u.s = ts_arena_dup(a, v->u.s, v->len)))
            return TS_ENOMEM;
    } else if ((v->type == TS_JSON_ARRAY || v->type == TS_JSON_OBJECT) && v->len) {
        size_t n = v->type == TS_JSON_OBJECT ? 2 * (size_t)v->len : v->len;
        ts_json *items = ts_arena_alloc(a, n * sizeof *items);
        if (!items)
            return TS_ENOMEM;
        for (size_t i = 0; i < n; i++)
            if (copy_into(a, &items[i], &v->u.items[i]))
                return TS_ENOMEM;
        dst->u.items = items;
    }
    return 0;
}

static int flush(ts_parquet_writer *w, ts_err *err)
{
    if (w->nrows == 0)
        return 0;
    int rc = pqw_schema_freeze(&w->schema);
    if (rc)
        return ts_err_set(err, rc, "the records have no fields: nothing to make a column of");
    if (w->nrgs == w->caprgs) {
        size_t cap = w->caprgs ? 2 * w->caprgs : 8;
        rowgroup *r = realloc(w->rgs, cap * sizeof *r);
        if (!r)
            return ts_err_set(err, TS_ENOMEM, NULL);
        w->rgs = r;
        w->caprgs = cap;
    }
    rowgroup *g = &w->rgs[w->nrgs];
    memset(g, 0, sizeof *g);
    if (!(g->chunks = calloc(w->schema.nleaves, sizeof *g->chunks)))
        return ts_err_set(err, TS_ENOMEM, NULL);
    w->nrgs++;
    g->rows = (int64_t)w->nrows;
    g->offset = w->sink.offset;
    pqw_colopts co = {w->o.codec, w->o.level, w->o.page_bytes};
    for (size_t i = 0; i < w->schema.nleaves; i++) {
        pqw_chunk *ck = &g->chunks[i];
        if ((rc = pqw_column_write(w->schema.leaves[i], w->rows, w->nrows, &co, &w->sink, ck, err)))
            return rc;
        g->raw += ck->uncompressed;
        g->comp += ck->compressed;
    }
    w->written += w->nrows;
    w->nrows = 0;
    ts_arena_reset(&w->rows_arena);
    return 0;
}

int ts_parquet_writer_add(ts_parquet_writer *w, const ts_json *rec, ts_err *err)
{
    if (w->failed)
        return ts_err_set(err, TS_EINVAL, "the Parquet writer failed earlier");
    w->added++;
    int rc = pqw_schema_merge(&w->schema, rec, err);
    if (rc == TS_ESCHEMA) {
        if (err)
            err->line = w->added;
        return rc;
    }
    if (!rc && w->nrows == w->caprows) {
        size_t cap = w->caprows ? 2 * w->caprows : 1024;
        const ts_json **r = realloc(w->rows, cap * sizeof *r);
        if (r) {
            w->rows = r;
            w->caprows = cap;
        } else {
            rc = TS_ENOMEM;
        }
    }
    ts_json *copy = rc ? NULL : ts_arena_alloc(&w->rows_arena, sizeof *copy);
    if (!rc && (!copy || copy_into(&w->rows_arena, copy, rec)))
        rc = TS_ENOMEM;
    if (!rc) {
        w->rows[w->nrows++] = copy;
        if (w->nrows >= w->o.row_group_rows || w->rows_arena.used >= w->o.row_group_bytes)
            rc = flush(w, err);
    } else {
        ts_err_set(err, rc, NULL);
    }
    if (rc)
        w->failed = true;
    return rc;
}

uint64_t ts_parquet_writer_rows(const ts_parquet_writer *w) { return w->written + w->nrows; }

/* --- the footer --------------------------------------------------------------- */

static void kv(pqw_tenc *t, const char *k, const char *v, size_t vlen)
{
    pqw_t_elem_struct(t);
    pqw_t_string(t, 1, k);
    pqw_t_binary(t, 2, v, vlen);
    pqw_t_end(t);
}

static void column_meta(pqw_tenc *t, const ts_parquet_writer *w, const pqw_node *leaf, const pqw_chunk *ck)
{
    static const int types[] = {6, 0, 2, 5, 6}; /* BYTE_ARRAY, BOOLEAN, INT64, DOUBLE, BYTE_ARRAY */
    const char *names[2 * PQW_MAX_DEPTH + 4];
    size_t np = pqw_leaf_path(leaf, names, sizeof names / sizeof *names);
    pqw_t_elem_struct(t); /* ColumnChunk */
    pqw_t_i64(t, 2, ck->dict ? ck->dict_page_offset : ck->data_page_offset);
    pqw_t_struct(t, 3); /* ColumnMetaData */
    pqw_t_i32(t, 1, types[leaf->vtype]);
    pqw_t_list(t, 2, PQW_T_I32, ck->dict ? 3 : 2);
    pqw_t_elem_i32(t, 0); /* PLAIN */
    pqw_t_elem_i32(t, 3); /* RLE (levels) */
    if (ck->dict)
        pqw_t_elem_i32(t, 8); /* RLE_DICTIONARY */
    pqw_t_list(t, 3, PQW_T_BINARY, np);
    for (size_t i = 0; i < np; i++)
        pqw_t_elem_binary(t, names[i], strlen(names[i]));
    pqw_t_i32(t, 4, pqw_codec_id(w->o.codec));
    pqw_t_i64(t, 5, ck->num_values);
    pqw_t_i64(t, 6, ck->uncompressed);
    pqw_t_i64(t, 7, ck->compressed);
    pqw_t_i64(t, 9, ck->data_page_offset);
    if (ck->dict)
        pqw_t_i64(t, 11, ck->dict_page_offset);
    pqw_t_struct(t, 12); /* Statistics */
    pqw_t_i64(t, 3, ck->null_count);
    if (ck->has_minmax) {
        pqw_t_binary(t, 5, ck->max.data, ck->max.len);
        pqw_t_binary(t, 6, ck->min.data, ck->min.len);
    }
    pqw_t_end(t);
    pqw_t_end(t);
    pqw_t_end(t);
}

static int footer(ts_parquet_writer *w, ts_buf *b)
{
    ts_buf absent;
    ts_buf_init(&absent, 0);
    int rc = pqw_schema_absent(&w->schema, &absent);
    pqw_tenc t;
    pqw_t_init(&t, b);
    pqw_t_i32(&t, 1, 2);
    pqw_schema_write(&w->schema, &t);
    pqw_t_i64(&t, 3, (int64_t)w->written);
    pqw_t_list(&t, 4, PQW_T_STRUCT, w->nrgs);
    for (size_t i = 0; i < w->nrgs; i++) {
        const rowgroup *g = &w->rgs[i];
        pqw_t_elem_struct(&t);
        pqw_t_list(&t, 1, PQW_T_STRUCT, w->schema.nleaves);
        for (size_t k = 0; k < w->schema.nleaves; k++)
            column_meta(&t, w, w->schema.leaves[k], &g->chunks[k]);
        pqw_t_i64(&t, 2, g->raw);
        pqw_t_i64(&t, 3, g->rows);
        pqw_t_i64(&t, 5, g->offset);
        pqw_t_i64(&t, 6, g->comp);
        pqw_t_end(&t);
    }
    size_t nkv = w->o.nkv + (absent.len > 0);
    if (nkv) {
        pqw_t_list(&t, 5, PQW_T_STRUCT, nkv);
        for (size_t i = 0; i < w->o.nkv; i++)
            kv(&t, w->o.kv[2 * i], w->o.kv[2 * i + 1], strlen(w->o.kv[2 * i + 1]));
        if (absent.len)
            kv(&t, "tuneset.absent_fields", absent.data, absent.len);
    }
    pqw_t_string(&t, 6, "tuneset version " TS_VERSION);
    /* TypeDefinedOrder for every column: without it readers may distrust
     * min_value / max_value (strings compare as unsigned bytes). */
    pqw_t_list(&t, 7, PQW_T_STRUCT, w->schema.nleaves);
    for (size_t k = 0; k < w->schema.nleaves; k++) {
        pqw_t_elem_struct(&t);
        pqw_t_struct(&t, 1);
        pqw_t_end(&t);
        pqw_t_end(&t);
    }
    pqw_t_end(&t);
    ts_buf_release(&absent);
    return rc ? rc : t.err;
}

int ts_parquet_writer_close(ts_parquet_writer *w, ts_err *err)
{
    if (w->failed) {
        ts_parquet_writer_abort(w);
        return ts_err_set(err, TS_EINVAL, "the Parquet writer failed earlier");
    }
    int rc = flush(w, err);
    if (!rc && !w->schema.leaves && (rc = pqw_schema_freeze(&w->schema)))
        ts_err_set(err, rc, "no records and no schema: nothing to write");
    ts_buf b;
    ts_buf_init(&b, 0);
    if (!rc && (rc = footer(w, &b)))
        ts_err_set(err, rc, "writing the Parquet footer: %s", ts_strerror(rc));
    uint8_t tail[8] = {(uint8_t)b.len, (uint8_t)(b.len >> 8), (uint8_t)(b.len >> 16), (uint8_t)(b.len >> 24),
                       'P', 'A', 'R', '1'};
    if (!rc && b.len > UINT32_MAX)
        rc = ts_err_set(err, TS_ETOOBIG, "Parquet footer over 4 GiB");
    if (!rc)
        rc = ts_out_write(w->out, b.data, b.len, err);
    if (!rc)
        rc = ts_out_write(w->out, tail, 8, err);
    ts_buf_release(&b);
    if (rc) {
        ts_parquet_writer_abort(w);
        return rc;
    }
    rc = ts_out_commit(w->out, err);
    w->out = NULL;
    writer_free(w);
    return rc;
}

void ts_parquet_writer_abort(ts_parquet_writer *w)
{
    if (!w)
        return;
    ts_out_abort(w->out);
    writer_free(w);
}
