/* A recipe's steps applied to each record, in order. Most steps decide a
 * record alone and stream. Two steps must see every record before
 * deciding: mix (the share of each source depends on how many there are)
 * and dedup with keep: longest|score (the kept copy may come later). Their
 * input is spooled as JSON Lines to DIR/<dataset>/.spool-N.jsonl; after
 * the last source the step decides and the spool is replayed, in input
 * order, through the steps after it. Spools are removed in every case. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recipe_int.h"
#include "tuneset/tokenizer.h"

static bool two_pass(const ts_recipe_step *st)
{
    return st->type == TS_STEP_MIX || (st->type == TS_STEP_DEDUP && st->dedup.keep != TS_DEDUP_KEEP_FIRST);
}

static int load_benchmarks(recipe_bctx *b, int i)
{
    ts_recipe_step *st = &b->d->steps[i];
    st->decontam.bench_fields = st->nfields ? st->fields : NULL;
    st->decontam.nbench_fields = (size_t)st->nfields;
    int rc = ts_decontam_new(&b->decontam[i], &st->decontam);
    if (rc)
        return ts_err_set(b->err, rc, "%s: dataset %s, step %d (decontam): %s", b->r->path, b->d->name, i + 1,
                          ts_strerror(rc));
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

static int open_mix(recipe_bctx *b, int i)
{
    const ts_recipe_step *st = &b->d->steps[i];
    ts_mix *m = calloc(1, sizeof *m);
    if (!m)
        return TS_ENOMEM;
    b->res->mix[i] = m;
    char why[256];
    if (ts_mix_parse(m, st->mix_spec, st->mix_counts, st->mix_by, b->r->seed, st->mix_replace, why, sizeof why))
        return ts_err_set(b->err, TS_EINVAL, "%s: dataset %s, step %d (mix): %s", b->r->path, b->d->name, i + 1,
                          why);
    return 0;
}

/* A clean step's tokenizer, loaded for the build (the options borrow it). */
static int open_clean(recipe_bctx *b, int i)
{
    ts_recipe_step *st = &b->d->steps[i];
    if (st->tokenizer) {
        ts_err e = TS_ERR_INIT;
        int rc = ts_tokenizer_load(st->tokenizer, &b->tok[i], &e);
        if (rc) {
            char m[400];
            ts_err_format(&e, m, sizeof m);
            return ts_err_set(b->err, rc, "%s: dataset %s, step %d (clean): tokenizer: %s", b->r->path,
                              b->d->name, i + 1, m);
        }
        st->clean.tokenizer = b->tok[i];
    }
    int rc = ts_clean_new(&b->clean[i], &st->clean);
    st->clean.tokenizer = NULL; /* not past this build */
    return rc ? ts_err_set(b->err, rc, "%s: dataset %s, step %d: %s", b->r->path, b->d->name, i + 1,
                           ts_strerror(rc))
              : 0;
}

int recipe_steps_open(recipe_bctx *b)
{
    for (int i = 0; i < b->d->nsteps; i++) {
        const ts_recipe_step *st = &b->d->steps[i];
        int rc = 0;
        /* Each opener's err says why it failed. */
        if (st->type == TS_STEP_CLEAN)
            rc = open_clean(b, i);
        else if (st->type == TS_STEP_MIX)
            rc = open_mix(b, i);
        else if (st->type == TS_STEP_DECONTAM)
            rc = load_benchmarks(b, i);
        else if (st->type == TS_STEP_DEDUP && (rc = ts_dedup_new(&b->dedup[i], &st->dedup)))
            ts_err_set(b->err, rc, "%s: dataset %s, step %d: %s", b->r->path, b->d->name, i + 1, ts_strerror(rc));
        if (rc)
            return rc;
    }
    return 0;
}

