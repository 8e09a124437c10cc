/* tuneset — the canonical records (see docs/records.md).
 *
 *   SFT:        {"messages": [{"role", "content", ["reasoning_content"]}...], "id", "source", "meta"}
 *   preference: {"prompt": [...], "chosen": [...], "rejected": [...], ["score_chosen", "score_rejected"], ...}
 *   prompt:     {"prompt": [...]}            (input of generators)
 *   text:       {"text": "..."}              (corpora)
 *
 * Records are ts_json objects; extra top-level keys are allowed and kept.
 * Functions here only read their arguments and are thread-safe.
 */
#ifndef TUNESET_RECORD_H
#define TUNESET_RECORD_H

#include <stdbool.h>

#include "tuneset/json.h"

typedef enum ts_rec_kind {
    TS_REC_UNKNOWN,
    TS_REC_SFT,
    TS_REC_PREF,
    TS_REC_PROMPT,
    TS_REC_TEXT
} ts_rec_kind;

/* The shape a record claims by its keys (not whether it is valid). */
ts_rec_kind ts_record_kind(const ts_json *rec);
const char *ts_rec_kind_name(ts_rec_kind k);

/* Checks one record against the rules of its kind: role names, turn
 * order, non-empty string content, field types. Returns 0 when valid, or
 * TS_ESCHEMA with the first problem written to why (a path such as
 * "messages[2].role" and the reason). */
int ts_record_validate(const ts_json *rec, char *why, size_t cap);

/* Builder helper: appends {"role": role, "content": content} to an open
 * array. content is borrowed. */
void ts_record_message(ts_jb *b, const char *role, const char *content, size_t len);

#endif
