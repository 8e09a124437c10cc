/* tuneset — dataset importers: one ts_format per native dataset format.
 *
 * Adding a format is one new file in lib/formats/ (defining a
 * `const ts_format ts_format_<name>`) and one row in lib/formats/registry.c.
 *
 * The driver (the `import` command, or a recipe) streams the input files
 * and calls, per file, begin_file(), then record() for each parsed input
 * record, and after the last file finish(). The importer answers through
 * the sink: for every input record it calls exactly one of emit() (one or
 * more times), drop(rule) or reject(why) — so the counts add up:
 * read = written + dropped + rejected. Formats that gather records before
 * writing (OASST1 trees) set `aggregates`: their unit of account is then
 * declared in `unit` (e.g. "thread"), they call sink->read() once per
 * candidate they consider, and the driver reports input rows separately
 * (a rejected input row counts as one read and one rejected).
 *
 * Output records borrow freely from the input value (valid during the
 * call) and from the arena passed in; the sink copies what it keeps.
 */
#ifndef TUNESET_FORMAT_H
#define TUNESET_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "tuneset/json.h"

typedef enum ts_kind { TS_KIND_DEFAULT, TS_KIND_SFT, TS_KIND_PREF } ts_kind;

/* Every importer option, in one place; each format reads the ones it
 * lists in ts_format.options and ignores the rest. Zero/NULL = default. */
typedef struct ts_import_opts {
    ts_kind kind;
    uint64_t seed;
    /* oasst1 */
    int top_k;                 /* 0 = follow every reply */
    const char *pairs;         /* "all" (default), "adjacent", "best-worst" */
    const char *lang;          /* comma-separated root languages, NULL = all */
    /* sharegpt */
    bool clean;
    const char *blocked_words; /* file, one phrase a line; NULL = default list */
    /* s1k */
    const char *trace;         /* "gemini" | "deepseek" | NULL (original) */
    /* shp */
    double min_score_ratio;    /* < 0 = default 2.0 */
    int64_t max_pairs_per_post; /* < 0 = default 5; 0 = no cap */
    /* ultrafeedback */
    const char *score;         /* "mean" (default) | "overall" | aspect name */
    const char *rejected;      /* "random" (default) | "worst" */
    const char *drop_source;   /* comma-separated source names */
} ts_import_opts;

/* Initializes opts to the documented defaults. */
void ts_import_opts_init(ts_import_opts *o);

typedef struct ts_sink {
    /* Writes one output record (copied out before returning). */
    int (*emit)(void *ctx, const ts_json *rec);
    /* The current input record is dropped by a named rule (static string). */
    void (*drop)(void *ctx, const char *rule);
    /* The current input record is malformed for this format; why says
     * what is wrong ("missing field 'instruction'"). */
    int (*reject)(void *ctx, const char *why);
    /* Aggregating formats: one more candidate considered. */
    void (*read)(void *ctx);
    /* Aggregating formats: n candidates dropped by rule at once. */
    void (*drop_n)(void *ctx, const char *rule, uint64_t n);
    void *ctx;
    /* A step edited the current record without dropping it (ShareGPT's
     * cleaning); counted per record under "steps" in the stats. May be
     * NULL: call through fmt_step(). */
    void (*step)(void *ctx, const char *name);
} ts_sink;

typedef struct ts_format {
    const char *name;    /* "alpaca" */
    const char *summary; /* one line for `import --list` */
    const char *kinds;   /* "sft", "pref" or "sft,pref"; the first is the default */
    const char *options; /* comma-separated option names it reads, e.g. "top-k,pairs,lang" */
    /* The top-level fields the format reads, NULL-terminated, so a Parquet
     * input decodes only those columns; NULL = every column. */
    const char *const *columns;
    bool aggregates;
    const char *unit;    /* unit of `read` when aggregating */
    /* 0..100: how sure this format is that `first` (the first input record)
     * is one of its rows. Used by `import auto`. */
    int (*detect)(const ts_json *first);
    int (*open)(void **state, const ts_import_opts *o, ts_err *err);
    /* path as given ("-" for stdin); formats may take meta from it
     * (hh-rlhf's subset folder). May be NULL. */
    int (*begin_file)(void *state, const char *path, ts_err *err);
    /* One input record. Return 0, or a negative code for a fatal problem
     * (err filled) that should stop the run. */
    int (*record)(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err);
    /* After the last input: emit what was gathered. May be NULL. */
    int (*finish)(void *state, ts_sink *sink, ts_arena *a, ts_err *err);
    void (*close)(void *state);
} ts_format;

/* NULL when unknown. */
const ts_format *ts_format_find(const char *name);
/* All formats, in `import --list` order; *n set to the count. */
const ts_format *const *ts_format_all(size_t *n);
/* Best format for a first record, or NULL when none scores above 0. */
const ts_format *ts_format_detect(const ts_json *first, int *score);

#endif
