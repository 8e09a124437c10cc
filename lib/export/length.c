/* Length control: a record over the budget is dropped, truncated, or split
 * into pieces the way FastChat's split_long_conversation does (pieces
 * start at a user turn and hold whole rounds; docs/export.md says where
 * and why this differs). New records share the input's strings. */
#include <stdio.h>
#include <string.h>

#include "export_int.h"

static size_t codepoints(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static size_t count(const ts_len_opts *o, const char *s, size_t n)
{
    return o->count ? o->count(o->ctx, s, n) : codepoints(s, n);
}

static size_t str_len(const ts_len_opts *o, const ts_json *v)
{
    return ts_json_is(v, TS_JSON_STRING) ? count(o, v->u.s, v->len) : 0;
}

static size_t msg_len(const ts_len_opts *o, const ts_json *m)
{
    return str_len(o, ts_json_get(m, "content")) + str_len(o, ts_json_get(m, "reasoning_content")) +
           o->turn_overhead;
}

static size_t msgs_len(const ts_len_opts *o, const ts_json *arr, size_t from, size_t to)
{
    size_t t = 0;
    for (size_t i = from; i < to; i++)
        t += msg_len(o, &arr->u.items[i]);
    return t;
}

static size_t arr_len(const ts_len_opts *o, const ts_json *arr)
{
    return ts_json_is(arr, TS_JSON_ARRAY) ? msgs_len(o, arr, 0, arr->len) : 0;
}

size_t ts_len_record(const ts_len_opts *o, const ts_json *rec)
{
    const ts_json *m = ts_json_get(rec, "messages");
    if (m)
        return arr_len(o, m);
    size_t c = arr_len(o, ts_json_get(rec, "chosen")), r = arr_len(o, ts_json_get(rec, "rejected"));
    return arr_len(o, ts_json_get(rec, "prompt")) + (c > r ? c : r);
}

/* --- building new records in the arena ----------------------------------- */

static ts_json *copy_node(ts_arena *a, const ts_json *v)
{
    ts_json *c = ts_arena_alloc(a, sizeof *c);
    if (c)
        *c = *v;
    return c;
}

/* A container whose item array is private, so members can be replaced. */
static ts_json *copy_shallow(ts_arena *a, const ts_json *v)
{
    ts_json *c = copy_node(a, v);
    if (!c || (v->type != TS_JSON_OBJECT && v->type != TS_JSON_ARRAY) || !v->len)
        return c;
    size_t n = v->type == TS_JSON_OBJECT ? 2 * (size_t)v->len : v->len; /* key + value nodes */
    c->u.items = ts_arena_dup(a, v->u.items, n * sizeof *v->u.items);
    return c->u.items ? c : NULL;
}

/* The messages [from, to) of arr, after `head` (the system prompt) when
 * nhead is 1. */
static ts_json *slice(ts_arena *a, const ts_json *arr, size_t nhead, size_t from, size_t to)
{
    ts_json *s = ts_arena_alloc(a, sizeof *s);
    size_t n = nhead + (to - from);
    ts_json *items = n ? ts_arena_alloc(a, n * sizeof *items) : NULL;
    if (!s || (n && !items))
        return NULL;
    for (size_t i = 0; i < nhead; i++)
        items[i] = arr->u.items[i];
    for (size_t i = from; i < to; i++)
        items[nhead + i - from] = arr->u.items[i];
    s->type = TS_JSON_ARRAY;
    s->flags = 0;
    s->len = (uint32_t)n;
    s->u.items = items;
    return s;
}

static ts_json *string_node(ts_arena *a, const char *s, size_t n)
{
    ts_json *v = ts_arena_alloc(a, sizeof *v);
    char *p = ts_arena_dup(a, s, n);
    if (!v || !p)
        return NULL;
    v->type = TS_JSON_STRING;
    v->flags = 0;
    v->len = (uint32_t)n;
    v->u.s = p;
    return v;
}

static ts_json *number_node(ts_arena *a, size_t k)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%zu", k);
    ts_json *v = string_node(a, num, (size_t)n);
    if (v)
        v->type = TS_JSON_NUMBER;
    return v;
}

