/* Decontamination: normalization, n-gram matches with known answers
 * (exact copy, 13 shared words, 12 not), short benchmark items, fields,
 * record shapes and the report's fields. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/curate_decontam.h"
#include "tuneset/error.h"

static char words_buf[512];

/* The normalized text of s (into words_buf); returns the word count. */
static size_t norm(const char *s)
{
    ts_decontam_words w;
    ts_decontam_words_init(&w);
    if (ts_decontam_words_add(&w, s, strlen(s)))
        return (size_t)-1;
    size_t n = w.norm.len < sizeof words_buf - 1 ? w.norm.len : sizeof words_buf - 1;
    memcpy(words_buf, w.norm.data, n);
    words_buf[n] = 0;
    size_t count = w.n;
    /* start/end delimit each word in norm */
    for (size_t i = 0; i < w.n; i++)
        if (w.end[i] <= w.start[i] || (i && w.start[i] != w.end[i - 1] + 1))
            count = (size_t)-2;
    ts_decontam_words_release(&w);
    return count;
}

TEST(decontam_normalize)
{
    CHECK_INT(norm("  Hello,  WORLD!!  it's\t\"fine\"?"), 5);
    CHECK_STR(words_buf, "hello world it s fine");
    /* curly quotes, em dash, no-break space and ellipsis break words too */
    CHECK_INT(norm("\xE2\x80\x9C" "Caf\xC3\xA9" "\xE2\x80\x94" "au\xC2\xA0lait\xE2\x80\xA6" "\xE2\x80\x9D"), 3);
    CHECK_STR(words_buf, "caf\xC3\xA9 au lait");
    CHECK_INT(norm("...---"), 0);
    CHECK_STR(words_buf, "");
    CHECK_INT(norm("x2 Y3"), 2);
    CHECK_STR(words_buf, "x2 y3");
}

static ts_decontam *make(uint32_t ngram, ts_decontam_check check, const char *const *fields, size_t nf,
                         const char *const *rows, size_t nrows)
{
    ts_decontam_opts o;
    ts_decontam_opts_default(&o);
    o.ngram = ngram;
    o.check = check;
    o.bench_fields = fields;
    o.nbench_fields = nf;
    ts_decontam *d;
    if (ts_decontam_new(&d, &o))
        return NULL;
    ts_arena a;
    ts_arena_init(&a);
    for (size_t i = 0; i < nrows; i++) {
        ts_json *row;
        if (ts_json_parse(rows[i], strlen(rows[i]), &a, NULL, &row, NULL) ||
            ts_decontam_add_item(d, row, "bench.jsonl", i + 1)) {
            ts_decontam_free(d);
            d = NULL;
            break;
        }
    }
    ts_arena_release(&a);
    return d;
}

/* Checks one record given as JSON; returns 1/0 like check_record. */
static int check_json(ts_decontam *d, const char *json, ts_decontam_match *m)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec;
    int rc = ts_json_parse(json, strlen(json), &a, NULL, &rec, NULL);
    if (!rc)
        rc = ts_decontam_check_record(d, rec, m);
    ts_arena_release(&a);
    return rc;
}

/* 20 numbered words: w01 ... w20 */
#define Q20 "w01 w02 w03 w04 w05 w06 w07 w08 w09 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20"
static const char *const bench[] = {
    "{\"id\":\"b-1\",\"question\":\"" Q20 "\",\"answer\":\"zz\"}",
    "{\"question\":\"Capital of Freedonia?\",\"answer\":\"Fredville\",\"task_id\":12}",
};

static int check_str(ts_decontam *d, const char *s, ts_decontam_match *m)
{
    return ts_decontam_check_text(d, s, strlen(s), "text", m);
}

