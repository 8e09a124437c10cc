/* tuneset — Hugging Face tokenizer.json tokenizers (BPE) in C.
 *
 * Loads the byte-level BPE of GPT-2 / Llama 3 / Qwen and the
 * SentencePiece-style BPE with byte fallback of Llama 2 / Gemma from a
 * `tokenizer.json`, and encodes text to the same ids as Hugging Face's
 * `tokenizers` (encode with add_special_tokens=false: added and special
 * tokens in the text are matched, none are added around it).
 *
 * A ts_tokenizer is immutable after loading except for its encode scratch
 * and piece cache: use one tokenizer per thread (load it once per thread,
 * or guard it).
 */
#ifndef TUNESET_TOKENIZER_H
#define TUNESET_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"

typedef struct ts_tokenizer ts_tokenizer;

/* Loads path: a tokenizer.json, or a folder holding one. On failure *out
 * is NULL and err (may be NULL) says why, with the file and byte offset
 * for a JSON error. Unsupported models or components are TS_ENOTSUP. */
int ts_tokenizer_load(const char *path, ts_tokenizer **out, ts_err *err);
/* The same from the JSON text p[0..n) (copied as needed; p may be freed). */
int ts_tokenizer_load_json(const char *p, size_t n, ts_tokenizer **out, ts_err *err);
void ts_tokenizer_free(ts_tokenizer *t);

/* A growable id list; release with ts_tok_ids_release. */
typedef struct ts_tok_ids {
    uint32_t *ids;
    size_t len, cap;
} ts_tok_ids;
void ts_tok_ids_release(ts_tok_ids *v);

/* Appends the ids of text s[0..n) (valid UTF-8; TS_EUTF8 otherwise) to
 * out. 0, TS_EUTF8, TS_ENOMEM. Not thread-safe (scratch and cache). */
int ts_tokenizer_encode(ts_tokenizer *t, const char *s, size_t n, ts_tok_ids *out);
/* Number of tokens of s[0..n), or a negative TS_E* code. */
int64_t ts_tokenizer_count(ts_tokenizer *t, const char *s, size_t n);

/* Appends the text of ids to out, through the tokenizer's decoder; special
 * tokens are left out when skip_special; ids outside the vocabulary are
 * skipped, as the reference does. 0, TS_ENOMEM, TS_ETOOBIG, or TS_ENOTSUP
 * when the decoder is one this library does not implement. Thread-safe. */
int ts_tokenizer_decode(const ts_tokenizer *t, const uint32_t *ids, size_t n, bool skip_special,
                        ts_buf *out);

/* Token string of id (not NUL-terminated; *len set), or NULL. */
const char *ts_tokenizer_id_to_token(const ts_tokenizer *t, uint32_t id, size_t *len);
/* Id of a token string (added tokens first, then the model's vocabulary),
 * or -1. */
int64_t ts_tokenizer_token_to_id(const ts_tokenizer *t, const char *s, size_t n);
/* One past the largest id. */
uint32_t ts_tokenizer_vocab_size(const ts_tokenizer *t);

#endif
