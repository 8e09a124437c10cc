/* Language over a record: which text is judged, and meta.lang /
 * meta.lang_confidence. User turns decide because the assistant may
 * answer in another language or mostly in code. */
#include <string.h>

#include "tuneset/curate_lang.h"
#include "tuneset/error.h"

static int add_str(ts_buf *out, const ts_json *v)
{
    if (!v || v->type != TS_JSON_STRING || v->len == 0)
        return 0;
    if (out->len && ts_buf_append(out, "\n", 1))
        return TS_ENOMEM;
    return ts_buf_append(out, v->u.s, v->len) ? TS_ENOMEM : 0;
}

/* A turn list (array of {role, content} or of strings) or one string.
 * user_only keeps only {role:"user"} turns. */
static int add_turns(ts_buf *out, const ts_json *v, bool user_only)
{
    if (!v)
        return 0;
    if (v->type == TS_JSON_STRING)
        return user_only ? 0 : add_str(out, v);
    if (v->type != TS_JSON_ARRAY)
        return 0;
    for (uint32_t i = 0; i < v->len; i++) {
        const ts_json *t = &v->u.items[i];
        int rc = 0;
        if (t->type == TS_JSON_OBJECT) {
            if (!user_only || ts_json_str_eq(ts_json_get(t, "role"), "user"))
                rc = add_str(out, ts_json_get(t, "content"));
        } else if (!user_only) {
            rc = add_str(out, t);
        }
        if (rc)
            return rc;
    }
    return 0;
}

int ts_lang_record_text(const ts_json *rec, ts_buf *out)
{
    int rc = add_turns(out, ts_json_get(rec, "messages"), true);
    if (!rc)
        rc = add_turns(out, ts_json_get(rec, "prompt"), true);
    if (rc || out->len)
        return rc;
    static const char *const fields[] = {"messages", "prompt", "chosen", "rejected", "text"};
    for (size_t f = 0; f < sizeof fields / sizeof *fields && !rc; f++)
        rc = add_turns(out, ts_json_get(rec, fields[f]), false);
    return rc;
}

static int build_value(ts_arena *a, const char *code, double conf, bool is_num, ts_json **out)
{
    ts_jb b;
    ts_jb_init(&b, a);
    if (is_num)
        ts_jb_double(&b, (double)(int)(conf * 1000.0 + 0.5) / 1000.0);
    else
        ts_jb_strdup(&b, code, strlen(code));
    int rc = ts_jb_finish(&b, out);
    ts_jb_release(&b);
    return rc;
}

int ts_lang_record(ts_lang *l, ts_json *rec, const ts_lang_opts *o, ts_arena *a, ts_buf *scratch,
                   ts_lang_guess *g, ts_lang_outcome *out)
{
    memset(g, 0, sizeof *g);
    if (!rec || rec->type != TS_JSON_OBJECT)
        return TS_EINVAL;
    ts_json *meta = (ts_json *)ts_json_get(rec, "meta");
    const ts_json *old = meta && meta->type == TS_JSON_OBJECT ? ts_json_get(meta, "lang") : NULL;
    if (old && old->type == TS_JSON_STRING && old->len > 0 && !o->overwrite) {
        size_t n = old->len < sizeof g->code - 1 ? old->len : sizeof g->code - 1;
        memcpy(g->code, old->u.s, n);
        g->code[n] = '\0';
        g->confidence = 1.0;
        *out = TS_LANG_KEPT;
        return 0;
    }
    scratch->len = 0;
    int rc = ts_lang_record_text(rec, scratch);
    if (rc)
        return rc;
    bool ok = ts_lang_detect(l, scratch->data ? scratch->data : "", scratch->len, g);
    if (!ok || g->confidence < o->min_confidence) {
        strcpy(g->code, "und");
        *out = TS_LANG_UNKNOWN;
    } else {
        *out = TS_LANG_SET;
    }
    ts_json *vlang, *vconf;
    if ((rc = build_value(a, g->code, 0, false, &vlang)) || (rc = build_value(a, NULL, g->confidence, true, &vconf)))
        return rc;
    if (!meta || meta->type != TS_JSON_OBJECT) {
        ts_json obj = {.type = TS_JSON_OBJECT, .len = 0};
        if ((rc = ts_json_set(a, rec, "meta", &obj)))
            return rc;
        meta = (ts_json *)ts_json_get(rec, "meta");
    }
    if ((rc = ts_json_set(a, meta, "lang", vlang)))
        return rc;
    return ts_json_set(a, meta, "lang_confidence", vconf);
}
