/* Printing values as Python does: str() and repr() (True, None, 1.0,
 * 1e+20, ['a', "b'c"], {'k': 1}, (1,)), and json.dumps for tojson. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tpl_int.h"

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
