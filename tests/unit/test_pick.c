/* ts_json_pick against the parser and the writer: it must accept what the
 * parser accepts (same error code, byte and words otherwise), write the
 * bytes ts_json_write writes, and pick the values ts_json_get finds. Every
 * check runs the default scan (AVX2 when the CPU has it) and the portable
 * one, and counts the records the AVX2 scan did itself, so a test of the
 * fast path cannot pass by always falling back. Data from ../shared/data
 * and JSONTestSuite is read at test time, skipped when absent. */
#include <dirent.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/json.h"
#include "tuneset/stream.h"

#include "../../lib/json/pick_int.h"

typedef struct {
    ts_json_pick *k[2]; /* [0] default scan, [1] portable */
    ts_json_parser *ps;
    const char *const *top, *const *inner;
    ts_arena a;
    ts_buf w, o;
    const ts_json *tree; /* the parsed value of the last accepted check */
    long checked, accepted, fast;
} px;

static bool have_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("bmi2");
#else
    return false;
#endif
}

static void px_init(px *x, const char *const *top, const char *const *inner, const ts_json_opts *o)
{
    memset(x, 0, sizeof *x);
    x->top = top;
    x->inner = inner;
    x->k[0] = ts_json_pick_new(top, inner, o);
    x->k[1] = ts_json_pick_new(top, inner, o);
    x->k[1]->portable = true;
    x->ps = ts_json_parser_new(o);
    ts_arena_init(&x->a);
    ts_buf_init(&x->w, 0);
    ts_buf_init(&x->o, 0);
}

static void px_free(px *x)
{
    ts_json_pick_free(x->k[0]);
    ts_json_pick_free(x->k[1]);
    ts_json_parser_free(x->ps);
    ts_arena_release(&x->a);
    ts_buf_release(&x->w);
    ts_buf_release(&x->o);
}

static char g_what[96]; /* the input, shortened, for failures */
#define BAD(...) (test_fail(__FILE__, __LINE__, __VA_ARGS__), false)

static int key_index(const char *const *list, const ts_json *key)
{
    for (int i = 0; list && list[i]; i++)
        if (strlen(list[i]) == key->len && !memcmp(list[i], key->u.s, key->len))
            return i;
    return -1;
}

static bool same_value(const ts_json_hit *h, const ts_json *v, const char *txt)
{
    if (h->type != v->type)
        return false;
    if (v->type == TS_JSON_STRING || v->type == TS_JSON_NUMBER)
        return h->len == v->len && !memcmp(txt + h->off, v->u.s, v->len);
    return true;
}

/* The hits, in document order, are exactly the first occurrences of the
 * listed keys at the two picked depths, with the tree's values. */
static bool hits_match(const ts_json_pick *k, const ts_json *v, const char *const *top, const char *const *inner)
{
    size_t nh, j = 0;
    const ts_json_hit *h = ts_json_pick_hits(k, &nh);
    const char *txt = ts_json_pick_text(k);
    for (unsigned q = 0; top && top[q]; q++) {
        const ts_json *tv = ts_json_get(v, top[q]);
        const ts_json_hit *t = ts_json_pick_top(k, q);
        if (!tv != !t || (t && (t < h || t >= h + nh)))
            return BAD("%s: top key %s: tree %p, pick %p", g_what, top[q], (void *)tv, (void *)t);
    }
    if (v->type != TS_JSON_OBJECT)
        return nh == 0 ? true : BAD("%s: %zu hits in a root that is no object", g_what, nh);
    for (uint32_t i = 0; i < v->len; i++) {
        const ts_json *key = &v->u.items[2 * i], *tv = key + 1;
        int q = key_index(top, key);
        if (q < 0 || ts_json_getn(v, key->u.s, key->len) != tv)
            continue; /* not picked, or not the first occurrence */
        if (j >= nh || !h[j].top || h[j].key != q || !same_value(&h[j], tv, txt) || ts_json_pick_top(k, (unsigned)q) != &h[j])
            return BAD("%s: top hit %zu (key %s) differs from the tree", g_what, j, top[q]);
        const ts_json_hit *t = &h[j++];
        if (tv->type != TS_JSON_ARRAY && tv->type != TS_JSON_OBJECT)
            continue;
        if (t->len != tv->len || t->first != j)
            return BAD("%s: %s: len %zu first %u, tree len %u", g_what, top[q], t->len, t->first, tv->len);
        for (uint32_t m = 0; m < tv->len; m++) {
            /* a picked object's own members; a picked array's element objects' */
            const ts_json *el = tv, *it;
            uint32_t from = m, to = m + 1;
            if (tv->type == TS_JSON_ARRAY) {
                el = &tv->u.items[m];
                if (el->type != TS_JSON_OBJECT)
                    continue;
                from = 0, to = el->len;
            }
            for (uint32_t p = from; p < to; p++) {
                key = &el->u.items[2 * p], it = key + 1;
                int r = key_index(inner, key);
                if (r < 0 || ts_json_getn(el, key->u.s, key->len) != it)
                    continue;
                if (j >= nh || h[j].top || h[j].key != r || h[j].item != m || !same_value(&h[j], it, txt))
                    return BAD("%s: inner hit %zu (%s[%u].%s) differs from the tree", g_what, j, top[q], m, inner[r]);
                j++;
            }
        }
        if (t->end != j)
            return BAD("%s: %s: end %u, expected %zu", g_what, top[q], t->end, j);
    }
    return j == nh ? true : BAD("%s: %zu hits, expected %zu", g_what, nh, j);
}

