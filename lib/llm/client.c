/* The client's life cycle and event loop: requests are queued, looked up
 * in the cache, sent (transfer.c), retried, and handed to their callbacks
 * once, in completion order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm_int.h"

double llm_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void llm_req_free(llm_req *r)
{
    if (!r)
        return;
    llm_req_free(r->followers);
    free(r->body);
    free(r->reply);
    ts_buf_release(&r->resp);
    free(r);
}

void llm_push_done(ts_llm *c, llm_req *r)
{
    r->next = NULL;
    if (c->done_tail)
        c->done_tail->next = r;
    else
        c->done = r;
    c->done_tail = r;
}

void llm_push_ready_front(ts_llm *c, llm_req *r)
{
    r->next = c->ready;
    c->ready = r;
    if (!c->ready_tail)
        c->ready_tail = r;
}

static void push_ready(ts_llm *c, llm_req *r)
{
    r->next = NULL;
    if (c->ready_tail)
        c->ready_tail->next = r;
    else
        c->ready = r;
    c->ready_tail = r;
}

/* "http://h:p" -> "http://h:p/v1/chat/completions"; ".../v1" gets
 * "/chat/completions"; a full ".../chat/completions" stays. */
static char *complete_url(const char *base)
{
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    const char *tail = "/v1/chat/completions";
    if (n >= 17 && !strncmp(base + n - 17, "/chat/completions", 17))
        tail = "";
    else if (n >= 3 && !strncmp(base + n - 3, "/v1", 3))
        tail = "/chat/completions";
    size_t t = strlen(tail);
    char *u = malloc(n + t + 1);
    if (u) {
        memcpy(u, base, n);
        memcpy(u + n, tail, t + 1);
    }
    return u;
}

ts_llm *ts_llm_open(const ts_llm_opts *opts, ts_err *err)
{
    ts_llm *c = calloc(1, sizeof *c);
    if (!c) {
        ts_err_set(err, TS_ENOMEM, "out of memory");
        return NULL;
    }
    c->o = *opts;
    c->epfd = -1;
    c->concurrency = opts->concurrency ? opts->concurrency : 64;
    c->max_attempts = opts->max_attempts ? opts->max_attempts : 6;
    c->timeout_s = opts->timeout_s > 0 ? opts->timeout_s : 600;
    c->backoff_base = opts->backoff_base_s > 0 ? opts->backoff_base_s : 0.5;
    c->backoff_max = opts->backoff_max_s > 0 ? opts->backoff_max_s : 60;
    c->rng = opts->seed ^ 0x243f6a8885a308d3ull;
    ts_arena_init(&c->arena);
    ts_arena_init(&c->tmp);
    ts_llm_endpoint envep = {0};
    const ts_llm_endpoint *eps = opts->endpoints;
    size_t n = opts->n_endpoints;
    if (!n) {
        envep.base_url = getenv("OPENAI_BASE_URL");
        envep.api_key = getenv("OPENAI_API_KEY");
        if (!envep.base_url || !*envep.base_url) {
            ts_err_set(err, TS_EINVAL, "no endpoint given and OPENAI_BASE_URL is not set");
            goto fail;
        }
        eps = &envep;
        n = 1;
    }
    if (!(c->eps = calloc(n, sizeof *c->eps))) {
        ts_err_set(err, TS_ENOMEM, "out of memory");
        goto fail;
    }
    c->n_eps = n;
    double now = llm_now();
    for (size_t i = 0; i < n; i++) {
        llm_ep *e = &c->eps[i];
        const char *key = eps[i].api_key ? eps[i].api_key : (opts->n_endpoints ? NULL : getenv("OPENAI_API_KEY"));
        const char *u = eps[i].base_url;
        if (!u || (strncmp(u, "http://", 7) && strncmp(u, "https://", 8))) {
            ts_err_set(err, TS_EINVAL, "endpoint '%.200s' is not an http:// or https:// URL", u ? u : "");
            goto fail;
        }
        if (!(e->url = complete_url(u))) {
            ts_err_set(err, TS_ENOMEM, "out of memory");
            goto fail;
        }
        e->headers = curl_slist_append(NULL, "Content-Type: application/json");
        /* No "Expect: 100-continue" round trip for large prompts. */
        e->headers = curl_slist_append(e->headers, "Expect:");
        if (key && *key) {
            size_t kl = strlen(key);
            char *h = malloc(kl + 32);
            if (h) {
                memcpy(h, "Authorization: Bearer ", 22);
                memcpy(h + 22, key, kl + 1);
                e->headers = curl_slist_append(e->headers, h);
                free(h);
            }
        }
        e->max_inflight = eps[i].max_inflight;
        e->rpm = eps[i].rpm;
        e->tpm = eps[i].tpm;
        e->req_bucket = fmax(1.0, e->rpm / 60.0);
        e->tok_bucket = fmax(1.0, e->tpm / 60.0);
        e->refilled = now;
        if (!c->model && eps[i].model && *eps[i].model && !(c->model = strdup(eps[i].model))) {
            ts_err_set(err, TS_ENOMEM, "out of memory");
            goto fail;
        }
    }
    if (llm_transfer_init(c, err))
        goto fail;
    if (opts->cache_path && llm_cache_open(&c->cache, opts->cache_path, err))
        goto fail;
    return c;
fail:
    ts_llm_close(c);
    return NULL;
}

