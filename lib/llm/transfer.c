/* The HTTP side of the client: one libcurl multi handle, one easy handle
 * per request in flight (reused, so connections stay open: HTTP/1.1
 * keep-alive), the least-loaded endpoint within its rate limits, and the
 * retry decision for each finished transfer. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "llm_int.h"

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    llm_req *r = ud;
    size_t len = size * n;
    return ts_buf_append(&r->resp, p, len) ? 0 : len; /* 0 = abort: the cap was hit */
}

/* curl's socket_action interface: work is done only for the sockets that
 * are ready, so thousands of requests in flight cost nothing while they
 * wait (curl_multi_perform and poll() would visit them all each time). */
static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)e;
    ts_llm *c = userp;
    if (what == CURL_POLL_REMOVE) {
        if (socketp)
            epoll_ctl(c->epfd, EPOLL_CTL_DEL, s, NULL);
        curl_multi_assign(c->multi, s, NULL);
        return 0;
    }
    struct epoll_event ev = {.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u)};
    ev.data.fd = s;
    if (socketp) {
        if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, s, &ev) && errno == ENOENT)
            epoll_ctl(c->epfd, EPOLL_CTL_ADD, s, &ev);
    } else {
        if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, s, &ev) && errno == EEXIST)
            epoll_ctl(c->epfd, EPOLL_CTL_MOD, s, &ev);
        curl_multi_assign(c->multi, s, c); /* any non-NULL: "watched" */
    }
    return 0;
}

static int on_timer(CURLM *m, long ms, void *userp)
{
    (void)m;
    ts_llm *c = userp;
    c->timer_due = ms < 0 ? -1.0 : llm_now() + (double)ms / 1000.0;
    return 0;
}

