/* The BPE model: a piece's characters become vocabulary ids (with byte
 * fallback or unk), then the lowest-ranked adjacent pair is merged until
 * none is left. The order of merges follows Hugging Face's Word::merge_all
 * exactly (min rank, then leftmost; stale queue entries checked by the
 * merged id), because ties and stale entries decide the ids. */
#include <stdlib.h>
#include <string.h>

#include "tok_int.h"

typedef struct {
    uint32_t id;
    int32_t prev, next;
    uint32_t len; /* 0 = merged away */
} sym;

typedef struct {
    uint32_t rank, pos, newid;
} qent;

int tk_ids_push(ts_tok_ids *v, uint32_t id)
{
    if (v->len == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 64;
        uint32_t *p = realloc(v->ids, nc * sizeof *p);
        if (!p)
            return TS_ENOMEM;
        v->ids = p;
        v->cap = nc;
    }
    v->ids[v->len++] = id;
    return 0;
}

void ts_tok_ids_release(ts_tok_ids *v)
{
    free(v->ids);
    v->ids = NULL;
    v->len = v->cap = 0;
}

static inline bool qless(const qent *a, const qent *b)
{
    return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static void qpush(qent *h, size_t *n, qent e)
{
    size_t i = (*n)++;
    while (i) {
        size_t p = (i - 1) / 2;
        if (!qless(&e, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

static qent qpop(qent *h, size_t *n)
{
    qent top = h[0], last = h[--*n];
    size_t i = 0, m = *n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= m)
            break;
        size_t c = l + 1 < m && qless(&h[l + 1], &h[l]) ? l + 1 : l;
        if (!qless(&h[c], &last))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q)
        return TS_ENOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

/* Looks up one character (with the subword prefix / word suffix rules). */
static int char_id(ts_tokenizer *t, const char *c, size_t n, bool first, bool last, uint32_t *id)
{
    if (t->bmp_id && n <= 3) {
        size_t k = 0;
        uint32_t cp = tk_utf8_next(c, n, &k);
        if (t->bmp_id[cp] < 0)
            return 0;
        *id = (uint32_t)t->bmp_id[cp];
        return 1;
    }
    if ((first || !t->prefix) && (!last || !t->suffix))
        return tk_strmap_get(&t->vocab, c, n, id);
    char tmp[64];
    size_t k = 0;
    if (!first && t->prefix) {
        if (t->prefixlen > 24)
            return 0;
        memcpy(tmp, t->prefix, t->prefixlen);
        k = t->prefixlen;
    }
    memcpy(tmp + k, c, n);
    k += n;
    if (last && t->suffix) {
        if (t->suffixlen > 24)
            return 0;
        memcpy(tmp + k, t->suffix, t->suffixlen);
        k += t->suffixlen;
    }
    return tk_strmap_get(&t->vocab, tmp, k, id);
}

int tk_bpe(ts_tokenizer *t, const char *s, size_t n, ts_tok_ids *out)
{
    if (!n)
        return 0;
    size_t cn;
    const uint32_t *hit = tk_cache_get(&t->cache, s, n, &cn);
    if (hit) {
        for (size_t i = 0; i < cn; i++)
            if (tk_ids_push(out, hit[i]))
                return TS_ENOMEM;
        return 0;
    }
    /* The piece as the vocabulary spells it. */
    const char *w = s;
    size_t wn = n;
    if (t->lazy_bytes) {
        t->mbuf.len = 0;
        if (tk_bytes_to_unicode(s, n, &t->mbuf))
            return TS_ENOMEM;
        w = t->mbuf.data;
        wn = t->mbuf.len;
    }
    size_t base = out->len;
    uint32_t id;
    if (t->ignore_merges && tk_strmap_get(&t->vocab, w, wn, &id)) {
        if (tk_ids_push(out, id))
            return TS_ENOMEM;
        goto done;
    }
    /* Initial symbols, one per character. */
    if (grow(&t->bpe_sym, &t->bpe_symcap, wn + 1, sizeof(sym)))
        return TS_ENOMEM;
    sym *sy = t->bpe_sym;
    size_t ns = 0;
    bool have_unk = false;
    uint32_t unk_len = 0;
    for (size_t i = 0; i < wn;) {
        size_t j = i;
        tk_utf8_next(w, wn, &j);
        size_t clen = j - i;
        bool found = char_id(t, w + i, clen, i == 0, j == wn, &id) == 1;
        if (found) {
            if (have_unk) {
                sy[ns++] = (sym){(uint32_t)t->unk_id, 0, 0, unk_len};
                have_unk = false;
            }
            sy[ns++] = (sym){id, 0, 0, (uint32_t)clen};
        } else {
            bool done_fb = false;
            if (t->byte_fallback) {
                /* The reference spells the bytes of the character with the
                 * prefix/suffix applied; prefixes are ASCII in practice, so
                 * the plain character bytes are what matter. */
                bool all = true;
                for (size_t k = i; k < j; k++)
                    if (t->fallback_id[(uint8_t)w[k]] < 0)
                        all = false;
                if (all) { /* one symbol per byte: never more than wn */
                    for (size_t k = i; k < j; k++)
                        sy[ns++] = (sym){(uint32_t)t->fallback_id[(uint8_t)w[k]], 0, 0, 1};
                    done_fb = true;
                }
            }
            if (!done_fb && t->unk_id >= 0) {
                if (have_unk && t->fuse_unk) {
                    unk_len += (uint32_t)clen;
                } else {
                    if (have_unk)
                        sy[ns++] = (sym){(uint32_t)t->unk_id, 0, 0, unk_len};
                    have_unk = true;
                    unk_len = (uint32_t)clen;
                }
            }
        }
        i = j;
    }
    if (have_unk)
        sy[ns++] = (sym){(uint32_t)t->unk_id, 0, 0, unk_len};
    for (size_t i = 0; i < ns; i++) {
        sy[i].prev = (int32_t)i - 1;
        sy[i].next = i + 1 < ns ? (int32_t)i + 1 : -1;
    }
    /* Merge loop: a min-heap of candidate merges keyed (rank, pos). */
    if (ns > 1) {
        if (grow(&t->bpe_heap, &t->bpe_heapcap, 2 * ns + 8, sizeof(qent)))
            return TS_ENOMEM;
        qent *h = t->bpe_heap;
        size_t hn = 0;
        uint32_t rank, nid;
        for (size_t i = 0; i + 1 < ns; i++)
            if (tk_pairmap_get(&t->merges, tk_pair(sy[i].id, sy[i + 1].id), &rank, &nid))
                qpush(h, &hn, (qent){rank, (uint32_t)i, nid});
        while (hn) {
            qent top = qpop(h, &hn);
            sym *cur = &sy[top.pos];
            if (cur->len == 0 || cur->next < 0)
                continue;
            sym *right = &sy[cur->next];
            if (!tk_pairmap_get(&t->merges, tk_pair(cur->id, right->id), NULL, &nid) || nid != top.newid)
                continue;
            cur->id = top.newid;
            cur->len += right->len;
            right->len = 0;
            cur->next = right->next;
            if (cur->next >= 0)
                sy[cur->next].prev = (int32_t)top.pos;
            /* Each merge adds at most two entries; room was made for 2n. */
            if (hn + 2 > t->bpe_heapcap) {
                if (grow(&t->bpe_heap, &t->bpe_heapcap, hn + 2, sizeof(qent)))
                    return TS_ENOMEM;
                h = t->bpe_heap;
            }
            if (cur->prev >= 0 &&
                tk_pairmap_get(&t->merges, tk_pair(sy[cur->prev].id, cur->id), &rank, &nid))
                qpush(h, &hn, (qent){rank, (uint32_t)cur->prev, nid});
            if (cur->next >= 0 &&
                tk_pairmap_get(&t->merges, tk_pair(cur->id, sy[cur->next].id), &rank, &nid))
                qpush(h, &hn, (qent){rank, top.pos, nid});
        }
    }
    for (size_t i = 0; i < ns; i++)
        if (sy[i].len && tk_ids_push(out, sy[i].id))
            return TS_ENOMEM;
done:
    if (n <= 256)
        tk_cache_put(&t->cache, s, n, out->len > base ? out->ids + base : NULL, out->len - base);
    return 0;
}
