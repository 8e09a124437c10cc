/* The model-backed steps of s1K's funnel: weak models answer each
 * question (difficulty), a judge or math equivalence decides whether they
 * got it right, and a labeller names each remaining question's domain.
 * Replies arrive out of order; results go into the question's slots, so
 * the caller's output order never depends on timing. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/select.h"

typedef struct {
    ts_select_q *qs;
    size_t n;
    const ts_select_models *m;
    ts_select_model_counts *c;
    char **cand;   /* [n * n_weak]: weak answers awaiting the judge */
    size_t *clen;
    ts_buf req, text;
    ts_arena a;
} sel_ctx;

/* template with {question} / {reference} / {candidate} replaced. */
static int fill(ts_buf *out, const char *tpl, const char *q, size_t ql, const char *r, size_t rl,
                const char *c, size_t cl)
{
    out->len = 0;
    int rc = 0;
    for (const char *p = tpl; *p && !rc;) {
        const char *val = NULL;
        size_t vl = 0, skip = 0;
        if (!strncmp(p, "{question}", 10))
            val = q, vl = ql, skip = 10;
        else if (!strncmp(p, "{reference}", 11))
            val = r, vl = rl, skip = 11;
        else if (!strncmp(p, "{candidate}", 11))
            val = c, vl = cl, skip = 11;
        if (skip) {
            rc = ts_buf_append(out, val ? val : "", val ? vl : 0);
            p += skip;
        } else {
            rc = ts_buf_putc(out, *p++);
        }
    }
    return rc;
}

/* {"model":..., "messages":[{"role":"user","content":text}], params, "seed":S} */
static int request(sel_ctx *x, const char *model, const char *text, size_t len)
{
    ts_arena_reset(&x->a);
    ts_jb b;
    ts_jb_init(&b, &x->a);
    ts_jb_object(&b);
    if (model) {
        ts_jb_key(&b, "model");
        ts_jb_cstr(&b, model);
    }
    ts_jb_key(&b, "messages");
    ts_jb_array(&b);
    ts_jb_object(&b);
    ts_jb_key(&b, "role");
    ts_jb_cstr(&b, "user");
    ts_jb_key(&b, "content");
    ts_jb_str(&b, text, len);
    ts_jb_end(&b);
    ts_jb_end(&b);
    if (x->m->params)
        x->m->params(x->m->params_ctx, &b);
    ts_jb_key(&b, "seed");
    ts_jb_int(&b, (int64_t)(x->m->seed & 0x7fffffffffffffffull));
    ts_jb_end(&b);
    ts_json *v;
    int rc = ts_jb_finish(&b, &v);
    ts_jb_release(&b);
    x->req.len = 0;
    return rc ? rc : ts_json_write(&x->req, v);
}

