/* tuneset lang: detect each record's language (libexttextcat) and write
 * meta.lang and meta.lang_confidence; --only keeps the listed languages. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_lang.h"

#define LANG_SLOTS 64

typedef struct {
    ts_lang *det;
    ts_lang_opts o;
    const char *only;
    ts_buf scratch;
    char codes[LANG_SLOTS][16];
    uint64_t counts[LANG_SLOTS];
    int ncodes;
    uint64_t other; /* codes past the table */
    uint64_t unknown, kept;
} lang_ctx;

static void count(lang_ctx *x, const char *code)
{
    for (int i = 0; i < x->ncodes; i++)
        if (!strcmp(x->codes[i], code)) {
            x->counts[i]++;
            return;
        }
    if (x->ncodes == LANG_SLOTS) {
        x->other++;
        return;
    }
    snprintf(x->codes[x->ncodes], sizeof x->codes[0], "%s", code);
    x->counts[x->ncodes++] = 1;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    lang_ctx *x = ctx;
    ts_lang_guess g;
    ts_lang_outcome out;
    int rc = ts_lang_record(x->det, rec, &x->o, &r->arena, &x->scratch, &g, &out);
    if (rc == TS_EINVAL)
        return run_reject_here(r, "record is not a JSON object");
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    count(x, g.code);
    x->unknown += out == TS_LANG_UNKNOWN;
    x->kept += out == TS_LANG_KEPT;
    if (x->only && !ts_lang_in_list(g.code, strlen(g.code), x->only)) {
        run_drop(r, "lang_other");
        return 0;
    }
    return run_emit(r, rec);
}

static void extra_json(const lang_ctx *x, char *out, size_t cap)
{
    size_t k = (size_t)snprintf(out, cap, "\"lang\":{\"unknown\":%llu,\"kept\":%llu,\"other\":%llu,\"counts\":{",
                                (unsigned long long)x->unknown, (unsigned long long)x->kept,
                                (unsigned long long)x->other);
    for (int i = 0; i < x->ncodes && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s\"%s\":%llu", i ? "," : "", x->codes[i],
                              (unsigned long long)x->counts[i]);
    if (k < cap)
        snprintf(out + k, cap - k, "}}");
}

int cmd_lang(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    lang_ctx x;
    memset(&x, 0, sizeof x);
    x.o.min_confidence = 0.5;
    const char *models = NULL, *detector = "cld2";
    cli_opt opts[] = {
        {0, "detector", "D", OPT_STR, &detector, "cld2 (default) or textcat (libexttextcat)"},
        {0, "min-confidence", "X", OPT_DOUBLE, &x.o.min_confidence,
         "below it meta.lang is \"und\" (default 0.5; see docs/curate.md)"},
        {0, "overwrite", NULL, OPT_FLAG, &x.o.overwrite, "re-detect records that already have meta.lang"},
        {0, "only", "LIST", OPT_STR, &x.only, "keep only these languages (e.g. ko,en); others dropped (lang_other)"},
        {0, "models", "DIR", OPT_STR, &models, "textcat: model directory (default " TS_LANG_MODEL_DIR ")"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT",
                       "Detects the language of each record from its user turns (all of its\n"
                       "text when it has none) with CLD2 (or libexttextcat n-gram models, CJK by\n"
                       "script: --detector textcat), and writes meta.lang (ISO 639-1 code, \"und\"\n"
                       "when unsure) and meta.lang_confidence. An existing meta.lang is kept\n"
                       "unless --overwrite.\n\n"
                       "example: tuneset lang sft.jsonl -o sft.lang.jsonl --only ko,en",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (x.o.min_confidence < 0 || x.o.min_confidence > 1) {
        cli_error("lang", "--min-confidence must be in [0, 1]");
        return EXIT_USAGE;
    }
    ts_lang_detector det;
    if (!strcmp(detector, "cld2"))
        det = TS_LANG_CLD2;
    else if (!strcmp(detector, "textcat"))
        det = TS_LANG_TEXTCAT;
    else {
        cli_error("lang", "--detector must be cld2 or textcat, not '%s'", detector);
        return EXIT_USAGE;
    }
    if (models && det != TS_LANG_TEXTCAT) {
        cli_error("lang", "--models is for --detector textcat");
        return EXIT_USAGE;
    }
    x.det = ts_lang_open_with(det, models);
    if (!x.det && det == TS_LANG_CLD2) {
        cli_error("lang", "out of memory");
        return EXIT_IO;
    }
    if (!x.det) {
        cli_error("lang", "cannot load the language models from %s (install libexttextcat-data)",
                  models ? models : TS_LANG_MODEL_DIR);
        return EXIT_IO;
    }
    ts_buf_init(&x.scratch, 0);
    cli_run r;
    if ((rc = run_begin(&r, "lang", &c, c.output))) {
        ts_lang_close(x.det);
        ts_buf_release(&x.scratch);
        return rc;
    }
    run_inputs(&r, pos, npos, on_record, &x);
    char extra[4096];
    extra_json(&x, extra, sizeof extra);
    r.extra_stats = extra;
    rc = run_end(&r);
    if (!c.quiet) {
        fprintf(stderr, "  lang unknown %llu, kept %llu\n", (unsigned long long)x.unknown,
                (unsigned long long)x.kept);
        for (int i = 0; i < x.ncodes; i++)
            fprintf(stderr, "  lang %-6s %llu\n", x.codes[i], (unsigned long long)x.counts[i]);
    }
    ts_lang_close(x.det);
    ts_buf_release(&x.scratch);
    return rc;
}
