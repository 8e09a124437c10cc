/* Runs a recipe: per dataset, every source's files go through the importer,
 * and each record it emits goes at once through the steps, the splitter
 * and into its split's output, so memory stays bounded (the dedup tables
 * aside). Outputs are committed only after everything succeeded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "recipe_int.h"

typedef recipe_bctx bctx;

void recipe_count_drop(ts_recipe_counts *c, const char *rule, uint64_t n)
{
    int i = 0;
    while (i < c->nrules && strcmp(c->rule[i], rule))
        i++;
    if (i == c->nrules) {
        if (c->nrules == TS_RECIPE_MAX_RULES)
            i = c->nrules - 1; /* more rules than slots: the last one collects them */
        else
            c->rule[c->nrules++] = rule;
    }
    c->dropped[i] += n;
}

void recipe_split_file(const ts_recipe *r, int d, int s, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s.%s", r->datasets[d].name, r->datasets[d].splits.name[s],
             r->parquet ? "parquet" : "jsonl");
}

int recipe_fail_at(bctx *b, int code, const char *fmt, const char *what)
{
    b->fatal = code;
    ts_err e = TS_ERR_INIT;
    if (b->cur) {
        e.file = ts_stream_path(b->cur);
        e.line = ts_stream_line(b->cur);
    }
    char msg[200];
    snprintf(msg, sizeof msg, fmt, what);
    if (e.file)
        ts_err_set(b->err, code, "%s:%llu: %s", e.file, (unsigned long long)e.line, msg);
    else
        ts_err_set(b->err, code, "%s", msg);
    if (b->err) {
        b->err->file = e.file;
        b->err->line = e.line;
    }
    return code;
}

int recipe_write_record(bctx *b, const ts_json *v)
{
    int s;
    int rc = ts_splitter_assign(&b->sp, v, b->index, &s);
    b->res->split.in++;
    if (rc == TS_ESCHEMA) {
        recipe_count_drop(&b->res->split, "missing_group_key", 1);
        return 0;
    }
    if (rc)
        return recipe_fail_at(b, rc, "split: %s", ts_strerror(rc));
    b->index++;
    b->res->split.out++;
    if (b->pq[s]) {
        ts_err e = TS_ERR_INIT;
        rc = ts_parquet_writer_add(b->pq[s], v, &e);
        if (rc == TS_ESCHEMA) {
            b->res->schema_rejected++;
            return 0;
        }
        if (rc)
            return recipe_fail_at(b, rc, "parquet output: %s", e.msg);
    } else {
        b->line.len = 0;
        if ((rc = ts_json_write(&b->line, v)) || (rc = ts_buf_putc(&b->line, '\n')))
            return recipe_fail_at(b, rc, "cannot encode a record: %s", ts_strerror(rc));
        ts_err e = TS_ERR_INIT;
        if ((rc = ts_out_write(b->out[s], b->line.data, b->line.len, &e)))
            return recipe_fail_at(b, rc, "%s", e.msg);
    }
    b->res->split_rows[s]++;
    if (b->rep && (rc = ts_report_add(&b->rep[s], v)))
        return recipe_fail_at(b, rc, "statistics: %s", ts_strerror(rc));
    return 0;
}

static int sink_emit(void *ctx, const ts_json *rec)
{
    bctx *b = ctx;
    b->src->out++;
    ts_json *v = ts_json_clone(&b->arena, rec); /* steps edit it in place */
    if (!v)
        return recipe_fail_at(b, TS_ENOMEM, "%s", "out of memory");
    return recipe_run_steps(b, v, 0);
}

static void sink_drop(void *ctx, const char *rule) { recipe_count_drop(((bctx *)ctx)->src, rule, 1); }
static void sink_drop_n(void *ctx, const char *rule, uint64_t n) { recipe_count_drop(((bctx *)ctx)->src, rule, n); }
static void sink_read(void *ctx) { ((bctx *)ctx)->src->in++; }
static int sink_reject(void *ctx, const char *why)
{
    ((bctx *)ctx)->src->rejected++;
    return 0;
}

/* A chained 64-bit hash of the file's bytes, as stored (compressed or not). */
static int hash_file(const char *path, recipe_input *in, ts_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            err->file = path;
        return ts_err_set(err, TS_ENOENT, "%s: %s", path, strerror(errno));
    }
    static char buf[1 << 16];
    size_t n;
    in->path = path;
    in->size = 0;
    in->hash = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        in->hash = ts_hash64(buf, n, in->hash);
        in->size += n;
    }
    int bad = ferror(f);
    fclose(f);
    return bad ? ts_err_set(err, TS_EIO, "%s: read error", path) : 0;
}

