/* Internals shared by the recipe's build (build.c) and its manifest and
 * dataset card (manifest.c). */
#ifndef TUNESET_RECIPE_INT_H
#define TUNESET_RECIPE_INT_H

#include "tuneset/recipe.h"

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
} recipe_dataset_result;

void recipe_count_drop(ts_recipe_counts *c, const char *rule, uint64_t n);
/* The relative file name of a split's output: "<dataset>/<split>.<ext>". */
void recipe_split_file(const ts_recipe *r, int d, int s, char *out, size_t cap);
/* Appends manifest.json / README.md for a finished build to out. */
int recipe_manifest(const ts_recipe *r, const recipe_dataset_result *res, ts_buf *out);
/* Writes text to DIR/NAME atomically. */
int recipe_write_file(const char *dir, const char *name, const ts_buf *text, ts_err *err);
int recipe_card(const ts_recipe *r, const recipe_dataset_result *res, ts_buf *out);

#endif
