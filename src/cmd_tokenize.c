/* tuneset tokenize: count (and with --ids, list) the tokens of each
 * record's text with a Hugging Face tokenizer.json. Conversations are
 * counted on their chat-template rendering, as the model sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "tuneset/template.h"
#include "tuneset/tokenizer.h"

typedef struct {
    ts_tokenizer *tok;
    bool ids;
    ts_tok_ids v;
    uint64_t tokens, texts;
    /* chat template (NULL: conversations are rejected with why) */
    ts_template *tpl;
    char why[4400];
    ts_tpl_render_opts o;
    ts_arena scratch;
    ts_buf text;
} tok_ctx;

/* Encodes s into x->v and sets rec[num_key] (and rec[ids_key]). */
static int count_into(cli_run *r, tok_ctx *x, ts_json *rec, const char *s, size_t n, const char *num_key,
                      const char *ids_key)
{
    x->v.len = 0;
    int rc = ts_tokenizer_encode(x->tok, s, n, &x->v);
    if (rc == TS_EUTF8 || rc == TS_ETOOBIG)
        return run_reject_here(r, "text: %s", ts_strerror(rc));
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    x->texts++;
    x->tokens += x->v.len;
    ts_jb jb;
    ts_jb_init(&jb, &r->arena);
    ts_jb_int(&jb, (int64_t)x->v.len);
    ts_json *num, *arr = NULL;
    rc = ts_jb_finish(&jb, &num);
    if (!rc && x->ids) {
        ts_jb_array(&jb);
        for (size_t i = 0; i < x->v.len; i++)
            ts_jb_int(&jb, x->v.ids[i]);
        ts_jb_end(&jb);
        rc = ts_jb_finish(&jb, &arr);
    }
    if (!rc)
        rc = ts_json_set(&r->arena, rec, num_key, num);
    if (!rc && arr)
        rc = ts_json_set(&r->arena, rec, ids_key, arr);
    ts_jb_release(&jb);
    return rc ? run_fail(r, EXIT_IO, "out of memory") : 0;
}

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

/* Renders msgs with the template and counts the text. *bad is set when
 * the record was rejected (the template raised). */
static int count_rendered(cli_run *r, tok_ctx *x, ts_json *rec, const ts_json *msgs, const char *num_key,
                          const char *ids_key, bool *bad)
{
    ts_err e = TS_ERR_INIT;
    x->text.len = 0;
    int rc = ts_template_render(x->tpl, msgs, &x->o, &x->text, NULL, &e);
    if (rc == TS_ETEMPLATE) {
        *bad = true;
        if (e.line)
            return run_reject_here(r, "template line %llu: %s", (unsigned long long)e.line, e.msg);
        return run_reject_here(r, "template: %s", e.msg);
    }
    if (rc)
        return run_fail(r, EXIT_IO, ts_strerror(rc));
    uint64_t rejected = r->st.rejected;
    rc = count_into(r, x, rec, x->text.data ? x->text.data : "", x->text.len, num_key, ids_key);
    *bad = r->st.rejected != rejected;
    return rc;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    tok_ctx *x = ctx;
    if (!ts_json_is(rec, TS_JSON_OBJECT))
        return run_reject_here(r, "record is not a JSON object");
    const ts_json *text = ts_json_get(rec, "text");
    const ts_json *msgs = ts_json_get(rec, "messages"), *prompt = ts_json_get(rec, "prompt");
    const ts_json *chosen = ts_json_get(rec, "chosen"), *rejected = ts_json_get(rec, "rejected");
    bool bad = false;
    int rc;
    if (ts_json_is(text, TS_JSON_STRING)) {
        uint64_t before = r->st.rejected;
        if ((rc = count_into(r, x, rec, text->u.s, text->len, "num_tokens", "input_ids")) || r->st.rejected != before)
            return rc;
        return run_emit(r, rec);
    }
    if (!ts_json_is(msgs, TS_JSON_ARRAY) && !ts_json_is(prompt, TS_JSON_ARRAY))
        return run_reject_here(r, "record has no \"text\" string and is not a conversation");
    if (!x->tpl)
        return run_reject_here(r, "conversation record: %s", x->why);
    const ts_json *tools = ts_json_get(rec, "tools");
    x->o.tools = ts_json_is(tools, TS_JSON_ARRAY) ? tools : NULL;
    if (ts_json_is(msgs, TS_JSON_ARRAY)) {
        rc = count_rendered(r, x, rec, msgs, "num_tokens", "input_ids", &bad);
    } else if (ts_json_is(chosen, TS_JSON_ARRAY) && ts_json_is(rejected, TS_JSON_ARRAY)) {
        ts_json *c = concat(&r->arena, prompt, chosen), *j = concat(&r->arena, prompt, rejected);
        if (!c || !j)
            return run_fail(r, EXIT_IO, "out of memory");
        rc = count_rendered(r, x, rec, c, "num_tokens_chosen", "input_ids_chosen", &bad);
        if (!rc && !bad)
            rc = count_rendered(r, x, rec, j, "num_tokens_rejected", "input_ids_rejected", &bad);
    } else {
        rc = count_rendered(r, x, rec, prompt, "num_tokens", "input_ids", &bad);
    }
    return rc || bad ? rc : run_emit(r, rec);
}

