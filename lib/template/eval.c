/* Expression evaluation: names through the scope stack, attributes and
 * items as jinja2's sandbox resolves them, slices, Python arithmetic and
 * comparisons. Calls are in calls.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tpl_int.h"

_Noreturn void tpl_fail(tpl_ctx *c, const char *fmt, ...)
{
    if (c->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
        va_end(ap);
        c->err->code = TS_ETEMPLATE;
        c->err->line = c->line;
    }
    c->code = TS_ETEMPLATE;
    longjmp(c->jb, 1);
}

static tv lookup(tpl_ctx *c, const char *name, size_t n)
{
    for (size_t i = c->nvars; i-- > 0;)
        if (c->vars[i].nlen == n && !memcmp(c->vars[i].name, name, n))
            return c->vars[i].val;
    return tv_undef(name, n);
}

static bool is_num(tv v) { return v.k == TV_INT || v.k == TV_BOOL || v.k == TV_FLOAT; }
static double num(tv v) { return v.k == TV_FLOAT ? v.u.f : (double)v.u.i; }

_Noreturn void tpl_undefined_error(tpl_ctx *c, tv v)
{
    if (v.u.s && (v.fl & TVF_MISSING_ATTR))
        tpl_fail(c, "'dict object' has no attribute '%.*s'", (int)v.n, v.u.s);
    if (v.u.s)
        tpl_fail(c, "'%.*s' is undefined", (int)v.n, v.u.s);
    tpl_fail(c, "undefined value");
}

tv tpl_getattr(tpl_ctx *c, tv obj, const char *name, size_t n)
{
    switch (obj.k) {
    case TV_UNDEF: tpl_undefined_error(c, obj);
    case TV_DICT:
    case TV_NS: {
        tv *v = tpl_dict_get(obj.u.d, name, n);
        if (v)
            return *v;
        tv u = tv_undef(name, n);
        u.fl = TVF_MISSING_ATTR;
        return u;
    }
    case TV_LOOP: {
        tpl_loop *l = obj.u.loop;
#define IS(s) (n == sizeof s - 1 && !memcmp(name, s, n))
        if (IS("index"))
            return tv_int((int64_t)l->i + 1);
        if (IS("index0"))
            return tv_int((int64_t)l->i);
        if (IS("revindex"))
            return tv_int((int64_t)(l->n - l->i));
        if (IS("revindex0"))
            return tv_int((int64_t)(l->n - l->i - 1));
        if (IS("first"))
            return tv_bool(l->i == 0);
        if (IS("last"))
            return tv_bool(l->i + 1 == l->n);
        if (IS("length"))
            return tv_int((int64_t)l->n);
        if (IS("depth"))
            return tv_int(l->depth);
        if (IS("depth0"))
            return tv_int(l->depth - 1);
        if (IS("previtem"))
            return l->i ? l->items[l->i - 1] : tv_undef("previtem", 8);
        if (IS("nextitem"))
            return l->i + 1 < l->n ? l->items[l->i + 1] : tv_undef("nextitem", 8);
#undef IS
        break;
    }
    default: break;
    }
    /* Like jinja2's Undefined: the name is kept for the error if used. */
    return tv_undef(name, n);
}

tv tpl_getitem(tpl_ctx *c, tv obj, tv key)
{
    if (obj.k == TV_UNDEF)
        tpl_undefined_error(c, obj);
    if ((obj.k == TV_DICT || obj.k == TV_NS)) {
        tv *v = tpl_dict_getv(obj.u.d, key);
        return v ? *v : tv_undef(key.k == TV_STR ? key.u.s : NULL, key.n);
    }
    if (key.k == TV_STR)
        return tpl_getattr(c, obj, key.u.s, key.n);
    if ((obj.k == TV_LIST || obj.k == TV_STR) && (key.k == TV_INT || key.k == TV_BOOL)) {
        int64_t i = key.u.i;
        if (obj.k == TV_LIST) {
            int64_t n = (int64_t)obj.u.l->n;
            if (i < 0)
                i += n;
            return i >= 0 && i < n ? obj.u.l->it[i] : tv_undef(NULL, 0);
        }
        /* strings index by code point, as Python's do */
        const tv *chars;
        size_t n = tpl_iter(c, obj, &chars);
        if (i < 0)
            i += (int64_t)n;
        return i >= 0 && i < (int64_t)n ? chars[i] : tv_undef(NULL, 0);
    }
    return tv_undef(NULL, 0);
}

