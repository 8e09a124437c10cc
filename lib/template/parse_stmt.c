/* Statements: {% if %}, {% for %}, {% set %}, {% macro %}, {% call %},
 * {% filter %}, {% break %}/{% continue %} (loopcontrols) and
 * {% generation %} (the transformers extension), and the entry point. */
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

/* An expression, or a tuple when commas follow (`{{ a, b }}`). */
static tpl_node *parse_tuple(P *p, bool condexpr)
{
    tpl_node *n = tplp_expr(p, condexpr);
    if (!tplp_is_op(p, ","))
        return n;
    tpl_node *t = tplp_mk(p, N_TUPLE);
    args_t l = {0};
    tplp_args_add(p, &l, n, NULL);
    while (tplp_skip_op(p, ",")) {
        const tpl_tok *c = tplp_cur(p);
        if (c->t == T_BEND || c->t == T_VEND || tplp_is_name(p, "in") || tplp_is_op(p, "="))
            break;
        tplp_args_add(p, &l, tplp_expr(p, condexpr), NULL);
    }
    tplp_args_set(t, &l);
    return t;
}

static void expect_end(P *p, int t)
{
    if (tplp_cur(p)->t != t) {
        const tpl_tok *c = tplp_cur(p);
        if (c->t == T_NAME || c->t == T_OP || c->t == T_STR || c->t == T_INT || c->t == T_FLOAT)
            tplp_err(p, "expected end of %.*s", t == T_BEND ? "statement block" : "print statement",
                     t == T_BEND ? 15 : 15);
        tplp_err(p, "%.*s", "unexpected token", 16);
    }
    p->i++;
}

static bool at_end_tag(P *p, const char *const *ends)
{
    if (tplp_cur(p)->t != T_BBEGIN || p->t[p->i + 1].t != T_NAME)
        return false;
    const tpl_tok *nm = &p->t[p->i + 1];
    for (; ends && *ends; ends++)
        if (nm->n == strlen(*ends) && !memcmp(nm->s, *ends, nm->n))
            return true;
    return false;
}

static tpl_node *parse_body(P *p, const char *const *ends);

/* Parses a body up to one of ends, then consumes `{% end` (the name is
 * left for the caller to check). Returns the body. */
static tpl_node *body_until(P *p, const char *const *ends)
{
    tpl_node *b = parse_body(p, ends);
    if (tplp_cur(p)->t == T_EOF) {
        tplp_err(p, "unexpected end of template, expected '%.*s'", ends[0], strlen(ends[0]));
    }
    p->i++; /* {% */
    return b;
}

/* Assignment target: a name, ns.attr (when allowed) or names a, b. */
static tpl_node *parse_target(P *p, bool attr_ok)
{
    args_t l = {0};
    do {
        const tpl_tok *t = tplp_expect_name(p);
        tpl_node *n = tplp_mk(p, N_NAME);
        n->name = t->s;
        n->nlen = t->n;
        if (attr_ok && tplp_skip_op(p, ".")) {
            tpl_node *a = tplp_mk(p, N_ATTR);
            const tpl_tok *at = tplp_expect_name(p);
            a->a = n;
            a->name = at->s;
            a->nlen = at->n;
            n = a;
        }
        tplp_args_add(p, &l, n, NULL);
    } while (tplp_skip_op(p, ","));
    if (l.n == 1)
        return l.v[0];
    tpl_node *t = tplp_mk(p, N_TUPLE);
    tplp_args_set(t, &l);
    return t;
}

static tpl_node *parse_if(P *p)
{
    static const char *const ends[] = {"elif", "else", "endif", NULL};
    tpl_node *n = tplp_mk(p, S_IF);
    n->a = parse_tuple(p, false);
    expect_end(p, T_BEND);
    n->b = body_until(p, ends);
    if (tplp_skip_name(p, "elif")) {
        n->c = parse_if(p);
        return n;
    }
    if (tplp_skip_name(p, "else")) {
        static const char *const endif[] = {"endif", NULL};
        expect_end(p, T_BEND);
        n->c = body_until(p, endif);
    }
    tplp_expect_name(p); /* endif */
    expect_end(p, T_BEND);
    return n;
}

