/* UltraFeedback, in its two editions.
 *
 * Raw rows (openbmb/UltraFeedback): {source, instruction, models,
 * completions: [{model, response, annotations: {instruction_following,
 * honesty, truthfulness, helpfulness: {Rating, Rationale, ...}},
 * overall_score, fine-grained_score, critique, ...}]} are binarized here:
 *   - a completion's score is the mean of its numeric aspect ratings
 *     (Ratings are strings; "N/A" is left out) [--score overall |
 *     fine-grained | an aspect name]. A completion with no numeric score,
 *     or with an empty response, takes no part.
 *   - chosen = the best score, the first in order on ties;
 *   - rejected = among the completions scoring strictly lower, a seeded
 *     random pick [--rejected worst: the lowest, first on ties]. The pick
 *     for a row depends only on --seed and the row number, so it does not
 *     change with batching.
 *   Drops: source_dropped [--drop-source LIST], empty_instruction,
 *   fewer_than_two_scored, no_lower_score (all scores equal).
 *   meta: source, chosen_model, rejected_model, chosen_ratings and
 *   rejected_ratings (aspect -> rating, null for "N/A").
 *
 * Binarized rows (HuggingFaceH4/ultrafeedback_binarized): {prompt,
 * prompt_id, chosen: [msgs], rejected: [msgs], score_chosen,
 * score_rejected, messages} import as they are; chosen / rejected repeat
 * the user turn, so the turns both share (up to a user turn) become the
 * prompt and the sides keep only what follows.
 *
 * --kind sft writes the chosen conversation as {messages}, after the same
 * choice, so the SFT records are exactly the chosen sides of the pairs.
 * id "ultrafeedback/<prompt_id>", or "ultrafeedback/<row>" for raw rows,
 * row counted from 0 over all the files of one run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"

enum { SC_MEAN, SC_OVERALL, SC_FINE, SC_ASPECT };

static const char *const ASPECTS[] = {"instruction_following", "honesty", "truthfulness",
                                      "helpfulness"};
#define NASPECTS (sizeof ASPECTS / sizeof *ASPECTS)

typedef struct {
    int mode;
    const char *aspect; /* SC_ASPECT: one of ASPECTS */
    bool worst, sft;
    char *drop_source; /* comma list without spaces, or NULL */
    uint64_t seed, row;
    fmt_msg *buf; /* binarized: both conversations */
    size_t cap;
    ts_jb jb;
} uf_state;

typedef struct {
    const ts_json *c;
    double score;
} cand;

/* A rating: a JSON number or a numeric string ("4"); false for "N/A". */
static bool num_of(const ts_json *v, double *out)
{
    if (ts_json_is(v, TS_JSON_NUMBER))
        return !ts_json_double(v, out);
    if (!ts_json_is(v, TS_JSON_STRING) || !v->len || v->len > 40)
        return false;
    char tmp[48], *end;
    memcpy(tmp, v->u.s, v->len);
    tmp[v->len] = 0;
    *out = strtod(tmp, &end);
    while (*end == ' ')
        end++;
    return end != tmp && !*end && isfinite(*out);
}

/* annotations[aspect].Rating; the aspect may also be a one-element list. */
static bool aspect_rating(const ts_json *ann, const char *aspect, double *out)
{
    const ts_json *a = ts_json_get(ann, aspect);
    if (ts_json_is(a, TS_JSON_ARRAY))
        a = ts_json_at(a, 0);
    return num_of(ts_json_get(a, "Rating"), out);
}

static bool completion_score(const uf_state *st, const ts_json *c, double *out)
{
    const ts_json *ann = ts_json_get(c, "annotations");
    switch (st->mode) {
    case SC_OVERALL:
        return num_of(ts_json_get(c, "overall_score"), out);
    case SC_FINE:
        return num_of(ts_json_get(c, "fine-grained_score"), out);
    case SC_ASPECT:
        return aspect_rating(ann, st->aspect, out);
    default: {
        double sum = 0, r;
        int n = 0;
        for (size_t i = 0; i < NASPECTS; i++)
            if (aspect_rating(ann, ASPECTS[i], &r)) {
                sum += r;
                n++;
            }
        *out = n ? sum / n : 0;
        return n > 0;
    }
    }
}

