/* ROUGE-L against a stored set of texts. Self-Instruct scores every
 * candidate instruction against every seed and kept instruction; the
 * reference Python runs an O(m*n) DP per pair in a process pool. Here each
 * stored text is a run of interned token ids, the candidate's tokens become
 * bit masks (one bit per candidate position), and rouge_lcs.c's
 * bit-parallel LCS consumes one stored token per word-step. */
#include <stdlib.h>
#include <string.h>

#include "rouge_int.h"
#include "tuneset/hash.h"

/* --- the stored set ------------------------------------------------------ */

typedef struct vocab_slot {
    uint64_t hash;
    uint32_t id;
    uint32_t len;
    const char *key; /* NULL = empty */
} vocab_slot;

struct ts_rouge {
    vocab_slot *tab;
    size_t cap, nvocab;
    ts_arena keys;
    uint32_t *toks; /* all stored texts' token ids back to back */
    size_t ntoks, captoks;
    size_t *off;    /* text i is toks[off[i] .. off[i+1]) */
    char **texts;
    size_t *lens;
    size_t count, capcount;
    /* query scratch */
    int32_t *slot_of; /* per vocab id: mask slot of the current query, or -1 */
    size_t cap_slot_of;
    uint32_t *qids;
    size_t cap_qids, nq;
    int err;
};

ts_rouge *ts_rouge_new(void)
{
    ts_rouge *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    ts_arena_init(&r->keys);
    r->off = malloc(sizeof *r->off);
    if (!r->off) {
        free(r);
        return NULL;
    }
    r->off[0] = 0;
    return r;
}

void ts_rouge_free(ts_rouge *r)
{
    if (!r)
        return;
    free(r->tab);
    ts_arena_release(&r->keys);
    free(r->toks);
    free(r->off);
    for (size_t i = 0; i < r->count; i++)
        free(r->texts[i]);
    free(r->texts);
    free(r->lens);
    free(r->slot_of);
    free(r->qids);
    free(r);
}

size_t ts_rouge_count(const ts_rouge *r) { return r->count; }