TEST(decontam_known_answers)
{
    ts_decontam *d = make(13, TS_DECONTAM_CHECK_ALL, NULL, 0, bench, 2);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(ts_decontam_item_count(d), 2);
    /* item 1: 21 words (id not text) -> 9 n-grams; item 2: 4 words -> 1 */
    CHECK_INT(ts_decontam_ngram_count(d), 10);
    ts_decontam_match m;
    /* exact copy */
    CHECK_INT(check_str(d, Q20, &m), 1);
    CHECK_STR(m.file, "bench.jsonl");
    CHECK_INT(m.line, 1);
    CHECK(m.bench_id && m.bench_id_len == 5 && !memcmp(m.bench_id, "\"b-1\"", 5));
    CHECK(m.ngram_len == strlen("w01 w02 w03 w04 w05 w06 w07 w08 w09 w10 w11 w12 w13") &&
          !memcmp(m.ngram, "w01 w02 w03 w04 w05 w06 w07 w08 w09 w10 w11 w12 w13", m.ngram_len));
    /* 13 shared words inside other text */
    CHECK_INT(check_str(d, "intro a b c w05 w06 w07 w08 w09 w10 w11 w12 w13 w14 w15 w16 w17 outro", &m), 1);
    CHECK(!memcmp(m.ngram, "w05 ", 4) && m.ngram_len == 13 * 4 - 1);
    /* 12 shared words: not flagged */
    CHECK_INT(check_str(d, "intro w05 w06 w07 w08 w09 w10 w11 w12 w13 w14 w15 w16 outro", &m), 0);
    /* the 12 words plus a gap elsewhere: still not */
    CHECK_INT(check_str(d, "w01 w02 w03 w04 w05 w06 w07 w08 w09 w10 w11 w12 gap w13", &m), 0);
    /* case and punctuation do not hide a copy */
    CHECK_INT(check_str(d, "W05, W06; W07: \"W08\" (W09) W10! W11? W12... W13 -- W14 W15 W16 W17", &m), 1);
    /* crosses from question into answer: "w09 ... w20 zz" */
    CHECK_INT(check_str(d, "w09 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 zz", &m), 1);
    /* short item: all its words in a row, anywhere */
    CHECK_INT(check_str(d, "Well, the capital of FREEDONIA: Fredville, of course.", &m), 1);
    CHECK_INT(m.line, 2);
    CHECK(m.bench_id && m.bench_id_len == 2 && !memcmp(m.bench_id, "12", 2));
    CHECK(m.ngram_len == 30 && !memcmp(m.ngram, "capital of freedonia fredville", 30));
    CHECK_INT(check_str(d, "capital of freedonia is fredville", &m), 0);
    CHECK_INT(check_str(d, "", &m), 0);
    ts_decontam_free(d);
}

TEST(decontam_ngram8_and_fields)
{
    static const char *const q[] = {"question"};
    ts_decontam *d = make(8, TS_DECONTAM_CHECK_ALL, q, 1, bench, 2);
    CHECK(d != NULL);
    if (!d)
        return;
    /* item 1: 20 words -> 13 8-grams; item 2: "capital of freedonia" -> 1 */
    CHECK_INT(ts_decontam_ngram_count(d), 14);
    ts_decontam_match m;
    CHECK_INT(check_str(d, "x w03 w04 w05 w06 w07 w08 w09 w10 y", &m), 1);
    CHECK_INT(check_str(d, "x w03 w04 w05 w06 w07 w08 w09 y", &m), 0);
    /* the answer is not benchmark text any more */
    CHECK_INT(check_str(d, "w14 w15 w16 w17 w18 w19 w20 zz", &m), 0);
    CHECK_INT(check_str(d, "What is the capital of Freedonia?", &m), 1);
    ts_decontam_free(d);
    ts_decontam_opts o;
    ts_decontam_opts_default(&o);
    o.ngram = 0;
    CHECK_INT(ts_decontam_new(&d, &o), TS_EINVAL);
}

#define COPY "w02 w03 w04 w05 w06 w07 w08 w09 w10 w11 w12 w13 w14 w15"
static const char *const sft_prompt =
    "{\"messages\":[{\"role\":\"user\",\"content\":\"" COPY "\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}";
static const char *const sft_response =
    "{\"messages\":[{\"role\":\"system\",\"content\":\"be nice\"},{\"role\":\"user\",\"content\":\"hi\"},"
    "{\"role\":\"assistant\",\"content\":\"" COPY "\"}]}";
