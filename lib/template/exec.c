/* Statement execution. Scoping follows jinja2: each for-loop iteration
 * and each macro call is a fresh scope (a `set` inside it does not leak
 * out, hence namespace()); if-blocks share their enclosing scope. */
#include <stdlib.h>
#include <string.h>

#include "tpl_int.h"

enum { MAX_CALL_DEPTH = 100 };

static void set_var(tpl_ctx *c, const char *name, size_t n, tv val)
{
    for (size_t i = c->nvars; i-- > c->scope;)
        if (c->vars[i].nlen == n && !memcmp(c->vars[i].name, name, n)) {
            c->vars[i].val = val;
            return;
        }
    if (c->nvars == c->capvars) {
        size_t cap = c->capvars ? c->capvars * 2 : 64;
        tpl_var *v = tpl_alloc(c, cap * sizeof *v);
        if (c->nvars)
            memcpy(v, c->vars, c->nvars * sizeof *v);
        c->vars = v;
        c->capvars = cap;
    }
    c->vars[c->nvars++] = (tpl_var){name, n, val};
}

static void assign(tpl_ctx *c, const tpl_node *target, tv val)
{
    if (target->kind == N_NAME) {
        set_var(c, target->name, target->nlen, val);
    } else if (target->kind == N_ATTR) {
        tv ns = tpl_eval(c, target->a);
        c->line = target->line;
        if (ns.k != TV_NS)
            tpl_fail(c, "cannot assign attribute on non-namespace object");
        tpl_dict_put(c, ns.u.d, tv_str(target->name, target->nlen), val);
    } else { /* N_TUPLE: unpack */
        const tv *items;
        size_t n = tpl_iter(c, val, &items);
        if (n != target->nargs)
            tpl_fail(c, n < target->nargs ? "not enough values to unpack (expected %u, got %zu)"
                                          : "too many values to unpack (expected %u, got %zu)",
                     target->nargs, n);
        for (uint32_t i = 0; i < target->nargs; i++)
            assign(c, target->args[i], items[i]);
    }
}

static void bind_targets(tpl_ctx *c, const tpl_node *f, tv item)
{
    if (f->nargs == 1) {
        set_var(c, f->args[0]->name, f->args[0]->nlen, item);
        return;
    }
    tpl_node t = {.kind = N_TUPLE, .args = f->args, .nargs = f->nargs, .line = f->line};
    assign(c, &t, item);
}

static tv capture(tpl_ctx *c, const tpl_node *body)
{
    size_t mark = c->out->len;
    c->capture++;
    tpl_exec(c, body);
    c->capture--;
    tv s = tpl_buf_to_str(c, c->out, mark);
    s.fl |= TVF_SAFE;
    return s;
}

static void exec_for(tpl_ctx *c, const tpl_node *n)
{
    tv seq = tpl_eval(c, n->a);
    c->line = n->line;
    if (seq.k == TV_UNDEF && !seq.u.s)
        seq = tv_undef(NULL, 0);
    const tv *items;
    size_t cnt = tpl_iter(c, seq, &items);
    size_t save_n = c->nvars, save_scope = c->scope;
    c->scope = c->nvars;
    if (n->d) { /* for x in xs if cond: loop.length counts what passes */
        tv *kept = tpl_alloc(c, (cnt ? cnt : 1) * sizeof(tv));
        size_t k = 0;
        for (size_t i = 0; i < cnt; i++) {
            c->nvars = c->scope;
            bind_targets(c, n, items[i]);
            if (tpl_truthy(tpl_eval(c, n->d)))
                kept[k++] = items[i];
        }
        items = kept;
        cnt = k;
    }
    /* loop.depth counts recursion levels, and recursive loops are not
     * supported: every loop is at depth 1, as jinja2 reports for nested
     * plain loops. */
    int depth = 1;
    tpl_loop *loop = tpl_alloc(c, sizeof *loop);
    *loop = (tpl_loop){items, cnt, 0, depth};
    tv lv = {TV_LOOP, 0, 0, {.loop = loop}};
    /* Like jinja2's generated code, the else body runs unless some
     * iteration reached the end of the body (not cut by continue/break). */
    bool completed = false;
    for (size_t i = 0; i < cnt; i++) {
        c->nvars = c->scope;
        loop->i = i;
        if (++c->steps > c->max_steps)
            tpl_fail(c, "template ran past its step budget (%llu)", (unsigned long long)c->max_steps);
        set_var(c, "loop", 4, lv);
        bind_targets(c, n, items[i]);
        tpl_exec(c, n->b);
        if (c->ctl == 1) {
            c->ctl = 0;
            break;
        }
        completed |= c->ctl == 0;
        c->ctl = 0;
    }
    c->nvars = c->scope;
    if (!completed && n->c)
        tpl_exec(c, n->c);
    c->nvars = save_n;
    c->scope = save_scope;
}

