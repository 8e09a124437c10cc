/* libFuzzer target: the picking scanner against the parser and writer.
 * For any input, with both scans (AVX2, and portable): pick accepts iff
 * the parser accepts; a rejection has the parser's code, byte and words
 * and appends nothing; an acceptance appends the writer's bytes, and each
 * hit holds the value found by following its key (and item) in the tree.
 * The two scans give identical output and hits. And dedup's two readings
 * of a record's fields (lib/curate/dedup_fields.c: from the tree, and from
 * a pick of its text) give the same text, words, id and score. */
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "tuneset/curate_dedup.h"
#include "tuneset/json.h"

#include "../lib/json/pick_int.h"

static const char *const top[] = {"messages", "prompt", "chosen", "rejected", "text", "id", "meta", "a", NULL};
static const char *const inner[] = {"role", "content", "score", "b", NULL};
enum { NTOP = 8, NINNER = 4 };

static bool same(const ts_json_hit *h, const ts_json *v, const char *txt)
{
    if (!v || h->type != v->type)
        return false;
    if (v->type == TS_JSON_STRING || v->type == TS_JSON_NUMBER)
        return h->len == v->len && !memcmp(txt + h->off, v->u.s, v->len);
    return true;
}

/* The hits of the last scan, each followed into the tree; and as many
 * as the tree has first occurrences of the keys at the picked depths. */
static void check_hits(const ts_json_pick *k, const ts_json *root)
{
    size_t nh, want = 0;
    const ts_json_hit *h = ts_json_pick_hits(k, &nh);
    const char *txt = ts_json_pick_text(k);
    for (unsigned q = 0; q < NTOP; q++) {
        const ts_json *tv = ts_json_get(root, top[q]);
        const ts_json_hit *t = ts_json_pick_top(k, q);
        if (!tv != !t)
            abort();
        if (!t)
            continue;
        want++;
        if (!t->top || t->key != q || !same(t, tv, txt))
            abort();
        if (tv->type != TS_JSON_ARRAY && tv->type != TS_JSON_OBJECT)
            continue;
        if (t->len != tv->len || t->first != (size_t)(t - h) + 1 || t->end < t->first || t->end > nh)
            abort();
        for (uint32_t i = t->first; i < t->end; i++) {
            const ts_json_hit *u = &h[i];
            if (u->top || u->key >= NINNER || u->item >= tv->len || (i > t->first && u->item < u[-1].item))
                abort();
            const ts_json *iv;
            if (tv->type == TS_JSON_OBJECT) { /* the member numbered item */
                const ts_json *key = &tv->u.items[2 * u->item];
                iv = key + 1;
                if (!ts_json_str_eq(key, inner[u->key]) || ts_json_get(tv, inner[u->key]) != iv)
                    abort(); /* not that key, or not its first occurrence */
            } else {
                iv = ts_json_get(ts_json_at(tv, u->item), inner[u->key]);
            }
            if (!same(u, iv, txt))
                abort();
        }
        /* every first occurrence of an inner key is there */
        for (uint32_t m = 0; m < tv->len; m++)
            for (unsigned r = 0; r < NINNER; r++) {
                const ts_json *el = tv->type == TS_JSON_ARRAY ? ts_json_at(tv, m) : NULL;
                if (el)
                    want += ts_json_get(el, inner[r]) != NULL;
                else if (tv->type == TS_JSON_OBJECT)
                    want += ts_json_str_eq(&tv->u.items[2 * m], inner[r]) &&
                            ts_json_get(tv, inner[r]) == &tv->u.items[2 * m + 1];
            }
    }
    if (nh != want)
        abort();
}

