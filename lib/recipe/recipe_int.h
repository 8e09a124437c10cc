/* Internals shared by the recipe's build (build.c) and its manifest and
 * dataset card (manifest.c). */
#ifndef TUNESET_RECIPE_INT_H
#define TUNESET_RECIPE_INT_H

#include <stdio.h>

#include "tuneset/curate_report.h"
#include "tuneset/io.h"
#include "tuneset/parquet_write.h"
#include "tuneset/recipe.h"
#include "tuneset/stream.h"

typedef struct recipe_input {
    const char *path;
    uint64_t size, hash;
} recipe_input;

typedef struct recipe_source_result {
    ts_recipe_counts c; /* in = input rows (or candidates, aggregating) */
    recipe_input inputs[TS_RECIPE_MAX_PATHS];
} recipe_source_result;

typedef struct recipe_dataset_result {
    recipe_source_result src[TS_RECIPE_MAX_SOURCES];
    ts_recipe_counts step[TS_RECIPE_MAX_STEPS];
    uint64_t split_rows[TS_SPLIT_MAX];
    uint64_t split_bytes[TS_SPLIT_MAX];
    ts_recipe_counts split;   /* records without a group key are dropped here */
    uint64_t schema_rejected; /* Parquet: records that did not fit the schema */
    ts_mix *mix[TS_RECIPE_MAX_STEPS];      /* mix steps: per source available/target/written */
    ts_buf stats[TS_SPLIT_MAX], report[TS_SPLIT_MAX]; /* rendered, written at commit */
} recipe_dataset_result;

/* The state of one dataset's build (build.c runs sources and outputs,
 * steps.c the steps). */
typedef struct recipe_bctx {
    ts_recipe *r;
    ts_recipe_dataset *d;
    recipe_dataset_result *res;
    const char *dir; /* the output folder */
    ts_clean *clean[TS_RECIPE_MAX_STEPS];
    ts_dedup *dedup[TS_RECIPE_MAX_STEPS];
    ts_decontam *decontam[TS_RECIPE_MAX_STEPS];
    struct ts_tokenizer *tok[TS_RECIPE_MAX_STEPS]; /* clean steps with token limits */
    FILE *spool[TS_RECIPE_MAX_STEPS]; /* two-pass steps: their input */
    char *spool_path[TS_RECIPE_MAX_STEPS];
    ts_splitter sp;
    uint64_t index;
    ts_out **out;           /* [split] */
    ts_parquet_writer **pq; /* [split] */
    ts_report *rep;         /* [split]: statistics and sample, when wanted */
    ts_buf line;
    ts_arena arena;
    ts_recipe_counts *src; /* the source being read */
    ts_stream *cur;
    ts_err *err;
    int fatal;
} recipe_bctx;

/* Sets b->err (naming the input file and line being read, if any) and
 * b->fatal; returns code. fmt has one %s for what. */
int recipe_fail_at(recipe_bctx *b, int code, const char *fmt, const char *what);
/* Sends rec through steps from..nsteps-1 and into its split's output. A
 * two-pass step holds it in its spool instead. rec may be modified. */
int recipe_run_steps(recipe_bctx *b, ts_json *rec, int from);
/* After every source: decides and replays each two-pass step in order. */
int recipe_finish_steps(recipe_bctx *b);
/* Opens (ts_recipe_build's set-up) and frees the steps' state; frees spools. */
int recipe_steps_open(recipe_bctx *b);
void recipe_steps_close(recipe_bctx *b);
int recipe_write_record(recipe_bctx *b, const ts_json *v);

void recipe_count_drop(ts_recipe_counts *c, const char *rule, uint64_t n);
/* The relative file name of a split's output: "<dataset>/<split>.<ext>". */
void recipe_split_file(const ts_recipe *r, int d, int s, char *out, size_t cap);
/* Appends manifest.json / README.md for a finished build to out. */
int recipe_manifest(const ts_recipe *r, const recipe_dataset_result *res, ts_buf *out);
/* Writes text to DIR/NAME atomically. */
int recipe_write_file(const char *dir, const char *name, const ts_buf *text, ts_err *err);
int recipe_card(const ts_recipe *r, const recipe_dataset_result *res, ts_buf *out);

#endif
