/* Vote-mined preference pairs (SHP): per-post state, record filters and
 * the bounded set of comments each post keeps. Pairing is in votes_pair.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/hash.h"
#include "votes_int.h"

const char *ts_votes_rule_name(ts_votes_rule r)
{
    static const char *const names[] = {
#define TS_VOTES_NAME_(name, str) str,
        TS_VOTES_RULES(TS_VOTES_NAME_)
#undef TS_VOTES_NAME_
    };
    return (unsigned)r < TS_VOTES_NRULES ? names[r] : "unknown";
}

void ts_votes_opts_default(ts_votes_opts *o)
{
    o->min_post_score = 10;
    o->min_comment_score = 2;
    o->max_comments = 50;
    o->min_ratio = 2.0;
    o->max_pairs = 5;
    o->before = 0;
    o->seed = 0;
}

ts_votes *ts_votes_new(const ts_votes_opts *opts)
{
    ts_votes *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    if (opts)
        v->o = *opts;
    else
        ts_votes_opts_default(&v->o);
    if (v->o.min_comment_score < 1)
        v->o.min_comment_score = 1;
    if (!v->o.max_comments)
        v->o.max_comments = 1;
    if (v->o.max_comments > UINT32_MAX / 2)
        v->o.max_comments = UINT32_MAX / 2;
    return v;
}

static void free_comment(vt_comment *c)
{
    free(c->id);
    free(c->author);
    free(c->body);
    memset(c, 0, sizeof *c);
}

void vt_post_release(vt_post *p)
{
    for (uint32_t i = 0; i < p->nc; i++)
        free_comment(&p->c[i]);
    free(p->c);
    p->c = NULL;
    p->nc = p->capc = 0;
    free(p->author);
    free(p->title);
    free(p->selftext);
    free(p->subreddit);
    p->author = p->title = p->selftext = p->subreddit = NULL;
}

void ts_votes_free(ts_votes *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nposts; i++) {
        vt_post_release(&v->posts[i]);
        free(v->posts[i].id);
    }
    free(v->posts);
    free(v->slots);
    free(v);
}

const ts_votes_counts *ts_votes_get_counts(const ts_votes *v) { return &v->n; }

/* --- the post table: id -> index, insertion order kept for output ------ */

static int grow_slots(ts_votes *v)
{
    size_t cap = v->cap_slots ? v->cap_slots * 2 : 1024;
    uint32_t *t = malloc(cap * sizeof *t);
    if (!t)
        return TS_ENOMEM;
    memset(t, 0xff, cap * sizeof *t);
    for (size_t i = 0; i < v->nposts; i++) {
        size_t j = ts_hash64(v->posts[i].id, v->posts[i].id_len, 0) & (cap - 1);
        while (t[j] != UINT32_MAX)
            j = (j + 1) & (cap - 1);
        t[j] = (uint32_t)i;
    }
    free(v->slots);
    v->slots = t;
    v->cap_slots = cap;
    return 0;
}

static vt_post *find_post(ts_votes *v, const char *id, size_t n)
{
    if (2 * (v->nposts + 1) > v->cap_slots && grow_slots(v))
        return NULL;
    size_t j = ts_hash64(id, n, 0) & (v->cap_slots - 1);
    for (; v->slots[j] != UINT32_MAX; j = (j + 1) & (v->cap_slots - 1)) {
        vt_post *p = &v->posts[v->slots[j]];
        if (p->id_len == n && !memcmp(p->id, id, n))
            return p;
    }
    if (v->nposts == v->cap_posts) {
        size_t cap = v->cap_posts ? v->cap_posts * 2 : 256;
        vt_post *q = realloc(v->posts, cap * sizeof *q);
        if (!q)
            return NULL;
        v->posts = q;
        v->cap_posts = cap;
    }
    vt_post *p = &v->posts[v->nposts];
    memset(p, 0, sizeof *p);
    p->id = malloc(n ? n : 1);
    if (!p->id)
        return NULL;
    memcpy(p->id, id, n);
    p->id_len = n;
    p->upvote_ratio = NAN;
    v->slots[j] = (uint32_t)v->nposts++;
    return p;
}

/* --- field readers ------------------------------------------------------ */

