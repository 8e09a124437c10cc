/* The picking scanner's AVX2 scan, in two stages after simdjson's
 * (Langdale and Lemire, Parsing Gigabytes of JSON per Second, 2019).
 *
 * Stage 1 looks at 64 bytes at a time and makes bit masks: quotes not
 * escaped, inside-a-string (a carry-less multiply turns quote bits into
 * string spans), whitespace, punctuation, scalars. From them, in the same
 * pass: UTF-8 is validated, the compact output is written (whitespace
 * outside strings squeezed out with a byte shuffle per 8 bytes), and the
 * positions of the tokens are listed. Stage 2 walks that short list to
 * check the grammar and pick values; it never looks at string bytes
 * except those of picked values and keys.
 *
 * Anything unusual — a syntax error, a control byte, an escape the writer
 * writes differently ("\u00e9", "\/"), a very long string — returns
 * PK_SLOW, and the portable scan (pick.c) does the record, so this file
 * only ever has to be right about records it accepts. */
#include "pick_int.h"
#include "utf8_lookup.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,pclmul,bmi,bmi2,popcnt")))

/* For each 8-bit mask of bytes to drop, the pshufb indexes that gather
 * the kept bytes of 8 to the front. */
static uint8_t pack_table[256][8];
static int have_avx2 = -1;

static void init(void)
{
    for (int m = 0; m < 256; m++) {
        int j = 0;
        for (int i = 0; i < 8; i++)
            if (!(m >> i & 1))
                pack_table[m][j++] = (uint8_t)i;
        while (j < 8)
            pack_table[m][j++] = 0x80;
    }
    have_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") &&
                __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
                __builtin_cpu_supports("popcnt");
}

