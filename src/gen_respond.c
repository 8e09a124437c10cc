/* tuneset gen respond: fill the assistant turn of prompt-only records with
 * a model's reply (K samples each with --n K).
 *
 * Replies come back out of order; a reorder window keeps the items from
 * the oldest unfinished one on and writes each as soon as everything
 * before it is written, so the output is in input order and a rerun over
 * the cache (after a kill) writes the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen_kit.h"

typedef struct sample {
    bool done, ok;
    char *text, *reasoning, *finish, *model; /* malloc'd copies */
    size_t len, rlen;
    ts_err err;
} sample;

typedef struct item {
    char *rec; /* the input record, re-encoded */
    size_t rec_len;
    uint64_t pos;  /* 0-based: which record of the input it is */
    unsigned left; /* samples not finished */
    bool budget;   /* some sample was refused by the budget */
    sample *s;     /* [n] */
} item;

typedef struct respond {
    cli_run *r;
    ts_llm *llm;
    llm_cli_opts *lo;
    unsigned n;
    bool reasoning;
    item *win; /* ring of items [head, tail) by sequence number */
    size_t cap;
    uint64_t head, tail;
    uint64_t answered, failed_prompts, failed_samples, empty_samples, budget_cut, failures_shown;
    bool budget_hit;
    ts_arena arena;
    ts_jb jb;
    ts_buf req;
} respond;

static void sample_free(sample *s)
{
    free(s->text);
    free(s->reasoning);
    free(s->finish);
    free(s->model);
    memset(s, 0, sizeof *s);
}

static char *dup_n(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, p, n);
        d[n] = 0;
    }
    return d;
}

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *rep)
{
    respond *x = ctx;
    uint64_t seq = tag / x->n;
    item *it = &x->win[seq % x->cap];
    sample *s = &it->s[tag % x->n];
    s->done = true;
    it->left--;
    if (rep->err.code || !rep->n_choices) {
        s->err = rep->err;
        if (rep->err.code == TS_EBUDGET)
            it->budget = true; /* queued, then refused: not a failure */
        if (!rep->err.code)
            ts_err_set(&s->err, TS_ENET, "the reply has no choices");
        return;
    }
    const ts_llm_choice *ch = &rep->choices[0];
    const char *text = ch->text, *rs = ch->reasoning;
    size_t len = ch->len, rlen = ch->reasoning_len;
    const char *think = NULL;
    size_t tlen = 0;
    ts_llm_split_think(&text, &len, &think, &tlen);
    if (!rs && think) {
        rs = think;
        rlen = tlen;
    }
    const ts_json *m = ts_json_get(rep->body, "model");
    s->ok = true;
    s->text = dup_n(text, len);
    s->len = len;
    if (x->reasoning && rs) {
        s->reasoning = dup_n(rs, rlen);
        s->rlen = rlen;
    }
    s->finish = dup_n(ch->finish_reason, strlen(ch->finish_reason));
    if (ts_json_is(m, TS_JSON_STRING))
        s->model = dup_n(m->u.s, m->len);
    if (!s->text || !s->finish) {
        s->ok = false;
        ts_err_set(&s->err, TS_ENOMEM, "out of memory");
    }
}

