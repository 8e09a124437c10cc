/* gen augment's output records: the rewrite as a prompt-only (or, with
 * --respond, SFT) record, or the translated record in its own shape; both
 * keep the original's meta and link to it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gen_aug.h"

ts_json *aug_content(ts_json *m)
{
    ts_json *c = (ts_json *)ts_json_get(m, "content");
    return ts_json_is(c, TS_JSON_STRING) ? c : NULL;
}

/* "augment_deepen" -> "deepen": the mode's name in ids and meta. */
static const char *short_name(const char *variant)
{
    return strncmp(variant, "augment_", 8) ? variant : variant + 8;
}

static void link_meta(aug_run *x, aug_item *it, ts_jb *b)
{
    const ts_json *id = ts_json_get(it->rec, "id");
    const ts_json *meta = ts_json_get(it->rec, "meta");
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    for (uint32_t i = 0; ts_json_is(meta, TS_JSON_OBJECT) && i < meta->len; i++) {
        const ts_json *k = &meta->u.items[2 * i];
        static const char *const ours[] = {"augmented_from", "augment", "rouge_l", "translated_to"};
        bool skip = false;
        for (int j = 0; j < 4; j++)
            skip |= ts_json_str_eq(k, ours[j]);
        if (skip)
            continue; /* an augmented record augmented again links to its own parent */
        char *key = ts_arena_alloc(&it->a, k->len + 1);
        if (!key)
            continue;
        memcpy(key, k->u.s, k->len);
        key[k->len] = 0;
        ts_jb_key(b, key);
        ts_jb_value(b, &meta->u.items[2 * i + 1]);
    }
    ts_jb_key(b, "augmented_from");
    if (ts_json_is(id, TS_JSON_STRING))
        ts_jb_value(b, id);
    else
        ts_jb_int(b, (int64_t)it->pos);
    ts_jb_key(b, "augment");
    ts_jb_cstr(b, short_name(it->variant));
    if (x->mode == TS_AUG_TRANSLATE) {
        ts_jb_key(b, "translated_to");
        ts_jb_cstr(b, x->language);
    }
    ts_jb_key(b, "rouge_l");
    ts_jb_double(b, floor(it->rouge * 1e4 + 0.5) / 1e4);
    ts_jb_end(b);
}

int aug_emit_rewrite(aug_run *x, aug_item *it)
{
    cli_run *r = x->r;
    const ts_json *id = ts_json_get(it->rec, "id"), *src = ts_json_get(it->rec, "source");
    char idbuf[600];
    if (ts_json_is(id, TS_JSON_STRING))
        snprintf(idbuf, sizeof idbuf, "%.*s/%s", (int)(id->len > 500 ? 500 : id->len), id->u.s, short_name(it->variant));
    else
        snprintf(idbuf, sizeof idbuf, "augment/%llu/%s", (unsigned long long)it->pos, short_name(it->variant));
    ts_jb b;
    ts_jb_init(&b, &it->a);
    ts_jb_object(&b);
    ts_jb_key(&b, x->respond ? "messages" : "prompt");
    ts_jb_array(&b);
    if (it->user)
        ts_jb_value(&b, &it->msgs->u.items[0]);
    ts_record_message(&b, "user", it->rep[0].text, it->rep[0].len);
    if (x->respond)
        ts_record_message(&b, "assistant", it->rep[1].text, it->rep[1].len);
    ts_jb_end(&b);
    ts_jb_key(&b, "id");
    ts_jb_cstr(&b, idbuf);
    ts_jb_key(&b, "source");
    if (ts_json_is(src, TS_JSON_STRING))
        ts_jb_value(&b, src);
    else
        ts_jb_cstr(&b, "augment");
    link_meta(x, it, &b);
    ts_jb_end(&b);
    ts_json *rec;
    int rc = ts_jb_finish(&b, &rec);
    rc = rc ? run_fail(r, EXIT_IO, "out of memory") : run_emit(r, rec);
    ts_jb_release(&b);
    return rc;
}

/* Translations replace the contents in the record's own copy. */
int aug_emit_translate(aug_run *x, aug_item *it)
{
    cli_run *r = x->r;
    double max = 0;
    for (size_t i = 0; i < it->nturns; i++) {
        ts_json *c = aug_content(it->turns[i]);
        const genkit_reply *g = &it->rep[i];
        const char *s = g->text;
        size_t n = g->len;
        ts_aug_clean(&s, &n);
        if (!n) {
            run_drop(r, "aug_empty");
            return 0;
        }
        double f = ts_rouge_l(s, n, c->u.s, c->len);
        if (f > max)
            max = f;
        c->u.s = s;
        c->len = (uint32_t)n;
        c->flags = 0;
    }
    it->rouge = max;
    if (max > x->max_rouge) {
        run_drop(r, "aug_too_similar");
        return 0;
    }
    const ts_json *id = ts_json_get(it->rec, "id");
    char idbuf[600];
    if (ts_json_is(id, TS_JSON_STRING))
        snprintf(idbuf, sizeof idbuf, "%.*s/%s", (int)(id->len > 500 ? 500 : id->len), id->u.s, short_name(it->variant));
    else
        snprintf(idbuf, sizeof idbuf, "augment/%llu/%s", (unsigned long long)it->pos, short_name(it->variant));
    /* link_meta writes a "meta" member: build {"meta": {...}} and take it. */
    ts_jb b;
    ts_jb_init(&b, &it->a);
    ts_jb_object(&b);
    link_meta(x, it, &b);
    ts_jb_end(&b);
    ts_json *wrap = NULL, idv = {.type = TS_JSON_STRING, .len = (uint32_t)strlen(idbuf), .u.s = idbuf};
    int rc = ts_jb_finish(&b, &wrap);
    ts_jb_release(&b);
    if (!rc)
        rc = ts_json_set(&it->a, it->rec, "id", &idv);
    if (!rc)
        rc = ts_json_set(&it->a, it->rec, "meta", ts_json_get(wrap, "meta"));
    return rc ? run_fail(r, EXIT_IO, "out of memory") : run_emit(r, it->rec);
}