TARGET static inline uint64_t mask64(__m256i lo, __m256i hi)
{
    return (uint32_t)_mm256_movemask_epi8(lo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/* Characters escaped by a backslash (the backslash before them is not
 * itself escaped). *carry: the first byte of the block is escaped. */
TARGET static inline uint64_t escaped_chars(uint64_t bs, uint64_t *carry)
{
    uint64_t esc = *carry;
    bs &= ~esc; /* an escaped backslash escapes nothing */
    *carry = 0;
    while (bs) {
        unsigned i = (unsigned)_tzcnt_u64(bs);
        if (i == 63) {
            *carry = 1;
            break;
        }
        esc |= 2ull << i;
        bs &= ~(3ull << i); /* it, and the backslash it escapes if any */
    }
    return esc;
}

/* --- UTF-8 (the lookup method of utf8.c, 32 bytes at a time) ---------- */


#define REP16(...) __VA_ARGS__, __VA_ARGS__

TARGET static inline __m256i utf8_errors(__m256i in, __m256i prev)
{
    const __m256i lo4 = _mm256_set1_epi8(0x0F);
    const __m256i byte_1_high = _mm256_setr_epi8(REP16(UTF8_BYTE_1_HIGH));
    const __m256i byte_1_low = _mm256_setr_epi8(REP16(UTF8_BYTE_1_LOW));
    const __m256i byte_2_high = _mm256_setr_epi8(REP16(UTF8_BYTE_2_HIGH));
    /* The 32 bytes before each byte's position: prev's high lane + in's low. */
    __m256i before = _mm256_permute2x128_si256(prev, in, 0x21);
    __m256i prev1 = _mm256_alignr_epi8(in, before, 15);
    __m256i sc = _mm256_and_si256(
        _mm256_and_si256(_mm256_shuffle_epi8(byte_1_high, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), lo4)),
                         _mm256_shuffle_epi8(byte_1_low, _mm256_and_si256(prev1, lo4))),
        _mm256_shuffle_epi8(byte_2_high, _mm256_and_si256(_mm256_srli_epi16(in, 4), lo4)));
    __m256i prev2 = _mm256_alignr_epi8(in, before, 14);
    __m256i prev3 = _mm256_alignr_epi8(in, before, 13);
    __m256i is_third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i is_fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must23 = _mm256_and_si256(_mm256_or_si256(is_third, is_fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must23, sc);
}

/* --- stage 1 ---------------------------------------------------------------- */

typedef struct {
    uint64_t in_str;  /* all ones when the previous block ended in a string */
    uint64_t esc;     /* the next block's first byte is escaped */
    uint64_t scalar;  /* the previous block ended inside a scalar */
    __m256i prev;     /* the previous 32 bytes, for UTF-8 */
    __m256i uerr;
    uint8_t *d;       /* compact output */
    uint32_t *idx;    /* token positions */
} stage1;

/* Escaped bytes the writer writes the same way: \" \\ \b \f \n \r \t. */
static const uint8_t kept_escape[256] = {['"'] = 1, ['\\'] = 1, ['b'] = 1, ['f'] = 1,
                                         ['n'] = 1, ['r'] = 1, ['t'] = 1};

/* One block of 64 bytes at p, at offset base of the record. False when the
 * record needs the portable scan. */
TARGET static inline bool block(stage1 *s, const uint8_t *p, uint32_t base)
{
    const __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
    const __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    const __m256i bsv = _mm256_set1_epi8('\\'), qv = _mm256_set1_epi8('"');
    uint64_t bs = mask64(_mm256_cmpeq_epi8(lo, bsv), _mm256_cmpeq_epi8(hi, bsv));
    uint64_t qt = mask64(_mm256_cmpeq_epi8(lo, qv), _mm256_cmpeq_epi8(hi, qv));
    uint64_t esc = 0;
    if (bs | s->esc) {
        esc = escaped_chars(bs, &s->esc);
        for (uint64_t e = esc; e; e &= e - 1)
            if (!kept_escape[p[_tzcnt_u64(e)]])
                return false;
    }
    uint64_t quotes = qt & ~esc;
    uint64_t in_str = (uint64_t)_mm_cvtsi128_si64(
                          _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)quotes), _mm_set1_epi8((char)0xFF), 0)) ^
                      s->in_str;
    s->in_str = (uint64_t)((int64_t)in_str >> 63);

    /* Whitespace by a table on the low nibble (' ' 0x20, '\t' 0x09,
     * '\n' 0x0A, '\r' 0x0D); punctuation likewise after OR 0x20, which
     * maps '[' ']' onto '{' '}' (0x1A and 0x0C also land on ':' and ',',
     * but they are control bytes, refused below). */
    const __m256i wst = _mm256_setr_epi8(REP16(' ', -1, -1, -1, -1, -1, -1, -1, -1, '\t', '\n', -1, -1, '\r', -1, -1));
    const __m256i opt = _mm256_setr_epi8(REP16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, ':', '{', ',', '}', -1, -1));
    const __m256i b5 = _mm256_set1_epi8(0x20), c1f = _mm256_set1_epi8(0x1F);
    uint64_t ws = mask64(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(wst, lo), lo),
                         _mm256_cmpeq_epi8(_mm256_shuffle_epi8(wst, hi), hi));
    uint64_t op = mask64(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(opt, lo), _mm256_or_si256(lo, b5)),
                         _mm256_cmpeq_epi8(_mm256_shuffle_epi8(opt, hi), _mm256_or_si256(hi, b5)));
    uint64_t ctl = mask64(_mm256_cmpeq_epi8(_mm256_min_epu8(lo, c1f), lo), _mm256_cmpeq_epi8(_mm256_min_epu8(hi, c1f), hi));
    if (ctl & (in_str | ~ws))
        return false; /* a raw control byte in a string, or outside one not blank */

    uint64_t scalar = ~(ws | op | quotes | in_str);
    uint64_t starts = scalar & ~(scalar << 1 | s->scalar);
    s->scalar = scalar >> 63;
    uint64_t tokens = (op & ~in_str) | quotes | starts;

    /* Token positions, four a round (stores past the count are scratch). */
    uint32_t *o = s->idx, cnt = (uint32_t)_mm_popcnt_u64(tokens);
    for (uint32_t i = 0; i < cnt; i += 4) {
        o[i] = base + (uint32_t)_tzcnt_u64(tokens), tokens = _blsr_u64(tokens);
        o[i + 1] = base + (uint32_t)_tzcnt_u64(tokens), tokens = _blsr_u64(tokens);
        o[i + 2] = base + (uint32_t)_tzcnt_u64(tokens), tokens = _blsr_u64(tokens);
        o[i + 3] = base + (uint32_t)_tzcnt_u64(tokens), tokens = _blsr_u64(tokens);
    }
    s->idx += cnt;

    /* UTF-8: blocks of ASCII after ASCII cost one test. */
    if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(lo, hi), s->prev))) {
        s->uerr = _mm256_or_si256(s->uerr, utf8_errors(lo, s->prev));
        s->uerr = _mm256_or_si256(s->uerr, utf8_errors(hi, lo));
    }
    s->prev = hi;

    /* The compact output: the block as it is, or packed 8 bytes a step. */
    uint64_t drop = ws & ~in_str;
    if (!drop) {
        _mm256_storeu_si256((__m256i *)(void *)s->d, lo);
        _mm256_storeu_si256((__m256i *)(void *)(s->d + 32), hi);
        s->d += 64;
    } else {
        for (int c = 0; c < 8; c++) {
            unsigned m = (unsigned)(drop >> (8 * c)) & 0xFF;
            __m128i v = _mm_loadl_epi64((const __m128i *)(const void *)(p + 8 * c));
            __m128i sh = _mm_loadl_epi64((const __m128i *)(const void *)pack_table[m]);
            _mm_storel_epi64((__m128i *)(void *)s->d, _mm_shuffle_epi8(v, sh));
            s->d += 8 - _mm_popcnt_u32(m);
        }
    }
    return true;
}

