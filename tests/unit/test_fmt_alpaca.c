/* The Alpaca importer: instruction (+ blank line + input) -> user,
 * output -> assistant, ids by row. */
#include "fmt_sink.h"
#include "test.h"

extern const ts_format ts_format_alpaca;

TEST(fmt_alpaca_input_joined_after_blank_line)
{
    const char *rows[] = {
        "{'instruction':'Translate to French.','input':'Good morning','output':'Bonjour'}",
        "{'instruction':'Name a colour.','input':'','output':'Blue'}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_alpaca, NULL, rows, 2), 0);
    CHECK_INT(s.emitted, 2);
    CHECK_STR(fs_rec(&s, 0), fs_q("{'messages':[{'role':'user','content':'Translate to French.\\n\\nGood morning'},"
                                  "{'role':'assistant','content':'Bonjour'}],'id':'alpaca/0','source':'alpaca','meta':{}}"));
    /* An empty input adds nothing: no trailing blank line. */
    CHECK_STR(fs_rec(&s, 1), fs_q("{'messages':[{'role':'user','content':'Name a colour.'},"
                                  "{'role':'assistant','content':'Blue'}],'id':'alpaca/1','source':'alpaca','meta':{}}"));
    CHECK_INT(s.invalid, 0);
    fs_free(&s);
}

TEST(fmt_alpaca_missing_input_or_null_is_empty)
{
    const char *rows[] = {
        "{'instruction':'Say hi.','output':'Hi!'}",
        "{'instruction':'Say bye.','input':null,'output':'Bye!'}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_alpaca, NULL, rows, 2), 0);
    CHECK_INT(s.emitted, 2);
    CHECK(strstr(fs_rec(&s, 1), fs_q("'content':'Say bye.'")));
    fs_free(&s);
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
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_alpaca, NULL, rows, 7), 0);
    CHECK_INT(s.unbalanced, 0);
    CHECK_INT(fs_drops(&s, "empty_output"), 1);
    CHECK_INT(fs_drops(&s, "empty_instruction"), 1);
    CHECK_INT(s.rejected, 4);
    CHECK_STR(s.rejects[0], "missing field 'instruction'");
    CHECK_STR(s.rejects[1], "field 'output' must be a string");
    CHECK_STR(s.rejects[2], "field 'input' must be a string");
    /* Rows are counted whatever happens to them: the last is row 6. */
    CHECK_INT(s.emitted, 1);
    CHECK(strstr(fs_rec(&s, 0), fs_q("'id':'alpaca/6'")));
    fs_free(&s);
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
    /* Only the first row is Alpaca's, and `import auto` picks alpaca for it. */
    CHECK_INT(fs_detect_rows(&ts_format_alpaca, rows, want, 4), -1);
}

TEST(fmt_alpaca_fixture_array_with_escapes)
{
    fsink s = {0};
    CHECK_INT(fs_run_file(&s, &ts_format_alpaca, NULL, FIXTURE("alpaca/sample.json")), 0);
    CHECK_INT(s.rows, 5);
    CHECK_INT(s.emitted, 4);
    CHECK_INT(fs_drops(&s, "empty_output"), 1);
    CHECK_INT(s.rejected, 0);
    CHECK_INT(s.invalid, 0);
    CHECK_INT(s.unbalanced, 0);
    /* \u escapes decoded; the input follows a blank line. */
    CHECK(strstr(fs_rec(&s, 1), "The caf\xc3\xa9 opens at nine."));
    CHECK(strstr(fs_rec(&s, 1), "Translate the sentence into French.\\n\\nThe caf"));
    CHECK(strstr(fs_rec(&s, 2), "\xe2\x80\x9cStay hungry"));
    CHECK(strstr(fs_rec(&s, 3), fs_q("'id':'alpaca/4'")));
    fs_free(&s);
}