static bool same_hits(const ts_json_pick *a, const ts_json_pick *b)
{
    size_t na, nb;
    const ts_json_hit *ha = ts_json_pick_hits(a, &na), *hb = ts_json_pick_hits(b, &nb);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        const ts_json_hit *x = &ha[i], *y = &hb[i];
        if (x->off != y->off || x->len != y->len || x->item != y->item || x->first != y->first ||
            x->end != y->end || x->key != y->key || x->type != y->type || x->top != y->top)
            return false;
        if ((x->type == TS_JSON_STRING || x->type == TS_JSON_NUMBER) &&
            memcmp(ts_json_pick_text(a) + x->off, ts_json_pick_text(b) + y->off, x->len))
            return false;
    }
    return true;
}

/* Did the AVX2 scan do this record itself (no fallback)? */
static bool avx2_did(ts_json_pick *k, const char *text, size_t n, ts_buf *out)
{
    if (ts_buf_reserve(out, n + PK_ROOM) || ts_buf_reserve(&k->text, n + PK_ROOM))
        return false;
    k->nhits = 0;
    k->text.len = 0;
    memset(k->first, 0, sizeof k->first);
    return pk_scan_avx2(k, text, n, out) == 0;
}

/* Parser + writer vs both scans. Returns the parser's code; *ok false
 * (after reporting) when anything differs. x->tree is the parsed value. */
