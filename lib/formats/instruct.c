#include <stdlib.h>

#include "instruct.h"

typedef struct {
    uint64_t row;
    ts_jb jb;
} instruct_state;

int fmt_instruct_open(void **state, ts_err *err)
{
    instruct_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    *state = st;
    return 0;
}

void fmt_instruct_close(void *state)
{
    instruct_state *st = state;
    if (!st)
        return;
    ts_jb_release(&st->jb);
    free(st);
}

/* An optional field: absent, null or a string. */
static bool optional_string(const ts_json *v)
{
    return !v || ts_json_is(v, TS_JSON_STRING) || ts_json_is(v, TS_JSON_NULL);
}

int fmt_instruct_record(const fmt_instruct_spec *spec, void *state, const ts_json *in, ts_sink *sink,
                        ts_arena *a, ts_err *err)
{
    instruct_state *st = state;
    uint64_t row = st->row++;
    const char *why = NULL;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    const ts_json *ins = fmt_req_str(in, "instruction", a, &why);
    const ts_json *ans = ins ? fmt_req_str(in, spec->answer, a, &why) : NULL;
    const ts_json *extra = ts_json_get(in, spec->extra);
    const ts_json *meta = spec->meta_key ? ts_json_get(in, spec->meta_key) : NULL;
    if (ans && !optional_string(extra))
        why = fmt_printf(a, "field '%s' must be a string", spec->extra);
    else if (ans && !optional_string(meta))
        why = fmt_printf(a, "field '%s' must be a string", spec->meta_key);
    if (why)
        return fmt_reject(sink, why);
    if (!ins->len)
        return fmt_drop(sink, "empty_instruction");
    if (!ans->len)
        return fmt_drop(sink, spec->empty_answer);

    fmt_msg m[2] = {{"user", ins->u.s, ins->len, NULL, 0}, {"assistant", ans->u.s, ans->len, NULL, 0}};
    if (ts_json_is(extra, TS_JSON_STRING) && extra->len) {
        m[0].s = fmt_join(a, ins->u.s, ins->len, "\n\n", extra->u.s, extra->len, &m[0].len);
        if (!m[0].s)
            return ts_err_set(err, TS_ENOMEM, NULL);
    }
    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_messages(b, m, 2);
    fmt_jb_id_source(b, spec->source, NULL, 0, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    if (ts_json_is(meta, TS_JSON_STRING)) {
        ts_jb_key(b, spec->meta_key);
        ts_jb_value(b, meta);
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}
