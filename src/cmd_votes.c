/* tuneset votes: preference pairs from community votes (SHP's method) over
 * Reddit-dump submissions and comments. No model. The counts come at two
 * levels: input records (posts and comments: used, dropped by rule,
 * rejected) and candidate pairs (the driver's read/written/dropped). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "tuneset/votes.h"

typedef struct {
    cli_run *r;
    ts_votes *v;
    ts_votes_schema schema;
    uint64_t records, rejected;
} votes_ctx;

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    votes_ctx *x = ctx;
    ts_err e = TS_ERR_INIT;
    x->records++;
    int rc = ts_votes_add(x->v, rec, &e);
    if (rc == TS_ESCHEMA) {
        x->rejected++;
        return run_reject_here(r, "%s", e.msg);
    }
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    r->st.read--; /* the driver's counts are pairs; records are counted apart */
    return 0;
}

static int on_pair(void *ctx, const ts_votes_pair *p)
{
    votes_ctx *x = ctx;
    ts_arena_reset(&x->r->arena);
    ts_json *rec;
    if (ts_votes_pair_json(p, x->schema, &x->r->arena, &rec))
        return run_fail(x->r, EXIT_IO, "out of memory");
    x->r->st.read++;
    return run_emit(x->r, rec);
}

/* "records":{"read":N,"posts":N,"comments":N,"used":N,"rejected":N,"dropped":{...}} */
static void records_json(const votes_ctx *x, ts_buf *b)
{
    const ts_votes_counts *n = ts_votes_get_counts(x->v);
    /* Records the driver could not parse are rejected before we see them. */
    uint64_t rejected = x->r->st.rejected, read = x->records + rejected - x->rejected;
    ts_buf_printf(b, "\"unit\":\"pair\",\"records\":{\"read\":%llu,\"posts\":%llu,\"comments\":%llu,"
                     "\"used\":%llu,\"rejected\":%llu,\"dropped\":{",
                  (unsigned long long)read, (unsigned long long)n->posts, (unsigned long long)n->comments,
                  (unsigned long long)(n->used_posts + n->used_comments), (unsigned long long)rejected);
    bool first = true;
    for (int i = 0; i < TS_VOTES_FIRST_PAIR_RULE; i++)
        if (n->drops[i]) {
            ts_buf_printf(b, "%s\"%s\":%llu", first ? "" : ",", ts_votes_rule_name((ts_votes_rule)i),
                          (unsigned long long)n->drops[i]);
            first = false;
        }
    ts_buf_printf(b, "}}");
    ts_buf_putc(b, 0);
}


static int write_stats(votes_ctx *x, const char *path, double secs)
{
    ts_buf extra, b;
    ts_buf_init(&extra, 0);
    ts_buf_init(&b, 0);
    ts_buf_printf(&extra, "\"command\":\"votes\",\"bytes_in\":%llu,\"seconds\":%.3f,",
                  (unsigned long long)x->r->st.bytes_in, secs);
    records_json(x, &extra);
    int rc = ts_stats_to_json(&x->r->st, &b, extra.data);
    if (!rc)
        rc = ts_buf_putc(&b, '\n');
    if (rc)
        cli_error("votes", "--stats: %s", ts_strerror(rc));
    else
        rc = cli_write_file("votes", "--stats", path, &b);
    ts_buf_release(&extra);
    ts_buf_release(&b);
    return rc;
}