static int check(px *x, const char *text, size_t n, bool *ok)
{
    char *name = g_what;
    snprintf(name, sizeof g_what, "%.*s%s", n > 60 ? 60 : (int)n, text, n > 60 ? "..." : "");
    for (char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = '.'; /* one line a failure */
    *ok = true;
    x->checked++;
    ts_arena_reset(&x->a);
    ts_json *v = NULL;
    ts_err ep = TS_ERR_INIT;
    int rp = ts_json_parser_parse(x->ps, text, n, &x->a, &v, &ep);
    x->w.len = 0;
    if (!rp && ts_json_write(&x->w, v))
        return *ok = BAD("%s: write failed", name), rp;
    x->tree = rp ? NULL : v;
    /* first, as it leaves k[0] as the AVX2 scan left it */
    bool fast = avx2_did(x->k[0], text, n, &x->o);
    if (fast && rp)
        return *ok = BAD("%s: the AVX2 scan accepts what the parser rejects", name), rp;
    for (int s = 0; s < 2; s++) {
        ts_err e = TS_ERR_INIT;
        x->o.len = 0;
        ts_buf_putc(&x->o, 'X'); /* what was there stays */
        int rc = ts_json_pick_scan(x->k[s], text, n, &x->o, &e);
        size_t nh;
        ts_json_pick_hits(x->k[s], &nh);
        if (rc != rp)
            return *ok = BAD("%s [%s]: pick %d, parser %d (%s)", name, s ? "portable" : "avx2", rc, rp, ep.msg), rp;
        if (rp && (e.code != ep.code || e.byte != ep.byte || strcmp(e.msg, ep.msg) || x->o.len != 1 || nh))
            return *ok = BAD("%s [%s]: error %d@%llu '%s', parser %d@%llu '%s'", name, s ? "portable" : "avx2",
                             e.code, (unsigned long long)e.byte, e.msg, ep.code, (unsigned long long)ep.byte, ep.msg),
                   rp;
        if (!rp && (x->o.len != x->w.len + 1 || x->o.data[0] != 'X' || memcmp(x->o.data + 1, x->w.data, x->w.len)))
            return *ok = BAD("%s [%s]: output differs from the writer's", name, s ? "portable" : "avx2"), rp;
        if (!rp && !hits_match(x->k[s], v, x->top, x->inner))
            return *ok = false, rp;
    }
    if (!rp && !same_hits(x->k[0], x->k[1]))
        return *ok = BAD("%s: avx2 and portable hits differ", name), rp;
    if (!rp) {
        x->accepted++;
        x->fast += fast;
    }
    return rp;
}

static int check_str(px *x, const char *text)
{
    bool ok;
    int rc = check(x, text, strlen(text), &ok);
    return ok ? rc : 1000; /* a mismatch is never a code a test expects */
}

/* --- JSONTestSuite ---------------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)len + 1);
    *n = d ? fread(d, 1, (size_t)len, f) : 0;
    fclose(f);
    return d;
}

static const char *const suite_top[] = {"a", "b", "", "foo", "id", "messages", "\xc3\xa9", NULL};
static const char *const suite_inner[] = {"a", "b", "", "c", NULL};

TEST(pick_jsontestsuite)
{
    const char *dir = getenv("TS_JSONTESTSUITE");
    if (!dir)
        dir = "../shared/data/jsontestsuite/test_parsing";
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "  note: JSONTestSuite not found at %s; skipped\n", dir);
        return;
    }
    px x;
    px_init(&x, suite_top, suite_inner, NULL);
    int bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !strstr(de->d_name, ".json"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n;
        char *text = slurp(path, &n);
        bool ok;
        if (text)
            check(&x, text, n, &ok), bad += !ok;
        free(text);
    }
    closedir(d);
    fprintf(stderr, "  pick JSONTestSuite: %ld files, %ld accepted (%ld by the AVX2 scan), %d differ\n", x.checked,
            x.accepted, x.fast, bad);
    CHECK(x.checked >= 300 && x.accepted >= 95);
    CHECK(x.fast > 50 || !have_avx2());
    CHECK_INT(bad, 0);
    px_free(&x);
}

/* --- real samples ----------------------------------------------------------- */

static const char *const data_top[] = {"messages", "prompt", "chosen", "rejected", "text", "id", "meta",
                                       "instruction", "input", "output", "context", "response", "category",
                                       "conversations", "replies", "role", "message_id", "lang", NULL};
static const char *const data_inner[] = {"role", "content", "from", "value", "text", "score", "message_id",
                                         "name", NULL};

/* Every record of path (lines, array elements, .gz), by its raw text. */
static int check_file(px *x, const char *path)
{
    ts_stream *s;
    ts_stream_opts so = {.framing = TS_FRAMING_AUTO};
    if (ts_stream_open(&s, path, &so, NULL))
        return 0;
    int bad = 0;
    ts_arena a;
    ts_arena_init(&a);
    for (;;) {
        ts_json *v;
        ts_arena_reset(&a);
        int rc = ts_stream_next(s, &a, &v, NULL);
        if (rc == TS_EEOF || ts_stream_fatal(s))
            break;
        size_t n;
        const char *raw = ts_stream_raw(s, &n);
        bool ok;
        check(x, raw, n, &ok);
        bad += !ok;
    }
    ts_arena_release(&a);
    ts_stream_close(s);
    return bad;
}

static int check_tree(px *x, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (nm[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, nm);
        size_t l = strlen(nm);
        if (l > 6 && (!strcmp(nm + l - 6, ".jsonl") || !strcmp(nm + l - 5, ".json") || !strcmp(nm + l - 9, ".jsonl.gz")))
            bad += check_file(x, path);
        else if (depth < 3 && !strchr(nm, '.'))
            bad += check_tree(x, path, depth + 1);
    }
    closedir(d);
    return bad;
}

TEST(pick_real_samples)
{
    px x;
    px_init(&x, data_top, data_inner, NULL);
    int bad = 0;
    static const char *const dirs[] = {"../shared/data/alpaca", "../shared/data/dolly", "../shared/data/hh-rlhf",
                                       "../shared/data/oasst1", "../shared/data/sharegpt"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        bad += check_tree(&x, dirs[i], 0);
    long shared = x.checked;
    /* The project's own fixtures: SFT and preference records as tuneset
     * writes them, and the broken ones its tests reject. */
    bad += check_tree(&x, "tests/fixtures", 0);
    fprintf(stderr, "  pick samples: %ld records from ../shared/data, %ld from tests/fixtures; %ld accepted (%ld by the AVX2 scan), %d differ\n",
            shared, x.checked - shared, x.accepted, x.fast, bad);
    CHECK(x.checked - shared > 100);
    CHECK(x.accepted > 0 && (x.fast > x.accepted / 2 || !have_avx2()));
    CHECK_INT(bad, 0);
    px_free(&x);
}

/* --- hits, one by one ------------------------------------------------------- */

static const char *const rec_top[] = {"messages", "prompt", "chosen", "rejected", "id", "meta", "\xf0\x9f\x98\x80", NULL};
static const char *const rec_inner[] = {"role", "content", "score", NULL};
enum { T_MESSAGES, T_PROMPT, T_CHOSEN, T_REJECTED, T_ID, T_META, T_SMILEY };
enum { I_ROLE, I_CONTENT, I_SCORE };

/* Hit i is (top, key, item, type) with decoded text s (NULL: not a
 * string or number), or for top containers len s-less. */
static bool hit_is(const ts_json_pick *k, size_t i, bool top, int key, uint32_t item, int type, const char *s)
{
    size_t nh;
    const ts_json_hit *h = ts_json_pick_hits(k, &nh);
    if (i >= nh)
        return BAD("hit %zu of %zu", i, nh);
    h += i;
    if (h->top != top || h->key != key || (!top && h->item != item) || h->type != type)
        return BAD("hit %zu: top %d key %u item %u type %u", i, h->top, h->key, h->item, h->type);
    if (s && (h->len != strlen(s) || memcmp(ts_json_pick_text(k) + h->off, s, h->len)))
        return BAD("hit %zu: '%.*s', expected '%s'", i, (int)h->len, ts_json_pick_text(k) + h->off, s);
    return true;
}

static size_t nhits(const ts_json_pick *k)
{
    size_t n;
    ts_json_pick_hits(k, &n);
    return n;
}

/* Both scans of x give the hits listed (checked on both). */
#define HITS(x, ...)                                                            \
    for (int s_ = 0; s_ < 2; s_++) {                                            \
        const ts_json_pick *k = (x)->k[s_];                                     \
        __VA_ARGS__                                                             \
    }

TEST(pick_hits_sft)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    /* escapes in values and keys; a "content" nested deeper is not picked;
     * duplicate inner keys keep the first */
    const char *r = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    "{\"r\\u006fle\":\"user\",\"con\\u0074ent\":\"Say \\\"hi\\\"\\n\\\\ \\/ caf\\u00e9 \\ud83d\\ude00\"},"
                    "{\"content\":\"deep\",\"role\":\"assistant\",\"x\":{\"content\":\"no\"},\"role\":\"again\"}],"
                    "\"id\":\"r1\",\"source\":\"t\",\"meta\":{\"score\":4.5e-1,\"lang\":\"en\",\"content\":\"m\",\"score\":9}}";
    CHECK_INT(check_str(&x, r), 0);
    HITS(&x, {
        CHECK_INT(nhits(k), 11);
        CHECK(hit_is(k, 0, true, T_MESSAGES, 0, TS_JSON_ARRAY, NULL));
        const ts_json_hit *m = ts_json_pick_top(k, T_MESSAGES);
        CHECK(m == ts_json_pick_hits(k, &(size_t){0}));
        CHECK_INT(m->len, 3);
        CHECK_INT(m->first, 1);
        CHECK_INT(m->end, 7);
        CHECK(hit_is(k, 1, false, I_ROLE, 0, TS_JSON_STRING, "system"));
        CHECK(hit_is(k, 2, false, I_CONTENT, 0, TS_JSON_STRING, "Be brief."));
        CHECK(hit_is(k, 3, false, I_ROLE, 1, TS_JSON_STRING, "user"));
        CHECK(hit_is(k, 4, false, I_CONTENT, 1, TS_JSON_STRING, "Say \"hi\"\n\\ / caf\xc3\xa9 \xf0\x9f\x98\x80"));
        CHECK(hit_is(k, 5, false, I_CONTENT, 2, TS_JSON_STRING, "deep"));
        CHECK(hit_is(k, 6, false, I_ROLE, 2, TS_JSON_STRING, "assistant"));
        CHECK(hit_is(k, 7, true, T_ID, 0, TS_JSON_STRING, "r1"));
        CHECK(hit_is(k, 8, true, T_META, 0, TS_JSON_OBJECT, NULL));
        const ts_json_hit *mt = ts_json_pick_top(k, T_META);
        CHECK_INT(mt->len, 4);
        CHECK_INT(mt->first, 9);
        CHECK_INT(mt->end, 11);
        CHECK(hit_is(k, 9, false, I_SCORE, 0, TS_JSON_NUMBER, "4.5e-1"));
        CHECK(hit_is(k, 10, false, I_CONTENT, 2, TS_JSON_STRING, "m"));
        CHECK(!ts_json_pick_top(k, T_PROMPT) && !ts_json_pick_top(k, T_CHOSEN));
    });
    px_free(&x);
}

TEST(pick_hits_preference)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    /* prompt as a string, chosen/rejected as turn lists */
    CHECK_INT(check_str(&x, "{\"prompt\":\"Why?\",\"chosen\":[{\"role\":\"assistant\",\"content\":\"Because.\"}],"
                            "\"rejected\":[{\"role\":\"assistant\",\"content\":\"No.\"}],\"score_chosen\":8,"
                            "\"score_rejected\":2,\"id\":\"p1\",\"meta\":{}}"),
              0);
    HITS(&x, {
        CHECK_INT(nhits(k), 9);
        CHECK(hit_is(k, 0, true, T_PROMPT, 0, TS_JSON_STRING, "Why?"));
        CHECK(hit_is(k, 1, true, T_CHOSEN, 0, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 3, false, I_CONTENT, 0, TS_JSON_STRING, "Because."));
        CHECK(hit_is(k, 4, true, T_REJECTED, 0, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 6, false, I_CONTENT, 0, TS_JSON_STRING, "No."));
        CHECK(hit_is(k, 7, true, T_ID, 0, TS_JSON_STRING, "p1"));
        const ts_json_hit *mt = ts_json_pick_top(k, T_META);
        CHECK(mt && mt->type == TS_JSON_OBJECT && mt->len == 0 && mt->first == mt->end);
    });
    /* prompt as a turn list; duplicate top keys keep the first; an empty
     * array; elements that are not objects count as items */
    CHECK_INT(check_str(&x, "{\"prompt\":[\"x\",{\"content\":[1,{\"content\":\"in\"}],\"role\":null},{}],"
                            "\"id\":\"first\",\"chosen\":[],\"id\":\"second\",\"prompt\":\"later\",\"meta\":{\"score\":true}}"),
              0);
    HITS(&x, {
        CHECK_INT(nhits(k), 7);
        const ts_json_hit *p = ts_json_pick_top(k, T_PROMPT);
        CHECK(p && p->type == TS_JSON_ARRAY && p->len == 3 && p->first == 1 && p->end == 3);
        CHECK(hit_is(k, 1, false, I_CONTENT, 1, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 2, false, I_ROLE, 1, TS_JSON_NULL, NULL));
        CHECK(hit_is(k, 3, true, T_ID, 0, TS_JSON_STRING, "first"));
        const ts_json_hit *c = ts_json_pick_top(k, T_CHOSEN);
        CHECK(c && c->type == TS_JSON_ARRAY && c->len == 0 && c->first == c->end);
        CHECK(hit_is(k, 6, false, I_SCORE, 0, TS_JSON_TRUE, NULL));
    });
    /* picks only at the right depths: a root array picks nothing, nor do
     * the same keys one level down */
    CHECK_INT(check_str(&x, "[{\"id\":\"x\",\"messages\":[{\"role\":\"u\"}]}]"), 0);
    HITS(&x, { CHECK_INT(nhits(k), 0); CHECK(!ts_json_pick_top(k, T_ID)); });
    CHECK_INT(check_str(&x, "{\"x\":{\"id\":\"no\",\"messages\":[{\"role\":\"no\"}]},\"role\":\"no\",\"messages\":\"s\"}"), 0);
    HITS(&x, { CHECK_INT(nhits(k), 1); CHECK(hit_is(k, 0, true, T_MESSAGES, 0, TS_JSON_STRING, "s")); });
    CHECK_INT(check_str(&x, "\"messages\""), 0);
    HITS(&x, { CHECK_INT(nhits(k), 0); });
    /* a top key written with a surrogate pair; an inner object's members */
    CHECK_INT(check_str(&x, "{\"\\ud83d\\ude00\":{\"role\":{\"role\":1},\"score\":-0.0}}"), 0);
    HITS(&x, {
        CHECK_INT(nhits(k), 3);
        CHECK(hit_is(k, 0, true, T_SMILEY, 0, TS_JSON_OBJECT, NULL));
        CHECK(hit_is(k, 1, false, I_ROLE, 0, TS_JSON_OBJECT, NULL));
        CHECK(hit_is(k, 2, false, I_SCORE, 1, TS_JSON_NUMBER, "-0.0"));
    });
    px_free(&x);
}

