/* The test server's behaviour: rules tried in order (first match wins),
 * faults for the first N requests per distinct body, a deterministic echo
 * otherwise, and the counts tests assert on. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

typedef struct rule {
    const char *match; /* NULL/"" = any */
    size_t match_len;
    const ts_json *reply, *replies, *reasoning;
    const char *finish;
    fault_kind fault;
    uint64_t times;
    long retry_after;
    unsigned delay_ms;
} rule;

static rule *rules;
static size_t nrules;
static ts_arena rules_arena;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* Open-addressing counters: body hash -> requests, and (rule, body) ->
 * faults served. Key 0 marks an empty slot (hashes are made non-zero). */
typedef struct counter_map {
    uint64_t *keys;
    uint64_t *vals;
    size_t cap, n;
} counter_map;

static counter_map by_body, by_fault;
static uint64_t total_requests;
static double late_sum, late_max;
static uint64_t with_auth;
static char last_key[128];

void srv_note_auth(const char *auth)
{
    if (!auth || strncmp(auth, "Bearer ", 7))
        return;
    pthread_mutex_lock(&mu);
    with_auth++;
    snprintf(last_key, sizeof last_key, "%s", auth + 7);
    pthread_mutex_unlock(&mu);
}
static uint64_t late_n;

void srv_note_lateness(double late)
{
    pthread_mutex_lock(&mu);
    late_sum += late;
    late_n++;
    if (late > late_max)
        late_max = late;
    pthread_mutex_unlock(&mu);
}

static uint64_t *map_slot(counter_map *m, uint64_t key)
{
    if (key == 0)
        key = 1;
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *k = calloc(cap, sizeof *k), *v = calloc(cap, sizeof *v);
        if (!k || !v) {
            fprintf(stderr, "llm_test_server: out of memory\n");
            exit(1);
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = m->keys[i] & (cap - 1);
                while (k[j])
                    j = (j + 1) & (cap - 1);
                k[j] = m->keys[i];
                v[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = k;
        m->vals = v;
        m->cap = cap;
    }
    size_t j = key & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->n++;
    }
    return &m->vals[j];
}

uint64_t srv_body_hash(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static const char *dupz(const ts_json *v)
{
    if (!ts_json_is(v, TS_JSON_STRING))
        return NULL;
    char *s = ts_arena_alloc(&rules_arena, (size_t)v->len + 1);
    memcpy(s, v->u.s, v->len);
    s[v->len] = 0;
    return s;
}

int srv_rules_load(const char *path, char *msg, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, cap, "%s: cannot open", path);
        return -1;
    }
    ts_arena_init(&rules_arena);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    unsigned lineno = 0;
    static const char *const names[] = {"", "429", "500", "slow", "malformed", "truncated", "drop"};
    while ((n = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
            n--;
        if (!n)
            continue;
        /* The tree borrows the text: keep a copy of each line. */
        char *keep = ts_arena_dup(&rules_arena, line, (size_t)n);
        ts_json *v;
        ts_err e = TS_ERR_INIT;
        if (ts_json_parse(keep, (size_t)n, &rules_arena, NULL, &v, &e) || v->type != TS_JSON_OBJECT) {
            snprintf(msg, cap, "%s:%u: not a JSON object", path, lineno);
            fclose(f);
            free(line);
            return -1;
        }
        rules = realloc(rules, (nrules + 1) * sizeof *rules);
        rule *r = &rules[nrules++];
        memset(r, 0, sizeof *r);
        r->match = dupz(ts_json_get(v, "match"));
        r->match_len = r->match ? strlen(r->match) : 0;
        r->reply = ts_json_get(v, "reply");
        r->replies = ts_json_get(v, "replies");
        r->reasoning = ts_json_get(v, "reasoning");
        r->finish = dupz(ts_json_get(v, "finish_reason"));
        r->retry_after = -1;
        int64_t x;
        if (!ts_json_int64(ts_json_get(v, "times"), &x) && x > 0)
            r->times = (uint64_t)x;
        if (!ts_json_int64(ts_json_get(v, "retry_after"), &x) && x >= 0)
            r->retry_after = (long)x;
        if (!ts_json_int64(ts_json_get(v, "delay_ms"), &x) && x >= 0)
            r->delay_ms = (unsigned)x;
        const ts_json *fault = ts_json_get(v, "fault");
        if (fault) {
            for (int k = 1; k < 7; k++)
                if (ts_json_str_eq(fault, names[k]))
                    r->fault = (fault_kind)k;
            if (!r->fault) {
                snprintf(msg, cap, "%s:%u: unknown fault", path, lineno);
                fclose(f);
                free(line);
                return -1;
            }
            if (r->fault == FAULT_SLOW && !r->delay_ms)
                r->delay_ms = 10000;
        } else if (!ts_json_is(r->reply, TS_JSON_STRING) &&
                   !(ts_json_is(r->replies, TS_JSON_ARRAY) && r->replies->len)) {
            snprintf(msg, cap, "%s:%u: a rule needs \"reply\", \"replies\" or \"fault\"", path, lineno);
            fclose(f);
            free(line);
            return -1;
        }
    }
    free(line);
    fclose(f);
    return 0;
}

