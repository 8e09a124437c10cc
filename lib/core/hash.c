#include <stdlib.h>
#include <string.h>

#include "tuneset/error.h"
#include "tuneset/hash.h"

static inline uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A multiply-mix hash in the style of wyhash: 8 bytes a step, good
 * distribution for hash tables and dedup keys. */
uint64_t ts_hash64(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
    uint64_t h = seed ^ k0 ^ (uint64_t)n * k2;
    while (n >= 16) {
        h = mix(rd64(p) ^ k1, rd64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = rd64(p);
        b = rd64(p + n - 8);
    } else if (n > 0) {
        unsigned char tmp[8] = {0};
        memcpy(tmp, p, n);
        a = rd64(tmp);
        b = n;
    }
    return mix(mix(a ^ k1, b ^ h) ^ k2, h ^ k0);
}

struct ts_strset_slot {
    uint64_t hash;
    const char *key; /* NULL = empty */
    size_t len;
};

void ts_strset_init(ts_strset *s)
{
    memset(s, 0, sizeof *s);
    ts_arena_init(&s->keys);
}

static int grow(ts_strset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    struct ts_strset_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return TS_ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        struct ts_strset_slot *o = &s->slots[i];
        if (!o->key)
            continue;
        size_t j = o->hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = *o;
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

static struct ts_strset_slot *find(const ts_strset *s, uint64_t h, const char *key, size_t n)
{
    size_t j = h & (s->cap - 1);
    for (;;) {
        struct ts_strset_slot *sl = &s->slots[j];
        if (!sl->key || (sl->hash == h && sl->len == n && !memcmp(sl->key, key, n)))
            return sl;
        j = (j + 1) & (s->cap - 1);
    }
}

int ts_strset_add(ts_strset *s, const char *key, size_t n)
{
    if ((s->count + 1) * 4 > s->cap * 3 && grow(s))
        return TS_ENOMEM;
    uint64_t h = ts_hash64(key, n, 0);
    struct ts_strset_slot *sl = find(s, h, key, n);
    if (sl->key)
        return 0;
    char *k = ts_arena_dup(&s->keys, key, n);
    if (!k)
        return TS_ENOMEM;
    sl->hash = h;
    sl->key = k;
    sl->len = n;
    s->count++;
    return 1;
}

bool ts_strset_has(const ts_strset *s, const char *key, size_t n)
{
    if (!s->cap)
        return false;
    return find(s, ts_hash64(key, n, 0), key, n)->key != NULL;
}

void ts_strset_release(ts_strset *s)
{
    free(s->slots);
    ts_arena_release(&s->keys);
    memset(s, 0, sizeof *s);
}
