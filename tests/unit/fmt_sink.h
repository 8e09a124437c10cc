/* The importers' test sink: runs a format's vtable over inline rows or
 * fixture files the way the import driver does, and keeps what came out:
 * emitted records as compact JSON (each checked with ts_record_validate)
 * and their ids, drops and steps counted by name, rejects with their
 * reasons, read() calls, and, for a non-aggregating format, whether
 * record() accounted for every input row exactly once.
 *
 * A sink starts zeroed (fsink s = {0}); each run frees what the previous
 * one kept, fs_free() the last. Inline JSON may be written with ' for "
 * (fs_q) so rows stay readable; use \u0027 for an apostrophe. */
#ifndef TS_TEST_FMT_SINK_H
#define TS_TEST_FMT_SINK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/format.h"
#include "tuneset/record.h"
#include "tuneset/stream.h"

#define FS_MAX 64    /* records kept as text (all are counted) */
#define FS_REJECTS 8 /* reject reasons kept, in order */
#define FS_NAMES 32  /* distinct drop rules, and step names, counted */

typedef struct {
    const char *name; /* a rule or step name: static strings of the format */
    int n;
} fs_count;

typedef struct {
    char *recs[FS_MAX]; /* emitted records, compact JSON */
    int emitted, dropped, rejected, reads, steps, invalid;
    int rows;        /* input rows the fs_run* helpers gave to record() */
    /* Of those, rows not answered by exactly one emit, drop or reject.
     * Stricter than format.h, which lets a row emit several records: no
     * importer does, and one that starts to should loosen this on purpose. */
    int unbalanced;
    bool aggregates; /* the last format run gathers rows (unbalanced is not kept) */
    fs_count drops[FS_NAMES], stepped[FS_NAMES];
    int ndrops, nsteps;
    char ids[4096]; /* the emitted records' ids, comma-separated */
    char rejects[FS_REJECTS][256], last_reject[256], invalid_why[256];
    ts_err err; /* filled by a run that failed */
} fsink;

static inline void fs_free(fsink *s)
{
    for (int i = 0; i < s->emitted && i < FS_MAX; i++)
        free(s->recs[i]);
    memset(s, 0, sizeof *s);
}

/* Record i as text, or "(none)". */
static inline const char *fs_rec(const fsink *s, int i)
{
    return i >= 0 && i < s->emitted && i < FS_MAX ? s->recs[i] : "(none)";
}

static inline void fs_count_add(fs_count *c, int *nc, const char *name, int n)
{
    for (int i = 0; i < *nc; i++)
        if (!strcmp(c[i].name, name)) {
            c[i].n += n;
            return;
        }
    if (*nc < FS_NAMES)
        c[(*nc)++] = (fs_count){name, n};
}

/* How many under name (NULL: all). */
static inline int fs_count_of(const fs_count *c, int nc, const char *name)
{
    int n = 0;
    for (int i = 0; i < nc; i++)
        if (!name || !strcmp(c[i].name, name))
            n += c[i].n;
    return n;
}

static inline int fs_drops(const fsink *s, const char *rule) { return fs_count_of(s->drops, s->ndrops, rule); }
static inline int fs_steps(const fsink *s, const char *name) { return fs_count_of(s->stepped, s->nsteps, name); }

static inline int fs_emit(void *ctx, const ts_json *rec)
{
    fsink *s = ctx;
    char why[256];
    if (ts_record_validate(rec, why, sizeof why)) {
        s->invalid++;
        snprintf(s->invalid_why, sizeof s->invalid_why, "%s", why);
    }
    const ts_json *id = ts_json_get(rec, "id");
    size_t l = strlen(s->ids);
    if (ts_json_is(id, TS_JSON_STRING))
        snprintf(s->ids + l, sizeof s->ids - l, "%s%.*s", s->emitted ? "," : "", (int)id->len, id->u.s);
    else
        snprintf(s->ids + l, sizeof s->ids - l, "%s?", s->emitted ? "," : "");
    if (s->emitted < FS_MAX) {
        ts_buf b;
        ts_buf_init(&b, 0);
        ts_json_write(&b, rec);
        ts_buf_putc(&b, 0);
        s->recs[s->emitted] = strdup(b.data);
        ts_buf_release(&b);
    }
    s->emitted++;
    return 0;
}

static inline void fs_drop_n(void *ctx, const char *rule, uint64_t n)
{
    fsink *s = ctx;
    s->dropped += (int)n;
    fs_count_add(s->drops, &s->ndrops, rule, (int)n);
}

static inline void fs_drop(void *ctx, const char *rule) { fs_drop_n(ctx, rule, 1); }

static inline int fs_reject(void *ctx, const char *why)
{
    fsink *s = ctx;
    if (s->rejected < FS_REJECTS)
        snprintf(s->rejects[s->rejected], sizeof s->rejects[0], "%s", why);
    snprintf(s->last_reject, sizeof s->last_reject, "%s", why);
    s->rejected++;
    return 0;
}

static inline void fs_read(void *ctx) { ((fsink *)ctx)->reads++; }

static inline void fs_step(void *ctx, const char *name)
{
    fsink *s = ctx;
    s->steps++;
    fs_count_add(s->stepped, &s->nsteps, name, 1);
}

/* The sink for s, for tests that call a format's vtable themselves. */
static inline ts_sink fs_sink(fsink *s)
{
    return (ts_sink){.emit = fs_emit, .drop = fs_drop, .reject = fs_reject, .read = fs_read,
                     .drop_n = fs_drop_n, .ctx = s, .step = fs_step};
}

