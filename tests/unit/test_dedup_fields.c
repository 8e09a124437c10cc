/* The two readings of a record's dedup fields — from its tree, and from a
 * ts_json_pick scan of its text — must give the same normalized text, id
 * and score for every field choice: the dedup command reads JSON through
 * the scan, recipes and Parquet rows through the tree. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/curate_dedup.h"
#include "tuneset/stream.h"

typedef struct {
    ts_json_pick *k;
    ts_dedup_text a, b;
    ts_buf out;
    ts_arena arena;
    long checked, rejected;
} cmp;

static void cmp_init(cmp *c)
{
    c->k = ts_dedup_pick_new(NULL);
    ts_dedup_text_init(&c->a);
    ts_dedup_text_init(&c->b);
    ts_buf_init(&c->out, 0);
    ts_arena_init(&c->arena);
    c->checked = c->rejected = 0;
}

static void cmp_release(cmp *c)
{
    ts_json_pick_free(c->k);
    ts_dedup_text_release(&c->a);
    ts_dedup_text_release(&c->b);
    ts_buf_release(&c->out);
    ts_arena_release(&c->arena);
}

/* 0 when both readings agree on text (and its words), id and score for all
 * three field choices; the failing choice + 1 otherwise. */
static int agree(cmp *c, const char *text, size_t n)
{
    ts_arena_reset(&c->arena);
    ts_json *rec;
    int prc = ts_json_parse(text, n, &c->arena, NULL, &rec, NULL);
    c->out.len = 0;
    int krc = ts_json_pick_scan(c->k, text, n, &c->out, NULL);
    if ((prc == 0) != (krc == 0))
        return 100;
    if (prc) {
        c->rejected++;
        return 0;
    }
    for (int f = 0; f < 3; f++) {
        if (ts_dedup_text_of(&c->a, rec, (ts_dedup_fields)f) ||
            ts_dedup_text_of_picked(&c->b, c->k, (ts_dedup_fields)f))
            return 50;
        /* (no memcmp on empty buffers: their pointers may be NULL) */
        const ts_dedup_text *x = &c->a, *y = &c->b;
        if (x->norm.len != y->norm.len || (x->norm.len && memcmp(x->norm.data, y->norm.data, x->norm.len)) ||
            x->nwords != y->nwords || (x->nwords && memcmp(x->words, y->words, x->nwords * sizeof *x->words)))
            return f + 1;
    }
    size_t idlen;
    const char *id = ts_dedup_picked_id(c->k, &idlen);
    const ts_json *tid = ts_json_get(rec, "id");
    bool has = ts_json_is(tid, TS_JSON_STRING);
    if (has != (id != NULL) || (has && (tid->len != idlen || (idlen && memcmp(tid->u.s, id, idlen)))))
        return 10;
    double s1 = ts_dedup_score_of(rec), s2 = ts_dedup_picked_score(c->k);
    if (!(s1 == s2 || (isnan(s1) && isnan(s2))))
        return 11;
    c->checked++;
    return 0;
}

static int agree_s(cmp *c, const char *s) { return agree(c, s, strlen(s)); }

