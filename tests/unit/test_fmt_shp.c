/* shp: pairs ordered by labels, the score_ratio filter and the per-post
 * cap (highest score_ratio first, file order on ties). */
#include <math.h>

#include "fmt_sink.h"
#include "test.h"

static const ts_format *shp(void) { return ts_format_find("shp"); }

static int run_fixture(double min_ratio, int64_t cap, fsink *s)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.min_score_ratio = min_ratio;
    o.max_pairs_per_post = cap;
    int rc = fs_run_file(s, shp(), &o, FIXTURE("shp/askscience/test.json"));
    return rc ? rc : s->rows;
}

/* Whether record i has id "shp/<ids>". */
static bool has_id(const fsink *s, int i, const char *ids)
{
    char want[128];
    snprintf(want, sizeof want, "\"id\":\"shp/%s\"", ids);
    return strstr(fs_rec(s, i), want) != NULL;
}

TEST(fmt_shp_fixture_defaults)
{
    fsink s = {0};
    CHECK_INT(run_fixture(-1, -1, &s), 9);
    CHECK_INT(s.reads, 9);
    CHECK_INT(s.emitted, 6);
    CHECK_INT(s.invalid, 0);
    CHECK_INT(fs_drops(&s, "score_ratio"), 2); /* 1.6 and 1.99; 2.0 stays */
    CHECK_INT(fs_drops(&s, "max_pairs_per_post"), 1);
    CHECK_INT(s.rejected, 0);
    CHECK_BALANCED(s);
    CHECK_STR(fs_rec(&s, 0),
              "{\"prompt\":[{\"role\":\"user\",\"content\":\"Why is the sky blue and not violet?\"}],"
              "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Rayleigh scattering favours short "
              "wavelengths; our eyes are less sensitive to violet.\"}],"
              "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Because of the ocean reflecting on it.\"}],"
              "\"score_chosen\":40,\"score_rejected\":10,\"id\":\"shp/p1sky/p1c1-p1c2\",\"source\":\"shp\","
              "\"meta\":{\"post_id\":\"p1sky\",\"domain\":\"askscience_test\",\"score_ratio\":4.0}}");
    /* labels 0: B is chosen, and the scores follow. */
    CHECK(has_id(&s, 1, "p1sky/p1c2-p1c4"));
    CHECK(strstr(fs_rec(&s, 1), "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Violet is scattered"));
    CHECK(strstr(fs_rec(&s, 1), "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Because of the ocean"));
    CHECK(strstr(fs_rec(&s, 1), "\"score_chosen\":30,\"score_rejected\":10,"));
    /* The cap kept the five best of p1sky, in file order; of the two 3.0
     * pairs the earlier one (p1c2-p1c4) stays, p1c4-p1c6 goes. */
    CHECK(has_id(&s, 2, "p1sky/p1c1-p1c5"));
    CHECK(has_id(&s, 3, "p1sky/p1c3-p1c5"));
    CHECK(has_id(&s, 4, "p1sky/p1c4-p1c5"));
    CHECK(has_id(&s, 5, "p2mag/p2d2-p2d1"));
    CHECK(strstr(fs_rec(&s, 5), "\"score_chosen\":20,\"score_rejected\":10,"));
    fs_free(&s);
}

TEST(fmt_shp_options)
{
    fsink s = {0};
    /* No cap: every pair with ratio >= 2. */
    CHECK_INT(run_fixture(-1, 0, &s), 9);
    CHECK_INT(s.emitted, 7);
    CHECK_INT(fs_drops(&s, "max_pairs_per_post"), 0);
    /* Cap 2: the two best of p1sky (8.0, 6.0), still in file order. */
    CHECK_INT(run_fixture(-1, 2, &s), 9);
    CHECK_INT(s.emitted, 3);
    CHECK(has_id(&s, 0, "p1sky/p1c1-p1c5"));
    CHECK(has_id(&s, 1, "p1sky/p1c4-p1c5"));
    CHECK(has_id(&s, 2, "p2mag/p2d2-p2d1"));
    CHECK_INT(fs_drops(&s, "max_pairs_per_post"), 4);
    /* No ratio filter: the cap now also removes the 1.6 pair. */
    CHECK_INT(run_fixture(0, -1, &s), 9);
    CHECK_INT(s.emitted, 7);
    CHECK_INT(fs_drops(&s, "score_ratio"), 0);
    CHECK_INT(fs_drops(&s, "max_pairs_per_post"), 2);
    CHECK_INT(s.reads, s.emitted + s.dropped);
    fs_free(&s);
}