/* rec with key replaced by val (rec itself is not changed). */
static ts_json *with_member(ts_arena *a, const ts_json *rec, const char *key, const ts_json *val)
{
    ts_json *c = copy_shallow(a, rec);
    if (!c || !val || ts_json_set(a, c, key, val))
        return NULL;
    return c;
}

static bool continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

/* The longest prefix of s, cut at a character boundary, that counts
 * <= limit: a binary search between boundaries lo (fits) and hi (does not),
 * so any monotone measure (a tokenizer's count) works. */
static size_t fit_prefix(const ts_len_opts *o, const char *s, size_t n, size_t limit)
{
    if (count(o, s, n) <= limit)
        return n;
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t m = lo + (hi - lo) / 2;
        while (m > lo && continuation(s[m]))
            m--;
        if (m == lo) { /* no boundary in (lo, mid]: the next one after it */
            m = lo + (hi - lo) / 2 + 1;
            while (m < hi && continuation(s[m]))
                m++;
            if (m == hi)
                break; /* lo and hi are neighbouring boundaries */
        }
        if (count(o, s, m) <= limit)
            lo = m;
        else
            hi = m;
    }
    return lo;
}

/* msg with its content cut to fit `budget` (overhead and reasoning
 * included); NULL when not even one unit of content fits. */
static ts_json *cut_message(const ts_len_opts *o, ts_arena *a, const ts_json *msg, size_t budget, bool *nomem)
{
    const ts_json *c = ts_json_get(msg, "content");
    size_t fixed = o->turn_overhead + str_len(o, ts_json_get(msg, "reasoning_content"));
    if (!ts_json_is(c, TS_JSON_STRING) || budget <= fixed)
        return NULL;
    size_t p = fit_prefix(o, c->u.s, c->len, budget - fixed);
    if (!p)
        return NULL;
    ts_json *nc = copy_node(a, c);
    ts_json *m = nc ? (nc->len = (uint32_t)p, with_member(a, msg, "content", nc)) : NULL;
    if (!m)
        *nomem = true;
    return m;
}

/* --- SFT ------------------------------------------------------------------ */

static int one(ts_len_result *res, ts_arena *a, ts_json *rec)
{
    res->pieces = ts_arena_alloc(a, sizeof *res->pieces);
    if (!res->pieces || !rec)
        return TS_ENOMEM;
    res->pieces[0] = rec;
    res->n = 1;
    return 0;
}

static int drop(ts_len_result *res, const char *rule)
{
    res->n = 0;
    res->drop_rule = rule;
    return 0;
}

static int sft_truncate(const ts_len_opts *o, const ts_json *rec, const ts_json *msgs, size_t head,
                        ts_arena *a, ts_len_result *res)
{
    size_t used = msgs_len(o, msgs, 0, head), last_reply = 0;
    const ts_json *cut = NULL;
    bool nomem = false;
    for (size_t i = head; i < msgs->len; i++) {
        const ts_json *m = &msgs->u.items[i];
        size_t l = msg_len(o, m);
        if (used + l <= o->max) {
            used += l;
            if (exp_role_of(m) == EXP_ASSISTANT)
                last_reply = i + 1;
            continue;
        }
        /* Whole turns first; a reply's text is cut only when not even the
         * first reply would be kept otherwise. */
        if (!last_reply && exp_role_of(m) == EXP_ASSISTANT && o->max > used) {
            cut = cut_message(o, a, m, o->max - used, &nomem);
            if (nomem)
                return TS_ENOMEM;
            if (cut)
                last_reply = i + 1;
        }
        break;
    }
    if (!last_reply)
        return drop(res, "length_prompt_over_max");
    ts_json *s = slice(a, msgs, 0, 0, last_reply);
    if (!s)
        return TS_ENOMEM;
    if (cut)
        s->u.items[last_reply - 1] = *cut;
    res->truncated = true;
    return one(res, a, with_member(a, rec, "messages", s));
}

