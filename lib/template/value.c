/* Template values: construction from JSON, truth, equality and order as
 * Python defines them. Printing is in print.c. */
#include <string.h>

#include "tpl_int.h"

void *tpl_alloc(tpl_ctx *c, size_t n)
{
    void *p = ts_arena_alloc(c->a, n ? n : 1);
    if (!p) {
        c->code = TS_ENOMEM;
        ts_err_set(c->err, TS_ENOMEM, "out of memory");
        longjmp(c->jb, 1);
    }
    return p;
}

void tpl_put(tpl_ctx *c, ts_buf *b, const void *p, size_t n)
{
    int rc = ts_buf_append(b, p, n);
    if (rc) {
        c->code = rc;
        ts_err_set(c->err, rc, "rendered text: %s", ts_strerror(rc));
        longjmp(c->jb, 1);
    }
}

tv tpl_list_new(tpl_ctx *c, size_t n)
{
    tpl_list *l = tpl_alloc(c, sizeof *l);
    l->it = tpl_alloc(c, n * sizeof(tv));
    memset(l->it, 0, n * sizeof(tv));
    l->n = n;
    tv v = {TV_LIST, 0, 0, {.l = l}};
    return v;
}

tv tpl_dict_new(tpl_ctx *c, size_t cap)
{
    tpl_dict *d = tpl_alloc(c, sizeof *d);
    d->cap = cap ? cap : 4;
    d->n = 0;
    d->keys = tpl_alloc(c, d->cap * sizeof(tv));
    d->vals = tpl_alloc(c, d->cap * sizeof(tv));
    tv v = {TV_DICT, 0, 0, {.d = d}};
    return v;
}

tv *tpl_dict_getv(const tpl_dict *d, tv key)
{
    for (size_t i = 0; i < d->n; i++)
        if (tpl_equal(d->keys[i], key))
            return &d->vals[i];
    return NULL;
}

tv *tpl_dict_get(const tpl_dict *d, const char *k, size_t kn)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->keys[i].k == TV_STR && d->keys[i].n == kn && !memcmp(d->keys[i].u.s, k, kn))
            return &d->vals[i];
    return NULL;
}

void tpl_dict_put(tpl_ctx *c, tpl_dict *d, tv key, tv val)
{
    tv *old = tpl_dict_getv(d, key);
    if (old) {
        *old = val;
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap * 2;
        tv *k = tpl_alloc(c, cap * sizeof(tv)), *v = tpl_alloc(c, cap * sizeof(tv));
        memcpy(k, d->keys, d->n * sizeof(tv));
        memcpy(v, d->vals, d->n * sizeof(tv));
        d->keys = k;
        d->vals = v;
        d->cap = cap;
    }
    d->keys[d->n] = key;
    d->vals[d->n++] = val;
}

tv tpl_from_json(tpl_ctx *c, const ts_json *j)
{
    if (!j)
        return tv_none();
    switch (j->type) {
    case TS_JSON_NULL: return tv_none();
    case TS_JSON_TRUE: return tv_bool(true);
    case TS_JSON_FALSE: return tv_bool(false);
    case TS_JSON_STRING: return tv_str(j->u.s, j->len);
    case TS_JSON_NUMBER: {
        bool f = false;
        for (uint32_t i = 0; i < j->len; i++)
            f |= j->u.s[i] == '.' || j->u.s[i] == 'e' || j->u.s[i] == 'E';
        int64_t iv;
        if (!f && ts_json_int64(j, &iv) == 0)
            return tv_int(iv);
        double d = 0;
        ts_json_double(j, &d);
        return tv_float(d);
    }
    case TS_JSON_ARRAY: {
        tv l = tpl_list_new(c, j->len);
        for (uint32_t i = 0; i < j->len; i++)
            l.u.l->it[i] = tpl_from_json(c, &j->u.items[i]);
        return l;
    }
    default: {
        tv d = tpl_dict_new(c, j->len);
        /* JSON objects may repeat a key; like Python's json, the last wins. */
        for (uint32_t i = 0; i < 2 * j->len; i += 2)
            tpl_dict_put(c, d.u.d, tv_str(j->u.items[i].u.s, j->u.items[i].len),
                         tpl_from_json(c, &j->u.items[i + 1]));
        return d;
    }
    }
}

