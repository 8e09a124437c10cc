/* The fields dedup compares, read from a record two ways: from its tree
 * (records built in memory, as in a recipe) and from the values a
 * ts_json_pick found while scanning its text (the dedup command, which
 * builds no tree). The two readings must agree: tests/unit/test_dedup.c
 * and fuzz/fuzz_pick.c check that they do. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_dedup.h"

/* --- from a tree ------------------------------------------------------------ */

static int add_value(ts_dedup_text *t, const ts_json *v)
{
    return ts_json_is(v, TS_JSON_STRING) ? ts_dedup_text_add(t, v->u.s, v->len) : 0;
}

/* Turns [from, to) of a message list, or the string itself. */
static int add_tree_turns(ts_dedup_text *t, const ts_json *msgs, size_t from, size_t to)
{
    if (ts_json_is(msgs, TS_JSON_STRING))
        return add_value(t, msgs);
    if (!ts_json_is(msgs, TS_JSON_ARRAY))
        return 0;
    for (size_t i = from; i < to && i < msgs->len; i++) {
        int rc = add_value(t, ts_json_get(&msgs->u.items[i], "content"));
        if (rc)
            return rc;
    }
    return 0;
}

static int first_tree_user(ts_dedup_text *t, const ts_json *msgs)
{
    if (ts_json_is(msgs, TS_JSON_STRING))
        return add_value(t, msgs);
    if (!ts_json_is(msgs, TS_JSON_ARRAY))
        return 0;
    for (size_t i = 0; i < msgs->len; i++)
        if (ts_json_str_eq(ts_json_get(&msgs->u.items[i], "role"), "user"))
            return add_value(t, ts_json_get(&msgs->u.items[i], "content"));
    return 0;
}

int ts_dedup_text_of(ts_dedup_text *t, const ts_json *rec, ts_dedup_fields f)
{
    t->norm.len = 0;
    t->nwords = 0;
    const ts_json *msgs = ts_json_get(rec, "messages");
    const ts_json *prompt = ts_json_get(rec, "prompt");
    if (msgs) {
        if (f == TS_DEDUP_FIELDS_FIRST_USER)
            return first_tree_user(t, msgs);
        size_t to = msgs->len;
        if (f == TS_DEDUP_FIELDS_PROMPT && ts_json_is(msgs, TS_JSON_ARRAY))
            for (size_t i = msgs->len; i-- > 0;)
                if (ts_json_str_eq(ts_json_get(&msgs->u.items[i], "role"), "assistant")) {
                    to = i;
                    break;
                }
        return add_tree_turns(t, msgs, 0, to);
    }
    if (prompt) {
        if (f == TS_DEDUP_FIELDS_FIRST_USER)
            return first_tree_user(t, prompt);
        int rc = add_tree_turns(t, prompt, 0, SIZE_MAX);
        if (!rc && f == TS_DEDUP_FIELDS_ALL)
            rc = add_tree_turns(t, ts_json_get(rec, "chosen"), 0, SIZE_MAX);
        if (!rc && f == TS_DEDUP_FIELDS_ALL)
            rc = add_tree_turns(t, ts_json_get(rec, "rejected"), 0, SIZE_MAX);
        return rc;
    }
    return add_value(t, ts_json_get(rec, "text"));
}

double ts_dedup_score_of(const ts_json *rec)
{
    double s;
    if (!ts_json_double(ts_json_get(rec, "score_chosen"), &s) && isfinite(s))
        return s;
    if (!ts_json_double(ts_json_get(ts_json_get(rec, "meta"), "score"), &s) && isfinite(s))
        return s;
    return -INFINITY;
}

/* --- the fields of a record, from the values a ts_json_pick found ------- */

/* Keys read from records: the order is the index in the lists. */
enum { K_MESSAGES, K_PROMPT, K_CHOSEN, K_REJECTED, K_TEXT, K_ID, K_SCORE_CHOSEN, K_META };
enum { I_ROLE, I_CONTENT, I_SCORE };
static const char *const top_keys[] = {"messages", "prompt", "chosen", "rejected", "text",
                                       "id", "score_chosen", "meta", NULL};
static const char *const inner_keys[] = {"role", "content", "score", NULL};

ts_json_pick *ts_dedup_pick_new(const ts_json_opts *opts)
{
    return ts_json_pick_new(top_keys, inner_keys, opts);
}

typedef struct {
    const ts_json_pick *k;
    const ts_json_hit *hits;
    const char *text;
} picked;

static bool hit_is(const picked *p, const ts_json_hit *h, const char *s)
{
    size_t n = strlen(s);
    return h->type == TS_JSON_STRING && h->len == n && !memcmp(p->text + h->off, s, n);
}

static int add_hit(ts_dedup_text *t, const picked *p, const ts_json_hit *h)
{
    return h && h->type == TS_JSON_STRING ? ts_dedup_text_add(t, p->text + h->off, h->len) : 0;
}

