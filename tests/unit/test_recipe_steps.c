/* Recipe builds with the two-pass steps (mix; dedup keep: longest|score)
 * and the per-split stats.json / report.html, on tiny inputs written here
 * with known answers. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "tuneset/recipe.h"

static char dir[64];

static const char *path_of(const char *name)
{
    static char buf[4][300];
    static int k;
    if (!dir[0]) {
        strcpy(dir, "/tmp/ts_rsteps_XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "wb");
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static char *out_file(const char *out, const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", out, name);
    return slurp(p);
}

static int count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; p && (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* Builds text (a recipe; %s = the output folder) into path_of(out). */
static int build(const char *text, const char *out, ts_err *e)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, text, path_of(out));
    put("r.yaml", yaml);
    ts_recipe r;
    *e = (ts_err)TS_ERR_INIT;
    int rc = ts_recipe_load(&r, path_of("r.yaml"), e);
    if (!rc)
        rc = ts_recipe_build(&r, NULL, e);
    ts_recipe_release(&r);
    return rc;
}

static void two_sources(void)
{
    put("a.jsonl", "{\"instruction\": \"Name a planet.\", \"input\": \"\", \"output\": \"Mars.\"}\n"
                   "{\"instruction\": \"Name a metal.\", \"input\": \"\", \"output\": \"Iron.\"}\n");
    put("d.jsonl", "{\"instruction\": \"Say hi.\", \"context\": \"\", \"response\": \"Hi!\", \"category\": \"x\"}\n"
                   "{\"instruction\": \"Name a color.\", \"context\": \"\", \"response\": \"Blue.\", \"category\": \"x\"}\n"
                   "{\"instruction\": \"Name a fruit.\", \"context\": \"\", \"response\": \"A pear.\", \"category\": \"x\"}\n");
}

static const char *mix_recipe =
    "name: mx\nseed: 5\noutputs: {dir: %%s}\nsources:\n"
    "  - {format: alpaca, paths: [%s]}\n  - {format: dolly, paths: [%s]}\n"
    "steps:\n  - mix: {counts: {alpaca: 4, dolly: 1}}\n  - pii: {mode: redact}\n";

/* Counts without replacement: alpaca's 2 records twice each (copies
 * renamed "#2"), one of dolly's 3; the manifest gives the final shares. */
TEST(recipe_mix_counts_upsample_and_shares)
{
    two_sources();
    char text[1024];
    snprintf(text, sizeof text, mix_recipe, path_of("a.jsonl"), path_of("d.jsonl"));
    ts_err e;
    CHECK_INT(build(text, "m1", &e), 0);
    char *m = out_file(path_of("m1"), "manifest.json");
    CHECK(m && strstr(m, "\"step\": \"mix\""));
    CHECK(strstr(m, "\"copies_added\": 2,"));
    CHECK(strstr(m, "\"alpaca\": {\"available\": 2, \"target\": 4, \"written\": 4, \"share\": 0.800000}"));
    CHECK(strstr(m, "\"dolly\": {\"available\": 3, \"target\": 1, \"written\": 1, \"share\": 0.200000}"));
    /* in + copies_added = out + dropped: 5 + 2 = 5 + 2 */
    CHECK(strstr(m, "\"in\": 5,\n          \"out\": 5,\n          \"dropped_total\": 2,\n"
                    "          \"dropped\": {\"mix_not_sampled\": 2}"));
    CHECK(strstr(m, "\"step\": \"pii\",\n          \"in\": 5,"));
    free(m);
    char *t = out_file(path_of("m1"), "mx/train.jsonl");
    CHECK_INT(count_of(t, "\n"), 5);
    CHECK_INT(count_of(t, "\"id\":\"alpaca/0#2\""), 1);
    CHECK_INT(count_of(t, "\"id\":\"alpaca/1#2\""), 1);
    CHECK_INT(count_of(t, "\"source\":\"dolly\""), 1);
    free(t);

    /* Same recipe, same bytes; no spool left behind. */
    CHECK_INT(build(text, "m2", &e), 0);
    const char *files[] = {"manifest.json", "README.md", "mx/train.jsonl", "mx/train.stats.json",
                           "mx/train.report.html"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *a = out_file(path_of("m1"), files[i]), *b = out_file(path_of("m2"), files[i]);
        CHECK(a && b && !strcmp(a, b));
        free(a);
        free(b);
    }
    DIR *d = opendir(path_of("m1/mx"));
    int spools = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        spools += !strncmp(de->d_name, ".spool", 6);
    if (d)
        closedir(d);
    CHECK_INT(spools, 0);
}

