/* Self-Instruct: seed loading, the prompt layout, the reply parser and the
 * filters, in English and Korean. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/gen.h"

static ts_si_task task(const char *i, const char *in, const char *out)
{
    return (ts_si_task){i, in, out, strlen(i), strlen(in), strlen(out)};
}

TEST(gen_si_seed)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    const char *ok = "{\"id\":\"seed_task_0\",\"name\":\"breakfast_suggestion\",\"instruction\":\"Is there "
                     "anything I can eat for a breakfast?\",\"instances\":[{\"input\":\"\",\"output\":\"Yes.\"},"
                     "{\"input\":\"x\",\"output\":\"y\"}],\"is_classification\":false}";
    CHECK_INT(ts_json_parse(ok, strlen(ok), &a, NULL, &v, NULL), 0);
    ts_si_task t;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_si_seed(v, &t, &e), 0);
    CHECK_INT(t.input_len, 0);
    CHECK_INT(t.output_len, 4);
    const char *bad[] = {"{\"instruction\":\"x\"}", "{\"instruction\":\"\",\"instances\":[{\"output\":\"o\"}]}",
                         "{\"instruction\":\"x\",\"instances\":[]}",
                         "{\"instruction\":\"x\",\"instances\":[{\"input\":1,\"output\":\"o\"}]}", "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_INT(ts_json_parse(bad[i], strlen(bad[i]), &a, NULL, &v, NULL), 0);
        CHECK_INT(ts_si_seed(v, &t, &e), TS_ESCHEMA);
        CHECK(e.msg[0]);
    }
    ts_arena_release(&a);
}

TEST(gen_si_prompt_layout)
{
    ts_si_task ts[2] = {task("  Give three\n tips:  ", "", "1. Eat."), task("Translate it.", "Hola", "Hello")};
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_si_prompt(&b, "PREAMBLE", 8, ts, 2, NULL), 0);
    CHECK_INT(ts_buf_putc(&b, 0), 0);
    CHECK_STR(b.data, "PREAMBLE\n###\n1. Instruction: Give three tips\n1. Input:\n<noinput>\n1. Output:\n1. Eat.\n"
                      "###\n2. Instruction: Translate it.\n2. Input:\nHola\n2. Output:\nHello\n###\n3. Instruction:");
    b.len = 0;
    ts_si_labels ko = {"지시", "입력", "출력", "<입력 없음>"};
    CHECK_INT(ts_si_prompt(&b, "P", 1, ts, 1, &ko), 0);
    CHECK_INT(ts_buf_putc(&b, 0), 0);
    CHECK_STR(b.data, "P\n###\n1. 지시: Give three tips\n1. 입력:\n<입력 없음>\n1. 출력:\n1. Eat.\n###\n2. 지시:");
    ts_buf_release(&b);
}

TEST(gen_si_parse_blocks)
{
    ts_arena a;
    ts_arena_init(&a);
    const char *reply = " Name three colors.\n4. Input:\n<noinput>\n4. Output:\nRed, green, blue.\n"
                        "###\n5. Instruction: Sort these numbers.\n5. Input:\n3 1 2\n5. Output:\n1 2 3\n"
                        "###\n6. Instruction: Missing parts here.\n6. Output:\nx\n"
                        "###\n7. Instruction: Wrong number.\n5. Input:\nx\n5. Output:\ny\n"
                        "###\n8. Instruction: Cut off mid";
    ts_si_item *it;
    size_t n;
    CHECK_INT(ts_si_parse(reply, strlen(reply), false, 3, NULL, &a, &it, &n), 0);
    CHECK_INT(n, 5);
    CHECK(!it[0].drop);
    CHECK_INT(it[0].t.instruction_len, strlen("Name three colors."));
    CHECK(!memcmp(it[0].t.instruction, "Name three colors.", it[0].t.instruction_len));
    CHECK_INT(it[0].t.input_len, 0);
    CHECK(!memcmp(it[0].t.output, "Red, green, blue.", it[0].t.output_len));
    CHECK(!it[1].drop);
    CHECK(!memcmp(it[1].t.input, "3 1 2", 5) && it[1].t.input_len == 5);
    CHECK_STR(it[2].drop, "si_malformed");
    CHECK_STR(it[3].drop, "si_malformed");
    CHECK_STR(it[4].drop, "si_malformed"); /* not cut by length: just incomplete */
    CHECK_INT(ts_si_parse(reply, strlen(reply), true, 3, NULL, &a, &it, &n), 0);
    CHECK_INT(n, 5);
    CHECK_STR(it[4].drop, "si_cut_by_length");
    /* A trailing "###" leaves an empty block, which is no item; "14." is
     * not "4.". */
    const char *r2 = " A task with words.\n14. Input:\nq\n4. Input:\nz\n4. Output:\nw\n###\n";
    CHECK_INT(ts_si_parse(r2, strlen(r2), false, 3, NULL, &a, &it, &n), 0);
    CHECK_INT(n, 1);
    CHECK(!it[0].drop);
    CHECK(!memcmp(it[0].t.instruction, "A task with words.\n14. Input:\nq", it[0].t.instruction_len));
    /* A chat model that restarts the block with its head. */
    const char *r3 = "###\n4. Instruction: Name a fruit please now.\n4. Input:\n<noinput>\n4. Output:\nApple\n";
    CHECK_INT(ts_si_parse(r3, strlen(r3), false, 3, NULL, &a, &it, &n), 0);
    CHECK_INT(n, 1);
    CHECK(!it[0].drop);
    CHECK(!memcmp(it[0].t.instruction, "Name a fruit please now.", it[0].t.instruction_len));
    CHECK_INT(ts_si_parse("", 0, false, 3, NULL, &a, &it, &n), 0);
    CHECK_INT(n, 1);
    CHECK_STR(it[0].drop, "si_malformed");
    ts_arena_release(&a);
}

