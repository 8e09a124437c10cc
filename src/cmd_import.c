/* tuneset import: native dataset files -> canonical records. The format's
 * rules live in lib/formats/<name>.c; this file only wires the stream,
 * the sink and the counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tuneset/format.h"

typedef struct {
    const ts_format *fmt;
    void *state;
    bool auto_detect, announced;
    uint64_t input_rows, input_rejected;
    ts_import_opts opts;
    int64_t top_k;
    cli_run *r;
    int fatal;
} import_ctx;

static int sink_emit(void *ctx, const ts_json *rec)
{
    import_ctx *ic = ctx;
    return run_emit(ic->r, rec);
}

static void sink_drop(void *ctx, const char *rule)
{
    import_ctx *ic = ctx;
    run_drop(ic->r, rule);
}

static void sink_drop_n(void *ctx, const char *rule, uint64_t n)
{
    import_ctx *ic = ctx;
    ts_stats_drop_n(&ic->r->st, rule, n);
}

static void sink_read(void *ctx)
{
    import_ctx *ic = ctx;
    ic->r->st.read++;
}

static void sink_step(void *ctx, const char *name)
{
    import_ctx *ic = ctx;
    ts_stats_step(&ic->r->st, name);
}

static int sink_reject(void *ctx, const char *why)
{
    import_ctx *ic = ctx;
    cli_run *r = ic->r;
    if (ic->fmt->aggregates) {
        r->st.read++; /* a bad input row is one read, one rejected */
        ic->input_rejected++;
    }
    return run_reject_here(r, "%s: %s", ic->fmt->name, why);
}

static int report_fatal(import_ctx *ic, ts_err *e)
{
    if (e->code == TS_EINVAL) { /* a bad option value, found by the format */
        cli_error("import", "%s", e->msg[0] ? e->msg : ts_strerror(e->code));
        return ic->fatal = EXIT_USAGE;
    }
    char msg[600];
    if (e->file)
        ts_err_format(e, msg, sizeof msg);
    else /* an option's file, say: the message names it */
        snprintf(msg, sizeof msg, "%s", e->msg[0] ? e->msg : ts_strerror(e->code));
    cli_error("import", "%s", msg);
    ic->fatal = e->code == TS_ENOENT || e->code == TS_EIO ? EXIT_IO : EXIT_DATA;
    return ic->fatal;
}

static int open_format(import_ctx *ic)
{
    ts_err e = TS_ERR_INIT;
    if (ic->fmt->open(&ic->state, &ic->opts, &e))
        return report_fatal(ic, &e);
    return 0;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    import_ctx *ic = ctx;
    if (!ic->fmt) {
        int score = 0;
        ic->fmt = ts_format_detect(rec, &score);
        if (!ic->fmt) {
            cli_error("import", "%s:%llu: cannot recognize the format of the first record "
                                "(see 'tuneset import --list')",
                      ts_stream_path(r->cur), (unsigned long long)ts_stream_line(r->cur));
            r->st.read--;
            return EXIT_DATA;
        }
        if (!r->c->quiet)
            fprintf(stderr, "tuneset import: detected format '%s'\n", ic->fmt->name);
        /* Until the format is set up, this record is not counted. */
        r->st.read--;
        if (ic->opts.kind != TS_KIND_DEFAULT &&
            !strstr(ic->fmt->kinds, ic->opts.kind == TS_KIND_SFT ? "sft" : "pref")) {
            cli_error("import", "format '%s' makes only %s records", ic->fmt->name, ic->fmt->kinds);
            return EXIT_USAGE;
        }
        if (open_format(ic))
            return ic->fatal;
        if (ic->fmt->begin_file) {
            ts_err e = TS_ERR_INIT;
            if (ic->fmt->begin_file(ic->state, ts_stream_path(r->cur), &e))
                return report_fatal(ic, &e);
        }
        r->st.read++;
    }
    ic->input_rows++;
    if (ic->fmt->aggregates)
        r->st.read--; /* aggregating formats count candidates, not rows */
    ts_sink sink = {sink_emit, sink_drop, sink_reject, sink_read, sink_drop_n, ic, sink_step};
    ts_err e = TS_ERR_INIT;
    uint64_t before = r->st.written + ts_stats_dropped(&r->st) + r->st.rejected;
    int rc = ic->fmt->record(ic->state, rec, &sink, &r->arena, &e);
    if (rc) {
        /* The input is not of this format at all: stop, and count the
         * record that showed it as rejected so the counts still add up. */
        if (!e.file) {
            e.file = ts_stream_path(r->cur);
            e.line = ts_stream_line(r->cur);
            e.byte = ts_stream_offset(r->cur);
        }
        if (rc != TS_EINVAL)
            r->st.rejected++;
        return report_fatal(ic, &e);
    }
    if (!ic->fmt->aggregates && r->st.written + ts_stats_dropped(&r->st) + r->st.rejected == before) {
        /* Keep the books balanced even if a format forgets to account. */
        run_drop(r, "unaccounted");
    }
    return 0;
}

