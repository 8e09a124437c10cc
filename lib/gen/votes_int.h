/* Internals shared by lib/gen/votes*.c. */
#ifndef TS_VOTES_INT_H
#define TS_VOTES_INT_H

#include "tuneset/votes.h"

typedef struct vt_comment {
    char *id, *author, *body; /* malloc'd, NUL-terminated */
    size_t id_len, author_len, body_len;
    int64_t score, created;
} vt_comment;

typedef struct vt_post {
    char *id;
    size_t id_len;
    bool seen;    /* its submission record arrived */
    bool dropped; /* it failed a filter: its comments are dropped too */
    char *author, *title, *selftext, *subreddit;
    size_t title_len, self_len, sub_len;
    int64_t score, created;
    double upvote_ratio;
    vt_comment *c; /* at most opts.max_comments, unordered */
    uint32_t nc, capc;
} vt_post;

struct ts_votes {
    ts_votes_opts o;
    ts_votes_counts n;
    vt_post *posts; /* in order of first appearance */
    size_t nposts, cap_posts;
    uint32_t *slots; /* open addressing: post index or UINT32_MAX */
    size_t cap_slots;
};

int vt_comment_cmp(const vt_comment *a, const vt_comment *b);
void vt_post_release(vt_post *p);

#endif
