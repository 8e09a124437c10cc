/* manifest.json and README.md (a Hugging Face dataset card) of a build.
 * Both are written from the recipe and the counts only: no time, host or
 * absolute path, so the same build gives the same bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "recipe_int.h"
#include "tuneset/io.h"
#include "tuneset/tuneset.h"

static int str(ts_buf *o, const char *s) { return ts_json_write_string(o, s, strlen(s)); }

static const char *step_name(ts_recipe_step_type t)
{
    return t == TS_STEP_PII     ? "pii"
           : t == TS_STEP_CLEAN ? "clean"
           : t == TS_STEP_DEDUP ? "dedup"
           : t == TS_STEP_MIX   ? "mix"
                                : "decontam";
}

static void counts(ts_buf *o, const ts_recipe_counts *c, const char *ind, bool rejected)
{
    uint64_t dropped = 0;
    for (int i = 0; i < c->nrules; i++)
        dropped += c->dropped[i];
    ts_buf_printf(o, "%s\"in\": %" PRIu64 ",\n%s\"out\": %" PRIu64 ",\n", ind, c->in, ind, c->out);
    if (rejected)
        ts_buf_printf(o, "%s\"rejected\": %" PRIu64 ",\n", ind, c->rejected);
    ts_buf_printf(o, "%s\"dropped_total\": %" PRIu64 ",\n%s\"dropped\": {", ind, dropped, ind);
    for (int i = 0; i < c->nrules; i++) {
        ts_buf_printf(o, "%s", i ? ", " : "");
        str(o, c->rule[i]);
        ts_buf_printf(o, ": %" PRIu64, c->dropped[i]);
    }
    ts_buf_printf(o, "}");
}

/* A mix step: per source what was available, the target and what was
 * written, with its share of the step's output (the final mix). */
static void mix_counts(ts_buf *o, const char *by, const ts_mix *m, const ts_recipe_counts *c)
{
    ts_buf_printf(o, "          \"by\": ");
    str(o, by);
    ts_buf_printf(o, ",\n          \"replace\": %s,\n          \"copies_added\": %" PRIu64 ",\n          \"sources\": {",
                  m->replace ? "true" : "false", c->added);
    for (int s = 0; s < m->n; s++) {
        const ts_mix_source *x = &m->src[s];
        ts_buf_printf(o, "%s\n            ", s ? "," : "");
        str(o, x->name);
        ts_buf_printf(o,
                      ": {\"available\": %" PRIu64 ", \"target\": %" PRIu64 ", \"written\": %" PRIu64
                      ", \"share\": %.6f}",
                      x->avail, x->want, x->written, c->out ? (double)x->written / (double)c->out : 0.0);
    }
    ts_buf_printf(o, "\n          },\n");
}

/* , "stats": "sft/train.stats.json" beside "sft/train.jsonl" (or null). */
static void extra_path(ts_buf *o, const char *key, const char *rel, const char *ext)
{
    ts_buf_printf(o, ", \"%s\": ", key);
    if (!rel) {
        ts_buf_printf(o, "null");
        return;
    }
    const char *dot = strrchr(rel, '.');
    char p[600];
    snprintf(p, sizeof p, "%.*s.%s", (int)(dot - rel), rel, ext);
    str(o, p);
}

