/* hh-rlhf: transcripts split into turns, the shared prefix up to a user
 * turn as the prompt, the rest as chosen / rejected. */
#include "pref_sink.h"
#include "test.h"

static const ts_format *hh(void) { return ts_format_find("hh-rlhf"); }

static int run1(const char *row, const char *path, psink *ps)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    ts_err e = TS_ERR_INIT;
    const char *rows[] = {row};
    return ps_run_rows(hh(), &o, path, rows, 1, ps, &e);
}

TEST(fmt_hh_rlhf_fixture_plain_and_gz)
{
    const char *files[] = {FIXTURE("hh-rlhf/helpful-base/test.jsonl"),
                           FIXTURE("hh-rlhf/helpful-base/test.jsonl.gz")};
    char *first[5] = {0};
    for (int f = 0; f < 2; f++) {
        ts_import_opts o;
        ts_import_opts_init(&o);
        psink ps = {0};
        ts_err e = TS_ERR_INIT;
        int rows = 0;
        CHECK_INT(ps_run_files(hh(), &o, &files[f], 1, &ps, &rows, &e), 0);
        CHECK_INT(rows, 9);
        CHECK_INT(ps.emitted, 5);
        CHECK_INT(ps.invalid, 0);
        CHECK_INT(ps_drops(&ps, "identical"), 1);
        CHECK_INT(ps_drops(&ps, "empty_response"), 1);
        CHECK_INT(ps_drops(&ps, "not_alternating"), 1);
        CHECK_INT(ps.rejected, 1);
        CHECK_STR(ps.last_reject, "missing field 'rejected'");
        CHECK_INT(ps.emitted + ps.dropped + ps.rejected, rows);
        /* Parted after the first question: the sides hold three turns. */
        CHECK_STR(ps_rec(&ps, 2),
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
        CHECK(strstr(ps_rec(&ps, 3), "\"content\":\"Give me two tips.\\n\\nKeep them short.\""));
        CHECK(strstr(ps_rec(&ps, 3), "\"content\":\"1. Sleep well.\\n\\n2. Drink water.  Human: is that all?\""));
        /* "\n\nHuman:" then a newline: the newline is text; a second space too. */
        CHECK(strstr(ps_rec(&ps, 4), "\"prompt\":[{\"role\":\"user\",\"content\":\"\\nwhat is 2+2?\"}]"));
        CHECK(strstr(ps_rec(&ps, 4), "\"chosen\":[{\"role\":\"assistant\",\"content\":\" It is 4.\"}]"));
        CHECK(strstr(ps_rec(&ps, 1), "{\"role\":\"assistant\",\"content\":\"Red.\"},{\"role\":\"user\",\"content\":\"Another one?\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"Blue.\"}]"));
        for (int i = 0; i < 5; i++) {
            if (!f)
                first[i] = strdup(ps_rec(&ps, i));
            else
                CHECK_STR(ps_rec(&ps, i), first[i]);
        }
        ps_release(&ps);
    }
    for (int i = 0; i < 5; i++)
        free(first[i]);
}

TEST(fmt_hh_rlhf_marker_without_space)
{
    psink ps = {0};
    /* Text right after the colon, and a turn with no text at all. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman:hi there\\n\\nAssistant:hello\","
                   "\"rejected\":\"\\n\\nHuman:hi there\\n\\nAssistant:go away\"}", NULL, &ps), 0);
    CHECK_INT(ps.emitted, 1);
    CHECK(strstr(ps_rec(&ps, 0), "\"prompt\":[{\"role\":\"user\",\"content\":\"hi there\"}],"
                                 "\"chosen\":[{\"role\":\"assistant\",\"content\":\"hello\"}],"
                                 "\"rejected\":[{\"role\":\"assistant\",\"content\":\"go away\"}]"));
    ps_release(&ps);
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman:\\n\\nAssistant: a\",\"rejected\":\"\\n\\nHuman:\\n\\nAssistant: b\"}",
                   NULL, &ps), 0);
    CHECK_INT(ps_drops(&ps, "empty_turn"), 1);
    /* A bare "Human: " at the very start is accepted too. */
    CHECK_INT(run1("{\"chosen\":\"Human: q\\n\\nAssistant: a\",\"rejected\":\"Human: q\\n\\nAssistant: b\"}",
                   NULL, &ps), 0);
    CHECK_INT(ps.emitted, 1);
    CHECK(strstr(ps_rec(&ps, 0), "\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}]"));
    ps_release(&ps);
}

TEST(fmt_hh_rlhf_pairing_rules)
{
    psink ps = {0};
    /* No shared first question: nothing to use as the prompt. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: c\\n\\nAssistant: d\"}",
                   NULL, &ps), 0);
    CHECK_INT(ps_drops(&ps, "no_common_prompt"), 1);
    /* One side stops at the prompt. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: a\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: d\"}", NULL, &ps), 0);
    CHECK_INT(ps_drops(&ps, "empty_response"), 1);
    /* Opens with the assistant. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nAssistant: a\\n\\nHuman: b\",\"rejected\":\"\\n\\nAssistant: a\\n\\nHuman: c\"}",
                   NULL, &ps), 0);
    CHECK_INT(ps_drops(&ps, "first_turn_not_user"), 1);
    /* Shared through an assistant turn: the prompt backs off to the user turn. */
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: q\\n\\nAssistant: same\\n\\nHuman: more\","
                   "\"rejected\":\"\\n\\nHuman: q\\n\\nAssistant: same\\n\\nHuman: other\\n\\nAssistant: x\"}",
                   NULL, &ps), 0);
    CHECK_INT(ps.emitted, 1);
    CHECK(strstr(ps_rec(&ps, 0), "\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                                 "\"chosen\":[{\"role\":\"assistant\",\"content\":\"same\"},"
                                 "{\"role\":\"user\",\"content\":\"more\"}],"));
    CHECK_INT(ps.invalid, 0);
    ps_release(&ps);
}