TEST(gen_si_parse_korean)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_si_labels ko = {"지시", "입력", "출력", "<입력 없음>"};
    const char *reply = " 다음 문장을 영어로 번역하세요.\n4. 입력:\n안녕하세요\n4. 출력:\nHello\n###\n"
                        "5. 지시: 좋은 아침 식사 메뉴를 세 가지 추천해 주세요.\n5. 입력:\n<입력 없음>\n5. 출력:\n죽, 토스트, 과일\n";
    ts_si_item *it;
    size_t n;
    CHECK_INT(ts_si_parse(reply, strlen(reply), false, 3, &ko, &a, &it, &n), 0);
    CHECK_INT(n, 2);
    CHECK(!it[0].drop && !it[1].drop);
    CHECK_INT(it[1].t.input_len, 0);
    ts_si_filter f = {.allow_non_ascii = true};
    CHECK(!ts_si_check(&it[0].t, &f));
    CHECK(!ts_si_check(&it[1].t, &f));
    CHECK_STR(ts_si_check(&it[1].t, NULL), "si_non_ascii_start");
    ts_arena_release(&a);
}

TEST(gen_si_filters)
{
    ts_si_task t;
#define CHECK_RULE(ins, rule)                                                                     \
    do {                                                                                          \
        t = task(ins, "", "out");                                                                 \
        const char *got_ = ts_si_check(&t, NULL);                                                 \
        if ((rule) == NULL ? got_ != NULL : (!got_ || strcmp(got_, (rule) ? (rule) : ""))) {        \
            test_fail(__FILE__, __LINE__, "'%s': %s, expected %s", ins, got_ ? got_ : "kept",      \
                      (rule) ? (rule) : "kept");                                                  \
            return;                                                                               \
        }                                                                                         \
    } while (0)
    const char *kept = NULL;
    CHECK_RULE("Name three primary colors.", kept);
    CHECK_RULE("Three words only", "si_too_short");
    CHECK_RULE("", "si_too_short");
    CHECK_RULE("Describe the image below in detail.", "si_blacklist");
    CHECK_RULE("Describe the IMAGES below in detail.", "si_blacklist");
    CHECK_RULE("Describe the imagery of this poem.", kept); /* whole words only */
    CHECK_RULE("Tell me how to go to the station.", "si_blacklist");
    CHECK_RULE("Tell me how to go toward the station.", kept);
    CHECK_RULE("Explain the profile of this person.", kept); /* "file" inside a word */
    CHECK_RULE("Write a program that sorts numbers.", "si_write_a_program");
    CHECK_RULE("write a program that sorts numbers.", kept); /* Alpaca's check is case-sensitive */
    CHECK_RULE("\"Quote\" this sentence for me please.", "si_punctuation_start");
    CHECK_RULE("Éxplain the rules of chess briefly.", "si_non_ascii_start");
    char longer[2000] = "Word";
    for (int i = 0; i < 150; i++)
        strcat(longer, " word");
    CHECK_RULE(longer, "si_too_long");
    t = task("Name three primary colors.", "", "");
    CHECK_STR(ts_si_check(&t, NULL), "si_empty_output");
    const char *extra[] = {"colors", NULL};
    ts_si_filter f = {.extra_blacklist = extra};
    t = task("Name three primary colors.", "", "x");
    CHECK_STR(ts_si_check(&t, &f), "si_blacklist");
    ts_si_filter ko = {.allow_non_ascii = true};
    t = task("「인용」 이 문장을 설명하세요 지금 바로", "", "x");
    CHECK_STR(ts_si_check(&t, &ko), "si_punctuation_start");
    CHECK_INT(ts_si_words("a\u3000b\xc2\xa0" "c  d\n", strlen("a\u3000b\xc2\xa0" "c  d\n")), 4);
    CHECK(ts_si_has_word("음악 파일을 재생해", strlen("음악 파일을 재생해"), "음악"));
    CHECK(!ts_si_has_word("음악가", strlen("음악가"), "음악"));
}
