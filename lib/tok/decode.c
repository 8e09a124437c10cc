/* Decoding: ids -> token strings -> the decoder chain (ByteLevel,
 * ByteFallback, Fuse, Strip, Replace, Metaspace) -> text, following the
 * reference's decode_chain of each decoder. */
#include <stdlib.h>
#include <string.h>

#include "tok_int.h"

typedef struct {
    ts_buf text;
    size_t *off, *len;
    size_t n, cap;
} toklist;

static int tl_add(toklist *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        size_t *o = realloc(l->off, nc * sizeof *o);
        if (!o)
            return TS_ENOMEM;
        l->off = o;
        size_t *k = realloc(l->len, nc * sizeof *k);
        if (!k)
            return TS_ENOMEM;
        l->len = k;
        l->cap = nc;
    }
    l->off[l->n] = l->text.len;
    l->len[l->n++] = n;
    return ts_buf_append(&l->text, s, n);
}

/* Extends the last token by s[0..n). */
static int tl_cat(toklist *l, const char *s, size_t n)
{
    l->len[l->n - 1] += n;
    return ts_buf_append(&l->text, s, n);
}

/* The text, never NULL (an empty list has no buffer yet). */
static const char *tx(const toklist *l) { return l->text.data ? l->text.data : ""; }

static void tl_free(toklist *l)
{
    ts_buf_release(&l->text);
    free(l->off);
    free(l->len);
}

/* Length of the valid-or-truncated sequence at p (1..4) and whether it is
 * a whole valid character: Rust's from_utf8_lossy replaces each maximal
 * invalid subpart with one U+FFFD. */
