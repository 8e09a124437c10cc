/* gen feedback's rows and pairs: the raw UltraFeedback row it builds, the
 * pairs the ultrafeedback importer makes of it (one rule for generated and
 * imported data), unrated aspects kept out of binarization, and pairwise
 * pair records; kwk's request bodies. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/feedback.h"
#include "tuneset/kwk.h"
#include "tuneset/record.h"

static ts_fb_completion comp(const char *model, const char *resp, int r0, int r1, int r2, int r3)
{
    ts_fb_completion c;
    memset(&c, 0, sizeof c);
    c.model = model;
    c.principle = "honesty";
    c.system = "Be honest.";
    c.response = resp;
    c.response_len = strlen(resp);
    int r[4] = {r0, r1, r2, r3};
    for (int a = 0; a < 4; a++) {
        c.ratings[a].rating = r[a];
        c.ratings[a].rationale = r[a] ? "why" : NULL;
        c.ratings[a].rationale_len = r[a] ? 3 : 0;
    }
    return c;
}

static char *text(const ts_json *v)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json_write(&b, v);
    ts_buf_putc(&b, 0);
    return b.data;
}

TEST(feedback_row_shape)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_jb b;
    ts_jb_init(&b, &a);
    ts_fb_completion c[2] = {comp("m1", "Paris.", 5, 4, 5, 4), comp("m2", "Lyon?", 2, 0, 1, 1)};
    ts_json *row;
    CHECK_INT(ts_fb_build_row(&b, "flan", 4, "x1", 2, "Capital of France?", 18, c, 2, true, &row), 0);
    char *s = text(row);
    CHECK_STR(s, "{\"source\":\"flan\",\"instruction\":\"Capital of France?\",\"models\":[\"m1\",\"m2\"],"
                 "\"completions\":[{\"model\":\"m1\",\"principle\":\"honesty\",\"custom_system_prompt\":\"Be honest.\","
                 "\"response\":\"Paris.\",\"annotations\":{\"instruction_following\":{\"Rating\":\"5\",\"Rationale\":\"why\"},"
                 "\"honesty\":{\"Rating\":\"4\",\"Rationale\":\"why\"},\"truthfulness\":{\"Rating\":\"5\",\"Rationale\":\"why\"},"
                 "\"helpfulness\":{\"Rating\":\"4\",\"Rationale\":\"why\"}},\"fine-grained_score\":4.5,"
                 "\"overall_score\":null,\"critique\":null},{\"model\":\"m2\",\"principle\":\"honesty\","
                 "\"custom_system_prompt\":\"Be honest.\",\"response\":\"Lyon?\",\"annotations\":{"
                 "\"instruction_following\":{\"Rating\":\"2\",\"Rationale\":\"why\"},\"honesty\":{\"Rating\":\"N/A\","
                 "\"Rationale\":\"\"},\"truthfulness\":{\"Rating\":\"1\",\"Rationale\":\"why\"},\"helpfulness\":{"
                 "\"Rating\":\"1\",\"Rationale\":\"why\"}},\"fine-grained_score\":null,\"overall_score\":null,"
                 "\"critique\":null}],\"id\":\"x1\"}");
    free(s);
    ts_jb_release(&b);
    ts_arena_release(&a);
}

/* Binarizes one row of three completions; returns the pair text or the rule. */
static char *binarize(const char *score, const ts_fb_completion *c, size_t n, char *rule, size_t cap)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_jb b;
    ts_jb_init(&b, &a);
    ts_fb_binarizer z;
    ts_err e = TS_ERR_INIT;
    ts_json *row, *pair = NULL;
    const char *why = NULL;
    char *out = NULL;
    if (!ts_fb_binarizer_open(&z, score, "worst", 0, &e) &&
        !ts_fb_build_row(&b, "s", 1, NULL, 0, "Q?", 2, c, n, true, &row) &&
        !ts_fb_binarize(&z, row, "feedback/7", "feedback", &a, &pair, &why, &e)) {
        if (pair)
            out = text(pair);
        snprintf(rule, cap, "%s", why ? why : "");
    }
    ts_fb_binarizer_close(&z);
    ts_jb_release(&b);
    ts_arena_release(&a);
    return out;
}

