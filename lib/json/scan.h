/* Byte scanning shared by the JSON parser, writer and stream framer.
 * Internal to lib/json. */
#ifndef TS_JSON_SCAN_H
#define TS_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* First byte in [p, end) that is '"', '\\', a control character (< 0x20)
 * or non-ASCII (>= 0x80); end if none. These are the bytes a string
 * scanner must look at; everything else is copied as is. */
static inline const uint8_t *tsj_scan_string(const uint8_t *p, const uint8_t *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* Signed compare: bytes >= 0x80 are negative, so one compare
         * catches both controls and non-ASCII. */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmplt_epi8(v, space));
        int bits = _mm_movemask_epi8(m);
        if (bits)
            return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < end) {
        uint8_t c = *p;
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return p;
        p++;
    }
    return end;
}

/* First byte in [p, end) that is '"', '\\' or a control character (< 0x20);
 * end if none. *high gets 0x80 ORed in when the bytes passed over held
 * non-ASCII text (which then needs UTF-8 validation). Non-ASCII does not
 * stop the scan, so Korean text or typographic quotes run at vector speed. */
static inline const uint8_t *tsj_scan_escape(const uint8_t *p, const uint8_t *end, uint8_t *high)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1F);
    __m128i acc = _mm_setzero_si128();
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* v <= 0x1F, unsigned: min(v, 0x1F) == v */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        int bits = _mm_movemask_epi8(m);
        if (bits) {
            unsigned k = (unsigned)__builtin_ctz((unsigned)bits);
            /* only the bytes before the stop were passed over */
            if ((_mm_movemask_epi8(v) & (int)((1u << k) - 1)) || _mm_movemask_epi8(acc))
                *high |= 0x80;
            return p + k;
        }
        acc = _mm_or_si128(acc, v);
        p += 16;
    }
    if (_mm_movemask_epi8(acc))
        *high |= 0x80;
#endif
    uint8_t h = 0;
    while (p < end) {
        uint8_t c = *p;
        if (c == '"' || c == '\\' || c < 0x20)
            break;
        h |= c;
        p++;
    }
    *high |= (uint8_t)(h & 0x80);
    return p;
}

/* First '"', '[', ']', '{' or '}' in [p, end), or end: the bytes that
 * matter when finding where a nested value ends. */
static inline const uint8_t *tsj_scan_structure(const uint8_t *p, const uint8_t *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i open = _mm_set1_epi8('{'); /* '[' | 0x20 == '{' */
    const __m128i close = _mm_set1_epi8('}'); /* ']' | 0x20 == '}' */
    const __m128i bit5 = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i f = _mm_or_si128(v, bit5);
        int bits = _mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(v, quote), _mm_or_si128(_mm_cmpeq_epi8(f, open), _mm_cmpeq_epi8(f, close))));
        if (bits)
            return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < end && *p != '"' && (*p | 0x20) != '{' && (*p | 0x20) != '}')
        p++;
    return p;
}

/* Like tsj_scan_string but stops only at '"' and '\\' (framing inside a
 * string does not care about UTF-8 or controls; the parser checks them). */
static inline const uint8_t *tsj_scan_quote(const uint8_t *p, const uint8_t *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        int bits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        if (bits)
            return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\')
        p++;
    return p;
}

/* Length of the valid UTF-8 sequence starting at p (p[0] >= 0x80), or 0
 * when it is invalid: overlong forms, surrogates (U+D800..DFFF), code
 * points past U+10FFFF, and sequences cut by end are all rejected. */
static inline size_t tsj_utf8_seq(const uint8_t *p, const uint8_t *end)
{
    uint8_t c = p[0];
    size_t avail = (size_t)(end - p);
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (p[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3)
            return 0;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4)
            return 0;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}


/* The value of a hex digit, or -1. */
static inline int tsj_hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8 at o;
 * returns the end. */
static inline uint8_t *tsj_put_utf8(uint8_t *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (uint8_t)cp;
    } else if (cp < 0x800) {
        *o++ = (uint8_t)(0xC0 | cp >> 6);
        *o++ = (uint8_t)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (uint8_t)(0xE0 | cp >> 12);
        *o++ = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (uint8_t)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (uint8_t)(0xF0 | cp >> 18);
        *o++ = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (uint8_t)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* The writer's escape of c ('"', '\\' or a control byte) at d: the short
 * forms where JSON has them, \u00xx (lowercase hex) otherwise; returns
 * the end. */
static inline char *tsj_put_escape(char *d, uint8_t c)
{
    static const char hex[] = "0123456789abcdef";
    *d++ = '\\';
    switch (c) {
    case '"': *d++ = '"'; break;
    case '\\': *d++ = '\\'; break;
    case '\b': *d++ = 'b'; break;
    case '\f': *d++ = 'f'; break;
    case '\n': *d++ = 'n'; break;
    case '\r': *d++ = 'r'; break;
    case '\t': *d++ = 't'; break;
    default:
        d[0] = 'u', d[1] = '0', d[2] = '0', d[3] = hex[c >> 4], d[4] = hex[c & 15];
        d += 5;
    }
    return d;
}

/* Validates UTF-8 in [p, end): returns the first byte of an invalid or cut
 * sequence, or end when all is valid (utf8.c; vector code where the CPU
 * has it, the same answer everywhere). */
const uint8_t *tsj_utf8_validate(const uint8_t *p, const uint8_t *end);

#endif
