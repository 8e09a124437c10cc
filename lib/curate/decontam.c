/* The decontamination checker: an open-addressing set of benchmark n-gram
 * hashes (each naming the first item that had it), looked up n-gram by
 * n-gram for each turn of a record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_decontam.h"
#include "tuneset/error.h"

typedef struct item {
    uint32_t file;   /* index into files */
    uint64_t line;
    size_t id_off;   /* into ids; id_len 0 = none */
    size_t id_len;
} item;

typedef struct slot {
    uint64_t key; /* 0 = empty (hash 0 is stored as 1) */
    uint32_t item;
} slot;

struct ts_decontam {
    ts_decontam_opts o;
    char **fields;
    slot *slots;
    size_t cap, count;
    item *items;
    size_t nitems, capitems;
    char **files;
    size_t nfiles;
    ts_buf ids;
    /* Word counts below ngram that some item had (its one n-gram). */
    bool *short_len;
    ts_decontam_words bw, rw; /* benchmark and record words */
};

void ts_decontam_opts_default(ts_decontam_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ngram = 13;
    o->check = TS_DECONTAM_CHECK_ALL;
}

int ts_decontam_new(ts_decontam **out, const ts_decontam_opts *o)
{
    *out = NULL;
    if (o->ngram == 0 || o->ngram > 1000)
        return TS_EINVAL;
    ts_decontam *d = calloc(1, sizeof *d);
    if (!d)
        return TS_ENOMEM;
    d->o = *o;
    d->o.bench_fields = NULL;
    ts_buf_init(&d->ids, 0);
    ts_decontam_words_init(&d->bw);
    ts_decontam_words_init(&d->rw);
    d->short_len = calloc(o->ngram, sizeof *d->short_len);
    d->cap = 1024;
    d->slots = calloc(d->cap, sizeof *d->slots);
    if (o->nbench_fields)
        d->fields = calloc(o->nbench_fields, sizeof *d->fields);
    if (!d->short_len || !d->slots || (o->nbench_fields && !d->fields)) {
        ts_decontam_free(d);
        return TS_ENOMEM;
    }
    for (size_t i = 0; i < o->nbench_fields; i++)
        if (!(d->fields[i] = strdup(o->bench_fields[i]))) {
            d->o.nbench_fields = i;
            ts_decontam_free(d);
            return TS_ENOMEM;
        }
    *out = d;
    return 0;
}

void ts_decontam_free(ts_decontam *d)
{
    if (!d)
        return;
    for (size_t i = 0; d->fields && i < d->o.nbench_fields; i++)
        free(d->fields[i]);
    free(d->fields);
    for (size_t i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->files);
    free(d->slots);
    free(d->items);
    free(d->short_len);
    ts_buf_release(&d->ids);
    ts_decontam_words_release(&d->bw);
    ts_decontam_words_release(&d->rw);
    free(d);
}

size_t ts_decontam_item_count(const ts_decontam *d) { return d->nitems; }
size_t ts_decontam_ngram_count(const ts_decontam *d) { return d->count; }

