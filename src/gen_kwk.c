/* tuneset gen kwk: Llama 3's "know what it knows" (docs/kwk.md). The
 * corpus is chunked as it streams and a seeded bottom-k sample of the
 * chunks is kept (bounded memory); the sampled snippets then go through
 * the model, up to --window at once, and come out in corpus order.
 *
 * Counts: the unit is a snippet candidate (a chunk, or a text with no
 * chunk), so read = candidates + rejected input records; a sampled snippet
 * is written when it gives an SFT record, else dropped by its rule
 * (kwk_mixed: pairs only; kwk_unjudged; no_question; no_refusal). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "llm_opts.h"
#include "tuneset/kwk.h"

typedef struct snippet {
    char *ref;
    char *text;
    size_t len;
} snippet;

typedef struct kwk_ctx {
    ts_kwk_sampler sampler;
    const char *field;
    uint64_t chunk_chars, min_chars, records, chunks, window;
    uint64_t units;
    ts_kwk *k;
    ts_out *pairs;
    ts_buf line;
    bool oom;
} kwk_ctx;

static void free_snippet(snippet *s)
{
    if (!s)
        return;
    free(s->ref);
    free(s->text);
    free(s);
}

static int on_text(cli_run *r, ts_json *rec, void *ctx)
{
    kwk_ctx *x = ctx;
    uint64_t recno = x->records++;
    const ts_json *t = ts_json_get(rec, x->field);
    if (!ts_json_is(t, TS_JSON_STRING))
        return run_reject_here(r, "no string field '%s'", x->field);
    const ts_json *id = ts_json_get(rec, "id");
    char base[256];
    if (ts_json_is(id, TS_JSON_STRING) || ts_json_is(id, TS_JSON_NUMBER))
        snprintf(base, sizeof base, "%.*s", (int)(id->len < 200 ? id->len : 200), id->u.s);
    else
        snprintf(base, sizeof base, "%llu", (unsigned long long)recno);
    size_t pos = 0, n, part = 0;
    const char *c;
    while (ts_kwk_next_chunk(t->u.s, t->len, &pos, (size_t)x->chunk_chars, &c, &n)) {
        x->units++;
        if (ts_kwk_chars(c, n) < x->min_chars) {
            run_drop(r, "chunk_too_short");
            part++;
            continue;
        }
        snippet *s = calloc(1, sizeof *s);
        char ref[300];
        snprintf(ref, sizeof ref, "%s#%zu", base, part++);
        if (!s || !(s->ref = strdup(ref)) || !(s->text = malloc(n ? n : 1))) {
            free_snippet(s);
            return run_fail(r, EXIT_IO, "out of memory");
        }
        memcpy(s->text, c, n);
        s->len = n;
        bool kept;
        snippet *out = ts_kwk_sampler_offer(&x->sampler, x->chunks++, s, &kept);
        if (out)
            run_drop(r, "not_sampled");
        free_snippet(out);
    }
    if (!part) {
        x->units++;
        run_drop(r, "empty_text");
    }
    run_progress(r);
    return 0;
}

static int flush(cli_run *r, kwk_ctx *x)
{
    ts_kwk_result res;
    ts_err e = TS_ERR_INIT;
    int rc;
    while ((rc = ts_kwk_take(x->k, &res, &e)) == 1) {
        if (res.sft) {
            if ((rc = run_emit(r, res.sft)))
                return rc;
        } else {
            run_drop(r, res.drop);
        }
        for (size_t i = 0; x->pairs && i < res.n_pairs; i++)
            if ((rc = run_side_write(r, x->pairs, &x->line, res.pairs[i], "--pairs")))
                return rc;
    }
    return rc ? run_fail_err(r, EXIT_IO, NULL, &e) : 0;
}

static int drive(cli_run *r, kwk_ctx *x, uint64_t keep)
{
    while (ts_kwk_active(x->k) > keep && !r->exit_code) {
        ts_err e = TS_ERR_INIT;
        int rc = flush(r, x);
        if (rc)
            return rc;
        if (ts_kwk_active(x->k) <= keep)
            break;
        if ((rc = ts_kwk_step(x->k, &e)))
            return run_fail_err(r, EXIT_IO, "llm", &e);
        run_progress(r);
    }
    return flush(r, x);
}

/* The sampled snippets, in corpus order, through the model. */
static void generate(cli_run *r, kwk_ctx *x)
{
    size_t n;
    ts_kwk_pick *p = ts_kwk_sampler_sorted(&x->sampler, &n);
    size_t i = 0;
    for (; i < n && !r->stop; i++) {
        snippet *s = p[i].payload;
        ts_err e = TS_ERR_INIT;
        if (ts_kwk_add(x->k, s->text, s->len, s->ref, p[i].index, &e)) {
            run_fail_err(r, EXIT_IO, NULL, &e);
            break;
        }
        drive(r, x, x->window - 1);
        if (ts_kwk_get_stats(x->k)->budget_hit) {
            i++;
            break; /* the budget is spent: start no more snippets */
        }
    }
    for (size_t j = i; j < n && !r->exit_code; j++)
        run_drop(r, "llm_budget"); /* sampled, never started */
    if (!r->exit_code)
        drive(r, x, 0);
    for (i = 0; i < n; i++) {
        free_snippet(p[i].payload);
        p[i].payload = NULL;
    }
}

