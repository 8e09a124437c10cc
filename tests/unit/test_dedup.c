/* Dedup: normalization, MinHash accuracy, LSH recall/precision on a
 * planted-duplicate corpus, exact cases and keep policies. */
#include <math.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/curate_dedup.h"
#include "tuneset/error.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Adds one record given as JSON text; returns the verdict kind. */
static int add_json(ts_dedup *d, const char *text, ts_dedup_verdict *v)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec;
    int rc = ts_json_parse(text, strlen(text), &a, NULL, &rec, NULL);
    if (!rc)
        rc = ts_dedup_add(d, rec, v);
    ts_arena_release(&a);
    return rc ? rc : (int)v->kind;
}

static int norm_of(const char *json, ts_dedup_fields f, char *out, size_t cap, size_t *nwords)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec;
    ts_dedup_text t;
    ts_dedup_text_init(&t);
    int rc = ts_json_parse(json, strlen(json), &a, NULL, &rec, NULL);
    if (!rc)
        rc = ts_dedup_text_of(&t, rec, f);
    size_t n = t.norm.len < cap - 1 ? t.norm.len : cap - 1;
    memcpy(out, t.norm.data, n);
    out[n] = 0;
    *nwords = t.nwords;
    ts_dedup_text_release(&t);
    ts_arena_release(&a);
    return rc;
}

#define SFT2(u, a) "{\"messages\":[{\"role\":\"user\",\"content\":\"" u "\"},{\"role\":\"assistant\",\"content\":\"" a "\"}]"

TEST(dedup_normalize_fields)
{
    char s[256];
    size_t nw;
    CHECK_INT(norm_of("{\"text\":\"  Hello\\t\\tWORLD \\n ok  \"}", TS_DEDUP_FIELDS_ALL, s, sizeof s, &nw), 0);
    CHECK_STR(s, "hello world ok");
    CHECK_INT(nw, 3);
    CHECK_INT(norm_of(SFT2(" Hi  there", "Yes. ") ",\"id\":\"x/0\"}", TS_DEDUP_FIELDS_ALL, s, sizeof s, &nw), 0);
    CHECK_STR(s, "hi there\x1eyes.");
    CHECK_INT(nw, 3);
    const char *multi = "{\"messages\":[{\"role\":\"system\",\"content\":\"Sys\"},{\"role\":\"user\",\"content\":\"Q1\"},"
                        "{\"role\":\"assistant\",\"content\":\"A1\"},{\"role\":\"user\",\"content\":\"Q2\"},"
                        "{\"role\":\"assistant\",\"content\":\"A2\"}]}";
    CHECK_INT(norm_of(multi, TS_DEDUP_FIELDS_FIRST_USER, s, sizeof s, &nw), 0);
    CHECK_STR(s, "q1");
    CHECK_INT(norm_of(multi, TS_DEDUP_FIELDS_PROMPT, s, sizeof s, &nw), 0);
    CHECK_STR(s, "sys\x1eq1\x1e" "a1\x1eq2");
    const char *pref = "{\"prompt\":[{\"role\":\"user\",\"content\":\"P\"}],\"chosen\":[{\"role\":\"assistant\","
                       "\"content\":\"C\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"R\"}]}";
    CHECK_INT(norm_of(pref, TS_DEDUP_FIELDS_ALL, s, sizeof s, &nw), 0);
    CHECK_STR(s, "p\x1e" "c\x1er");
    CHECK_INT(norm_of(pref, TS_DEDUP_FIELDS_PROMPT, s, sizeof s, &nw), 0);
    CHECK_STR(s, "p");
}

/* The exact-only fast path (eight bytes at a time) must give the same key
 * text as the word-hashing path on every kind of byte mix. */