/* The counts add up as the import driver checks them: a non-aggregating
 * format answered every row once; an aggregating one wrote or dropped
 * every candidate it read (the driver counts a rejected row as one read
 * and one rejected, so rejects cancel out). */
#define CHECK_BALANCED(s)                                                       \
    do {                                                                        \
        if ((s).aggregates)                                                     \
            CHECK_INT((s).reads, (s).emitted + (s).dropped);                    \
        else                                                                    \
            CHECK_INT((s).unbalanced, 0);                                       \
    } while (0)

/* s with every ' turned into " (a static buffer, one at a time). */
static inline const char *fs_q(const char *s)
{
    static char buf[8192];
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof buf; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i];
    buf[i] = 0;
    return buf;
}

/* Scores a row written with ' for ": by f->detect() when f is given, else
 * by ts_format_detect() (into *best). -1 when it does not parse. */
static inline int fs_score(const char *row, const ts_format *f, const ts_format **best)
{
    ts_arena a;
    ts_arena_init(&a);
    const char *t = fs_q(row);
    ts_json *v;
    int score = -1;
    if (!ts_json_parse(t, strlen(t), &a, NULL, &v, NULL)) {
        if (f)
            score = f->detect(v);
        else
            *best = ts_format_detect(v, &score);
    }
    ts_arena_release(&a);
    return score;
}

static inline int fs_detect(const ts_format *f, const char *row) { return fs_score(row, f, NULL); }

/* The format `import auto` picks for row (NULL if none or unparsable). */
static inline const ts_format *fs_best(const char *row, int *score)
{
    const ts_format *best = NULL;
    int sc = fs_score(row, NULL, &best);
    if (score)
        *score = sc;
    return best;
}

/* Index of the first row whose f->detect() is not want[i], or that
 * `import auto` would not give to f although want[i] > 0; -1 if none. */
static inline int fs_detect_rows(const ts_format *f, const char *const *rows, const int *want, int n)
{
    for (int i = 0; i < n; i++)
        if (fs_detect(f, rows[i]) != want[i] || (want[i] > 0 && fs_best(rows[i], NULL) != f))
            return i;
    return -1;
}

/* Frees what s kept and opens f (o NULL: the defaults). */
static inline int fs_open(fsink *s, const ts_format *f, const ts_import_opts *o, void **st)
{
    fs_free(s);
    s->aggregates = f->aggregates;
    s->err = (ts_err)TS_ERR_INIT;
    ts_import_opts def;
    ts_import_opts_init(&def);
    *st = NULL;
    return f->open(st, o ? o : &def, &s->err);
}

/* One record() call; a fatal error stops the run, so it needs no answer. */
static inline int fs_record(fsink *s, const ts_format *f, void *st, const ts_json *v, ts_arena *a)
{
    ts_sink sink = fs_sink(s);
    int before = s->emitted + s->dropped + s->rejected;
    int rc = f->record(st, v, &sink, a, &s->err);
    s->rows++;
    if (!rc && !f->aggregates)
        s->unbalanced += s->emitted + s->dropped + s->rejected - before != 1;
    return rc;
}

/* finish() after a clean run, then close; returns the run's code. */
static inline int fs_close(fsink *s, const ts_format *f, void *st, ts_arena *a, int rc)
{
    ts_arena_reset(a);
    if (!rc && f->finish) {
        ts_sink sink = fs_sink(s);
        rc = f->finish(st, &sink, a, &s->err);
    }
    if (st)
        f->close(st);
    ts_arena_release(a);
    return rc;
}

/* Runs f over n inline rows (written with ' for ") as one unnamed input:
 * begin_file is not called. Returns the first error of open, parse,
 * record or finish (s->err filled), else 0. */
static inline int fs_run(fsink *s, const ts_format *f, const ts_import_opts *o, const char *const *rows, int n)
{
    void *st;
    int rc = fs_open(s, f, o, &st);
    ts_arena a;
    ts_arena_init(&a);
    for (int i = 0; i < n && !rc; i++) {
        const char *text = fs_q(rows[i]);
        ts_json *v;
        ts_arena_reset(&a);
        if (!(rc = ts_json_parse(text, strlen(text), &a, NULL, &v, &s->err)))
            rc = fs_record(s, f, st, v, &a);
    }
    return fs_close(s, f, st, &a, rc);
}

/* The same over files (NULL-terminated), read with ts_stream_open (any
 * framing, any codec), with begin_file before each. */
static inline int fs_run_files(fsink *s, const ts_format *f, const ts_import_opts *o, const char *const *paths)
{
    void *st;
    int rc = fs_open(s, f, o, &st);
    ts_arena a;
    ts_arena_init(&a);
    for (; *paths && !rc; paths++) {
        ts_stream *in;
        if ((rc = ts_stream_open(&in, *paths, NULL, &s->err)))
            break;
        if (f->begin_file)
            rc = f->begin_file(st, *paths, &s->err);
        while (!rc) {
            ts_json *v;
            ts_arena_reset(&a);
            int r = ts_stream_next(in, &a, &v, &s->err);
            if (r) {
                rc = r == TS_EEOF ? 0 : r;
                break;
            }
            rc = fs_record(s, f, st, v, &a);
        }
        ts_stream_close(in);
    }
    return fs_close(s, f, st, &a, rc);
}

static inline int fs_run_file(fsink *s, const ts_format *f, const ts_import_opts *o, const char *path)
{
    const char *paths[] = {path, NULL};
    return fs_run_files(s, f, o, paths);
}

#endif
