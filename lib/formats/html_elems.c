/* What each HTML element becomes in Markdown (see html_md.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "html_md.h"
#include "html_md_int.h"

static void inline_open(fmt_md *m, char kind, const char *marker, const char *href, size_t hlen)
{
    if (m->ninl == MAX_INLINE)
        return;
    fmt_md_flush(m);
    md_puts(m, marker);
    m->inl[m->ninl++] = (fmt_md_inline){kind, m->out.len, href, hlen};
    m->glue_at = m->out.len;
    m->glue_len = strlen(marker);
}

static void link_close(fmt_md *m, const fmt_md_inline *l)
{
    ts_buf *o = &m->out;
    size_t tlen = o->len - l->pos;
    bool bare = !l->hlen || (l->hlen >= 11 && !strncasecmp(l->href, "javascript:", 11)) ||
                (l->hlen == tlen && !memcmp(l->href, o->data + l->pos, tlen));
    if (!tlen || bare) {
        /* No link to make: keep the text, drop the "[". */
        memmove(o->data + l->pos - 1, o->data + l->pos, tlen);
        o->len--;
        return;
    }
    md_strip_spaces(o);
    md_puts(m, "](");
    m->pre.len = 0;
    fmt_md_raw_text(m, &m->pre, l->href, l->hlen);
    for (size_t i = 0; i < m->pre.len && !m->err; i++) {
        char c = m->pre.data[i];
        /* A space or parenthesis would end the Markdown link early. */
        md_put(m, o, c == ' ' ? "%20" : c == '(' ? "%28" : c == ')' ? "%29" : &m->pre.data[i],
            c == ' ' || c == '(' || c == ')' ? 3 : 1);
    }
    md_puts(m, ")");
}

static void inline_close(fmt_md *m, char kind)
{
    int k = m->ninl - 1;
    while (k >= 0 && m->inl[k].kind != kind)
        k--;
    if (k < 0)
        return;
    while (m->ninl > k) {
        fmt_md_inline *e = &m->inl[--m->ninl];
        if (e->kind == 'a') {
            link_close(m, e);
            continue;
        }
        const char *marker = e->kind == 'b' ? "**" : e->kind == 'i' ? "*" : "~~";
        size_t ml = strlen(marker);
        if (m->out.len == e->pos) {
            m->out.len -= ml; /* nothing inside: no markers */
            continue;
        }
        if (md_last(&m->out) == ' ') {
            md_strip_spaces(&m->out);
            m->pending_space = true;
        }
        md_puts(m, marker);
    }
    m->glue_at = m->item_at = SIZE_MAX; /* output shrank: old positions mean nothing now */
}

static void code_close(fmt_md *m)
{
    ts_buf *o = &m->out;
    size_t at = (size_t)m->code_at;
    m->code_at = -1;
    md_strip_spaces(o);
    m->glue_at = m->item_at = SIZE_MAX;
    if (o->len <= at)
        return;
    m->pre.len = 0;
    md_put(m, &m->pre, o->data + at, o->len - at);
    o->len = at;
    bool tick = memchr(m->pre.data, '`', m->pre.len) != NULL;
    md_puts(m, tick ? "`` " : "`");
    md_put(m, o, m->pre.data, m->pre.len);
    md_puts(m, tick ? " ``" : "`");
}

/* Text before "Copy code" is ChatGPT's language label: "pythonCopy code". */
static size_t copy_code_label(const char *p, size_t n, char *lang, size_t cap)
{
    static const char cc[] = "Copy code";
    size_t lim = n < 64 ? n : 64;
    for (size_t i = 0; i + 9 <= lim; i++) {
        if (!memcmp(p + i, cc, 9)) {
            if (!lang[0] && i < cap)
                snprintf(lang, cap, "%.*s", (int)i, p);
            size_t e = i;
            while (e + 9 <= n && !memcmp(p + e, cc, 9))
                e += 9;
            return e;
        }
        if (isspace((unsigned char)p[i]))
            return 0; /* a label is one word */
    }
    return 0;
}

