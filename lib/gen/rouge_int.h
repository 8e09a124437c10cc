/* Internals shared by rouge.c (the stored set) and rouge_lcs.c. */
#ifndef TS_ROUGE_INT_H
#define TS_ROUGE_INT_H

#include <stdint.h>

#include "tuneset/gen.h"

/* Calls fn(ctx, token, len) (fn may be NULL) for each lowercased token of
 * s; returns the number of tokens. */
typedef void (*tok_fn)(void *ctx, const char *tok, size_t len);
size_t rouge_tokenize(const char *s, size_t n, tok_fn fn, void *ctx);

/* The query's side of the LCS: its masks (`words` words per distinct
 * token), which token ids it has (member bits) and their mask slots. */
typedef struct lcs_q {
    const uint64_t *masks;
    size_t words, m;
    const uint64_t *member;
    const int32_t *slot_of;
} lcs_q;

/* LCS of the query and the token ids b[0..n); v: scratch of q->words. */
size_t lcs_ids(const lcs_q *q, const uint32_t *b, size_t n, uint64_t *v);

#endif