static char *pair_row(char *buf, size_t cap, const char *post, int a, int b, double ratio)
{
    snprintf(buf, cap,
             "{\"post_id\":\"%s\",\"domain\":\"d\",\"history\":\"h\",\"c_root_id_A\":\"a%d\","
             "\"c_root_id_B\":\"b%d\",\"score_A\":%d,\"score_B\":%d,\"human_ref_A\":\"x\","
             "\"human_ref_B\":\"y\",\"labels\":1,\"score_ratio\":%g}",
             post, a, b, a, b, ratio);
    return buf;
}

TEST(fmt_shp_post_that_comes_back)
{
    char r[7][512];
    const char *rows[] = {
        pair_row(r[0], 512, "X", 1, 1, 3), pair_row(r[1], 512, "Y", 2, 1, 4),
        pair_row(r[2], 512, "X", 3, 1, 7), pair_row(r[3], 512, "X", 4, 1, 9),
        pair_row(r[4], 512, "X", 5, 1, 8), pair_row(r[5], 512, "Y", 6, 1, 2),
        pair_row(r[6], 512, "Z", 7, 1, 5),
    };
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.max_pairs_per_post = 2;
    fsink s = {0};
    CHECK_INT(fs_run(&s, shp(), &o, rows, 7), 0);
    /* X's first group wrote a1; when X returns only one more fits (the
     * 9.0 pair); Y returns with room for one more. */
    CHECK_INT(s.reads, 7);
    CHECK_INT(s.emitted, 5);
    CHECK(has_id(&s, 0, "X/a1-b1"));
    CHECK(has_id(&s, 1, "Y/a2-b1"));
    CHECK(has_id(&s, 2, "X/a4-b1"));
    CHECK(has_id(&s, 3, "Y/a6-b1"));
    CHECK(has_id(&s, 4, "Z/a7-b1"));
    CHECK_INT(fs_drops(&s, "max_pairs_per_post"), 2);
    CHECK_INT(s.invalid, 0);
    fs_free(&s);
}

TEST(fmt_shp_rejects_and_drops)
{
    const char *rows[] = {
        "{\"post_id\":\"p\",\"history\":\"h\",\"human_ref_A\":\"a\",\"human_ref_B\":\"b\",\"labels\":2,"
        "\"score_A\":3,\"score_B\":1,\"score_ratio\":3}",
        "{\"post_id\":\"p\",\"human_ref_A\":\"a\",\"human_ref_B\":\"b\",\"labels\":1,"
        "\"score_A\":3,\"score_B\":1,\"score_ratio\":3}",
        "{\"post_id\":\"p\",\"history\":\"h\",\"human_ref_A\":\"a\",\"human_ref_B\":\"b\",\"labels\":1,"
        "\"score_A\":\"3\",\"score_B\":1,\"score_ratio\":3}",
        "{\"post_id\":\"p\",\"history\":\"\",\"human_ref_A\":\"a\",\"human_ref_B\":\"b\",\"labels\":0,"
        "\"score_A\":1,\"score_B\":3,\"score_ratio\":3}",
        "{\"post_id\":\"p\",\"history\":\"h\",\"human_ref_A\":\"a\",\"human_ref_B\":\"b\",\"labels\":0,"
        "\"score_A\":1,\"score_B\":3,\"score_ratio\":3}",
    };
    ts_import_opts o;
    ts_import_opts_init(&o);
    fsink s = {0};
    CHECK_INT(fs_run(&s, shp(), &o, rows, 5), 0);
    CHECK_INT(s.rejected, 3);
    CHECK_STR(s.last_reject, "field 'score_A' must be a number");
    CHECK_INT(fs_drops(&s, "empty_text"), 1);
    CHECK_INT(s.emitted, 1);
    /* No comment ids: the id falls back to the row number. */
    CHECK(has_id(&s, 0, "4"));
    CHECK(strstr(fs_rec(&s, 0), "\"chosen\":[{\"role\":\"assistant\",\"content\":\"b\"}]"));
    CHECK(strstr(fs_rec(&s, 0), "\"meta\":{\"post_id\":\"p\",\"score_ratio\":3}"));
    /* Rejected rows are counted by the driver, not as reads. */
    CHECK_INT(s.reads, 2);
    fs_free(&s);
}

TEST(fmt_shp_detect_and_open)
{
    char row[512];
    pair_row(row, sizeof row, "p", 1, 2, 2);
    int score = 0;
    CHECK(fs_best(row, &score) == shp());
    CHECK(score >= 90);
    CHECK(shp()->aggregates);
    CHECK_STR(shp()->unit, "pair");
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.min_score_ratio = NAN;
    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(shp()->open(&st, &o, &e), TS_EINVAL);
}