static const ts_json *str_field(const ts_json *o, const char *k)
{
    const ts_json *s = ts_json_get(o, k);
    return ts_json_is(s, TS_JSON_STRING) ? s : NULL;
}

static bool str_is(const ts_json *s, const char *lit)
{
    return s && s->len == strlen(lit) && !memcmp(s->u.s, lit, s->len);
}

static bool truthy(const ts_json *x)
{
    if (!x || x->type == TS_JSON_NULL || x->type == TS_JSON_FALSE)
        return false;
    if (x->type == TS_JSON_NUMBER) {
        double d = 0;
        ts_json_double(x, &d);
        return d != 0;
    }
    if (x->type == TS_JSON_STRING)
        return x->len > 0;
    return true;
}

/* Scores and times are numbers; old dumps write some as strings. */
static int int_field(const ts_json *o, const char *k, int64_t *out, bool required, ts_err *err)
{
    const ts_json *x = ts_json_get(o, k);
    if (!x || x->type == TS_JSON_NULL) {
        *out = 0;
        return required ? ts_err_set(err, TS_ESCHEMA, "missing field '%s'", k) : 0;
    }
    double d = 0;
    if (x->type == TS_JSON_NUMBER) {
        ts_json_double(x, &d);
    } else if (x->type == TS_JSON_STRING && x->len && x->len < 32) {
        char buf[32], *end;
        memcpy(buf, x->u.s, x->len);
        buf[x->len] = 0;
        d = strtod(buf, &end);
        if (*end)
            return ts_err_set(err, TS_ESCHEMA, "field '%s' must be a number", k);
    } else {
        return ts_err_set(err, TS_ESCHEMA, "field '%s' must be a number", k);
    }
    if (!(d > -9e15 && d < 9e15))
        return ts_err_set(err, TS_ESCHEMA, "field '%s' is out of range", k);
    *out = (int64_t)floor(d);
    return 0;
}

/* The id without a "t3_"/"t1_" kind prefix. */
static void strip_kind(const char **s, size_t *n)
{
    if (*n > 3 && (*s)[0] == 't' && (*s)[1] >= '1' && (*s)[1] <= '6' && (*s)[2] == '_') {
        *s += 3;
        *n -= 3;
    }
}

static char *dup_clean(const ts_json *s, size_t *len)
{
    if (!s) {
        *len = 0;
        return NULL;
    }
    char *out = malloc(s->len + 1);
    if (!out)
        return NULL;
    *len = ts_votes_clean_text(s->u.s, s->len, out);
    out[*len] = 0;
    return out;
}

static char *dup_raw(const ts_json *s, size_t *len)
{
    *len = s ? s->len : 0;
    char *out = malloc(*len + 1);
    if (out && *len)
        memcpy(out, s->u.s, *len);
    if (out)
        out[*len] = 0;
    return out;
}

static bool is_deleted_name(const ts_json *a) { return str_is(a, "[deleted]") || str_is(a, "[removed]"); }

static void drop(ts_votes *v, ts_votes_rule r, uint64_t n) { v->n.drops[r] += n; }

/* A post that fails a filter takes its held comments with it. */
static void drop_post_comments(ts_votes *v, vt_post *p)
{
    drop(v, TS_VOTES_COMMENT_POST_DROPPED, p->nc);
    for (uint32_t i = 0; i < p->nc; i++)
        free_comment(&p->c[i]);
    free(p->c);
    p->c = NULL;
    p->nc = p->capc = 0;
}