int recipe_manifest(const ts_recipe *r, const recipe_dataset_result *res, ts_buf *o)
{
    ts_buf_printf(o, "{\n  \"name\": ");
    str(o, r->name);
    ts_buf_printf(o, ",\n  \"recipe\": ");
    str(o, r->path);
    ts_buf_printf(o, ",\n  \"tuneset_version\": ");
    str(o, ts_version());
    ts_buf_printf(o, ",\n  \"seed\": %" PRIu64 ",\n  \"format\": \"%s\",\n  \"datasets\": [", r->seed,
        r->parquet ? "parquet" : "jsonl");
    for (int di = 0; di < r->ndatasets; di++) {
        const ts_recipe_dataset *d = &r->datasets[di];
        const recipe_dataset_result *dr = &res[di];
        ts_buf_printf(o, "%s\n    {\n      \"name\": ", di ? "," : "");
        str(o, d->name);
        ts_buf_printf(o, ",\n      \"sources\": [");
        for (int si = 0; si < d->nsources; si++) {
            const ts_recipe_source *s = &d->sources[si];
            ts_buf_printf(o, "%s\n        {\n          \"format\": \"%s\",\n          \"inputs\": [", si ? "," : "", s->fmt->name);
            for (int pi = 0; pi < s->npaths; pi++) {
                const recipe_input *in = &dr->src[si].inputs[pi];
                ts_buf_printf(o, "%s\n            {\"path\": ", pi ? "," : "");
                str(o, s->paths[pi]);
                ts_buf_printf(o, ", \"size\": %" PRIu64 ", \"hash64\": \"%016" PRIx64 "\"}", in->size, in->hash);
            }
            ts_buf_printf(o, "\n          ],\n");
            counts(o, &dr->src[si].c, "          ", true);
            ts_buf_printf(o, "\n        }");
        }
        ts_buf_printf(o, "\n      ],\n      \"steps\": [");
        for (int i = 0; i < d->nsteps; i++) {
            ts_buf_printf(o, "%s\n        {\n          \"step\": \"%s\",\n", i ? "," : "", step_name(d->steps[i].type));
            for (int k = 0; k < d->steps[i].nbench; k++) {
                ts_buf_printf(o, "%s", k ? ", " : "          \"benchmarks\": [");
                str(o, d->steps[i].bench[k]);
                ts_buf_printf(o, "%s", k + 1 == d->steps[i].nbench ? "],\n" : "");
            }
            if (d->steps[i].type == TS_STEP_DEDUP)
                ts_buf_printf(o, "          \"keep\": \"%s\",\n",
                              d->steps[i].dedup.keep == TS_DEDUP_KEEP_FIRST     ? "first"
                              : d->steps[i].dedup.keep == TS_DEDUP_KEEP_LONGEST ? "longest"
                                                                                : "score");
            if (dr->mix[i])
                mix_counts(o, d->steps[i].mix_by, dr->mix[i], &dr->step[i]);
            counts(o, &dr->step[i], "          ", false);
            ts_buf_printf(o, "\n        }");
        }
        ts_buf_printf(o, "\n      ],\n      \"split\": {\n");
        if (d->group_by) {
            ts_buf_printf(o, "        \"group_by\": ");
            str(o, d->group_by);
            ts_buf_printf(o, ",\n");
        }
        if (d->stratify) {
            ts_buf_printf(o, "        \"stratify\": ");
            str(o, d->stratify);
            ts_buf_printf(o, ",\n");
        }
        counts(o, &dr->split, "        ", false);
        ts_buf_printf(o, "\n      },\n      \"schema_rejected\": %" PRIu64 ",\n      \"outputs\": [", dr->schema_rejected);
        for (int s = 0; s < d->splits.n; s++) {
            char rel[512];
            recipe_split_file(r, di, s, rel, sizeof rel);
            ts_buf_printf(o, "%s\n        {\"split\": ", s ? "," : "");
            str(o, d->splits.name[s]);
            ts_buf_printf(o, ", \"path\": ");
            if (dr->split_rows[s])
                str(o, rel);
            else
                ts_buf_printf(o, "null");
            ts_buf_printf(o, ", \"ratio\": %.6g, \"rows\": %" PRIu64 ", \"bytes\": %" PRIu64, d->splits.ratio[s],
                dr->split_rows[s], dr->split_bytes[s]);
            extra_path(o, "stats", dr->stats[s].len ? rel : NULL, "stats.json");
            extra_path(o, "report", dr->report[s].len ? rel : NULL, "report.html");
            ts_buf_printf(o, "}");
        }
        ts_buf_printf(o, "\n      ]\n    }");
    }
    return ts_buf_printf(o, "\n  ]\n}\n");
}