static void pre_close(fmt_md *m)
{
    ts_buf *b = &m->pre;
    size_t start = m->pre_code ? 0 : copy_code_label(b->data, b->len, m->lang, sizeof m->lang);
    if (m->lang[0] && strspn(m->lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#._-") !=
                          strlen(m->lang))
        m->lang[0] = 0; /* not a language name: it would break the fence line */
    while (start < b->len && (b->data[start] == '\n' || b->data[start] == '\r'))
        start++;
    size_t end = b->len;
    while (end > start && isspace((unsigned char)b->data[end - 1]))
        end--;
    if (end > start) {
        size_t run = 0, ticks = 2;
        for (size_t i = start; i < end; i++)
            run = b->data[i] == '`' ? run + 1 : 0, ticks = run > ticks ? run : ticks;
        char fence[16];
        size_t fl = ticks + 1 < sizeof fence ? ticks + 1 : sizeof fence - 1;
        memset(fence, '`', fl);
        fence[fl] = 0;
        fmt_md_block(m, 2);
        fmt_md_flush(m);
        md_puts(m, fence);
        md_puts(m, m->lang);
        md_puts(m, "\n");
        md_put(m, &m->out, b->data + start, end - start);
        md_puts(m, "\n");
        md_puts(m, fence);
    }
    fmt_md_block(m, 2);
}

static bool is(const char *name, const char *s) { return !strcmp(name, s); }

void fmt_md_open_tag(fmt_md *m, const char *name, const char *attrs, size_t alen, bool self_close)
{
    if (m->pre_depth) {
        if (is(name, "pre"))
            m->pre_depth++;
        else if (is(name, "br"))
            md_put(m, &m->pre, "\n", 1);
        else if (is(name, "code") && !m->pre_code) {
            /* What came before the code is the header: label and button. */
            m->pre_code = true;
            fmt_html_class_lang(attrs, alen, m->lang, sizeof m->lang);
            copy_code_label(m->pre.data, m->pre.len, m->lang, sizeof m->lang);
            m->pre.len = 0;
        }
        return;
    }
    if (is(name, "script") || is(name, "style") || is(name, "svg") || is(name, "head")) {
        if (!self_close)
            snprintf(m->skip, sizeof m->skip, "%s", name);
    } else if (is(name, "br")) {
        m->pending_space = false;
        fmt_md_flush(m);
        md_strip_spaces(&m->out);
        if (m->out.len && !(m->out.len >= 2 && !memcmp(m->out.data + m->out.len - 2, "\n\n", 2)))
            md_puts(m, "\n");
    } else if (is(name, "p") || is(name, "blockquote") || is(name, "table")) {
        fmt_md_block(m, m->nlists && is(name, "p") ? 1 : 2); /* ChatGPT's <li><p>: keep lists tight */
        m->header_done = is(name, "table") ? false : m->header_done;
    } else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
        fmt_md_block(m, 2);
        fmt_md_flush(m);
        for (int i = '0'; i < name[1]; i++)
            md_puts(m, "#");
        md_puts(m, " ");
        m->glue_at = m->out.len;
        m->glue_len = 0;
    } else if (is(name, "ul") || is(name, "ol")) {
        fmt_md_block(m, m->nlists ? 1 : 2);
        int d = m->nlists < MAX_INDENT ? m->nlists : MAX_INDENT;
        m->ordered[d] = is(name, "ol");
        m->counters[d] = 0;
        m->nlists++;
    } else if (is(name, "li")) {
        int d = m->nlists ? (m->nlists - 1 < MAX_INDENT ? m->nlists - 1 : MAX_INDENT) : 0;
        fmt_md_block(m, 1);
        fmt_md_flush(m);
        for (int i = 0; i < d; i++)
            md_puts(m, "  ");
        char mark[24] = "- ";
        if (m->nlists && m->ordered[d])
            snprintf(mark, sizeof mark, "%d. ", ++m->counters[d]);
        md_puts(m, mark);
        m->item_at = m->glue_at = m->out.len;
        m->glue_len = 0;
    } else if (is(name, "pre")) {
        fmt_md_block(m, 2);
        m->pre_depth = 1;
        m->pre_code = false;
        m->pre.len = 0;
        m->lang[0] = 0;
        fmt_html_class_lang(attrs, alen, m->lang, sizeof m->lang);
    } else if (is(name, "code")) {
        if (m->code_at < 0) {
            fmt_md_flush(m);
            m->code_at = (long)m->out.len;
            m->glue_at = m->out.len;
            m->glue_len = 0;
        }
    } else if (is(name, "b") || is(name, "strong")) {
        inline_open(m, 'b', "**", NULL, 0);
    } else if (is(name, "i") || is(name, "em")) {
        inline_open(m, 'i', "*", NULL, 0);
    } else if (is(name, "s") || is(name, "del") || is(name, "strike")) {
        inline_open(m, 's', "~~", NULL, 0);
    } else if (is(name, "a")) {
        const char *h = NULL;
        size_t hl = 0;
        fmt_html_attr(attrs, alen, "href", &h, &hl);
        inline_open(m, 'a', "[", h, hl);
    } else if (is(name, "img")) {
        const char *src, *alt = "";
        size_t sl, al = 0;
        if (fmt_html_attr(attrs, alen, "src", &src, &sl) && sl) {
            fmt_html_attr(attrs, alen, "alt", &alt, &al);
            fmt_md_flush(m);
            md_puts(m, "![");
            fmt_md_raw_text(m, &m->out, alt, al);
            md_puts(m, "](");
            fmt_md_raw_text(m, &m->out, src, sl);
            md_puts(m, ")");
        }
    } else if (is(name, "hr")) {
        fmt_md_block(m, 2);
        fmt_md_flush(m);
        md_puts(m, "---");
        fmt_md_block(m, 2);
    } else if (is(name, "tr")) {
        m->in_cell = false;
        fmt_md_block(m, 1);
        fmt_md_flush(m);
        md_puts(m, "|");
        m->ncells = 0;
        m->row_th = false;
    } else if (is(name, "td") || is(name, "th")) {
        m->row_th |= is(name, "th");
        fmt_md_flush(m);
        md_puts(m, " ");
        m->glue_at = m->out.len;
        m->glue_len = 0;
        m->in_cell = true;
    } else if (is(name, "dd") || is(name, "dt")) {
        fmt_md_block(m, 1);
    }
}