static int keys_only_matches(const char *alphabet)
{
    size_t alen = strlen(alphabet);
    uint64_t s = 5;
    char in[300 + 32]; /* + the room the slack path may read */
    int bad = 0;
    ts_dedup_text full, fast, wide;
    ts_dedup_text_init(&full);
    ts_dedup_text_init(&fast);
    ts_dedup_text_init(&wide);
    fast.keys_only = wide.keys_only = true;
    wide.slack = true; /* short segments through the 32-byte path too */
    for (int round = 0; round < 3000; round++) {
        full.norm.len = full.nwords = fast.norm.len = wide.norm.len = 0;
        for (int seg = 0; seg < 1 + round % 3; seg++) {
            size_t n = rng_next(&s) % 300;
            for (size_t i = 0; i < sizeof in; i++) /* past n: what the slack path must ignore */
                in[i] = alphabet[rng_next(&s) % alen];
            bad |= ts_dedup_text_add(&full, in, n) || ts_dedup_text_add(&fast, in, n) ||
                   ts_dedup_text_add(&wide, in, n);
        }
        bad |= fast.norm.len != full.norm.len || memcmp(fast.norm.data, full.norm.data, full.norm.len);
        bad |= wide.norm.len != full.norm.len || memcmp(wide.norm.data, full.norm.data, full.norm.len);
    }
    ts_dedup_text_release(&full);
    ts_dedup_text_release(&fast);
    ts_dedup_text_release(&wide);
    return !bad;
}

TEST(dedup_keys_only_matches_full_path)
{
    CHECK(keys_only_matches("aZ \t\n  \r\vQz09.\x01\x7f\xc3\xa9\xc3\x89XY"));
    /* Mostly letters and single spaces: the 8- and 16-byte block paths of
     * the keys-only normalizer run too. */
    CHECK(keys_only_matches("abcdefghijklmnopqrstuvwxyzABCDEFGHIJK @\xc3\xa9 "));
    /* Prose-like: long words, single blanks of every kind, a few pairs. */
    CHECK(keys_only_matches("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n\t\r\v\f.,"));
}

/* Random pairs of shingle sets with a known Jaccard similarity: the
 * 128-permutation estimate has standard error sqrt(J(1-J)/128) <= 0.044.
 * Stated tolerance: every pair within 0.15, 95% within 0.1, mean error
 * under 0.035. */
TEST(dedup_minhash_tracks_jaccard)
{
    ts_minhash m;
    CHECK_INT(ts_minhash_init(&m, 128, 7), 0);
    uint64_t s = 42, *a = malloc(600 * sizeof *a), *b = malloc(600 * sizeof *b);
    uint32_t sa[128], sb[128];
    int pairs = 300, within = 0;
    double sum = 0, worst = 0;
    for (int p = 0; p < pairs; p++) {
        size_t shared = 10 + rng_next(&s) % 200, only_a = rng_next(&s) % 150, only_b = rng_next(&s) % 150;
        size_t na = 0, nb = 0;
        for (size_t i = 0; i < shared; i++) {
            uint64_t h = rng_next(&s);
            a[na++] = h, b[nb++] = h;
        }
        for (size_t i = 0; i < only_a; i++)
            a[na++] = rng_next(&s);
        for (size_t i = 0; i < only_b; i++)
            b[nb++] = rng_next(&s);
        double j = (double)shared / (double)(shared + only_a + only_b);
        ts_minhash_sign(&m, a, na, sa);
        ts_minhash_sign(&m, b, nb, sb);
        double err = fabs(ts_minhash_similarity(sa, sb, 128) - j);
        sum += err;
        worst = err > worst ? err : worst;
        within += err < 0.1;
    }
    free(a);
    free(b);
    ts_minhash_release(&m);
    printf("dedup minhash: %d pairs, mean |est-J| %.4f, max %.4f, %d within 0.1\n", pairs, sum / pairs, worst,
           within);
    CHECK(worst < 0.15);
    CHECK(within >= pairs * 95 / 100);
    CHECK(sum / pairs < 0.035);
}

