/* The HTML converter's state, shared by its two halves: html_md.c (the
 * output model and the tag lexer) and html_elems.c (what each element
 * does). Internal to lib/formats. */
#ifndef TS_FMT_HTML_MD_INT_H
#define TS_FMT_HTML_MD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "tuneset/arena.h"

#define MAX_INLINE 32
#define MAX_INDENT 8

typedef struct {
    char kind; /* 'b' bold, 'i' italic, 's' strike, 'a' link */
    size_t pos; /* output length just after the opening marker */
    const char *href;
    size_t hlen;
} fmt_md_inline;

typedef struct {
    ts_buf out;
    ts_buf pre;   /* the open <pre>'s text; scratch space otherwise */
    int err;
    int pending_nl;
    bool pending_space;
    size_t glue_at; /* no space owed at this length: just after an opening marker */
    size_t glue_len; /* that marker's length when a space may hop before it */
    size_t item_at; /* no newline owed either: just after a list marker */
    int pre_depth;
    bool pre_code; /* a <code> was seen inside the open <pre> */
    char lang[32];
    long code_at; /* start of an open inline <code>, -1 when none */
    int nlists;
    int counters[MAX_INDENT + 1];
    bool ordered[MAX_INDENT + 1];
    fmt_md_inline inl[MAX_INLINE];
    int ninl;
    bool in_cell, row_th, header_done;
    int ncells;
    char skip[8]; /* inside <script>/<style>/<svg>: everything up to its end tag */
    const char *no_gt; /* no '>' from here to the end of the input (NULL: not known) */
} fmt_md;

static inline void md_put(fmt_md *m, ts_buf *b, const char *p, size_t n)
{
    if (!m->err)
        m->err = ts_buf_append(b, p, n);
}

static inline void md_puts(fmt_md *m, const char *s) { md_put(m, &m->out, s, strlen(s)); }

static inline char md_last(const ts_buf *b) { return b->len ? b->data[b->len - 1] : 0; }

static inline void md_strip_spaces(ts_buf *b)
{
    while (b->len && (md_last(b) == ' ' || md_last(b) == '\t'))
        b->len--;
}

/* Pays the separators owed before new visible output. */
void fmt_md_flush(fmt_md *m);
/* Owes n newlines (a space inside a table cell) before the next output. */
void fmt_md_block(fmt_md *m, int n);
/* Appends p to b with entities decoded and nothing else changed. */
void fmt_md_raw_text(fmt_md *m, ts_buf *b, const char *p, size_t n);
/* The elements (html_elems.c): a start tag, an end tag, the end of input. */
void fmt_md_open_tag(fmt_md *m, const char *name, const char *attrs, size_t alen, bool self_close);
void fmt_md_close_tag(fmt_md *m, const char *name);
void fmt_md_finish(fmt_md *m);

#endif
