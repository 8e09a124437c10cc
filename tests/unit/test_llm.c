/* The LLM client's parts without a server: reply parsing, canonical
 * requests and their keys, the SQLite cache, budgets, and retries that
 * end in a clear error when nothing listens. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../lib/llm/llm_int.h"
#include "test.h"

static int parse(const char *s, ts_arena *a, llm_parsed *p, ts_err *e)
{
    return llm_reply_parse(s, strlen(s), a, p, e);
}

TEST(llm_reply_choices_in_index_order)
{
    ts_arena a;
    ts_arena_init(&a);
    llm_parsed p;
    ts_err e = TS_ERR_INIT;
    const char *body = "{\"model\":\"m\",\"choices\":["
                       "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"B\"},\"finish_reason\":\"length\"},"
                       "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A\\n\",\"reasoning_content\":\"why\"},"
                       "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}";
    CHECK_INT(parse(body, &a, &p, &e), 0);
    CHECK_INT(p.n_choices, 2);
    CHECK_INT(p.choices[0].len, 2);
    CHECK(!memcmp(p.choices[0].text, "A\n", 2));
    CHECK_STR(p.choices[0].finish_reason, "stop");
    CHECK_INT(p.choices[0].reasoning_len, 3);
    CHECK(!memcmp(p.choices[0].reasoning, "why", 3));
    CHECK_STR(p.choices[1].finish_reason, "length");
    CHECK(p.choices[1].reasoning == NULL);
    CHECK_INT(p.prompt_tokens, 7);
    CHECK_INT(p.completion_tokens, 3);
    ts_arena_release(&a);
}

TEST(llm_reply_rejects_what_is_not_a_completion)
{
    ts_arena a;
    ts_arena_init(&a);
    llm_parsed p;
    ts_err e = TS_ERR_INIT;
    /* Cut mid-way: a JSON error, which the client retries. */
    CHECK(parse("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ab", &a, &p, &e) != 0);
    CHECK_INT(parse("[]", &a, &p, &e), TS_ESCHEMA);
    CHECK_INT(parse("{\"choices\":[]}", &a, &p, &e), TS_ESCHEMA);
    CHECK_INT(parse("{\"choices\":[{\"index\":0}]}", &a, &p, &e), TS_ESCHEMA);
    CHECK_INT(parse("{\"choices\":[{\"message\":{\"content\":5}}]}", &a, &p, &e), TS_ESCHEMA);
    e = (ts_err)TS_ERR_INIT;
    CHECK_INT(parse("{\"error\":{\"message\":\"model not found\"}}", &a, &p, &e), TS_ESCHEMA);
    CHECK(strstr(e.msg, "model not found") != NULL);
    /* A null content (tool calls) is an empty text; duplicate indexes fall back to list order. */
    CHECK_INT(parse("{\"choices\":[{\"index\":0,\"message\":{\"content\":null}},{\"index\":0,\"message\":{\"content\":\"x\"}}]}",
                    &a, &p, &e),
              0);
    CHECK_INT(p.choices[0].len, 0);
    CHECK_INT(p.choices[1].len, 1);
    CHECK_STR(p.choices[0].finish_reason, "");
    ts_arena_release(&a);
}

