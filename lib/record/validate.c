/* Validation of the canonical record shapes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tuneset/record.h"

ts_rec_kind ts_record_kind(const ts_json *rec)
{
    if (!ts_json_is(rec, TS_JSON_OBJECT))
        return TS_REC_UNKNOWN;
    if (ts_json_get(rec, "messages"))
        return TS_REC_SFT;
    if (ts_json_get(rec, "chosen") || ts_json_get(rec, "rejected"))
        return TS_REC_PREF;
    if (ts_json_get(rec, "prompt"))
        return TS_REC_PROMPT;
    if (ts_json_get(rec, "text"))
        return TS_REC_TEXT;
    return TS_REC_UNKNOWN;
}

const char *ts_rec_kind_name(ts_rec_kind k)
{
    static const char *names[] = {"unknown", "sft", "preference", "prompt", "text"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "unknown";
}

static int bad(char *why, size_t cap, const char *fmt, ...)
{
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return TS_ESCHEMA;
}

typedef enum { R_NONE, R_SYSTEM, R_USER, R_ASSISTANT, R_TOOL } msg_role;

static msg_role role_of(const ts_json *v)
{
    if (ts_json_str_eq(v, "user"))
        return R_USER;
    if (ts_json_str_eq(v, "assistant"))
        return R_ASSISTANT;
    if (ts_json_str_eq(v, "system"))
        return R_SYSTEM;
    if (ts_json_str_eq(v, "tool"))
        return R_TOOL;
    return R_NONE;
}

static bool has_tool_calls(const ts_json *m)
{
    const ts_json *tc = ts_json_get(m, "tool_calls");
    return ts_json_is(tc, TS_JSON_ARRAY) && tc->len > 0;
}

/* Checks a list of messages continuing after `prev` (the role of the
 * message before the list, R_NONE at the start of a conversation).
 * Rules: system only first; the first other turn is a user turn; user and
 * assistant alternate; tool turns follow an assistant or tool turn. */
static int check_messages(const ts_json *arr, const char *field, msg_role *prev, char *why, size_t cap)
{
    if (!ts_json_is(arr, TS_JSON_ARRAY))
        return bad(why, cap, "%s: must be an array of messages", field);
    if (arr->len == 0)
        return bad(why, cap, "%s: must not be empty", field);
    for (uint32_t i = 0; i < arr->len; i++) {
        const ts_json *m = &arr->u.items[i];
        if (!ts_json_is(m, TS_JSON_OBJECT))
            return bad(why, cap, "%s[%u]: must be an object", field, i);
        const ts_json *rv = ts_json_get(m, "role");
        if (!ts_json_is(rv, TS_JSON_STRING))
            return bad(why, cap, "%s[%u].role: missing or not a string", field, i);
        msg_role r = role_of(rv);
        if (r == R_NONE)
            return bad(why, cap, "%s[%u].role: unknown role \"%.*s\" (system, user, assistant, tool)",
                       field, i, (int)(rv->len > 40 ? 40 : rv->len), rv->u.s);
        const ts_json *c = ts_json_get(m, "content");
        if (!ts_json_is(c, TS_JSON_STRING))
            return bad(why, cap, "%s[%u].content: missing or not a string", field, i);
        if (c->len == 0 && !(r == R_ASSISTANT && has_tool_calls(m)))
            return bad(why, cap, "%s[%u].content: empty", field, i);
        const ts_json *rc = ts_json_get(m, "reasoning_content");
        if (rc && r != R_ASSISTANT)
            return bad(why, cap, "%s[%u].reasoning_content: only assistant turns may have it", field, i);
        if (rc && !ts_json_is(rc, TS_JSON_STRING))
            return bad(why, cap, "%s[%u].reasoning_content: must be a string", field, i);
        switch (r) {
        case R_SYSTEM:
            if (*prev != R_NONE)
                return bad(why, cap, "%s[%u]: a system message may only come first", field, i);
            break;
        case R_USER:
            if (*prev == R_USER)
                return bad(why, cap, "%s[%u]: two user turns in a row", field, i);
            if (*prev == R_TOOL)
                return bad(why, cap, "%s[%u]: a user turn after a tool turn (an assistant turn is expected)", field, i);
            break;
        case R_ASSISTANT:
            if (*prev == R_NONE || *prev == R_SYSTEM)
                return bad(why, cap, "%s[%u]: the conversation must start with a user turn", field, i);
            if (*prev == R_ASSISTANT)
                return bad(why, cap, "%s[%u]: two assistant turns in a row", field, i);
            break;
        case R_TOOL:
            if (*prev != R_ASSISTANT && *prev != R_TOOL)
                return bad(why, cap, "%s[%u]: a tool turn must follow an assistant turn", field, i);
            break;
        default:
            break;
        }
        *prev = r;
    }
    return 0;
}

