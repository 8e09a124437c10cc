/* tuneset export tokenized: records rendered with the model's chat
 * template and encoded with its tokenizer — input_ids, attention_mask and
 * labels (SFT; optionally packed) or prompt/chosen/rejected ids (pairs).
 * Counts are in input records; --stats adds rows, tokens and
 * trained_tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_export.h"
#include "tuneset/template.h"
#include "tuneset/tokenizer.h"

typedef struct tok_ctx {
    ts_tokenizer *tok;
    ts_template *tpl;
    const ts_json *extra;
    bool last_only;
    bool overhead_given; /* else calibrated per record from its render */
    ts_buf text;         /* scratch render */
    ts_len_opts lo;
    ts_packer pk;
    bool pack;
    ts_arena pack_arena;
    ts_rec_kind kind;
    uint64_t rows, tokens, trained;
} tok_ctx;

size_t export_token_count(void *ctx, const char *s, size_t n)
{
    int64_t k = ts_tokenizer_count(ctx, s, n);
    return k < 0 ? n : (size_t)k; /* invalid text is rejected by the encoder later */
}

int export_calibrate(ts_tokenizer *tok, const ts_template *tpl, ts_buf *scratch, const ts_json *rec, ts_len_opts *lo,
                     ts_err *err)
{
    const ts_json *msgs = ts_json_get(rec, "messages");
    if (!lo->max || !ts_json_is(msgs, TS_JSON_ARRAY) || !msgs->len)
        return 0;
    scratch->len = 0;
    int rc = ts_template_render(tpl, msgs, NULL, scratch, NULL, err);
    if (rc)
        return rc;
    int64_t n = ts_tokenizer_count(tok, scratch->data, scratch->len);
    lo->turn_overhead = 0;
    size_t content = ts_len_record(lo, rec);
    if (n >= 0 && (size_t)n <= lo->max)
        lo->max = 0; /* fits as rendered */
    else if (n >= 0 && (size_t)n > content)
        lo->turn_overhead = ((size_t)n - content + msgs->len - 1) / msgs->len;
    return 0;
}

bool export_admit(cli_run *r, const ts_json *rec, ts_rec_kind *fixed, int *rc)
{
    char why[256];
    *rc = 0;
    if (ts_record_validate(rec, why, sizeof why)) {
        *rc = run_reject_here(r, "%s", why);
        return false;
    }
    ts_rec_kind kind = ts_record_kind(rec);
    if (kind != TS_REC_SFT && kind != TS_REC_PREF) {
        run_drop(r, "not_sft_or_preference");
        return false;
    }
    if (*fixed == TS_REC_UNKNOWN)
        *fixed = kind;
    else if (kind != *fixed) {
        run_drop(r, "kind_mismatch");
        return false;
    }
    return true;
}

bool export_fit(cli_run *r, ts_tokenizer *tok, const ts_template *tpl, ts_buf *scratch, ts_len_opts lo,
                bool calibrate, const ts_json *rec, ts_len_result *lr, int *rc)
{
    *rc = 0;
    if (calibrate) {
        ts_err e = TS_ERR_INIT;
        if (export_calibrate(tok, tpl, scratch, rec, &lo, &e)) {
            *rc = run_reject_here(r, "%s", e.msg[0] ? e.msg : "the template failed");
            return false;
        }
    }
    if (ts_len_apply(&lo, rec, &r->arena, lr)) {
        *rc = run_fail(r, EXIT_IO, "out of memory");
        return false;
    }
    if (!lr->n) {
        run_drop(r, lr->drop_rule);
        return false;
    }
    if (lr->truncated)
        ts_stats_step(&r->st, lr->split ? "length_split_tail_dropped" : "length_truncated");
    if (lr->split)
        ts_stats_step(&r->st, "length_split");
    return true;
}

static int emit_row(cli_run *r, tok_ctx *x, ts_json *row, bool counts_record)
{
    int rc = run_emit(r, row);
    if (!rc && !counts_record)
        r->st.written--; /* a packed row: its records were counted as added */
    x->rows += !rc;
    return rc;
}

