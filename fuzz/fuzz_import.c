/* libFuzzer target: every importer, fed whatever records the input parses
 * to (one JSON value a line). Importers must account for each record
 * (emit, drop or reject) and never crash, whatever the fields hold. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/format.h"

static int emit(void *ctx, const ts_json *rec)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    if (ts_json_write(&b, rec)) /* outputs must be encodable */
        abort();
    ts_buf_release(&b);
    (*(uint64_t *)ctx)++;
    return 0;
}
static void drop(void *ctx, const char *rule) { (void)ctx; (void)rule; }
static int reject(void *ctx, const char *why) { (void)ctx; (void)why; return 0; }
static void read1(void *ctx) { (void)ctx; }
static void drop_n(void *ctx, const char *rule, uint64_t n) { (void)ctx; (void)rule; (void)n; }

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t nf;
    const ts_format *const *all = ts_format_all(&nf);
    ts_arena a, scratch;
    ts_arena_init(&a);
    ts_arena_init(&scratch);
    /* Parse the lines once; each format sees the same values. */
    ts_json *vals[64];
    int nv = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end && nv < 64) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        ts_json *v;
        ts_json_opts o = {.max_depth = 64};
        if (ts_json_parse(p, n, &a, &o, &v, NULL) == 0)
            vals[nv++] = v;
        p += n + 1;
    }
    uint64_t emitted = 0;
    ts_sink sink = {emit, drop, reject, read1, drop_n, &emitted, NULL};
    for (size_t f = 0; f < nf; f++) {
        for (int kind = 0; kind < 3; kind++) {
            ts_import_opts o;
            ts_import_opts_init(&o);
            o.kind = (ts_kind)kind;
            o.clean = kind == 1;
            void *st;
            ts_err e = TS_ERR_INIT;
            if (all[f]->open(&st, &o, &e))
                continue;
            if (all[f]->begin_file)
                all[f]->begin_file(st, "fuzz/helpful-base/train.jsonl", &e);
            for (int i = 0; i < nv; i++) {
                if (all[f]->record(st, vals[i], &sink, &scratch, &e))
                    break;
                ts_arena_reset(&scratch);
            }
            if (all[f]->finish)
                all[f]->finish(st, &sink, &scratch, &e);
            all[f]->close(st);
            ts_arena_reset(&scratch);
        }
    }
    ts_arena_release(&scratch);
    ts_arena_release(&a);
    return 0;
}
