/* Filters, as jinja2 3.1 defines them, with transformers' tojson
 * (json.dumps without ASCII escaping, keys in insertion order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filters_int.h"

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
    case F_CAPITALIZE: return tpl_case(c, tplf_str(c, v), TPL_CAPITALIZE);
    case F_TITLE: return tpl_case(c, tplf_str(c, v), TPL_JTITLE);
    case F_LOWER: return tpl_case(c, tplf_str(c, v), TPL_LOWER);
    case F_UPPER: return tpl_case(c, tplf_str(c, v), TPL_UPPER);
    case F_COUNT:
    case F_LENGTH: return tv_int(tplf_length(c, v));
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
            keys[i] = tplf_sort_key(c, byval ? v.u.d->vals[i] : v.u.d->keys[i], cs, NULL);
        }
        tplf_sort(c, out.u.l->it, keys, cnt, rev);
        return out;
    }
    case F_E:
    case F_ESCAPE: return tplf_escape(c, v);
    case F_FIRST:
        cnt = tpl_iter(c, v, &items);
        return cnt ? items[0] : tv_undef(NULL, 0);
    case F_LAST:
        cnt = tpl_iter(c, v, &items);
        return cnt ? items[cnt - 1] : tv_undef(NULL, 0);
    case F_FLOAT: return tplf_float(v, tpl_arg(c, n, 0, "default", tv_float(0)));
    case F_INT: return tplf_int(c, v, tpl_arg(c, n, 0, "default", tv_int(0)));
    case F_INDENT: return tplf_indent(c, n, v);
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
        tv sep = tplf_str(c, tpl_arg(c, n, 0, "d", tv_str("", 0)));
        char *an;
        tplf_attr_name(c, tpl_arg(c, n, 1, "attribute", tv_undef(NULL, 0)), &an);
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
    case F_MAP: return tplf_map(c, n, v);
    case F_MAX:
    case F_MIN: {
        cnt = tpl_iter(c, v, &items);
        if (!cnt)
            return tv_undef(NULL, 0);
        bool cs = tpl_truthy(tpl_arg(c, n, 0, "case_sensitive", tv_bool(false)));
        char *an;
        tplf_attr_name(c, tpl_arg(c, n, 1, "attribute", tv_undef(NULL, 0)), &an);
        size_t best = 0;
        for (size_t i = 1; i < cnt; i++) {
            int cmp = tpl_compare(c, tplf_sort_key(c, items[i], cs, an), tplf_sort_key(c, items[best], cs, an));
            if (n->op == F_MAX ? cmp > 0 : cmp < 0)
                best = i;
        }
        return items[best];
    }
    case F_REJECT: return tplf_select(c, n, v, false, false);
    case F_REJECTATTR: return tplf_select(c, n, v, true, false);
    case F_SELECT: return tplf_select(c, n, v, false, true);
    case F_SELECTATTR: return tplf_select(c, n, v, true, true);
    case F_REPLACE: {
        tv s = tplf_str(c, v);
        tv old = tplf_str(c, tpl_arg(c, n, 0, "old", tv_str("", 0)));
        tv rep = tplf_str(c, tpl_arg(c, n, 1, "new", tv_str("", 0)));
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
        tv s = tplf_str(c, v);
        s.fl |= TVF_SAFE;
        return s;
    }
    case F_SORT: {
        bool rev = tpl_truthy(tpl_arg(c, n, 0, "reverse", tv_bool(false)));
        bool cs = tpl_truthy(tpl_arg(c, n, 1, "case_sensitive", tv_bool(false)));
        char *an;
        tplf_attr_name(c, tpl_arg(c, n, 2, "attribute", tv_undef(NULL, 0)), &an);
        cnt = tpl_iter(c, v, &items);
        tv out = tpl_list_new(c, cnt);
        tv *keys = tpl_alloc(c, (cnt ? cnt : 1) * sizeof(tv));
        for (size_t i = 0; i < cnt; i++) {
            out.u.l->it[i] = items[i];
            keys[i] = tplf_sort_key(c, items[i], cs, an);
        }
        tplf_sort(c, out.u.l->it, keys, cnt, rev);
        return out;
    }
    case F_STRING: return tplf_str(c, v);
    case F_SUM: {
        char *an;
        tplf_attr_name(c, tpl_arg(c, n, 0, "attribute", tv_undef(NULL, 0)), &an);
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
        tv s = tplf_str(c, v);
        tv chars = tpl_arg(c, n, 0, "chars", tv_none());
        if (chars.k == TV_STR)
            return tpl_strip(s, chars.u.s, chars.n, 3);
        return tpl_strip(s, NULL, 0, 3);
    }
    case F_UNIQUE: {
        bool cs = tpl_truthy(tpl_arg(c, n, 0, "case_sensitive", tv_bool(false)));
        char *an;
        tplf_attr_name(c, tpl_arg(c, n, 1, "attribute", tv_undef(NULL, 0)), &an);
        cnt = tpl_iter(c, v, &items);
        tv out = tpl_list_new(c, cnt);
        tv *keys = tpl_alloc(c, (cnt ? cnt : 1) * sizeof(tv));
        size_t k = 0;
        for (size_t i = 0; i < cnt; i++) {
            tv key = tplf_sort_key(c, items[i], cs, an);
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
        tv s = tplf_str(c, v);
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
