/* Python methods that templates call on values: str.strip/split/
 * startswith/replace/format..., dict.items/keys/values/get. The sandbox
 * refuses mutating methods (list.append, dict.update), so none exist. */
#include <string.h>

#include "tpl_int.h"


#define IS(s) (nl == sizeof s - 1 && !memcmp(name, s, nl))

static tv arg_str(tpl_ctx *c, const tpl_node *call, uint32_t i, const char *kw)
{
    tv v = tpl_arg(c, call, i, kw, tv_none());
    if (v.k != TV_NONE && v.k != TV_STR)
        tpl_fail(c, "expected a string argument, not %s", tpl_kind_name(v));
    return v;
}

static bool affix(tv s, tv a, bool end)
{
    if (a.n > s.n)
        return false;
    return !memcmp(s.u.s + (end ? s.n - a.n : 0), a.u.s, a.n);
}

static tv split(tpl_ctx *c, tv s, const tpl_node *call)
{
    tv sep = arg_str(c, call, 0, "sep");
    tv mx = tpl_arg(c, call, 1, "maxsplit", tv_int(-1));
    int64_t maxsplit = mx.k == TV_INT ? mx.u.i : -1;
    size_t cap = 8, n = 0;
    tv *parts = tpl_alloc(c, cap * sizeof(tv));
    size_t i = 0;
#define ADD(v)                                                         \
    do {                                                               \
        if (n == cap) {                                                \
            tv *np_ = tpl_alloc(c, cap * 2 * sizeof(tv));              \
            memcpy(np_, parts, n * sizeof(tv));                        \
            parts = np_;                                               \
            cap *= 2;                                                  \
        }                                                              \
        parts[n++] = (v);                                              \
    } while (0)
    if (sep.k == TV_NONE) { /* runs of whitespace; no empty parts */
        size_t k;
        for (;;) {
            while (i < s.n && tpl_is_space_at(s.u.s, s.n, i, &k))
                i += k;
            if (i >= s.n)
                break;
            if (maxsplit >= 0 && (int64_t)n >= maxsplit) {
                tv rest = tpl_strip(tv_str(s.u.s + i, s.n - i), NULL, 0, 2);
                ADD(rest);
                break;
            }
            size_t j = i;
            while (j < s.n && !tpl_is_space_at(s.u.s, s.n, j, &k))
                j += k;
            ADD(tv_str(s.u.s + i, j - i));
            i = j;
        }
    } else {
        if (!sep.n)
            tpl_fail(c, "empty separator");
        size_t start = 0;
        while (i + sep.n <= s.n) {
            if ((maxsplit < 0 || (int64_t)n < maxsplit) && !memcmp(s.u.s + i, sep.u.s, sep.n)) {
                ADD(tv_str(s.u.s + start, i - start));
                i += sep.n;
                start = i;
            } else {
                i++;
            }
        }
        ADD(tv_str(s.u.s + start, s.n - start));
    }
#undef ADD
    tv l = tpl_list_new(c, 0);
    l.u.l->it = parts;
    l.u.l->n = n;
    return l;
}

/* str.format with {} / {0} / {name} fields (no format specs). */
static tv format(tpl_ctx *c, tv s, const tpl_node *call)
{
    size_t mark = c->out->len;
    uint32_t auto_i = 0;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.u.s[i];
        if ((ch == '{' || ch == '}') && i + 1 < s.n && s.u.s[i + 1] == ch) {
            tpl_put(c, c->out, &ch, 1);
            i++;
            continue;
        }
        if (ch == '}')
            tpl_fail(c, "Single '}' encountered in format string");
        if (ch != '{') {
            tpl_put(c, c->out, &ch, 1);
            continue;
        }
        size_t j = i + 1;
        while (j < s.n && s.u.s[j] != '}')
            j++;
        if (j >= s.n)
            tpl_fail(c, "Single '{' encountered in format string");
        const char *f = s.u.s + i + 1;
        size_t fl = j - i - 1;
        if (memchr(f, ':', fl) || memchr(f, '!', fl))
            tpl_fail(c, "format specs are not supported");
        tv v;
        if (!fl) {
            v = tpl_arg(c, call, auto_i++, NULL, tv_undef(NULL, 0));
        } else if (f[0] >= '0' && f[0] <= '9') {
            uint32_t k = 0;
            for (size_t q = 0; q < fl; q++)
                k = k * 10 + (uint32_t)(f[q] - '0');
            v = tpl_arg(c, call, k, NULL, tv_undef(NULL, 0));
        } else {
            char kw[64];
            if (fl >= sizeof kw)
                tpl_fail(c, "format field too long");
            memcpy(kw, f, fl);
            kw[fl] = 0;
            v = tpl_arg(c, call, UINT32_MAX, kw, tv_undef(NULL, 0));
        }
        if (v.k == TV_UNDEF)
            tpl_fail(c, "format: missing argument");
        tpl_write_str(c, c->out, v, false);
        i = j;
    }
    return tpl_buf_to_str(c, c->out, mark);
}

