/* Requests in canonical form: one compact body per request, so that the
 * cache key of the same request is the same in every run and on every
 * endpoint. */
#include <stdlib.h>
#include <string.h>

#include "llm_int.h"
#include "tuneset/hash.h"

/* Without a "max_tokens" the reply size is unknown: assume a paragraph. */
enum { LLM_DEFAULT_REPLY_TOKENS = 256 };

int llm_request_prepare(const char *req, size_t len, const char *model, char **body, size_t *body_len,
                        uint8_t key[16], uint64_t *est_tokens, ts_err *err)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *root;
    int rc = ts_json_parse(req, len, &a, NULL, &root, err);
    if (rc) {
        ts_arena_release(&a);
        return rc;
    }
    if (root->type != TS_JSON_OBJECT || !ts_json_is(ts_json_get(root, "messages"), TS_JSON_ARRAY)) {
        ts_arena_release(&a);
        return ts_err_set(err, TS_EINVAL, "a request must be an object with a \"messages\" array");
    }
    if (model && !ts_json_get(root, "model")) {
        ts_json m = {.type = TS_JSON_STRING, .len = (uint32_t)strlen(model), .u.s = model};
        if ((rc = ts_json_set(&a, root, "model", &m))) {
            ts_arena_release(&a);
            return ts_err_set(err, rc, "%s", ts_strerror(rc));
        }
    }
    ts_buf b;
    ts_buf_init(&b, 0);
    rc = ts_json_write(&b, root);
    if (!rc && !(rc = ts_buf_putc(&b, 0)))
        b.len--; /* NUL-terminated for callers that print it */
    uint64_t reply = LLM_DEFAULT_REPLY_TOKENS;
    int64_t mt, n = 1;
    if (!ts_json_int64(ts_json_get(root, "max_tokens"), &mt) && mt > 0)
        reply = (uint64_t)mt;
    if (!ts_json_int64(ts_json_get(root, "n"), &n) && n > 1)
        reply *= (uint64_t)n;
    ts_arena_release(&a);
    if (rc) {
        ts_buf_release(&b);
        return ts_err_set(err, rc, "%s", ts_strerror(rc));
    }
    /* Two independent 64-bit hashes: a collision would serve one request
     * another's reply, so 64 bits are not enough for a long-lived cache. */
    uint64_t h1 = ts_hash64(b.data, b.len, 0x6c6c6d2d6361636bull);
    uint64_t h2 = ts_hash64(b.data, b.len, 0x9e3779b97f4a7c15ull);
    for (int i = 0; i < 8; i++) {
        key[i] = (uint8_t)(h1 >> (56 - 8 * i));
        key[8 + i] = (uint8_t)(h2 >> (56 - 8 * i));
    }
    *est_tokens = b.len / 4 + reply;
    *body = b.data;
    *body_len = b.len;
    return 0;
}
