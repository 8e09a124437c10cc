/* Filters, as jinja2 3.1 defines them, with transformers' tojson
 * (json.dumps without ASCII escaping, keys in insertion order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tpl_int.h"

#define FILTERS(X)                                                                                  \
    X(ABS, "abs") X(CAPITALIZE, "capitalize") X(COUNT, "count") X(D, "d") X(DEFAULT, "default")     \
    X(DICTSORT, "dictsort") X(E, "e") X(ESCAPE, "escape") X(FIRST, "first") X(FLOAT, "float")       \
    X(INDENT, "indent") X(INT, "int") X(ITEMS, "items") X(JOIN, "join") X(LAST, "last")             \
    X(LENGTH, "length") X(LIST, "list") X(LOWER, "lower") X(MAP, "map") X(MAX, "max") X(MIN, "min") \
    X(REJECT, "reject") X(REJECTATTR, "rejectattr") X(REPLACE, "replace") X(REVERSE, "reverse")     \
    X(ROUND, "round") X(SAFE, "safe") X(SELECT, "select") X(SELECTATTR, "selectattr")               \
    X(SORT, "sort") X(STRING, "string") X(SUM, "sum") X(TITLE, "title") X(TOJSON, "tojson")         \
    X(TRIM, "trim") X(UNIQUE, "unique") X(UPPER, "upper") X(WORDCOUNT, "wordcount")

enum {
#define F_ENUM(id, name) F_##id,
    FILTERS(F_ENUM)
#undef F_ENUM
    F_COUNT_
};

static const char *const filter_names[] = {
#define F_NAME(id, name) name,
    FILTERS(F_NAME)
#undef F_NAME
};

int tpl_filter_id(const char *name, size_t n)
{
    for (int i = 0; i < F_COUNT_; i++)
        if (strlen(filter_names[i]) == n && !memcmp(filter_names[i], name, n))
            return i;
    return -1;
}

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
        if ((count < 0 || done < count) && i + old.n <= s.n && !memcmp(s.u.s + i, old.u.s, old.n)) {
            tpl_put(c, c->out, rep.u.s, rep.n);
            i += old.n;
            done++;
        } else {
            tpl_put(c, c->out, s.u.s + i, 1);
            i++;
        }
    }
    return tpl_buf_to_str(c, c->out, mark);
}

static tv need_str(tpl_ctx *c, tv v) { return tpl_to_str(c, v); }

static int64_t length(tpl_ctx *c, tv v)
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
static tv sort_key(tpl_ctx *c, tv v, bool cs, const char *attr)
{
    if (attr)
        v = tpl_getattr(c, v, attr, strlen(attr));
    return !cs && v.k == TV_STR ? tpl_case(c, v, TPL_LOWER) : v;
}

static tv attr_name(tpl_ctx *c, tv a, char **out)
{
    if (a.k == TV_UNDEF || a.k == TV_NONE) {
        *out = NULL;
        return a;
    }
    tv s = need_str(c, a);
    char *z = tpl_alloc(c, s.n + 1);
    memcpy(z, s.u.s, s.n);
    z[s.n] = 0;
    *out = z;
    return s;
}

static void sort_items(tpl_ctx *c, tv *it, tv *keys, size_t n, bool rev)
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
static tv select_filter(tpl_ctx *c, const tpl_node *n, tv v, bool attr, bool keep)
{
    const tv *items;
    /* jinja2 yields nothing for a falsy sequence (`if value:`) */
    size_t cnt = tpl_truthy(v) ? tpl_iter(c, v, &items) : 0;
    uint32_t ti = attr ? 1 : 0;
    char *an = NULL;
    if (attr)
        attr_name(c, tpl_arg(c, n, 0, NULL, tv_undef(NULL, 0)), &an);
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