void recipe_steps_close(recipe_bctx *b)
{
    for (int i = 0; i < b->d->nsteps; i++) {
        ts_clean_free(b->clean[i]);
        ts_tokenizer_free(b->tok[i]);
        b->tok[i] = NULL;
        ts_dedup_free(b->dedup[i]);
        ts_decontam_free(b->decontam[i]);
        if (b->res->mix[i])
            ts_mix_release(b->res->mix[i]); /* the counts stay for the manifest */
        if (b->spool[i])
            fclose(b->spool[i]);
        if (b->spool_path[i])
            unlink(b->spool_path[i]);
        free(b->spool_path[i]);
        b->decontam[i] = NULL;
        b->clean[i] = NULL;
        b->dedup[i] = NULL;
        b->spool[i] = NULL;
        b->spool_path[i] = NULL;
    }
}

/* Pass one of a two-pass step: note what the decision needs, keep the
 * record in the spool. */
static int hold(recipe_bctx *b, int i, const ts_json *v)
{
    const ts_recipe_step *st = &b->d->steps[i];
    ts_recipe_counts *c = &b->res->step[i];
    if (st->type == TS_STEP_MIX) {
        int s = ts_mix_find(b->res->mix[i], v);
        if (s < 0) { /* decided now: nothing to replay */
            recipe_count_drop(c, "mix_unlisted_source", 1);
            return 0;
        }
        b->res->mix[i]->src[s].avail++;
    } else {
        int rc = ts_dedup_add(b->dedup[i], v, NULL);
        if (rc == TS_EINVAL || rc == TS_ESCHEMA) { /* not added: indices stay aligned with the spool */
            recipe_count_drop(c, "invalid_record", 1);
            return 0;
        }
        if (rc)
            return recipe_fail_at(b, rc, "dedup: %s", ts_strerror(rc));
    }
    if (!b->spool[i]) {
        char path[1100];
        snprintf(path, sizeof path, "%s/%s/.spool-%d.jsonl", b->dir, b->d->name, i + 1);
        if (!(b->spool_path[i] = strdup(path)))
            return recipe_fail_at(b, TS_ENOMEM, "%s", "out of memory");
        if (!(b->spool[i] = fopen(path, "wb")))
            return recipe_fail_at(b, TS_EIO, "cannot write the spool: %s", strerror(errno));
    }
    b->line.len = 0;
    int rc = ts_json_write(&b->line, v);
    if (rc || (rc = ts_buf_putc(&b->line, '\n')))
        return recipe_fail_at(b, rc, "cannot encode a record: %s", ts_strerror(rc));
    if (fwrite(b->line.data, 1, b->line.len, b->spool[i]) != b->line.len)
        return recipe_fail_at(b, TS_EIO, "%s: write error", b->spool_path[i]);
    return 0;
}

int recipe_run_steps(recipe_bctx *b, ts_json *v, int from)
{
    for (int i = from; i < b->d->nsteps; i++) {
        const ts_recipe_step *st = &b->d->steps[i];
        ts_recipe_counts *c = &b->res->step[i];
        const char *drop = NULL;
        int rc = 0;
        c->in++;
        if (two_pass(st))
            return hold(b, i, v);
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
            return recipe_fail_at(b, rc, "step: %s", ts_strerror(rc));
        if (drop) {
            recipe_count_drop(c, drop, 1);
            return 0;
        }
        c->out++;
    }
    return recipe_write_record(b, v);
}

/* Copy k (>= 2) of an up-sampled record: a deep copy (later steps may edit
 * it in place) whose string id becomes "<id>#k", so ids stay unique. */
static ts_json *copy_of(recipe_bctx *b, const ts_json *rec, uint64_t k)
{
    ts_json *o = ts_json_clone(&b->arena, rec);
    const ts_json *id = ts_json_get(rec, "id");
    if (!o || !ts_json_is(id, TS_JSON_STRING))
        return o;
    size_t cap = (size_t)id->len + 24;
    char *s = ts_arena_alloc(&b->arena, cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap, "%.*s#%llu", (int)id->len, id->u.s, (unsigned long long)k);
    ts_json nid = {0};
    nid.type = TS_JSON_STRING;
    nid.u.s = s;
    nid.len = (uint32_t)n;
    return ts_json_set(&b->arena, o, "id", &nid) ? NULL : o;
}

