/* The ShareGPT importer: speakers to roles, rejects for unknown speakers,
 * drops for invalid conversations, and the FastChat cleaning (--clean). */
#include <stdio.h>

#include "fmt_sink.h"
#include "test.h"

extern const ts_format ts_format_sharegpt;

static ts_import_opts clean_opts(void)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.clean = true;
    return o;
}

TEST(fmt_sharegpt_speakers_map_to_roles)
{
    const char *rows[] = {
        "{'id':'a1','conversations':[{'from':'system','value':'Be brief.'},{'from':'human','value':'Hi'},"
        "{'from':'gpt','value':'Hello'},{'from':'user','value':'Again'},{'from':'chatgpt','value':'Hello again'},"
        "{'from':'human','value':'Bard?'},{'from':'bard','value':'B'},{'from':'human','value':'Bing?'},"
        "{'from':'bing','value':'C'},{'from':'human','value':'You?'},{'from':'assistant','value':'D'}]}",
        "{'conversations':[{'from':'human','value':'No id'},{'from':'gpt','value':'Row id then'}]}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, NULL, rows, 2), 0);
    CHECK_INT(s.emitted, 2);
    CHECK_INT(s.invalid, 0);
    CHECK(strstr(fs_rec(&s, 0), fs_q("[{'role':'system','content':'Be brief.'},{'role':'user','content':'Hi'},"
                                     "{'role':'assistant','content':'Hello'},{'role':'user','content':'Again'},"
                                     "{'role':'assistant','content':'Hello again'}")));
    CHECK(strstr(fs_rec(&s, 0), fs_q("'id':'sharegpt/a1','source':'sharegpt','meta':{}")));
    CHECK(strstr(fs_rec(&s, 1), fs_q("'id':'sharegpt/1'")));
    fs_free(&s);
}

TEST(fmt_sharegpt_unknown_speaker_is_a_reject)
{
    const char *rows[] = {
        "{'id':'x','conversations':[{'from':'human','value':'a'},{'from':'gpt','value':'b'},"
        "{'from':'human','value':'c'},{'from':'narrator','value':'d'}]}",
        "{'id':'y','conversations':[{'from':'human'}]}",
        "{'id':'z','conversations':'hello'}",
        "{'id':'w'}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, NULL, rows, 4), 0);
    CHECK_INT(s.rejected, 4);
    CHECK_INT(s.unbalanced, 0);
    CHECK_STR(s.rejects[0], "unknown speaker 'narrator' in conversations[3]");
    CHECK_STR(s.rejects[1], "conversations[0]: 'value' missing or not a string");
    CHECK_STR(s.rejects[2], "field 'conversations' must be an array");
    CHECK_STR(s.rejects[3], "missing field 'conversations'");
    fs_free(&s);
}

TEST(fmt_sharegpt_invalid_conversations_dropped_by_rule)
{
    const char *rows[] = {
        "{'id':'1','conversations':[{'from':'gpt','value':'I start'},{'from':'human','value':'ok'}]}",
        "{'id':'2','conversations':[{'from':'human','value':'a'},{'from':'human','value':'b'},{'from':'gpt','value':'c'}]}",
        "{'id':'3','conversations':[{'from':'human','value':'a'},{'from':'gpt','value':''}]}",
        "{'id':'4','conversations':[{'from':'human','value':'only a question'}]}",
        "{'id':'5','conversations':[]}",
        "{'id':'6','conversations':[{'from':'human','value':'a'},{'from':'system','value':'late'},{'from':'gpt','value':'c'}]}",
        /* A trailing user turn is kept: the conversation is valid. */
        "{'id':'7','conversations':[{'from':'human','value':'a'},{'from':'gpt','value':'b'},{'from':'human','value':'c'}]}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, NULL, rows, 7), 0);
    CHECK_INT(s.unbalanced, 0);
    CHECK_INT(fs_drops(&s, "first_turn_not_user"), 1);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    CHECK_INT(fs_drops(&s, "empty_turn"), 1);
    CHECK_INT(fs_drops(&s, "no_assistant_turn"), 1);
    CHECK_INT(fs_drops(&s, "no_turns"), 1);
    CHECK_INT(fs_drops(&s, "misplaced_system"), 1);
    CHECK_INT(s.emitted, 1);
    CHECK_INT(s.invalid, 0);
    fs_free(&s);
}

TEST(fmt_sharegpt_without_clean_html_is_kept)
{
    const char *rows[] = {
        "{'id':'h','conversations':[{'from':'human','value':'Hi'},{'from':'gpt','value':'<div><p>Hello</p></div>'}]}",
    };
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, NULL, rows, 1), 0);
    CHECK(strstr(fs_rec(&s, 0), fs_q("'content':'<div><p>Hello</p></div>'")));
    CHECK_INT(s.steps, 0);
    fs_free(&s);
}

TEST(fmt_sharegpt_clean_trims_and_converts)
{
    const char *rows[] = {
        "{'id':'c1','conversations':[{'from':'gpt','value':'<p>Hi! How can I help?</p>'},"
        "{'from':'human','value':'1 / 1Show me a loop in Python please.'},"
        "{'from':'gpt','value':'1 / 1<div><p>Sure:</p><pre><div><span>python</span><button>Copy code</button></div>"
        "<code class=\\'language-python\\'>for i in range(3):\\n    print(i)\\n</code></pre></div>'},"
        "{'from':'human','value':'thanks'}]}",
    };
    ts_import_opts o = clean_opts();
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, &o, rows, 1), 0);
    CHECK_INT(s.emitted, 1);
    CHECK_INT(s.invalid, 0);
    CHECK_STR(fs_rec(&s, 0), fs_q("{'messages':[{'role':'user','content':'Show me a loop in Python please.'},"
                                  "{'role':'assistant','content':'Sure:\\n\\n```python\\nfor i in range(3):\\n    print(i)\\n```'}],"
                                  "'id':'sharegpt/c1','source':'sharegpt','meta':{}}"));
    /* Each edit that kept the conversation is counted once for it. */
    CHECK_INT(fs_steps(&s, "cut_leading_turn"), 1);
    CHECK_INT(fs_steps(&s, "cut_trailing_user_turn"), 1);
    CHECK_INT(fs_steps(&s, "html_to_markdown"), 1);
    CHECK_INT(fs_steps(&s, "artifacts_removed"), 1);
    CHECK_INT(s.steps, 4);
    fs_free(&s);
}