/* --- stage 2 ---------------------------------------------------------------- */

/* Bytes that may follow a scalar: blanks, punctuation, a quote. */
static const uint8_t delim[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1, [':'] = 1,
                                   ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, ['"'] = 1};

/* Copies the string body [p, end) decoded (only the escapes stage 1 let
 * through) to t, 32 bytes a step; t has room for a block past the end.
 * Loads may run past end up to lim (the record's end), not beyond. */
TARGET static uint8_t *decode(uint8_t *t, const uint8_t *p, const uint8_t *end, const uint8_t *lim)
{
    const __m256i bsv = _mm256_set1_epi8('\\');
    for (;;) {
        while (lim - p >= 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
            _mm256_storeu_si256((__m256i *)(void *)t, v);
            unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, bsv));
            if (end - p < 32)
                m &= (1u << (end - p)) - 1; /* bytes past the string are not it */
            if (m) {
                unsigned i = (unsigned)_tzcnt_u32(m);
                p += i;
                t += i;
                goto escape;
            }
            if (end - p <= 32)
                return t + (end - p);
            p += 32;
            t += 32;
        }
        while (p < end && *p != '\\')
            *t++ = *p++;
        if (p >= end)
            return t;
    escape:
        switch (p[1]) {
        case 'b': *t++ = '\b'; break;
        case 'f': *t++ = '\f'; break;
        case 'n': *t++ = '\n'; break;
        case 'r': *t++ = '\r'; break;
        case 't': *t++ = '\t'; break;
        default: *t++ = p[1]; /* '"' or '\\' */
        }
        p += 2;
    }
}

/* Whether [s, e) holds a backslash; loads may run up to lim. */
TARGET static inline bool has_backslash(const uint8_t *s, const uint8_t *e, const uint8_t *lim)
{
    if (e - s <= 16 && lim - s >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
        return (m & ((1u << (e - s)) - 1)) != 0;
    }
    return memchr(s, '\\', (size_t)(e - s)) != NULL;
}

