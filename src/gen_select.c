/* tuneset gen select: s1K's funnel over question + reasoning trace +
 * answer records. Quality filters as records stream in; then weak models
 * answer the survivors (difficulty: any solved question is dropped), a
 * model labels each remaining question's MSC domain, and the diversity
 * sampler picks --target records. The pool is held in memory (one copy of
 * each surviving record), as sampling needs all of it; output is in input
 * order, so a rerun over the cache writes the same bytes. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm_opts.h"
#include "tuneset/select.h"

typedef struct {
    char *rec; /* the record as read, re-encoded */
    size_t rec_len;
    char *question, *ref;
    size_t qlen, rlen;
    uint64_t trace_len;
} pool_item;

typedef struct {
    pool_item *it;
    size_t n, cap;
    pcre2_code *pat[64];
    int npat;
    uint64_t min_trace;
    ts_buf enc;
} sel_state;

static void params(void *ctx, ts_jb *b) { llm_cli_request_params(ctx, b); }

static uint64_t utf8_chars(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static bool matches(sel_state *x, const ts_json *s)
{
    for (int i = 0; i < x->npat; i++) {
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(x->pat[i], NULL);
        int rc = md ? pcre2_match(x->pat[i], (PCRE2_SPTR)s->u.s, s->len, 0, 0, md, NULL) : -1;
        pcre2_match_data_free(md);
        if (rc >= 0)
            return true;
    }
    return false;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    sel_state *x = ctx;
    ts_select_fields f;
    bool not_sft;
    const char *why = ts_select_read(rec, &f, &not_sft);
    if (not_sft)
        return run_reject_here(r, "not an SFT record: no \"messages\" array");
    if (why) {
        run_drop(r, why);
        return 0;
    }
    const ts_json *q = f.question, *trace = f.trace, *ref = f.reference;
    const ts_json *texts[3] = {f.question, f.answer, f.trace};
    for (int i = 0; i < 3; i++)
        if (matches(x, texts[i])) {
            run_drop(r, "drop_pattern");
            return 0;
        }
    uint64_t tl = utf8_chars(trace->u.s, trace->len);
    if (tl < x->min_trace) {
        run_drop(r, "trace_too_short");
        return 0;
    }
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 256;
        pool_item *v = realloc(x->it, cap * sizeof *v);
        if (!v)
            return run_fail(r, EXIT_IO, "out of memory");
        x->it = v;
        x->cap = cap;
    }
    x->enc.len = 0;
    if (ts_json_write(&x->enc, rec))
        return run_fail(r, EXIT_IO, "out of memory");
    pool_item *it = &x->it[x->n];
    it->rec = dup_n(x->enc.data, x->enc.len);
    it->rec_len = x->enc.len;
    it->question = dup_n(q->u.s, q->len);
    it->qlen = q->len;
    it->ref = dup_n(ref->u.s, ref->len);
    it->rlen = ref->len;
    it->trace_len = tl;
    if (!it->rec || !it->question || !it->ref)
        return run_fail(r, EXIT_IO, "out of memory");
    x->n++;
    return 0; /* written or dropped at the end */
}

static int emit_item(cli_run *r, const pool_item *it, const ts_select_q *q, const cli_list *weak, int round,
                     bool labelled)
{
    ts_arena_reset(&r->arena);
    ts_json *rec;
    ts_err e = TS_ERR_INIT;
    if (ts_json_parse(it->rec, it->rec_len, &r->arena, NULL, &rec, &e))
        return run_fail(r, EXIT_IO, "cannot re-read a held record");
    if (ts_select_annotate(&r->arena, rec, q, weak->items, (size_t)weak->n, it->trace_len, round, labelled))
        return run_fail(r, EXIT_IO, "out of memory");
    return run_emit(r, rec);
}

static int read_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    ts_buf b;
    ts_buf_init(&b, 1 << 20);
    char tmp[4096];
    size_t k;
    int rc = 0;
    while (!rc && (k = fread(tmp, 1, sizeof tmp, f)) > 0)
        rc = ts_buf_append(&b, tmp, k);
    rc |= ferror(f);
    fclose(f);
    if (!rc)
        rc = ts_buf_putc(&b, 0);
    if (rc) {
        ts_buf_release(&b);
        return -1;
    }
    *out = b.data;
    return 0;
}

