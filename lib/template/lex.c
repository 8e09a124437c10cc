/* The template lexer. It follows jinja2 3.1's regex lexer rule by rule so
 * that whitespace comes out byte for byte the same: `{%-`/`-%}` strip all
 * whitespace, trim_blocks eats one newline after `%}` and `#}`, and
 * lstrip_blocks removes the spaces before a block or comment tag that
 * starts a line. */
#include <stdlib.h>
#include <string.h>

#include "lex.h"

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_name0(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_name(char c) { return is_name0(c) || is_digit(c); }

static int push(tpl_toks *o, int t, uint32_t line, const char *s, size_t n)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        tpl_tok *v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return TS_ENOMEM;
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = (tpl_tok){(uint8_t)t, line, s, n};
    return 0;
}

static uint32_t count_nl(const char *s, size_t n)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* Digits with single underscores between them ((\d+_)*\d+); 0 if none. */
static size_t digits(const char *s, size_t n, size_t i)
{
    size_t j = i;
    if (j >= n || !is_digit(s[j]))
        return 0;
    while (j < n) {
        while (j < n && is_digit(s[j]))
            j++;
        if (j + 1 < n && s[j] == '_' && is_digit(s[j + 1]))
            j++;
        else
            break;
    }
    return j - i;
}

/* A number token at i: sets *t to T_INT or T_FLOAT; returns its length. */
static size_t number(const char *s, size_t n, size_t i, int *t)
{
    size_t d = digits(s, n, i), j = i + d;
    if (!d)
        return 0;
    *t = T_INT;
    if (j + 1 < n && s[j] == '.' && digits(s, n, j + 1)) {
        j += 1 + digits(s, n, j + 1);
        *t = T_FLOAT;
    }
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < n && (s[k] == '+' || s[k] == '-'))
            k++;
        size_t e = digits(s, n, k);
        if (e) {
            j = k + e;
            *t = T_FLOAT;
        }
    }
    return j - i;
}

static const char *const ops2[] = {"//", "**", "==", "!=", "<=", ">="};
static const char ops1[] = "+-*/%~<>=()[]{},.:|;";

/* Lexes the inside of a {% %} or {{ }} tag from *pos up to and including
 * its end; sets *line_starting as jinja2 does (the end match ends in \n). */