TEST(pick_layouts)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    static const char *const layouts[] = {
        "{\n  \"messages\": [\n    {\n      \"role\": \"user\",\n      \"content\": \"a b\"\n    }\n  ],\n  \"id\": \"L\"\n}\n",
        "\r\n{\r\n\t\"messages\" :\t[ { \"role\" : \"user\" ,\r\n\"content\":\"a b\" } ] ,\r\n\t\"id\"\t:\t\"L\"\r\n}\r\n",
        "\t\t{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"id\":\"L\"}                                                                   ",
        "                                                              {\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"id\":\"L\"}",
    };
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
        CHECK_INT(check_str(&x, layouts[i]), 0);
        CHECK_STR(x.w.data ? (ts_buf_putc(&x.w, 0), x.w.data) : NULL,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"id\":\"L\"}");
        HITS(&x, {
            CHECK_INT(nhits(k), 4);
            CHECK(hit_is(k, 1, false, I_ROLE, 0, TS_JSON_STRING, "user"));
            CHECK(hit_is(k, 2, false, I_CONTENT, 0, TS_JSON_STRING, "a b"));
            CHECK(hit_is(k, 3, true, T_ID, 0, TS_JSON_STRING, "L"));
        });
    }
    CHECK(x.fast == 4 || !have_avx2());
    px_free(&x);
}

