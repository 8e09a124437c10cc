/* The oasst1 importer, driven through its vtable with a recording sink.
 * Fixtures: tests/fixtures/oasst1/messages.jsonl (the message table, rows
 * out of order) and trees.jsonl (the same trees as tree export lines and
 * bare nested messages). Trees there:
 *   t1 (en): ranked, unranked, deleted (with subtree), review_result false
 *            and null, two prompter leaves under t1-a0 (one duplicate thread);
 *   t2 (ko): a rank tie and an assistant reply to an assistant;
 *   t3: tree_state aborted_low_grade;  t4: a prompt nobody answered;
 *   orphan-a, orphan-a-u: their root is not in the data. */
#include "fmt_sink.h"
#include "test.h"

extern const ts_format ts_format_oasst1;

static ts_import_opts opts(ts_kind kind, int top_k, const char *pairs, const char *lang)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.kind = kind;
    o.top_k = top_k;
    o.pairs = pairs;
    o.lang = lang;
    return o;
}

static int run(const char *const *paths, const ts_import_opts *o, fsink *s)
{
    return fs_run_files(s, &ts_format_oasst1, o, paths);
}

static const char *const TABLE[] = {FIXTURE("oasst1/messages.jsonl"), NULL};
static const char *const NESTED[] = {FIXTURE("oasst1/trees.jsonl"), NULL};

TEST(oasst1_sft_threads)
{
    fsink s = {0};
    ts_import_opts o = opts(TS_KIND_DEFAULT, 0, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t1-a0-u-b1,oasst1/t1-a0-u-b0,oasst1/t1-a0-u-b2,oasst1/t1-a0-u-bn,"
                     "oasst1/t1-a0,oasst1/t1-a2,oasst1/t1-pending,oasst1/t2-a1,oasst1/t2-a1b");
    CHECK_STR(fs_rec(&s, 0),
              "{\"messages\":[{\"role\":\"user\",\"content\":\"What is a tree?\"},"
              "{\"role\":\"assistant\",\"content\":\"A tree is a tall plant with a woody trunk and branches.\"},"
              "{\"role\":\"user\",\"content\":\"How tall do they grow?\"},"
              "{\"role\":\"assistant\",\"content\":\"Most trees grow to between 5 and 30 metres.\"}],"
              "\"id\":\"oasst1/t1-a0-u-b1\",\"source\":\"oasst1\",\"meta\":{\"message_tree_id\":\"t1\","
              "\"lang\":\"en\",\"message_ids\":[\"t1\",\"t1-a0\",\"t1-a0-u\",\"t1-a0-u-b1\"],\"ranks\":[0,1]}}");
    CHECK(strstr(fs_rec(&s, 3), "\"ranks\":[0,null]}"));
    /* The prompter leaf "Thanks!" is trimmed: the thread ends at t1-a0. */
    CHECK(strstr(fs_rec(&s, 4), "\"messages\":[{\"role\":\"user\",\"content\":\"What is a tree?\"},"
                           "{\"role\":\"assistant\",\"content\":\"A tree is a tall plant with a woody trunk and "
                           "branches.\"}],\"id\":\"oasst1/t1-a0\""));
    CHECK(strstr(fs_rec(&s, 4), "\"message_ids\":[\"t1\",\"t1-a0\"],\"ranks\":[0]}"));
    /* review_result null is no verdict: t1-pending is kept. */
    CHECK(strstr(fs_rec(&s, 6), "\"ranks\":[null]}"));
    CHECK(strstr(fs_rec(&s, 7), "\"message_tree_id\":\"t2\",\"lang\":\"ko\""));
    CHECK_INT(s.invalid, 0);
    CHECK_INT(s.rejected, 0);
    CHECK_INT(fs_drops(&s, "duplicate_thread"), 1);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    CHECK_INT(fs_drops(&s, "no_assistant_turn"), 1);
    CHECK_INT(fs_drops(&s, "deleted"), 1);
    CHECK_INT(fs_drops(&s, "review_failed"), 1);
    CHECK_INT(fs_drops(&s, "pruned_with_parent"), 3);
    CHECK_INT(fs_drops(&s, "tree_not_ready"), 2);
    CHECK_INT(fs_drops(&s, "orphan"), 2);
    CHECK_INT(fs_drops(&s, NULL), 12);
    CHECK_BALANCED(s);
    fs_free(&s);
}

