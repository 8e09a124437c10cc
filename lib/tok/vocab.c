/* The vocabulary seen from ids: id -> text for decode and look-ups, and
 * the single-character table the model uses. */
#include <stdlib.h>
#include <string.h>

#include "tok_int.h"

/* id -> text, once every string is in its final place. */
int tk_build_id_table(ts_tokenizer *t)
{
    t->id_ptr = calloc(t->vocab_size + 1, sizeof *t->id_ptr);
    t->id_len = calloc(t->vocab_size + 1, sizeof *t->id_len);
    t->is_special = calloc(t->vocab_size + 1, 1);
    if (!t->id_ptr || !t->id_len || !t->is_special)
        return TS_ENOMEM;
    for (size_t e = 0; e < t->vocab.n; e++) {
        uint32_t id = t->vocab.val[e];
        t->id_ptr[id] = t->vocab.blob + t->vocab.off[e];
        t->id_len[id] = t->vocab.len[e];
    }
    for (size_t i = 0; i < t->nadded; i++) {
        const tk_added *a = &t->added[i];
        t->id_ptr[a->id] = t->added_map.blob + a->off;
        t->id_len[a->id] = a->len;
        t->is_special[a->id] = a->special;
    }
    /* Single characters of the Basic Multilingual Plane by table: the
     * model looks one up per character of every piece it has not cached. */
    if (!t->prefix && !t->suffix) {
        t->bmp_id = malloc(0x10000 * sizeof *t->bmp_id);
        if (!t->bmp_id)
            return TS_ENOMEM;
        for (size_t i = 0; i < 0x10000; i++)
            t->bmp_id[i] = -1;
        for (size_t e = 0; e < t->vocab.n; e++) {
            const char *s = t->vocab.blob + t->vocab.off[e];
            size_t n = t->vocab.len[e], k = 0;
            if (!n || n > 3 || tk_utf8_valid(s, n) != n)
                continue;
            uint32_t cp = tk_utf8_next(s, n, &k);
            if (k == n && cp < 0x10000)
                t->bmp_id[cp] = (int32_t)t->vocab.val[e];
        }
    }
    return 0;
}

const char *ts_tokenizer_id_to_token(const ts_tokenizer *t, uint32_t id, size_t *len)
{
    if (id >= t->vocab_size || !t->id_ptr[id])
        return NULL;
    *len = t->id_len[id];
    return t->id_ptr[id];
}

int64_t ts_tokenizer_token_to_id(const ts_tokenizer *t, const char *s, size_t n)
{
    uint32_t v;
    if (tk_strmap_get(&t->added_map, s, n, &v))
        return t->added[v].id;
    return tk_strmap_get(&t->vocab, s, n, &v) ? (int64_t)v : -1;
}

uint32_t ts_tokenizer_vocab_size(const ts_tokenizer *t) { return t->vocab_size; }
