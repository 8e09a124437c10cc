/* Internals of the LLM client shared by its files (prefix llm_). */
#ifndef TS_LLM_INT_H
#define TS_LLM_INT_H

#include <curl/curl.h>
#include <sqlite3.h>

#include "tuneset/llm.h"

/* Largest reply body kept: a hostile server cannot balloon memory. */
#define LLM_MAX_REPLY (64u << 20)

/* --- reply parsing (reply.c) --------------------------------------------- */

typedef struct llm_parsed {
    ts_json *root;
    ts_llm_choice *choices;
    size_t n_choices;
    uint64_t prompt_tokens, completion_tokens;
} llm_parsed;

/* Parses a chat-completions reply body into choices (in "index" order).
 * Strings live in a. TS_ESYNTAX/TS_ETRUNC for broken JSON, TS_ESCHEMA for
 * JSON that is not a chat completion (the reason in err). */
int llm_reply_parse(const char *body, size_t len, ts_arena *a, llm_parsed *out, ts_err *err);

/* --- cache (cache.c) ----------------------------------------------------- */

typedef struct llm_cache llm_cache;
int llm_cache_open(llm_cache **out, const char *path, ts_err *err);
void llm_cache_close(llm_cache *k);
/* 1 and a malloc'd copy of the reply when found, 0 when not, or < 0. */
int llm_cache_get(llm_cache *k, const uint8_t key[16], char **reply, size_t *len, ts_err *err);
/* Adds to the open batch (a transaction begun on first use). */
int llm_cache_put(llm_cache *k, const uint8_t key[16], const char *req, size_t reqlen, const char *reply,
                  size_t replylen, ts_err *err);
/* Commits the batch, if any: after it, a killed process keeps the rows. */
int llm_cache_commit(llm_cache *k, ts_err *err);

/* --- requests (request.c) ------------------------------------------------ */

/* Canonical body of a request: parsed, "model" filled when absent (model
 * may be NULL), written compactly. *body is malloc'd. The key is a 128-bit
 * hash of that body; est_tokens a rough prompt + reply size for --tpm. */
int llm_request_prepare(const char *req, size_t len, const char *model, char **body, size_t *body_len,
                        uint8_t key[16], uint64_t *est_tokens, ts_err *err);

#endif

/* --- the client (client.c, transfer.c) ----------------------------------- */

typedef struct llm_req {
    struct llm_req *next; /* in the ready or done list */
    struct llm_req *fl_prev, *fl_next; /* in the in-flight list */
    struct llm_req *hnext;     /* in the table of live requests by key */
    struct llm_req *followers; /* identical requests answered with this one */
    uint64_t tag;
    ts_llm_done_fn fn;
    void *ctx;
    char *body; /* canonical request */
    size_t len;
    uint8_t key[16];
    uint64_t est_tokens;
    unsigned attempts;
    double not_before; /* monotonic seconds: a retry waits until then */
    int ep;            /* endpoint while in flight */
    CURL *easy;
    ts_buf resp;  /* reply body being received */
    char *reply;  /* the accepted reply body (received or cached) */
    size_t reply_len;
    bool ok, cached;
    ts_err err; /* final error when !ok */
} llm_req;

typedef struct llm_ep {
    char *url;
    struct curl_slist *headers;
    unsigned max_inflight, inflight;
    double rpm, tpm;
    double req_bucket, tok_bucket, refilled; /* token buckets, refilled at `refilled` */
} llm_ep;

struct ts_llm {
    ts_llm_opts o;
    unsigned concurrency, max_attempts;
    double timeout_s, backoff_base, backoff_max;
    llm_ep *eps;
    size_t n_eps;
    char *model; /* filled into requests that name none */
    CURLM *multi;
    int epfd;         /* the sockets curl asks to watch (socket_action) */
    double timer_due; /* when curl wants its timeout handled; < 0 = never */
    CURL **pool; /* idle easy handles, reused with their settings */
    size_t npool, cappool;
    llm_cache *cache;
    llm_req *ready, *ready_tail; /* FIFO to send */
    llm_req **delayed;           /* retries waiting for their time */
    size_t ndelayed, capdelayed;
    llm_req *done, *done_tail; /* finished, callbacks pending */
    llm_req *flying;           /* transfers in progress */
    llm_req **live;            /* requests not yet delivered, by key (chained) */
    size_t nlive_buckets, nlive;
    size_t pending, inflight;
    uint64_t reserved; /* requests counted against max_requests */
    uint64_t rng;
    unsigned rr; /* rotates ties between endpoints */
    ts_llm_stats stats;
    ts_llm_model_usage *models; /* by model name, names malloc'd */
    size_t nmodels;
    ts_arena arena; /* the reply handed to one callback */
    ts_arena tmp;
    int fatal;
    ts_err fatal_err;
};

double llm_now(void);
/* The live table: requests queued, in flight or waiting for their
 * callback, by key (books.c). */
llm_req *llm_live_find(ts_llm *c, const uint8_t key[16]);
int llm_live_add(ts_llm *c, llm_req *r);
void llm_live_remove(ts_llm *c, llm_req *r);
/* Adds one received reply's usage to its model's line. */
void llm_count_model(ts_llm *c, const ts_json *model, uint64_t prompt, uint64_t completion);
void llm_req_free(llm_req *r);
void llm_push_done(ts_llm *c, llm_req *r);
void llm_push_ready_front(ts_llm *c, llm_req *r);
/* Starts what may start now; returns the seconds until more could. */
double llm_launch(ts_llm *c, double now);
/* Takes finished transfers: successes cached (committed) and queued for
 * their callbacks, retries scheduled, final failures queued. */
int llm_harvest(ts_llm *c, ts_err *err);
/* Lets curl work: waits at most `wait` seconds for socket events or its
 * timer, hands them to curl, then harvests. */
int llm_io(ts_llm *c, double wait, ts_err *err);
/* Runs curl's due timer (starts transfers just added) without waiting;
 * what finishes is harvested by the next llm_io. */
void llm_kick(ts_llm *c);
int llm_transfer_init(ts_llm *c, ts_err *err);
void llm_transfer_release(ts_llm *c);
