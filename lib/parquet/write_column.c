/* One column chunk: shred the row group's records down to one leaf
 * (Dremel levels), then write an optional dictionary page and data pages
 * v1 of about page_bytes each, cut only where a record starts. */
#include <stdlib.h>
#include <string.h>

#include "write_col.h"

/* --- shredding -------------------------------------------------------------- */

/* Grows *p (of *cap elements of size bytes) to hold need elements. */
static int grow(void *pp, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / size)
        return TS_ETOOBIG;
    void *old;
    memcpy(&old, pp, sizeof old);
    void *q = realloc(old, c * size);
    if (!q)
        return TS_ENOMEM;
    memcpy(pp, &q, sizeof q);
    *cap = c;
    return 0;
}

static int emit(pqw_col *c, int rep, int def, const ts_json *v)
{
    int rc;
    if ((rc = grow(&c->rep, &c->caplev, c->n + 1, sizeof *c->rep)) ||
        (rc = grow(&c->def, &c->capdef, c->n + 1, sizeof *c->def)))
        return rc;
    c->rep[c->n] = (uint16_t)rep;
    c->def[c->n++] = (uint16_t)def;
    if (!v)
        return 0;
    if ((rc = grow(&c->val, &c->capval, c->nv + 1, sizeof *c->val)))
        return rc;
    pqw_val *x = &c->val[c->nv++];
    switch (c->vtype) {
    case PQW_BOOL:
        x->i = v->type == TS_JSON_TRUE;
        return ts_json_is_bool(v) ? 0 : TS_ESCHEMA;
    case PQW_INT64:
        return ts_json_int64(v, &x->i) ? TS_ESCHEMA : 0;
    case PQW_DOUBLE:
        return ts_json_double(v, &x->d) ? TS_ESCHEMA : 0;
    default:
        if (v->type != TS_JSON_STRING)
            return TS_ESCHEMA;
        x->s.p = v->u.s;
        x->s.n = v->len;
        return 0;
    }
}

static int shred(pqw_col *c, pqw_node *const *path, int depth, const ts_json *v, int rep)
{
    const pqw_node *n = path[depth];
    if (!v || v->type == TS_JSON_NULL)
        return emit(c, rep, n->def - 1, NULL);
    int rc = 0;
    switch (n->kind) {
    case PQW_LEAF:
        return emit(c, rep, n->def, v);
    case PQW_STRUCT:
        if (v->type != TS_JSON_OBJECT)
            return TS_ESCHEMA;
        return shred(c, path, depth + 1, ts_json_getn(v, path[depth + 1]->name, path[depth + 1]->name_len), rep);
    case PQW_LIST:
        if (v->type != TS_JSON_ARRAY)
            return TS_ESCHEMA;
        if (v->len == 0)
            return emit(c, rep, n->def, NULL);
        for (uint32_t i = 0; i < v->len && !rc; i++)
            rc = shred(c, path, depth + 1, &v->u.items[i], i ? n->rep + 1 : rep);
        return rc;
    default: /* map */
        if (v->type != TS_JSON_OBJECT)
            return TS_ESCHEMA;
        if (v->len == 0)
            return emit(c, rep, n->def, NULL);
        for (uint32_t i = 0; i < v->len && !rc; i++) {
            int r = i ? n->rep + 1 : rep;
            if (path[depth + 1] == n->kids[0])
                rc = emit(c, r, n->kids[0]->def, &v->u.items[2 * i]);
            else
                rc = shred(c, path, depth + 1, &v->u.items[2 * i + 1], r);
        }
        return rc;
    }
}

/* --- statistics ------------------------------------------------------------------ */

