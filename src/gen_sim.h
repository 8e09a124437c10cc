/* gen simulate, split by concern: options and seeds (gen_simulate.c), the
 * built-in sectors (gen_sim_sector.c), the conversations (gen_sim_conv.c). */
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

/* A growing list of openers; strings live in the arena a. */
typedef struct sim_openers {
    sim_opener *v;
    size_t n, cap;
    ts_arena *a;
} sim_openers;

sim_opener *sim_add(sim_openers *o); /* a zeroed new opener, NULL on ENOMEM */
char *sim_dupz(ts_arena *a, const char *s, size_t n);

/* The prompt DIR/<name>.txt when dir has it, else the built-in one. */
int sim_load_prompt(const char *cmd, const char *dir, const char *name, ts_buf *out);

typedef struct sim_sector_opts {
    const char *name, *materials, *prompts_dir;
    uint64_t subtopics, questions, num;
    const char *const *topics; /* from --seeds, or NULL for the built-in list */
    size_t ntopics;
} sim_sector_opts;

/* Appends the openers of sector so->name (world, writing, assistance),
 * asking the model through s->llm. 0 or an exit code. */
int sim_sector_openers(sim_ctx *s, const char *cmd, const sim_sector_opts *so, ts_arena *a, sim_openers *o,
                       uint64_t *shown);

/* Runs one conversation per opener and writes them in order (read counts
 * openers). Returns 0 or an exit code. */
int sim_converse(sim_ctx *s, cli_run *r, const sim_opener *ops, size_t n);

#endif