static void extra_json(const kwk_ctx *x, const ts_llm *c, ts_buf *b)
{
    const ts_kwk_stats *s = ts_kwk_get_stats(x->k);
    ts_buf_printf(b,
                  "\"kwk\":{\"texts\":%llu,\"chunks\":%llu,\"questions\":%llu,\"no_question\":%llu,"
                  "\"answers\":%llu,\"answers_failed\":%llu,\"judgements\":%llu,\"reasks\":%llu,"
                  "\"unjudged_answers\":%llu,\"classes\":{\"correct\":%llu,\"wrong\":%llu,\"mixed\":%llu,"
                  "\"unjudged\":%llu},\"refusals\":%llu,\"refusals_failed\":%llu,\"sft\":%llu,\"pairs\":%llu,"
                  "\"budget_cut\":%llu},",
                  (unsigned long long)x->records, (unsigned long long)x->chunks,
                  (unsigned long long)s->questions, (unsigned long long)s->no_question,
                  (unsigned long long)s->answers, (unsigned long long)s->answers_failed,
                  (unsigned long long)s->judgements, (unsigned long long)s->reasks,
                  (unsigned long long)s->unjudged_answers, (unsigned long long)s->cls[TS_KWK_CORRECT],
                  (unsigned long long)s->cls[TS_KWK_WRONG], (unsigned long long)s->cls[TS_KWK_MIXED],
                  (unsigned long long)s->cls[TS_KWK_UNJUDGED], (unsigned long long)s->refusals,
                  (unsigned long long)s->refusals_failed, (unsigned long long)s->sft,
                  (unsigned long long)s->pairs, (unsigned long long)s->budget_cut);
    llm_cli_stats_text(c, b);
    ts_buf_putc(b, 0);
}

static void summary(const kwk_ctx *x)
{
    const ts_kwk_stats *s = ts_kwk_get_stats(x->k);
    fprintf(stderr, "  texts %llu, chunks %llu; questions %llu (none %llu); answers %llu (failed %llu)\n",
            (unsigned long long)x->records, (unsigned long long)x->chunks, (unsigned long long)s->questions,
            (unsigned long long)s->no_question, (unsigned long long)s->answers,
            (unsigned long long)s->answers_failed);
    fprintf(stderr, "  judgements %llu, re-asks %llu, answers left unjudged %llu\n",
            (unsigned long long)s->judgements, (unsigned long long)s->reasks,
            (unsigned long long)s->unjudged_answers);
    fprintf(stderr, "  snippets correct %llu, wrong %llu, mixed %llu, unjudged %llu; refusals %llu (failed %llu)\n",
            (unsigned long long)s->cls[TS_KWK_CORRECT], (unsigned long long)s->cls[TS_KWK_WRONG],
            (unsigned long long)s->cls[TS_KWK_MIXED], (unsigned long long)s->cls[TS_KWK_UNJUDGED],
            (unsigned long long)s->refusals, (unsigned long long)s->refusals_failed);
    fprintf(stderr, "  sft records %llu, pairs %llu\n", (unsigned long long)s->sft, (unsigned long long)s->pairs);
}

static double or_unset(double v) { return isnan(v) ? -1 : v; }