TEST(dedup_fields_tree_and_scan_agree_on_record_shapes)
{
    static const char *const recs[] = {
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be  brief\"},{\"role\":\"user\",\"content\":\"Hi\\nthere\"},"
        "{\"role\":\"assistant\",\"content\":\"Hello!\"},{\"role\":\"user\",\"content\":\"More\"},"
        "{\"role\":\"assistant\",\"content\":\"Sure\"}],\"id\":\"a/1\",\"meta\":{\"score\":2.5}}",
        /* keys escaped, duplicates, content not a string, role missing */
        "{\"mess\\u0061ges\":[{\"con\\u0074ent\":\"X\",\"role\":\"user\",\"content\":\"second\"},"
        "{\"role\":\"assistant\",\"content\":[1,2]},{\"content\":\"no role\"},\"a string turn\"],"
        "\"messages\":\"ignored: not the first\",\"id\":\"dup\",\"id\":\"second id\"}",
        /* messages as a string, as an object, empty, absent */
        "{\"messages\":\"plain text turn\",\"id\":7}",
        "{\"messages\":{\"content\":\"inside an object\"},\"text\":\"t\"}",
        "{\"messages\":[],\"prompt\":\"p\"}",
        "{\"text\":\"  Only\\tTEXT  here \",\"score_chosen\":1e400,\"meta\":{\"score\":-3}}",
        /* preference records: turn lists and strings */
        "{\"prompt\":[{\"role\":\"user\",\"content\":\"Q?\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"good\"}],"
        "\"rejected\":[{\"role\":\"assistant\",\"content\":\"bad\"}],\"score_chosen\":9,\"score_rejected\":1}",
        "{\"prompt\":\"Q\",\"chosen\":\"A\",\"rejected\":\"B\",\"meta\":{\"score\":\"not a number\"}}",
        "{\"prompt\":[{\"role\":\"assistant\",\"content\":\"a first\"},{\"role\":\"user\",\"content\":\"u\"}],"
        "\"chosen\":{\"content\":\"obj\"},\"rejected\":null}",
        /* deeper "content" is not a turn's; roots that are not objects */
        "{\"messages\":[{\"role\":\"user\",\"content\":\"top\",\"meta\":{\"content\":\"deep\"}}]}",
        "[{\"messages\":[{\"role\":\"user\",\"content\":\"in an array\"}]}]",
        "\"just a string\"",
        "  {\"messages\" : [ {\"role\" : \"user\" , \"content\" : \"spaced\\r\\n\" } ] }\r\n",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"\\ud83d\\ude00 \\u00e9\\/\\\"q\\\" \\\\\"}],\"meta\":{}}",
        "{}",
        /* a score too long for a small buffer: both readings convert it alike */
        "{\"text\":\"t\",\"score_chosen\":76666666666666666666666666666666666666666666666666666666666666666666666666}",
        "{\"id\":\"no fields\",\"meta\":{\"score\":0.5,\"score\":9}}",
    };
    cmp c;
    cmp_init(&c);
    for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) {
        int rc = agree_s(&c, recs[i]);
        if (rc)
            test_fail(__FILE__, __LINE__, "record %zu: readings differ (%d)", i, rc);
    }
    CHECK_INT(c.checked, (long)(sizeof recs / sizeof *recs));
    cmp_release(&c);
}

TEST(dedup_fields_picked_values)
{
    cmp c;
    cmp_init(&c);
    CHECK_INT(agree_s(&c, "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello  World\"},"
                          "{\"role\":\"assistant\",\"content\":\"Hi\"}],\"id\":\"x\",\"score_chosen\":2}"), 0);
    ts_dedup_text_of_picked(&c.b, c.k, TS_DEDUP_FIELDS_ALL);
    CHECK_INT(c.b.norm.len, 14);
    CHECK(!memcmp(c.b.norm.data, "hello world\x1ehi", 14));
    ts_dedup_text_of_picked(&c.b, c.k, TS_DEDUP_FIELDS_PROMPT);
    CHECK_INT(c.b.norm.len, 11);
    size_t n;
    CHECK(!memcmp(ts_dedup_picked_id(c.k, &n), "x", 1));
    CHECK(ts_dedup_picked_score(c.k) == 2);
    cmp_release(&c);
}

/* Every line of the JSON Lines samples in ../shared/data, when present. */
TEST(dedup_fields_agree_on_real_samples)
{
    const char *root = "../shared/data";
    DIR *top = opendir(root);
    if (!top)
        return; /* not in this checkout: nothing to compare against */
    cmp c;
    cmp_init(&c);
    struct dirent *d;
    int files = 0;
    while ((d = readdir(top))) {
        if (d->d_name[0] == '.' || !strcmp(d->d_name, "jsontestsuite"))
            continue;
        char dir[512];
        snprintf(dir, sizeof dir, "%s/%s", root, d->d_name);
        DIR *sub = opendir(dir);
        struct dirent *f;
        while (sub && (f = readdir(sub))) {
            size_t len = strlen(f->d_name);
            if (len < 7 || strcmp(f->d_name + len - 6, ".jsonl"))
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, f->d_name);
            ts_stream *s;
            if (ts_stream_open(&s, path, NULL, NULL))
                continue;
            files++;
            const char *text;
            size_t tn;
            int rc, line = 0;
            while ((rc = ts_stream_next_raw(s, &text, &tn, NULL)) != TS_EEOF && line < 5000) {
                line++;
                if (rc)
                    continue;
                int why = agree(&c, text, tn);
                if (why)
                    test_fail(__FILE__, __LINE__, "%s line %d: readings differ (%d)", path, line, why);
            }
            ts_stream_close(s);
        }
        if (sub)
            closedir(sub);
    }
    closedir(top);
    printf("  (%d files, %ld records compared)\n", files, c.checked);
    CHECK(files > 0);
    cmp_release(&c);
}
