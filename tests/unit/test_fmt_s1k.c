/* The s1K importer: question -> user, attempt -> assistant with the
 * thinking trajectory as reasoning_content; the 1.1 edition's traces. */
#include "fmt_sink.h"
#include "test.h"

extern const ts_format ts_format_s1k;

static ts_import_opts trace_opts(const char *trace)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.trace = trace;
    return o;
}

TEST(fmt_s1k_list_trajectory_joined)
{
    const char *rows[] = {
        "{'solution':'4','question':'2+2?','cot_type':'math','source_type':'ex/a','metadata':'{}','cot':null,"
        "'thinking_trajectories':['Two plus two.','That is four.'],'attempt':'4'}",
        "{'solution':'4','question':'2+2?','cot_type':'math','source_type':'ex/a','metadata':'{}',"
        "'thinking_trajectories':'Plain string trace.','attempt':'4'}",
        "{'solution':null,'question':'2+2?','thinking_trajectories':[],'attempt':'4'}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_s1k, NULL, rows, 3), 0);
    CHECK_INT(s.emitted, 3);
    CHECK_INT(s.invalid, 0);
    CHECK_STR(fs_rec(&s, 0), fs_q("{'messages':[{'role':'user','content':'2+2?'},"
                                  "{'role':'assistant','content':'4','reasoning_content':'Two plus two.\\n\\nThat is four.'}],"
                                  "'id':'s1k/0','source':'s1k','meta':{'solution':'4','cot_type':'math',"
                                  "'source_type':'ex/a','metadata':'{}'}}"));
    CHECK(strstr(fs_rec(&s, 1), fs_q("'reasoning_content':'Plain string trace.'")));
    /* No trace: no reasoning_content; a null solution is left out. */
    CHECK_STR(fs_rec(&s, 2), fs_q("{'messages':[{'role':'user','content':'2+2?'},{'role':'assistant','content':'4'}],"
                                  "'id':'s1k/2','source':'s1k','meta':{}}"));
    fs_free(&s);
}

TEST(fmt_s1k_rules_and_rejects)
{
    const char *rows[] = {
        "{'question':'','thinking_trajectories':['t'],'attempt':'a'}",
        "{'question':'q','thinking_trajectories':['t'],'attempt':''}",
        "{'question':'q','thinking_trajectories':['t',3],'attempt':'a'}",
        "{'question':'q','thinking_trajectories':{'a':1},'attempt':'a'}",
        "{'question':'q','solution':'s'}",
        "{'solution':'s','attempt':'a'}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_s1k, NULL, rows, 6), 0);
    CHECK_INT(s.unbalanced, 0);
    CHECK_INT(fs_drops(&s, "empty_question"), 1);
    CHECK_INT(fs_drops(&s, "empty_attempt"), 1);
    CHECK_INT(s.rejected, 4);
    CHECK_STR(s.rejects[0], "thinking_trajectories[1] must be a string");
    CHECK_STR(s.rejects[1], "field 'thinking_trajectories' must be a string or a list of strings");
    CHECK_STR(s.rejects[2], "missing field 'attempt'");
    CHECK_STR(s.rejects[3], "missing field 'question'");
    fs_free(&s);
}

TEST(fmt_s1k_trace_option)
{
    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    ts_import_opts o = trace_opts("claude");
    CHECK_INT(ts_format_s1k.open(&st, &o, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "gemini or deepseek"));
    CHECK(st == NULL);

    /* --trace on an original s1K row: a reject that says why. */
    const char *rows[] = {"{'question':'q','thinking_trajectories':['t'],'attempt':'a'}"};
    o = trace_opts("gemini");
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_s1k, &o, rows, 1), 0);
    CHECK_INT(s.rejected, 1);
    CHECK_STR(s.rejects[0], "missing field 'gemini_attempt' (--trace gemini reads the s1K-1.1 edition)");
    fs_free(&s);
}

TEST(fmt_s1k_fixtures_original_and_1_1)
{
    fsink s = {0};
    CHECK_INT(fs_run_file(&s, &ts_format_s1k, NULL, FIXTURE("s1k/sample.jsonl")), 0);
    CHECK_INT(s.rows, 3);
    CHECK_INT(s.emitted, 3);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    CHECK(strstr(fs_rec(&s, 0), "50 pairs of 101.\\n\\nSo the sum is 50 * 101 = 5050."));
    CHECK(strstr(fs_rec(&s, 0), fs_q("'solution':'The sum is $\\\\frac{n(n+1)}{2}$")));
    CHECK(!strstr(fs_rec(&s, 2), "reasoning_content"));
    fs_free(&s);

    /* 1.1 without --trace: the deepseek trace; its empty attempt drops row 1. */
    CHECK_INT(fs_run_file(&s, &ts_format_s1k, NULL, FIXTURE("s1k/s1k_1.1.jsonl")), 0);
    CHECK_INT(s.emitted, 1);
    CHECK_INT(fs_drops(&s, "empty_attempt"), 1);
    CHECK(strstr(fs_rec(&s, 0), fs_q("'reasoning_content':'Okay, so I need to solve")));
    CHECK(strstr(fs_rec(&s, 0), fs_q("'trace':'deepseek','grade':'Yes'")));
    fs_free(&s);

    ts_import_opts o = trace_opts("gemini");
    CHECK_INT(fs_run_file(&s, &ts_format_s1k, &o, FIXTURE("s1k/s1k_1.1.jsonl")), 0);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    CHECK(strstr(fs_rec(&s, 0), fs_q("{'role':'assistant','content':'$x = 3$','reasoning_content':'Subtract 1")));
    CHECK(strstr(fs_rec(&s, 1), fs_q("'id':'s1k/1'")));
    CHECK(strstr(fs_rec(&s, 1), fs_q("'trace':'gemini','grade':'Yes'")));
    fs_free(&s);
}

TEST(fmt_s1k_detect)
{
    const char *rows[] = {
        "{'question':'q','thinking_trajectories':['t'],'attempt':'a','solution':'s'}",
        "{'question':'q','deepseek_attempt':'a','gemini_attempt':'b'}",
        "{'instruction':'q','output':'a'}",
    };
    int want[] = {95, 95, 0};
    CHECK_INT(fs_detect_rows(&ts_format_s1k, rows, want, 3), -1);
}
