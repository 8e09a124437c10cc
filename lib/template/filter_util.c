/* The filters' working parts: replace, length, sorting keys, select and
 * map, escape, indent, int and float conversion (filters.c dispatches). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filters_int.h"

tv tpl_str_replace(tpl_ctx *c, tv s, tv old, tv rep, int64_t count)
{
    size_t mark = c->out->len;
    size_t i = 0;
    int64_t done = 0;
    if (!old.n) { /* Python inserts rep between characters */
        const tv *chars;
        size_t n = tpl_iter(c, s, &chars);
        for (size_t k = 0; k <= n; k++) {
            if (count < 0 || done < count) {
                tpl_put(c, c->out, rep.u.s, rep.n);
                done++;
            }
            if (k < n)
                tpl_put(c, c->out, chars[k].u.s, chars[k].n);
        }
        return tpl_buf_to_str(c, c->out, mark);
    }
    while (i < s.n) {
        const char *hit = count < 0 || done < count ? tpl_find(s.u.s + i, s.n - i, old.u.s, old.n) : NULL;
        size_t at = hit ? (size_t)(hit - s.u.s) : s.n;
        tpl_put(c, c->out, s.u.s + i, at - i);
        if (!hit)
            break;
        tpl_put(c, c->out, rep.u.s, rep.n);
        i = at + old.n;
        done++;
    }
    return tpl_buf_to_str(c, c->out, mark);
}


int64_t tplf_length(tpl_ctx *c, tv v)
{
    switch (v.k) {
    case TV_STR: return (int64_t)tpl_utf8_len(v.u.s, v.n);
    case TV_LIST: return (int64_t)v.u.l->n;
    case TV_DICT:
    case TV_NS: return (int64_t)v.u.d->n;
    case TV_UNDEF: return 0;
    default: tpl_fail(c, "object of type '%s' has no len()", tpl_kind_name(v));
    }
}

/* For sort/unique: lower-cased strings unless case_sensitive. */
tv tplf_sort_key(tpl_ctx *c, tv v, bool cs, const char *attr)
{
    if (attr)
        v = tpl_getattr(c, v, attr, strlen(attr));
    return !cs && v.k == TV_STR ? tpl_case(c, v, TPL_LOWER) : v;
}

tv tplf_attr_name(tpl_ctx *c, tv a, char **out)
{
    if (a.k == TV_UNDEF || a.k == TV_NONE) {
        *out = NULL;
        return a;
    }
    tv s = tplf_str(c, a);
    char *z = tpl_alloc(c, s.n + 1);
    memcpy(z, s.u.s, s.n);
    z[s.n] = 0;
    *out = z;
    return s;
}

void tplf_sort(tpl_ctx *c, tv *it, tv *keys, size_t n, bool rev)
{
    /* insertion sort: stable like Python's, and lists here are short */
    for (size_t i = 1; i < n; i++) {
        tv x = it[i], kx = keys[i];
        size_t j = i;
        while (j > 0) {
            int cmp = tpl_compare(c, keys[j - 1], kx);
            if (rev ? cmp >= 0 : cmp <= 0)
                break;
            it[j] = it[j - 1];
            keys[j] = keys[j - 1];
            j--;
        }
        it[j] = x;
        keys[j] = kx;
    }
}

/* select/reject/selectattr/rejectattr: the test named by argument `first`
 * (none = truthiness) with the remaining arguments. */
tv tplf_select(tpl_ctx *c, const tpl_node *n, tv v, bool attr, bool keep)
{
    const tv *items;
    /* jinja2 yields nothing for a falsy sequence (`if value:`) */
    size_t cnt = tpl_truthy(v) ? tpl_iter(c, v, &items) : 0;
    uint32_t ti = attr ? 1 : 0;
    char *an = NULL;
    if (attr)
        tplf_attr_name(c, tpl_arg(c, n, 0, NULL, tv_undef(NULL, 0)), &an);
    tv tname = tpl_arg(c, n, ti, NULL, tv_undef(NULL, 0));
    int tid = -1;
    if (tname.k == TV_STR) {
        tid = tpl_test_id(tname.u.s, tname.n);
        if (tid < 0)
            tpl_fail(c, "No test named '%.*s'.", (int)tname.n, tname.u.s);
    }
    /* a synthetic test node whose arguments are the rest of the call */
    tpl_node t = {.kind = N_TEST, .op = (uint16_t)(tid < 0 ? 0 : tid), .line = n->line};
    if (n->nargs > ti + 1) {
        t.args = n->args + ti + 1;
        t.nargs = n->nargs - ti - 1;
    }
    tv out = tpl_list_new(c, cnt);
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++) {
        tv x = an ? tpl_getattr(c, items[i], an, strlen(an)) : items[i];
        bool r = tid < 0 ? tpl_truthy(x) : tpl_test(c, &t, x);
        if (r == keep)
            out.u.l->it[k++] = items[i];
    }
    out.u.l->n = k;
    return out;
}

