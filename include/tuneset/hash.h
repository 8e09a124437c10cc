/* tuneset — hashing and a set of byte strings (ids, dedup keys).
 * Not thread-safe. */
#ifndef TUNESET_HASH_H
#define TUNESET_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"

/* Fast 64-bit hash of n bytes (not cryptographic; stable across runs and
 * machines of the same endianness). */
uint64_t ts_hash64(const void *p, size_t n, uint64_t seed);

typedef struct ts_strset {
    struct ts_strset_slot *slots;
    size_t cap, count;
    ts_arena keys; /* copies of inserted keys */
} ts_strset;

void ts_strset_init(ts_strset *s);
/* Inserts a copy of key; returns 1 when added, 0 when it was already
 * there, TS_ENOMEM on failure. */
int ts_strset_add(ts_strset *s, const char *key, size_t n);
bool ts_strset_has(const ts_strset *s, const char *key, size_t n);
void ts_strset_release(ts_strset *s);

#endif