TEST(dedup_lsh_params)
{
    uint32_t b, r;
    ts_minhash_lsh_params(128, 0.8, &b, &r);
    CHECK_INT(b * r, 128);
    /* The S-curve must catch pairs at the threshold most of the time. */
    CHECK(1.0 - pow(1.0 - pow(0.8, r), b) > 0.9);
    CHECK(1.0 - pow(1.0 - pow(0.3, r), b) < 0.01);
    ts_dedup_opts o;
    ts_dedup_opts_default(&o);
    ts_dedup *d;
    o.bands = 10, o.rows = 10;
    CHECK_INT(ts_dedup_new(&d, &o), TS_EINVAL);
    o.bands = 32, o.rows = 4;
    CHECK_INT(ts_dedup_new(&d, &o), 0);
    ts_dedup_bands(d, &b, &r);
    CHECK_INT(b, 32);
    ts_dedup_free(d);
}

TEST(dedup_exact_cases)
{
    ts_dedup_opts o;
    ts_dedup_opts_default(&o);
    o.exact_only = true; /* near dedup ignores turn boundaries; exact does not */
    ts_dedup *d;
    CHECK_INT(ts_dedup_new(&d, &o), 0);
    ts_dedup_verdict v;
    CHECK_INT(add_json(d, SFT2("Hello  World", "Fine.") ",\"id\":\"a\"}", &v), TS_DEDUP_KEPT);
    CHECK_INT(add_json(d, SFT2("hello world ", " FINE.") ",\"id\":\"b\"}", &v), TS_DEDUP_EXACT);
    CHECK_INT(v.match, 0);
    CHECK(v.similarity == 1.0);
    /* Same words, split differently between turns: not the same record. */
    CHECK_INT(add_json(d, SFT2("hello", "world fine.") "}", &v), TS_DEDUP_KEPT);
    CHECK_INT(add_json(d, SFT2("hello world", "fine.") "}", &v), TS_DEDUP_EXACT);
    CHECK_INT(add_json(d, SFT2("hello world", "fine!") "}", &v), TS_DEDUP_KEPT);
    CHECK_INT(add_json(d, "{\"text\":\"\"}", &v), TS_DEDUP_KEPT);
    CHECK_INT(add_json(d, "{\"text\":\"  \"}", &v), TS_DEDUP_EXACT);
    CHECK_INT(v.match, 5);
    size_t n;
    const char *id = ts_dedup_id(d, 1, &n);
    CHECK(id && n == 1 && id[0] == 'b');
    CHECK(ts_dedup_id(d, 2, &n) == NULL);
    ts_dedup_free(d);

    /* --fields first-user: same question, different answers. */
    o.fields = TS_DEDUP_FIELDS_FIRST_USER;
    o.exact_only = false;
    CHECK_INT(ts_dedup_new(&d, &o), 0);
    CHECK_INT(add_json(d, SFT2("What is 2+2?", "4") "}", &v), TS_DEDUP_KEPT);
    CHECK_INT(add_json(d, SFT2("what is  2+2?", "Four") "}", &v), TS_DEDUP_EXACT);
    ts_dedup_free(d);
}

/* n words from a vocabulary of size vocab, separated by spaces. */
static void random_words(uint64_t *s, char *out, size_t n, uint32_t vocab)
{
    char *p = out;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%sw%u", i ? " " : "", (unsigned)(rng_next(s) % vocab));
}

/* Replaces k random words of text (in place into out). */
static void mutate(uint64_t *s, const char *text, char *out, size_t k, uint32_t vocab)
{
    size_t nw = 1;
    for (const char *p = text; *p; p++)
        nw += *p == ' ';
    char *swap = calloc(nw, 1);
    for (size_t i = 0; i < k; i++)
        swap[rng_next(s) % nw] = 1;
    char *o = out;
    size_t w = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (swap[w])
            o += sprintf(o, "%sx%u", w ? " " : "", (unsigned)(rng_next(s) % vocab));
        else
            o += sprintf(o, "%s%.*s", w ? " " : "", (int)len, p);
        w++;
        p += len + (e != NULL);
    }
    *o = 0;
    free(swap);
}