TEST(oasst1_sft_top_k)
{
    fsink s = {0};
    ts_import_opts o = opts(TS_KIND_SFT, 1, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t1-a0-u-b0,oasst1/t1-a0");
    CHECK(strstr(fs_rec(&s, 0), "\"message_ids\":[\"t1\",\"t1-a0\",\"t1-a0-u\",\"t1-a0-u-b0\"],\"ranks\":[0,0]}"));
    /* rank >= 1: t1-a2, b1, b2, t2-a1, t2-a1b; unranked beside ranked:
     * t1-pending, bn. t2-a0-a has no ranked sibling, so it is followed. */
    CHECK_INT(fs_drops(&s, "top_k"), 5);
    CHECK_INT(fs_drops(&s, "top_k_unranked"), 2);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    CHECK_INT(fs_drops(&s, "duplicate_thread"), 1);
    CHECK_INT(s.invalid, 0);
    CHECK_BALANCED(s);
    fs_free(&s);
}

TEST(oasst1_pref_all)
{
    fsink s = {0};
    ts_import_opts o = opts(TS_KIND_PREF, 0, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t1-a0/t1-a2,"
                     "oasst1/t1-a0-u-b0/t1-a0-u-b1,oasst1/t1-a0-u-b0/t1-a0-u-b2,oasst1/t1-a0-u-b1/t1-a0-u-b2,"
                     "oasst1/t2-a0/t2-a1,oasst1/t2-a0/t2-a1b");
    CHECK_STR(fs_rec(&s, 1),
              "{\"prompt\":[{\"role\":\"user\",\"content\":\"What is a tree?\"},"
              "{\"role\":\"assistant\",\"content\":\"A tree is a tall plant with a woody trunk and branches.\"},"
              "{\"role\":\"user\",\"content\":\"How tall do they grow?\"}],"
              "\"chosen\":[{\"role\":\"assistant\",\"content\":\"It depends on the species: coast redwoods pass "
              "100 metres, most trees stay under 30.\"}],"
              "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Most trees grow to between 5 and 30 metres.\"}],"
              "\"id\":\"oasst1/t1-a0-u-b0/t1-a0-u-b1\",\"source\":\"oasst1\",\"meta\":{\"message_tree_id\":\"t1\","
              "\"lang\":\"en\",\"message_ids\":[\"t1\",\"t1-a0\",\"t1-a0-u\"],\"chosen_id\":\"t1-a0-u-b0\","
              "\"rejected_id\":\"t1-a0-u-b1\",\"rank_chosen\":0,\"rank_rejected\":1}}");
    /* t2-a1 and t2-a1b share rank 1. */
    CHECK_INT(fs_drops(&s, "rank_tie"), 1);
    CHECK_INT(fs_drops(&s, "deleted"), 1);
    CHECK_INT(s.invalid, 0);
    CHECK_BALANCED(s);
    fs_free(&s);
}

TEST(oasst1_pref_adjacent_and_best_worst)
{
    fsink s = {0};
    ts_import_opts o = opts(TS_KIND_PREF, 0, "adjacent", NULL);
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t1-a0/t1-a2,oasst1/t1-a0-u-b0/t1-a0-u-b1,oasst1/t1-a0-u-b1/t1-a0-u-b2,"
                     "oasst1/t2-a0/t2-a1");
    CHECK(strstr(fs_rec(&s, 2), "\"rank_chosen\":1,\"rank_rejected\":2}"));
    CHECK_INT(fs_drops(&s, "rank_tie"), 1);
    CHECK_BALANCED(s);
    fs_free(&s);

    o = opts(TS_KIND_PREF, 0, "best-worst", NULL);
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t1-a0/t1-a2,oasst1/t1-a0-u-b0/t1-a0-u-b2,oasst1/t2-a0/t2-a1b");
    CHECK_INT(fs_drops(&s, "rank_tie"), 0);
    CHECK_INT(s.invalid, 0);
    CHECK_BALANCED(s);
    fs_free(&s);

    /* --top-k prunes first: no user message keeps two ranked replies. */
    o = opts(TS_KIND_PREF, 1, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_INT(s.emitted, 0);
    CHECK_BALANCED(s);
    fs_free(&s);
}

TEST(oasst1_lang)
{
    fsink s = {0};
    ts_import_opts o = opts(TS_KIND_SFT, 0, NULL, "ko");
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t2-a1,oasst1/t2-a1b");
    CHECK_INT(fs_drops(&s, "lang_filtered"), 17); /* t1's 16 messages and t4 */
    CHECK_INT(fs_drops(&s, "tree_not_ready"), 2);
    CHECK_BALANCED(s);
    fs_free(&s);

    o = opts(TS_KIND_SFT, 0, NULL, "de,en");
    CHECK_INT(run(TABLE, &o, &s), 0);
    CHECK_STR(s.ids, "oasst1/t1-a0-u-b1,oasst1/t1-a0-u-b0,oasst1/t1-a0-u-b2,oasst1/t1-a0-u-bn,"
                     "oasst1/t1-a0,oasst1/t1-a2,oasst1/t1-pending");
    CHECK_INT(fs_drops(&s, "lang_filtered"), 5);
    CHECK_BALANCED(s);
    fs_free(&s);
}

/* The tree export (and bare nested messages) give exactly what the
 * table gives, whatever the options. */
TEST(oasst1_nested_equals_table)
{
    ts_import_opts cases[] = {
        opts(TS_KIND_SFT, 0, NULL, NULL),       opts(TS_KIND_SFT, 1, NULL, NULL),
        opts(TS_KIND_SFT, 2, NULL, "ko,en"),    opts(TS_KIND_PREF, 0, NULL, NULL),
        opts(TS_KIND_PREF, 0, "adjacent", NULL), opts(TS_KIND_PREF, 0, "best-worst", "en"),
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        fsink a = {0}, b = {0};
        CHECK_INT(run(TABLE, &cases[c], &a), 0);
        CHECK_INT(run(NESTED, &cases[c], &b), 0);
        CHECK(a.emitted > 0 || cases[c].kind == TS_KIND_PREF);
        CHECK_INT(a.emitted, b.emitted);
        for (int i = 0; i < a.emitted; i++)
            CHECK_STR(fs_rec(&a, i), fs_rec(&b, i));
        CHECK_INT(a.reads + a.rejected, b.reads + b.rejected);
        CHECK_INT(a.ndrops, b.ndrops);
        for (int i = 0; i < a.ndrops; i++)
            CHECK_INT(fs_drops(&b, a.drops[i].name), a.drops[i].n);
        CHECK_INT(b.invalid, 0);
        fs_free(&a);
        fs_free(&b);
    }
}

/* Both forms together: every message of the second is a duplicate. */
TEST(oasst1_duplicate_messages)
{
    fsink one = {0}, two = {0};
    ts_import_opts o = opts(TS_KIND_SFT, 0, NULL, NULL);
    const char *const both[] = {FIXTURE("oasst1/trees.jsonl"), FIXTURE("oasst1/messages.jsonl"), NULL};
    CHECK_INT(run(NESTED, &o, &one), 0);
    CHECK_INT(run(both, &o, &two), 0);
    CHECK_STR(two.ids, one.ids);
    CHECK_INT(fs_drops(&two, "duplicate_message"), 26);
    CHECK_BALANCED(two);
    fs_free(&one);
    fs_free(&two);
}

/* One row in the SFT mode, then finish(). */
static int feed(const char *row, fsink *s)
{
    ts_import_opts o = opts(TS_KIND_SFT, 0, NULL, NULL);
    return fs_run(s, &ts_format_oasst1, &o, &row, 1);
}

TEST(oasst1_rejects)
{
    static const struct {
        const char *row, *why;
    } cases[] = {
        {"{\"message_id\":\"m\",\"parent_id\":null,\"text\":\"hi\",\"role\":\"system\"}",
         "message m: role must be prompter or assistant, not \"system\""},
        {"{\"parent_id\":null,\"text\":\"hi\",\"role\":\"prompter\"}",
         "neither a message (message_id) nor a tree (message_tree_id, prompt)"},
        {"{\"message_id\":\"m\",\"parent_id\":null,\"text\":7,\"role\":\"prompter\"}",
         "message m: text missing or not a string"},
        {"{\"message_id\":\"m\",\"parent_id\":null,\"text\":\"hi\",\"role\":\"prompter\",\"rank\":-1}",
         "message m: rank must be a non-negative integer or null"},
        /* One bad reply rejects the whole tree row. */
        {"{\"message_tree_id\":\"m\",\"tree_state\":\"ready_for_export\",\"prompt\":{\"message_id\":\"m\","
         "\"text\":\"hi\",\"role\":\"prompter\",\"replies\":[{\"message_id\":\"r\",\"text\":\"\","
         "\"role\":\"assistant\",\"replies\":[]}]}}",
         "message r: text is empty"},
        {"[1,2]", "a row must be a JSON object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fsink s = {0};
        CHECK_INT(feed(cases[i].row, &s), 0);
        CHECK_INT(s.rejected, 1);
        CHECK_INT(s.emitted, 0);
        CHECK_STR(s.last_reject, cases[i].why);
        CHECK_BALANCED(s);
    }
    /* A whole ranked pair in one nested row, with ranks spelled 0.0/1.0. */
    fsink s = {0};
    CHECK_INT(feed("{\"message_id\":\"q\",\"text\":\"hi\",\"role\":\"prompter\",\"replies\":["
                   "{\"message_id\":\"x\",\"text\":\"a\",\"role\":\"assistant\",\"rank\":1.0},"
                   "{\"message_id\":\"y\",\"text\":\"b\",\"role\":\"assistant\",\"rank\":0.0}]}", &s), 0);
    CHECK_STR(s.ids, "oasst1/x,oasst1/y");
    fs_free(&s);
}

TEST(oasst1_detect_and_options)
{
    const char *row = "{\"message_id\":\"m\",\"parent_id\":null,\"text\":\"hi\",\"role\":\"prompter\"}";
    const char *tree = "{\"message_tree_id\":\"m\",\"tree_state\":\"ready_for_export\",\"prompt\":{}}";
    CHECK(fs_best(row, NULL) == &ts_format_oasst1);
    CHECK(fs_best(tree, NULL) == &ts_format_oasst1);
    CHECK(ts_format_find("oasst1") == &ts_format_oasst1);

    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    ts_import_opts o = opts(TS_KIND_PREF, 0, "best", NULL);
    CHECK_INT(ts_format_oasst1.open(&st, &o, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "--pairs"));
}
