/* tuneset — assigning records to named splits (train/test/...), streaming.
 *
 * Every decision is a pure function of the seed and the record (plus, with
 * stratification, the running counts of its stratum), so the same input
 * and seed give the same splits, and nothing of the dataset is kept in
 * memory but one small counter row per stratum.
 *
 *   plain:      a seeded hash of the record's string "id" (or, without one,
 *               its 0-based index) picks the split by cumulative ratio.
 *   --group-by: the same, hashing the group key instead, so records that
 *               share a key always land in the same split.
 *   --stratify: per stratum, the hash proposes a split; the proposal is
 *               taken unless that split would run more than one record over
 *               its target share of the stratum, in which case the split
 *               furthest below its target takes the record.
 * Not thread-safe; one splitter per run.
 */
#ifndef TUNESET_CURATE_SPLIT_H
#define TUNESET_CURATE_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "tuneset/hash.h"
#include "tuneset/json.h"

#define TS_SPLIT_MAX 32
#define TS_SPLIT_NAME_MAX 64

typedef struct ts_split_spec {
    int n;
    char name[TS_SPLIT_MAX][TS_SPLIT_NAME_MAX];
    double ratio[TS_SPLIT_MAX]; /* normalized: they sum to 1 */
} ts_split_spec;

/* Parses "train=0.9,test=0.1" (any positive weights; normalized). Names are
 * [A-Za-z0-9_.-], not starting with '.', each used once. Returns 0, or
 * TS_EINVAL with the reason in why. */
int ts_split_parse_ratios(const char *s, ts_split_spec *sp, char *why, size_t cap);

/* The value at a dotted path ("meta.message_tree_id", "source"), or NULL
 * when a step is missing. */
const ts_json *ts_split_field(const ts_json *rec, const char *path);

typedef struct ts_split_stratum {
    uint64_t hash; /* of the stratum key; 0 = empty slot */
    const char *key;
    size_t klen;
    uint64_t total;
    uint64_t count[TS_SPLIT_MAX];
} ts_split_stratum;

typedef struct ts_splitter {
    ts_split_spec spec;
    uint64_t seed;
    const char *group_by; /* dotted path or NULL */
    const char *stratify; /* dotted path or NULL */
    uint64_t count[TS_SPLIT_MAX]; /* records assigned per split */
    ts_split_stratum *strata;
    size_t scap, nstrata;
    ts_arena keys; /* copies of stratum keys */
} ts_splitter;

/* group_by and stratify are dotted paths ("meta.message_tree_id", "id",
 * "source") or NULL; the strings are borrowed. Together they are TS_EINVAL:
 * a group may span strata, and keeping it whole would need a table of
 * every group seen. */
int ts_splitter_init(ts_splitter *s, const ts_split_spec *spec, uint64_t seed, const char *group_by,
                     const char *stratify);
/* Picks the split of rec (index = 0-based position in the input) into
 * *split and counts it. Returns 0, TS_ESCHEMA when a group-by path is set
 * and the record has no usable key there (a string or number; nothing is
 * counted), or TS_ENOMEM. A missing stratify field is its own stratum. */
int ts_splitter_assign(ts_splitter *s, const ts_json *rec, uint64_t index, int *split);
void ts_splitter_release(ts_splitter *s);

/* --- mixing: sources by weight or count, seeded, in two passes ----------
 *
 * Pass one counts the records of each source (ts_mix_count); ts_mix_plan
 * fixes each source's target; pass two asks, record by record, how many
 * copies to write (ts_mix_copies). Both passes must see the same records
 * in the same order. Targets are met exactly:
 *   without replacement: every record is written target / available
 *     times, and target % available distinct records once more, chosen by
 *     selection sampling (each equally likely);
 *   with replacement: target uniform draws of a record index, kept sorted
 *     (8 bytes per output record), written where they fell.
 * Records are written in input order; copies of one record are adjacent.
 */
#define TS_MIX_MAX 64
#define TS_MIX_NAME_MAX 128

typedef struct ts_mix_source {
    char name[TS_MIX_NAME_MAX];
    double weight;  /* --weights, normalized */
    uint64_t want;  /* target records */
    uint64_t avail; /* records in the input (pass one) */
    uint64_t seen, extra_left; /* pass two: records passed, extra copies still to place */
    uint64_t *draws; /* with replacement: sorted record indices */
    size_t next;
    uint64_t rng;
    uint64_t written;
} ts_mix_source;

typedef struct ts_mix {
    int n;
    ts_mix_source src[TS_MIX_MAX];
    int counts;  /* targets given as counts, not weights */
    int replace; /* sample with replacement */
    uint64_t seed;
    const char *by; /* dotted path of the source key; borrowed */
} ts_mix;

/* Parses "a=0.7,b=0.3" (weights: positive numbers, normalized) or, with
 * counts, "a=1000,b=500" (non-negative integers). Names are any text
 * without ',' or '='. 0 or TS_EINVAL with the reason in why. */
int ts_mix_parse(ts_mix *m, const char *spec, int counts, const char *by, uint64_t seed, int replace,
                 char *why, size_t cap);
/* Index of the record's source in m, or -1 when it is not listed. */
int ts_mix_find(const ts_mix *m, const ts_json *rec);
/* Sets targets. With weights, total = 0 means the largest mix that needs no
 * source up-sampled. A source with a target but no records is TS_EINVAL;
 * without replacement, up-sampling repeats records. 0, TS_EINVAL (why), or
 * TS_ENOMEM. */
int ts_mix_plan(ts_mix *m, uint64_t total, char *why, size_t cap);
/* Pass two: copies of the next record of source i. */
uint64_t ts_mix_copies(ts_mix *m, int i);
void ts_mix_release(ts_mix *m);

#endif