/* Builds and writes the output record of sample k of item it. */
static int emit_sample(respond *x, const item *it, unsigned k)
{
    cli_run *r = x->r;
    const sample *s = &it->s[k];
    ts_arena_reset(&x->arena);
    ts_json *rec;
    ts_err e = TS_ERR_INIT;
    if (ts_json_parse(it->rec, it->rec_len, &x->arena, NULL, &rec, &e))
        return run_fail_err(r, EXIT_IO, "internal", &e);
    ts_jb *b = &x->jb;
    bool answered;
    ts_jb_object(b);
    ts_jb_key(b, "messages");
    ts_jb_array(b);
    ts_llm_prompt_messages(rec, b, &answered);
    ts_jb_object(b);
    ts_jb_key(b, "role");
    ts_jb_cstr(b, "assistant");
    ts_jb_key(b, "content");
    ts_jb_str(b, s->text, s->len);
    if (s->reasoning) {
        ts_jb_key(b, "reasoning_content");
        ts_jb_str(b, s->reasoning, s->rlen);
    }
    ts_jb_end(b);
    ts_jb_end(b);
    const ts_json *id = ts_json_get(rec, "id");
    if (ts_json_is(id, TS_JSON_STRING)) {
        ts_jb_key(b, "id");
        if (x->n > 1) {
            char *v = ts_arena_alloc(&x->arena, (size_t)id->len + 24);
            int n = snprintf(v, (size_t)id->len + 24, "%.*s#%u", (int)id->len, id->u.s, k);
            ts_jb_str(b, v, (size_t)n);
        } else {
            ts_jb_value(b, id);
        }
    }
    const ts_json *src = ts_json_get(rec, "source");
    if (ts_json_is(src, TS_JSON_STRING)) {
        ts_jb_key(b, "source");
        ts_jb_value(b, src);
    }
    /* meta keeps the input's members; model, finish_reason and sample are set. */
    ts_json *meta = (ts_json *)ts_json_get(rec, "meta");
    ts_json empty = {.type = TS_JSON_OBJECT};
    if (!ts_json_is(meta, TS_JSON_OBJECT))
        meta = &empty;
    ts_json v = {.type = TS_JSON_STRING};
    int rc = 0;
    if (s->model) {
        v.u.s = s->model;
        v.len = (uint32_t)strlen(s->model);
        rc |= ts_json_set(&x->arena, meta, "model", &v);
    }
    v.u.s = s->finish;
    v.len = (uint32_t)strlen(s->finish);
    rc |= ts_json_set(&x->arena, meta, "finish_reason", &v);
    char num[16];
    if (x->n > 1) {
        ts_json nv = {.type = TS_JSON_NUMBER, .len = (uint32_t)snprintf(num, sizeof num, "%u", k), .u.s = num};
        rc |= ts_json_set(&x->arena, meta, "sample", &nv);
    }
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    ts_jb_key(b, "meta");
    ts_jb_value(b, meta);
    ts_jb_end(b);
    ts_json *out;
    if (ts_jb_finish(b, &out))
        return run_fail(r, EXIT_IO, "out of memory");
    return run_emit(r, out);
}

/* A prompt none of whose samples came back after --max-attempts: dropped
 * as llm_failed and its error shown, as every generator does. The input
 * is not bad data (a rerun with --cache may well answer it), so it is not
 * a reject, and the run goes on with exit 0: the other items' paid work
 * is kept. */
static void item_failed(respond *x, const item *it, const ts_err *why)
{
    char what[64], err[240];
    snprintf(what, sizeof what, "record %llu", (unsigned long long)it->pos + 1);
    ts_err_format(why, err, sizeof err);
    genkit_report_failure(x->r->cmd, &x->failures_shown, what, err);
    run_drop(x->r, "llm_failed");
}

/* Writes the finished items at the head of the window, in order. */
static int flush(respond *x)
{
    while (x->head < x->tail) {
        item *it = &x->win[x->head % x->cap];
        if (it->left)
            break;
        unsigned ok = 0, empty = 0;
        const ts_err *first = NULL;
        for (unsigned k = 0; k < x->n; k++)
            if (it->s[k].ok) {
                ok++;
                empty += it->s[k].len == 0;
            } else if (!first) {
                first = &it->s[k].err;
            }
        int rc = 0;
        if (it->budget && ok < x->n) {
            /* Refused by the budget: not an error, the next run goes on. */
            run_drop(x->r, "llm_budget");
            x->budget_cut++;
        } else if (!ok) {
            item_failed(x, it, first);
            x->failed_prompts++;
        } else if (ok == empty) {
            /* Nothing to learn from an empty turn (e.g. only a <think> block). */
            run_drop(x->r, "empty_reply");
            x->empty_samples += empty;
        } else {
            x->answered++;
            x->failed_samples += x->n - ok;
            x->empty_samples += empty;
            for (unsigned k = 0; k < x->n && !rc; k++)
                if (it->s[k].ok && it->s[k].len)
                    rc = emit_sample(x, it, k);
        }
        for (unsigned k = 0; k < x->n; k++)
            sample_free(&it->s[k]);
        free(it->rec);
        it->rec = NULL;
        x->head++;
        if (rc)
            return rc;
    }
    return 0;
}

/* The progress line (on a terminal): the run's own counts and the
 * client's, four times a second. */
