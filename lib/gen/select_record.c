/* Reading the parts of a pool record gen select needs, and writing what
 * it decided into the record's meta. */
#include <stdio.h>

#include "tuneset/select.h"

const char *ts_select_read(const ts_json *rec, ts_select_fields *f, bool *not_sft)
{
    *not_sft = false;
    f->question = f->answer = f->trace = f->reference = NULL;
    const ts_json *ms = ts_json_get(rec, "messages");
    if (!ts_json_is(ms, TS_JSON_ARRAY)) {
        *not_sft = true;
        return "missing_field";
    }
    for (uint32_t i = 0; i < ms->len; i++) {
        const ts_json *m = &ms->u.items[i], *role = ts_json_get(m, "role");
        const ts_json *c = ts_json_get(m, "content");
        if (!f->question && ts_json_str_eq(role, "user") && ts_json_is(c, TS_JSON_STRING))
            f->question = c;
        if (ts_json_str_eq(role, "assistant")) {
            const ts_json *t = ts_json_get(m, "reasoning_content");
            f->answer = ts_json_is(c, TS_JSON_STRING) ? c : NULL;
            f->trace = ts_json_is(t, TS_JSON_STRING) ? t : NULL;
        }
    }
    if (!f->question || !f->question->len || !f->answer || !f->answer->len || !f->trace || !f->trace->len)
        return "missing_field";
    const ts_json *texts[3] = {f->question, f->answer, f->trace};
    for (int i = 0; i < 3; i++) {
        const char *why = ts_select_quality(texts[i]->u.s, texts[i]->len);
        if (why)
            return why;
    }
    const ts_json *sol = ts_json_get(ts_json_get(rec, "meta"), "solution");
    f->reference = ts_json_is(sol, TS_JSON_STRING) && sol->len ? sol : f->answer;
    return NULL;
}

int ts_select_annotate(ts_arena *a, ts_json *rec, const ts_select_q *q, const char *const *weak_models,
                       size_t n_weak, uint64_t trace_len, int round, bool labelled)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    ts_jb_key(&b, "domain");
    char code[8];
    snprintf(code, sizeof code, "%02d", q->domain >= 0 && q->domain < 100 ? q->domain : 0);
    if (!labelled)
        ts_jb_null(&b);
    else
        ts_jb_strdup(&b, q->domain >= 0 ? code : "unknown", q->domain >= 0 ? 2 : 7);
    const char *name = ts_select_msc_name(q->domain);
    if (labelled && name) {
        ts_jb_key(&b, "domain_name");
        ts_jb_cstr(&b, name);
    }
    ts_jb_key(&b, "trace_length");
    ts_jb_int(&b, (int64_t)trace_len);
    ts_jb_key(&b, "round");
    ts_jb_int(&b, round);
    ts_jb_key(&b, "weak");
    ts_jb_array(&b);
    for (size_t w = 0; w < n_weak; w++) {
        ts_jb_object(&b);
        ts_jb_key(&b, "model");
        ts_jb_cstr(&b, weak_models[w]);
        ts_jb_key(&b, "correct");
        if (q->weak[w] < 0)
            ts_jb_null(&b);
        else
            ts_jb_bool(&b, q->weak[w] == 1);
        ts_jb_end(&b);
    }
    ts_jb_end(&b);
    ts_jb_end(&b);
    ts_json *sel;
    int rc = ts_jb_finish(&b, &sel);
    ts_jb_release(&b);
    if (rc)
        return rc;
    ts_json *meta = (ts_json *)ts_json_get(rec, "meta");
    if (!ts_json_is(meta, TS_JSON_OBJECT)) {
        ts_json empty = {.type = TS_JSON_OBJECT};
        if ((rc = ts_json_set(a, rec, "meta", &empty)))
            return rc;
        meta = (ts_json *)ts_json_get(rec, "meta");
    }
    return ts_json_set(a, meta, "select", sel);
}
