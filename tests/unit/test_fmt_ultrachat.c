/* The UltraChat importer: alternating strings (original edition) and
 * role/content messages (ultrachat_200k). */
#include "conv_sink.h"
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
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_ultrachat, NULL, rows, 4), 0);
    CHECK_INT(cs.emitted, 3);
    CHECK_INT(cs_drops(&cs, "duplicate_id"), 1);
    CHECK_INT(cs.invalid, 0);
    CHECK_STR(cs.recs[0], cs_q("{'messages':[{'role':'user','content':'Q1'},{'role':'assistant','content':'A1'},"
                               "{'role':'user','content':'Q2'},{'role':'assistant','content':'A2'}],"
                               "'id':'ultrachat/17','source':'ultrachat','meta':{}}"));
    CHECK_STR(cs.recs[1], cs_q("{'messages':[{'role':'user','content':'Q1'},{'role':'assistant','content':'A1'}],"
                               "'id':'ultrachat/18','source':'ultrachat','meta':{}}"));
    CHECK(strstr(cs.recs[2], cs_q("'id':'ultrachat/19'")));
    cs_free(&cs);
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
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_ultrachat, NULL, rows, 10), 0);
    CHECK_INT(cs.unbalanced, 0);
    CHECK_INT(cs.emitted, 0);
    CHECK_INT(cs_drops(&cs, "no_assistant_turn"), 1);
    CHECK_INT(cs_drops(&cs, "no_turns"), 1);
    CHECK_INT(cs_drops(&cs, "empty_turn"), 1);
    CHECK_INT(cs_drops(&cs, "not_alternating"), 1);
    CHECK_INT(cs_drops(&cs, "first_turn_not_user"), 1);
    CHECK_INT(cs.rejected, 5);
    CHECK_STR(cs.rejects[0], "data[1] must be a string");
    CHECK_STR(cs.rejects[1], "field 'data' must be an array of strings");
    CHECK_STR(cs.rejects[2], "missing field 'data' (or 'messages')");
    CHECK_STR(cs.rejects[3], "unknown role 'narrator' in messages[1]");
    CHECK_STR(cs.rejects[4], "messages[0]: 'content' missing or not a string");
    cs_free(&cs);
}

TEST(fmt_ultrachat_fixtures_both_editions)
{
    csink cs;
    CHECK_INT(cs_run_file(&cs, &ts_format_ultrachat, NULL, FIXTURE("ultrachat/sample.jsonl")), 0);
    CHECK_INT(cs.rows, 4);
    CHECK_INT(cs.emitted, 3);
    CHECK_INT(cs_drops(&cs, "no_assistant_turn"), 1);
    CHECK_INT(cs.rejected + cs.invalid + cs.unbalanced, 0);
    CHECK(strstr(cs.recs[1], cs_q("'role':'assistant','content':'A black hole is")));
    CHECK(!strstr(cs.recs[1], "What happens at the centre?"));
    CHECK(strstr(cs.recs[2], "The platypus \xe2\x80\x94"));
    cs_free(&cs);

    CHECK_INT(cs_run_file(&cs, &ts_format_ultrachat, NULL, FIXTURE("ultrachat/ultrachat_200k.jsonl")), 0);
    CHECK_INT(cs.rows, 2);
    CHECK_INT(cs.emitted, 2);
    CHECK_INT(cs.rejected + cs.invalid + cs.unbalanced, 0);
    CHECK(strstr(cs.recs[0], cs_q("{'role':'user','content':'Where does it happen?'}")));
    CHECK(strstr(cs.recs[0], cs_q("'id':'ultrachat/5f0c3a9e2b1d4c7a8e6f0b3d2c1a9e8f7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a'")));
    cs_free(&cs);
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
    ts_arena a;
    ts_arena_init(&a);
    for (int i = 0; i < 4; i++) {
        ts_json *v;
        const char *t = cs_q(rows[i]);
        CHECK_INT(ts_json_parse(t, strlen(t), &a, NULL, &v, NULL), 0);
        CHECK_INT(ts_format_ultrachat.detect(v), want[i]);
        if (want[i])
            CHECK(ts_format_detect(v, NULL) == &ts_format_ultrachat);
    }
    ts_arena_release(&a);
}