static void progress(respond *x)
{
    cli_run *r = x->r;
    if (!r->tty)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - r->t0.tv_sec) + (double)(now.tv_nsec - r->t0.tv_nsec) / 1e9;
    double dl = (double)(now.tv_sec - r->last_progress.tv_sec) +
                (double)(now.tv_nsec - r->last_progress.tv_nsec) / 1e9;
    if (el < 1.0 || dl < 0.25)
        return;
    r->last_progress = now;
    const ts_llm_stats *s = ts_llm_get_stats(x->llm);
    fprintf(stderr,
            "\r\033[Ktuneset %s: %llu read, %llu written, %zu pending; %llu requests (%.0f/s), %llu retries, "
            "%llu cache hits, %llu failed",
            r->cmd, (unsigned long long)r->st.read, (unsigned long long)r->st.written, ts_llm_pending(x->llm),
            (unsigned long long)s->sent, (double)s->sent / el, (unsigned long long)s->retries,
            (unsigned long long)s->cache_hits, (unsigned long long)s->failed);
    r->progress_shown = true;
}

static int drive(respond *x, bool all)
{
    ts_err e = TS_ERR_INIT;
    for (;;) {
        int rc = flush(x);
        if (rc)
            return rc;
        size_t pending = ts_llm_pending(x->llm);
        bool window_full = x->tail - x->head >= x->cap;
        if (!pending)
            return 0;
        if (!all && !window_full && pending < 2 * x->lo->concurrency)
            return 0;
        if ((rc = ts_llm_step(x->llm, &e)))
            return run_fail_err(x->r, EXIT_IO, "llm", &e);
        progress(x);
    }
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    respond *x = ctx;
    if (x->tail - x->head >= x->cap) {
        int rc = drive(x, false);
        if (rc)
            return rc;
    }
    ts_jb *b = &x->jb;
    bool answered;
    ts_jb_object(b);
    ts_jb_key(b, "messages");
    ts_jb_array(b);
    const char *why = ts_json_is(rec, TS_JSON_OBJECT) ? ts_llm_prompt_messages(rec, b, &answered) : "not a JSON object";
    ts_jb_end(b);
    llm_cli_request_params(x->lo, b);
    ts_jb_key(b, "seed");
    ts_jb_int(b, 0); /* replaced per sample */
    ts_jb_end(b);
    ts_json *req;
    int brc = ts_jb_finish(b, &req);
    if (why)
        return run_reject_here(r, "%s", why);
    if (answered) {
        run_drop(r, "already_answered");
        return 0;
    }
    if (brc)
        return run_fail(r, EXIT_IO, "out of memory");
    uint64_t seq = x->tail++;
    item *it = &x->win[seq % x->cap];
    memset(it->s, 0, x->n * sizeof *it->s);
    it->left = x->n;
    it->budget = false;
    it->pos = r->st.read - 1;
    x->req.len = 0;
    if (ts_json_write(&x->req, rec))
        return run_fail(r, EXIT_IO, "out of memory");
    it->rec = dup_n(x->req.data, x->req.len);
    it->rec_len = x->req.len;
    if (!it->rec)
        return run_fail(r, EXIT_IO, "out of memory");
    ts_json *seed = (ts_json *)ts_json_get(req, "seed");
    char num[32];
    for (unsigned k = 0; k < x->n; k++) {
        /* Samples of one prompt differ by seed; reruns send the same seeds. */
        seed->u.s = num;
        seed->len = (uint32_t)snprintf(num, sizeof num, "%llu", (unsigned long long)(r->c->seed + k));
        x->req.len = 0;
        ts_err e = TS_ERR_INIT;
        int rc = ts_json_write(&x->req, req);
        if (!rc)
            rc = ts_llm_submit(x->llm, x->req.data, x->req.len, seq * x->n + k, on_reply, x, &e);
        if (rc == TS_EBUDGET) {
            it->budget = true;
            for (unsigned j = k; j < x->n; j++) {
                it->s[j].done = true;
                it->s[j].err = e;
            }
            it->left -= x->n - k;
            x->budget_hit = true;
            r->stop = true; /* read no further: the budget is spent */
            break;
        }
        if (rc)
            return run_fail_err(r, EXIT_IO, "llm", &e);
    }
    return drive(x, false);
}

