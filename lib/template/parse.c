/* The template parser: tokens to a tree, with jinja2's grammar and
 * operator precedence (parser.py): condexpr < or < and < not < compare <
 * + - < ~ < * / // % < ** < unary < primary, postfix, filters and tests. */
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

static tpl_node *parse_unary(P *p, bool with_filter);

/* Call arguments after '(': positional and keyword (name=value). */
void tplp_call_args(P *p, tpl_node *call)
{
    args_t l = {0};
    tplp_expect_op(p, "(");
    while (!tplp_is_op(p, ")")) {
        if (l.n)
            tplp_expect_op(p, ",");
        if (tplp_is_op(p, ")"))
            break;
        const char *kw = NULL;
        if (tplp_cur(p)->t == T_NAME && p->t[p->i + 1].t == T_OP && p->t[p->i + 1].n == 1 &&
            p->t[p->i + 1].s[0] == '=') {
            kw = tplp_name_dup(p, tplp_cur(p));
            p->i += 2;
        } else if (l.any_kw) {
            tplp_err(p, "%.*s", "positional argument after a keyword argument", 44);
        }
        tplp_args_add(p, &l, tplp_expr(p, true), kw);
    }
    tplp_expect_op(p, ")");
    tplp_args_set(call, &l);
}

static tpl_node *parse_list_like(P *p, int kind, const char *close)
{
    tpl_node *n = tplp_mk(p, kind);
    args_t l = {0};
    while (!tplp_is_op(p, close)) {
        if (l.n)
            tplp_expect_op(p, ",");
        if (tplp_is_op(p, close))
            break;
        if (kind == N_DICT) {
            tplp_args_add(p, &l, tplp_expr(p, true), NULL);
            tplp_expect_op(p, ":");
        }
        tplp_args_add(p, &l, tplp_expr(p, true), NULL);
    }
    tplp_expect_op(p, close);
    tplp_args_set(n, &l);
    return n;
}

static tpl_node *parse_primary(P *p)
{
    const tpl_tok *t = tplp_cur(p);
    tpl_node *n;
    if (++p->depth > 200)
        tplp_err(p, "%.*s", "expression nested too deep", 26);
    if (t->t == T_NAME) {
        n = tplp_mk(p, N_CONST);
        p->i++;
#define KW(w) (t->n == sizeof w - 1 && !memcmp(t->s, w, t->n))
        if (KW("true") || KW("True"))
            n->val = tv_bool(true);
        else if (KW("false") || KW("False"))
            n->val = tv_bool(false);
        else if (KW("none") || KW("None"))
            n->val = tv_none();
        else {
            n->kind = N_NAME;
            n->name = t->s;
            n->nlen = t->n;
        }
#undef KW
    } else if (t->t == T_STR) {
        n = tplp_mk(p, N_CONST);
        n->val = tplp_unescape(p, t->s + 1, t->n - 2);
        p->i++;
        while (tplp_cur(p)->t == T_STR) { /* adjacent literals concatenate */
            tv more = tplp_unescape(p, tplp_cur(p)->s + 1, tplp_cur(p)->n - 2);
            char *s = tplp_alloc(p, n->val.n + more.n + 1);
            memcpy(s, n->val.u.s, n->val.n);
            memcpy(s + n->val.n, more.u.s, more.n);
            n->val = tv_str(s, n->val.n + more.n);
            p->i++;
        }
    } else if (t->t == T_INT) {
        n = tplp_mk(p, N_CONST);
        n->val = tv_int(tplp_int_literal(p, t));
        p->i++;
    } else if (t->t == T_FLOAT) {
        n = tplp_mk(p, N_CONST);
        n->val = tv_float(tplp_float_literal(t->s, t->n));
        p->i++;
    } else if (tplp_skip_op(p, "(")) {
        if (tplp_skip_op(p, ")")) {
            n = tplp_mk(p, N_TUPLE);
        } else {
            n = tplp_expr(p, true);
            if (tplp_is_op(p, ",")) {
                tpl_node *tu = tplp_mk(p, N_TUPLE);
                args_t l = {0};
                tplp_args_add(p, &l, n, NULL);
                while (tplp_skip_op(p, ",") && !tplp_is_op(p, ")"))
                    tplp_args_add(p, &l, tplp_expr(p, true), NULL);
                tplp_args_set(tu, &l);
                n = tu;
            }
            tplp_expect_op(p, ")");
        }
    } else if (tplp_skip_op(p, "[")) {
        n = parse_list_like(p, N_LIST, "]");
    } else if (tplp_skip_op(p, "{")) {
        n = parse_list_like(p, N_DICT, "}");
    } else {
        size_t len;
        const char *d = tplp_tok_desc(t, &len);
        tplp_err(p, "unexpected '%.*s'", d, len);
    }
    p->depth--;
    return n;
}

