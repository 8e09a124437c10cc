/* The writer's schema as Parquet sees it: the frozen tree with its
 * definition and repetition levels, the SchemaElement list of the footer,
 * column paths, and schemas given as record-shaped templates. */
#include <stdlib.h>
#include <string.h>

#include "write_int.h"

/* Parquet enum values (parquet.thrift). */
enum { T_BOOLEAN = 0, T_INT64 = 2, T_DOUBLE = 5, T_BYTE_ARRAY = 6 };
enum { R_REQUIRED = 0, R_OPTIONAL = 1, R_REPEATED = 2 };
enum { CT_UTF8 = 0, CT_MAP = 1, CT_LIST = 3 };
enum { LT_STRING = 1, LT_MAP = 2, LT_LIST = 3 };

static pqw_node *kid_new(pqw_schema *s, pqw_node *parent, const char *name)
{
    if (s->nnodes >= PQW_MAX_NODES)
        return NULL;
    pqw_node *n = ts_arena_alloc(&s->arena, sizeof *n);
    pqw_node **k = ts_arena_alloc(&s->arena, 2 * sizeof *k);
    if (!n || !k)
        return NULL;
    memset(n, 0, sizeof *n);
    n->name = name; /* static: "element", "key", "value" */
    n->name_len = strlen(name);
    n->parent = parent;
    if (parent->nkids == 0) {
        parent->kids = k;
        parent->capkids = 2;
    }
    parent->kids[parent->nkids++] = n;
    s->nnodes++;
    return n;
}

/* A struct that never had a key cannot be a Parquet group (no children):
 * it is a map, which reads back as {} and takes keys later. */
static int as_map(pqw_schema *s, pqw_node *n)
{
    n->kind = PQW_MAP;
    n->nkids = 0;
    pqw_node *k = kid_new(s, n, "key"), *v = k ? kid_new(s, n, "value") : NULL;
    if (!v)
        return TS_ENOMEM;
    k->kind = v->kind = PQW_LEAF;
    k->vtype = PQW_STRING;
    k->required = true;
    return 0;
}

static int freeze(pqw_schema *s, pqw_node *n, int def, int rep, size_t *cap)
{
    int rc;
    if (n->kind == PQW_STRUCT && n->nkids == 0 && n->parent && (rc = as_map(s, n)))
        return rc;
    if (n->kind == PQW_LEAF && n->vtype == PQW_UNKNOWN)
        n->vtype = PQW_STRING;
    n->def = (int16_t)(def + (n->parent && !n->required));
    n->rep = (int16_t)rep;
    switch (n->kind) {
    case PQW_LEAF:
        if (s->nleaves == *cap) {
            size_t c = *cap ? *cap * 2 : 16;
            pqw_node **l = realloc(s->leaves, c * sizeof *l);
            if (!l)
                return TS_ENOMEM;
            s->leaves = l;
            *cap = c;
        }
        s->leaves[s->nleaves++] = n;
        return 0;
    case PQW_STRUCT:
        for (uint32_t i = 0; i < n->nkids; i++)
            if ((rc = freeze(s, n->kids[i], n->def, rep, cap)))
                return rc;
        return 0;
    default: /* list, map: a repeated group between n and its kids */
        for (uint32_t i = 0; i < n->nkids; i++)
            if ((rc = freeze(s, n->kids[i], n->def + 1, rep + 1, cap)))
                return rc;
        return 0;
    }
}

int pqw_schema_freeze(pqw_schema *s)
{
    if (s->leaves)
        return 0;
    s->frozen = true;
    size_t cap = 0;
    int rc = freeze(s, s->root, 0, 0, &cap);
    if (rc == 0 && s->nleaves == 0)
        rc = TS_ESCHEMA; /* Parquet needs a column: the records had no field */
    return rc;
}

/* --- the footer's SchemaElement list ------------------------------------ */

static size_t count(const pqw_node *n)
{
    size_t c = 1 + (n->kind == PQW_LIST || n->kind == PQW_MAP);
    for (uint32_t i = 0; i < n->nkids; i++)
        c += count(n->kids[i]);
    return c;
}

