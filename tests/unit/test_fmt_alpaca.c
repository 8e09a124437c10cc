/* The Alpaca importer: instruction (+ blank line + input) -> user,
 * output -> assistant, ids by row. */
#include "conv_sink.h"
#include "test.h"

extern const ts_format ts_format_alpaca;

TEST(fmt_alpaca_input_joined_after_blank_line)
{
    const char *rows[] = {
        "{'instruction':'Translate to French.','input':'Good morning','output':'Bonjour'}",
        "{'instruction':'Name a colour.','input':'','output':'Blue'}",
    };
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_alpaca, NULL, rows, 2), 0);
    CHECK_INT(cs.emitted, 2);
    CHECK_STR(cs.recs[0], cs_q("{'messages':[{'role':'user','content':'Translate to French.\\n\\nGood morning'},"
                               "{'role':'assistant','content':'Bonjour'}],'id':'alpaca/0','source':'alpaca','meta':{}}"));
    /* An empty input adds nothing: no trailing blank line. */
    CHECK_STR(cs.recs[1], cs_q("{'messages':[{'role':'user','content':'Name a colour.'},"
                               "{'role':'assistant','content':'Blue'}],'id':'alpaca/1','source':'alpaca','meta':{}}"));
    CHECK_INT(cs.invalid, 0);
    cs_free(&cs);
}

TEST(fmt_alpaca_missing_input_or_null_is_empty)
{
    const char *rows[] = {
        "{'instruction':'Say hi.','output':'Hi!'}",
        "{'instruction':'Say bye.','input':null,'output':'Bye!'}",
    };
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_alpaca, NULL, rows, 2), 0);
    CHECK_INT(cs.emitted, 2);
    CHECK(strstr(cs.recs[1], cs_q("'content':'Say bye.'")));
    cs_free(&cs);
}

TEST(fmt_alpaca_rules_and_rejects)
{
    const char *rows[] = {
        "{'instruction':'Name a colour.','input':'','output':''}",
        "{'instruction':'','input':'x','output':'y'}",
        "{'input':'','output':'y'}",
        "{'instruction':'Count.','input':'','output':3}",
        "{'instruction':'Count.','input':['a'],'output':'3'}",
        "['not','an','object']",
        "{'instruction':'Last one.','input':'','output':'Done'}",
    };
    csink cs;
    CHECK_INT(cs_run(&cs, &ts_format_alpaca, NULL, rows, 7), 0);
    CHECK_INT(cs.unbalanced, 0);
    CHECK_INT(cs_drops(&cs, "empty_output"), 1);
    CHECK_INT(cs_drops(&cs, "empty_instruction"), 1);
    CHECK_INT(cs.rejected, 4);
    CHECK_STR(cs.rejects[0], "missing field 'instruction'");
    CHECK_STR(cs.rejects[1], "field 'output' must be a string");
    CHECK_STR(cs.rejects[2], "field 'input' must be a string");
    /* Rows are counted whatever happens to them: the last is row 6. */
    CHECK_INT(cs.emitted, 1);
    CHECK(strstr(cs.recs[0], cs_q("'id':'alpaca/6'")));
    cs_free(&cs);
}

TEST(fmt_alpaca_detect)
{
    const char *rows[] = {
        "{'instruction':'a','input':'','output':'b'}",
        "{'instruction':'a','context':'','response':'b','category':'open_qa'}",
        "{'id':'seed_task_0','name':'x','instruction':'a','instances':[{'input':'','output':'b'}]}",
        "{'question':'a','output':'b','instruction':'c'}",
    };
    int want[] = {90, 0, 0, 0};
    ts_arena a;
    ts_arena_init(&a);
    for (int i = 0; i < 4; i++) {
        ts_json *v;
        const char *t = cs_q(rows[i]);
        CHECK_INT(ts_json_parse(t, strlen(t), &a, NULL, &v, NULL), 0);
        CHECK_INT(ts_format_alpaca.detect(v), want[i]);
    }
    ts_arena_release(&a);
    const ts_format *f = NULL;
    ts_json *v;
    const char *t = cs_q(rows[0]);
    ts_arena_init(&a);
    CHECK_INT(ts_json_parse(t, strlen(t), &a, NULL, &v, NULL), 0);
    f = ts_format_detect(v, NULL);
    CHECK(f == &ts_format_alpaca);
    ts_arena_release(&a);
}

TEST(fmt_alpaca_fixture_array_with_escapes)
{
    csink cs;
    CHECK_INT(cs_run_file(&cs, &ts_format_alpaca, NULL, FIXTURE("alpaca/sample.json")), 0);
    CHECK_INT(cs.rows, 5);
    CHECK_INT(cs.emitted, 4);
    CHECK_INT(cs_drops(&cs, "empty_output"), 1);
    CHECK_INT(cs.rejected, 0);
    CHECK_INT(cs.invalid, 0);
    CHECK_INT(cs.unbalanced, 0);
    /* \u escapes decoded; the input follows a blank line. */
    CHECK(strstr(cs.recs[1], "The caf\xc3\xa9 opens at nine."));
    CHECK(strstr(cs.recs[1], "Translate the sentence into French.\\n\\nThe caf"));
    CHECK(strstr(cs.recs[2], "\xe2\x80\x9cStay hungry"));
    CHECK(strstr(cs.recs[3], cs_q("'id':'alpaca/4'")));
    cs_free(&cs);
}
