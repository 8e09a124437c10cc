/* gen feedback as a state machine over ts_llm callbacks. Each prompt is an
 * item: its completion requests go out at once; the last completion to
 * arrive submits the judge requests (four aspect ratings, or both orders
 * of every pair); an unparseable judgement is re-asked with the next seed
 * up to `reasks` times; the last judgement marks the item finished. Items
 * are taken in input order, and only then binarized, so the importer's
 * seeded pick sees rows in a fixed order. */
#include <stdlib.h>
#include <string.h>

#include "feedback_int.h"

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *r);

/* Submits one request; a refused submission (budget) is answered at once
 * as a failure, so every request gets exactly one callback. */
static void submit(fb_item *it, ts_llm *c, fb_req *q)
{
    ts_err e = TS_ERR_INIT;
    it->pending++;
    int rc = ts_llm_submit(c, it->f->req.data, it->f->req.len, 0, on_reply, q, &e);
    if (rc) {
        ts_llm_reply fail;
        memset(&fail, 0, sizeof fail);
        fail.err = e;
        fail.err.code = rc;
        on_reply(q, 0, &fail);
    }
}

static fb_req *new_req(fb_item *it, int kind, int a, int b, unsigned attempt)
{
    fb_req *q = ts_arena_alloc(&it->arena, sizeof *q);
    if (q)
        *q = (fb_req){it, kind, a, b, attempt};
    return q;
}

static void send_rating(fb_item *it, int aspect, unsigned attempt)
{
    ts_fb *f = it->f;
    const char *resp[64];
    size_t rlen[64];
    for (size_t i = 0; i < it->nok; i++) {
        resp[i] = it->c[it->ok[i]].response;
        rlen[i] = it->c[it->ok[i]].response_len;
    }
    f->req.len = 0;
    fb_req *q = new_req(it, K_RATE, aspect, 0, attempt);
    if (!q || ts_fb_rating_request(&f->req, f->o.judge_model, aspect, it->ins, it->ilen, resp, rlen,
                                   it->nok, f->o.judge_json, f->o.seed + attempt, &f->o.judging)) {
        f->st.judge_failed++;
        return;
    }
    f->st.judge_requests++;
    submit(it, f->o.judge, q);
}

static void send_pair(fb_item *it, size_t p, bool swapped, unsigned attempt)
{
    ts_fb *f = it->f;
    const ts_fb_completion *x = &it->c[it->pairs[p].x], *y = &it->c[it->pairs[p].y];
    if (swapped) {
        const ts_fb_completion *t = x;
        x = y;
        y = t;
    }
    f->req.len = 0;
    fb_req *q = new_req(it, K_PAIR, (int)p, swapped, attempt);
    if (!q || ts_fb_pairwise_request(&f->req, f->o.judge_model, it->ins, it->ilen, x->response,
                                     x->response_len, y->response, y->response_len, f->o.judge_json,
                                     f->o.seed + attempt, &f->o.judging)) {
        f->st.judge_failed++;
        return;
    }
    f->st.judge_requests++;
    submit(it, f->o.judge, q);
}

static void send_critique(fb_item *it, int c, unsigned attempt)
{
    ts_fb *f = it->f;
    const ts_fb_completion *x = &it->c[c];
    f->req.len = 0;
    fb_req *q = new_req(it, K_CRITIQUE, c, 0, attempt);
    if (!q || ts_fb_critique_request(&f->req, f->o.judge_model, it->ins, it->ilen, x->response,
                                     x->response_len, f->o.judge_json, f->o.seed + attempt,
                                     &f->o.judging)) {
        f->st.judge_failed++;
        return;
    }
    f->st.judge_requests++;
    submit(it, f->o.judge, q);
}

static void start_judging(fb_item *it)
{
    ts_fb *f = it->f;
    it->judging = true;
    it->ok = ts_arena_alloc(&it->arena, (f->o.n_completers + 1) * sizeof *it->ok);
    if (!it->ok)
        return;
    for (size_t i = 0; i < f->o.n_completers; i++)
        if (it->c[i].response)
            it->ok[it->nok++] = (int)i;
    if (!it->nok)
        return;
    for (size_t i = 0; f->o.critique && i < it->nok; i++)
        send_critique(it, it->ok[i], 0);
    if (!f->o.pairwise) {
        for (int a = 0; a < TS_FB_NASPECTS; a++)
            send_rating(it, a, 0);
        return;
    }
    size_t np = it->nok * (it->nok - 1) / 2;
    it->pairs = ts_arena_alloc(&it->arena, (np + 1) * sizeof *it->pairs);
    if (!it->pairs)
        return;
    for (size_t i = 0; i < it->nok; i++)
        for (size_t j = i + 1; j < it->nok; j++)
            it->pairs[it->npairs++] = (fb_pair){it->ok[i], it->ok[j], TS_FB_NONE, TS_FB_NONE};
    for (size_t p = 0; p < it->npairs; p++) {
        send_pair(it, p, false, 0);
        send_pair(it, p, true, 0);
    }
}

