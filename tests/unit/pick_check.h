/* The picking scanner's test harness, shared by test_pick.c and
 * test_pick_data.c: a px holds both scans (the default one, AVX2 when the
 * CPU has it, and the portable one) and a parser with the same options;
 * check() runs all three on one text and reports any difference: accept
 * vs reject, the error's code, byte and words, the output bytes against
 * ts_json_write, the hits against the tree (hits_match), and the two
 * scans' hits against each other. It also counts the records the AVX2
 * scan did itself, so a test of the fast path cannot pass by always
 * falling back. */
#ifndef TS_TEST_PICK_CHECK_H
#define TS_TEST_PICK_CHECK_H

#include <stdlib.h>

#include "test.h"
#include "tuneset/json.h"

#include "../../lib/json/pick_int.h"

typedef struct {
    ts_json_pick *k[2]; /* [0] default scan, [1] portable */
    ts_json_parser *ps;
    const char *const *top, *const *inner;
    ts_arena a;
    ts_buf w, o;
    const ts_json *tree; /* the parsed value of the last accepted check */
    long checked, accepted, fast;
} px;

static inline bool have_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("bmi2");
#else
    return false;
#endif
}

static inline void px_init(px *x, const char *const *top, const char *const *inner, const ts_json_opts *o)
{
    memset(x, 0, sizeof *x);
    x->top = top;
    x->inner = inner;
    x->k[0] = ts_json_pick_new(top, inner, o);
    x->k[1] = ts_json_pick_new(top, inner, o);
    x->k[1]->portable = true;
    x->ps = ts_json_parser_new(o);
    ts_arena_init(&x->a);
    ts_buf_init(&x->w, 0);
    ts_buf_init(&x->o, 0);
}

static inline void px_free(px *x)
{
    ts_json_pick_free(x->k[0]);
    ts_json_pick_free(x->k[1]);
    ts_json_parser_free(x->ps);
    ts_arena_release(&x->a);
    ts_buf_release(&x->w);
    ts_buf_release(&x->o);
}

static char g_what[96]; /* the input, shortened, for failures */
#define BAD(...) (test_fail(__FILE__, __LINE__, __VA_ARGS__), false)

static inline int key_index(const char *const *list, const ts_json *key)
{
    for (int i = 0; list && list[i]; i++)
        if (strlen(list[i]) == key->len && !memcmp(list[i], key->u.s, key->len))
            return i;
    return -1;
}

static inline bool same_value(const ts_json_hit *h, const ts_json *v, const char *txt)
{
    if (h->type != v->type)
        return false;
    if (v->type == TS_JSON_STRING || v->type == TS_JSON_NUMBER)
        return h->len == v->len && !memcmp(txt + h->off, v->u.s, v->len);
    return true;
}

/* The hits, in document order, are exactly the first occurrences of the
 * listed keys at the two picked depths, with the tree's values. */
