/* tuneset tokenize: count (and with --ids, list) the tokens of each
 * record's text with a Hugging Face tokenizer.json. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tuneset/tokenizer.h"

typedef struct {
    ts_tokenizer *tok;
    bool ids;
    ts_tok_ids v;
    ts_jb jb;
    uint64_t tokens, texts;
} tok_ctx;

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    tok_ctx *x = ctx;
    if (!ts_json_is(rec, TS_JSON_OBJECT))
        return run_reject_here(r, "record is not a JSON object");
    const ts_json *text = ts_json_get(rec, "text");
    if (!ts_json_is(text, TS_JSON_STRING)) {
        if (ts_json_get(rec, "messages") || ts_json_get(rec, "prompt"))
            return run_reject_here(r, "conversation record: counting it needs the chat-template engine "
                                      "(include/tuneset/template.h), which this build does not have yet");
        return run_reject_here(r, "record has no \"text\" string");
    }
    x->v.len = 0;
    int rc = ts_tokenizer_encode(x->tok, text->u.s, text->len, &x->v);
    if (rc == TS_EUTF8 || rc == TS_ETOOBIG)
        return run_reject_here(r, "text: %s", ts_strerror(rc));
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    x->texts++;
    x->tokens += x->v.len;
    ts_jb_init(&x->jb, &r->arena);
    ts_jb_int(&x->jb, (int64_t)x->v.len);
    ts_json *num, *arr = NULL;
    rc = ts_jb_finish(&x->jb, &num);
    if (!rc && x->ids) {
        ts_jb_array(&x->jb);
        for (size_t i = 0; i < x->v.len; i++)
            ts_jb_int(&x->jb, x->v.ids[i]);
        ts_jb_end(&x->jb);
        rc = ts_jb_finish(&x->jb, &arr);
    }
    if (!rc)
        rc = ts_json_set(&r->arena, rec, "num_tokens", num);
    if (!rc && arr)
        rc = ts_json_set(&r->arena, rec, "input_ids", arr);
    ts_jb_release(&x->jb);
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    return run_emit(r, rec);
}

int cmd_tokenize(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *path = NULL;
    bool ids = false;
    cli_opt opts[] = {
        {0, "tokenizer", "PATH", OPT_STR, &path, "tokenizer.json, or a folder holding one (required)"},
        {0, "ids", NULL, OPT_FLAG, &ids, "also write input_ids (the token ids)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "--tokenizer PATH [options] [FILE...] -o OUT",
                       "Encodes each record's \"text\" with a Hugging Face tokenizer.json (BPE:\n"
                       "Llama 3, Qwen, GPT-2, Llama 2, Gemma, Mistral) exactly as the tokenizers\n"
                       "library does with add_special_tokens=false: special tokens written in the\n"
                       "text are matched, none are added. Adds num_tokens, and with --ids\n"
                       "input_ids. Records without a text string are rejected.\n\n"
                       "example: tuneset tokenize --tokenizer models/llama3 docs.jsonl -o docs.tok.jsonl --ids",
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
    cli_run r;
    if ((rc = run_begin(&r, "tokenize", &c, c.output))) {
        ts_tokenizer_free(x.tok);
        return rc;
    }
    run_inputs(&r, pos, npos, on_record, &x);
    char extra[160];
    snprintf(extra, sizeof extra, "\"tokenize\":{\"texts\":%llu,\"tokens\":%llu}", (unsigned long long)x.texts,
             (unsigned long long)x.tokens);
    r.extra_stats = extra;
    rc = run_end(&r);
    if (!c.quiet)
        fprintf(stderr, "  tokens %llu in %llu texts\n", (unsigned long long)x.tokens, (unsigned long long)x.texts);
    ts_tok_ids_release(&x.v);
    ts_tokenizer_free(x.tok);
    return rc;
}
