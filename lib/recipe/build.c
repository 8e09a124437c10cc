/* Runs a recipe: per dataset, every source's files go through the importer,
 * and each record it emits goes at once through the steps, the splitter
 * and into its split's output, so memory stays bounded (the dedup tables
 * aside). Outputs are committed only after everything succeeded. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "recipe_int.h"
#include "tuneset/io.h"
#include "tuneset/parquet_write.h"
#include "tuneset/stream.h"

typedef struct {
    ts_recipe *r;
    ts_recipe_dataset *d;
    recipe_dataset_result *res;
    ts_clean *clean[TS_RECIPE_MAX_STEPS];
    ts_dedup *dedup[TS_RECIPE_MAX_STEPS];
    ts_decontam *decontam[TS_RECIPE_MAX_STEPS];
    ts_splitter sp;
    uint64_t index;
    ts_out **out;               /* [split] */
    ts_parquet_writer **pq;     /* [split] */
    ts_buf line;
    ts_arena arena;
    ts_recipe_counts *src;      /* the source being read */
    ts_stream *cur;
    ts_err *err;
    int fatal;
} bctx;

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

static int fail_at(bctx *b, int code, const char *fmt, const char *what)
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

static int write_record(bctx *b, const ts_json *v)
{
    int s;
    int rc = ts_splitter_assign(&b->sp, v, b->index, &s);
    b->res->split.in++;
    if (rc == TS_ESCHEMA) {
        recipe_count_drop(&b->res->split, "missing_group_key", 1);
        return 0;
    }
    if (rc)
        return fail_at(b, rc, "split: %s", ts_strerror(rc));
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
            return fail_at(b, rc, "parquet output: %s", e.msg);
    } else {
        b->line.len = 0;
        if ((rc = ts_json_write(&b->line, v)) || (rc = ts_buf_putc(&b->line, '\n')))
            return fail_at(b, rc, "cannot encode a record: %s", ts_strerror(rc));
        ts_err e = TS_ERR_INIT;
        if ((rc = ts_out_write(b->out[s], b->line.data, b->line.len, &e)))
            return fail_at(b, rc, "%s", e.msg);
    }
    b->res->split_rows[s]++;
    return 0;
}

static int sink_emit(void *ctx, const ts_json *rec)
{
    bctx *b = ctx;
    b->src->out++;
    ts_json *v = ts_json_clone(&b->arena, rec);
    if (!v)
        return fail_at(b, TS_ENOMEM, "%s", "out of memory");
    for (int i = 0; i < b->d->nsteps; i++) {
        const ts_recipe_step *st = &b->d->steps[i];
        ts_recipe_counts *c = &b->res->step[i];
        const char *drop = NULL;
        int rc = 0;
        c->in++;
        if (st->type == TS_STEP_PII) {
            ts_pii_result pr;
            rc = ts_pii_record(v, st->pii_mode, &b->arena, &pr);
            if (!rc && st->pii_mode == TS_PII_DROP && pr.total)
                drop = "pii";
        } else if (st->type == TS_STEP_CLEAN) {
            ts_clean_result cr;
            rc = ts_clean_record(b->clean[i], v, &b->arena, &cr);
            drop = cr.rule;
        } else if (st->type == TS_STEP_DECONTAM) {
            ts_decontam_match dm;
            rc = ts_decontam_check_record(b->decontam[i], v, &dm);
            if (rc == 1) {
                drop = "contaminated";
                rc = 0;
            }
        } else {
            ts_dedup_verdict vd;
            rc = ts_dedup_add(b->dedup[i], v, &vd);
            if (!rc && vd.kind == TS_DEDUP_EXACT)
                drop = "exact_duplicate";
            else if (!rc && vd.kind == TS_DEDUP_NEAR)
                drop = "near_duplicate";
        }
        if (rc == TS_EINVAL || rc == TS_ESCHEMA) { /* not a record this step reads */
            recipe_count_drop(c, "invalid_record", 1);
            return 0;
        }
        if (rc)
            return fail_at(b, rc, "step: %s", ts_strerror(rc));
        if (drop) {
            recipe_count_drop(c, drop, 1);
            return 0;
        }
        c->out++;
    }
    return write_record(b, v);
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
            fail_at(b, rc, "%s", e.msg);
        }
        while (!rc) {
            ts_json *v;
            ts_arena_reset(&b->arena);
            int sr_rc = ts_stream_next(b->cur, &b->arena, &v, &e);
            if (sr_rc == TS_EEOF)
                break;
            if (sr_rc) {
                if (ts_stream_fatal(b->cur)) {
                    rc = fail_at(b, sr_rc, "%s", e.msg);
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
                fail_at(b, rc, "%s", e.msg[0] ? e.msg : ts_strerror(rc));
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
            fail_at(b, rc, "%s", e.msg[0] ? e.msg : ts_strerror(rc));
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

static int load_benchmarks(bctx *b, int i)
{
    ts_recipe_step *st = &b->d->steps[i];
    st->decontam.bench_fields = st->nfields ? st->fields : NULL;
    st->decontam.nbench_fields = (size_t)st->nfields;
    int rc = ts_decontam_new(&b->decontam[i], &st->decontam);
    for (int k = 0; k < st->nbench && !rc; k++) {
        ts_err e = TS_ERR_INIT;
        if ((rc = ts_decontam_load(b->decontam[i], st->bench[k], NULL, &e))) {
            char m[400];
            ts_err_format(&e, m, sizeof m);
            ts_err_set(b->err, rc, "%s: benchmark: %s", b->r->path, m);
            return rc;
        }
    }
    return rc;
}

static int run_dataset(bctx *b, const char *dir, int di, ts_arena *names)
{
    int rc = ts_splitter_init(&b->sp, &b->d->splits, b->r->seed, b->d->group_by, b->d->stratify);
    if (rc)
        return ts_err_set(b->err, rc, "%s: splits: %s", b->r->path, ts_strerror(rc));
    for (int i = 0; i < b->d->nsteps && !rc; i++) {
        const ts_recipe_step *st = &b->d->steps[i];
        if (st->type == TS_STEP_CLEAN)
            rc = ts_clean_new(&b->clean[i], &st->clean);
        else if (st->type == TS_STEP_DEDUP)
            rc = ts_dedup_new(&b->dedup[i], &st->dedup);
        else if (st->type == TS_STEP_DECONTAM && (rc = load_benchmarks(b, i)))
            break; /* err already says which benchmark file */
        if (rc)
            ts_err_set(b->err, rc, "%s: dataset %s, step %d: %s", b->r->path, b->d->name, i + 1, ts_strerror(rc));
    }
    if (!rc)
        rc = open_outputs(b, dir, di, names);
    for (int i = 0; i < b->d->nsources && !rc; i++)
        rc = run_source(b, &b->d->sources[i], &b->res->src[i]);
    for (int i = 0; i < b->d->nsteps; i++) {
        ts_clean_free(b->clean[i]);
        ts_dedup_free(b->dedup[i]);
        ts_decontam_free(b->decontam[i]);
        b->decontam[i] = NULL;
        b->clean[i] = NULL;
        b->dedup[i] = NULL;
    }
    ts_splitter_release(&b->sp);
    return rc;
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
    ts_arena names;
    ts_arena_init(&names);
    bctx b = {0};
    b.r = r;
    b.err = err;
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
    ts_buf_release(&b.line);
    ts_arena_release(&b.arena);
    ts_arena_release(&names);
    return rc;
}
