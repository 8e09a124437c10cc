/* tuneset clean: normalize turns (trim, HTML to Markdown) and drop records
 * that fail a named filter. Each drop counts under its rule; each kept
 * record a normalization changed counts under that step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_clean.h"
#include "tuneset/tokenizer.h"

typedef struct {
    ts_clean *cl;
} clean_ctx;

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    clean_ctx *x = ctx;
    ts_clean_result res;
    int rc = ts_clean_record(x->cl, rec, &r->arena, &res);
    if (rc == TS_ETOOBIG) {
        ts_err e = TS_ERR_INIT;
        ts_err_set(&e, rc, "a turn grew too large in HTML to Markdown conversion");
        return run_reject(r, &e, NULL, 0);
    }
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    if (res.rule) {
        run_drop(r, res.rule);
        return 0;
    }
    if (res.edits & TS_CLEAN_EDIT_HTML)
        ts_stats_step(&r->st, "html_to_markdown");
    if (res.edits & TS_CLEAN_EDIT_TRIM)
        ts_stats_step(&r->st, "trim");
    if (res.edits & TS_CLEAN_EDIT_NFC)
        ts_stats_step(&r->st, "nfc");
    return run_emit(r, rec);
}

static void free_phrases(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* One phrase a line; blank lines and lines starting with '#' skipped.
 * Returns a NULL-terminated array (freed with free_phrases) or NULL. */
static char **read_phrases(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **v = calloc(1, sizeof *v), *line = NULL;
    size_t n = 0, cap = 0;
    ssize_t len;
    while (v && (len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len == 0 || line[0] == '#')
            continue;
        char **w = realloc(v, (n + 2) * sizeof *w);
        if (w)
            v = w;
        if (!w || !(v[n] = strdup(line))) {
            v[n] = NULL;
            free_phrases(v);
            v = NULL;
            break;
        }
        v[++n] = NULL;
    }
    free(line);
    if (ferror(f)) {
        free_phrases(v);
        v = NULL;
    }
    fclose(f);
    *count = n;
    return v;
}

static bool bad_ratio(double v) { return v != -1 && !(v >= 0 && v <= 1); }

