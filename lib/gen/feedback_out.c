/* gen feedback's outputs for a finished prompt: its UltraFeedback row,
 * and its pairs (binarized through the ultrafeedback importer, or from
 * consistent pairwise verdicts). */
#include <stdio.h>
#include <string.h>

#include "feedback_int.h"

static const char *pair_id(fb_item *it, const char *suffix)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    int rc = it->id ? ts_buf_printf(&b, "feedback/%.*s%s", (int)it->idlen, it->id, suffix)
                    : ts_buf_printf(&b, "feedback/%llu%s", (unsigned long long)it->index, suffix);
    const char *s = rc ? NULL : ts_arena_dup(&it->arena, b.data, b.len + 1);
    ts_buf_release(&b);
    return s;
}

static const char *verdict_name(ts_fb_verdict v)
{
    return v == TS_FB_A ? "A" : v == TS_FB_B ? "B" : v == TS_FB_TIE ? "tie" : "none";
}

static int pairwise_pairs(ts_fb *f, fb_item *it, ts_fb_result *res, ts_err *err)
{
    it->out_pairs = ts_arena_alloc(&it->arena, (it->npairs + 1) * sizeof *it->out_pairs);
    if (!it->out_pairs)
        return ts_err_set(err, TS_ENOMEM, NULL);
    const char *src = f->o.source ? f->o.source : "feedback";
    for (size_t p = 0; p < it->npairs; p++) {
        const fb_pair *pp = &it->pairs[p];
        ts_fb_verdict v = ts_fb_consistent(pp->ab, pp->ba);
        if (!pp->ab || !pp->ba) {
            f->st.unparsed++;
            continue;
        }
        if (v == TS_FB_TIE) {
            f->st.ties++;
            continue;
        }
        if (!v) {
            f->st.inconsistent++;
            continue;
        }
        f->st.consistent++;
        char suffix[48];
        snprintf(suffix, sizeof suffix, "/%d-%d", pp->x + 1, pp->y + 1);
        const char *id = pair_id(it, suffix);
        const ts_fb_completion *w = &it->c[v == TS_FB_A ? pp->x : pp->y];
        const ts_fb_completion *l = &it->c[v == TS_FB_A ? pp->y : pp->x];
        ts_json *out;
        int rc = id ? ts_fb_build_pair(&it->jb, it->ins, it->ilen, w, l, id, src, it->source, it->slen,
                                       verdict_name(pp->ab), verdict_name(pp->ba), &out)
                    : TS_ENOMEM;
        if (rc)
            return ts_err_set(err, rc, NULL);
        it->out_pairs[res->n_pairs++] = out;
    }
    return 0;
}

/* Builds the finished head item's outputs. */
int fb_finish(ts_fb *f, fb_item *it, ts_fb_result *res, ts_err *err)
{
    memset(res, 0, sizeof *res);
    res->index = it->index;
    if (!it->nok) {
        res->drop = "completions_failed";
        return 0;
    }
    /* The row lists the completions that arrived, in completer order. */
    ts_fb_completion *cs = ts_arena_alloc(&it->arena, it->nok * sizeof *cs);
    if (!cs)
        return ts_err_set(err, TS_ENOMEM, NULL);
    for (size_t i = 0; i < it->nok; i++) {
        cs[i] = it->c[it->ok[i]];
        for (int a = 0; !f->o.pairwise && a < TS_FB_NASPECTS; a++)
            f->st.unrated += !cs[i].ratings[a].rating;
        if (f->o.critique) {
            f->st.critiques += cs[i].critique != NULL;
            f->st.no_critique += !cs[i].critique;
        }
    }
    ts_json *row;
    int rc = ts_fb_build_row(&it->jb, it->source, it->slen, it->id, it->idlen, it->ins, it->ilen, cs,
                             it->nok, !f->o.pairwise, &row);
    if (rc)
        return ts_err_set(err, rc, NULL);
    res->row = row;
    if (f->o.pairwise) {
        rc = pairwise_pairs(f, it, res, err);
    } else {
        const char *id = pair_id(it, "");
        ts_json *pair = NULL;
        rc = id ? ts_fb_binarize(&f->bin, row, id, f->o.source ? f->o.source : "feedback", &it->arena,
                                 &pair, &res->pair_drop, err)
                : ts_err_set(err, TS_ENOMEM, NULL);
        it->out_pairs = ts_arena_alloc(&it->arena, sizeof *it->out_pairs);
        if (!rc && pair && it->out_pairs) {
            it->out_pairs[0] = pair;
            res->n_pairs = 1;
        }
    }
    res->pairs = it->out_pairs;
    f->st.pairs += res->n_pairs;
    return rc;
}

