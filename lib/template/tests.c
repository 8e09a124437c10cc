/* Tests (`x is defined`, `x is divisibleby 3`, ...), as jinja2 3.1
 * defines them. */
#include <string.h>

#include "tpl_int.h"

#define TESTS(X)                                                                                     \
    X(BOOLEAN, "boolean") X(CALLABLE, "callable") X(DEFINED, "defined") X(DIVISIBLEBY, "divisibleby") \
    X(EQ, "eq") X(EQUALTO, "equalto") X(EQOP, "==") X(EVEN, "even") X(FALSE, "false")                 \
    X(FLOAT, "float") X(GE, "ge") X(GT, "gt") X(GREATERTHAN, "greaterthan") X(IN, "in")               \
    X(INTEGER, "integer") X(ITERABLE, "iterable") X(LE, "le") X(LOWER, "lower") X(LT, "lt")           \
    X(LESSTHAN, "lessthan") X(MAPPING, "mapping") X(NE, "ne") X(NONE, "none") X(NUMBER, "number")     \
    X(ODD, "odd") X(SAMEAS, "sameas") X(SEQUENCE, "sequence") X(STRING, "string") X(TRUE, "true")     \
    X(UNDEFINED, "undefined") X(UPPER, "upper")

enum {
#define T_ENUM(id, name) T_##id,
    TESTS(T_ENUM)
#undef T_ENUM
    T_COUNT_
};

static const char *const test_names[] = {
#define T_NAME(id, name) name,
    TESTS(T_NAME)
#undef T_NAME
};

int tpl_test_id(const char *name, size_t n)
{
    for (int i = 0; i < T_COUNT_; i++)
        if (strlen(test_names[i]) == n && !memcmp(test_names[i], name, n))
            return i;
    return -1;
}

static bool cased(tv s, bool upper)
{
    bool any = false;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.u.s[i];
        if ((upper && ch >= 'a' && ch <= 'z') || (!upper && ch >= 'A' && ch <= 'Z'))
            return false;
        any |= (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    }
    return any;
}

bool tpl_test(tpl_ctx *c, const tpl_node *n, tv v)
{
    c->line = n->line;
    tv arg = n->nargs ? tpl_arg(c, n, 0, NULL, tv_undef(NULL, 0)) : tv_undef(NULL, 0);
    switch (n->op) {
    case T_BOOLEAN: return v.k == TV_BOOL;
    case T_CALLABLE: return v.k == TV_MACRO || v.k == TV_FUNC;
    case T_DEFINED: return v.k != TV_UNDEF;
    case T_UNDEFINED: return v.k == TV_UNDEF;
    case T_DIVISIBLEBY:
        if ((v.k != TV_INT && v.k != TV_BOOL) || (arg.k != TV_INT && arg.k != TV_BOOL))
            tpl_fail(c, "divisibleby needs integers");
        if (!arg.u.i)
            tpl_fail(c, "integer division or modulo by zero");
        return arg.u.i == -1 || v.u.i % arg.u.i == 0;
    case T_EQ:
    case T_EQUALTO:
    case T_EQOP: return tpl_equal(v, arg);
    case T_NE: return !tpl_equal(v, arg);
    case T_EVEN:
    case T_ODD:
        if (v.k != TV_INT && v.k != TV_BOOL)
            tpl_fail(c, "odd/even need an integer, not %s", tpl_kind_name(v));
        return (v.u.i % 2 != 0) == (n->op == T_ODD);
    case T_FALSE: return v.k == TV_BOOL && !v.u.i;
    case T_TRUE: return v.k == TV_BOOL && v.u.i;
    case T_FLOAT: return v.k == TV_FLOAT;
    case T_INTEGER: return v.k == TV_INT;
    case T_NUMBER: return v.k == TV_INT || v.k == TV_FLOAT || v.k == TV_BOOL;
    case T_GE: return tpl_compare(c, v, arg) >= 0;
    case T_GT:
    case T_GREATERTHAN: return tpl_compare(c, v, arg) > 0;
    case T_LE: return tpl_compare(c, v, arg) <= 0;
    case T_LT:
    case T_LESSTHAN: return tpl_compare(c, v, arg) < 0;
    case T_IN: {
        if (arg.k == TV_STR && v.k == TV_STR) {
            if (!v.n)
                return true;
            return arg.n && tpl_find(arg.u.s, arg.n, v.u.s, v.n) != NULL;
        }
        if (arg.k == TV_DICT || arg.k == TV_NS)
            return tpl_dict_getv(arg.u.d, v) != NULL;
        const tv *items;
        size_t cnt = tpl_iter(c, arg, &items);
        for (size_t i = 0; i < cnt; i++)
            if (tpl_equal(items[i], v))
                return true;
        return false;
    }
    case T_ITERABLE: return v.k == TV_STR || v.k == TV_LIST || v.k == TV_DICT || v.k == TV_UNDEF;
    case T_SEQUENCE: return v.k == TV_STR || v.k == TV_LIST || v.k == TV_DICT || v.k == TV_UNDEF;
    case T_MAPPING: return v.k == TV_DICT;
    case T_NONE: return v.k == TV_NONE;
    case T_STRING: return v.k == TV_STR;
    case T_LOWER: return v.k == TV_STR ? cased(v, false) : false;
    case T_UPPER: return v.k == TV_STR ? cased(v, true) : false;
    default: /* T_SAMEAS: identity; equal singletons and equal scalars */
        if (v.k != arg.k)
            return false;
        if (v.k == TV_NONE || v.k == TV_BOOL || v.k == TV_INT)
            return tpl_equal(v, arg);
        if (v.k == TV_LIST)
            return v.u.l == arg.u.l;
        if (v.k == TV_DICT || v.k == TV_NS)
            return v.u.d == arg.u.d;
        return false;
    }
}