static tv map_filter(tpl_ctx *c, const tpl_node *n, tv v)
{
    const tv *items;
    size_t cnt = tpl_truthy(v) ? tpl_iter(c, v, &items) : 0;
    tv out = tpl_list_new(c, cnt);
    tv at = tpl_arg(c, n, UINT32_MAX, "attribute", tv_undef(NULL, 0));
    if (at.k != TV_UNDEF) {
        char *an;
        attr_name(c, at, &an);
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

static tv html_escape(tpl_ctx *c, tv v)
{
    if (v.fl & TVF_SAFE)
        return v;
    tv s = need_str(c, v);
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

static tv indent_filter(tpl_ctx *c, const tpl_node *n, tv v)
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
    tv s = need_str(c, v);
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


static tv to_int(tpl_ctx *c, tv v, tv dflt)
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

static tv to_float(tv v, tv dflt)
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

tv tpl_filter(tpl_ctx *c, const tpl_node *n, tv v)
{
    c->line = n->line;
    const tv *items;
    size_t cnt;
    switch (n->op) {
    case F_ABS:
        if (v.k == TV_FLOAT)
            return tv_float(fabs(v.u.f));
        if (v.k == TV_INT || v.k == TV_BOOL)
            return v.u.i == INT64_MIN ? tv_float(-(double)v.u.i) : tv_int(v.u.i < 0 ? -v.u.i : v.u.i);
        tpl_fail(c, "bad operand type for abs(): '%s'", tpl_kind_name(v));
    case F_CAPITALIZE: return tpl_case(c, need_str(c, v), TPL_CAPITALIZE);
    case F_TITLE: return tpl_case(c, need_str(c, v), TPL_JTITLE);
    case F_LOWER: return tpl_case(c, need_str(c, v), TPL_LOWER);
    case F_UPPER: return tpl_case(c, need_str(c, v), TPL_UPPER);
    case F_COUNT:
    case F_LENGTH: return tv_int(length(c, v));
    case F_D:
    case F_DEFAULT: {
        tv d = tpl_arg(c, n, 0, "default_value", tv_str("", 0));
        bool boolean = tpl_truthy(tpl_arg(c, n, 1, "boolean", tv_bool(false)));
        if (v.k == TV_UNDEF || (boolean && !tpl_truthy(v)))
            return d;
        return v;
    }
    case F_DICTSORT: {
        if (v.k != TV_DICT && v.k != TV_NS)
            tpl_fail(c, "dictsort: not a mapping");
        cnt = v.u.d->n;
        tv out = tpl_list_new(c, cnt);
        tv *keys = tpl_alloc(c, (cnt ? cnt : 1) * sizeof(tv));
        bool cs = tpl_truthy(tpl_arg(c, n, 0, "case_sensitive", tv_bool(false)));
        tv by = tpl_arg(c, n, 1, "by", tv_str("key", 3));
        bool rev = tpl_truthy(tpl_arg(c, n, 2, "reverse", tv_bool(false)));
        bool byval = by.k == TV_STR && by.n == 5 && !memcmp(by.u.s, "value", 5);
        for (size_t i = 0; i < cnt; i++) {
            tv pair = tpl_list_new(c, 2);
            pair.fl |= TVF_TUPLE;
            pair.u.l->it[0] = v.u.d->keys[i];
            pair.u.l->it[1] = v.u.d->vals[i];
            out.u.l->it[i] = pair;
            keys[i] = sort_key(c, byval ? v.u.d->vals[i] : v.u.d->keys[i], cs, NULL);
        }
        sort_items(c, out.u.l->it, keys, cnt, rev);
        return out;
    }
    case F_E:
    case F_ESCAPE: return html_escape(c, v);
    case F_FIRST:
        cnt = tpl_iter(c, v, &items);
        return cnt ? items[0] : tv_undef(NULL, 0);
    case F_LAST:
        cnt = tpl_iter(c, v, &items);
        return cnt ? items[cnt - 1] : tv_undef(NULL, 0);
    case F_FLOAT: return to_float(v, tpl_arg(c, n, 0, "default", tv_float(0)));
    case F_INT: return to_int(c, v, tpl_arg(c, n, 0, "default", tv_int(0)));
    case F_INDENT: return indent_filter(c, n, v);
    case F_ITEMS: {
        if (v.k == TV_UNDEF)
            return tpl_list_new(c, 0);
        if (v.k != TV_DICT && v.k != TV_NS)
            tpl_fail(c, "Can only get item pairs from a mapping.");
        tv out = tpl_list_new(c, v.u.d->n);
        for (size_t i = 0; i < v.u.d->n; i++) {
            tv pair = tpl_list_new(c, 2);
            pair.fl |= TVF_TUPLE;
            pair.u.l->it[0] = v.u.d->keys[i];
            pair.u.l->it[1] = v.u.d->vals[i];
            out.u.l->it[i] = pair;
        }
        return out;
    }
    case F_JOIN: {
        tv sep = need_str(c, tpl_arg(c, n, 0, "d", tv_str("", 0)));
        char *an;
        attr_name(c, tpl_arg(c, n, 1, "attribute", tv_undef(NULL, 0)), &an);
        cnt = tpl_iter(c, v, &items);
        size_t mark = c->out->len;
        for (size_t i = 0; i < cnt; i++) {
            if (i)
                tpl_put(c, c->out, sep.u.s, sep.n);
            tv x = an ? tpl_getattr(c, items[i], an, strlen(an)) : items[i];
            tpl_write_str(c, c->out, x, false);
        }
        return tpl_buf_to_str(c, c->out, mark);
    }
    case F_LIST: {
        cnt = tpl_iter(c, v, &items);
        tv out = tpl_list_new(c, cnt);
        if (cnt)
            memcpy(out.u.l->it, items, cnt * sizeof(tv));
        return out;
    }
    case F_MAP: return map_filter(c, n, v);
    case F_MAX:
    case F_MIN: {
        cnt = tpl_iter(c, v, &items);
        if (!cnt)
            return tv_undef(NULL, 0);
        bool cs = tpl_truthy(tpl_arg(c, n, 0, "case_sensitive", tv_bool(false)));
        char *an;
        attr_name(c, tpl_arg(c, n, 1, "attribute", tv_undef(NULL, 0)), &an);
        size_t best = 0;
        for (size_t i = 1; i < cnt; i++) {
            int cmp = tpl_compare(c, sort_key(c, items[i], cs, an), sort_key(c, items[best], cs, an));
            if (n->op == F_MAX ? cmp > 0 : cmp < 0)
                best = i;
        }
        return items[best];
    }
    case F_REJECT: return select_filter(c, n, v, false, false);
    case F_REJECTATTR: return select_filter(c, n, v, true, false);
    case F_SELECT: return select_filter(c, n, v, false, true);
    case F_SELECTATTR: return select_filter(c, n, v, true, true);
    case F_REPLACE: {
        tv s = need_str(c, v);
        tv old = need_str(c, tpl_arg(c, n, 0, "old", tv_str("", 0)));
        tv rep = need_str(c, tpl_arg(c, n, 1, "new", tv_str("", 0)));
        tv cn = tpl_arg(c, n, 2, "count", tv_none());
        return tpl_str_replace(c, s, old, rep, cn.k == TV_INT ? cn.u.i : -1);
    }
    case F_REVERSE: {
        cnt = tpl_iter(c, v, &items);
        if (v.k == TV_STR) {
            char *o = tpl_alloc(c, v.n), *w = o + v.n;
            for (size_t i = 0; i < cnt; i++) {
                w -= items[i].n;
                memcpy(w, items[i].u.s, items[i].n);
            }
            return tv_str(o, v.n);
        }
        tv out = tpl_list_new(c, cnt);
        for (size_t i = 0; i < cnt; i++)
            out.u.l->it[i] = items[cnt - 1 - i];
        return out;
    }
    case F_ROUND: {
        tv p = tpl_arg(c, n, 0, "precision", tv_int(0));
        tv m = tpl_arg(c, n, 1, "method", tv_str("common", 6));
        double x = v.k == TV_FLOAT ? v.u.f : (double)v.u.i, scale = pow(10, (double)p.u.i);
        if (v.k != TV_FLOAT && v.k != TV_INT && v.k != TV_BOOL)
            tpl_fail(c, "round: not a number");
        if (m.n == 4 && !memcmp(m.u.s, "ceil", 4))
            return tv_float(ceil(x * scale) / scale);
        if (m.n == 5 && !memcmp(m.u.s, "floor", 5))
            return tv_float(floor(x * scale) / scale);
        /* Python's round(): half to even, on the decimal value */
        double r = nearbyint(x * scale) / scale;
        return tv_float(r);
    }
    case F_SAFE: {
        tv s = need_str(c, v);
        s.fl |= TVF_SAFE;
        return s;
    }
    case F_SORT: {
        bool rev = tpl_truthy(tpl_arg(c, n, 0, "reverse", tv_bool(false)));
        bool cs = tpl_truthy(tpl_arg(c, n, 1, "case_sensitive", tv_bool(false)));
        char *an;
        attr_name(c, tpl_arg(c, n, 2, "attribute", tv_undef(NULL, 0)), &an);
        cnt = tpl_iter(c, v, &items);
        tv out = tpl_list_new(c, cnt);
        tv *keys = tpl_alloc(c, (cnt ? cnt : 1) * sizeof(tv));
        for (size_t i = 0; i < cnt; i++) {
            out.u.l->it[i] = items[i];
            keys[i] = sort_key(c, items[i], cs, an);
        }
        sort_items(c, out.u.l->it, keys, cnt, rev);
        return out;
    }
    case F_STRING: return need_str(c, v);
    case F_SUM: {
        char *an;
        attr_name(c, tpl_arg(c, n, 0, "attribute", tv_undef(NULL, 0)), &an);
        tv acc = tpl_arg(c, n, 1, "start", tv_int(0));
        cnt = tpl_iter(c, v, &items);
        for (size_t i = 0; i < cnt; i++) {
            tv x = an ? tpl_getattr(c, items[i], an, strlen(an)) : items[i];
            if ((acc.k != TV_INT && acc.k != TV_FLOAT && acc.k != TV_BOOL) ||
                (x.k != TV_INT && x.k != TV_FLOAT && x.k != TV_BOOL))
                tpl_fail(c, "sum: unsupported operand types");
            if (acc.k == TV_FLOAT || x.k == TV_FLOAT)
                acc = tv_float((acc.k == TV_FLOAT ? acc.u.f : (double)acc.u.i) +
                               (x.k == TV_FLOAT ? x.u.f : (double)x.u.i));
            else if (__builtin_add_overflow(acc.u.i, x.u.i, &acc.u.i))
                tpl_fail(c, "sum: integer overflow");
            else
                acc.k = TV_INT;
        }
        return acc;
    }
    case F_TOJSON: {
        /* transformers' tojson(x, ensure_ascii=False, indent=None, ...) */
        tv ind = tpl_arg(c, n, 1, "indent", tv_none());
        if (tpl_truthy(tpl_arg(c, n, 0, "ensure_ascii", tv_bool(false))) ||
            tpl_truthy(tpl_arg(c, n, 3, "sort_keys", tv_bool(false))) ||
            tpl_arg(c, n, 2, "separators", tv_none()).k != TV_NONE)
            tpl_fail(c, "tojson: only indent is supported");
        if (ind.k != TV_NONE && ind.k != TV_INT)
            tpl_fail(c, "tojson: indent must be an integer");
        size_t mark = c->out->len;
        tpl_tojson(c, c->out, v, ind.k == TV_INT ? (int)(ind.u.i < 0 ? 0 : ind.u.i > 64 ? 64 : ind.u.i) : -1,
                   0);
        return tpl_buf_to_str(c, c->out, mark);
    }
    case F_TRIM: {
        tv s = need_str(c, v);
        tv chars = tpl_arg(c, n, 0, "chars", tv_none());
        if (chars.k == TV_STR)
            return tpl_strip(s, chars.u.s, chars.n, 3);
        return tpl_strip(s, NULL, 0, 3);
    }
    case F_UNIQUE: {
        bool cs = tpl_truthy(tpl_arg(c, n, 0, "case_sensitive", tv_bool(false)));
        char *an;
        attr_name(c, tpl_arg(c, n, 1, "attribute", tv_undef(NULL, 0)), &an);
        cnt = tpl_iter(c, v, &items);
        tv out = tpl_list_new(c, cnt);
        tv *keys = tpl_alloc(c, (cnt ? cnt : 1) * sizeof(tv));
        size_t k = 0;
        for (size_t i = 0; i < cnt; i++) {
            tv key = sort_key(c, items[i], cs, an);
            size_t j = 0;
            while (j < k && !tpl_equal(keys[j], key))
                j++;
            if (j == k) {
                keys[k] = key;
                out.u.l->it[k++] = items[i];
            }
        }
        out.u.l->n = k;
        return out;
    }
    default: { /* F_WORDCOUNT: len(re.findall(r"\w+", s)) */
        tv s = need_str(c, v);
        int64_t words = 0;
        bool in = false;
        for (size_t i = 0, k; i < s.n; i += k) {
            bool w = tpl_is_word_char(s.u.s, s.n, i, &k);
            if (w && !in)
                words++;
            in = w;
        }
        return tv_int(words);
    }
    }
}
