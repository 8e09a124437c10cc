/* tuneset dedup: remove exact duplicates (normalized text hash), then near
 * duplicates (MinHash + LSH). keep=first decides as records stream by;
 * keep=longest|score must see every record first, so it holds the
 * records (encoded) in memory and writes the kept ones in input order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_dedup.h"

typedef struct {
    ts_dedup *d;
    ts_dedup_opts o;
    ts_json_pick *pick;
    /* With --stats: time in the scan (check + compact + pick) and in the
     * dedup proper (normalize, hash, index), so a benchmark can tell the
     * stages from reading and writing. */
    bool timed;
    double t_scan, t_dedup;
    ts_out *clusters;
    ts_buf cl;       /* pending cluster lines */
    ts_buf store;    /* keep=longest|score: every record, encoded */
    size_t *ends;    /* end offset of record i in store */
    size_t n, cap;
} dedup_ctx;

static void put_id(ts_buf *b, const ts_dedup *d, uint64_t i)
{
    size_t n;
    const char *id = ts_dedup_id(d, i, &n);
    if (id) {
        ts_json_write_string(b, id, n);
        return;
    }
    char num[32]; /* no id: the 0-based record number over all inputs */
    int k = snprintf(num, sizeof num, "\"#%llu\"", (unsigned long long)i);
    ts_buf_append(b, num, (size_t)k);
}

/* Counts a removal and explains it in --clusters. */
static int removed(cli_run *r, dedup_ctx *x, uint64_t i, const ts_dedup_verdict *v)
{
    bool exact = v->kind == TS_DEDUP_EXACT;
    run_drop(r, exact ? "exact_duplicate" : "near_duplicate");
    if (!x->clusters)
        return 0;
    ts_buf *b = &x->cl;
    ts_buf_append(b, "{\"kept_id\":", 11);
    put_id(b, x->d, v->match);
    ts_buf_append(b, ",\"removed_id\":", 14);
    put_id(b, x->d, i);
    char tail[96];
    int k = snprintf(tail, sizeof tail, ",\"reason\":\"%s\",\"similarity\":%.6g}\n", exact ? "exact" : "near",
                     v->similarity);
    if (ts_buf_append(b, tail, (size_t)k))
        return run_fail(r, EXIT_IO, "out of memory");
    if (b->len >= (1u << 20)) {
        ts_err e = TS_ERR_INIT;
        int rc = ts_out_write(x->clusters, b->data, b->len, &e);
        b->len = 0;
        if (rc)
            return run_fail_err(r, EXIT_IO, "--clusters", &e);
    }
    return 0;
}

static int hold(dedup_ctx *x)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 4096;
        size_t *e = realloc(x->ends, cap * sizeof *e);
        if (!e)
            return TS_ENOMEM;
        x->ends = e;
        x->cap = cap;
    }
    x->ends[x->n++] = x->store.len;
    return 0;
}

/* A JSON record as its text: scanned once (ts_json_pick), which checks it,
 * writes its compact form straight into the output (or the held records)
 * and finds the fields dedup reads; no tree is built. */
static int on_text(cli_run *r, const char *text, size_t len, void *ctx)
{
    dedup_ctx *x = ctx;
    double t0 = x->timed ? cli_now() : 0;
    bool held = x->o.keep != TS_DEDUP_KEEP_FIRST;
    ts_buf *b = held ? &x->store : &r->line;
    size_t mark = b->len;
    ts_err e = TS_ERR_INIT;
    int rc = ts_json_pick_scan(x->pick, text, len, b, &e);
    double t1 = x->timed ? cli_now() : 0;
    if (rc == TS_ENOMEM)
        return run_fail(r, EXIT_IO, "out of memory");
    if (rc) {
        ts_stream_locate(r->cur, &e);
        return run_reject(r, &e, NULL, 0);
    }
    uint64_t i = ts_dedup_count(x->d);
    ts_dedup_verdict v;
    if (ts_dedup_add_picked(x->d, x->pick, &v))
        return run_fail(r, EXIT_IO, "out of memory");
    if (x->timed) {
        double t2 = cli_now();
        x->t_scan += t1 - t0;
        x->t_dedup += t2 - t1;
    }
    if (held)
        return hold(x) ? run_fail(r, EXIT_IO, "out of memory") : 0;
    if (v.kind != TS_DEDUP_KEPT) {
        b->len = mark;
        return removed(r, x, i, &v);
    }
    return run_emit_line(r);
}

