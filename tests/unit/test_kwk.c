/* gen kwk's pure parts: yes/no, score and question replies (nasty ones
 * too), the chunker, the seeded bottom-k snippet sample, the thresholds. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/kwk.h"

static int yn(const char *t)
{
    ts_arena a;
    ts_arena_init(&a);
    int v = ts_kwk_parse_yesno(t, strlen(t), &a);
    ts_arena_release(&a);
    return v;
}

static int score(const char *t)
{
    ts_arena a;
    ts_arena_init(&a);
    int v = ts_kwk_parse_score(t, strlen(t), &a);
    ts_arena_release(&a);
    return v;
}

TEST(kwk_yesno)
{
    CHECK_INT(yn("Yes"), 1);
    CHECK_INT(yn("No, the passage says 1887."), 0);
    CHECK_INT(yn("The answer names the right city.\nCorrect: yes"), 1);
    CHECK_INT(yn("Correct: no"), 0);
    CHECK_INT(yn("Verdict: **incorrect**"), 0);
    CHECK_INT(yn("[[yes]]"), 1);
    CHECK_INT(yn("{\"correct\": false}"), 0);
    CHECK_INT(yn("```json\n{\"verdict\": \"correct\"}\n```"), 1);
    CHECK_INT(yn("Incorrect."), 0);
    CHECK_INT(yn("Partially. It depends on the reading."), -1);
    CHECK_INT(yn(""), -1);
    CHECK_INT(yn("Correctness is hard to judge here"), -1);
}

TEST(kwk_score)
{
    CHECK_INT(score("4"), 4);
    CHECK_INT(score("Informativeness: 2/5"), 2);
    CHECK_INT(score("It commits to a year.\n**Informativeness**: 5"), 5);
    CHECK_INT(score("[[3]]"), 3);
    CHECK_INT(score("{\"score\": 1}"), 1);
    CHECK_INT(score("{\"informative\": true}"), 5);
    CHECK_INT(score("Yes."), 5);
    CHECK_INT(score("no"), 1);
    CHECK_INT(score("Score: 9"), 0);
    CHECK_INT(score("1887 was the year the answer gives, which is specific."), 0);
    CHECK_INT(score(""), 0);
}

static const char *question(const char *t, char *buf)
{
    ts_arena a;
    ts_arena_init(&a);
    const char *q;
    size_t n;
    int rc = ts_kwk_parse_question(t, strlen(t), &a, &q, &n);
    if (rc)
        strcpy(buf, "(none)");
    else
        snprintf(buf, 256, "%.*s", (int)n, q);
    ts_arena_release(&a);
    return buf;
}

TEST(kwk_question)
{
    char b[256];
    CHECK_STR(question("Question: When was the Eiffel Tower finished?", b), "When was the Eiffel Tower finished?");
    CHECK_STR(question("  \"Who wrote Middlemarch?\"  ", b), "Who wrote Middlemarch?");
    CHECK_STR(question("Sure! Here is one.\n**Question:**\nWhat is the capital of Chad?\nAnswer: N'Djamena", b),
              "What is the capital of Chad?");
    CHECK_STR(question("{\"question\": \"How tall is K2?\"}", b), "How tall is K2?");
    CHECK_STR(question("I cannot write a question about this passage.", b), "(none)");
    CHECK_STR(question("", b), "(none)");
}

TEST(kwk_chunks)
{
    const char *t = "First paragraph is here.\n\nSecond one follows. It has two sentences.";
    size_t pos = 0, n;
    const char *c;
    /* 30 chars: the window's last fifth is [24, 30); the paragraph break
     * at 26 is in it. */
    CHECK(ts_kwk_next_chunk(t, strlen(t), &pos, 30, &c, &n));
    CHECK_INT(n, 24);
    CHECK(!memcmp(c, "First paragraph is here.", 24));
    CHECK(ts_kwk_next_chunk(t, strlen(t), &pos, 30, &c, &n));
    /* The sentence end (after "follows.") is before the last fifth: the
     * cut falls at the last space instead. */
    CHECK_INT(n, 26);
    CHECK(!memcmp(c, "Second one follows. It has", 26));
    CHECK(ts_kwk_next_chunk(t, strlen(t), &pos, 30, &c, &n));
    CHECK_INT(n, 14);
    CHECK(!memcmp(c, "two sentences.", n));
    CHECK(!ts_kwk_next_chunk(t, strlen(t), &pos, 30, &c, &n));
    /* No break at all: a hard cut after max_chars code points, never inside
     * a UTF-8 sequence. */
    const char *u = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    pos = 0;
    CHECK(ts_kwk_next_chunk(u, strlen(u), &pos, 2, &c, &n));
    CHECK_INT(n, 4);
    CHECK_INT(ts_kwk_chars(c, n), 2);
    size_t count = 1;
    while (ts_kwk_next_chunk(u, strlen(u), &pos, 2, &c, &n))
        count++;
    CHECK_INT(count, 3);
}

