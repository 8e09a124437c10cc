/* The builder's stack operations, shared with the parser's hot loop.
 * Internal to lib/json. */
#ifndef TS_JB_INTERNAL_H
#define TS_JB_INTERNAL_H

#include <stdbool.h>

#include "tuneset/json.h"

int tsjb_grow_vals(ts_jb *b);
int tsjb_open(ts_jb *b, ts_json_type t);
int tsjb_close(ts_jb *b);
void tsjb_reset(ts_jb *b, ts_arena *a);

/* A new slot on the value stack, or NULL when out of memory. The pointer is
 * valid until the next push. */
static inline ts_json *tsjb_push(ts_jb *b)
{
    if (b->nvals == b->capvals && tsjb_grow_vals(b))
        return NULL;
    return &b->vals[b->nvals++];
}

static inline bool tsjb_top_is_object(const ts_jb *b)
{
    return b->vals[b->frames[b->nframes - 1] - 1].type == TS_JSON_OBJECT;
}

#endif