static int cmp(const pqw_col *c, const pqw_val *a, const pqw_val *b)
{
    switch (c->vtype) {
    case PQW_DOUBLE: return (a->d > b->d) - (a->d < b->d);
    case PQW_STRING: {
        size_t m = a->s.n < b->s.n ? a->s.n : b->s.n;
        int r = m ? memcmp(a->s.p, b->s.p, m) : 0; /* unsigned bytes: UTF-8 order */
        return r ? r : (a->s.n > b->s.n) - (a->s.n < b->s.n);
    }
    default: return (a->i > b->i) - (a->i < b->i);
    }
}

static int stat_value(const pqw_col *c, const pqw_val *v, ts_buf *out)
{
    uint8_t b[8];
    switch (c->vtype) {
    case PQW_BOOL:
        b[0] = (uint8_t)v->i;
        return ts_buf_append(out, b, 1);
    case PQW_STRING:
        return ts_buf_append(out, v->s.p, v->s.n);
    default: {
        uint64_t u;
        memcpy(&u, c->vtype == PQW_DOUBLE ? (const void *)&v->d : (const void *)&v->i, 8);
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(u >> (8 * i));
        return ts_buf_append(out, b, 8);
    }
    }
}

static int stats(const pqw_col *c, pqw_chunk *ck)
{
    ck->null_count = (int64_t)(c->n - c->nv);
    if (c->nv == 0)
        return 0;
    size_t lo = 0, hi = 0;
    for (size_t i = 1; i < c->nv; i++) {
        if (cmp(c, &c->val[i], &c->val[lo]) < 0)
            lo = i;
        if (cmp(c, &c->val[i], &c->val[hi]) > 0)
            hi = i;
    }
    if (c->vtype == PQW_STRING && (c->val[lo].s.n > PQW_STAT_MAX || c->val[hi].s.n > PQW_STAT_MAX))
        return 0; /* long text makes big footers and useless bounds */
    pqw_val mn = c->val[lo], mx = c->val[hi];
    if (c->vtype == PQW_DOUBLE) { /* the spec: a zero bound is written as -0.0 / +0.0 */
        if (mn.d == 0)
            mn.d = -0.0;
        if (mx.d == 0)
            mx.d = 0.0;
    }
    int rc = stat_value(c, &mn, &ck->min);
    rc = rc ? rc : stat_value(c, &mx, &ck->max);
    ck->has_minmax = rc == 0;
    return rc;
}

/* --- the chunk --------------------------------------------------------------------- */

int pqw_column_write(const pqw_node *leaf, const ts_json *const *rows, size_t n, const pqw_colopts *o,
                     pqw_sink *sink, pqw_chunk *ck, ts_err *err)
{
    pqw_node *path[2 * PQW_MAX_DEPTH + 4]; /* root (the record) down to leaf */
    int depth = 1;
    for (const pqw_node *x = leaf; x->parent; x = x->parent)
        depth++;
    if (depth > (int)(sizeof path / sizeof *path))
        return ts_err_set(err, TS_ESCHEMA, "schema nested too deep");
    int k = depth;
    for (const pqw_node *x = leaf; x; x = x->parent)
        path[--k] = (pqw_node *)x;

    memset(ck, 0, sizeof *ck);
    ts_buf_init(&ck->min, 0);
    ts_buf_init(&ck->max, 0);
    ck->dict_page_offset = -1;
    pqw_col c;
    memset(&c, 0, sizeof c);
    c.vtype = leaf->vtype;
    c.max_def = leaf->def;
    c.max_rep = leaf->rep;
    int rc = 0;
    for (size_t r = 0; r < n && !rc; r++)
        rc = shred(&c, path, 0, rows[r], 0);
    if (rc == TS_ESCHEMA)
        ts_err_set(err, rc, "column '%s': a record does not match the schema", leaf->name);
    if (!rc && !(rc = stats(&c, ck)))
        rc = pqw_pages_write(&c, o, sink, ck, err);
    free(c.rep);
    free(c.def);
    free(c.val);
    return rc;
}

void pqw_chunk_release(pqw_chunk *ck)
{
    ts_buf_release(&ck->min);
    ts_buf_release(&ck->max);
}