/* Piece k (1-based) of n: id "<id>#<k>", meta.split_from/piece/pieces. */
static ts_json *piece(ts_arena *a, const ts_json *rec, ts_json *msgs, size_t k, size_t n)
{
    ts_json *p = with_member(a, rec, "messages", msgs);
    const ts_json *id = ts_json_get(rec, "id");
    const ts_json *meta = ts_json_get(rec, "meta");
    ts_json empty = {.type = TS_JSON_OBJECT};
    ts_json *m = copy_shallow(a, ts_json_is(meta, TS_JSON_OBJECT) ? meta : &empty);
    if (!p || !m)
        return NULL;
    if (ts_json_is(id, TS_JSON_STRING)) {
        char suffix[32];
        int sl = snprintf(suffix, sizeof suffix, "#%zu", k);
        char *buf = ts_arena_alloc(a, id->len + (size_t)sl + 1);
        if (!buf)
            return NULL;
        memcpy(buf, id->u.s, id->len);
        memcpy(buf + id->len, suffix, (size_t)sl);
        ts_json *nid = string_node(a, buf, id->len + (size_t)sl);
        if (!nid || ts_json_set(a, p, "id", nid) || ts_json_set(a, m, "split_from", id))
            return NULL;
    }
    ts_json *nk = number_node(a, k), *nn = number_node(a, n);
    if (!nk || !nn || ts_json_set(a, m, "split_piece", nk) || ts_json_set(a, m, "split_pieces", nn) ||
        ts_json_set(a, p, "meta", m))
        return NULL;
    return p;
}

enum { MAX_PIECES = 4096 };

static int sft_split(const ts_len_opts *o, const ts_json *rec, const ts_json *msgs, size_t head, ts_arena *a,
                     ts_len_result *res)
{
    /* Rounds start at each user turn; a final round without a reply is
     * left out, as FastChat leaves out an unpaired last turn. */
    size_t end = msgs->len;
    while (end > head && exp_role_of(&msgs->u.items[end - 1]) != EXP_ASSISTANT)
        end--;
    if (end == head)
        return drop(res, "length_prompt_over_max");
    size_t head_len = msgs_len(o, msgs, 0, head);
    size_t starts[MAX_PIECES + 1], np = 0, cur = head_len, nrounds = 0;
    for (size_t i = head; i < end;) {
        size_t j = i + 1;
        while (j < end && exp_role_of(&msgs->u.items[j]) != EXP_USER)
            j++;
        size_t l = msgs_len(o, msgs, i, j);
        /* Close the piece when this round would overflow it; a round that
         * alone exceeds the budget becomes a piece of its own, kept whole
         * (also when it is the last one, which FastChat loses). */
        if (nrounds == 0 || cur + l > o->max) {
            if (np == MAX_PIECES)
                return drop(res, "length_too_many_pieces");
            starts[np++] = i;
            cur = head_len;
        }
        cur += l;
        nrounds++;
        i = j;
    }
    starts[np] = end;
    if (np == 1 && end == msgs->len)
        return one(res, a, (ts_json *)rec); /* one round, over the budget: kept whole */
    res->pieces = ts_arena_alloc(a, np * sizeof *res->pieces);
    if (!res->pieces)
        return TS_ENOMEM;
    for (size_t k = 0; k < np; k++) {
        ts_json *s = slice(a, msgs, head, starts[k], starts[k + 1]);
        ts_json *p = s ? (np == 1 ? with_member(a, rec, "messages", s) : piece(a, rec, s, k + 1, np)) : NULL;
        if (!p)
            return TS_ENOMEM;
        res->pieces[k] = p;
    }
    res->n = np;
    res->split = np > 1;
    res->truncated = end < msgs->len;
    return 0;
}

/* --- preference ----------------------------------------------------------- */

