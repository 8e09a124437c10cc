/* gen kwk's records: the SFT record (question -> the most informative
 * correct answer, or -> the refusal) and the preference pairs (refusal over
 * each confidently wrong answer; the best correct answer over each
 * incorrect one), every judgement kept in meta.kwk. */
#include <stdio.h>
#include <string.h>

#include "kwk_int.h"
#include "tuneset/record.h"

/* "kwk/<ref or index><suffix>" in the item's arena. */
static const char *make_id(kwk_item *it, const char *suffix)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)it->index);
    const char *base = it->ref ? it->ref : num;
    size_t n = 4 + strlen(base) + strlen(suffix) + 1;
    char *s = ts_arena_alloc(&it->arena, n);
    if (s)
        snprintf(s, n, "kwk/%s%s", base, suffix);
    return s;
}

static void jb_meta(ts_kwk *k, kwk_item *it, ts_jb *b, int chosen, int rejected)
{
    const ts_kwk_decision *d = &it->d;
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    ts_jb_key(b, "kwk");
    ts_jb_object(b);
    ts_jb_key(b, "class");
    ts_jb_cstr(b, ts_kwk_class_name(d->cls));
    if (it->ref) {
        ts_jb_key(b, "snippet_ref");
        ts_jb_cstr(b, it->ref);
    }
    if (k->o.keep_snippet) {
        ts_jb_key(b, "snippet");
        ts_jb_str(b, it->snippet, it->slen);
    }
    ts_jb_key(b, "judged");
    ts_jb_int(b, (int64_t)d->judged);
    ts_jb_key(b, "share_correct");
    ts_jb_double(b, d->share_correct);
    ts_jb_key(b, "share_confident_wrong");
    ts_jb_double(b, d->share_confident_wrong);
    ts_jb_key(b, "answers");
    ts_jb_array(b);
    for (size_t i = 0; i < k->o.samples; i++) {
        const kwk_answer *a = &it->ans[i];
        ts_jb_object(b);
        ts_jb_key(b, "correct");
        if (a->j.correct < 0)
            ts_jb_null(b);
        else
            ts_jb_bool(b, a->j.correct == 1);
        ts_jb_key(b, "informativeness");
        if (a->j.info)
            ts_jb_int(b, a->j.info);
        else
            ts_jb_null(b);
        if (!a->text) {
            ts_jb_key(b, "failed");
            ts_jb_bool(b, true);
        }
        ts_jb_end(b);
    }
    ts_jb_end(b);
    /* Which sides a record holds: answer indexes, -1 = the refusal. */
    if (chosen >= -1) {
        ts_jb_key(b, "chosen");
        if (chosen < 0)
            ts_jb_cstr(b, "refusal");
        else
            ts_jb_int(b, chosen);
    }
    if (rejected >= 0) {
        ts_jb_key(b, "rejected");
        ts_jb_int(b, rejected);
    }
    ts_jb_end(b);
    ts_jb_end(b);
}

static int sft(ts_kwk *k, kwk_item *it, const char *reply, size_t rlen, int chosen, ts_json **out)
{
    ts_jb *b = &it->jb;
    const char *id = make_id(it, "");
    if (!id)
        return TS_ENOMEM;
    ts_jb_object(b);
    ts_jb_key(b, "messages");
    ts_jb_array(b);
    ts_record_message(b, "user", it->q, it->qlen);
    ts_record_message(b, "assistant", reply, rlen);
    ts_jb_end(b);
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, "kwk");
    jb_meta(k, it, b, chosen, -1);
    ts_jb_end(b);
    return ts_jb_finish(b, out);
}

static int pair(ts_kwk *k, kwk_item *it, const char *win, size_t wlen, int chosen, int rejected,
                ts_json **out)
{
    ts_jb *b = &it->jb;
    char suffix[48];
    if (chosen < 0)
        snprintf(suffix, sizeof suffix, "/refusal-%d", rejected);
    else
        snprintf(suffix, sizeof suffix, "/%d-%d", chosen, rejected);
    const char *id = make_id(it, suffix);
    if (!id)
        return TS_ENOMEM;
    const kwk_answer *l = &it->ans[rejected];
    ts_jb_object(b);
    ts_jb_key(b, "prompt");
    ts_jb_array(b);
    ts_record_message(b, "user", it->q, it->qlen);
    ts_jb_end(b);
    ts_jb_key(b, "chosen");
    ts_jb_array(b);
    ts_record_message(b, "assistant", win, wlen);
    ts_jb_end(b);
    ts_jb_key(b, "rejected");
    ts_jb_array(b);
    ts_record_message(b, "assistant", l->text, l->len);
    ts_jb_end(b);
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, "kwk");
    jb_meta(k, it, b, chosen, rejected);
    ts_jb_end(b);
    return ts_jb_finish(b, out);
}

int kwk_finish(ts_kwk *k, kwk_item *it, ts_kwk_result *res, ts_err *err)
{
    memset(res, 0, sizeof *res);
    res->index = it->index;
    if (!it->q) {
        res->drop = "no_question";
        return 0;
    }
    size_t n = k->o.samples;
    it->out_pairs = ts_arena_alloc(&it->arena, (n + 1) * sizeof *it->out_pairs);
    if (!it->out_pairs)
        return ts_err_set(err, TS_ENOMEM, NULL);
    res->pairs = it->out_pairs;
    ts_json *rec;
    int rc = 0;
    switch (it->d.cls) {
    case TS_KWK_UNJUDGED:
        res->drop = "kwk_unjudged";
        return 0;
    case TS_KWK_CORRECT: {
        const kwk_answer *a = &it->ans[it->d.best];
        rc = sft(k, it, a->text, a->len, it->d.best, &rec);
        res->sft = rec;
        break;
    }
    case TS_KWK_WRONG:
        if (!it->refusal) {
            res->drop = "no_refusal";
            return 0;
        }
        rc = sft(k, it, it->refusal, it->rlen, -1, &rec);
        res->sft = rec;
        /* Refusal over each answer that was informative and incorrect. */
        for (size_t i = 0; !rc && i < n; i++) {
            const ts_kwk_answer *j = &it->ans[i].j;
            if (it->ans[i].text && j->correct == 0 && j->info >= k->o.th.informative_min) {
                rc = pair(k, it, it->refusal, it->rlen, -1, (int)i, &rec);
                it->out_pairs[res->n_pairs++] = rec;
            }
        }
        break;
    default:
        /* Mixed: the most informative correct answer over each incorrect one. */
        res->drop = "kwk_mixed";
        for (size_t i = 0; it->d.best >= 0 && !rc && i < n; i++)
            if (it->ans[i].text && it->ans[i].j.correct == 0 && it->ans[i].j.info) {
                const kwk_answer *w = &it->ans[it->d.best];
                rc = pair(k, it, w->text, w->len, it->d.best, (int)i, &rec);
                it->out_pairs[res->n_pairs++] = rec;
            }
        break;
    }
    if (rc)
        return ts_err_set(err, rc, NULL);
    k->st.sft += res->sft != NULL;
    k->st.pairs += res->n_pairs;
    return 0;
}
