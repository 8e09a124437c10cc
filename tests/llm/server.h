/* The LLM test server's rules (server_rules.c) for its HTTP side
 * (server.c): what to answer to one chat-completions request. */
#ifndef LLM_TEST_SERVER_H
#define LLM_TEST_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "tuneset/json.h"

typedef enum { FAULT_NONE, FAULT_429, FAULT_500, FAULT_SLOW, FAULT_MALFORMED, FAULT_TRUNCATED, FAULT_DROP } fault_kind;

typedef struct srv_answer {
    unsigned status;      /* HTTP status */
    ts_buf body;          /* response body */
    long retry_after;     /* seconds, < 0 = no header */
    unsigned delay_ms;    /* hold the reply this long (suspended, no thread) */
    bool drop;            /* close the connection without a reply */
} srv_answer;

/* Loads a rules file (JSON Lines; see docs/llm.md). 0 or -1 with
 * a message in msg. */
int srv_rules_load(const char *path, char *msg, size_t cap);

/* Decides the answer to one request body; counts it. Thread-safe. */
void srv_answer_request(const char *body, size_t len, unsigned latency_ms, srv_answer *out);

/* {"requests": N, ..., "by_body_hash": {"<fnv1a-64 hex>": n, ...}}; the
 * map only when by_body (GET /stats?brief=1 leaves it out: cheap to poll). */
void srv_stats_json(ts_buf *out, bool by_body);

/* Records how late a delayed reply went out (seconds), for /stats: the
 * benchmark shows the server kept its latency. */
void srv_note_lateness(double late);

/* Counts the requests that carried "Authorization: Bearer KEY" (auth may
 * be NULL), and remembers the last KEY, for /stats. */
void srv_note_auth(const char *auth);

/* FNV-1a 64 of the body, as the keys of by_body_hash. */
uint64_t srv_body_hash(const char *p, size_t n);

#endif