/* A pair cannot be cut into pieces without changing what was compared, so
 * split and truncate both drop the oldest prompt rounds (keeping the system
 * prompt and the last user turn), then cut the replies' text. */
static int pref_truncate(const ts_len_opts *o, const ts_json *rec, ts_arena *a, ts_len_result *res)
{
    const ts_json *prompt = ts_json_get(rec, "prompt");
    const ts_json *ch = ts_json_get(rec, "chosen"), *rj = ts_json_get(rec, "rejected");
    size_t head = prompt->len && exp_role_of(&prompt->u.items[0]) == EXP_SYSTEM ? 1 : 0;
    size_t c = arr_len(o, ch), r = arr_len(o, rj), reply = c > r ? c : r;
    size_t head_len = msgs_len(o, prompt, 0, head);
    size_t from = head;
    size_t plen = msgs_len(o, prompt, head, prompt->len);
    while (head_len + plen + reply > o->max) {
        size_t j = from + 1;
        while (j < prompt->len && exp_role_of(&prompt->u.items[j]) != EXP_USER)
            j++;
        if (j >= prompt->len)
            break; /* the last user turn stays */
        plen -= msgs_len(o, prompt, from, j);
        from = j;
    }
    ts_json *out = (ts_json *)rec;
    if (from > head) {
        ts_json *s = slice(a, prompt, head, from, prompt->len);
        if (!s || !(out = with_member(a, rec, "prompt", s)))
            return TS_ENOMEM;
    }
    size_t used = head_len + plen;
    if (used + reply > o->max) {
        if (used >= o->max)
            return drop(res, "length_prompt_over_max");
        const char *side[2] = {"chosen", "rejected"};
        const ts_json *arr[2] = {ch, rj};
        for (int k = 0; k < 2; k++) {
            size_t al = arr_len(o, arr[k]);
            if (used + al <= o->max)
                continue;
            /* The last reply of the side is cut; earlier ones must fit. */
            size_t before = msgs_len(o, arr[k], 0, arr[k]->len - 1);
            bool nomem = false;
            ts_json *m = used + before < o->max
                             ? cut_message(o, a, &arr[k]->u.items[arr[k]->len - 1], o->max - used - before, &nomem)
                             : NULL;
            if (nomem)
                return TS_ENOMEM;
            if (!m)
                return drop(res, "length_prompt_over_max");
            ts_json *s = slice(a, arr[k], 0, 0, arr[k]->len);
            if (!s)
                return TS_ENOMEM;
            s->u.items[arr[k]->len - 1] = *m;
            if (!(out = with_member(a, out, side[k], s)))
                return TS_ENOMEM;
        }
    }
    res->truncated = true;
    return one(res, a, out);
}

int ts_len_apply(const ts_len_opts *o, const ts_json *rec, ts_arena *a, ts_len_result *res)
{
    memset(res, 0, sizeof *res);
    if (!o->max || ts_len_record(o, rec) <= o->max)
        return one(res, a, (ts_json *)rec);
    if (o->mode == TS_LEN_DROP)
        return drop(res, "length_over_max");
    const ts_json *msgs = ts_json_get(rec, "messages");
    if (!ts_json_is(msgs, TS_JSON_ARRAY)) {
        if (!ts_json_is(ts_json_get(rec, "prompt"), TS_JSON_ARRAY) ||
            !ts_json_is(ts_json_get(rec, "chosen"), TS_JSON_ARRAY) ||
            !ts_json_is(ts_json_get(rec, "rejected"), TS_JSON_ARRAY))
            return drop(res, "length_over_max"); /* nothing to cut safely */
        return pref_truncate(o, rec, a, res);
    }
    size_t head = msgs->len && exp_role_of(&msgs->u.items[0]) == EXP_SYSTEM ? 1 : 0;
    if (o->mode == TS_LEN_TRUNCATE)
        return sft_truncate(o, rec, msgs, head, a, res);
    return sft_split(o, rec, msgs, head, a, res);
}
