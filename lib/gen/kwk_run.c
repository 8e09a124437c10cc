/* gen kwk as a state machine over ts_llm callbacks. Per snippet: the
 * question (re-asked with the next seed while unparseable), then K answers
 * from the model being tuned, then two judgements per answer (correctness
 * against the snippet, informativeness; each re-asked while unparseable),
 * then the decision, and for a consistently wrong snippet the refusal.
 * The last reply of a stage submits the next; snippets are taken in input
 * order so output bytes do not depend on reply timing. */
#include <stdlib.h>
#include <string.h>

#include "kwk_int.h"

enum { S_QUESTION, S_ANSWER, S_JUDGE, S_REFUSE };
enum { R_QUESTION, R_ANSWER, R_CORRECT, R_INFO, R_REFUSE };

typedef struct kwk_req {
    kwk_item *it;
    int kind, i;
    unsigned attempt;
} kwk_req;

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *r);

static const char *judge_model(const ts_kwk *k) { return k->o.judge_model ? k->o.judge_model : k->o.model; }

/* Builds and submits one request of the item; a build failure or a
 * refused submission (budget) is answered at once as a failed reply, so
 * every request gets exactly one callback. */
static void send(kwk_item *it, int kind, int i, unsigned attempt)
{
    ts_kwk *k = it->k;
    ts_err e = TS_ERR_INIT;
    uint64_t seed = k->o.seed + (kind == R_ANSWER ? (uint64_t)i : attempt);
    const ts_kwk_sampling *js = &k->o.judging, *as = &k->o.answering;
    k->req.len = 0;
    int rc;
    switch (kind) {
    case R_QUESTION:
        rc = ts_kwk_question_request(&k->req, judge_model(k), it->snippet, it->slen, seed, js);
        break;
    case R_ANSWER:
        rc = ts_kwk_answer_request(&k->req, k->o.model, it->q, it->qlen, seed, as);
        break;
    case R_CORRECT:
        rc = ts_kwk_correct_request(&k->req, judge_model(k), it->snippet, it->slen, it->q, it->qlen,
                                    it->ans[i].text, it->ans[i].len, seed, js);
        break;
    case R_INFO:
        rc = ts_kwk_informative_request(&k->req, judge_model(k), it->q, it->qlen, it->ans[i].text,
                                        it->ans[i].len, seed, js);
        break;
    default:
        rc = ts_kwk_refusal_request(&k->req, k->o.model, it->q, it->qlen, seed, as);
        break;
    }
    kwk_req *q = ts_arena_alloc(&it->arena, sizeof *q);
    it->pending++;
    if (q)
        *q = (kwk_req){it, kind, i, attempt};
    if (kind >= R_CORRECT && kind <= R_INFO)
        k->st.judgements++;
    int src = !q || rc ? 0 : ts_llm_submit(k->o.llm, k->req.data, k->req.len, 0, on_reply, q, &e);
    if (!q || rc || src) {
        ts_llm_reply fail;
        memset(&fail, 0, sizeof fail);
        fail.err.code = src ? src : rc ? rc : TS_ENOMEM;
        kwk_req local = {it, kind, i, k->o.reasks}; /* no re-ask of a refused request */
        on_reply(q ? q : &local, 0, &fail);
    }
}

static void next_stage(kwk_item *it)
{
    ts_kwk *k = it->k;
    size_t n = k->o.samples;
    switch (it->stage) {
    case S_QUESTION:
        if (!it->q)
            return;
        it->stage = S_ANSWER;
        for (size_t i = 0; i < n; i++)
            send(it, R_ANSWER, (int)i, 0);
        return;
    case S_ANSWER:
        it->stage = S_JUDGE;
        for (size_t i = 0; i < n; i++)
            if (it->ans[i].text) {
                send(it, R_CORRECT, (int)i, 0);
                send(it, R_INFO, (int)i, 0);
            }
        return;
    case S_JUDGE:
        for (size_t i = 0; i < n; i++)
            k->st.unjudged_answers += it->ans[i].text && (it->ans[i].j.correct < 0 || !it->ans[i].j.info);
        {
            ts_kwk_answer j[KWK_MAX_SAMPLES];
            for (size_t i = 0; i < n; i++)
                j[i] = it->ans[i].j;
            ts_kwk_decide(j, n, &k->o.th, &it->d);
        }
        k->st.cls[it->d.cls]++;
        if (it->d.cls != TS_KWK_WRONG)
            return;
        it->stage = S_REFUSE;
        send(it, R_REFUSE, 0, 0);
        return;
    default:
        return;
    }
}

static void release(kwk_item *it)
{
    if (--it->pending)
        return;
    /* Each stage is held while its requests go out, so one answered at once
     * (refused by a budget) cannot end the stage early; a stage whose
     * requests all ended at once passes straight to the next. */
    while (!it->budget) {
        int stage = it->stage;
        it->pending++;
        next_stage(it);
        if (--it->pending)
            return;
        if (it->stage == stage)
            break; /* no next stage: finished */
    }
    it->done = true;
}