typedef struct {
    ts_llm *main;
    ts_llm *weak_c[64]; /* one per distinct weak endpoint */
    int nweak_c;
    ts_llm *weak[64];   /* per weak model */
} clients;

static void close_clients(clients *k)
{
    for (int i = 0; i < k->nweak_c; i++)
        ts_llm_close(k->weak_c[i]);
    ts_llm_close(k->main);
}

/* Opens the main client and one per --weak-endpoint; 0 or an exit code. */
static int open_clients(const char *cmd, const llm_cli_opts *lo, const cli_list *we, const cli_list *wm,
                        clients *k)
{
    memset(k, 0, sizeof *k);
    ts_err e = TS_ERR_INIT;
    if (we->n && we->n != 1 && we->n != wm->n) {
        cli_error(cmd, "give one --weak-endpoint for all weak models or one per --weak-model");
        return EXIT_USAGE;
    }
    k->main = llm_cli_open(lo, cmd, &e);
    if (!k->main) {
        cli_error(cmd, "%s", e.msg[0] ? e.msg : ts_strerror(e.code));
        return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    for (int w = 0; w < wm->n; w++) {
        if (!we->n) {
            k->weak[w] = k->main;
            continue;
        }
        int idx = we->n == 1 ? 0 : w;
        if (idx < k->nweak_c) {
            k->weak[w] = k->weak_c[idx];
            continue;
        }
        llm_cli_opts o = *lo;
        o.endpoints.n = 1;
        o.endpoints.items[0] = we->items[idx];
        ts_llm *c = llm_cli_open(&o, cmd, &e);
        if (!c) {
            cli_error(cmd, "--weak-endpoint: %s", e.msg[0] ? e.msg : ts_strerror(e.code));
            return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
        }
        k->weak_c[k->nweak_c++] = c;
        k->weak[w] = c;
    }
    return 0;
}


static void summary_json(ts_buf *b, const cli_run *r, double secs, const ts_select_model_counts *mc, size_t pool,
                         const uint64_t *dom, const ts_llm *llm)
{
    ts_buf extra;
    ts_buf_init(&extra, 0);
    ts_buf_printf(&extra,
                  "\"command\":\"gen select\",\"bytes_in\":%llu,\"seconds\":%.3f,\"select\":{\"pool\":%llu,"
                  "\"weak_answers\":%llu,\"weak_failed\":%llu,\"weak_no_answer\":%llu,\"judged\":%llu,"
                  "\"judge_failed\":%llu,\"judge_unparseable\":%llu,\"labelled\":%llu,\"label_failed\":%llu,"
                  "\"label_unknown\":%llu,\"budget_refused\":%llu,\"domains\":{",
                  (unsigned long long)r->st.bytes_in, secs, (unsigned long long)pool,
                  (unsigned long long)mc->weak_answers, (unsigned long long)mc->weak_failed,
                  (unsigned long long)mc->weak_no_answer, (unsigned long long)mc->judged,
                  (unsigned long long)mc->judge_failed, (unsigned long long)mc->judge_unparseable,
                  (unsigned long long)mc->labelled, (unsigned long long)mc->label_failed,
                  (unsigned long long)mc->label_unknown, (unsigned long long)mc->budget_refused);
    bool first = true;
    for (int d = 0; d <= 100; d++)
        if (dom[d]) {
            if (d == 100)
                ts_buf_printf(&extra, "%s\"unknown\":%llu", first ? "" : ",", (unsigned long long)dom[d]);
            else
                ts_buf_printf(&extra, "%s\"%02d\":%llu", first ? "" : ",", d, (unsigned long long)dom[d]);
            first = false;
        }
    ts_buf_printf(&extra, "}}");
    if (llm) {
        ts_buf_putc(&extra, ',');
        llm_cli_stats_text(llm, &extra);
    }
    ts_buf_putc(&extra, 0);
    ts_stats_to_json(&r->st, b, extra.data);
    ts_buf_putc(b, '\n');
    ts_buf_release(&extra);
}

int gen_select(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    cli_list weak_model = {{0}, 0}, weak_ep = {{0}, 0}, patterns = {{0}, 0};
    const char *judge = NULL, *label_model = NULL, *label_prompt = NULL, *judge_prompt = NULL;
    uint64_t target = 1000, min_trace = 0;
    bool no_label = false;
    cli_opt own[] = {
        {0, "target", "N", OPT_U64, &target, "records to select (default 1000)"},
        {0, "weak-model", "NAME", OPT_LIST, &weak_model,
         "a weaker model that answers each question, repeatable; solved questions are dropped"},
        {0, "weak-endpoint", "URL", OPT_LIST, &weak_ep,
         "server of the weak models: one for all, or one per --weak-model (default --endpoint)"},
        {0, "judge", "MODEL", OPT_STR, &judge,
         "judge answers with this model (yes/no) instead of math answer equivalence"},
        {0, "judge-prompt", "FILE", OPT_STR, &judge_prompt,
         "judge prompt template; {question}, {reference}, {candidate} are replaced"},
        {0, "label-model", "NAME", OPT_STR, &label_model, "model naming each question's MSC domain (default --model)"},
        {0, "label-prompt", "FILE", OPT_STR, &label_prompt, "domain prompt template; {question} is replaced"},
        {0, "no-label", NULL, OPT_FLAG, &no_label, "no domain labels: sample by trace length alone"},
        {0, "drop-pattern", "REGEX", OPT_LIST, &patterns,
         "drop records whose question, answer or trace match (PCRE2), repeatable (drop_pattern)"},
        {0, "min-trace-chars", "N", OPT_U64, &min_trace, "drop shorter traces (trace_too_short; default 0)"},
        {0},
    };
    cli_opt opts[32];
    llm_opts_table(opts, sizeof opts / sizeof *opts, own, &lo);
    char **pos;
    int npos;
    const char *cmd = argv[0];
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT --endpoint URL",
                       "s1K's selection funnel over SFT records with a question, a reasoning trace\n"
                       "(reasoning_content) and an answer (tuneset import s1k output). Quality:\n"
                       "missing_field, api_error, image, broken_markup, drop_pattern,\n"
                       "trace_too_short. Difficulty: each --weak-model answers; questions any of\n"
                       "them solves are dropped (weak_solved), judged by math answer equivalence\n"
                       "or --judge. Diversity: a model labels each question's MSC domain; rounds\n"
                       "pick a domain uniformly, then a question with weight 2^-rank by trace\n"
                       "length (longest first), until --target (others: not_selected). Seeded;\n"
                       "meta.select keeps domain, weak results, trace length and round.\n\n"
                       "example: tuneset gen select s1k.jsonl -o s1k_selected.jsonl --target 1000 \\\n"
                       "           --endpoint http://127.0.0.1:8000 --model labeller \\\n"
                       "           --weak-model qwen-7b --weak-model qwen-32b --cache select.sqlite",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    sel_state x = {0};
    x.min_trace = min_trace;
    ts_buf_init(&x.enc, 0);
    for (int i = 0; i < patterns.n; i++) {
        int ec;
        PCRE2_SIZE off;
        x.pat[x.npat] = pcre2_compile((PCRE2_SPTR)patterns.items[i], PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off,
                                      NULL);
        if (!x.pat[x.npat]) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(ec, msg, sizeof msg);
            cli_error(cmd, "--drop-pattern '%s': %s at %zu", patterns.items[i], (char *)msg, (size_t)off);
            rc = EXIT_USAGE;
            goto out_pat;
        }
        x.npat++;
    }
    char *prompt_text = NULL, *judge_text = NULL;
    if ((label_prompt && read_file(label_prompt, &prompt_text)) ||
        (judge_prompt && read_file(judge_prompt, &judge_text))) {
        cli_error(cmd, "cannot read %s", prompt_text || !label_prompt ? judge_prompt : label_prompt);
        rc = EXIT_IO;
        goto out_prompts;
    }
    clients k = {0};
    bool need_model = weak_model.n || !no_label;
    if (need_model && (rc = open_clients(cmd, &lo, &weak_ep, &weak_model, &k)))
        goto out;
    const char *stats_path = c.stats;
    c.stats = NULL; /* written here: the select and llm members are long */
    cli_run r;
    if ((rc = run_begin(&r, cmd, &c, c.output)))
        goto out;
    run_inputs(&r, pos, npos, on_record, &x);

    ts_select_model_counts mc = {0};
    uint64_t dom[101] = {0};
    ts_select_q *qs = calloc(x.n ? x.n : 1, sizeof *qs);
    signed char *weak = calloc(x.n * (size_t)weak_model.n + 1, 1);
    ts_select_item *items = calloc(x.n ? x.n : 1, sizeof *items);
    if (!qs || !weak || !items)
        run_fail(&r, EXIT_IO, "out of memory");
    for (size_t i = 0; i < x.n && !r.exit_code; i++)
        qs[i] = (ts_select_q){x.it[i].question, x.it[i].qlen, x.it[i].ref, x.it[i].rlen,
                              weak + i * (size_t)weak_model.n, false, -1};
    ts_select_models m = {k.weak, weak_model.items, (size_t)weak_model.n, k.main, judge,
                          label_model ? label_model : lo.model, prompt_text, judge_text, params, &lo, c.seed};
    ts_err e = TS_ERR_INIT;
    if (!r.exit_code && weak_model.n && ts_select_difficulty(qs, x.n, &m, &mc, &e))
        run_fail_err(&r, EXIT_IO, "weak models", &e);
    if (!r.exit_code && !no_label && ts_select_label(qs, x.n, &m, &mc, &e))
        run_fail_err(&r, EXIT_IO, "domain labels", &e);
    if (!r.exit_code) {
        /* Domains as sampler indexes: MSC classes in order, unknown last. */
        int index[101], nd = 0;
        for (size_t i = 0; i < x.n; i++)
            if (!qs[i].solved)
                dom[qs[i].domain >= 0 ? qs[i].domain : 100]++;
        for (int d = 0; d <= 100; d++)
            index[d] = dom[d] ? nd++ : -1;
        for (size_t i = 0; i < x.n; i++)
            items[i] = (ts_select_item){qs[i].solved ? -1 : index[qs[i].domain >= 0 ? qs[i].domain : 100],
                                        x.it[i].trace_len, 0};
        if (ts_select_sample(items, x.n, nd, (size_t)target, c.seed) < 0)
            run_fail(&r, EXIT_IO, "out of memory");
    }
    for (size_t i = 0; i < x.n && !r.exit_code; i++) {
        if (qs[i].solved)
            run_drop(&r, "weak_solved");
        else if (!items[i].round)
            run_drop(&r, "not_selected");
        else
            emit_item(&r, &x.it[i], &qs[i], &weak_model, items[i].round, !no_label);
    }
    double secs = run_elapsed(&r);
    rc = run_end(&r);
    if (!c.quiet && need_model) {
        fprintf(stderr, "  select pool %zu; weak answers %llu (failed %llu, no answer %llu)", x.n,
                (unsigned long long)mc.weak_answers, (unsigned long long)mc.weak_failed,
                (unsigned long long)mc.weak_no_answer);
        if (judge)
            fprintf(stderr, "; judged %llu (failed %llu, unparseable %llu)", (unsigned long long)mc.judged,
                    (unsigned long long)mc.judge_failed, (unsigned long long)mc.judge_unparseable);
        fprintf(stderr, "\n  select labels %llu (failed %llu, unknown %llu)\n", (unsigned long long)mc.labelled,
                (unsigned long long)mc.label_failed, (unsigned long long)mc.label_unknown);
        if (mc.budget_refused)
            fprintf(stderr, "  select: llm budget reached, %llu requests not sent (their results unknown)\n",
                    (unsigned long long)mc.budget_refused);
        llm_cli_summary(k.main);
        for (int i = 0; i < k.nweak_c; i++) {
            fprintf(stderr, "  weak endpoint %d:\n", i + 1);
            llm_cli_summary(k.weak_c[i]);
        }
    }
    if (stats_path) {
        ts_buf b;
        ts_buf_init(&b, 0);
        summary_json(&b, &r, secs, &mc, x.n, dom, k.main);
        if (cli_write_file(cmd, "--stats", stats_path, &b) && !rc)
            rc = EXIT_IO;
        ts_buf_release(&b);
    }
    free(qs);
    free(weak);
    free(items);
out:
    close_clients(&k);
out_prompts:
    free(prompt_text);
    free(judge_text);
out_pat:
    for (int i = 0; i < x.npat; i++)
        pcre2_code_free(x.pat[i]);
    for (size_t i = 0; i < x.n; i++) {
        free(x.it[i].rec);
        free(x.it[i].question);
        free(x.it[i].ref);
    }
    free(x.it);
    ts_buf_release(&x.enc);
    return rc;
}