static void element(pqw_tenc *t, const char *name, size_t len, int type, int rep, int nkids, int ct, int lt)
{
    pqw_t_elem_struct(t);
    if (type >= 0)
        pqw_t_i32(t, 1, type);
    if (rep >= 0)
        pqw_t_i32(t, 3, rep);
    pqw_t_binary(t, 4, name, len);
    if (nkids >= 0)
        pqw_t_i32(t, 5, nkids);
    if (ct >= 0)
        pqw_t_i32(t, 6, ct);
    if (lt > 0) { /* LogicalType union: one empty struct member */
        pqw_t_struct(t, 10);
        pqw_t_struct(t, (int16_t)lt);
        pqw_t_end(t);
        pqw_t_end(t);
    }
    pqw_t_end(t);
}

static void write_node(const pqw_node *n, pqw_tenc *t)
{
    int rep = n->required ? R_REQUIRED : R_OPTIONAL;
    switch (n->kind) {
    case PQW_LEAF: {
        static const int types[] = {T_BYTE_ARRAY, T_BOOLEAN, T_INT64, T_DOUBLE, T_BYTE_ARRAY};
        bool str = n->vtype == PQW_STRING;
        element(t, n->name, n->name_len, types[n->vtype], rep, -1, str ? CT_UTF8 : -1, str ? LT_STRING : 0);
        return;
    }
    case PQW_STRUCT:
        element(t, n->name, n->name_len, -1, rep, (int)n->nkids, -1, 0);
        break;
    case PQW_LIST:
        element(t, n->name, n->name_len, -1, rep, 1, CT_LIST, LT_LIST);
        element(t, "list", 4, -1, R_REPEATED, 1, -1, 0);
        break;
    default:
        element(t, n->name, n->name_len, -1, rep, 1, CT_MAP, LT_MAP);
        element(t, "key_value", 9, -1, R_REPEATED, 2, -1, 0);
        break;
    }
    for (uint32_t i = 0; i < n->nkids; i++)
        write_node(n->kids[i], t);
}

void pqw_schema_write(const pqw_schema *s, pqw_tenc *t)
{
    pqw_t_list(t, 2, PQW_T_STRUCT, count(s->root));
    element(t, "schema", 6, -1, -1, (int)s->root->nkids, -1, 0);
    for (uint32_t i = 0; i < s->root->nkids; i++)
        write_node(s->root->kids[i], t);
}

size_t pqw_leaf_path(const pqw_node *leaf, const char **names, size_t cap)
{
    const char *rev[2 * PQW_MAX_DEPTH + 4];
    size_t n = 0;
    for (const pqw_node *x = leaf; x->parent && n + 2 <= sizeof rev / sizeof *rev; x = x->parent) {
        rev[n++] = x->name;
        if (x->parent->kind == PQW_LIST)
            rev[n++] = "list";
        else if (x->parent->kind == PQW_MAP)
            rev[n++] = "key_value";
    }
    size_t k = 0;
    while (n > 0 && k < cap)
        names[k++] = rev[--n];
    return k;
}

/* --- "tuneset.absent_fields" ----------------------------------------------- */

static int absent(const pqw_node *n, ts_buf *path, ts_buf *out)
{
    int rc = 0;
    for (uint32_t i = 0; i < n->nkids && !rc; i++) {
        const pqw_node *k = n->kids[i];
        size_t mark = path->len;
        if (n->kind == PQW_STRUCT) {
            if (n->parent)
                rc = ts_buf_putc(path, '.');
            rc = rc ? rc : ts_buf_append(path, k->name, k->name_len);
        } else if (n->kind == PQW_LIST) {
            rc = ts_buf_append(path, "[]", 2);
        } else if (i == 0) {
            continue; /* map keys */
        } else {
            rc = ts_buf_append(path, ".*", 2);
        }
        if (!rc && n->kind == PQW_STRUCT && k->absent && !k->nulled) {
            rc = ts_buf_putc(out, out->len ? ',' : '[');
            rc = rc ? rc : ts_json_write_string(out, path->data, path->len);
        }
        rc = rc ? rc : absent(k, path, out);
        path->len = mark;
    }
    return rc;
}

