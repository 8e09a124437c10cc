/* The text dedup compares: normalized in one pass that also hashes each
 * word, so exact keys and shingles come from the same scan. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_dedup.h"
#include "tuneset/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Between turns: not whitespace, so it survives normalization and keeps
 * ["a b", "c"] apart from ["a", "b c"]; a word boundary for shingles. */
#define TURN_SEP '\x1e'

void ts_dedup_text_init(ts_dedup_text *t)
{
    ts_buf_init(&t->norm, 0);
    t->words = NULL;
    t->nwords = t->capwords = 0;
    t->keys_only = false;
    t->slack = false;
}

void ts_dedup_text_release(ts_dedup_text *t)
{
    ts_buf_release(&t->norm);
    free(t->words);
    t->words = NULL;
    t->nwords = t->capwords = 0;
}

static int words_room(ts_dedup_text *t, size_t more)
{
    if (t->nwords + more <= t->capwords)
        return 0;
    size_t cap = t->capwords ? t->capwords : 256;
    while (cap < t->nwords + more)
        cap *= 2;
    uint64_t *w = realloc(t->words, cap * sizeof *w);
    if (!w)
        return TS_ENOMEM;
    t->words = w;
    t->capwords = cap;
    return 0;
}

static inline bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* 0x80 in each byte of x that is zero (exact, no false positives). */
static inline uint64_t zero_bytes(uint64_t x)
{
    return ~(((x & ~HIGHS) + ~HIGHS) | x | ~HIGHS);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
static int have_avx2 = -1;

/* The 16-byte loop below, 32 bytes a step (same rules; see there), and
 * blanks that are dropped are skipped here too, so only the last < 32
 * bytes go to the narrower code. Returns where it stopped; *op advances. */
__attribute__((target("avx2,bmi"))) static const unsigned char *
normalize_avx2(const unsigned char *p, const unsigned char *end, char **op, const char *base, bool slack)
{
    char *out = *op;
    const __m256i sp = _mm256_set1_epi8(' '), tab1 = _mm256_set1_epi8('\t' - 1), cr1 = _mm256_set1_epi8('\r' + 1);
    const __m256i a1 = _mm256_set1_epi8('A' - 1), z1 = _mm256_set1_epi8('Z' + 1), b5 = _mm256_set1_epi8(0x20);
    while (end - p >= 32 || (slack && p < end)) {
        /* With slack the last block reads past end (the caller's buffer
         * allows it) and only its first `valid` bytes count. */
        unsigned valid = end - p >= 32 ? 32 : (unsigned)(end - p);
        uint32_t live = valid == 32 ? ~0u : (1u << valid) - 1;
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
        __m256i ws = _mm256_or_si256(_mm256_cmpeq_epi8(x, sp),
                                     _mm256_and_si256(_mm256_cmpgt_epi8(x, tab1), _mm256_cmpgt_epi8(cr1, x)));
        uint32_t m = (uint32_t)_mm256_movemask_epi8(ws) & live;
        if ((m & 1) && !(out > base && out[-1] != ' ' && out[-1] != TURN_SEP)) {
            /* blanks after a blank, a separator or the start: dropped */
            unsigned skip = (unsigned)_tzcnt_u32(~m);
            p += skip < valid ? skip : valid;
            continue;
        }
        uint32_t pair = m & (m >> 1);
        unsigned k = pair ? (unsigned)_tzcnt_u32(pair) + 1 : 32; /* up to the first blank of a pair */
        if (k > valid)
            k = valid;
        __m256i up = _mm256_and_si256(_mm256_cmpgt_epi8(x, a1), _mm256_cmpgt_epi8(z1, x));
        x = _mm256_or_si256(x, _mm256_and_si256(up, b5));
        x = _mm256_blendv_epi8(x, sp, ws);
        _mm256_storeu_si256((__m256i *)(void *)out, x);
        out += k;
        p += k;
    }
    *op = out;
    return p;
}
#endif

/* Exact keys only: the same normalization without word hashing. Spaces
 * are written eagerly (unless after a space, a separator or the start)
 * and a trailing one trimmed. Eight bytes go at once when they hold no
 * control byte, no two spaces in a row and no space that would be
 * dropped, with ASCII capitals lowercased in the word (SWAR); this loop is
 * the whole cost of exact dedup. */
static char *normalize_only(const unsigned char *p, const unsigned char *end, char *out, const char *base, bool slack)
{
#if defined(HAVE_AVX2_PATH)
    if (have_avx2 < 0)
        have_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
#endif
    while (p < end) {
        uint64_t v;
#if defined(HAVE_AVX2_PATH)
        if (have_avx2)
            p = normalize_avx2(p, end, &out, base, slack);
        if (p >= end)
            break;
#endif
#if defined(__SSE2__)
        /* Sixteen bytes at a time (the bulk of long turns): every
         * whitespace byte becomes ' ' and ASCII capitals are lowercased;
         * the block is stored whole but only its prefix up to a second
         * whitespace in a row (which must be dropped) counts. A leading
         * space that would be dropped goes to the scalar code below. */
        while (end - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                                      _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\t' - 1)),
                                                    _mm_cmplt_epi8(x, _mm_set1_epi8('\r' + 1))));
            unsigned sp = (unsigned)_mm_movemask_epi8(ws);
            if ((sp & 1) && !(out > base && out[-1] != ' ' && out[-1] != TURN_SEP))
                break;
            unsigned pair = sp & (sp >> 1);
            unsigned k = pair ? (unsigned)__builtin_ctz(pair) + 1 : 16;
            __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
                                       _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
            x = _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20)));
            x = _mm_or_si128(_mm_andnot_si128(ws, x), _mm_and_si128(ws, _mm_set1_epi8(' ')));
            _mm_storeu_si128((__m128i *)(void *)out, x);
            out += k;
            p += k;
            if (k < 16)
                break; /* the second blank of the pair: scalar */
        }
        if (p >= end)
            break;