/* Merges one rating reply; true when every shown text got a rating. */
static bool merge_ratings(fb_item *it, int aspect, const ts_llm_reply *r)
{
    ts_fb_rating got[64];
    size_t n = it->nok;
    ts_fb_parse_ratings(r->choices[0].text, r->choices[0].len, n, got, &it->arena);
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        ts_fb_rating *dst = &it->c[it->ok[i]].ratings[aspect];
        if (!dst->rating && got[i].rating) {
            *dst = got[i];
            /* The rationale borrows the reply (or a scratch arena): keep a copy. */
            dst->rationale = ts_arena_dup(&it->arena, got[i].rationale ? got[i].rationale : "",
                                          got[i].rationale_len);
        }
        all &= dst->rating > 0;
    }
    return all;
}

/* One request of the item answered: the last completion starts the
 * judging; the last judgement finishes the item. */
static void release(fb_item *it)
{
    if (--it->pending)
        return;
    if (!it->judging && !it->budget) {
        /* Held while the judge requests go out: one refused at once (a
         * budget) must not finish the item before the others are sent. */
        it->pending++;
        start_judging(it);
        if (--it->pending)
            return;
    }
    it->done = true;
}

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *r)
{
    (void)tag;
    fb_req *q = ctx;
    fb_item *it = q->it;
    ts_fb *f = it->f;
    bool ok = r->err.code == TS_OK && r->n_choices > 0 && r->choices[0].text;
    if (r->err.code == TS_EBUDGET) {
        /* Not a failure: the prompt is cut, and a rerun goes on from here. */
        it->budget = f->st.budget_hit = true;
        release(it);
        return;
    }
    if (q->kind == K_COMPLETE) {
        ts_fb_completion *c = &it->c[q->a];
        if (ok && r->choices[0].len) {
            c->response = ts_arena_dup(&it->arena, r->choices[0].text, r->choices[0].len);
            c->response_len = r->choices[0].len;
            f->st.completions++;
        } else {
            f->st.completions_failed++;
        }
    } else if (!ok) {
        f->st.judge_failed++;
    } else if (q->kind == K_CRITIQUE) {
        ts_fb_completion *c = &it->c[q->a];
        const char *crit;
        size_t n;
        double sc;
        if (!ts_fb_parse_critique(r->choices[0].text, r->choices[0].len, &it->arena, &sc, &crit, &n)) {
            c->critique = ts_arena_dup(&it->arena, crit, n);
            c->critique_len = n;
            c->overall = sc;
        } else if (q->attempt < f->o.reasks) {
            f->st.reasks++;
            send_critique(it, q->a, q->attempt + 1);
        }
    } else if (q->kind == K_RATE) {
        if (!merge_ratings(it, q->a, r) && q->attempt < f->o.reasks) {
            f->st.reasks++;
            send_rating(it, q->a, q->attempt + 1);
        }
    } else {
        fb_pair *p = &it->pairs[q->a];
        ts_fb_verdict v = ts_fb_parse_verdict(r->choices[0].text, r->choices[0].len, &it->arena);
        if (v)
            *(q->b ? &p->ba : &p->ab) = v;
        else if (q->attempt < f->o.reasks) {
            f->st.reasks++;
            send_pair(it, (size_t)q->a, q->b, q->attempt + 1);
        }
    }
    release(it);
}

ts_fb *ts_fb_new(const ts_fb_opts *o, ts_err *err)
{
    if (!o->n_completers || o->n_completers > 64 || !o->judge) {
        ts_err_set(err, TS_EINVAL, "gen feedback needs 1 to 64 completers and a judge");
        return NULL;
    }
    ts_fb *f = calloc(1, sizeof *f);
    if (!f) {
        ts_err_set(err, TS_ENOMEM, NULL);
        return NULL;
    }
    f->o = *o;
    ts_buf_init(&f->req, 0);
    for (size_t i = 0; i <= o->n_completers; i++) {
        ts_llm *c = i < o->n_completers ? o->completers[i].llm : o->judge;
        size_t k = 0;
        while (k < f->nclients && f->clients[k] != c)
            k++;
        if (k == f->nclients && c)
            f->clients[f->nclients++] = c;
    }
    if (!o->pairwise && ts_fb_binarizer_open(&f->bin, o->pair_score, o->pair_rejected, o->seed, err)) {
        ts_fb_free(f);
        return NULL;
    }
    return f;
}

