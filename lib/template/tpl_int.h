/* Chat template engine internals: values, the syntax tree, the lexer,
 * parser and evaluator. Prefix tpl_ for what crosses files. */
#ifndef TS_TPL_INT_H
#define TS_TPL_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/template.h"

/* --- values -------------------------------------------------------------- */

typedef enum {
    TV_UNDEF, /* s/n: the name that was looked up, for messages */
    TV_NONE,
    TV_BOOL,
    TV_INT,
    TV_FLOAT,
    TV_STR, /* s/n: UTF-8 bytes, borrowed (template, input JSON or arena) */
    TV_LIST,
    TV_DICT,
    TV_NS,    /* namespace(): a dict whose attributes `set` may assign */
    TV_MACRO, /* u.node: the macro statement */
    TV_FUNC,  /* u.i: a global function (enum tpl_fn) */
    TV_LOOP   /* u.loop: the `loop` variable of a for */
} tv_kind;

#define TVF_TUPLE 0x1 /* a list that prints as a tuple */
#define TVF_SAFE 0x2  /* a string marked safe (Markup) */
#define TVF_MISSING_ATTR 0x4 /* undefined: s/n is an attribute a dict lacks */

struct tpl_list;
struct tpl_dict;
struct tpl_node;
struct tpl_loop;

typedef struct tv {
    uint8_t k, fl;
    size_t n; /* string length in bytes */
    union {
        int64_t i;
        double f;
        const char *s;
        struct tpl_list *l;
        struct tpl_dict *d;
        const struct tpl_node *node;
        struct tpl_loop *loop;
    } u;
} tv;

typedef struct tpl_list {
    tv *it;
    size_t n;
} tpl_list;

typedef struct tpl_dict {
    tv *keys, *vals;
    size_t n, cap;
} tpl_dict;

typedef struct tpl_loop {
    const tv *items;
    size_t n, i; /* items[0..n), current index */
    int depth;
} tpl_loop;

enum tpl_fn { FN_RANGE, FN_NAMESPACE, FN_RAISE, FN_STRFTIME, FN_DICT };

/* --- the syntax tree ------------------------------------------------------ */

typedef enum {
    /* expressions */
    N_CONST,  /* val */
    N_NAME,   /* name */
    N_ATTR,   /* a.name */
    N_ITEM,   /* a[b] */
    N_SLICE,  /* a[b:c:d]; missing parts NULL */
    N_CALL,   /* a(args) */
    N_FILTER, /* a | name(args): op = filter id */
    N_TEST,   /* a is [not] name(args): op = test id, flag = negated */
    N_NEG,
    N_POS,
    N_NOT,
    N_BIN, /* op: one of enum tpl_binop */
    N_AND,
    N_OR,
    N_COND,  /* b if a else c */
    N_LIST,  /* args */
    N_TUPLE, /* args */
    N_DICT,  /* args: key, value, key, value... */
    /* statements (a body is a list linked by next) */
    S_TEXT,   /* name/nlen: the text */
    S_OUTPUT, /* a */
    S_IF,     /* a: condition, b: body, c: else body (elif = an S_IF) */
    S_FOR,    /* targets: args (N_NAME), a: iterable, b: body, c: else, d: filter */
    S_SET,    /* args[0]: target (N_NAME or N_ATTR, or N_TUPLE), a: value, or b: block body */
    S_MACRO,  /* name, args: parameters (N_NAME, default in a), b: body */
    S_CALLBLOCK, /* a: the call, b: body (as `caller`) */
    S_BREAK,
    S_CONTINUE,
    S_GEN,    /* b: body */
    S_FILTERBLOCK /* a: an N_FILTER whose argument is the body b */
} tpl_kind;

enum tpl_binop {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_CONCAT,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN
};

typedef struct tpl_node {
    uint8_t kind;
    uint8_t flag;
    uint16_t op;
    uint32_t line;
    const char *name; /* NAME, ATTR, FILTER, TEST, TEXT, MACRO, kwarg names */
    size_t nlen;
    struct tpl_node *a, *b, *c, *d;
    struct tpl_node **args;
    const char **kw; /* kw[i] = keyword of args[i], or NULL (positional); NULL when none */
    uint32_t nargs;
    tv val;
    struct tpl_node *next;
} tpl_node;

/* --- lexer and parser ------------------------------------------------------ */

typedef struct tpl_prog {
    tpl_node *body;
    ts_arena arena; /* nodes, names, unescaped strings */
} tpl_prog;

/* Parses src[0..n) (not copied: the tree borrows it). */
int tpl_parse(const char *src, size_t n, tpl_prog *p, ts_err *err);
void tpl_prog_release(tpl_prog *p);

/* Filter and test tables: index by name, or -1. */
int tpl_filter_id(const char *name, size_t n);
int tpl_test_id(const char *name, size_t n);

/* --- evaluation ------------------------------------------------------------ */

typedef struct tpl_var {
    const char *name;
    size_t nlen;
    tv val;
} tpl_var;

