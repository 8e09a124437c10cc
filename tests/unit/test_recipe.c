/* Recipes: parsing (with file:line:column errors) and whole builds on tiny
 * inputs written here, with known counts and byte-identical reruns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "tuneset/recipe.h"

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/ts_recipe_XXXXXX");
        if (!mkdtemp(tmpdir))
            abort();
    }
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static const char *write_tmp(const char *name, const char *text)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
    return p;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *n = fread(buf, 1, sizeof buf - 1, f);
    buf[*n] = 0;
    fclose(f);
    char *out = malloc(*n + 1);
    memcpy(out, buf, *n + 1);
    return out;
}

static int load(const char *text, ts_recipe *r, ts_err *e)
{
    const char *p = write_tmp("r.yaml", text);
    *e = (ts_err)TS_ERR_INIT;
    return ts_recipe_load(r, p, e);
}

TEST(recipe_parse_full)
{
    ts_recipe r;
    ts_err e;
    int rc = load("name: demo\nseed: 7\noutputs: {dir: out, format: parquet}\n"
                  "sources:\n  - format: oasst1\n    paths: [a.jsonl, b.jsonl]\n"
                  "    options: {kind: pref, top-k: 2, pairs: best-worst}\n"
                  "steps:\n  - pii: {mode: drop}\n  - clean: {min_chars: 5, trim: false}\n"
                  "  - dedup: {exact_only: true, threshold: 0.7}\n"
                  "splits: {train: 3, test: 1, group_by: meta.message_tree_id}\n",
                  &r, &e);
    CHECK_INT(rc, 0);
    CHECK_STR(r.name, "demo");
    CHECK_INT(r.seed, 7);
    CHECK(r.parquet);
    CHECK_STR(r.out_dir, "out");
    CHECK_INT(r.ndatasets, 1);
    const ts_recipe_dataset *d = &r.datasets[0];
    CHECK_STR(d->name, "demo");
    CHECK_INT(d->nsources, 1);
    CHECK_STR(d->sources[0].fmt->name, "oasst1");
    CHECK_INT(d->sources[0].npaths, 2);
    CHECK_STR(d->sources[0].paths[1], "b.jsonl");
    CHECK_INT(d->sources[0].opts.kind, TS_KIND_PREF);
    CHECK_INT(d->sources[0].opts.top_k, 2);
    CHECK_INT(d->sources[0].opts.seed, 7);
    CHECK_STR(d->sources[0].opts.pairs, "best-worst");
    CHECK_INT(d->nsteps, 3);
    CHECK_INT(d->steps[0].type, TS_STEP_PII);
    CHECK_INT(d->steps[0].pii_mode, TS_PII_DROP);
    CHECK_INT(d->steps[1].clean.min_chars, 5);
    CHECK(!d->steps[1].clean.trim);
    CHECK(d->steps[2].dedup.exact_only);
    CHECK(d->steps[2].dedup.threshold == 0.7);
    CHECK_INT(d->steps[2].dedup.seed, 7);
    CHECK_INT(d->splits.n, 2);
    CHECK_STR(d->splits.name[1], "test");
    CHECK(d->splits.ratio[0] == 0.75);
    CHECK_STR(d->group_by, "meta.message_tree_id");
    ts_recipe_release(&r);
}

/* Each error names the recipe, the line and the column of the bad node. */
static void check_error(const char *text, const char *want_suffix)
{
    ts_recipe r;
    ts_err e;
    int rc = load(text, &r, &e);
    ts_recipe_release(&r);
    char want[512];
    snprintf(want, sizeof want, "%s:%s", tmp_path("r.yaml"), want_suffix);
    if (rc != TS_EINVAL || strcmp(e.msg, want))
        test_fail(__FILE__, __LINE__, "rc %d msg '%s', expected '%s'", rc, e.msg, want);
}