void llm_kick(ts_llm *c)
{
    int running;
    if (c->timer_due >= 0 && c->timer_due <= llm_now()) {
        c->timer_due = -1;
        curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

int llm_io(ts_llm *c, double wait, ts_err *err)
{
    int running;
    /* Transfers that ended during llm_kick are waiting to be taken. */
    int hrc = llm_harvest(c, err);
    if (hrc || c->done)
        return hrc;
    double now = llm_now();
    if (c->timer_due >= 0 && c->timer_due <= now) {
        c->timer_due = -1;
        curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        int rc = llm_harvest(c, err);
        if (rc || c->done)
            return rc;
        now = llm_now();
    }
    double w = fmin(wait, 0.1);
    if (c->timer_due >= 0)
        w = fmin(w, c->timer_due - now);
    int ms = w <= 0 ? 0 : (int)ceil(w * 1000.0);
    struct epoll_event evs[256];
    int n = epoll_wait(c->epfd, evs, 256, ms);
    for (int i = 0; i < n; i++) {
        int flags = (evs[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) | (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                    (evs[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(c->multi, evs[i].data.fd, flags, &running);
    }
    if (c->timer_due >= 0 && c->timer_due <= llm_now()) {
        c->timer_due = -1;
        curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    return llm_harvest(c, err);
}

int llm_transfer_init(ts_llm *c, ts_err *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT))
        return ts_err_set(err, TS_ENET, "libcurl cannot be initialized");
    c->timer_due = -1;
    if ((c->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return ts_err_set(err, TS_EIO, "epoll: %s", strerror(errno));
    if (!(c->multi = curl_multi_init()))
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    /* One connection per request in flight, kept between requests. */
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->concurrency + 16);
    curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
    return 0;
}

void llm_transfer_release(ts_llm *c)
{
    for (size_t i = 0; i < c->npool; i++)
        curl_easy_cleanup(c->pool[i]);
    free(c->pool);
    c->pool = NULL;
    c->npool = 0;
    if (c->multi)
        curl_multi_cleanup(c->multi);
    c->multi = NULL;
    if (c->epfd >= 0)
        close(c->epfd);
    c->epfd = -1;
}

static CURL *get_easy(ts_llm *c)
{
    if (c->npool)
        return c->pool[--c->npool];
    CURL *e = curl_easy_init();
    if (!e)
        return NULL;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    return e;
}

static void put_easy(ts_llm *c, CURL *e)
{
    if (c->npool == c->cappool) {
        size_t cap = c->cappool ? c->cappool * 2 : 64;
        CURL **p = realloc(c->pool, cap * sizeof *p);
        if (!p) {
            curl_easy_cleanup(e);
            return;
        }
        c->pool = p;
        c->cappool = cap;
    }
    c->pool[c->npool++] = e;
}

static void refill(llm_ep *e, double now)
{
    double dt = now - e->refilled;
    e->refilled = now;
    /* Buckets hold one second's worth: smooth, and never a minute's burst. */
    if (e->rpm > 0) {
        double cap = fmax(1.0, e->rpm / 60.0);
        e->req_bucket = fmin(cap, e->req_bucket + dt * e->rpm / 60.0);
    }
    if (e->tpm > 0) {
        double cap = fmax(1.0, e->tpm / 60.0);
        e->tok_bucket = fmin(cap, e->tok_bucket + dt * e->tpm / 60.0);
    }
}

/* Seconds until endpoint e may send (0 = now). */
static double ep_wait(const ts_llm *c, const llm_ep *e)
{
    if (e->max_inflight && e->inflight >= e->max_inflight)
        return INFINITY;
    double w = 0;
    if (e->rpm > 0 && e->req_bucket <= 0)
        w = fmax(w, (1e-9 - e->req_bucket) / (e->rpm / 60.0));
    if (e->tpm > 0 && e->tok_bucket <= 0)
        w = fmax(w, (1e-9 - e->tok_bucket) / (e->tpm / 60.0));
    (void)c;
    return w;
}

static void fail_now(ts_llm *c, llm_req *r, int code, const char *msg)
{
    r->ok = false;
    r->err = (ts_err)TS_ERR_INIT;
    ts_err_set(&r->err, code, "%s", msg);
    llm_push_done(c, r);
}

static int start(ts_llm *c, size_t ei, llm_req *r)
{
    llm_ep *e = &c->eps[ei];
    CURL *h = get_easy(c);
    if (!h)
        return TS_ENOMEM;
    r->resp.len = 0;
    r->resp.max = LLM_MAX_REPLY;
    curl_easy_setopt(h, CURLOPT_URL, e->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, e->headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->len);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_PRIVATE, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(c->timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(fmin(c->timeout_s, 30.0) * 1000));
    if (curl_multi_add_handle(c->multi, h) != CURLM_OK) {
        put_easy(c, h);
        return TS_ENET;
    }
    r->easy = h;
    r->ep = (int)ei;
    r->fl_prev = NULL;
    r->fl_next = c->flying;
    if (c->flying)
        c->flying->fl_prev = r;
    c->flying = r;
    r->attempts++;
    c->stats.sent++;
    if (r->attempts > 1)
        c->stats.retries++;
    e->inflight++;
    c->inflight++;
    if (e->rpm > 0)
        e->req_bucket -= 1;
    if (e->tpm > 0)
        e->tok_bucket -= (double)r->est_tokens;
    return 0;
}

double llm_launch(ts_llm *c, double now)
{
    for (size_t i = 0; i < c->n_eps; i++)
        refill(&c->eps[i], now);
    while (c->ready && c->inflight < c->concurrency) {
        size_t best = SIZE_MAX;
        double wait = INFINITY;
        for (size_t k = 0; k < c->n_eps; k++) {
            size_t i = (c->rr + k) % c->n_eps;
            double w = ep_wait(c, &c->eps[i]);
            if (w > 0) {
                wait = fmin(wait, w);
                continue;
            }
            if (best == SIZE_MAX || c->eps[i].inflight < c->eps[best].inflight)
                best = i;
        }
        if (best == SIZE_MAX)
            return wait;
        c->rr++;
        llm_req *r = c->ready;
        c->ready = r->next;
        if (!c->ready)
            c->ready_tail = NULL;
        r->next = NULL;
        uint64_t used = c->stats.prompt_tokens + c->stats.completion_tokens;
        if (c->o.max_tokens && used >= c->o.max_tokens && r->attempts == 0) {
            fail_now(c, r, TS_EBUDGET, "token budget (--max-tokens) reached before this request was sent");
            continue;
        }
        int rc = start(c, best, r);
        if (rc)
            fail_now(c, r, rc, "cannot start the HTTP transfer");
    }
    return INFINITY;
}

/* Full jitter: a uniform delay in [0, min(max, base * 2^(attempt-1))]. */
static double backoff(ts_llm *c, unsigned attempt)
{
    c->rng += 0x9e3779b97f4a7c15ull;
    uint64_t z = c->rng;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    double u = (double)(z >> 11) / 9007199254740992.0;
    double cap = fmin(c->backoff_max, c->backoff_base * ldexp(1.0, (int)(attempt > 30 ? 30 : attempt) - 1));
    return u * cap;
}

static int schedule_retry(ts_llm *c, llm_req *r, double delay)
{
    if (c->ndelayed == c->capdelayed) {
        size_t cap = c->capdelayed ? c->capdelayed * 2 : 64;
        llm_req **p = realloc(c->delayed, cap * sizeof *p);
        if (!p)
            return TS_ENOMEM;
        c->delayed = p;
        c->capdelayed = cap;
    }
    r->not_before = llm_now() + delay;
    c->delayed[c->ndelayed++] = r;
    return 0;
}

static bool retryable_curl(CURLcode res)
{
    switch (res) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

/* Decides one finished transfer: 1 = accepted, 0 = retry or final failure
 * already handled. Returns < 0 only for cache write failures. */
static int finish(ts_llm *c, llm_req *r, CURLcode res, ts_err *err)
{
    long status = 0;
    curl_off_t retry_after = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &retry_after);
    bool retry = false;
    char why[300];
    if (res != CURLE_OK) {
        retry = retryable_curl(res);
        if (res == CURLE_WRITE_ERROR && r->resp.len >= LLM_MAX_REPLY - 65536)
            snprintf(why, sizeof why, "reply larger than %u MiB", LLM_MAX_REPLY >> 20);
        else
            snprintf(why, sizeof why, "%s", curl_easy_strerror(res));
    } else if (status >= 200 && status < 300) {
        ts_arena_reset(&c->tmp);
        llm_parsed p;
        ts_err pe = TS_ERR_INIT;
        if (!llm_reply_parse(r->resp.data ? r->resp.data : "", r->resp.len, &c->tmp, &p, &pe)) {
            int rc = c->cache ? llm_cache_put(c->cache, r->key, r->body, r->len, r->resp.data, r->resp.len, err) : 0;
            if (rc) {
                r->ok = false;
                r->err = *err;
                llm_push_done(c, r);
                return rc;
            }
            c->stats.prompt_tokens += p.prompt_tokens;
            c->stats.completion_tokens += p.completion_tokens;
            llm_count_model(c, ts_json_get(p.root, "model"), p.prompt_tokens, p.completion_tokens);
            llm_ep *e = &c->eps[r->ep];
            if (e->tpm > 0)
                e->tok_bucket -= (double)(p.prompt_tokens + p.completion_tokens) - (double)r->est_tokens;
            r->reply = r->resp.data;
            r->reply_len = r->resp.len;
            r->resp = (ts_buf){0};
            r->ok = true;
            llm_push_done(c, r);
            return 1;
        }
        /* A cut or garbled body is worth another try: the server may have
         * died mid-reply. */
        retry = true;
        snprintf(why, sizeof why, "malformed reply (%.200s at byte %llu)", pe.msg[0] ? pe.msg : ts_strerror(pe.code),
                 (unsigned long long)(pe.byte == UINT64_MAX ? 0 : pe.byte));
    } else {
        retry = status == 429 || status == 408 || status >= 500;
        size_t n = r->resp.len > 160 ? 160 : r->resp.len;
        snprintf(why, sizeof why, "HTTP %ld%s%.*s", status, n ? ": " : "", (int)n, r->resp.data ? r->resp.data : "");
    }
    if (retry && r->attempts < c->max_attempts) {
        double d = backoff(c, r->attempts);
        if (retry_after > 0 && (double)retry_after > d)
            d = (double)retry_after;
        if (schedule_retry(c, r, d) == 0)
            return 0;
    }
    r->ok = false;
    r->err = (ts_err)TS_ERR_INIT;
    ts_err_set(&r->err, TS_ENET, "%s (after %u attempt%s)", why, r->attempts, r->attempts == 1 ? "" : "s");
    llm_push_done(c, r);
    return 0;
}

int llm_harvest(ts_llm *c, ts_err *err)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *h = m->easy_handle;
        CURLcode res = m->data.result;
        llm_req *r = NULL;
        curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&r);
        curl_multi_remove_handle(c->multi, h);
        if (r->fl_prev)
            r->fl_prev->fl_next = r->fl_next;
        else
            c->flying = r->fl_next;
        if (r->fl_next)
            r->fl_next->fl_prev = r->fl_prev;
        c->eps[r->ep].inflight--;
        c->inflight--;
        int rc = finish(c, r, res, err);
        r->easy = NULL;
        put_easy(c, h);
        if (rc < 0)
            return rc;
    }
    return c->cache ? llm_cache_commit(c->cache, err) : 0;
}
