/* tuneset gen augment: rewrite existing records with a model.
 *
 *   paraphrase, deepen (Evol-Instruct in-depth), broaden (in-breadth):
 *     the first user turn is rewritten; the result is a prompt-only record
 *     (or, with --respond, an SFT record answered by the model);
 *   translate[:LANG]: every turn's content is translated, the shape kept.
 *
 * Each record links to its original (meta.augmented_from). Records are
 * written in input order through a window of records in flight; every
 * request is a pure function of (--seed, record position, turn), so a
 * rerun over the cache writes the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_aug.h"

static aug_item *slot(aug_run *x, uint64_t seq) { return &x->win[seq % x->cap]; }

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *reply);

/* Queues request k of the record at sequence seq. */
static int submit(aug_run *x, uint64_t seq, size_t k, const ts_json *system, const ts_gen_str *turns,
                  size_t n)
{
    aug_item *it = slot(x, seq);
    genkit_req q = {.turns = turns, .n = n, .seed = x->seed + it->pos * 4099 + k};
    if (system) {
        q.system = system->u.s;
        q.system_len = system->len;
    }
    ts_err e = TS_ERR_INIT;
    int rc = genkit_request(&x->body, x->lo, &q);
    if (rc)
        return rc;
    it->left++;
    rc = ts_llm_submit(x->llm, x->body.data, x->body.len, seq << 16 | k, on_reply, x, &e);
    if (rc) {
        it->left--;
        if (rc == TS_EBUDGET)
            x->budget_hit = true;
        else if (!x->fatal) {
            char msg[400];
            ts_err_format(&e, msg, sizeof msg);
            cli_error(x->r->cmd, "%s", msg);
            x->fatal = EXIT_IO;
        }
    }
    return rc;
}

/* The template (--prompt or the built-in one) filled with vars, as request k. */
static int submit_filled(aug_run *x, uint64_t seq, size_t k, const char *name, const ts_gen_var *vars,
                         size_t nv)
{
    const char *t = x->custom_prompt ? x->tmpl.data : ts_gen_prompt(name);
    size_t tl = x->custom_prompt ? x->tmpl.len : strlen(t);
    ts_err e = TS_ERR_INIT;
    x->prompt.len = 0;
    int rc = ts_gen_fill(&x->prompt, t, tl, vars, nv, &e);
    if (rc) {
        if (!x->fatal) {
            cli_error(x->r->cmd, "%s", e.msg);
            x->fatal = EXIT_USAGE;
        }
        return rc;
    }
    ts_gen_str turn = {x->prompt.data, x->prompt.len};
    return submit(x, seq, k, NULL, &turn, 1);
}

/* The rewrite came back: clean and check it, then ask for its answer. */
static void rewritten(aug_run *x, uint64_t seq, aug_item *it)
{
    genkit_reply *g = &it->rep[0];
    const char *s = g->text;
    size_t n = g->len;
    ts_aug_clean(&s, &n);
    const ts_json *oc = aug_content(&it->msgs->u.items[it->user]);
    if (g->cut) {
        it->drop = "aug_cut_by_length";
        return;
    }
    if (!n) {
        it->drop = "aug_empty";
        return;
    }
    if (n == oc->len && !memcmp(s, oc->u.s, n)) {
        it->drop = "aug_unchanged";
        return;
    }
    it->rouge = ts_rouge_l(s, n, oc->u.s, oc->len);
    if (it->rouge > x->max_rouge) {
        it->drop = "aug_too_similar";
        return;
    }
    memmove(g->text, s, n); /* keep the cleaned text, NUL-terminated */
    g->text[n] = 0;
    g->len = n;
    if (x->respond) {
        /* A system turn before the instruction goes with it. */
        const ts_json *sys = it->user ? aug_content(&it->msgs->u.items[0]) : NULL;
        ts_gen_str turn = {g->text, g->len};
        if (submit(x, seq, 1, sys, &turn, 1))
            it->drop = x->budget_hit ? "llm_budget" : "llm_failed";
    }
}

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *reply)
{
    aug_run *x = ctx;
    uint64_t seq = tag >> 16;
    size_t k = (size_t)(tag & 0xffff);
    if (seq < x->head || seq >= x->tail)
        return;
    aug_item *it = slot(x, seq);
    genkit_reply *g = &it->rep[k];
    genkit_take(g, reply);
    it->left--;
    if (it->drop)
        return;
    if (g->failed) {
        char what[64];
        snprintf(what, sizeof what, "record %llu", (unsigned long long)it->pos + 1);
        genkit_report_failure(x->r->cmd, &x->failures_shown, what, g->err);
        x->failed++;
        it->drop = "llm_failed";
    } else if (x->mode != TS_AUG_TRANSLATE && k == 0) {
        rewritten(x, seq, it);
    } else if (g->cut) {
        it->drop = "aug_cut_by_length";
    }
}

static void item_release(aug_item *it)
{
    for (size_t i = 0; i < it->nrep; i++)
        genkit_reply_clear(&it->rep[i]);
    free(it->rep);
    free(it->turns);
    ts_arena_release(&it->a);
    memset(it, 0, sizeof *it);
}

