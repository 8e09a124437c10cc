/* Pieces shared by gen self-instruct, gen simulate and gen augment: prompt
 * files, seed files, chat request bodies, and one model reply kept until
 * its turn comes (replies arrive out of order; output follows input). */
#ifndef TS_GEN_KIT_H
#define TS_GEN_KIT_H

#include "cli.h"
#include "llm_opts.h"
#include "tuneset/gen.h"

/* The prompt text: the file at path when given, else the built-in prompt
 * `builtin`. Stored in *store (NUL-terminated). Prints the error and
 * returns EXIT_IO / EXIT_USAGE on failure. */
int genkit_prompt(const char *cmd, const char *path, const char *builtin, ts_buf *store);

/* Every record of path, deep-copied into a (they outlive the stream). A
 * bad record stops with its position: EXIT_DATA; a file error: EXIT_IO. */
int genkit_load(const char *cmd, const char *path, ts_arena *a, ts_json ***recs, size_t *n);

/* A chat-completions body: optional system message, then turns that
 * alternate from `first_role` ("user" or "assistant"), the run's sampling
 * options, "seed" and optional "model" and "stop" (NULL-terminated). */
typedef struct genkit_req {
    const char *model; /* NULL = the client's --model */
    const char *system;
    size_t system_len;
    const ts_gen_str *turns;
    size_t n;
    const char *first_role;
    uint64_t seed;
    const char *const *stop;
} genkit_req;
int genkit_request(ts_buf *out, const llm_cli_opts *o, const genkit_req *q);

/* One reply, copied out of the callback. */
typedef struct genkit_reply {
    bool done, failed, cut; /* cut: finish_reason "length" */
    char *text;
    size_t len;
    char err[200];
} genkit_reply;

/* Fills g from r (copying the first choice); false when out of memory. */
bool genkit_take(genkit_reply *g, const ts_llm_reply *r);
void genkit_reply_clear(genkit_reply *g);

/* Prints the first few per-request failures, then only counts them. */
void genkit_report_failure(const char *cmd, uint64_t *shown, const char *what, const char *err);

#endif