static int flush_pack(cli_run *r, tok_ctx *x)
{
    ts_json *row;
    ts_arena_reset(&x->pack_arena);
    if (ts_packer_row(&x->pk, &x->pack_arena, &row))
        return run_fail(r, EXIT_IO, "out of memory");
    return emit_row(r, x, row, false);
}

/* Results of one piece: PIECE_DROPPED (rule set), PIECE_DONE (written or
 * packed), or STOP(code): the record was rejected or the run failed, and
 * on_record returns code (0 for a reject in skip mode). */
enum { PIECE_DROPPED = 0, PIECE_DONE = 1 };
#define STOP(code) (-1 - (code))
static int sft_piece(cli_run *r, tok_ctx *x, const ts_json *piece, const char **rule)
{
    ts_tok_example ex;
    ts_err e = TS_ERR_INIT;
    int rc = ts_export_tokenize_sft(x->tok, x->tpl, x->extra, ts_json_get(piece, "messages"), x->last_only,
                                    &r->arena, &ex, &e);
    if (rc == TS_ENOMEM)
        return STOP(run_fail(r, EXIT_IO, "out of memory"));
    if (rc)
        return STOP(run_reject_here(r, "%s", e.msg[0] ? e.msg : ts_strerror(rc)));
    if (x->lo.max && ex.n > x->lo.max) {
        if (x->lo.mode == TS_LEN_DROP) {
            *rule = "length_over_max";
            return PIECE_DROPPED;
        }
        if (x->lo.mode == TS_LEN_TRUNCATE) {
            ex.n = x->lo.max; /* the cutoff trainers apply */
            ts_stats_step(&r->st, "length_truncated_tokens");
        } else {
            ts_stats_step(&r->st, "length_split_piece_over_max"); /* one round: kept whole */
        }
    }
    size_t trained = 0;
    for (size_t i = 0; i < ex.n; i++)
        trained += ex.labels[i] != -100;
    if (!trained) {
        *rule = "no_assistant_tokens"; /* all labels -100: nothing to learn, a NaN loss */
        return PIECE_DROPPED;
    }
    x->tokens += ex.n;
    x->trained += trained;
    if (!x->pack) {
        ts_json *row;
        if (ts_export_example_row(&ex, &r->arena, &row))
            return STOP(run_fail(r, EXIT_IO, "out of memory"));
        rc = emit_row(r, x, row, true);
        return rc ? STOP(rc) : PIECE_DONE;
    }
    if (ex.n > x->pk.len) {
        *rule = "longer_than_pack";
        return PIECE_DROPPED;
    }
    if (!ts_packer_fits(&x->pk, ex.n) && (rc = flush_pack(r, x)))
        return STOP(rc);
    ts_packer_add(&x->pk, &ex);
    r->st.written++;
    return PIECE_DONE;
}

static int pair(cli_run *r, tok_ctx *x, const ts_json *rec, const char **rule)
{
    ts_tok_pair p;
    ts_err e = TS_ERR_INIT;
    int rc = ts_export_tokenize_pref(x->tok, x->tpl, x->extra, rec, &r->arena, &p, &e);
    if (rc == TS_ENOMEM)
        return STOP(run_fail(r, EXIT_IO, "out of memory"));
    if (rc)
        return STOP(run_reject_here(r, "%s", e.msg[0] ? e.msg : ts_strerror(rc)));
    size_t longer = p.nc > p.nr ? p.nc : p.nr;
    if (x->lo.max && p.np + longer > x->lo.max) {
        *rule = "length_over_max";
        return PIECE_DROPPED;
    }
    x->tokens += p.np + p.nc + p.nr;
    ts_json *row;
    if (ts_export_pair_row(&p, &r->arena, &row))
        return STOP(run_fail(r, EXIT_IO, "out of memory"));
    rc = emit_row(r, x, row, true);
    return rc ? STOP(rc) : PIECE_DONE;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    tok_ctx *x = ctx;
    int admit_rc;
    if (!export_admit(r, rec, &x->kind, &admit_rc))
        return admit_rc;
    ts_rec_kind kind = x->kind;
    if (x->pack && kind == TS_REC_PREF) {
        run_drop(r, "pack_needs_sft");
        return 0;
    }
    /* Splitting and turn-level truncation happen on the record: content
     * tokens + a per-message overhead, either --turn-overhead or measured
     * on this record's render ((rendered - content) / messages, rounded
     * up). The rendered length is checked again after. */
    ts_len_result lr;
    int fit_rc;
    if (!export_fit(r, x->tok, x->tpl, &x->text, x->lo, kind == TS_REC_SFT && x->lo.mode != TS_LEN_DROP && !x->overhead_given,
                    rec, &lr, &fit_rc))
        return fit_rc;
    size_t done = 0;
    const char *rule = NULL;
    uint64_t before = r->st.written;
    for (size_t i = 0; i < lr.n; i++) {
        int rc = kind == TS_REC_SFT ? sft_piece(r, x, lr.pieces[i], &rule) : pair(r, x, lr.pieces[i], &rule);
        if (rc < 0) {
            r->st.written = before; /* the record is counted as rejected */
            return -rc - 1;
        }
        done += (size_t)rc;
    }
    if (!done) {
        run_drop(r, rule);
        return 0;
    }
    r->st.written = before + 1; /* one input record, however many rows */
    return 0;
}

