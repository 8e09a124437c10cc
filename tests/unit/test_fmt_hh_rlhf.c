/* hh-rlhf: transcripts split into turns, the shared prefix up to a user
 * turn as the prompt, the rest as chosen / rejected. */
#include "fmt_sink.h"
#include "test.h"

static const ts_format *hh(void) { return ts_format_find("hh-rlhf"); }

static int run1(const char *row, fsink *s) { return fs_run(s, hh(), NULL, &row, 1); }

TEST(fmt_hh_rlhf_fixture_plain_and_gz)
{
    const char *files[] = {FIXTURE("hh-rlhf/helpful-base/test.jsonl"),
                           FIXTURE("hh-rlhf/helpful-base/test.jsonl.gz")};
    char *first[5] = {0};
    for (int f = 0; f < 2; f++) {
        fsink s = {0};
        CHECK_INT(fs_run_file(&s, hh(), NULL, files[f]), 0);
        CHECK_INT(s.rows, 9);
        CHECK_INT(s.emitted, 5);
        CHECK_INT(s.invalid, 0);
        CHECK_INT(fs_drops(&s, "identical"), 1);
        CHECK_INT(fs_drops(&s, "empty_response"), 1);
        CHECK_INT(fs_drops(&s, "not_alternating"), 1);
        CHECK_INT(s.rejected, 1);
        CHECK_STR(s.last_reject, "missing field 'rejected'");
        CHECK_INT(s.emitted + s.dropped + s.rejected, s.rows);
        CHECK_BALANCED(s);
        /* Parted after the first question: the sides hold three turns. */
        CHECK_STR(fs_rec(&s, 2),
                  "{\"prompt\":[{\"role\":\"user\",\"content\":\"Can you help me plan a trip?\"}],"
                  "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Sure. Where would you like to go?\"},"
                  "{\"role\":\"user\",\"content\":\"Somewhere warm.\"},"
                  "{\"role\":\"assistant\",\"content\":\"Lisbon is mild in spring.\"}],"
                  "\"rejected\":[{\"role\":\"assistant\",\"content\":\"No.\"},"
                  "{\"role\":\"user\",\"content\":\"Why not?\"},"
                  "{\"role\":\"assistant\",\"content\":\"I just can't.\"}],"
                  "\"id\":\"hh-rlhf/helpful-base/test/2\",\"source\":\"hh-rlhf\","
                  "\"meta\":{\"subset\":\"helpful-base\"}}");
        /* Blank lines and a mid-line "Human:" stay inside their turn. */
        CHECK(strstr(fs_rec(&s, 3), "\"content\":\"Give me two tips.\\n\\nKeep them short.\""));
        CHECK(strstr(fs_rec(&s, 3), "\"content\":\"1. Sleep well.\\n\\n2. Drink water.  Human: is that all?\""));
        /* "\n\nHuman:" then a newline: the newline is text; a second space too. */
        CHECK(strstr(fs_rec(&s, 4), "\"prompt\":[{\"role\":\"user\",\"content\":\"\\nwhat is 2+2?\"}]"));
        CHECK(strstr(fs_rec(&s, 4), "\"chosen\":[{\"role\":\"assistant\",\"content\":\" It is 4.\"}]"));
        CHECK(strstr(fs_rec(&s, 1), "{\"role\":\"assistant\",\"content\":\"Red.\"},{\"role\":\"user\",\"content\":\"Another one?\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"Blue.\"}]"));
        for (int i = 0; i < 5; i++) {
            if (!f)
                first[i] = strdup(fs_rec(&s, i));
            else
                CHECK_STR(fs_rec(&s, i), first[i]);
        }
        fs_free(&s);
    }
    for (int i = 0; i < 5; i++)
        free(first[i]);
}

TEST(fmt_hh_rlhf_marker_without_space)
{
    fsink s = {0};
    /* Text right after the colon, and a turn with no text at all. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman:hi there\\n\\nAssistant:hello\","
                   "\"rejected\":\"\\n\\nHuman:hi there\\n\\nAssistant:go away\"}", &s), 0);
    CHECK_INT(s.emitted, 1);
    CHECK(strstr(fs_rec(&s, 0), "\"prompt\":[{\"role\":\"user\",\"content\":\"hi there\"}],"
                                 "\"chosen\":[{\"role\":\"assistant\",\"content\":\"hello\"}],"
                                 "\"rejected\":[{\"role\":\"assistant\",\"content\":\"go away\"}]"));
    fs_free(&s);
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman:\\n\\nAssistant: a\",\"rejected\":\"\\n\\nHuman:\\n\\nAssistant: b\"}",
                   &s), 0);
    CHECK_INT(fs_drops(&s, "empty_turn"), 1);
    /* A bare "Human: " at the very start is accepted too. */
    CHECK_INT(run1("{\"chosen\":\"Human: q\\n\\nAssistant: a\",\"rejected\":\"Human: q\\n\\nAssistant: b\"}",
                   &s), 0);
    CHECK_INT(s.emitted, 1);
    CHECK(strstr(fs_rec(&s, 0), "\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}]"));
    fs_free(&s);
}