/* The concatenation of all message contents, and the last one. */
static void contents(const ts_json *req, ts_buf *all, const ts_json **last)
{
    const ts_json *ms = ts_json_get(req, "messages");
    *last = NULL;
    for (uint32_t i = 0; ts_json_is(ms, TS_JSON_ARRAY) && i < ms->len; i++) {
        const ts_json *c = ts_json_get(&ms->u.items[i], "content");
        if (ts_json_is(c, TS_JSON_STRING)) {
            ts_buf_append(all, c->u.s, c->len);
            *last = c;
        }
    }
}

static bool has(const ts_buf *hay, const char *needle, size_t n)
{
    if (!n)
        return true;
    if (n > hay->len)
        return false;
    for (size_t i = 0; i + n <= hay->len; i++)
        if (hay->data[i] == needle[0] && !memcmp(hay->data + i, needle, n))
            return true;
    return false;
}

/* Appends text with {{last}} and {{seed}} replaced. */
static void expand(ts_buf *out, const char *s, size_t n, const ts_json *last, int64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        if (n - i >= 8 && !memcmp(s + i, "{{last}}", 8)) {
            if (last)
                ts_buf_append(out, last->u.s, last->len);
            i += 7;
        } else if (n - i >= 8 && !memcmp(s + i, "{{seed}}", 8)) {
            ts_buf_printf(out, "%lld", (long long)seed);
            i += 7;
        } else {
            ts_buf_putc(out, s[i]);
        }
    }
}

static void error_body(srv_answer *out, unsigned status, const char *msg)
{
    out->status = status;
    ts_buf_printf(&out->body, "{\"error\":{\"message\":\"%s\",\"code\":%u}}", msg, status);
}