static tpl_node *parse_subscript(P *p, tpl_node *obj)
{
    if (tplp_skip_op(p, ".")) {
        tpl_node *n = tplp_mk(p, N_ATTR);
        n->a = obj;
        if (tplp_cur(p)->t == T_INT) { /* x.0 is x[0] */
            n->kind = N_ITEM;
            n->b = tplp_mk(p, N_CONST);
            n->b->val = tv_int(tplp_int_literal(p, tplp_cur(p)));
            p->i++;
            return n;
        }
        const tpl_tok *t = tplp_expect_name(p);
        n->name = t->s;
        n->nlen = t->n;
        return n;
    }
    tplp_expect_op(p, "[");
    tpl_node *parts[3] = {NULL, NULL, NULL};
    int k = 0;
    bool slice = false;
    for (;;) {
        if (tplp_is_op(p, ":")) {
            slice = true;
            if (k == 2)
                tplp_err(p, "%.*s", "too many ':' in a slice", 23);
            p->i++;
            k++;
            continue;
        }
        if (tplp_is_op(p, "]"))
            break;
        if (parts[k])
            tplp_err(p, "%.*s", "expected ']'", 12);
        parts[k] = tplp_expr(p, true);
    }
    tplp_expect_op(p, "]");
    tpl_node *n = tplp_mk(p, slice ? N_SLICE : N_ITEM);
    n->a = obj;
    n->b = parts[0];
    n->c = parts[1];
    n->d = parts[2];
    if (!slice && !parts[0])
        tplp_err(p, "%.*s", "expected a subscript", 20);
    return n;
}

static tpl_node *parse_postfix(P *p, tpl_node *n)
{
    for (;;) {
        if (tplp_is_op(p, ".") || tplp_is_op(p, "[")) {
            n = parse_subscript(p, n);
        } else if (tplp_is_op(p, "(")) {
            tpl_node *c = tplp_mk(p, N_CALL);
            c->a = n;
            tplp_call_args(p, c);
            n = c;
        } else {
            return n;
        }
    }
}

static tpl_node *parse_filter_expr(P *p, tpl_node *n)
{
    for (;;) {
        if (tplp_skip_op(p, "|")) {
            const tpl_tok *t = tplp_expect_name(p);
            int id = tpl_filter_id(t->s, t->n);
            if (id < 0) {
                p->i--;
                tplp_err(p, "no filter named '%.*s'", t->s, t->n);
            }
            tpl_node *f = tplp_mk(p, N_FILTER);
            f->a = n;
            f->op = (uint16_t)id;
            f->name = t->s;
            f->nlen = t->n;
            if (tplp_is_op(p, "("))
                tplp_call_args(p, f);
            n = f;
        } else if (tplp_skip_name(p, "is")) {
            tpl_node *f = tplp_mk(p, N_TEST);
            f->flag = tplp_skip_name(p, "not");
            const tpl_tok *t = tplp_expect_name(p);
            int id = tpl_test_id(t->s, t->n);
            if (id < 0) {
                p->i--;
                tplp_err(p, "no test named '%.*s'", t->s, t->n);
            }
            f->a = n;
            f->op = (uint16_t)id;
            f->name = t->s;
            f->nlen = t->n;
            const tpl_tok *c = tplp_cur(p);
            if (tplp_is_op(p, "(")) {
                tplp_call_args(p, f);
            } else if ((c->t == T_NAME || c->t == T_STR || c->t == T_INT || c->t == T_FLOAT || tplp_is_op(p, "[") ||
                        tplp_is_op(p, "{")) &&
                       !tplp_is_name(p, "else") && !tplp_is_name(p, "or") && !tplp_is_name(p, "and")) {
                args_t l = {0};
                tplp_args_add(p, &l, parse_postfix(p, parse_primary(p)), NULL);
                tplp_args_set(f, &l);
            }
            n = f;
        } else if (tplp_is_op(p, "(")) {
            tpl_node *c = tplp_mk(p, N_CALL);
            c->a = n;
            tplp_call_args(p, c);
            n = c;
        } else {
            return n;
        }
    }
}

static tpl_node *parse_unary(P *p, bool with_filter)
{
    tpl_node *n;
    if (++p->depth > 200)
        tplp_err(p, "%.*s", "expression nested too deep", 26);
    if (tplp_is_op(p, "-") || tplp_is_op(p, "+")) {
        n = tplp_mk(p, tplp_is_op(p, "-") ? N_NEG : N_POS);
        p->i++;
        n->a = parse_unary(p, false);
    } else {
        n = parse_primary(p);
    }
    n = parse_postfix(p, n);
    if (with_filter)
        n = parse_filter_expr(p, n);
    p->depth--;
    return n;
}

