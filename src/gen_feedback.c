/* tuneset gen feedback: UltraFeedback's method (docs/feedback.md). Prompts
 * stream in; up to --window of them are in flight at once; rows and pairs
 * are written in input order as the oldest prompt finishes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "llm_opts.h"
#include "tuneset/feedback.h"

enum { MAX_COMPLETERS = 64, MAX_CLIENTS = 16 };

typedef struct {
    const char *name;
    uint64_t n;
} rule_count;

typedef struct fb_ctx {
    ts_fb *fb;
    uint64_t index, window;
    ts_out *pairs;
    ts_buf line;
    rule_count pair_drops[16];
    int npair_drops;
} fb_ctx;

static void count_pair_drop(fb_ctx *x, const char *rule)
{
    int i = 0;
    while (i < x->npair_drops && strcmp(x->pair_drops[i].name, rule))
        i++;
    if (i == x->npair_drops) {
        if (i == 16)
            return;
        x->pair_drops[x->npair_drops++] = (rule_count){rule, 0};
    }
    x->pair_drops[i].n++;
}

/* Writes every finished prompt at the head of the queue, in input order. */
static int flush(cli_run *r, fb_ctx *x)
{
    ts_fb_result res;
    ts_err e = TS_ERR_INIT;
    int rc;
    while ((rc = ts_fb_take(x->fb, &res, &e)) == 1) {
        if (res.row) {
            if ((rc = run_emit(r, res.row)))
                return rc;
        } else {
            run_drop(r, res.drop);
        }
        if (res.pair_drop)
            count_pair_drop(x, res.pair_drop);
        for (size_t i = 0; x->pairs && i < res.n_pairs; i++)
            if ((rc = run_side_write(r, x->pairs, &x->line, res.pairs[i], "--pairs")))
                return rc;
    }
    return rc ? run_fail_err(r, EXIT_IO, NULL, &e) : 0;
}

static int drive(cli_run *r, fb_ctx *x, uint64_t keep)
{
    while (ts_fb_active(x->fb) > keep && !r->exit_code) {
        ts_err e = TS_ERR_INIT;
        int rc = flush(r, x);
        if (rc)
            return rc;
        if (ts_fb_active(x->fb) <= keep)
            break;
        if ((rc = ts_fb_step(x->fb, &e)))
            return run_fail_err(r, EXIT_IO, "llm", &e);
        run_progress(r);
    }
    return flush(r, x);
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    fb_ctx *x = ctx;
    ts_err e = TS_ERR_INIT;
    int rc = ts_fb_add(x->fb, rec, x->index++, &e);
    if (rc == TS_ESCHEMA)
        return run_reject_here(r, "%s", e.msg);
    if (rc)
        return run_fail_err(r, EXIT_IO, NULL, &e);
    rc = drive(r, x, x->window - 1);
    if (ts_fb_get_stats(x->fb)->budget_hit)
        r->stop = true; /* read no further: the budget is spent */
    return rc;
}

/* "MODEL", "MODEL|PRINCIPLE", "URL|MODEL" or "URL|MODEL|PRINCIPLE" (a URL
 * starts with http:// or https://); parts point into spec, which is
 * edited in place. */
static bool parse_completer(char *spec, const char **url, const char **model, const char **principle)
{
    char *part[3] = {spec, NULL, NULL};
    int n = 1;
    for (char *p = spec; *p; p++)
        if (*p == '|') {
            if (n == 3)
                return false;
            *p = 0;
            part[n++] = p + 1;
        }
    bool is_url = !strncmp(part[0], "http://", 7) || !strncmp(part[0], "https://", 8);
    *url = is_url ? part[0] : NULL;
    *model = is_url ? part[1] : part[0];
    *principle = is_url ? part[2] : part[1];
    if (n == 3 && !is_url)
        return false;
    return *model && **model;
}

static const char *const principles[] = {"helpfulness", "honesty", "truthfulness", "verbalized_calibration"};