/* The chat template: --template when given (a failure is the user's to
 * fix: exit code), else tokenizer_config.json beside the tokenizer (a
 * missing or template-less one only makes conversations rejects). */
static int open_template(tok_ctx *x, const char *tokpath, const char *opt)
{
    ts_err e = TS_ERR_INIT;
    int rc;
    if (opt) {
        if ((rc = ts_template_open(opt, &x->tpl, &e)) == 0)
            return 0;
        if (e.line && rc == TS_ETEMPLATE)
            cli_error("tokenize", "%s: chat_template line %llu: %s", opt, (unsigned long long)e.line, e.msg);
        else
            cli_error("tokenize", "--template %s: %s", opt, e.msg[0] ? e.msg : ts_strerror(rc));
        return rc == TS_ENOENT ? EXIT_USAGE : rc == TS_ETEMPLATE || rc == TS_ESYNTAX ? EXIT_DATA : EXIT_IO;
    }
    char cfg[4096];
    struct stat st;
    if (!stat(tokpath, &st) && S_ISDIR(st.st_mode)) {
        snprintf(cfg, sizeof cfg, "%s/tokenizer_config.json", tokpath);
    } else {
        const char *slash = strrchr(tokpath, '/');
        snprintf(cfg, sizeof cfg, "%.*s%stokenizer_config.json", slash ? (int)(slash - tokpath) : 0, tokpath,
                 slash ? "/" : "");
    }
    if (stat(cfg, &st)) {
        snprintf(x->why, sizeof x->why, "no chat template: no %.2000s (pass --template PATH|NAME)", cfg);
        return 0;
    }
    if ((rc = ts_template_load(cfg, &x->tpl, &e))) {
        snprintf(x->why, sizeof x->why, "no usable chat template in %.2000s: %.300s (pass --template PATH|NAME)", cfg,
                 e.msg[0] ? e.msg : ts_strerror(rc));
        x->tpl = NULL;
    }
    return 0;
}

int cmd_tokenize(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *path = NULL, *tpl = NULL;
    bool ids = false;
    cli_opt opts[] = {
        {0, "tokenizer", "PATH", OPT_STR, &path, "tokenizer.json, or a folder holding one (required)"},
        {0, "ids", NULL, OPT_FLAG, &ids, "also write input_ids (the token ids)"},
        {'t', "template", "PATH|NAME", OPT_STR, &tpl,
         "chat template for conversations: tokenizer_config.json, its folder, or a built-in (chatml, llama3, "
         "mistral, gemma, phi3, alpaca, vicuna); default: tokenizer_config.json beside the tokenizer"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "--tokenizer PATH [options] [FILE...] -o OUT",
                       "Encodes each record's \"text\" with a Hugging Face tokenizer.json (BPE:\n"
                       "Llama 3, Qwen, GPT-2, Llama 2, Gemma, Mistral) exactly as the tokenizers\n"
                       "library does with add_special_tokens=false: special tokens written in the\n"
                       "text are matched, none are added. Adds num_tokens, and with --ids\n"
                       "input_ids. Conversations (messages, or prompt) are rendered with the\n"
                       "chat template first; preference pairs get num_tokens_chosen and\n"
                       "num_tokens_rejected (input_ids_chosen / input_ids_rejected).\n\n"
                       "example: tuneset tokenize --tokenizer models/llama3 sft.jsonl -o sft.tok.jsonl --ids",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!path) {
        cli_error("tokenize", "--tokenizer PATH is required");
        return EXIT_USAGE;
    }
    tok_ctx x;
    memset(&x, 0, sizeof x);
    x.ids = ids;
    ts_err e = TS_ERR_INIT;
    if ((rc = ts_tokenizer_load(path, &x.tok, &e))) {
        char msg[512];
        if (!e.file)
            e.file = path;
        ts_err_format(&e, msg, sizeof msg);
        cli_error("tokenize", "%s", msg);
        return rc == TS_ENOENT || rc == TS_EIO ? EXIT_IO : EXIT_DATA;
    }
    if ((rc = open_template(&x, path, tpl))) {
        ts_tokenizer_free(x.tok);
        return rc;
    }
    ts_arena_init(&x.scratch);
    x.o.scratch = &x.scratch;
    ts_buf_init(&x.text, 1u << 30);
    cli_run r;
    if ((rc = run_begin(&r, "tokenize", &c, c.output)) == 0) {
        run_inputs(&r, pos, npos, on_record, &x);
        char extra[160];
        snprintf(extra, sizeof extra, "\"tokenize\":{\"texts\":%llu,\"tokens\":%llu}", (unsigned long long)x.texts,
                 (unsigned long long)x.tokens);
        r.extra_stats = extra;
        rc = run_end(&r);
        if (!c.quiet)
            fprintf(stderr, "  tokens %llu in %llu texts\n", (unsigned long long)x.tokens,
                    (unsigned long long)x.texts);
    }
    ts_tok_ids_release(&x.v);
    ts_buf_release(&x.text);
    ts_arena_release(&x.scratch);
    ts_template_free(x.tpl);
    ts_tokenizer_free(x.tok);
    return rc;
}
