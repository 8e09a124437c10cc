/* Compacting JSON text without building a tree: for a record that passes
 * a command unmodified, this writes the bytes ts_json_write would, at
 * about memcpy speed (see include/tuneset/json.h). */
#include <string.h>

#include "scan.h"
#include "tuneset/json.h"

/* JSON's four blanks (a table: the loop below stays branch-free). */
static const uint8_t blank[256] = {[' '] = 1, ['\n'] = 1, ['\r'] = 1, ['\t'] = 1};

static inline int lower_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The escape at p (p[0] == '\\') as the writer would write it: its length,
 * or 0 when the writer writes that character differently (or unescaped). */
static size_t canonical_escape(const uint8_t *p, const uint8_t *end)
{
    if (end - p < 2)
        return 0;
    switch (p[1]) {
    case '"':
    case '\\':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        return 2;
    case 'u': {
        /* The writer uses \u00xx (lowercase) for the other controls only. */
        if (end - p < 6 || p[2] != '0' || p[3] != '0' || (p[4] != '0' && p[4] != '1'))
            return 0;
        int lo = lower_hex(p[5]);
        unsigned c = (unsigned)(p[4] - '0') * 16 + (unsigned)lo;
        if (lo < 0 || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r')
            return 0;
        return 6;
    }
    default: /* '/' is written unescaped */
        return 0;
    }
}

/* Copies string bytes from p to d up to the first '"' or '\\' (or end),
 * sixteen at a time: each block is stored whole before looking at it (the
 * caller leaves 16 bytes of room past the output), so there is no call per
 * run as there would be with memcpy. Returns the stop; *dp advances. */
static inline const uint8_t *copy_run(const uint8_t *p, const uint8_t *end, char **dp)
{
    char *d = *dp;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        _mm_storeu_si128((__m128i *)(void *)d, v);
        int bits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        if (bits) {
            unsigned k = (unsigned)__builtin_ctz((unsigned)bits);
            *dp = d + k;
            return p + k;
        }
        p += 16;
        d += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\')
        *d++ = (char)*p++;
    *dp = d;
    return p;
}

int ts_json_compact(ts_buf *out, const char *text, size_t n)
{
    /* Compacting never lengthens: reserve once (plus copy_run's slack). */
    int rc = ts_buf_reserve(out, n + 16);
    if (rc)
        return rc;
    const uint8_t *p = (const uint8_t *)text, *end = p + n;
    char *d0 = out->data + out->len, *d = d0;
    while (p < end) {
        /* Between strings (punctuation, numbers, literals): every byte is
         * stored, and the output advances past those that are not blank. */
        uint8_t c;
        while ((c = *p++) != '"') {
            *d = (char)c;
            d += 1 - blank[c];
            if (p >= end)
                goto done;
        }
        *d++ = '"';
        for (;;) {
            p = copy_run(p, end, &d);
            if (p >= end)
                return TS_EINVAL; /* unterminated: not text the parser accepted */
            if (*p == '"') {
                *d++ = '"';
                p++;
                break;
            }
            size_t k = canonical_escape(p, end);
            if (!k)
                return TS_EINVAL; /* out->len unchanged: nothing appended */
            d[0] = (char)p[0];
            d[1] = (char)p[1];
            if (k > 2)
                memcpy(d + 2, p + 2, 4);
            d += k;
            p += k;
        }
    }
done:
    out->len += (size_t)(d - d0);
    return 0;
}
