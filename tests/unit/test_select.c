/* gen select's pure parts: quality filters, reply parsers, the sampler. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/select.h"

static const char *q(const char *s)
{
    const char *r = ts_select_quality(s, strlen(s));
    return r ? r : "ok";
}

TEST(select_quality)
{
    CHECK_STR(q("The answer is $\\boxed{4}$ since $$x^2 = 16$$."), "ok");
    CHECK_STR(q("Error code: 429 - Rate limit reached for requests"), "api_error");
    CHECK_STR(q("openai.APIError: The server had an error while processing"), "api_error");
    CHECK_STR(q("See the figure ![fig](http://x/fig.png)"), "image");
    CHECK_STR(q("[asy] draw((0,0)--(1,1)); [/asy]"), "image");
    CHECK_STR(q("<img src='a'>"), "image");
    CHECK_STR(q("$$x = 1$$ and $$y"), "broken_markup");
    CHECK_STR(q("\\[ x \\] and \\[ y"), "broken_markup");
    CHECK_STR(q("\\begin{align} x \\end{align}"), "ok");
    CHECK_STR(q("\\begin{align} x"), "broken_markup");
    CHECK_STR(q("\\begin{cases} \\begin{array} \\end{cases} \\end{array}"), "broken_markup");
    CHECK_STR(q("costs \\$5 and \\$6 $$x$$"), "ok");
    CHECK_STR(q(""), "ok");
}

static int yn(const char *s) { return ts_select_parse_yesno(s, strlen(s)); }
static int msc(const char *s) { return ts_select_parse_msc(s, strlen(s)); }

TEST(select_parse_yesno)
{
    CHECK_INT(yn("Yes"), 1);
    CHECK_INT(yn("**YES**"), 1);
    CHECK_INT(yn("no."), 0);
    CHECK_INT(yn("Answer: no"), 0);
    CHECK_INT(yn("The answer is correct."), 1);
    CHECK_INT(yn("The answer is incorrect."), 0);
    CHECK_INT(yn("It is not correct"), 0);
    CHECK_INT(yn("The answers are not quite equivalent"), 0);
    CHECK_INT(yn("This isn't correct."), 0);
    CHECK_INT(yn("Not sure. Correct."), 1);
    CHECK_INT(yn("Judgement: TRUE"), 1);
    CHECK_INT(yn("I cannot tell."), -1);
    CHECK_INT(yn(""), -1);
}

TEST(select_parse_msc)
{
    CHECK_INT(msc("11"), 11);
    CHECK_INT(msc("MSC 05 Combinatorics"), 5);
    CHECK_INT(msc("MSC05"), 5);
    CHECK_INT(msc("Domain: 60-XX Probability"), 60);
    CHECK_INT(msc("**81** Quantum theory"), 81);
    CHECK_INT(msc("class 99"), -1); /* not a class */
    CHECK_INT(msc("2024 was a year; 21 is no class; 26"), 26);
    CHECK_INT(msc("algebra"), -1);
    CHECK_STR(ts_select_msc_name(11), "Number theory");
    CHECK(ts_select_msc_name(2) == NULL);
}

TEST(select_sample_basic)
{
    ts_select_item it[10];
    for (int i = 0; i < 10; i++)
        it[i] = (ts_select_item){i < 7 ? 0 : 1, (uint64_t)(100 + i), 0};
    CHECK_INT(ts_select_sample(it, 10, 2, 4, 1), 4);
    int n0 = 0, n1 = 0;
    for (int i = 0; i < 10; i++)
        if (it[i].round)
            *(it[i].domain ? &n1 : &n0) += 1;
    CHECK_INT(n0 + n1, 4);
    /* Same seed, same picks; a target above the pool takes everything. */
    ts_select_item b[10];
    memcpy(b, it, sizeof b);
    CHECK_INT(ts_select_sample(b, 10, 2, 4, 1), 4);
    for (int i = 0; i < 10; i++)
        CHECK_INT(b[i].round, it[i].round);
    CHECK_INT(ts_select_sample(b, 10, 2, 50, 1), 10);
    int seen[11] = {0};
    for (int i = 0; i < 10; i++) {
        CHECK(b[i].round >= 1 && b[i].round <= 10);
        CHECK(!seen[b[i].round]++);
    }
    CHECK_INT(ts_select_sample(b, 10, 2, 0, 1), 0);
    it[0].domain = 5; /* out of range: never picked */
    CHECK_INT(ts_select_sample(it, 10, 2, 50, 1), 9);
    CHECK_INT(it[0].round, 0);
}

