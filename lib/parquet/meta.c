/* FileMetaData and PageHeader from Thrift (field ids from parquet.thrift).
 * Unknown fields are skipped, so files from newer writers still read;
 * fields the reader needs are checked for presence and range. */
#include <string.h>

#include "meta.h"
#include "thrift.h"

static pq_str read_str(pq_tin *t)
{
    pq_str s;
    s.p = (const char *)pq_t_binary(t, &s.n);
    return s;
}

/* Allocates n zeroed elements (n is bounded by the input size). */
static void *alloc_n(ts_arena *a, pq_tin *t, uint32_t n, size_t size)
{
    if (t->err)
        return NULL;
    void *p = ts_arena_alloc(a, n ? (size_t)n * size : 1);
    if (!p) {
        pq_t_fail(t, "out of memory");
        return NULL;
    }
    memset(p, 0, n ? (size_t)n * size : 1);
    return p;
}

/* TimeUnit is a union of empty structs: the member id is the unit. */
static int read_unit(pq_tin *t)
{
    pq_tfield f;
    int unit = 0;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        if (f.type == PQ_T_STRUCT && f.id >= PQ_MILLIS && f.id <= PQ_NANOS)
            unit = f.id;
        pq_t_skip(t, f.type);
    }
    return unit;
}

static void read_logical(pq_tin *t, pq_schema_el *e)
{
    pq_tfield f, g;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        if (f.type != PQ_T_STRUCT) {
            pq_t_skip(t, f.type);
            continue;
        }
        e->logical = f.id;
        pq_t_struct_begin(t, &g);
        while (pq_t_field(t, &g)) {
            if (f.id == PQ_LT_DECIMAL && g.id == 1)
                e->scale = pq_t_field_i32(t, &g);
            else if (f.id == PQ_LT_DECIMAL && g.id == 2)
                e->precision = pq_t_field_i32(t, &g);
            else if ((f.id == PQ_LT_TIME || f.id == PQ_LT_TIMESTAMP) && g.id == 1)
                e->utc = pq_t_bool(t, g.type);
            else if ((f.id == PQ_LT_TIME || f.id == PQ_LT_TIMESTAMP) && g.id == 2 && g.type == PQ_T_STRUCT)
                e->unit = read_unit(t);
            else if (f.id == PQ_LT_INTEGER && g.id == 1)
                e->bit_width = (int8_t)pq_t_field_i32(t, &g);
            else if (f.id == PQ_LT_INTEGER && g.id == 2)
                e->is_signed = pq_t_bool(t, g.type);
            else
                pq_t_skip(t, g.type);
        }
    }
}

static void read_schema_el(pq_tin *t, pq_schema_el *e)
{
    pq_tfield f;
    e->type = -1;
    e->repetition = -1;
    e->converted = PQ_CT_NONE;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        switch (f.id) {
        case 1: e->type = pq_t_field_i32(t, &f); break;
        case 2: e->type_length = pq_t_field_i32(t, &f); break;
        case 3: e->repetition = pq_t_field_i32(t, &f); break;
        case 4: e->name = read_str(t); break;
        case 5: e->num_children = pq_t_field_i32(t, &f); break;
        case 6: e->converted = pq_t_field_i32(t, &f); break;
        case 7: e->scale = pq_t_field_i32(t, &f); break;
        case 8: e->precision = pq_t_field_i32(t, &f); break;
        case 10:
            if (f.type == PQ_T_STRUCT)
                read_logical(t, e);
            else
                pq_t_skip(t, f.type);
            break;
        default: pq_t_skip(t, f.type);
        }
    }
    if (!e->name.p)
        e->name.p = "";
    if (e->type < -1 || e->type > PQ_FLBA)
        pq_t_fail(t, "unknown physical type in the schema");
    if (e->repetition < -1 || e->repetition > PQ_REPEATED)
        pq_t_fail(t, "unknown repetition type in the schema");
}

static void read_statistics(pq_tin *t, pq_colmeta *c)
{
    pq_tfield f;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        if (f.id == 3)
            c->null_count = pq_t_field_i64(t, &f);
        else
            pq_t_skip(t, f.type);
    }
}

