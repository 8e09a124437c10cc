/* Template values: construction from JSON, truth, equality and order as
 * Python defines them, and printing with Python's str()/repr() rules
 * (True, None, 1.0, ['a', "b'c"], {'k': 1}). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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

/* Python's repr(float): the shortest digits that read back the same,
 * fixed notation for exponents -4..15, else d.ddde+XX. */
static void write_float(tpl_ctx *c, ts_buf *b, double f)
{
    char t[64], digs[32];
    if (isnan(f)) {
        tpl_put(c, b, "nan", 3);
        return;
    }
    if (isinf(f)) {
        tpl_put(c, b, f < 0 ? "-inf" : "inf", f < 0 ? 4 : 3);
        return;
    }
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(t, sizeof t, "%.*e", p - 1, f);
        if (strtod(t, NULL) == f)
            break;
    }
    /* t = [-]d.ddde[+-]XX */
    const char *s = t;
    bool neg = *s == '-';
    if (neg)
        s++;
    int nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.')
            digs[nd++] = *s;
    int exp = atoi(s + 1);
    while (nd > 1 && digs[nd - 1] == '0')
        nd--;
    char o[64];
    int k = 0;
    if (neg)
        o[k++] = '-';
    if (exp >= -4 && exp < 16) {
        if (exp < 0) {
            o[k++] = '0';
            o[k++] = '.';
            for (int i = -1; i > exp; i--)
                o[k++] = '0';
            for (int i = 0; i < nd; i++)
                o[k++] = digs[i];
        } else {
            for (int i = 0; i <= exp; i++)
                o[k++] = i < nd ? digs[i] : '0';
            o[k++] = '.';
            if (nd > exp + 1)
                for (int i = exp + 1; i < nd; i++)
                    o[k++] = digs[i];
            else
                o[k++] = '0';
        }
    } else {
        o[k++] = digs[0];
        if (nd > 1) {
            o[k++] = '.';
            for (int i = 1; i < nd; i++)
                o[k++] = digs[i];
        }
        k += snprintf(o + k, sizeof o - (size_t)k, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
    tpl_put(c, b, o, (size_t)k);
}

static void write_repr_str(tpl_ctx *c, ts_buf *b, const char *s, size_t n)
{
    bool sq = memchr(s, '\'', n) != NULL, dq = memchr(s, '"', n) != NULL;
    char q = sq && !dq ? '"' : '\'';
    tpl_put(c, b, &q, 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char e[8];
        if (ch == '\\' || ch == (unsigned char)q) {
            e[0] = '\\';
            e[1] = (char)ch;
            tpl_put(c, b, e, 2);
        } else if (ch == '\n') {
            tpl_put(c, b, "\\n", 2);
        } else if (ch == '\r') {
            tpl_put(c, b, "\\r", 2);
        } else if (ch == '\t') {
            tpl_put(c, b, "\\t", 2);
        } else if (ch < 0x20 || ch == 0x7f) {
            snprintf(e, sizeof e, "\\x%02x", ch);
            tpl_put(c, b, e, 4);
        } else if (ch < 0x80) {
            tpl_put(c, b, s + i, 1);
        } else {
            /* repr escapes what str.isprintable() rejects: separators
             * (other than space), controls, format characters, unassigned */
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k <= 0) {
                tpl_put(c, b, s + i, 1);
                continue;
            }
            utf8proc_category_t cat = utf8proc_category(cp);
            if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
                cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CS ||
                cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CN) {
                char u[16];
                int w = cp < 0x100 ? snprintf(u, sizeof u, "\\x%02x", (unsigned)cp)
                        : cp < 0x10000 ? snprintf(u, sizeof u, "\\u%04x", (unsigned)cp)
                                       : snprintf(u, sizeof u, "\\U%08x", (unsigned)cp);
                tpl_put(c, b, u, (size_t)w);
            } else {
                tpl_put(c, b, s + i, (size_t)k);
            }
            i += (size_t)k - 1;
        }
    }
    tpl_put(c, b, &q, 1);
}

void tpl_write_str(tpl_ctx *c, ts_buf *b, tv v, bool repr)
{
    char t[32];
    switch (v.k) {
    case TV_UNDEF:
        if (repr)
            tpl_put(c, b, "Undefined", 9);
        return;
    case TV_NONE: tpl_put(c, b, "None", 4); return;
    case TV_BOOL: tpl_put(c, b, v.u.i ? "True" : "False", v.u.i ? 4 : 5); return;
    case TV_INT: tpl_put(c, b, t, (size_t)snprintf(t, sizeof t, "%lld", (long long)v.u.i)); return;
    case TV_FLOAT: write_float(c, b, v.u.f); return;
    case TV_STR:
        if (repr)
            write_repr_str(c, b, v.u.s, v.n);
        else
            tpl_put(c, b, v.u.s, v.n);
        return;
    case TV_LIST: {
        bool tuple = v.fl & TVF_TUPLE;
        if (++c->print_depth > 200)
            tpl_fail(c, "value nested too deep to print");
        tpl_put(c, b, tuple ? "(" : "[", 1);
        for (size_t i = 0; i < v.u.l->n; i++) {
            if (i)
                tpl_put(c, b, ", ", 2);
            tpl_write_str(c, b, v.u.l->it[i], true);
        }
        if (tuple && v.u.l->n == 1)
            tpl_put(c, b, ",", 1);
        tpl_put(c, b, tuple ? ")" : "]", 1);
        c->print_depth--;
        return;
    }
    case TV_DICT:
    case TV_NS:
        if (++c->print_depth > 200)
            tpl_fail(c, "value nested too deep to print");
        if (v.k == TV_NS)
            tpl_put(c, b, "<Namespace ", 11);
        tpl_put(c, b, "{", 1);
        for (size_t i = 0; i < v.u.d->n; i++) {
            if (i)
                tpl_put(c, b, ", ", 2);
            tpl_write_str(c, b, v.u.d->keys[i], true);
            tpl_put(c, b, ": ", 2);
            tpl_write_str(c, b, v.u.d->vals[i], true);
        }
        tpl_put(c, b, v.k == TV_NS ? "}>" : "}", v.k == TV_NS ? 2 : 1);
        c->print_depth--;
        return;
    case TV_MACRO: tpl_put(c, b, "<Macro>", 7); return;
    case TV_FUNC: tpl_put(c, b, "<function>", 10); return;
    default: tpl_put(c, b, "<LoopContext>", 13); return;
    }
}