static int add_post(ts_votes *v, const ts_json *rec, ts_err *err)
{
    const ts_json *id = str_field(rec, "id");
    const char *s;
    size_t n;
    if (id && id->len) {
        s = id->u.s;
        n = id->len;
    } else if ((id = str_field(rec, "name")) && id->len) {
        s = id->u.s;
        n = id->len;
    } else {
        return ts_err_set(err, TS_ESCHEMA, "submission without 'id'");
    }
    strip_kind(&s, &n);
    int64_t score, created;
    if (int_field(rec, "score", &score, true, err) || int_field(rec, "created_utc", &created, false, err))
        return TS_ESCHEMA;
    const ts_json *title = str_field(rec, "title"), *text = str_field(rec, "selftext");
    const ts_json *author = str_field(rec, "author");
    if (!title)
        return ts_err_set(err, TS_ESCHEMA, "submission without a string 'title'");
    vt_post *p = find_post(v, s, n);
    if (!p)
        return ts_err_set(err, TS_ENOMEM, NULL);
    v->n.posts++;
    if (p->seen) {
        drop(v, TS_VOTES_POST_DUPLICATE, 1);
        return 0;
    }
    p->seen = true;
    const ts_json *is_self = ts_json_get(rec, "is_self");
    bool self = is_self ? is_self->type == TS_JSON_TRUE : (text && text->len > 0);
    ts_votes_rule why = TS_VOTES_NRULES;
    if (!self)
        why = TS_VOTES_POST_NOT_SELF;
    else if (truthy(ts_json_get(rec, "over_18")))
        why = TS_VOTES_POST_NSFW;
    else if (is_deleted_name(author) || is_deleted_name(text) || is_deleted_name(title))
        why = TS_VOTES_POST_DELETED;
    else if (truthy(ts_json_get(rec, "distinguished")))
        why = TS_VOTES_POST_MODERATOR;
    else if (truthy(ts_json_get(rec, "stickied")))
        why = TS_VOTES_POST_STICKIED;
    else if (truthy(ts_json_get(rec, "edited")))
        why = TS_VOTES_POST_EDITED;
    else if (score < v->o.min_post_score)
        why = TS_VOTES_POST_LOW_SCORE;
    else if (v->o.before && created >= v->o.before)
        why = TS_VOTES_POST_TOO_RECENT;
    if (why != TS_VOTES_NRULES) {
        drop(v, why, 1);
        p->dropped = true;
        drop_post_comments(v, p);
        return 0;
    }
    size_t len;
    p->author = dup_raw(author, &len);
    p->title = dup_clean(title, &p->title_len);
    p->selftext = dup_clean(text, &p->self_len);
    const ts_json *sub = str_field(rec, "subreddit");
    p->subreddit = dup_raw(sub, &p->sub_len);
    for (size_t i = 0; i < p->sub_len; i++)
        if (p->subreddit[i] >= 'A' && p->subreddit[i] <= 'Z')
            p->subreddit[i] = (char)(p->subreddit[i] + 32);
    if (!p->author || !p->title || (text && !p->selftext) || !p->subreddit)
        return ts_err_set(err, TS_ENOMEM, NULL);
    p->score = score;
    p->created = created;
    const ts_json *ur = ts_json_get(rec, "upvote_ratio");
    if (ts_json_is(ur, TS_JSON_NUMBER))
        ts_json_double(ur, &p->upvote_ratio);
    return 0;
}

/* The order comments are kept in: higher score first, then earlier, then
 * by id; total, so the kept set does not depend on the input order. */
int vt_comment_cmp(const vt_comment *a, const vt_comment *b)
{
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    size_t n = a->id_len < b->id_len ? a->id_len : b->id_len;
    int c = memcmp(a->id, b->id, n);
    if (c)
        return c;
    return a->id_len < b->id_len ? -1 : a->id_len > b->id_len;
}

static int hold_comment(ts_votes *v, vt_post *p, vt_comment *c)
{
    for (uint32_t i = 0; i < p->nc; i++)
        if (p->c[i].id_len == c->id_len && !memcmp(p->c[i].id, c->id, c->id_len)) {
            drop(v, TS_VOTES_COMMENT_DUPLICATE, 1);
            free_comment(c);
            return 0;
        }
    if (p->nc < v->o.max_comments && p->nc == p->capc) {
        /* Grown as comments come: most posts have a few. */
        size_t cap = p->capc ? (size_t)p->capc * 2 : 4;
        if (cap > v->o.max_comments)
            cap = v->o.max_comments;
        vt_comment *c2 = realloc(p->c, cap * sizeof *c2);
        if (!c2)
            return TS_ENOMEM;
        p->c = c2;
        p->capc = (uint32_t)cap;
    }
    if (p->nc < v->o.max_comments) {
        p->c[p->nc++] = *c;
        return 0;
    }
    /* Full: the worst of the held ones and the new one leaves. */
    uint32_t worst = 0;
    for (uint32_t i = 1; i < p->nc; i++)
        if (vt_comment_cmp(&p->c[i], &p->c[worst]) > 0)
            worst = i;
    drop(v, TS_VOTES_COMMENT_OVER_CAP, 1);
    if (vt_comment_cmp(c, &p->c[worst]) < 0) {
        free_comment(&p->c[worst]);
        p->c[worst] = *c;
    } else {
        free_comment(c);
    }
    return 0;
}

