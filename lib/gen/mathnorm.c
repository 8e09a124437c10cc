/* Math answer normalization: one canonical text for the LaTeX variants
 * people and models write for the same value. Finding the answer in a
 * reply and comparing two answers are in select_answer.c. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "select_int.h"

typedef struct {
    char *p;
    size_t n, cap;
} mbuf;

static void put(mbuf *b, char c)
{
    if (b->n + 1 < b->cap)
        b->p[b->n++] = c;
}

static void puts_(mbuf *b, const char *s)
{
    while (*s)
        put(b, *s++);
}

bool mn_starts(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && !memcmp(s, lit, l);
}

/* Length of a {...} group at s (s[0] == '{'), braces balanced; 0 when
 * it does not close. */
size_t mn_group_len(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            continue;
        }
        if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && --depth == 0)
            return i + 1;
    }
    return 0;
}

size_t mn_trim(const char **s, size_t n)
{
    while (n && isspace((unsigned char)**s)) {
        (*s)++;
        n--;
    }
    while (n && isspace((unsigned char)(*s)[n - 1]))
        n--;
    return n;
}

/* --- normalizing -------------------------------------------------------- */

static void norm_into(const char *s, size_t n, mbuf *b, int depth);

/* The next argument of a macro: a {group} or one character. */
static size_t arg_at(const char *s, size_t n, const char **a, size_t *alen)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n)
        return 0;
    if (s[i] == '{') {
        size_t g = mn_group_len(s + i, n - i);
        if (!g)
            return 0;
        *a = s + i + 1;
        *alen = g - 2;
        return i + g;
    }
    *a = s + i;
    *alen = 1;
    return i + 1;
}

static bool is_atom(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.')
            return false;
    return true;
}

/* Appends a normalized sub-expression, parenthesised unless an atom. */
static void sub_expr(const char *s, size_t n, mbuf *b, int depth)
{
    char tmp[512];
    mbuf t = {tmp, 0, sizeof tmp};
    norm_into(s, n, &t, depth + 1);
    bool atom = is_atom(tmp, t.n);
    if (!atom)
        put(b, '(');
    for (size_t i = 0; i < t.n; i++)
        put(b, tmp[i]);
    if (!atom)
        put(b, ')');
}

static bool ends_numeric(const mbuf *b)
{
    return b->n && (isdigit((unsigned char)b->p[b->n - 1]) || b->p[b->n - 1] == ')');
}

static size_t macro_len(const char *s, size_t n)
{
    size_t i = 1;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    return i;
}

static void norm_into(const char *s, size_t n, mbuf *b, int depth)
{
    if (depth > 20)
        return;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '$' || c == '~' || isspace((unsigned char)c)) {
            i++;
            continue;
        }
        if (c == '{' || c == '}') { /* grouping only */
            i++;
            continue;
        }
        if (c == '%') {
            i++;
            continue;
        }
        if ((unsigned char)c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xB0) { /* ° */
            i += 2;
            continue;
        }
        if (c == '^' && (mn_starts(s + i, n - i, "^\\circ") || mn_starts(s + i, n - i, "^{\\circ}"))) {
            i += s[i + 1] == '{' ? 8 : 6;
            continue;
        }
        if (c != '\\') {
            put(b, c);
            i++;
            continue;
        }
        if (i + 1 >= n) {
            i++;
            continue;
        }
        char d = s[i + 1];
        if (strchr("()[]!,;: %$", d)) { /* math delimiters, spacing, \% and \$ (currency) */
            i += 2;
            continue;
        }
        if (d == '{' || d == '}' || d == '&' || d == '#' || d == '_') {
            put(b, d);
            i += 2;
            continue;
        }
        size_t m = macro_len(s + i, n - i);
        const char *name = s + i + 1;
        size_t nl = m - 1;
#define IS(lit) (nl == strlen(lit) && !memcmp(name, lit, nl))
        i += m;
        if (IS("left") || IS("right") || IS("bigl") || IS("bigr") || IS("Bigl") || IS("Bigr")) {
            if (i < n && s[i] == '.')
                i++;
            continue;
        }
        if (IS("quad") || IS("qquad") || IS("displaystyle") || IS("textstyle") || IS("circ") ||
            IS("limits") || IS("mathbf") || IS("boldsymbol") || IS("mathit"))
            continue;
        if (IS("frac") || IS("dfrac") || IS("tfrac") || IS("cfrac")) {
            const char *x, *y;
            size_t xl, yl, k1 = arg_at(s + i, n - i, &x, &xl);
            size_t k2 = k1 ? arg_at(s + i + k1, n - i - k1, &y, &yl) : 0;
            if (!k2)
                continue;
            sub_expr(x, xl, b, depth);
            put(b, '/');
            sub_expr(y, yl, b, depth);
            i += k1 + k2;
            continue;
        }
        if (IS("sqrt")) {
            const char *x;
            size_t xl, k = arg_at(s + i, n - i, &x, &xl);
            puts_(b, "sqrt");
            put(b, '(');
            if (k) {
                norm_into(x, xl, b, depth + 1);
                i += k;
            }
            put(b, ')');
            continue;
        }
        if (IS("text") || IS("textbf") || IS("textit") || IS("mathrm") || IS("mbox") || IS("textnormal") ||
            IS("operatorname") || IS("mathsf") || IS("texttt")) {
            const char *x;
            size_t xl, k = arg_at(s + i, n - i, &x, &xl);
            if (!k)
                continue;
            i += k;
            /* Text right after a number is a unit: "5\text{ cm}" is 5. */
            if (!ends_numeric(b))
                norm_into(x, xl, b, depth + 1);
            continue;
        }
        if (IS("cdot") || IS("times")) {
            put(b, '*');
            continue;
        }
        if (IS("pi")) {
            puts_(b, "pi");
            continue;
        }
        if (IS("infty")) {
            puts_(b, "inf");
            continue;
        }
        if (IS("le") || IS("leq")) {
            puts_(b, "<=");
            continue;
        }
        if (IS("ge") || IS("geq")) {
            puts_(b, ">=");
            continue;
        }