static tv slice(tpl_ctx *c, const tpl_node *n)
{
    tv obj = tpl_eval(c, n->a);
    if (obj.k == TV_UNDEF)
        tpl_undefined_error(c, obj);
    const tv *items;
    size_t len = tpl_iter(c, obj, &items);
    tv part[3];
    const tpl_node *pn[3] = {n->b, n->c, n->d};
    for (int k = 0; k < 3; k++) {
        part[k] = pn[k] ? tpl_eval(c, pn[k]) : tv_none();
        if (part[k].k != TV_NONE && part[k].k != TV_INT && part[k].k != TV_BOOL)
            tpl_fail(c, "slice indices must be integers or None");
    }
    int64_t L = (int64_t)len, step = part[2].k == TV_NONE ? 1 : part[2].u.i, lo, hi;
    if (step == 0)
        tpl_fail(c, "slice step cannot be zero");
    /* Python's PySlice_AdjustIndices */
    if (part[0].k == TV_NONE) {
        lo = step < 0 ? L - 1 : 0;
    } else {
        lo = part[0].u.i;
        if (lo < 0)
            lo = lo + L < 0 ? (step < 0 ? -1 : 0) : lo + L;
        else if (lo >= L)
            lo = step < 0 ? L - 1 : L;
    }
    if (part[1].k == TV_NONE) {
        hi = step < 0 ? -1 : L;
    } else {
        hi = part[1].u.i;
        if (hi < 0)
            hi = hi + L < 0 ? (step < 0 ? -1 : 0) : hi + L;
        else if (hi >= L)
            hi = step < 0 ? L - 1 : L;
    }
    size_t cnt = 0;
    if (step > 0 && lo < hi)
        cnt = (size_t)((hi - lo - 1) / step + 1);
    else if (step < 0 && hi < lo)
        cnt = (size_t)((lo - hi - 1) / -step + 1);
    if (obj.k == TV_STR) {
        size_t total = 0;
        for (size_t i = 0; i < cnt; i++)
            total += items[lo + (int64_t)i * step].n;
        char *s = tpl_alloc(c, total), *w = s;
        for (size_t i = 0; i < cnt; i++) {
            tv ch = items[lo + (int64_t)i * step];
            memcpy(w, ch.u.s, ch.n);
            w += ch.n;
        }
        return tv_str(s, total);
    }
    tv out = tpl_list_new(c, cnt);
    for (size_t i = 0; i < cnt; i++)
        out.u.l->it[i] = items[lo + (int64_t)i * step];
    out.fl = obj.fl & TVF_TUPLE;
    return out;
}

static tv concat2(tpl_ctx *c, tv a, tv b)
{
    char *s = tpl_alloc(c, a.n + b.n);
    memcpy(s, a.u.s, a.n);
    memcpy(s + a.n, b.u.s, b.n);
    return tv_str(s, a.n + b.n);
}

