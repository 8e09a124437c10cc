/* The oasst1 importer, driven through its vtable with a recording sink.
 * Fixtures: tests/fixtures/oasst1/messages.jsonl (the message table, rows
 * out of order) and trees.jsonl (the same trees as tree export lines and
 * bare nested messages). Trees there:
 *   t1 (en): ranked, unranked, deleted (with subtree), review_result false
 *            and null, two prompter leaves under t1-a0 (one duplicate thread);
 *   t2 (ko): a rank tie and an assistant reply to an assistant;
 *   t3: tree_state aborted_low_grade;  t4: a prompt nobody answered;
 *   orphan-a, orphan-a-u: their root is not in the data. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/format.h"
#include "tuneset/record.h"
#include "tuneset/stream.h"

extern const ts_format ts_format_oasst1;

#define MAX_OUT 64

typedef struct {
    char *out[MAX_OUT];
    char *ids[MAX_OUT];
    int nout, invalid;
    uint64_t read, rejected;
    struct {
        const char *rule;
        uint64_t n;
    } drops[32];
    int ndrops;
    char why[256];
} rsink;

static int r_emit(void *ctx, const ts_json *rec)
{
    rsink *t = ctx;
    char why[200];
    if (ts_record_validate(rec, why, sizeof why))
        t->invalid++;
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_json_write(&b, rec);
    ts_buf_putc(&b, 0);
    const ts_json *id = ts_json_get(rec, "id");
    if (t->nout < MAX_OUT) {
        t->out[t->nout] = strdup(b.data);
        t->ids[t->nout] = ts_json_is(id, TS_JSON_STRING) ? strndup(id->u.s, id->len) : strdup("?");
        t->nout++;
    }
    ts_buf_release(&b);
    return 0;
}

static void r_drop_n(void *ctx, const char *rule, uint64_t n)
{
    rsink *t = ctx;
    for (int i = 0; i < t->ndrops; i++)
        if (!strcmp(t->drops[i].rule, rule)) {
            t->drops[i].n += n;
            return;
        }
    t->drops[t->ndrops].rule = rule;
    t->drops[t->ndrops++].n = n;
}

static void r_drop(void *ctx, const char *rule) { r_drop_n(ctx, rule, 1); }

/* Like the import driver: a rejected row of an aggregating format is one
 * read and one rejected. */
static int r_reject(void *ctx, const char *why)
{
    rsink *t = ctx;
    t->read++;
    t->rejected++;
    snprintf(t->why, sizeof t->why, "%s", why);
    return 0;
}

static void r_read(void *ctx) { ((rsink *)ctx)->read++; }

static uint64_t dropped(const rsink *t, const char *rule)
{
    uint64_t n = 0;
    for (int i = 0; i < t->ndrops; i++)
        if (!rule || !strcmp(t->drops[i].rule, rule))
            n += t->drops[i].n;
    return n;
}

static void rsink_free(rsink *t)
{
    for (int i = 0; i < t->nout; i++) {
        free(t->out[i]);
        free(t->ids[i]);
    }
}

/* The emitted ids, comma-separated. */
static const char *ids(const rsink *t)
{
    static char buf[4096];
    buf[0] = 0;
    for (int i = 0; i < t->nout; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof buf - l, "%s%s", i ? "," : "", t->ids[i]);
    }
    return buf;
}

static ts_import_opts opts(ts_kind kind, int top_k, const char *pairs, const char *lang)
{
    ts_import_opts o;
    ts_import_opts_init(&o);
    o.kind = kind;
    o.top_k = top_k;
    o.pairs = pairs;
    o.lang = lang;
    return o;
}

