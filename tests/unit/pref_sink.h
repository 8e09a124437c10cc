/* A test sink for importers: collects what a format emits (as JSON text,
 * each record checked with ts_record_validate), drops by rule, rejects
 * and reads, and runs a format over inline rows or a file the way the
 * import driver does. Used by the hh-rlhf, shp and ultrafeedback tests. */
#ifndef TS_TEST_PREF_SINK_H
#define TS_TEST_PREF_SINK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/format.h"
#include "tuneset/record.h"
#include "tuneset/stream.h"

#define PS_MAX 64

typedef struct {
    const char *rule;
    int n;
} ps_rule;

typedef struct {
    char *recs[PS_MAX]; /* emitted records, compact JSON */
    int emitted, rejected, reads, dropped, invalid;
    ps_rule drops[16];
    int nrules;
    char last_reject[256], invalid_why[256];
} psink;

static inline int ps_emit(void *ctx, const ts_json *rec)
{
    psink *ps = ctx;
    char why[256];
    if (ts_record_validate(rec, why, sizeof why)) {
        ps->invalid++;
        snprintf(ps->invalid_why, sizeof ps->invalid_why, "%s", why);
    }
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json_write(&b, rec);
    ts_buf_putc(&b, 0);
    if (ps->emitted < PS_MAX)
        ps->recs[ps->emitted] = strdup(b.data);
    ps->emitted++;
    ts_buf_release(&b);
    return 0;
}

static inline void ps_drop_n(void *ctx, const char *rule, uint64_t n)
{
    psink *ps = ctx;
    ps->dropped += (int)n;
    for (int i = 0; i < ps->nrules; i++)
        if (!strcmp(ps->drops[i].rule, rule)) {
            ps->drops[i].n += (int)n;
            return;
        }
    if (ps->nrules < 16)
        ps->drops[ps->nrules++] = (ps_rule){rule, (int)n};
}

static inline void ps_drop(void *ctx, const char *rule) { ps_drop_n(ctx, rule, 1); }

static inline int ps_reject(void *ctx, const char *why)
{
    psink *ps = ctx;
    ps->rejected++;
    snprintf(ps->last_reject, sizeof ps->last_reject, "%s", why);
    return 0;
}

static inline void ps_read(void *ctx) { ((psink *)ctx)->reads++; }

static inline ts_sink ps_sink(psink *ps)
{
    memset(ps, 0, sizeof *ps);
    return (ts_sink){ps_emit, ps_drop, ps_reject, ps_read, ps_drop_n, ps};
}

static inline int ps_drops(const psink *ps, const char *rule)
{
    for (int i = 0; i < ps->nrules; i++)
        if (!strcmp(ps->drops[i].rule, rule))
            return ps->drops[i].n;
    return 0;
}

static inline const char *ps_rec(const psink *ps, int i)
{
    return i < ps->emitted && i < PS_MAX ? ps->recs[i] : "(none)";
}

static inline void ps_release(psink *ps)
{
    for (int i = 0; i < ps->emitted && i < PS_MAX; i++)
        free(ps->recs[i]);
    ps->emitted = 0;
}

/* Runs fmt over rows (JSON texts) as one file named path (may be NULL:
 * begin_file is then not called). ps must be zeroed before its first use;
 * what it held from an earlier run is freed. Returns the first non-zero code of
 * open / record / finish, with err filled. */
static inline int ps_run_rows(const ts_format *f, const ts_import_opts *o, const char *path,
                              const char *const *rows, size_t n, psink *ps, ts_err *err)
{
    ps_release(ps);
    ts_sink sink = ps_sink(ps);
    void *st = NULL;
    int rc = f->open(&st, o, err);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    if (path && f->begin_file)
        rc = f->begin_file(st, path, err);
    for (size_t i = 0; i < n && !rc; i++) {
        ts_json *v;
        ts_arena_reset(&a);
        if ((rc = ts_json_parse(rows[i], strlen(rows[i]), &a, NULL, &v, err)))
            break;
        rc = f->record(st, v, &sink, &a, err);
    }
    ts_arena_reset(&a);
    if (!rc && f->finish)
        rc = f->finish(st, &sink, &a, err);
    f->close(st);
    ts_arena_release(&a);
    return rc;
}

/* The same over files, read with ts_stream_open (any framing, any codec);
 * *rows counts the input records. */
static inline int ps_run_files(const ts_format *f, const ts_import_opts *o, const char *const *paths,
                               size_t n, psink *ps, int *rows, ts_err *err)
{
    ps_release(ps);
    ts_sink sink = ps_sink(ps);
    void *st = NULL;
    *rows = 0;
    int rc = f->open(&st, o, err);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    for (size_t i = 0; i < n && !rc; i++) {
        ts_stream *s;
        if ((rc = ts_stream_open(&s, paths[i], NULL, err)))
            break;
        if (f->begin_file)
            rc = f->begin_file(st, paths[i], err);
        while (!rc) {
            ts_json *v;
            ts_arena_reset(&a);
            int r = ts_stream_next(s, &a, &v, err);
            if (r == TS_EEOF)
                break;
            if ((rc = r))
                break;
            (*rows)++;
            rc = f->record(st, v, &sink, &a, err);
        }
        ts_stream_close(s);
    }
    ts_arena_reset(&a);
    if (!rc && f->finish)
        rc = f->finish(st, &sink, &a, err);
    f->close(st);
    ts_arena_release(&a);
    return rc;
}

#endif
