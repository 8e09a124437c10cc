/* Answer equivalence for math: find the final answer in a reply, then
 * compare two answers by their canonical texts (mathnorm.c) or as
 * numbers. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "select_int.h"

/* --- finding the answer ------------------------------------------------- */

static bool last_boxed(const char *s, size_t n, const char **a, size_t *alen)
{
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        if (mn_starts(s + i, n - i, "\\boxed"))
            k = 6;
        else if (mn_starts(s + i, n - i, "\\fbox"))
            k = 5;
        if (!k)
            continue;
        size_t j = i + k;
        while (j < n && s[j] == ' ')
            j++;
        if (j < n && s[j] == '{') {
            size_t g = mn_group_len(s + j, n - j);
            if (!g)
                continue;
            *a = s + j + 1;
            *alen = g - 2;
            found = true;
            i = j + g - 1;
        } else if (j > i + k) { /* "\boxed 5": up to white space or $ */
            size_t e = j;
            while (e < n && !isspace((unsigned char)s[e]) && s[e] != '$')
                e++;
            if (e > j) {
                *a = s + j;
                *alen = e - j;
                found = true;
            }
        }
    }
    return found;
}

static const char *find_ci_last(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    const char *best = NULL;
    for (size_t i = 0; i + l <= n; i++) {
        size_t k = 0;
        while (k < l && tolower((unsigned char)s[i + k]) == lit[k])
            k++;
        if (k == l)
            best = s + i;
    }
    return best;
}

bool ts_math_answer(const char *s, size_t n, const char **a, size_t *alen)
{
    if (last_boxed(s, n, a, alen)) {
        *alen = mn_trim(a, *alen);
        return true;
    }
    static const char *const cues[] = {"final answer is", "answer is", "answer:"};
    for (size_t c = 0; c < 3; c++) {
        const char *p = find_ci_last(s, n, cues[c]);
        if (!p)
            continue;
        p += strlen(cues[c]);
        const char *e = p;
        while (e < s + n && *e != '\n')
            e++;
        size_t l = mn_trim(&p, (size_t)(e - p));
        while (l && (p[l - 1] == '.' || p[l - 1] == ' '))
            l--;
        if (l && p[0] == ':') {
            p++;
            l = mn_trim(&p, l - 1);
        }
        if (l) {
            *a = p;
            *alen = l;
            return true;
        }
    }
    const char *p = s;
    size_t l = mn_trim(&p, n);
    if (l && l <= 120 && !memchr(p, '\n', l)) {
        while (l && p[l - 1] == '.')
            l--;
        *a = p;
        *alen = l;
        return l > 0;
    }
    return false;
}

static bool number_of(const char *s, size_t n, double *v)
{
    char buf[128];
    if (!n || n >= sizeof buf)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '(' && s[i] != ')')
            buf[o++] = s[i];
    buf[o] = 0;
    char *end;
    double x = strtod(buf, &end);
    if (end == buf || isnan(x) || isinf(x))
        return false;
    for (char *k = buf; k < end; k++)
        if (!(isdigit((unsigned char)*k) || *k == '.' || *k == '-' || *k == '+'))
            return false; /* no hex, inf or exponents */
    if (*end == '/') {
        char *den = end + 1, *e2;
        double y = strtod(den, &e2);
        if (e2 == den || *e2 || y == 0)
            return false;
        for (char *k = den; k < e2; k++)
            if (!(isdigit((unsigned char)*k) || *k == '.' || *k == '-'))
                return false;
        x /= y;
    } else if (*end) {
        return false;
    }
    *v = x;
    return true;
}

bool ts_math_equiv(const char *a, size_t alen, const char *b, size_t blen)
{
    char x[512], y[512];
    size_t xl = ts_math_normalize(a, alen, x, sizeof x);
    size_t yl = ts_math_normalize(b, blen, y, sizeof y);
    if (xl == yl && !memcmp(x, y, xl))
        return xl > 0;
    double u, v;
    if (number_of(x, xl, &u) && number_of(y, yl, &v))
        return fabs(u - v) <= 1e-9 * fmax(1.0, fmax(fabs(u), fabs(v)));
    return false;
}

int ts_math_reply_correct(const char *reply, size_t rlen, const char *ref, size_t reflen)
{
    const char *a, *r = ref;
    size_t al, rl = reflen;
    if (!ts_math_answer(reply, rlen, &a, &al))
        return -1;
    if (!last_boxed(ref, reflen, &r, &rl)) {
        r = ref;
        rl = reflen;
    }
    return ts_math_equiv(a, al, r, rl) ? 1 : 0;
}