static tv str_method(tpl_ctx *c, tv s, const char *name, size_t nl, const tpl_node *call, bool *ok)
{
    *ok = true;
    if (IS("strip") || IS("lstrip") || IS("rstrip")) {
        tv chars = arg_str(c, call, 0, NULL);
        int which = IS("strip") ? 3 : IS("lstrip") ? 1 : 2;
        return chars.k == TV_STR ? tpl_strip(s, chars.u.s, chars.n, which) : tpl_strip(s, NULL, 0, which);
    }
    if (IS("split"))
        return split(c, s, call);
    if (IS("startswith") || IS("endswith")) {
        tv a = tpl_arg(c, call, 0, NULL, tv_none());
        bool end = IS("endswith");
        if (a.k == TV_STR)
            return tv_bool(affix(s, a, end));
        if (a.k == TV_LIST && (a.fl & TVF_TUPLE)) {
            for (size_t i = 0; i < a.u.l->n; i++)
                if (a.u.l->it[i].k == TV_STR && affix(s, a.u.l->it[i], end))
                    return tv_bool(true);
            return tv_bool(false);
        }
        tpl_fail(c, "%.*s first arg must be str or a tuple of str, not %s", (int)nl, name, tpl_kind_name(a));
    }
    if (IS("upper"))
        return tpl_case(c, s, TPL_UPPER);
    if (IS("lower"))
        return tpl_case(c, s, TPL_LOWER);
    if (IS("capitalize"))
        return tpl_case(c, s, TPL_CAPITALIZE);
    if (IS("title"))
        return tpl_case(c, s, TPL_PYTITLE);
    if (IS("replace")) {
        tv old = arg_str(c, call, 0, NULL), rep = arg_str(c, call, 1, NULL);
        tv cn = tpl_arg(c, call, 2, "count", tv_int(-1));
        if (old.k != TV_STR || rep.k != TV_STR)
            tpl_fail(c, "replace() takes two strings");
        return tpl_str_replace(c, s, old, rep, cn.k == TV_INT ? cn.u.i : -1);
    }
    if (IS("find") || IS("count")) {
        tv a = arg_str(c, call, 0, NULL);
        if (a.k != TV_STR)
            tpl_fail(c, "%.*s() needs a string", (int)nl, name);
        int64_t cnt = 0;
        for (size_t i = 0; i + a.n <= s.n; i++)
            if (!memcmp(s.u.s + i, a.u.s, a.n)) {
                if (IS("find"))
                    return tv_int((int64_t)tpl_utf8_len(s.u.s, i));
                cnt++;
                if (a.n)
                    i += a.n - 1;
            }
        return tv_int(IS("find") ? -1 : cnt);
    }
    if (IS("join")) {
        const tv *items;
        size_t n = tpl_iter(c, tpl_arg(c, call, 0, NULL, tv_undef(NULL, 0)), &items);
        size_t mark = c->out->len;
        for (size_t i = 0; i < n; i++) {
            if (items[i].k != TV_STR)
                tpl_fail(c, "sequence item %zu: expected str instance, %s found", i, tpl_kind_name(items[i]));
            if (i)
                tpl_put(c, c->out, s.u.s, s.n);
            tpl_put(c, c->out, items[i].u.s, items[i].n);
        }
        return tpl_buf_to_str(c, c->out, mark);
    }
    if (IS("format"))
        return format(c, s, call);
    if (IS("isdigit") || IS("isalpha") || IS("isalnum") || IS("isspace")) {
        bool all = s.n > 0;
        for (size_t i = 0; i < s.n && all; i++) {
            char ch = s.u.s[i];
            bool d = ch >= '0' && ch <= '9', a = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
            all = IS("isdigit") ? d : IS("isalpha") ? a : IS("isalnum") ? a || d
                  : (ch == ' ' || (ch >= 9 && ch <= 13));
        }
        return tv_bool(all);
    }
    *ok = false;
    return tv_none();
}

tv tpl_method(tpl_ctx *c, tv obj, const tpl_node *call, bool *handled)
{
    const char *name = call->a->name;
    size_t nl = call->a->nlen;
    *handled = false;
    if (obj.k == TV_STR)
        return str_method(c, obj, name, nl, call, handled);
    if (obj.k == TV_LOOP && IS("cycle")) { /* loop.cycle(a, b, ...) */
        *handled = true;
        if (!call->nargs)
            tpl_fail(c, "no items for cycling given");
        return tpl_eval(c, call->args[obj.u.loop->i % call->nargs]);
    }
    if (obj.k != TV_DICT)
        return tv_none();
    /* A key shadows nothing here: jinja2 looks attributes up first, and
     * items/keys/values/get are attributes of every dict. */
    if (IS("items") || IS("keys") || IS("values")) {
        *handled = true;
        tpl_dict *d = obj.u.d;
        tv l = tpl_list_new(c, d->n);
        for (size_t i = 0; i < d->n; i++) {
            if (IS("items")) {
                tv p = tpl_list_new(c, 2);
                p.fl |= TVF_TUPLE;
                p.u.l->it[0] = d->keys[i];
                p.u.l->it[1] = d->vals[i];
                l.u.l->it[i] = p;
            } else {
                l.u.l->it[i] = IS("keys") ? d->keys[i] : d->vals[i];
            }
        }
        return l;
    }
    if (IS("get")) {
        *handled = true;
        tv k = tpl_arg(c, call, 0, NULL, tv_none());
        tv *v = tpl_dict_getv(obj.u.d, k);
        return v ? *v : tpl_arg(c, call, 1, NULL, tv_none());
    }
    return tv_none();
}