TEST(fmt_sharegpt_clean_drop_rules)
{
    const char *rows[] = {
        "{'id':'k1','conversations':[{'from':'human','value':'What is the boiling point of water?'},{'from':'gpt','value':'100 C at sea level.'}]}",
        "{'id':'k1','conversations':[{'from':'human','value':'Another question entirely'},{'from':'gpt','value':'Another answer entirely'}]}",
        "{'id':'k2','conversations':[{'from':'human','value':'What is the boiling point of water?'},{'from':'gpt','value':'100 C at sea level.'},"
        "{'from':'human','value':'And at altitude?'},{'from':'gpt','value':'Lower.'}]}",
        "{'id':'k3','conversations':[{'from':'human','value':'Who trained you, really?'},{'from':'gpt','value':'I was trained by OpenAI.'}]}",
        "{'id':'k4','conversations':[{'from':'human','value':'Tell me about CHATGPT'},{'from':'gpt','value':'It is a chat model.'}]}",
        "{'id':'k5','conversations':[{'from':'human','value':'hi'},{'from':'gpt','value':'hello'}]}",
        "{'id':'k6','conversations':[{'from':'human','value':'a question'},{'from':'human','value':'again'},{'from':'gpt','value':'an answer'}]}",
        "{'id':'k7','conversations':[{'from':'gpt','value':'hello there'}]}",
        /* An emptied turn ends the conversation: what remains is too short. */
        "{'id':'k8','conversations':[{'from':'human','value':'Hey'},{'from':'gpt','value':'<div></div>'},"
        "{'from':'human','value':'A much longer question that would pass'},{'from':'gpt','value':'and its answer'}]}",
    };
    ts_import_opts o = clean_opts();
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, &o, rows, 9), 0);
    CHECK_INT(s.unbalanced, 0);
    CHECK_INT(s.emitted, 1);
    CHECK_INT(fs_drops(&s, "duplicate_id"), 1);
    CHECK_INT(fs_drops(&s, "duplicate_pair"), 1);
    CHECK_INT(fs_drops(&s, "blocked_phrase"), 2);
    CHECK_INT(fs_drops(&s, "too_short"), 2);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    CHECK_INT(fs_drops(&s, "too_few_turns"), 1);
    /* k8 was edited, but a dropped conversation counts no steps. */
    CHECK_INT(s.steps, 0);
    fs_free(&s);
}