static int lex_tag(const char *s, size_t n, size_t *pos, uint32_t *line, bool block, tpl_toks *o,
                   bool *line_starting, ts_err *err)
{
    char stack[256];
    int depth = 0;
    size_t i = *pos;
    for (;;) {
        size_t ws = i;
        while (i < n && is_ws(s[i]))
            i++;
        *line += count_nl(s + ws, i - ws);
        if (i >= n)
            return ts_err_set(err, TS_ETEMPLATE, "unexpected end of template, expected '%s'",
                              block ? "end of statement block" : "end of print statement");
        if (depth == 0) {
            char e0 = block ? '%' : '}';
            size_t end = 0;
            if (s[i] == '-' && i + 2 < n && s[i + 1] == e0 && s[i + 2] == '}') {
                end = i + 3;
                while (end < n && is_ws(s[end]))
                    end++;
            } else if (block && s[i] == '+' && i + 2 < n && s[i + 1] == '%' && s[i + 2] == '}') {
                end = i + 3;
            } else if (s[i] == e0 && i + 1 < n && s[i + 1] == '}') {
                end = i + 2;
                if (block && end < n && s[end] == '\n')
                    end++; /* trim_blocks */
            }
            if (end) {
                if (push(o, block ? T_BEND : T_VEND, *line, s + i, 0))
                    return TS_ENOMEM;
                *line += count_nl(s + i, end - i);
                *line_starting = s[end - 1] == '\n';
                *pos = end;
                return 0;
            }
        }
        int t = 0;
        size_t len = number(s, n, i, &t);
        /* (?<!\.): digits right after a dot are an attribute, not a float */
        if (len && t == T_FLOAT && i > 0 && s[i - 1] == '.')
            len = 0;
        if (!len && is_digit(s[i])) {
            len = digits(s, n, i);
            t = T_INT;
        }
        if (len) {
            if (push(o, t, *line, s + i, len))
                return TS_ENOMEM;
            i += len;
            continue;
        }
        if (is_name0(s[i])) {
            size_t j = i;
            while (j < n && is_name(s[j]))
                j++;
            if (push(o, T_NAME, *line, s + i, j - i))
                return TS_ENOMEM;
            i = j;
            continue;
        }
        if (s[i] == '\'' || s[i] == '"') {
            char q = s[i];
            size_t j = i + 1;
            while (j < n && s[j] != q)
                j += s[j] == '\\' && j + 1 < n ? 2 : 1;
            if (j >= n)
                return ts_err_set(err, TS_ETEMPLATE, "unterminated string");
            if (push(o, T_STR, *line, s + i, j + 1 - i))
                return TS_ENOMEM;
            *line += count_nl(s + i, j + 1 - i);
            i = j + 1;
            continue;
        }
        size_t oplen = 0;
        for (size_t k = 0; k < sizeof ops2 / sizeof *ops2; k++)
            if (i + 1 < n && s[i] == ops2[k][0] && s[i + 1] == ops2[k][1])
                oplen = 2;
        if (!oplen && s[i] && strchr(ops1, s[i]))
            oplen = 1;
        if (!oplen)
            return ts_err_set(err, TS_ETEMPLATE, "unexpected char '%c'", s[i]);
        if (oplen == 1) {
            char c = s[i];
            if (c == '(' || c == '[' || c == '{') {
                if (depth == (int)sizeof stack)
                    return ts_err_set(err, TS_ETEMPLATE, "brackets nested too deep");
                stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
            } else if (c == ')' || c == ']' || c == '}') {
                if (!depth)
                    return ts_err_set(err, TS_ETEMPLATE, "unexpected '%c'", c);
                if (stack[--depth] != c)
                    return ts_err_set(err, TS_ETEMPLATE, "unexpected '%c', expected '%c'", c, stack[depth]);
            }
        }
        if (push(o, T_OP, *line, s + i, oplen))
            return TS_ENOMEM;
        i += oplen;
    }
}

/* Applies the strip rules to the text before a tag. */
static size_t strip_text(const char *text, size_t len, char sign, bool var_tag, bool line_starting)
{
    if (sign == '-') {
        while (len && is_ws(text[len - 1]))
            len--;
        return len;
    }
    if (sign == '+' || var_tag)
        return len;
    size_t l = len;
    while (l && text[l - 1] != '\n')
        l--;
    if (l > 0 || line_starting) {
        size_t j = l;
        while (j < len && is_ws(text[j]))
            j++;
        if (j == len)
            return l;
    }
    return len;
}

/* `{%[-+]? raw [-]?%}` at i: returns the end of the tag, or 0. */
static size_t raw_begin(const char *s, size_t n, size_t i)
{
    size_t j = i + 2;
    if (j < n && (s[j] == '-' || s[j] == '+'))
        j++;
    while (j < n && is_ws(s[j]))
        j++;
    if (j + 3 > n || memcmp(s + j, "raw", 3))
        return 0;
    j += 3;
    while (j < n && is_ws(s[j]))
        j++;
    if (j + 3 <= n && s[j] == '-' && s[j + 1] == '%' && s[j + 2] == '}') {
        j += 3;
        while (j < n && is_ws(s[j]))
            j++;
        return j;
    }
    if (j + 2 <= n && s[j] == '%' && s[j + 1] == '}')
        return j + 2;
    return 0;
}

