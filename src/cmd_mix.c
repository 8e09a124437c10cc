/* tuneset mix: sources combined by weight or count, in two passes over the
 * inputs (the first counts each source, the second writes). Records of
 * unlisted sources and records not sampled are dropped; with up-sampling a
 * record is written more than once, and the extra copies are reported as
 * "copies_added" (read + copies_added = written + dropped + rejected). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_split.h"

static int count(cli_run *r, ts_json *rec, void *ctx)
{
    ts_mix *m = ctx;
    int i = ts_mix_find(m, rec);
    if (i >= 0)
        m->src[i].avail++;
    r->st.written++;
    return 0;
}

typedef struct mix_ctx {
    ts_mix *m;
    uint64_t copies_added;
} mix_ctx;

/* Copy k (>= 2) of a record gets the id "<id>#k", so ids stay unique. A
 * shallow copy of the top-level object, in the record's arena. */
static const ts_json *renamed(cli_run *r, const ts_json *rec, uint64_t k)
{
    const ts_json *id = ts_json_get(rec, "id");
    if (!ts_json_is(rec, TS_JSON_OBJECT) || !ts_json_is(id, TS_JSON_STRING))
        return rec;
    ts_json *o = ts_arena_alloc(&r->arena, sizeof *o);
    ts_json *items = ts_arena_dup(&r->arena, rec->u.items, (size_t)rec->len * 2 * sizeof *items);
    char *s = ts_arena_alloc(&r->arena, (size_t)id->len + 24);
    if (!o || !items || !s)
        return rec;
    int n = snprintf(s, (size_t)id->len + 24, "%.*s#%llu", (int)id->len, id->u.s, (unsigned long long)k);
    *o = *rec;
    o->u.items = items;
    for (uint32_t i = 0; i < rec->len; i++)
        if (ts_json_str_eq(&items[2 * i], "id")) {
            items[2 * i + 1].u.s = s;
            items[2 * i + 1].len = (uint32_t)n;
            break;
        }
    return o;
}

static int pick(cli_run *r, ts_json *rec, void *ctx)
{
    mix_ctx *x = ctx;
    int i = ts_mix_find(x->m, rec);
    if (i < 0) {
        run_drop(r, "mix_unlisted_source");
        return 0;
    }
    uint64_t c = ts_mix_copies(x->m, i);
    if (!c) {
        run_drop(r, "mix_not_sampled");
        return 0;
    }
    x->copies_added += c - 1;
    int rc = run_emit(r, rec);
    for (uint64_t k = 2; k <= c && !rc; k++)
        rc = run_emit(r, renamed(r, rec, k));
    return rc;
}

/* "copies_added":N,"mix":{"src":{"available","target","written"},...} */
static char *extra_json(const mix_ctx *x)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    char t[160];
    snprintf(t, sizeof t, "\"copies_added\":%llu,\"mix\":{", (unsigned long long)x->copies_added);
    ts_buf_append(&b, t, strlen(t));
    for (int i = 0; i < x->m->n; i++) {
        const ts_mix_source *s = &x->m->src[i];
        if (i)
            ts_buf_putc(&b, ',');
        ts_json_write_string(&b, s->name, strlen(s->name));
        snprintf(t, sizeof t, ":{\"available\":%llu,\"target\":%llu,\"written\":%llu}",
                 (unsigned long long)s->avail, (unsigned long long)s->want, (unsigned long long)s->written);
        ts_buf_append(&b, t, strlen(t));
    }
    ts_buf_append(&b, "}", 2); /* with the NUL */
    return b.data;
}

int cmd_mix(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *weights = NULL, *counts = NULL, *by = "source";
    uint64_t total = 0;
    bool replace = false;
    cli_opt opts[] = {
        {0, "weights", "SRC=W,...", OPT_STR, &weights, "shares of the output per source (normalized)"},
        {0, "counts", "SRC=N,...", OPT_STR, &counts, "records of the output per source"},
        {0, "total", "N", OPT_U64, &total, "--weights: output size (default: largest without up-sampling)"},
        {0, "by", "FIELD", OPT_STR, &by, "the field naming the source (dotted path; default source)"},
        {0, "replace", NULL, OPT_FLAG, &replace, "sample with replacement (default: without)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "(--weights SRC=W,... | --counts SRC=N,...) [options] FILE...",
                       "Combines sources: each listed source gets its share (--weights, with\n"
                       "--total) or its count (--counts), down- or up-sampled, seeded. Reads the\n"
                       "inputs twice (files, not stdin). Records keep input order.\n\n"
                       "example: tuneset mix all.jsonl --weights oasst1=0.7,dolly=0.3 --total 10000 -o mix.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!weights == !counts) {
        cli_error("mix", "give exactly one of --weights and --counts");
        return EXIT_USAGE;
    }
    if (counts && total) {
        cli_error("mix", "--total goes with --weights");
        return EXIT_USAGE;
    }
    for (int i = 0; i < npos; i++)
        if (!strcmp(pos[i], "-"))
            npos = 0;
    if (!npos) {
        cli_error("mix", "reads its inputs twice: name files, not stdin");
        return EXIT_USAGE;
    }
    static ts_mix m;
    char why[256];
    if (ts_mix_parse(&m, weights ? weights : counts, counts != NULL, by, c.seed, replace, why, sizeof why)) {
        cli_error("mix", "%s: %s", weights ? "--weights" : "--counts", why);
        return EXIT_USAGE;
    }
    /* Pass one: quiet, no files; a bad record in fail mode ends here. */
    cli_common c1 = c;
    c1.quiet = true;
    c1.rejects = NULL;
    c1.stats = NULL;
    cli_run r;
    if ((rc = run_begin(&r, "mix", &c1, NULL)))
        return rc;
    run_inputs(&r, pos, npos, count, &m);
    if ((rc = run_end(&r)))
        return rc;
    if ((rc = ts_mix_plan(&m, total, why, sizeof why))) {
        cli_error("mix", "%s", rc == TS_ENOMEM ? ts_strerror(rc) : why);
        ts_mix_release(&m);
        return rc == TS_ENOMEM ? EXIT_IO : EXIT_DATA;
    }
    mix_ctx x = {&m, 0};
    if ((rc = run_begin(&r, "mix", &c, c.output))) {
        ts_mix_release(&m);
        return rc;
    }
    run_inputs(&r, pos, npos, pick, &x);
    char *extra = extra_json(&x);
    r.extra_stats = extra;
    rc = run_end(&r);
    if (!c.quiet && !rc) {
        fprintf(stderr, "  copies  %-28s %llu\n", "added (up-sampling)", (unsigned long long)x.copies_added);
        for (int i = 0; i < m.n; i++)
            fprintf(stderr, "  mix     %-28s %llu of %llu available (%.1f%% of the output)\n", m.src[i].name,
                    (unsigned long long)m.src[i].written, (unsigned long long)m.src[i].avail,
                    r.st.written ? 100.0 * (double)m.src[i].written / (double)r.st.written : 0.0);
    }
    free(extra);
    ts_mix_release(&m);
    return rc;
}