void fmt_md_close_tag(fmt_md *m, const char *name)
{
    if (m->skip[0]) {
        if (is(name, m->skip))
            m->skip[0] = 0;
        return;
    }
    if (m->pre_depth) {
        if (is(name, "pre") && !--m->pre_depth)
            pre_close(m);
        return;
    }
    if (is(name, "p") || is(name, "blockquote") || is(name, "table") ||
        (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])) {
        fmt_md_block(m, m->nlists && is(name, "p") ? 1 : 2);
    } else if (is(name, "ul") || is(name, "ol")) {
        if (m->nlists)
            m->nlists--;
        fmt_md_block(m, m->nlists ? 1 : 2);
    } else if (is(name, "li") || is(name, "dd") || is(name, "dt")) {
        fmt_md_block(m, 1);
    } else if (is(name, "code")) {
        if (m->code_at >= 0)
            code_close(m);
    } else if (is(name, "b") || is(name, "strong")) {
        inline_close(m, 'b');
    } else if (is(name, "i") || is(name, "em")) {
        inline_close(m, 'i');
    } else if (is(name, "s") || is(name, "del") || is(name, "strike")) {
        inline_close(m, 's');
    } else if (is(name, "a")) {
        inline_close(m, 'a');
    } else if (is(name, "td") || is(name, "th")) {
        m->pending_space = false;
        md_strip_spaces(&m->out);
        md_puts(m, " |");
        m->ncells++;
        m->in_cell = false;
    } else if (is(name, "tr")) {
        m->in_cell = false;
        if (m->row_th && !m->header_done) {
            md_puts(m, "\n|");
            for (int i = 0; i < m->ncells; i++)
                md_puts(m, " --- |");
            m->header_done = true;
        }
        fmt_md_block(m, 1);
    }
}

/* Whatever is left open at the end of the text is closed. */
void fmt_md_finish(fmt_md *m)
{
    m->skip[0] = 0;
    if (m->pre_depth) {
        m->pre_depth = 0;
        pre_close(m);
    }
    if (m->code_at >= 0)
        code_close(m);
    while (m->ninl)
        inline_close(m, m->inl[m->ninl - 1].kind);
}

