/* The schema and metadata of an open file, for people (Parquet's schema
 * notation, as parquet-mr and pyarrow print it) and for programs (JSON). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

static const char *const type_names[] = {"boolean", "int32", "int64", "int96", "float", "double", "binary",
                                         "fixed_len_byte_array"};
static const char *const rep_names[] = {"required", "optional", "repeated"};

static const char *unit_name(int u) { return u == PQ_MILLIS ? "MILLIS" : u == PQ_MICROS ? "MICROS" : "NANOS"; }

/* The annotation as written in the schema notation, or "" for none. */
static void annotation(const pq_schema_el *e, char *out, size_t cap)
{
    static const char *const conv[] = {"UTF8",         "MAP",         "MAP_KEY_VALUE", "LIST",
                                       "ENUM",         "DECIMAL",     "DATE",          "TIME_MILLIS",
                                       "TIME_MICROS",  "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8",
                                       "UINT_16",      "UINT_32",     "UINT_64",       "INT_8",
                                       "INT_16",       "INT_32",      "INT_64",        "JSON",
                                       "BSON",         "INTERVAL"};
    static const char *const logical[] = {"",     "STRING", "MAP",     "LIST",    "ENUM", "DECIMAL",
                                          "DATE", "TIME",   "TIMESTAMP", "",      "INTEGER", "UNKNOWN",
                                          "JSON", "BSON",   "UUID",    "FLOAT16"};
    out[0] = 0;
    if (e->logical > 0 && e->logical < (int)(sizeof logical / sizeof *logical) && *logical[e->logical]) {
        if (e->logical == PQ_LT_DECIMAL)
            snprintf(out, cap, "DECIMAL(%d,%d)", e->precision, e->scale);
        else if (e->logical == PQ_LT_TIME || e->logical == PQ_LT_TIMESTAMP)
            snprintf(out, cap, "%s(%s,%s)", logical[e->logical], unit_name(e->unit), e->utc ? "true" : "false");
        else if (e->logical == PQ_LT_INTEGER)
            snprintf(out, cap, "INTEGER(%d,%s)", e->bit_width, e->is_signed ? "true" : "false");
        else
            snprintf(out, cap, "%s", logical[e->logical]);
    } else if (e->converted >= 0 && e->converted < (int)(sizeof conv / sizeof *conv)) {
        if (e->converted == PQ_CT_DECIMAL)
            snprintf(out, cap, "DECIMAL(%d,%d)", e->precision, e->scale);
        else
            snprintf(out, cap, "%s", conv[e->converted]);
    }
}

static int text_node(const pq_schema *s, uint32_t ni, int depth, ts_buf *b)
{
    const pq_node *n = &s->nodes[ni];
    const pq_schema_el *e = n->el;
    char ann[64];
    annotation(e, ann, sizeof ann);
    int rc = ts_buf_printf(b, "%*s%s ", depth * 2, "", rep_names[e->repetition < 0 ? 0 : e->repetition]);
    if (!rc && n->kind == PQ_K_LEAF && e->type == PQ_FLBA)
        rc = ts_buf_printf(b, "fixed_len_byte_array(%d) ", e->type_length);
    else if (!rc)
        rc = ts_buf_printf(b, "%s ", n->kind == PQ_K_LEAF ? type_names[e->type] : "group");
    if (!rc)
        rc = ts_buf_append(b, e->name.p, e->name.n);
    if (!rc && *ann)
        rc = ts_buf_printf(b, " (%s)", ann);
    if (!rc)
        rc = ts_buf_printf(b, n->kind == PQ_K_LEAF ? ";\n" : " {\n");
    for (uint32_t i = 0; !rc && i < n->nchildren; i++)
        rc = text_node(s, n->children[i], depth + 1, b);
    if (!rc && n->kind != PQ_K_LEAF)
        rc = ts_buf_printf(b, "%*s}\n", depth * 2, "");
    return rc;
}

int ts_parquet_schema_text(const ts_parquet *pq, ts_buf *out)
{
    const pq_schema *s = &pq->schema;
    const pq_node *root = &s->nodes[0];
    int rc = ts_buf_printf(out, "message ");
    if (!rc)
        rc = ts_buf_append(out, root->el->name.p, root->el->name.n);
    if (!rc)
        rc = ts_buf_printf(out, " {\n");
    for (uint32_t i = 0; !rc && i < root->nchildren; i++)
        rc = text_node(s, root->children[i], 1, out);
    return rc ? rc : ts_buf_printf(out, "}\n");
}

static void jstr(ts_jb *b, const char *p, size_t n)
{
    bool plain;
    if (pq_utf8_check((const uint8_t *)p, n, &plain))
        ts_jb_str(b, p, n);
    else
        ts_jb_null(b); /* metadata that is not text has no JSON string form */
}