static int parse_vars(const cli_list *vars, ts_arena *a, ts_json **out)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    for (int i = 0; i < vars->n; i++) {
        const char *eq = strchr(vars->items[i], '=');
        if (!eq || eq == vars->items[i]) {
            cli_error("export", "--var takes NAME=VALUE, not '%s'", vars->items[i]);
            ts_jb_release(&b);
            return EXIT_USAGE;
        }
        char *k = ts_arena_dup(a, vars->items[i], (size_t)(eq - vars->items[i]) + 1);
        if (!k)
            break;
        k[eq - vars->items[i]] = 0;
        ts_jb_key(&b, k);
        ts_json *v;
        if (!ts_json_parse(eq + 1, strlen(eq + 1), a, NULL, &v, NULL))
            ts_jb_value(&b, v);
        else
            ts_jb_cstr(&b, eq + 1);
    }
    ts_jb_end(&b);
    int rc = ts_jb_finish(&b, out);
    ts_jb_release(&b);
    return rc ? EXIT_IO : 0;
}

/* The folder of a tokenizer path: where its tokenizer_config.json lives. */
static void tok_folder(const char *path, char *out, size_t cap)
{
    struct stat st;
    if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
        snprintf(out, cap, "%s", path);
        return;
    }
    const char *s = strrchr(path, '/');
    snprintf(out, cap, "%.*s", s ? (int)(s - path) : 1, s ? path : ".");
}

