/* Shared by cmd_export.c and cmd_export_tok.c (tuneset export tokenized). */
#ifndef TS_CMD_EXPORT_H
#define TS_CMD_EXPORT_H

#include <stddef.h>

#include "cli.h"
#include "tuneset/export.h"
#include "tuneset/record.h"

/* tuneset export tokenized ... (argv[0] is "export", argv[1] "tokenized"). */
int export_tokenized(int argc, char **argv);
/* drop|truncate|split: 0, or -1 for another word. */
int export_parse_len_mode(const char *s, ts_len_mode *m);
/* ts_len_count_fn over a ts_tokenizer (ctx). */
size_t export_token_count(void *ctx, const char *s, size_t n);

struct ts_tokenizer;
struct ts_template;
/* For one SFT record under a token budget: renders it with tpl and sets
 * lo->turn_overhead to (rendered tokens - content tokens) / messages, or
 * lo->max to 0 when the render fits. scratch is reused. 0, or the
 * template's error (TS_ETEMPLATE with err set). */
int export_calibrate(struct ts_tokenizer *tok, const struct ts_template *tpl, ts_buf *scratch, const ts_json *rec,
                     ts_len_opts *lo, ts_err *err);

/* The records an export takes: valid SFT or preference records, all of
 * the kind of the first one taken (a trainer reads one kind per file, and
 * the sidecar describes one). true: take it, its kind in *fixed. false:
 * it was rejected or dropped by rule, and *rc is what the record callback
 * returns. */
bool export_admit(cli_run *r, const ts_json *rec, ts_rec_kind *fixed, int *rc);

/* Length control for one record, the same for every target: calibrates the
 * per-message overhead on the template's render when `calibrate`, applies
 * lo, counts the truncate/split steps. true: lr holds the pieces to write.
 * false: the record is settled (dropped by rule, rejected, or the run
 * failed) and *rc is what the record callback returns. */
bool export_fit(cli_run *r, struct ts_tokenizer *tok, const struct ts_template *tpl, ts_buf *scratch,
                ts_len_opts lo, bool calibrate, const ts_json *rec, ts_len_result *lr, int *rc);

#endif