bool tpl_truthy(tv v)
{
    switch (v.k) {
    case TV_UNDEF:
    case TV_NONE: return false;
    case TV_BOOL:
    case TV_INT: return v.u.i != 0;
    case TV_FLOAT: return v.u.f != 0;
    case TV_STR: return v.n != 0;
    case TV_LIST: return v.u.l->n != 0;
    case TV_DICT: return v.u.d->n != 0;
    default: return true;
    }
}

static bool is_num(tv v) { return v.k == TV_INT || v.k == TV_BOOL || v.k == TV_FLOAT; }
static double num(tv v) { return v.k == TV_FLOAT ? v.u.f : (double)v.u.i; }

bool tpl_equal(tv a, tv b)
{
    if (is_num(a) && is_num(b)) {
        if (a.k != TV_FLOAT && b.k != TV_FLOAT)
            return a.u.i == b.u.i;
        return num(a) == num(b);
    }
    if (a.k != b.k)
        return (a.k == TV_NONE && b.k == TV_NONE);
    switch (a.k) {
    case TV_UNDEF:
    case TV_NONE: return true;
    case TV_STR: return a.n == b.n && !memcmp(a.u.s, b.u.s, a.n);
    case TV_LIST:
        if (a.u.l->n != b.u.l->n || (a.fl & TVF_TUPLE) != (b.fl & TVF_TUPLE))
            return false;
        for (size_t i = 0; i < a.u.l->n; i++)
            if (!tpl_equal(a.u.l->it[i], b.u.l->it[i]))
                return false;
        return true;
    case TV_DICT:
        if (a.u.d->n != b.u.d->n)
            return false;
        for (size_t i = 0; i < a.u.d->n; i++) {
            tv *o = tpl_dict_getv(b.u.d, a.u.d->keys[i]);
            if (!o || !tpl_equal(a.u.d->vals[i], *o))
                return false;
        }
        return true;
    default: return a.u.d == b.u.d;
    }
}

int tpl_compare(tpl_ctx *c, tv a, tv b)
{
    if (is_num(a) && is_num(b)) {
        if (a.k != TV_FLOAT && b.k != TV_FLOAT)
            return (a.u.i > b.u.i) - (a.u.i < b.u.i);
        double x = num(a), y = num(b);
        return (x > y) - (x < y);
    }
    if (a.k == TV_STR && b.k == TV_STR) {
        /* UTF-8 byte order is code point order, as Python compares */
        int r = memcmp(a.u.s, b.u.s, a.n < b.n ? a.n : b.n);
        return r ? (r > 0) - (r < 0) : (a.n > b.n) - (a.n < b.n);
    }
    if (a.k == TV_LIST && b.k == TV_LIST) {
        size_t n = a.u.l->n < b.u.l->n ? a.u.l->n : b.u.l->n;
        for (size_t i = 0; i < n; i++) {
            if (!tpl_equal(a.u.l->it[i], b.u.l->it[i]))
                return tpl_compare(c, a.u.l->it[i], b.u.l->it[i]);
        }
        return (a.u.l->n > b.u.l->n) - (a.u.l->n < b.u.l->n);
    }
    tpl_fail(c, "'<' not supported between instances of '%s' and '%s'", tpl_kind_name(a), tpl_kind_name(b));
}

const char *tpl_kind_name(tv v)
{
    static const char *const names[] = {"Undefined", "NoneType", "bool", "int", "float", "str",
                                        "list", "dict", "Namespace", "Macro", "function", "LoopContext"};
    if (v.k == TV_LIST && (v.fl & TVF_TUPLE))
        return "tuple";
    return names[v.k];
}