/* --principle-prompt NAME=TEXT replaces a principle's system prompt. */
static const char *principle_system(const cli_list *over, const char *principle)
{
    for (int i = 0; principle && i < over->n; i++) {
        const char *eq = strchr(over->items[i], '=');
        if (eq && (size_t)(eq - over->items[i]) == strlen(principle) &&
            !strncmp(over->items[i], principle, strlen(principle)))
            return eq + 1;
    }
    return ts_fb_principle_prompt(principle);
}

typedef struct {
    const char *url[MAX_CLIENTS];
    ts_llm *c[MAX_CLIENTS];
    int n;
} clients;

/* One client per distinct URL (NULL = the --endpoint client); each has
 * the shared options, so the cache file and budgets are per client. */
static ts_llm *client_for(clients *cs, const llm_cli_opts *lo, const char *url, const char *model,
                          const char *cmd, ts_err *e)
{
    for (int i = 0; i < cs->n; i++)
        if ((!url && !cs->url[i]) || (url && cs->url[i] && !strcmp(url, cs->url[i])))
            return cs->c[i];
    if (cs->n == MAX_CLIENTS) {
        ts_err_set(e, TS_EINVAL, "at most %d distinct endpoints", MAX_CLIENTS);
        return NULL;
    }
    llm_cli_opts o = *lo;
    if (url) {
        o.endpoints.n = 1;
        o.endpoints.items[0] = url;
        if (model)
            o.model = model;
    }
    ts_llm *c = llm_cli_open(&o, cmd, e);
    if (c) {
        cs->url[cs->n] = url;
        cs->c[cs->n++] = c;
    }
    return c;
}

static void extra_json(const fb_ctx *x, const clients *cs, ts_buf *b)
{
    const ts_fb_stats *s = ts_fb_get_stats(x->fb);
    ts_buf_printf(b,
                  "\"feedback\":{\"completions\":%llu,\"completions_failed\":%llu,\"judge_requests\":%llu,"
                  "\"reasks\":%llu,\"judge_failed\":%llu,\"unrated\":%llu,\"critiques\":%llu,\"no_critique\":%llu,"
                  "\"pairwise\":{\"consistent\":%llu,"
                  "\"ties\":%llu,\"inconsistent\":%llu,\"unparsed\":%llu},\"pairs\":%llu,\"budget_cut\":%llu,"
                  "\"pairs_dropped\":{",
                  (unsigned long long)s->completions, (unsigned long long)s->completions_failed,
                  (unsigned long long)s->judge_requests, (unsigned long long)s->reasks,
                  (unsigned long long)s->judge_failed, (unsigned long long)s->unrated,
                  (unsigned long long)s->critiques, (unsigned long long)s->no_critique,
                  (unsigned long long)s->consistent, (unsigned long long)s->ties,
                  (unsigned long long)s->inconsistent, (unsigned long long)s->unparsed,
                  (unsigned long long)s->pairs, (unsigned long long)s->budget_cut);
    for (int i = 0; i < x->npair_drops; i++)
        ts_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", x->pair_drops[i].name,
                      (unsigned long long)x->pair_drops[i].n);
    ts_buf_printf(b, "}},");
    llm_cli_stats_text(cs->c[0], b);
    ts_buf_putc(b, 0);
}

static void summary(const fb_ctx *x, const clients *cs)
{
    const ts_fb_stats *s = ts_fb_get_stats(x->fb);
    fprintf(stderr, "  completions %llu, failed %llu; judge requests %llu, re-asks %llu, failed %llu\n",
            (unsigned long long)s->completions, (unsigned long long)s->completions_failed,
            (unsigned long long)s->judge_requests, (unsigned long long)s->reasks,
            (unsigned long long)s->judge_failed);
    fprintf(stderr, "  ratings left unrated %llu; pairwise consistent %llu, ties %llu, inconsistent %llu, "
                    "unparsed %llu\n",
            (unsigned long long)s->unrated, (unsigned long long)s->consistent, (unsigned long long)s->ties,
            (unsigned long long)s->inconsistent, (unsigned long long)s->unparsed);
    if (s->critiques || s->no_critique)
        fprintf(stderr, "  critiques %llu, left without %llu\n", (unsigned long long)s->critiques,
                (unsigned long long)s->no_critique);
    fprintf(stderr, "  pairs written %llu\n", (unsigned long long)s->pairs);
    for (int i = 0; i < x->npair_drops; i++)
        fprintf(stderr, "  no pair: %-28s %llu\n", x->pair_drops[i].name,
                (unsigned long long)x->pair_drops[i].n);
    for (int i = 0; i < cs->n; i++)
        llm_cli_summary(cs->c[i]);
}