#endif
        if (end - p >= 8) {
            memcpy(&v, p, 8);
            uint64_t ctrl = (v - ONES * 0x20) & ~v & HIGHS; /* bytes < 0x20 */
            uint64_t sp = zero_bytes(v ^ (ONES * 0x20));
            bool lead_ok = (v & 0xff) != ' ' || (out > base && out[-1] != ' ' && out[-1] != TURN_SEP);
            if (!ctrl && !(sp & (sp << 8)) && lead_ok) {
                uint64_t h = v & ~HIGHS;
                uint64_t upper = ((h + ONES * (0x80 - 'A')) ^ (h + ONES * (0x80 - 'Z' - 1))) & ~v & HIGHS;
                v |= upper >> 2; /* 0x80 >> 2 = 0x20: 'A' -> 'a' */
                memcpy(out, &v, 8);
                out += 8;
                p += 8;
                continue;
            }
        }
        for (const unsigned char *stop = end - p > 8 ? p + 8 : end; p < stop; p++) {
            unsigned c = *p;
            if (is_space((unsigned char)c)) {
                if (out > base && out[-1] != ' ' && out[-1] != TURN_SEP)
                    *out++ = ' ';
            } else {
                *out++ = (char)(c - 'A' < 26u ? c + 32 : c);
            }
        }
    }
    if (out > base && out[-1] == ' ')
        out--; /* trim */
    return out;
}

int ts_dedup_text_add(ts_dedup_text *t, const char *s, size_t n)
{
    /* At most n/2 + 1 words and n + 1 bytes (separator) come from n bytes. */
    if (ts_buf_reserve(&t->norm, n + 1 + 32) || words_room(t, n / 2 + 1))
        return TS_ENOMEM;
    char *out = t->norm.data + t->norm.len;
    const char *base = t->norm.data;
    if (t->norm.len)
        *out++ = TURN_SEP;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    if (t->keys_only) {
        t->norm.len = (size_t)(normalize_only(p, end, out, base, t->slack) - base);
        return 0;
    }
    uint64_t *w = t->words + t->nwords;
    bool in_word = false, gap = false;
    uint64_t h = 0;
    for (; p < end; p++) {
        unsigned char c = *p;
        if (is_space(c)) {
            if (in_word) {
                *w++ = h;
                in_word = false;
            }
            gap = true;
            continue;
        }
        if (gap && out > base && out[-1] != TURN_SEP)
            *out++ = ' ';
        gap = false;
        if (c >= 'A' && c <= 'Z')
            c += 32;
        *out++ = (char)c;
        if (!in_word) {
            in_word = true;
            h = 0xcbf29ce484222325ull;
        }
        h = (h ^ c) * 0x100000001b3ull; /* FNV-1a */
    }
    if (in_word)
        *w++ = h;
    t->norm.len = (size_t)(out - base);
    t->nwords = (size_t)(w - t->words);
    return 0;
}
