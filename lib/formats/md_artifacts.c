/* ChatGPT page artefacts left in ShareGPT text (see html_md.h). FastChat's
 * clean_sharegpt removes the same ones with regular expressions; its
 * final "\n\n\n" -> "\n" replacement is not copied: it joins paragraphs,
 * and the converter never makes more than one blank line anyway. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "html_md.h"
#include "tuneset/error.h"

static size_t digits(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && isdigit((unsigned char)p[i]))
        i++;
    return i;
}

/* "N / N" at p: its length, or 0. */
static size_t counter(const char *p, size_t n)
{
    size_t a = digits(p, n);
    if (!a || n - a < 4 || memcmp(p + a, " / ", 3))
        return 0;
    size_t b = digits(p + a + 3, n - a - 3);
    return b ? a + 3 + b : 0;
}

/* "CopyN chars / N words" at p: its length, or 0. */
static size_t copy_chars(const char *p, size_t n)
{
    if (n < 4 || memcmp(p, "Copy", 4))
        return 0;
    size_t i = 4, d = digits(p + i, n - i);
    if (!d || n - i - d < 10 || memcmp(p + i + d, " chars / ", 9))
        return 0;
    i += d + 9;
    d = digits(p + i, n - i);
    if (!d || n - i - d < 6 || memcmp(p + i + d, " words", 6))
        return 0;
    return i + d + 6;
}

static const char *find(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == needle[0] && !memcmp(p + i, needle, k))
            return p + i;
    return NULL;
}

/* A fence at p ("```"): appends its rebuilt form and returns the bytes
 * it spans, or 0 when it has no "Copy code" header (an ordinary fence). */
static size_t copy_code_fence(const char *p, size_t n, ts_buf *b, int *err)
{
    size_t i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    size_t ls = i;
    const char *cc = find(p + ls, n - ls < 41 ? n - ls : 41, "Copy code");
    if (!cc)
        return 0;
    size_t le = (size_t)(cc - p);
    for (size_t k = ls; k < le; k++)
        if (isspace((unsigned char)p[k]))
            return 0; /* not a language label */
    size_t c = le;
    while (n - c >= 9 && !memcmp(p + c, "Copy code", 9))
        c += 9;
    const char *close = find(p + c, n - c, "```");
    if (!close)
        return 0;
    size_t ce = (size_t)(close - p);
    while (c < ce && (p[c] == '\n' || p[c] == '\r'))
        c++;
    size_t e = ce;
    while (e > c && isspace((unsigned char)p[e - 1]))
        e--;
    if (e > c && !*err) {
        /* An empty one is ChatGPT's bare "Copy code" button: dropped. */
        *err = ts_buf_append(b, "```", 3);
        if (!*err)
            *err = ts_buf_append(b, p + ls, le - ls);
        if (!*err)
            *err = ts_buf_append(b, "\n", 1);
        if (!*err)
            *err = ts_buf_append(b, p + c, e - c);
        if (!*err)
            *err = ts_buf_append(b, "\n```", 4);
    }
    return ce + 3;
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

int fmt_md_strip_artifacts(ts_arena *a, const char *s, size_t n, const char **out, size_t *outlen)
{
    trim(&s, &n);
    size_t c = counter(s, n);
    if (c) {
        s += c;
        n -= c;
        trim(&s, &n);
    }
    if (!find(s, n, "Copy")) {
        *out = s;
        *outlen = n;
        return 0;
    }
    ts_buf b;
    ts_buf_init(&b, n + 64);
    int err = 0;
    for (size_t i = 0; i < n && !err;) {
        size_t used;
        if (n - i >= 3 && !memcmp(s + i, "```", 3)) {
            if ((used = copy_code_fence(s + i, n - i, &b, &err))) {
                i += used;
                continue;
            }
            /* An ordinary fence is copied whole: code is not cleaned. */
            const char *close = find(s + i + 3, n - i - 3, "```");
            size_t end = close ? (size_t)(close - s) + 3 : n;
            err = ts_buf_append(&b, s + i, end - i);
            i = end;
        } else if ((used = copy_chars(s + i, n - i))) {
            i += used;
        } else {
            err = ts_buf_putc(&b, s[i++]);
        }
    }
    if (!err) {
        const char *t = b.data ? b.data : "";
        size_t tl = b.len;
        trim(&t, &tl);
        char *r = ts_arena_dup(a, t, tl);
        if (!r)
            err = TS_ENOMEM;
        *out = r;
        *outlen = tl;
    }
    ts_buf_release(&b);
    return err;
}