static tpl_node *parse_for(P *p)
{
    static const char *const ends[] = {"endfor", "else", NULL};
    static const char *const endfor[] = {"endfor", NULL};
    tpl_node *n = tplp_mk(p, S_FOR);
    tpl_node *t = parse_target(p, false);
    if (t->kind == N_TUPLE) {
        n->args = t->args;
        n->nargs = t->nargs;
    } else {
        n->args = tplp_alloc(p, sizeof *n->args);
        n->args[0] = t;
        n->nargs = 1;
    }
    if (!tplp_skip_name(p, "in"))
        tplp_err(p, "%.*s", "expected 'in'", 13);
    n->a = parse_tuple(p, false);
    if (tplp_skip_name(p, "if"))
        n->d = tplp_expr(p, true);
    if (tplp_is_name(p, "recursive"))
        tplp_err(p, "%.*s", "recursive loops are not supported", 33);
    expect_end(p, T_BEND);
    n->b = body_until(p, ends);
    if (tplp_skip_name(p, "else")) {
        expect_end(p, T_BEND);
        n->c = body_until(p, endfor);
    }
    tplp_expect_name(p);
    expect_end(p, T_BEND);
    return n;
}

static tpl_node *parse_set(P *p)
{
    static const char *const ends[] = {"endset", NULL};
    tpl_node *n = tplp_mk(p, S_SET);
    n->args = tplp_alloc(p, sizeof *n->args);
    n->args[0] = parse_target(p, true);
    n->nargs = 1;
    if (tplp_skip_op(p, "=")) {
        n->a = parse_tuple(p, true);
        expect_end(p, T_BEND);
        return n;
    }
    if (n->args[0]->kind != N_NAME)
        tplp_err(p, "%.*s", "expected '='", 12);
    expect_end(p, T_BEND);
    n->b = body_until(p, ends);
    tplp_expect_name(p);
    expect_end(p, T_BEND);
    return n;
}

/* Parameters of a macro (or of a call block's caller): name [= default]. */
static void parse_params(P *p, tpl_node *n)
{
    args_t l = {0};
    tplp_expect_op(p, "(");
    while (!tplp_is_op(p, ")")) {
        if (l.n)
            tplp_expect_op(p, ",");
        const tpl_tok *t = tplp_expect_name(p);
        tpl_node *a = tplp_mk(p, N_NAME);
        a->name = t->s;
        a->nlen = t->n;
        if (tplp_skip_op(p, "="))
            a->a = tplp_expr(p, true);
        tplp_args_add(p, &l, a, NULL);
    }
    tplp_expect_op(p, ")");
    tplp_args_set(n, &l);
}

static tpl_node *parse_macro(P *p)
{
    static const char *const ends[] = {"endmacro", NULL};
    tpl_node *n = tplp_mk(p, S_MACRO);
    const tpl_tok *t = tplp_expect_name(p);
    n->name = t->s;
    n->nlen = t->n;
    parse_params(p, n);
    expect_end(p, T_BEND);
    n->b = body_until(p, ends);
    tplp_expect_name(p);
    expect_end(p, T_BEND);
    return n;
}

static tpl_node *parse_call_block(P *p)
{
    static const char *const ends[] = {"endcall", NULL};
    tpl_node *n = tplp_mk(p, S_CALLBLOCK);
    if (tplp_is_op(p, "("))
        parse_params(p, n);
    n->a = tplp_expr(p, true);
    if (n->a->kind != N_CALL)
        tplp_err(p, "%.*s", "expected a call", 15);
    expect_end(p, T_BEND);
    n->b = body_until(p, ends);
    tplp_expect_name(p);
    expect_end(p, T_BEND);
    return n;
}

static tpl_node *parse_filter_block(P *p)
{
    static const char *const ends[] = {"endfilter", NULL};
    tpl_node *n = tplp_mk(p, S_FILTERBLOCK);
    /* The filters apply to a placeholder constant that the evaluator
     * fills with the rendered body. */
    tpl_node *hole = tplp_mk(p, N_CONST), *cur = hole;
    do {
        const tpl_tok *nm = tplp_expect_name(p);
        int id = tpl_filter_id(nm->s, nm->n);
        if (id < 0) {
            p->i--;
            tplp_err(p, "no filter named '%.*s'", nm->s, nm->n);
        }
        tpl_node *f = tplp_mk(p, N_FILTER);
        f->a = cur;
        f->op = (uint16_t)id;
        f->name = nm->s;
        f->nlen = nm->n;
        if (tplp_is_op(p, "("))
            tplp_call_args(p, f);
        cur = f;
    } while (tplp_skip_op(p, "|"));
    n->a = cur;
    n->c = hole;
    expect_end(p, T_BEND);
    n->b = body_until(p, ends);
    tplp_expect_name(p);
    expect_end(p, T_BEND);
    return n;
}