static const char *const pref_rejected =
    "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],"
    "\"rejected\":[{\"role\":\"assistant\",\"content\":\"" COPY "\"}]}";
/* the copy split over two turns never matches: n-grams stay in a turn */
static const char *const split_turns =
    "{\"messages\":[{\"role\":\"user\",\"content\":\"w02 w03 w04 w05 w06 w07 w08\"},"
    "{\"role\":\"assistant\",\"content\":\"w09 w10 w11 w12 w13 w14 w15\"}]}";

TEST(decontam_record_fields)
{
    ts_decontam_match m;
    ts_decontam *d = make(13, TS_DECONTAM_CHECK_ALL, NULL, 0, bench, 2);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(check_json(d, sft_prompt, &m), 1);
    CHECK_STR(m.field, "prompt");
    CHECK_INT(check_json(d, sft_response, &m), 1);
    CHECK_STR(m.field, "response");
    CHECK_INT(check_json(d, pref_rejected, &m), 1);
    CHECK_STR(m.field, "response");
    CHECK_INT(check_json(d, split_turns, &m), 0);
    CHECK_INT(check_json(d, "{\"text\":\"" COPY "\"}", &m), 1);
    CHECK_STR(m.field, "text");
    ts_decontam_free(d);

    d = make(13, TS_DECONTAM_CHECK_PROMPT, NULL, 0, bench, 2);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(check_json(d, sft_prompt, &m), 1);
    CHECK_INT(check_json(d, sft_response, &m), 0);
    CHECK_INT(check_json(d, pref_rejected, &m), 0);
    ts_decontam_free(d);

    d = make(13, TS_DECONTAM_CHECK_RESPONSE, NULL, 0, bench, 2);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(check_json(d, sft_prompt, &m), 0);
    CHECK_INT(check_json(d, sft_response, &m), 1);
    CHECK_INT(check_json(d, pref_rejected, &m), 1);
    ts_decontam_free(d);
}

TEST(decontam_load_file)
{
    ts_decontam_opts o;
    ts_decontam_opts_default(&o);
    ts_decontam *d;
    CHECK_INT(ts_decontam_new(&d, &o), 0);
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_decontam_load(d, "tests/fixtures/curate/decontam_bench.jsonl", NULL, &e), 0);
    CHECK_INT(ts_decontam_item_count(d), 4);
    /* nested strings (choices, meta) count by default: 29+23+4+20 words */
    CHECK_INT(ts_decontam_ngram_count(d), 17 + 11 + 1 + 8);
    ts_decontam_match m;
    CHECK_INT(check_str(d, "plants absorb from the air during photosynthesis in bright sunlight, oxygen, carbon dioxide", &m), 1);
    CHECK_INT(m.line, 4);
    CHECK(m.bench_id && m.bench_id_len == 6 && !memcmp(m.bench_id, "\"mc-1\"", 6));
    CHECK(ts_decontam_load(d, "tests/fixtures/curate/no_such_bench.jsonl", NULL, &e) != 0);
    ts_decontam_free(d);
}

TEST(decontam_rolling_hash)
{
    ts_decontam_words w;
    ts_decontam_words_init(&w);
    const char *s = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
    CHECK_INT(ts_decontam_words_add(&w, s, strlen(s)), 0);
    CHECK_INT(w.n, 14);
    for (size_t k = 1; k <= 15; k++) {
        ts_decontam_roll r;
        ts_decontam_roll_init(&r, &w, k);
        uint64_t h;
        size_t i = 0;
        while (ts_decontam_roll_next(&r, &h)) {
            CHECK(h == ts_decontam_ngram_hash(&w, i, k));
            i++;
        }
        CHECK_INT(i, k <= 14 ? 15 - k : 0);
    }
    /* order matters, and so does the length */
    CHECK(ts_decontam_ngram_hash(&w, 0, 2) != ts_decontam_ngram_hash(&w, 1, 2));
    CHECK(ts_decontam_ngram_hash(&w, 0, 1) != ts_decontam_ngram_hash(&w, 0, 2));
    ts_decontam_words_release(&w);
}
