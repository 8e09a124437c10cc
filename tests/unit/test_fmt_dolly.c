/* The Dolly importer: instruction (+ blank line + context) -> user,
 * response -> assistant, category in meta. */
#include "conv_sink.h"
#include "test.h"

extern const ts_format ts_format_dolly;

TEST(fmt_dolly_context_and_category)
{
    const char *rows[] = {
        "{'instruction':'When did it open?','context':'The museum opened in 1903.',"
        "'response':'In 1903.','category':'closed_qa'}",
        "{'instruction':'Name a bird.','context':'','response':'A robin.','category':'open_qa'}",
    };
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_dolly, NULL, rows, 2), 0);
    CHECK_INT(cs.emitted, 2);
    CHECK_STR(cs.recs[0], cs_q("{'messages':[{'role':'user','content':'When did it open?\\n\\nThe museum opened in 1903.'},"
                               "{'role':'assistant','content':'In 1903.'}],'id':'dolly/0','source':'dolly',"
                               "'meta':{'category':'closed_qa'}}"));
    /* Empty context: the instruction alone. */
    CHECK_STR(cs.recs[1], cs_q("{'messages':[{'role':'user','content':'Name a bird.'},"
                               "{'role':'assistant','content':'A robin.'}],'id':'dolly/1','source':'dolly',"
                               "'meta':{'category':'open_qa'}}"));
    CHECK_INT(cs.invalid, 0);
    cs_free(&cs);
}

TEST(fmt_dolly_rules_and_rejects)
{
    const char *rows[] = {
        "{'instruction':'Summarize.','context':'Text.','response':'','category':'summarization'}",
        "{'instruction':'','context':'','response':'x','category':'open_qa'}",
        "{'instruction':'Why?','context':'','category':'open_qa'}",
        "{'instruction':'Why?','context':{'a':1},'response':'Because.','category':'open_qa'}",
        "{'instruction':'Why?','response':'Because.'}",
    };
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_dolly, NULL, rows, 5), 0);
    CHECK_INT(cs.unbalanced, 0);
    CHECK_INT(cs_drops(&cs, "empty_response"), 1);
    CHECK_INT(cs_drops(&cs, "empty_instruction"), 1);
    CHECK_INT(cs.rejected, 2);
    CHECK_STR(cs.rejects[0], "missing field 'response'");
    CHECK_STR(cs.rejects[1], "field 'context' must be a string");
    /* No context and no category: still a record, with an empty meta. */
    CHECK_INT(cs.emitted, 1);
    CHECK(strstr(cs.recs[0], cs_q("'id':'dolly/4','source':'dolly','meta':{}")));
    cs_free(&cs);
}

TEST(fmt_dolly_detect_beats_alpaca)
{
    const char *row = cs_q("{'instruction':'a','context':'','response':'b','category':'open_qa'}");
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    CHECK_INT(ts_json_parse(row, strlen(row), &a, NULL, &v, NULL), 0);
    CHECK_INT(ts_format_dolly.detect(v), 95);
    CHECK(ts_format_detect(v, NULL) == &ts_format_dolly);
    ts_arena_release(&a);
}

TEST(fmt_dolly_fixture)
{
    csink cs;
    CHECK_INT(cs_run_file(&cs, &ts_format_dolly, NULL, FIXTURE("dolly/sample.jsonl")), 0);
    CHECK_INT(cs.rows, 5);
    CHECK_INT(cs.emitted, 4);
    CHECK_INT(cs_drops(&cs, "empty_response"), 1);
    CHECK_INT(cs.rejected + cs.invalid + cs.unbalanced, 0);
    CHECK(strstr(cs.recs[2], "gutter\xe2\x80\x99s throat"));
    CHECK(strstr(cs.recs[3], cs_q("'id':'dolly/4','source':'dolly','meta':{'category':'open_qa'}")));
    cs_free(&cs);
}