typedef struct tpl_ctx {
    ts_arena *a;
    ts_buf *out;
    ts_tpl_spans *spans;
    size_t base;    /* out->len when the render began */
    int capture;    /* > 0 inside set blocks / macro calls: spans not recorded */
    tpl_var *vars;  /* the variable stack; scopes are marks into it */
    size_t nvars, capvars;
    size_t scope;   /* first variable of the innermost scope */
    int ctl;        /* 1 = break, 2 = continue pending */
    int depth;      /* macro call depth, capped */
    uint32_t line;  /* of the node being evaluated, for errors */
    uint64_t steps, max_steps; /* statements run, and the budget */
    int print_depth; /* nesting of values being printed (namespaces can cycle) */
    ts_err *err;
    int code;
    jmp_buf jb;     /* errors unwind to ts_template_render */
} tpl_ctx;

/* Reports an error at the current line and unwinds. */
_Noreturn void tpl_fail(tpl_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void *tpl_alloc(tpl_ctx *c, size_t n);

tv tpl_eval(tpl_ctx *c, const tpl_node *n);
tv tpl_call(tpl_ctx *c, const tpl_node *n);
/* "'x' is undefined" (or the missing attribute), and unwinds. */
_Noreturn void tpl_undefined_error(tpl_ctx *c, tv v);
void tpl_exec(tpl_ctx *c, const tpl_node *body);
tv tpl_call_macro(tpl_ctx *c, const tpl_node *m, const tpl_node *call, const tpl_node *caller);

/* value helpers (value.c) */
static inline tv tv_undef(const char *name, size_t n) { tv v = {TV_UNDEF, 0, n, {.s = name}}; return v; }
static inline tv tv_none(void) { tv v = {TV_NONE, 0, 0, {0}}; return v; }
static inline tv tv_bool(bool b) { tv v = {TV_BOOL, 0, 0, {.i = b}}; return v; }
static inline tv tv_int(int64_t i) { tv v = {TV_INT, 0, 0, {.i = i}}; return v; }
static inline tv tv_float(double f) { tv v = {TV_FLOAT, 0, 0, {.f = f}}; return v; }
static inline tv tv_str(const char *s, size_t n) { tv v = {TV_STR, 0, n, {.s = s}}; return v; }
tv tpl_list_new(tpl_ctx *c, size_t n); /* n items, zeroed (undefined) */
tv tpl_dict_new(tpl_ctx *c, size_t cap);
void tpl_dict_put(tpl_ctx *c, tpl_dict *d, tv key, tv val);
/* Looks a key up; NULL when absent. */
tv *tpl_dict_get(const tpl_dict *d, const char *k, size_t kn);
tv *tpl_dict_getv(const tpl_dict *d, tv key);
tv tpl_from_json(tpl_ctx *c, const ts_json *j);
bool tpl_truthy(tv v);
bool tpl_equal(tv a, tv b);
/* <0, 0, >0; fails on values that do not order. */
int tpl_compare(tpl_ctx *c, tv a, tv b);
/* str(v) appended to b (Python's print form); repr when `repr`. */
void tpl_write_str(tpl_ctx *c, ts_buf *b, tv v, bool repr);
/* str(v) as a string value (strings returned as they are). */
tv tpl_to_str(tpl_ctx *c, tv v);
void tpl_tojson(tpl_ctx *c, ts_buf *b, tv v, int indent, int level);
void tpl_put(tpl_ctx *c, ts_buf *b, const void *p, size_t n);
const char *tpl_kind_name(tv v);
/* Collects an iterable into items (strings by character, dicts by key). */
size_t tpl_iter(tpl_ctx *c, tv v, const tv **items);
size_t tpl_utf8_len(const char *s, size_t n);
bool tpl_is_space_at(const char *s, size_t n, size_t i, size_t *clen);
tv tpl_strip(tv s, const char *chars, size_t nchars, int which);
tv tpl_buf_to_str(tpl_ctx *c, ts_buf *b, size_t from);
/* Case mapping by code point (Unicode simple mappings, plus ß -> SS). */
enum { TPL_LOWER, TPL_UPPER, TPL_CAPITALIZE, TPL_PYTITLE, TPL_JTITLE };
tv tpl_case(tpl_ctx *c, tv s, int mode);
/* Python's \w at s[i] (letters, numbers, underscore). */
bool tpl_is_word_char(const char *s, size_t n, size_t i, size_t *clen);
tv tpl_str_replace(tpl_ctx *c, tv s, tv old, tv rep, int64_t count);
/* The first n[0..nn) in h[0..hn), or NULL (nn == 0 finds h). */
const char *tpl_find(const char *h, size_t hn, const char *n, size_t nn);

/* filters, tests and methods (filters.c, tests.c, methods.c) */
tv tpl_filter(tpl_ctx *c, const tpl_node *n, tv v);
bool tpl_test(tpl_ctx *c, const tpl_node *n, tv v);
/* A method call obj.name(args); *handled = false when obj has no such method. */
tv tpl_method(tpl_ctx *c, tv obj, const tpl_node *call, bool *handled);
/* Positional / keyword argument i of a call node, evaluated; `dflt` when absent. */
tv tpl_arg(tpl_ctx *c, const tpl_node *call, uint32_t pos, const char *kw, tv dflt);
tv tpl_getattr(tpl_ctx *c, tv obj, const char *name, size_t n);
tv tpl_getitem(tpl_ctx *c, tv obj, tv key);

/* built-in template sources (builtin.c) */
const char *tpl_builtin_source(const char *name, const char **bos, const char **eos);

#endif
