#include "tuneset/arena.h"
#include "tuneset/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ts_arena_chunk {
    ts_arena_chunk *next;
    size_t size;
    max_align_t data[];
};

enum { ARENA_FIRST_CHUNK = 64 * 1024, ARENA_MAX_CHUNK = 16 * 1024 * 1024 };
#define ALIGN_UP(n) (((n) + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1))

void ts_arena_init(ts_arena *a)
{
    memset(a, 0, sizeof *a);
    a->chunk_size = ARENA_FIRST_CHUNK;
}

static void *arena_grow(ts_arena *a, size_t n)
{
    size_t size = a->chunk_size;
    if (size < n)
        size = n;
    ts_arena_chunk *c = malloc(sizeof *c + size);
    if (!c)
        return NULL;
    c->size = size;
    if (n > a->chunk_size / 2 && a->head) {
        /* A big request gets its own chunk behind the current one, so the
         * free tail of the current chunk is not wasted. */
        c->next = a->head->next;
        a->head->next = c;
        a->used += n;
        return c->data;
    }
    c->next = a->head;
    a->head = c;
    a->ptr = (char *)c->data + n;
    a->end = (char *)c->data + size;
    if (a->chunk_size < ARENA_MAX_CHUNK)
        a->chunk_size *= 2;
    a->used += n;
    return c->data;
}

void *ts_arena_alloc(ts_arena *a, size_t n)
{
    n = ALIGN_UP(n ? n : 1);
    if ((size_t)(a->end - a->ptr) >= n) {
        void *p = a->ptr;
        a->ptr += n;
        a->used += n;
        return p;
    }
    return arena_grow(a, n);
}

void *ts_arena_reserve(ts_arena *a, size_t n)
{
    size_t need = ALIGN_UP(n ? n : 1);
    if ((size_t)(a->end - a->ptr) >= need)
        return a->ptr;
    /* A fresh current chunk big enough; the old one's tail is given up. */
    size_t size = a->chunk_size > need ? a->chunk_size : need;
    ts_arena_chunk *c = malloc(sizeof *c + size);
    if (!c)
        return NULL;
    c->size = size;
    c->next = a->head;
    a->head = c;
    a->ptr = (char *)c->data;
    a->end = (char *)c->data + size;
    if (a->chunk_size < ARENA_MAX_CHUNK)
        a->chunk_size *= 2;
    return a->ptr;
}

void ts_arena_take(ts_arena *a, size_t used)
{
    used = ALIGN_UP(used ? used : 1);
    a->ptr += used;
    a->used += used;
}

void *ts_arena_dup(ts_arena *a, const void *p, size_t n)
{
    void *d = ts_arena_alloc(a, n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

void ts_arena_reset(ts_arena *a)
{
    if (!a->head)
        return;
    /* Keep the newest (largest) chunk: a steady stream of similar batches
     * then allocates nothing after warm-up. */
    ts_arena_chunk *keep = a->head, *c = keep->next;
    while (c) {
        ts_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    keep->next = NULL;
    a->ptr = (char *)keep->data;
    a->end = (char *)keep->data + keep->size;
    a->used = 0;
}

void ts_arena_release(ts_arena *a)
{
    ts_arena_chunk *c = a->head;
    while (c) {
        ts_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    ts_arena_init(a);
}

void ts_buf_init(ts_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max ? max : SIZE_MAX;
}

int ts_buf_reserve_slow(ts_buf *b, size_t n)
{
    if (n > b->max - b->len)
        return TS_ETOOBIG;
    size_t need = b->len + n;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* The cap bounds the allocation too, not only the content. */
    if (cap > b->max && need <= b->max)
        cap = b->max;
    char *d = realloc(b->data, cap + 1); /* +1 keeps room for a NUL */
    if (!d)
        return TS_ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}

int ts_buf_append_slow(ts_buf *b, const void *p, size_t n)
{
    int rc = ts_buf_reserve_slow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void ts_buf_release(ts_buf *b)
{
    free(b->data);
    ts_buf_init(b, b->max);
}

int ts_buf_printf(ts_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return TS_EINVAL;
    int rc = ts_buf_reserve(b, (size_t)n + 1); /* vsnprintf writes a NUL too */
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}