static const char *dup_text(kwk_item *it, const ts_llm_reply *r, size_t *len)
{
    if (r->err.code != TS_OK || !r->n_choices || !r->choices[0].text || !r->choices[0].len)
        return NULL;
    *len = r->choices[0].len;
    return ts_arena_dup(&it->arena, r->choices[0].text, r->choices[0].len);
}

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *r)
{
    (void)tag;
    kwk_req *q = ctx;
    kwk_item *it = q->it;
    ts_kwk *k = it->k;
    bool ok = r->err.code == TS_OK && r->n_choices && r->choices[0].text;
    if (r->err.code == TS_EBUDGET) {
        /* Not a failure: the snippet is cut, and a rerun goes on from here. */
        it->budget = k->st.budget_hit = true;
        release(it);
        return;
    }
    bool again = false; /* re-ask: the reply came but could not be read */
    const char *text = ok ? r->choices[0].text : NULL;
    size_t len = ok ? r->choices[0].len : 0;
    switch (q->kind) {
    case R_QUESTION: {
        const char *s;
        size_t n;
        if (ok && !ts_kwk_parse_question(text, len, &it->arena, &s, &n)) {
            it->q = ts_arena_dup(&it->arena, s, n);
            it->qlen = n;
            k->st.questions++;
        } else
            again = ok;
        break;
    }
    case R_ANSWER:
        it->ans[q->i].text = dup_text(it, r, &it->ans[q->i].len);
        if (it->ans[q->i].text)
            k->st.answers++;
        else
            k->st.answers_failed++;
        break;
    case R_CORRECT: {
        int v = ok ? ts_kwk_parse_yesno(text, len, &it->arena) : -1;
        it->ans[q->i].j.correct = v;
        again = ok && v < 0;
        break;
    }
    case R_INFO: {
        int v = ok ? ts_kwk_parse_score(text, len, &it->arena) : 0;
        it->ans[q->i].j.info = v;
        again = ok && !v;
        break;
    }
    default:
        it->refusal = dup_text(it, r, &it->rlen);
        again = ok && !it->refusal;
        break;
    }
    if (again && q->attempt < k->o.reasks) {
        k->st.reasks++;
        send(it, q->kind, q->i, q->attempt + 1);
    } else if (q->kind == R_QUESTION && !it->q) {
        k->st.no_question++;
    } else if (q->kind == R_REFUSE) {
        k->st.refusals += it->refusal != NULL;
        k->st.refusals_failed += !it->refusal;
    }
    release(it);
}

ts_kwk *ts_kwk_new(const ts_kwk_opts *o, ts_err *err)
{
    if (!o->llm || !o->samples || o->samples > KWK_MAX_SAMPLES) {
        ts_err_set(err, TS_EINVAL, "gen kwk needs a client and 1 to %d samples", KWK_MAX_SAMPLES);
        return NULL;
    }
    if (o->th.correct_share <= 0.5 || o->th.correct_share > 1 || o->th.wrong_share <= 0.5 ||
        o->th.wrong_share > 1 || o->th.informative_min < 1 || o->th.informative_min > 5 ||
        o->th.min_judged > o->samples) {
        ts_err_set(err, TS_EINVAL,
                   "thresholds: shares must be in (0.5, 1], informative-min 1 to 5, min-judged at most K");
        return NULL;
    }
    ts_kwk *k = calloc(1, sizeof *k);
    if (!k) {
        ts_err_set(err, TS_ENOMEM, NULL);
        return NULL;
    }
    k->o = *o;
    ts_buf_init(&k->req, 0);
    return k;
}

int ts_kwk_add(ts_kwk *k, const char *snippet, size_t len, const char *ref, uint64_t index, ts_err *err)
{
    kwk_item *it = calloc(1, sizeof *it);
    if (!it)
        return ts_err_set(err, TS_ENOMEM, NULL);
    ts_arena_init(&it->arena);
    ts_jb_init(&it->jb, &it->arena);
    it->k = k;
    it->index = index;
    it->slen = len;
    it->snippet = ts_arena_dup(&it->arena, snippet, len);
    it->ref = ref ? ts_arena_dup(&it->arena, ref, strlen(ref) + 1) : NULL;
    it->ans = ts_arena_alloc(&it->arena, k->o.samples * sizeof *it->ans);
    if (!it->snippet || !it->ans || (ref && !it->ref)) {
        ts_arena_release(&it->arena);
        free(it);
        return ts_err_set(err, TS_ENOMEM, NULL);
    }
    for (size_t i = 0; i < k->o.samples; i++)
        it->ans[i] = (kwk_answer){NULL, 0, {-1, 0}};
    if (k->tail)
        k->tail->next = it;
    else
        k->head = it;
    k->tail = it;
    k->active++;
    it->pending = 1; /* held while the first request goes out */
    send(it, R_QUESTION, 0, 0);
    release(it);
    return 0;
}

size_t ts_kwk_active(const ts_kwk *k) { return k->active; }

int ts_kwk_step(ts_kwk *k, ts_err *err) { return ts_llm_pending(k->o.llm) ? ts_llm_step(k->o.llm, err) : 0; }

static void free_item(kwk_item *it)
{
    if (!it)
        return;
    ts_jb_release(&it->jb);
    ts_arena_release(&it->arena);
    free(it);
}

int ts_kwk_take(ts_kwk *k, ts_kwk_result *res, ts_err *err)
{
    free_item(k->taken);
    k->taken = NULL;
    kwk_item *it = k->head;
    if (!it || !it->done)
        return 0;
    k->head = it->next;
    if (!k->head)
        k->tail = NULL;
    k->active--;
    k->taken = it;
    if (it->budget || k->cut) {
        memset(res, 0, sizeof *res);
        res->index = it->index;
        res->drop = "llm_budget";
        k->cut = true;
        k->st.budget_cut++;
        return 1;
    }
    int rc = kwk_finish(k, it, res, err);
    return rc ? rc : 1;
}

const ts_kwk_stats *ts_kwk_get_stats(const ts_kwk *k) { return &k->st; }

void ts_kwk_free(ts_kwk *k)
{
    if (!k)
        return;
    free_item(k->taken);
    for (kwk_item *it = k->head, *next; it; it = next) {
        next = it->next;
        free_item(it);
    }
    ts_buf_release(&k->req);
    free(k);
}