TEST(fmt_hh_rlhf_rejects)
{
    psink ps = {0};
    CHECK_INT(run1("{\"chosen\":\"preamble\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: c\"}",
                   NULL, &ps), 0);
    CHECK_INT(ps.rejected, 1);
    CHECK_STR(ps.last_reject, "chosen: text before the first \"\\n\\nHuman:\" turn");
    CHECK_INT(run1("{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"no turns\"}", NULL, &ps), 0);
    CHECK_INT(ps.rejected, 1);
    CHECK(strstr(ps.last_reject, "rejected: no "));
    CHECK_INT(run1("{\"chosen\":3,\"rejected\":\"x\"}", NULL, &ps), 0);
    CHECK_STR(ps.last_reject, "field 'chosen' must be a string");
    CHECK_INT(run1("[1]", NULL, &ps), 0);
    CHECK_INT(ps.rejected, 1);
}

TEST(fmt_hh_rlhf_red_team_schema_is_fatal)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    psink ps = {0};
    ts_err e = TS_ERR_INIT;
    int rows;
    const char *path = FIXTURE("hh-rlhf/red-team-attempts/red_team_attempts.json");
    CHECK_INT(ps_run_files(hh(), &o, &path, 1, &ps, &rows, &e), TS_ESCHEMA);
    CHECK(strstr(e.msg, "not an HH-RLHF preference file"));
    CHECK(strstr(e.msg, "red-team-attempts"));
    CHECK(strstr(e.msg, "{chosen, rejected}"));
    CHECK_INT(ps.emitted, 0);
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
    psink ps = {0};
    ts_sink sink = ps_sink(&ps);
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
    CHECK_INT(ps.emitted, 4);
    CHECK(strstr(ps_rec(&ps, 0), "\"id\":\"hh-rlhf/harmless-base/train/0\",\"source\":\"hh-rlhf\",\"meta\":{\"subset\":\"harmless-base\"}"));
    CHECK(strstr(ps_rec(&ps, 1), "\"id\":\"hh-rlhf/harmless-base/train/1\""));
    CHECK(strstr(ps_rec(&ps, 2), "\"id\":\"hh-rlhf/0\",\"source\":\"hh-rlhf\",\"meta\":{}"));
    CHECK(strstr(ps_rec(&ps, 3), "\"id\":\"hh-rlhf/1\""));
    ps_release(&ps);
}

TEST(fmt_hh_rlhf_detect)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    const char *hhrow = "{\"chosen\":\"\\n\\nHuman: a\\n\\nAssistant: b\",\"rejected\":\"\\n\\nHuman: a\\n\\nAssistant: c\"}";
    CHECK_INT(ts_json_parse(hhrow, strlen(hhrow), &a, NULL, &v, NULL), 0);
    int score = 0;
    CHECK(ts_format_detect(v, &score) == hh());
    CHECK(score >= 90);
    const char *red = "{\"transcript\":\"\\n\\nHuman: a\",\"min_harmlessness_score_transcript\":1}";
    CHECK_INT(ts_json_parse(red, strlen(red), &a, NULL, &v, NULL), 0);
    CHECK_INT(hh()->detect(v), 0);
    ts_arena_release(&a);
}
