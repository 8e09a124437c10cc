/* Shared by cmd_export.c and cmd_export_tok.c (tuneset export tokenized). */
#ifndef TS_CMD_EXPORT_H
#define TS_CMD_EXPORT_H

#include <stddef.h>

#include "tuneset/export.h"

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

#endif
