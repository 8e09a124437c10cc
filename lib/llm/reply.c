/* Chat-completions replies: choices, finish reasons, reasoning and usage
 * from the OpenAI shape, checked strictly enough that a malformed or cut
 * reply is retried instead of written out. */
#include <string.h>

#include "llm_int.h"

static const char *cstr(ts_arena *a, const ts_json *v)
{
    if (!ts_json_is(v, TS_JSON_STRING))
        return "";
    char *s = ts_arena_alloc(a, (size_t)v->len + 1);
    if (!s)
        return NULL;
    memcpy(s, v->u.s, v->len);
    s[v->len] = 0;
    return s;
}

static uint64_t count(const ts_json *v)
{
    int64_t n;
    return !ts_json_int64(v, &n) && n > 0 ? (uint64_t)n : 0;
}

int llm_reply_parse(const char *body, size_t len, ts_arena *a, llm_parsed *out, ts_err *err)
{
    memset(out, 0, sizeof *out);
    ts_json *root;
    int rc = ts_json_parse(body, len, a, NULL, &root, err);
    if (rc)
        return rc;
    if (root->type != TS_JSON_OBJECT)
        return ts_err_set(err, TS_ESCHEMA, "reply is not a JSON object");
    const ts_json *e = ts_json_get(root, "error");
    if (e && e->type != TS_JSON_NULL) {
        const ts_json *m = ts_json_get(e, "message");
        if (ts_json_is(m, TS_JSON_STRING))
            return ts_err_set(err, TS_ESCHEMA, "server error: %.*s", (int)(m->len > 200 ? 200 : m->len), m->u.s);
        return ts_err_set(err, TS_ESCHEMA, "server error in the reply");
    }
    const ts_json *ch = ts_json_get(root, "choices");
    if (!ts_json_is(ch, TS_JSON_ARRAY) || ch->len == 0)
        return ts_err_set(err, TS_ESCHEMA, "reply has no \"choices\"");
    ts_llm_choice *cs = ts_arena_alloc(a, ch->len * sizeof *cs);
    if (!cs)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    memset(cs, 0, ch->len * sizeof *cs);
    /* Servers may list n>1 choices in any order; "index" says where each goes. */
    bool placed_ok = true;
    unsigned char *seen = ts_arena_alloc(a, ch->len);
    if (!seen)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    memset(seen, 0, ch->len);
    for (uint32_t i = 0; i < ch->len; i++) {
        int64_t ix;
        if (ts_json_int64(ts_json_get(&ch->u.items[i], "index"), &ix) || ix < 0 || ix >= ch->len ||
            seen[ix]) {
            placed_ok = false;
            break;
        }
        seen[ix] = 1;
    }
    for (uint32_t i = 0; i < ch->len; i++) {
        const ts_json *c = &ch->u.items[i];
        const ts_json *msg = ts_json_get(c, "message");
        if (!ts_json_is(msg, TS_JSON_OBJECT))
            return ts_err_set(err, TS_ESCHEMA, "choice %u has no \"message\" object", i);
        const ts_json *content = ts_json_get(msg, "content");
        if (!ts_json_is(content, TS_JSON_STRING) && !ts_json_is(content, TS_JSON_NULL))
            return ts_err_set(err, TS_ESCHEMA, "choice %u has no \"content\" string", i);
        const ts_json *fr = ts_json_get(c, "finish_reason");
        if (fr && !ts_json_is(fr, TS_JSON_STRING) && !ts_json_is(fr, TS_JSON_NULL))
            return ts_err_set(err, TS_ESCHEMA, "choice %u: \"finish_reason\" is not a string", i);
        const ts_json *rs = ts_json_get(msg, "reasoning_content");
        if (!ts_json_is(rs, TS_JSON_STRING))
            rs = ts_json_get(msg, "reasoning");
        int64_t ix = i;
        if (placed_ok)
            ts_json_int64(ts_json_get(c, "index"), &ix);
        ts_llm_choice *d = &cs[ix];
        if (ts_json_is(content, TS_JSON_STRING)) {
            d->text = content->u.s;
            d->len = content->len;
        } else {
            d->text = "";
        }
        if (!(d->finish_reason = cstr(a, fr)))
            return ts_err_set(err, TS_ENOMEM, "out of memory");
        if (ts_json_is(rs, TS_JSON_STRING)) {
            d->reasoning = rs->u.s;
            d->reasoning_len = rs->len;
        }
    }
    const ts_json *u = ts_json_get(root, "usage");
    out->root = root;
    out->choices = cs;
    out->n_choices = ch->len;
    out->prompt_tokens = count(ts_json_get(u, "prompt_tokens"));
    out->completion_tokens = count(ts_json_get(u, "completion_tokens"));
    return 0;
}
