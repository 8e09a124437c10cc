/* The value builder: a stack of finished values plus a stack of open
 * containers. Closing a container moves its children into the arena as one
 * contiguous array, so a finished tree is compact and needs no frees. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jb_internal.h"

void ts_jb_init(ts_jb *b, ts_arena *a)
{
    memset(b, 0, sizeof *b);
    b->arena = a;
}

void ts_jb_release(ts_jb *b)
{
    free(b->vals);
    free(b->frames);
    memset(b, 0, sizeof *b);
}

void tsjb_reset(ts_jb *b, ts_arena *a)
{
    b->arena = a;
    b->nvals = b->nframes = 0;
    b->err = 0;
}

int tsjb_grow_vals(ts_jb *b)
{
    size_t cap = b->capvals ? b->capvals * 2 : 64;
    ts_json *v = realloc(b->vals, cap * sizeof *v);
    if (!v)
        return TS_ENOMEM;
    b->vals = v;
    b->capvals = cap;
    return 0;
}

int tsjb_open(ts_jb *b, ts_json_type t)
{
    ts_json *slot = tsjb_push(b);
    if (!slot)
        return TS_ENOMEM;
    slot->type = (uint8_t)t;
    slot->flags = 0;
    slot->len = 0;
    slot->u.items = NULL;
    if (b->nframes == b->capframes) {
        size_t cap = b->capframes ? b->capframes * 2 : 32;
        size_t *f = realloc(b->frames, cap * sizeof *f);
        if (!f)
            return TS_ENOMEM;
        b->frames = f;
        b->capframes = cap;
    }
    b->frames[b->nframes++] = b->nvals;
    return 0;
}

int tsjb_close(ts_jb *b)
{
    size_t base = b->frames[--b->nframes];
    size_t n = b->nvals - base;
    ts_json *c = &b->vals[base - 1];
    ts_json *items = NULL;
    if (n) {
        items = ts_arena_alloc(b->arena, n * sizeof *items);
        if (!items)
            return TS_ENOMEM;
        memcpy(items, &b->vals[base], n * sizeof *items);
    }
    c->u.items = items;
    c->len = (uint32_t)(c->type == TS_JSON_OBJECT ? n / 2 : n);
    b->nvals = base;
    return 0;
}

static ts_json *jb_slot(ts_jb *b)
{
    if (b->err)
        return NULL;
    ts_json *s = tsjb_push(b);
    if (!s)
        b->err = TS_ENOMEM;
    return s;
}

void ts_jb_object(ts_jb *b)
{
    if (!b->err)
        b->err = tsjb_open(b, TS_JSON_OBJECT);
}

void ts_jb_array(ts_jb *b)
{
    if (!b->err)
        b->err = tsjb_open(b, TS_JSON_ARRAY);
}

void ts_jb_end(ts_jb *b)
{
    if (b->err)
        return;
    if (!b->nframes) {
        b->err = TS_EINVAL;
        return;
    }
    size_t base = b->frames[b->nframes - 1];
    if (tsjb_top_is_object(b) && (b->nvals - base) % 2) {
        b->err = TS_EINVAL; /* a key without a value */
        return;
    }
    b->err = tsjb_close(b);
}

void ts_jb_str(ts_jb *b, const char *s, size_t n)
{
    ts_json *v = jb_slot(b);
    if (!v)
        return;
    if (n > UINT32_MAX) {
        b->err = TS_ETOOBIG;
        return;
    }
    v->type = TS_JSON_STRING;
    v->flags = 0;
    v->len = (uint32_t)n;
    v->u.s = s;
}

void ts_jb_key(ts_jb *b, const char *k) { ts_jb_str(b, k, strlen(k)); }
void ts_jb_cstr(ts_jb *b, const char *s) { ts_jb_str(b, s, strlen(s)); }

void ts_jb_strdup(ts_jb *b, const char *s, size_t n)
{
    if (b->err)
        return;
    char *d = ts_arena_dup(b->arena, s, n);
    if (!d) {
        b->err = TS_ENOMEM;
        return;
    }
    ts_jb_str(b, d, n);
}

static void jb_number_text(ts_jb *b, const char *text, size_t n)
{
    if (b->err)
        return;
    char *d = ts_arena_dup(b->arena, text, n);
    ts_json *v = d ? jb_slot(b) : NULL;
    if (!d)
        b->err = TS_ENOMEM;
    if (!v)
        return;
    v->type = TS_JSON_NUMBER;
    v->flags = 0;
    v->len = (uint32_t)n;
    v->u.s = d;
}

void ts_jb_int(ts_jb *b, int64_t x)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, x);
    jb_number_text(b, tmp, (size_t)n);
}

void ts_jb_double(ts_jb *b, double x)
{
    char tmp[40];
    if (x != x || x - x != 0) { /* NaN and infinities are not JSON */
        ts_jb_null(b);
        return;
    }
    /* Shortest text that reads back to the same double. */
    int n = 0;
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x)
            break;
    }
    jb_number_text(b, tmp, (size_t)n);
}

static void jb_simple(ts_jb *b, ts_json_type t)
{
    ts_json *v = jb_slot(b);
    if (!v)
        return;
    v->type = (uint8_t)t;
    v->flags = 0;
    v->len = 0;
    v->u.s = NULL;
}

void ts_jb_bool(ts_jb *b, bool x) { jb_simple(b, x ? TS_JSON_TRUE : TS_JSON_FALSE); }
void ts_jb_null(ts_jb *b) { jb_simple(b, TS_JSON_NULL); }

void ts_jb_value(ts_jb *b, const ts_json *x)
{
    ts_json *v = jb_slot(b);
    if (v)
        *v = *x;
}

int ts_jb_finish(ts_jb *b, ts_json **out)
{
    int rc = b->err;
    if (!rc && (b->nframes || b->nvals != 1))
        rc = TS_EINVAL;
    if (!rc) {
        ts_json *r = ts_arena_alloc(b->arena, sizeof *r);
        if (!r)
            rc = TS_ENOMEM;
        else {
            *r = b->vals[0];
            *out = r;
        }
    }
    tsjb_reset(b, b->arena);
    return rc;
}
