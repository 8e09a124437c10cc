/* datagen's internals, shared by datagen.c (shapes, driver),
 * datagen_text.c (text) and datagen_json.c (the JSON emitter). */
#ifndef DATAGEN_H
#define DATAGEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof *(a))

/* splitmix64: one stream drives every choice, so the same seed gives the
 * same bytes everywhere. */
extern uint64_t dg_rng_state;

static inline uint64_t rng_next(void)
{
    uint64_t z = (dg_rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) for n < 2^32, without a division. */
static inline uint32_t rnd(uint32_t n) { return (uint32_t)(((rng_next() >> 32) * n) >> 32); }
static inline int chance(uint32_t percent) { return rnd(100) < percent; }
static inline uint32_t between(uint32_t lo, uint32_t hi) { return lo + rnd(hi - lo + 1); }
#define PICK(a) ((a)[rnd((uint32_t)N(a))])

typedef struct {
    char *p;
    size_t len, cap;
} buf;

static inline void reserve(buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + more)
        cap *= 2;
    if (!(b->p = realloc(b->p, cap))) {
        fputs("datagen: out of memory\n", stderr);
        exit(1);
    }
    b->cap = cap;
}
static inline void put(buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}
static inline void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }
static inline void putc_(buf *b, char c)
{
    reserve(b, 1);
    b->p[b->len++] = c;
}

/* ---- text (datagen_text.c): raw UTF-8 appended to t ---- */
enum lang { EN, KO, ZH, JA, FR, DE, ES };
extern const char *const dg_lang_code[];
enum lang dg_pick_lang(void);
void dg_sentence(buf *t, enum lang l);
void dg_paragraph(buf *t, enum lang l, uint32_t lo, uint32_t hi);
void dg_code_block(buf *t);
void dg_list(buf *t, enum lang l);
void dg_message(buf *t, enum lang l, int assistant); /* replaces t's content */
const char *dg_tech_word(void);
const char *dg_category(void);

/* ---- JSON (datagen_json.c): json.dump(indent=N) layout, or one line with
 * Python's default ", " / ": " separators when indent is 0 ---- */
typedef struct {
    buf *o;
    int indent; /* 0: one line */
    int depth;
    unsigned char first[32];
} emitter;

/* ensure_ascii: write non-ASCII as \uXXXX (surrogate pairs above U+FFFF). */
extern int dg_ascii_mode;
void em_item(emitter *e); /* before each array element */
void em_open(emitter *e, char c);
void em_close(emitter *e, char c);
void em_key(emitter *e, const char *k);
void em_str(emitter *e, const char *s, size_t n);
void em_cstr(emitter *e, const char *s);
void em_raw(emitter *e, const char *s);
void em_int(emitter *e, long long v);
void em_quarter(emitter *e, uint32_t quarters);

#endif
