/* Databricks Dolly 15k: JSON Lines of {"instruction", "context",
 * "response", "category"}. The user turn is the instruction, then a blank
 * line and the context when there is one; the assistant turn is the
 * response; the category goes to meta. The rows carry no id, so the id is
 * "dolly/<row>" with row counted from 0 across all the files of one run. */
#include "instruct.h"

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
    (void)o;
    return fmt_instruct_open(state, err);
}

static const fmt_instruct_spec spec = {"dolly", "context", "response", "empty_response", "category"};

static int dolly_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    return fmt_instruct_record(&spec, state, in, sink, a, err);
}

static const char *const dolly_columns[] = {"instruction", "context", "response", "category", NULL};

const ts_format ts_format_dolly = {
    .columns = dolly_columns,
    .name = "dolly",
    .summary = "Databricks Dolly 15k {instruction, context, response, category} (JSONL)",
    .kinds = "sft",
    .options = "",
    .detect = dolly_detect,
    .open = dolly_open,
    .record = dolly_record,
    .close = fmt_instruct_close,
};