static int submit(sel_ctx *x, ts_llm *c, uint64_t tag, ts_llm_done_fn fn, ts_err *err)
{
    int rc = ts_llm_submit(c, x->req.data, x->req.len, tag, fn, x, err);
    if (rc == TS_EBUDGET) {
        x->c->budget_refused++;
        return 1; /* not sent: the caller marks the slot unknown */
    }
    return rc;
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

static void on_weak(void *ctx, uint64_t tag, const ts_llm_reply *rep)
{
    sel_ctx *x = ctx;
    size_t nw = x->m->n_weak, i = tag / nw, w = tag % nw;
    ts_select_q *q = &x->qs[i];
    q->weak[w] = -1;
    if (rep->err.code || !rep->n_choices) {
        x->c->weak_failed++;
        return;
    }
    x->c->weak_answers++;
    const char *t = rep->choices[0].text;
    size_t tl = rep->choices[0].len;
    if (x->m->judge_model) {
        /* The judge sees the final answer when one can be found, else
         * the reply's end (where answers usually are). */
        const char *a;
        size_t al;
        if (!ts_math_answer(t, tl, &a, &al)) {
            a = tl > 2000 ? t + tl - 2000 : t;
            al = tl > 2000 ? 2000 : tl;
        }
        x->cand[tag] = dup_n(a, al);
        x->clen[tag] = al;
        return;
    }
    int ok = ts_math_reply_correct(t, tl, q->ref, q->rlen);
    if (ok < 0)
        x->c->weak_no_answer++;
    q->weak[w] = (signed char)ok;
}

static void on_judge(void *ctx, uint64_t tag, const ts_llm_reply *rep)
{
    sel_ctx *x = ctx;
    ts_select_q *q = &x->qs[tag / x->m->n_weak];
    signed char *slot = &q->weak[tag % x->m->n_weak];
    if (rep->err.code || !rep->n_choices) {
        x->c->judge_failed++;
        return;
    }
    x->c->judged++;
    int v = ts_select_parse_yesno(rep->choices[0].text, rep->choices[0].len);
    if (v < 0)
        x->c->judge_unparseable++;
    *slot = (signed char)v;
}

static void ctx_init(sel_ctx *x, ts_select_q *qs, size_t n, const ts_select_models *m, ts_select_model_counts *c)
{
    memset(x, 0, sizeof *x);
    x->qs = qs;
    x->n = n;
    x->m = m;
    x->c = c;
    ts_buf_init(&x->req, 0);
    ts_buf_init(&x->text, 0);
    ts_arena_init(&x->a);
}

static void ctx_release(sel_ctx *x)
{
    if (x->cand)
        for (size_t k = 0; k < x->n * x->m->n_weak; k++)
            free(x->cand[k]);
    free(x->cand);
    free(x->clen);
    ts_buf_release(&x->req);
    ts_buf_release(&x->text);
    ts_arena_release(&x->a);
}

/* Runs every distinct client among the weak ones until idle. */
static int run_weak(const ts_select_models *m, ts_err *err)
{
    for (size_t w = 0; w < m->n_weak; w++) {
        bool seen = false;
        for (size_t k = 0; k < w; k++)
            seen |= m->weak[k] == m->weak[w];
        int rc = seen ? 0 : ts_llm_run(m->weak[w], err);
        if (rc)
            return rc;
    }
    return 0;
}

int ts_select_difficulty(ts_select_q *qs, size_t n, const ts_select_models *m, ts_select_model_counts *c,
                         ts_err *err)
{
    size_t nw = m->n_weak;
    for (size_t i = 0; i < n; i++) {
        for (size_t w = 0; w < nw; w++)
            qs[i].weak[w] = -1;
        qs[i].solved = false;
    }
    if (!nw || !n)
        return 0;
    sel_ctx x;
    ctx_init(&x, qs, n, m, c);
    int rc = 0;
    if (m->judge_model) {
        x.cand = calloc(n * nw, sizeof *x.cand);
        x.clen = calloc(n * nw, sizeof *x.clen);
        if (!x.cand || !x.clen)
            rc = ts_err_set(err, TS_ENOMEM, NULL);
    }
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t w = 0; w < nw && !rc; w++) {
            rc = request(&x, m->weak_model[w], qs[i].question, qs[i].qlen);
            if (!rc && submit(&x, m->weak[w], i * nw + w, on_weak, err) < 0)
                rc = err && err->code ? err->code : TS_EINVAL;
        }
    if (!rc)
        rc = run_weak(m, err);
    if (!rc && m->judge_model) {
        for (size_t k = 0; k < n * nw && !rc; k++) {
            if (!x.cand[k])
                continue;
            ts_select_q *q = &qs[k / nw];
            rc = fill(&x.text, m->judge_prompt ? m->judge_prompt : TS_SELECT_JUDGE_PROMPT, q->question, q->qlen, q->ref, q->rlen, x.cand[k],
                      x.clen[k]);
            if (!rc)
                rc = request(&x, m->judge_model, x.text.data, x.text.len);
            if (!rc && submit(&x, m->main, k, on_judge, err) < 0)
                rc = err && err->code ? err->code : TS_EINVAL;
        }
        if (!rc)
            rc = ts_llm_run(m->main, err);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t w = 0; w < nw; w++)
            qs[i].solved |= qs[i].weak[w] == 1;
    ctx_release(&x);
    return rc;
}

static void on_label(void *ctx, uint64_t tag, const ts_llm_reply *rep)
{
    sel_ctx *x = ctx;
    ts_select_q *q = &x->qs[tag];
    if (rep->err.code || !rep->n_choices) {
        x->c->label_failed++;
        return;
    }
    x->c->labelled++;
    q->domain = ts_select_parse_msc(rep->choices[0].text, rep->choices[0].len);
    if (q->domain < 0)
        x->c->label_unknown++;
}

int ts_select_label(ts_select_q *qs, size_t n, const ts_select_models *m, ts_select_model_counts *c,
                    ts_err *err)
{
    sel_ctx x;
    ctx_init(&x, qs, n, m, c);
    const char *tpl = m->label_prompt ? m->label_prompt : TS_SELECT_LABEL_PROMPT;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        qs[i].domain = -1;
        if (qs[i].solved)
            continue;
        rc = fill(&x.text, tpl, qs[i].question, qs[i].qlen, NULL, 0, NULL, 0);
        if (!rc)
            rc = request(&x, m->label_model, x.text.data, x.text.len);
        if (!rc && submit(&x, m->main, i, on_label, err) < 0)
            rc = err && err->code ? err->code : TS_EINVAL;
    }
    if (!rc)
        rc = ts_llm_run(m->main, err);
    ctx_release(&x);
    return rc;
}