static void json_node(const pq_schema *s, uint32_t ni, ts_jb *b, ts_arena *a)
{
    const pq_node *n = &s->nodes[ni];
    const pq_schema_el *e = n->el;
    char ann[64];
    annotation(e, ann, sizeof ann);
    ts_jb_object(b);
    ts_jb_key(b, "name");
    ts_jb_str(b, e->name.p, e->name.n);
    if (e->repetition >= 0) {
        ts_jb_key(b, "repetition");
        ts_jb_cstr(b, rep_names[e->repetition]);
    }
    if (n->kind == PQ_K_LEAF) {
        ts_jb_key(b, "type");
        ts_jb_cstr(b, type_names[e->type]);
        if (e->type == PQ_FLBA) {
            ts_jb_key(b, "type_length");
            ts_jb_int(b, e->type_length);
        }
    }
    if (*ann) {
        ts_jb_key(b, "logical");
        ts_jb_strdup(b, ann, strlen(ann));
    }
    if (n->kind == PQ_K_LEAF) {
        ts_jb_key(b, "column");
        ts_jb_int(b, n->leaf);
        ts_jb_key(b, "max_definition_level");
        ts_jb_int(b, n->def);
        ts_jb_key(b, "max_repetition_level");
        ts_jb_int(b, n->rep);
    } else {
        ts_jb_key(b, "fields");
        ts_jb_array(b);
        for (uint32_t i = 0; i < n->nchildren; i++)
            json_node(s, n->children[i], b, a);
        ts_jb_end(b);
    }
    ts_jb_end(b);
}

int ts_parquet_schema_json(const ts_parquet *pq, ts_arena *a, ts_json **out)
{
    ts_jb b;
    ts_jb_init(&b, a);
    json_node(&pq->schema, 0, &b, a);
    int rc = ts_jb_finish(&b, out);
    ts_jb_release(&b);
    return rc;
}

static void encodings(ts_jb *b, const pq_colmeta *c)
{
    static const char *const names[] = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
                                        "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
                                        "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    ts_jb_array(b);
    for (uint32_t i = 0; i < c->nencodings; i++) {
        int e = c->encodings[i];
        if (e >= 0 && e < (int)(sizeof names / sizeof *names))
            ts_jb_cstr(b, names[e]);
        else
            ts_jb_int(b, e);
    }
    ts_jb_end(b);
}

static void column_json(const ts_parquet *pq, uint32_t l, const pq_colchunk *cc, ts_jb *b, ts_arena *a)
{
    static const char *const types[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
                                        "FIXED_LEN_BYTE_ARRAY"};
    const pq_colmeta *c = &cc->meta;
    char path[512];
    pq_schema_path(&pq->schema, pq->schema.leaves[l], path, sizeof path);
    ts_jb_object(b);
    ts_jb_key(b, "path");
    ts_jb_strdup(b, path, strlen(path));
    ts_jb_key(b, "type");
    if (c->type >= 0 && c->type <= PQ_FLBA)
        ts_jb_cstr(b, types[c->type]);
    else
        ts_jb_int(b, c->type);
    ts_jb_key(b, "codec");
    ts_jb_cstr(b, pq_codec_name(c->codec));
    ts_jb_key(b, "encodings");
    encodings(b, c);
    ts_jb_key(b, "num_values");
    ts_jb_int(b, c->num_values);
    if (c->null_count >= 0) {
        ts_jb_key(b, "null_count");
        ts_jb_int(b, c->null_count);
    }
    ts_jb_key(b, "compressed_size");
    ts_jb_int(b, c->total_compressed);
    ts_jb_key(b, "uncompressed_size");
    ts_jb_int(b, c->total_uncompressed);
    ts_jb_key(b, "data_page_offset");
    ts_jb_int(b, c->data_page_offset);
    if (c->dict_page_offset >= 0) {
        ts_jb_key(b, "dictionary_page_offset");
        ts_jb_int(b, c->dict_page_offset);
    }
    ts_jb_end(b);
}

int ts_parquet_meta_json(const ts_parquet *pq, ts_arena *a, ts_json **out)
{
    const pq_filemeta *m = &pq->meta;
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    ts_jb_key(&b, "version");
    ts_jb_int(&b, m->version);
    ts_jb_key(&b, "created_by");
    if (m->created_by.p)
        jstr(&b, m->created_by.p, m->created_by.n);
    else
        ts_jb_null(&b);
    ts_jb_key(&b, "num_rows");
    ts_jb_int(&b, m->num_rows);
    ts_jb_key(&b, "num_columns");
    ts_jb_int(&b, pq->schema.nleaves);
    ts_jb_key(&b, "file_size");
    ts_jb_int(&b, (int64_t)pq->size);
    ts_jb_key(&b, "key_value_metadata");
    ts_jb_object(&b);
    for (uint32_t i = 0; i < m->nkvs; i++) {
        bool plain;
        const pq_kv *kv = &m->kvs[i];
        if (!kv->key.p || !pq_utf8_check((const uint8_t *)kv->key.p, kv->key.n, &plain))
            continue;
        ts_jb_str(&b, kv->key.p, kv->key.n);
        if (kv->has_value && kv->value.p)
            jstr(&b, kv->value.p, kv->value.n);
        else
            ts_jb_null(&b);
    }
    ts_jb_end(&b);
    ts_jb_key(&b, "row_groups");
    ts_jb_array(&b);
    for (uint32_t g = 0; g < m->nrgs; g++) {
        const pq_rowgroup *rg = &m->rgs[g];
        ts_jb_object(&b);
        ts_jb_key(&b, "num_rows");
        ts_jb_int(&b, rg->num_rows);
        ts_jb_key(&b, "total_byte_size");
        ts_jb_int(&b, rg->total_byte_size);
        ts_jb_key(&b, "columns");
        ts_jb_array(&b);
        for (uint32_t l = 0; l < rg->ncols; l++)
            column_json(pq, l, &rg->cols[l], &b, a);
        ts_jb_end(&b);
        ts_jb_end(&b);
    }
    ts_jb_end(&b);
    ts_jb_end(&b);
    int rc = ts_jb_finish(&b, out);
    ts_jb_release(&b);
    return rc;
}
