/* UltraChat, in both editions people download:
 *   - the original JSON Lines {"id", "data": [strings]}: the strings
 *     alternate user, assistant, user, ... A trailing user string with no
 *     reply is left out of the conversation.
 *   - ultrachat_200k rows {"prompt", "prompt_id", "messages": [{"role",
 *     "content"}]}: the messages are taken as they are.
 * A role other than system/user/assistant makes the row a reject; a
 * conversation that would not be a valid SFT record is dropped under the
 * rule it breaks (no_assistant_turn, empty_turn, not_alternating, ...).
 * The id is "ultrachat/<id>", "ultrachat/<prompt_id>", or
 * "ultrachat/<row>" (rows counted from 0 across the run) without either;
 * a row whose id was already written is dropped as "duplicate_id", since
 * output ids must be unique. */
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"
#include "tuneset/hash.h"

typedef struct {
    uint64_t row;
    ts_strset ids;
    fmt_msg *msgs;
    size_t cap;
    ts_jb jb;
} ultrachat_state;

static int ultrachat_detect(const ts_json *first)
{
    const ts_json *data = ts_json_get(first, "data");
    if (ts_json_is(data, TS_JSON_ARRAY) && ts_json_is(ts_json_at(data, 0), TS_JSON_STRING))
        return ts_json_get(first, "id") ? 90 : 70;
    const ts_json *msgs = ts_json_get(first, "messages");
    /* UltraFeedback's binarized rows have messages and prompt_id too. */
    if (!ts_json_is(msgs, TS_JSON_ARRAY) || ts_json_get(first, "chosen") || ts_json_get(first, "rejected"))
        return 0;
    if (!ts_json_get(first, "prompt_id") && !ts_json_get(first, "prompt"))
        return 0;
    const ts_json *m0 = ts_json_at(msgs, 0);
    return ts_json_get(m0, "role") && ts_json_get(m0, "content") ? 85 : 40;
}

static int ultrachat_open(void **state, const ts_import_opts *o, ts_err *err)
{
    ultrachat_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    ts_strset_init(&st->ids);
    *state = st;
    return 0;
}

static const char *known_role(const ts_json *r)
{
    static const char *roles[] = {"system", "user", "assistant"};
    for (size_t i = 0; i < 3; i++)
        if (ts_json_str_eq(r, roles[i]))
            return roles[i];
    return NULL;
}

static const char *why_or_empty(const char *s) { return s ? s : ""; }

/* Fills m from data (strings) or messages ({role, content}); returns a
 * reject reason ("" when out of memory to say it) or NULL. */
static const char *read_turns(const ts_json *data, const ts_json *msgs, fmt_msg *m, size_t *n, ts_arena *a)
{
    const ts_json *arr = data ? data : msgs;
    for (size_t i = 0; i < arr->len; i++) {
        const ts_json *t = &arr->u.items[i];
        if (data) {
            if (!ts_json_is(t, TS_JSON_STRING))
                return why_or_empty(fmt_printf(a, "data[%zu] must be a string", i));
            m[i] = (fmt_msg){i % 2 ? "assistant" : "user", t->u.s, t->len, NULL, 0};
            continue;
        }
        const ts_json *role = ts_json_get(t, "role"), *content = ts_json_get(t, "content");
        if (!ts_json_is(role, TS_JSON_STRING) || !ts_json_is(content, TS_JSON_STRING))
            return why_or_empty(fmt_printf(a, "messages[%zu]: '%s' missing or not a string", i,
                                           ts_json_is(role, TS_JSON_STRING) ? "content" : "role"));
        const char *r = known_role(role);
        if (!r)
            return why_or_empty(fmt_printf(a, "unknown role '%.*s' in messages[%zu]",
                                           (int)(role->len > 40 ? 40 : role->len), role->u.s, i));
        m[i] = (fmt_msg){r, content->u.s, content->len, NULL, 0};
    }
    *n = arr->len;
    if (data && *n % 2 && *n > 1)
        (*n)--; /* the last question was never answered */
    return NULL;
}

static int ultrachat_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    ultrachat_state *st = state;
    uint64_t row = st->row++;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    const ts_json *data = ts_json_get(in, "data");
    const ts_json *msgs = data ? NULL : ts_json_get(in, "messages");
    if (data && !ts_json_is(data, TS_JSON_ARRAY))
        return fmt_reject(sink, "field 'data' must be an array of strings");
    if (!data && !ts_json_is(msgs, TS_JSON_ARRAY))
        return fmt_reject(sink, msgs ? "field 'messages' must be an array"
                                     : "missing field 'data' (or 'messages')");
    size_t len = (data ? data : msgs)->len;
    if (len > st->cap) {
        fmt_msg *nm = realloc(st->msgs, len * sizeof *nm);
        if (!nm)
            return ts_err_set(err, TS_ENOMEM, NULL);
        st->msgs = nm;
        st->cap = len;
    }
    size_t n = 0;
    const char *why = read_turns(data, msgs, st->msgs, &n, a);
    if (why)
        return fmt_reject(sink, *why ? why : "malformed turns");
    const char *own = NULL;
    size_t ownlen = 0;
    if (!fmt_own_id(ts_json_get(in, "id"), &own, &ownlen))
        fmt_own_id(ts_json_get(in, "prompt_id"), &own, &ownlen);
    const char *rule = fmt_msgs_problem(st->msgs, n);
    if (!rule && own) {
        int added = ts_strset_add(&st->ids, own, ownlen);
        if (added < 0)
            return ts_err_set(err, added, NULL);
        rule = added ? NULL : "duplicate_id";
    }
    if (rule)
        return fmt_drop(sink, rule);
    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_messages(b, st->msgs, n);
    fmt_jb_id_source(b, "ultrachat", own, ownlen, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static void ultrachat_close(void *state)
{
    ultrachat_state *st = state;
    if (!st)
        return;
    ts_jb_release(&st->jb);
    ts_strset_release(&st->ids);
    free(st->msgs);
    free(st);
}

static const char *const ultrachat_columns[] = {"id", "data", "prompt", "prompt_id", "messages", NULL};

const ts_format ts_format_ultrachat = {
    .columns = ultrachat_columns,
    .name = "ultrachat",
    .summary = "UltraChat {id, data: [turns]} or ultrachat_200k {prompt_id, messages} (JSONL)",
    .kinds = "sft",
    .options = "",
    .detect = ultrachat_detect,
    .open = ultrachat_open,
    .record = ultrachat_record,
    .close = ultrachat_close,
};
