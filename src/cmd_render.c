/* tuneset render: each conversation through a chat template (a model's
 * tokenizer_config.json or a built-in), written as `text` (and
 * `text_chosen` / `text_rejected` for preference pairs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tuneset/template.h"

typedef struct {
    ts_template *t;
    ts_tpl_render_opts o;
    ts_buf text;
    ts_arena scratch;
    ts_tpl_spans spans;
    bool with_spans;
    bool by_prefix; /* --assistant-spans: prefix rendering when no generation blocks */
} render_ctx;

/* prompt + answer as one array in the record's arena (items shared). */
static ts_json *concat(ts_arena *a, const ts_json *x, const ts_json *y)
{
    ts_json *v = ts_arena_alloc(a, sizeof *v);
    size_t n = (size_t)x->len + y->len;
    ts_json *items = ts_arena_alloc(a, (n ? n : 1) * sizeof *items);
    if (!v || !items)
        return NULL;
    memcpy(items, x->u.items, x->len * sizeof *items);
    memcpy(items + x->len, y->u.items, y->len * sizeof *items);
    *v = (ts_json){.type = TS_JSON_ARRAY, .len = (uint32_t)n, .u.items = items};
    return v;
}

/* rec[key] = [[start, end], ...]: the generation blocks' byte ranges. */
static int set_spans(cli_run *r, render_ctx *x, ts_json *rec, const char *key)
{
    ts_jb b;
    ts_jb_init(&b, &r->arena);
    ts_jb_array(&b);
    for (size_t i = 0; i < x->spans.n; i++) {
        ts_jb_array(&b);
        ts_jb_int(&b, (int64_t)x->spans.v[i].start);
        ts_jb_int(&b, (int64_t)x->spans.v[i].end);
        ts_jb_end(&b);
    }
    ts_jb_end(&b);
    ts_json *v;
    int rc = ts_jb_finish(&b, &v);
    ts_jb_release(&b);
    return rc ? rc : ts_json_set(&r->arena, rec, key, v);
}

/* Renders msgs into rec[key]; a template error rejects the record. */
static int render_one(cli_run *r, render_ctx *x, ts_json *rec, const ts_json *msgs, const char *key,
                      const char *spans_key, bool *rejected)
{
    ts_err e = TS_ERR_INIT;
    x->text.len = 0;
    int rc = x->by_prefix ? ts_template_assistant_spans(x->t, msgs, &x->o, &x->text, &x->spans, &e)
                          : ts_template_render(x->t, msgs, &x->o, &x->text, x->with_spans ? &x->spans : NULL, &e);
    if (rc == TS_ETEMPLATE) {
        *rejected = true;
        if (e.line)
            return run_reject_here(r, "template line %llu: %s", (unsigned long long)e.line, e.msg);
        return run_reject_here(r, "template: %s", e.msg);
    }
    if (rc == TS_ENOTSUP) { /* no trustworthy mask for this record */
        *rejected = true;
        return run_reject_here(r, "assistant spans: %s", e.msg);
    }
    if (rc)
        return run_fail(r, EXIT_IO, ts_strerror(rc));
    ts_json v = {.type = TS_JSON_STRING, .len = (uint32_t)x->text.len};
    v.u.s = ts_arena_dup(&r->arena, x->text.data ? x->text.data : "", x->text.len);
    if (!v.u.s || ts_json_set(&r->arena, rec, key, &v) ||
        (x->with_spans && set_spans(r, x, rec, spans_key)))
        return run_fail(r, EXIT_IO, "out of memory");
    return 0;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    render_ctx *x = ctx;
    const ts_json *msgs = ts_json_get(rec, "messages");
    const ts_json *prompt = ts_json_get(rec, "prompt"), *chosen = ts_json_get(rec, "chosen"),
                  *rejected = ts_json_get(rec, "rejected");
    const ts_json *tools = ts_json_get(rec, "tools");
    x->o.tools = ts_json_is(tools, TS_JSON_ARRAY) ? tools : NULL;
    bool rej = false;
    int rc;
    if (ts_json_is(msgs, TS_JSON_ARRAY)) {
        if ((rc = render_one(r, x, rec, msgs, "text", "generation_spans", &rej)) || rej)
            return rc;
    } else if (ts_json_is(prompt, TS_JSON_ARRAY) && ts_json_is(chosen, TS_JSON_ARRAY) &&
               ts_json_is(rejected, TS_JSON_ARRAY)) {
        ts_json *c = concat(&r->arena, prompt, chosen), *j = concat(&r->arena, prompt, rejected);
        if (!c || !j)
            return run_fail(r, EXIT_IO, "out of memory");
        if ((rc = render_one(r, x, rec, c, "text_chosen", "generation_spans_chosen", &rej)) || rej)
            return rc;
        if ((rc = render_one(r, x, rec, j, "text_rejected", "generation_spans_rejected", &rej)) || rej)
            return rc;
    } else if (ts_json_is(prompt, TS_JSON_ARRAY)) {
        if ((rc = render_one(r, x, rec, prompt, "text", "generation_spans", &rej)) || rej)
            return rc;
    } else {
        return run_reject_here(r, "not a conversation: needs messages, or prompt (+ chosen/rejected)");
    }
    return run_emit(r, rec);
}