/* A Parquet row comes as a tree. */
static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    dedup_ctx *x = ctx;
    uint64_t i = ts_dedup_count(x->d);
    ts_dedup_verdict v;
    if (ts_dedup_add(x->d, rec, &v))
        return run_fail(r, EXIT_IO, "out of memory");
    if (x->o.keep != TS_DEDUP_KEEP_FIRST)
        return ts_json_write(&x->store, rec) || hold(x) ? run_fail(r, EXIT_IO, "out of memory") : 0;
    return v.kind == TS_DEDUP_KEPT ? run_emit(r, rec) : removed(r, x, i, &v);
}

/* keep=longest|score: decide, then replay the held records in order. */
static int replay(cli_run *r, dedup_ctx *x)
{
    if (ts_dedup_resolve(x->d))
        return run_fail(r, EXIT_IO, "out of memory");
    ts_json_parser *ps = ts_json_parser_new(&r->sopts.json);
    if (!ps)
        return run_fail(r, EXIT_IO, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < x->n && !rc && !r->stop; i++) {
        ts_dedup_verdict v;
        ts_dedup_verdict_of(x->d, i, &v);
        if (v.kind != TS_DEDUP_KEPT) {
            rc = removed(r, x, i, &v);
            continue;
        }
        size_t from = i ? x->ends[i - 1] : 0;
        ts_json *rec;
        ts_err e = TS_ERR_INIT;
        ts_arena_reset(&r->arena);
        if (ts_json_parser_parse(ps, x->store.data + from, x->ends[i] - from, &r->arena, &rec, &e)) {
            rc = run_fail(r, EXIT_IO, "out of memory"); /* we wrote this JSON: only memory can fail */
            break;
        }
        rc = run_emit(r, rec);
    }
    ts_json_parser_free(ps);
    return rc;
}

static int pick(const char *cmd, const char *opt, const char *val, const char *const *names, int *out)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(val, names[i])) {
            *out = i;
            return 0;
        }
    cli_error(cmd, "--%s must be %s|%s|%s, not '%s'", opt, names[0], names[1], names[2], val);
    return EXIT_USAGE;
}

