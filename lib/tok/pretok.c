/* Pre-tokenizers: Split (regex or literal, with the five delimiter
 * behaviours and invert), ByteLevel, Metaspace and Digits, applied in
 * sequence to a list of spans. Semantics follow Hugging Face's
 * pre_tokenizers and NormalizedString::split. */
#include <stdlib.h>
#include <string.h>

#include "tok_int.h"

static int push(tk_span **a, size_t *n, size_t *cap, tk_span s)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        tk_span *p = realloc(*a, nc * sizeof *p);
        if (!p)
            return TS_ENOMEM;
        *a = p;
        *cap = nc;
    }
    (*a)[(*n)++] = s;
    return 0;
}

/* Matches of one span as a cover: (off, len, first = is_match). */
static int find_matches(ts_tokenizer *t, pcre2_code *re, const char *lit, size_t litlen, const char *s,
                        size_t n, size_t *m)
{
    size_t k = 0, prev = 0, i = 0;
    *m = 0;
    while (i < n) {
        size_t ms, me;
        if (re) {
            int rc = pcre2_match(re, (PCRE2_SPTR)s, n, i, PCRE2_NO_UTF_CHECK, t->md, t->mctx);
            if (rc < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
            ms = ov[0];
            me = ov[1];
        } else {
            const char *hit = litlen ? tk_find(s + i, n - i, lit, litlen) : NULL;
            if (!hit)
                break;
            ms = (size_t)(hit - s);
            me = ms + litlen;
        }
        if (me == ms) { /* empty match: nothing to cut; step one character */
            i = ms;
            tk_utf8_next(s, n, &i);
            continue;
        }
        if (ms > prev && push(&t->mt, &k, &t->capmt, (tk_span){(uint32_t)prev, (uint32_t)(ms - prev), false}))
            return TS_ENOMEM;
        if (push(&t->mt, &k, &t->capmt, (tk_span){(uint32_t)ms, (uint32_t)(me - ms), true}))
            return TS_ENOMEM;
        prev = i = me;
    }
    if (prev < n && push(&t->mt, &k, &t->capmt, (tk_span){(uint32_t)prev, (uint32_t)(n - prev), false}))
        return TS_ENOMEM;
    *m = k;
    return 0;
}

/* Splits every span of list `cur` into list 1-cur. */
static int pass_split(ts_tokenizer *t, pcre2_code *re, const char *lit, size_t litlen, tk_behavior bh,
                      bool invert, const char *b, int *cur)
{
    int in = *cur, o = 1 - in;
    t->nspans[o] = 0;
    for (size_t si = 0; si < t->nspans[in]; si++) {
        tk_span sp = t->spans[in][si];
        size_t m;
        if (find_matches(t, re, lit, litlen, b + sp.off, sp.len, &m))
            return TS_ENOMEM;
        tk_span *mt = t->mt;
        if (invert)
            for (size_t j = 0; j < m; j++)
                mt[j].first = !mt[j].first;
        /* Apply the behaviour in place: mt[0..w) are the pieces. */
        size_t w = 0;
        switch (bh) {
        case TK_B_REMOVED:
            for (size_t j = 0; j < m; j++)
                if (!mt[j].first)
                    mt[w++] = mt[j];
            break;
        case TK_B_ISOLATED:
            w = m;
            break;
        case TK_B_PREV: {
            bool prevm = false;
            for (size_t j = 0; j < m; j++) {
                bool im = mt[j].first;
                if (im && !prevm && w)
                    mt[w - 1].len = mt[j].off + mt[j].len - mt[w - 1].off;
                else
                    mt[w++] = mt[j];
                prevm = im;
            }
            break;
        }
        case TK_B_NEXT: {
            /* Right to left, as the reference folds it. */
            bool prevm = false;
            size_t r = m; /* pieces land in mt[r..m) */
            for (size_t j = m; j-- > 0;) {
                bool im = mt[j].first;
                if (im && !prevm && r < m) {
                    mt[r].len = mt[r].off + mt[r].len - mt[j].off;
                    mt[r].off = mt[j].off;
                } else {
                    mt[--r] = mt[j];
                }
                prevm = im;
            }
            memmove(mt, mt + r, (m - r) * sizeof *mt);
            w = m - r;
            break;
        }
        case TK_B_CONTIG: {
            for (size_t j = 0; j < m; j++) {
                if (w && mt[w - 1].first == mt[j].first)
                    mt[w - 1].len = mt[j].off + mt[j].len - mt[w - 1].off;
                else
                    mt[w++] = mt[j];
            }
            break;
        }
        }
        for (size_t j = 0; j < w; j++) {
            if (!mt[j].len)
                continue;
            tk_span ns = {sp.off + mt[j].off, mt[j].len, sp.first && mt[j].off == 0};
            if (push(&t->spans[o], &t->nspans[o], &t->capspans[o], ns))
                return TS_ENOMEM;
        }
    }
    *cur = o;
    return 0;
}

typedef enum { RW_PREFIX_SPACE, RW_BYTES, RW_METASPACE } rw_kind;

/* Rewrites every span into the other scratch buffer. */
static int pass_rewrite(ts_tokenizer *t, const tk_pre *p, rw_kind kind, const char **b, int *bufidx, int *cur)
{
    int in = *cur, o = 1 - in;
    int nb = *bufidx == 0 ? 1 : 0;
    ts_buf *out = &t->pbuf[nb];
    out->len = 0;
    t->nspans[o] = 0;
    for (size_t si = 0; si < t->nspans[in]; si++) {
        tk_span sp = t->spans[in][si];
        const char *s = *b + sp.off;
        size_t start = out->len;
        int rc = 0;
        if (kind == RW_PREFIX_SPACE) {
            if (sp.len && s[0] != ' ')
                rc = ts_buf_putc(out, ' ');
            rc = rc ? rc : ts_buf_append(out, s, sp.len);
        } else if (kind == RW_BYTES) {
            rc = tk_bytes_to_unicode(s, sp.len, out);
        } else {
            bool starts = sp.len >= p->repllen && !memcmp(s, p->repl, p->repllen);
            /* a space becomes the replacement, so a leading space counts */
            if (sp.len && s[0] == ' ')
                starts = true;
            if (!starts && (p->prepend == TK_PREPEND_ALWAYS || (p->prepend == TK_PREPEND_FIRST && sp.first)))
                rc = ts_buf_append(out, p->repl, p->repllen);
            for (size_t i = 0; i < sp.len && !rc; i++)
                rc = s[i] == ' ' ? ts_buf_append(out, p->repl, p->repllen) : ts_buf_putc(out, s[i]);
        }
        if (rc)
            return rc;
        if (push(&t->spans[o], &t->nspans[o], &t->capspans[o],
                 (tk_span){(uint32_t)start, (uint32_t)(out->len - start), sp.first}))
            return TS_ENOMEM;
    }
    if (out->len > UINT32_MAX)
        return TS_ETOOBIG;
    *b = out->data ? out->data : "";
    *bufidx = nb;
    *cur = o;
    return 0;
}

int tk_pretokenize(ts_tokenizer *t, const char *s, size_t n, bool first, int *which, const char **base)
{
    if (n > UINT32_MAX / 4)
        return TS_ETOOBIG;
    int cur = 0, bufidx = -1, rc = 0;
    const char *b = s;
    t->nspans[0] = 0;
    if (push(&t->spans[0], &t->nspans[0], &t->capspans[0], (tk_span){0, (uint32_t)n, first}))
        return TS_ENOMEM;
    for (size_t k = 0; k < t->npre && !rc; k++) {
        const tk_pre *p = &t->pre[k];
        switch (p->kind) {
        case TK_P_SPLIT:
            rc = pass_split(t, p->re, p->lit, p->litlen, p->behavior, p->invert, b, &cur);
            break;
        case TK_P_DIGITS:
            rc = pass_split(t, p->re, NULL, 0, TK_B_ISOLATED, false, b, &cur);
            break;
        case TK_P_METASPACE:
            rc = pass_rewrite(t, p, RW_METASPACE, &b, &bufidx, &cur);
            if (!rc && p->split)
                rc = pass_split(t, NULL, p->repl, p->repllen, TK_B_NEXT, false, b, &cur);
            break;
        case TK_P_BYTELEVEL:
            if (p->add_prefix_space)
                rc = pass_rewrite(t, p, RW_PREFIX_SPACE, &b, &bufidx, &cur);
            if (!rc && p->use_regex)
                rc = pass_split(t, p->re, NULL, 0, TK_B_ISOLATED, false, b, &cur);
            /* The last ByteLevel leaves the mapping to the model (lazy_bytes),
             * so the piece cache is keyed by the raw bytes. */
            if (!rc && !(t->lazy_bytes && k + 1 == t->npre))
                rc = pass_rewrite(t, p, RW_BYTES, &b, &bufidx, &cur);
            break;
        }
    }
    *which = cur;
    *base = b;
    return rc;
}