/* Weights with replacement and a total: exact targets, seeded draws. */
TEST(recipe_mix_weights_with_replacement)
{
    two_sources();
    char text[1024];
    snprintf(text, sizeof text,
             "name: mw\nseed: 9\noutputs: {dir: %%s, report: false}\nsources:\n"
             "  - {format: alpaca, paths: [%s]}\n  - {format: dolly, paths: [%s]}\n"
             "steps:\n  - mix: {weights: {alpaca: 3, dolly: 1}, total: 12, replace: true}\n",
             path_of("a.jsonl"), path_of("d.jsonl"));
    ts_err e;
    CHECK_INT(build(text, "w1", &e), 0);
    char *m = out_file(path_of("w1"), "manifest.json");
    CHECK(m && strstr(m, "\"replace\": true,"));
    CHECK(strstr(m, "\"alpaca\": {\"available\": 2, \"target\": 9, \"written\": 9, \"share\": 0.750000}"));
    CHECK(strstr(m, "\"dolly\": {\"available\": 3, \"target\": 3, \"written\": 3, \"share\": 0.250000}"));
    CHECK(strstr(m, "\"report\": null"));
    CHECK(strstr(m, "\"stats\": \"mw/train.stats.json\""));
    free(m);
    char *t = out_file(path_of("w1"), "mw/train.jsonl");
    CHECK_INT(count_of(t, "\n"), 12);
    free(t);
    char *s = out_file(path_of("w1"), "mw/train.stats.json");
    CHECK(s && strstr(s, "\"records\":12,") && strstr(s, "\"sources\":{\"alpaca\":9,\"dolly\":3}"));
    free(s);
    CHECK(out_file(path_of("w1"), "mw/train.report.html") == NULL);
}

/* Near duplicates, the longer one second: keep first keeps the shorter,
 * keep longest the longer. */
TEST(recipe_dedup_keep_longest)
{
    const char *words = "the quick brown fox jumps over the lazy dog while the cat sleeps on a warm mat "
                        "near the old red barn and the farmer walks to town with his bag of apples today";
    char rows[1024];
    snprintf(rows, sizeof rows,
             "{\"instruction\": \"%s\", \"context\": \"\", \"response\": \"ok\", \"category\": \"x\"}\n"
             "{\"instruction\": \"%s again\", \"context\": \"\", \"response\": \"ok\", \"category\": \"x\"}\n",
             words, words);
    put("near.jsonl", rows);
    const char *keeps[] = {"first", "longest"};
    for (int k = 0; k < 2; k++) {
        char text[1024], out[16];
        snprintf(text, sizeof text,
                 "name: kl\noutputs: {dir: %%s, stats: false, report: false}\n"
                 "sources: [{format: dolly, paths: [%s]}]\nsteps:\n  - dedup: {keep: %s, threshold: 0.8}\n",
                 path_of("near.jsonl"), keeps[k]);
        snprintf(out, sizeof out, "kl%d", k);
        ts_err e;
        CHECK_INT(build(text, out, &e), 0);
        char *t = out_file(path_of(out), "kl/train.jsonl");
        CHECK_INT(count_of(t, "\n"), 1);
        CHECK_INT(count_of(t, "apples today again"), k);
        free(t);
        char *m = out_file(path_of(out), "manifest.json");
        CHECK(m && strstr(m, "\"dropped\": {\"near_duplicate\": 1}"));
        CHECK(strstr(m, k ? "\"keep\": \"longest\"" : "\"keep\": \"first\""));
        CHECK(strstr(m, "\"stats\": null, \"report\": null"));
        free(m);
        CHECK(out_file(path_of(out), "kl/train.stats.json") == NULL);
    }
}

/* Same prompt, the better-scored pair second: keep score keeps it. */
TEST(recipe_dedup_keep_score)
{
    put("uf.jsonl",
        "{\"prompt\": \"Say hi.\", \"prompt_id\": \"p1\", \"chosen\": [{\"role\": \"user\", \"content\": \"Say hi.\"}, "
        "{\"role\": \"assistant\", \"content\": \"Hi!\"}], \"rejected\": [{\"role\": \"user\", \"content\": \"Say hi.\"}, "
        "{\"role\": \"assistant\", \"content\": \"No.\"}], \"score_chosen\": 3, \"score_rejected\": 1}\n"
        "{\"prompt\": \"Say hi.\", \"prompt_id\": \"p2\", \"chosen\": [{\"role\": \"user\", \"content\": \"Say hi.\"}, "
        "{\"role\": \"assistant\", \"content\": \"Hello!\"}], \"rejected\": [{\"role\": \"user\", \"content\": \"Say hi.\"}, "
        "{\"role\": \"assistant\", \"content\": \"Go away.\"}], \"score_chosen\": 9, \"score_rejected\": 2}\n");
    char text[1024];
    snprintf(text, sizeof text,
             "name: ks\noutputs: {dir: %%s}\nsources: [{format: ultrafeedback, paths: [%s]}]\n"
             "steps:\n  - dedup: {keep: score, fields: prompt, exact_only: true}\n  - pii:\n",
             path_of("uf.jsonl"));
    ts_err e;
    CHECK_INT(build(text, "ks", &e), 0);
    char *t = out_file(path_of("ks"), "ks/train.jsonl");
    CHECK_INT(count_of(t, "\n"), 1);
    CHECK_INT(count_of(t, "\"id\":\"ultrafeedback/p2\""), 1);
    free(t);
    char *m = out_file(path_of("ks"), "manifest.json");
    CHECK(m && strstr(m, "\"dropped\": {\"exact_duplicate\": 1}"));
    CHECK(strstr(m, "\"step\": \"pii\",\n          \"in\": 1,"));
    free(m);
    /* The report shows the score gap of the kept pair (9 - 2). */
    char *h = out_file(path_of("ks"), "ks/train.report.html");
    CHECK(h && strstr(h, "<svg") && strstr(h, "ultrafeedback/p2"));
    free(h);
}

