/* gen simulate's conversations: the user simulator and the assistant take
 * turns per conversation, each step a request sent from the previous
 * step's callback. Conversations run concurrently and are written in
 * opener order; every request is a pure function of (--seed, opener
 * position, step). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_sim.h"

enum { STEP_OPENER, STEP_ASSISTANT, STEP_USER };
enum { MAX_ROUNDS = 100 };

typedef struct conv {
    uint64_t pos;
    const sim_opener *op;
    unsigned target, rounds, steps;
    ts_gen_str turns[2 * MAX_ROUNDS];
    size_t nturns;
    int waiting;   /* the step whose reply is awaited, or -1 when finished */
    const char *drop;
    const char *ended_by;
} conv;

typedef struct sim_run {
    sim_ctx *s;
    cli_run *r;
    conv *win;
    size_t cap;
    uint64_t head, tail;
    uint64_t failures_shown, failed;
    ts_buf body, prompt, transcript;
    int fatal;
} sim_run;

static conv *slot(sim_run *x, uint64_t seq) { return &x->win[seq % x->cap]; }

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *reply);

static void conv_free(conv *c)
{
    for (size_t i = 0; i < c->nturns; i++)
        free((char *)c->turns[i].s);
    memset(c, 0, sizeof *c);
}

/* Queues the next step of conversation seq. */
static void send_step(sim_run *x, uint64_t seq, int step)
{
    conv *c = slot(x, seq);
    sim_ctx *s = x->s;
    genkit_req q = {.seed = s->seed + c->pos * 1009 + c->steps};
    ts_gen_str one;
    ts_llm *llm = s->llm;
    ts_err e = TS_ERR_INIT;
    int rc = 0;
    x->prompt.len = 0;
    if (step == STEP_ASSISTANT) {
        q.turns = c->turns;
        q.n = c->nturns;
        q.model = s->assistant_model;
        if (s->assistant_system) {
            q.system = s->assistant_system;
            q.system_len = strlen(s->assistant_system);
        }
        llm = s->llm_assistant;
    } else {
        x->transcript.len = 0;
        rc = ts_sim_transcript(&x->transcript, c->turns, c->nturns);
        const char *topic = c->op->topic ? c->op->topic : "";
        ts_gen_var v[] = {{"conversation", x->transcript.data, x->transcript.len},
                          {"topic", topic, strlen(topic)},
                          {"end_marker", s->end_marker, strlen(s->end_marker)}};
        const ts_buf *t = step == STEP_OPENER ? &s->opener_prompt : &s->user_prompt;
        if (!rc)
            rc = ts_gen_fill(&x->prompt, t->data, t->len, v, 3, &e);
        if (rc && !x->fatal) {
            cli_error(x->r->cmd, "%s", e.msg[0] ? e.msg : ts_strerror(rc));
            x->fatal = EXIT_USAGE;
        }
        one = (ts_gen_str){x->prompt.data, x->prompt.len};
        q.turns = &one;
        q.n = 1;
    }
    c->steps++;
    if (!rc)
        rc = genkit_request(&x->body, s->lo, &q);
    if (!rc)
        rc = ts_llm_submit(llm, x->body.data, x->body.len, seq << 8 | (uint64_t)step, on_reply, x, &e);
    if (rc) {
        c->waiting = -1;
        c->drop = rc == TS_EBUDGET ? "llm_budget" : "llm_failed";
        if (rc == TS_EBUDGET)
            s->budget_hit = true;
        return;
    }
    c->waiting = step;
}

static bool push_turn(conv *c, const char *s, size_t n)
{
    char *t = malloc(n + 1);
    if (!t)
        return false;
    memcpy(t, s, n);
    t[n] = 0;
    c->turns[c->nturns++] = (ts_gen_str){t, n};
    return true;
}

/* "User: ..." or quoted: models sometimes label or quote their line. */
static void clean_user(const char **s, size_t *n)
{
    while (*n && (unsigned char)**s <= ' ')
        (*s)++, (*n)--;
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ')
        (*n)--;
    if (*n >= 5 && !memcmp(*s, "User:", 5)) {
        *s += 5;
        *n -= 5;
        while (*n && (unsigned char)**s <= ' ')
            (*s)++, (*n)--;
    }
    if (*n >= 2 && **s == '"' && (*s)[*n - 1] == '"' && !memchr(*s + 1, '"', *n - 2)) {
        (*s)++;
        *n -= 2;
    }
}

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *reply)
{
    sim_run *x = ctx;
    uint64_t seq = tag >> 8;
    int step = (int)(tag & 0xff);
    if (seq < x->head || seq >= x->tail)
        return;
    conv *c = slot(x, seq);
    if (c->waiting != step)
        return;
    c->waiting = -1;
    genkit_reply g = {0};
    genkit_take(&g, reply);
    if (g.failed) {
        char what[80];
        snprintf(what, sizeof what, "conversation %llu", (unsigned long long)c->pos + 1);
        genkit_report_failure(x->r->cmd, &x->failures_shown, what, g.err);
        x->failed++;
        c->drop = "llm_failed";
    } else if (g.cut) {
        c->drop = "sim_cut_by_length";
    } else if (step == STEP_ASSISTANT) {
        if (!push_turn(c, g.text, g.len))
            c->drop = "llm_failed";
        else if (++c->rounds >= c->target)
            c->ended_by = "rounds";
        else
            send_step(x, seq, STEP_USER);
    } else {
        const char *s = g.text;
        size_t n = g.len;
        clean_user(&s, &n);
        if (step == STEP_USER && ts_sim_ended(s, n, x->s->end_marker))
            c->ended_by = "user";
        else if (!push_turn(c, s, n))
            c->drop = "llm_failed";
        else
            send_step(x, seq, STEP_ASSISTANT);
    }
    genkit_reply_clear(&g);
}