int pqw_schema_absent(const pqw_schema *s, ts_buf *out)
{
    ts_buf path;
    ts_buf_init(&path, 1 << 20);
    out->len = 0;
    int rc = absent(s->root, &path, out);
    ts_buf_release(&path);
    if (!rc && out->len)
        rc = ts_buf_putc(out, ']');
    return rc;
}

/* --- schemas given as templates --------------------------------------------- */

static int from_tpl(pqw_schema *s, pqw_node *n, const ts_json *t, int depth, ts_err *err)
{
    static const char *const leaves[] = {"boolean", "int64", "double", "string"};
    if (depth > PQW_MAX_DEPTH)
        return ts_err_set(err, TS_EINVAL, "schema template nested deeper than %d", PQW_MAX_DEPTH);
    if (t->type == TS_JSON_STRING) {
        for (int i = 0; i < 4; i++)
            if (ts_json_str_eq(t, leaves[i])) {
                n->kind = PQW_LEAF;
                n->vtype = (uint8_t)(PQW_BOOL + i);
                return 0;
            }
        return ts_err_set(err, TS_EINVAL, "schema template: field '%s' has unknown type '%.*s'", n->name,
                          (int)(t->len > 40 ? 40 : t->len), t->u.s);
    }
    if (t->type == TS_JSON_ARRAY && t->len == 1) {
        n->kind = PQW_LIST;
        pqw_node *e = kid_new(s, n, "element");
        return e ? from_tpl(s, e, &t->u.items[0], depth + 1, err) : TS_ENOMEM;
    }
    if (t->type == TS_JSON_OBJECT && t->len == 1 && ts_json_str_eq(&t->u.items[0], "$map")) {
        if (!n->parent)
            return ts_err_set(err, TS_EINVAL, "schema template: the record itself cannot be a map");
        int rc = as_map(s, n);
        return rc ? rc : from_tpl(s, n->kids[1], &t->u.items[1], depth + 1, err);
    }
    if (t->type == TS_JSON_OBJECT && t->len > 0) {
        n->kind = PQW_STRUCT;
        n->kids = ts_arena_alloc(&s->arena, t->len * sizeof *n->kids);
        if (!n->kids)
            return TS_ENOMEM;
        n->capkids = t->len;
        for (uint32_t i = 0; i < t->len; i++) {
            const ts_json *k = &t->u.items[2 * i];
            if (s->nnodes >= PQW_MAX_NODES)
                return ts_err_set(err, TS_EINVAL, "schema template has more than %d fields", PQW_MAX_NODES);
            if (k->len == 0 || memchr(k->u.s, '\0', k->len) || ts_json_getn(t, k->u.s, k->len) != &t->u.items[2 * i + 1])
                return ts_err_set(err, TS_EINVAL, "schema template: empty, NUL-holding or repeated key");
            pqw_node *f = ts_arena_alloc(&s->arena, sizeof *f);
            char *nm = ts_arena_dup(&s->arena, k->u.s, k->len + 1);
            if (!f || !nm)
                return TS_ENOMEM;
            memset(f, 0, sizeof *f);
            nm[k->len] = '\0';
            f->name = nm;
            f->name_len = k->len;
            f->parent = n;
            n->kids[n->nkids++] = f;
            s->nnodes++;
            int rc = from_tpl(s, f, &t->u.items[2 * i + 1], depth + 1, err);
            if (rc)
                return rc;
        }
        return 0;
    }
    return ts_err_set(err, TS_EINVAL, "schema template: field '%s' must be a type name, [type], {fields} or "
                      "{\"$map\": type}", n->name);
}

int pqw_schema_from_template(pqw_schema *s, const ts_json *tpl, ts_err *err)
{
    if (!tpl || tpl->type != TS_JSON_OBJECT || tpl->len == 0)
        return ts_err_set(err, TS_EINVAL, "schema template must be an object with at least one field");
    s->given = true;
    int rc = from_tpl(s, s->root, tpl, 0, err);
    if (rc == 0 && (rc = pqw_schema_freeze(s)))
        ts_err_set(err, rc, "schema template: %s", ts_strerror(rc));
    return rc;
}
