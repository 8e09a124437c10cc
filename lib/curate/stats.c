/* Collecting dataset statistics: see include/tuneset/curate_stats.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_stats.h"
#include "tuneset/error.h"
#include "tuneset/hash.h"
#include "tuneset/tokenizer.h"

void ts_cstats_init(ts_cstats *s)
{
    memset(s, 0, sizeof *s);
    ts_arena_init(&s->source.keys);
    ts_arena_init(&s->lang.keys);
    ts_arena_init(&s->category.keys);
    ts_buf_init(&s->text, 0);
}

static int map_grow(ts_cstats_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ts_cstats_count *t = calloc(cap, sizeof *t);
    if (!t)
        return TS_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].hash)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (t[j].hash)
            j = (j + 1) & (cap - 1);
        t[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = t;
    m->cap = cap;
    return 0;
}

static int map_add(ts_cstats_map *m, const char *k, size_t n)
{
    if ((m->count + 1) * 2 > m->cap && map_grow(m))
        return TS_ENOMEM;
    uint64_t h = ts_hash64(k, n, 0) | 1;
    size_t j = h & (m->cap - 1);
    while (m->slots[j].hash) {
        ts_cstats_count *c = &m->slots[j];
        if (c->hash == h && c->klen == n && !memcmp(c->key, k, n)) {
            c->n++;
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    ts_cstats_count *c = &m->slots[j];
    c->key = n ? ts_arena_dup(&m->keys, k, n) : "";
    if (!c->key)
        return TS_ENOMEM;
    c->hash = h;
    c->klen = n;
    c->n = 1;
    m->count++;
    return 0;
}

/* Strings count by value; anything else (missing, null, numbers) as "(none)". */
static int count_value(ts_cstats_map *m, const ts_json *v)
{
    if (ts_json_is(v, TS_JSON_STRING))
        return map_add(m, v->u.s, v->len);
    return map_add(m, "(none)", 6);
}

static int push(ts_cstats_vec *v, double x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 256;
        double *p = realloc(v->v, cap * sizeof *p);
        if (!p)
            return TS_ENOMEM;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = x;
    return 0;
}

