/* The deduplicator: per-record keys and signatures, and the greedy
 * decision against the records kept so far (exact index + LSH buckets). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dedup_map.h"
#include "tuneset/curate_dedup.h"
#include "tuneset/hash.h"

#define NO_SIG UINT32_MAX

typedef struct {
    uint32_t rec, next; /* next = entry + 1 in the same bucket; 0 ends */
} lsh_ent;

struct ts_dedup {
    ts_dedup_opts o;
    uint32_t bands, rows, need; /* need = equal positions for a near match */
    ts_minhash mh;
    ts_dedup_text text;
    uint64_t *sh;
    size_t capsh;
    uint32_t *scratch;
    /* per record */
    size_t n, cap;
    uint64_t *hash;
    double *prio; /* length or score: higher is kept first */
    uint32_t *sigslot, *match, *stamp, *idlen;
    float *sim;
    uint8_t *kind;
    const char **idp;
    ts_arena ids;
    /* signatures of the records that need one */
    uint32_t *sigs;
    size_t nsigs, capsigs;
    dd_map exact, lsh;
    lsh_ent *ents;
    size_t nents, capents;
    uint32_t qid;
};

void ts_dedup_opts_default(ts_dedup_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ngram = 5;
    o->perms = 128;
    o->threshold = 0.8;
    o->keep_ids = true;
}

int ts_dedup_new(ts_dedup **out, const ts_dedup_opts *o)
{
    *out = NULL;
    if (o->ngram == 0 || o->perms == 0 || o->perms > 4096 || !(o->threshold > 0 && o->threshold <= 1) ||
        (o->bands || o->rows ? (uint64_t)o->bands * o->rows != o->perms : false))
        return TS_EINVAL;
    ts_dedup *d = calloc(1, sizeof *d);
    if (!d)
        return TS_ENOMEM;
    d->o = *o;
    if (o->bands)
        d->bands = o->bands, d->rows = o->rows;
    else
        ts_minhash_lsh_params(o->perms, o->threshold, &d->bands, &d->rows);
    d->need = (uint32_t)ceil(o->threshold * o->perms - 1e-9);
    ts_dedup_text_init(&d->text);
    d->text.keys_only = o->exact_only;
    ts_arena_init(&d->ids);
    d->scratch = malloc(o->perms * sizeof *d->scratch);
    if (!d->scratch || ts_minhash_init(&d->mh, o->perms, o->seed)) {
        ts_dedup_free(d);
        return TS_ENOMEM;
    }
    *out = d;
    return 0;
}

void ts_dedup_free(ts_dedup *d)
{
    if (!d)
        return;
    ts_minhash_release(&d->mh);
    ts_dedup_text_release(&d->text);
    ts_arena_release(&d->ids);
    dd_map_release(&d->exact);
    dd_map_release(&d->lsh);
    free(d->sh);
    free(d->scratch);
    free(d->hash);
    free(d->prio);
    free(d->sigslot);
    free(d->match);
    free(d->stamp);
    free(d->idlen);
    free(d->sim);
    free(d->kind);
    free(d->idp);
    free(d->sigs);
    free(d->ents);
    free(d);
}

void ts_dedup_bands(const ts_dedup *d, uint32_t *bands, uint32_t *rows)
{
    *bands = d->bands;
    *rows = d->rows;
}

/* realloc through a void * temporary (no type punning of the pointer). */
#define GROW(p, cap) ((tmp = realloc((p), (cap) * sizeof *(p))) ? ((p) = tmp, 0) : 1)

static int grow_records(ts_dedup *d)
{
    size_t cap = d->cap ? d->cap * 2 : 1024;
    void *tmp = NULL;
    if (cap > (size_t)UINT32_MAX - 1 || GROW(d->hash, cap) || GROW(d->prio, cap) ||
        GROW(d->sigslot, cap) || GROW(d->match, cap) || GROW(d->stamp, cap) || GROW(d->idlen, cap) ||
        GROW(d->sim, cap) || GROW(d->kind, cap) || GROW(d->idp, cap))
        return TS_ENOMEM;
    memset(d->stamp + d->cap, 0, (cap - d->cap) * sizeof *d->stamp);
    d->cap = cap;
    return 0;
}