static void check_dedup_fields(ts_json_pick *dk, const ts_json *v, const char *text, size_t size)
{
    static ts_dedup_text a, b;
    static bool init;
    if (!init) {
        ts_dedup_text_init(&a);
        ts_dedup_text_init(&b);
        init = true;
    }
    ts_buf junk;
    ts_buf_init(&junk, 0);
    if (ts_json_pick_scan(dk, text, size, &junk, NULL))
        abort();
    ts_buf_release(&junk);
    for (int f = 0; f < 3; f++) {
        if (ts_dedup_text_of(&a, v, (ts_dedup_fields)f) || ts_dedup_text_of_picked(&b, dk, (ts_dedup_fields)f))
            abort();
        /* (no memcmp on empty buffers: their pointers may be NULL) */
        if (a.norm.len != b.norm.len || (a.norm.len && memcmp(a.norm.data, b.norm.data, a.norm.len)) ||
            a.nwords != b.nwords || (a.nwords && memcmp(a.words, b.words, a.nwords * sizeof *a.words)))
            abort();
    }
    size_t n;
    const char *id = ts_dedup_picked_id(dk, &n);
    const ts_json *tid = ts_json_get(v, "id");
    bool has = ts_json_is(tid, TS_JSON_STRING);
    if (has != (id != NULL) || (has && (tid->len != n || (n && memcmp(tid->u.s, id, n)))))
        abort();
    double s1 = ts_dedup_score_of(v), s2 = ts_dedup_picked_score(dk);
    if (!(s1 == s2 || (isnan(s1) && isnan(s2))))
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static ts_json_pick *k[2];
    static ts_json_parser *ps;
    static ts_json_pick *dk;
    ts_json_opts o = {.max_depth = 64, .max_string = 1 << 16};
    if (!ps) {
        if (!(dk = ts_dedup_pick_new(&o)))
            abort();
        k[0] = ts_json_pick_new(top, inner, &o);
        k[1] = ts_json_pick_new(top, inner, &o);
        ps = ts_json_parser_new(&o);
        if (!k[0] || !k[1] || !ps)
            abort();
        k[1]->portable = true;
    }
    const char *text = (const char *)data;
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v = NULL;
    ts_err ep = TS_ERR_INIT;
    int rp = ts_json_parser_parse(ps, text, size, &a, &v, &ep);
    ts_buf w, out[2];
    ts_buf_init(&w, 0);
    if (!rp && ts_json_write(&w, v))
        abort();
    for (int s = 0; s < 2; s++) {
        ts_err e = TS_ERR_INIT;
        ts_buf_init(&out[s], 0);
        ts_buf_putc(&out[s], 'X');
        int rc = ts_json_pick_scan(k[s], text, size, &out[s], &e);
        size_t nh;
        ts_json_pick_hits(k[s], &nh);
        if (rc != rp)
            abort();
        if (rp && (e.code != ep.code || e.byte != ep.byte || strcmp(e.msg, ep.msg) || out[s].len != 1 || nh))
            abort();
        if (!rp) {
            if (out[s].len != w.len + 1 || memcmp(out[s].data + 1, w.data, w.len))
                abort();
            check_hits(k[s], v);
        }
    }
    if (!rp) {
        size_t n0, n1;
        const ts_json_hit *h0 = ts_json_pick_hits(k[0], &n0), *h1 = ts_json_pick_hits(k[1], &n1);
        if (n0 != n1 || k[0]->text.len != k[1]->text.len || memcmp(k[0]->text.data, k[1]->text.data, k[0]->text.len))
            abort();
        for (size_t i = 0; i < n0; i++) /* field by field: the padding is not set */
            if (h0[i].off != h1[i].off || h0[i].len != h1[i].len || h0[i].item != h1[i].item ||
                h0[i].first != h1[i].first || h0[i].end != h1[i].end || h0[i].key != h1[i].key ||
                h0[i].type != h1[i].type || h0[i].top != h1[i].top)
                abort();
        check_dedup_fields(dk, v, text, size);
    }
    for (int s = 0; s < 2; s++)
        ts_buf_release(&out[s]);
    ts_buf_release(&w);
    ts_arena_release(&a);
    return 0;
}