static size_t utf8_step(const uint8_t *p, size_t n, bool *ok)
{
    uint8_t c = p[0];
    *ok = false;
    if (c < 0x80) {
        *ok = true;
        return 1;
    }
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 1;
    size_t i = 1;
    for (; i <= need && i < n; i++) {
        uint8_t b = p[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
            return i;
    }
    if (i == need + 1)
        *ok = true;
    return i;
}

static int append_lossy(ts_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        bool ok;
        size_t k = utf8_step((const uint8_t *)s + i, n - i, &ok);
        if (ts_buf_append(out, ok ? s + i : "\xEF\xBF\xBD", ok ? k : 3))
            return TS_ENOMEM;
        i += k;
    }
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int run_dec(const tk_dec *d, const toklist *in, toklist *o)
{
    int rc = 0;
    switch (d->kind) {
    case TK_D_BYTELEVEL: {
        ts_buf raw;
        ts_buf_init(&raw, 0);
        for (size_t i = 0; i < in->n && !rc; i++) {
            const char *s = tx(in) + in->off[i];
            size_t n = in->len[i], j = 0, start = raw.len;
            bool mapped = true;
            while (j < n && !rc) {
                int b = tk_unicode_to_byte(tk_utf8_next(s, n, &j));
                if (b < 0) {
                    mapped = false;
                    break;
                }
                rc = ts_buf_putc(&raw, (char)b);
            }
            if (!mapped) { /* a token outside the map passes through as its bytes */
                raw.len = start;
                rc = ts_buf_append(&raw, s, n);
            }
        }
        if (!rc && !(rc = tl_add(o, "", 0)))
            rc = append_lossy(&o->text, raw.data ? raw.data : "", raw.len), o->len[0] = o->text.len;
        ts_buf_release(&raw);
        return rc;
    }
    case TK_D_BYTEFALLBACK: {
        ts_buf pend;
        ts_buf_init(&pend, 0);
        for (size_t i = 0; i <= in->n && !rc; i++) {
            const char *s = i < in->n ? tx(in) + in->off[i] : NULL;
            size_t n = i < in->n ? in->len[i] : 0;
            if (s && n == 6 && !memcmp(s, "<0x", 3) && s[5] == '>' && hexval(s[3]) >= 0 && hexval(s[4]) >= 0) {
                rc = ts_buf_putc(&pend, (char)(hexval(s[3]) * 16 + hexval(s[4])));
                continue;
            }
            if (pend.len) {
                if (tk_utf8_valid(pend.data, pend.len) == pend.len)
                    rc = tl_add(o, pend.data, pend.len);
                else
                    for (size_t k = 0; k < pend.len && !rc; k++)
                        rc = tl_add(o, "\xEF\xBF\xBD", 3);
                pend.len = 0;
            }
            if (s && !rc)
                rc = tl_add(o, s, n);
        }
        ts_buf_release(&pend);
        return rc;
    }
    case TK_D_FUSE:
        rc = tl_add(o, "", 0);
        for (size_t i = 0; i < in->n && !rc; i++)
            rc = tl_cat(o, tx(in) + in->off[i], in->len[i]);
        return rc;
    case TK_D_STRIP:
        for (size_t i = 0; i < in->n && !rc; i++) {
            const char *s = tx(in) + in->off[i];
            size_t a = 0, z = in->len[i];
            for (uint32_t k = 0; k < d->start && z - a >= d->alen && !memcmp(s + a, d->a, d->alen); k++)
                a += d->alen;
            for (uint32_t k = 0; k < d->stop && z - a >= d->alen && !memcmp(s + z - d->alen, d->a, d->alen); k++)
                z -= d->alen;
            rc = tl_add(o, s + a, z - a);
        }
        return rc;
    case TK_D_REPLACE:
    case TK_D_METASPACE:
        for (size_t i = 0; i < in->n && !rc; i++) {
            const char *s = tx(in) + in->off[i];
            size_t n = in->len[i], j = 0;
            const char *to = d->kind == TK_D_REPLACE ? d->b : " ";
            size_t tolen = d->kind == TK_D_REPLACE ? d->blen : 1;
            rc = tl_add(o, "", 0);
            bool strip = d->kind == TK_D_METASPACE && i == 0 && d->prepend != TK_PREPEND_NEVER;
            while (j < n && !rc) {
                const char *hit = d->alen ? tk_find(s + j, n - j, d->a, d->alen) : NULL;
                size_t at = hit ? (size_t)(hit - s) : n;
                rc = tl_cat(o, s + j, at - j);
                if (hit && !rc) {
                    if (!strip) /* the reference drops every one in the first token */
                        rc = tl_cat(o, to, tolen);
                    at += d->alen;
                }
                j = at;
            }
        }
        return rc;
    }
    return TS_EINVAL;
}

int ts_tokenizer_decode(const ts_tokenizer *t, const uint32_t *ids, size_t n, bool skip_special, ts_buf *out)
{
    if (t->dec_unsupported)
        return TS_ENOTSUP;
    toklist l[2];
    memset(l, 0, sizeof l);
    ts_buf_init(&l[0].text, 0);
    ts_buf_init(&l[1].text, 0);
    int rc = 0, cur = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t len;
        const char *s = ts_tokenizer_id_to_token(t, ids[i], &len);
        if (!s || (skip_special && t->is_special[ids[i]]))
            continue;
        rc = tl_add(&l[0], s, len);
    }
    for (size_t k = 0; k < t->ndec && !rc; k++) {
        toklist *o = &l[1 - cur];
        o->n = 0;
        o->text.len = 0;
        rc = run_dec(&t->dec[k], &l[cur], o);
        cur = 1 - cur;
    }
    /* No decoder: the reference joins the tokens with spaces. */
    for (size_t i = 0; i < l[cur].n && !rc; i++) {
        if (!t->ndec && i)
            rc = ts_buf_putc(out, ' ');
        if (!rc)
            rc = ts_buf_append(out, tx(&l[cur]) + l[cur].off[i], l[cur].len[i]);
    }
    tl_free(&l[0]);
    tl_free(&l[1]);
    return rc;
}
