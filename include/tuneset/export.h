/* tuneset — exports to what trainers read, and length control.
 *
 * A target turns one canonical record (SFT or preference, see record.h)
 * into one row of the trainer's documented shape (docs/export.md):
 *
 *   trl          the canonical record itself
 *   llamafactory alpaca or sharegpt rows + a dataset_info.json entry
 *   axolotl      chat_template rows {"messages": [...]} + a YAML snippet
 *   openai       chat fine-tuning {"messages"} / preference {"input", "preferred_output", ...}
 *   alpaca       {"instruction", "input", "output"[, "system", "history"]}
 *   sharegpt     {"conversations": [{"from", "value"}...]}
 *
 * Length control cuts a record to a budget before export: drop it,
 * truncate it, or split a long conversation into pieces (FastChat's
 * split_long_conversation semantics, see docs/export.md).
 *
 * Rows and pieces are built in the caller's arena and may share strings
 * with the input record: keep the input alive as long as the output.
 * Functions only read their options; they are thread-safe given one arena
 * per thread.
 */
#ifndef TUNESET_EXPORT_H
#define TUNESET_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/json.h"
#include "tuneset/record.h"

typedef enum ts_export_target {
    TS_EXPORT_TRL,
    TS_EXPORT_LLAMAFACTORY,
    TS_EXPORT_AXOLOTL,
    TS_EXPORT_OPENAI,
    TS_EXPORT_ALPACA,
    TS_EXPORT_SHAREGPT
} ts_export_target;

/* LLaMA-Factory's two dataset formats. */
typedef enum ts_export_lf_format { TS_EXPORT_LF_SHAREGPT, TS_EXPORT_LF_ALPACA } ts_export_lf_format;

typedef struct ts_export_opts {
    ts_export_target target;
    ts_export_lf_format lf_format; /* llamafactory only */
    /* alpaca rows (target alpaca, llamafactory --format alpaca): a
     * multi-turn record goes to "history" (true) or is dropped (false). */
    bool alpaca_history;
    /* axolotl: the rows' messages field, "messages" or "conversations". */
    const char *axolotl_field;
} ts_export_opts;

/* Target by name ("trl", "llamafactory", ...): 0 or TS_EINVAL. */
int ts_export_target_parse(const char *name, ts_export_target *out);
const char *ts_export_target_name(ts_export_target t);

/* Converts one valid canonical record (SFT or preference; check it with
 * ts_record_validate first) to the target's row.
 * Returns 0 with *out set; or 0 with *out NULL and *drop_rule set to a
 * static rule name when the target cannot express the record (e.g.
 * "alpaca_multi_turn"); or TS_ESCHEMA with the reason in why (a record
 * that is neither SFT nor preference), or TS_ENOMEM. */
int ts_export_row(const ts_export_opts *o, const ts_json *rec, ts_arena *a, ts_json **out,
                  const char **drop_rule, char *why, size_t cap);

/* --- sidecar files -------------------------------------------------------- */

/* Appends LLaMA-Factory's dataset_info.json entry for rows of the given
 * format and kind: {"file_name", "formatting", ["ranking": true],
 * "columns": {...}[, "tags": {...}]} (only the value, without the name). */
int ts_export_lf_entry(ts_buf *out, ts_export_lf_format f, ts_rec_kind kind, const char *file_name);

/* Sets name = entry in a dataset_info.json document: existing (its text,
 * may be NULL or empty for a new file) is parsed, the member replaced or
 * appended, and the whole document written to out. TS_ESYNTAX when the
 * existing text is not a JSON object (why says where). */
int ts_export_lf_merge(ts_buf *out, const char *existing, size_t n, const char *name, const char *entry,
                       size_t entry_len, char *why, size_t cap);

/* Appends axolotl's YAML config snippet (a `datasets:` list with one
 * entry; preference data also gets `rl: dpo`) for rows at path. */
int ts_export_axolotl_yaml(ts_buf *out, ts_rec_kind kind, const char *path, const char *field);

/* --- length control ------------------------------------------------------- */

typedef enum ts_len_mode { TS_LEN_DROP, TS_LEN_TRUNCATE, TS_LEN_SPLIT } ts_len_mode;

/* How long a piece of text is, in the budget's unit (characters, tokens).
 * Must be additive enough that a prefix is never longer than the whole. */