static int add_comment(ts_votes *v, const ts_json *rec, ts_err *err)
{
    const ts_json *id = str_field(rec, "id"), *parent = str_field(rec, "parent_id");
    const ts_json *link = str_field(rec, "link_id"), *body = str_field(rec, "body");
    if (!id || !id->len)
        return ts_err_set(err, TS_ESCHEMA, "comment without 'id'");
    if (!parent || parent->len < 4)
        return ts_err_set(err, TS_ESCHEMA, "comment without a 'parent_id' like t3_x or t1_x");
    if (!body)
        return ts_err_set(err, TS_ESCHEMA, "comment without a string 'body'");
    int64_t score, created;
    if (int_field(rec, "score", &score, true, err) || int_field(rec, "created_utc", &created, false, err))
        return TS_ESCHEMA;
    v->n.comments++;
    if (memcmp(parent->u.s, "t3_", 3)) {
        drop(v, TS_VOTES_COMMENT_NOT_TOP_LEVEL, 1);
        return 0;
    }
    const ts_json *author = str_field(rec, "author");
    ts_votes_rule why = TS_VOTES_NRULES;
    if (is_deleted_name(author) || is_deleted_name(body))
        why = TS_VOTES_COMMENT_DELETED;
    else if (truthy(ts_json_get(rec, "distinguished")))
        why = TS_VOTES_COMMENT_MODERATOR;
    else if (truthy(ts_json_get(rec, "stickied")))
        why = TS_VOTES_COMMENT_STICKIED;
    else if (truthy(ts_json_get(rec, "edited")))
        why = TS_VOTES_COMMENT_EDITED;
    else if (score < v->o.min_comment_score)
        why = TS_VOTES_COMMENT_LOW_SCORE;
    const char *ps = link && link->len ? link->u.s : parent->u.s;
    size_t pn = link && link->len ? link->len : parent->len;
    strip_kind(&ps, &pn);
    vt_post *p = find_post(v, ps, pn);
    if (!p)
        return ts_err_set(err, TS_ENOMEM, NULL);
    if (why == TS_VOTES_NRULES && p->dropped)
        why = TS_VOTES_COMMENT_POST_DROPPED;
    if (why != TS_VOTES_NRULES) {
        drop(v, why, 1);
        return 0;
    }
    vt_comment c = {0};
    c.id = dup_raw(id, &c.id_len);
    c.author = dup_raw(author, &c.author_len);
    c.body = dup_clean(body, &c.body_len);
    c.score = score;
    c.created = created;
    if (!c.id || !c.author || !c.body) {
        free_comment(&c);
        return ts_err_set(err, TS_ENOMEM, NULL);
    }
    if (!c.body_len) {
        free_comment(&c);
        drop(v, TS_VOTES_COMMENT_EMPTY, 1);
        return 0;
    }
    return hold_comment(v, p, &c) ? ts_err_set(err, TS_ENOMEM, NULL) : 0;
}

int ts_votes_add(ts_votes *v, const ts_json *rec, ts_err *err)
{
    if (!ts_json_is(rec, TS_JSON_OBJECT))
        return ts_err_set(err, TS_ESCHEMA, "a record must be a JSON object");
    const ts_json *name = str_field(rec, "name");
    bool post = ts_json_get(rec, "title") || (name && name->len > 3 && !memcmp(name->u.s, "t3_", 3));
    if (post)
        return add_post(v, rec, err);
    if (ts_json_get(rec, "parent_id") || ts_json_get(rec, "body"))
        return add_comment(v, rec, err);
    return ts_err_set(err, TS_ESCHEMA, "neither a submission (title) nor a comment (parent_id, body)");
}