static int add_plain(ts_dedup *d, const char *s, double score, ts_dedup_verdict *v)
{
    ts_dedup_text t;
    ts_dedup_text_init(&t);
    int rc = ts_dedup_text_add(&t, s, strlen(s));
    if (!rc)
        rc = ts_dedup_add_text(d, &t, score, NULL, 0, v);
    ts_dedup_text_release(&t);
    return rc;
}

TEST(dedup_keep_policies)
{
    uint64_t s = 9;
    char base[4096], longer[4200], other[4096];
    random_words(&s, base, 120, 50000);
    snprintf(longer, sizeof longer, "%s extra tail", base); /* J about 0.98 */
    random_words(&s, other, 120, 50000);
    ts_dedup_keep keeps[] = {TS_DEDUP_KEEP_FIRST, TS_DEDUP_KEEP_LONGEST, TS_DEDUP_KEEP_SCORE};
    for (int k = 0; k < 3; k++) {
        ts_dedup_opts o;
        ts_dedup_opts_default(&o);
        o.keep = keeps[k];
        ts_dedup *d;
        CHECK_INT(ts_dedup_new(&d, &o), 0);
        ts_dedup_verdict v;
        CHECK_INT(add_plain(d, base, 1.0, &v), 0);
        CHECK_INT(add_plain(d, other, 5.0, &v), 0);
        CHECK_INT(add_plain(d, longer, 2.0, &v), 0);
        CHECK_INT(add_plain(d, base, 3.0, &v), 0); /* exact copy of record 0, best score */
        CHECK_INT(ts_dedup_resolve(d), 0);
        ts_dedup_verdict v0, v1, v2, v3;
        ts_dedup_verdict_of(d, 0, &v0);
        ts_dedup_verdict_of(d, 1, &v1);
        ts_dedup_verdict_of(d, 2, &v2);
        ts_dedup_verdict_of(d, 3, &v3);
        CHECK_INT(v1.kind, TS_DEDUP_KEPT);
        if (keeps[k] == TS_DEDUP_KEEP_FIRST) {
            CHECK_INT(v0.kind, TS_DEDUP_KEPT);
            CHECK_INT(v2.kind, TS_DEDUP_NEAR);
            CHECK_INT(v2.match, 0);
            CHECK(v2.similarity >= 0.8 && v2.similarity < 1.0);
            CHECK_INT(v3.kind, TS_DEDUP_EXACT);
            CHECK_INT(v3.match, 0);
        } else if (keeps[k] == TS_DEDUP_KEEP_LONGEST) {
            CHECK_INT(v2.kind, TS_DEDUP_KEPT);
            CHECK_INT(v0.kind, TS_DEDUP_NEAR);
            CHECK_INT(v0.match, 2);
            CHECK_INT(v3.kind, TS_DEDUP_NEAR); /* its exact twin was removed first */
            CHECK_INT(v3.match, 2);
        } else {
            CHECK_INT(v3.kind, TS_DEDUP_KEPT);
            CHECK_INT(v0.kind, TS_DEDUP_EXACT);
            CHECK_INT(v0.match, 3);
            CHECK_INT(v2.kind, TS_DEDUP_NEAR);
            CHECK_INT(v2.match, 3);
        }
        ts_dedup_free(d);
    }
    /* --exact-only leaves the near copy. */
    ts_dedup_opts o;
    ts_dedup_opts_default(&o);
    o.exact_only = true;
    ts_dedup *d;
    CHECK_INT(ts_dedup_new(&d, &o), 0);
    ts_dedup_verdict v;
    CHECK_INT(add_plain(d, base, 0, &v), 0);
    CHECK_INT(add_plain(d, longer, 0, &v), 0);
    CHECK_INT(v.kind, TS_DEDUP_KEPT);
    CHECK_INT(add_plain(d, base, 0, &v), 0);
    CHECK_INT(v.kind, TS_DEDUP_EXACT);
    ts_dedup_free(d);
}

