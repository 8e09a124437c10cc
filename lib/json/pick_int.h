/* The picking scanner's state, shared by its portable scan (pick.c) and
 * its AVX2 scan (pick_avx2.c). Internal to lib/json. */
#ifndef TS_JSON_PICK_INT_H
#define TS_JSON_PICK_INT_H

#include <stdlib.h>
#include <string.h>

#include "tuneset/json.h"

/* SLACK: what a 16-byte store may write past the data; PK_ROOM: what
 * the scans need past n bytes in the output and text buffers. */
enum { MAX_KEYS = 32, SLACK = 16, PK_ROOM = 128 };

struct ts_json_pick {
    ts_json_opts opts;
    const char *keys[2][MAX_KEYS];
    uint8_t klen[2][MAX_KEYS];
    unsigned nkeys[2];
    ts_buf text; /* decoded picked strings and number texts */
    ts_json_hit *hits;
    size_t nhits, caphits;
    uint8_t lut[2][64];       /* key index + 1 by pk_key_hash; 0xFF: look through */
    uint32_t first[MAX_KEYS]; /* hit index + 1 of a top key's first value */
    uint64_t *kinds;          /* one bit a depth: 1 = object */
    size_t capkinds;
    uint32_t *idx; /* the AVX2 scan's token positions */
    size_t capidx;
    bool portable;      /* tests: skip the AVX2 scan */
    ts_json_parser *ps; /* only for the words of an error */
    ts_arena arena;
};

/* The key, value and container state of picking, the same in both scans. */
typedef struct {
    long cap;          /* the top hit whose container is open, or -1 */
    bool capobj;       /* ... and whether it is an object */
    bool nonempty;     /* ... has an element / member */
    uint32_t item;     /* element / member index inside it */
    uint64_t seen;     /* inner keys met in the object being picked from */
    int want, wkey;    /* the next value is picked: WANT_TOP/INNER, key */
} pk_state;

enum { WANT_NONE, WANT_TOP, WANT_INNER };

static inline bool pk_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* The end of the number (RFC 8259 grammar) starting at p, or NULL. */
static inline const uint8_t *pk_number_end(const uint8_t *p, const uint8_t *end)
{
    if (p < end && *p == '-')
        p++;
    if (p >= end || !pk_digit(*p))
        return NULL;
    if (*p == '0') {
        if (++p < end && pk_digit(*p))
            return NULL;
    } else {
        while (p < end && pk_digit(*p))
            p++;
    }
    if (p < end && *p == '.') {
        if (++p >= end || !pk_digit(*p))
            return NULL;
        while (p < end && pk_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !pk_digit(*p))
            return NULL;
        while (p < end && pk_digit(*p))
            p++;
    }
    return p;
}

static inline unsigned pk_key_hash(const uint8_t *s, size_t n)
{
    return n ? (unsigned)(n * 7 + s[0] + s[n - 1] * 3) & 63 : 0;
}

/* Index of the key [s, s+n) in list l, or -1. */
static inline int pk_find_key(const ts_json_pick *k, int l, const uint8_t *s, size_t n)
{
    unsigned c = k->lut[l][pk_key_hash(s, n)];
    if (c == 0)
        return -1; /* no key hashes here */
    if (c != 0xFF) {
        const char *key = k->keys[l][c - 1];
        if (k->klen[l][c - 1] != n)
            return -1;
        for (size_t j = 0; j < n; j++)
            if ((uint8_t)key[j] != s[j])
                return -1;
        return (int)c - 1;
    }
    /* Keys are a few bytes: compared inline, no call a key. */
    for (unsigned i = 0; i < k->nkeys[l]; i++) {
        const char *key = k->keys[l][i];
        if (k->klen[l][i] != n || (n && (uint8_t)key[0] != s[0]))
            continue;
        size_t j = 0;
        while (j < n && (uint8_t)key[j] == s[j])
            j++;
        if (j == n)
            return (int)i;
    }
    return -1;
}

static inline ts_json_hit *pk_new_hit(ts_json_pick *k)
{
    if (k->nhits == k->caphits) {
        size_t cap = k->caphits ? k->caphits * 2 : 64;
        ts_json_hit *h = realloc(k->hits, cap * sizeof *h);
        if (!h)
            return NULL;
        k->hits = h;
        k->caphits = cap;
    }
    return &k->hits[k->nhits++];
}

/* A key [s, s+n) (decoded) was read in the object at depth: decides
 * whether the value after it is picked. */
static inline void pk_on_key(ts_json_pick *k, pk_state *st, uint32_t depth, const uint8_t *s, size_t n)
{
    int l = depth == 1 ? 0 : st->cap >= 0 && depth == (st->capobj ? 2u : 3u) ? 1 : -1;
    if (l < 0 || n > 255)
        return;
    int i = pk_find_key(k, l, s, n);
    if (i < 0 || (l == 0 ? k->first[i] != 0 : (st->seen >> i & 1)))
        return; /* not wanted, or not the first occurrence */
    st->want = l == 0 ? WANT_TOP : WANT_INNER;
    st->wkey = i;
    if (l == 1)
        st->seen |= 1ull << i;
}

/* A value starts and st->want is set: its hit, text at offset off. */
static inline ts_json_hit *pk_on_value(ts_json_pick *k, pk_state *st, size_t off)
{
    ts_json_hit *h = pk_new_hit(k);
    if (!h)
        return NULL;
    h->key = (uint8_t)st->wkey;
    h->top = st->want == WANT_TOP;
    h->item = h->top ? 0 : st->item;
    h->first = h->end = (uint32_t)k->nhits;
    h->len = 0;
    h->off = off;
    h->type = TS_JSON_NULL;
    if (h->top)
        k->first[st->wkey] = (uint32_t)k->nhits;
    return h;
}

/* A container opened; depth counts it. */
static inline void pk_on_open(pk_state *st, ts_json_hit *h, uint32_t depth, bool obj)
{
    if (h && st->want == WANT_TOP) {
        st->cap = (long)h->first - 1;
        st->capobj = obj;
        st->item = 0;
        st->nonempty = false;
        st->seen = 0;
    } else if (st->cap >= 0 && depth == 3 && !st->capobj && obj) {
        st->seen = 0; /* an element object of the picked array */
    }
    st->want = WANT_NONE;
}

/* A container closed; depth no longer counts it. */
static inline void pk_on_close(ts_json_pick *k, pk_state *st, uint32_t depth)
{
    if (st->cap >= 0 && depth == 1) {
        ts_json_hit *h = &k->hits[st->cap];
        h->end = (uint32_t)k->nhits;
        h->len = st->nonempty ? st->item + 1 : 0;
        st->cap = -1;
    }
}

/* The AVX2 scan: 0 with the output appended and the hits made, or
 * PK_SLOW when the record needs the portable scan (an error, an escape
 * the writer writes differently, no AVX2), or TS_ENOMEM. */
#define PK_SLOW 1
int pk_scan_avx2(ts_json_pick *k, const char *text, size_t n, ts_buf *out);

#endif
