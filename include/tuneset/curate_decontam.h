/* tuneset — decontamination: drop records that share a word n-gram with a
 * benchmark item. See docs/curate_decontam.md.
 *
 * Text is normalized (ASCII lowercased, ASCII and common Unicode
 * punctuation and whitespace are word breaks) and each word hashed; the
 * 64-bit hashes of every benchmark n-gram go into one set, built once,
 * and records are then looked up n-gram by n-gram. A benchmark item with
 * fewer than n words is one n-gram of all its words (so it matches a
 * record turn holding those words in a row). Not thread-safe.
 */
#ifndef TUNESET_CURATE_DECONTAM_H
#define TUNESET_CURATE_DECONTAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/json.h"
#include "tuneset/stream.h"

/* --- normalized words ----------------------------------------------------- */

/* Normalized words, joined by one space in norm, with each word's hash
 * and its [start, end) in norm. Reused between texts. */
typedef struct ts_decontam_words {
    ts_buf norm;
    uint64_t *hash;
    size_t *start, *end;
    size_t n, cap;
} ts_decontam_words;

void ts_decontam_words_init(ts_decontam_words *w);
void ts_decontam_words_release(ts_decontam_words *w);
void ts_decontam_words_reset(ts_decontam_words *w);
/* Appends the words of s[0..n). 0 or TS_ENOMEM. */
int ts_decontam_words_add(ts_decontam_words *w, const char *s, size_t n);
/* Hash of the k words starting at word i (k >= 1, i + k <= w->n). */
uint64_t ts_decontam_ngram_hash(const ts_decontam_words *w, size_t i, size_t k);
/* The same hashes for i = 0, 1, ... in O(1) each (rolling). */
typedef struct ts_decontam_roll {
    const ts_decontam_words *w;
    size_t k, i;
    uint64_t h, top;
} ts_decontam_roll;
void ts_decontam_roll_init(ts_decontam_roll *r, const ts_decontam_words *w, size_t k);
/* The hash of the k words at the next position; false past the end. */
bool ts_decontam_roll_next(ts_decontam_roll *r, uint64_t *hash);

/* --- the checker ---------------------------------------------------------- */

typedef enum { TS_DECONTAM_CHECK_ALL, TS_DECONTAM_CHECK_PROMPT, TS_DECONTAM_CHECK_RESPONSE } ts_decontam_check;

typedef struct ts_decontam_opts {
    uint32_t ngram;                  /* words per n-gram (13) */
    ts_decontam_check check;         /* which turns of a record (all) */
    const char *const *bench_fields; /* top-level benchmark keys; NULL = every string */
    size_t nbench_fields;
} ts_decontam_opts;

void ts_decontam_opts_default(ts_decontam_opts *o);

typedef struct ts_decontam ts_decontam;

/* TS_EINVAL for ngram 0 or above 1000. bench_fields are copied. */
int ts_decontam_new(ts_decontam **out, const ts_decontam_opts *o);
void ts_decontam_free(ts_decontam *d);

/* Adds one benchmark item: the n-grams of its chosen fields, in order
 * (strings found recursively in arrays and objects). file names it in
 * matches (copied); line is its 1-based line or row. Its id is the first
 * of "id", "task_id", "question_id", "problem_id" that is a string or
 * number (not part of the default text). Items without words are skipped. */
int ts_decontam_add_item(ts_decontam *d, const ts_json *row, const char *file, uint64_t line);
/* Adds every row of a benchmark file (JSONL, JSON array, Parquet; any
 * codec). A bad row or a read error stops with err filled. */
int ts_decontam_load(ts_decontam *d, const char *path, const ts_stream_opts *so, ts_err *err);
size_t ts_decontam_item_count(const ts_decontam *d);
size_t ts_decontam_ngram_count(const ts_decontam *d);

typedef struct ts_decontam_match {
    const char *file;     /* benchmark file, NUL-terminated */
    uint64_t line;        /* its line or row (1-based) */
    const char *bench_id; /* its JSON text (quoted string or number); NULL = none */
    size_t bench_id_len;
    const char *field;    /* "prompt", "response" or "text" */
    const char *ngram;    /* the record's matching words, normalized */
    size_t ngram_len;
} ts_decontam_match;

/* 1 when rec shares an n-gram with a benchmark item (m filled; its
 * strings are valid until the next call or ts_decontam_free), 0 when not,
 * TS_ENOMEM. SFT: prompt = every non-assistant turn, response = the
 * assistant turns; preference: prompt vs chosen + rejected; a "text"
 * record is always checked. N-grams never cross turns. */
int ts_decontam_check_record(ts_decontam *d, const ts_json *rec, ts_decontam_match *m);
/* The same for one plain string. */
int ts_decontam_check_text(ts_decontam *d, const char *s, size_t n, const char *field, ts_decontam_match *m);

#endif