void srv_answer_request(const char *body, size_t len, unsigned latency_ms, srv_answer *out)
{
    memset(out, 0, sizeof *out);
    out->retry_after = -1;
    ts_buf_init(&out->body, 0);
    uint64_t h = srv_body_hash(body, len);
    pthread_mutex_lock(&mu);
    total_requests++;
    (*map_slot(&by_body, h))++;
    pthread_mutex_unlock(&mu);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *req;
    if (ts_json_parse(body, len, &a, NULL, &req, NULL) || req->type != TS_JSON_OBJECT ||
        !ts_json_is(ts_json_get(req, "messages"), TS_JSON_ARRAY)) {
        error_body(out, 400, "request is not a chat-completions object");
        ts_arena_release(&a);
        return;
    }
    ts_buf all;
    ts_buf_init(&all, 0);
    const ts_json *last;
    contents(req, &all, &last);
    int64_t seed = 0, n = 1;
    ts_json_int64(ts_json_get(req, "seed"), &seed);
    if (ts_json_int64(ts_json_get(req, "n"), &n) || n < 1 || n > 128)
        n = 1;
    const rule *hit = NULL;
    for (size_t i = 0; i < nrules && !hit; i++) {
        const rule *r = &rules[i];
        if (!has(&all, r->match, r->match_len))
            continue;
        if (r->fault) {
            /* Faults hold for the first `times` requests of each body. */
            pthread_mutex_lock(&mu);
            uint64_t *cnt = map_slot(&by_fault, h ^ (0x9e3779b97f4a7c15ull * (i + 1)));
            bool on = !r->times || *cnt < r->times;
            if (on)
                (*cnt)++;
            pthread_mutex_unlock(&mu);
            if (!on)
                continue;
        }
        hit = r;
    }
    fault_kind fault = hit ? hit->fault : FAULT_NONE;
    if (fault == FAULT_429 || fault == FAULT_500) {
        error_body(out, fault == FAULT_429 ? 429 : 500, fault == FAULT_429 ? "rate limited" : "internal error");
        out->retry_after = hit->retry_after;
        out->delay_ms = hit->delay_ms;
        goto done;
    }
    if (fault == FAULT_DROP) {
        out->drop = true;
        out->delay_ms = hit->delay_ms;
        goto done;
    }
    if (fault == FAULT_MALFORMED) {
        out->status = 200;
        ts_buf_printf(&out->body, "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\"");
        ts_buf_printf(&out->body, ",\"content\":[not json at all}]}");
        goto done;
    }
    const ts_json *model = ts_json_get(req, "model");
    out->status = 200;
    ts_buf *b = &out->body;
    ts_buf_printf(b, "{\"id\":\"chatcmpl-%016llx\",\"object\":\"chat.completion\",\"created\":0,\"model\":",
                  (unsigned long long)h);
    if (ts_json_is(model, TS_JSON_STRING))
        ts_json_write_string(b, model->u.s, model->len);
    else
        ts_buf_printf(b, "\"test-model\"");
    ts_buf_printf(b, ",\"choices\":[");
    size_t completion = 0;
    ts_buf text;
    ts_buf_init(&text, 0);
    for (int64_t k = 0; k < n; k++) {
        text.len = 0;
        if (hit && ts_json_is(hit->replies, TS_JSON_ARRAY)) {
            const ts_json *r = &hit->replies->u.items[(uint64_t)(seed + k) % hit->replies->len];
            if (ts_json_is(r, TS_JSON_STRING))
                expand(&text, r->u.s, r->len, last, seed);
        } else if (hit && ts_json_is(hit->reply, TS_JSON_STRING)) {
            expand(&text, hit->reply->u.s, hit->reply->len, last, seed);
        } else {
            ts_buf_printf(&text, "echo: ");
            if (last)
                ts_buf_append(&text, last->u.s, last->len);
        }
        completion += text.len / 4 + 1;
        ts_buf_printf(b, "%s{\"index\":%lld,\"message\":{\"role\":\"assistant\",\"content\":", k ? "," : "",
                      (long long)k);
        ts_json_write_string(b, text.data ? text.data : "", text.len);
        if (hit && ts_json_is(hit->reasoning, TS_JSON_STRING)) {
            ts_buf_printf(b, ",\"reasoning_content\":");
            text.len = 0;
            expand(&text, hit->reasoning->u.s, hit->reasoning->len, last, seed);
            ts_json_write_string(b, text.data ? text.data : "", text.len);
        }
        ts_buf_printf(b, "},\"finish_reason\":\"%s\"}", hit && hit->finish ? hit->finish : "stop");
    }
    ts_buf_release(&text);
    size_t prompt = all.len / 4 + 1;
    ts_buf_printf(b, "],\"usage\":{\"prompt_tokens\":%zu,\"completion_tokens\":%zu,\"total_tokens\":%zu}}",
                  prompt, completion, prompt + completion);
    out->delay_ms = fault == FAULT_SLOW ? hit->delay_ms : latency_ms;
    if (fault == FAULT_TRUNCATED)
        out->body.len /= 2; /* a reply cut mid-way, with a matching length */
done:
    ts_buf_release(&all);
    ts_arena_release(&a);
}

void srv_stats_json(ts_buf *out, bool by_body_too)
{
    pthread_mutex_lock(&mu);
    ts_buf_printf(out, "{\"requests\":%llu,\"late_ms_avg\":%.3f,\"late_ms_max\":%.3f,\"with_auth\":%llu,\"last_key\":",
                  (unsigned long long)total_requests, late_n ? late_sum / (double)late_n * 1e3 : 0.0, late_max * 1e3,
                  (unsigned long long)with_auth);
    ts_json_write_string(out, last_key, strlen(last_key));
    if (!by_body_too) {
        ts_buf_printf(out, "}");
        pthread_mutex_unlock(&mu);
        return;
    }
    ts_buf_printf(out, ",\"by_body_hash\":{");
    bool first = true;
    for (size_t i = 0; i < by_body.cap; i++)
        if (by_body.keys[i]) {
            ts_buf_printf(out, "%s\"%016llx\":%llu", first ? "" : ",", (unsigned long long)by_body.keys[i],
                          (unsigned long long)by_body.vals[i]);
            first = false;
        }
    ts_buf_printf(out, "}}");
    pthread_mutex_unlock(&mu);
}