TEST(fmt_sharegpt_blocked_words_file_replaces_defaults)
{
    const char *path = "/tmp/tuneset_test_blocked_words.txt";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("# one phrase a line\n\nAs An AI\n", f);
    fclose(f);
    const char *rows[] = {
        "{'id':'b1','conversations':[{'from':'human','value':'Who made you?'},{'from':'gpt','value':'OpenAI made me, they say.'}]}",
        "{'id':'b2','conversations':[{'from':'human','value':'Feelings?'},{'from':'gpt','value':'as an ai, I have none to speak of.'}]}",
    };
    ts_import_opts o = clean_opts();
    o.blocked_words = path;
    fsink s = {0};
    CHECK_INT(fs_run(&s, &ts_format_sharegpt, &o, rows, 2), 0);
    remove(path);
    CHECK_INT(s.emitted, 1);
    CHECK(strstr(fs_rec(&s, 0), "sharegpt/b1"));
    CHECK_INT(fs_drops(&s, "blocked_phrase"), 1);
    fs_free(&s);
}

TEST(fmt_sharegpt_option_errors)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.blocked_words = "/nonexistent/words.txt";
    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_format_sharegpt.open(&st, &o, &e), TS_EINVAL); /* needs --clean */
    o.clean = true;
    CHECK_INT(ts_format_sharegpt.open(&st, &o, &e), TS_ENOENT);
    CHECK(st == NULL);
}

TEST(fmt_sharegpt_fixture_plain_and_clean)
{
    fsink s = {0};
    CHECK_INT(fs_run_file(&s, &ts_format_sharegpt, NULL, FIXTURE("sharegpt/sample.json")), 0);
    CHECK_INT(s.rows, 8);
    CHECK_INT(s.emitted, 5);
    CHECK_INT(fs_drops(&s, "first_turn_not_user"), 1);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    /* Ids stay unique even without --clean. */
    CHECK_INT(fs_drops(&s, "duplicate_id"), 1);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    fs_free(&s);

    ts_import_opts o = clean_opts();
    CHECK_INT(fs_run_file(&s, &ts_format_sharegpt, &o, FIXTURE("sharegpt/sample.json")), 0);
    CHECK_INT(s.rows, 8);
    CHECK_INT(s.emitted, 3);
    CHECK_INT(fs_drops(&s, "duplicate_pair"), 1);
    CHECK_INT(fs_drops(&s, "duplicate_id"), 1);
    CHECK_INT(fs_drops(&s, "blocked_phrase"), 1);
    CHECK_INT(fs_drops(&s, "too_short"), 1);
    CHECK_INT(fs_drops(&s, "not_alternating"), 1);
    CHECK_INT(s.rejected + s.invalid + s.unbalanced, 0);
    /* The ChatGPT page became Markdown with a fenced Python block. */
    CHECK(strstr(fs_rec(&s, 0), "You can count the lines of a file like this:\\n\\n```python\\nwith open(path) as f:\\n"
                                "    n = sum(1 for _ in f)\\n```\\n\\nThis reads the file *once* and never holds it in "
                                "memory & works for large files."));
    CHECK(strstr(fs_rec(&s, 0), "Use `wc -l file.txt`."));
    /* Leading greeting and trailing "Thanks" cut, "1 / 1" counters gone. */
    CHECK_STR(fs_rec(&s, 1), fs_q("{'messages':[{'role':'user','content':'What is the capital of Canada?'},"
                                  "{'role':'assistant','content':'The capital of Canada is **Ottawa**.'}],"
                                  "'id':'sharegpt/Qx7Kd2a_1','source':'sharegpt','meta':{}}"));
    /* The leading system turn is not a user turn: cut like FastChat. */
    CHECK(strstr(fs_rec(&s, 2), fs_q("{'messages':[{'role':'user','content':'Name three prime numbers.'}")));
    fs_free(&s);
}

TEST(fmt_sharegpt_detect)
{
    const char *rows[] = {
        "{'id':'a','conversations':[{'from':'human','value':'x'}]}",
        "{'id':'a','data':['x','y']}",
    };
    CHECK(fs_best(rows[0], NULL) == &ts_format_sharegpt);
    CHECK_INT(fs_detect(&ts_format_sharegpt, rows[1]), 0);
}
