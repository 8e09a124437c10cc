/* Prompt templates and the small text helpers every generator shares. */
#include <stdio.h>
#include <string.h>

#include "tuneset/gen.h"

uint64_t ts_gen_rand(uint64_t seed, uint64_t i)
{
    uint64_t z = seed ^ (i * 0x9e3779b97f4a7c15ull) ^ 0x243f6a8885a308d3ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull; /* a second round: seed and i are often tiny */
    return z ^ (z >> 27);
}

/* Finds the next "{{name}}" at or after i: its start and the name's span. */
static bool next_placeholder(const char *t, size_t n, size_t i, size_t *at, size_t *ns, size_t *nl)
{
    for (; i + 4 <= n; i++) {
        if (t[i] != '{' || t[i + 1] != '{')
            continue;
        size_t j = i + 2;
        while (j < n && (t[j] == '_' || (t[j] >= 'a' && t[j] <= 'z') || (t[j] >= 'A' && t[j] <= 'Z') ||
                         (t[j] >= '0' && t[j] <= '9')))
            j++;
        if (j > i + 2 && j + 1 < n && t[j] == '}' && t[j + 1] == '}') {
            *at = i;
            *ns = i + 2;
            *nl = j - i - 2;
            return true;
        }
    }
    return false;
}

int ts_gen_fill(ts_buf *out, const char *tmpl, size_t n, const ts_gen_var *vars, size_t nvars,
                ts_err *err)
{
    size_t i = 0, at, ns, nl;
    while (next_placeholder(tmpl, n, i, &at, &ns, &nl)) {
        size_t v = 0;
        while (v < nvars && !(strlen(vars[v].name) == nl && !memcmp(vars[v].name, tmpl + ns, nl)))
            v++;
        if (v == nvars)
            return ts_err_set(err, TS_ETEMPLATE, "prompt: unknown placeholder {{%.*s}}", (int)(nl > 60 ? 60 : nl),
                              tmpl + ns);
        int rc = ts_buf_append(out, tmpl + i, at - i);
        if (!rc)
            rc = ts_buf_append(out, vars[v].val, vars[v].len);
        if (rc)
            return ts_err_set(err, rc, "prompt: %s", ts_strerror(rc));
        i = ns + nl + 2;
    }
    int rc = ts_buf_append(out, tmpl + i, n - i);
    return rc ? ts_err_set(err, rc, "prompt: %s", ts_strerror(rc)) : 0;
}

bool ts_gen_uses(const char *tmpl, size_t n, const char *name)
{
    size_t i = 0, at, ns, nl, l = strlen(name);
    while (next_placeholder(tmpl, n, i, &at, &ns, &nl)) {
        if (nl == l && !memcmp(tmpl + ns, name, l))
            return true;
        i = ns + nl + 2;
    }
    return false;
}

static bool sp(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static void strip_quotes(const char **s, size_t *n)
{
    static const char *const pairs[][2] = {{"\"", "\""}, {"'", "'"}, {"\xe2\x80\x9c", "\xe2\x80\x9d"}};
    for (size_t k = 0; k < 3; k++) {
        size_t a = strlen(pairs[k][0]), b = strlen(pairs[k][1]);
        if (*n >= a + b + 1 && !memcmp(*s, pairs[k][0], a) && !memcmp(*s + *n - b, pairs[k][1], b)) {
            /* Only when the quotes wrap the whole item, not "a" and "b". */
            if (memchr(*s + a, pairs[k][0][0], *n - a - b))
                continue;
            *s += a;
            *n -= a + b;
            return;
        }
    }
}

size_t ts_gen_list(const char *text, size_t n, ts_gen_str *items, size_t cap)
{
    size_t count = 0, i = 0;
    while (i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;
        const char *s = text + i;
        size_t len = e - i;
        i = e + 1;
        while (len && sp((unsigned char)*s)) {
            s++;
            len--;
        }
        while (len && sp((unsigned char)s[len - 1]))
            len--;
        /* "12." / "12)" numbering, or a bullet. */
        size_t d = 0;
        while (d < len && d < 4 && s[d] >= '0' && s[d] <= '9')
            d++;
        if (d && d < len && (s[d] == '.' || s[d] == ')')) {
            s += d + 1;
            len -= d + 1;
        } else if (len && (*s == '-' || *s == '*')) {
            s++;
            len--;
        } else if (len >= 3 && !memcmp(s, "\xe2\x80\xa2", 3)) {
            s += 3;
            len -= 3;
        }
        while (len && sp((unsigned char)*s)) {
            s++;
            len--;
        }
        strip_quotes(&s, &len);
        if (!len || s[len - 1] == ':')
            continue; /* blank, or a header such as "Here are some:" */
        if (count < cap)
            items[count] = (ts_gen_str){s, len};
        count++;
    }
    return count;
}
