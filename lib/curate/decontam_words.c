/* Decontamination's word normalization. Unlike dedup's (which keeps
 * punctuation), punctuation breaks words here: a benchmark question copied
 * with other quotes, commas or a trailing "?" must still match. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_decontam.h"
#include "tuneset/error.h"

void ts_decontam_words_init(ts_decontam_words *w)
{
    memset(w, 0, sizeof *w);
    ts_buf_init(&w->norm, 0);
}

void ts_decontam_words_release(ts_decontam_words *w)
{
    ts_buf_release(&w->norm);
    free(w->hash);
    free(w->start);
    free(w->end);
    memset(w, 0, sizeof *w);
}

void ts_decontam_words_reset(ts_decontam_words *w)
{
    w->norm.len = 0;
    w->n = 0;
}

static int room(ts_decontam_words *w, size_t more)
{
    if (w->n + more <= w->cap)
        return 0;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->n + more)
        cap *= 2;
    uint64_t *h = realloc(w->hash, cap * sizeof *h);
    if (!h)
        return TS_ENOMEM;
    w->hash = h;
    size_t *s = realloc(w->start, cap * sizeof *s);
    if (!s)
        return TS_ENOMEM;
    w->start = s;
    size_t *e = realloc(w->end, cap * sizeof *e);
    if (!e)
        return TS_ENOMEM;
    w->end = e;
    w->cap = cap;
    return 0;
}

/* Per byte: 0 = a word break (ASCII other than letters and digits), 1 =
 * a lead byte that may start a Unicode break (see unicode_break), else
 * the byte as it goes into a word (ASCII letters lowercased). */
static const unsigned char lower[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0x01, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0x01, 0x01, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

/* Bytes of a Unicode word break at p (a lead byte marked 1), 0 when the
 * character is part of a word: U+00A0..U+00BF (no-break space, Latin-1
 * signs), U+2000..U+206F (spaces, dashes, quotes, ellipsis), U+3000..U+3002
 * (ideographic space, comma, full stop). Letters of other scripts stay. */
static size_t unicode_break(const unsigned char *p, const unsigned char *end)
{
    if (p[0] == 0xC2)
        return end - p >= 2 && p[1] >= 0xA0 && p[1] <= 0xBF ? 2 : 0;
    if (p[0] == 0xE2)
        return end - p >= 3 && (p[1] == 0x80 || p[1] == 0x81) ? 3 : 0;
    return end - p >= 3 && p[1] == 0x80 && p[2] <= 0x82 ? 3 : 0; /* 0xE3 */
}

int ts_decontam_words_add(ts_decontam_words *w, const char *s, size_t n)
{
    /* At most n/2 + 1 words and n + 1 bytes (a space) come from n bytes. */
    if (ts_buf_reserve(&w->norm, n + 1) || room(w, n / 2 + 1))
        return TS_ENOMEM;
    char *base = w->norm.data, *out = base + w->norm.len;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned char c = lower[*p];
        if (c <= 1) {
            size_t b = c ? unicode_break(p, end) : 1;
            if (b) {
                p += b;
                continue;
            }
            c = *p;
        }
        if (out > base)
            *out++ = ' ';
        w->start[w->n] = (size_t)(out - base);
        uint64_t h = 0xcbf29ce484222325ull;
        for (;;) { /* the rest of the word */
            *out++ = (char)c;
            h = (h ^ c) * 0x100000001b3ull; /* FNV-1a */
            if (++p == end)
                break;
            c = lower[*p];
            if (c <= 1) {
                if (!c || unicode_break(p, end))
                    break;
                c = *p;
            }
        }
        w->hash[w->n] = h;
        w->end[w->n++] = (size_t)(out - base);
    }
    w->norm.len = (size_t)(out - base);
    return 0;
}

/* N-gram hash: a polynomial in the word hashes (so the next n-gram's
 * comes from the last one in O(1)), finished by a mixer seeded with k, so
 * a short item's one "document" n-gram cannot collide by length. */
#define BASE 0x100000001b3ull

static inline uint64_t finish(uint64_t h, size_t k)
{
    h ^= (uint64_t)k * 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

uint64_t ts_decontam_ngram_hash(const ts_decontam_words *w, size_t i, size_t k)
{
    uint64_t h = 0;
    for (size_t j = 0; j < k; j++)
        h = h * BASE + w->hash[i + j];
    return finish(h, k);
}

void ts_decontam_roll_init(ts_decontam_roll *r, const ts_decontam_words *w, size_t k)
{
    r->w = w;
    r->k = k;
    r->i = 0;
    r->h = 0;
    r->top = 1; /* BASE^(k-1): removes the word leaving the window */
    for (size_t j = 0; j + 1 < k; j++)
        r->top *= BASE;
    for (size_t j = 0; j < k && j < w->n; j++)
        r->h = r->h * BASE + w->hash[j];
}

bool ts_decontam_roll_next(ts_decontam_roll *r, uint64_t *hash)
{
    const ts_decontam_words *w = r->w;
    if (r->i + r->k > w->n)
        return false;
    if (r->i)
        r->h = (r->h - w->hash[r->i - 1] * r->top) * BASE + w->hash[r->i + r->k - 1];
    *hash = finish(r->h, r->k);
    r->i++;
    return true;
}
