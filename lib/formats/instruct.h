/* The row shape Alpaca and Dolly share: an instruction, an optional second
 * part (Alpaca's "input", Dolly's "context") joined after a blank line, an
 * answer, and optional string fields kept in meta. Internal to lib/formats. */
#ifndef TS_FMT_INSTRUCT_H
#define TS_FMT_INSTRUCT_H

#include "fmt_util.h"

typedef struct fmt_instruct_spec {
    const char *source;       /* "alpaca": also the id prefix */
    const char *extra;        /* "input" */
    const char *answer;       /* "output" */
    const char *empty_answer; /* drop rule when the answer is empty */
    const char *meta_key;     /* a string field copied to meta, or NULL */
} fmt_instruct_spec;

int fmt_instruct_open(void **state, ts_err *err);
void fmt_instruct_close(void *state);
/* One row: emits {"messages", "id": "<source>/<row>", "source", "meta"},
 * drops "empty_instruction" / spec->empty_answer, or rejects a row with
 * missing or mistyped fields. Rows are counted from 0 across the run. */
int fmt_instruct_record(const fmt_instruct_spec *spec, void *state, const ts_json *in, ts_sink *sink,
                        ts_arena *a, ts_err *err);

#endif