TEST(kwk_sampler_is_seeded_and_order_free)
{
    ts_kwk_sampler s1, s2;
    CHECK_INT(ts_kwk_sampler_init(&s1, 5, 9), 0);
    CHECK_INT(ts_kwk_sampler_init(&s2, 5, 9), 0);
    bool kept;
    for (uint64_t i = 0; i < 100; i++)
        ts_kwk_sampler_offer(&s1, i, (void *)(uintptr_t)(i + 1), &kept);
    for (uint64_t i = 100; i-- > 0;) /* the other order */
        ts_kwk_sampler_offer(&s2, i, (void *)(uintptr_t)(i + 1), &kept);
    size_t n1, n2;
    ts_kwk_pick *p1 = ts_kwk_sampler_sorted(&s1, &n1), *p2 = ts_kwk_sampler_sorted(&s2, &n2);
    CHECK_INT(n1, 5);
    CHECK_INT(n2, 5);
    for (size_t i = 0; i < 5; i++) {
        CHECK_INT(p1[i].index, p2[i].index);
        CHECK_INT((uintptr_t)p1[i].payload, p1[i].index + 1);
        if (i)
            CHECK(p1[i].index > p1[i - 1].index);
    }
    /* Another seed, another sample. */
    ts_kwk_sampler s3;
    ts_kwk_sampler_init(&s3, 5, 10);
    int evicted = 0;
    for (uint64_t i = 0; i < 100; i++)
        evicted += ts_kwk_sampler_offer(&s3, i, (void *)(uintptr_t)(i + 1), &kept) != NULL;
    CHECK_INT(evicted, 95); /* every payload not kept comes back exactly once */
    size_t n3, same = 0;
    ts_kwk_pick *p3 = ts_kwk_sampler_sorted(&s3, &n3);
    for (size_t i = 0; i < 5; i++)
        same += p3[i].index == p1[i].index;
    CHECK(same < 5);
    ts_kwk_sampler_release(&s1);
    ts_kwk_sampler_release(&s2);
    ts_kwk_sampler_release(&s3);
}

static ts_kwk_decision decide(const ts_kwk_answer *a, size_t k)
{
    ts_kwk_thresholds t;
    ts_kwk_thresholds_default(&t);
    ts_kwk_decision d;
    ts_kwk_decide(a, k, &t, &d);
    return d;
}

TEST(kwk_thresholds)
{
    /* 4 of 5 correct meets 0.8; the most informative correct answer (first on ties) is best. */
    ts_kwk_answer a[5] = {{1, 3}, {1, 5}, {0, 5}, {1, 5}, {1, 2}};
    ts_kwk_decision d = decide(a, 5);
    CHECK_INT(d.cls, TS_KWK_CORRECT);
    CHECK_INT(d.best, 1);
    CHECK_INT(d.judged, 5);
    /* All wrong and informative: consistently wrong. */
    ts_kwk_answer w[5] = {{0, 5}, {0, 4}, {0, 3}, {0, 5}, {0, 4}};
    d = decide(w, 5);
    CHECK_INT(d.cls, TS_KWK_WRONG);
    CHECK_INT(d.confident_wrong, 5);
    CHECK_INT(d.best, -1);
    /* Wrong but hedging (uninformative): not confidently wrong, no correct answer: mixed. */
    ts_kwk_answer h[4] = {{0, 1}, {0, 2}, {0, 5}, {0, 1}};
    d = decide(h, 4);
    CHECK_INT(d.cls, TS_KWK_MIXED);
    CHECK_INT(d.correct, 0);
    /* Mixed: 3 of 5. */
    ts_kwk_answer m[5] = {{1, 4}, {0, 4}, {1, 4}, {0, 4}, {1, 4}};
    d = decide(m, 5);
    CHECK_INT(d.cls, TS_KWK_MIXED);
    CHECK(d.share_correct > 0.59 && d.share_correct < 0.61);
    /* Unjudged answers do not count; too few judged is unjudged. */
    ts_kwk_answer u[5] = {{1, 0}, {-1, 4}, {1, 5}, {-1, 0}, {-1, 3}};
    d = decide(u, 5);
    CHECK_INT(d.cls, TS_KWK_UNJUDGED);
    CHECK_INT(d.judged, 1);
    ts_kwk_answer u2[5] = {{1, 4}, {-1, 4}, {1, 5}, {1, 2}, {-1, 3}};
    d = decide(u2, 5);
    CHECK_INT(d.cls, TS_KWK_CORRECT);
    CHECK_INT(d.judged, 3);
    CHECK_STR(ts_kwk_class_name(TS_KWK_WRONG), "wrong");
}