/* Feeds the rows of each file (NULL-terminated) and then finish(). */
static int run(const char *const *paths, const ts_import_opts *o, rsink *t)
{
    memset(t, 0, sizeof *t);
    const ts_format *f = &ts_format_oasst1;
    void *st;
    ts_err e = TS_ERR_INIT;
    if (f->open(&st, o, &e))
        return -1;
    ts_sink sink = {r_emit, r_drop, r_reject, r_read, r_drop_n, t};
    ts_arena a;
    ts_arena_init(&a);
    int rc = 0;
    for (; *paths && !rc; paths++) {
        ts_stream *s;
        if ((rc = ts_stream_open(&s, *paths, NULL, &e)))
            break;
        ts_json *v;
        while (!rc && !ts_stream_next(s, &a, &v, &e)) {
            rc = f->record(st, v, &sink, &a, &e);
            ts_arena_reset(&a);
        }
        ts_stream_close(s);
    }
    if (!rc)
        rc = f->finish(st, &sink, &a, &e);
    f->close(st);
    ts_arena_release(&a);
    return rc;
}

static const char *const TABLE[] = {FIXTURE("oasst1/messages.jsonl"), NULL};
static const char *const NESTED[] = {FIXTURE("oasst1/trees.jsonl"), NULL};

#define CHECK_BALANCED(t) CHECK_INT((t).read, (uint64_t)(t).nout + dropped(&(t), NULL) + (t).rejected)

TEST(oasst1_sft_threads)
{
    rsink t;
    ts_import_opts o = opts(TS_KIND_DEFAULT, 0, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t1-a0-u-b1,oasst1/t1-a0-u-b0,oasst1/t1-a0-u-b2,oasst1/t1-a0-u-bn,"
                       "oasst1/t1-a0,oasst1/t1-a2,oasst1/t1-pending,oasst1/t2-a1,oasst1/t2-a1b");
    CHECK_STR(t.out[0],
              "{\"messages\":[{\"role\":\"user\",\"content\":\"What is a tree?\"},"
              "{\"role\":\"assistant\",\"content\":\"A tree is a tall plant with a woody trunk and branches.\"},"
              "{\"role\":\"user\",\"content\":\"How tall do they grow?\"},"
              "{\"role\":\"assistant\",\"content\":\"Most trees grow to between 5 and 30 metres.\"}],"
              "\"id\":\"oasst1/t1-a0-u-b1\",\"source\":\"oasst1\",\"meta\":{\"message_tree_id\":\"t1\","
              "\"lang\":\"en\",\"message_ids\":[\"t1\",\"t1-a0\",\"t1-a0-u\",\"t1-a0-u-b1\"],\"ranks\":[0,1]}}");
    CHECK(strstr(t.out[3], "\"ranks\":[0,null]}"));
    /* The prompter leaf "Thanks!" is trimmed: the thread ends at t1-a0. */
    CHECK(strstr(t.out[4], "\"messages\":[{\"role\":\"user\",\"content\":\"What is a tree?\"},"
                           "{\"role\":\"assistant\",\"content\":\"A tree is a tall plant with a woody trunk and "
                           "branches.\"}],\"id\":\"oasst1/t1-a0\""));
    CHECK(strstr(t.out[4], "\"message_ids\":[\"t1\",\"t1-a0\"],\"ranks\":[0]}"));
    /* review_result null is no verdict: t1-pending is kept. */
    CHECK(strstr(t.out[6], "\"ranks\":[null]}"));
    CHECK(strstr(t.out[7], "\"message_tree_id\":\"t2\",\"lang\":\"ko\""));
    CHECK_INT(t.invalid, 0);
    CHECK_INT(t.rejected, 0);
    CHECK_INT(dropped(&t, "duplicate_thread"), 1);
    CHECK_INT(dropped(&t, "not_alternating"), 1);
    CHECK_INT(dropped(&t, "no_assistant_turn"), 1);
    CHECK_INT(dropped(&t, "deleted"), 1);
    CHECK_INT(dropped(&t, "review_failed"), 1);
    CHECK_INT(dropped(&t, "pruned_with_parent"), 3);
    CHECK_INT(dropped(&t, "tree_not_ready"), 2);
    CHECK_INT(dropped(&t, "orphan"), 2);
    CHECK_INT(dropped(&t, NULL), 12);
    CHECK_BALANCED(t);
    rsink_free(&t);
}

