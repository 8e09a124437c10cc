/* libFuzzer target: the chat-completions reply parser. Any body must
 * parse or fail cleanly; a parsed reply's choices must lie inside the
 * arena's strings, in range, with NUL-terminated finish reasons. */
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
            sum += strlen(c->finish_reason);
        }
        if (sum == (size_t)-1)
            abort();
    } else if (!e.code) {
        abort(); /* a failure must say why */
    }
    ts_arena_release(&a);
    return 0;
}
