/* Clean: each measure and each drop rule on hand-made records with known
 * answers; normalization edits. */
#include <math.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/curate_clean.h"
#include "tuneset/error.h"
#include "tuneset/tokenizer.h"

#define NEAR(a, b) CHECK(fabs((a) - (b)) < 1e-9)

/* Cleans one record given as JSON text with options o; returns the rule
 * ("keep" when kept) and, in out (if not NULL), the record as written. */
static const char *clean_json(const ts_clean_opts *o, const char *json, unsigned *edits, char *out, size_t cap)
{
    static char rule[64];
    ts_arena a;
    ts_arena_init(&a);
    ts_clean *c = NULL;
    ts_json *rec;
    ts_clean_result res = {0};
    int rc = ts_clean_new(&c, o);
    if (!rc)
        rc = ts_json_parse(json, strlen(json), &a, NULL, &rec, NULL);
    if (!rc)
        rc = ts_clean_record(c, rec, &a, &res);
    snprintf(rule, sizeof rule, "%s", rc ? "error" : res.rule ? res.rule : "keep");
    if (edits)
        *edits = res.edits;
    if (!rc && out) {
        ts_buf b;
        ts_buf_init(&b, 0);
        ts_json_write(&b, rec);
        size_t n = b.len < cap - 1 ? b.len : cap - 1;
        memcpy(out, b.data, n);
        out[n] = 0;
        ts_buf_release(&b);
    }
    ts_clean_free(c);
    ts_arena_release(&a);
    return rule;
}

#define MSG(r, c) "{\"role\":\"" r "\",\"content\":\"" c "\"}"
#define SFT2(u, a) "{\"messages\":[" MSG("user", u) "," MSG("assistant", a) "]}"

TEST(clean_measures)
{
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    ts_clean *c;
    CHECK_INT(ts_clean_new(&c, &o), 0);
    /* 4 non-blank lines ("a" three times, trimmed): 2 repeat an earlier one. */
    const char *lines = "a\n b\n\n a \na\n";
    NEAR(ts_clean_dup_line_ratio(c, lines, strlen(lines)), 0.5);
    NEAR(ts_clean_dup_line_ratio(c, "one\ntwo", 7), 0.0);
    NEAR(ts_clean_dup_line_ratio(c, "", 0), 0.0);
    /* 3-grams: abc bca cab abc -> 1 of 4 repeats; case-insensitive. */
    const char *g = "a b c A  B\tc";
    NEAR(ts_clean_dup_ngram_ratio(c, g, strlen(g), 3), 0.25);
    NEAR(ts_clean_dup_ngram_ratio(c, "yes yes yes yes yes", 19, 3), 2.0 / 3.0);
    NEAR(ts_clean_dup_ngram_ratio(c, "two words", 9, 3), 0.0);
    CHECK_INT(ts_clean_longest_run("heyyyyy!!", 9), 5);
    CHECK_INT(ts_clean_longest_run("a          b", 12), 1); /* spaces don't count */
    CHECK_INT(ts_clean_longest_run("\xc3\xa9\xc3\xa9\xc3\xa9x", 7), 3); /* ééé: code points */
    CHECK_INT(ts_clean_chars("h\xc3\xa9llo \xe2\x80\x99", 10), 7);
    size_t n;
    /* "Ã©tÃ©": both pairs are mojibake: 4 bad of 5. */
    CHECK_INT(ts_clean_bad_chars("\xc3\x83\xc2\xa9t\xc3\x83\xc2\xa9", 9, &n), 4);
    CHECK_INT(n, 5);
    /* "itâ€™s": the three characters of the mojibake apostrophe. */
    CHECK_INT(ts_clean_bad_chars("it\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s", 11, &n), 3);
    CHECK_INT(n, 6);
    /* control (\x01), U+FFFD, an invalid byte; \n and \t are fine. */
    CHECK_INT(ts_clean_bad_chars("a\x01\n\t\xef\xbf\xbd\xff", 8, &n), 3);
    CHECK_INT(n, 6);
    /* Real accents and "SÃO" are not mojibake. */
    CHECK_INT(ts_clean_bad_chars("caf\xc3\xa9 S\xc3\x83O", 10, &n), 0);
    CHECK_INT(n, 8);
    const char *d1 = "Sure. AS AN AI LANGUAGE MODEL, I think";
    CHECK_INT(ts_clean_has_disclaimer(c, d1, strlen(d1)), 1);
    const char *d2 = "I\xe2\x80\x99m sorry, but I cannot do that"; /* curly apostrophe */
    CHECK_INT(ts_clean_has_disclaimer(c, d2, strlen(d2)), 1);
    const char *d3 = "An AI model is a program.";
    CHECK_INT(ts_clean_has_disclaimer(c, d3, strlen(d3)), 0);
    ts_clean_free(c);
}

