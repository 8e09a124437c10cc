/* Strings as Python sees them: code points (len, index, iteration) and
 * Unicode whitespace (str.strip() and str.split() without arguments). */
#include <string.h>
#include <utf8proc.h>

#include "tpl_int.h"

/* Bytes of the character at s[i]. Input JSON is valid UTF-8, but a
 * template source need not be: a bad sequence counts byte by byte. */
static size_t cp_len(const char *s, size_t n, size_t i)
{
    unsigned char b = (unsigned char)s[i];
    size_t k = b < 0x80 ? 1 : b >= 0xF8 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (i + k > n)
        return 1;
    for (size_t j = 1; j < k; j++)
        if (((unsigned char)s[i + j] & 0xC0) != 0x80)
            return 1;
    return k;
}

size_t tpl_utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i += cp_len(s, n, i))
        k++;
    return k;
}

static uint32_t decode(const char *s, size_t n, size_t i, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t k = cp_len(s, n, i);
    *len = k;
    if (k == 1)
        return u[0];
    if (k == 2)
        return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    if (k == 3)
        return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 | (uint32_t)(u[2] & 0x3F) << 6 |
           (u[3] & 0x3F);
}

/* Python's str.isspace(): the Unicode White_Space characters plus the
 * ASCII separators \x1c-\x1f. */
static bool py_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

bool tpl_is_space_at(const char *s, size_t n, size_t i, size_t *clen)
{
    return py_space(decode(s, n, i, clen));
}

/* Is the code point at s[i] (length k) among chars? */
static bool in_set(const char *chars, size_t nchars, const char *s, size_t k)
{
    for (size_t j = 0; j < nchars;) {
        size_t l = cp_len(chars, nchars, j);
        if (l == k && !memcmp(chars + j, s, k))
            return true;
        j += l;
    }
    return false;
}

/* which: 1 = left, 2 = right, 3 = both; chars NULL = whitespace. */
tv tpl_strip(tv s, const char *chars, size_t nchars, int which)
{
    size_t lo = 0, hi = s.n;
    if (which & 1)
        while (lo < hi) {
            size_t k;
            bool hit = chars ? (k = cp_len(s.u.s, hi, lo), in_set(chars, nchars, s.u.s + lo, k))
                             : tpl_is_space_at(s.u.s, hi, lo, &k);
            if (!hit)
                break;
            lo += k;
        }
    if (which & 2)
        while (hi > lo) {
            size_t st = hi - 1;
            while (st > lo && ((unsigned char)s.u.s[st] & 0xC0) == 0x80)
                st--;
            size_t k;
            bool hit = chars ? (k = hi - st, in_set(chars, nchars, s.u.s + st, k))
                             : tpl_is_space_at(s.u.s, hi, st, &k);
            if (!hit)
                break;
            hi = st;
        }
    tv r = tv_str(s.u.s + lo, hi - lo);
    return r;
}

size_t tpl_iter(tpl_ctx *c, tv v, const tv **items)
{
    switch (v.k) {
    case TV_LIST: *items = v.u.l->it; return v.u.l->n;
    case TV_DICT:
    case TV_NS: *items = v.u.d->keys; return v.u.d->n;
    case TV_STR: {
        size_t n = tpl_utf8_len(v.u.s, v.n);
        tv *o = tpl_alloc(c, (n ? n : 1) * sizeof(tv));
        for (size_t i = 0, k = 0; i < v.n; k++) {
            size_t l = cp_len(v.u.s, v.n, i);
            o[k] = tv_str(v.u.s + i, l);
            i += l;
        }
        *items = o;
        return n;
    }
    case TV_UNDEF:
        /* jinja2's Undefined iterates as empty */
        *items = NULL;
        return 0;
    default: tpl_fail(c, "'%s' object is not iterable", tpl_kind_name(v));
    }
}

static bool is_cased(utf8proc_int32_t cp)
{
    utf8proc_category_t k = utf8proc_category(cp);
    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT;
}

/* jinja2's title filter splits words at runs of -, whitespace, (, {, [, <. */
static bool title_sep(utf8proc_int32_t cp)
{
    return cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' || py_space((uint32_t)cp);
}

bool tpl_is_word_char(const char *s, size_t n, size_t i, size_t *clen)
{
    utf8proc_int32_t cp = (utf8proc_int32_t)decode(s, n, i, clen);
    if (cp < 0x80)
        return cp == '_' || (cp >= '0' && cp <= '9') || ((cp | 32) >= 'a' && (cp | 32) <= 'z');
    /* Python's \w: alphabetic (L*) or numeric (N*) characters */
    utf8proc_category_t k = utf8proc_category(cp);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO);
}

tv tpl_case(tpl_ctx *c, tv s, int mode)
{
    size_t mark = c->out->len;
    bool prev_cased = false, word_start = true;
    for (size_t i = 0, k = 0; i < s.n; k++) {
        size_t len;
        utf8proc_int32_t cp = (utf8proc_int32_t)decode(s.u.s, s.n, i, &len), m = cp;
        int how = 0; /* 1 lower, 2 upper, 3 title */
        switch (mode) {
        case TPL_LOWER: how = 1; break;
        case TPL_UPPER: how = 2; break;
        case TPL_CAPITALIZE: how = k == 0 ? 3 : 1; break;
        case TPL_PYTITLE:
            how = prev_cased ? 1 : 3;
            prev_cased = is_cased(cp);
            break;
        default: /* TPL_JTITLE: item[0].upper() + item[1:].lower() */
            if (title_sep(cp)) {
                word_start = true;
            } else {
                how = word_start ? 2 : 1;
                word_start = false;
            }
        }
        m = how == 1 ? utf8proc_tolower(cp) : how == 2 ? utf8proc_toupper(cp) : how == 3 ? utf8proc_totitle(cp) : cp;
        if (cp == 0xDF && how >= 2) { /* Python's full mappings of ß */
            tpl_put(c, c->out, how == 2 ? "SS" : "Ss", 2);
        } else if (m == cp) {
            tpl_put(c, c->out, s.u.s + i, len);
        } else {
            utf8proc_uint8_t b[4];
            utf8proc_ssize_t w = utf8proc_encode_char(m, b);
            tpl_put(c, c->out, b, (size_t)w);
        }
        i += len;
    }
    return tpl_buf_to_str(c, c->out, mark);
}

/* memmem (a GNU extension): memchr to the first byte, then compare. */
const char *tpl_find(const char *h, size_t hn, const char *n, size_t nn)
{
    if (!nn)
        return h;
    while (hn >= nn) {
        const char *p = memchr(h, n[0], hn - nn + 1);
        if (!p)
            return NULL;
        if (!memcmp(p, n, nn))
            return p;
        hn -= (size_t)(p - h) + 1;
        h = p + 1;
    }
    return NULL;
}