static inline bool hits_match(const ts_json_pick *k, const ts_json *v, const char *const *top, const char *const *inner)
{
    size_t nh, j = 0;
    const ts_json_hit *h = ts_json_pick_hits(k, &nh);
    const char *txt = ts_json_pick_text(k);
    for (unsigned q = 0; top && top[q]; q++) {
        const ts_json *tv = ts_json_get(v, top[q]);
        const ts_json_hit *t = ts_json_pick_top(k, q);
        if (!tv != !t || (t && (t < h || t >= h + nh)))
            return BAD("%s: top key %s: tree %p, pick %p", g_what, top[q], (void *)tv, (void *)t);
    }
    if (v->type != TS_JSON_OBJECT)
        return nh == 0 ? true : BAD("%s: %zu hits in a root that is no object", g_what, nh);
    for (uint32_t i = 0; i < v->len; i++) {
        const ts_json *key = &v->u.items[2 * i], *tv = key + 1;
        int q = key_index(top, key);
        if (q < 0 || ts_json_getn(v, key->u.s, key->len) != tv)
            continue; /* not picked, or not the first occurrence */
        if (j >= nh || !h[j].top || h[j].key != q || !same_value(&h[j], tv, txt) || ts_json_pick_top(k, (unsigned)q) != &h[j])
            return BAD("%s: top hit %zu (key %s) differs from the tree", g_what, j, top[q]);
        const ts_json_hit *t = &h[j++];
        if (tv->type != TS_JSON_ARRAY && tv->type != TS_JSON_OBJECT)
            continue;
        if (t->len != tv->len || t->first != j)
            return BAD("%s: %s: len %zu first %u, tree len %u", g_what, top[q], t->len, t->first, tv->len);
        for (uint32_t m = 0; m < tv->len; m++) {
            /* a picked object's own members; a picked array's element objects' */
            const ts_json *el = tv, *it;
            uint32_t from = m, to = m + 1;
            if (tv->type == TS_JSON_ARRAY) {
                el = &tv->u.items[m];
                if (el->type != TS_JSON_OBJECT)
                    continue;
                from = 0, to = el->len;
            }
            for (uint32_t p = from; p < to; p++) {
                key = &el->u.items[2 * p], it = key + 1;
                int r = key_index(inner, key);
                if (r < 0 || ts_json_getn(el, key->u.s, key->len) != it)
                    continue;
                if (j >= nh || h[j].top || h[j].key != r || h[j].item != m || !same_value(&h[j], it, txt))
                    return BAD("%s: inner hit %zu (%s[%u].%s) differs from the tree", g_what, j, top[q], m, inner[r]);
                j++;
            }
        }
        if (t->end != j)
            return BAD("%s: %s: end %u, expected %zu", g_what, top[q], t->end, j);
    }
    return j == nh ? true : BAD("%s: %zu hits, expected %zu", g_what, nh, j);
}

static inline bool same_hits(const ts_json_pick *a, const ts_json_pick *b)
{
    size_t na, nb;
    const ts_json_hit *ha = ts_json_pick_hits(a, &na), *hb = ts_json_pick_hits(b, &nb);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        const ts_json_hit *x = &ha[i], *y = &hb[i];
        if (x->off != y->off || x->len != y->len || x->item != y->item || x->first != y->first ||
            x->end != y->end || x->key != y->key || x->type != y->type || x->top != y->top)
            return false;
        if ((x->type == TS_JSON_STRING || x->type == TS_JSON_NUMBER) &&
            memcmp(ts_json_pick_text(a) + x->off, ts_json_pick_text(b) + y->off, x->len))
            return false;
    }
    return true;
}

/* Did the AVX2 scan do this record itself (no fallback)? */
static inline bool avx2_did(ts_json_pick *k, const char *text, size_t n, ts_buf *out)
{
    if (ts_buf_reserve(out, n + PK_ROOM) || ts_buf_reserve(&k->text, n + PK_ROOM))
        return false;
    k->nhits = 0;
    k->text.len = 0;
    memset(k->first, 0, sizeof k->first);
    return pk_scan_avx2(k, text, n, out) == 0;
}

/* Parser + writer vs both scans. Returns the parser's code; *ok false
 * (after reporting) when anything differs. x->tree is the parsed value. */
