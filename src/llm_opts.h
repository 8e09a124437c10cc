/* The options every model-backed command shares (--endpoint, --model,
 * --concurrency, --cache, budgets, sampling), and the glue from them to a
 * ts_llm client, its summary lines and its --stats object. */
#ifndef TS_LLM_OPTS_H
#define TS_LLM_OPTS_H

#include "cli.h"
#include "tuneset/llm.h"

typedef struct llm_cli_opts {
    cli_list endpoints;     /* --endpoint, repeatable; default $OPENAI_BASE_URL */
    const char *api_key;    /* default $OPENAI_API_KEY */
    const char *model;
    uint64_t concurrency;   /* default 64 */
    const char *cache;      /* SQLite file; NULL = no cache */
    uint64_t max_requests, max_tokens; /* budgets; 0 = none */
    double rpm, tpm;        /* per endpoint; 0 = unlimited */
    uint64_t max_attempts;  /* 0 = the client's default (6) */
    double timeout;         /* seconds per attempt; 0 = the client's default (600) */
    double temperature, top_p; /* NAN = not sent (the server's default) */
    uint64_t max_new_tokens;   /* "max_tokens" of each request; 0 = not sent */
} llm_cli_opts;

/* Defaults: concurrency 64, sampling parameters unset. */
void llm_cli_defaults(llm_cli_opts *o);

/* Number of entries llm_opts_table adds (without the terminator). */
#define LLM_OPTS_N 14

/* Writes the command's own options `own` (terminated by {0}) followed by
 * the LLM options bound to o, and a terminator, into dst[cap]. Returns
 * dst, or NULL when cap is too small. */
cli_opt *llm_opts_table(cli_opt *dst, size_t cap, const cli_opt *own, llm_cli_opts *o);

/* Checks the options and opens a client; on failure prints nothing, fills
 * err and returns NULL (the caller reports with cli_error, exit 2 for
 * usage problems such as no endpoint: err->code == TS_EINVAL). */
ts_llm *llm_cli_open(const llm_cli_opts *o, const char *cmd, ts_err *err);

/* Adds "temperature", "top_p", "max_tokens" members (those set) to the
 * request object being built in b (between its key/value pairs). */
void llm_cli_request_params(const llm_cli_opts *o, ts_jb *b);

/* Prints the client's counts (requests, retries, cache hits, failures,
 * tokens) as summary lines to stderr. */
void llm_cli_summary(const ts_llm *c);

/* Adds the member "llm": {...} to the object being built in b. */
void llm_cli_stats_json(const ts_llm *c, ts_jb *b);

/* Appends the same member as text ("\"llm\":{...}") to out, for
 * cli_run.extra_stats. 0 or a TS_E* code. */
int llm_cli_stats_text(const ts_llm *c, ts_buf *out);

#endif
