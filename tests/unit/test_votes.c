/* Vote-mined pairs: text cleaning and the library's pairing rule. */
#include <math.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/votes.h"

static const char *clean(const char *s)
{
    static char out[512];
    size_t n = ts_votes_clean_text(s, strlen(s), out);
    out[n] = 0;
    return out;
}

TEST(votes_clean_links)
{
    CHECK_STR(clean("see [the docs](https://x.org/a) now"), "see the docs now");
    CHECK_STR(clean("[Rice](https://en.wikipedia.org/wiki/Rice_(food)) is good"), "Rice is good");
    CHECK_STR(clean("bare https://x.org/a stays"), "bare https://x.org/a stays");
    CHECK_STR(clean("[not a link] (https://x.org)"), "[not a link] (https://x.org)");
    CHECK_STR(clean("[spaces](in url) kept"), "[spaces](in url) kept");
    CHECK_STR(clean("[empty url]() kept"), "[empty url]() kept");
    CHECK_STR(clean("a &amp; b &lt;c&gt; &nbsp;"), "a & b <c> &nbsp;");
    CHECK_STR(clean("[A &amp; B](u) x"), "A & B x");
    CHECK_STR(clean("  \n trimmed \n"), "trimmed");
    CHECK_STR(clean("[unclosed](http://x"), "[unclosed](http://x");
    CHECK_STR(clean("[[nested]](u)"), "[[nested]](u)");
}

typedef struct {
    char got[1024];
    size_t n;
} collect;

static int on_pair(void *ctx, const ts_votes_pair *p)
{
    collect *c = ctx;
    c->n += (size_t)snprintf(c->got + c->n, sizeof c->got - c->n, "%.*s>%.*s:%g ", (int)p->chosen->id.len,
                             p->chosen->id.s, (int)p->rejected->id.len, p->rejected->id.s, p->ratio);
    return 0;
}

static int feed(ts_votes *v, const char *json)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec;
    ts_err e = TS_ERR_INIT;
    int rc = ts_json_parse(json, strlen(json), &a, NULL, &rec, &e);
    if (!rc)
        rc = ts_votes_add(v, rec, &e);
    ts_arena_release(&a);
    return rc;
}

static const char *const post =
    "{\"id\":\"p\",\"title\":\"T\",\"selftext\":\"S\",\"is_self\":true,\"score\":10,\"author\":\"op\",\"created_utc\":1}";

static void comment(char *buf, size_t cap, const char *id, int score, int created)
{
    snprintf(buf, cap,
             "{\"id\":\"%s\",\"parent_id\":\"t3_p\",\"link_id\":\"t3_p\",\"author\":\"a%s\",\"body\":\"b\","
             "\"score\":%d,\"created_utc\":%d}",
             id, id, score, created);
}

/* The cap keeps the best comments whatever the order they come in. */
TEST(votes_cap_order_independent)
{
    static const struct {
        const char *id;
        int score, created;
    } cs[] = {{"a", 2, 5}, {"b", 9, 9}, {"c", 4, 7}, {"d", 30, 8}, {"e", 3, 1}};
    char first[1024] = "";
    for (int perm = 0; perm < 5; perm++) {
        ts_votes_opts o;
        ts_votes_opts_default(&o);
        o.max_comments = 3;
        o.max_pairs = 0;
        ts_votes *v = ts_votes_new(&o);
        CHECK(v);
        if (perm & 1)
            CHECK_INT(feed(v, post), 0);
        for (int i = 0; i < 5; i++) {
            char buf[256];
            int k = (i + perm) % 5;
            comment(buf, sizeof buf, cs[k].id, cs[k].score, cs[k].created);
            CHECK_INT(feed(v, buf), 0);
        }
        if (!(perm & 1))
            CHECK_INT(feed(v, post), 0);
        collect c = {{0}, 0};
        CHECK_INT(ts_votes_finish(v, on_pair, &c), 0);
        const ts_votes_counts *n = ts_votes_get_counts(v);
        CHECK_INT(n->drops[TS_VOTES_COMMENT_OVER_CAP], 2);
        CHECK_INT(n->candidates, 3);
        /* kept d(30,8) b(9,9) c(4,7): d>c (7.5), b>c (2.25); d vs b: d earlier */
        CHECK_STR(c.got, "d>c:7.5 b>c:2.25 ");
        CHECK_INT(n->drops[TS_VOTES_PAIR_WINNER_EARLIER], 1);
        if (!perm)
            snprintf(first, sizeof first, "%s", c.got);
        CHECK_STR(c.got, first);
        ts_votes_free(v);
    }
}

TEST(votes_rejects_and_rules)
{
    ts_votes *v = ts_votes_new(NULL);
    CHECK(v);
    CHECK_INT(feed(v, "{\"x\":1}"), TS_ESCHEMA);
    CHECK_INT(feed(v, "[1]"), TS_ESCHEMA);
    CHECK_INT(feed(v, "{\"id\":\"c\",\"parent_id\":\"t3_p\",\"body\":\"b\"}"), TS_ESCHEMA); /* no score */
    CHECK_INT(feed(v, "{\"title\":\"t\",\"score\":1}"), TS_ESCHEMA);                        /* no id */
    CHECK_INT(feed(v, "{\"id\":\"c\",\"parent_id\":\"t3_p\",\"body\":\"b\",\"score\":\"12\",\"created_utc\":\"5.0\"}"), 0);
    CHECK_INT(ts_votes_get_counts(v)->comments, 1);
    CHECK_STR(ts_votes_rule_name(TS_VOTES_POST_NSFW), "post_nsfw");
    CHECK_STR(ts_votes_rule_name(TS_VOTES_PAIR_MAX_PER_POST), "pair_max_per_post");
    collect c = {{0}, 0};
    CHECK_INT(ts_votes_finish(v, on_pair, &c), 0);
    CHECK_INT(ts_votes_get_counts(v)->drops[TS_VOTES_COMMENT_NO_POST], 1);
    ts_votes_free(v);
}
