/* Strings as Python sees them: code points (len, index, iteration) and
 * Unicode whitespace (str.strip() and str.split() without arguments). */
#include <string.h>

#include "tpl_int.h"

static size_t cp_len(const char *s, size_t n, size_t i)
{
    unsigned char b = (unsigned char)s[i];
    size_t k = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return i + k <= n ? k : n - i;
}

size_t tpl_utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
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
