/* gen feedback's generator state, shared by its request state machine
 * (feedback_run.c) and its output building (feedback_out.c). Internal to
 * lib/gen. */
#ifndef TS_GEN_FEEDBACK_INT_H
#define TS_GEN_FEEDBACK_INT_H

#include "tuneset/feedback.h"

enum { K_COMPLETE, K_RATE, K_PAIR, K_CRITIQUE };

typedef struct fb_item fb_item;

typedef struct fb_req {
    fb_item *it;
    int kind;
    int a, b;        /* completion index; aspect; pair (a, b) in shown order */
    unsigned attempt;
} fb_req;

typedef struct fb_pair {
    int x, y; /* completion indexes, x < y */
    ts_fb_verdict ab, ba;
} fb_pair;

struct fb_item {
    ts_fb *f;
    fb_item *next;
    ts_arena arena;
    ts_jb jb;
    uint64_t index;
    const char *ins, *id, *source;
    size_t ilen, idlen, slen;
    ts_fb_completion *c; /* one per completer; response NULL = failed */
    int *ok;             /* indexes of completions that succeeded */
    size_t nok;
    fb_pair *pairs;
    size_t npairs;
    unsigned pending;
    bool judging, done, budget;
    ts_json **out_pairs;
};

struct ts_fb {
    ts_fb_opts o;
    ts_llm *clients[64];
    size_t nclients;
    fb_item *head, *tail, *taken;
    size_t active;
    ts_fb_binarizer bin;
    ts_fb_stats st;
    bool cut; /* a prompt was cut by the budget: so are all later ones */
    ts_buf req;
};

/* Builds the finished item's row and pairs (feedback_out.c). Items reach
 * it in input order, which the importer's seeded pick relies on. */
int fb_finish(ts_fb *f, fb_item *it, ts_fb_result *res, ts_err *err);

#endif