TEST(fmt_hh_rlhf_pairing_rules)
{
    fsink s = {0};
    /* No shared first question: nothing to use as the prompt. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: c\\n\\nAssistant: d\"}",
                   &s), 0);
    CHECK_INT(fs_drops(&s, "no_common_prompt"), 1);
    /* One side stops at the prompt. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: a\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: d\"}",
                   &s), 0);
    CHECK_INT(fs_drops(&s, "empty_response"), 1);
    /* Opens with the assistant. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nAssistant: a\\n\\nHuman: b\",\"rejected\":\"\\n\\nAssistant: a\\n\\nHuman: c\"}",
                   &s), 0);
    CHECK_INT(fs_drops(&s, "first_turn_not_user"), 1);
    /* Shared through an assistant turn: the prompt backs off to the user turn. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: q\\n\\nAssistant: same\\n\\nHuman: more\","
                   "\"rejected\":\"\\n\\nHuman: q\\n\\nAssistant: same\\n\\nHuman: other\\n\\nAssistant: x\"}",
                   &s), 0);
    CHECK_INT(s.emitted, 1);
    CHECK(strstr(fs_rec(&s, 0), "\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                                 "\"chosen\":[{\"role\":\"assistant\",\"content\":\"same\"},"
                                 "{\"role\":\"user\",\"content\":\"more\"}],"));
    CHECK_INT(s.invalid, 0);
    fs_free(&s);
}

TEST(fmt_hh_rlhf_rejects)
{
    fsink s = {0};
    CHECK_INT(run1("{\"chosen\":\"preamble\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: c\"}",
                   &s), 0);
    CHECK_INT(s.rejected, 1);
    CHECK_STR(s.last_reject, "chosen: text before the first \"\\n\\nHuman:\" turn");
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"no turns\"}", &s), 0);
    CHECK_INT(s.rejected, 1);
    CHECK(strstr(s.last_reject, "rejected: no "));
    CHECK_INT(run1("{\"chosen\":3,\"rejected\":\"x\"}", &s), 0);
    CHECK_STR(s.last_reject, "field 'chosen' must be a string");
    CHECK_INT(run1("[1]", &s), 0);
    CHECK_INT(s.rejected, 1);
}

TEST(fmt_hh_rlhf_red_team_schema_is_fatal)
{
    fsink s = {0};
    const char *path = FIXTURE("hh-rlhf/red-team-attempts/red_team_attempts.json");
    CHECK_INT(fs_run_file(&s, hh(), NULL, path), TS_ESCHEMA);
    CHECK(strstr(s.err.msg, "not an HH-RLHF preference file"));
    CHECK(strstr(s.err.msg, "red-team-attempts"));
    CHECK(strstr(s.err.msg, "{chosen, rejected}"));
    CHECK_INT(s.emitted, 0);
}

TEST(fmt_hh_rlhf_ids_from_path)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    const ts_format *f = hh();
    void *st;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(f->open(&st, &o, &e), 0);
    ts_arena a;
    ts_arena_init(&a);
    fsink s = {0};
    ts_sink sink = fs_sink(&s);
    ts_json *v;
    const char *row = "{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: c\"}";
    CHECK_INT(ts_json_parse(row, strlen(row), &a, NULL, &v, &e), 0);
    const char *paths[] = {"data/harmless-base/train.jsonl.gz", "-"};
    for (int p = 0; p < 2; p++) {
        CHECK_INT(f->begin_file(st, paths[p], &e), 0);
        CHECK_INT(f->record(st, v, &sink, &a, &e), 0);
        CHECK_INT(f->record(st, v, &sink, &a, &e), 0);
    }
    f->close(st);
    ts_arena_release(&a);
    CHECK_INT(s.emitted, 4);
    CHECK(strstr(fs_rec(&s, 0), "\"id\":\"hh-rlhf/harmless-base/train/0\",\"source\":\"hh-rlhf\",\"meta\":{\"subset\":\"harmless-base\"}"));
    CHECK(strstr(fs_rec(&s, 1), "\"id\":\"hh-rlhf/harmless-base/train/1\""));
    CHECK(strstr(fs_rec(&s, 2), "\"id\":\"hh-rlhf/0\",\"source\":\"hh-rlhf\",\"meta\":{}"));
    CHECK(strstr(fs_rec(&s, 3), "\"id\":\"hh-rlhf/1\""));
    fs_free(&s);
}

TEST(fmt_hh_rlhf_detect)
{
    const char *hhrow = "{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: c\"}";
    int score = 0;
    CHECK(fs_best(hhrow, &score) == hh());
    CHECK(score >= 90);
    const char *red = "{\"transcript\":\"\\n\\nHuman: a\",\"min_harmlessness_score_transcript\":1}";
    CHECK_INT(fs_detect(hh(), red), 0);
}
