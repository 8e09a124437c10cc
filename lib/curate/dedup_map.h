/* A 64-bit key -> 32-bit value open-addressing table (linear probing),
 * shared by the exact-key index and the LSH buckets of dedup. Keys are
 * already hashes, so they index the table directly. */
#ifndef TS_DEDUP_MAP_H
#define TS_DEDUP_MAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tuneset/error.h"

typedef struct {
    uint64_t key;
    uint32_t val; /* value + 1; 0 = empty */
} dd_slot;

typedef struct {
    dd_slot *slots;
    size_t cap, count; /* cap is a power of two */
} dd_map;

static inline uint32_t dd_map_get(const dd_map *m, uint64_t key)
{
    if (!m->cap)
        return 0;
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)(key ^ key >> 29) & mask;; i = (i + 1) & mask) {
        if (!m->slots[i].val)
            return 0;
        if (m->slots[i].key == key)
            return m->slots[i].val;
    }
}

static inline int dd_map_put(dd_map *m, uint64_t key, uint32_t val1);

/* Zeroed slots. A big table is one random access per record, so it sits on
 * 2 MiB pages where the kernel allows: each lookup then misses the cache
 * but not also the TLB. */
static inline dd_slot *dd_map_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(dd_slot), huge = (size_t)2 << 20;
#if defined(MADV_HUGEPAGE)
    void *p;
    if (bytes >= huge && !posix_memalign(&p, huge, bytes)) {
        madvise(p, bytes, MADV_HUGEPAGE);
        memset(p, 0, bytes);
        return p;
    }
#endif
    (void)huge;
    return calloc(cap, sizeof(dd_slot));
}

static inline int dd_map_grow(dd_map *m)
{
    dd_map g = {dd_map_alloc(m->cap ? m->cap * 2 : 1024), m->cap ? m->cap * 2 : 1024, 0};
    if (!g.slots)
        return TS_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].val)
            dd_map_put(&g, m->slots[i].key, m->slots[i].val);
    free(m->slots);
    *m = g;
    return 0;
}

/* Sets key to val1 (a value + 1, never 0). 0 or TS_ENOMEM. */
static inline int dd_map_put(dd_map *m, uint64_t key, uint32_t val1)
{
    if ((m->count + 1) * 4 > m->cap * 3 && dd_map_grow(m))
        return TS_ENOMEM;
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)(key ^ key >> 29) & mask;; i = (i + 1) & mask) {
        if (!m->slots[i].val) {
            m->slots[i] = (dd_slot){key, val1};
            m->count++;
            return 0;
        }
        if (m->slots[i].key == key) {
            m->slots[i].val = val1;
            return 0;
        }
    }
}

static inline void dd_map_release(dd_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

#endif