TEST(clean_structure_rules)
{
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    CHECK_STR(clean_json(&o, SFT2("Hi", "Hello!"), NULL, NULL, 0), "keep");
    CHECK_STR(clean_json(&o, SFT2("Hi", " \\n "), NULL, NULL, 0), "empty_turn");
    CHECK_STR(clean_json(&o, "{\"messages\":[" MSG("user", "a") "," MSG("user", "b") "," MSG("assistant", "c") "]}",
                         NULL, NULL, 0),
              "consecutive_same_role");
    const char *ends_user = "{\"messages\":[" MSG("user", "a") "," MSG("assistant", "b") "," MSG("user", "c") "]}";
    CHECK_STR(clean_json(&o, ends_user, NULL, NULL, 0), "keep"); /* off by default */
    o.require_final_assistant = true;
    CHECK_STR(clean_json(&o, ends_user, NULL, NULL, 0), "no_final_assistant");
    /* Preference: the prompt continues into chosen and rejected. */
    const char *pref = "{\"prompt\":[" MSG("user", "q") "],\"chosen\":[" MSG("assistant", "good") "],\"rejected\":["
                       MSG("user", "bad") "]}";
    CHECK_STR(clean_json(&o, pref, NULL, NULL, 0), "consecutive_same_role");
    const char *pref_ok = "{\"prompt\":[" MSG("user", "q") "],\"chosen\":[" MSG("assistant", "good") "],\"rejected\":["
                          MSG("assistant", "bad") "]}";
    CHECK_STR(clean_json(&o, pref_ok, NULL, NULL, 0), "keep");
    /* A prompt-only record is not an answer: no final-assistant check. */
    CHECK_STR(clean_json(&o, "{\"prompt\":[" MSG("user", "q") "]}", NULL, NULL, 0), "keep");
    CHECK_STR(clean_json(&o, "{\"text\":\"  \"}", NULL, NULL, 0), "empty_turn");
    o.structure = false;
    o.require_final_assistant = false;
    CHECK_STR(clean_json(&o, SFT2("Hi", ""), NULL, NULL, 0), "keep");
}

TEST(clean_length_rules)
{
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    const char *r = SFT2("Hi", "Hello there"); /* 2 + 11 = 13 characters */
    o.min_turn_chars = 3;
    CHECK_STR(clean_json(&o, r, NULL, NULL, 0), "turn_too_short");
    o.min_turn_chars = 2;
    CHECK_STR(clean_json(&o, r, NULL, NULL, 0), "keep");
    o.max_turn_chars = 10;
    CHECK_STR(clean_json(&o, r, NULL, NULL, 0), "turn_too_long");
    o.max_turn_chars = 11;
    o.min_chars = 14;
    CHECK_STR(clean_json(&o, r, NULL, NULL, 0), "too_short");
    o.min_chars = 13;
    o.max_chars = 12;
    CHECK_STR(clean_json(&o, r, NULL, NULL, 0), "too_long");
    o.max_chars = 13;
    CHECK_STR(clean_json(&o, r, NULL, NULL, 0), "keep");
    /* Characters are code points: "héé" is 3, not 5 bytes. */
    ts_clean_opts_default(&o);
    o.max_turn_chars = 3;
    CHECK_STR(clean_json(&o, SFT2("h\xc3\xa9\xc3\xa9", "ok"), NULL, NULL, 0), "keep");
}

