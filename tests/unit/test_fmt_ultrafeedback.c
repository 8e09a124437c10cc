/* ultrafeedback: binarizing raw rows (scores, ties, "N/A", the seeded
 * rejected pick) and importing the binarized edition. */
#include "fmt_sink.h"
#include "test.h"

#define RAW FIXTURE("ultrafeedback/ultrafeedback_raw.jsonl")
#define BIN FIXTURE("ultrafeedback/binarized/test_prefs.jsonl")

static const ts_format *uf(void) { return ts_format_find("ultrafeedback"); }

static int run_file(const char *path, const ts_import_opts *o, fsink *s)
{
    int rc = fs_run_file(s, uf(), o, path);
    return rc ? rc : s->rows;
}

static ts_import_opts opts(void)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    return o;
}

/* The meta.rejected_model of record i, or "" (into buf). */
static const char *rejected_model(const fsink *s, int i, char *buf, size_t cap)
{
    const char *p = strstr(fs_rec(s, i), "\"rejected_model\":\"");
    buf[0] = 0;
    if (p) {
        p += strlen("\"rejected_model\":\"");
        snprintf(buf, cap, "%.*s", (int)strcspn(p, "\""), p);
    }
    return buf;
}

TEST(fmt_ultrafeedback_raw_defaults)
{
    ts_import_opts o = opts();
    fsink s = {0};
    CHECK_INT(run_file(RAW, &o, &s), 4);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(s.invalid, 0);
    CHECK_INT(fs_drops(&s, "no_lower_score"), 1);        /* truthful_qa: all 4.0 */
    CHECK_INT(fs_drops(&s, "fewer_than_two_scored"), 1); /* sharegpt: one all "N/A" */
    CHECK_BALANCED(s);
    /* Mean of the aspects: gpt-4 (4.75) is best; the pick is one of the
     * three lower ones. */
    const char *r0 = fs_rec(&s, 0);
    CHECK(strstr(r0, "\"score_chosen\":4.75,"));
    CHECK(strstr(r0, "\"chosen_model\":\"gpt-4\""));
    char m[64];
    rejected_model(&s, 0, m, sizeof m);
    CHECK(!strcmp(m, "alpaca-7b") || !strcmp(m, "starchat") || !strcmp(m, "pythia-12b"));
    /* Tie for best (4.5): the first wins; the all-"N/A" completion takes
     * no part, so falcon (3.0) is the only lower one. */
    CHECK_STR(fs_rec(&s, 1),
              "{\"prompt\":[{\"role\":\"user\",\"content\":\"Translate to French: good morning\"}],"
              "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Bonjour\"}],"
              "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Bon matin\"}],"
              "\"score_chosen\":4.5,\"score_rejected\":3,\"id\":\"ultrafeedback/1\",\"source\":\"ultrafeedback\","
              "\"meta\":{\"source\":\"flan_v2_niv2\",\"chosen_model\":\"vicuna-33b\",\"rejected_model\":"
              "\"falcon-40b-instruct\",\"chosen_ratings\":{\"instruction_following\":5,\"honesty\":4,"
              "\"truthfulness\":5,\"helpfulness\":4},\"rejected_ratings\":{\"instruction_following\":3,"
              "\"honesty\":3,\"truthfulness\":3,\"helpfulness\":3}}}");
    fs_free(&s);
}

TEST(fmt_ultrafeedback_rejected_worst)
{
    ts_import_opts o = opts();
    o.rejected = "worst";
    fsink s = {0};
    CHECK_INT(run_file(RAW, &o, &s), 4);
    CHECK_INT(s.emitted, 2);
    CHECK_STR(fs_rec(&s, 0),
              "{\"prompt\":[{\"role\":\"user\",\"content\":\"Explain what a hash table is in two sentences.\"}],"
              "\"chosen\":[{\"role\":\"assistant\",\"content\":\"A hash table maps keys to values through a hash "
              "function. Lookups take constant time on average.\"}],"
              "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Tables are furniture.\"}],"
              "\"score_chosen\":4.75,\"score_rejected\":1.25,\"id\":\"ultrafeedback/0\",\"source\":\"ultrafeedback\","
              "\"meta\":{\"source\":\"evol_instruct\",\"chosen_model\":\"gpt-4\",\"rejected_model\":\"pythia-12b\","
              "\"chosen_ratings\":{\"instruction_following\":5,\"honesty\":5,\"truthfulness\":5,\"helpfulness\":4},"
              "\"rejected_ratings\":{\"instruction_following\":1,\"honesty\":1,\"truthfulness\":1,\"helpfulness\":2}}}");
    fs_free(&s);
}