int cmd_votes(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    ts_votes_opts o;
    ts_votes_opts_default(&o);
    const char *schema = "canonical";
    uint64_t min_post = 10, min_comment = 2, max_comments = 50, max_pairs = 5, before = 0;
    cli_opt opts[] = {
        {0, "schema", "S", OPT_STR, &schema, "canonical (default): preference records; shp: SHP's own columns"},
        {0, "min-post-score", "N", OPT_U64, &min_post, "drop posts scoring less (post_low_score; default 10)"},
        {0, "min-comment-score", "N", OPT_U64, &min_comment,
         "drop comments scoring less (comment_low_score; default 2, at least 1)"},
        {0, "max-comments", "N", OPT_U64, &max_comments,
         "top-level comments considered per post, the best by score (default 50)"},
        {0, "min-score-ratio", "R", OPT_DOUBLE, &o.min_ratio,
         "preferred score / other score at least R (pair_score_ratio; default 2)"},
        {0, "max-pairs", "N", OPT_U64, &max_pairs, "pairs per post, highest ratios first (default 5; 0 = all)"},
        {0, "before", "UTC", OPT_U64, &before,
         "drop posts created at or after this Unix time (post_too_recent; SHP: 1672531200, 2023)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT",
                       "Mines preference pairs from Reddit-dump submissions and comments (JSONL,\n"
                       "any order, any number of files) the way SHP did: two top-level comments\n"
                       "of a self-post, the preferred one written no earlier and scoring higher,\n"
                       "score ratio >= 2, at most 5 pairs per post; SHP's filters on posts and\n"
                       "comments. Counts: input records (used / dropped by rule / rejected) and\n"
                       "candidate pairs (written / dropped). See docs/votes.md.\n\n"
                       "example: tuneset votes submissions.jsonl comments.jsonl -o pairs.jsonl --stats s.json",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!strcmp(schema, "shp"))
        ;
    else if (strcmp(schema, "canonical")) {
        cli_error("votes", "--schema must be canonical or shp, not '%s'", schema);
        return EXIT_USAGE;
    }
    if (min_comment < 1 || max_comments < 2 || !(o.min_ratio >= 1.0)) {
        cli_error("votes", "--min-comment-score must be >= 1, --max-comments >= 2, --min-score-ratio >= 1");
        return EXIT_USAGE;
    }
    o.min_post_score = (int64_t)min_post;
    o.min_comment_score = (int64_t)min_comment;
    o.max_comments = (size_t)max_comments;
    o.max_pairs = (size_t)max_pairs;
    o.before = before > INT64_MAX ? INT64_MAX : (int64_t)before;
    o.seed = c.seed;
    votes_ctx x = {0};
    x.schema = strcmp(schema, "shp") ? TS_VOTES_CANONICAL : TS_VOTES_SHP;
    x.v = ts_votes_new(&o);
    if (!x.v) {
        cli_error("votes", "out of memory");
        return EXIT_IO;
    }
    cli_run r;
    if ((rc = run_begin(&r, "votes", &c, c.output))) {
        ts_votes_free(x.v);
        return rc;
    }
    x.r = &r;
    run_inputs(&r, pos, npos, on_record, &x);
    if (!r.exit_code) {
        rc = ts_votes_finish(x.v, on_pair, &x);
        if (rc == TS_ENOMEM)
            run_fail(&r, EXIT_IO, "out of memory");
    }
    const ts_votes_counts *n = ts_votes_get_counts(x.v);
    for (int i = TS_VOTES_FIRST_PAIR_RULE; i < TS_VOTES_NRULES; i++)
        if (n->drops[i]) {
            ts_stats_drop_n(&r.st, ts_votes_rule_name((ts_votes_rule)i), n->drops[i]);
            r.st.read += n->drops[i];
        }
    /* The record counts outgrow the driver's fixed --stats buffer: the
     * stats file is written here, with the driver's members and ours. */
    const char *stats_path = c.stats;
    c.stats = NULL;
    if (!c.quiet) {
        fprintf(stderr, "tuneset votes: %llu records (%llu posts, %llu comments): used %llu, rejected %llu\n",
                (unsigned long long)(x.records + r.st.rejected - x.rejected), (unsigned long long)n->posts,
                (unsigned long long)n->comments, (unsigned long long)(n->used_posts + n->used_comments),
                (unsigned long long)r.st.rejected);
        for (int i = 0; i < TS_VOTES_FIRST_PAIR_RULE; i++)
            if (n->drops[i])
                fprintf(stderr, "  dropped %-28s %llu\n", ts_votes_rule_name((ts_votes_rule)i),
                        (unsigned long long)n->drops[i]);
        fprintf(stderr, "tuneset votes: %llu candidate pairs; counts below are pairs\n",
                (unsigned long long)n->candidates);
    }
    double secs = run_elapsed(&r);
    rc = run_end(&r);
    if (stats_path && write_stats(&x, stats_path, secs) && !rc)
        rc = EXIT_IO;
    ts_votes_free(x.v);
    return rc;
}