TEST(feedback_binarize_through_importer)
{
    char rule[64];
    ts_fb_completion c[3] = {comp("m1", "A", 3, 3, 3, 3), comp("m2", "B", 5, 5, 5, 4), comp("m3", "C", 1, 2, 1, 2)};
    char *p = binarize(NULL, c, 3, rule, sizeof rule);
    CHECK(p != NULL);
    CHECK(strstr(p, "\"chosen\":[{\"role\":\"assistant\",\"content\":\"B\"}]"));
    CHECK(strstr(p, "\"rejected\":[{\"role\":\"assistant\",\"content\":\"C\"}]"));
    CHECK(strstr(p, "\"score_chosen\":4.75,\"score_rejected\":1.5,\"id\":\"feedback/7\",\"source\":\"feedback\""));
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    char why[256];
    CHECK_INT(ts_json_parse(p, strlen(p), &a, NULL, &v, NULL), 0);
    CHECK_INT(ts_record_validate(v, why, sizeof why), 0);
    ts_arena_release(&a);
    free(p);
    /* fine-grained (default): the best completion has an unrated aspect, so
     * it takes no part; by the mean of the rated aspects it wins. */
    c[1].ratings[2].rating = 0;
    p = binarize(NULL, c, 3, rule, sizeof rule);
    CHECK(p && strstr(p, "\"chosen\":[{\"role\":\"assistant\",\"content\":\"A\"}]"));
    free(p);
    p = binarize("mean", c, 3, rule, sizeof rule);
    CHECK(p && strstr(p, "\"chosen\":[{\"role\":\"assistant\",\"content\":\"B\"}]"));
    free(p);
    /* All equal: no pair, by the importer's rule name. */
    ts_fb_completion t[2] = {comp("m1", "A", 3, 3, 3, 3), comp("m2", "B", 3, 3, 3, 3)};
    CHECK(binarize(NULL, t, 2, rule, sizeof rule) == NULL);
    CHECK_STR(rule, "no_lower_score");
    t[1].ratings[0].rating = 0;
    CHECK(binarize(NULL, t, 2, rule, sizeof rule) == NULL);
    CHECK_STR(rule, "fewer_than_two_scored");
    /* A bad option is the importer's error. */
    ts_fb_binarizer z;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_fb_binarizer_open(&z, "loudness", NULL, 0, &e), TS_EINVAL);
}

TEST(feedback_pairwise_pair_record)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_jb b;
    ts_jb_init(&b, &a);
    ts_fb_completion w = comp("m1", "Paris.", 0, 0, 0, 0), l = comp("m2", "Lyon.", 0, 0, 0, 0);
    ts_json *p;
    CHECK_INT(ts_fb_build_pair(&b, "Capital?", 8, &w, &l, "feedback/p1/1-2", "feedback", "flan", 4, "A", "B", &p), 0);
    char why[256];
    CHECK_INT(ts_record_validate(p, why, sizeof why), 0);
    char *s = text(p);
    CHECK(strstr(s, "\"meta\":{\"source\":\"flan\",\"chosen_model\":\"m1\",\"rejected_model\":\"m2\","
                    "\"pairwise\":{\"ab\":\"A\",\"ba\":\"B\"}}"));
    free(s);
    ts_jb_release(&b);
    ts_arena_release(&a);
}

TEST(kwk_requests)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_kwk_sampling s = {-1, -1, 0};
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    CHECK_INT(ts_kwk_correct_request(&b, "judge", "The bridge opened in 1887.", 26, "When?", 5, "1887.", 5, 3, &s), 0);
    CHECK_INT(ts_json_parse(b.data, b.len, &a, NULL, &v, NULL), 0);
    const ts_json *msgs = ts_json_get(v, "messages");
    CHECK_INT(msgs->len, 1);
    const ts_json *c = ts_json_get(ts_json_at(msgs, 0), "content");
    CHECK(c && c->len > 26);
    CHECK(ts_json_get(v, "temperature") == NULL);
    /* The answer request is the bare question: no snippet, no system prompt. */
    b.len = 0;
    CHECK_INT(ts_kwk_answer_request(&b, "tuned", "When?", 5, 4, &s), 0);
    CHECK_INT(ts_json_parse(b.data, b.len, &a, NULL, &v, NULL), 0);
    CHECK(ts_json_str_eq(ts_json_get(ts_json_at(ts_json_get(v, "messages"), 0), "content"), "When?"));
    CHECK(ts_json_str_eq(ts_json_get(v, "model"), "tuned"));
    int64_t seed;
    CHECK_INT(ts_json_int64(ts_json_get(v, "seed"), &seed), 0);
    CHECK_INT(seed, 4);
    ts_arena_release(&a);
    ts_buf_release(&b);
}
