/* The normalizers of tokenizer.json: Unicode forms (libutf8proc, with NFC
 * copying what it cannot change), Lowercase, Prepend, Replace, Strip. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tok_int.h"

/* memmem without _GNU_SOURCE. */
const char *tk_find(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (!nn || nn > hn)
        return nn ? NULL : h;
    const char *end = h + (hn - nn) + 1;
    for (const char *p = h; p < end;) {
        p = memchr(p, nd[0], (size_t)(end - p));
        if (!p)
            return NULL;
        if (!memcmp(p, nd, nn))
            return p;
        p++;
    }
    return NULL;
}

bool tk_is_ws(uint32_t c)
{
    return (c >= 9 && c <= 13) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

static int utf8proc_norm(const char *s, size_t n, int opt, ts_buf *out)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst, (utf8proc_option_t)opt);
    if (r < 0) {
        free(dst);
        return r == UTF8PROC_ERROR_NOMEM ? TS_ENOMEM : TS_EUTF8;
    }
    int rc = ts_buf_append(out, dst, (size_t)r);
    free(dst);
    return rc;
}

/* Characters that NFC leaves alone and that never compose with what comes
 * before them (no combining class, quick check Yes, never the second part
 * of a composition): a cut before one is an NFC boundary. */
static bool nfc_inert(uint32_t c)
{
    return c < 0x300 || (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3);
}

/* NFC by regions: runs of inert characters are copied; only a stretch from
 * the inert character before other characters to the next inert one goes
 * through utf8proc (which allocates). Most text is copied whole. */
static int nfc(const char *s, size_t n, ts_buf *out)
{
    size_t copy = 0, last = 0, i = 0;
    while (i < n) {
        size_t j = i;
        if (nfc_inert(tk_utf8_next(s, n, &j))) {
            last = i;
            i = j;
            continue;
        }
        size_t rs = i > copy ? last : copy, re = j;
        while (re < n) {
            size_t k = re;
            if (nfc_inert(tk_utf8_next(s, n, &k)))
                break;
            re = k;
        }
        int rc = ts_buf_append(out, s + copy, rs - copy);
        if (!rc)
            rc = utf8proc_norm(s + rs, re - rs, UTF8PROC_STABLE | UTF8PROC_COMPOSE, out);
        if (rc)
            return rc;
        copy = i = re;
    }
    return ts_buf_append(out, s + copy, n - copy);
}

static int norm_one(ts_tokenizer *t, const tk_norm *nm, const char *s, size_t n, ts_buf *out)
{
    switch (nm->kind) {
    case TK_N_NFC:
        return nfc(s, n, out);
    case TK_N_NFD:
    case TK_N_NFKC:
    case TK_N_NFKD: {
        int opt = UTF8PROC_STABLE;
        opt |= nm->kind == TK_N_NFKC ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE;
        if (nm->kind == TK_N_NFKC || nm->kind == TK_N_NFKD)
            opt |= UTF8PROC_COMPAT;
        return utf8proc_norm(s, n, opt, out);
    }
    case TK_N_LOWER:
        for (size_t i = 0; i < n;) {
            uint32_t c = tk_utf8_next(s, n, &i);
            char o[8];
            size_t k;
            if (c == 0x130) { /* İ lowercases to i + combining dot, as Rust does */
                k = tk_put_utf8(o, 'i');
                k += tk_put_utf8(o + k, 0x307);
            } else {
                k = tk_put_utf8(o, (uint32_t)utf8proc_tolower((utf8proc_int32_t)c));
            }
            if (ts_buf_append(out, o, k))
                return TS_ENOMEM;
        }
        return 0;
    case TK_N_PREPEND:
        if (n && ts_buf_append(out, nm->a, nm->alen))
            return TS_ENOMEM;
        return ts_buf_append(out, s, n);
    case TK_N_STRIP: {
        size_t a = 0, z = n;
        if (nm->left)
            while (a < z) {
                size_t j = a;
                if (!tk_is_ws(tk_utf8_next(s, z, &j)))
                    break;
                a = j;
            }
        if (nm->right)
            while (z > a) {
                size_t j = z - 1;
                while (j > a && ((uint8_t)s[j] & 0xC0) == 0x80)
                    j--;
                size_t k = j;
                if (!tk_is_ws(tk_utf8_next(s, z, &k)))
                    break;
                z = j;
            }
        return ts_buf_append(out, s + a, z - a);
    }
    case TK_N_REPLACE: {
        size_t i = 0;
        if (nm->re) {
            while (i <= n) {
                int rc = pcre2_match(nm->re, (PCRE2_SPTR)s, n, i, PCRE2_NO_UTF_CHECK, t->md, NULL);
                if (rc < 0)
                    break;
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
                if (ov[1] == ov[0]) { /* empty match: move on one character */
                    if (ov[0] >= n)
                        break;
                    size_t j = ov[0];
                    tk_utf8_next(s, n, &j);
                    if (ts_buf_append(out, s + i, j - i))
                        return TS_ENOMEM;
                    i = j;
                    continue;
                }
                if (ts_buf_append(out, s + i, ov[0] - i) || ts_buf_append(out, nm->b, nm->blen))
                    return TS_ENOMEM;
                i = ov[1];
            }
        } else if (nm->alen) {
            for (;;) {
                const char *hit = tk_find(s + i, n - i, nm->a, nm->alen);
                if (!hit)
                    break;
                size_t at = (size_t)(hit - s);
                if (ts_buf_append(out, s + i, at - i) || ts_buf_append(out, nm->b, nm->blen))
                    return TS_ENOMEM;
                i = at + nm->alen;
            }
        }
        return i < n ? ts_buf_append(out, s + i, n - i) : 0;
    }
    }
    return TS_EINVAL;
}

int tk_normalize(ts_tokenizer *t, const char *s, size_t n, ts_buf *out)
{
    /* Each step reads the previous step's text: ping-pong between out and
     * a scratch buffer, ending in out. */
    out->len = 0;
    if (!t->nnorm)
        return ts_buf_append(out, s, n);
    ts_buf *tmp = &t->mbuf;
    const char *src = s;
    size_t sn = n;
    for (size_t k = 0; k < t->nnorm; k++) {
        ts_buf *dst = ((t->nnorm - k) & 1) ? out : tmp;
        dst->len = 0;
        int rc = norm_one(t, &t->norm[k], src, sn, dst);
        if (rc)
            return rc;
        src = dst->data ? dst->data : "";
        sn = dst->len;
    }
    return 0;
}
