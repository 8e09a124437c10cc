/* Stanford Alpaca: a JSON array (or JSON Lines) of
 * {"instruction", "input", "output"}. The user turn is the instruction,
 * then a blank line and the input when there is one; the assistant turn is
 * the output. The rows carry no id, so the id is "alpaca/<row>" with row
 * counted from 0 across all the files of one run, in input order. */
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"

typedef struct {
    uint64_t row;
    ts_jb jb;
} alpaca_state;

static int alpaca_detect(const ts_json *first)
{
    if (!ts_json_is(ts_json_get(first, "instruction"), TS_JSON_STRING) ||
        !ts_json_is(ts_json_get(first, "output"), TS_JSON_STRING))
        return 0;
    /* Dolly answers in "response", s1K and the Self-Instruct seeds have
     * their own keys: any of them means this is not Alpaca. */
    if (ts_json_get(first, "response") || ts_json_get(first, "context") ||
        ts_json_get(first, "instances") || ts_json_get(first, "question"))
        return 0;
    return ts_json_get(first, "input") ? 90 : 60;
}

static int alpaca_open(void **state, const ts_import_opts *o, ts_err *err)
{
    alpaca_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    *state = st;
    return 0;
}

static int alpaca_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    alpaca_state *st = state;
    uint64_t row = st->row++;
    const char *why = NULL;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    const ts_json *ins = fmt_req_str(in, "instruction", a, &why);
    const ts_json *out = ins ? fmt_req_str(in, "output", a, &why) : NULL;
    const ts_json *input = ts_json_get(in, "input");
    if (out && input && !ts_json_is(input, TS_JSON_STRING) && !ts_json_is(input, TS_JSON_NULL))
        why = "field 'input' must be a string";
    if (why)
        return fmt_reject(sink, why);
    if (!ins->len)
        return fmt_drop(sink, "empty_instruction");
    if (!out->len)
        return fmt_drop(sink, "empty_output");

    fmt_msg m[2] = {{"user", ins->u.s, ins->len, NULL, 0}, {"assistant", out->u.s, out->len, NULL, 0}};
    if (ts_json_is(input, TS_JSON_STRING) && input->len) {
        m[0].s = fmt_join(a, ins->u.s, ins->len, "\n\n", input->u.s, input->len, &m[0].len);
        if (!m[0].s)
            return ts_err_set(err, TS_ENOMEM, NULL);
    }
    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_messages(b, m, 2);
    fmt_jb_id_source(b, "alpaca", NULL, 0, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static void alpaca_close(void *state)
{
    alpaca_state *st = state;
    if (!st)
        return;
    ts_jb_release(&st->jb);
    free(st);
}

const ts_format ts_format_alpaca = {
    .name = "alpaca",
    .summary = "Stanford Alpaca {instruction, input, output} (JSON array or JSONL)",
    .kinds = "sft",
    .options = "",
    .detect = alpaca_detect,
    .open = alpaca_open,
    .record = alpaca_record,
    .close = alpaca_close,
};