/* --- 64-byte blocks: every position of quotes, escapes and UTF-8 ------------ */

typedef struct {
    const char *raw, *dec;
} unit;

/* Escapes the AVX2 scan does itself, and ones it leaves to the portable
 * scan (the writer writes them otherwise). */
static const unit fast_units[] = {{"a", "a"}, {"\\n", "\n"}, {"\\\"", "\""}, {"\\\\", "\\"},
                                  {"\xc3\xa9", "\xc3\xa9"}, {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
                                  {"\xe4\xb8\xad", "\xe4\xb8\xad"}, {" ", " "}, {"\\t", "\t"}, {"\\b", "\b"},
                                  {"\\\\", "\\"}, {"\\\\", "\\"}, {"\\\"", "\""}, {"z", "z"}};
static const unit slow_units[] = {{"a", "a"}, {"\\/", "/"}, {"\\u00e9", "\xc3\xa9"},
                                  {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"}, {"\\u0041", "A"},
                                  {"\\u001f", "\x1f"}, {"\\\\", "\\"}, {"\\r", "\r"}};

static const char *const blk_top[] = {"messages", "id", "meta", NULL};
static const char *const blk_inner[] = {"role", "content", "say \"x\"", "score", NULL};

/* One record: pad blanks, then S (units[r..r+len) cyclically) as a picked
 * value, a picked id, an unpicked key, and an inner key with escapes. */
static bool block_case(px *x, const unit *u, size_t nu, size_t r, size_t len, size_t pad, ts_buf *t, ts_buf *dec)
{
    t->len = dec->len = 0;
    for (size_t i = 0; i < len; i++) {
        const unit *v = &u[(r + i) % nu];
        ts_buf_append(t, v->raw, strlen(v->raw));
        ts_buf_append(dec, v->dec, strlen(v->dec));
    }
    ts_buf_putc(t, 0);
    char *s = strdup(t->data);
    t->len = 0;
    for (size_t i = 0; i < pad; i++)
        ts_buf_putc(t, i % 5 == 4 ? '\n' : ' ');
    ts_buf_printf(t, "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"},{\"say \\\"x\\\"\":\"%s\",\"role\":\"a\"}],"
                     "\"%s\":0,\"id\":\"%s\",\"meta\":{\"score\":%zu}}",
                  s, s, s, s, len);
    free(s);
    bool ok;
    if (check(x, t->data, t->len, &ok) || !ok)
        return ok ? BAD("rejected: %s", g_what) : false;
    ts_buf_putc(dec, 0);
    char num[32];
    snprintf(num, sizeof num, "%zu", len);
    HITS(x, {
        if (nhits(k) != 8 || !hit_is(k, 2, false, 1, 0, TS_JSON_STRING, dec->data) ||
            !hit_is(k, 3, false, 2, 1, TS_JSON_STRING, dec->data) || !hit_is(k, 4, false, 0, 1, TS_JSON_STRING, "a") ||
            !hit_is(k, 5, true, 1, 0, TS_JSON_STRING, dec->data) || !hit_is(k, 6, true, 2, 0, TS_JSON_OBJECT, NULL) ||
            !hit_is(k, 7, false, 3, 0, TS_JSON_NUMBER, num))
            return BAD("len %zu pad %zu rot %zu: hits", len, pad, r);
    });
    return true;
}

TEST(pick_block_boundaries)
{
    px x;
    px_init(&x, blk_top, blk_inner, NULL);
    ts_buf t, dec;
    ts_buf_init(&t, 0);
    ts_buf_init(&dec, 0);
    long fast_records = 0;
    for (int set = 0; set < 2; set++) {
        const unit *u = set ? slow_units : fast_units;
        size_t nu = set ? sizeof slow_units / sizeof *slow_units : sizeof fast_units / sizeof *fast_units;
        long fast0 = x.fast;
        for (size_t r = 0; r < nu; r++)
            for (size_t len = 0; len <= 200; len++)
                for (size_t p = 0; p < 4; p++) {
                    size_t pad = p == 3 ? (len * 13 + r * 5 + 32) % 64 : p == 2 ? (len * 7 + r) % 64 : p;
                    if (!block_case(&x, u, nu, r, len, pad, &t, &dec)) {
                        CHECK(!"block case");
                    }
                    fast_records += !set;
                }
        if (set == 0)
            CHECK(x.fast - fast0 == fast_records || !have_avx2()); /* none fell back */
    }
    fprintf(stderr, "  pick blocks: %ld records, %ld by the AVX2 scan\n", x.checked, x.fast);
    ts_buf_release(&t);
    ts_buf_release(&dec);
    px_free(&x);
}

/* --- errors: the parser's code, byte and words ------------------------------ */

/* A record of about 150 bytes: strings, numbers, literals, nesting. */
static const char err_base[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story about a cat, "
                               "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80\"}],\"id\":\"e1\",\"meta\":{\"score\":-1.5e3,"
                               "\"ok\":true,\"no\":null,\"x\":[1,2,{}]}}";

/* Checks text with bytes ins inserted at offset at (replacing rep bytes). */
static int check_edit(px *x, size_t at, size_t rep, const char *ins, size_t nins, int *bad)
{
    size_t n = sizeof err_base - 1;
    char buf[sizeof err_base + 16];
    memcpy(buf, err_base, at);
    memcpy(buf + at, ins, nins);
    memcpy(buf + at + nins, err_base + at + rep, n - at - rep);
    bool ok;
    int rc = check(x, buf, n - rep + nins, &ok);
    *bad += !ok;
    return rc;
}

TEST(pick_errors_utf8_and_controls)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    static const char *const bad_utf8[] = {"\xff", "\xc3\x28", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
                                           "\xe2\x82", "\x80", "\xf0\x9f\x98"};
    size_t n = sizeof err_base - 1;
    int bad = 0, utf8 = 0, ctl = 0, trunc = 0;
    for (size_t at = 0; at <= n; at++) {
        for (size_t b = 0; b < sizeof bad_utf8 / sizeof *bad_utf8; b++)
            utf8 += check_edit(&x, at, 0, bad_utf8[b], strlen(bad_utf8[b]), &bad) == TS_EUTF8;
        /* a raw control byte (and DEL, which JSON allows in strings) */
        static const char ctls[] = {0x01, 0x1f, 0x00, 0x0b, 0x7f};
        for (size_t c = 0; c < sizeof ctls; c++)
            ctl += check_edit(&x, at, at < n, &ctls[c], 1, &bad) == TS_ESYNTAX;
        /* every prefix: unterminated strings, cut numbers, literals, escapes */
        bool ok;
        trunc += check(&x, err_base, at, &ok) != 0;
        bad += !ok;
    }
    fprintf(stderr, "  pick errors: %ld records, %d UTF-8, %d syntax from control bytes, %d cut\n", x.checked,
            utf8, ctl, trunc);
    CHECK_INT(bad, 0);
    CHECK(utf8 > 300 && ctl > 400);
    CHECK_INT(trunc, n); /* every proper prefix is rejected */
    /* an unterminated string at the end; a backslash at the very end */
    CHECK_INT(check_str(&x, "{\"messages\":[{\"content\":\"abc"), TS_ESYNTAX);
    CHECK_INT(check_str(&x, "{\"id\":\"abc\\"), TS_ESYNTAX);
    CHECK_INT(check_str(&x, "{\"id\":\"a\\u12"), TS_ESYNTAX);
    CHECK_INT(check_str(&x, "{\"id\":\"\\ud83d\"}"), TS_EUTF8); /* a lone surrogate */
    CHECK_INT(check_str(&x, "{\"id\":\"x\"} {}"), TS_ESYNTAX);     /* two values */
    CHECK_INT(check_str(&x, "{\"id\":\"x\x7f\"}"), 0);
    px_free(&x);
}

TEST(pick_errors_limits)
{
    ts_json_opts o = {.max_depth = 8, .max_string = 16};
    px x;
    px_init(&x, rec_top, rec_inner, &o);
    char t[256];
    for (int d = 1; d <= 10; d++) {
        /* arrays, objects, and both under a picked key */
        int n = 0;
        for (int i = 0; i < d; i++)
            t[n++] = '[';
        for (int i = 0; i < d; i++)
            t[n++] = ']';
        t[n] = 0;
        CHECK_INT(check_str(&x, t), d <= 8 ? 0 : TS_EDEPTH);
        n = 0;
        for (int i = 0; i < d; i++)
            n += sprintf(t + n, "{\"content\":");
        n += sprintf(t + n, "1");
        for (int i = 0; i < d; i++)
            t[n++] = '}';
        t[n] = 0;
        CHECK_INT(check_str(&x, t), d <= 8 ? 0 : TS_EDEPTH);
        n = sprintf(t, "{\"messages\":[{\"content\":");
        for (int i = 3; i < d; i++) /* three levels to the picked value */
            t[n++] = '[';
        n += sprintf(t + n, "\"x\"");
        for (int i = 3; i < d; i++)
            t[n++] = ']';
        n += sprintf(t + n, "}]}");
        CHECK_INT(check_str(&x, t), d <= 8 ? 0 : TS_EDEPTH);
    }
    /* max_string counts decoded bytes, in values and in keys */
    static const struct {
        const char *text;
        int rc;
    } strs[] = {
        {"{\"id\":\"0123456789abcdef\"}", 0},
        {"{\"id\":\"0123456789abcdefg\"}", TS_ETOOBIG},
        {"{\"id\":\"\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"}", 0},
        {"{\"id\":\"\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"}", TS_ETOOBIG},
        {"{\"id\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", 0},
        {"{\"id\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9!\"}", TS_ETOOBIG},
        {"{\"id\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}", 0},
        {"{\"id\":\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\"}", 0},
        {"{\"id\":\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00x\"}", TS_ETOOBIG},
        {"{\"0123456789abcdef\":1}", 0},
        {"{\"0123456789abcdefg\":1}", TS_ETOOBIG},
        {"{\"messages\":[{\"content\":\"0123456789abcdef\\/\"}]}", TS_ETOOBIG},
        {"[\"\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\", \"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\"]", TS_ETOOBIG},
    };
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        CHECK_INT(check_str(&x, strs[i].text), strs[i].rc);
    px_free(&x);
}

/* --- the key lists' limits, and state between scans ------------------------- */

TEST(pick_key_limits)
{
    static char names[2][33][8];
    const char *top[34] = {0}, *inner[34] = {0};
    for (int i = 0; i < 33; i++) {
        snprintf(names[0][i], sizeof names[0][i], "t%d", i);
        snprintf(names[1][i], sizeof names[1][i], "i%d", i);
        top[i] = names[0][i];
        inner[i] = names[1][i];
    }
    CHECK(!ts_json_pick_new(top, NULL, NULL)); /* 33 keys: too many */
    CHECK(!ts_json_pick_new(NULL, inner, NULL));
    top[32] = inner[32] = NULL;
    px x;
    px_init(&x, top, inner, NULL); /* 32 keys each: the last ones work */
    CHECK(x.k[0] && x.k[1]);
    CHECK_INT(check_str(&x, "{\"t31\":{\"i0\":1,\"i31\":\"last\",\"i31\":\"dup\"},\"t0\":[{\"i31\":2,\"i30\":3}]}"), 0);
    HITS(&x, {
        CHECK_INT(nhits(k), 6);
        CHECK(hit_is(k, 0, true, 31, 0, TS_JSON_OBJECT, NULL));
        CHECK(hit_is(k, 2, false, 31, 1, TS_JSON_STRING, "last"));
        CHECK(hit_is(k, 3, true, 0, 0, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 5, false, 30, 0, TS_JSON_NUMBER, "3"));
    });
    /* a failed scan leaves no hits behind, and appends nothing */
    CHECK_INT(check_str(&x, "{\"t31\":{\"i0\":1},\"t0\":[}"), TS_ESYNTAX);
    HITS(&x, { CHECK_INT(nhits(k), 0); CHECK(!ts_json_pick_top(k, 31) && !ts_json_pick_top(k, 0)); });
    px_free(&x);

    /* keys of 255 bytes match; 256 is too long for a list */
    char long_key[257];
    memset(long_key, 'k', 256);
    long_key[256] = 0;
    const char *too_long[] = {long_key, NULL};
    CHECK(!ts_json_pick_new(too_long, NULL, NULL));
    long_key[255] = 0;
    px_init(&x, too_long, NULL, NULL);
    char doc[700];
    snprintf(doc, sizeof doc, "{\"%sk\":1,\"%s\":2}", long_key, long_key);
    CHECK_INT(check_str(&x, doc), 0);
    HITS(&x, { CHECK_INT(nhits(k), 1); CHECK(hit_is(k, 0, true, 0, 0, TS_JSON_NUMBER, "2")); });
    /* the same key with an escape: the portable scan decodes it */
    snprintf(doc, sizeof doc, "{\"\\u006b%s\":3}", long_key + 1);
    CHECK_INT(check_str(&x, doc), 0);
    HITS(&x, { CHECK_INT(nhits(k), 1); CHECK(hit_is(k, 0, true, 0, 0, TS_JSON_NUMBER, "3")); });
    px_free(&x);

    /* no keys at all: still validates and compacts */
    px_init(&x, NULL, NULL, NULL);
    CHECK_INT(check_str(&x, " { \"messages\" : [ 1 ] } "), 0);
    HITS(&x, { CHECK_INT(nhits(k), 0); });
    CHECK(x.w.len == 16 && x.o.len == 17);
    px_free(&x);
}
