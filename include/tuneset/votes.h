/* tuneset — preference pairs mined from community votes (SHP's method).
 *
 * Input: Reddit-dump records, submissions and comments, in any order and
 * from any number of files. Two top-level comments of one post make a
 * pair when the preferred one was written no earlier than the other and
 * still has the higher score, so visibility cannot explain the win.
 * Filters follow SHP's defaults (docs/votes.md lists them and the order
 * in which a record's first failing rule is named).
 *
 * Memory: one small state per post and at most max_comments comments
 * held per post (the best by score, a total order, so the result does
 * not depend on the input order). Pairs come out in ts_votes_finish.
 * Not thread-safe; one ts_votes per run.
 */
#ifndef TUNESET_VOTES_H
#define TUNESET_VOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"
#include "tuneset/json.h"

/* Drop rules. Record rules name the first filter a submission or comment
 * fails; pair rules name why a candidate pair was not written. */
#define TS_VOTES_RULES(X)                               \
    X(POST_NOT_SELF, "post_not_self")                   \
    X(POST_NSFW, "post_nsfw")                           \
    X(POST_DELETED, "post_deleted")                     \
    X(POST_MODERATOR, "post_moderator")                 \
    X(POST_STICKIED, "post_stickied")                   \
    X(POST_EDITED, "post_edited")                       \
    X(POST_LOW_SCORE, "post_low_score")                 \
    X(POST_TOO_RECENT, "post_too_recent")               \
    X(POST_DUPLICATE, "post_duplicate")                 \
    X(COMMENT_NOT_TOP_LEVEL, "comment_not_top_level")   \
    X(COMMENT_DELETED, "comment_deleted")               \
    X(COMMENT_MODERATOR, "comment_moderator")           \
    X(COMMENT_STICKIED, "comment_stickied")             \
    X(COMMENT_EDITED, "comment_edited")                 \
    X(COMMENT_LOW_SCORE, "comment_low_score")           \
    X(COMMENT_EMPTY, "comment_empty")                   \
    X(COMMENT_DUPLICATE, "comment_duplicate")           \
    X(COMMENT_OVER_CAP, "comment_over_cap")             \
    X(COMMENT_BY_POST_AUTHOR, "comment_by_post_author") \
    X(COMMENT_POST_DROPPED, "comment_post_dropped")     \
    X(COMMENT_NO_POST, "comment_no_post")               \
    X(PAIR_TIE, "pair_tie")                             \
    X(PAIR_WINNER_EARLIER, "pair_winner_earlier")       \
    X(PAIR_SCORE_RATIO, "pair_score_ratio")             \
    X(PAIR_MAX_PER_POST, "pair_max_per_post")

typedef enum ts_votes_rule {
#define TS_VOTES_ENUM_(name, str) TS_VOTES_##name,
    TS_VOTES_RULES(TS_VOTES_ENUM_)
#undef TS_VOTES_ENUM_
        TS_VOTES_NRULES
} ts_votes_rule;

#define TS_VOTES_FIRST_PAIR_RULE TS_VOTES_PAIR_TIE

/* Static rule name, e.g. "post_nsfw". */
const char *ts_votes_rule_name(ts_votes_rule r);

typedef struct ts_votes_opts {
    int64_t min_post_score;    /* default 10 */
    int64_t min_comment_score; /* default 2; must be >= 1 (ratios divide by it) */
    size_t max_comments;       /* comments considered per post; default 50 */
    double min_ratio;          /* default 2.0 */
    size_t max_pairs;          /* per post; default 5; 0 = no cap */
    int64_t before;            /* posts created at or after this time are dropped; 0 = off */
    uint64_t seed;             /* SHP schema: which comment is A */
} ts_votes_opts;

void ts_votes_opts_default(ts_votes_opts *o);

typedef struct ts_votes_counts {
    uint64_t posts, comments;        /* records accepted as such */
    uint64_t used_posts, used_comments; /* reached the pairing stage */
    uint64_t candidates, pairs;      /* candidate pairs, pairs written */
    uint64_t drops[TS_VOTES_NRULES];
} ts_votes_counts;

/* One comment or post as the pair writer sees it; text already cleaned
 * (markdown links reduced to their text, &amp; &lt; &gt; decoded). */
typedef struct ts_votes_text {
    const char *s;
    size_t len;
} ts_votes_text;

typedef struct ts_votes_comment {
    ts_votes_text id, body;
    int64_t score, created;
} ts_votes_comment;

typedef struct ts_votes_pair {
    ts_votes_text post_id, title, selftext, subreddit;
    int64_t post_score, post_created;
    double upvote_ratio; /* NAN when the submission has none */
    const ts_votes_comment *chosen, *rejected;
    double ratio;   /* chosen score / rejected score */
    bool a_chosen;  /* SHP schema: comment A is the chosen one (seeded) */
} ts_votes_pair;

typedef struct ts_votes ts_votes;

/* NULL on ENOMEM. opts NULL = defaults. */
ts_votes *ts_votes_new(const ts_votes_opts *opts);
void ts_votes_free(ts_votes *v);

/* Feeds one input record. Returns 0 (the record is held or counted as
 * dropped), TS_ESCHEMA with err->msg when it is neither a submission nor
 * a comment or a needed field has the wrong type (the caller rejects it),
 * or TS_ENOMEM. */
int ts_votes_add(ts_votes *v, const ts_json *rec, ts_err *err);

/* Called once per written pair; the pair is valid during the call.
 * Returns 0 to go on, non-zero to stop (returned by ts_votes_finish). */
typedef int (*ts_votes_pair_fn)(void *ctx, const ts_votes_pair *p);

/* After the last record: decides every post's pairs and calls fn for each,
 * posts in order of first appearance, a post's pairs by score ratio (the
 * highest first). */
int ts_votes_finish(ts_votes *v, ts_votes_pair_fn fn, void *ctx);

const ts_votes_counts *ts_votes_get_counts(const ts_votes *v);

typedef enum { TS_VOTES_CANONICAL, TS_VOTES_SHP } ts_votes_schema;

/* Builds the output record for p in a: the canonical preference shape
 * (source "votes") or SHP's own columns. 0 or TS_ENOMEM. */
int ts_votes_pair_json(const ts_votes_pair *p, ts_votes_schema schema, ts_arena *a, ts_json **out);

/* Text cleaning as applied to bodies: "[text](url)" -> "text", bare URLs
 * kept (as SHP did), &amp; &lt; &gt; decoded, surrounding white space
 * trimmed. Writes into out (at least n bytes); returns the new length. */
size_t ts_votes_clean_text(const char *s, size_t n, char *out);

#endif