static tpl_node *parse_statement(P *p)
{
    static const char *const gen_end[] = {"endgeneration", NULL};
    const tpl_tok *t = tplp_expect_name(p);
#define IS(w) (t->n == sizeof w - 1 && !memcmp(t->s, w, t->n))
    if (IS("if"))
        return parse_if(p);
    if (IS("for"))
        return parse_for(p);
    if (IS("set"))
        return parse_set(p);
    if (IS("macro"))
        return parse_macro(p);
    if (IS("call"))
        return parse_call_block(p);
    if (IS("filter"))
        return parse_filter_block(p);
    if (IS("break") || IS("continue")) {
        tpl_node *n = tplp_mk(p, IS("break") ? S_BREAK : S_CONTINUE);
        expect_end(p, T_BEND);
        return n;
    }
    if (IS("generation")) {
        tpl_node *n = tplp_mk(p, S_GEN);
        expect_end(p, T_BEND);
        n->b = body_until(p, gen_end);
        tplp_expect_name(p);
        expect_end(p, T_BEND);
        return n;
    }
#undef IS
    p->i--;
    tplp_err(p, "encountered unknown tag '%.*s'", t->s, t->n);
}

static tpl_node *parse_body(P *p, const char *const *ends)
{
    tpl_node *head = NULL, **tail = &head;
    for (;;) {
        const tpl_tok *t = tplp_cur(p);
        tpl_node *n = NULL;
        if (t->t == T_EOF || at_end_tag(p, ends))
            return head;
        if (t->t == T_DATA) {
            n = tplp_mk(p, S_TEXT);
            n->name = t->s;
            n->nlen = t->n;
            p->i++;
        } else if (t->t == T_VBEGIN) {
            p->i++;
            n = tplp_mk(p, S_OUTPUT);
            n->a = parse_tuple(p, true);
            expect_end(p, T_VEND);
        } else if (t->t == T_BBEGIN) {
            p->i++;
            if (++p->depth > 200)
                tplp_err(p, "%.*s", "statements nested too deep", 26);
            n = parse_statement(p);
            p->depth--;
        } else {
            tplp_err(p, "%.*s", "unexpected token", 16);
        }
        *tail = n;
        tail = &n->next;
    }
}

int tpl_parse(const char *src, size_t n, tpl_prog *prog, ts_err *err)
{
    ts_arena_init(&prog->arena);
    prog->body = NULL;
    /* jinja2 reads \r\n and \r as \n and drops one trailing newline. */
    char *s = ts_arena_alloc(&prog->arena, n + 1);
    if (!s)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\r') {
            s[k++] = '\n';
            if (i + 1 < n && src[i + 1] == '\n')
                i++;
        } else {
            s[k++] = src[i];
        }
    }
    if (k && s[k - 1] == '\n')
        k--;
    s[k] = 0;
    tpl_toks toks = {0};
    if (err)
        err->line = 0;
    int rc = tpl_lex(s, k, &toks, err);
    if (rc) {
        free(toks.v);
        return rc;
    }
    P p;
    memset(&p, 0, sizeof p);
    p.t = toks.v;
    p.a = &prog->arena;
    p.err = err;
    if (setjmp(p.jb)) {
        free(toks.v);
        return p.code;
    }
    prog->body = parse_body(&p, NULL);
    if (tplp_cur(&p)->t != T_EOF) {
        const tpl_tok *nm = &p.t[p.i + 1];
        p.i++;
        tplp_err(&p, "encountered unknown tag '%.*s'", nm->s, nm->n);
    }
    free(toks.v);
    if (err)
        err->line = 0;
    return 0;
}

void tpl_prog_release(tpl_prog *p)
{
    ts_arena_release(&p->arena);
    p->body = NULL;
}
