/* The HTML report: escaping, binning, charts and sampling with known answers. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/curate/report_int.h"
#include "test.h"

static int add(ts_report *r, ts_arena *a, const char *text)
{
    ts_json *v;
    ts_err e = TS_ERR_INIT;
    if (ts_json_parse(text, strlen(text), a, NULL, &v, &e))
        return -1;
    return ts_report_add(r, v);
}

/* An SFT record whose user turn is the given text. */
static int add_sft(ts_report *r, ts_arena *a, int i, const char *src, const char *lang, const char *user)
{
    char rec[512];
    snprintf(rec, sizeof rec,
             "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"},{\"role\":\"assistant\",\"content\":\"ok\"}],"
             "\"id\":\"%s/%d\",\"source\":\"%s\",\"meta\":{\"lang\":\"%s\"}}",
             user, src, i, src, lang);
    return add(r, a, rec);
}

static int has(const ts_buf *b, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= b->len; i++)
        if (!memcmp(b->data + i, s, n))
            return 1;
    return 0;
}

static size_t count(const ts_buf *b, const char *s)
{
    size_t n = strlen(s), c = 0;
    for (size_t i = 0; i + n <= b->len; i++)
        c += !memcmp(b->data + i, s, n);
    return c;
}

TEST(report_escape)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    const char s[] = "<a href='x'>&\"\x01\n\xed\x95\x9c";
    CHECK_INT(ts_report_escape(&b, s, sizeof s - 1), 0);
    CHECK_INT(ts_buf_putc(&b, 0), 0);
    CHECK_STR(b.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xEF\xBF\xBD\n\xed\x95\x9c");
    ts_buf_release(&b);
}

TEST(report_bins)
{
    double v1[] = {0, 9, 10, 19, 20, 49, 50, 99, 100, 150, 250};
    ts_cstats_vec v = {v1, 11, 11};
    rep_bar b[24];
    /* edges 0 10 20 50 100 200; the last bin is open */
    CHECK_INT(rep_bins_125(&v, b, 20), 6);
    CHECK_STR(b[0].label, "0-10");
    CHECK_STR(b[4].label, "100-200");
    CHECK_STR(b[5].label, "200+");
    CHECK(b[0].n == 2 && b[1].n == 2 && b[2].n == 2 && b[3].n == 2 && b[4].n == 2 && b[5].n == 1);
    /* capped at 3 bins: the third takes everything from 20 on */
    CHECK_INT(rep_bins_125(&v, b, 3), 3);
    CHECK(b[2].n == 7);

    double v2[] = {2, 2, 4, 7, 30};
    v = (ts_cstats_vec){v2, 5, 5};
    CHECK_INT(rep_bins_int(&v, b, 4), 4); /* 2 3 4 5+ */
    CHECK_STR(b[3].label, "5+");
    CHECK(b[0].n == 2 && b[1].n == 0 && b[2].n == 1 && b[3].n == 2);

    double v3[] = {-2, 0, 0.5, 2};
    v = (ts_cstats_vec){v3, 4, 4};
    CHECK_INT(rep_bins_linear(&v, b, 4), 4); /* width 1: [-2,-1) [-1,0) [0,1) [1,2] */
    CHECK(b[0].n == 1 && b[1].n == 0 && b[2].n == 2 && b[3].n == 1);
    CHECK_STR(b[0].label, "-2..-1");
    double v4[] = {3, 3};
    v = (ts_cstats_vec){v4, 2, 2};
    CHECK_INT(rep_bins_linear(&v, b, 4), 1);
    CHECK(b[0].n == 2);
    v.n = 0;
    CHECK_INT(rep_bins_linear(&v, b, 4), 0);
}

