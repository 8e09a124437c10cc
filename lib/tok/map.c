/* Hash maps of the tokenizer: vocabulary (string -> id), merge ranks
 * ((left, right) -> rank, merged id) and the bounded piece cache. */
#include <stdlib.h>
#include <string.h>

#include "tok_int.h"

uint64_t tk_hash(const char *s, size_t n)
{
    /* FNV-1a folded 8 bytes at a time: pieces are short, so a simple
     * loop beats a setup-heavy hash; the final mix spreads the bits. */
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

/* --- string map --------------------------------------------------------- */

static int strmap_grow(tk_strmap *m)
{
    size_t ns = m->mask ? (m->mask + 1) * 2 : 64;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return TS_ENOMEM;
    for (size_t e = 0; e < m->n; e++) {
        size_t i = tk_hash(m->blob + m->off[e], m->len[e]) & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)e + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->mask = ns - 1;
    return 0;
}

int tk_strmap_put(tk_strmap *m, const char *s, size_t n, uint32_t val)
{
    if (n > UINT32_MAX / 2)
        return TS_ETOOBIG;
    if ((m->n + 1) * 2 > m->mask + 1 && strmap_grow(m))
        return TS_ENOMEM;
    size_t i = tk_hash(s, n) & m->mask;
    while (m->slots[i]) {
        uint32_t e = m->slots[i] - 1;
        if (m->len[e] == n && !memcmp(m->blob + m->off[e], s, n)) {
            m->val[e] = val;
            return 0;
        }
        i = (i + 1) & m->mask;
    }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 256;
        uint32_t *o = realloc(m->off, nc * sizeof *o);
        if (!o)
            return TS_ENOMEM;
        m->off = o;
        uint32_t *l = realloc(m->len, nc * sizeof *l);
        if (!l)
            return TS_ENOMEM;
        m->len = l;
        uint32_t *v = realloc(m->val, nc * sizeof *v);
        if (!v)
            return TS_ENOMEM;
        m->val = v;
        m->cap = nc;
    }
    if (m->blen + n > m->bcap) {
        size_t nc = m->bcap ? m->bcap : 4096;
        while (nc < m->blen + n)
            nc *= 2;
        if (nc > UINT32_MAX)
            return TS_ETOOBIG;
        char *b = realloc(m->blob, nc);
        if (!b)
            return TS_ENOMEM;
        m->blob = b;
        m->bcap = nc;
    }
    if (n)
        memcpy(m->blob + m->blen, s, n);
    m->off[m->n] = (uint32_t)m->blen;
    m->len[m->n] = (uint32_t)n;
    m->val[m->n] = val;
    m->blen += n;
    m->slots[i] = (uint32_t)++m->n;
    return 0;
}

int tk_strmap_get(const tk_strmap *m, const char *s, size_t n, uint32_t *val)
{
    if (!m->mask)
        return 0;
    size_t i = tk_hash(s, n) & m->mask;
    while (m->slots[i]) {
        uint32_t e = m->slots[i] - 1;
        if (m->len[e] == n && !memcmp(m->blob + m->off[e], s, n)) {
            *val = m->val[e];
            return 1;
        }
        i = (i + 1) & m->mask;
    }
    return 0;
}

