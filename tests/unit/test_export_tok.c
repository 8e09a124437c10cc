/* Tokenized export on a tiny byte-level BPE tokenizer written for the
 * tests (tests/fixtures/export/tiny): labels land on the assistant turns and
 * their end-of-turn token, generation blocks are honoured, a token that
 * straddles the turn's start is trained on, pairs split as TRL does, and
 * packing keeps examples apart. (tests/export/run.sh does the same on the
 * real Llama 3 and Qwen 3 files against Hugging Face's tokenizers.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/export.h"
#include "tuneset/template.h"
#include "tuneset/tokenizer.h"

static ts_json *parse(ts_arena *a, const char *text)
{
    ts_json *v = NULL;
    return ts_json_parse(text, strlen(text), a, NULL, &v, NULL) ? NULL : v;
}

/* The labelled runs of ex, decoded and joined with "|". */
static void labelled(ts_tokenizer *tok, const ts_tok_example *ex, char *out, size_t cap)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    for (size_t i = 0; i < ex->n;) {
        if (ex->labels[i] == -100) {
            i++;
            continue;
        }
        size_t j = i;
        uint32_t run[4096];
        size_t n = 0;
        while (j < ex->n && ex->labels[j] != -100 && n < 4096)
            run[n++] = (uint32_t)ex->labels[j++];
        if (b.len)
            ts_buf_putc(&b, '|');
        ts_tokenizer_decode(tok, run, n, false, &b);
        i = j;
    }
    snprintf(out, cap, "%.*s", (int)b.len, b.data ? b.data : "");
    ts_buf_release(&b);
}

static const char *CONV = "[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"hi\"},"
                          "{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"more\"},"
                          "{\"role\":\"assistant\",\"content\":\"ok then\"}]";

TEST(export_tok_labels_on_assistant_turns)
{
    ts_tokenizer *tok;
    ts_template *tpl;
    CHECK_INT(ts_tokenizer_load(FIXTURE("export/tiny"), &tok, NULL), 0);
    CHECK_INT(ts_template_load(FIXTURE("export/tiny"), &tpl, NULL), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *msgs = parse(&a, CONV);
    ts_tok_example ex;
    char got[512];
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_export_tokenize_sft(tok, tpl, NULL, msgs, false, &a, &ex, &e), 0);
    CHECK_INT(ex.trained_turns, 2);
    for (size_t i = 0; i < ex.n; i++)
        CHECK(ex.labels[i] == -100 || ex.labels[i] == (int32_t)ex.ids[i]);
    labelled(tok, &ex, got, sizeof got);
    CHECK_STR(got, "hello<|im_end|>|ok then<|im_end|>");
    /* the ids are the encode of the rendered text */
    ts_buf text;
    ts_buf_init(&text, 0);
    CHECK_INT(ts_template_render(tpl, msgs, NULL, &text, NULL, NULL), 0);
    ts_tok_ids ids = {0};
    CHECK_INT(ts_tokenizer_encode(tok, text.data, text.len, &ids), 0);
    CHECK_INT(ids.len, ex.n);
    CHECK(!memcmp(ids.ids, ex.ids, ex.n * sizeof *ex.ids));
    ts_tok_ids_release(&ids);
    ts_buf_release(&text);
    CHECK_INT(ts_export_tokenize_sft(tok, tpl, NULL, msgs, true, &a, &ex, &e), 0);
    labelled(tok, &ex, got, sizeof got);
    CHECK_STR(got, "ok then<|im_end|>");
    ts_arena_release(&a);
    ts_template_free(tpl);
    ts_tokenizer_free(tok);
}

