/* The UltraChat importer: alternating strings (original edition) and
 * role/content messages (ultrachat_200k). */
#include "fmt_sink.h"
#include "test.h"

extern const ts_format ts_format_ultrachat;

TEST(fmt_ultrachat_alternating_strings)
{
    const char *rows[] = {
        "{'id':'17','data':['Q1','A1','Q2','A2']}",
        /* Odd length: the unanswered last question is left out. */
        "{'id':'18','data':['Q1','A1','Q2']}",
        "{'id':19,'data':['Q1','A1']}",
        "{'id':'17','data':['Q3','A3']}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_ultrachat, NULL, rows, 4), 0);
    CHECK_INT(s.emitted, 3);
    CHECK_INT(fs_drops(&s, "duplicate_id"), 1);
    CHECK_INT(s.invalid, 0);
    CHECK_STR(fs_rec(&s, 0), fs_q("{'messages':[{'role':'user','content':'Q1'},{'role':'assistant','content':'A1'},"
                                  "{'role':'user','content':'Q2'},{'role':'assistant','content':'A2'}],"
                                  "'id':'ultrachat/17','source':'ultrachat','meta':{}}"));
    CHECK_STR(fs_rec(&s, 1), fs_q("{'messages':[{'role':'user','content':'Q1'},{'role':'assistant','content':'A1'}],"
                                  "'id':'ultrachat/18','source':'ultrachat','meta':{}}"));
    CHECK(strstr(fs_rec(&s, 2), fs_q("'id':'ultrachat/19'")));
    fs_free(&s);
}

TEST(fmt_ultrachat_rules_and_rejects)
{
    const char *rows[] = {
        "{'id':'1','data':['Only a question']}",
        "{'id':'2','data':[]}",
        "{'id':'3','data':['Q','']}",
        "{'id':'4','data':['Q',7]}",
        "{'id':'5','data':'Q'}",
        "{'id':'6'}",
        "{'prompt':'p','prompt_id':'x','messages':[{'role':'user','content':'p'},{'role':'narrator','content':'n'}]}",
        "{'prompt':'p','prompt_id':'x','messages':[{'role':'user','content':'p'},{'role':'user','content':'again'}]}",
        "{'prompt':'p','prompt_id':'x','messages':[{'role':'assistant','content':'first'},{'role':'user','content':'p'}]}",
        "{'prompt':'p','prompt_id':'x','messages':[{'role':'user'}]}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_ultrachat, NULL, rows, 10), 0);
    CHECK_INT(s.unbalanced, 0);
    CHECK_INT(s.emitted, 0);
    CHECK_INT(fs_drops(&s, "no_assistant_turn"), 1);
    CHECK_INT(fs_drops(&s, "no_turns"), 1);
    CHECK_INT(fs_drops(&s, "empty_turn"), 1);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    CHECK_INT(fs_drops(&s, "first_turn_not_user"), 1);
    CHECK_INT(s.rejected, 5);
    CHECK_STR(s.rejects[0], "data[1] must be a string");
    CHECK_STR(s.rejects[1], "field 'data' must be an array of strings");
    CHECK_STR(s.rejects[2], "missing field 'data' (or 'messages')");
    CHECK_STR(s.rejects[3], "unknown role 'narrator' in messages[1]");
    CHECK_STR(s.rejects[4], "messages[0]: 'content' missing or not a string");
    fs_free(&s);
}

TEST(fmt_ultrachat_fixtures_both_editions)
{
    fsink s = {0};
    CHECK_INT(fs_run_file(&s, &ts_format_ultrachat, NULL, FIXTURE("ultrachat/sample.jsonl")), 0);
    CHECK_INT(s.rows, 4);
    CHECK_INT(s.emitted, 3);
    CHECK_INT(fs_drops(&s, "no_assistant_turn"), 1);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    CHECK(strstr(fs_rec(&s, 1), fs_q("'role':'assistant','content':'A black hole is")));
    CHECK(!strstr(fs_rec(&s, 1), "What happens at the centre?"));
    CHECK(strstr(fs_rec(&s, 2), "The platypus \xe2\x80\x94"));
    fs_free(&s);

    CHECK_INT(fs_run_file(&s, &ts_format_ultrachat, NULL, FIXTURE("ultrachat/ultrachat_200k.jsonl")), 0);
    CHECK_INT(s.rows, 2);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    CHECK(strstr(fs_rec(&s, 0), fs_q("{'role':'user','content':'Where does it happen?'}")));
    CHECK(strstr(fs_rec(&s, 0), fs_q("'id':'ultrachat/5f0c3a9e2b1d4c7a8e6f0b3d2c1a9e8f7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a'")));
    fs_free(&s);
}

TEST(fmt_ultrachat_detect)
{
    const char *rows[] = {
        "{'id':'0','data':['q','a']}",
        "{'prompt':'q','prompt_id':'x','messages':[{'content':'q','role':'user'}]}",
        /* UltraFeedback binarized rows also have prompt_id and messages. */
        "{'prompt':'q','prompt_id':'x','chosen':[],'rejected':[],'messages':[{'content':'q','role':'user'}]}",
        /* A canonical record is not UltraChat. */
        "{'messages':[{'role':'user','content':'q'}],'id':'x/1'}",
    };
    int want[] = {90, 85, 0, 0};
    CHECK_INT(fs_detect_rows(&ts_format_ultrachat, rows, want, 4), -1);
}