typedef size_t (*ts_len_count_fn)(void *ctx, const char *s, size_t n);

typedef struct ts_len_opts {
    size_t max;           /* budget per record (0 = no limit) */
    ts_len_mode mode;
    ts_len_count_fn count; /* NULL = Unicode code points */
    void *ctx;
    size_t turn_overhead; /* added per message (role markers of a template) */
} ts_len_opts;

/* What length control did with one record. */
typedef struct ts_len_result {
    ts_json **pieces;      /* in the arena; n == 0 when dropped */
    size_t n;
    const char *drop_rule; /* static; set when n == 0 */
    bool truncated;        /* content or turns were cut */
    bool split;            /* n > 1, or turns were left out of the pieces */
} ts_len_result;

/* Length of a record (SFT: every message; preference: prompt + the longer
 * of chosen and rejected) under o's measure. */
size_t ts_len_record(const ts_len_opts *o, const ts_json *rec);

/* Applies the budget to one valid record. A record that fits is returned
 * as it is (one piece, the same pointer). Returns 0 or TS_ENOMEM. */
int ts_len_apply(const ts_len_opts *o, const ts_json *rec, ts_arena *a, ts_len_result *res);

/* --- pre-tokenized rows ----------------------------------------------------- */

struct ts_tokenizer; /* tokenizer.h */
struct ts_template;  /* template.h */

/* One SFT conversation, rendered and encoded: labels are -100 except on
 * the tokens of assistant turns (the end-of-turn token the template writes
 * after a reply included). In the caller's arena. */
typedef struct ts_tok_example {
    uint32_t *ids;
    int32_t *labels;
    size_t n;
    size_t trained_turns; /* assistant turns that got labels */
} ts_tok_example;

/* Renders messages with tpl (extra: more template variables, may be NULL),
 * encodes the text with tok (no special tokens added beyond what the
 * template writes) and sets the labels; last_only trains on the final
 * assistant turn only. TS_ETEMPLATE (err says why: the template raised, or
 * a turn cannot be located), TS_EUTF8, TS_ENOMEM. Not thread-safe (the
 * tokenizer's scratch). */
int ts_export_tokenize_sft(struct ts_tokenizer *tok, const struct ts_template *tpl, const ts_json *extra,
                           const ts_json *messages, bool last_only, ts_arena *a, ts_tok_example *ex, ts_err *err);

/* A pair as TRL's DPO trainer tokenizes it: the prompt rendered with the
 * generation prompt; each completion is what the full render adds after it. */
typedef struct ts_tok_pair {
    uint32_t *prompt, *chosen, *rejected;
    size_t np, nc, nr;
} ts_tok_pair;

int ts_export_tokenize_pref(struct ts_tokenizer *tok, const struct ts_template *tpl, const ts_json *extra,
                            const ts_json *rec, ts_arena *a, ts_tok_pair *out, ts_err *err);

/* {"input_ids", "attention_mask", "labels"} and
 * {"prompt_input_ids", "chosen_input_ids", "rejected_input_ids"}. */
int ts_export_example_row(const ts_tok_example *ex, ts_arena *a, ts_json **out);
int ts_export_pair_row(const ts_tok_pair *p, ts_arena *a, ts_json **out);

/* Packing SFT examples into rows of exactly `len` tokens, in input order:
 * an example goes into the current row when it fits, else the row is
 * finished (padded with pad_id, attention_mask 0, labels -100) and a new
 * one begun. position_ids restart at 0 for every example, and the first
 * token of each example is never a label (no loss across the seam). */
typedef struct ts_packer {
    size_t len, used, examples;
    uint32_t pad_id;
    uint32_t *ids, *pos;
    int32_t *labels;
} ts_packer;

int ts_packer_init(ts_packer *p, size_t len, uint32_t pad_id);
void ts_packer_release(ts_packer *p);
/* Whether an example of n tokens fits the current row (n <= len needed). */
bool ts_packer_fits(const ts_packer *p, size_t n);
/* Appends ex (which must fit). */
void ts_packer_add(ts_packer *p, const ts_tok_example *ex);
/* The current row as {"input_ids","attention_mask","labels","position_ids"}
 * in a, then starts an empty one. TS_EINVAL when the row is empty. */
int ts_packer_row(ts_packer *p, ts_arena *a, ts_json **out);

#endif
