/* ROUGE-L: tokenization as rouge_score's default, the bit-parallel LCS
 * checked against the textbook DP on random inputs, and the stored set. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/gen.h"

static size_t lcs_dp(const uint32_t *a, size_t m, const uint32_t *b, size_t n)
{
    size_t *row = calloc(n + 1, sizeof *row);
    for (size_t i = 1; i <= m; i++) {
        size_t diag = 0;
        for (size_t j = 1; j <= n; j++) {
            size_t up = row[j];
            row[j] = a[i - 1] == b[j - 1] ? diag + 1 : (row[j] > row[j - 1] ? row[j] : row[j - 1]);
            diag = up;
        }
    }
    size_t r = row[n];
    free(row);
    return r;
}

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

TEST(gen_lcs_bits_matches_dp)
{
    uint64_t s = 7;
    uint32_t a[300], b[300];
    for (int round = 0; round < 3000; round++) {
        size_t m = rnd(&s) % (round < 1500 ? 70 : 300), n = rnd(&s) % 300;
        uint32_t alpha = 1 + (uint32_t)(rnd(&s) % 12); /* small alphabets: long LCSs */
        for (size_t i = 0; i < m; i++)
            a[i] = (uint32_t)(rnd(&s) % alpha);
        for (size_t j = 0; j < n; j++)
            b[j] = (uint32_t)(rnd(&s) % alpha);
        size_t want = lcs_dp(a, m, b, n), got = ts_lcs_bits(a, m, b, n);
        if (want != got) {
            test_fail(__FILE__, __LINE__, "round %d m=%zu n=%zu: bits %zu, dp %zu", round, m, n, got, want);
            return;
        }
    }
}

TEST(gen_rouge_tokens)
{
    CHECK_INT(ts_rouge_ntokens("Hello, World! It's 42x.", 23), 5); /* hello world it s 42x */
    CHECK_INT(ts_rouge_ntokens("", 0), 0);
    CHECK_INT(ts_rouge_ntokens("---", 3), 0);
    const char *ko = "다음 문장을 영어로 번역하세요.";
    CHECK_INT(ts_rouge_ntokens(ko, strlen(ko)), 4);
    const char *fr = "Écrivez un résumé";
    CHECK_INT(ts_rouge_ntokens(fr, strlen(fr)), 3);
}

TEST(gen_rouge_known_values)
{
    const char *a = "The cat sat on the mat.", *b = "the cat is on the mat";
    /* LCS "the cat on the mat" = 5 of 6 and 6 tokens: F = 10/12. */
    CHECK(fabs(ts_rouge_l(a, strlen(a), b, strlen(b)) - 10.0 / 12.0) < 1e-12);
    CHECK(fabs(ts_rouge_l(a, strlen(a), a, strlen(a)) - 1.0) < 1e-12);
    CHECK(ts_rouge_l(a, strlen(a), "", 0) == 0);
    CHECK(ts_rouge_l("dog", 3, "cat", 3) == 0);
    /* Case and punctuation do not matter. */
    CHECK(fabs(ts_rouge_l("WRITE a POEM!", 13, "write a poem", 12) - 1.0) < 1e-12);
    const char *k1 = "다음 문장을 영어로 번역하세요", *k2 = "다음 문장을 한국어로 번역하세요";
    CHECK(fabs(ts_rouge_l(k1, strlen(k1), k2, strlen(k2)) - 0.75) < 1e-12);
}

/* The set: top-k, max, ties, and long texts (several 64-bit words). */
TEST(gen_rouge_set_query)
{
    ts_rouge *r = ts_rouge_new();
    CHECK(r);
    const char *texts[] = {"give three tips for staying healthy", "what is the capital of france",
                           "give three tips for staying healthy", "name three primary colors"};
    for (int i = 0; i < 4; i++)
        CHECK_INT(ts_rouge_add(r, texts[i], strlen(texts[i])), 0);
    CHECK_INT(ts_rouge_count(r), 4);
    ts_rouge_hit top[3];
    size_t nt;
    double max;
    const char *q = "Give three tips for staying happy";
    CHECK_INT(ts_rouge_query(r, q, strlen(q), top, 3, &nt, &max), 0);
    CHECK_INT(nt, 3);
    CHECK(fabs(max - 10.0 / 12.0) < 1e-12);
    CHECK_INT(top[0].index, 0); /* tie with 2: the earlier first */
    CHECK_INT(top[1].index, 2);
    CHECK_INT(top[2].index, 3); /* "three" */
    CHECK(fabs(top[2].f - 2.0 / 10.0) < 1e-12);
    size_t len;
    CHECK_STR(ts_rouge_text(r, 1, &len), "what is the capital of france");
    ts_rouge_free(r);
}

/* Random word texts against a stored set, scored both ways. */
TEST(gen_rouge_set_matches_pairwise_dp)
{
    static const char *words[] = {"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"};
    uint64_t s = 99;
    ts_rouge *r = ts_rouge_new();
    char buf[40][2000];
    uint32_t ids[40][200];
    size_t lens[40];
    for (int t = 0; t < 40; t++) {
        size_t nw = 1 + rnd(&s) % 150, o = 0;
        for (size_t w = 0; w < nw; w++) {
            ids[t][w] = (uint32_t)(rnd(&s) % 8);
            o += (size_t)snprintf(buf[t] + o, sizeof buf[t] - o, "%s%s", w ? " " : "", words[ids[t][w]]);
        }
        lens[t] = nw;
        if (t < 30)
            CHECK_INT(ts_rouge_add(r, buf[t], o), 0);
    }
    for (int q = 30; q < 40; q++) {
        ts_rouge_hit top[30];
        size_t nt;
        double max;
        CHECK_INT(ts_rouge_query(r, buf[q], strlen(buf[q]), top, 30, &nt, &max), 0);
        CHECK_INT(nt, 30);
        double want_max = 0;
        for (size_t i = 0; i < nt; i++) {
            size_t t = top[i].index;
            double want = 2.0 * (double)lcs_dp(ids[q], lens[q], ids[t], lens[t]) / (double)(lens[q] + lens[t]);
            CHECK(fabs(top[i].f - want) < 1e-12);
            if (i)
                CHECK(top[i - 1].f >= top[i].f);
            if (want > want_max)
                want_max = want;
        }
        CHECK(fabs(max - want_max) < 1e-12);
    }
    ts_rouge_free(r);
}