int cmd_clean(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    ts_clean_opts o;
    ts_clean_opts_default(&o);
    uint64_t min_turn = 0, max_turn = 0, min_chars = 0, max_chars = 0, max_run = 0;
    uint64_t min_turn_tok = 0, max_turn_tok = 0, min_tok = 0, max_tok = 0;
    bool no_structure = false;
    const char *phrases_path = NULL, *tok_path = NULL;
    cli_opt opts[] = {
        {0, "min-turn-chars", "N", OPT_U64, &min_turn, "drop when a turn has fewer characters (turn_too_short)"},
        {0, "max-turn-chars", "N", OPT_U64, &max_turn, "drop when a turn has more characters (turn_too_long)"},
        {0, "min-chars", "N", OPT_U64, &min_chars, "drop when the turns total fewer characters (too_short)"},
        {0, "max-chars", "N", OPT_U64, &max_chars, "drop when the turns total more characters (too_long)"},
        {0, "tokenizer", "PATH", OPT_STR, &tok_path, "tokenizer.json (or its folder) for the token limits"},
        {0, "min-turn-tokens", "N", OPT_U64, &min_turn_tok, "drop when a turn has fewer tokens (turn_too_few_tokens)"},
        {0, "max-turn-tokens", "N", OPT_U64, &max_turn_tok, "drop when a turn has more tokens (turn_too_many_tokens)"},
        {0, "min-tokens", "N", OPT_U64, &min_tok, "drop when the turns total fewer tokens (too_few_tokens)"},
        {0, "max-tokens", "N", OPT_U64, &max_tok, "drop when the turns total more tokens (too_many_tokens)"},
        {0, "no-structure", NULL, OPT_FLAG, &no_structure, "skip empty_turn and consecutive_same_role (on by default)"},
        {0, "require-final-assistant", NULL, OPT_FLAG, &o.require_final_assistant,
         "drop conversations not ending with an assistant turn (no_final_assistant)"},
        {0, "max-dup-line-ratio", "R", OPT_DOUBLE, &o.max_dup_line_ratio,
         "drop when a turn's share of repeated lines exceeds R (dup_lines)"},
        {0, "max-dup-ngram-ratio", "R", OPT_DOUBLE, &o.max_dup_ngram_ratio,
         "drop when a turn's share of repeated word 3-grams exceeds R (dup_ngrams)"},
        {0, "max-char-run", "N", OPT_U64, &max_run, "drop when one character repeats more than N times (char_run)"},
        {0, "drop-disclaimers", NULL, OPT_FLAG, &o.drop_disclaimers,
         "drop AI disclaimers/refusals in assistant turns (disclaimer)"},
        {0, "disclaimers", "FILE", OPT_STR, &phrases_path, "phrase list replacing the default (implies --drop-disclaimers)"},
        {0, "max-bad-char-ratio", "R", OPT_DOUBLE, &o.max_bad_char_ratio,
         "drop when the share of control/U+FFFD/mojibake characters exceeds R (bad_chars)"},
        {0, "trim", NULL, OPT_FLAG, &o.trim, "trim whitespace at both ends of every turn"},
        {0, "html-to-markdown", NULL, OPT_FLAG, &o.html_to_md, "convert HTML turns to Markdown"},
        {0, "nfc", NULL, OPT_FLAG, &o.nfc, "Unicode NFC normalization of every turn (utf8proc)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT",
                       "Normalizes turns (--trim, --html-to-markdown), then drops records failing a\n"
                       "filter, counted by rule: empty_turn, consecutive_same_role (on unless\n"
                       "--no-structure), no_final_assistant, turn_too_short/long, too_short/long,\n"
                       "turn_too_few/many_tokens, too_few/many_tokens (with --tokenizer), dup_lines,\n"
                       "dup_ngrams, char_run, disclaimer, bad_chars. Characters are Unicode code\n"
                       "points; tokens are counted per turn content, without a chat template or\n"
                       "special tokens. Only structure checks run by default.\n\n"
                       "example: tuneset clean sft.jsonl --trim --drop-disclaimers --min-chars 20 -o sft.clean.jsonl\n"
                       "         tuneset clean sft.jsonl --tokenizer tokenizer.json --max-tokens 4096 -o sft.4k.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (bad_ratio(o.max_dup_line_ratio) || bad_ratio(o.max_dup_ngram_ratio) || bad_ratio(o.max_bad_char_ratio)) {
        cli_error("clean", "ratios must be between 0 and 1");
        return EXIT_USAGE;
    }
    if ((max_turn && min_turn > max_turn) || (max_chars && min_chars > max_chars) ||
        (max_turn_tok && min_turn_tok > max_turn_tok) || (max_tok && min_tok > max_tok)) {
        cli_error("clean", "a --min-* is larger than its --max-*");
        return EXIT_USAGE;
    }
    o.structure = !no_structure;
    o.min_turn_chars = (size_t)min_turn;
    o.max_turn_chars = (size_t)max_turn;
    o.min_chars = (size_t)min_chars;
    o.max_chars = (size_t)max_chars;
    o.max_char_run = (size_t)max_run;
    o.min_turn_tokens = (size_t)min_turn_tok;
    o.max_turn_tokens = (size_t)max_turn_tok;
    o.min_tokens = (size_t)min_tok;
    o.max_tokens = (size_t)max_tok;
    bool tok_limits = min_turn_tok || max_turn_tok || min_tok || max_tok;
    if (tok_limits != (tok_path != NULL)) {
        cli_error("clean", tok_path ? "--tokenizer is for --min/max-(turn-)tokens: give one"
                                    : "token limits need --tokenizer PATH (a tokenizer.json)");
        return EXIT_USAGE;
    }
    ts_tokenizer *tok = NULL;
    if (tok_path) {
        ts_err e = TS_ERR_INIT;
        if ((rc = ts_tokenizer_load(tok_path, &tok, &e))) {
            char m[512];
            ts_err_format(&e, m, sizeof m);
            cli_error("clean", "--tokenizer: %s", m);
            return rc == TS_ENOENT || rc == TS_EIO ? EXIT_IO : EXIT_USAGE;
        }
        o.tokenizer = tok;
    }
    char **phrases = NULL;
    if (phrases_path) {
        size_t n = 0;
        if (!(phrases = read_phrases(phrases_path, &n))) {
            cli_error("clean", "--disclaimers: cannot read '%s'", phrases_path);
            ts_tokenizer_free(tok);
            return EXIT_IO;
        }
        if (!n) {
            free_phrases(phrases);
            cli_error("clean", "--disclaimers: '%s' holds no phrase", phrases_path);
            ts_tokenizer_free(tok);
            return EXIT_USAGE;
        }
        o.disclaimers = (const char *const *)phrases;
        o.drop_disclaimers = true;
    }
    clean_ctx x = {0};
    rc = ts_clean_new(&x.cl, &o);
    free_phrases(phrases); /* ts_clean keeps its own copies */
    if (rc) {
        cli_error("clean", "out of memory");
        ts_tokenizer_free(tok);
        return EXIT_IO;
    }
    cli_run r;
    if ((rc = run_begin(&r, "clean", &c, c.output))) {
        ts_clean_free(x.cl);
        ts_tokenizer_free(tok);
        return rc;
    }
    run_inputs(&r, pos, npos, on_record, &x);
    char extra[160];
    snprintf(extra, sizeof extra, "\"clean\":{\"structure\":%s,\"trim\":%s,\"html_to_markdown\":%s}",
             o.structure ? "true" : "false", o.trim ? "true" : "false", o.html_to_md ? "true" : "false");
    r.extra_stats = extra;
    rc = run_end(&r);
    ts_clean_free(x.cl);
    ts_tokenizer_free(tok);
    return rc;
}
