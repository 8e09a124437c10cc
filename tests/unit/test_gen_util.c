/* The generators' shared helpers: built-in prompts, placeholders, list
 * replies, seeded choices, simulated-chat filters, augmentation modes. */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/gen.h"

/* Every built-in prompt is the text of share/prompts/<name>.txt. */
TEST(gen_prompts_match_files)
{
    size_t i = 0;
    for (const char *name; (name = ts_gen_prompt_name(i)); i++) {
        char path[256];
        snprintf(path, sizeof path, "share/prompts/%s.txt", name);
        FILE *f = fopen(path, "rb");
        CHECK(f);
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        if (strcmp(buf, ts_gen_prompt(name))) {
            test_fail(__FILE__, __LINE__, "built-in prompt %s differs from %s", name, path);
            return;
        }
    }
    CHECK(i >= 15);
    CHECK(!ts_gen_prompt("no_such_prompt"));
}

TEST(gen_fill)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_err e = TS_ERR_INIT;
    ts_gen_var v[] = {{"topic", "tea", 3}, {"n", "5", 1}};
    const char *t = "List {{n}} facts about {{topic}}; {{topic}}! {not} {{ spaced }}";
    CHECK_INT(ts_gen_fill(&b, t, strlen(t), v, 2, &e), 0);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "List 5 facts about tea; tea! {not} {{ spaced }}");
    b.len = 0;
    t = "About {{topc}}.";
    CHECK_INT(ts_gen_fill(&b, t, strlen(t), v, 2, &e), TS_ETEMPLATE);
    CHECK(strstr(e.msg, "{{topc}}"));
    CHECK(ts_gen_uses("a {{x}} b", 9, "x"));
    CHECK(!ts_gen_uses("a {{xy}} b", 10, "x"));
    ts_buf_release(&b);
}

TEST(gen_list_reply)
{
    const char *r = "Here are some:\n1. First one\n2) \"Second one\"\n\n- third\n* fourth\n\xe2\x80\xa2 fifth\n"
                    "  10. tenth  \n\"a\" and \"b\"\n";
    ts_gen_str it[10];
    size_t n = ts_gen_list(r, strlen(r), it, 10);
    CHECK_INT(n, 7);
    const char *want[] = {"First one", "Second one", "third", "fourth", "fifth", "tenth",
                          "\"a\" and \"b\""};
    for (size_t i = 0; i < n; i++)
        CHECK(it[i].len == strlen(want[i]) && !memcmp(it[i].s, want[i], it[i].len));
    CHECK_INT(ts_gen_list(r, strlen(r), it, 2), 7);
}

TEST(gen_rand_and_rounds)
{
    CHECK(ts_gen_rand(1, 0) != ts_gen_rand(1, 1));
    CHECK(ts_gen_rand(1, 0) != ts_gen_rand(2, 0));
    CHECK(ts_gen_rand(5, 9) == ts_gen_rand(5, 9));
    unsigned seen[8] = {0};
    for (uint64_t i = 0; i < 700; i++) {
        unsigned r = ts_sim_rounds(42, i, 3, 7);
        CHECK(r >= 3 && r <= 7);
        seen[r]++;
    }
    for (unsigned r = 3; r <= 7; r++)
        CHECK(seen[r] > 100); /* roughly uniform: 140 each */
    CHECK_INT(ts_sim_rounds(1, 2, 4, 4), 4);
}

TEST(gen_sim_filters)
{
    ts_gen_str ok[] = {{"Hi, how do tides work?", 22}, {"The moon.", 9}, {"Why the moon?", 13}, {"Gravity.", 8}};
    CHECK(!ts_sim_check(ok, 4));
    ts_gen_str empty[] = {{"Q", 1}, {"  \n", 3}};
    CHECK_STR(ts_sim_check(empty, 2), "sim_empty_turn");
    ts_gen_str dup[] = {{"Q", 1}, {"A", 1}, {" Q\n", 3}, {"B", 1}};
    CHECK_STR(ts_sim_check(dup, 4), "sim_duplicate_turn");
    ts_gen_str same_text_other_role[] = {{"Yes", 3}, {"Yes", 3}};
    CHECK(!ts_sim_check(same_text_other_role, 2));
    CHECK(ts_sim_ended("Thanks! [END]", 13, "[END]"));
    CHECK(!ts_sim_ended("Thanks!", 7, "[END]"));
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_sim_transcript(&b, ok, 2), 0);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "User: Hi, how do tides work?\n\nAssistant: The moon.");
    ts_buf_release(&b);
}

TEST(gen_aug_modes)
{
    ts_aug_mode m;
    const char *v, *lang;
    CHECK_INT(ts_aug_mode_parse("paraphrase", &m, &v, &lang), 0);
    CHECK(m == TS_AUG_PARAPHRASE && !strcmp(v, "augment_paraphrase"));
    CHECK_INT(ts_aug_mode_parse("deepen", &m, &v, &lang), 0);
    CHECK(m == TS_AUG_DEEPEN && v == NULL);
    CHECK_INT(ts_aug_mode_parse("deepen:reasoning", &m, &v, &lang), 0);
    CHECK_STR(v, "augment_reasoning");
    CHECK_INT(ts_aug_mode_parse("translate", &m, &v, &lang), 0);
    CHECK_STR(lang, "Korean");
    CHECK_INT(ts_aug_mode_parse("translate:ja", &m, &v, &lang), 0);
    CHECK_STR(lang, "Japanese");
    CHECK_INT(ts_aug_mode_parse("translate:Klingon", &m, &v, &lang), 0);
    CHECK_STR(lang, "Klingon");
    CHECK_INT(ts_aug_mode_parse("broaden", &m, &v, &lang), 0);
    CHECK(m == TS_AUG_BROADEN);
    CHECK_INT(ts_aug_mode_parse("deepen:wider", &m, &v, &lang), TS_EINVAL);
    CHECK_INT(ts_aug_mode_parse("rewrite", &m, &v, &lang), TS_EINVAL);
    CHECK_INT(ts_aug_mode_parse("paraphrase:x", &m, &v, &lang), TS_EINVAL);
    for (uint64_t i = 0; i < 4; i++)
        CHECK(ts_gen_prompt(ts_aug_deepen_variant(i)));
    const char *cases[][2] = {{"  #Rewritten Prompt#: Do X now.\n", "Do X now."},
                              {"#Rewritten Prompt#\nDo X.", "Do X."},
                              {"Rewritten instruction: \"Do Y.\"", "Do Y."},
                              {"\"Say \"hi\" twice\"", "\"Say \"hi\" twice\""},
                              {"Instructions matter.", "Instructions matter."}};
    for (size_t i = 0; i < 5; i++) {
        const char *s = cases[i][0];
        size_t n = strlen(s);
        ts_aug_clean(&s, &n);
        if (n != strlen(cases[i][1]) || memcmp(s, cases[i][1], n)) {
            test_fail(__FILE__, __LINE__, "clean case %zu: '%.*s'", i, (int)n, s);
            return;
        }
    }
}
