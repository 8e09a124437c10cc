/* Output records for vote-mined pairs: the canonical preference shape, or
 * SHP's own columns (so `tuneset import shp` reads them back). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tuneset/votes.h"

/* SHP's history: "the post title concatenated to the post body", joined
 * by one space as in SHP's rows (the title alone when the body is empty). */
static const char *history(const ts_votes_pair *p, ts_arena *a, size_t *len)
{
    size_t n = p->title.len + (p->selftext.len ? 1 + p->selftext.len : 0);
    char *s = ts_arena_alloc(a, n + 1);
    if (!s)
        return NULL;
    memcpy(s, p->title.s, p->title.len);
    if (p->selftext.len) {
        s[p->title.len] = ' ';
        memcpy(s + p->title.len + 1, p->selftext.s, p->selftext.len);
    }
    *len = n;
    return s;
}

static void turn(ts_jb *b, const char *key, const char *role, const ts_votes_text *t)
{
    ts_jb_key(b, key);
    ts_jb_array(b);
    ts_jb_object(b);
    ts_jb_key(b, "role");
    ts_jb_cstr(b, role);
    ts_jb_key(b, "content");
    ts_jb_str(b, t->s, t->len);
    ts_jb_end(b);
    ts_jb_end(b);
}

static void kv_str(ts_jb *b, const char *k, const ts_votes_text *t)
{
    ts_jb_key(b, k);
    ts_jb_str(b, t->s, t->len);
}

static void kv_int(ts_jb *b, const char *k, int64_t v)
{
    ts_jb_key(b, k);
    ts_jb_int(b, v);
}

static void canonical(ts_jb *b, const ts_votes_pair *p, ts_votes_text *hist, const char *id)
{
    const ts_votes_comment *c = p->chosen, *r = p->rejected;
    turn(b, "prompt", "user", hist);
    turn(b, "chosen", "assistant", &c->body);
    turn(b, "rejected", "assistant", &r->body);
    kv_int(b, "score_chosen", c->score);
    kv_int(b, "score_rejected", r->score);
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, "votes");
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    kv_str(b, "post_id", &p->post_id);
    if (p->subreddit.len)
        kv_str(b, "domain", &p->subreddit);
    kv_str(b, "chosen_id", &c->id);
    kv_str(b, "rejected_id", &r->id);
    kv_int(b, "created_chosen", c->created);
    kv_int(b, "created_rejected", r->created);
    kv_int(b, "seconds_difference", c->created - r->created);
    ts_jb_key(b, "score_ratio");
    ts_jb_double(b, p->ratio);
    kv_int(b, "post_score", p->post_score);
    if (!isnan(p->upvote_ratio)) {
        ts_jb_key(b, "upvote_ratio");
        ts_jb_double(b, p->upvote_ratio);
    }
    ts_jb_end(b);
}

static void shp(ts_jb *b, const ts_votes_pair *p, ts_votes_text *hist)
{
    const ts_votes_comment *A = p->a_chosen ? p->chosen : p->rejected;
    const ts_votes_comment *B = p->a_chosen ? p->rejected : p->chosen;
    kv_str(b, "post_id", &p->post_id);
    kv_str(b, "domain", &p->subreddit);
    ts_jb_key(b, "upvote_ratio");
    if (isnan(p->upvote_ratio))
        ts_jb_null(b);
    else
        ts_jb_double(b, p->upvote_ratio);
    kv_str(b, "history", hist);
    kv_str(b, "c_root_id_A", &A->id);
    kv_str(b, "c_root_id_B", &B->id);
    kv_int(b, "created_at_utc_A", A->created);
    kv_int(b, "created_at_utc_B", B->created);
    kv_int(b, "score_A", A->score);
    kv_int(b, "score_B", B->score);
    kv_str(b, "human_ref_A", &A->body);
    kv_str(b, "human_ref_B", &B->body);
    kv_int(b, "labels", p->a_chosen ? 1 : 0);
    ts_jb_key(b, "seconds_difference");
    ts_jb_double(b, (double)(p->chosen->created - p->rejected->created));
    ts_jb_key(b, "score_ratio");
    ts_jb_double(b, p->ratio);
}

int ts_votes_pair_json(const ts_votes_pair *p, ts_votes_schema schema, ts_arena *a, ts_json **out)
{
    ts_votes_text hist;
    hist.s = history(p, a, &hist.len);
    int n = snprintf(NULL, 0, "votes/%.*s/%.*s-%.*s", (int)p->post_id.len, p->post_id.s,
                     (int)p->chosen->id.len, p->chosen->id.s, (int)p->rejected->id.len, p->rejected->id.s);
    char *id = n >= 0 ? ts_arena_alloc(a, (size_t)n + 1) : NULL;
    if (!hist.s || !id)
        return TS_ENOMEM;
    snprintf(id, (size_t)n + 1, "votes/%.*s/%.*s-%.*s", (int)p->post_id.len, p->post_id.s,
             (int)p->chosen->id.len, p->chosen->id.s, (int)p->rejected->id.len, p->rejected->id.s);
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    if (schema == TS_VOTES_SHP)
        shp(&b, p, &hist);
    else
        canonical(&b, p, &hist, id);
    ts_jb_end(&b);
    int rc = ts_jb_finish(&b, out);
    ts_jb_release(&b);
    return rc;
}