/* YAML double-quoted scalars take JSON string escapes. */
int recipe_card(const ts_recipe *r, const recipe_dataset_result *res, ts_buf *o)
{
    ts_buf_printf(o, "---\npretty_name: ");
    str(o, r->name);
    ts_buf_printf(o, "\nconfigs:\n");
    for (int di = 0; di < r->ndatasets; di++) {
        const ts_recipe_dataset *d = &r->datasets[di];
        ts_buf_printf(o, "- config_name: ");
        str(o, d->name);
        ts_buf_printf(o, "\n%s  data_files:\n", di ? "" : "  default: true\n");
        for (int s = 0; s < d->splits.n; s++) {
            char rel[512];
            if (!res[di].split_rows[s])
                continue;
            recipe_split_file(r, di, s, rel, sizeof rel);
            ts_buf_printf(o, "  - split: ");
            str(o, d->splits.name[s]);
            ts_buf_printf(o, "\n    path: ");
            str(o, rel);
            ts_buf_printf(o, "\n");
        }
    }
    ts_buf_printf(o, "dataset_info:\n");
    for (int di = 0; di < r->ndatasets; di++) {
        const ts_recipe_dataset *d = &r->datasets[di];
        uint64_t bytes = 0;
        ts_buf_printf(o, "- config_name: ");
        str(o, d->name);
        ts_buf_printf(o, "\n  splits:\n");
        for (int s = 0; s < d->splits.n; s++) {
            if (!res[di].split_rows[s])
                continue;
            ts_buf_printf(o, "  - name: ");
            str(o, d->splits.name[s]);
            ts_buf_printf(o, "\n    num_bytes: %" PRIu64 "\n    num_examples: %" PRIu64 "\n", res[di].split_bytes[s],
                res[di].split_rows[s]);
            bytes += res[di].split_bytes[s];
        }
        ts_buf_printf(o, "  download_size: %" PRIu64 "\n  dataset_size: %" PRIu64 "\n", bytes, bytes);
    }
    ts_buf_printf(o, "---\n\n# %s\n\nBuilt by tuneset %s from the recipe `%s` (seed %" PRIu64 ").\n"
           "Counts per source and step are in `manifest.json`.\n\n| config | split | rows | file |\n|---|---|---|---|\n",
        r->name, ts_version(), r->path, r->seed);
    for (int di = 0; di < r->ndatasets; di++)
        for (int s = 0; s < r->datasets[di].splits.n; s++) {
            char rel[512];
            recipe_split_file(r, di, s, rel, sizeof rel);
            ts_buf_printf(o, "| %s | %s | %" PRIu64 " | %s%s%s |\n", r->datasets[di].name, r->datasets[di].splits.name[s],
                res[di].split_rows[s], res[di].split_rows[s] ? "`" : "", res[di].split_rows[s] ? rel : "(empty: no file)",
                res[di].split_rows[s] ? "`" : "");
        }
    ts_buf_printf(o, "\n## Sources\n\n");
    for (int di = 0; di < r->ndatasets; di++)
        for (int si = 0; si < r->datasets[di].nsources; si++) {
            const ts_recipe_source *s = &r->datasets[di].sources[si];
            ts_buf_printf(o, "- %s: `%s` importer, %" PRIu64 " records in, %" PRIu64 " out\n", r->datasets[di].name,
                s->fmt->name, res[di].src[si].c.in, res[di].src[si].c.out);
        }
    return o->len ? 0 : TS_ENOMEM;
}


int recipe_write_file(const char *dir, const char *name, const ts_buf *text, ts_err *err)
{
    static char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ts_out *o;
    int rc = ts_out_open(&o, path, err);
    if (rc)
        return rc;
    if ((rc = ts_out_write(o, text->data, text->len, err))) {
        ts_out_abort(o);
        return rc;
    }
    return ts_out_commit(o, err);
}