TEST(clean_content_rules)
{
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    const char *rep = SFT2("Say it", "spam\\nspam\\nspam\\neggs"); /* lines: 2 of 4 repeat */
    CHECK_STR(clean_json(&o, rep, NULL, NULL, 0), "keep");
    o.max_dup_line_ratio = 0.5;
    CHECK_STR(clean_json(&o, rep, NULL, NULL, 0), "keep");
    o.max_dup_line_ratio = 0.3;
    CHECK_STR(clean_json(&o, rep, NULL, NULL, 0), "dup_lines");

    ts_clean_opts_default(&o);
    o.max_dup_ngram_ratio = 0.5;
    CHECK_STR(clean_json(&o, SFT2("go", "I like it I like it I like it"), NULL, NULL, 0), "dup_ngrams");
    CHECK_STR(clean_json(&o, SFT2("go", "I like it a lot, really"), NULL, NULL, 0), "keep");

    ts_clean_opts_default(&o);
    o.max_char_run = 4;
    CHECK_STR(clean_json(&o, SFT2("go", "Nooooo"), NULL, NULL, 0), "char_run");
    CHECK_STR(clean_json(&o, SFT2("go", "Noooo"), NULL, NULL, 0), "keep");

    ts_clean_opts_default(&o);
    const char *dis = SFT2("As an AI language model, what are you?", "As an AI language model, I can't say.");
    CHECK_STR(clean_json(&o, dis, NULL, NULL, 0), "keep");
    o.drop_disclaimers = true;
    CHECK_STR(clean_json(&o, dis, NULL, NULL, 0), "disclaimer");
    /* Only assistant turns count. */
    CHECK_STR(clean_json(&o, SFT2("As an AI language model, what are you?", "A cat."), NULL, NULL, 0), "keep");
    const char *mine[] = {"purple monkey", NULL};
    o.disclaimers = mine; /* replaces the default list */
    CHECK_STR(clean_json(&o, dis, NULL, NULL, 0), "keep");
    CHECK_STR(clean_json(&o, SFT2("hi", "PURPLE Monkey dishwasher"), NULL, NULL, 0), "disclaimer");

    ts_clean_opts_default(&o);
    o.max_bad_char_ratio = 0.2;
    /* "CafÃ©" + "ok": 2 bad of 7 characters (0.286). */
    CHECK_STR(clean_json(&o, SFT2("Caf\xc3\x83\xc2\xa9", "ok"), NULL, NULL, 0), "bad_chars");
    o.max_bad_char_ratio = 0.3;
    CHECK_STR(clean_json(&o, SFT2("Caf\xc3\x83\xc2\xa9", "ok"), NULL, NULL, 0), "keep");
}

TEST(clean_rule_order)
{
    /* Structure comes before lengths, lengths before content filters. */
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    o.min_turn_chars = 100;
    o.max_char_run = 2;
    CHECK_STR(clean_json(&o, SFT2("", "zzzz"), NULL, NULL, 0), "empty_turn");
    CHECK_STR(clean_json(&o, SFT2("a", "zzzz"), NULL, NULL, 0), "turn_too_short");
    o.min_turn_chars = 0;
    CHECK_STR(clean_json(&o, SFT2("a", "zzzz"), NULL, NULL, 0), "char_run");
}

