/* RFC 8259 conformance against JSONTestSuite's test_parsing cases: every
 * y_ file accepted, every n_ file rejected, every i_ file answered without
 * a crash or hang (what each does is listed in docs/json.md and checked
 * here, so a change in behaviour is noticed). The suite is read from
 * $TS_JSONTESTSUITE or ../shared/data/jsontestsuite/test_parsing; in CI
 * (CI=true) a missing suite is a failure. */
#include <dirent.h>
#include <stdlib.h>

#include "test.h"
#include "tuneset/json.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)len + 1);
    *n = fread(d, 1, (size_t)len, f);
    fclose(f);
    return d;
}

/* i_ cases tuneset accepts: big/small numbers keep their exact text, the
 * 500-deep array is within the default depth; everything else (invalid
 * UTF-8, lone surrogates, UTF-16, BOM) is rejected. */
static const char *const accepted_i[] = {
    "i_number_double_huge_neg_exp.json", "i_number_huge_exp.json", "i_number_neg_int_huge_exp.json",
    "i_number_pos_double_huge_exp.json", "i_number_real_neg_overflow.json", "i_number_real_pos_overflow.json",
    "i_number_real_underflow.json", "i_number_too_big_neg_int.json", "i_number_too_big_pos_int.json",
    "i_number_very_big_negative_int.json", "i_structure_500_nested_arrays.json", NULL,
};

static bool in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return true;
    return false;
}

TEST(jsontestsuite_conformance)
{
    const char *dir = getenv("TS_JSONTESTSUITE");
    if (!dir)
        dir = "../shared/data/jsontestsuite/test_parsing";
    DIR *d = opendir(dir);
    if (!d) {
        if (getenv("CI"))
            test_fail(__FILE__, __LINE__, "JSONTestSuite not found at %s", dir);
        else
            fprintf(stderr, "  note: JSONTestSuite not found at %s; set TS_JSONTESTSUITE\n", dir);
        return;
    }
    struct dirent *de;
    int y = 0, n = 0, i = 0, bad = 0;
    ts_arena a;
    ts_arena_init(&a);
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (name[0] == '.' || !strstr(name, ".json"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        size_t len;
        char *text = slurp(path, &len);
        if (!text)
            continue;
        ts_json *v;
        ts_err e = TS_ERR_INIT;
        int rc = ts_json_parse(text, len, &a, NULL, &v, &e);
        bool want_ok = name[0] == 'y' || (name[0] == 'i' && in_list(name, accepted_i));
        if (name[0] == 'y')
            y++;
        else if (name[0] == 'n')
            n++;
        else
            i++;
        if ((rc == 0) != want_ok) {
            test_fail(__FILE__, __LINE__, "%s: %s (%s)", name, rc ? "rejected" : "accepted", e.msg);
            bad++;
        }
        /* Accepted documents must write back and re-parse to the same tree. */
        if (!rc) {
            ts_buf b;
            ts_buf_init(&b, 0);
            ts_json *v2;
            if (ts_json_write(&b, v) || ts_json_parse(b.data, b.len, &a, NULL, &v2, NULL) ||
                !ts_json_equal(v, v2)) {
                test_fail(__FILE__, __LINE__, "%s: does not round-trip", name);
                bad++;
            }
            ts_buf_release(&b);
        }
        free(text);
        ts_arena_reset(&a);
    }
    closedir(d);
    ts_arena_release(&a);
    fprintf(stderr, "  JSONTestSuite: %d y_, %d n_, %d i_ cases, %d unexpected\n", y, n, i, bad);
    CHECK(y >= 95 && n >= 188);
    CHECK_INT(bad, 0);
}
