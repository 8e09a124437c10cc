/* gen augment, split by concern: requests and the run (gen_augment.c),
 * the records it writes (gen_aug_emit.c). */
#ifndef TS_GEN_AUG_H
#define TS_GEN_AUG_H

#include "gen_kit.h"

enum { MAX_TURNS = 4096 };

typedef struct aug_item {
    uint64_t pos;      /* the record's position in the input (0-based) */
    ts_arena a;        /* the record's copy and everything built from it */
    ts_json *rec;
    ts_json **turns;   /* translate: messages whose content is translated */
    size_t nturns;
    ts_json *msgs;     /* rewrite: the messages / prompt array */
    size_t user;       /* rewrite: its first user turn */
    genkit_reply *rep; /* translate: one per turn; rewrite: [0] rewrite, [1] answer */
    size_t nrep;
    unsigned left;     /* requests not answered yet */
    const char *drop;  /* the rule that drops the record, once known */
    const char *variant;
    double rouge;
} aug_item;

typedef struct aug_run {
    cli_run *r;
    llm_cli_opts *lo;
    ts_llm *llm;
    ts_aug_mode mode;
    const char *variant, *language;
    ts_buf tmpl;
    bool custom_prompt, respond, budget_hit;
    double max_rouge;
    uint64_t seed;
    aug_item *win;
    size_t cap;
    uint64_t head, tail; /* sequence numbers of the records in flight */
    uint64_t failures_shown, failed;
    ts_buf body, prompt;
    int fatal;
} aug_run;

/* The "content" string of a message object, or NULL. */
ts_json *aug_content(ts_json *m);

/* Write the finished record at the head of the window (or drop it with a
 * rule found while checking it). 0 or an exit code. */
int aug_emit_rewrite(aug_run *x, aug_item *it);
int aug_emit_translate(aug_run *x, aug_item *it);

#endif