/* The content of turns [0, to) of a message list, or the string itself. */
static int add_turns(ts_dedup_text *t, const picked *p, const ts_json_hit *msgs, uint32_t to)
{
    if (!msgs || msgs->type == TS_JSON_STRING)
        return add_hit(t, p, msgs);
    if (msgs->type != TS_JSON_ARRAY)
        return 0;
    for (uint32_t i = msgs->first; i < msgs->end; i++) {
        const ts_json_hit *h = &p->hits[i];
        int rc = h->key == I_CONTENT && h->item < to ? add_hit(t, p, h) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* The first turn whose role is "user": its content (if a string). */
static int first_user(ts_dedup_text *t, const picked *p, const ts_json_hit *msgs)
{
    if (!msgs || msgs->type != TS_JSON_ARRAY)
        return add_turns(t, p, msgs, UINT32_MAX);
    for (uint32_t i = msgs->first; i < msgs->end; i++)
        if (p->hits[i].key == I_ROLE && hit_is(p, &p->hits[i], "user")) {
            uint32_t item = p->hits[i].item;
            for (uint32_t j = msgs->first; j < msgs->end; j++)
                if (p->hits[j].key == I_CONTENT && p->hits[j].item == item)
                    return add_hit(t, p, &p->hits[j]);
            return 0;
        }
    return 0;
}

static int text_of_picked(ts_dedup_text *t, const ts_json_pick *k, ts_dedup_fields f);

int ts_dedup_text_of_picked(ts_dedup_text *t, const ts_json_pick *k, ts_dedup_fields f)
{
    t->slack = true; /* the pick's text buffer has room past every string */
    int rc = text_of_picked(t, k, f);
    t->slack = false;
    return rc;
}

static int text_of_picked(ts_dedup_text *t, const ts_json_pick *k, ts_dedup_fields f)
{
    t->norm.len = 0;
    t->nwords = 0;
    size_t n;
    picked p = {k, ts_json_pick_hits(k, &n), ts_json_pick_text(k)};
    const ts_json_hit *msgs = ts_json_pick_top(k, K_MESSAGES), *prompt = ts_json_pick_top(k, K_PROMPT);
    if (msgs) {
        if (f == TS_DEDUP_FIELDS_FIRST_USER)
            return first_user(t, &p, msgs);
        uint32_t to = UINT32_MAX;
        if (f == TS_DEDUP_FIELDS_PROMPT && msgs->type == TS_JSON_ARRAY)
            for (uint32_t i = msgs->first; i < msgs->end; i++)
                if (p.hits[i].key == I_ROLE && hit_is(&p, &p.hits[i], "assistant"))
                    to = p.hits[i].item; /* the last one wins */
        return add_turns(t, &p, msgs, to);
    }
    if (prompt) {
        if (f == TS_DEDUP_FIELDS_FIRST_USER)
            return first_user(t, &p, prompt);
        int rc = add_turns(t, &p, prompt, UINT32_MAX);
        if (!rc && f == TS_DEDUP_FIELDS_ALL)
            rc = add_turns(t, &p, ts_json_pick_top(k, K_CHOSEN), UINT32_MAX);
        if (!rc && f == TS_DEDUP_FIELDS_ALL)
            rc = add_turns(t, &p, ts_json_pick_top(k, K_REJECTED), UINT32_MAX);
        return rc;
    }
    return add_hit(t, &p, ts_json_pick_top(k, K_TEXT));
}

const char *ts_dedup_picked_id(const ts_json_pick *k, size_t *len)
{
    const ts_json_hit *h = ts_json_pick_top(k, K_ID);
    if (!h || h->type != TS_JSON_STRING) {
        *len = 0;
        return NULL;
    }
    *len = h->len;
    return ts_json_pick_text(k) + h->off;
}

/* A number's text as a double (NaN when it is not a number), by the same
 * conversion the tree reading uses. */
static double number(const ts_json_pick *k, const ts_json_hit *h)
{
    double d;
    if (!h || h->type != TS_JSON_NUMBER || h->len > UINT32_MAX)
        return NAN;
    ts_json v = {.type = TS_JSON_NUMBER, .len = (uint32_t)h->len, .u.s = ts_json_pick_text(k) + h->off};
    return ts_json_double(&v, &d) ? NAN : d;
}

double ts_dedup_picked_score(const ts_json_pick *k)
{
    double s = number(k, ts_json_pick_top(k, K_SCORE_CHOSEN));
    if (isfinite(s))
        return s;
    const ts_json_hit *meta = ts_json_pick_top(k, K_META);
    if (meta && meta->type == TS_JSON_OBJECT) {
        size_t n;
        const ts_json_hit *hits = ts_json_pick_hits(k, &n);
        for (uint32_t i = meta->first; i < meta->end; i++)
            if (hits[i].key == I_SCORE) {
                s = number(k, &hits[i]);
                return isfinite(s) ? s : -INFINITY;
            }
    }
    return -INFINITY;
}