static void list_formats(void)
{
    size_t n;
    const ts_format *const *all = ts_format_all(&n);
    printf("formats (tuneset import FORMAT PATH...):\n");
    for (size_t i = 0; i < n; i++)
        printf("  %-14s %s [%s]\n", all[i]->name, all[i]->summary, all[i]->kinds);
    printf("  %-14s recognize the format from the first record's fields\n", "auto");
}

int cmd_import(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    import_ctx ic = {0};
    ts_import_opts_init(&ic.opts);
    bool list = false;
    const char *kind = NULL, *top_k = NULL, *min_ratio = NULL, *max_pairs = NULL;
    cli_opt opts[] = {
        {0, "list", NULL, OPT_FLAG, &list, "list the formats"},
        {0, "kind", "sft|pref", OPT_STR, &kind, "output kind (default: the format's first)"},
        {0, "top-k", "K", OPT_STR, &top_k, "oasst1: follow only assistant replies with rank < K"},
        {0, "pairs", "all|adjacent|best-worst", OPT_STR, &ic.opts.pairs, "oasst1 pref: which ranked pairs (default all)"},
        {0, "lang", "LIST", OPT_STR, &ic.opts.lang, "oasst1: keep trees whose root language is in LIST (en,ko,...)"},
        {0, "clean", NULL, OPT_FLAG, &ic.opts.clean, "sharegpt: apply the known cleaning steps"},
        {0, "blocked-words", "FILE", OPT_STR, &ic.opts.blocked_words, "sharegpt --clean: blocked phrases, one a line"},
        {0, "trace", "gemini|deepseek", OPT_STR, &ic.opts.trace, "s1k 1.1: which reasoning trace to use"},
        {0, "min-score-ratio", "R", OPT_STR, &min_ratio, "shp: keep pairs with score_ratio >= R (default 2)"},
        {0, "max-pairs-per-post", "N", OPT_STR, &max_pairs, "shp: at most N pairs per post (default 5, 0 = no cap)"},
        {0, "score", "mean|overall|ASPECT", OPT_STR, &ic.opts.score, "ultrafeedback: completion score (default mean)"},
        {0, "rejected", "random|worst", OPT_STR, &ic.opts.rejected, "ultrafeedback: rejected pick (default random)"},
        {0, "drop-source", "LIST", OPT_STR, &ic.opts.drop_source, "ultrafeedback: drop prompts from these sources"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "FORMAT PATH... [-o OUT.jsonl] [options]",
                       "Imports a public dataset from the files people download into canonical\n"
                       "records (SFT conversations or preference pairs), applying the dataset's\n"
                       "own rules. FORMAT is one of 'tuneset import --list', or 'auto' to\n"
                       "recognize it from the first record. Files may be JSON Lines or a JSON\n"
                       "array, plain, .gz or .zst. See docs/import.md for each format's rules.\n\n"
                       "example: tuneset import alpaca alpaca_data.json -o alpaca.jsonl\n"
                       "         tuneset import oasst1 --kind pref 2023-04-12_oasst_ready.messages.jsonl.gz -o pairs.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (list) {
        list_formats();
        return EXIT_OK;
    }
    if (npos < 1) {
        cli_error("import", "a FORMAT is needed (see 'tuneset import --list')");
        return EXIT_USAGE;
    }
    const char *fname = pos[0];
    if (strcmp(fname, "auto")) {
        ic.fmt = ts_format_find(fname);
        if (!ic.fmt) {
            cli_error("import", "unknown format '%s' (see 'tuneset import --list')", fname);
            return EXIT_USAGE;
        }
    }
    if (npos < 2) {
        cli_error("import", "no input files (use '-' for stdin)");
        return EXIT_USAGE;
    }
    if (kind) {
        if (!strcmp(kind, "sft"))
            ic.opts.kind = TS_KIND_SFT;
        else if (!strcmp(kind, "pref") || !strcmp(kind, "preference"))
            ic.opts.kind = TS_KIND_PREF;
        else {
            cli_error("import", "--kind must be sft or pref");
            return EXIT_USAGE;
        }
        if (ic.fmt && !strstr(ic.fmt->kinds, ic.opts.kind == TS_KIND_SFT ? "sft" : "pref")) {
            cli_error("import", "format '%s' makes only %s records", ic.fmt->name, ic.fmt->kinds);
            return EXIT_USAGE;
        }
    }
    char *end;
    if (top_k) {
        ic.opts.top_k = (int)strtol(top_k, &end, 10);
        if (*end || ic.opts.top_k < 1) {
            cli_error("import", "--top-k must be a positive integer");
            return EXIT_USAGE;
        }
    }
    if (min_ratio) {
        ic.opts.min_score_ratio = strtod(min_ratio, &end);
        if (*end || ic.opts.min_score_ratio < 0) {
            cli_error("import", "--min-score-ratio must be a number >= 0");
            return EXIT_USAGE;
        }
    }
    if (max_pairs) {
        ic.opts.max_pairs_per_post = strtoll(max_pairs, &end, 10);
        if (*end || ic.opts.max_pairs_per_post < 0) {
            cli_error("import", "--max-pairs-per-post must be an integer >= 0");
            return EXIT_USAGE;
        }
    }
    ic.opts.seed = c.seed;
    cli_run r;
    ic.r = &r;
    if ((rc = run_begin(&r, "import", &c, c.output)))
        return rc;
    if (ic.fmt)
        r.sopts.columns = ic.fmt->columns; /* Parquet: read only these */
    if (ic.fmt && open_format(&ic)) {
        r.exit_code = ic.fatal;
        c.quiet = true; /* nothing was read: no summary to give */
        return run_end(&r);
    }
    for (int i = 1; i < npos && !r.stop; i++) {
        if (ic.fmt && ic.state && ic.fmt->begin_file) {
            ts_err e = TS_ERR_INIT;
            if (ic.fmt->begin_file(ic.state, pos[i], &e)) {
                r.exit_code = report_fatal(&ic, &e);
                break;
            }
        }
        run_inputs(&r, &pos[i], 1, on_record, &ic);
    }
    if (!r.stop && ic.fmt && ic.state && ic.fmt->finish) {
        ts_sink sink = {sink_emit, sink_drop, sink_reject, sink_read, sink_drop_n, &ic, sink_step};
        ts_err e = TS_ERR_INIT;
        ts_arena_reset(&r.arena);
        if (ic.fmt->finish(ic.state, &sink, &r.arena, &e))
            r.exit_code = report_fatal(&ic, &e);
    }
    if (ic.fmt && ic.state)
        ic.fmt->close(ic.state);
    char extra[256];
    snprintf(extra, sizeof extra, "\"format\":\"%s\",\"input_rows\":%llu%s%s%s",
             ic.fmt ? ic.fmt->name : "", (unsigned long long)ic.input_rows,
             ic.fmt && ic.fmt->aggregates ? ",\"unit\":\"" : "",
             ic.fmt && ic.fmt->aggregates ? ic.fmt->unit : "", ic.fmt && ic.fmt->aggregates ? "\"" : "");
    r.extra_stats = extra;
    if (ic.fmt && ic.fmt->aggregates && !c.quiet)
        fprintf(stderr, "tuneset import: %llu input rows; counts below are %ss\n",
                (unsigned long long)ic.input_rows, ic.fmt->unit);
    return run_end(&r);
}
