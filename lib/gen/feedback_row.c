/* gen feedback's output: rows in UltraFeedback's raw schema, pairs made
 * from them by the ultrafeedback importer's own binarization (through its
 * public ts_format vtable, so there is one rule and no copy of it), and
 * pairs from consistent pairwise verdicts. */
#include <stdio.h>
#include <string.h>

#include "tuneset/feedback.h"
#include "tuneset/format.h"
#include "tuneset/record.h"

static void jb_opt_str(ts_jb *b, const char *key, const char *s)
{
    ts_jb_key(b, key);
    if (s)
        ts_jb_cstr(b, s);
    else
        ts_jb_null(b);
}

int ts_fb_build_row(ts_jb *b, const char *source, size_t slen, const char *id, size_t idlen,
                    const char *ins, size_t ilen, const ts_fb_completion *c, size_t n, bool rated,
                    ts_json **out)
{
    ts_jb_object(b);
    ts_jb_key(b, "source");
    ts_jb_str(b, source, slen);
    ts_jb_key(b, "instruction");
    ts_jb_str(b, ins, ilen);
    ts_jb_key(b, "models");
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++)
        ts_jb_cstr(b, c[i].model ? c[i].model : "");
    ts_jb_end(b);
    ts_jb_key(b, "completions");
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++) {
        ts_jb_object(b);
        ts_jb_key(b, "model");
        ts_jb_cstr(b, c[i].model ? c[i].model : "");
        jb_opt_str(b, "principle", c[i].principle);
        jb_opt_str(b, "custom_system_prompt", c[i].system);
        ts_jb_key(b, "response");
        ts_jb_str(b, c[i].response, c[i].response_len);
        ts_jb_key(b, "annotations");
        ts_jb_object(b);
        int sum = 0, nr = 0;
        for (int a = 0; rated && a < TS_FB_NASPECTS; a++) {
            const ts_fb_rating *r = &c[i].ratings[a];
            char num[4] = {(char)('0' + r->rating), 0};
            ts_jb_key(b, ts_fb_aspects[a]);
            ts_jb_object(b);
            ts_jb_key(b, "Rating");
            if (r->rating)
                ts_jb_strdup(b, num, 1);
            else
                ts_jb_cstr(b, "N/A");
            ts_jb_key(b, "Rationale");
            ts_jb_str(b, r->rationale ? r->rationale : "", r->rationale ? r->rationale_len : 0);
            ts_jb_end(b);
            sum += r->rating;
            nr += r->rating > 0;
        }
        ts_jb_end(b);
        ts_jb_key(b, "fine-grained_score");
        if (rated && nr == TS_FB_NASPECTS)
            ts_jb_double(b, (double)sum / TS_FB_NASPECTS);
        else
            ts_jb_null(b);
        ts_jb_key(b, "overall_score");
        if (c[i].overall > 0)
            ts_jb_double(b, c[i].overall);
        else
            ts_jb_null(b);
        ts_jb_key(b, "critique");
        if (c[i].critique)
            ts_jb_str(b, c[i].critique, c[i].critique_len);
        else
            ts_jb_null(b);
        ts_jb_end(b);
    }
    ts_jb_end(b);
    if (id) {
        ts_jb_key(b, "id");
        ts_jb_str(b, id, idlen);
    }
    ts_jb_end(b);
    return ts_jb_finish(b, out);
}

/* --- binarization through the importer ---------------------------------- */

typedef struct {
    ts_arena *a;
    ts_json *pair;
    const char *rule;
    int err;
} capture;

static int cap_emit(void *ctx, const ts_json *rec)
{
    capture *c = ctx;
    if (c->pair)
        return 0; /* one pair a row: the importer emits one */
    c->pair = ts_json_clone(c->a, rec);
    if (!c->pair)
        c->err = TS_ENOMEM;
    return c->err;
}

static void cap_drop(void *ctx, const char *rule) { ((capture *)ctx)->rule = rule; }

static int cap_reject(void *ctx, const char *why)
{
    ((capture *)ctx)->rule = why;
    return 0;
}

static void cap_read(void *ctx) { (void)ctx; }
static void cap_drop_n(void *ctx, const char *rule, uint64_t n) { (void)n, cap_drop(ctx, rule); }

int ts_fb_binarizer_open(ts_fb_binarizer *z, const char *score, const char *rejected, uint64_t seed,
                         ts_err *err)
{
    memset(z, 0, sizeof *z);
    const ts_format *f = ts_format_find("ultrafeedback");
    if (!f)
        return ts_err_set(err, TS_ENOTSUP, "the ultrafeedback importer is not built in");
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.kind = TS_KIND_PREF;
    o.score = score ? score : "fine-grained";
    o.rejected = rejected;
    o.seed = seed;
    int rc = f->open(&z->state, &o, err);
    if (!rc)
        z->format = f;
    return rc;
}

int ts_fb_binarize(ts_fb_binarizer *z, const ts_json *row, const char *id, const char *source,
                   ts_arena *a, ts_json **pair, const char **rule, ts_err *err)
{
    const ts_format *f = z->format;
    capture c = {a, NULL, NULL, 0};
    ts_sink sink = {cap_emit, cap_drop, cap_reject, cap_read, cap_drop_n, &c, NULL};
    *pair = NULL;
    *rule = NULL;
    int rc = f->record(z->state, row, &sink, a, err);
    if (!rc && c.err)
        rc = ts_err_set(err, c.err, NULL);
    if (rc)
        return rc;
    if (!c.pair) {
        *rule = c.rule ? c.rule : "no_pair";
        return 0;
    }
    ts_json v = {.type = TS_JSON_STRING};
    v.u.s = id;
    v.len = (uint32_t)strlen(id);
    rc = ts_json_set(a, c.pair, "id", &v);
    v.u.s = source;
    v.len = (uint32_t)strlen(source);
    if (!rc)
        rc = ts_json_set(a, c.pair, "source", &v);
    if (rc)
        return ts_err_set(err, rc, NULL);
    *pair = c.pair;
    return 0;
}

void ts_fb_binarizer_close(ts_fb_binarizer *z)
{
    const ts_format *f = z->format;
    if (f)
        f->close(z->state);
    memset(z, 0, sizeof *z);
}

int ts_fb_build_pair(ts_jb *b, const char *ins, size_t ilen, const ts_fb_completion *win,
                     const ts_fb_completion *lose, const char *id, const char *source,
                     const char *row_source, size_t rslen, const char *ab, const char *ba,
                     ts_json **out)
{
    ts_jb_object(b);
    ts_jb_key(b, "prompt");
    ts_jb_array(b);
    ts_record_message(b, "user", ins, ilen);
    ts_jb_end(b);
    ts_jb_key(b, "chosen");
    ts_jb_array(b);
    ts_record_message(b, "assistant", win->response, win->response_len);
    ts_jb_end(b);
    ts_jb_key(b, "rejected");
    ts_jb_array(b);
    ts_record_message(b, "assistant", lose->response, lose->response_len);
    ts_jb_end(b);
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, source);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    if (row_source) {
        ts_jb_key(b, "source");
        ts_jb_str(b, row_source, rslen);
    }
    jb_opt_str(b, "chosen_model", win->model);
    jb_opt_str(b, "rejected_model", lose->model);
    ts_jb_key(b, "pairwise");
    ts_jb_object(b);
    ts_jb_key(b, "ab");
    ts_jb_cstr(b, ab);
    ts_jb_key(b, "ba");
    ts_jb_cstr(b, ba);
    ts_jb_end(b);
    ts_jb_end(b);
    ts_jb_end(b);
    return ts_jb_finish(b, out);
}