/* The grammar over the token positions, and the picks. */
TARGET static int stage2(ts_json_pick *k, const uint8_t *text, size_t n, const uint32_t *tok, const uint32_t *tend)
{
    uint32_t depth = 0;
    pk_state st = {.cap = -1};
    uint8_t *tbase = (uint8_t *)k->text.data, *t = tbase;
    const uint32_t max_string = k->opts.max_string;
value:
    if (tok >= tend)
        return PK_SLOW;
    {
        uint32_t at = *tok++;
        uint8_t c = text[at];
        ts_json_hit *h = NULL;
        if (st.want != WANT_NONE && !(h = pk_on_value(k, &st, (size_t)(t - tbase))))
            return TS_ENOMEM;
        switch (c) {
        case '{':
        case '[': {
            if (depth >= k->opts.max_depth || depth >= 64 * k->capkinds)
                return PK_SLOW;
            uint64_t bit = 1ull << (depth % 64);
            k->kinds[depth / 64] = c == '{' ? k->kinds[depth / 64] | bit : k->kinds[depth / 64] & ~bit;
            depth++;
            if (h)
                h->type = c == '{' ? TS_JSON_OBJECT : TS_JSON_ARRAY;
            pk_on_open(&st, h, depth, c == '{');
            if (tok < tend && text[*tok] == c + 2) {
                tok++;
                depth--;
                pk_on_close(k, &st, depth);
                goto after;
            }
            if (st.cap >= 0 && depth == 2)
                st.nonempty = true;
            if (c == '[')
                goto value;
            goto key;
        }
        case '"': {
            uint32_t close = *tok++; /* stage 1 made sure it is there */
            if (close - at - 1 > max_string)
                return PK_SLOW;
            if (h) {
                t = decode(t, text + at + 1, text + close, text + n);
                h->type = TS_JSON_STRING;
                h->len = (size_t)(t - tbase) - h->off;
            }
            break;
        }
        case 't':
        case 'f':
        case 'n': {
            size_t len = c == 'f' ? 5 : 4;
            if (n - at < len || memcmp(text + at, c == 't' ? "true" : c == 'f' ? "false" : "null", len) ||
                (at + len < n && !delim[text[at + len]]))
                return PK_SLOW;
            if (h)
                h->type = c == 't' ? TS_JSON_TRUE : c == 'f' ? TS_JSON_FALSE : TS_JSON_NULL;
            break;
        }
        default: {
            const uint8_t *e = pk_number_end(text + at, text + n);
            if (!e || (e < text + n && !delim[*e]))
                return PK_SLOW;
            if (h) {
                memcpy(t, text + at, (size_t)(e - text - at));
                t += e - text - at;
                h->type = TS_JSON_NUMBER;
                h->len = (size_t)(t - tbase) - h->off;
            }
        }
        }
        st.want = WANT_NONE;
    }
after:
    if (depth == 0)
        goto done;
    if (tok >= tend)
        return PK_SLOW;
    {
        uint8_t c = text[*tok++];
        bool obj = k->kinds[(depth - 1) / 64] >> ((depth - 1) % 64) & 1;
        if (c == ',') {
            if (st.cap >= 0 && depth == 2)
                st.item++;
            if (!obj)
                goto value;
            goto key;
        }
        if (c != (obj ? '}' : ']'))
            return PK_SLOW;
        depth--;
        pk_on_close(k, &st, depth);
        goto after;
    }
key:
    if (tok + 2 >= tend || text[tok[0]] != '"' || text[tok[2]] != ':')
        return PK_SLOW;
    {
        const uint8_t *s = text + tok[0] + 1, *e = text + tok[1];
        if ((size_t)(e - s) > max_string)
            return PK_SLOW;
        /* Only keys where picking happens are read. */
        if (depth == 1 || (st.cap >= 0 && depth == (st.capobj ? 2u : 3u))) {
            if (!has_backslash(s, e, text + n)) {
                pk_on_key(k, &st, depth, s, (size_t)(e - s));
            } else if (e - s <= 512) {
                uint8_t dec[512 + 32];
                pk_on_key(k, &st, depth, dec, (size_t)(decode(dec, s, e, e) - dec));
            }
        }
        tok += 3;
        goto value;
    }
done:
    if (tok != tend)
        return PK_SLOW;
    k->text.len = (size_t)(t - tbase);
    return 0;
}

TARGET static int scan(ts_json_pick *k, const char *text, size_t n, ts_buf *out)
{
    /* At most one token a byte, plus the four-a-round scratch. */
    if (n + 8 > k->capidx) {
        uint32_t *idx = realloc(k->idx, (n + 8) * sizeof *idx);
        if (!idx)
            return TS_ENOMEM;
        k->idx = idx;
        k->capidx = n + 8;
    }
    if (!k->capkinds) {
        if (!(k->kinds = calloc(4, sizeof *k->kinds)))
            return TS_ENOMEM;
        k->capkinds = 4; /* records deeper than the kinds array holds take the portable scan */
    }
    const uint8_t *p = (const uint8_t *)text;
    stage1 s = {0, 0, 0, _mm256_setzero_si256(), _mm256_setzero_si256(), (uint8_t *)out->data + out->len, k->idx};
    size_t i = 0;
    for (; i + 64 <= n; i += 64)
        if (!block(&s, p + i, (uint32_t)i))
            return PK_SLOW;
    /* The tail, padded with blanks: outside a string they are squeezed
     * out; inside one the string is unterminated anyway. */
    uint8_t tail[64];
    memset(tail, ' ', sizeof tail);
    memcpy(tail, p + i, n - i);
    if (!block(&s, tail, (uint32_t)i) || s.in_str || s.esc)
        return PK_SLOW;
    if (!_mm256_testz_si256(s.uerr, s.uerr))
        return PK_SLOW;
    int rc = stage2(k, p, n, k->idx, s.idx);
    if (rc)
        return rc;
    out->len = (size_t)((char *)s.d - out->data);
    return 0;
}

int pk_scan_avx2(ts_json_pick *k, const char *text, size_t n, ts_buf *out)
{
    if (have_avx2 < 0)
        init();
    if (!have_avx2 || n >= UINT32_MAX - 64)
        return PK_SLOW;
    return scan(k, text, n, out);
}

#else

int pk_scan_avx2(ts_json_pick *k, const char *text, size_t n, ts_buf *out)
{
    (void)k, (void)text, (void)n, (void)out;
    return PK_SLOW;
}

#endif