/* Writes (or drops) every finished record at the head of the window. */
static int flush(aug_run *x)
{
    int rc = 0;
    while (!rc && x->head < x->tail && !slot(x, x->head)->left) {
        aug_item *it = slot(x, x->head);
        if (it->drop)
            run_drop(x->r, it->drop);
        else if (x->mode == TS_AUG_TRANSLATE)
            rc = aug_emit_translate(x, it);
        else
            rc = aug_emit_rewrite(x, it);
        item_release(it);
        x->head++;
        run_progress(x->r);
    }
    return rc;
}

/* Steps the client until the window has room (or, with all, is empty). */
static int drive(aug_run *x, bool all)
{
    ts_err e = TS_ERR_INIT;
    int rc = flush(x);
    while (!rc && x->head < x->tail && (all || x->tail - x->head >= x->cap)) {
        if (!ts_llm_pending(x->llm)) {
            /* Nothing in flight can finish the head: never called back. */
            aug_item *it = slot(x, x->head);
            it->left = 0;
            if (!it->drop)
                it->drop = "llm_failed";
        } else if (ts_llm_step(x->llm, &e)) {
            return run_fail_err(x->r, EXIT_IO, NULL, &e);
        }
        rc = flush(x);
    }
    return rc;
}

/* The array holding the instruction: SFT messages, or a prompt. */
static ts_json *turn_array(ts_json *rec)
{
    ts_json *m = (ts_json *)ts_json_get(rec, "messages");
    if (!ts_json_is(m, TS_JSON_ARRAY))
        m = (ts_json *)ts_json_get(rec, "prompt");
    return ts_json_is(m, TS_JSON_ARRAY) ? m : NULL;
}

static bool role_is(const ts_json *m, const char *role) { return ts_json_str_eq(ts_json_get(m, "role"), role); }

static int start_rewrite(aug_run *x, uint64_t seq, aug_item *it)
{
    ts_json *m = turn_array(it->rec);
    size_t u = 0;
    while (m && u < m->len && !role_is(&m->u.items[u], "user"))
        u++;
    if (!m || u == m->len || !aug_content(&m->u.items[u]) || u > 1 ||
        (u == 1 && !(role_is(&m->u.items[0], "system") && aug_content(&m->u.items[0])))) {
        it->drop = "aug_no_instruction";
        return 0;
    }
    it->msgs = m;
    it->user = u;
    it->nrep = 2;
    if (!(it->rep = calloc(2, sizeof *it->rep)))
        return TS_ENOMEM;
    it->variant = x->variant ? x->variant : ts_aug_deepen_variant(ts_gen_rand(x->seed, it->pos));
    const ts_json *c = aug_content(&m->u.items[u]);
    ts_gen_var v[] = {{"instruction", c->u.s, c->len}};
    return submit_filled(x, seq, 0, it->variant, v, 1);
}

static int start_translate(aug_run *x, uint64_t seq, aug_item *it)
{
    static const char *const arrays[] = {"messages", "prompt", "chosen", "rejected"};
    it->variant = x->variant;
    size_t cap = 0;
    for (int a = 0; a < 4; a++) {
        const ts_json *arr = ts_json_get(it->rec, arrays[a]);
        cap += ts_json_is(arr, TS_JSON_ARRAY) ? arr->len : 0;
    }
    if (cap > MAX_TURNS)
        cap = MAX_TURNS;
    if (!(it->turns = malloc((cap ? cap : 1) * sizeof *it->turns)))
        return TS_ENOMEM;
    for (int a = 0; a < 4; a++) {
        ts_json *arr = (ts_json *)ts_json_get(it->rec, arrays[a]);
        for (uint32_t i = 0; ts_json_is(arr, TS_JSON_ARRAY) && i < arr->len; i++) {
            ts_json *c = aug_content(&arr->u.items[i]);
            if (c && c->len && it->nturns < cap)
                it->turns[it->nturns++] = &arr->u.items[i];
        }
    }
    if (!it->nturns) {
        it->drop = "aug_no_instruction";
        return 0;
    }
    it->nrep = it->nturns;
    if (!(it->rep = calloc(it->nrep, sizeof *it->rep)))
        return TS_ENOMEM;
    int rc = 0;
    for (size_t i = 0; !rc && i < it->nturns; i++) {
        ts_json *c = aug_content(it->turns[i]);
        ts_gen_var v[] = {{"text", c->u.s, c->len}, {"language", x->language, strlen(x->language)}};
        rc = submit_filled(x, seq, i, "augment_translate", v, 2);
    }
    return rc;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    aug_run *x = ctx;
    int rc = drive(x, false);
    if (rc)
        return rc;
    if (x->budget_hit) {
        r->st.read--; /* not taken: the run stops before this record */
        r->stop = true;
        return 0;
    }
    uint64_t seq = x->tail++;
    aug_item *it = slot(x, seq);
    memset(it, 0, sizeof *it);
    it->pos = r->st.read - 1;
    ts_arena_init(&it->a);
    if (!(it->rec = ts_json_clone(&it->a, rec)))
        return run_fail(r, EXIT_IO, "out of memory");
    rc = x->mode == TS_AUG_TRANSLATE ? start_translate(x, seq, it) : start_rewrite(x, seq, it);
    if (x->fatal)
        return run_fail(r, x->fatal, "stopped");
    if (rc && !it->drop)
        it->drop = x->budget_hit ? "llm_budget" : "llm_failed";
    return flush(x);
}