static int emit(sim_run *x, conv *c)
{
    cli_run *r = x->r;
    const sim_opener *op = c->op;
    ts_arena_reset(&r->arena);
    char id[64];
    snprintf(id, sizeof id, "simulate/%llu", (unsigned long long)c->pos);
    ts_jb b;
    ts_jb_init(&b, &r->arena);
    ts_jb_object(&b);
    ts_jb_key(&b, "messages");
    ts_jb_array(&b);
    for (size_t i = 0; i < c->nturns; i++)
        ts_record_message(&b, i % 2 ? "assistant" : "user", c->turns[i].s, c->turns[i].len);
    ts_jb_end(&b);
    ts_jb_key(&b, "id");
    ts_jb_cstr(&b, op->id ? op->id : id);
    ts_jb_key(&b, "source");
    ts_jb_cstr(&b, "simulate");
    ts_jb_key(&b, "meta");
    ts_jb_object(&b);
    ts_jb_key(&b, "rounds");
    ts_jb_int(&b, c->rounds);
    ts_jb_key(&b, "target_rounds");
    ts_jb_int(&b, c->target);
    ts_jb_key(&b, "ended_by");
    ts_jb_cstr(&b, c->ended_by);
    const char *keys[] = {"sector", "topic", "subtopic", "task", "seed_id"};
    const char *vals[] = {op->sector, op->topic, op->subtopic, op->task, op->seed_id};
    for (int i = 0; i < 5; i++)
        if (vals[i]) {
            ts_jb_key(&b, keys[i]);
            ts_jb_cstr(&b, vals[i]);
        }
    ts_jb_end(&b);
    ts_jb_end(&b);
    ts_json *rec;
    int rc = ts_jb_finish(&b, &rec);
    rc = rc ? run_fail(r, EXIT_IO, "out of memory") : run_emit(r, rec);
    ts_jb_release(&b);
    return rc;
}

static int flush(sim_run *x)
{
    int rc = 0;
    while (!rc && x->head < x->tail && slot(x, x->head)->waiting < 0) {
        conv *c = slot(x, x->head);
        const char *why = c->drop ? c->drop : ts_sim_check(c->turns, c->nturns);
        if (why)
            run_drop(x->r, why);
        else
            rc = emit(x, c);
        conv_free(c);
        x->head++;
        run_progress(x->r);
    }
    return rc;
}

/* Steps the clients until the window has room (or, with all, is empty). */
static int drive(sim_run *x, bool all)
{
    ts_err e = TS_ERR_INIT;
    sim_ctx *s = x->s;
    int rc = flush(x);
    unsigned turn = 0;
    while (!rc && x->head < x->tail && (all || x->tail - x->head >= x->cap)) {
        ts_llm *c = s->llm;
        if (s->llm_assistant != s->llm && (turn++ % 2 || !ts_llm_pending(c)))
            c = ts_llm_pending(s->llm_assistant) ? s->llm_assistant : s->llm;
        if (!ts_llm_pending(s->llm) && !ts_llm_pending(s->llm_assistant)) {
            conv *h = slot(x, x->head); /* never called back: count it, do not hang */
            h->waiting = -1;
            if (!h->drop)
                h->drop = "llm_failed";
        } else if (ts_llm_step(c, &e)) {
            return run_fail_err(x->r, EXIT_IO, NULL, &e);
        }
        rc = flush(x);
    }
    return rc;
}

int sim_converse(sim_ctx *s, cli_run *r, const sim_opener *ops, size_t n)
{
    sim_run x = {.s = s, .r = r, .cap = s->window};
    x.win = calloc(x.cap, sizeof *x.win);
    if (!x.win)
        return run_fail(r, EXIT_IO, "out of memory");
    ts_buf_init(&x.body, 0);
    ts_buf_init(&x.prompt, 0);
    ts_buf_init(&x.transcript, 0);
    int rc = 0;
    for (size_t i = 0; i < n && !rc && !x.fatal && !s->budget_hit; i++) {
        rc = drive(&x, false);
        if (rc)
            break;
        r->st.read++;
        if (!ops[i].text && !ops[i].topic) {
            run_drop(r, "sim_no_opener");
            continue;
        }
        uint64_t seq = x.tail++;
        conv *c = slot(&x, seq);
        memset(c, 0, sizeof *c);
        c->pos = i;
        c->op = &ops[i];
        c->target = ts_sim_rounds(s->seed, i, s->min_rounds, s->max_rounds);
        c->waiting = -1;
        if (ops[i].text) {
            if (!push_turn(c, ops[i].text, strlen(ops[i].text)))
                c->drop = "llm_failed";
            else
                send_step(&x, seq, STEP_ASSISTANT);
        } else {
            send_step(&x, seq, STEP_OPENER);
        }
    }
    if (!rc && !x.fatal)
        rc = drive(&x, true);
    if (x.fatal && !rc)
        rc = run_fail(r, x.fatal, "stopped");
    ts_err e = TS_ERR_INIT;
    ts_llm_run(s->llm, &e); /* what is still in flight after a failure */
    if (s->llm_assistant != s->llm)
        ts_llm_run(s->llm_assistant, &e);
    for (uint64_t q = x.head; q < x.tail; q++)
        conv_free(slot(&x, q));
    s->failed += x.failed;
    free(x.win);
    ts_buf_release(&x.body);
    ts_buf_release(&x.prompt);
    ts_buf_release(&x.transcript);
    return rc;
}
