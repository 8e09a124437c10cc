/* Pairing: once every record is in, each post's kept comments are paired
 * (preferred = higher score AND written no earlier), filtered by score
 * ratio, and capped per post, the highest ratios kept. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/hash.h"
#include "votes_int.h"

typedef struct {
    uint32_t hi, lo; /* indexes into the sorted comments */
    double ratio;
} vt_cand;

static int cmp_comments(const void *a, const void *b) { return vt_comment_cmp(a, b); }

static int cmp_cands(const void *a, const void *b)
{
    const vt_cand *x = a, *y = b;
    if (x->ratio != y->ratio)
        return x->ratio > y->ratio ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static ts_votes_comment view(const vt_comment *c)
{
    return (ts_votes_comment){{c->id, c->id_len}, {c->body, c->body_len}, c->score, c->created};
}

/* Removes the post author's own comments (known only once the post is). */
static void drop_author(ts_votes *v, vt_post *p)
{
    size_t alen = p->author ? strlen(p->author) : 0;
    if (!alen)
        return;
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->nc; i++) {
        vt_comment *c = &p->c[i];
        if (c->author_len == alen && !memcmp(c->author, p->author, alen)) {
            v->n.drops[TS_VOTES_COMMENT_BY_POST_AUTHOR]++;
            free(c->id);
            free(c->author);
            free(c->body);
        } else {
            p->c[k++] = *c;
        }
    }
    p->nc = k;
}

static int pair_post(ts_votes *v, vt_post *p, ts_votes_pair_fn fn, void *ctx)
{
    drop_author(v, p);
    v->n.used_posts++;
    v->n.used_comments += p->nc;
    if (p->nc < 2)
        return 0;
    qsort(p->c, p->nc, sizeof *p->c, cmp_comments);
    size_t nc = 0, cap = 64;
    vt_cand *cand = malloc(cap * sizeof *cand);
    if (!cand)
        return TS_ENOMEM;
    for (uint32_t i = 0; i < p->nc; i++)
        for (uint32_t j = i + 1; j < p->nc; j++) {
            const vt_comment *hi = &p->c[i], *lo = &p->c[j];
            v->n.candidates++;
            if (hi->score == lo->score) {
                v->n.drops[TS_VOTES_PAIR_TIE]++;
                continue;
            }
            if (hi->created < lo->created) {
                v->n.drops[TS_VOTES_PAIR_WINNER_EARLIER]++;
                continue;
            }
            double ratio = (double)hi->score / (double)lo->score;
            if (!(ratio >= v->o.min_ratio)) {
                v->n.drops[TS_VOTES_PAIR_SCORE_RATIO]++;
                continue;
            }
            if (nc == cap) {
                vt_cand *c2 = realloc(cand, 2 * cap * sizeof *c2);
                if (!c2) {
                    free(cand);
                    return TS_ENOMEM;
                }
                cand = c2;
                cap *= 2;
            }
            cand[nc++] = (vt_cand){i, j, ratio};
        }
    qsort(cand, nc, sizeof *cand, cmp_cands);
    size_t keep = v->o.max_pairs && nc > v->o.max_pairs ? v->o.max_pairs : nc;
    v->n.drops[TS_VOTES_PAIR_MAX_PER_POST] += nc - keep;
    int rc = 0;
    for (size_t k = 0; k < keep && !rc; k++) {
        ts_votes_comment ch = view(&p->c[cand[k].hi]), rj = view(&p->c[cand[k].lo]);
        ts_votes_pair pr = {
            .post_id = {p->id, p->id_len},
            .title = {p->title, p->title_len},
            .selftext = {p->selftext ? p->selftext : "", p->self_len},
            .subreddit = {p->subreddit, p->sub_len},
            .post_score = p->score,
            .post_created = p->created,
            .upvote_ratio = p->upvote_ratio,
            .chosen = &ch,
            .rejected = &rj,
            .ratio = cand[k].ratio,
        };
        /* SHP shuffled which comment is A so labels are about 50/50;
         * hashing the ids with the seed makes that reproducible. */
        uint64_t h = ts_hash64(p->id, p->id_len, v->o.seed);
        h = ts_hash64(ch.id.s, ch.id.len, h);
        h = ts_hash64(rj.id.s, rj.id.len, h);
        pr.a_chosen = h >> 63;
        v->n.pairs++;
        rc = fn(ctx, &pr);
    }
    free(cand);
    return rc;
}

int ts_votes_finish(ts_votes *v, ts_votes_pair_fn fn, void *ctx)
{
    int rc = 0;
    for (size_t i = 0; i < v->nposts && !rc; i++) {
        vt_post *p = &v->posts[i];
        if (!p->seen)
            v->n.drops[TS_VOTES_COMMENT_NO_POST] += p->nc;
        else if (!p->dropped)
            rc = pair_post(v, p, fn, ctx);
        vt_post_release(p);
    }
    return rc;
}