int gen_augment(int argc, char **argv);
int gen_augment(int argc, char **argv)
{
    const char *cmd = argv[0];
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    const char *mode = "paraphrase", *prompt = NULL;
    aug_run x = {.max_rouge = 1.0};
    cli_opt own[] = {
        {'m', "mode", "MODE", OPT_STR, &mode,
         "paraphrase | deepen[:constraints|deepen|concretize|reasoning] | broaden | translate[:LANG] (default paraphrase)"},
        {0, "prompt", "FILE", OPT_STR, &prompt,
         "replace the built-in prompt ({{instruction}}; translate: {{text}}, {{language}})"},
        {0, "respond", NULL, OPT_FLAG, &x.respond, "also answer each rewritten instruction: SFT records instead of prompts"},
        {0, "max-rouge", "F", OPT_DOUBLE, &x.max_rouge, "drop results whose ROUGE-L to the original is above F (default 1: off)"},
        {0},
    };
    cli_opt opts[64];
    llm_opts_table(opts, 64, own, &lo);
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "--mode MODE [options] [FILE...] -o OUT",
                       "Rewrites records with a model. paraphrase, deepen (Evol-Instruct in-depth:\n"
                       "add a constraint, deepen, concretize, more reasoning steps; one chosen per\n"
                       "record by --seed) and broaden (a rarer task in the same domain) rewrite the\n"
                       "first user turn into a prompt-only record (SFT with --respond);\n"
                       "translate[:LANG] translates every turn and keeps the shape. meta keeps\n"
                       "augmented_from (the original id), augment, rouge_l.\n\n"
                       "example: tuneset gen augment --mode deepen --respond dolly.jsonl -o evol.jsonl \\\n"
                       "           --endpoint http://127.0.0.1:8080 --cache evol.sqlite --max-rouge 0.7",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (ts_aug_mode_parse(mode, &x.mode, &x.variant, &x.language)) {
        cli_error(cmd, "--mode must be paraphrase, deepen[:VARIANT], broaden or translate[:LANG], not '%s'", mode);
        return EXIT_USAGE;
    }
    if (x.mode == TS_AUG_TRANSLATE && x.respond) {
        cli_error(cmd, "--respond goes with the rewriting modes, not translate");
        return EXIT_USAGE;
    }
    if (x.mode == TS_AUG_DEEPEN && prompt && !x.variant)
        x.variant = "augment_custom";
    x.seed = c.seed;
    x.lo = &lo;
    x.custom_prompt = prompt != NULL;
    ts_buf_init(&x.tmpl, 0);
    ts_buf_init(&x.body, 0);
    ts_buf_init(&x.prompt, 0);
    if (prompt && (rc = genkit_prompt(cmd, prompt, NULL, &x.tmpl))) {
        ts_buf_release(&x.tmpl);
        return rc;
    }
    ts_err e = TS_ERR_INIT;
    if (!(x.llm = llm_cli_open(&lo, cmd, &e))) {
        cli_error(cmd, "%s", e.msg);
        ts_buf_release(&x.tmpl);
        return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    x.cap = (size_t)lo.concurrency;
    x.win = calloc(x.cap, sizeof *x.win);
    cli_run r;
    if (!x.win) {
        cli_error(cmd, "out of memory");
        rc = EXIT_IO;
    } else if (!(rc = run_begin(&r, cmd, &c, c.output))) {
        x.r = &r;
        run_inputs(&r, pos, npos, on_record, &x);
        if (!r.exit_code)
            drive(&x, true);
        ts_llm_run(x.llm, &e); /* what is still in flight after a failure */
        if (x.budget_hit)
            fprintf(stderr, "tuneset %s: budget reached: stopped after %llu records\n", cmd,
                    (unsigned long long)r.st.read);
        ts_buf stats;
        ts_buf_init(&stats, 0);
        ts_buf_printf(&stats, "\"requests_failed\":%llu,", (unsigned long long)x.failed);
        llm_cli_stats_text(x.llm, &stats);
        ts_buf_putc(&stats, 0);
        r.extra_stats = stats.data;
        rc = run_end(&r);
        if (!c.quiet)
            llm_cli_summary(x.llm);
        ts_buf_release(&stats);
    }
    for (uint64_t s = x.head; x.win && s < x.tail; s++)
        item_release(slot(&x, s));
    free(x.win);
    ts_llm_close(x.llm);
    ts_buf_release(&x.tmpl);
    ts_buf_release(&x.body);
    ts_buf_release(&x.prompt);
    return rc;
}