TEST(export_tok_generation_blocks_and_straddling_tokens)
{
    ts_tokenizer *tok;
    CHECK_INT(ts_tokenizer_load(FIXTURE("export/tiny/tokenizer.json"), &tok, NULL), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_tok_example ex;
    char got[512];
    /* The template marks what to train on: its block is taken as it is. */
    const char *gen = "{% for m in messages %}{% if m.role == 'assistant' %}A:{% generation %}{{ m.content }}!"
                      "{% endgeneration %}<|im_end|>{% else %}U:{{ m.content }}<|im_end|>{% endif %}{% endfor %}";
    ts_template *tpl;
    CHECK_INT(ts_template_from_source(gen, strlen(gen), NULL, "<|im_end|>", &tpl, NULL), 0);
    ts_json *msgs = parse(&a, "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"yes\"}]");
    CHECK_INT(ts_export_tokenize_sft(tok, tpl, NULL, msgs, false, &a, &ex, NULL), 0);
    labelled(tok, &ex, got, sizeof got);
    CHECK_STR(got, "yes!");
    ts_template_free(tpl);
    /* No separator between the user's text and the reply: "he" + "h" + "ello"
     * encodes as [he][hell][o]; the token holding the reply's first bytes
     * is trained on. */
    const char *glued = "{% for m in messages %}{% if m.role == 'user' %}he{{ m.content }}{% else %}"
                        "{{ m.content }}<|im_end|>{% endif %}{% endfor %}";
    CHECK_INT(ts_template_from_source(glued, strlen(glued), NULL, NULL, &tpl, NULL), 0);
    msgs = parse(&a, "[{\"role\":\"user\",\"content\":\"h\"},{\"role\":\"assistant\",\"content\":\"ello\"}]");
    CHECK_INT(ts_export_tokenize_sft(tok, tpl, NULL, msgs, false, &a, &ex, NULL), 0);
    CHECK_INT(ex.n, 4);
    labelled(tok, &ex, got, sizeof got);
    CHECK_STR(got, "hello<|im_end|>");
    CHECK_INT(ex.labels[0], -100);
    /* A reply the template does not print cannot be located. */
    const char *hides = "{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% endif %}{% endfor %}";
    ts_template_free(tpl);
    CHECK_INT(ts_template_from_source(hides, strlen(hides), NULL, NULL, &tpl, NULL), 0);
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_export_tokenize_sft(tok, tpl, NULL, msgs, false, &a, &ex, &e), TS_ETEMPLATE);
    CHECK(strstr(e.msg, "messages[1]") != NULL);
    ts_template_free(tpl);
    ts_arena_release(&a);
    ts_tokenizer_free(tok);
}

TEST(export_tok_pairs_as_trl)
{
    ts_tokenizer *tok;
    ts_template *tpl;
    CHECK_INT(ts_tokenizer_load(FIXTURE("export/tiny"), &tok, NULL), 0);
    CHECK_INT(ts_template_load(FIXTURE("export/tiny"), &tpl, NULL), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                             "\"chosen\":[{\"role\":\"assistant\",\"content\":\"good\"}],"
                             "\"rejected\":[{\"role\":\"assistant\",\"content\":\"bad\"}]}");
    ts_tok_pair p;
    CHECK_INT(ts_export_tokenize_pref(tok, tpl, NULL, rec, &a, &p, NULL), 0);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_tokenizer_decode(tok, p.prompt, p.np, false, &b);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n");
    b.len = 0;
    ts_tokenizer_decode(tok, p.chosen, p.nc, false, &b);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "good<|im_end|>\n");
    b.len = 0;
    ts_tokenizer_decode(tok, p.rejected, p.nr, false, &b);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "bad<|im_end|>\n");
    ts_json *row;
    CHECK_INT(ts_export_pair_row(&p, &a, &row), 0);
    CHECK_INT(ts_json_get(row, "chosen_input_ids")->len, p.nc);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(tpl);
    ts_tokenizer_free(tok);
}

TEST(export_tok_packing)
{
    ts_packer pk;
    CHECK_INT(ts_packer_init(&pk, 8, 99), 0);
    uint32_t i1[] = {1, 2, 3}, i2[] = {4, 5, 6, 7}, i3[] = {8, 9};
    int32_t l1[] = {-100, 2, 3}, l2[] = {4, -100, 6, 7}, l3[] = {8, 9};
    ts_tok_example e1 = {i1, l1, 3, 1}, e2 = {i2, l2, 4, 1}, e3 = {i3, l3, 2, 1};
    CHECK(ts_packer_fits(&pk, 3));
    ts_packer_add(&pk, &e1);
    CHECK(ts_packer_fits(&pk, 4));
    ts_packer_add(&pk, &e2);
    CHECK(!ts_packer_fits(&pk, 2)); /* 7 used of 8 */
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row;
    CHECK_INT(ts_packer_row(&pk, &a, &row), 0);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json_write(&b, row);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "{\"input_ids\":[1,2,3,4,5,6,7,99],\"attention_mask\":[1,1,1,1,1,1,1,0],"
                      "\"labels\":[-100,2,3,-100,-100,6,7,-100],\"position_ids\":[0,1,2,0,1,2,3,0]}");
    CHECK(ts_packer_fits(&pk, 8));
    ts_packer_add(&pk, &e3);
    b.len = 0;
    CHECK_INT(ts_packer_row(&pk, &a, &row), 0);
    ts_json_write(&b, row);
    ts_buf_putc(&b, 0);
    CHECK_STR(b.data, "{\"input_ids\":[8,9,99,99,99,99,99,99],\"attention_mask\":[1,1,0,0,0,0,0,0],"
                      "\"labels\":[-100,9,-100,-100,-100,-100,-100,-100],\"position_ids\":[0,1,0,1,2,3,4,5]}");
    CHECK_INT(ts_packer_row(&pk, &a, &row), TS_EINVAL); /* empty */
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_packer_release(&pk);
    CHECK_INT(ts_packer_init(&pk, 0, 0), TS_EINVAL);
}
