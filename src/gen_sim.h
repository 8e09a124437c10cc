/* gen simulate, split by concern: the openers (seeds and built-in sectors,
 * gen_sim_sector.c) and the conversations (gen_simulate.c). */
#ifndef TS_GEN_SIM_H
#define TS_GEN_SIM_H

#include "gen_kit.h"

/* Where a conversation starts: a first user message, or a topic the model
 * turns into one. The other fields go to meta. Strings are NUL-terminated
 * and live as long as the run. */
typedef struct sim_opener {
    const char *text;  /* the first user message, or NULL */
    const char *topic; /* asked about when text is NULL; also meta.topic */
    const char *sector, *subtopic, *task, *seed_id, *id;
} sim_opener;

typedef struct sim_ctx {
    llm_cli_opts *lo;
    ts_llm *llm;           /* the user simulator (and sector requests) */
    ts_llm *llm_assistant; /* == llm unless --assistant-endpoint */
    const char *assistant_model, *assistant_system, *end_marker;
    ts_buf user_prompt, opener_prompt; /* templates */
    unsigned min_rounds, max_rounds;
    uint64_t seed, failed;
    size_t window; /* conversations in flight */
    bool budget_hit;
} sim_ctx;

/* Runs one conversation per opener and writes them in order (read counts
 * openers). Returns 0 or an exit code. */
int sim_converse(sim_ctx *s, cli_run *r, const sim_opener *ops, size_t n);

#endif