TEST(report_page)
{
    ts_report r;
    ts_report_init(&r, 2, 1);
    ts_arena a;
    ts_arena_init(&a);
    CHECK_INT(add_sft(&r, &a, 0, "web", "en", "<script>alert(1)</script>"), 0);
    CHECK_INT(add_sft(&r, &a, 1, "web", "ko", "\xec\x95\x88\xeb\x85\x95"), 0);
    CHECK_INT(add_sft(&r, &a, 2, "book", "en", "hello"), 0);
    CHECK_INT(add(&r, &a,
                  "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],\"chosen\":[{\"role\":\"assistant\","
                  "\"content\":\"good\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"bad\"}],"
                  "\"score_chosen\":9,\"score_rejected\":2.5,\"id\":\"p/0\",\"source\":\"p\",\"meta\":{}}"),
              0);
    CHECK_INT(r.first_n, 2);
    CHECK_INT(r.random_n, 2);
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_report_html(&r, "A & B", &b), 0);
    CHECK(has(&b, "<title>A &amp; B</title>"));
    CHECK(has(&b, "4 records: 3 SFT, 1 preference"));
    /* the record text never reaches the page unescaped */
    CHECK(!has(&b, "<script>"));
    CHECK(has(&b, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    /* category bars with their counts */
    CHECK(has(&b, "<title>web: 2</title>"));
    CHECK(has(&b, "<title>en: 2</title>"));
    CHECK(has(&b, "<title>ko: 1</title>"));
    CHECK(has(&b, "<title>(none): 4</title>")); /* categories */
    /* turns: 3 SFT with 2 messages, 1 preference with prompt + chosen = 2 */
    CHECK(has(&b, "<title>2: 4</title>"));
    /* one score gap of 6.5 */
    CHECK(has(&b, "<title>6.5: 1</title>"));
    CHECK(has(&b, "<span class=\"score\">score 2.5</span>"));
    CHECK_INT(count(&b, "<svg "), 7);
    CHECK_INT(count(&b, "<details class=\"rec\">"), 4);
    CHECK(has(&b, "#3</span> <code>p/0</code>"));
    CHECK(has(&b, "</body></html>\n"));
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_report_release(&r);
}

/* Reservoir sampling: same seed, same sample; every record can be picked and
 * the picks are roughly uniform. */
TEST(report_sample)
{
    unsigned hits[100] = {0};
    for (uint64_t seed = 0; seed < 400; seed++) {
        ts_report r;
        ts_report_init(&r, 5, seed);
        ts_arena a;
        ts_arena_init(&a);
        for (int i = 0; i < 105; i++)
            CHECK_INT(add_sft(&r, &a, i, "s", "en", "x"), 0);
        CHECK_INT(r.first_n, 5);
        CHECK_INT(r.random_n, 5);
        for (size_t i = 0; i < 5; i++) {
            CHECK(r.first[i].index == i);
            CHECK(r.random[i].index >= 5 && r.random[i].index < 105);
            hits[r.random[i].index - 5]++;
            for (size_t j = 0; j < i; j++)
                CHECK(r.random[i].index != r.random[j].index);
        }
        ts_arena_release(&a);
        ts_report_release(&r);
    }
    /* 400 runs x 5 picks over 100 records: 20 expected each */
    for (int i = 0; i < 100; i++)
        CHECK(hits[i] >= 5 && hits[i] <= 40);
}

TEST(report_long_content_cut)
{
    ts_report r;
    ts_report_init(&r, 1, 0);
    ts_arena a;
    ts_arena_init(&a);
    /* 3 bytes per character, so the cut at TS_REPORT_MAX_CONTENT falls inside one */
    size_t n = 2000;
    char *rec = malloc(n * 3 + 200);
    CHECK(rec != NULL);
    size_t len = 0;
    memcpy(rec, "{\"text\":\"", 9);
    len = 9;
    for (size_t i = 0; i < n; i++, len += 3)
        memcpy(rec + len, "\xed\x95\x9c", 3);
    memcpy(rec + len, "\"}", 3);
    CHECK_INT(add(&r, &a, rec), 0);
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_report_html(&r, "t", &b), 0);
    /* 1333 whole characters = 3999 bytes shown, 2001 more */
    CHECK(has(&b, "(2001 more bytes)"));
    CHECK_INT(count(&b, "\xed\x95\x9c"), 1333);
    free(rec);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_report_release(&r);
}