TEST(oasst1_sft_top_k)
{
    rsink t;
    ts_import_opts o = opts(TS_KIND_SFT, 1, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t1-a0-u-b0,oasst1/t1-a0");
    CHECK(strstr(t.out[0], "\"message_ids\":[\"t1\",\"t1-a0\",\"t1-a0-u\",\"t1-a0-u-b0\"],\"ranks\":[0,0]}"));
    /* rank >= 1: t1-a2, b1, b2, t2-a1, t2-a1b; unranked beside ranked:
     * t1-pending, bn. t2-a0-a has no ranked sibling, so it is followed. */
    CHECK_INT(dropped(&t, "top_k"), 5);
    CHECK_INT(dropped(&t, "top_k_unranked"), 2);
    CHECK_INT(dropped(&t, "not_alternating"), 1);
    CHECK_INT(dropped(&t, "duplicate_thread"), 1);
    CHECK_INT(t.invalid, 0);
    CHECK_BALANCED(t);
    rsink_free(&t);
}

TEST(oasst1_pref_all)
{
    rsink t;
    ts_import_opts o = opts(TS_KIND_PREF, 0, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t1-a0/t1-a2,"
                       "oasst1/t1-a0-u-b0/t1-a0-u-b1,oasst1/t1-a0-u-b0/t1-a0-u-b2,oasst1/t1-a0-u-b1/t1-a0-u-b2,"
                       "oasst1/t2-a0/t2-a1,oasst1/t2-a0/t2-a1b");
    CHECK_STR(t.out[1],
              "{\"prompt\":[{\"role\":\"user\",\"content\":\"What is a tree?\"},"
              "{\"role\":\"assistant\",\"content\":\"A tree is a tall plant with a woody trunk and branches.\"},"
              "{\"role\":\"user\",\"content\":\"How tall do they grow?\"}],"
              "\"chosen\":[{\"role\":\"assistant\",\"content\":\"It depends on the species: coast redwoods pass "
              "100 metres, most trees stay under 30.\"}],"
              "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Most trees grow to between 5 and 30 metres.\"}],"
              "\"id\":\"oasst1/t1-a0-u-b0/t1-a0-u-b1\",\"source\":\"oasst1\",\"meta\":{\"message_tree_id\":\"t1\","
              "\"lang\":\"en\",\"message_ids\":[\"t1\",\"t1-a0\",\"t1-a0-u\"],\"chosen_id\":\"t1-a0-u-b0\","
              "\"rejected_id\":\"t1-a0-u-b1\",\"rank_chosen\":0,\"rank_rejected\":1}}");
    /* t2-a1 and t2-a1b share rank 1. */
    CHECK_INT(dropped(&t, "rank_tie"), 1);
    CHECK_INT(dropped(&t, "deleted"), 1);
    CHECK_INT(t.invalid, 0);
    CHECK_BALANCED(t);
    rsink_free(&t);
}

TEST(oasst1_pref_adjacent_and_best_worst)
{
    rsink t;
    ts_import_opts o = opts(TS_KIND_PREF, 0, "adjacent", NULL);
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t1-a0/t1-a2,oasst1/t1-a0-u-b0/t1-a0-u-b1,oasst1/t1-a0-u-b1/t1-a0-u-b2,"
                       "oasst1/t2-a0/t2-a1");
    CHECK(strstr(t.out[2], "\"rank_chosen\":1,\"rank_rejected\":2}"));
    CHECK_INT(dropped(&t, "rank_tie"), 1);
    CHECK_BALANCED(t);
    rsink_free(&t);

    o = opts(TS_KIND_PREF, 0, "best-worst", NULL);
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t1-a0/t1-a2,oasst1/t1-a0-u-b0/t1-a0-u-b2,oasst1/t2-a0/t2-a1b");
    CHECK_INT(dropped(&t, "rank_tie"), 0);
    CHECK_INT(t.invalid, 0);
    CHECK_BALANCED(t);
    rsink_free(&t);

    /* --top-k prunes first: no user message keeps two ranked replies. */
    o = opts(TS_KIND_PREF, 1, NULL, NULL);
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_INT(t.nout, 0);
    CHECK_BALANCED(t);
    rsink_free(&t);
}