TEST(recipe_errors_have_positions)
{
    check_error("name: x\noutputs: {dir: o}\nsources:\n  - format: nope\n    paths: [a]\n",
                "4:13: unknown format 'nope' (see 'tuneset import --list')");
    check_error("name: x\nbogus: 1\n", "2:1: unknown key 'bogus' (name, seed, sources, steps, splits, outputs, datasets)");
    check_error("name: x\noutputs: {dir: o}\nsources: [{format: alpaca, paths: [a]}]\nsteps:\n  - dedup: {threshold: 2}\n",
                "5:24: threshold must be in (0, 1]");
    check_error("name: x\noutputs: {dir: o, format: csv}\n", "2:27: outputs.format must be jsonl or parquet");
    check_error("name: x\noutputs: {dir: o}\nsources: [{format: alpaca, paths: [a]}]\nsteps: [{sort: {}}]\n",
                "4:10: unknown step 'sort' (pii, clean, dedup, decontam, mix)");
    check_error("name: x\nseed: -1\n", "2:7: seed must be a non-negative integer");
    check_error("name: x\noutputs: {dir: o}\nsources: [{format: alpaca, paths: [a]}]\nsplits: {train: 1, x/y: 1}\n",
                "4:9: splits: split names are letters, digits, '_', '-' and '.', not 'x/y'");
    check_error("name: x\noutputs: {dir: o}\nsources: [{format: dolly, paths: [a], options: {kind: pref}}]\n",
                "3:20: format 'dolly' makes only sft records");
}

TEST(recipe_yaml_syntax_error)
{
    ts_recipe r;
    ts_err e;
    int rc = load("name: x\nsources: [a, b\n", &r, &e);
    ts_recipe_release(&r);
    CHECK_INT(rc, TS_EINVAL);
    CHECK(strstr(e.msg, "r.yaml:3:1: YAML: ") != NULL);
    CHECK_INT(e.line, 3);
}

static const char *dolly_rows =
    "{\"instruction\": \"Say hi.\", \"context\": \"\", \"response\": \"Hi!\", \"category\": \"open_qa\"}\n"
    "{\"instruction\": \"Mail me at ann@example.com\", \"context\": \"\", \"response\": \"Sure.\", \"category\": \"open_qa\"}\n"
    "{\"instruction\": \"Say  HI.\", \"context\": \"\", \"response\": \"Hi!\", \"category\": \"open_qa\"}\n"
    "{\"instruction\": \"Name a color.\", \"context\": \"\", \"response\": \"Blue.\", \"category\": \"open_qa\"}\n"
    "not json\n"
    "{\"instruction\": \"Name a fruit.\", \"context\": \"\", \"response\": \"A pear.\", \"category\": \"open_qa\"}\n";

static int build_to(const char *out, ts_err *e)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nseed: 3\noutputs: {dir: %s}\nsources:\n  - format: dolly\n    paths: [%s]\n"
             "steps:\n  - pii: {mode: drop}\n  - dedup: {exact_only: true}\n"
             "splits: {train: 0.5, test: 0.5}\n",
             out, tmp_path("dolly.jsonl"));
    write_tmp("dolly.jsonl", dolly_rows);
    ts_recipe r;
    *e = (ts_err)TS_ERR_INIT;
    int rc = load(text, &r, e);
    if (!rc)
        rc = ts_recipe_build(&r, NULL, e);
    ts_recipe_release(&r);
    return rc;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

TEST(recipe_build_counts_and_same_bytes)
{
    ts_err e;
    char out1[256], out2[256];
    snprintf(out1, sizeof out1, "%s", tmp_path("o1"));
    snprintf(out2, sizeof out2, "%s", tmp_path("o2"));
    CHECK_INT(build_to(out1, &e), 0);
    CHECK_INT(build_to(out2, &e), 0);
    const char *files[] = {"manifest.json", "README.md", "t/train.jsonl", "t/test.jsonl"};
    int rows = 0;
    for (int i = 0; i < 4; i++) {
        char p1[512], p2[512];
        size_t n1 = 0, n2 = 0;
        snprintf(p1, sizeof p1, "%s/%s", out1, files[i]);
        snprintf(p2, sizeof p2, "%s/%s", out2, files[i]);
        char *a = slurp(p1, &n1), *b = slurp(p2, &n2);
        bool same = a && b && n1 == n2 && !memcmp(a, b, n1);
        if (i >= 2)
            rows += count_lines(a);
        if (i == 0) {
            /* 6 lines: 1 bad JSON, 1 e-mail (pii drop), 1 exact duplicate
             * after normalization ("Say  HI." = "Say hi."), 3 written. */
            CHECK(a && strstr(a, "\"in\": 6,\n          \"out\": 5,\n          \"rejected\": 1,"));
            CHECK(strstr(a, "\"dropped\": {\"pii\": 1}"));
            CHECK(strstr(a, "\"dropped\": {\"exact_duplicate\": 1}"));
            CHECK(strstr(a, "\"seed\": 3,"));
            CHECK(strstr(a, "\"size\": 469, \"hash64\": \""));
        }
        if (i == 1) {
            static const char head[] = "---\npretty_name: \"t\"\nconfigs:\n- config_name: \"t\"\n";
            CHECK(a && !strncmp(a, head, sizeof head - 1));
        }
        free(a);
        free(b);
        CHECK(same);
    }
    CHECK_INT(rows, 3);
}

