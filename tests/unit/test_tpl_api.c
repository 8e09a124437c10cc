/* The template API: loading tokenizer_config.json shapes, built-ins,
 * generation spans, and how errors leave the output. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/template.h"

static ts_json *parse(ts_arena *a, const char *s)
{
    ts_json *v = NULL;
    return ts_json_parse(s, strlen(s), a, NULL, &v, NULL) ? NULL : v;
}

static int load(const char *cfg, ts_template **t, ts_err *e) { return ts_template_from_config(cfg, strlen(cfg), t, e); }

TEST(tpl_config_string_and_tokens)
{
    ts_template *t;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(load("{\"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<B>\"}, \"eos_token\": \"<E>\","
                   " \"chat_template\": \"{{ bos_token }}{{ messages[0].content }}{{ eos_token }}\"}",
                   &t, &e),
              0);
    CHECK_STR(ts_template_bos(t), "<B>");
    CHECK_STR(ts_template_eos(t), "<E>");
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_buf_append(&b, "kept|", 5); /* render appends */
    CHECK_INT(ts_template_render(t, parse(&a, "[{\"role\": \"user\", \"content\": \"x\"}]"), NULL, &b, NULL, &e), 0);
    CHECK_INT(b.len, 12);
    CHECK(!memcmp(b.data, "kept|<B>x<E>", 12));
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
}

TEST(tpl_config_named_templates)
{
    ts_template *t;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(load("{\"chat_template\": [{\"name\": \"default\", \"template\": \"D\"},"
                   " {\"name\": \"tool_use\", \"template\": \"T{{ tools | length }}\"}]}",
                   &t, &e),
              0);
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json *msgs = parse(&a, "[]");
    ts_tpl_render_opts o = {.tools = parse(&a, "[{\"name\": \"f\"}]")};
    CHECK_INT(ts_template_render(t, msgs, NULL, &b, NULL, &e), 0);
    CHECK_INT(ts_template_render(t, msgs, &o, &b, NULL, &e), 0);
    o.tools = parse(&a, "[]"); /* empty tools: the default template */
    CHECK_INT(ts_template_render(t, msgs, &o, &b, NULL, &e), 0);
    CHECK_INT(b.len, 4);
    CHECK(!memcmp(b.data, "DT1D", 4));
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
}

TEST(tpl_config_errors)
{
    ts_template *t = NULL;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(load("{\"bos_token\": \"<s>\"}", &t, &e), TS_ETEMPLATE);
    CHECK_STR(e.msg, "tokenizer_config has no chat_template");
    CHECK(t == NULL);
    CHECK_INT(load("{\"chat_template\": \"ok\\n{% for x in y %}\"}", &t, &e), TS_ETEMPLATE);
    CHECK_INT(e.line, 2);
    CHECK_INT(load("{\"chat_template\": [{\"name\": \"default\"}]}", &t, &e), TS_ETEMPLATE);
    CHECK_INT(load("{not json", &t, &e), TS_ESYNTAX);
    CHECK_INT(ts_template_load("tests/fixtures/template/no-such-dir", &t, &e), TS_ENOENT);
    CHECK_INT(ts_template_open("no-such-template-name", &t, &e), TS_ENOENT);
}

TEST(tpl_builtins)
{
    size_t n = 0;
    for (; ts_template_builtin_name(n); n++) {
        ts_template *t;
        ts_err e = TS_ERR_INIT;
        CHECK_INT(ts_template_builtin(ts_template_builtin_name(n), &t, &e), 0);
        ts_template_free(t);
    }
    CHECK_INT(n, 7);
    const char *bos, *eos;
    CHECK(ts_template_builtin_source("llama3", &bos, &eos) != NULL);
    CHECK_STR(bos, "<|begin_of_text|>");
    CHECK_STR(eos, "<|eot_id|>");
    CHECK(ts_template_builtin_source("nope", &bos, &eos) == NULL);
}

TEST(tpl_generation_spans)
{
    ts_template *t;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_template_builtin("chatml", &t, &e), 0);
    ts_arena a, scratch;
    ts_arena_init(&a);
    ts_arena_init(&scratch);
    ts_json *msgs = parse(&a, "[{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": "
                              "\"Yo\"}, {\"role\": \"user\", \"content\": \"\xc3\xa9\"}, {\"role\": \"assistant\", "
                              "\"content\": \"Ok\"}]");
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_tpl_spans sp = {0};
    ts_tpl_render_opts o = {.add_generation_prompt = true, .scratch = &scratch};
    for (int round = 0; round < 2; round++) { /* the scratch arena is reused */
        b.len = 0;
        CHECK_INT(ts_template_render(t, msgs, &o, &b, &sp, &e), 0);
        CHECK_INT(sp.n, 2);
        /* each span covers the reply and its <|im_end|> */
        CHECK_INT(sp.v[0].end - sp.v[0].start, 12);
        CHECK(!memcmp(b.data + sp.v[0].start, "Yo<|im_end|>", 12));
        CHECK(!memcmp(b.data + sp.v[1].start, "Ok<|im_end|>", 12));
        CHECK(b.len > 22 && !memcmp(b.data + b.len - 22, "<|im_start|>assistant\n", 22));
    }
    ts_tpl_spans_release(&sp);
    ts_buf_release(&b);
    ts_arena_release(&scratch);
    ts_arena_release(&a);
    ts_template_free(t);
}