/* --var k=v: v as JSON when it parses (true, 3, "s", [..]), else a string. */
static int parse_vars(const cli_list *vars, ts_arena *a, ts_json **out)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    for (int i = 0; i < vars->n; i++) {
        const char *eq = strchr(vars->items[i], '=');
        if (!eq || eq == vars->items[i]) {
            cli_error("render", "--var takes NAME=VALUE, not '%s'", vars->items[i]);
            ts_jb_release(&b);
            return EXIT_USAGE;
        }
        char *k = ts_arena_dup(a, vars->items[i], (size_t)(eq - vars->items[i]) + 1);
        if (!k) {
            ts_jb_release(&b);
            return EXIT_IO;
        }
        k[eq - vars->items[i]] = 0;
        ts_jb_key(&b, k);
        ts_json *v;
        if (ts_json_parse(eq + 1, strlen(eq + 1), a, NULL, &v, NULL) == 0)
            ts_jb_value(&b, v);
        else
            ts_jb_cstr(&b, eq + 1);
    }
    ts_jb_end(&b);
    int rc = ts_jb_finish(&b, out);
    ts_jb_release(&b);
    return rc ? EXIT_IO : 0;
}

/* --show-template NAME: the built-in as a tokenizer_config.json, ready to
 * edit or to hand to other tools. */
static int show_template(const char *name)
{
    const char *bos, *eos, *src = ts_template_builtin_source(name, &bos, &eos);
    if (!src) {
        cli_error("render", "no built-in template named '%s'", name);
        return EXIT_USAGE;
    }
    ts_buf b;
    ts_buf_init(&b, 0);
    int rc = ts_buf_append(&b, "{\"bos_token\": ", 14);
    rc |= ts_json_write_string(&b, bos, strlen(bos));
    rc |= ts_buf_append(&b, ", \"eos_token\": ", 15);
    rc |= ts_json_write_string(&b, eos, strlen(eos));
    rc |= ts_buf_append(&b, ", \"chat_template\": ", 19);
    rc |= ts_json_write_string(&b, src, strlen(src));
    rc |= ts_buf_append(&b, "}\n", 2);
    if (!rc)
        rc = cli_write_file("render", NULL, "-", &b);
    else
        rc = EXIT_IO;
    ts_buf_release(&b);
    return rc;
}

int cmd_render(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *tpl = NULL, *show = NULL;
    render_ctx x;
    memset(&x, 0, sizeof x);
    bool agp = false;
    cli_list vars = {{0}, 0};
    cli_opt opts[] = {
        {'t', "template", "PATH|NAME", OPT_STR, &tpl,
         "tokenizer_config.json, a folder holding one, or a built-in: chatml, llama3, mistral, gemma, phi3, "
         "alpaca, vicuna"},
        {0, "show-template", "NAME", OPT_STR, &show,
         "print a built-in template as a tokenizer_config.json (chat_template, bos_token, eos_token) and exit"},
        {0, "add-generation-prompt", NULL, OPT_FLAG, &agp, "end with the assistant header (add_generation_prompt)"},
        {0, "spans", NULL, OPT_FLAG, &x.with_spans,
         "also write generation_spans: [[start, end], ...] byte ranges of {% generation %} blocks"},
        {0, "assistant-spans", NULL, OPT_FLAG, &x.by_prefix,
         "like --spans, but for templates without generation blocks each assistant message's bytes are found by "
         "rendering prefixes; records the template renders unstably are rejected"},
        {0, "var", "NAME=VALUE", OPT_LIST, &vars,
         "an extra template variable (VALUE as JSON when it parses, e.g. enable_thinking=false); repeatable"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "--template PATH|NAME [options] [FILE...] -o OUT",
                       "Renders each conversation with a chat template, exactly as transformers'\n"
                       "apply_chat_template does, into `text`; preference pairs get\n"
                       "`text_chosen` and `text_rejected` (prompt + that answer). A record's\n"
                       "`tools` array is passed as the tools variable. A template that raises\n"
                       "(raise_exception) rejects the record with its message.\n\n"
                       "example: tuneset render --template models/llama3 sft.jsonl -o sft.text.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (show)
        return show_template(show);
    if (!tpl) {
        cli_error("render", "--template is required (a tokenizer_config.json, a folder, or a built-in name)");
        return EXIT_USAGE;
    }
    ts_err e = TS_ERR_INIT;
    if ((rc = ts_template_open(tpl, &x.t, &e))) {
        /* e.line is a line of the template source, not of the JSON file */
        if (e.line && rc == TS_ETEMPLATE)
            cli_error("render", "%s: chat_template line %llu: %s", tpl, (unsigned long long)e.line, e.msg);
        else if (rc == TS_ETEMPLATE)
            cli_error("render", "%s: %s", tpl, e.msg);
        else if (rc == TS_ESYNTAX || rc == TS_EUTF8 || rc == TS_EDEPTH)
            cli_error("render", "%s: byte %llu: %s", tpl, (unsigned long long)e.byte, e.msg);
        else /* the library's message names the path or the name */
            cli_error("render", "%s", e.msg[0] ? e.msg : ts_strerror(rc));
        return rc == TS_ENOENT ? EXIT_USAGE : rc == TS_ETEMPLATE || rc == TS_ESYNTAX ? EXIT_DATA : EXIT_IO;
    }
    ts_arena vars_arena;
    ts_arena_init(&vars_arena);
    ts_json *extra = NULL;
    if (vars.n && (rc = parse_vars(&vars, &vars_arena, &extra))) {
        ts_template_free(x.t);
        ts_arena_release(&vars_arena);
        return rc;
    }
    x.with_spans |= x.by_prefix;
    x.o.add_generation_prompt = agp;
    x.o.extra = extra;
    x.o.scratch = &x.scratch;
    ts_arena_init(&x.scratch);
    ts_buf_init(&x.text, 1u << 30);
    cli_run r;
    if ((rc = run_begin(&r, "render", &c, c.output)) == 0) {
        run_inputs(&r, pos, npos, on_record, &x);
        rc = run_end(&r);
    }
    ts_buf_release(&x.text);
    ts_tpl_spans_release(&x.spans);
    ts_arena_release(&x.scratch);
    ts_arena_release(&vars_arena);
    ts_template_free(x.t);
    return rc;
}