/* Pass two of one record of step i (the k-th it held). */
static int replay_one(recipe_bctx *b, int i, ts_json *v, uint64_t k)
{
    ts_recipe_counts *c = &b->res->step[i];
    if (b->d->steps[i].type == TS_STEP_DEDUP) {
        ts_dedup_verdict vd;
        ts_dedup_verdict_of(b->dedup[i], k, &vd);
        if (vd.kind == TS_DEDUP_EXACT || vd.kind == TS_DEDUP_NEAR) {
            recipe_count_drop(c, vd.kind == TS_DEDUP_EXACT ? "exact_duplicate" : "near_duplicate", 1);
            return 0;
        }
        c->out++;
        return recipe_run_steps(b, v, i + 1);
    }
    ts_mix *m = b->res->mix[i];
    int s = ts_mix_find(m, v);
    uint64_t copies = s < 0 ? 0 : ts_mix_copies(m, s);
    if (!copies) {
        recipe_count_drop(c, "mix_not_sampled", 1);
        return 0;
    }
    const ts_json *pristine = v;
    if (copies > 1 && !(pristine = ts_json_clone(&b->arena, v)))
        return recipe_fail_at(b, TS_ENOMEM, "%s", "out of memory");
    int rc = 0;
    for (uint64_t n = 1; n <= copies && !rc; n++) {
        ts_json *rec = n == 1 ? v : copy_of(b, pristine, n);
        if (!rec)
            return recipe_fail_at(b, TS_ENOMEM, "%s", "out of memory");
        c->out++;
        c->added += n > 1;
        rc = recipe_run_steps(b, rec, i + 1);
    }
    return rc;
}

static int decide(recipe_bctx *b, int i)
{
    const ts_recipe_step *st = &b->d->steps[i];
    if (st->type == TS_STEP_DEDUP) {
        int rc = ts_dedup_resolve(b->dedup[i]);
        return rc ? ts_err_set(b->err, rc, "dedup: %s", ts_strerror(rc)) : 0;
    }
    char why[256];
    int rc = ts_mix_plan(b->res->mix[i], st->mix_total, why, sizeof why);
    if (rc)
        return ts_err_set(b->err, rc, "%s: dataset %s, step %d (mix): %s", b->r->path, b->d->name, i + 1,
                          rc == TS_ENOMEM ? ts_strerror(rc) : why);
    return 0;
}

static int replay(recipe_bctx *b, int i)
{
    int rc = decide(b, i);
    if (rc || !b->spool[i]) /* nothing held (every record dropped before or at the step) */
        return rc;
    int bad = fclose(b->spool[i]);
    b->spool[i] = NULL;
    if (bad)
        return ts_err_set(b->err, TS_EIO, "%s: write error", b->spool_path[i]);
    ts_stream *s;
    ts_stream_opts so = {0};
    ts_err e = TS_ERR_INIT;
    if ((rc = ts_stream_open(&s, b->spool_path[i], &so, &e)))
        return ts_err_set(b->err, rc, "%s: %s", b->spool_path[i], e.msg);
    for (uint64_t k = 0; !rc; k++) {
        ts_json *v;
        ts_arena_reset(&b->arena);
        int sr = ts_stream_next(s, &b->arena, &v, &e);
        if (sr == TS_EEOF)
            break;
        if (sr) { /* we wrote it: a failure here is the disk's */
            rc = ts_err_set(b->err, TS_EIO, "%s: %s", b->spool_path[i], e.msg);
            break;
        }
        rc = replay_one(b, i, v, k);
        if (b->fatal)
            rc = b->fatal;
    }
    ts_stream_close(s);
    unlink(b->spool_path[i]);
    free(b->spool_path[i]);
    b->spool_path[i] = NULL;
    return rc;
}

int recipe_finish_steps(recipe_bctx *b)
{
    int rc = 0;
    b->cur = NULL; /* errors from here on are not at an input line */
    for (int i = 0; i < b->d->nsteps && !rc; i++)
        if (two_pass(&b->d->steps[i]))
            rc = replay(b, i);
    return rc;
}
