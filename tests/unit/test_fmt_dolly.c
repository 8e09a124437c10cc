/* The Dolly importer: instruction (+ blank line + context) -> user,
 * response -> assistant, category in meta. */
#include "fmt_sink.h"
#include "test.h"

extern const ts_format ts_format_dolly;

TEST(fmt_dolly_context_and_category)
{
    const char *rows[] = {
        "{'instruction':'When did it open?','context':'The museum opened in 1903.',"
        "'response':'In 1903.','category':'closed_qa'}",
        "{'instruction':'Name a bird.','context':'','response':'A robin.','category':'open_qa'}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_dolly, NULL, rows, 2), 0);
    CHECK_INT(s.emitted, 2);
    CHECK_STR(fs_rec(&s, 0), fs_q("{'messages':[{'role':'user','content':'When did it open?\\n\\nThe museum opened in 1903.'},"
                                  "{'role':'assistant','content':'In 1903.'}],'id':'dolly/0','source':'dolly',"
                                  "'meta':{'category':'closed_qa'}}"));
    /* Empty context: the instruction alone. */
    CHECK_STR(fs_rec(&s, 1), fs_q("{'messages':[{'role':'user','content':'Name a bird.'},"
                                  "{'role':'assistant','content':'A robin.'}],'id':'dolly/1','source':'dolly',"
                                  "'meta':{'category':'open_qa'}}"));
    CHECK_INT(s.invalid, 0);
    fs_free(&s);
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
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_dolly, NULL, rows, 5), 0);
    CHECK_INT(s.unbalanced, 0);
    CHECK_INT(fs_drops(&s, "empty_response"), 1);
    CHECK_INT(fs_drops(&s, "empty_instruction"), 1);
    CHECK_INT(s.rejected, 2);
    CHECK_STR(s.rejects[0], "missing field 'response'");
    CHECK_STR(s.rejects[1], "field 'context' must be a string");
    /* No context and no category: still a record, with an empty meta. */
    CHECK_INT(s.emitted, 1);
    CHECK(strstr(fs_rec(&s, 0), fs_q("'id':'dolly/4','source':'dolly','meta':{}")));
    fs_free(&s);
}

TEST(fmt_dolly_detect_beats_alpaca)
{
    const char *row = "{'instruction':'a','context':'','response':'b','category':'open_qa'}";
    CHECK_INT(fs_detect(&ts_format_dolly, row), 95);
    CHECK(fs_best(row, NULL) == &ts_format_dolly);
}

TEST(fmt_dolly_fixture)
{
    fsink s = {0};
    CHECK_INT(fs_run_file(&s, &ts_format_dolly, NULL, FIXTURE("dolly/sample.jsonl")), 0);
    CHECK_INT(s.rows, 5);
    CHECK_INT(s.emitted, 4);
    CHECK_INT(fs_drops(&s, "empty_response"), 1);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    CHECK(strstr(fs_rec(&s, 2), "gutter\xe2\x80\x99s throat"));
    CHECK(strstr(fs_rec(&s, 3), fs_q("'id':'dolly/4','source':'dolly','meta':{'category':'open_qa'}")));
    fs_free(&s);
}