void tk_strmap_free(tk_strmap *m)
{
    free(m->blob);
    free(m->off);
    free(m->len);
    free(m->val);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* --- pair map ----------------------------------------------------------- */

static int pairmap_grow(tk_pairmap *m)
{
    size_t ns = m->mask ? (m->mask + 1) * 2 : 1024;
    tk_pairslot *t = malloc(ns * sizeof *t);
    if (!t)
        return TS_ENOMEM;
    for (size_t i = 0; i < ns; i++)
        t[i].key = UINT64_MAX;
    if (m->mask)
        for (size_t j = 0; j <= m->mask; j++) {
            if (m->slots[j].key == UINT64_MAX)
                continue;
            size_t i = mix64(m->slots[j].key) & (ns - 1);
            while (t[i].key != UINT64_MAX)
                i = (i + 1) & (ns - 1);
            t[i] = m->slots[j];
        }
    free(m->slots);
    m->slots = t;
    m->mask = ns - 1;
    return 0;
}

int tk_pairmap_put(tk_pairmap *m, uint64_t key, uint32_t rank, uint32_t newid)
{
    if (key == UINT64_MAX)
        return TS_EINVAL;
    if ((m->n + 1) * 2 > m->mask + 1 && pairmap_grow(m))
        return TS_ENOMEM;
    size_t i = mix64(key) & m->mask;
    while (m->slots[i].key != UINT64_MAX && m->slots[i].key != key)
        i = (i + 1) & m->mask;
    if (m->slots[i].key == UINT64_MAX)
        m->n++;
    m->slots[i] = (tk_pairslot){key, rank, newid};
    return 0;
}

int tk_pairmap_get(const tk_pairmap *m, uint64_t key, uint32_t *rank, uint32_t *newid)
{
    if (!m->mask)
        return 0;
    size_t i = mix64(key) & m->mask;
    for (;;) {
        const tk_pairslot *s = &m->slots[i];
        if (s->key == key) {
            if (rank)
                *rank = s->rank;
            if (newid)
                *newid = s->newid;
            return 1;
        }
        if (s->key == UINT64_MAX)
            return 0;
        i = (i + 1) & m->mask;
    }
}

void tk_pairmap_free(tk_pairmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* --- cache -------------------------------------------------------------- */

int tk_cache_init(tk_cache *c, size_t max_entries)
{
    memset(c, 0, sizeof *c);
    c->cap = max_entries;
    size_t ns = 1;
    while (ns < max_entries * 2)
        ns *= 2;
    c->mask = ns - 1;
    c->slots = calloc(ns, sizeof *c->slots);
    c->hash = malloc(max_entries * sizeof *c->hash);
    c->koff = malloc(max_entries * sizeof *c->koff);
    c->klen = malloc(max_entries * sizeof *c->klen);
    c->voff = malloc(max_entries * sizeof *c->voff);
    c->vlen = malloc(max_entries * sizeof *c->vlen);
    c->kcap = max_entries * 16;
    c->vcap = max_entries * 4;
    c->keys = malloc(c->kcap);
    c->vals = malloc(c->vcap * sizeof *c->vals);
    if (!c->slots || !c->hash || !c->koff || !c->klen || !c->voff || !c->vlen || !c->keys || !c->vals) {
        tk_cache_free(c);
        return TS_ENOMEM;
    }
    return 0;
}

const uint32_t *tk_cache_get(const tk_cache *c, const char *k, size_t kn, size_t *n)
{
    if (!c->slots)
        return NULL;
    uint64_t h = tk_hash(k, kn);
    size_t i = h & c->mask;
    while (c->slots[i]) {
        uint32_t e = c->slots[i] - 1;
        if (c->hash[e] == h && c->klen[e] == kn && !memcmp(c->keys + c->koff[e], k, kn)) {
            *n = c->vlen[e];
            return c->vals + c->voff[e];
        }
        i = (i + 1) & c->mask;
    }
    return NULL;
}

void tk_cache_put(tk_cache *c, const char *k, size_t kn, const uint32_t *ids, size_t n)
{
    if (!c->slots || kn > c->kcap / 4 || n > c->vcap / 4)
        return;
    if (c->n == c->cap || c->kused + kn > c->kcap || c->vused + n > c->vcap) {
        /* Full: start over. Simple, bounded, and the hot pieces of a
         * corpus come back within a few records. */
        memset(c->slots, 0, (c->mask + 1) * sizeof *c->slots);
        c->n = c->kused = c->vused = 0;
    }
    uint64_t h = tk_hash(k, kn);
    size_t i = h & c->mask;
    while (c->slots[i])
        i = (i + 1) & c->mask;
    size_t e = c->n++;
    c->hash[e] = h;
    c->koff[e] = (uint32_t)c->kused;
    c->klen[e] = (uint32_t)kn;
    c->voff[e] = (uint32_t)c->vused;
    c->vlen[e] = (uint32_t)n;
    memcpy(c->keys + c->kused, k, kn);
    if (n)
        memcpy(c->vals + c->vused, ids, n * sizeof *ids);
    c->kused += kn;
    c->vused += n;
    c->slots[i] = (uint32_t)e + 1;
}

void tk_cache_free(tk_cache *c)
{
    free(c->slots);
    free(c->hash);
    free(c->koff);
    free(c->klen);
    free(c->voff);
    free(c->vlen);
    free(c->keys);
    free(c->vals);
    memset(c, 0, sizeof *c);
}