static void read_colmeta(pq_tin *t, ts_arena *a, pq_colmeta *c)
{
    pq_tfield f;
    uint8_t et;
    c->dict_page_offset = -1;
    c->null_count = -1;
    c->type = -1;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        switch (f.id) {
        case 1: c->type = pq_t_field_i32(t, &f); break;
        case 2:
            c->nencodings = pq_t_list(t, &et);
            c->encodings = alloc_n(a, t, c->nencodings, sizeof *c->encodings);
            for (uint32_t i = 0; i < c->nencodings && !t->err; i++)
                c->encodings[i] = pq_t_i32(t);
            break;
        case 3:
            c->npath = pq_t_list(t, &et);
            c->path = alloc_n(a, t, c->npath, sizeof *c->path);
            for (uint32_t i = 0; i < c->npath && !t->err; i++)
                c->path[i] = read_str(t);
            break;
        case 4: c->codec = pq_t_field_i32(t, &f); break;
        case 5: c->num_values = pq_t_field_i64(t, &f); break;
        case 6: c->total_uncompressed = pq_t_field_i64(t, &f); break;
        case 7: c->total_compressed = pq_t_field_i64(t, &f); break;
        case 9: c->data_page_offset = pq_t_field_i64(t, &f); break;
        case 11: c->dict_page_offset = pq_t_field_i64(t, &f); break;
        case 12:
            if (f.type == PQ_T_STRUCT)
                read_statistics(t, c);
            else
                pq_t_skip(t, f.type);
            break;
        default: pq_t_skip(t, f.type);
        }
    }
}

static void read_colchunk(pq_tin *t, ts_arena *a, pq_colchunk *c)
{
    pq_tfield f;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        if (f.id == 1 && f.type == PQ_T_BINARY)
            c->file_path = read_str(t);
        else if (f.id == 2)
            c->file_offset = pq_t_field_i64(t, &f);
        else if (f.id == 3 && f.type == PQ_T_STRUCT) {
            read_colmeta(t, a, &c->meta);
            c->has_meta = true;
        } else
            pq_t_skip(t, f.type);
    }
}

static void read_rowgroup(pq_tin *t, ts_arena *a, pq_rowgroup *g)
{
    pq_tfield f;
    uint8_t et;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        if (f.id == 1 && f.type == PQ_T_LIST) {
            g->ncols = pq_t_list(t, &et);
            g->cols = alloc_n(a, t, g->ncols, sizeof *g->cols);
            for (uint32_t i = 0; i < g->ncols && !t->err; i++)
                read_colchunk(t, a, &g->cols[i]);
        } else if (f.id == 2)
            g->total_byte_size = pq_t_field_i64(t, &f);
        else if (f.id == 3)
            g->num_rows = pq_t_field_i64(t, &f);
        else
            pq_t_skip(t, f.type);
    }
}

static void read_kv(pq_tin *t, pq_kv *kv)
{
    pq_tfield f;
    pq_t_struct_begin(t, &f);
    while (pq_t_field(t, &f)) {
        if (f.id == 1 && f.type == PQ_T_BINARY)
            kv->key = read_str(t);
        else if (f.id == 2 && f.type == PQ_T_BINARY) {
            kv->value = read_str(t);
            kv->has_value = true;
        } else
            pq_t_skip(t, f.type);
    }
}