static void free_list(llm_req *r)
{
    while (r) {
        llm_req *n = r->next;
        llm_req_free(r);
        r = n;
    }
}

void ts_llm_close(ts_llm *c)
{
    if (!c)
        return;
    /* Requests still in flight are abandoned: their callbacks never run. */
    while (c->flying) {
        llm_req *r = c->flying;
        c->flying = r->fl_next;
        curl_multi_remove_handle(c->multi, r->easy);
        curl_easy_cleanup(r->easy);
        llm_req_free(r);
    }
    free_list(c->ready);
    free_list(c->done);
    for (size_t i = 0; i < c->ndelayed; i++)
        llm_req_free(c->delayed[i]);
    free(c->delayed);
    llm_transfer_release(c);
    if (c->cache) {
        ts_err e = TS_ERR_INIT;
        llm_cache_commit(c->cache, &e);
        llm_cache_close(c->cache);
    }
    for (size_t i = 0; c->eps && i < c->n_eps; i++) {
        free(c->eps[i].url);
        curl_slist_free_all(c->eps[i].headers);
    }
    free(c->eps);
    free(c->live);
    for (size_t i = 0; i < c->nmodels; i++)
        free((char *)c->models[i].model);
    free(c->models);
    free(c->model);
    ts_arena_release(&c->arena);
    ts_arena_release(&c->tmp);
    free(c);
}

int ts_llm_submit(ts_llm *c, const char *request, size_t len, uint64_t tag, ts_llm_done_fn fn, void *ctx,
                  ts_err *err)
{
    if (c->fatal) {
        if (err)
            *err = c->fatal_err;
        return c->fatal;
    }
    llm_req *r = calloc(1, sizeof *r);
    if (!r)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    r->tag = tag;
    r->fn = fn;
    r->ctx = ctx;
    int rc = llm_request_prepare(request, len, c->model, &r->body, &r->len, r->key, &r->est_tokens, err);
    if (rc) {
        llm_req_free(r);
        return rc;
    }
    if (c->cache) {
        char *reply;
        size_t rl;
        rc = llm_cache_get(c->cache, r->key, &reply, &rl, err);
        if (rc < 0) {
            llm_req_free(r);
            return rc;
        }
        if (rc == 1) {
            /* A row that no longer parses (an older, broken write) is a miss. */
            llm_parsed p;
            ts_arena_reset(&c->tmp);
            if (!llm_reply_parse(reply, rl, &c->tmp, &p, NULL)) {
                r->reply = reply;
                r->reply_len = rl;
                r->ok = r->cached = true;
                c->stats.submitted++;
                c->stats.cache_hits++;
                c->pending++;
                llm_push_done(c, r);
                return 0;
            }
            free(reply);
        }
    }
    llm_req *twin = llm_live_find(c, r->key);
    if (twin) {
        r->followers = twin->followers;
        twin->followers = r;
        r->cached = true;
        c->stats.submitted++;
        c->stats.cache_hits++;
        c->pending++;
        return 0;
    }
    uint64_t used = c->stats.prompt_tokens + c->stats.completion_tokens;
    if ((c->o.max_requests && c->reserved >= c->o.max_requests) || (c->o.max_tokens && used >= c->o.max_tokens)) {
        c->stats.budget_refused++;
        llm_req_free(r);
        return ts_err_set(err, TS_EBUDGET, "%s budget reached",
                          c->o.max_requests && c->reserved >= c->o.max_requests ? "request (--max-requests)"
                                                                                : "token (--max-tokens)");
    }
    if ((rc = llm_live_add(c, r))) {
        llm_req_free(r);
        return ts_err_set(err, rc, "out of memory");
    }
    c->reserved++;
    c->stats.submitted++;
    c->pending++;
    push_ready(c, r);
    return 0;
}