static tpl_node *bin(P *p, int op, tpl_node *a, tpl_node *b)
{
    tpl_node *n = tplp_mk(p, N_BIN);
    n->op = (uint16_t)op;
    n->a = a;
    n->b = b;
    return n;
}

static tpl_node *parse_pow(P *p)
{
    tpl_node *n = parse_unary(p, true);
    while (tplp_skip_op(p, "**"))
        n = bin(p, OP_POW, n, parse_unary(p, true));
    return n;
}

static tpl_node *parse_math2(P *p)
{
    tpl_node *n = parse_pow(p);
    for (;;) {
        int op = tplp_is_op(p, "*") ? OP_MUL : tplp_is_op(p, "/") ? OP_DIV : tplp_is_op(p, "//") ? OP_FLOORDIV
                 : tplp_is_op(p, "%") ? OP_MOD : -1;
        if (op < 0)
            return n;
        p->i++;
        n = bin(p, op, n, parse_pow(p));
    }
}

static tpl_node *parse_concat(P *p)
{
    tpl_node *n = parse_math2(p);
    while (tplp_skip_op(p, "~"))
        n = bin(p, OP_CONCAT, n, parse_math2(p));
    return n;
}

static tpl_node *parse_math1(P *p)
{
    tpl_node *n = parse_concat(p);
    for (;;) {
        int op = tplp_is_op(p, "+") ? OP_ADD : tplp_is_op(p, "-") ? OP_SUB : -1;
        if (op < 0)
            return n;
        p->i++;
        n = bin(p, op, n, parse_concat(p));
    }
}

static tpl_node *parse_compare(P *p)
{
    tpl_node *n = parse_math1(p), *chain = NULL, *prev = n;
    for (;;) {
        int op = tplp_is_op(p, "==") ? OP_EQ : tplp_is_op(p, "!=") ? OP_NE : tplp_is_op(p, "<") ? OP_LT
                 : tplp_is_op(p, "<=") ? OP_LE : tplp_is_op(p, ">") ? OP_GT : tplp_is_op(p, ">=") ? OP_GE
                 : tplp_is_name(p, "in") ? OP_IN : -1;
        if (op >= 0) {
            p->i++;
        } else if (tplp_is_name(p, "not") && p->t[p->i + 1].t == T_NAME && p->t[p->i + 1].n == 2 &&
                   !memcmp(p->t[p->i + 1].s, "in", 2)) {
            p->i += 2;
            op = OP_NOTIN;
        } else {
            return chain ? chain : n;
        }
        tpl_node *rhs = parse_math1(p);
        tpl_node *c = bin(p, op, prev, rhs);
        /* a < b < c means a < b and b < c */
        if (!chain) {
            chain = c;
        } else {
            tpl_node *and = tplp_mk(p, N_AND);
            and->a = chain;
            and->b = c;
            chain = and;
        }
        prev = rhs;
    }
}

static tpl_node *parse_not(P *p)
{
    if (tplp_is_name(p, "not")) {
        tpl_node *n = tplp_mk(p, N_NOT);
        p->i++;
        n->a = parse_not(p);
        return n;
    }
    return parse_compare(p);
}

static tpl_node *parse_and(P *p)
{
    tpl_node *n = parse_not(p);
    while (tplp_is_name(p, "and")) {
        tpl_node *a = tplp_mk(p, N_AND);
        p->i++;
        a->a = n;
        a->b = parse_not(p);
        n = a;
    }
    return n;
}

static tpl_node *parse_or(P *p)
{
    tpl_node *n = parse_and(p);
    while (tplp_is_name(p, "or")) {
        tpl_node *o = tplp_mk(p, N_OR);
        p->i++;
        o->a = n;
        o->b = parse_and(p);
        n = o;
    }
    return n;
}

tpl_node *tplp_expr(P *p, bool condexpr)
{
    if (++p->depth > 200)
        tplp_err(p, "%.*s", "expression nested too deep", 26);
    tpl_node *n = parse_or(p);
    while (condexpr && tplp_is_name(p, "if")) {
        tpl_node *c = tplp_mk(p, N_COND);
        p->i++;
        c->b = n;
        c->a = parse_or(p);
        if (tplp_skip_name(p, "else"))
            c->c = tplp_expr(p, true);
        n = c;
    }
    p->depth--;
    return n;
}
