/* PII over a record: which strings are text, redaction in place, and the
 * meta.pii report. Redacted strings are copied into the record's arena so
 * the tree stays self-contained. */
#include <string.h>

#include "tuneset/curate_pii.h"
#include "tuneset/error.h"

typedef struct {
    ts_pii_mode mode;
    ts_arena *a;
    ts_pii_result *res;
    ts_buf tmp;
    bool have_first;
} walk;

static int scan_string(walk *w, ts_json *v)
{
    if (!v || v->type != TS_JSON_STRING)
        return 0;
    ts_pii_match m;
    if (!ts_pii_next(v->u.s, v->len, 0, &m))
        return 0; /* the common case: no copy, no counting pass */
    if (!w->have_first) {
        w->res->first = m.type;
        w->have_first = true;
    }
    w->tmp.len = 0;
    size_t k = ts_pii_scan(v->u.s, v->len, w->res->counts, w->mode == TS_PII_REDACT ? &w->tmp : NULL);
    if (k == (size_t)-1)
        return TS_ENOMEM;
    w->res->total += k;
    if (w->mode != TS_PII_REDACT)
        return 0;
    if (w->tmp.len > UINT32_MAX)
        return TS_ENOMEM;
    char *p = ts_arena_dup(w->a, w->tmp.len ? w->tmp.data : "", w->tmp.len);
    if (!p)
        return TS_ENOMEM;
    v->u.s = p;
    v->len = (uint32_t)w->tmp.len;
    /* Placeholders need no escaping, so the flag stays what it was. */
    return 0;
}

/* A turn list (array of {role, content} or of strings) or one string. */
static int scan_turns(walk *w, ts_json *v)
{
    if (!v)
        return 0;
    if (v->type == TS_JSON_STRING)
        return scan_string(w, v);
    if (v->type != TS_JSON_ARRAY)
        return 0;
    for (uint32_t i = 0; i < v->len; i++) {
        ts_json *t = &v->u.items[i];
        int rc = t->type == TS_JSON_OBJECT ? scan_string(w, (ts_json *)ts_json_get(t, "content"))
                                           : scan_string(w, t);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_report(ts_json *rec, ts_arena *a, const ts_pii_result *res)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    for (int t = 0; t < TS_PII_NTYPES; t++)
        if (res->counts[t]) {
            ts_jb_key(&b, ts_pii_type_name((ts_pii_type)t));
            ts_jb_int(&b, (int64_t)res->counts[t]);
        }
    ts_jb_end(&b);
    ts_json *pii;
    int rc = ts_jb_finish(&b, &pii);
    ts_jb_release(&b);
    if (rc)
        return rc;
    ts_json *meta = (ts_json *)ts_json_get(rec, "meta");
    if (meta && meta->type == TS_JSON_OBJECT)
        return ts_json_set(a, meta, "pii", pii);
    ts_json obj = {.type = TS_JSON_OBJECT, .len = 0};
    if ((rc = ts_json_set(a, &obj, "pii", pii)))
        return rc;
    return ts_json_set(a, rec, "meta", &obj);
}

int ts_pii_record(ts_json *rec, ts_pii_mode mode, ts_arena *a, ts_pii_result *res)
{
    memset(res, 0, sizeof *res);
    if (!rec || rec->type != TS_JSON_OBJECT)
        return TS_EINVAL;
    walk w = {.mode = mode, .a = a, .res = res};
    ts_buf_init(&w.tmp, 0);
    static const char *const fields[] = {"messages", "prompt", "chosen", "rejected", "text"};
    int rc = 0;
    for (size_t f = 0; f < sizeof fields / sizeof *fields && !rc; f++)
        rc = scan_turns(&w, (ts_json *)ts_json_get(rec, fields[f]));
    ts_buf_release(&w.tmp);
    if (!rc && mode == TS_PII_REPORT)
        rc = add_report(rec, a, res);
    return rc;
}