int gen_respond(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    uint64_t n = 1;
    bool reasoning = false;
    cli_opt own[] = {
        {0, "n", "K", OPT_U64, &n, "samples per prompt: K records with ids <id>#k (default 1)"},
        {0, "reasoning", NULL, OPT_FLAG, &reasoning,
         "keep the reasoning (reasoning_content, or a <think>...</think> prefix) as the turn's reasoning_content"},
        {0},
    };
    cli_opt opts[32];
    llm_opts_table(opts, sizeof opts / sizeof *opts, own, &lo);
    char **pos;
    int npos;
    const char *cmd = argv[0];
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT --endpoint URL",
                       "Asks the model for the assistant turn of each prompt-only record (messages\n"
                       "ending in a user turn, {\"prompt\": \"...\"} or {\"instruction\", \"input\"}, with an\n"
                       "optional \"system\") and writes SFT records with the reply appended (meta.model,\n"
                       "meta.finish_reason). Records already ending in an assistant turn are dropped\n"
                       "(already_answered). Output is in input order; with --cache a killed run, rerun\n"
                       "with the same arguments, re-sends nothing that completed and writes the same\n"
                       "bytes. A prompt whose requests still fail after --max-attempts is dropped\n"
                       "(llm_failed, its error shown) and the run goes on, as in every generator.\n"
                       "Without --reasoning a <think> prefix is removed from the reply.\n\n"
                       "example: tuneset gen respond prompts.jsonl -o sft.jsonl --endpoint http://127.0.0.1:8080 \\\n"
                       "           --cache gen.sqlite --n 2 --temperature 0.7",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!n || n > 1000) {
        cli_error(cmd, "--n must be 1 to 1000");
        return EXIT_USAGE;
    }
    ts_err e = TS_ERR_INIT;
    ts_llm *llm = llm_cli_open(&lo, cmd, &e);
    if (!llm) {
        cli_error(cmd, "%s", e.msg[0] ? e.msg : ts_strerror(e.code));
        return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    respond x;
    memset(&x, 0, sizeof x);
    x.llm = llm;
    x.lo = &lo;
    x.n = (unsigned)n;
    x.reasoning = reasoning;
    /* The window bounds memory when an early item waits on retries. */
    x.cap = (size_t)lo.concurrency * 8 + 1024;
    x.win = calloc(x.cap, sizeof *x.win);
    sample *samples = calloc(x.cap * x.n, sizeof *samples);
    if (!x.win || !samples) {
        free(x.win);
        free(samples);
        ts_llm_close(llm);
        cli_error(cmd, "out of memory");
        return EXIT_IO;
    }
    for (size_t i = 0; i < x.cap; i++)
        x.win[i].s = samples + i * x.n;
    ts_arena_init(&x.arena);
    ts_jb_init(&x.jb, &x.arena);
    ts_buf_init(&x.req, 0);
    cli_run r;
    if ((rc = run_begin(&r, cmd, &c, c.output))) {
        ts_llm_close(llm);
        free(x.win);
        free(samples);
        return rc;
    }
    x.r = &r;
    /* The request builder uses the record arena (reset per record). */
    ts_jb rjb;
    ts_jb_init(&rjb, &r.arena);
    x.jb = rjb;
    run_inputs(&r, pos, npos, on_record, &x);
    ts_jb_release(&x.jb);
    ts_jb_init(&x.jb, &x.arena);
    if (!r.exit_code || x.budget_hit)
        drive(&x, true);
    if (r.progress_shown)
        fputs("\r\033[K", stderr);
    ts_buf extra;
    ts_buf_init(&extra, 0);
    ts_buf_printf(&extra, "\"gen\":{\"prompts_answered\":%llu,\"prompts_failed\":%llu,\"samples_failed\":%llu,"
                          "\"samples_empty\":%llu,\"budget_cut\":%llu},",
                  (unsigned long long)x.answered, (unsigned long long)x.failed_prompts,
                  (unsigned long long)x.failed_samples, (unsigned long long)x.empty_samples,
                  (unsigned long long)x.budget_cut);
    llm_cli_stats_text(llm, &extra);
    r.extra_stats = extra.data;
    rc = run_end(&r);
    if (!c.quiet) {
        llm_cli_summary(llm);
        if (x.budget_hit)
            fprintf(stderr, "tuneset %s: budget reached: stopped reading; rerun with a larger budget and the same"
                            " --cache to go on\n", cmd);
    }
    ts_buf_release(&extra);
    ts_buf_release(&x.req);
    ts_jb_release(&x.jb);
    ts_arena_release(&x.arena);
    for (uint64_t i = x.head; i < x.tail; i++)
        free(x.win[i % x.cap].rec);
    for (size_t i = 0; i < x.cap * x.n; i++)
        sample_free(&samples[i]);
    free(samples);
    free(x.win);
    ts_llm_close(llm);
    return rc;
}
