/* libFuzzer target: the chat template lexer, parser and evaluator. The
 * input is a template source; it must parse or fail cleanly, and what
 * parses is rendered over a fixed conversation (with tools and an extra
 * variable) under a small output cap and step budget, and again for
 * assistant spans by prefixes. Spans must lie inside the output. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/template.h"

static const char conv[] =
    "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
    "{\"role\":\"user\",\"content\":\" Hi \\u00e9 \\ud83d\\ude00\",\"n\":3,\"f\":1.5},"
    "{\"role\":\"assistant\",\"content\":\"<think>x</think>Hello!\",\"tool_calls\":[{\"type\":\"function\","
    "\"function\":{\"name\":\"f\",\"arguments\":{\"a\":[1,null,true]}}}]},"
    "{\"role\":\"tool\",\"content\":\"{}\"},{\"role\":\"assistant\",\"content\":null}]";
static const char tools[] = "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]";
static const char extra[] = "{\"enable_thinking\":false,\"date_string\":\"26 Jul 2024\"}";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ts_template *t;
    if (ts_template_from_source((const char *)data, size, "<s>", "</s>", &t, NULL))
        return 0;
    ts_arena a;
    ts_arena_init(&a);
    ts_json *m, *tl, *x;
    if (ts_json_parse(conv, sizeof conv - 1, &a, NULL, &m, NULL) ||
        ts_json_parse(tools, sizeof tools - 1, &a, NULL, &tl, NULL) ||
        ts_json_parse(extra, sizeof extra - 1, &a, NULL, &x, NULL))
        abort();
    ts_buf b;
    ts_buf_init(&b, 1 << 16);
    ts_tpl_spans sp = {0};
    ts_err e = TS_ERR_INIT;
    ts_tpl_render_opts o = {.add_generation_prompt = size & 1, .tools = (size & 2) ? tl : NULL, .extra = x,
                            .max_steps = 20000};
    if (ts_template_render(t, m, &o, &b, &sp, &e) == 0) {
        for (size_t i = 0; i < sp.n; i++)
            if (sp.v[i].start > sp.v[i].end || sp.v[i].end > b.len)
                abort();
    } else if (b.len != 0) {
        abort(); /* a failed render leaves the output as it was */
    }
    /* prefix spans: inside the text, in order */
    b.len = 0;
    if (ts_template_assistant_spans(t, m, &o, &b, &sp, &e) == 0) {
        for (size_t i = 0; i < sp.n; i++)
            if (sp.v[i].start > sp.v[i].end || sp.v[i].end > b.len || (i && sp.v[i].start < sp.v[i - 1].start))
                abort();
    } else if (b.len != 0) {
        abort();
    }
    ts_tpl_spans_release(&sp);
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_template_free(t);
    return 0;
}