static uint32_t *new_sig(ts_dedup *d, uint32_t *slot)
{
    if (d->nsigs == d->capsigs) {
        size_t cap = d->capsigs ? d->capsigs * 2 : 256;
        uint32_t *s = realloc(d->sigs, cap * d->o.perms * sizeof *s);
        if (!s)
            return NULL;
        d->sigs = s;
        d->capsigs = cap;
    }
    *slot = (uint32_t)d->nsigs;
    return d->sigs + d->nsigs++ * d->o.perms;
}

static inline uint64_t band_key(const ts_dedup *d, const uint32_t *sig, uint32_t b)
{
    return ts_hash64(sig + (size_t)b * d->rows, d->rows * sizeof *sig, b);
}

static uint32_t equal_positions(const uint32_t *a, const uint32_t *b, uint32_t n)
{
    uint32_t eq = 0;
    for (uint32_t i = 0; i < n; i++)
        eq += a[i] == b[i];
    return eq;
}

/* Decides record i, whose signature is sig (NULL: no shingles). A kept
 * record enters the exact index and, with a signature, the LSH buckets. */
static int decide(ts_dedup *d, uint32_t i, const uint32_t *sig)
{
    uint32_t m = dd_map_get(&d->exact, d->hash[i]);
    if (m) {
        d->kind[i] = TS_DEDUP_EXACT, d->match[i] = m - 1, d->sim[i] = 1.0f;
        return 0;
    }
    if (sig && !d->o.exact_only) {
        uint32_t best = 0, bestrec = 0, q = ++d->qid;
        for (uint32_t b = 0; b < d->bands; b++) {
            for (uint32_t e = dd_map_get(&d->lsh, band_key(d, sig, b)); e; e = d->ents[e - 1].next) {
                uint32_t c = d->ents[e - 1].rec;
                if (d->stamp[c] == q)
                    continue;
                d->stamp[c] = q;
                uint32_t eq =
                    equal_positions(sig, d->sigs + (size_t)d->sigslot[c] * d->o.perms, d->o.perms);
                if (eq >= d->need && (eq > best || (eq == best && c < bestrec)))
                    best = eq, bestrec = c;
            }
        }
        if (best) {
            d->kind[i] = TS_DEDUP_NEAR, d->match[i] = bestrec;
            d->sim[i] = (float)best / (float)d->o.perms;
            return 0;
        }
    }
    d->kind[i] = TS_DEDUP_KEPT, d->match[i] = i, d->sim[i] = 0;
    if (dd_map_put(&d->exact, d->hash[i], i + 1))
        return TS_ENOMEM;
    if (!sig || d->o.exact_only)
        return 0;
    if (d->sigslot[i] == NO_SIG) { /* streaming: keep the scratch signature */
        uint32_t *s = new_sig(d, &d->sigslot[i]);
        if (!s)
            return TS_ENOMEM;
        memcpy(s, sig, d->o.perms * sizeof *s);
        sig = s;
    }
    if (d->nents + d->bands > d->capents) {
        size_t cap = d->capents ? d->capents * 2 : 4096;
        while (cap < d->nents + d->bands)
            cap *= 2;
        lsh_ent *e = realloc(d->ents, cap * sizeof *e);
        if (!e)
            return TS_ENOMEM;
        d->ents = e;
        d->capents = cap;
    }
    for (uint32_t b = 0; b < d->bands; b++) {
        uint64_t k = band_key(d, sig, b);
        d->ents[d->nents] = (lsh_ent){i, dd_map_get(&d->lsh, k)};
        if (dd_map_put(&d->lsh, k, (uint32_t)++d->nents))
            return TS_ENOMEM;
    }
    return 0;
}