/* One best completion (5) and four lower ones with different scores. */
static const char *spread_row =
    "{\"source\":\"flan\",\"instruction\":\"q\",\"completions\":["
    "{\"model\":\"m0\",\"response\":\"r0\",\"overall_score\":2},"
    "{\"model\":\"m1\",\"response\":\"r1\",\"overall_score\":5},"
    "{\"model\":\"m2\",\"response\":\"r2\",\"overall_score\":1},"
    "{\"model\":\"m3\",\"response\":\"r3\",\"overall_score\":4},"
    "{\"model\":\"m4\",\"response\":\"r4\",\"overall_score\":3}]}";

/* The model picked as rejected for spread_row at the given row position. */
static int pick(uint64_t seed, int position)
{
    const char *rows[3] = {spread_row, spread_row, spread_row};
    ts_import_opts o = opts();
    o.score = "overall";
    o.seed = seed;
    fsink s = {0};
    if (fs_run(&s, uf(), &o, rows, position + 1) || s.emitted != position + 1)
        return -1;
    char m[64];
    rejected_model(&s, position, m, sizeof m);
    fs_free(&s);
    return m[0] == 'm' ? m[1] - '0' : -1;
}

TEST(fmt_ultrafeedback_seeded_random_pick)
{
    int seen[5] = {0};
    for (uint64_t seed = 0; seed < 40; seed++) {
        int p = pick(seed, 0);
        CHECK(p == 0 || p == 2 || p == 3 || p == 4); /* never the best, m1 */
        CHECK_INT(pick(seed, 0), p);                  /* same seed, same pick */
        seen[p]++;
    }
    /* Different seeds reach every lower completion. */
    CHECK(seen[0] && seen[2] && seen[3] && seen[4]);
    /* The row number is mixed in: the same row at another position may get another pick. */
    int differs = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        int p2 = pick(seed, 2);
        CHECK(p2 >= 0);
        differs += p2 != pick(seed, 0);
    }
    CHECK(differs > 0);
}

TEST(fmt_ultrafeedback_score_modes)
{
    ts_import_opts o = opts();
    o.score = "overall";
    o.rejected = "worst";
    fsink s = {0};
    /* overall_score exists even where every aspect is "N/A". */
    CHECK_INT(run_file(RAW, &o, &s), 4);
    CHECK_INT(s.emitted, 4);
    CHECK(strstr(fs_rec(&s, 0), "\"score_chosen\":8.5,\"score_rejected\":3,"));
    CHECK(strstr(fs_rec(&s, 1), "\"chosen_model\":\"vicuna-33b\",\"rejected_model\":\"ultralm-65b\""));
    CHECK(strstr(fs_rec(&s, 1), "\"rejected_ratings\":{\"instruction_following\":null,\"honesty\":null,"));
    CHECK(strstr(fs_rec(&s, 2), "\"chosen_model\":\"llama-2-7b-chat\",\"rejected_model\":\"bard\""));
    CHECK_INT(s.invalid, 0);
    /* One aspect: starchat's honesty is "N/A", so it takes no part. */
    o.score = "honesty";
    o.rejected = "worst";
    CHECK_INT(run_file(RAW, &o, &s), 4);
    CHECK(strstr(fs_rec(&s, 0), "\"score_chosen\":5,\"score_rejected\":1,"));
    /* --drop-source (spaces allowed) is checked before scoring. */
    o.score = "overall";
    o.drop_source = "truthful_qa, sharegpt";
    CHECK_INT(run_file(RAW, &o, &s), 4);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(fs_drops(&s, "source_dropped"), 2);
    fs_free(&s);
}

