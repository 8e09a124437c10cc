/* Shared by the expression parser (parse.c) and the statement parser
 * (parse_stmt.c). Prefix tplp_. */
#ifndef TS_TPL_PARSE_INT_H
#define TS_TPL_PARSE_INT_H

#include "lex.h"

typedef struct {
    const tpl_tok *t;
    size_t i;
    ts_arena *a;
    ts_err *err;
    jmp_buf jb;
    int code;
    int depth;
} P;

/* A growing argument list in the arena. */
typedef struct {
    tpl_node **v;
    const char **kw;
    uint32_t n, cap;
    bool any_kw;
} args_t;

/* Reports fmt (with one "%.*s" taking arg/n) at the current token's line
 * and unwinds to tpl_parse. */
_Noreturn void tplp_err(P *p, const char *fmt, const char *arg, size_t n);
void *tplp_alloc(P *p, size_t n); /* zeroed; unwinds on ENOMEM */
tpl_node *tplp_mk(P *p, int kind);
const tpl_tok *tplp_cur(P *p);
/* How a token reads in a message: its text, or "end of print statement". */
const char *tplp_tok_desc(const tpl_tok *t, size_t *n);
bool tplp_is_op(P *p, const char *op);
bool tplp_is_name(P *p, const char *nm);
bool tplp_skip_op(P *p, const char *op);
bool tplp_skip_name(P *p, const char *nm);
void tplp_expect_op(P *p, const char *op);
const tpl_tok *tplp_expect_name(P *p);
void tplp_args_add(P *p, args_t *l, tpl_node *n, const char *kw);
void tplp_args_set(tpl_node *n, args_t *l);
char *tplp_name_dup(P *p, const tpl_tok *t);
tpl_node *tplp_expr(P *p, bool condexpr);
/* Literals: a string body with Python's escapes, an int (refused past
 * int64), a float. */
tv tplp_unescape(P *p, const char *s, size_t n);
int64_t tplp_int_literal(P *p, const tpl_tok *t);
double tplp_float_literal(const char *s, size_t n);
/* `(args)` of a call, filter or test into call->args / kw. */
void tplp_call_args(P *p, tpl_node *call);

#endif