static uint64_t code_points(const char *p, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

/* Tokens of one string, added to the record's count and pushed to v. */
static int count_tokens(ts_cstats *s, const ts_json *str, ts_cstats_vec *v)
{
    int64_t n = ts_tokenizer_count(s->tok, str->u.s, str->len);
    if (n < 0)
        return (int)n;
    s->tok_acc += (uint64_t)n;
    return v ? push(v, (double)n) : 0;
}

/* Adds one conversation section to the record's text and counts its turns'
 * characters. The role goes into the hashed text and a NUL ends every
 * field, so "ab"+"c" and "a"+"bc" differ. */
static int section(ts_cstats *s, const ts_json *arr, char tag, uint64_t *chars)
{
    int rc = ts_buf_putc(&s->text, tag);
    if (!ts_json_is(arr, TS_JSON_ARRAY))
        return rc;
    for (uint32_t i = 0; i < arr->len && !rc; i++) {
        const ts_json *m = &arr->u.items[i];
        const ts_json *role = ts_json_get(m, "role"), *content = ts_json_get(m, "content");
        if (ts_json_is(role, TS_JSON_STRING))
            rc = ts_buf_append(&s->text, role->u.s, role->len);
        if (!rc)
            rc = ts_buf_putc(&s->text, 0);
        if (!ts_json_is(content, TS_JSON_STRING))
            continue;
        if (!rc)
            rc = ts_buf_append(&s->text, content->u.s, content->len);
        if (!rc)
            rc = ts_buf_putc(&s->text, 0);
        uint64_t c = code_points(content->u.s, content->len);
        *chars += c;
        if (!rc)
            rc = push(&s->turn_chars, (double)c);
        if (!rc && s->tok)
            rc = count_tokens(s, content, &s->turn_tokens);
    }
    return rc;
}

static size_t arr_len(const ts_json *v) { return ts_json_is(v, TS_JSON_ARRAY) ? v->len : 0; }

static int seen_grow(ts_cstats *s)
{
    size_t cap = s->seen_cap ? s->seen_cap * 2 : 1024;
    uint64_t *t = calloc(cap, sizeof *t);
    if (!t)
        return TS_ENOMEM;
    for (size_t i = 0; i < s->seen_cap; i++) {
        if (!s->seen[i])
            continue;
        size_t j = s->seen[i] & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = s->seen[i];
    }
    free(s->seen);
    s->seen = t;
    s->seen_cap = cap;
    return 0;
}

/* Returns 1 when h was new, 0 when seen before, or TS_ENOMEM. */
static int seen_add(ts_cstats *s, uint64_t h)
{
    if ((s->seen_n + 1) * 2 > s->seen_cap && seen_grow(s))
        return TS_ENOMEM;
    h |= 1;
    size_t j = h & (s->seen_cap - 1);
    while (s->seen[j]) {
        if (s->seen[j] == h)
            return 0;
        j = (j + 1) & (s->seen_cap - 1);
    }
    s->seen[j] = h;
    s->seen_n++;
    return 1;
}

static int text_stats(ts_cstats *s, const ts_json *rec, ts_rec_kind k)
{
    uint64_t chars = 0;
    int rc = 0;
    s->text.len = 0;
    s->tok_acc = 0;
    if (k == TS_REC_SFT) {
        const ts_json *m = ts_json_get(rec, "messages");
        rc = section(s, m, 'm', &chars);
        if (!rc)
            rc = push(&s->turns, (double)arr_len(m));
    } else if (k == TS_REC_PREF || k == TS_REC_PROMPT) {
        const ts_json *p = ts_json_get(rec, "prompt"), *c = ts_json_get(rec, "chosen");
        rc = section(s, p, 'p', &chars);
        if (!rc && k == TS_REC_PREF)
            rc = section(s, c, 'c', &chars);
        if (!rc && k == TS_REC_PREF)
            rc = section(s, ts_json_get(rec, "rejected"), 'r', &chars);
        if (!rc)
            rc = push(&s->turns, (double)(arr_len(p) + (k == TS_REC_PREF ? arr_len(c) : 0)));
    } else {
        const ts_json *t = ts_json_get(rec, "text");
        rc = ts_buf_putc(&s->text, 't');
        if (!rc && ts_json_is(t, TS_JSON_STRING)) {
            rc = ts_buf_append(&s->text, t->u.s, t->len);
            chars = code_points(t->u.s, t->len);
            if (!rc && s->tok)
                rc = count_tokens(s, t, NULL);
        }
    }
    if (!rc)
        rc = push(&s->rec_chars, (double)chars);
    if (!rc && s->tok)
        rc = push(&s->rec_tokens, (double)s->tok_acc);
    if (!rc) {
        rc = seen_add(s, ts_hash64(s->text.data, s->text.len, 0x44555053ull));
        if (rc == 0)
            s->duplicates++;
        rc = rc < 0 ? rc : 0;
    }
    return rc;
}

int ts_cstats_add(ts_cstats *s, const ts_json *rec)
{
    ts_rec_kind k = ts_record_kind(rec);
    s->records++;
    s->kind[k <= TS_REC_TEXT ? k : TS_REC_UNKNOWN]++;
    const ts_json *meta = ts_json_get(rec, "meta");
    int rc = count_value(&s->source, ts_json_get(rec, "source"));
    if (!rc)
        rc = count_value(&s->lang, ts_json_get(meta, "lang"));
    if (!rc)
        rc = count_value(&s->category, ts_json_get(meta, "category"));
    if (!rc && k != TS_REC_UNKNOWN)
        rc = text_stats(s, rec, k);
    double c, r;
    if (!rc && k == TS_REC_PREF && !ts_json_double(ts_json_get(rec, "score_chosen"), &c) &&
        !ts_json_double(ts_json_get(rec, "score_rejected"), &r) && isfinite(c - r))
        rc = push(&s->gap, c - r);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double rank(const ts_cstats_vec *v, double p)
{
    size_t i = (size_t)ceil(p * (double)v->n);
    return v->v[i ? i - 1 : 0];
}

void ts_cstats_summarize(ts_cstats_vec *v, ts_cstats_dist *d)
{
    memset(d, 0, sizeof *d);
    if (!v->n)
        return;
    qsort(v->v, v->n, sizeof *v->v, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < v->n; i++)
        sum += v->v[i];
    d->count = v->n;
    d->min = v->v[0];
    d->max = v->v[v->n - 1];
    d->mean = sum / (double)v->n;
    d->p50 = rank(v, 0.50);
    d->p90 = rank(v, 0.90);
    d->p99 = rank(v, 0.99);
}

static int cmp_count(const void *a, const void *b)
{
    const ts_cstats_count *x = *(const ts_cstats_count *const *)a, *y = *(const ts_cstats_count *const *)b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

const ts_cstats_count **ts_cstats_sorted(const ts_cstats_map *m)
{
    if (!m->count)
        return NULL;
    const ts_cstats_count **v = malloc(m->count * sizeof *v);
    if (!v)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].hash)
            v[n++] = &m->slots[i];
    qsort(v, n, sizeof *v, cmp_count);
    return v;
}

static void map_release(ts_cstats_map *m)
{
    free(m->slots);
    ts_arena_release(&m->keys);
    memset(m, 0, sizeof *m);
}

void ts_cstats_release(ts_cstats *s)
{
    map_release(&s->source);
    map_release(&s->lang);
    map_release(&s->category);
    free(s->turns.v);
    free(s->rec_chars.v);
    free(s->turn_chars.v);
    free(s->gap.v);
    free(s->rec_tokens.v);
    free(s->turn_tokens.v);
    free(s->seen);
    ts_buf_release(&s->text);
    memset(s, 0, sizeof *s);
}