static int open_layers(tok_ctx *x, const char *tok_path, const char *tpl_path)
{
    ts_err e = TS_ERR_INIT;
    char msg[600], dir[4096];
    if (ts_tokenizer_load(tok_path, &x->tok, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error("export", "--tokenizer: %s", msg);
        return EXIT_IO;
    }
    if (!tpl_path) {
        tok_folder(tok_path, dir, sizeof dir);
        tpl_path = dir;
    }
    e = (ts_err)TS_ERR_INIT;
    int rc = ts_template_open(tpl_path, &x->tpl, &e);
    if (rc) {
        if (!e.file)
            e.file = tpl_path;
        ts_err_format(&e, msg, sizeof msg);
        cli_error("export", "--template: %s%s", msg,
                  tpl_path == dir ? " (no chat template beside the tokenizer: give --template)" : "");
        return rc == TS_ENOENT ? EXIT_USAGE : rc == TS_ETEMPLATE ? EXIT_DATA : EXIT_IO;
    }
    return 0;
}

int export_tokenized(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *tok_path = NULL, *tpl_path = NULL, *train_on = "all", *length = "drop";
    size_t pack = 0, max_tokens = 0, overhead = SIZE_MAX;
    uint64_t pad_id = UINT64_MAX;
    cli_list vars = {{0}, 0};
    cli_opt opts[] = {
        {0, "tokenizer", "PATH", OPT_STR, &tok_path, "tokenizer.json, or a folder holding one (required)"},
        {0, "template", "PATH|NAME", OPT_STR, &tpl_path,
         "tokenizer_config.json, a folder, or a built-in (default: the tokenizer's folder)"},
        {0, "var", "NAME=VALUE", OPT_LIST, &vars, "an extra template variable (e.g. enable_thinking=false)"},
        {0, "train-on", "all|last", OPT_STR, &train_on, "assistant turns with labels (default all)"},
        {0, "pack", "N", OPT_SIZE, &pack, "pack SFT examples into rows of N tokens, position_ids per example"},
        {0, "pad-id", "ID", OPT_U64, &pad_id, "--pack padding id (default: the template's eos token)"},
        {0, "max-tokens", "N", OPT_SIZE, &max_tokens, "token budget per example"},
        {0, "length", "MODE", OPT_STR, &length, "over the budget: drop (default), truncate or split"},
        {0, "turn-overhead", "N", OPT_SIZE, &overhead, "tokens per message assumed when cutting (default: measured per record)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "tokenized --tokenizer PATH [options] [FILE...] -o OUT",
                       "Renders each record with the chat template and encodes it: SFT records\n"
                       "become input_ids, attention_mask and labels (-100 except on assistant\n"
                       "turns, end-of-turn token included); pairs become prompt_input_ids,\n"
                       "chosen_input_ids and rejected_input_ids. OUT is .jsonl or .parquet.\n\n"
                       "example: tuneset export tokenized --tokenizer models/llama3 sft.jsonl -o sft.tok.parquet --pack 4096",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    tok_ctx x;
    memset(&x, 0, sizeof x);
    if (!tok_path) {
        cli_error("export", "tokenized needs --tokenizer PATH");
        return EXIT_USAGE;
    }
    if (strcmp(train_on, "all") && strcmp(train_on, "last")) {
        cli_error("export", "--train-on must be all or last");
        return EXIT_USAGE;
    }
    x.last_only = !strcmp(train_on, "last");
    if (export_parse_len_mode(length, &x.lo.mode)) {
        cli_error("export", "--length must be drop, truncate or split, not '%s'", length);
        return EXIT_USAGE;
    }
    x.lo.max = max_tokens;
    x.overhead_given = overhead != SIZE_MAX;
    x.lo.turn_overhead = x.overhead_given ? overhead : 0;
    ts_buf_init(&x.text, 0);
    if ((rc = open_layers(&x, tok_path, tpl_path)))
        goto out;
    x.lo.count = export_token_count;
    x.lo.ctx = x.tok;
    ts_arena vars_arena;
    ts_arena_init(&vars_arena);
    ts_json *extra = NULL;
    if (vars.n && (rc = parse_vars(&vars, &vars_arena, &extra)))
        goto out_vars;
    x.extra = extra;
    if (pack) {
        const char *eos = ts_template_eos(x.tpl);
        int64_t id = *eos ? ts_tokenizer_token_to_id(x.tok, eos, strlen(eos)) : -1;
        if (pad_id == UINT64_MAX && id < 0) {
            cli_error("export", "--pack: the template has no eos token to pad with; give --pad-id");
            rc = EXIT_USAGE;
            goto out_vars;
        }
        if ((rc = ts_packer_init(&x.pk, pack, (uint32_t)(pad_id != UINT64_MAX ? pad_id : (uint64_t)id)))) {
            rc = EXIT_IO;
            goto out_vars;
        }
        x.pack = true;
        ts_arena_init(&x.pack_arena);
    }
    cli_run r;
    if ((rc = run_begin(&r, "export", &c, c.output)))
        goto out_pack;
    run_inputs(&r, pos + 1, npos - 1, on_record, &x);
    if (!r.exit_code && x.pack && x.pk.used)
        flush_pack(&r, &x);
    char extra_stats[200];
    snprintf(extra_stats, sizeof extra_stats,
             "\"target\":\"tokenized\",\"rows\":%llu,\"tokens\":%llu,\"trained_tokens\":%llu",
             (unsigned long long)x.rows, (unsigned long long)x.tokens, (unsigned long long)x.trained);
    r.extra_stats = extra_stats;
    rc = run_end(&r);
out_pack:
    if (x.pack) {
        ts_packer_release(&x.pk);
        ts_arena_release(&x.pack_arena);
    }
out_vars:
    ts_arena_release(&vars_arena);
out:
    ts_buf_release(&x.text);
    ts_tokenizer_free(x.tok);
    ts_template_free(x.tpl);
    return rc;
}
