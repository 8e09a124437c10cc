/* The client's books: the table of live requests by key (so identical
 * requests in flight are sent once) and the usage by model. */
#include <stdlib.h>
#include <string.h>

#include "llm_int.h"

/* The live table: a request identical to one still queued or in flight
 * waits for that one's reply instead of being sent again. */
static llm_req **live_slot(ts_llm *c, const uint8_t key[16])
{
    uint64_t h;
    memcpy(&h, key, sizeof h);
    return &c->live[h & (c->nlive_buckets - 1)];
}

llm_req *llm_live_find(ts_llm *c, const uint8_t key[16])
{
    for (llm_req *r = c->nlive_buckets ? *live_slot(c, key) : NULL; r; r = r->hnext)
        if (!memcmp(r->key, key, 16))
            return r;
    return NULL;
}

int llm_live_add(ts_llm *c, llm_req *r)
{
    if (c->nlive >= c->nlive_buckets) {
        size_t n = c->nlive_buckets ? c->nlive_buckets * 2 : 256;
        llm_req **t = calloc(n, sizeof *t);
        if (!t)
            return TS_ENOMEM;
        llm_req **old = c->live;
        size_t oldn = c->nlive_buckets;
        c->live = t;
        c->nlive_buckets = n;
        for (size_t i = 0; i < oldn; i++)
            for (llm_req *q = old[i], *next; q; q = next) {
                next = q->hnext;
                llm_req **sl = live_slot(c, q->key);
                q->hnext = *sl;
                *sl = q;
            }
        free(old);
    }
    llm_req **sl = live_slot(c, r->key);
    r->hnext = *sl;
    *sl = r;
    c->nlive++;
    return 0;
}

void llm_live_remove(ts_llm *c, llm_req *r)
{
    if (!c->nlive_buckets)
        return;
    for (llm_req **p = live_slot(c, r->key); *p; p = &(*p)->hnext)
        if (*p == r) {
            *p = r->hnext;
            r->hnext = NULL;
            c->nlive--;
            return;
        }
}

void llm_count_model(ts_llm *c, const ts_json *model, uint64_t prompt, uint64_t completion)
{
    const char *name = "";
    size_t n = 0;
    if (ts_json_is(model, TS_JSON_STRING)) {
        name = model->u.s;
        n = model->len;
    }
    size_t i = 0;
    while (i < c->nmodels && !(strlen(c->models[i].model) == n && !memcmp(c->models[i].model, name, n)))
        i++;
    if (i == c->nmodels) {
        /* A few models per run: a list is enough; a flood of names is capped. */
        if (c->nmodels >= 64)
            return;
        ts_llm_model_usage *m = realloc(c->models, (c->nmodels + 1) * sizeof *m);
        char *copy = malloc(n + 1);
        if (m)
            c->models = m;
        if (!m || !copy) {
            free(copy);
            return;
        }
        memcpy(copy, name, n);
        copy[n] = 0;
        c->models[c->nmodels++] = (ts_llm_model_usage){.model = copy};
    }
    c->models[i].replies++;
    c->models[i].prompt_tokens += prompt;
    c->models[i].completion_tokens += completion;
}

int ts_llm_get_model_usage(const ts_llm *c, size_t i, ts_llm_model_usage *out)
{
    if (i >= c->nmodels)
        return 0;
    *out = c->models[i];
    return 1;
}
