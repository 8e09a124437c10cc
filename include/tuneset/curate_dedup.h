/* tuneset — deduplication: exact (hash of normalized text) and near
 * duplicates (MinHash signatures + LSH banding, candidates verified by
 * their estimated Jaccard similarity). See docs/curate_dedup.md.
 *
 * Records are decided greedily in priority order (input order for
 * keep=first; longest or highest score first otherwise): a record is
 * removed when it matches a record already kept, so every removal names a
 * kept record. Not thread-safe; one ts_dedup per run.
 */
#ifndef TUNESET_CURATE_DEDUP_H
#define TUNESET_CURATE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/json.h"

/* --- MinHash primitives -------------------------------------------------- */

typedef struct ts_minhash {
    uint32_t perms;
    uint64_t *a, *b; /* per permutation: h -> high 32 bits of a*h + b (a odd) */
} ts_minhash;

int ts_minhash_init(ts_minhash *m, uint32_t perms, uint64_t seed);
void ts_minhash_release(ts_minhash *m);
/* sig[0..perms) = minimum over the n shingle hashes of each permutation;
 * all 0xFFFFFFFF when n == 0. */
void ts_minhash_sign(const ts_minhash *m, const uint64_t *shingles, size_t n, uint32_t *sig);
/* Share of equal positions: the estimate of the Jaccard similarity. */
double ts_minhash_similarity(const uint32_t *a, const uint32_t *b, uint32_t perms);
/* Hashes of the word n-grams of nwords word hashes (one shingle of all the
 * words when there are fewer than n). out has room for max(nwords-n+1, 1).
 * Returns the count (0 when nwords == 0). */
size_t ts_minhash_shingles(const uint64_t *words, size_t nwords, uint32_t n, uint64_t *out);
/* The bands x rows (bands * rows == perms) for a threshold: the most rows
 * per band whose S-curve still makes a pair at exactly the threshold a
 * candidate with probability >= 0.9 (candidates are verified afterwards). */
void ts_minhash_lsh_params(uint32_t perms, double threshold, uint32_t *bands, uint32_t *rows);

/* --- text normalization --------------------------------------------------- */

typedef enum { TS_DEDUP_FIELDS_ALL, TS_DEDUP_FIELDS_FIRST_USER, TS_DEDUP_FIELDS_PROMPT } ts_dedup_fields;

/* The normalized text of a record's chosen fields (ASCII lowercased,
 * whitespace runs collapsed to one space, trimmed; turns separated by
 * "\x1e") and the hash of each word. Reused between records. */
typedef struct ts_dedup_text {
    ts_buf norm;
    uint64_t *words;
    size_t nwords, capwords;
    bool keys_only; /* skip the word hashes (exact dedup only) */
    bool slack;     /* strings given may be read 32 bytes past their end
                       (ts_dedup_text_of_picked sets it: the pick's buffer
                       has the room), so short turns take the wide path */
} ts_dedup_text;

void ts_dedup_text_init(ts_dedup_text *t);
void ts_dedup_text_release(ts_dedup_text *t);
/* Fills t from rec: all text (SFT messages, prompt+chosen+rejected, or
 * text), the first user turn, or the prompt (for SFT: every turn before
 * the last assistant turn). 0 or TS_ENOMEM. */
int ts_dedup_text_of(ts_dedup_text *t, const ts_json *rec, ts_dedup_fields f);
/* The same from a record scanned with a pick from ts_dedup_pick_new (no
 * tree): the pick holds the record's fields. */
int ts_dedup_text_of_picked(ts_dedup_text *t, const ts_json_pick *k, ts_dedup_fields f);
/* A picking scanner for the keys dedup reads (fields, id, scores). */
ts_json_pick *ts_dedup_pick_new(const ts_json_opts *opts);
/* The record's "id" string from such a pick, or NULL. */
const char *ts_dedup_picked_id(const ts_json_pick *k, size_t *len);
/* keep=score's score: score_chosen, else meta.score; -inf without one. */
double ts_dedup_picked_score(const ts_json_pick *k);
double ts_dedup_score_of(const ts_json *rec);
/* Appends one segment (a turn) to t; for callers with plain strings. */
int ts_dedup_text_add(ts_dedup_text *t, const char *s, size_t n);

/* --- the deduplicator ---------------------------------------------------- */

typedef enum { TS_DEDUP_KEEP_FIRST, TS_DEDUP_KEEP_LONGEST, TS_DEDUP_KEEP_SCORE } ts_dedup_keep;

typedef struct ts_dedup_opts {
    ts_dedup_fields fields;
    ts_dedup_keep keep;
    bool exact_only;
    uint32_t ngram;   /* words per shingle (5) */
    uint32_t perms;   /* MinHash permutations (128) */
    uint32_t bands;   /* 0 = chosen from perms and threshold */
    uint32_t rows;
    double threshold; /* estimated Jaccard for a near duplicate (0.8) */
    uint64_t seed;
    bool keep_ids;    /* copy each record's id for ts_dedup_id (true) */
} ts_dedup_opts;

void ts_dedup_opts_default(ts_dedup_opts *o);

typedef enum { TS_DEDUP_PENDING, TS_DEDUP_KEPT, TS_DEDUP_EXACT, TS_DEDUP_NEAR } ts_dedup_kind;

typedef struct ts_dedup_verdict {
    ts_dedup_kind kind;
    uint64_t match;    /* the kept record (index) a removed one duplicates */
    double similarity; /* 1 for exact; the estimate for near */
} ts_dedup_verdict;

typedef struct ts_dedup ts_dedup;

/* TS_EINVAL for options out of range (bands*rows != perms, ngram 0, ...). */
int ts_dedup_new(ts_dedup **out, const ts_dedup_opts *o);
void ts_dedup_free(ts_dedup *d);
void ts_dedup_bands(const ts_dedup *d, uint32_t *bands, uint32_t *rows);
/* Adds the next record (index = records added before). With keep=first
 * the verdict is final at once; otherwise it is PENDING until
 * ts_dedup_resolve. The record's "id" string is copied for ts_dedup_id. */
int ts_dedup_add(ts_dedup *d, const ts_json *rec, ts_dedup_verdict *v);
/* The same for a record scanned with a pick from ts_dedup_pick_new. */
int ts_dedup_add_picked(ts_dedup *d, const ts_json_pick *k, ts_dedup_verdict *v);
/* Same with the text given directly (score used by keep=score). */
int ts_dedup_add_text(ts_dedup *d, const ts_dedup_text *t, double score, const char *id,
                      size_t idlen, ts_dedup_verdict *v);
/* Decides every pending record. 0 or TS_ENOMEM. */
int ts_dedup_resolve(ts_dedup *d);
void ts_dedup_verdict_of(const ts_dedup *d, uint64_t i, ts_dedup_verdict *v);
uint64_t ts_dedup_count(const ts_dedup *d);
/* The copied id of record i, or NULL when it had none (or keep_ids is off). */
const char *ts_dedup_id(const ts_dedup *d, uint64_t i, size_t *len);

#endif
