/* A small streaming HTML to Markdown converter (see html_md.h). One pass,
 * no DOM: separators between blocks are owed lazily (pending_nl,
 * pending_space) and paid just before the next visible text, so nesting
 * and stray whitespace never stack blank lines. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_md.h"
#include "html_md_int.h"
#include "tuneset/error.h"

void fmt_md_flush(fmt_md *m)
{
    ts_buf *o = &m->out;
    if (!o->len) {
        /* nothing to separate from */
    } else if (m->pending_nl && o->len != m->item_at) {
        md_strip_spaces(o);
        int have = 0;
        while ((size_t)have < o->len && o->data[o->len - 1 - have] == '\n')
            have++;
        for (; have < m->pending_nl; have++)
            md_put(m, o, "\n", 1);
    } else if (m->pending_space && o->len == m->glue_at && m->glue_len && o->len > m->glue_len &&
               !strchr(" \n", o->data[o->len - m->glue_len - 1])) {
        /* "x<b> y</b>": the space goes before the marker, "x **y**". */
        size_t at = o->len - m->glue_len;
        md_put(m, o, " ", 1);
        if (!m->err) {
            memmove(o->data + at + 1, o->data + at, m->glue_len);
            o->data[at] = ' ';
            for (int i = 0; i < m->ninl; i++)
                m->inl[i].pos += m->inl[i].pos == m->glue_at;
            m->glue_at++;
        }
    } else if (m->pending_space && o->len != m->glue_at && o->len != m->item_at && md_last(o) != ' ' &&
               md_last(o) != '\n') {
        md_put(m, o, " ", 1);
    }
    m->pending_nl = 0;
    m->pending_space = false;
}

void fmt_md_block(fmt_md *m, int n)
{
    if (m->in_cell)
        m->pending_space = true; /* a table cell stays on its line */
    else if (n > m->pending_nl)
        m->pending_nl = n;
}

/* Text outside <pre>: entities decoded, whitespace runs collapsed. */
static void text(fmt_md *m, const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            m->pending_space = true;
            i++;
            continue;
        }
        char dec[4];
        int dlen = 0;
        size_t used = c == '&' ? fmt_html_entity(p + i, n - i, dec, &dlen) : 0;
        if (used && dlen == 1 && dec[0] == ' ') {
            m->pending_space = true;
            i += used;
            continue;
        }
        fmt_md_flush(m);
        if (used) {
            md_put(m, &m->out, dec, (size_t)dlen);
            i += used;
            continue;
        }
        size_t j = i + 1;
        while (j < n && !strchr(" \t\n\r\f&", p[j]))
            j++;
        md_put(m, &m->out, p + i, j - i);
        i = j;
    }
}

void fmt_md_raw_text(fmt_md *m, ts_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        char dec[4];
        int dlen = 0;
        size_t used = p[i] == '&' ? fmt_html_entity(p + i, n - i, dec, &dlen) : 0;
        if (used) {
            md_put(m, b, dec, (size_t)dlen);
            i += used;
            continue;
        }
        size_t j = i + 1;
        while (j < n && p[j] != '&')
            j++;
        md_put(m, b, p + i, j - i);
        i = j;
    }
}

/* A tag, comment or declaration at p[0] == '<': handles it and returns
 * the bytes it spans, or 0 when this '<' starts none (then it is text). */
static size_t tag(fmt_md *m, const char *p, size_t n)
{
    if (n >= 4 && !memcmp(p, "<!--", 4)) {
        for (size_t i = 4; i + 3 <= n; i++)
            if (!memcmp(p + i, "-->", 3))
                return i + 3;
        return n;
    }
    if (n >= 2 && (p[1] == '!' || p[1] == '?')) {
        const char *gt = memchr(p, '>', n);
        return gt ? (size_t)(gt - p) + 1 : 0;
    }
    if (m->no_gt && p >= m->no_gt)
        return 0;
    bool closing = n >= 2 && p[1] == '/';
    size_t k = closing ? 2 : 1;
    if (k >= n || !isalpha((unsigned char)p[k]))
        return 0;
    char name[12];
    size_t nl = 0, i = k;
    for (; i < n && (isalnum((unsigned char)p[i]) || p[i] == '-' || p[i] == ':'); i++)
        if (nl + 1 < sizeof name)
            name[nl++] = (char)tolower((unsigned char)p[i]);
    name[nl] = 0;
    if (i - k >= sizeof name)
        name[0] = '?'; /* too long for any tag we know */
    size_t astart = i;
    char q = 0;
    for (; i < n; i++) {
        if (q)
            q = p[i] == q ? 0 : q;
        else if (p[i] == '"' || p[i] == '\'')
            q = p[i];
        else if (p[i] == '>')
            break;
    }
    if (i >= n) {
        /* An unbalanced quote: fall back to the first '>'. */
        const char *gt = memchr(p + astart, '>', n - astart);
        if (!gt) {
            m->no_gt = p; /* so later '<'s need not scan again */
            return 0;
        }
        i = (size_t)(gt - p);
    }
    bool self_close = i > astart && p[i - 1] == '/';
    if (closing)
        fmt_md_close_tag(m, name);
    else if (!m->skip[0])
        fmt_md_open_tag(m, name, p + astart, i - astart, self_close);
    return i + 1;
}

int fmt_html_to_md(ts_arena *a, const char *s, size_t n, const char **out, size_t *outlen)
{
    bool tags = false;
    for (const char *p = memchr(s, '<', n); p && !tags; p = memchr(p + 1, '<', (size_t)(s + n - p - 1)))
        tags = p + 1 < s + n && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!');
    if (!tags) {
        *out = s;
        *outlen = n;
        return 0;
    }
    fmt_md m;
    memset(&m, 0, sizeof m);
    /* Markers and list numbers can outgrow their tags, never by 4x. */
    ts_buf_init(&m.out, n * 4 + 256);
    ts_buf_init(&m.pre, n * 4 + 256);
    m.code_at = -1;
    for (size_t i = 0; i < n && !m.err;) {
        if (s[i] == '<') {
            size_t used = tag(&m, s + i, n - i);
            if (used) {
                i += used;
                continue;
            }
        }
        const char *lt = memchr(s + i + 1, '<', n - i - 1);
        size_t j = lt ? (size_t)(lt - s) : n;
        if (m.skip[0])
            ;
        else if (m.pre_depth)
            fmt_md_raw_text(&m, &m.pre, s + i, j - i);
        else
            text(&m, s + i, j - i);
        i = j;
    }
    fmt_md_finish(&m);
    while (m.out.len && isspace((unsigned char)md_last(&m.out)))
        m.out.len--;
    int rc = m.err;
    if (!rc) {
        char *r = ts_arena_dup(a, m.out.data ? m.out.data : "", m.out.len);
        if (!r)
            rc = TS_ENOMEM;
        *out = r;
        *outlen = m.out.len;
    }
    ts_buf_release(&m.out);
    ts_buf_release(&m.pre);
    return rc;
}
