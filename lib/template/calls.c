/* Calls: macros, the global functions (range, namespace, dict,
 * raise_exception, strftime_now) and methods, and argument lookup. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tpl_int.h"

tv tpl_call(tpl_ctx *c, const tpl_node *n)
{
    if (n->a->kind == N_ATTR) {
        tv obj = tpl_eval(c, n->a->a);
        bool handled = false;
        c->line = n->line;
        tv r = tpl_method(c, obj, n, &handled);
        if (handled)
            return r;
    }
    tv f = tpl_eval(c, n->a);
    c->line = n->line;
    if (f.k == TV_MACRO)
        return tpl_call_macro(c, f.u.node, n, NULL);
    if (f.k == TV_FUNC) {
        switch (f.u.i) {
        case FN_RAISE: {
            tv m = tpl_to_str(c, tpl_arg(c, n, 0, "message", tv_str("", 0)));
            tpl_fail(c, "%.*s", (int)m.n, m.u.s);
        }
        case FN_NAMESPACE:
        case FN_DICT: {
            tv d = tpl_dict_new(c, n->nargs);
            for (uint32_t i = 0; i < n->nargs; i++) {
                tv v = tpl_eval(c, n->args[i]);
                if (n->kw && n->kw[i]) {
                    tpl_dict_put(c, d.u.d, tv_str(n->kw[i], strlen(n->kw[i])), v);
                } else if (v.k == TV_DICT || v.k == TV_NS) {
                    for (size_t k = 0; k < v.u.d->n; k++)
                        tpl_dict_put(c, d.u.d, v.u.d->keys[k], v.u.d->vals[k]);
                }
            }
            if (f.u.i == FN_NAMESPACE)
                d.k = TV_NS;
            return d;
        }
        case FN_RANGE: {
            int64_t a[3] = {0, 0, 1};
            uint32_t k = n->nargs;
            if (k < 1 || k > 3)
                tpl_fail(c, "range expected 1 to 3 arguments, got %u", k);
            for (uint32_t i = 0; i < k; i++) {
                tv v = tpl_eval(c, n->args[i]);
                if (v.k != TV_INT && v.k != TV_BOOL)
                    tpl_fail(c, "'%s' object cannot be interpreted as an integer", tpl_kind_name(v));
                a[k == 1 ? 1 : i] = v.u.i;
            }
            if (!a[2])
                tpl_fail(c, "range() arg 3 must not be zero");
            /* in floating point: the bounds may be anywhere in int64 */
            double span = a[2] > 0 ? (double)a[1] - (double)a[0] : (double)a[0] - (double)a[1];
            double fcnt = span > 0 ? floor((span - 1) / fabs((double)a[2])) + 1 : 0;
            int64_t cnt = fcnt > 100000 ? 100001 : (int64_t)fcnt;
            if (cnt > 100000) /* the sandbox's MAX_RANGE */
                tpl_fail(c, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
            tv l = tpl_list_new(c, (size_t)cnt);
            for (int64_t i = 0; i < cnt; i++)
                l.u.l->it[i] = tv_int(a[0] + i * a[2]);
            return l;
        }
        default: { /* FN_STRFTIME */
            tv fmt = tpl_to_str(c, tpl_arg(c, n, 0, "format", tv_str("", 0)));
            char f0[256], o[512];
            if (fmt.n >= sizeof f0)
                tpl_fail(c, "strftime_now: format too long");
            memcpy(f0, fmt.u.s, fmt.n);
            f0[fmt.n] = 0;
            time_t now = time(NULL);
            struct tm tm;
            localtime_r(&now, &tm);
            size_t len = strftime(o, sizeof o, f0, &tm);
            char *s = tpl_alloc(c, len);
            memcpy(s, o, len);
            return tv_str(s, len);
        }
        }
    }
    if (f.k == TV_UNDEF)
        tpl_undefined_error(c, f);
    tpl_fail(c, "'%s' object is not callable", tpl_kind_name(f));
}

tv tpl_arg(tpl_ctx *c, const tpl_node *call, uint32_t pos, const char *kw, tv dflt)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < call->nargs; i++) {
        const char *name = call->kw ? call->kw[i] : NULL;
        if (name) {
            if (kw && !strcmp(name, kw))
                return tpl_eval(c, call->args[i]);
        } else if (k++ == pos) {
            return tpl_eval(c, call->args[i]);
        }
    }
    return dflt;
}