TEST(fmt_ultrafeedback_binarized)
{
    ts_import_opts o = opts();
    fsink s = {0};
    CHECK_INT(run_file(BIN, &o, &s), 3);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(fs_drops(&s, "identical"), 1);
    CHECK_INT(s.invalid, 0);
    CHECK_STR(fs_rec(&s, 0),
              "{\"prompt\":[{\"role\":\"user\",\"content\":\"Name the largest planet.\"}],"
              "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Jupiter is the largest planet in the Solar System.\"}],"
              "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Saturn.\"}],"
              "\"score_chosen\":9.0,\"score_rejected\":3.5,\"id\":\"ultrafeedback/4c2b1a0e9f5d\","
              "\"source\":\"ultrafeedback\",\"meta\":{}}");
    /* A shared system turn and history stay in the prompt; sides without
     * the user turn take it from 'prompt'. */
    const char *rows[] = {
        "{\"prompt\":\"b\",\"chosen\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"a\"},"
        "{\"role\":\"assistant\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"b\"},"
        "{\"role\":\"assistant\",\"content\":\"good\"}],\"rejected\":[{\"role\":\"system\",\"content\":\"s\"},"
        "{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"x\"},"
        "{\"role\":\"user\",\"content\":\"b\"},{\"role\":\"assistant\",\"content\":\"bad\"}]}",
        "{\"prompt\":\"p\",\"chosen\":[{\"role\":\"assistant\",\"content\":\"y\"}],"
        "\"rejected\":[{\"role\":\"assistant\",\"content\":\"n\"}],\"score_chosen\":2,\"score_rejected\":1}",
        "{\"prompt\":\"p\",\"chosen\":[{\"role\":\"bot\",\"content\":\"y\"}],\"rejected\":[]}",
        "{\"chosen\":[{\"role\":\"assistant\",\"content\":\"y\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"n\"}]}",
    };
    CHECK_INT(fs_run(&s, uf(), &o, rows, 4), 0);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(s.invalid, 0);
    CHECK_BALANCED(s);
    CHECK(strstr(fs_rec(&s, 0), "\"prompt\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"a\"},"
                                 "{\"role\":\"assistant\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"b\"}],"
                                 "\"chosen\":[{\"role\":\"assistant\",\"content\":\"good\"}],"
                                 "\"rejected\":[{\"role\":\"assistant\",\"content\":\"bad\"}],\"id\":\"ultrafeedback/0\""));
    CHECK(strstr(fs_rec(&s, 1), "\"prompt\":[{\"role\":\"user\",\"content\":\"p\"}],"
                                 "\"chosen\":[{\"role\":\"assistant\",\"content\":\"y\"}],"
                                 "\"rejected\":[{\"role\":\"assistant\",\"content\":\"n\"}],"
                                 "\"score_chosen\":2,\"score_rejected\":1,"));
    CHECK_INT(s.rejected, 2);
    CHECK_STR(s.last_reject, "no user turn shared by chosen and rejected, and no 'prompt'");
    fs_free(&s);
}

TEST(fmt_ultrafeedback_kind_sft)
{
    ts_import_opts o = opts();
    o.kind = TS_KIND_SFT;
    o.rejected = "worst";
    const char *paths[] = {RAW, BIN, NULL};
    fsink s = {0};
    CHECK_INT(fs_run_files(&s, uf(), &o, paths), 0);
    CHECK_INT(s.rows, 7);
    CHECK_INT(s.emitted, 4);
    CHECK_INT(s.invalid, 0);
    CHECK_STR(fs_rec(&s, 1),
              "{\"messages\":[{\"role\":\"user\",\"content\":\"Translate to French: good morning\"},"
              "{\"role\":\"assistant\",\"content\":\"Bonjour\"}],\"id\":\"ultrafeedback/1\","
              "\"source\":\"ultrafeedback\",\"meta\":{\"source\":\"flan_v2_niv2\",\"model\":\"vicuna-33b\","
              "\"score\":4.5,\"ratings\":{\"instruction_following\":5,\"honesty\":4,\"truthfulness\":5,"
              "\"helpfulness\":4}}}");
    CHECK_STR(fs_rec(&s, 2),
              "{\"messages\":[{\"role\":\"user\",\"content\":\"Name the largest planet.\"},"
              "{\"role\":\"assistant\",\"content\":\"Jupiter is the largest planet in the Solar System.\"}],"
              "\"id\":\"ultrafeedback/4c2b1a0e9f5d\",\"source\":\"ultrafeedback\",\"meta\":{\"score\":9.0}}");
    fs_free(&s);
}

TEST(fmt_ultrafeedback_open_and_detect)
{
    ts_import_opts o = opts();
    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    o.score = "foo";
    CHECK_INT(uf()->open(&st, &o, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "--score") && strstr(e.msg, "'foo'"));
    o = opts();
    o.rejected = "best";
    CHECK_INT(uf()->open(&st, &o, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "--rejected"));
    o = opts();
    o.score = "truthfulness";
    CHECK_INT(uf()->open(&st, &o, &e), 0);
    uf()->close(st);

    CHECK(fs_best(spread_row, NULL) == uf());
    const char *bin = "{\"prompt\":\"p\",\"prompt_id\":\"1\",\"chosen\":[],\"rejected\":[],\"messages\":[],"
                      "\"score_chosen\":1,\"score_rejected\":0}";
    CHECK(fs_best(bin, NULL) == uf());
}
