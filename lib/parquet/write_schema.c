/* The writer's schema: inferred record by record (each merge all or
 * nothing, through an undo log of saved nodes), or built from a template;
 * then frozen into Parquet's tree with its levels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "write_int.h"

typedef struct mctx {
    pqw_schema *s;
    ts_err *err;
    char path[200];
    size_t plen;
} mctx;

static pqw_node *node_new(pqw_schema *s, const char *name, size_t len, pqw_node *parent)
{
    if (s->nnodes >= PQW_MAX_NODES)
        return NULL;
    pqw_node *n = ts_arena_alloc(&s->arena, sizeof *n);
    char *nm = ts_arena_alloc(&s->arena, len + 1);
    if (!n || !nm)
        return NULL;
    memset(n, 0, sizeof *n);
    memcpy(nm, name, len);
    nm[len] = '\0';
    n->name = nm;
    n->name_len = len;
    n->parent = parent;
    s->nnodes++;
    return n;
}

static int add_kid(pqw_schema *s, pqw_node *n, pqw_node *kid)
{
    if (n->nkids == n->capkids) {
        uint32_t cap = n->capkids ? n->capkids * 2 : 4;
        pqw_node **k = ts_arena_alloc(&s->arena, cap * sizeof *k);
        if (!k)
            return TS_ENOMEM;
        if (n->nkids)
            memcpy(k, n->kids, n->nkids * sizeof *k);
        n->kids = k;
        n->capkids = cap;
    }
    n->kids[n->nkids++] = kid;
    return 0;
}

int pqw_schema_init(pqw_schema *s)
{
    memset(s, 0, sizeof *s);
    ts_arena_init(&s->arena);
    s->root = node_new(s, "schema", 6, NULL);
    if (!s->root)
        return TS_ENOMEM;
    s->root->kind = PQW_STRUCT;
    return 0;
}

void pqw_schema_release(pqw_schema *s)
{
    ts_arena_release(&s->arena);
    free(s->undo);
    free(s->leaves);
    memset(s, 0, sizeof *s);
}

/* Saves n before its first change in this merge, for the undo. */
static int save(pqw_schema *s, pqw_node *n)
{
    if (n->txn == s->txn)
        return 0;
    if (s->nundo == s->capundo) {
        size_t cap = s->capundo ? s->capundo * 2 : 32;
        if (cap > 4 * (size_t)PQW_MAX_NODES)
            return TS_ENOMEM;
        pqw_undo *u = realloc(s->undo, cap * sizeof *u);
        if (!u)
            return TS_ENOMEM;
        s->undo = u;
        s->capundo = cap;
    }
    n->txn = s->txn;
    s->undo[s->nundo].node = n;
    s->undo[s->nundo++].saved = *n;
    return 0;
}

static const char *json_kind(const ts_json *v)
{
    static const char *const k[] = {"null", "false", "true", "a number", "a string", "an array", "an object"};
    return v->type <= TS_JSON_OBJECT ? k[v->type] : "?";
}

static const char *node_kind(const pqw_node *n)
{
    static const char *const leaf[] = {"?", "boolean", "int64", "double", "string"};
    return n->kind == PQW_LEAF ? leaf[n->vtype] : n->kind == PQW_STRUCT ? "object" : n->kind == PQW_LIST ? "array" : "map";
}

static int mismatch(mctx *c, const pqw_node *n, const ts_json *v)
{
    return ts_err_set(c->err, TS_ESCHEMA, "field '%s' is %s in the schema, not %s", c->plen ? c->path : "(record)",
                      node_kind(n), json_kind(v));
}

/* Integer text that fits int64: stays INT64, and reads back the same. */
static bool int_text(const ts_json *v)
{
    const char *p = v->u.s;
    size_t i = v->len > 0 && p[0] == '-';
    if (i >= v->len)
        return false;
    for (size_t k = i; k < v->len; k++)
        if (p[k] < '0' || p[k] > '9')
            return false;
    int64_t x;
    return ts_json_int64(v, &x) == 0;
}

static size_t path_push(mctx *c, const char *sep, const char *name, size_t len)
{
    size_t old = c->plen;
    int n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "%s%.*s", c->plen ? sep : "", (int)len, name);
    if (n > 0)
        c->plen = c->plen + (size_t)n < sizeof c->path ? c->plen + (size_t)n : sizeof c->path - 1;
    return old;
}

