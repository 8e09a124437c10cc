/* gen feedback's pure parts: rating replies in every shape judges send
 * (JSON, fenced JSON, UltraFeedback's sections, bare ratings, nasty
 * prose), pairwise verdicts and their position-swap consistency, and the
 * request bodies. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/feedback.h"

static ts_arena A;

static bool has(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, needle, k))
            return true;
    return false;
}

static size_t parse(const char *text, size_t n, ts_fb_rating *out)
{
    ts_arena_init(&A);
    return ts_fb_parse_ratings(text, strlen(text), n, out, &A);
}

static int why_is(const ts_fb_rating *r, const char *s)
{
    return r->rationale && r->rationale_len == strlen(s) && !memcmp(r->rationale, s, r->rationale_len);
}

TEST(feedback_ratings_ultrafeedback_sections)
{
    ts_fb_rating r[3];
    const char *t = "#### Output for Text 1\nRating: 4\nRationale: Clear and correct.\n\n"
                    "#### Output for Text 2\nRating: [[2]]\nRationale: Misses the format.\nIt rambles.\n\n"
                    "#### Output for Text 3\n**Rating**: **5**/5\n**Rationale**: Complete.";
    CHECK_INT(parse(t, 3, r), 3);
    CHECK_INT(r[0].rating, 4);
    CHECK_INT(r[1].rating, 2);
    CHECK_INT(r[2].rating, 5);
    CHECK(why_is(&r[0], "Clear and correct."));
    CHECK(why_is(&r[1], "Misses the format.\nIt rambles."));
    CHECK(why_is(&r[2], "Complete."));
    ts_arena_release(&A);
}

TEST(feedback_ratings_sections_out_of_order_and_missing)
{
    ts_fb_rating r[3];
    /* Text 2 before 1, text 3 has "N/A": two rated, the third left unrated.
     * "Text 1 is better" in prose is not a header. */
    const char *t = "### Output 2:\nRating: 3\nRationale: ok\n### Output 1\nText 1 is better overall.\n"
                    "Rating: 5\n### Output 3\nRating: N/A\nRationale: cannot tell";
    CHECK_INT(parse(t, 3, r), 2);
    CHECK_INT(r[0].rating, 5);
    CHECK_INT(r[1].rating, 3);
    CHECK_INT(r[2].rating, 0);
    ts_arena_release(&A);
}

TEST(feedback_ratings_helpfulness_rationale_before_rating)
{
    ts_fb_rating r[2];
    /* UltraFeedback's helpfulness layout; "Rationale For Rating" is no rating. */
    const char *t = "Text 1:\nType: [1, 2]\nRationale: Accurate.\nRating: 4\nRationale For Rating: 3 reasons\n"
                    "Text 2:\nRating: 1\nRationale: Wrong.";
    CHECK_INT(parse(t, 2, r), 2);
    CHECK_INT(r[0].rating, 4);
    CHECK_INT(r[1].rating, 1);
    CHECK(why_is(&r[1], "Wrong."));
    ts_arena_release(&A);
}

TEST(feedback_ratings_json_forms)
{
    ts_fb_rating r[2];
    CHECK_INT(parse("{\"ratings\":[{\"text\":2,\"rating\":3,\"rationale\":\"meh\"},{\"text\":1,\"rating\":\"5\"}]}", 2, r), 2);
    CHECK_INT(r[0].rating, 5);
    CHECK_INT(r[1].rating, 3);
    CHECK(why_is(&r[1], "meh"));
    ts_arena_release(&A);
    /* In a fence, after prose, with capitalised keys and an object keyed by text. */
    CHECK_INT(parse("Here you go:\n```json\n{\"Text 1\": {\"Rating\": 2, \"Rationale\": \"thin\"},"
                    " \"Text 2\": {\"Rating\": 4.0}}\n```\nHope this helps.", 2, r), 2);
    CHECK_INT(r[0].rating, 2);
    CHECK_INT(r[1].rating, 4);
    ts_arena_release(&A);
    /* A bare array; ratings out of range are not ratings. */
    CHECK_INT(parse("[{\"rating\": 7}, {\"rating\": 1}]", 2, r), 1);
    CHECK_INT(r[0].rating, 0);
    CHECK_INT(r[1].rating, 1);
    ts_arena_release(&A);
    /* One text, one object. */
    CHECK_INT(parse("{\"rating\": \"[[3]]\", \"rationale\": \"fine\"}", 1, r), 1);
    CHECK_INT(r[0].rating, 3);
    ts_arena_release(&A);
}

