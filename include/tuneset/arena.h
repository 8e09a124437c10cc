/* tuneset — arenas and capped byte buffers.
 *
 * An arena owns every value of one document or batch; it is reset or freed
 * at once, so parsed records need no per-node frees. A ts_buf is a growable
 * byte buffer with a hard size cap, so hostile input cannot balloon memory.
 * Neither is thread-safe; use one per thread.
 */
#ifndef TUNESET_ARENA_H
#define TUNESET_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ts_arena_chunk ts_arena_chunk;

typedef struct ts_arena {
    ts_arena_chunk *head; /* current chunk; older chunks follow ->next */
    char *ptr, *end;      /* free space in the current chunk */
    size_t chunk_size;    /* size of the next ordinary chunk */
    size_t used;          /* bytes handed out since the last reset */
} ts_arena;

void ts_arena_init(ts_arena *a);
/* Returns memory aligned for any type, or NULL when out of memory. */
void *ts_arena_alloc(ts_arena *a, size_t n);
/* Copies n bytes into the arena (n may be 0); NULL when out of memory. */
void *ts_arena_dup(ts_arena *a, const void *p, size_t n);
/* For output of unknown length with a known bound: returns at least n
 * free bytes without taking them; ts_arena_take() then keeps the first
 * `used` (<= n) of them. Nothing else may be allocated in between. */
void *ts_arena_reserve(ts_arena *a, size_t n);
void ts_arena_take(ts_arena *a, size_t used);
/* Forgets all allocations but keeps the first chunk for reuse. */
void ts_arena_reset(ts_arena *a);
void ts_arena_release(ts_arena *a);

typedef struct ts_buf {
    char *data;
    size_t len, cap;
    size_t max; /* hard cap on len; 0 = SIZE_MAX */
} ts_buf;

void ts_buf_init(ts_buf *b, size_t max);
/* Ensures room for n more bytes: 0, TS_ENOMEM, or TS_ETOOBIG past the cap. */
int ts_buf_reserve_slow(ts_buf *b, size_t n);
int ts_buf_append_slow(ts_buf *b, const void *p, size_t n);
void ts_buf_release(ts_buf *b);
/* Appends printf-formatted text. 0, TS_EINVAL, TS_ENOMEM or TS_ETOOBIG. */
int ts_buf_printf(ts_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The fast paths are inline: writers call these once per token. */
static inline int ts_buf_reserve(ts_buf *b, size_t n)
{
    return n <= b->cap - b->len ? 0 : ts_buf_reserve_slow(b, n);
}

static inline int ts_buf_append(ts_buf *b, const void *p, size_t n)
{
    if (n <= b->cap - b->len) {
        if (n)
            memcpy(b->data + b->len, p, n);
        b->len += n;
        return 0;
    }
    return ts_buf_append_slow(b, p, n);
}

static inline int ts_buf_putc(ts_buf *b, char c)
{
    if (b->len < b->cap) {
        b->data[b->len++] = c;
        return 0;
    }
    return ts_buf_append_slow(b, &c, 1);
}

#endif