static void path_pop(mctx *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

static int merge(mctx *c, pqw_node *n, const ts_json *v, int depth);

static int merge_struct(mctx *c, pqw_node *n, const ts_json *v, int depth)
{
    pqw_schema *s = c->s;
    int rc;
    if ((rc = save(s, n)))
        return rc;
    for (uint32_t i = 0; i < n->nkids; i++) {
        pqw_node *f = n->kids[i];
        if (!f->absent && !ts_json_getn(v, f->name, f->name_len)) {
            if ((rc = save(s, f)))
                return rc;
            f->absent = true;
        }
    }
    for (uint32_t i = 0; i < v->len; i++) {
        const ts_json *k = &v->u.items[2 * i], *mv = &v->u.items[2 * i + 1];
        pqw_node *f = NULL;
        for (uint32_t j = 0; j < n->nkids && !f; j++)
            if (n->kids[j]->name_len == k->len && memcmp(n->kids[j]->name, k->u.s, k->len) == 0)
                f = n->kids[j];
        size_t old = path_push(c, ".", k->u.s, k->len);
        if (!f) {
            if (s->frozen) {
                rc = ts_err_set(c->err, TS_ESCHEMA, "field '%s' is not in the schema%s", c->path,
                                s->given ? "" : " (inferred from the first row group)");
                path_pop(c, old);
                return rc;
            }
            if (k->len == 0 || memchr(k->u.s, '\0', k->len)) {
                rc = ts_err_set(c->err, TS_ESCHEMA, "field '%s': empty key or NUL in a key", c->path);
                path_pop(c, old);
                return rc;
            }
            if (!(f = node_new(s, k->u.s, k->len, n)) || add_kid(s, n, f)) {
                path_pop(c, old);
                return s->nnodes >= PQW_MAX_NODES
                           ? ts_err_set(c->err, TS_ESCHEMA, "more than %d schema fields", PQW_MAX_NODES)
                           : TS_ENOMEM;
            }
            f->txn = s->txn; /* new: dropped with the undo, nothing to save */
            f->absent = n->seen > 0;
        }
        if (mv->type == TS_JSON_NULL) {
            if (!f->nulled && (rc = save(s, f)) == 0)
                f->nulled = true;
        } else {
            rc = merge(c, f, mv, depth + 1);
        }
        path_pop(c, old);
        if (rc)
            return rc;
    }
    n->seen++;
    return 0;
}

static int merge(mctx *c, pqw_node *n, const ts_json *v, int depth)
{
    pqw_schema *s = c->s;
    int rc;
    if (depth > PQW_MAX_DEPTH)
        return ts_err_set(c->err, TS_ESCHEMA, "field '%s': nested deeper than %d", c->path, PQW_MAX_DEPTH);
    if (v->type == TS_JSON_NULL)
        return 0;
    if (n->kind == PQW_LEAF && n->vtype == PQW_UNKNOWN) {
        if ((rc = save(s, n)))
            return rc;
        switch (v->type) {
        case TS_JSON_TRUE:
        case TS_JSON_FALSE: n->vtype = PQW_BOOL; break;
        case TS_JSON_NUMBER: n->vtype = int_text(v) ? PQW_INT64 : PQW_DOUBLE; break;
        case TS_JSON_STRING: n->vtype = PQW_STRING; break;
        case TS_JSON_OBJECT: n->kind = PQW_STRUCT; break;
        default: {
            pqw_node *e = node_new(s, "element", 7, n);
            if (!e || add_kid(s, n, e))
                return s->nnodes >= PQW_MAX_NODES
                           ? ts_err_set(c->err, TS_ESCHEMA, "more than %d schema fields", PQW_MAX_NODES)
                           : TS_ENOMEM;
            e->txn = s->txn;
            n->kind = PQW_LIST;
        }
        }
    }
    switch (n->kind) {
    case PQW_LEAF:
        switch (n->vtype) {
        case PQW_BOOL: return ts_json_is_bool(v) ? 0 : mismatch(c, n, v);
        case PQW_STRING: return v->type == TS_JSON_STRING ? 0 : mismatch(c, n, v);
        case PQW_DOUBLE: return v->type == TS_JSON_NUMBER ? 0 : mismatch(c, n, v);
        default:
            if (v->type != TS_JSON_NUMBER)
                return mismatch(c, n, v);
            if (int_text(v))
                return 0;
            if (s->frozen)
                return ts_err_set(c->err, TS_ESCHEMA, "field '%s' is int64 in the schema, not a fractional number",
                                  c->plen ? c->path : "(record)");
            if ((rc = save(s, n)))
                return rc;
            n->vtype = PQW_DOUBLE; /* integers and fractions together: double */
            return 0;
        }
    case PQW_LIST:
        if (v->type != TS_JSON_ARRAY)
            return mismatch(c, n, v);
        for (uint32_t i = 0; i < v->len; i++) {
            size_t old = path_push(c, "", "[]", 2);
            rc = merge(c, n->kids[0], &v->u.items[i], depth + 1);
            path_pop(c, old);
            if (rc)
                return rc;
        }
        return 0;
    case PQW_MAP:
        if (v->type != TS_JSON_OBJECT)
            return mismatch(c, n, v);
        for (uint32_t i = 0; i < v->len; i++) {
            size_t old = path_push(c, ".", "*", 1);
            rc = merge(c, n->kids[1], &v->u.items[2 * i + 1], depth + 1);
            path_pop(c, old);
            if (rc)
                return rc;
        }
        return 0;
    default:
        if (v->type != TS_JSON_OBJECT)
            return mismatch(c, n, v);
        return merge_struct(c, n, v, depth);
    }
}

int pqw_schema_merge(pqw_schema *s, const ts_json *rec, ts_err *err)
{
    mctx c = {s, err, {0}, 0};
    if (!rec || rec->type != TS_JSON_OBJECT)
        return ts_err_set(err, TS_ESCHEMA, "a Parquet row must be a JSON object, not %s", rec ? json_kind(rec) : "nothing");
    s->txn++;
    s->nundo = 0;
    size_t nnodes = s->nnodes;
    int rc = merge(&c, s->root, rec, 0);
    if (rc) {
        while (s->nundo > 0) {
            pqw_undo *u = &s->undo[--s->nundo];
            *u->node = u->saved;
        }
        s->nnodes = nnodes;
    }
    return rc;
}
