/* The parser's token helpers and literal decoding (Python's string
 * escapes, integer and float literals). */
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

_Noreturn void tplp_err(P *p, const char *fmt, const char *arg, size_t n)
{
    ts_err_set(p->err, TS_ETEMPLATE, fmt, (int)n, arg);
    if (p->err)
        p->err->line = p->t[p->i].line;
    p->code = TS_ETEMPLATE;
    longjmp(p->jb, 1);
}

void *tplp_alloc(P *p, size_t n)
{
    void *m = ts_arena_alloc(p->a, n);
    if (!m) {
        ts_err_set(p->err, TS_ENOMEM, "out of memory");
        p->code = TS_ENOMEM;
        longjmp(p->jb, 1);
    }
    memset(m, 0, n);
    return m;
}

tpl_node *tplp_mk(P *p, int kind)
{
    tpl_node *n = tplp_alloc(p, sizeof *n);
    n->kind = (uint8_t)kind;
    n->line = p->t[p->i].line;
    return n;
}

const tpl_tok *tplp_cur(P *p) { return &p->t[p->i]; }
bool tplp_is_op(P *p, const char *op)
{
    const tpl_tok *t = tplp_cur(p);
    return t->t == T_OP && t->n == strlen(op) && !memcmp(t->s, op, t->n);
}
bool tplp_is_name(P *p, const char *nm)
{
    const tpl_tok *t = tplp_cur(p);
    return t->t == T_NAME && t->n == strlen(nm) && !memcmp(t->s, nm, t->n);
}
bool tplp_skip_op(P *p, const char *op) { return tplp_is_op(p, op) ? (p->i++, true) : false; }
bool tplp_skip_name(P *p, const char *nm) { return tplp_is_name(p, nm) ? (p->i++, true) : false; }

const char *tplp_tok_desc(const tpl_tok *t, size_t *n)
{
    static const char *const names[] = {"end of template", "template data", "begin of statement block",
                                        "end of statement block", "begin of print statement",
                                        "end of print statement"};
    if (t->t <= T_VEND) {
        *n = strlen(names[t->t]);
        return names[t->t];
    }
    *n = t->n;
    return t->s;
}

void tplp_expect_op(P *p, const char *op)
{
    if (!tplp_skip_op(p, op)) {
        size_t n;
        const char *d = tplp_tok_desc(tplp_cur(p), &n);
        tplp_err(p, "unexpected '%.*s'", d, n);
    }
}

const tpl_tok *tplp_expect_name(P *p)
{
    if (tplp_cur(p)->t != T_NAME) {
        size_t n;
        const char *d = tplp_tok_desc(tplp_cur(p), &n);
        tplp_err(p, "expected a name, got '%.*s'", d, n);
    }
    return &p->t[p->i++];
}


void tplp_args_add(P *p, args_t *l, tpl_node *n, const char *kw)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        tpl_node **v = tplp_alloc(p, cap * sizeof *v);
        const char **k = tplp_alloc(p, cap * sizeof *k);
        if (l->n) {
            memcpy(v, l->v, l->n * sizeof *v);
            memcpy(k, l->kw, l->n * sizeof *k);
        }
        l->v = v;
        l->kw = k;
        l->cap = cap;
    }
    l->v[l->n] = n;
    l->kw[l->n++] = kw;
    l->any_kw |= kw != NULL;
}

void tplp_args_set(tpl_node *n, args_t *l)
{
    n->args = l->v;
    n->kw = l->any_kw ? l->kw : NULL;
    n->nargs = l->n;
}

char *tplp_name_dup(P *p, const tpl_tok *t)
{
    char *s = tplp_alloc(p, t->n + 1);
    memcpy(s, t->s, t->n);
    return s;
}

/* Python's unicode-escape decoding of a string literal's body. */
tv tplp_unescape(P *p, const char *s, size_t n)
{
    char *o = tplp_alloc(p, n + 1), *w = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            *w++ = s[i];
            continue;
        }
        char c = s[++i];
        unsigned long cp = 0;
        int hex = 0;
        switch (c) {
        case 'n': *w++ = '\n'; break;
        case 't': *w++ = '\t'; break;
        case 'r': *w++ = '\r'; break;
        case 'a': *w++ = '\a'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'v': *w++ = '\v'; break;
        case '\\': *w++ = '\\'; break;
        case '\'': *w++ = '\''; break;
        case '"': *w++ = '"'; break;
        case '\n': break;
        case 'x': hex = 2; break;
        case 'u': hex = 4; break;
        case 'U': hex = 8; break;
        default:
            if (c >= '0' && c <= '7') {
                int k = 0;
                for (; k < 3 && i < n && s[i] >= '0' && s[i] <= '7'; k++, i++)
                    cp = cp * 8 + (unsigned long)(s[i] - '0');
                i--;
                hex = -1;
            } else {
                *w++ = '\\';
                *w++ = c;
            }
        }
        if (hex > 0) {
            for (int k = 0; k < hex; k++) {
                char h = i + 1 < n ? s[i + 1] : 0;
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (d < 0)
                    tplp_err(p, "%.*s", "invalid escape in a string literal", 34);
                cp = cp * 16 + (unsigned long)d;
                i++;
            }
        }
        if (hex) {
            if (cp > 0x10FFFF)
                tplp_err(p, "%.*s", "invalid escape in a string literal", 34);
            if (cp < 0x80) {
                *w++ = (char)cp;
            } else if (cp < 0x800) {
                *w++ = (char)(0xC0 | cp >> 6);
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *w++ = (char)(0xE0 | cp >> 12);
                *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (char)(0xF0 | cp >> 18);
                *w++ = (char)(0x80 | (cp >> 12 & 0x3F));
                *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            }
        }
    }
    return tv_str(o, (size_t)(w - o));
}

/* Python's ints are unbounded; past int64 a literal is refused rather
 * than silently changed. */
static bool parse_int(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_' && (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v)))
            return false;
    *out = v;
    return true;
}

int64_t tplp_int_literal(P *p, const tpl_tok *t)
{
    int64_t v;
    if (!parse_int(t->s, t->n, &v))
        tplp_err(p, "integer literal too large: %.*s", t->s, t->n);
    return v;
}

double tplp_float_literal(const char *s, size_t n)
{
    char buf[128];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof buf; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = 0;
    return strtod(buf, NULL);
}
