/* tuneset — recipes: one YAML file describes a whole dataset build
 * (sources -> steps -> splits -> outputs), run streaming in one process.
 * See docs/recipes.md for the format.
 *
 * Relative paths (inputs and outputs.dir) are taken from the current
 * directory, as written, so the manifest names them the same way on every
 * machine. Same recipe + same inputs = same output bytes: nothing in the
 * outputs depends on time, the host or absolute paths.
 * Not thread-safe; one ts_recipe per build.
 */
#ifndef TUNESET_RECIPE_H
#define TUNESET_RECIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/curate_clean.h"
#include "tuneset/curate_decontam.h"
#include "tuneset/curate_dedup.h"
#include "tuneset/curate_pii.h"
#include "tuneset/curate_split.h"
#include "tuneset/error.h"
#include "tuneset/format.h"

#define TS_RECIPE_MAX_DATASETS 8
#define TS_RECIPE_MAX_SOURCES 16
#define TS_RECIPE_MAX_PATHS 32
#define TS_RECIPE_MAX_STEPS 16

typedef enum { TS_STEP_PII, TS_STEP_CLEAN, TS_STEP_DEDUP, TS_STEP_DECONTAM, TS_STEP_MIX } ts_recipe_step_type;

#define TS_RECIPE_MAX_BENCH 16

typedef struct ts_recipe_step {
    ts_recipe_step_type type;
    ts_pii_mode pii_mode;
    ts_clean_opts clean;
    ts_dedup_opts dedup;
    ts_decontam_opts decontam; /* bench_fields point into fields below */
    int nbench, nfields;
    const char *bench[TS_RECIPE_MAX_BENCH];  /* benchmark files */
    const char *fields[TS_RECIPE_MAX_BENCH]; /* their keys to read; none = every string */
    /* mix: "name=value,..." as ts_mix_parse reads it; counts or weights */
    const char *mix_spec, *mix_by;
    bool mix_counts, mix_replace;
    uint64_t mix_total; /* weights: output size; 0 = largest without up-sampling */
    const char *tokenizer; /* clean: tokenizer.json for the token limits, or NULL */
} ts_recipe_step;

typedef struct ts_recipe_source {
    const ts_format *fmt;
    ts_import_opts opts;
    int npaths;
    const char *paths[TS_RECIPE_MAX_PATHS];
} ts_recipe_source;

typedef struct ts_recipe_dataset {
    const char *name; /* also the config name and the output subfolder */
    int nsources, nsteps;
    ts_recipe_source sources[TS_RECIPE_MAX_SOURCES];
    ts_recipe_step steps[TS_RECIPE_MAX_STEPS];
    ts_split_spec splits;
    const char *group_by, *stratify; /* dotted paths or NULL */
} ts_recipe_dataset;

typedef struct ts_recipe {
    const char *path; /* the recipe file, as given (borrowed) */
    const char *name;
    uint64_t seed;
    const char *out_dir;
    bool parquet; /* outputs.format: parquet; else jsonl */
    bool stats, report; /* per split <split>.stats.json / <split>.report.html (default on) */
    uint64_t report_sample; /* records shown: the first N and N at random (20) */
    int ndatasets;
    ts_recipe_dataset datasets[TS_RECIPE_MAX_DATASETS];
    ts_arena strings; /* copies of every string above */
} ts_recipe;

/* Parses the YAML recipe at path (kept borrowed in r->path). Errors are
 * TS_EINVAL (or TS_ENOENT / TS_EIO / TS_ENOMEM) with err->file = path,
 * err->line set and err->msg = "PATH:LINE:COLUMN: reason". Call
 * ts_recipe_release afterwards in every case. */
int ts_recipe_load(ts_recipe *r, const char *path, ts_err *err);
void ts_recipe_release(ts_recipe *r);

/* Counts of one stage: records in, out, and dropped per rule. */
#define TS_RECIPE_MAX_RULES 24
typedef struct ts_recipe_counts {
    uint64_t in, out, rejected;
    uint64_t added; /* mix: extra copies of up-sampled records (in + added = out + dropped) */
    int nrules;
    const char *rule[TS_RECIPE_MAX_RULES]; /* static strings */
    uint64_t dropped[TS_RECIPE_MAX_RULES];
} ts_recipe_counts;

/* Builds every dataset of r into r->out_dir (out_dir, when not NULL,
 * replaces it): DIR/<dataset>/<split>.jsonl|.parquet (with
 * <split>.stats.json and <split>.report.html unless turned off),
 * DIR/manifest.json and DIR/README.md. Two-pass steps (mix, dedup with
 * keep: longest|score) spool their input to DIR/<dataset>/.spool-N.jsonl,
 * removed afterwards. Every file is written atomically and committed only
 * when the whole build succeeded. On failure err says why (with the input
 * file and line when a record stopped the build). */
int ts_recipe_build(ts_recipe *r, const char *out_dir, ts_err *err);

#endif