TEST(oasst1_lang)
{
    rsink t;
    ts_import_opts o = opts(TS_KIND_SFT, 0, NULL, "ko");
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t2-a1,oasst1/t2-a1b");
    CHECK_INT(dropped(&t, "lang_filtered"), 17); /* t1's 16 messages and t4 */
    CHECK_INT(dropped(&t, "tree_not_ready"), 2);
    CHECK_BALANCED(t);
    rsink_free(&t);

    o = opts(TS_KIND_SFT, 0, NULL, "de,en");
    CHECK_INT(run(TABLE, &o, &t), 0);
    CHECK_STR(ids(&t), "oasst1/t1-a0-u-b1,oasst1/t1-a0-u-b0,oasst1/t1-a0-u-b2,oasst1/t1-a0-u-bn,"
                       "oasst1/t1-a0,oasst1/t1-a2,oasst1/t1-pending");
    CHECK_INT(dropped(&t, "lang_filtered"), 5);
    CHECK_BALANCED(t);
    rsink_free(&t);
}

/* The tree export (and bare nested messages) give exactly what the
 * table gives, whatever the options. */
TEST(oasst1_nested_equals_table)
{
    ts_import_opts cases[] = {
        opts(TS_KIND_SFT, 0, NULL, NULL),       opts(TS_KIND_SFT, 1, NULL, NULL),
        opts(TS_KIND_SFT, 2, NULL, "ko,en"),    opts(TS_KIND_PREF, 0, NULL, NULL),
        opts(TS_KIND_PREF, 0, "adjacent", NULL), opts(TS_KIND_PREF, 0, "best-worst", "en"),
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        rsink a, b;
        CHECK_INT(run(TABLE, &cases[c], &a), 0);
        CHECK_INT(run(NESTED, &cases[c], &b), 0);
        CHECK(a.nout > 0 || cases[c].kind == TS_KIND_PREF);
        CHECK_INT(a.nout, b.nout);
        for (int i = 0; i < a.nout; i++)
            CHECK_STR(a.out[i], b.out[i]);
        CHECK_INT(a.read, b.read);
        CHECK_INT(a.ndrops, b.ndrops);
        for (int i = 0; i < a.ndrops; i++)
            CHECK_INT(dropped(&b, a.drops[i].rule), a.drops[i].n);
        CHECK_INT(b.invalid, 0);
        rsink_free(&a);
        rsink_free(&b);
    }
}

/* Both forms together: every message of the second is a duplicate. */
TEST(oasst1_duplicate_messages)
{
    rsink one, two;
    ts_import_opts o = opts(TS_KIND_SFT, 0, NULL, NULL);
    const char *const both[] = {FIXTURE("oasst1/trees.jsonl"), FIXTURE("oasst1/messages.jsonl"), NULL};
    CHECK_INT(run(NESTED, &o, &one), 0);
    CHECK_INT(run(both, &o, &two), 0);
    CHECK_STR(ids(&two), ids(&one));
    CHECK_INT(dropped(&two, "duplicate_message"), 26);
    CHECK_BALANCED(two);
    rsink_free(&one);
    rsink_free(&two);
}

