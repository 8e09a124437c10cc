/* Stanford Alpaca: a JSON array (or JSON Lines) of
 * {"instruction", "input", "output"}. The user turn is the instruction,
 * then a blank line and the input when there is one; the assistant turn is
 * the output. The rows carry no id, so the id is "alpaca/<row>" with row
 * counted from 0 across all the files of one run, in input order. */
#include "instruct.h"

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
    (void)o;
    return fmt_instruct_open(state, err);
}

static const fmt_instruct_spec spec = {"alpaca", "input", "output", "empty_output", NULL};

static int alpaca_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    return fmt_instruct_record(&spec, state, in, sink, a, err);
}

static const char *const alpaca_columns[] = {"instruction", "input", "output", NULL};

const ts_format ts_format_alpaca = {
    .columns = alpaca_columns,
    .name = "alpaca",
    .summary = "Stanford Alpaca {instruction, input, output} (JSON array or JSONL)",
    .kinds = "sft",
    .options = "",
    .detect = alpaca_detect,
    .open = alpaca_open,
    .record = alpaca_record,
    .close = fmt_instruct_close,
};