int gen_kwk(int argc, char **argv)
{
    const char *cmd = argv[0];
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    const char *pairs = NULL, *judge_model = NULL, *field = "text";
    uint64_t num = 100, chunk_chars = 1000, min_chars = 200, samples = 5, reasks = 2, window = 64;
    uint64_t min_judged = 0, info_min = 3;
    double correct_share = 0.8, wrong_share = 0.8, judge_temp = 0;
    bool no_snippet = false;
    cli_opt own[] = {
        {0, "pairs", "FILE", OPT_STR, &pairs, "also write preference pairs"},
        {0, "num-snippets", "N", OPT_U64, &num, "snippets sampled from the corpus (default 100)"},
        {0, "chunk-chars", "N", OPT_U64, &chunk_chars, "snippet size in characters (default 1000)"},
        {0, "min-chunk-chars", "N", OPT_U64, &min_chars, "shorter chunks are dropped (default 200)"},
        {0, "text-field", "NAME", OPT_STR, &field, "the corpus field (default text)"},
        {0, "samples", "K", OPT_U64, &samples, "answers sampled per question (default 5)"},
        {0, "judge-model", "NAME", OPT_STR, &judge_model, "question writer and judge (default: --model)"},
        {0, "judge-temperature", "T", OPT_DOUBLE, &judge_temp, "their temperature (default 0)"},
        {0, "reasks", "K", OPT_U64, &reasks, "re-ask an unparseable reply K times (default 2)"},
        {0, "correct-share", "S", OPT_DOUBLE, &correct_share, "consistently correct: share correct >= S (0.8)"},
        {0, "wrong-share", "S", OPT_DOUBLE, &wrong_share,
         "consistently wrong: share informative and incorrect >= S (0.8)"},
        {0, "informative-min", "N", OPT_U64, &info_min, "informative: score >= N of 5 (default 3)"},
        {0, "min-judged", "N", OPT_U64, &min_judged, "fewer judged answers: unjudged (default: half of K)"},
        {0, "no-snippet", NULL, OPT_FLAG, &no_snippet, "leave the snippet text out of meta"},
        {0, "window", "N", OPT_U64, &window, "snippets in flight at once (default 64)"},
        {0},
    };
    cli_opt table[64];
    llm_opts_table(table, 64, own, &lo);
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, table, &c, "[options] [FILE...] -o SFT.jsonl [--pairs PAIRS.jsonl]",
                       "Llama 3's \"know what it knows\": seeded snippets of a text corpus\n"
                       "({\"text\": ...} JSONL or Parquet); a question written from each; K answers\n"
                       "from the model being tuned (--model) without the snippet; a judge scores\n"
                       "correctness against the snippet and informativeness. Consistently correct:\n"
                       "SFT question -> the most informative correct answer. Consistently wrong\n"
                       "(informative and incorrect): the model writes a refusal; SFT question ->\n"
                       "refusal, and pairs refusal over each confident wrong answer. Otherwise:\n"
                       "pairs correct over incorrect. Every judgement is kept in meta.kwk.\n\n"
                       "example: tuneset gen kwk wiki.jsonl -o kwk_sft.jsonl --pairs kwk_pairs.jsonl \\\n"
                       "           --endpoint http://127.0.0.1:8000 --model my-8b --judge-model qwen-72b \\\n"
                       "           --num-snippets 1000 --samples 5 --cache kwk.sqlite --seed 1",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!num || num > 1000000 || !chunk_chars || min_chars > chunk_chars || !window || window > 100000 ||
        reasks > 20) {
        cli_error(cmd, "--num-snippets 1 to 1000000, --chunk-chars >= --min-chunk-chars, --window 1 to "
                       "100000, --reasks at most 20");
        return EXIT_USAGE;
    }
    ts_err e = TS_ERR_INIT;
    ts_llm *llm = llm_cli_open(&lo, cmd, &e);
    if (!llm) {
        cli_error(cmd, "%s", e.msg[0] ? e.msg : ts_strerror(e.code));
        return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    ts_kwk_opts ko = {
        .llm = llm,
        .model = lo.model,
        .judge_model = judge_model,
        .samples = (size_t)samples,
        .reasks = (unsigned)reasks,
        .seed = c.seed,
        .th = {correct_share, wrong_share, (int)(info_min > 5 ? 0 : info_min), (size_t)min_judged},
        .answering = {or_unset(lo.temperature), or_unset(lo.top_p), (int64_t)lo.max_new_tokens},
        .judging = {judge_temp, -1, (int64_t)lo.max_new_tokens},
        .keep_snippet = !no_snippet,
    };
    kwk_ctx x = {.field = field, .chunk_chars = chunk_chars, .min_chars = min_chars, .window = window};
    ts_buf_init(&x.line, 0);
    x.k = ts_kwk_new(&ko, &e);
    if (!x.k || ts_kwk_sampler_init(&x.sampler, (size_t)num, c.seed)) {
        cli_error(cmd, "%s", x.k ? "out of memory" : e.msg);
        ts_kwk_free(x.k);
        ts_llm_close(llm);
        return x.k ? EXIT_IO : EXIT_USAGE;
    }
    cli_run r;
    if (!(rc = run_begin(&r, cmd, &c, c.output ? c.output : "-"))) {
        if (pairs && ts_out_open(&x.pairs, pairs, &e))
            run_fail_err(&r, EXIT_IO, "--pairs", &e);
        if (!r.stop)
            run_inputs(&r, pos, npos, on_text, &x);
        if (!r.stop)
            generate(&r, &x);
        /* The unit of account is the snippet candidate (see the top). */
        r.st.read = x.units + r.st.rejected;
        if (x.pairs) {
            if (r.exit_code)
                ts_out_abort(x.pairs);
            else if (ts_out_commit(x.pairs, &e))
                run_fail_err(&r, EXIT_IO, "--pairs", &e);
        }
        ts_buf extra;
        ts_buf_init(&extra, 0);
        extra_json(&x, llm, &extra);
        r.extra_stats = extra.data;
        rc = run_end(&r);
        if (!c.quiet) {
            summary(&x);
            llm_cli_summary(llm);
            if (ts_kwk_get_stats(x.k)->budget_hit)
                fprintf(stderr, "tuneset %s: budget reached: stopped; rerun with a larger budget and the same "
                                "--cache to go on\n", cmd);
        }
        ts_buf_release(&extra);
    }
    /* Snippets still held when the run stopped before generating. */
    size_t n;
    ts_kwk_pick *p = ts_kwk_sampler_sorted(&x.sampler, &n);
    for (size_t i = 0; i < n; i++)
        free_snippet(p[i].payload);
    ts_kwk_sampler_release(&x.sampler);
    ts_kwk_free(x.k);
    ts_buf_release(&x.line);
    ts_llm_close(llm);
    return rc;
}