/* The instruction of a prompt record; NULL with *why set otherwise. */
static const ts_json *instruction_of(const ts_json *rec, const char **why)
{
    const ts_json *ins = ts_json_get(rec, "instruction"), *p = ts_json_get(rec, "prompt");
    if (ts_json_is(ins, TS_JSON_STRING))
        p = ins;
    else if (ts_json_is(p, TS_JSON_ARRAY)) {
        const ts_json *m = ts_json_at(p, 0);
        if (p->len != 1 || !ts_json_str_eq(ts_json_get(m, "role"), "user")) {
            *why = "gen feedback takes single-turn prompts: 'prompt' must be one user message";
            return NULL;
        }
        p = ts_json_get(m, "content");
    }
    if (!ts_json_is(p, TS_JSON_STRING) || !p->len) {
        *why = "no instruction: expected 'prompt' (one user message or a string) or 'instruction'";
        return NULL;
    }
    return p;
}

int ts_fb_add(ts_fb *f, const ts_json *rec, uint64_t index, ts_err *err)
{
    const char *why = NULL;
    const ts_json *ins = instruction_of(rec, &why);
    if (!ins)
        return ts_err_set(err, TS_ESCHEMA, "%s", why);
    fb_item *it = calloc(1, sizeof *it);
    if (!it)
        return ts_err_set(err, TS_ENOMEM, NULL);
    ts_arena_init(&it->arena);
    ts_jb_init(&it->jb, &it->arena);
    it->f = f;
    it->index = index;
    it->ilen = ins->len;
    it->ins = ts_arena_dup(&it->arena, ins->u.s, ins->len);
    const ts_json *id = ts_json_get(rec, "id"), *src = ts_json_get(rec, "source");
    if (ts_json_is(id, TS_JSON_STRING) || ts_json_is(id, TS_JSON_NUMBER)) {
        it->idlen = id->len;
        it->id = ts_arena_dup(&it->arena, id->u.s, id->len);
    }
    it->source = "unknown";
    it->slen = 7;
    if (ts_json_is(src, TS_JSON_STRING)) {
        it->slen = src->len;
        it->source = ts_arena_dup(&it->arena, src->u.s, src->len);
    }
    it->c = ts_arena_alloc(&it->arena, f->o.n_completers * sizeof *it->c);
    if (!it->ins || !it->c || (it->idlen && !it->id) || (src && !it->source)) {
        ts_arena_release(&it->arena);
        free(it);
        return ts_err_set(err, TS_ENOMEM, NULL);
    }
    memset(it->c, 0, f->o.n_completers * sizeof *it->c);
    if (f->tail)
        f->tail->next = it;
    else
        f->head = it;
    f->tail = it;
    f->active++;
    it->pending = 1; /* held until every completion is submitted */
    for (size_t i = 0; i < f->o.n_completers; i++) {
        const ts_fb_completer *cp = &f->o.completers[i];
        ts_fb_completion *c = &it->c[i];
        c->model = cp->model;
        c->principle = cp->principle;
        c->system = cp->system ? cp->system : ts_fb_principle_prompt(cp->principle);
        f->req.len = 0;
        fb_req *q = new_req(it, K_COMPLETE, (int)i, 0, 0);
        if (!q || ts_fb_completion_request(&f->req, cp->model, c->system, it->ins, it->ilen,
                                           f->o.seed + i, &f->o.gen)) {
            f->st.completions_failed++;
            continue;
        }
        submit(it, cp->llm, q);
    }
    release(it); /* the hold: judging starts here if every completion failed at once */
    return 0;
}

size_t ts_fb_active(const ts_fb *f) { return f->active; }

int ts_fb_step(ts_fb *f, ts_err *err)
{
    for (size_t i = 0; i < f->nclients; i++)
        if (ts_llm_pending(f->clients[i])) {
            int rc = ts_llm_step(f->clients[i], err);
            if (rc)
                return rc;
        }
    return 0;
}

static void free_item(fb_item *it)
{
    if (!it)
        return;
    ts_jb_release(&it->jb);
    ts_arena_release(&it->arena);
    free(it);
}

int ts_fb_take(ts_fb *f, ts_fb_result *res, ts_err *err)
{
    free_item(f->taken);
    f->taken = NULL;
    fb_item *it = f->head;
    if (!it || !it->done)
        return 0;
    f->head = it->next;
    if (!f->head)
        f->tail = NULL;
    f->active--;
    f->taken = it;
    if (it->budget || f->cut) {
        memset(res, 0, sizeof *res);
        res->index = it->index;
        res->drop = "llm_budget";
        f->cut = true;
        f->st.budget_cut++;
        return 1;
    }
    int rc = fb_finish(f, it, res, err);
    return rc ? rc : 1;
}

const ts_fb_stats *ts_fb_get_stats(const ts_fb *f) { return &f->st; }

void ts_fb_free(ts_fb *f)
{
    if (!f)
        return;
    free_item(f->taken);
    for (fb_item *it = f->head, *next; it; it = next) {
        next = it->next;
        free_item(it);
    }
    ts_fb_binarizer_close(&f->bin);
    ts_buf_release(&f->req);
    free(f);
}