TEST(clean_normalize)
{
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    char out[512];
    unsigned edits;
    const char *r = "{\"messages\":[" MSG("user", "  Hi \\n") "," MSG("assistant", "<p>Use <b>this</b></p>") "],\"id\":\"x/0\"}";
    CHECK_STR(clean_json(&o, r, &edits, out, sizeof out), "keep");
    CHECK_INT(edits, 0);
    o.trim = true;
    CHECK_STR(clean_json(&o, r, &edits, out, sizeof out), "keep");
    CHECK_INT(edits, TS_CLEAN_EDIT_TRIM);
    CHECK_STR(out, "{\"messages\":[" MSG("user", "Hi") "," MSG("assistant", "<p>Use <b>this</b></p>") "],\"id\":\"x/0\"}");
    o.html_to_md = true;
    CHECK_STR(clean_json(&o, r, &edits, out, sizeof out), "keep");
    CHECK_INT(edits, TS_CLEAN_EDIT_TRIM | TS_CLEAN_EDIT_HTML);
    CHECK_STR(out, "{\"messages\":[" MSG("user", "Hi") "," MSG("assistant", "Use **this**") "],\"id\":\"x/0\"}");
    /* Text with a '<' but no closing tag is not HTML: left alone. */
    CHECK_STR(clean_json(&o, SFT2("for (i=0; i<n; i++)\\n  f(i);", "ok"), &edits, out, sizeof out), "keep");
    CHECK_INT(edits, 0);
    CHECK_STR(clean_json(&o, SFT2("a<br>b", "ok"), &edits, NULL, 0), "keep");
    CHECK_INT(edits, TS_CLEAN_EDIT_HTML);
    /* Trimming happens before the filters: a blank turn becomes empty. */
    CHECK_STR(clean_json(&o, SFT2("hi", "<p> </p>"), &edits, NULL, 0), "empty_turn");
    /* Text records and preference turns are normalized too. */
    CHECK_STR(clean_json(&o, "{\"text\":\" t \"}", &edits, out, sizeof out), "keep");
    CHECK_STR(out, "{\"text\":\"t\"}");
    CHECK_STR(clean_json(&o, "{\"prompt\":[" MSG("user", "q ") "],\"chosen\":[" MSG("assistant", " c") "],\"rejected\":["
                                 MSG("assistant", "r") "]}", &edits, out, sizeof out), "keep");
    CHECK_STR(out, "{\"prompt\":[" MSG("user", "q") "],\"chosen\":[" MSG("assistant", "c") "],\"rejected\":["
                       MSG("assistant", "r") "]}");
}

/* Token limits with the fixture tokenizer (tests/fixtures/clean/tokenizer.json:
 * "hello" is one token, "hello world" seven: ▁hello ▁ w o r l d). */
TEST(clean_token_limits)
{
    ts_tokenizer *tok = NULL;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_tokenizer_load("tests/fixtures/clean/tokenizer.json", &tok, &e), 0);
    if (!tok)
        return;
    CHECK_INT(ts_tokenizer_count(tok, "hello world", 11), 7);
    const char *rec = SFT2("hello", "hello world"); /* turns 1 + 7 = 8 tokens, 5 + 11 chars */
    const char *pref = "{\"prompt\":[" MSG("user", "hello") "],\"chosen\":[" MSG("assistant", "hello world")
                       "],\"rejected\":[" MSG("assistant", "hello") "]}"; /* 1 + 7 + 1 = 9 */
    struct {
        size_t min_turn, max_turn, min_total, max_total;
        const char *rule, *pref_rule;
    } cases[] = {
        {0, 0, 0, 8, "keep", "too_many_tokens"},
        {0, 0, 0, 7, "too_many_tokens", "too_many_tokens"},
        {0, 0, 9, 0, "too_few_tokens", "keep"},
        {0, 6, 0, 0, "turn_too_many_tokens", "turn_too_many_tokens"},
        {2, 0, 0, 0, "turn_too_few_tokens", "turn_too_few_tokens"},
        {1, 7, 8, 9, "keep", "keep"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_clean_opts o;
        ts_clean_opts_default(&o);
        o.tokenizer = tok;
        o.min_turn_tokens = cases[i].min_turn;
        o.max_turn_tokens = cases[i].max_turn;
        o.min_tokens = cases[i].min_total;
        o.max_tokens = cases[i].max_total;
        CHECK_STR(clean_json(&o, rec, NULL, NULL, 0), cases[i].rule);
        CHECK_STR(clean_json(&o, pref, NULL, NULL, 0), cases[i].pref_rule);
    }
    /* Character limits run first: a record failing both is too_long. */
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    o.tokenizer = tok;
    o.max_chars = 10;
    o.max_tokens = 2;
    CHECK_STR(clean_json(&o, rec, NULL, NULL, 0), "too_long");
    /* A token limit without a tokenizer is refused. */
    o.tokenizer = NULL;
    ts_clean *c = NULL;
    CHECK_INT(ts_clean_new(&c, &o), TS_EINVAL);
    CHECK(c == NULL);
    ts_tokenizer_free(tok);
}
