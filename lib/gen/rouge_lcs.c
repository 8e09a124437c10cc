/* ROUGE-L's two halves that need no state: the tokenizer (rouge_score's
 * default, letters of every script kept) and the bit-parallel LCS of
 * Hyyro over token ids:
 *     V' = (V + (V & M[b])) | (V & ~M[b])
 * one step per token of the other text; tokens the query lacks are skipped
 * since they leave V unchanged. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "rouge_int.h"

enum { MAX_TOKEN = 256 }; /* longer "words" are cut: they would never match anyway */

size_t rouge_tokenize(const char *s, size_t n, tok_fn fn, void *ctx)
{
    char tok[MAX_TOKEN + 4];
    size_t tl = 0, count = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i <= n) {
        bool word = false;
        size_t step = 1;
        char enc[4];
        size_t enclen = 0;
        if (i < n) {
            unsigned c = p[i];
            if (c < 0x80) {
                if (c >= 'A' && c <= 'Z')
                    c += 32;
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                    word = true;
                    enc[0] = (char)c;
                    enclen = 1;
                }
            } else {
                utf8proc_int32_t cp;
                utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
                if (k > 0) {
                    step = (size_t)k;
                    utf8proc_category_t cat = utf8proc_category(cp);
                    if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                        (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
                        (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)) {
                        word = true;
                        enclen = (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)enc);
                    }
                }
            }
        }
        if (word) {
            if (tl + enclen <= MAX_TOKEN) {
                memcpy(tok + tl, enc, enclen);
                tl += enclen;
            }
        } else if (tl) {
            if (fn)
                fn(ctx, tok, tl);
            count++;
            tl = 0;
        }
        i += step;
    }
    return count;
}

size_t ts_rouge_ntokens(const char *s, size_t n) { return rouge_tokenize(s, n, NULL, NULL); }

/* --- the bit-parallel LCS ---------------------------------------------- */

static inline unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* LCS of the query and the stored tokens b[0..n): tokens the query lacks
 * are skipped (they leave V unchanged). v is scratch of `words` words. */
size_t lcs_ids(const lcs_q *q, const uint32_t *b, size_t n, uint64_t *v)
{
    const uint64_t *masks = q->masks;
    size_t words = q->words, m = q->m;
    if (words == 1) {
        uint64_t V = ~0ull;
        for (size_t j = 0; j < n; j++) {
            uint32_t id = b[j];
            if (!(q->member[id >> 6] >> (id & 63) & 1))
                continue;
            uint64_t U = V & masks[q->slot_of[id]];
            V = (V + U) | (V - U);
        }
        uint64_t low = m == 64 ? ~0ull : ((1ull << m) - 1);
        return m - popcount64(V & low);
    }
    for (size_t w = 0; w < words; w++)
        v[w] = ~0ull;
    for (size_t j = 0; j < n; j++) {
        uint32_t id = b[j];
        if (!(q->member[id >> 6] >> (id & 63) & 1))
            continue;
        const uint64_t *M = masks + (size_t)q->slot_of[id] * words;
        unsigned carry = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t V = v[w], U = V & M[w];
            uint64_t sum = V + U;
            unsigned c1 = sum < V;
            uint64_t sum2 = sum + carry;
            unsigned c2 = sum2 < sum;
            carry = c1 | c2;
            v[w] = sum2 | (V - U);
        }
    }
    size_t ones = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = v[w];
        if (w == words - 1 && m % 64)
            x &= (1ull << (m % 64)) - 1;
        ones += popcount64(x);
    }
    return m - ones;
}

size_t ts_lcs_bits(const uint32_t *a, size_t m, const uint32_t *b, size_t n)
{
    if (!m || !n)
        return 0;
    size_t words = (m + 63) / 64;
    /* a's distinct tokens become ids 0..nd-1 (a linear scan: fine for a
     * test and benchmark helper); b's other tokens become nd, which is not
     * a member. */
    uint32_t *distinct = malloc(m * sizeof *distinct), *bb = malloc(n * sizeof *bb);
    uint64_t *masks = calloc(m * words, sizeof *masks), *v = malloc(words * sizeof *v);
    uint64_t *member = calloc(m / 64 + 1, sizeof *member);
    int32_t *slot_of = malloc((m + 1) * sizeof *slot_of);
    size_t nd = 0, r = 0;
    if (!distinct || !bb || !masks || !v || !member || !slot_of)
        goto out;
    for (size_t i = 0; i < m; i++) {
        size_t d = 0;
        while (d < nd && distinct[d] != a[i])
            d++;
        if (d == nd) {
            distinct[nd] = a[i];
            slot_of[nd] = (int32_t)nd;
            member[nd / 64] |= 1ull << (nd % 64);
            nd++;
        }
        masks[d * words + i / 64] |= 1ull << (i % 64);
    }
    for (size_t j = 0; j < n; j++) {
        size_t d = 0;
        while (d < nd && distinct[d] != b[j])
            d++;
        bb[j] = (uint32_t)d;
    }
    lcs_q q = {masks, words, m, member, slot_of};
    r = lcs_ids(&q, bb, n, v);
out:
    free(distinct);
    free(bb);
    free(masks);
    free(v);
    free(member);
    free(slot_of);
    return r;
}