static tv arith(tpl_ctx *c, int op, tv a, tv b)
{
    if (a.k == TV_UNDEF)
        tpl_undefined_error(c, a);
    if (b.k == TV_UNDEF)
        tpl_undefined_error(c, b);
    if (op == OP_ADD && a.k == TV_STR && b.k == TV_STR)
        return concat2(c, a, b);
    if (op == OP_ADD && a.k == TV_LIST && b.k == TV_LIST) {
        tv l = tpl_list_new(c, a.u.l->n + b.u.l->n);
        memcpy(l.u.l->it, a.u.l->it, a.u.l->n * sizeof(tv));
        memcpy(l.u.l->it + a.u.l->n, b.u.l->it, b.u.l->n * sizeof(tv));
        return l;
    }
    if (op == OP_MUL && ((a.k == TV_STR && (b.k == TV_INT || b.k == TV_BOOL)) ||
                         (b.k == TV_STR && (a.k == TV_INT || a.k == TV_BOOL)))) {
        tv s = a.k == TV_STR ? a : b;
        int64_t k = a.k == TV_STR ? b.u.i : a.u.i;
        if (k <= 0)
            return tv_str("", 0);
        if ((uint64_t)k * s.n > (1u << 30))
            tpl_fail(c, "string repetition too large");
        char *o = tpl_alloc(c, (size_t)k * s.n);
        for (int64_t i = 0; i < k; i++)
            memcpy(o + (size_t)i * s.n, s.u.s, s.n);
        return tv_str(o, (size_t)k * s.n);
    }
    if (!is_num(a) || !is_num(b)) {
        static const char *const sym[] = {"+", "-", "*", "/", "//", "%", "**"};
        tpl_fail(c, "unsupported operand type(s) for %s: '%s' and '%s'", sym[op], tpl_kind_name(a),
                 tpl_kind_name(b));
    }
    bool ints = a.k != TV_FLOAT && b.k != TV_FLOAT;
    int64_t x = a.u.i, y = b.u.i, r;
    switch (op) {
    case OP_ADD:
        if (ints && !__builtin_add_overflow(x, y, &r))
            return tv_int(r);
        return tv_float(num(a) + num(b));
    case OP_SUB:
        if (ints && !__builtin_sub_overflow(x, y, &r))
            return tv_int(r);
        return tv_float(num(a) - num(b));
    case OP_MUL:
        if (ints && !__builtin_mul_overflow(x, y, &r))
            return tv_int(r);
        return tv_float(num(a) * num(b));
    case OP_DIV:
        if (num(b) == 0)
            tpl_fail(c, "division by zero");
        return tv_float(num(a) / num(b));
    case OP_FLOORDIV:
    case OP_MOD:
        if (num(b) == 0)
            tpl_fail(c, "integer division or modulo by zero");
        if (ints && !(x == INT64_MIN && y == -1)) {
            int64_t q = x / y, m = x % y;
            if (m && ((m < 0) != (y < 0))) {
                q--;
                m += y;
            }
            return op == OP_MOD ? tv_int(m) : tv_int(q);
        } else {
            double fx = num(a), fy = num(b), m = fmod(fx, fy);
            if (m && ((m < 0) != (fy < 0)))
                m += fy;
            return op == OP_MOD ? tv_float(m) : tv_float(floor((fx - m) / fy));
        }
    default: /* OP_POW */
        if (ints && y >= 0) {
            int64_t acc = 1;
            bool over = false;
            for (int64_t i = 0; i < y && !over; i++)
                over = __builtin_mul_overflow(acc, x, &acc);
            if (!over)
                return tv_int(acc);
        }
        return tv_float(pow(num(a), num(b)));
    }
}

static bool contains(tpl_ctx *c, tv hay, tv needle)
{
    switch (hay.k) {
    case TV_STR:
        if (needle.k != TV_STR)
            tpl_fail(c, "'in <string>' requires string as left operand, not %s", tpl_kind_name(needle));
        if (!needle.n)
            return true;
        return hay.n && tpl_find(hay.u.s, hay.n, needle.u.s, needle.n) != NULL;
    case TV_LIST:
        for (size_t i = 0; i < hay.u.l->n; i++)
            if (tpl_equal(hay.u.l->it[i], needle))
                return true;
        return false;
    case TV_DICT:
    case TV_NS: return tpl_dict_getv(hay.u.d, needle) != NULL;
    case TV_UNDEF: tpl_undefined_error(c, hay);
    default: tpl_fail(c, "argument of type '%s' is not iterable", tpl_kind_name(hay));
    }
}