static double or_unset(double v) { return isnan(v) ? -1 : v; }

int gen_feedback(int argc, char **argv)
{
    const char *cmd = argv[0];
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    cli_list completers = {0}, overrides = {0};
    const char *pairs = NULL, *judge_model = NULL, *judge_endpoint = NULL, *pair_score = "fine-grained",
               *pair_rejected = "random";
    bool judge_json = false, pairwise = false, critique = false;
    uint64_t reasks = 2, window = 256;
    double judge_temp = 0;
    cli_opt own[] = {
        {0, "completer", "SPEC", OPT_LIST, &completers,
         "MODEL, MODEL|PRINCIPLE, URL|MODEL or URL|MODEL|PRINCIPLE (repeatable; default: --model with "
         "each of the four principles)"},
        {0, "principle-prompt", "NAME=TEXT", OPT_LIST, &overrides, "replace a principle's system prompt"},
        {0, "judge-model", "NAME", OPT_STR, &judge_model, "the judge (default: --model)"},
        {0, "judge-endpoint", "URL", OPT_STR, &judge_endpoint, "the judge's server (default: --endpoint)"},
        {0, "judge-json", NULL, OPT_FLAG, &judge_json, "ask the judge for JSON (response_format json_object)"},
        {0, "judge-temperature", "T", OPT_DOUBLE, &judge_temp, "the judge's temperature (default 0)"},
        {0, "reasks", "K", OPT_U64, &reasks, "re-ask an unparseable judgement K times (default 2)"},
        {0, "pairwise", NULL, OPT_FLAG, &pairwise,
         "judge pairs A vs B and B vs A; keep consistent verdicts (instead of ratings)"},
        {0, "critique", NULL, OPT_FLAG, &critique,
         "also the critique step: feedback and an overall score (1-10) per completion"},
        {0, "pairs", "FILE", OPT_STR, &pairs, "also write binarized preference pairs"},
        {0, "pair-score", "S", OPT_STR, &pair_score,
         "binarize by fine-grained (default), mean, overall or an aspect"},
        {0, "pair-rejected", "R", OPT_STR, &pair_rejected, "random (default, seeded) or worst"},
        {0, "window", "N", OPT_U64, &window, "prompts in flight at once (default 256)"},
        {0},
    };
    cli_opt table[64];
    llm_opts_table(table, 64, own, &lo);
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, table, &c, "[options] [FILE...] -o ROWS.jsonl [--pairs PAIRS.jsonl]",
                       "UltraFeedback's method: per prompt, completions from a pool of models\n"
                       "(each with a principle as system prompt), rated by a judge on\n"
                       "instruction_following, honesty, truthfulness and helpfulness (1-5 with a\n"
                       "rationale). Writes UltraFeedback raw rows, and with --pairs preference pairs\n"
                       "binarized by the ultrafeedback importer's rule. Input: prompt records\n"
                       "{\"prompt\": [{\"role\": \"user\", ...}]} or {\"instruction\": ...}.\n\n"
                       "example: tuneset gen feedback prompts.jsonl -o rows.jsonl --pairs pairs.jsonl \\\n"
                       "           --endpoint http://127.0.0.1:8000 --completer llama-3-8b \\\n"
                       "           --completer 'mistral-7b|honesty' --judge-model qwen-72b --cache fb.sqlite",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!window || window > 1000000 || reasks > 20) {
        cli_error(cmd, "--window must be 1 to 1000000 and --reasks at most 20");
        return EXIT_USAGE;
    }
    if (pairwise && (pair_score != NULL && strcmp(pair_score, "fine-grained"))) {
        cli_error(cmd, "--pair-score applies to rating, not --pairwise");
        return EXIT_USAGE;
    }
    ts_fb_completer cp[MAX_COMPLETERS];
    const char *urls[MAX_COMPLETERS];
    size_t ncp = 0;
    for (int i = 0; i < completers.n; i++) {
        const char *url, *model, *principle;
        if (ncp == MAX_COMPLETERS || !parse_completer((char *)completers.items[i], &url, &model, &principle)) {
            cli_error(cmd, "--completer '%s': expected MODEL[|PRINCIPLE] or URL|MODEL[|PRINCIPLE] (at most %d)",
                      completers.items[i], MAX_COMPLETERS);
            return EXIT_USAGE;
        }
        if (principle && !principle_system(&overrides, principle)) {
            cli_error(cmd, "--completer: unknown principle '%s' (helpfulness, honesty, truthfulness, "
                           "verbalized_calibration, or one given by --principle-prompt)", principle);
            return EXIT_USAGE;
        }
        urls[ncp] = url;
        cp[ncp++] = (ts_fb_completer){NULL, model, principle, principle_system(&overrides, principle)};
    }
    if (!ncp)
        for (int i = 0; i < 4; i++) {
            urls[ncp] = NULL;
            cp[ncp++] = (ts_fb_completer){NULL, lo.model, principles[i], principle_system(&overrides, principles[i])};
        }
    clients cs = {0};
    ts_err e = TS_ERR_INIT;
    rc = 0;
    for (size_t i = 0; i < ncp && !rc; i++)
        if (!(cp[i].llm = client_for(&cs, &lo, urls[i], cp[i].model, cmd, &e)))
            rc = 1;
    ts_llm *judge = rc ? NULL : client_for(&cs, &lo, judge_endpoint, judge_model, cmd, &e);
    if (!judge) {
        cli_error(cmd, "%s", e.msg[0] ? e.msg : ts_strerror(e.code));
        for (int i = 0; i < cs.n; i++)
            ts_llm_close(cs.c[i]);
        return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    ts_fb_opts fo = {
        .completers = cp,
        .n_completers = ncp,
        .judge = judge,
        .judge_model = judge_model ? judge_model : lo.model,
        .judge_json = judge_json,
        .pairwise = pairwise,
        .critique = critique,
        .reasks = (unsigned)reasks,
        .seed = c.seed,
        .gen = {or_unset(lo.temperature), or_unset(lo.top_p), (int64_t)lo.max_new_tokens},
        .judging = {judge_temp, -1, (int64_t)lo.max_new_tokens},
        .pair_score = pair_score,
        .pair_rejected = pair_rejected,
    };
    fb_ctx x = {.window = window};
    ts_buf_init(&x.line, 0);
    x.fb = ts_fb_new(&fo, &e);
    cli_run r;
    if (!x.fb) {
        cli_error(cmd, "%s", e.msg[0] ? e.msg : ts_strerror(e.code));
        rc = EXIT_USAGE;
    } else if (!(rc = run_begin(&r, cmd, &c, c.output ? c.output : "-"))) {
        if (pairs && ts_out_open(&x.pairs, pairs, &e))
            rc = run_fail_err(&r, EXIT_IO, "--pairs", &e);
        if (!rc && !run_inputs(&r, pos, npos, on_record, &x))
            drive(&r, &x, 0);
        if (x.pairs) {
            if (r.exit_code)
                ts_out_abort(x.pairs);
            else if (ts_out_commit(x.pairs, &e))
                run_fail_err(&r, EXIT_IO, "--pairs", &e);
        }
        ts_buf extra;
        ts_buf_init(&extra, 0);
        extra_json(&x, &cs, &extra);
        r.extra_stats = extra.data;
        rc = run_end(&r);
        if (!c.quiet)
            summary(&x, &cs);
        if (!c.quiet && ts_fb_get_stats(x.fb)->budget_hit)
            fprintf(stderr, "tuneset %s: budget reached: stopped reading; rerun with a larger budget and the "
                            "same --cache to go on\n", cmd);
        ts_buf_release(&extra);
    }
    ts_fb_free(x.fb);
    ts_buf_release(&x.line);
    for (int i = 0; i < cs.n; i++)
        ts_llm_close(cs.c[i]);
    return rc;
}