static inline int check(px *x, const char *text, size_t n, bool *ok)
{
    char *name = g_what;
    snprintf(name, sizeof g_what, "%.*s%s", n > 60 ? 60 : (int)n, text, n > 60 ? "..." : "");
    for (char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = '.'; /* one line a failure */
    *ok = true;
    x->checked++;
    ts_arena_reset(&x->a);
    ts_json *v = NULL;
    ts_err ep = TS_ERR_INIT;
    int rp = ts_json_parser_parse(x->ps, text, n, &x->a, &v, &ep);
    x->w.len = 0;
    if (!rp && ts_json_write(&x->w, v))
        return *ok = BAD("%s: write failed", name), rp;
    x->tree = rp ? NULL : v;
    /* first, as it leaves k[0] as the AVX2 scan left it */
    bool fast = avx2_did(x->k[0], text, n, &x->o);
    if (fast && rp)
        return *ok = BAD("%s: the AVX2 scan accepts what the parser rejects", name), rp;
    for (int s = 0; s < 2; s++) {
        ts_err e = TS_ERR_INIT;
        x->o.len = 0;
        ts_buf_putc(&x->o, 'X'); /* what was there stays */
        int rc = ts_json_pick_scan(x->k[s], text, n, &x->o, &e);
        size_t nh;
        ts_json_pick_hits(x->k[s], &nh);
        if (rc != rp)
            return *ok = BAD("%s [%s]: pick %d, parser %d (%s)", name, s ? "portable" : "avx2", rc, rp, ep.msg), rp;
        if (rp && (e.code != ep.code || e.byte != ep.byte || strcmp(e.msg, ep.msg) || x->o.len != 1 || nh))
            return *ok = BAD("%s [%s]: error %d@%llu '%s', parser %d@%llu '%s'", name, s ? "portable" : "avx2",
                             e.code, (unsigned long long)e.byte, e.msg, ep.code, (unsigned long long)ep.byte, ep.msg),
                   rp;
        if (!rp && (x->o.len != x->w.len + 1 || x->o.data[0] != 'X' || memcmp(x->o.data + 1, x->w.data, x->w.len)))
            return *ok = BAD("%s [%s]: output differs from the writer's", name, s ? "portable" : "avx2"), rp;
        if (!rp && !hits_match(x->k[s], v, x->top, x->inner))
            return *ok = false, rp;
    }
    if (!rp && !same_hits(x->k[0], x->k[1]))
        return *ok = BAD("%s: avx2 and portable hits differ", name), rp;
    if (!rp) {
        x->accepted++;
        x->fast += fast;
    }
    return rp;
}

static inline int check_str(px *x, const char *text)
{
    bool ok;
    int rc = check(x, text, strlen(text), &ok);
    return ok ? rc : 1000; /* a mismatch is never a code a test expects */
}

/* --- hits, one by one ------------------------------------------------------- */

/* Keys of SFT and preference records (and a key outside the BMP). */
static const char *const rec_top[] = {"messages", "prompt", "chosen", "rejected", "id", "meta", "\xf0\x9f\x98\x80", NULL};
static const char *const rec_inner[] = {"role", "content", "score", NULL};
enum { T_MESSAGES, T_PROMPT, T_CHOSEN, T_REJECTED, T_ID, T_META, T_SMILEY };
enum { I_ROLE, I_CONTENT, I_SCORE };

/* Hit i is (top, key, item, type), with decoded text s unless s is NULL
 * (item is only looked at for inner hits). */
static inline bool hit_is(const ts_json_pick *k, size_t i, bool top, int key, uint32_t item, int type, const char *s)
{
    size_t nh;
    const ts_json_hit *h = ts_json_pick_hits(k, &nh);
    if (i >= nh)
        return BAD("hit %zu of %zu", i, nh);
    h += i;
    if (h->top != top || h->key != key || (!top && h->item != item) || h->type != type)
        return BAD("hit %zu: top %d key %u item %u type %u", i, h->top, h->key, h->item, h->type);
    if (s && (h->len != strlen(s) || memcmp(ts_json_pick_text(k) + h->off, s, h->len)))
        return BAD("hit %zu: '%.*s', expected '%s'", i, (int)h->len, ts_json_pick_text(k) + h->off, s);
    return true;
}

static inline size_t nhits(const ts_json_pick *k)
{
    size_t n;
    ts_json_pick_hits(k, &n);
    return n;
}

/* Both scans of x give the hits listed (checked on both). */
#define HITS(x, ...)                                                            \
    for (int s_ = 0; s_ < 2; s_++) {                                            \
        const ts_json_pick *k = (x)->k[s_];                                     \
        __VA_ARGS__                                                             \
    }

#endif