static tv binop(tpl_ctx *c, const tpl_node *n)
{
    tv a = tpl_eval(c, n->a), b = tpl_eval(c, n->b);
    c->line = n->line;
    switch (n->op) {
    case OP_CONCAT: return concat2(c, tpl_to_str(c, a), tpl_to_str(c, b));
    case OP_EQ: return tv_bool(tpl_equal(a, b));
    case OP_NE: return tv_bool(!tpl_equal(a, b));
    case OP_LT: return tv_bool(tpl_compare(c, a, b) < 0);
    case OP_LE: return tv_bool(tpl_compare(c, a, b) <= 0);
    case OP_GT: return tv_bool(tpl_compare(c, a, b) > 0);
    case OP_GE: return tv_bool(tpl_compare(c, a, b) >= 0);
    case OP_IN: return tv_bool(contains(c, b, a));
    case OP_NOTIN: return tv_bool(!contains(c, b, a));
    default: return arith(c, n->op, a, b);
    }
}

tv tpl_eval(tpl_ctx *c, const tpl_node *n)
{
    c->line = n->line;
    switch (n->kind) {
    case N_CONST: return n->val;
    case N_NAME: return lookup(c, n->name, n->nlen);
    case N_ATTR: return tpl_getattr(c, tpl_eval(c, n->a), n->name, n->nlen);
    case N_ITEM: {
        tv obj = tpl_eval(c, n->a);
        return tpl_getitem(c, obj, tpl_eval(c, n->b));
    }
    case N_SLICE: return slice(c, n);
    case N_CALL: return tpl_call(c, n);
    case N_FILTER: return tpl_filter(c, n, tpl_eval(c, n->a));
    case N_TEST: {
        bool r = tpl_test(c, n, tpl_eval(c, n->a));
        return tv_bool(n->flag ? !r : r);
    }
    case N_NEG:
    case N_POS: {
        tv v = tpl_eval(c, n->a);
        if (!is_num(v))
            tpl_fail(c, "bad operand type for unary %c: '%s'", n->kind == N_NEG ? '-' : '+', tpl_kind_name(v));
        if (n->kind == N_POS)
            return v.k == TV_BOOL ? tv_int(v.u.i) : v;
        if (v.k == TV_FLOAT)
            return tv_float(-v.u.f);
        return v.u.i == INT64_MIN ? tv_float(-(double)v.u.i) : tv_int(-v.u.i);
    }
    case N_NOT: return tv_bool(!tpl_truthy(tpl_eval(c, n->a)));
    case N_AND: {
        tv a = tpl_eval(c, n->a);
        return tpl_truthy(a) ? tpl_eval(c, n->b) : a;
    }
    case N_OR: {
        tv a = tpl_eval(c, n->a);
        return tpl_truthy(a) ? a : tpl_eval(c, n->b);
    }
    case N_COND:
        if (tpl_truthy(tpl_eval(c, n->a)))
            return tpl_eval(c, n->b);
        return n->c ? tpl_eval(c, n->c) : tv_undef(NULL, 0);
    case N_LIST:
    case N_TUPLE: {
        tv l = tpl_list_new(c, n->nargs);
        for (uint32_t i = 0; i < n->nargs; i++)
            l.u.l->it[i] = tpl_eval(c, n->args[i]);
        if (n->kind == N_TUPLE)
            l.fl |= TVF_TUPLE;
        return l;
    }
    case N_DICT: {
        tv d = tpl_dict_new(c, n->nargs / 2);
        for (uint32_t i = 0; i + 1 < n->nargs; i += 2) {
            tv k = tpl_eval(c, n->args[i]);
            tpl_dict_put(c, d.u.d, k, tpl_eval(c, n->args[i + 1]));
        }
        return d;
    }
    case N_BIN: return binop(c, n);
    default: tpl_fail(c, "not an expression");
    }
}
