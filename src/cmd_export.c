/* tuneset export TARGET: canonical records -> a trainer's rows (plus the
 * dataset_info.json entry or YAML snippet it reads), with length control.
 * Counts are in input records: a record split into pieces counts once as
 * written; the rows are counted in --stats as "rows". */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_export.h"
#include "tuneset/template.h"
#include "tuneset/tokenizer.h"

typedef struct export_ctx {
    ts_export_opts eo;
    ts_len_opts lo;
    struct ts_tokenizer *tok; /* --max-tokens */
    struct ts_template *tpl;  /* measures SFT records as rendered, when given */
    bool overhead_given;
    ts_buf text;
    ts_rec_kind kind; /* fixed by the first exportable record */
    uint64_t rows, pieces_dropped;
} export_ctx;

static int export_one(cli_run *r, ts_json *rec, void *ctx)
{
    export_ctx *x = ctx;
    char why[256];
    int admit_rc;
    if (!export_admit(r, rec, &x->kind, &admit_rc))
        return admit_rc;
    ts_rec_kind kind = x->kind;
    ts_len_result lr;
    int fit_rc;
    if (!export_fit(r, x->tok, x->tpl, &x->text, x->lo, x->tpl && kind == TS_REC_SFT && !x->overhead_given, rec,
                    &lr, &fit_rc))
        return fit_rc;
    size_t emitted = 0;
    const char *rule = NULL;
    for (size_t i = 0; i < lr.n; i++) {
        ts_json *row;
        const char *pr = NULL;
        int rc = ts_export_row(&x->eo, lr.pieces[i], &r->arena, &row, &pr, why, sizeof why);
        if (rc == TS_ESCHEMA)
            return run_reject_here(r, "%s", why);
        if (rc)
            return run_fail(r, EXIT_IO, ts_strerror(rc));
        if (!row) {
            rule = pr;
            continue;
        }
        if ((rc = run_emit(r, row)))
            return rc;
        emitted++;
    }
    if (!emitted) {
        run_drop(r, rule);
        return 0;
    }
    r->st.written -= emitted - 1; /* one input record, however many rows */
    x->rows += emitted;
    x->pieces_dropped += lr.n - emitted;
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* dir of p (with the slash), "" for a bare name. */
static void dir_of(const char *p, char *out, size_t cap)
{
    const char *s = strrchr(p, '/');
    size_t n = s ? (size_t)(s - p) + 1 : 0;
    snprintf(out, cap, "%.*s", (int)n, p);
}

static char *read_all(const char *path, size_t *n, bool *missing)
{
    *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *missing = errno == ENOENT;
        return NULL;
    }
    ts_buf b;
    ts_buf_init(&b, 64u << 20);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (ts_buf_append(&b, chunk, got))
            break;
    bool bad = ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        ts_buf_release(&b);
        return NULL;
    }
    *n = b.len;
    if (!b.data)
        return calloc(1, 1);
    return b.data;
}

/* LLaMA-Factory resolves file_name against the folder of dataset_info.json. */
static int write_dataset_info(const char *out, const char *info, const char *name, export_ctx *x, bool quiet)
{
    char d1[PATH_MAX], d2[PATH_MAX], real[PATH_MAX];
    dir_of(out, d1, sizeof d1);
    dir_of(info, d2, sizeof d2);
    const char *file_name = base_name(out);
    if (strcmp(d1, d2)) {
        if (!realpath(out, real)) {
            cli_error("export", "%s: %s", out, strerror(errno));
            return EXIT_IO;
        }
        file_name = real;
    }
    ts_buf entry, doc;
    ts_buf_init(&entry, 0);
    ts_buf_init(&doc, 0);
    int rc = ts_export_lf_entry(&entry, x->eo.lf_format, x->kind, file_name);
    size_t n = 0;
    bool missing;
    char *old = read_all(info, &n, &missing);
    char why[256] = "";
    if (!old && !missing) {
        cli_error("export", "--dataset-info %s: %s", info, strerror(errno));
        rc = EXIT_IO;
    } else if (!rc && (rc = ts_export_lf_merge(&doc, old, n, name, entry.data, entry.len, why, sizeof why))) {
        cli_error("export", "%s: not a dataset_info.json (%s)", info, why[0] ? why : ts_strerror(rc));
        rc = EXIT_DATA;
    } else if (!rc) {
        rc = cli_write_file("export", "--dataset-info", info, &doc);
        if (!rc && !quiet)
            fprintf(stderr, "tuneset export: dataset_info entry \"%s\" -> %s\n", name, info);
    }
    free(old);
    ts_buf_release(&entry);
    ts_buf_release(&doc);
    return rc;
}

static int write_axolotl(const char *out, const char *cfg, export_ctx *x, bool quiet)
{
    char real[PATH_MAX];
    const char *path = realpath(out, real) ? real : out;
    ts_buf b;
    ts_buf_init(&b, 0);
    int rc = ts_export_axolotl_yaml(&b, x->kind, path, x->eo.axolotl_field);
    if (rc)
        cli_error("export", "--config: %s", ts_strerror(rc));
    else if (!(rc = cli_write_file("export", "--config", cfg, &b)) && !quiet)
        fprintf(stderr, "tuneset export: axolotl datasets entry -> %s\n", cfg);
    ts_buf_release(&b);
    return rc;
}