TEST(tpl_raise_leaves_output)
{
    ts_template *t;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_template_builtin("mistral", &t, &e), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_buf_append(&b, "before", 6);
    ts_tpl_spans sp = {0};
    int rc = ts_template_render(t, parse(&a, "[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", "
                                             "\"content\": \"b\"}]"),
                                NULL, &b, &sp, &e);
    CHECK_INT(rc, TS_ETEMPLATE);
    CHECK_STR(e.msg, "Conversation roles must alternate user/assistant/user/assistant/...");
    CHECK_INT(b.len, 6);
    CHECK_INT(sp.n, 0);
    ts_tpl_spans_release(&sp);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
}

TEST(tpl_output_cap)
{
    ts_template *t;
    ts_err e = TS_ERR_INIT;
    const char *src = "{% for i in range(1000) %}0123456789{% endfor %}";
    CHECK_INT(ts_template_from_source(src, strlen(src), NULL, NULL, &t, &e), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 1000); /* capped buffers stop runaway templates */
    CHECK_INT(ts_template_render(t, parse(&a, "[]"), NULL, &b, NULL, &e), TS_ETOOBIG);
    CHECK_INT(b.len, 0);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
}

TEST(tpl_step_budget)
{
    ts_template *t;
    ts_err e = TS_ERR_INIT;
    const char *src = "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}done";
    CHECK_INT(ts_template_from_source(src, strlen(src), NULL, NULL, &t, &e), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_tpl_render_opts o = {.max_steps = 100000};
    CHECK_INT(ts_template_render(t, parse(&a, "[]"), &o, &b, NULL, &e), TS_ETEMPLATE);
    CHECK_STR(e.msg, "template ran past its step budget (100000)");
    o.max_steps = 0; /* the default allows it */
    CHECK_INT(ts_template_render(t, parse(&a, "[]"), &o, &b, NULL, &e), 0);
    CHECK_INT(b.len, 4);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
}

/* Renders a conversation with prefix spans; returns the spans' texts
 * joined by '|', or "ERR <code>". */
static const char *turn_spans(const char *src, const char *msgs, bool agp)
{
    static char out[1024];
    ts_template *t = NULL;
    ts_err e = TS_ERR_INIT;
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_tpl_spans sp = {0};
    ts_tpl_render_opts o = {.add_generation_prompt = agp};
    int rc = ts_template_from_source(src, strlen(src), "<s>", "</s>", &t, &e);
    if (!rc)
        rc = ts_template_assistant_spans(t, parse(&a, msgs), &o, &b, &sp, &e);
    size_t k = 0;
    out[0] = 0;
    if (rc)
        snprintf(out, sizeof out, "ERR %d", rc);
    for (size_t i = 0; !rc && i < sp.n; i++)
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%.*s", i ? "|" : "", (int)(sp.v[i].end - sp.v[i].start),
                              b.data + sp.v[i].start);
    ts_tpl_spans_release(&sp);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
    return out;
}

TEST(tpl_assistant_spans_by_prefix)
{
    const char *llama = "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}<eot>{% endfor %}"
                        "{% if add_generation_prompt %}<assistant>{% endif %}";
    const char *conv = "[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"B\"},"
                       "{\"role\":\"user\",\"content\":\"c\"},{\"role\":\"assistant\",\"content\":\"D\"}]";
    /* the span starts after the generation prompt (the assistant header) */
    CHECK_STR(turn_spans(llama, conv, false), "B<eot>|D<eot>");
    CHECK_STR(turn_spans(llama, conv, true), "B<eot>|D<eot>");
    /* a generation prompt the full text does not contain: no prefix spans */
    const char *gp = "{% for m in messages %}{% if m.role == 'user' %}[U]{{ m.content }}{% else %}{{ m.content }}"
                     "</s>{% endif %}{% endfor %}{% if add_generation_prompt %}[A]{% endif %}";
    CHECK_STR(turn_spans(gp, conv, false), "ERR -13");
    /* generation blocks win when the template has them */
    CHECK_STR(turn_spans("{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}"
                         "{% endgeneration %}{% else %}{{ m.content }}{% endif %}{% endfor %}",
                         conv, false),
              "B|D");
    /* a template that rewrites old turns has no prefix spans */
    CHECK_STR(turn_spans("{% for m in messages %}{{ m.content if loop.last else '-' }}{% endfor %}", conv, false),
              "ERR -13");
}