TEST(feedback_ratings_bare_in_order)
{
    ts_fb_rating r[2];
    CHECK_INT(parse("Rating: 3\nRationale: a\n\nRating: 4\nRationale: b", 2, r), 2);
    CHECK_INT(r[0].rating, 3);
    CHECK_INT(r[1].rating, 4);
    CHECK(why_is(&r[0], "a"));
    CHECK(why_is(&r[1], "b"));
    ts_arena_release(&A);
    /* Three ratings for two texts cannot be assigned. */
    CHECK_INT(parse("Rating: 3\nRating: 4\nRating: 5", 2, r), 0);
    ts_arena_release(&A);
}

TEST(feedback_ratings_nasty)
{
    ts_fb_rating r[2];
    const char *bad[] = {"", "I cannot rate these texts.", "Rating: 4.5\nRating: 2", "Ratings: 4, 5",
                         "Rating: 12\nRating: 0", "{\"ratings\": \"4,5\"}", "```json\n{broken\n```",
                         "#### Output for Text 9\nRating: 4", "Rating:\n\nRating: -3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (parse(bad[i], 2, r) != 0) {
            test_fail(__FILE__, __LINE__, "parsed a rating from \"%s\"", bad[i]);
            ts_arena_release(&A);
            return;
        }
        ts_arena_release(&A);
    }
}

static ts_fb_verdict verdict(const char *t)
{
    ts_arena_init(&A);
    ts_fb_verdict v = ts_fb_parse_verdict(t, strlen(t), &A);
    ts_arena_release(&A);
    return v;
}

TEST(feedback_verdicts)
{
    CHECK_INT(verdict("A is clearer. [[A]]"), TS_FB_A);
    CHECK_INT(verdict("At first [[A]] seemed right, but on reflection [[B]]"), TS_FB_B);
    CHECK_INT(verdict("Both are equally good. [[C]]"), TS_FB_TIE);
    CHECK_INT(verdict("[[tie]]"), TS_FB_TIE);
    CHECK_INT(verdict("{\"rationale\": \"x\", \"winner\": \"B\"}"), TS_FB_B);
    CHECK_INT(verdict("```json\n{\"winner\": \"tie\"}\n```"), TS_FB_TIE);
    CHECK_INT(verdict("Reasoning...\nFinal verdict: Output (a)"), TS_FB_A);
    CHECK_INT(verdict("**Winner:** Response 2"), TS_FB_B);
    CHECK_INT(verdict("B"), TS_FB_NONE + TS_FB_B);
    CHECK_INT(verdict("I like both answers and cannot decide between them at all."), TS_FB_NONE);
    CHECK_INT(verdict("[[Assistant Alpha]]"), TS_FB_NONE);
    CHECK_INT(verdict(""), TS_FB_NONE);
}

TEST(feedback_position_swap)
{
    CHECK_INT(ts_fb_consistent(TS_FB_A, TS_FB_B), TS_FB_A);
    CHECK_INT(ts_fb_consistent(TS_FB_B, TS_FB_A), TS_FB_B);
    CHECK_INT(ts_fb_consistent(TS_FB_TIE, TS_FB_TIE), TS_FB_TIE);
    CHECK_INT(ts_fb_consistent(TS_FB_A, TS_FB_A), TS_FB_NONE); /* always the first: position bias */
    CHECK_INT(ts_fb_consistent(TS_FB_A, TS_FB_TIE), TS_FB_NONE);
    CHECK_INT(ts_fb_consistent(TS_FB_NONE, TS_FB_B), TS_FB_NONE);
}