int cmd_dedup(int argc, char **argv)
{
    static const char *const fields_names[] = {"all", "first-user", "prompt", NULL};
    static const char *const keep_names[] = {"first", "longest", "score", NULL};
    cli_common c;
    cli_common_defaults(&c);
    dedup_ctx x;
    memset(&x, 0, sizeof x);
    ts_dedup_opts_default(&x.o);
    const char *fields = "all", *keep = "first", *clusters = NULL;
    uint64_t ngram = x.o.ngram, perms = x.o.perms, bands = 0, rows = 0;
    bool exact_only = false;
    cli_opt opts[] = {
        {0, "fields", "F", OPT_STR, &fields, "text compared: all (default), first-user or prompt"},
        {0, "keep", "K", OPT_STR, &keep, "which duplicate stays: first (default), longest, score"},
        {0, "threshold", "J", OPT_DOUBLE, &x.o.threshold, "estimated Jaccard for near duplicates (0.8)"},
        {0, "ngram", "N", OPT_U64, &ngram, "words per shingle (5)"},
        {0, "perms", "N", OPT_U64, &perms, "MinHash permutations (128)"},
        {0, "bands", "B", OPT_U64, &bands, "LSH bands (default: chosen for the threshold)"},
        {0, "rows", "R", OPT_U64, &rows, "LSH rows per band (bands x rows = perms)"},
        {0, "exact-only", NULL, OPT_FLAG, &exact_only, "only exact duplicates"},
        {0, "clusters", "FILE", OPT_STR, &clusters, "JSON Lines: one {kept_id, removed_id, reason, similarity} a removal"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT",
                       "Removes exact duplicates (hash of the lowercased, whitespace-collapsed\n"
                       "text), then near duplicates: MinHash over word n-grams, LSH candidates\n"
                       "kept when their estimated Jaccard similarity reaches --threshold.\n"
                       "Drops count as exact_duplicate / near_duplicate.\n\n"
                       "example: tuneset dedup sft.jsonl -o sft.dedup.jsonl --clusters dups.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    int f, k;
    if (pick("dedup", "fields", fields, fields_names, &f) || pick("dedup", "keep", keep, keep_names, &k))
        return EXIT_USAGE;
    if (ngram == 0 || ngram > 1000 || perms == 0 || perms > 4096 || !(x.o.threshold > 0 && x.o.threshold <= 1) ||
        ((bands || rows) && bands * rows != perms)) {
        cli_error("dedup", "need 1 <= --ngram <= 1000, 1 <= --perms <= 4096, 0 < --threshold <= 1, and "
                           "--bands x --rows = --perms");
        return EXIT_USAGE;
    }
    x.o.fields = (ts_dedup_fields)f;
    x.o.keep = (ts_dedup_keep)k;
    x.o.exact_only = exact_only;
    x.o.ngram = (uint32_t)ngram;
    x.o.perms = (uint32_t)perms;
    x.o.bands = (uint32_t)bands;
    x.o.rows = (uint32_t)rows;
    x.o.seed = c.seed;
    x.o.keep_ids = clusters != NULL; /* only --clusters names records */
    if (ts_dedup_new(&x.d, &x.o)) {
        cli_error("dedup", "out of memory");
        return EXIT_IO;
    }
    cli_run r;
    if ((rc = run_begin(&r, "dedup", &c, c.output))) {
        ts_dedup_free(x.d);
        return rc;
    }
    ts_err e = TS_ERR_INIT;
    char msg[512];
    if (!(x.pick = ts_dedup_pick_new(&r.sopts.json))) {
        cli_error("dedup", "out of memory");
        r.exit_code = EXIT_IO;
    }
    if (!r.exit_code && clusters && ts_out_open(&x.clusters, clusters, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error("dedup", "--clusters: %s", msg);
        r.exit_code = EXIT_IO;
    }
    ts_buf_init(&x.cl, 0);
    ts_buf_init(&x.store, 0);
    x.timed = c.stats != NULL;
    if (!r.exit_code)
        run_inputs_raw(&r, pos, npos, on_record, r.pq ? NULL : on_text, &x); /* Parquet out: trees */
    if (!r.exit_code && x.o.keep != TS_DEDUP_KEEP_FIRST)
        replay(&r, &x);
    if (x.clusters) {
        e = (ts_err)TS_ERR_INIT;
        int wrc = 0;
        if (r.exit_code)
            ts_out_abort(x.clusters); /* like -o: no partial file under the final name */
        else if (x.cl.len && (wrc = ts_out_write(x.clusters, x.cl.data, x.cl.len, &e)))
            ts_out_abort(x.clusters);
        else
            wrc = ts_out_commit(x.clusters, &e);
        if (wrc) {
            ts_err_format(&e, msg, sizeof msg);
            cli_error("dedup", "--clusters: %s", msg);
            r.exit_code = EXIT_IO;
        }
    }
    uint32_t b, rw;
    ts_dedup_bands(x.d, &b, &rw);
    char extra[400];
    snprintf(extra, sizeof extra,
             "\"dedup\":{\"fields\":\"%s\",\"keep\":\"%s\",\"exact_only\":%s,\"ngram\":%u,\"perms\":%u,"
             "\"bands\":%u,\"rows\":%u,\"threshold\":%.6g,\"seconds_scan\":%.4f,\"seconds_dedup\":%.4f}",
             fields, keep, exact_only ? "true" : "false", x.o.ngram, x.o.perms, b, rw, x.o.threshold, x.t_scan,
             x.t_dedup);
    r.extra_stats = extra;
    rc = run_end(&r);
    ts_dedup_free(x.d);
    ts_json_pick_free(x.pick);
    ts_buf_release(&x.cl);
    ts_buf_release(&x.store);
    free(x.ends);
    return rc;
}
