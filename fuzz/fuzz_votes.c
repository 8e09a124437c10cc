/* libFuzzer target: tuneset votes' input side (submissions and comments,
 * one JSON value a line, with small option values so caps and cleaning
 * are exercised). Checks the record counts balance and every output
 * record encodes, in both schemas. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/votes.h"

typedef struct {
    ts_arena a;
    uint64_t n;
} sink;

static int on_pair(void *ctx, const ts_votes_pair *p)
{
    sink *s = ctx;
    for (int schema = 0; schema < 2; schema++) {
        ts_json *rec;
        if (ts_votes_pair_json(p, schema ? TS_VOTES_SHP : TS_VOTES_CANONICAL, &s->a, &rec))
            abort();
        ts_buf b;
        ts_buf_init(&b, 0);
        if (ts_json_write(&b, rec))
            abort();
        ts_buf_release(&b);
    }
    if (p->chosen->score <= p->rejected->score || p->chosen->created < p->rejected->created)
        abort(); /* the pairing rule */
    s->n++;
    ts_arena_reset(&s->a);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ts_votes_opts o;
    ts_votes_opts_default(&o);
    o.max_comments = 3;
    o.max_pairs = 2;
    o.min_post_score = 1;
    o.min_comment_score = 1;
    o.min_ratio = 1.5;
    ts_votes *v = ts_votes_new(&o);
    if (!v)
        return 0;
    ts_arena a;
    ts_arena_init(&a);
    uint64_t accepted = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        ts_json *rec;
        ts_json_opts jo = {.max_depth = 32};
        if (ts_json_parse(p, n, &a, &jo, &rec, NULL) == 0) {
            int rc = ts_votes_add(v, rec, NULL);
            if (rc == 0)
                accepted++;
            else if (rc != TS_ESCHEMA)
                abort();
        }
        ts_arena_reset(&a);
        p += n + 1;
    }
    sink s;
    ts_arena_init(&s.a);
    s.n = 0;
    if (ts_votes_finish(v, on_pair, &s))
        abort();
    const ts_votes_counts *c = ts_votes_get_counts(v);
    uint64_t dropped = 0, pair_dropped = 0;
    for (int i = 0; i < TS_VOTES_NRULES; i++)
        *(i < TS_VOTES_FIRST_PAIR_RULE ? &dropped : &pair_dropped) += c->drops[i];
    if (c->posts + c->comments != accepted || accepted != c->used_posts + c->used_comments + dropped ||
        c->candidates != c->pairs + pair_dropped || c->pairs != s.n)
        abort();
    /* The cleaner never grows text. */
    char out[256];
    size_t k = size < sizeof out ? size : sizeof out;
    if (ts_votes_clean_text((const char *)data, k, out) > k)
        abort();
    ts_arena_release(&s.a);
    ts_arena_release(&a);
    ts_votes_free(v);
    return 0;
}
