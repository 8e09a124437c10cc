/* ts_json_pick on data: every JSONTestSuite test_parsing file, every
 * record of the shared samples (../shared/data, read at test time and
 * skipped when absent) and of tests/fixtures, and errors at every offset
 * of a record; both scans against the parser and writer (pick_check.h). */
#include <dirent.h>

#include "pick_check.h"
#include "tuneset/stream.h"

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