TEST(llm_request_key_is_of_the_canonical_body_with_its_model)
{
    char *b1, *b2, *b3, *b4;
    size_t n1, n2, n3, n4;
    uint8_t k1[16], k2[16], k3[16], k4[16];
    uint64_t est;
    ts_err e = TS_ERR_INIT;
    const char *r = "{ \"messages\": [{\"role\":\"user\",\"content\":\"hi\"}], \"seed\": 1, \"max_tokens\": 100 }";
    CHECK_INT(llm_request_prepare(r, strlen(r), "m1", &b1, &n1, k1, &est, &e), 0);
    CHECK_STR(b1, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1,\"max_tokens\":100,\"model\":\"m1\"}");
    CHECK(est >= 100);
    /* Whitespace does not change the key; the model and the seed do. */
    const char *r2 = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1,\"max_tokens\":100}";
    CHECK_INT(llm_request_prepare(r2, strlen(r2), "m1", &b2, &n2, k2, &est, &e), 0);
    CHECK(!memcmp(k1, k2, 16));
    CHECK_INT(llm_request_prepare(r2, strlen(r2), "m2", &b3, &n3, k3, &est, &e), 0);
    CHECK(memcmp(k1, k3, 16) != 0);
    const char *r4 = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":2,\"max_tokens\":100}";
    CHECK_INT(llm_request_prepare(r4, strlen(r4), "m1", &b4, &n4, k4, &est, &e), 0);
    CHECK(memcmp(k1, k4, 16) != 0);
    free(b1);
    free(b2);
    free(b3);
    free(b4);
    char *b;
    size_t n;
    CHECK_INT(llm_request_prepare("[1]", 3, NULL, &b, &n, k1, &est, &e), TS_EINVAL);
    CHECK(llm_request_prepare("{\"messages\":", 12, NULL, &b, &n, k1, &est, &e) != 0);
}

TEST(llm_cache_survives_reopening)
{
    char path[] = "/tmp/tuneset_llm_cacheXXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    llm_cache *k;
    ts_err e = TS_ERR_INIT;
    uint8_t key[16] = {1, 2, 3}, other[16] = {9};
    CHECK_INT(llm_cache_open(&k, path, &e), 0);
    CHECK_INT(llm_cache_put(k, key, "req", 3, "reply", 5, &e), 0);
    char *got;
    size_t len;
    CHECK_INT(llm_cache_get(k, key, &got, &len, &e), 1); /* its own open batch is visible */
    CHECK_INT(len, 5);
    free(got);
    CHECK_INT(llm_cache_commit(k, &e), 0);
    llm_cache_close(k);
    CHECK_INT(llm_cache_open(&k, path, &e), 0);
    CHECK_INT(llm_cache_get(k, key, &got, &len, &e), 1);
    CHECK(len == 5 && !memcmp(got, "reply", 5));
    free(got);
    CHECK_INT(llm_cache_get(k, other, &got, &len, &e), 0);
    llm_cache_close(k);
    char aux[64];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

typedef struct {
    int calls;
    ts_err err;
    unsigned attempts;
} done_rec;

static void on_done(void *ctx, uint64_t tag, const ts_llm_reply *r)
{
    done_rec *d = ctx;
    (void)tag;
    d->calls++;
    d->err = r->err;
    d->attempts = r->attempts;
}

/* A local port nobody listens on. */
static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || getsockname(s, (struct sockaddr *)&a, &l))
        return -1;
    close(s);
    return ntohs(a.sin_port);
}

