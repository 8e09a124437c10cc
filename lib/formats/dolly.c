/* Databricks Dolly 15k: JSON Lines of {"instruction", "context",
 * "response", "category"}. The user turn is the instruction, then a blank
 * line and the context when there is one; the assistant turn is the
 * response; the category goes to meta. The rows carry no id, so the id is
 * "dolly/<row>" with row counted from 0 across all the files of one run. */
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"

typedef struct {
    uint64_t row;
    ts_jb jb;
} dolly_state;

static int dolly_detect(const ts_json *first)
{
    if (!ts_json_is(ts_json_get(first, "instruction"), TS_JSON_STRING) ||
        !ts_json_is(ts_json_get(first, "response"), TS_JSON_STRING))
        return 0;
    int score = 70;
    if (ts_json_get(first, "context"))
        score += 15;
    if (ts_json_get(first, "category"))
        score += 10;
    return score;
}

static int dolly_open(void **state, const ts_import_opts *o, ts_err *err)
{
    dolly_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    *state = st;
    return 0;
}

static int dolly_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    dolly_state *st = state;
    uint64_t row = st->row++;
    const char *why = NULL;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    const ts_json *ins = fmt_req_str(in, "instruction", a, &why);
    const ts_json *resp = ins ? fmt_req_str(in, "response", a, &why) : NULL;
    const ts_json *ctx = ts_json_get(in, "context");
    const ts_json *cat = ts_json_get(in, "category");
    if (resp && ctx && !ts_json_is(ctx, TS_JSON_STRING) && !ts_json_is(ctx, TS_JSON_NULL))
        why = "field 'context' must be a string";
    else if (resp && cat && !ts_json_is(cat, TS_JSON_STRING) && !ts_json_is(cat, TS_JSON_NULL))
        why = "field 'category' must be a string";
    if (why)
        return fmt_reject(sink, why);
    if (!ins->len)
        return fmt_drop(sink, "empty_instruction");
    if (!resp->len)
        return fmt_drop(sink, "empty_response");

    fmt_msg m[2] = {{"user", ins->u.s, ins->len, NULL, 0}, {"assistant", resp->u.s, resp->len, NULL, 0}};
    if (ts_json_is(ctx, TS_JSON_STRING) && ctx->len) {
        m[0].s = fmt_join(a, ins->u.s, ins->len, "\n\n", ctx->u.s, ctx->len, &m[0].len);
        if (!m[0].s)
            return ts_err_set(err, TS_ENOMEM, NULL);
    }
    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_messages(b, m, 2);
    fmt_jb_id_source(b, "dolly", NULL, 0, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    if (ts_json_is(cat, TS_JSON_STRING)) {
        ts_jb_key(b, "category");
        ts_jb_value(b, cat);
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static void dolly_close(void *state)
{
    dolly_state *st = state;
    if (!st)
        return;
    ts_jb_release(&st->jb);
    free(st);
}

const ts_format ts_format_dolly = {
    .name = "dolly",
    .summary = "Databricks Dolly 15k {instruction, context, response, category} (JSONL)",
    .kinds = "sft",
    .options = "",
    .detect = dolly_detect,
    .open = dolly_open,
    .record = dolly_record,
    .close = dolly_close,
};
