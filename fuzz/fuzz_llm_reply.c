/* libFuzzer target: the chat-completions reply parser, the <think> split
 * of each reply and the request canonicalizer. Any body must parse or fail
 * cleanly; a parsed reply's choices must lie inside the arena's strings,
 * with NUL-terminated finish reasons; a split must stay inside the text;
 * a canonical request must be canonical again (same key). */
#include <stdlib.h>
#include <string.h>

#include "../lib/llm/llm_int.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ts_arena a;
    ts_arena_init(&a);
    llm_parsed p;
    ts_err e = TS_ERR_INIT;
    if (llm_reply_parse((const char *)data, size, &a, &p, &e) == 0) {
        if (!p.n_choices || !p.choices || !p.root)
            abort();
        size_t sum = 0;
        for (size_t i = 0; i < p.n_choices; i++) {
            const ts_llm_choice *c = &p.choices[i];
            if (!c->text || !c->finish_reason)
                abort();
            /* Touch every byte: ASan catches a slice past its string. */
            for (size_t k = 0; k < c->len; k++)
                sum += (unsigned char)c->text[k];
            for (size_t k = 0; c->reasoning && k < c->reasoning_len; k++)
                sum += (unsigned char)c->reasoning[k];
            const char *t = c->text, *r = NULL;
            size_t tl = c->len, rl = 0;
            ts_llm_split_think(&t, &tl, &r, &rl);
            if (t < c->text || t + tl > c->text + c->len || (r && (r < c->text || r + rl > c->text + c->len)))
                abort();
            sum += strlen(c->finish_reason);
        }
        if (sum == (size_t)-1)
            abort();
    } else if (!e.code) {
        abort(); /* a failure must say why */
    }
    ts_arena_release(&a);
    char *body, *body2;
    size_t n, n2;
    uint8_t k1[16], k2[16];
    uint64_t est;
    if (llm_request_prepare((const char *)data, size, "m", &body, &n, k1, &est, NULL) == 0) {
        if (llm_request_prepare(body, n, "other", &body2, &n2, k2, &est, NULL) || n2 != n ||
            memcmp(body, body2, n) || memcmp(k1, k2, 16))
            abort();
        free(body2);
        free(body);
    }
    return 0;
}
