/* MinHash signatures. Each shingle is hashed once to 64 bits; the
 * permutations are then multiply-add-shift hashes of that value (high 32
 * bits of a*h + b with a odd), a 2-universal family that costs one
 * multiply per permutation, so signing a record is one tight loop. */
#include <math.h>
#include <stdlib.h>

#include "tuneset/curate_dedup.h"
#include "tuneset/error.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t fmix(uint64_t z)
{
    z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdull;
    z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ull;
    return z ^ (z >> 33);
}

int ts_minhash_init(ts_minhash *m, uint32_t perms, uint64_t seed)
{
    m->perms = perms;
    m->a = malloc((size_t)perms * sizeof *m->a);
    m->b = malloc((size_t)perms * sizeof *m->b);
    if (!m->a || !m->b) {
        ts_minhash_release(m);
        return TS_ENOMEM;
    }
    uint64_t s = seed ^ 0x6d696e68617368ull; /* "minhash": seed 0 is not all zeros */
    for (uint32_t i = 0; i < perms; i++) {
        m->a[i] = splitmix(&s) | 1;
        m->b[i] = splitmix(&s);
    }
    return 0;
}

void ts_minhash_release(ts_minhash *m)
{
    free(m->a);
    free(m->b);
    m->a = m->b = NULL;
    m->perms = 0;
}

void ts_minhash_sign(const ts_minhash *m, const uint64_t *sh, size_t n, uint32_t *sig)
{
    const uint32_t P = m->perms;
    const uint64_t *restrict a = m->a, *restrict b = m->b;
    for (uint32_t i = 0; i < P; i++)
        sig[i] = UINT32_MAX;
    for (size_t k = 0; k < n; k++) {
        const uint64_t h = sh[k];
        for (uint32_t i = 0; i < P; i++) {
            uint32_t v = (uint32_t)((a[i] * h + b[i]) >> 32);
            sig[i] = v < sig[i] ? v : sig[i];
        }
    }
}

double ts_minhash_similarity(const uint32_t *a, const uint32_t *b, uint32_t perms)
{
    uint32_t eq = 0;
    for (uint32_t i = 0; i < perms; i++)
        eq += a[i] == b[i];
    return perms ? (double)eq / perms : 0.0;
}

size_t ts_minhash_shingles(const uint64_t *w, size_t nw, uint32_t n, uint64_t *out)
{
    if (nw == 0 || n == 0)
        return 0;
    size_t len = nw < n ? nw : n;
    size_t count = nw - len + 1;
    for (size_t i = 0; i < count; i++) {
        /* Order matters ("a b" != "b a"): rotate-multiply between words. */
        uint64_t h = 0x243f6a8885a308d3ull;
        for (size_t j = 0; j < len; j++)
            h = ((h << 23 | h >> 41) ^ w[i + j]) * 0x9fb21c651e98df25ull;
        out[i] = fmix(h);
    }
    return count;
}

/* P(candidate | similarity s) = 1 - (1 - s^r)^b. Candidates are verified
 * by their estimate, so a spurious candidate costs only time while a missed
 * one costs recall: take the most rows per band (fewest spurious
 * candidates) that still makes a pair at exactly the threshold a candidate
 * with probability >= 0.9 (128 perms: 0.8 -> 16 x 8, 0.5 -> 64 x 2). */
void ts_minhash_lsh_params(uint32_t perms, double t, uint32_t *bands, uint32_t *rows)
{
    *bands = perms ? perms : 1;
    *rows = 1;
    for (uint32_t r = 1; r <= perms; r++) {
        if (perms % r)
            continue;
        uint32_t b = perms / r;
        if (1.0 - pow(1.0 - pow(t, r), b) >= 0.9) {
            *bands = b;
            *rows = r;
        }
    }
}