static void jb_ratings(ts_jb *b, const char *key, const ts_json *c)
{
    const ts_json *ann = ts_json_get(c, "annotations");
    ts_jb_key(b, key);
    ts_jb_object(b);
    for (size_t i = 0; i < NASPECTS; i++) {
        if (!ts_json_get(ann, ASPECTS[i]))
            continue;
        double r;
        ts_jb_key(b, ASPECTS[i]);
        if (aspect_rating(ann, ASPECTS[i], &r))
            ts_jb_double(b, r);
        else
            ts_jb_null(b);
    }
    ts_jb_end(b);
}

static void jb_model(ts_jb *b, const char *key, const ts_json *c)
{
    const ts_json *m = fmt_str(c, "model");
    if (m) {
        ts_jb_key(b, key);
        ts_jb_value(b, m);
    }
}

static void jb_id(ts_jb *b, const ts_json *own, uint64_t row)
{
    const char *s = NULL;
    size_t n = 0;
    bool has = fmt_own_id(own, &s, &n);
    fmt_jb_id_source(b, "ultrafeedback", has ? s : NULL, n, row);
}

static int raw_record(uf_state *st, const ts_json *in, uint64_t row, ts_sink *sink, ts_arena *a,
                      ts_err *err)
{
    const char *why = NULL;
    const ts_json *ins = fmt_req_str(in, "instruction", a, &why);
    if (!ins)
        return fmt_reject(sink, why);
    const ts_json *comps = ts_json_get(in, "completions");
    if (!ts_json_is(comps, TS_JSON_ARRAY))
        return fmt_reject(sink, "field 'completions' must be an array");
    for (uint32_t i = 0; i < comps->len; i++)
        if (!fmt_str(&comps->u.items[i], "response"))
            return fmt_reject(sink, "every completion needs a string 'response'");
    const ts_json *src = fmt_str(in, "source");
    if (src && fmt_list_has(st->drop_source, src->u.s, src->len))
        return fmt_drop(sink, "source_dropped");
    if (!ins->len)
        return fmt_drop(sink, "empty_instruction");

    cand *cs = ts_arena_alloc(a, (comps->len + 1) * sizeof *cs);
    if (!cs)
        return ts_err_set(err, TS_ENOMEM, NULL);
    size_t n = 0, best = 0, nlower = 0;
    for (uint32_t i = 0; i < comps->len; i++) {
        const ts_json *c = &comps->u.items[i];
        double s;
        if (!fmt_str(c, "response")->len || !completion_score(st, c, &s))
            continue;
        if (n && s > cs[best].score)
            best = n;
        cs[n++] = (cand){c, s};
    }
    if (n < 2)
        return fmt_drop(sink, "fewer_than_two_scored");
    size_t pick = n;
    for (size_t i = 0; i < n; i++)
        if (cs[i].score < cs[best].score) {
            nlower++;
            if (pick == n || cs[i].score < cs[pick].score)
                pick = i;
        }
    if (!nlower)
        return fmt_drop(sink, "no_lower_score");
    if (!st->worst) {
        uint64_t k = fmt_mix64(st->seed, row) % nlower;
        for (size_t i = 0; i < n; i++)
            if (cs[i].score < cs[best].score && !k--) {
                pick = i;
                break;
            }
    }
    const cand *ch = &cs[best], *rj = &cs[pick];
    const ts_json *chr = fmt_str(ch->c, "response"), *rjr = fmt_str(rj->c, "response");
    fmt_msg m[3] = {{"user", ins->u.s, ins->len, NULL, 0},
                    {"assistant", chr->u.s, chr->len, NULL, 0},
                    {"assistant", rjr->u.s, rjr->len, NULL, 0}};

    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    if (st->sft) {
        fmt_jb_messages(b, m, 2);
    } else {
        fmt_jb_msg_list(b, "prompt", &m[0], 1);
        fmt_jb_msg_list(b, "chosen", &m[1], 1);
        fmt_jb_msg_list(b, "rejected", &m[2], 1);
        ts_jb_key(b, "score_chosen");
        ts_jb_double(b, ch->score);
        ts_jb_key(b, "score_rejected");
        ts_jb_double(b, rj->score);
    }
    jb_id(b, NULL, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    if (src) {
        ts_jb_key(b, "source");
        ts_jb_value(b, src);
    }
    if (st->sft) {
        jb_model(b, "model", ch->c);
        ts_jb_key(b, "score");
        ts_jb_double(b, ch->score);
        jb_ratings(b, "ratings", ch->c);
    } else {
        jb_model(b, "chosen_model", ch->c);
        jb_model(b, "rejected_model", rj->c);
        jb_ratings(b, "chosen_ratings", ch->c);
        jb_ratings(b, "rejected_ratings", rj->c);
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

/* Reads a message list into out; NULL, or the reject reason. */
static const char *read_msgs(const ts_json *arr, const char *field, fmt_msg *out, ts_arena *a)
{
    static const char *const roles[] = {"system", "user", "assistant"};
    for (uint32_t i = 0; i < arr->len; i++) {
        const ts_json *m = &arr->u.items[i], *role = fmt_str(m, "role"), *content = fmt_str(m, "content");
        size_t r = 0;
        while (r < 3 && !ts_json_str_eq(role, roles[r]))
            r++;
        const char *why = NULL;
        if (r == 3)
            why = fmt_printf(a, "%s[%u].role: missing or not system, user or assistant", field, i);
        else if (!content)
            why = fmt_printf(a, "%s[%u].content: missing or not a string", field, i);
        if (r == 3 || !content)
            return why ? why : "malformed message";
        out[i] = (fmt_msg){roles[r], content->u.s, content->len, NULL, 0};
    }
    return NULL;
}

static bool same_msgs(const fmt_msg *x, const fmt_msg *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(x[i].role, y[i].role) || x[i].len != y[i].len || memcmp(x[i].s, y[i].s, x[i].len))
            return false;
    return true;
}

static int binarized_record(uf_state *st, const ts_json *in, uint64_t row, ts_sink *sink,
                            ts_arena *a, ts_err *err)
{
    const ts_json *cj = ts_json_get(in, "chosen"), *rj = ts_json_get(in, "rejected");
    const ts_json *prompt = fmt_str(in, "prompt");
    const ts_json *sc = ts_json_get(in, "score_chosen"), *sr = ts_json_get(in, "score_rejected");
    if ((sc && !ts_json_is(sc, TS_JSON_NUMBER) && !ts_json_is(sc, TS_JSON_NULL)) ||
        (sr && !ts_json_is(sr, TS_JSON_NUMBER) && !ts_json_is(sr, TS_JSON_NULL)))
        return fmt_reject(sink, "score_chosen / score_rejected must be numbers");
    /* Layout in buf: [user prompt] chosen... [user prompt] rejected... so
     * each conversation is one contiguous run with its prompt. */
    size_t need = (size_t)cj->len + rj->len + 2;
    if (need > st->cap) {
        fmt_msg *v = realloc(st->buf, need * sizeof *v);
        if (!v)
            return ts_err_set(err, TS_ENOMEM, NULL);
        st->buf = v;
        st->cap = need;
    }
    fmt_msg *c = st->buf + 1, *r = st->buf + cj->len + 2;
    const char *why = read_msgs(cj, "chosen", c, a);
    if (!why)
        why = read_msgs(rj, "rejected", r, a);
    if (why)
        return fmt_reject(sink, why);
    size_t k = fmt_pref_split(c, cj->len, r, rj->len);
    size_t nc = cj->len - k, nr = rj->len - k;
    if (!k) {
        if (!prompt)
            return fmt_reject(sink, "no user turn shared by chosen and rejected, and no 'prompt'");
        c[-1] = r[-1] = (fmt_msg){"user", prompt->u.s, prompt->len, NULL, 0};
        c--, r--, k = 1;
    }
    if (!nc || !nr)
        return fmt_drop(sink, "empty_response");
    if (nc == nr && same_msgs(c + k, r + k, nc))
        return fmt_drop(sink, "identical");
    const char *rule = fmt_msgs_problem(c, k + nc);
    if (!rule)
        rule = fmt_msgs_problem(r, k + nr);
    if (rule)
        return fmt_drop(sink, rule);

    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    if (st->sft) {
        fmt_jb_messages(b, c, k + nc);
    } else {
        fmt_jb_msg_list(b, "prompt", c, k);
        fmt_jb_msg_list(b, "chosen", c + k, nc);
        fmt_jb_msg_list(b, "rejected", r + k, nr);
        if (sc) {
            ts_jb_key(b, "score_chosen");
            ts_jb_value(b, sc);
        }
        if (sr) {
            ts_jb_key(b, "score_rejected");
            ts_jb_value(b, sr);
        }
    }
    jb_id(b, ts_json_get(in, "prompt_id"), row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    if (st->sft && sc) {
        ts_jb_key(b, "score");
        ts_jb_value(b, sc);
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static bool is_binarized(const ts_json *in)
{
    return ts_json_is(ts_json_get(in, "chosen"), TS_JSON_ARRAY) &&
           ts_json_is(ts_json_get(in, "rejected"), TS_JSON_ARRAY);
}

static int uf_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    uf_state *st = state;
    uint64_t row = st->row++;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    if (is_binarized(in))
        return binarized_record(st, in, row, sink, a, err);
    if (!ts_json_get(in, "completions") && (ts_json_get(in, "chosen") || ts_json_get(in, "rejected")))
        return fmt_reject(sink, "binarized rows need 'chosen' and 'rejected' message lists");
    return raw_record(st, in, row, sink, a, err);
}

static int uf_detect(const ts_json *first)
{
    if (ts_json_is(ts_json_get(first, "completions"), TS_JSON_ARRAY))
        return ts_json_get(first, "instruction") ? 95 : 60;
    if (is_binarized(first) && fmt_str(first, "prompt"))
        return ts_json_get(first, "prompt_id") || ts_json_get(first, "score_chosen") ? 95 : 70;
    return 0;
}

static int uf_open(void **state, const ts_import_opts *o, ts_err *err)
{
    int mode = SC_MEAN;
    const char *aspect = NULL;
    if (o->score && strcmp(o->score, "mean")) {
        if (!strcmp(o->score, "overall"))
            mode = SC_OVERALL;
        else if (!strcmp(o->score, "fine-grained"))
            mode = SC_FINE;
        for (size_t i = 0; i < NASPECTS && mode == SC_MEAN; i++)
            if (!strcmp(o->score, ASPECTS[i])) {
                mode = SC_ASPECT;
                aspect = ASPECTS[i];
            }
        if (mode == SC_MEAN)
            return ts_err_set(err, TS_EINVAL,
                              "ultrafeedback: --score must be mean, overall, fine-grained, "
                              "instruction_following, honesty, truthfulness or helpfulness (not '%s')",
                              o->score);
    }
    if (o->rejected && strcmp(o->rejected, "random") && strcmp(o->rejected, "worst"))
        return ts_err_set(err, TS_EINVAL, "ultrafeedback: --rejected must be random or worst (not '%s')",
                          o->rejected);
    uf_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    st->mode = mode;
    st->aspect = aspect;
    st->worst = o->rejected && !strcmp(o->rejected, "worst");
    st->sft = o->kind == TS_KIND_SFT;
    st->seed = o->seed;
    if (o->drop_source) {
        /* "truthful_qa, flan" works as well as "truthful_qa,flan". */
        char *d = st->drop_source = malloc(strlen(o->drop_source) + 1);
        if (!d) {
            free(st);
            return ts_err_set(err, TS_ENOMEM, NULL);
        }
        for (const char *s = o->drop_source; *s; s++)
            if (*s != ' ')
                *d++ = *s;
        *d = 0;
    }
    *state = st;
    return 0;
}

static void uf_close(void *state)
{
    uf_state *st = state;
    if (!st)
        return;
    free(st->drop_source);
    free(st->buf);
    ts_jb_release(&st->jb);
    free(st);
}

const ts_format ts_format_ultrafeedback = {
    .name = "ultrafeedback",
    .summary = "UltraFeedback raw {instruction, completions} (binarized here) or binarized pairs",
    .kinds = "pref,sft",
    .options = "score,rejected,drop-source,seed",
    .detect = uf_detect,
    .open = uf_open,
    .record = uf_record,
    .close = uf_close,
};
