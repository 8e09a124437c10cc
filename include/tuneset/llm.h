/* tuneset — a client for OpenAI-compatible chat-completions servers.
 *
 * One ts_llm keeps many requests in flight over several endpoints (libcurl
 * multi), retries what can be retried, and records every request and its
 * reply in a SQLite cache so a killed run resumes without re-sending paid
 * work. Generators drive it by callbacks: submit requests with a tag, call
 * ts_llm_run, and each completion calls back (once, success or final
 * failure); a callback may submit follow-up requests (multi-turn chats,
 * judge after answer), which the same ts_llm_run drives to the end.
 *
 * Single-threaded: all calls and callbacks happen on the caller's thread.
 */
#ifndef TUNESET_LLM_H
#define TUNESET_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/error.h"
#include "tuneset/json.h"

typedef struct ts_llm ts_llm;

typedef struct ts_llm_endpoint {
    const char *base_url; /* "http://host:port" or ".../v1"; "/v1/chat/completions" is completed */
    const char *api_key;  /* NULL = none (sent as "Authorization: Bearer KEY") */
    const char *model;    /* filled into requests that name no model */
    unsigned max_inflight; /* 0 = only the global concurrency limits it */
    double rpm;           /* requests per minute, 0 = unlimited */
    double tpm;           /* tokens per minute (prompt + completion), 0 = unlimited */
} ts_llm_endpoint;

typedef struct ts_llm_opts {
    const ts_llm_endpoint *endpoints;
    size_t n_endpoints;
    unsigned concurrency;   /* requests in flight over all endpoints; 0 = 64 */
    unsigned max_attempts;  /* per request, first try included; 0 = 6 */
    double timeout_s;       /* per attempt; 0 = 600 */
    double backoff_base_s;  /* first retry delay before jitter; 0 = 0.5 */
    double backoff_max_s;   /* cap on one delay; 0 = 60 */
    const char *cache_path; /* SQLite file, created if missing; NULL = no cache */
    uint64_t max_requests;  /* budget of requests sent (cache hits are free); 0 = none */
    uint64_t max_tokens;    /* budget of tokens used; 0 = none */
    uint64_t seed;          /* for retry jitter only */
} ts_llm_opts;

typedef struct ts_llm_choice {
    const char *text; /* message content; borrowed, valid during the callback */
    size_t len;
    const char *finish_reason; /* "stop", "length", ...; NUL-terminated; "" if absent */
    const char *reasoning;     /* reasoning_content if the server sent one, else NULL */
    size_t reasoning_len;
} ts_llm_choice;

typedef struct ts_llm_reply {
    ts_err err; /* err.code == TS_OK on success, else the final error after retries */
    const ts_llm_choice *choices;
    size_t n_choices;
    uint64_t prompt_tokens, completion_tokens;
    unsigned attempts; /* HTTP attempts made for this request (0 when cached) */
    bool cached;       /* answered from the cache */
    const ts_json *body; /* the whole parsed reply; NULL on error */
} ts_llm_reply;

/* Called once per submitted request. `tag` is the caller's. */
typedef void (*ts_llm_done_fn)(void *ctx, uint64_t tag, const ts_llm_reply *reply);

typedef struct ts_llm_stats {
    uint64_t submitted, completed, failed;
    uint64_t sent;       /* HTTP requests made, retries included */
    uint64_t retries;    /* of which retries */
    uint64_t cache_hits;
    uint64_t prompt_tokens, completion_tokens;
    uint64_t budget_refused; /* submissions refused because a budget was reached */
} ts_llm_stats;

/* Endpoints fall back to OPENAI_BASE_URL / OPENAI_API_KEY when opts names none. */
ts_llm *ts_llm_open(const ts_llm_opts *opts, ts_err *err);
void ts_llm_close(ts_llm *c);

/* Queues one request. `request` is the JSON text of a chat-completions
 * body (messages, temperature, top_p, max_tokens, seed, stop, n,
 * response_format, ...); "model" is filled in when absent. The cache key is
 * a hash of the request with its model, not of the endpoint, so the same
 * request to another server is still a hit. Identical requests share one
 * entry: put a distinct "seed" in samples that must differ.
 * Returns 0, or TS_EBUDGET once a budget is reached (nothing is queued). */
int ts_llm_submit(ts_llm *c, const char *request, size_t len, uint64_t tag, ts_llm_done_fn fn,
                  void *ctx, ts_err *err);

/* Drives the transfers until nothing is queued or in flight (callbacks may
 * submit more). Returns 0, or a negative code for a failure of the client
 * itself (the cache cannot be written); per-request failures go to the
 * callbacks. */
int ts_llm_run(ts_llm *c, ts_err *err);

/* Like ts_llm_run but returns after at least one callback (or when idle),
 * for callers that feed requests from a stream as slots free up. */
int ts_llm_step(ts_llm *c, ts_err *err);

/* Requests queued or in flight. */
size_t ts_llm_pending(const ts_llm *c);

const ts_llm_stats *ts_llm_get_stats(const ts_llm *c);

/* Usage by model (as the replies name it), for cost accounting: tokens of
 * the replies received (cache hits cost nothing and are not counted).
 * Fills the i-th model's figures and returns 1, or 0 past the last. The
 * name is owned by the client. */
typedef struct ts_llm_model_usage {
    const char *model;
    uint64_t replies, prompt_tokens, completion_tokens;
} ts_llm_model_usage;
int ts_llm_get_model_usage(const ts_llm *c, size_t i, ts_llm_model_usage *out);

/* --- helpers for generators ------------------------------------------- */

/* Writes the prompt turns of a prompt-only record, as {"role","content"}
 * objects, into b (inside an open array): a "messages" array ending in a
 * user turn (sent whole, other members of the turns left out), or
 * {"prompt"} / {"instruction", "input"} (instruction, blank line, input),
 * each with an optional "system" string. Returns NULL on success, or a
 * static reason why rec is not a prompt. *answered is set (and nothing
 * written) when the messages already end in an assistant turn. */
const char *ts_llm_prompt_messages(const ts_json *rec, ts_jb *b, bool *answered);

/* Splits a leading "<think>...</think>" block off a reply: on a match
 * the text becomes the answer after it and the reasoning the trimmed
 * trace (both inside the original text); otherwise nothing changes. */
void ts_llm_split_think(const char **text, size_t *len, const char **reasoning, size_t *rlen);

#endif