/* `{%[-+]? endraw <end>` at i: sets *end past it and returns true. */
static bool raw_end(const char *s, size_t n, size_t i, size_t *end)
{
    size_t j = i + 2;
    if (j < n && (s[j] == '-' || s[j] == '+'))
        j++;
    while (j < n && is_ws(s[j]))
        j++;
    if (j + 6 > n || memcmp(s + j, "endraw", 6))
        return false;
    j += 6;
    while (j < n && is_ws(s[j]))
        j++;
    if (j + 3 <= n && s[j] == '+' && s[j + 1] == '%' && s[j + 2] == '}') {
        *end = j + 3;
        return true;
    }
    if (j + 3 <= n && s[j] == '-' && s[j + 1] == '%' && s[j + 2] == '}') {
        j += 3;
        while (j < n && is_ws(s[j]))
            j++;
        *end = j;
        return true;
    }
    if (j + 2 <= n && s[j] == '%' && s[j + 1] == '}') {
        j += 2;
        if (j < n && s[j] == '\n')
            j++;
        *end = j;
        return true;
    }
    return false;
}

int tpl_lex(const char *s, size_t n, tpl_toks *o, ts_err *err)
{
    size_t pos = 0;
    uint32_t line = 1;
    bool line_starting = true;
    int rc;
    while (pos < n) {
        size_t i = pos;
        const char *hit = NULL;
        while (i + 1 < n) {
            hit = memchr(s + i, '{', n - 1 - i);
            if (!hit)
                break;
            i = (size_t)(hit - s);
            char c = s[i + 1];
            if (c == '{' || c == '%' || c == '#')
                break;
            i++;
            hit = NULL;
        }
        if (!hit) { /* the rest is text */
            if (push(o, T_DATA, line, s + pos, n - pos))
                return TS_ENOMEM;
            break;
        }
        char kind = s[i + 1];
        char sign = i + 2 < n && (s[i + 2] == '-' || s[i + 2] == '+') ? s[i + 2] : 0;
        size_t rawend = kind == '%' ? raw_begin(s, n, i) : 0;
        size_t tl = strip_text(s + pos, i - pos, sign, kind == '{', line_starting);
        if (tl && push(o, T_DATA, line, s + pos, tl))
            return TS_ENOMEM;
        line += count_nl(s + pos, i - pos);
        if (err)
            err->line = line;
        size_t after = i + 2 + (sign ? 1 : 0);
        if (rawend) {
            size_t j = rawend, end = 0;
            line += count_nl(s + i, rawend - i);
            while (j + 1 < n && !(s[j] == '{' && s[j + 1] == '%' && raw_end(s, n, j, &end)))
                j++;
            if (!end)
                return ts_err_set(err, TS_ETEMPLATE, "missing end of raw directive");
            char rsign = s[j + 2] == '-' || s[j + 2] == '+' ? s[j + 2] : 0;
            size_t rl = strip_text(s + rawend, j - rawend, rsign, false, s[rawend - 1] == '\n');
            if (rl && push(o, T_DATA, line, s + rawend, rl))
                return TS_ENOMEM;
            line += count_nl(s + rawend, end - rawend);
            line_starting = s[end - 1] == '\n';
            pos = end;
            continue;
        }
        if (kind == '#') {
            size_t j = after, end = 0;
            for (; j + 1 < n; j++) {
                if (s[j] == '+' && j + 2 < n && s[j + 1] == '#' && s[j + 2] == '}') {
                    end = j + 3;
                } else if (s[j] == '-' && j + 2 < n && s[j + 1] == '#' && s[j + 2] == '}') {
                    end = j + 3;
                    while (end < n && is_ws(s[end]))
                        end++;
                } else if (s[j] == '#' && s[j + 1] == '}') {
                    end = j + 2;
                    if (end < n && s[end] == '\n')
                        end++;
                }
                if (end)
                    break;
            }
            if (!end)
                return ts_err_set(err, TS_ETEMPLATE, "missing end of comment tag");
            line += count_nl(s + i, end - i);
            line_starting = s[end - 1] == '\n';
            pos = end;
            continue;
        }
        bool block = kind == '%';
        if (push(o, block ? T_BBEGIN : T_VBEGIN, line, s + i, 0))
            return TS_ENOMEM;
        pos = after;
        if ((rc = lex_tag(s, n, &pos, &line, block, o, &line_starting, err)))
            return rc;
    }
    if (push(o, T_EOF, line, s + n, 0))
        return TS_ENOMEM;
    return 0;
}