TEST(feedback_requests)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_fb_sampling s = {0.7, -1, 256};
    CHECK_INT(ts_fb_completion_request(&b, "m1", ts_fb_principle_prompt("honesty"), "Say \"hi\"", 8, 42, &s), 0);
    ts_arena_init(&A);
    ts_json *v;
    CHECK_INT(ts_json_parse(b.data, b.len, &A, NULL, &v, NULL), 0);
    CHECK(ts_json_str_eq(ts_json_get(v, "model"), "m1"));
    CHECK(ts_json_str_eq(ts_json_get(ts_json_at(ts_json_get(v, "messages"), 1), "content"), "Say \"hi\""));
    CHECK(ts_json_str_eq(ts_json_get(ts_json_at(ts_json_get(v, "messages"), 0), "role"), "system"));
    CHECK(ts_json_get(v, "top_p") == NULL);
    int64_t seed;
    CHECK_INT(ts_json_int64(ts_json_get(v, "seed"), &seed), 0);
    CHECK_INT(seed, 42);
    b.len = 0;
    const char *resp[2] = {"one", "two"};
    size_t rl[2] = {3, 3};
    CHECK_INT(ts_fb_rating_request(&b, NULL, 1, "Q?", 2, resp, rl, 2, true, 7, NULL), 0);
    CHECK_INT(ts_json_parse(b.data, b.len, &A, NULL, &v, NULL), 0);
    CHECK(ts_json_get(v, "model") == NULL);
    CHECK(ts_json_str_eq(ts_json_get(ts_json_get(v, "response_format"), "type"), "json_object"));
    const ts_json *u = ts_json_get(ts_json_at(ts_json_get(v, "messages"), 1), "content");
    CHECK(u && has(u->u.s, u->len, "Honesty:") && has(u->u.s, u->len, "<text 2>\ntwo"));
    CHECK_INT(ts_fb_rating_request(&b, NULL, 4, "Q?", 2, resp, rl, 2, true, 7, NULL), TS_EINVAL);
    CHECK(ts_fb_principle_prompt("verbalized_calibration") != NULL);
    CHECK(ts_fb_principle_prompt("sarcasm") == NULL);
    ts_arena_release(&A);
    ts_buf_release(&b);
}

static const char *critique(const char *t, double *sc, char *buf)
{
    ts_arena_init(&A);
    const char *c;
    size_t n;
    *sc = 0;
    if (ts_fb_parse_critique(t, strlen(t), &A, sc, &c, &n))
        strcpy(buf, "(none)");
    else
        snprintf(buf, 256, "%.*s", (int)n, c);
    ts_arena_release(&A);
    return buf;
}

TEST(feedback_critiques)
{
    char b[256];
    double sc;
    CHECK_STR(critique("Feedback: Good, but cite a source.\nOverall Score: 7", &sc, b), "Good, but cite a source.");
    CHECK(sc == 7);
    CHECK_STR(critique("**Critique**: Too long.\n\n**Overall score**: 6.5/10", &sc, b), "Too long.");
    CHECK(sc == 6.5);
    CHECK_STR(critique("{\"feedback\": \"Fine.\", \"overall_score\": \"8\"}", &sc, b), "Fine.");
    CHECK(sc == 8);
    CHECK_STR(critique("It misses the point.\nScore: [[2]]", &sc, b), "It misses the point.");
    CHECK(sc == 2);
    /* The last overall score counts; a plain "score" label is the fallback only. */
    CHECK_STR(critique("Draft overall score: 3.\nRevised.\nOverall Score: 5", &sc, b), "Draft overall score: 3.\nRevised.");
    CHECK(sc == 5);
    CHECK_STR(critique("Overall Score: 9", &sc, b), "(none)");         /* no feedback */
    CHECK_STR(critique("Feedback: ok\nOverall Score: 11", &sc, b), "(none)"); /* out of range */
    CHECK_STR(critique("Feedback: ok\nOverall Score: 7.3", &sc, b), "(none)");
    CHECK_STR(critique("Nice.", &sc, b), "(none)");
    CHECK_STR(critique("The scoreboard: 10 points", &sc, b), "(none)");
}