int pq_meta_parse(const void *p, size_t n, ts_arena *a, pq_filemeta *m, ts_err *err)
{
    pq_tin t;
    pq_tfield f;
    uint8_t et;
    memset(m, 0, sizeof *m);
    m->num_rows = -1;
    pq_t_init(&t, p, n);
    pq_t_struct_begin(&t, &f);
    while (pq_t_field(&t, &f)) {
        switch (f.id) {
        case 1: m->version = pq_t_field_i32(&t, &f); break;
        case 2:
            m->nschema = pq_t_list(&t, &et);
            m->schema = alloc_n(a, &t, m->nschema, sizeof *m->schema);
            for (uint32_t i = 0; i < m->nschema && !t.err; i++)
                read_schema_el(&t, &m->schema[i]);
            break;
        case 3: m->num_rows = pq_t_field_i64(&t, &f); break;
        case 4:
            m->nrgs = pq_t_list(&t, &et);
            m->rgs = alloc_n(a, &t, m->nrgs, sizeof *m->rgs);
            for (uint32_t i = 0; i < m->nrgs && !t.err; i++)
                read_rowgroup(&t, a, &m->rgs[i]);
            break;
        case 5:
            m->nkvs = pq_t_list(&t, &et);
            m->kvs = alloc_n(a, &t, m->nkvs, sizeof *m->kvs);
            for (uint32_t i = 0; i < m->nkvs && !t.err; i++)
                read_kv(&t, &m->kvs[i]);
            break;
        case 6:
            if (f.type == PQ_T_BINARY)
                m->created_by = read_str(&t);
            else
                pq_t_skip(&t, f.type);
            break;
        case 8: pq_t_fail(&t, "encrypted files are not supported"); break;
        default: pq_t_skip(&t, f.type);
        }
    }
    if (!t.err && m->nschema == 0)
        t.err = "no schema";
    if (!t.err && m->num_rows < 0)
        t.err = "no row count";
    if (t.err)
        return ts_err_set(err, TS_ESCHEMA, "corrupt footer metadata: %s", t.err);
    return 0;
}

/* DataPageHeader (kind 5), DictionaryPageHeader (7), DataPageHeaderV2 (8). */
static void read_data_hdr(pq_tin *t, pq_pagehdr *h, int kind)
{
    pq_tfield f;
    bool v2 = kind == 8, dict = kind == 7;
    pq_t_struct_begin(t, &f);
    h->has_data_hdr = true;
    while (pq_t_field(t, &f)) {
        if (dict && f.id > 2)
            pq_t_skip(t, f.type); /* is_sorted */
        else if (f.id == 1)
            h->num_values = pq_t_field_i32(t, &f);
        else if (v2 && f.id == 2)
            h->num_nulls = pq_t_field_i32(t, &f);
        else if (v2 && f.id == 3)
            h->num_rows = pq_t_field_i32(t, &f);
        else if ((!v2 && f.id == 2) || (v2 && f.id == 4))
            h->encoding = pq_t_field_i32(t, &f);
        else if (!v2 && f.id == 3)
            h->def_encoding = pq_t_field_i32(t, &f);
        else if (!v2 && f.id == 4)
            h->rep_encoding = pq_t_field_i32(t, &f);
        else if (v2 && f.id == 5)
            h->def_len = pq_t_field_i32(t, &f);
        else if (v2 && f.id == 6)
            h->rep_len = pq_t_field_i32(t, &f);
        else if (v2 && f.id == 7)
            h->is_compressed = pq_t_bool(t, f.type);
        else
            pq_t_skip(t, f.type);
    }
}

int pq_page_header(const void *p, size_t n, pq_pagehdr *h, size_t *used, ts_err *err)
{
    pq_tin t;
    pq_tfield f;
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->is_compressed = true; /* the v2 default */
    pq_t_init(&t, p, n);
    pq_t_struct_begin(&t, &f);
    while (pq_t_field(&t, &f)) {
        if (f.id == 1)
            h->type = pq_t_field_i32(&t, &f);
        else if (f.id == 2)
            h->uncompressed_size = pq_t_field_i32(&t, &f);
        else if (f.id == 3)
            h->compressed_size = pq_t_field_i32(&t, &f);
        else if ((f.id == 5 || f.id == 7 || f.id == 8) && f.type == PQ_T_STRUCT)
            read_data_hdr(&t, h, f.id);
        else
            pq_t_skip(&t, f.type);
    }
    if (!t.err && (h->uncompressed_size < 0 || h->compressed_size < 0))
        t.err = "negative page size";
    if (!t.err && h->type != PQ_INDEX_PAGE && !h->has_data_hdr)
        t.err = "page header without its data/dictionary header";
    if (!t.err && (h->num_values < 0 || h->def_len < 0 || h->rep_len < 0 || h->num_nulls < 0))
        t.err = "negative count in the page header";
    if (t.err)
        return ts_err_set(err, TS_ESCHEMA, "corrupt page header: %s", t.err);
    *used = (size_t)(t.p - (const uint8_t *)p);
    return 0;
}