tv tpl_buf_to_str(tpl_ctx *c, ts_buf *b, size_t from)
{
    size_t n = b->len - from;
    char *s = tpl_alloc(c, n);
    if (n)
        memcpy(s, b->data + from, n);
    b->len = from;
    return tv_str(s, n);
}

tv tpl_to_str(tpl_ctx *c, tv v)
{
    if (v.k == TV_STR)
        return v;
    size_t mark = c->out->len;
    tpl_write_str(c, c->out, v, false);
    return tpl_buf_to_str(c, c->out, mark);
}

/* json.dumps(x, ensure_ascii=False, indent=indent): separators ", "/": "
 * without indent, ","/": " with it. */
void tpl_tojson(tpl_ctx *c, ts_buf *b, tv v, int indent, int level)
{
    switch (v.k) {
    case TV_NONE: tpl_put(c, b, "null", 4); return;
    case TV_BOOL: tpl_put(c, b, v.u.i ? "true" : "false", v.u.i ? 4 : 5); return;
    case TV_INT: tpl_write_str(c, b, v, false); return;
    case TV_FLOAT:
        if (isnan(v.u.f))
            tpl_put(c, b, "NaN", 3);
        else if (isinf(v.u.f))
            tpl_put(c, b, v.u.f < 0 ? "-Infinity" : "Infinity", v.u.f < 0 ? 9 : 8);
        else
            write_float(c, b, v.u.f);
        return;
    case TV_STR: {
        static const char hex[] = "0123456789abcdef";
        tpl_put(c, b, "\"", 1);
        for (size_t i = 0; i < v.n; i++) {
            unsigned char ch = (unsigned char)v.u.s[i];
            const char *e = NULL;
            char u[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            switch (ch) {
            case '"': e = "\\\""; break;
            case '\\': e = "\\\\"; break;
            case '\n': e = "\\n"; break;
            case '\r': e = "\\r"; break;
            case '\t': e = "\\t"; break;
            case '\b': e = "\\b"; break;
            case '\f': e = "\\f"; break;
            }
            if (e)
                tpl_put(c, b, e, 2);
            else if (ch < 0x20)
                tpl_put(c, b, u, 6);
            else
                tpl_put(c, b, v.u.s + i, 1);
        }
        tpl_put(c, b, "\"", 1);
        return;
    }
    case TV_LIST:
    case TV_DICT: {
        bool list = v.k == TV_LIST;
        size_t n = list ? v.u.l->n : v.u.d->n;
        tpl_put(c, b, list ? "[" : "{", 1);
        if (!n) {
            tpl_put(c, b, list ? "]" : "}", 1);
            return;
        }
        if (level > 500)
            tpl_fail(c, "tojson: nesting too deep");
        for (size_t i = 0; i < n; i++) {
            if (i)
                tpl_put(c, b, indent >= 0 ? "," : ", ", indent >= 0 ? 1 : 2);
            if (indent >= 0) {
                tpl_put(c, b, "\n", 1);
                for (int k = 0; k < indent * (level + 1); k++)
                    tpl_put(c, b, " ", 1);
            }
            if (list) {
                tpl_tojson(c, b, v.u.l->it[i], indent, level + 1);
                continue;
            }
            tv key = v.u.d->keys[i];
            if (key.k == TV_STR) {
                tpl_tojson(c, b, key, indent, level + 1);
            } else if (key.k == TV_INT || key.k == TV_FLOAT || key.k == TV_BOOL || key.k == TV_NONE) {
                tpl_put(c, b, "\"", 1);
                tpl_tojson(c, b, key, indent, level + 1);
                tpl_put(c, b, "\"", 1);
            } else {
                tpl_fail(c, "keys must be str, int, float, bool or None, not %s", tpl_kind_name(key));
            }
            tpl_put(c, b, ": ", 2);
            tpl_tojson(c, b, v.u.d->vals[i], indent, level + 1);
        }
        if (indent >= 0) {
            tpl_put(c, b, "\n", 1);
            for (int k = 0; k < indent * level; k++)
                tpl_put(c, b, " ", 1);
        }
        tpl_put(c, b, list ? "]" : "}", 1);
        return;
    }
    default: tpl_fail(c, "Object of type %s is not JSON serializable", tpl_kind_name(v));
    }
}