tv tplf_map(tpl_ctx *c, const tpl_node *n, tv v)
{
    const tv *items;
    size_t cnt = tpl_truthy(v) ? tpl_iter(c, v, &items) : 0;
    tv out = tpl_list_new(c, cnt);
    tv at = tpl_arg(c, n, UINT32_MAX, "attribute", tv_undef(NULL, 0));
    if (at.k != TV_UNDEF) {
        char *an;
        tplf_attr_name(c, at, &an);
        tv dflt = tpl_arg(c, n, UINT32_MAX, "default", tv_undef(NULL, 0));
        for (size_t i = 0; i < cnt; i++) {
            tv x = tpl_getattr(c, items[i], an, strlen(an));
            out.u.l->it[i] = x.k == TV_UNDEF && dflt.k != TV_UNDEF ? dflt : x;
        }
        return out;
    }
    tv fname = tpl_arg(c, n, 0, NULL, tv_undef(NULL, 0));
    if (fname.k != TV_STR)
        tpl_fail(c, "map requires a filter name or attribute=");
    int fid = tpl_filter_id(fname.u.s, fname.n);
    if (fid < 0)
        tpl_fail(c, "No filter named '%.*s'.", (int)fname.n, fname.u.s);
    tpl_node f = {.kind = N_FILTER, .op = (uint16_t)fid, .line = n->line};
    if (n->nargs > 1) {
        f.args = n->args + 1;
        f.nargs = n->nargs - 1;
        f.kw = n->kw ? n->kw + 1 : NULL;
    }
    for (size_t i = 0; i < cnt; i++)
        out.u.l->it[i] = tpl_filter(c, &f, items[i]);
    return out;
}

tv tplf_escape(tpl_ctx *c, tv v)
{
    if (v.fl & TVF_SAFE)
        return v;
    tv s = tplf_str(c, v);
    size_t mark = c->out->len;
    for (size_t i = 0; i < s.n; i++) {
        const char *e = NULL;
        switch (s.u.s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&#34;"; break;
        case '\'': e = "&#39;"; break;
        }
        if (e)
            tpl_put(c, c->out, e, strlen(e));
        else
            tpl_put(c, c->out, s.u.s + i, 1);
    }
    tv r = tpl_buf_to_str(c, c->out, mark);
    r.fl |= TVF_SAFE;
    return r;
}

tv tplf_indent(tpl_ctx *c, const tpl_node *n, tv v)
{
    tv w = tpl_arg(c, n, 0, "width", tv_int(4));
    bool first = tpl_truthy(tpl_arg(c, n, 1, "first", tv_bool(false)));
    bool blank = tpl_truthy(tpl_arg(c, n, 2, "blank", tv_bool(false)));
    tv ind = w.k == TV_STR ? w : tv_str("    ", 0);
    char *sp = NULL;
    if (w.k != TV_STR) {
        int64_t k = w.u.i < 0 ? 0 : w.u.i > 1000 ? 1000 : w.u.i;
        sp = tpl_alloc(c, (size_t)k);
        memset(sp, ' ', (size_t)k);
        ind = tv_str(sp, (size_t)k);
    }
    tv s = tplf_str(c, v);
    size_t mark = c->out->len;
    if (first)
        tpl_put(c, c->out, ind.u.s, ind.n);
    /* s + "\n" split into lines; lines after the first get the indent
     * unless empty (or always with blank=True) */
    size_t i = 0, line = 0;
    for (;;) {
        size_t j = i;
        while (j < s.n && s.u.s[j] != '\n' && s.u.s[j] != '\r')
            j++;
        if (line) {
            tpl_put(c, c->out, "\n", 1);
            if (blank || j > i)
                tpl_put(c, c->out, ind.u.s, ind.n);
        }
        tpl_put(c, c->out, s.u.s + i, j - i);
        line++;
        if (j >= s.n)
            break;
        if (s.u.s[j] == '\r' && j + 1 < s.n && s.u.s[j + 1] == '\n')
            j++;
        i = j + 1;
    }
    return tpl_buf_to_str(c, c->out, mark);
}


tv tplf_int(tpl_ctx *c, tv v, tv dflt)
{
    if (v.k == TV_INT || v.k == TV_BOOL)
        return tv_int(v.u.i);
    if (v.k == TV_FLOAT) /* in range: converting past int64 is undefined */
        return v.u.f > -9.2e18 && v.u.f < 9.2e18 ? tv_int((int64_t)v.u.f) : dflt;
    if (v.k == TV_STR) {
        char buf[64];
        tv s = tpl_strip(v, NULL, 0, 3);
        if (!s.n || s.n >= sizeof buf)
            return dflt;
        memcpy(buf, s.u.s, s.n);
        buf[s.n] = 0;
        char *end;
        long long i = strtoll(buf, &end, 10);
        if (!*end)
            return tv_int(i);
        double d = strtod(buf, &end);
        if (!*end && d > -9.2e18 && d < 9.2e18)
            return tv_int((int64_t)d);
    }
    (void)c;
    return dflt;
}

tv tplf_float(tv v, tv dflt)
{
    if (v.k == TV_INT || v.k == TV_BOOL)
        return tv_float((double)v.u.i);
    if (v.k == TV_FLOAT)
        return v;
    if (v.k == TV_STR) {
        char buf[64];
        tv s = tpl_strip(v, NULL, 0, 3);
        if (!s.n || s.n >= sizeof buf)
            return dflt;
        memcpy(buf, s.u.s, s.n);
        buf[s.n] = 0;
        char *end;
        double d = strtod(buf, &end);
        if (!*end)
            return tv_float(d);
    }
    return dflt;
}