tv tpl_call_macro(tpl_ctx *c, const tpl_node *m, const tpl_node *call, const tpl_node *caller)
{
    if (c->depth >= MAX_CALL_DEPTH)
        tpl_fail(c, "macro calls nested too deep");
    /* Arguments are evaluated in the caller's scope, before binding. */
    uint32_t np = m->nargs;
    tv *vals = tpl_alloc(c, (np ? np : 1) * sizeof(tv));
    bool *set = tpl_alloc(c, np ? np : 1);
    memset(set, 0, np ? np : 1);
    uint32_t pos = 0;
    for (uint32_t i = 0; i < call->nargs; i++) {
        const char *kw = call->kw ? call->kw[i] : NULL;
        tv v = tpl_eval(c, call->args[i]);
        c->line = call->line;
        if (!kw) {
            if (pos >= np)
                tpl_fail(c, "macro '%.*s' takes not more than %u argument(s)", (int)m->nlen,
                         m->name ? m->name : "caller", np);
            vals[pos] = v;
            set[pos++] = true;
            continue;
        }
        uint32_t k = 0;
        while (k < np && !(m->args[k]->nlen == strlen(kw) && !memcmp(m->args[k]->name, kw, m->args[k]->nlen)))
            k++;
        if (k == np)
            tpl_fail(c, "macro '%.*s' takes no keyword argument '%s'", (int)m->nlen, m->name ? m->name : "",
                     kw);
        vals[k] = v;
        set[k] = true;
    }
    size_t save_n = c->nvars, save_scope = c->scope;
    c->scope = c->nvars;
    c->depth++;
    for (uint32_t i = 0; i < np; i++) {
        const tpl_node *p = m->args[i];
        tv v = set[i] ? vals[i] : p->a ? tpl_eval(c, p->a) : tv_undef(p->name, p->nlen);
        set_var(c, p->name, p->nlen, v);
    }
    if (caller) {
        tv cv = {TV_MACRO, 0, 0, {.node = caller}};
        set_var(c, "caller", 6, cv);
    }
    tv out = capture(c, m->b);
    c->ctl = 0;
    c->depth--;
    c->nvars = save_n;
    c->scope = save_scope;
    return out;
}

static void exec_one(tpl_ctx *c, const tpl_node *n)
{
    c->line = n->line;
    if (++c->steps > c->max_steps)
        tpl_fail(c, "template ran past its step budget (%llu)", (unsigned long long)c->max_steps);
    switch (n->kind) {
    case S_TEXT: tpl_put(c, c->out, n->name, n->nlen); break;
    case S_OUTPUT: {
        tv v = tpl_eval(c, n->a);
        tpl_write_str(c, c->out, v, false);
        break;
    }
    case S_IF:
        for (; n; n = n->c) {
            if (n->kind != S_IF) { /* the else body */
                tpl_exec(c, n);
                break;
            }
            if (tpl_truthy(tpl_eval(c, n->a))) {
                tpl_exec(c, n->b);
                break;
            }
        }
        break;
    case S_FOR: exec_for(c, n); break;
    case S_SET:
        assign(c, n->args[0], n->a ? tpl_eval(c, n->a) : capture(c, n->b));
        break;
    case S_MACRO: {
        tv m = {TV_MACRO, 0, 0, {.node = n}};
        set_var(c, n->name, n->nlen, m);
        break;
    }
    case S_CALLBLOCK: {
        tv f = tpl_eval(c, n->a->a);
        c->line = n->line;
        if (f.k != TV_MACRO)
            tpl_fail(c, "a call block needs a macro");
        tv r = tpl_call_macro(c, f.u.node, n->a, n);
        tpl_put(c, c->out, r.u.s, r.n);
        break;
    }
    case S_BREAK: c->ctl = 1; break;
    case S_CONTINUE: c->ctl = 2; break;
    case S_GEN: {
        size_t start = c->out->len;
        tpl_exec(c, n->b);
        if (c->spans && !c->capture && c->out->len > start) {
            ts_tpl_spans *s = c->spans;
            if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 8;
                ts_tpl_span *v = realloc(s->v, cap * sizeof *v);
                if (!v) {
                    c->code = TS_ENOMEM;
                    ts_err_set(c->err, TS_ENOMEM, "out of memory");
                    longjmp(c->jb, 1);
                }
                s->v = v;
                s->cap = cap;
            }
            s->v[s->n++] = (ts_tpl_span){start - c->base, c->out->len - c->base};
        }
        break;
    }
    case S_FILTERBLOCK: {
        tv v = capture(c, n->b);
        /* n->a is f_k(...f_1(hole)): apply f_1 first */
        const tpl_node *chain[64];
        int k = 0;
        for (const tpl_node *f = n->a; f != n->c && k < 64; f = f->a)
            chain[k++] = f;
        while (k-- > 0)
            v = tpl_filter(c, chain[k], v);
        tpl_write_str(c, c->out, v, false);
        break;
    }
    default: tpl_fail(c, "not a statement");
    }
}

void tpl_exec(tpl_ctx *c, const tpl_node *body)
{
    for (const tpl_node *n = body; n && !c->ctl; n = n->next)
        exec_one(c, n);
}