static void parse_error(const char *steps, const char *want)
{
    char text[1024];
    snprintf(text, sizeof text, "name: e\noutputs: {dir: /tmp/x}\nsources: [{format: dolly, paths: [a]}]\nsteps:\n%s",
             steps);
    put("e.yaml", text);
    ts_recipe r;
    ts_err e = TS_ERR_INIT;
    int rc = ts_recipe_load(&r, path_of("e.yaml"), &e);
    ts_recipe_release(&r);
    CHECK_INT(rc, TS_EINVAL);
    if (!strstr(e.msg, want))
        fprintf(stderr, "    got: %s\n    want: %s\n", e.msg, want);
    CHECK(strstr(e.msg, want) != NULL);
}

TEST(recipe_mix_and_keep_errors)
{
    parse_error("  - mix: {weights: {a: 1}, counts: {b: 2}}\n", "e.yaml:5:28: give one of weights and counts");
    parse_error("  - mix: {total: 3}\n", "e.yaml:5:10: mix needs weights");
    parse_error("  - mix: {weights: {a: -1}}\n", "mix: weights are positive numbers: 'a=-1'");
    parse_error("  - mix: {counts: {a: 2}, total: 5}\n", "mix: total goes with weights");
    parse_error("  - mix: {weights: {\"a,b\": 1}}\n", "without ',' or '='");
    parse_error("  - dedup: {keep: biggest}\n", "e.yaml:5:19: keep must be first, longest or score");
}

/* A listed source with no records cannot get its share: the build stops. */
TEST(recipe_mix_missing_source_fails)
{
    two_sources();
    char text[1024];
    snprintf(text, sizeof text,
             "name: mf\noutputs: {dir: %%s}\nsources: [{format: dolly, paths: [%s]}]\n"
             "steps: [{mix: {weights: {dolly: 1, nobody: 1}}}]\n",
             path_of("d.jsonl"));
    ts_err e;
    CHECK_INT(build(text, "mf", &e), TS_EINVAL);
    CHECK(strstr(e.msg, "step 1 (mix): no records of source 'nobody'") != NULL);
    CHECK(out_file(path_of("mf"), "manifest.json") == NULL);
}

/* A clean step with token limits loads its tokenizer for the build
 * (fixture: "hello" 1 token, "hello world" 7, "ab c" 5). */
TEST(recipe_clean_token_limits)
{
    put("tk.jsonl", "{\"instruction\": \"hello\", \"context\": \"\", \"response\": \"hello world\", \"category\": \"x\"}\n"
                    "{\"instruction\": \"ab c\", \"context\": \"\", \"response\": \"hello\", \"category\": \"x\"}\n");
    char text[1024];
    snprintf(text, sizeof text,
             "name: tk\noutputs: {dir: %%s, stats: false, report: false}\n"
             "sources: [{format: dolly, paths: [%s]}]\n"
             "steps:\n  - clean: {tokenizer: tests/fixtures/clean/tokenizer.json, max_tokens: 7}\n",
             path_of("tk.jsonl"));
    ts_err e;
    CHECK_INT(build(text, "tk", &e), 0);
    char *m = out_file(path_of("tk"), "manifest.json");
    CHECK(m && strstr(m, "\"dropped\": {\"too_many_tokens\": 1}"));
    free(m);
    char *t = out_file(path_of("tk"), "tk/train.jsonl");
    CHECK_INT(count_of(t, "\n"), 1);
    CHECK_INT(count_of(t, "ab c"), 1);
    free(t);
    /* A missing tokenizer stops the build and is named. */
    snprintf(text, sizeof text,
             "name: tk\noutputs: {dir: %%s}\nsources: [{format: dolly, paths: [%s]}]\n"
             "steps: [{clean: {tokenizer: %s, max_turn_tokens: 3}}]\n",
             path_of("tk.jsonl"), path_of("no-tokenizer.json"));
    CHECK(build(text, "tk2", &e) != 0);
    CHECK(strstr(e.msg, "step 1 (clean): tokenizer:") && strstr(e.msg, "no-tokenizer.json"));
    parse_error("  - clean: {max_tokens: 3}\n", "e.yaml:5:12: clean: token limits need tokenizer");
}