TEST(llm_client_retries_then_reports_and_keeps_budgets)
{
    int port = closed_port();
    CHECK(port > 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    ts_llm_endpoint ep = {.base_url = url, .model = "m"};
    ts_llm_opts o = {.endpoints = &ep, .n_endpoints = 1, .max_attempts = 3, .backoff_base_s = 0.01,
                     .max_requests = 1};
    ts_err e = TS_ERR_INIT;
    ts_llm *c = ts_llm_open(&o, &e);
    CHECK(c != NULL);
    done_rec d = {0};
    const char *req = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    CHECK_INT(ts_llm_submit(c, req, strlen(req), 1, on_done, &d, &e), 0);
    const char *req2 = "{\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}";
    CHECK_INT(ts_llm_submit(c, req2, strlen(req2), 2, on_done, &d, &e), TS_EBUDGET);
    /* An identical request waits for the first one: no budget needed. */
    CHECK_INT(ts_llm_submit(c, req, strlen(req), 3, on_done, &d, &e), 0);
    CHECK_INT(ts_llm_pending(c), 2);
    CHECK_INT(ts_llm_run(c, &e), 0);
    CHECK_INT(d.calls, 2);
    CHECK_INT(d.err.code, TS_ENET);
    CHECK_INT(d.attempts, 0); /* the last callback: the one that waited */
    CHECK(strstr(d.err.msg, "after 3 attempts") != NULL);
    const ts_llm_stats *s = ts_llm_get_stats(c);
    CHECK_INT(s->sent, 3);
    CHECK_INT(s->retries, 2);
    CHECK_INT(s->failed, 2);
    CHECK_INT(s->cache_hits, 1);
    CHECK_INT(s->budget_refused, 1);
    CHECK_INT(ts_llm_pending(c), 0);
    ts_llm_close(c);
}

TEST(llm_open_needs_an_endpoint)
{
    const char *saved = getenv("OPENAI_BASE_URL");
    char *copy = saved ? strdup(saved) : NULL;
    unsetenv("OPENAI_BASE_URL");
    ts_llm_opts o = {0};
    ts_err e = TS_ERR_INIT;
    ts_llm *c = ts_llm_open(&o, &e);
    if (copy) {
        setenv("OPENAI_BASE_URL", copy, 1);
        free(copy);
    }
    CHECK(c == NULL);
    CHECK_INT(e.code, TS_EINVAL);
}

TEST(llm_split_think)
{
    const char *t = "  <think>\n step one \n</think>\n\nThe answer.";
    size_t n = strlen(t), rl = 0;
    const char *r = NULL;
    ts_llm_split_think(&t, &n, &r, &rl);
    CHECK(r != NULL);
    CHECK(rl == 8 && !memcmp(r, "step one", 8));
    CHECK(n == 11 && !memcmp(t, "The answer.", 11));
    const char *u = "no <think> prefix</think>";
    size_t un = strlen(u);
    r = NULL;
    ts_llm_split_think(&u, &un, &r, &rl);
    CHECK(r == NULL && un == strlen("no <think> prefix</think>"));
    const char *open_only = "<think>never closed";
    size_t on = strlen(open_only);
    ts_llm_split_think(&open_only, &on, &r, &rl);
    CHECK(r == NULL && on == 19);
}

static const char *prompt_of(const char *rec_text, ts_arena *a, char *out, size_t cap, bool *answered)
{
    ts_json *rec, *arr;
    ts_jb b;
    ts_jb_init(&b, a);
    if (ts_json_parse(rec_text, strlen(rec_text), a, NULL, &rec, NULL))
        return "unparsable";
    ts_jb_array(&b);
    const char *why = ts_llm_prompt_messages(rec, &b, answered);
    ts_jb_end(&b);
    ts_buf buf;
    ts_buf_init(&buf, 0);
    if (!ts_jb_finish(&b, &arr))
        ts_json_write(&buf, arr);
    snprintf(out, cap, "%.*s", (int)buf.len, buf.data ? buf.data : "");
    ts_buf_release(&buf);
    ts_jb_release(&b);
    return why;
}

TEST(llm_prompt_messages_of_each_shape)
{
    ts_arena a;
    ts_arena_init(&a);
    char out[512];
    bool ans;
    CHECK(prompt_of("{\"instruction\":\"Do\",\"input\":\"this\",\"system\":\"S\"}", &a, out, sizeof out, &ans) == NULL);
    CHECK_STR(out, "[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"Do\\n\\nthis\"}]");
    CHECK(prompt_of("{\"prompt\":\"Hi\"}", &a, out, sizeof out, &ans) == NULL);
    CHECK_STR(out, "[{\"role\":\"user\",\"content\":\"Hi\"}]");
    CHECK(prompt_of("{\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"x\":1}]}", &a, out, sizeof out, &ans) == NULL);
    CHECK_STR(out, "[{\"role\":\"user\",\"content\":\"a\"}]");
    CHECK(!ans);
    CHECK(prompt_of("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}",
                    &a, out, sizeof out, &ans) == NULL);
    CHECK(ans);
    CHECK(prompt_of("{\"text\":\"x\"}", &a, out, sizeof out, &ans) != NULL);
    CHECK(prompt_of("{\"messages\":[]}", &a, out, sizeof out, &ans) != NULL);
    ts_arena_release(&a);
}