const char *ts_rouge_text(const ts_rouge *r, size_t i, size_t *len)
{
    if (len)
        *len = r->lens[i];
    return r->texts[i];
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return TS_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

static int vocab_rehash(ts_rouge *r)
{
    size_t cap = r->cap ? r->cap * 2 : 1024;
    vocab_slot *t = calloc(cap, sizeof *t);
    if (!t)
        return TS_ENOMEM;
    for (size_t i = 0; i < r->cap; i++) {
        if (!r->tab[i].key)
            continue;
        size_t k = r->tab[i].hash & (cap - 1);
        while (t[k].key)
            k = (k + 1) & (cap - 1);
        t[k] = r->tab[i];
    }
    free(r->tab);
    r->tab = t;
    r->cap = cap;
    return 0;
}

/* Returns the id of tok, interning it when add is true; UINT32_MAX when
 * absent (and not added) or on ENOMEM (r->err set). */
static uint32_t vocab_id(ts_rouge *r, const char *tok, size_t len, bool add)
{
    if ((r->nvocab + 1) * 2 > r->cap) {
        if (!add && !r->cap)
            return UINT32_MAX;
        if (add && vocab_rehash(r)) {
            r->err = TS_ENOMEM;
            return UINT32_MAX;
        }
    }
    uint64_t h = ts_hash64(tok, len, 0x726f756765ull);
    size_t k = h & (r->cap - 1);
    while (r->tab[k].key) {
        if (r->tab[k].hash == h && r->tab[k].len == len && !memcmp(r->tab[k].key, tok, len))
            return r->tab[k].id;
        k = (k + 1) & (r->cap - 1);
    }
    if (!add)
        return UINT32_MAX;
    char *key = ts_arena_dup(&r->keys, tok, len);
    if (!key) {
        r->err = TS_ENOMEM;
        return UINT32_MAX;
    }
    r->tab[k] = (vocab_slot){h, (uint32_t)r->nvocab, (uint32_t)len, key};
    return (uint32_t)r->nvocab++;
}

static void add_tok(void *ctx, const char *tok, size_t len)
{
    ts_rouge *r = ctx;
    uint32_t id = vocab_id(r, tok, len, true);
    if (r->err || grow((void **)&r->toks, &r->captoks, r->ntoks + 1, sizeof *r->toks)) {
        r->err = TS_ENOMEM;
        return;
    }
    r->toks[r->ntoks++] = id;
}

/* texts, lens and off grow together under one capacity. */
static int grow_texts(ts_rouge *r)
{
    if (r->count < r->capcount)
        return 0;
    size_t c = r->capcount ? r->capcount * 2 : 64;
    char **t = realloc(r->texts, c * sizeof *t);
    if (!t)
        return TS_ENOMEM;
    r->texts = t;
    size_t *l = realloc(r->lens, c * sizeof *l);
    if (!l)
        return TS_ENOMEM;
    r->lens = l;
    size_t *o = realloc(r->off, (c + 1) * sizeof *o);
    if (!o)
        return TS_ENOMEM;
    r->off = o;
    r->capcount = c;
    return 0;
}

int ts_rouge_add(ts_rouge *r, const char *s, size_t n)
{
    size_t mark = r->ntoks;
    r->err = 0;
    if (grow_texts(r))
        return TS_ENOMEM;
    char *copy = malloc(n + 1);
    if (!copy)
        return TS_ENOMEM;
    memcpy(copy, s, n);
    copy[n] = 0;
    rouge_tokenize(s, n, add_tok, r);
    if (r->err) {
        r->ntoks = mark;
        free(copy);
        return r->err;
    }
    r->texts[r->count] = copy;
    r->lens[r->count] = n;
    r->off[++r->count] = r->ntoks;
    return 0;
}

static void query_tok(void *ctx, const char *tok, size_t len)
{
    ts_rouge *r = ctx;
    if (grow((void **)&r->qids, &r->cap_qids, r->nq + 1, sizeof *r->qids)) {
        r->err = TS_ENOMEM;
        return;
    }
    r->qids[r->nq++] = vocab_id(r, tok, len, false);
}

static void top_insert(ts_rouge_hit *top, size_t k, size_t *ntop, size_t index, double f)
{
    if (!k)
        return;
    if (*ntop == k && f <= top[k - 1].f)
        return; /* ties keep the earlier index */
    size_t i = *ntop < k ? (*ntop)++ : k - 1;
    while (i > 0 && top[i - 1].f < f) {
        top[i] = top[i - 1];
        i--;
    }
    top[i] = (ts_rouge_hit){index, f};
}

int ts_rouge_query(ts_rouge *r, const char *s, size_t n, ts_rouge_hit *top, size_t k,
                   size_t *ntop, double *max)
{
    size_t nt = 0;
    if (!ntop)
        ntop = &nt;
    *ntop = 0;
    *max = 0;
    r->nq = 0;
    r->err = 0;
    rouge_tokenize(s, n, query_tok, r);
    if (r->err)
        return r->err;
    size_t m = r->nq;
    if (!m || !r->count) {
        for (size_t i = 0; i < r->count && *ntop < k; i++)
            top_insert(top, k, ntop, i, 0);
        return 0;
    }
    size_t words = (m + 63) / 64;
    if (grow((void **)&r->slot_of, &r->cap_slot_of, r->nvocab, sizeof *r->slot_of))
        return TS_ENOMEM;
    for (size_t i = 0; i < m; i++)
        if (r->qids[i] != UINT32_MAX)
            r->slot_of[r->qids[i]] = -1;
    /* Distinct known tokens of the query get consecutive mask slots. */
    size_t nd = 0;
    for (size_t i = 0; i < m; i++)
        if (r->qids[i] != UINT32_MAX && r->slot_of[r->qids[i]] < 0)
            r->slot_of[r->qids[i]] = (int32_t)nd++;
    uint64_t *masks = calloc((nd ? nd : 1) * words + words, sizeof *masks);
    if (!masks)
        return TS_ENOMEM;
    uint64_t *v = masks + nd * words;
    for (size_t i = 0; i < m; i++)
        if (r->qids[i] != UINT32_MAX)
            masks[(size_t)r->slot_of[r->qids[i]] * words + i / 64] |= 1ull << (i % 64);
    /* A per-query membership bitmap over the vocabulary: slot_of is only
     * meaningful for the query's own ids and is never cleared. */
    size_t vwords = (r->nvocab + 63) / 64;
    uint64_t *member = calloc(vwords ? vwords : 1, sizeof *member);
    if (!member) {
        free(masks);
        return TS_ENOMEM;
    }
    for (size_t i = 0; i < m; i++)
        if (r->qids[i] != UINT32_MAX)
            member[r->qids[i] / 64] |= 1ull << (r->qids[i] % 64);
    lcs_q lq = {masks, words, m, member, r->slot_of};
    for (size_t i = 0; i < r->count; i++) {
        size_t b0 = r->off[i], bn = r->off[i + 1] - b0;
        double f = 0;
        if (bn) {
            size_t l = lcs_ids(&lq, r->toks + b0, bn, v);
            f = l ? 2.0 * (double)l / (double)(m + bn) : 0;
        }
        if (f > *max)
            *max = f;
        top_insert(top, k, ntop, i, f);
    }
    free(member);
    free(masks);
    return 0;
}

double ts_rouge_l(const char *a, size_t an, const char *b, size_t bn)
{
    ts_rouge *r = ts_rouge_new();
    double f = 0;
    if (r && !ts_rouge_add(r, b, bn))
        ts_rouge_query(r, a, an, NULL, 0, NULL, &f);
    ts_rouge_free(r);
    return f;
}