/* Domains are drawn uniformly (not by size), and within one the longest
 * trace is picked first about half the time (weight 1 of 2). */
TEST(select_sample_distribution)
{
    enum { N = 40, RUNS = 4000 };
    ts_select_item it[N];
    int big = 0, longest = 0;
    for (int run = 0; run < RUNS; run++) {
        for (int i = 0; i < N; i++) /* domain 0 has 36 items, domain 1 has 4 */
            it[i] = (ts_select_item){i < 36 ? 0 : 1, (uint64_t)(i % 36) * 10, 0};
        CHECK_INT(ts_select_sample(it, N, 2, 1, (uint64_t)run * 7919), 1);
        for (int i = 0; i < N; i++)
            if (it[i].round == 1) {
                big += it[i].domain == 0;
                longest += i == 35;
            }
    }
    CHECK(big > RUNS * 45 / 100 && big < RUNS * 55 / 100);
    /* The longest of domain 0 (i = 35) wins half of domain 0's draws. */
    CHECK(longest > big * 42 / 100 && longest < big * 58 / 100);
}

static ts_json *parse(ts_arena *a, const char *s)
{
    ts_json *v = NULL;
    ts_json_parse(s, strlen(s), a, NULL, &v, NULL);
    return v;
}

TEST(select_read_and_annotate)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_select_fields f;
    bool not_sft;
    ts_json *r = parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\","
                           "\"content\":\"\\\\boxed{2}\",\"reasoning_content\":\"think\"}],\"meta\":{\"solution\":\"S\"}}");
    CHECK(ts_select_read(r, &f, &not_sft) == NULL);
    CHECK(!not_sft);
    CHECK(ts_json_str_eq(f.question, "Q") && ts_json_str_eq(f.trace, "think") && ts_json_str_eq(f.reference, "S"));
    CHECK_STR(ts_select_read(parse(&a, "{\"prompt\":[]}"), &f, &not_sft), "missing_field");
    CHECK(not_sft);
    CHECK_STR(ts_select_read(parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\","
                                       "\"content\":\"A\"}]}"),
                             &f, &not_sft),
              "missing_field");
    CHECK_STR(ts_select_read(parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"see <img src=x>\"},"
                                       "{\"role\":\"assistant\",\"content\":\"A\",\"reasoning_content\":\"t\"}]}"),
                             &f, &not_sft),
              "image");
    signed char weak[2] = {0, -1};
    ts_select_q q = {"Q", 1, "S", 1, weak, false, 11};
    const char *models[2] = {"m1", "m2"};
    ts_json *r2 = parse(&a, "{\"messages\":[],\"id\":\"x\"}");
    CHECK_INT(ts_select_annotate(&a, r2, &q, models, 2, 42, 3, true), 0);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json_write(&b, r2);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "{\"messages\":[],\"id\":\"x\",\"meta\":{\"select\":{\"domain\":\"11\",\"domain_name\":\"Number "
                      "theory\",\"trace_length\":42,\"round\":3,\"weak\":[{\"model\":\"m1\",\"correct\":false},"
                      "{\"model\":\"m2\",\"correct\":null}]}}}");
    ts_buf_release(&b);
    ts_arena_release(&a);
}

/* Equal trace lengths rank by input order: of two, the first has weight
 * 1 and the second 1/2, so the first is picked first 2/3 of the time. */
TEST(select_sample_ties)
{
    enum { RUNS = 6000 };
    int first = 0;
    for (int run = 0; run < RUNS; run++) {
        ts_select_item it[2] = {{0, 300, 0}, {0, 300, 0}};
        CHECK_INT(ts_select_sample(it, 2, 1, 1, (uint64_t)run), 1);
        first += it[0].round == 1;
    }
    CHECK(first > RUNS * 62 / 100 && first < RUNS * 71 / 100);
}