static void deliver(ts_llm *c)
{
    llm_req *r;
    while ((r = c->done)) {
        c->done = r->next;
        if (!c->done)
            c->done_tail = NULL;
        /* From now on an identical request is a new one (or a cache hit). */
        llm_live_remove(c, r);
        ts_llm_reply rep;
        memset(&rep, 0, sizeof rep);
        rep.err = (ts_err)TS_ERR_INIT;
        ts_arena_reset(&c->arena);
        llm_parsed p;
        bool ok = r->ok && !llm_reply_parse(r->reply, r->reply_len, &c->arena, &p, &rep.err);
        if (ok) {
            rep.choices = p.choices;
            rep.n_choices = p.n_choices;
            rep.prompt_tokens = p.prompt_tokens;
            rep.completion_tokens = p.completion_tokens;
            rep.body = p.root;
        } else if (!r->ok) {
            rep.err = r->err;
        }
        /* The request, then the identical ones that waited for it. */
        llm_req *followers = r->followers;
        r->followers = NULL;
        for (llm_req *q = r, *next; q; q = next) {
            next = q == r ? followers : q->followers;
            q->followers = NULL;
            c->pending--;
            if (ok)
                c->stats.completed++;
            else
                c->stats.failed++;
            rep.attempts = q->attempts;
            rep.cached = q->cached;
            if (q->fn)
                q->fn(q->ctx, q->tag, &rep);
            if (q != r)
                llm_req_free(q);
        }
        llm_req_free(r); /* last: the reply's strings point into its body */
    }
}

/* Retries whose time has come go to the front: they are the oldest work. */
static double promote(ts_llm *c, double now)
{
    double next = INFINITY;
    size_t k = 0;
    for (size_t i = 0; i < c->ndelayed; i++) {
        llm_req *r = c->delayed[i];
        if (r->not_before <= now)
            llm_push_ready_front(c, r);
        else {
            next = fmin(next, r->not_before - now);
            c->delayed[k++] = r;
        }
    }
    c->ndelayed = k;
    return next;
}

static int drive(ts_llm *c, bool once, ts_err *err)
{
    for (;;) {
        if (c->fatal) {
            if (err)
                *err = c->fatal_err;
            return c->fatal;
        }
        if (c->done) {
            /* Refill the freed slots and send before the callbacks run:
             * the server works while the caller does. */
            double now = llm_now();
            promote(c, now);
            llm_launch(c, now);
            llm_kick(c);
            deliver(c);
            if (once)
                return 0;
            continue;
        }
        if (!c->pending)
            return 0;
        double now = llm_now();
        double wait = promote(c, now);
        wait = fmin(wait, llm_launch(c, now));
        if (c->ready && c->inflight < c->concurrency && wait <= 0)
            wait = 0; /* a slot is free and a request waits: do not sleep */
        int rc = llm_io(c, wait, &c->fatal_err);
        if (rc)
            c->fatal = rc;
    }
}

int ts_llm_run(ts_llm *c, ts_err *err) { return drive(c, false, err); }

int ts_llm_step(ts_llm *c, ts_err *err) { return drive(c, true, err); }

size_t ts_llm_pending(const ts_llm *c) { return c->pending; }


const ts_llm_stats *ts_llm_get_stats(const ts_llm *c) { return &c->stats; }
