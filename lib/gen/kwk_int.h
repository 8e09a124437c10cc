/* kwk's generator state, shared by its request state machine (kwk_run.c)
 * and its record building (kwk_out.c). Internal to lib/gen. */
#ifndef TS_GEN_KWK_INT_H
#define TS_GEN_KWK_INT_H

#include "tuneset/kwk.h"

enum { KWK_MAX_SAMPLES = 64 };

typedef struct kwk_answer {
    const char *text; /* NULL = the request failed */
    size_t len;
    ts_kwk_answer j;  /* judgements */
} kwk_answer;

typedef struct kwk_item kwk_item;

struct kwk_item {
    ts_kwk *k;
    kwk_item *next;
    ts_arena arena;
    ts_jb jb;
    uint64_t index;
    const char *snippet, *ref;
    size_t slen;
    const char *q; /* the question; NULL = none */
    size_t qlen;
    kwk_answer *ans;
    ts_kwk_decision d;
    const char *refusal; /* wrong class: the model's refusal; NULL = none */
    size_t rlen;
    int stage;
    unsigned pending;
    bool done, budget;
    ts_json **out_pairs;
};

struct ts_kwk {
    ts_kwk_opts o;
    kwk_item *head, *tail, *taken;
    size_t active;
    ts_kwk_stats st;
    bool cut;
    ts_buf req;
};

/* Builds the finished item's SFT record and pairs (kwk_out.c). */
int kwk_finish(ts_kwk *k, kwk_item *it, ts_kwk_result *res, ts_err *err);

#endif
