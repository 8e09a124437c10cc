/* tuneset — dataset statistics: counts per kind, source, language and
 * category; turns and characters per record; preference score gaps; exact
 * duplicates by text hash.
 *
 * Distributions are exact: every record keeps a few doubles in memory
 * (about 40 bytes plus 8 per message) and percentiles come from sorting
 * them, by nearest rank (the p-th percentile of n sorted values is the
 * ceil(p/100 * n)-th). Characters are Unicode code points of message
 * contents (or "text"). Duplicates keep one 64-bit hash per distinct text.
 * Not thread-safe; one collector per run.
 */
#ifndef TUNESET_CURATE_STATS_H
#define TUNESET_CURATE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/json.h"
#include "tuneset/record.h"

/* Counts per string value. */
typedef struct ts_cstats_count {
    uint64_t hash; /* 0 = empty slot */
    const char *key;
    size_t klen;
    uint64_t n;
} ts_cstats_count;

typedef struct ts_cstats_map {
    ts_cstats_count *slots;
    size_t cap, count;
    ts_arena keys;
} ts_cstats_map;

typedef struct ts_cstats_vec {
    double *v;
    size_t n, cap;
} ts_cstats_vec;

typedef struct ts_cstats_dist {
    uint64_t count;
    double min, mean, p50, p90, p99, max;
} ts_cstats_dist;

typedef struct ts_cstats {
    uint64_t records;
    uint64_t kind[TS_REC_TEXT + 1]; /* by ts_rec_kind */
    ts_cstats_map source, lang, category; /* missing values count as "(none)" */
    ts_cstats_vec turns;      /* messages, or prompt + chosen; text records have none */
    ts_cstats_vec rec_chars;  /* all contents: messages, prompt+chosen+rejected, text */
    ts_cstats_vec turn_chars; /* each message's content */
    ts_cstats_vec gap;        /* score_chosen - score_rejected, when both are numbers */
    uint64_t *seen;           /* text hashes (open addressing; 0 = empty) */
    size_t seen_cap, seen_n;
    uint64_t duplicates; /* records whose text was seen before */
    ts_buf text;         /* scratch: the text being hashed */
    /* Token counts (with tuneset stats --tokenizer): set tok after init;
     * borrowed, not freed. Contents are counted as they are, without a
     * chat template. */
    struct ts_tokenizer *tok;
    ts_cstats_vec rec_tokens, turn_tokens;
    uint64_t tok_acc; /* tokens of the record being added */
} ts_cstats;

void ts_cstats_init(ts_cstats *s);
/* Adds one record. Records of unknown kind are counted (records, kinds,
 * sources, languages, categories) but have no text. 0 or TS_ENOMEM (or
 * the tokenizer's error). */
int ts_cstats_add(ts_cstats *s, const ts_json *rec);
/* Summary of a distribution (sorts v in place); count 0 leaves the rest 0. */
void ts_cstats_summarize(ts_cstats_vec *v, ts_cstats_dist *d);
/* The map's entries by count, largest first (ties by key), in a new
 * malloc'ed array of m->count pointers; NULL when empty or out of memory. */
const ts_cstats_count **ts_cstats_sorted(const ts_cstats_map *m);
/* The whole report as one JSON object, or as readable text (top entries
 * of each count). 0 or TS_ENOMEM. */
int ts_cstats_to_json(ts_cstats *s, ts_buf *out);
int ts_cstats_to_text(ts_cstats *s, ts_buf *out);
void ts_cstats_release(ts_cstats *s);

#endif
