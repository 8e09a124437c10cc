/* Encoding: added tokens are cut out of the raw text first (leftmost-
 * longest, as the reference's Aho-Corasick does), the rest is normalized,
 * cut again by the normalized added tokens, pre-tokenized, and each piece
 * goes through the BPE model. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tok_int.h"

int tk_trie_add(tk_trie *tr, const char *s, size_t n, int32_t idx)
{
    if (!n)
        return 0;
    if (!tr->capnodes) {
        tr->term = malloc(64 * sizeof *tr->term);
        if (!tr->term)
            return TS_ENOMEM;
        tr->capnodes = 64;
        tr->nnodes = 1;
        tr->term[0] = -1;
    }
    uint32_t node = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = ((uint64_t)node << 8) | (uint8_t)s[i];
        uint32_t child;
        if (!tk_pairmap_get(&tr->edges, key, NULL, &child)) {
            if (tr->nnodes == tr->capnodes) {
                int32_t *p = realloc(tr->term, tr->capnodes * 2 * sizeof *p);
                if (!p)
                    return TS_ENOMEM;
                tr->term = p;
                tr->capnodes *= 2;
            }
            child = (uint32_t)tr->nnodes++;
            tr->term[child] = -1;
            if (tk_pairmap_put(&tr->edges, key, 0, child))
                return TS_ENOMEM;
        }
        node = child;
    }
    /* The first token of a given content wins, as in the reference's map
     * from content to token. */
    if (tr->term[node] < 0)
        tr->term[node] = idx;
    tr->first[(uint8_t)s[0]] = 1;
    tr->empty = false;
    return 0;
}

void tk_trie_free(tk_trie *tr)
{
    tk_pairmap_free(&tr->edges);
    free(tr->term);
    memset(tr, 0, sizeof *tr);
    tr->empty = true;
}

static bool is_word_char(uint32_t c)
{
    if (c == '_')
        return true;
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME) || k == UTF8PROC_CATEGORY_ND ||
           k == UTF8PROC_CATEGORY_PC;
}

static uint32_t last_char(const char *s, size_t n)
{
    size_t j = n - 1;
    while (j > 0 && ((uint8_t)s[j] & 0xC0) == 0x80)
        j--;
    return tk_utf8_next(s, n, &j);
}

int tk_added_find(const ts_tokenizer *t, const tk_trie *tr, const char *s, size_t n, size_t from, size_t *ms,
                  size_t *me, size_t *idx)
{
    if (tr->empty)
        return 0;
    for (size_t i = from; i < n; i++) {
        if (!tr->first[(uint8_t)s[i]])
            continue;
        uint32_t node = 0;
        int32_t best = -1;
        size_t end = 0;
        for (size_t j = i; j < n; j++) {
            uint32_t child;
            if (!tk_pairmap_get(&tr->edges, ((uint64_t)node << 8) | (uint8_t)s[j], NULL, &child))
                break;
            node = child;
            if (tr->term[node] >= 0) {
                best = tr->term[node];
                end = j + 1;
            }
        }
        if (best < 0)
            continue;
        const tk_added *a = &t->added[best];
        size_t st = i, sp = end;
        if (a->single_word) {
            size_t k = end;
            bool left_ok = st == 0 || !is_word_char(last_char(s, st));
            bool right_ok = end == n || !is_word_char(tk_utf8_next(s, n, &k));
            if (!left_ok || !right_ok) {
                i = end - 1; /* the search resumes after the rejected match */
                continue;
            }
        }
        if (a->lstrip)
            while (st > from) {
                size_t j = st - 1;
                while (j > from && ((uint8_t)s[j] & 0xC0) == 0x80)
                    j--;
                size_t k = j;
                if (!tk_is_ws(tk_utf8_next(s, n, &k)))
                    break;
                st = j;
            }
        if (a->rstrip)
            while (sp < n) {
                size_t k = sp;
                if (!tk_is_ws(tk_utf8_next(s, n, &k)))
                    break;
                sp = k;
            }
        *ms = st;
        *me = sp;
        *idx = (size_t)best;
        return 1;
    }
    return 0;
}

