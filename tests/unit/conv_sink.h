/* A test sink for the conversation importers (alpaca, dolly, sharegpt,
 * ultrachat, s1k): runs a format's vtable over inline rows or a fixture
 * file the way the import driver does, and keeps what came out: emitted
 * records as compact JSON (each checked with ts_record_validate), drops by
 * rule, rejects with their reasons, and whether every input row was
 * accounted for exactly once.
 *
 * Inline JSON is written with ' for " (cs_q) so rows stay readable; use
 * \u0027 for an apostrophe. */
#ifndef TS_TEST_CONV_SINK_H
#define TS_TEST_CONV_SINK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/format.h"
#include "tuneset/record.h"
#include "tuneset/stream.h"

#define CS_MAX 64

typedef struct {
    char *recs[CS_MAX]; /* emitted records, compact JSON */
    int emitted, dropped, rejected, invalid, unbalanced, rows;
    const char *drop_rules[CS_MAX];
    char rejects[8][256];
    char invalid_why[256];
} csink;

static inline int cs_emit(void *ctx, const ts_json *rec)
{
    csink *cs = ctx;
    char why[256];
    if (ts_record_validate(rec, why, sizeof why)) {
        cs->invalid++;
        snprintf(cs->invalid_why, sizeof cs->invalid_why, "%s", why);
    }
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json_write(&b, rec);
    ts_buf_putc(&b, 0);
    if (cs->emitted < CS_MAX)
        cs->recs[cs->emitted] = strdup(b.data);
    cs->emitted++;
    ts_buf_release(&b);
    return 0;
}

static inline void cs_drop(void *ctx, const char *rule)
{
    csink *cs = ctx;
    if (cs->dropped < CS_MAX)
        cs->drop_rules[cs->dropped] = rule;
    cs->dropped++;
}

static inline void cs_drop_n(void *ctx, const char *rule, uint64_t n)
{
    while (n--)
        cs_drop(ctx, rule);
}

static inline int cs_reject(void *ctx, const char *why)
{
    csink *cs = ctx;
    if (cs->rejected < 8)
        snprintf(cs->rejects[cs->rejected], sizeof cs->rejects[0], "%s", why);
    cs->rejected++;
    return 0;
}

static inline void cs_read(void *ctx) { (void)ctx; }

/* How many records were dropped by rule. */
static inline int cs_drops(const csink *cs, const char *rule)
{
    int n = 0;
    for (int i = 0; i < cs->dropped && i < CS_MAX; i++)
        n += !strcmp(cs->drop_rules[i], rule);
    return n;
}

static inline void cs_free(csink *cs)
{
    for (int i = 0; i < cs->emitted && i < CS_MAX; i++)
        free(cs->recs[i]);
    memset(cs, 0, sizeof *cs);
}

/* s with every ' turned into " (a static buffer, one at a time). */
static inline const char *cs_q(const char *s)
{
    static char buf[8192];
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof buf; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i];
    buf[i] = 0;
    return buf;
}

/* One record() call, checking that it accounts for the row exactly once. */
static inline int cs_one(csink *cs, const ts_format *f, void *st, const ts_json *v, ts_arena *a)
{
    ts_sink sink = {cs_emit, cs_drop, cs_reject, cs_read, cs_drop_n, cs};
    ts_err e = TS_ERR_INIT;
    int before = cs->emitted + cs->dropped + cs->rejected;
    int rc = f->record(st, v, &sink, a, &e);
    cs->unbalanced += cs->emitted + cs->dropped + cs->rejected - before != 1;
    cs->rows++;
    return rc;
}

/* Runs f (opened with o, or the defaults when NULL) over the rows, written
 * with ' for ". Returns open's or the first record()'s error, else 0. */
static inline int cs_run(csink *cs, const ts_format *f, const ts_import_opts *o, const char *const *rows, int n)
{
    memset(cs, 0, sizeof *cs);
    ts_import_opts def;
    ts_import_opts_init(&def);
    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    int rc = f->open(&st, o ? o : &def, &e);
    ts_arena a;
    ts_arena_init(&a);
    for (int i = 0; i < n && !rc; i++) {
        ts_json *v;
        const char *text = cs_q(rows[i]);
        ts_arena_reset(&a);
        if ((rc = ts_json_parse(text, strlen(text), &a, NULL, &v, &e)))
            break;
        rc = cs_one(cs, f, st, v, &a);
    }
    ts_arena_release(&a);
    if (st)
        f->close(st);
    return rc;
}

/* Runs f over a fixture file through the library's record stream. */
static inline int cs_run_file(csink *cs, const ts_format *f, const ts_import_opts *o, const char *path)
{
    memset(cs, 0, sizeof *cs);
    ts_import_opts def;
    ts_import_opts_init(&def);
    void *st = NULL;
    ts_stream *s = NULL;
    ts_err e = TS_ERR_INIT;
    int rc = f->open(&st, o ? o : &def, &e);
    if (!rc)
        rc = ts_stream_open(&s, path, NULL, &e);
    if (!rc && f->begin_file)
        rc = f->begin_file(st, path, &e);
    ts_arena a;
    ts_arena_init(&a);
    while (!rc) {
        ts_json *v;
        ts_arena_reset(&a);
        if ((rc = ts_stream_next(s, &a, &v, &e)))
            break;
        rc = cs_one(cs, f, st, v, &a);
    }
    ts_arena_release(&a);
    if (s)
        ts_stream_close(s);
    if (st)
        f->close(st);
    return rc == TS_EEOF ? 0 : rc;
}

#endif