static int run_source(bctx *b, const ts_recipe_source *s, recipe_source_result *sr)
{
    const ts_format *fmt = s->fmt;
    void *state = NULL;
    ts_sink sink = {sink_emit, sink_drop, sink_reject, sink_read, sink_drop_n, b, NULL};
    ts_err e = TS_ERR_INIT;
    b->src = &sr->c;
    b->cur = NULL;
    int rc = fmt->open(&state, &s->opts, &e);
    if (rc)
        return ts_err_set(b->err, rc, "%s: source %s: %s", b->r->path, fmt->name, e.msg);
    for (int i = 0; i < s->npaths && !rc; i++) {
        if ((rc = hash_file(s->paths[i], &sr->inputs[i], b->err)))
            break;
        ts_stream_opts so = {0};
        so.columns = fmt->columns;
        if ((rc = ts_stream_open(&b->cur, s->paths[i], &so, &e))) {
            char m[400];
            ts_err_format(&e, m, sizeof m);
            ts_err_set(b->err, rc, "%s", m);
            b->cur = NULL;
            break;
        }
        if (fmt->begin_file && (rc = fmt->begin_file(state, s->paths[i], &e))) {
            recipe_fail_at(b, rc, "%s", e.msg);
        }
        while (!rc) {
            ts_json *v;
            ts_arena_reset(&b->arena);
            int sr_rc = ts_stream_next(b->cur, &b->arena, &v, &e);
            if (sr_rc == TS_EEOF)
                break;
            if (sr_rc) {
                if (ts_stream_fatal(b->cur)) {
                    rc = recipe_fail_at(b, sr_rc, "%s", e.msg);
                    break;
                }
                sr->c.in++;
                sr->c.rejected++;
                continue;
            }
            if (!fmt->aggregates)
                sr->c.in++;
            rc = fmt->record(state, v, &sink, &b->arena, &e);
            if (b->fatal)
                rc = b->fatal;
            else if (rc)
                recipe_fail_at(b, rc, "%s", e.msg[0] ? e.msg : ts_strerror(rc));
        }
        ts_stream_close(b->cur);
        b->cur = NULL;
    }
    if (!rc && fmt->finish) {
        ts_arena_reset(&b->arena);
        rc = fmt->finish(state, &sink, &b->arena, &e);
        if (b->fatal)
            rc = b->fatal;
        else if (rc)
            recipe_fail_at(b, rc, "%s", e.msg[0] ? e.msg : ts_strerror(rc));
    }
    fmt->close(state);
    return rc;
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            int bad = mkdir(path, 0777) && errno != EEXIST;
            *p = c;
            if (bad)
                return TS_EIO;
            if (!c)
                return 0;
        }
    }
}