static int feed(const char *json, rsink *t)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    ts_err e = TS_ERR_INIT;
    int rc = ts_json_parse(json, strlen(json), &a, NULL, &v, &e);
    void *st;
    ts_import_opts o = opts(TS_KIND_SFT, 0, NULL, NULL);
    if (!rc)
        rc = ts_format_oasst1.open(&st, &o, &e);
    ts_sink sink = {r_emit, r_drop, r_reject, r_read, r_drop_n, t};
    if (!rc) {
        rc = ts_format_oasst1.record(st, v, &sink, &a, &e);
        if (!rc)
            rc = ts_format_oasst1.finish(st, &sink, &a, &e);
        ts_format_oasst1.close(st);
    }
    ts_arena_release(&a);
    return rc;
}

TEST(oasst1_rejects)
{
    static const struct {
        const char *row, *why;
    } cases[] = {
        {"{\"message_id\":\"m\",\"parent_id\":null,\"text\":\"hi\",\"role\":\"system\"}",
         "message m: role must be prompter or assistant, not \"system\""},
        {"{\"parent_id\":null,\"text\":\"hi\",\"role\":\"prompter\"}",
         "neither a message (message_id) nor a tree (message_tree_id, prompt)"},
        {"{\"message_id\":\"m\",\"parent_id\":null,\"text\":7,\"role\":\"prompter\"}",
         "message m: text missing or not a string"},
        {"{\"message_id\":\"m\",\"parent_id\":null,\"text\":\"hi\",\"role\":\"prompter\",\"rank\":-1}",
         "message m: rank must be a non-negative integer or null"},
        /* One bad reply rejects the whole tree row. */
        {"{\"message_tree_id\":\"m\",\"tree_state\":\"ready_for_export\",\"prompt\":{\"message_id\":\"m\","
         "\"text\":\"hi\",\"role\":\"prompter\",\"replies\":[{\"message_id\":\"r\",\"text\":\"\","
         "\"role\":\"assistant\",\"replies\":[]}]}}",
         "message r: text is empty"},
        {"[1,2]", "a row must be a JSON object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rsink t;
        memset(&t, 0, sizeof t);
        CHECK_INT(feed(cases[i].row, &t), 0);
        CHECK_INT(t.rejected, 1);
        CHECK_INT(t.nout, 0);
        CHECK_STR(t.why, cases[i].why);
        CHECK_BALANCED(t);
    }
    /* A whole ranked pair in one nested row, with ranks spelled 0.0/1.0. */
    rsink t;
    memset(&t, 0, sizeof t);
    CHECK_INT(feed("{\"message_id\":\"q\",\"text\":\"hi\",\"role\":\"prompter\",\"replies\":["
                   "{\"message_id\":\"x\",\"text\":\"a\",\"role\":\"assistant\",\"rank\":1.0},"
                   "{\"message_id\":\"y\",\"text\":\"b\",\"role\":\"assistant\",\"rank\":0.0}]}",
                   &t),
              0);
    CHECK_STR(ids(&t), "oasst1/x,oasst1/y");
    rsink_free(&t);
}

TEST(oasst1_detect_and_options)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row, *tree;
    const char *r = "{\"message_id\":\"m\",\"parent_id\":null,\"text\":\"hi\",\"role\":\"prompter\"}";
    const char *tr = "{\"message_tree_id\":\"m\",\"tree_state\":\"ready_for_export\",\"prompt\":{}}";
    CHECK_INT(ts_json_parse(r, strlen(r), &a, NULL, &row, NULL), 0);
    CHECK_INT(ts_json_parse(tr, strlen(tr), &a, NULL, &tree, NULL), 0);
    CHECK(ts_format_detect(row, NULL) == &ts_format_oasst1);
    CHECK(ts_format_detect(tree, NULL) == &ts_format_oasst1);
    CHECK(ts_format_find("oasst1") == &ts_format_oasst1);
    ts_arena_release(&a);

    void *st = NULL;
    ts_err e = TS_ERR_INIT;
    ts_import_opts o = opts(TS_KIND_PREF, 0, "best", NULL);
    CHECK_INT(ts_format_oasst1.open(&st, &o, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "--pairs"));
}