#undef IS
        put(b, '\\');
        for (size_t k = 0; k < nl; k++)
            put(b, name[k]);
    }
}

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* "1,234,567.5" -> "1234567.5" when the whole text is such a number. */
static size_t drop_thousands(char *s, size_t n)
{
    size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    size_t end = n;
    const char *dot = memchr(s + i, '.', n - i);
    if (dot)
        end = (size_t)(dot - s);
    if (!memchr(s + i, ',', end - i))
        return n;
    size_t first = 0;
    while (i + first < end && s[i + first] != ',')
        first++;
    if (first < 1 || first > 3 || !all_digits(s + i, first))
        return n;
    for (size_t k = i + first; k < end; k += 4)
        if (s[k] != ',' || k + 4 > end || !all_digits(s + k + 1, 3))
            return n;
    if (dot && !all_digits(dot + 1, n - (size_t)(dot - s) - 1))
        return n;
    size_t o = 0;
    for (size_t k = 0; k < n; k++)
        if (s[k] != ',')
            s[o++] = s[k];
    return o;
}

/* Decimal canonical text: no "+", "0.5" for ".5", trailing zeros gone. */
static size_t canon_decimal(char *s, size_t n)
{
    size_t i = 0;
    if (n && s[0] == '+') {
        memmove(s, s + 1, --n);
    }
    if (n && s[0] == '-')
        i = 1;
    size_t digits = 0, dots = 0;
    for (size_t k = i; k < n; k++) {
        if (s[k] == '.')
            dots++;
        else if (isdigit((unsigned char)s[k]))
            digits++;
        else
            return n;
    }
    if (!digits || dots > 1)
        return n;
    if (dots) {
        while (n && s[n - 1] == '0')
            n--;
        if (n && s[n - 1] == '.')
            n--;
        if (i < n && s[i] == '.') {
            memmove(s + i + 1, s + i, n - i);
            s[i] = '0';
            n++;
        }
    }
    while (n - i > 1 && s[i] == '0' && s[i + 1] != '.') { /* 007 -> 7 */
        memmove(s + i, s + i + 1, n - i - 1);
        n--;
    }
    if (n == 2 && s[0] == '-' && s[1] == '0')
        s[0] = '0', n = 1;
    return n;
}

/* A leading "5 cm" / "12 apples": the number alone. */
static size_t plain_unit(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t d0 = i;
    while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == ','))
        i++;
    if (i == d0 || i >= n || s[i] != ' ')
        return n;
    for (size_t k = i; k < n; k++)
        if (!isalpha((unsigned char)s[k]) && s[k] != ' ' && s[k] != '.')
            return n;
    return i;
}

size_t ts_math_normalize(const char *s, size_t n, char *out, size_t cap)
{
    if (!cap)
        return 0;
    size_t l = mn_trim(&s, n);
    while (l && s[l - 1] == '.')
        l--;
    l = plain_unit(s, l);
    mbuf b = {out, 0, cap};
    norm_into(s, l, &b, 0);
    /* "x=5", "a+b=5": the value on the right. */
    char *eq = NULL;
    for (size_t i = 0; i < b.n; i++)
        if (b.p[i] == '=' && (i == 0 || (b.p[i - 1] != '<' && b.p[i - 1] != '>' && b.p[i - 1] != '!')))
            eq = b.p + i;
    if (eq && (size_t)(eq - b.p) + 1 < b.n) {
        size_t rest = b.n - (size_t)(eq - b.p) - 1;
        memmove(b.p, eq + 1, rest);
        b.n = rest;
    }
    /* "(B)" / "B)" multiple-choice letters, and parentheses around atoms. */
    if (b.n == 3 && b.p[0] == '(' && b.p[2] == ')' && isalpha((unsigned char)b.p[1])) {
        b.p[0] = b.p[1];
        b.n = 1;
    } else if (b.n == 2 && b.p[1] == ')' && isalpha((unsigned char)b.p[0])) {
        b.n = 1;
    }
    b.n = drop_thousands(b.p, b.n);
    /* Both parts of "p/q" canonical when both are decimals. */
    char *slash = memchr(b.p, '/', b.n);
    if (slash) {
        size_t ln = (size_t)(slash - b.p), rn = b.n - ln - 1;
        char tmp[512];
        if (rn < sizeof tmp) {
            memcpy(tmp, slash + 1, rn);
            ln = canon_decimal(b.p, ln);
            rn = canon_decimal(tmp, rn);
            b.p[ln] = '/';
            memcpy(b.p + ln + 1, tmp, rn);
            b.n = ln + 1 + rn;
        }
    } else {
        b.n = canon_decimal(b.p, b.n);
    }
    out[b.n] = 0;
    return b.n;
}

/* The value of a canonical "d", "p/q" (decimals), or "-(p)/(q)". */