/* Exact Jaccard of two texts' 5-word shingle sets. */
static double exact_jaccard(const char *x, const char *y)
{
    ts_dedup_text t;
    ts_dedup_text_init(&t);
    uint64_t *sh[2];
    size_t n[2];
    const char *src[2] = {x, y};
    for (int k = 0; k < 2; k++) {
        t.norm.len = t.nwords = 0;
        ts_dedup_text_add(&t, src[k], strlen(src[k]));
        sh[k] = malloc((t.nwords + 1) * sizeof(uint64_t));
        n[k] = ts_minhash_shingles(t.words, t.nwords, 5, sh[k]);
        for (size_t i = 1; i < n[k]; i++) /* insertion sort, then unique */
            for (size_t j = i; j > 0 && sh[k][j - 1] > sh[k][j]; j--) {
                uint64_t tmp = sh[k][j];
                sh[k][j] = sh[k][j - 1], sh[k][j - 1] = tmp;
            }
        size_t u = 0;
        for (size_t i = 0; i < n[k]; i++)
            if (!u || sh[k][u - 1] != sh[k][i])
                sh[k][u++] = sh[k][i];
        n[k] = u;
    }
    size_t i = 0, j = 0, inter = 0;
    while (i < n[0] && j < n[1]) {
        if (sh[0][i] == sh[1][j])
            inter++, i++, j++;
        else if (sh[0][i] < sh[1][j])
            i++;
        else
            j++;
    }
    double r = (double)inter / (double)(n[0] + n[1] - inter);
    free(sh[0]);
    free(sh[1]);
    ts_dedup_text_release(&t);
    return r;
}

/* 400 random originals of 150 words, then 100 near copies (1-2 words
 * replaced: J about 0.87-0.94 over 5-word shingles) and 50 hard negatives
 * (12 words replaced: J about 0.45). Measured at the defaults (seed 0):
 * recall 1.00, precision 1.00; required: >= 0.95 each. */
TEST(dedup_planted_corpus_recall_precision)
{
    enum { ORIG = 400, NEAR = 100, HARD = 50, TOTAL = ORIG + NEAR + HARD, WORDS = 150 };
    const uint32_t vocab = 20000;
    char **text = calloc(TOTAL, sizeof *text);
    int *src = calloc(TOTAL, sizeof *src);
    uint64_t s = 2024;
    for (int i = 0; i < TOTAL; i++) {
        text[i] = malloc(WORDS * 8 + 16);
        src[i] = -1;
        if (i < ORIG) {
            random_words(&s, text[i], WORDS, vocab);
            continue;
        }
        src[i] = (int)(rng_next(&s) % ORIG);
        mutate(&s, text[src[i]], text[i], i < ORIG + NEAR ? 1 + rng_next(&s) % 2 : 12, vocab);
    }
    ts_dedup_opts o;
    ts_dedup_opts_default(&o);
    ts_dedup *d;
    CHECK_INT(ts_dedup_new(&d, &o), 0);
    int found = 0, removed = 0, correct = 0, true_pairs = 0;
    for (int i = 0; i < TOTAL; i++) {
        ts_dedup_verdict v;
        CHECK_INT(add_plain(d, text[i], 0, &v), 0);
        if (i >= ORIG && i < ORIG + NEAR && exact_jaccard(text[i], text[src[i]]) >= 0.8)
            true_pairs++;
        if (v.kind == TS_DEDUP_KEPT)
            continue;
        removed++;
        bool ok = exact_jaccard(text[i], text[v.match]) >= 0.8;
        correct += ok;
        found += ok && i >= ORIG && i < ORIG + NEAR && (int)v.match == src[i];
    }
    ts_dedup_free(d);
    for (int i = 0; i < TOTAL; i++)
        free(text[i]);
    free(text);
    free(src);
    double recall = (double)found / true_pairs, precision = removed ? (double)correct / removed : 0;
    printf("dedup planted corpus: %d true pairs, recall %.3f, precision %.3f\n", true_pairs, recall,
           precision);
    CHECK(true_pairs >= 95); /* the planted copies really are above 0.8 */
    CHECK(recall >= 0.95);
    CHECK(precision >= 0.95);
}