int ts_dedup_add_text(ts_dedup *d, const ts_dedup_text *t, double score, const char *id, size_t idlen,
                      ts_dedup_verdict *v)
{
    if (d->n == d->cap && grow_records(d))
        return TS_ENOMEM;
    uint32_t i = (uint32_t)d->n;
    d->hash[i] = ts_hash64(t->norm.data, t->norm.len, d->o.seed);
    d->prio[i] = d->o.keep == TS_DEDUP_KEEP_SCORE ? score : (double)t->norm.len;
    d->sigslot[i] = NO_SIG;
    d->kind[i] = TS_DEDUP_PENDING;
    d->idp[i] = NULL;
    d->idlen[i] = 0;
    if (id && d->o.keep_ids) {
        if (idlen > UINT32_MAX || !(d->idp[i] = ts_arena_dup(&d->ids, id, idlen)))
            return TS_ENOMEM;
        d->idlen[i] = (uint32_t)idlen;
    }
    d->n++;
    uint32_t *sig = NULL;
    if (!d->o.exact_only && t->nwords) {
        if (t->nwords > d->capsh) {
            uint64_t *sh = realloc(d->sh, t->nwords * sizeof *sh);
            if (!sh)
                return TS_ENOMEM;
            d->sh = sh;
            d->capsh = t->nwords;
        }
        size_t ns = ts_minhash_shingles(t->words, t->nwords, d->o.ngram, d->sh);
        /* keep=first decides now and stores only kept signatures. */
        sig = d->o.keep == TS_DEDUP_KEEP_FIRST ? d->scratch : new_sig(d, &d->sigslot[i]);
        if (!sig)
            return TS_ENOMEM;
        ts_minhash_sign(&d->mh, d->sh, ns, sig);
    }
    if (d->o.keep == TS_DEDUP_KEEP_FIRST) {
        int rc = decide(d, i, sig);
        if (rc)
            return rc;
    } else if (!sig) {
        d->sigslot[i] = NO_SIG - 1; /* pending, without a signature */
    }
    if (v)
        ts_dedup_verdict_of(d, i, v);
    return 0;
}

int ts_dedup_add_picked(ts_dedup *d, const ts_json_pick *k, ts_dedup_verdict *v)
{
    int rc = ts_dedup_text_of_picked(&d->text, k, d->o.fields);
    if (rc)
        return rc;
    size_t idlen;
    const char *id = ts_dedup_picked_id(k, &idlen);
    return ts_dedup_add_text(d, &d->text, d->o.keep == TS_DEDUP_KEEP_SCORE ? ts_dedup_picked_score(k) : 0, id,
                             idlen, v);
}

int ts_dedup_add(ts_dedup *d, const ts_json *rec, ts_dedup_verdict *v)
{
    int rc = ts_dedup_text_of(&d->text, rec, d->o.fields);
    if (rc)
        return rc;
    const ts_json *id = ts_json_get(rec, "id");
    bool has_id = ts_json_is(id, TS_JSON_STRING);
    return ts_dedup_add_text(d, &d->text, d->o.keep == TS_DEDUP_KEEP_SCORE ? ts_dedup_score_of(rec) : 0,
                             has_id ? id->u.s : NULL, has_id ? id->len : 0, v);
}

typedef struct {
    double prio;
    uint32_t i;
} order_ent;

static int by_priority(const void *pa, const void *pb)
{
    const order_ent *a = pa, *b = pb;
    if (a->prio != b->prio)
        return a->prio > b->prio ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

int ts_dedup_resolve(ts_dedup *d)
{
    if (d->o.keep == TS_DEDUP_KEEP_FIRST)
        return 0;
    order_ent *ord = malloc((d->n ? d->n : 1) * sizeof *ord);
    if (!ord)
        return TS_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->kind[i] == TS_DEDUP_PENDING)
            ord[k++] = (order_ent){isnan(d->prio[i]) ? -INFINITY : d->prio[i], (uint32_t)i};
    qsort(ord, k, sizeof *ord, by_priority);
    int rc = 0;
    for (size_t j = 0; j < k && !rc; j++) {
        uint32_t i = ord[j].i, slot = d->sigslot[i];
        const uint32_t *sig = slot < NO_SIG - 1 ? d->sigs + (size_t)slot * d->o.perms : NULL;
        rc = decide(d, i, sig);
    }
    free(ord);
    return rc;
}

void ts_dedup_verdict_of(const ts_dedup *d, uint64_t i, ts_dedup_verdict *v)
{
    v->kind = (ts_dedup_kind)d->kind[i];
    v->match = d->match[i];
    v->similarity = d->sim[i];
}

uint64_t ts_dedup_count(const ts_dedup *d) { return d->n; }

const char *ts_dedup_id(const ts_dedup *d, uint64_t i, size_t *len)
{
    *len = d->idlen[i];
    return d->idp[i];
}