static int check_common(const ts_json *rec, char *why, size_t cap)
{
    const ts_json *id = ts_json_get(rec, "id");
    if (id && (!ts_json_is(id, TS_JSON_STRING) || id->len == 0))
        return bad(why, cap, "id: must be a non-empty string");
    const ts_json *src = ts_json_get(rec, "source");
    if (src && !ts_json_is(src, TS_JSON_STRING))
        return bad(why, cap, "source: must be a string");
    const ts_json *meta = ts_json_get(rec, "meta");
    if (meta && !ts_json_is(meta, TS_JSON_OBJECT))
        return bad(why, cap, "meta: must be an object");
    return 0;
}

static int check_score(const ts_json *rec, const char *key, char *why, size_t cap)
{
    const ts_json *s = ts_json_get(rec, key);
    if (s && !ts_json_is(s, TS_JSON_NUMBER) && !ts_json_is(s, TS_JSON_NULL))
        return bad(why, cap, "%s: must be a number", key);
    return 0;
}

int ts_record_validate(const ts_json *rec, char *why, size_t cap)
{
    if (!ts_json_is(rec, TS_JSON_OBJECT))
        return bad(why, cap, "a record must be a JSON object");
    int rc = check_common(rec, why, cap);
    if (rc)
        return rc;
    msg_role prev = R_NONE;
    switch (ts_record_kind(rec)) {
    case TS_REC_SFT: {
        if ((rc = check_messages(ts_json_get(rec, "messages"), "messages", &prev, why, cap)))
            return rc;
        return 0;
    }
    case TS_REC_PREF: {
        const ts_json *prompt = ts_json_get(rec, "prompt");
        if (!prompt)
            return bad(why, cap, "prompt: missing (a preference pair needs prompt, chosen and rejected)");
        if ((rc = check_messages(prompt, "prompt", &prev, why, cap)))
            return rc;
        if (prev != R_USER)
            return bad(why, cap, "prompt: must end with a user turn");
        msg_role after = prev;
        if ((rc = check_messages(ts_json_get(rec, "chosen"), "chosen", &after, why, cap)))
            return rc;
        after = prev;
        if ((rc = check_messages(ts_json_get(rec, "rejected"), "rejected", &after, why, cap)))
            return rc;
        if ((rc = check_score(rec, "score_chosen", why, cap)) ||
            (rc = check_score(rec, "score_rejected", why, cap)))
            return rc;
        return 0;
    }
    case TS_REC_PROMPT:
        return check_messages(ts_json_get(rec, "prompt"), "prompt", &prev, why, cap);
    case TS_REC_TEXT: {
        const ts_json *t = ts_json_get(rec, "text");
        if (!ts_json_is(t, TS_JSON_STRING) || t->len == 0)
            return bad(why, cap, "text: must be a non-empty string");
        return 0;
    }
    default:
        return bad(why, cap, "not a tuneset record: no messages, prompt/chosen/rejected or text field");
    }
}

void ts_record_message(ts_jb *b, const char *role, const char *content, size_t len)
{
    ts_jb_object(b);
    ts_jb_key(b, "role");
    ts_jb_cstr(b, role);
    ts_jb_key(b, "content");
    ts_jb_str(b, content, len);
    ts_jb_end(b);
}
