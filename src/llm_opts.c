/* The LLM options shared by `tuneset gen ...` commands, as one table that
 * each command appends to its own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm_opts.h"

void llm_cli_defaults(llm_cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->concurrency = 64;
    o->temperature = NAN;
    o->top_p = NAN;
}

cli_opt *llm_opts_table(cli_opt *dst, size_t cap, const cli_opt *own, llm_cli_opts *o)
{
    const cli_opt t[LLM_OPTS_N] = {
        {0, "endpoint", "URL", OPT_LIST, &o->endpoints,
         "OpenAI-compatible server, repeatable (default $OPENAI_BASE_URL)"},
        {0, "api-key", "KEY", OPT_STR, &o->api_key, "bearer token (default $OPENAI_API_KEY)"},
        {0, "model", "NAME", OPT_STR, &o->model, "model name sent in each request"},
        {0, "concurrency", "N", OPT_U64, &o->concurrency, "requests in flight over all endpoints (default 64)"},
        {0, "cache", "FILE", OPT_STR, &o->cache,
         "SQLite cache of requests and replies: a rerun re-sends nothing completed (recommended)"},
        {0, "max-requests", "N", OPT_U64, &o->max_requests, "stop cleanly after N requests sent (budget)"},
        {0, "max-tokens", "N", OPT_U64, &o->max_tokens, "stop cleanly after N tokens used (budget)"},
        {0, "rpm", "N", OPT_DOUBLE, &o->rpm, "requests per minute per endpoint (default unlimited)"},
        {0, "tpm", "N", OPT_DOUBLE, &o->tpm, "tokens per minute per endpoint (default unlimited)"},
        {0, "max-attempts", "N", OPT_U64, &o->max_attempts, "attempts per request, retries included (default 6)"},
        {0, "timeout", "SECONDS", OPT_DOUBLE, &o->timeout, "per attempt (default 600)"},
        {0, "temperature", "T", OPT_DOUBLE, &o->temperature, "sampling temperature (default: the server's)"},
        {0, "top-p", "P", OPT_DOUBLE, &o->top_p, "nucleus sampling (default: the server's)"},
        {0, "max-new-tokens", "N", OPT_U64, &o->max_new_tokens, "max_tokens of each reply (default: the server's)"},
    };
    size_t n = 0;
    while (own && own[n].long_name)
        n++;
    if (n + LLM_OPTS_N + 1 > cap)
        return NULL;
    if (n)
        memcpy(dst, own, n * sizeof *own);
    memcpy(dst + n, t, sizeof t);
    memset(dst + n + LLM_OPTS_N, 0, sizeof *dst);
    return dst;
}

ts_llm *llm_cli_open(const llm_cli_opts *o, const char *cmd, ts_err *err)
{
    (void)cmd;
    ts_llm_endpoint eps[64];
    size_t n = 0;
    const char *env = getenv("OPENAI_BASE_URL");
    const char *key = o->api_key ? o->api_key : getenv("OPENAI_API_KEY");
    if (key && !*key)
        key = NULL;
    for (int i = 0; i < o->endpoints.n; i++)
        eps[n++] = (ts_llm_endpoint){.base_url = o->endpoints.items[i]};
    if (!n && env && *env)
        eps[n++] = (ts_llm_endpoint){.base_url = env};
    if (!n) {
        ts_err_set(err, TS_EINVAL, "no endpoint: give --endpoint URL or set OPENAI_BASE_URL");
        return NULL;
    }
    if (!o->concurrency || o->concurrency > 100000) {
        ts_err_set(err, TS_EINVAL, "--concurrency must be 1 to 100000");
        return NULL;
    }
    if (o->rpm < 0 || o->tpm < 0 || o->timeout < 0) {
        ts_err_set(err, TS_EINVAL, "--rpm, --tpm and --timeout must not be negative");
        return NULL;
    }
    if ((!isnan(o->temperature) && (o->temperature < 0 || o->temperature > 2)) ||
        (!isnan(o->top_p) && (o->top_p <= 0 || o->top_p > 1))) {
        ts_err_set(err, TS_EINVAL, "--temperature must be 0 to 2 and --top-p in (0, 1]");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        eps[i].api_key = key;
        eps[i].model = o->model;
        eps[i].rpm = o->rpm;
        eps[i].tpm = o->tpm;
    }
    ts_llm_opts lo = {
        .endpoints = eps,
        .n_endpoints = n,
        .concurrency = (unsigned)o->concurrency,
        .max_attempts = (unsigned)o->max_attempts,
        .timeout_s = o->timeout,
        .cache_path = o->cache,
        .max_requests = o->max_requests,
        .max_tokens = o->max_tokens,
    };
    return ts_llm_open(&lo, err);
}

void llm_cli_request_params(const llm_cli_opts *o, ts_jb *b)
{
    if (!isnan(o->temperature)) {
        ts_jb_key(b, "temperature");
        ts_jb_double(b, o->temperature);
    }
    if (!isnan(o->top_p)) {
        ts_jb_key(b, "top_p");
        ts_jb_double(b, o->top_p);
    }
    if (o->max_new_tokens) {
        ts_jb_key(b, "max_tokens");
        ts_jb_int(b, (int64_t)o->max_new_tokens);
    }
}

void llm_cli_summary(const ts_llm *c)
{
    const ts_llm_stats *s = ts_llm_get_stats(c);
    fprintf(stderr, "  llm requests %llu (retries %llu), cache hits %llu, completed %llu, failed %llu\n",
            (unsigned long long)s->sent, (unsigned long long)s->retries, (unsigned long long)s->cache_hits,
            (unsigned long long)s->completed, (unsigned long long)s->failed);
    fprintf(stderr, "  llm tokens prompt %llu, completion %llu\n", (unsigned long long)s->prompt_tokens,
            (unsigned long long)s->completion_tokens);
    ts_llm_model_usage m;
    for (size_t i = 0; ts_llm_get_model_usage(c, i, &m); i++)
        fprintf(stderr, "  llm model %s: replies %llu, tokens prompt %llu, completion %llu\n",
                m.model[0] ? m.model : "(unnamed)", (unsigned long long)m.replies,
                (unsigned long long)m.prompt_tokens, (unsigned long long)m.completion_tokens);
    if (s->budget_refused)
        fprintf(stderr, "  llm budget reached: %llu submissions refused\n",
                (unsigned long long)s->budget_refused);
}

static const struct {
    const char *name;
    size_t off;
} stat_fields[] = {
    {"submitted", offsetof(ts_llm_stats, submitted)},
    {"completed", offsetof(ts_llm_stats, completed)},
    {"failed", offsetof(ts_llm_stats, failed)},
    {"requests", offsetof(ts_llm_stats, sent)},
    {"retries", offsetof(ts_llm_stats, retries)},
    {"cache_hits", offsetof(ts_llm_stats, cache_hits)},
    {"prompt_tokens", offsetof(ts_llm_stats, prompt_tokens)},
    {"completion_tokens", offsetof(ts_llm_stats, completion_tokens)},
    {"budget_refused", offsetof(ts_llm_stats, budget_refused)},
};

static uint64_t field(const ts_llm_stats *s, size_t i)
{
    uint64_t v;
    memcpy(&v, (const char *)s + stat_fields[i].off, sizeof v);
    return v;
}

void llm_cli_stats_json(const ts_llm *c, ts_jb *b)
{
    const ts_llm_stats *s = ts_llm_get_stats(c);
    ts_jb_key(b, "llm");
    ts_jb_object(b);
    for (size_t i = 0; i < sizeof stat_fields / sizeof *stat_fields; i++) {
        ts_jb_key(b, stat_fields[i].name);
        ts_jb_int(b, (int64_t)field(s, i));
    }
    ts_jb_key(b, "models");
    ts_jb_object(b);
    ts_llm_model_usage m;
    for (size_t i = 0; ts_llm_get_model_usage(c, i, &m); i++) {
        /* Keys are borrowed as NUL-terminated: the client owns the names. */
        ts_jb_key(b, m.model);
        ts_jb_object(b);
        ts_jb_key(b, "replies");
        ts_jb_int(b, (int64_t)m.replies);
        ts_jb_key(b, "prompt_tokens");
        ts_jb_int(b, (int64_t)m.prompt_tokens);
        ts_jb_key(b, "completion_tokens");
        ts_jb_int(b, (int64_t)m.completion_tokens);
        ts_jb_end(b);
    }
    ts_jb_end(b);
    ts_jb_end(b);
}

int llm_cli_stats_text(const ts_llm *c, ts_buf *out)
{
    const ts_llm_stats *s = ts_llm_get_stats(c);
    int rc = ts_buf_printf(out, "\"llm\":{");
    for (size_t i = 0; !rc && i < sizeof stat_fields / sizeof *stat_fields; i++)
        rc = ts_buf_printf(out, "%s\"%s\":%llu", i ? "," : "", stat_fields[i].name,
                           (unsigned long long)field(s, i));
    if (!rc)
        rc = ts_buf_printf(out, ",\"models\":{");
    ts_llm_model_usage m;
    for (size_t i = 0; !rc && ts_llm_get_model_usage(c, i, &m); i++) {
        rc = ts_buf_printf(out, "%s", i ? "," : "");
        if (!rc)
            rc = ts_json_write_string(out, m.model, strlen(m.model));
        if (!rc)
            rc = ts_buf_printf(out, ":{\"replies\":%llu,\"prompt_tokens\":%llu,\"completion_tokens\":%llu}",
                               (unsigned long long)m.replies, (unsigned long long)m.prompt_tokens,
                               (unsigned long long)m.completion_tokens);
    }
    return rc ? rc : ts_buf_printf(out, "}}");
}