#define META "\xE2\x96\x81" /* U+2581, SentencePiece's space */

int tk_meta_split_init(ts_tokenizer *t)
{
    uint32_t meta;
    bool cut_by_pretok = false;
    for (size_t i = 0; i < t->npre; i++)
        cut_by_pretok |= t->pre[i].kind == TK_P_METASPACE && t->pre[i].split;
    if (t->lazy_bytes || t->ignore_merges || !t->bmp_id || cut_by_pretok ||
        !tk_strmap_get(&t->vocab, META, 3, &meta)) {
        free(t->meta_keep);
        t->meta_keep = NULL;
    }
    return 0;
}

/* Runs the model on a piece, cut before "X▁" where tk_meta_split_init
 * found that safe (X in the vocabulary, no merge across). */
static int model_piece(ts_tokenizer *t, const char *s, size_t n, ts_tok_ids *out)
{
    if (!t->meta_keep)
        return tk_bpe(t, s, n, out);
    size_t start = 0, i = 0;
    while (i < n) {
        size_t j = i;
        uint32_t x = tk_utf8_next(s, n, &j);
        if (j + 3 <= n && !memcmp(s + j, META, 3) && x < 0x10000 && !t->meta_keep[x] && t->bmp_id[x] >= 0) {
            int rc = tk_bpe(t, s + start, j - start, out);
            if (rc)
                return rc;
            start = j;
        }
        i = j;
    }
    return tk_bpe(t, s + start, n - start, out);
}

/* Normalized text without added tokens: pre-tokenize and run the model. */
static int encode_plain(ts_tokenizer *t, const char *s, size_t n, bool first, ts_tok_ids *out)
{
    int which;
    const char *b;
    int rc = tk_pretokenize(t, s, n, first, &which, &b);
    for (size_t i = 0; !rc && i < t->nspans[which]; i++)
        rc = model_piece(t, b + t->spans[which][i].off, t->spans[which][i].len, out);
    return rc;
}

/* A stretch of raw text between raw added tokens. */
static int encode_segment(ts_tokenizer *t, const char *s, size_t n, bool first, ts_tok_ids *out)
{
    if (!n)
        return 0;
    int rc = tk_normalize(t, s, n, &t->nbuf);
    if (rc)
        return rc;
    const char *ns = t->nbuf.data ? t->nbuf.data : "";
    size_t nn = t->nbuf.len, pos = 0, ms, me, idx;
    while (tk_added_find(t, &t->trie_norm, ns, nn, pos, &ms, &me, &idx)) {
        if (ms > pos && (rc = encode_plain(t, ns + pos, ms - pos, first && pos == 0, out)))
            return rc;
        if (tk_ids_push(out, t->added[idx].id))
            return TS_ENOMEM;
        pos = me;
    }
    return pos < nn ? encode_plain(t, ns + pos, nn - pos, first && pos == 0, out) : 0;
}

int ts_tokenizer_encode(ts_tokenizer *t, const char *s, size_t n, ts_tok_ids *out)
{
    if (tk_utf8_valid(s, n) != n)
        return TS_EUTF8;
    if (n > UINT32_MAX / 8)
        return TS_ETOOBIG;
    size_t pos = 0, ms, me, idx;
    int rc;
    while (tk_added_find(t, &t->trie_raw, s, n, pos, &ms, &me, &idx)) {
        if (ms > pos && (rc = encode_segment(t, s + pos, ms - pos, pos == 0, out)))
            return rc;
        if (tk_ids_push(out, t->added[idx].id))
            return TS_ENOMEM;
        pos = me;
    }
    return pos < n ? encode_segment(t, s + pos, n - pos, pos == 0, out) : 0;
}

int64_t ts_tokenizer_count(ts_tokenizer *t, const char *s, size_t n)
{
    t->count_ids.len = 0;
    int rc = ts_tokenizer_encode(t, s, n, &t->count_ids);
    return rc ? rc : (int64_t)t->count_ids.len;
}