/* "<out without its extension><suffix>" */
static void beside(const char *out, const char *suffix, char *buf, size_t cap)
{
    const char *b = base_name(out), *dot = strchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - out) : strlen(out);
    snprintf(buf, cap, "%.*s%s", (int)n, out, suffix);
}

int export_parse_len_mode(const char *s, ts_len_mode *m)
{
    if (!strcmp(s, "drop"))
        *m = TS_LEN_DROP;
    else if (!strcmp(s, "truncate"))
        *m = TS_LEN_TRUNCATE;
    else if (!strcmp(s, "split"))
        *m = TS_LEN_SPLIT;
    else
        return -1;
    return 0;
}

int cmd_export(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "tokenized"))
        return export_tokenized(argc, argv);
    cli_common c;
    cli_common_defaults(&c);
    const char *format = NULL, *info = NULL, *name = NULL, *cfg = NULL, *field = "messages";
    const char *multi = NULL, *length = "drop", *tok_path = NULL, *tpl_path = NULL;
    size_t max_chars = 0, max_tokens = 0, overhead = SIZE_MAX;
    cli_opt opts[] = {
        {0, "format", "alpaca|sharegpt", OPT_STR, &format, "llamafactory: the dataset format (default sharegpt)"},
        {0, "dataset-info", "FILE", OPT_STR, &info,
         "llamafactory: dataset_info.json to add the entry to (default: beside -o)"},
        {0, "dataset-name", "NAME", OPT_STR, &name, "llamafactory: the entry's name (default: -o's base name)"},
        {0, "config", "FILE", OPT_STR, &cfg, "axolotl: YAML snippet file (default: <out>.axolotl.yml)"},
        {0, "field", "NAME", OPT_STR, &field, "axolotl: messages field of the rows (default messages)"},
        {0, "multi-turn", "drop|history", OPT_STR, &multi,
         "alpaca rows: multi-turn records dropped or earlier pairs as history (default: drop; llamafactory: history)"},
        {0, "max-chars", "N", OPT_SIZE, &max_chars, "length budget in characters (code points) per record"},
        {0, "max-tokens", "N", OPT_SIZE, &max_tokens, "length budget in tokens of --tokenizer per record"},
        {0, "tokenizer", "PATH", OPT_STR, &tok_path, "tokenizer.json (or its folder) that --max-tokens counts with"},
        {0, "template", "PATH|NAME", OPT_STR, &tpl_path,
         "--max-tokens: measure SFT records as this chat template renders them"},
        {0, "length", "MODE", OPT_STR, &length, "over the budget: drop (default), truncate or split"},
        {0, "turn-overhead", "N", OPT_SIZE, &overhead, "budget units added per message (role markers; default 0, or measured per record with --template)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "TARGET [options] [FILE...] -o OUT",
                       "Writes canonical records as a trainer reads them. TARGET is trl,\n"
                       "llamafactory, axolotl, openai, alpaca or sharegpt (docs/export.md);\n"
                       "`tuneset export tokenized --help` for pre-tokenized rows.\n"
                       "llamafactory also writes its dataset_info.json entry and axolotl a\n"
                       "YAML datasets entry. A record over the length budget is dropped,\n"
                       "truncated, or split into pieces that start at a user turn.\n\n"
                       "example: tuneset export llamafactory --format alpaca chats.jsonl -o data/chats.json\n"
                       "         tuneset export trl --max-chars 8000 --length split chats.jsonl -o train.parquet",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    export_ctx x;
    memset(&x, 0, sizeof x);
    if (npos >= 1 && !strcmp(pos[0], "tokenized")) {
        cli_error("export", "tokenized takes its own options after the word: tuneset export tokenized --tokenizer PATH ...");
        return EXIT_USAGE;
    }
    if (npos < 1 || ts_export_target_parse(pos[0], &x.eo.target)) {
        cli_error("export", npos < 1 ? "a TARGET is required (trl, llamafactory, axolotl, openai, alpaca, sharegpt)"
                                     : "unknown TARGET '%s' (trl, llamafactory, axolotl, openai, alpaca, sharegpt)",
                  npos < 1 ? "" : pos[0]);
        return EXIT_USAGE;
    }
    ts_export_target t = x.eo.target;
    if (format && t != TS_EXPORT_LLAMAFACTORY) {
        cli_error("export", "--format applies to llamafactory");
        return EXIT_USAGE;
    }
    if (format && strcmp(format, "alpaca") && strcmp(format, "sharegpt")) {
        cli_error("export", "--format must be alpaca or sharegpt, not '%s'", format);
        return EXIT_USAGE;
    }
    x.eo.lf_format = format && !strcmp(format, "alpaca") ? TS_EXPORT_LF_ALPACA : TS_EXPORT_LF_SHAREGPT;
    if ((info || name) && t != TS_EXPORT_LLAMAFACTORY) {
        cli_error("export", "--dataset-info and --dataset-name apply to llamafactory");
        return EXIT_USAGE;
    }
    if (cfg && t != TS_EXPORT_AXOLOTL) {
        cli_error("export", "--config applies to axolotl");
        return EXIT_USAGE;
    }
    if (strcmp(field, "messages") && strcmp(field, "conversations")) {
        cli_error("export", "--field must be messages or conversations");
        return EXIT_USAGE;
    }
    x.eo.axolotl_field = field;
    if (multi && strcmp(multi, "drop") && strcmp(multi, "history")) {
        cli_error("export", "--multi-turn must be drop or history, not '%s'", multi);
        return EXIT_USAGE;
    }
    x.eo.alpaca_history = multi ? !strcmp(multi, "history") : t == TS_EXPORT_LLAMAFACTORY;
    if (export_parse_len_mode(length, &x.lo.mode)) {
        cli_error("export", "--length must be drop, truncate or split, not '%s'", length);
        return EXIT_USAGE;
    }
    if ((max_chars && max_tokens) || (max_tokens && !tok_path) || (tok_path && !max_tokens)) {
        cli_error("export", "give --max-chars N, or --max-tokens N with --tokenizer PATH");
        return EXIT_USAGE;
    }
    if (tpl_path && !tok_path) {
        cli_error("export", "--template measures tokens: give --max-tokens N --tokenizer PATH");
        return EXIT_USAGE;
    }
    x.lo.max = max_chars ? max_chars : max_tokens;
    x.overhead_given = overhead != SIZE_MAX;
    x.lo.turn_overhead = x.overhead_given ? overhead : 0;
    size_t olen = strlen(c.output);
    bool parquet = olen > 8 && !strcmp(c.output + olen - 8, ".parquet");
    if (parquet && t == TS_EXPORT_OPENAI) {
        cli_error("export", "openai reads JSON Lines only; name the output .jsonl");
        return EXIT_USAGE;
    }
    bool to_stdout = !strcmp(c.output, "-");
    if (to_stdout && (info || cfg)) {
        cli_error("export", "the dataset entry names the rows' file: give -o FILE");
        return EXIT_USAGE;
    }
    if (tok_path) {
        ts_err e = TS_ERR_INIT;
        char msg[600];
        if (ts_tokenizer_load(tok_path, &x.tok, &e)) {
            ts_err_format(&e, msg, sizeof msg);
            cli_error("export", "--tokenizer: %s", msg);
            return EXIT_IO;
        }
        x.lo.count = export_token_count;
        x.lo.ctx = x.tok;
        if (tpl_path && (rc = ts_template_open(tpl_path, &x.tpl, &e))) {
            if (!e.file)
                e.file = tpl_path;
            ts_err_format(&e, msg, sizeof msg);
            cli_error("export", "--template: %s", msg);
            ts_tokenizer_free(x.tok);
            return rc == TS_ENOENT ? EXIT_USAGE : rc == TS_ETEMPLATE ? EXIT_DATA : EXIT_IO;
        }
    }
    ts_buf_init(&x.text, 0);
    cli_run r;
    if (!(rc = run_begin(&r, "export", &c, c.output)))
        run_inputs(&r, pos + 1, npos - 1, export_one, &x);
    ts_tokenizer_free(x.tok);
    ts_template_free(x.tpl);
    ts_buf_release(&x.text);
    if (rc)
        return rc;
    char extra[160];
    snprintf(extra, sizeof extra, "\"target\":\"%s\",\"rows\":%llu,\"pieces_dropped\":%llu", ts_export_target_name(t),
             (unsigned long long)x.rows, (unsigned long long)x.pieces_dropped);
    r.extra_stats = extra;
    bool quiet = c.quiet;
    rc = run_end(&r);
    if (rc || to_stdout)
        return rc;
    if (x.kind == TS_REC_UNKNOWN)
        x.kind = TS_REC_SFT;
    /* Rows sent to a device (/dev/null, a pipe) have no folder to put a
     * sidecar beside; one named explicitly is still written. */
    struct stat st;
    bool regular = !stat(c.output, &st) && S_ISREG(st.st_mode);
    if (!regular && !info && !cfg)
        return 0;
    char buf[PATH_MAX + 32], nbuf[PATH_MAX];
    if (t == TS_EXPORT_LLAMAFACTORY) {
        if (!info) {
            char d[PATH_MAX];
            dir_of(c.output, d, sizeof d);
            snprintf(buf, sizeof buf, "%sdataset_info.json", d);
            info = buf;
        }
        if (!name) {
            const char *b = base_name(c.output), *dot = strchr(b, '.');
            snprintf(nbuf, sizeof nbuf, "%.*s", (int)(dot && dot != b ? (size_t)(dot - b) : strlen(b)), b);
            name = nbuf;
        }
        return write_dataset_info(c.output, info, name, &x, quiet);
    }
    if (t == TS_EXPORT_AXOLOTL) {
        if (!cfg) {
            beside(c.output, ".axolotl.yml", buf, sizeof buf);
            cfg = buf;
        }
        return write_axolotl(c.output, cfg, &x, quiet);
    }
    return 0;
}