static int open_outputs(bctx *b, const char *dir, int di, ts_arena *names)
{
    char rel[512], full[1024];
    snprintf(full, sizeof full, "%s/%s", dir, b->d->name);
    if (mkdir_p(full))
        return ts_err_set(b->err, TS_EIO, "%s: cannot create the folder: %s", full, strerror(errno));
    for (int s = 0; s < b->d->splits.n; s++) {
        recipe_split_file(b->r, di, s, rel, sizeof rel);
        snprintf(full, sizeof full, "%s/%s", dir, rel);
        char *path = ts_arena_dup(names, full, strlen(full) + 1);
        if (!path)
            return ts_err_set(b->err, TS_ENOMEM, "out of memory");
        int rc = b->r->parquet ? ts_parquet_writer_open(&b->pq[s], path, NULL, b->err)
                               : ts_out_open(&b->out[s], path, b->err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Each split's stats.json and report.html, rendered now and written when
 * the whole build is committed. */
static int render_extras(bctx *b)
{
    for (int s = 0; s < b->d->splits.n; s++) {
        if (!b->res->split_rows[s])
            continue;
        char title[400];
        snprintf(title, sizeof title, "%s: %s/%s", b->r->name, b->d->name, b->d->splits.name[s]);
        int rc = 0;
        if (b->r->stats && (rc = ts_cstats_to_json(&b->rep[s].st, &b->res->stats[s])) == 0)
            rc = ts_buf_putc(&b->res->stats[s], '\n');
        if (!rc && b->r->report)
            rc = ts_report_html(&b->rep[s], title, &b->res->report[s]);
        if (rc)
            return ts_err_set(b->err, rc, "statistics: %s", ts_strerror(rc));
    }
    return 0;
}

static int run_dataset(bctx *b, const char *dir, int di, ts_arena *names)
{
    static ts_report reps[TS_SPLIT_MAX];
    int rc = ts_splitter_init(&b->sp, &b->d->splits, b->r->seed, b->d->group_by, b->d->stratify);
    if (rc)
        return ts_err_set(b->err, rc, "%s: splits: %s", b->r->path, ts_strerror(rc));
    b->rep = NULL;
    if (b->r->stats || b->r->report) {
        b->rep = reps;
        for (int s = 0; s < b->d->splits.n; s++)
            ts_report_init(&reps[s], b->r->report ? (size_t)b->r->report_sample : 0, b->r->seed);
    }
    rc = recipe_steps_open(b);
    if (!rc)
        rc = open_outputs(b, dir, di, names);
    for (int i = 0; i < b->d->nsources && !rc; i++)
        rc = run_source(b, &b->d->sources[i], &b->res->src[i]);
    if (!rc)
        rc = recipe_finish_steps(b);
    if (!rc && b->rep)
        rc = render_extras(b);
    recipe_steps_close(b);
    for (int s = 0; b->rep && s < b->d->splits.n; s++)
        ts_report_release(&reps[s]);
    b->rep = NULL;
    ts_splitter_release(&b->sp);
    return rc;
}

/* DIR/<dataset>/<split>.<ext> for the stats and report of a split. */
static int write_extra(const char *dir, const ts_recipe *r, int di, int s, const char *ext, const ts_buf *text,
                       ts_err *err)
{
    if (!text->len)
        return 0;
    char name[600];
    snprintf(name, sizeof name, "%s/%s.%s", r->datasets[di].name, r->datasets[di].splits.name[s], ext);
    return recipe_write_file(dir, name, text, err);
}

int ts_recipe_build(ts_recipe *r, const char *out_dir, ts_err *err)
{
    const char *dir = out_dir ? out_dir : r->out_dir;
    static ts_out *outs[TS_RECIPE_MAX_DATASETS][TS_SPLIT_MAX];
    static ts_parquet_writer *pqs[TS_RECIPE_MAX_DATASETS][TS_SPLIT_MAX];
    static recipe_dataset_result res[TS_RECIPE_MAX_DATASETS];
    memset(outs, 0, sizeof outs);
    memset(pqs, 0, sizeof pqs);
    memset(res, 0, sizeof res);
    for (int di = 0; di < TS_RECIPE_MAX_DATASETS; di++)
        for (int s = 0; s < TS_SPLIT_MAX; s++) {
            ts_buf_init(&res[di].stats[s], 0);
            ts_buf_init(&res[di].report[s], 0);
        }
    ts_arena names;
    ts_arena_init(&names);
    bctx b = {0};
    b.r = r;
    b.err = err;
    b.dir = dir;
    ts_buf_init(&b.line, 0);
    ts_arena_init(&b.arena);
    int rc = 0;
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", dir);
    if (mkdir_p(tmp))
        rc = ts_err_set(err, TS_EIO, "%s: cannot create the folder: %s", dir, strerror(errno));
    for (int di = 0; di < r->ndatasets && !rc; di++) {
        b.d = &r->datasets[di];
        b.res = &res[di];
        b.out = outs[di];
        b.pq = pqs[di];
        b.index = 0;
        rc = run_dataset(&b, dir, di, &names);
    }
    for (int di = 0; di < r->ndatasets; di++)
        for (int s = 0; s < TS_SPLIT_MAX; s++) {
            int c = 0;
            if (rc) {
                ts_out_abort(outs[di][s]);
                ts_parquet_writer_abort(pqs[di][s]);
                continue;
            }
            if (!outs[di][s] && !pqs[di][s])
                continue;
            if (!res[di].split_rows[s]) {
                /* An empty split gets no file: Parquet cannot infer a schema
                 * from nothing, and loaders choke on empty data files. */
                ts_out_abort(outs[di][s]);
                ts_parquet_writer_abort(pqs[di][s]);
                continue;
            }
            if (outs[di][s])
                c = ts_out_commit(outs[di][s], err);
            else
                c = ts_parquet_writer_close(pqs[di][s], err);
            if (c)
                rc = c;
            char rel[512];
            struct stat st;
            recipe_split_file(r, di, s, rel, sizeof rel);
            snprintf(tmp, sizeof tmp, "%s/%s", dir, rel);
            if (!c && stat(tmp, &st) == 0)
                res[di].split_bytes[s] = (uint64_t)st.st_size;
        }
    for (int di = 0; di < r->ndatasets && !rc; di++)
        for (int s = 0; s < r->datasets[di].splits.n && !rc; s++)
            if (!(rc = write_extra(dir, r, di, s, "stats.json", &res[di].stats[s], err)))
                rc = write_extra(dir, r, di, s, "report.html", &res[di].report[s], err);
    ts_buf text;
    ts_buf_init(&text, 0);
    if (!rc && !(rc = recipe_manifest(r, res, &text)))
        rc = recipe_write_file(dir, "manifest.json", &text, err);
    text.len = 0;
    if (!rc && !(rc = recipe_card(r, res, &text)))
        rc = recipe_write_file(dir, "README.md", &text, err);
    if (rc && err && !err->msg[0])
        ts_err_set(err, rc, "%s", ts_strerror(rc));
    ts_buf_release(&text);
    for (int di = 0; di < r->ndatasets; di++)
        for (int s = 0; s < TS_SPLIT_MAX; s++) {
            ts_buf_release(&res[di].stats[s]);
            ts_buf_release(&res[di].report[s]);
        }
    for (int di = 0; di < r->ndatasets; di++)
        for (int i = 0; i < TS_RECIPE_MAX_STEPS; i++) {
            free(res[di].mix[i]);
            res[di].mix[i] = NULL;
        }
    ts_buf_release(&b.line);
    ts_arena_release(&b.arena);
    ts_arena_release(&names);
    return rc;
}
