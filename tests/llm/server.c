/* llm_test_server — an OpenAI-compatible chat-completions server for
 * tests and benchmarks: canned or echoed replies from a rules file, fault
 * injection, fixed latency, and request counts at GET /stats.
 *
 * One libmicrohttpd poll() thread serves everything (not its epoll mode:
 * see main). A delayed reply suspends its connection and a timer thread
 * resumes it when due, so a thousand requests waiting 100 ms cost no
 * thread each.
 *
 * usage: llm_test_server --rules FILE [--port N] [--port-file F]
 *                        [--latency-ms N] [--threads N] */
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

typedef struct conn {
    ts_buf body;
    double due; /* when a delayed reply is due */
    srv_answer ans;
    int phase; /* 0 receiving, 1 suspended, 2 ready to answer */
    bool is_post;
} conn;

/* --- the timer: a min-heap of suspended connections --------------------- */

typedef struct timed {
    double due;
    struct MHD_Connection *c;
    conn *k;
} timed;

static timed *heap;
static size_t nheap, capheap;
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tcv; /* on CLOCK_MONOTONIC, set up in main */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void heap_push(timed t)
{
    pthread_mutex_lock(&tmu);
    if (nheap == capheap) {
        capheap = capheap ? capheap * 2 : 1024;
        heap = realloc(heap, capheap * sizeof *heap);
        if (!heap)
            abort();
    }
    size_t i = nheap++;
    while (i && heap[(i - 1) / 2].due > t.due) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = t;
    pthread_cond_signal(&tcv);
    pthread_mutex_unlock(&tmu);
}

static timed heap_pop_locked(void)
{
    timed top = heap[0], last = heap[--nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < nheap && heap[l].due < last.due)
            m = l;
        if (l + 1 < nheap && heap[l + 1].due < (m == i ? last.due : heap[m].due))
            m = l + 1;
        if (m == i)
            break;
        heap[i] = heap[m];
        i = m;
    }
    if (nheap)
        heap[i] = last;
    return top;
}

/* Sleeps on CLOCK_MONOTONIC (see main) to the earliest deadline, then
 * resumes every connection that is due in one pass: replies due together
 * go out together, not one wake-up each. */
static void *timer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&tmu);
    for (;;) {
        if (!nheap) {
            pthread_cond_wait(&tcv, &tmu);
            continue;
        }
        double now = now_s();
        if (heap[0].due > now) {
            struct timespec ts;
            double t = heap[0].due;
            ts.tv_sec = (time_t)t;
            ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
            pthread_cond_timedwait(&tcv, &tmu, &ts);
            continue;
        }
        while (nheap && heap[0].due <= now) {
            timed t = heap_pop_locked();
            t.k->phase = 2;
            pthread_mutex_unlock(&tmu);
            MHD_resume_connection(t.c);
            pthread_mutex_lock(&tmu);
        }
    }
    return NULL;
}

/* --- HTTP ----------------------------------------------------------------- */

static unsigned latency_ms;

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const ts_buf *b, long retry_after)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(b->len, b->len ? b->data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (retry_after >= 0) {
        char v[32];
        snprintf(v, sizeof v, "%ld", retry_after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    conn *k = *state;
    if (!k) {
        k = calloc(1, sizeof *k);
        if (!k)
            return MHD_NO;
        ts_buf_init(&k->body, 64u << 20);
        k->is_post = !strcmp(method, "POST");
        *state = k;
        return MHD_YES;
    }
    if (!k->is_post) {
        ts_buf b;
        ts_buf_init(&b, 0);
        unsigned status = 200;
        if (!strcmp(url, "/stats"))
            srv_stats_json(&b, !MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "brief"));
        else {
            status = 404;
            ts_buf_printf(&b, "{\"error\":{\"message\":\"not found\"}}");
        }
        enum MHD_Result rc = send_buf(c, status, &b, -1);
        ts_buf_release(&b);
        return rc;
    }
    if (*upload_size) {
        if (ts_buf_append(&k->body, upload, *upload_size))
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    if (k->phase == 0) {
        if (strcmp(url, "/v1/chat/completions") && strcmp(url, "/chat/completions")) {
            ts_buf b;
            ts_buf_init(&b, 0);
            ts_buf_printf(&b, "{\"error\":{\"message\":\"no such route\"}}");
            enum MHD_Result rc = send_buf(c, 404, &b, -1);
            ts_buf_release(&b);
            return rc;
        }
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        srv_note_auth(auth);
        srv_answer_request(k->body.data ? k->body.data : "", k->body.len, latency_ms, &k->ans);
        if (k->ans.delay_ms) {
            k->phase = 1;
            MHD_suspend_connection(c);
            k->due = now_s() + k->ans.delay_ms / 1000.0;
            heap_push((timed){k->due, c, k});
            return MHD_YES;
        }
        k->phase = 2;
    }
    if (k->phase == 1)
        return MHD_YES; /* woken before the timer: keep waiting */
    if (k->due > 0)
        srv_note_lateness(now_s() - k->due);
    if (k->ans.drop)
        return MHD_NO; /* closes the connection: the client sees nothing */
    return send_buf(c, k->ans.status, &k->ans.body, k->ans.retry_after);
}

static void on_done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    conn *k = *state;
    if (!k)
        return;
    ts_buf_release(&k->body);
    ts_buf_release(&k->ans.body);
    free(k);
    *state = NULL;
}

int main(int argc, char **argv)
{
    const char *rules = NULL, *port_file = NULL;
    unsigned port = 0, threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--rules") && v)
            rules = argv[++i];
        else if (!strcmp(a, "--port") && v)
            port = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--port-file") && v)
            port_file = argv[++i];
        else if (!strcmp(a, "--latency-ms") && v)
            latency_ms = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--threads") && v)
            threads = (unsigned)atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: llm_test_server [--rules FILE] [--port N] [--port-file F] [--latency-ms N]"
                            " [--threads N]\n");
            return 2;
        }
    }
    char msg[512];
    if (rules && srv_rules_load(rules, msg, sizeof msg)) {
        fprintf(stderr, "llm_test_server: %s\n", msg);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* The timer waits on the monotonic clock: deadlines are monotonic, and
     * a wall-clock step must not shift them. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&tcv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t timer;
    pthread_create(&timer, NULL, timer_main, NULL);
    /* poll(), not MHD_USE_EPOLL_INTERNAL_THREAD: libmicrohttpd 0.9.75's
     * edge-triggered epoll loop, at 256 keep-alive connections, now and then
     * loses the readiness of a whole group of them: their requests sit
     * unread in the socket buffers (ss shows Recv-Q = the request) until the
     * client gives up and closes, or the 120 s connection timeout fires. In
     * 6 runs of 20,000 requests at concurrency 256, epoll stalled 5 (256
     * requests each); poll() none, and is faster at this size. */
    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d =
        threads > 1
            ? MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED,
                               on_done, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_THREAD_POOL_SIZE, threads,
                               MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END)
            : MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED,
                               on_done, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_LISTENING_ADDRESS_REUSE,
                               1u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "llm_test_server: cannot listen on port %u\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned p = info ? info->port : port;
    printf("%u\n", p);
    fflush(stdout);
    if (port_file) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%u\n", p) < 0 || fclose(f) || rename(tmp, port_file)) {
            fprintf(stderr, "llm_test_server: cannot write %s\n", port_file);
            return 1;
        }
    }
    /* Runs until killed; suspended connections make a clean stop moot. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    return 0;
}