TEST(recipe_build_missing_input_names_it)
{
    ts_recipe r;
    ts_err e;
    char text[512];
    snprintf(text, sizeof text, "name: m\noutputs: {dir: %s}\nsources: [{format: alpaca, paths: [%s]}]\n",
             tmp_path("om"), tmp_path("missing.json"));
    CHECK_INT(load(text, &r, &e), 0);
    int rc = ts_recipe_build(&r, NULL, &e);
    ts_recipe_release(&r);
    CHECK_INT(rc, TS_ENOENT);
    CHECK(strstr(e.msg, "missing.json") != NULL);
    /* Nothing is committed when the build fails. */
    char p[512];
    snprintf(p, sizeof p, "%s/manifest.json", tmp_path("om"));
    CHECK(access(p, F_OK) != 0);
}

TEST(recipe_decontam_step)
{
    write_tmp("bench.jsonl", "{\"question\": \"How many legs does a spider have in total?\", \"answer\": \"8\"}\n");
    write_tmp("d2.jsonl",
              "{\"instruction\": \"Quick: how many legs does a spider have?\", \"context\": \"\", \"response\": \"8\", \"category\": \"open_qa\"}\n"
              "{\"instruction\": \"Name a color.\", \"context\": \"\", \"response\": \"Blue.\", \"category\": \"open_qa\"}\n");
    char text[1024];
    snprintf(text, sizeof text,
             "name: dc\noutputs: {dir: %s}\nsources: [{format: dolly, paths: [%s]}]\n"
             "steps:\n  - decontam: {benchmarks: [%s], fields: [question], ngram: 5}\n",
             tmp_path("od"), tmp_path("d2.jsonl"), tmp_path("bench.jsonl"));
    ts_recipe r;
    ts_err e;
    CHECK_INT(load(text, &r, &e), 0);
    CHECK_INT(r.datasets[0].steps[0].type, TS_STEP_DECONTAM);
    CHECK_INT(r.datasets[0].steps[0].decontam.ngram, 5);
    int rc = ts_recipe_build(&r, NULL, &e);
    ts_recipe_release(&r);
    CHECK_INT(rc, 0);
    char p[512];
    size_t n;
    snprintf(p, sizeof p, "%s/manifest.json", tmp_path("od"));
    char *m = slurp(p, &n);
    CHECK(m && strstr(m, "\"dropped\": {\"contaminated\": 1}"));
    free(m);
    snprintf(p, sizeof p, "%s/dc/train.jsonl", tmp_path("od"));
    m = slurp(p, &n);
    CHECK(m && count_lines(m) == 1 && strstr(m, "Name a color."));
    free(m);

    /* A missing benchmark stops the build before anything is written. */
    snprintf(text, sizeof text,
             "name: dc\noutputs: {dir: %s}\nsources: [{format: dolly, paths: [%s]}]\n"
             "steps: [{decontam: {benchmarks: [%s]}}]\n",
             tmp_path("od2"), tmp_path("d2.jsonl"), tmp_path("nobench.jsonl"));
    CHECK_INT(load(text, &r, &e), 0);
    rc = ts_recipe_build(&r, NULL, &e);
    ts_recipe_release(&r);
    CHECK(rc != 0);
    CHECK(strstr(e.msg, "nobench.jsonl") != NULL);
}