static inline size_t slot_of(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

static int grow(ts_decontam *d)
{
    size_t cap = d->cap * 2;
    slot *s = calloc(cap, sizeof *s);
    if (!s)
        return TS_ENOMEM;
    for (size_t i = 0; i < d->cap; i++) {
        if (!d->slots[i].key)
            continue;
        size_t j = slot_of(d->slots[i].key, cap);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = d->slots[i];
    }
    free(d->slots);
    d->slots = s;
    d->cap = cap;
    return 0;
}

/* Keeps the first item that had an n-gram. */
static int set_add(ts_decontam *d, uint64_t key, uint32_t it)
{
    if ((d->count + 1) * 4 > d->cap * 3 && grow(d))
        return TS_ENOMEM;
    key += !key;
    size_t j = slot_of(key, d->cap);
    while (d->slots[j].key) {
        if (d->slots[j].key == key)
            return 0;
        j = (j + 1) & (d->cap - 1);
    }
    d->slots[j].key = key;
    d->slots[j].item = it;
    d->count++;
    return 0;
}

static const slot *set_find(const ts_decontam *d, uint64_t key)
{
    key += !key;
    size_t j = slot_of(key, d->cap);
    while (d->slots[j].key) {
        if (d->slots[j].key == key)
            return &d->slots[j];
        j = (j + 1) & (d->cap - 1);
    }
    return NULL;
}

static int add_strings(ts_decontam_words *w, const ts_json *v, const ts_json *skip)
{
    if (!v || v == skip)
        return 0;
    if (v->type == TS_JSON_STRING)
        return ts_decontam_words_add(w, v->u.s, v->len);
    if (v->type == TS_JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++) {
            int rc = add_strings(w, &v->u.items[i], skip);
            if (rc)
                return rc;
        }
    } else if (v->type == TS_JSON_OBJECT) {
        for (size_t i = 0; i < v->len; i++) {
            int rc = add_strings(w, &v->u.items[2 * i + 1], skip);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static const ts_json *id_of(const ts_json *row)
{
    static const char *const keys[] = {"id", "task_id", "question_id", "problem_id"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const ts_json *v = ts_json_get(row, keys[i]);
        if (ts_json_is(v, TS_JSON_STRING) || ts_json_is(v, TS_JSON_NUMBER))
            return v;
    }
    return NULL;
}

static int file_index(ts_decontam *d, const char *file, uint32_t *out)
{
    if (d->nfiles && !strcmp(d->files[d->nfiles - 1], file)) {
        *out = (uint32_t)(d->nfiles - 1);
        return 0;
    }
    char **f = realloc(d->files, (d->nfiles + 1) * sizeof *f);
    if (!f)
        return TS_ENOMEM;
    d->files = f;
    if (!(f[d->nfiles] = strdup(file)))
        return TS_ENOMEM;
    *out = (uint32_t)d->nfiles++;
    return 0;
}

int ts_decontam_add_item(ts_decontam *d, const ts_json *row, const char *file, uint64_t line)
{
    ts_decontam_words *w = &d->bw;
    ts_decontam_words_reset(w);
    const ts_json *id = id_of(row);
    int rc = 0;
    if (d->fields) {
        for (size_t i = 0; i < d->o.nbench_fields && !rc; i++)
            rc = add_strings(w, ts_json_get(row, d->fields[i]), NULL);
    } else {
        rc = add_strings(w, row, id);
    }
    if (rc || w->n == 0)
        return rc;
    if (d->nitems == d->capitems) {
        size_t cap = d->capitems ? d->capitems * 2 : 256;
        item *it = realloc(d->items, cap * sizeof *it);
        if (!it)
            return TS_ENOMEM;
        d->items = it;
        d->capitems = cap;
    }
    item *it = &d->items[d->nitems];
    memset(it, 0, sizeof *it);
    it->line = line;
    if ((rc = file_index(d, file, &it->file)))
        return rc;
    if (id) {
        it->id_off = d->ids.len;
        if (ts_json_write(&d->ids, id))
            return TS_ENOMEM;
        it->id_len = d->ids.len - it->id_off;
    }
    uint32_t idx = (uint32_t)d->nitems++;
    size_t n = d->o.ngram;
    if (w->n < n) {
        d->short_len[w->n] = true;
        return set_add(d, ts_decontam_ngram_hash(w, 0, w->n), idx);
    }
    ts_decontam_roll r;
    ts_decontam_roll_init(&r, w, n);
    uint64_t h;
    while (ts_decontam_roll_next(&r, &h))
        if ((rc = set_add(d, h, idx)))
            return rc;
    return 0;
}

int ts_decontam_load(ts_decontam *d, const char *path, const ts_stream_opts *so, ts_err *err)
{
    ts_stream *s;
    int rc = ts_stream_open(&s, path, so, err);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row;
    while (!(rc = ts_stream_next(s, &a, &row, err))) {
        if ((rc = ts_decontam_add_item(d, row, path, ts_stream_line(s)))) {
            ts_err_set(err, rc, "%s", ts_strerror(rc));
            break;
        }
        ts_arena_reset(&a);
    }
    ts_arena_release(&a);
    ts_stream_close(s);
    return rc == TS_EEOF ? 0 : rc;
}

static void fill(const ts_decontam *d, const slot *s, size_t i, size_t k, const char *field,
                 ts_decontam_match *m)
{
    const item *it = &d->items[s->item];
    const ts_decontam_words *w = &d->rw;
    m->file = d->files[it->file];
    m->line = it->line;
    m->bench_id = it->id_len ? d->ids.data + it->id_off : NULL;
    m->bench_id_len = it->id_len;
    m->field = field;
    m->ngram = w->norm.data + w->start[i];
    m->ngram_len = w->end[i + k - 1] - w->start[i];
}

int ts_decontam_check_text(ts_decontam *d, const char *str, size_t len, const char *field, ts_decontam_match *m)
{
    ts_decontam_words *w = &d->rw;
    ts_decontam_words_reset(w);
    if (ts_decontam_words_add(w, str, len))
        return TS_ENOMEM;
    /* the n-grams, then each length of a short item */
    for (size_t k = d->o.ngram; k >= 1; k--) {
        if (k > w->n || (k < d->o.ngram && !d->short_len[k]))
            continue;
        ts_decontam_roll r;
        ts_decontam_roll_init(&r, w, k);
        uint64_t h;
        while (ts_decontam_roll_next(&r, &h)) {
            const slot *s = set_find(d, h);
            if (s) {
                fill(d, s, r.i - 1, k, field, m);
                return 1;
            }
        }
    }
    return 0;
}

static int check_value(ts_decontam *d, const ts_json *v, const char *field, ts_decontam_match *m)
{
    return ts_json_is(v, TS_JSON_STRING) ? ts_decontam_check_text(d, v->u.s, v->len, field, m) : 0;
}

/* Turns of a message list (or a plain string), the assistant ones or the others. */
static int check_turns(ts_decontam *d, const ts_json *msgs, int want_assistant, const char *field,
                       ts_decontam_match *m)
{
    if (ts_json_is(msgs, TS_JSON_STRING))
        return check_value(d, msgs, field, m);
    if (!ts_json_is(msgs, TS_JSON_ARRAY))
        return 0;
    for (size_t i = 0; i < msgs->len; i++) {
        const ts_json *t = &msgs->u.items[i];
        bool asst = ts_json_str_eq(ts_json_get(t, "role"), "assistant");
        if (want_assistant >= 0 && asst != (want_assistant == 1))
            continue;
        int rc = check_value(d, ts_json_get(t, "content"), field, m);
        if (rc)
            return rc;
    }
    return 0;
}

int ts_decontam_check_record(ts_decontam *d, const ts_json *rec, ts_decontam_match *m)
{
    bool prompt = d->o.check != TS_DECONTAM_CHECK_RESPONSE;
    bool response = d->o.check != TS_DECONTAM_CHECK_PROMPT;
    const ts_json *msgs = ts_json_get(rec, "messages");
    int rc = 0;
    if (msgs) {
        if (prompt)
            rc = check_turns(d, msgs, 0, "prompt", m);
        if (!rc && response)
            rc = check_turns(d, msgs, 1, "response", m);
        return rc;
    }
    const ts_json *p = ts_json_get(rec, "prompt");
    if (p) {
        if (prompt)
            rc = check_turns(d, p, -1, "prompt", m);
        if (!rc && response)
            rc = check_turns(d, ts_json_get(rec, "chosen"), -1, "response", m);
        if (!rc && response)
            rc = check_turns(d, ts_json_get(rec, "rejected"), -1, "response", m);
        return rc;
    }
    return check_value(d, ts_json_get(rec, "text"), "text", m);
}
