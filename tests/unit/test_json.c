/* The JSON parser, writer and builder. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/json.h"

/* Parses text and writes it back compactly into out (NUL-terminated). */
static int roundtrip(const char *text, char *out, size_t cap, ts_err *err)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    int rc = ts_json_parse(text, strlen(text), &a, NULL, &v, err);
    if (!rc) {
        ts_buf b;
        ts_buf_init(&b, 0);
        rc = ts_json_write(&b, v);
        snprintf(out, cap, "%.*s", (int)b.len, b.data);
        ts_buf_release(&b);
    }
    ts_arena_release(&a);
    return rc;
}

TEST(json_roundtrip_compact_keeps_order_and_number_text)
{
    char out[256];
    ts_err e = TS_ERR_INIT;
    CHECK_INT(roundtrip(" { \"b\" : 1.50 , \"a\" : [ true , false , null , -0 , 1E+2 ] } ", out, sizeof out, &e), 0);
    CHECK_STR(out, "{\"b\":1.50,\"a\":[true,false,null,-0,1E+2]}");
    CHECK_INT(roundtrip("123456789012345678901234567890", out, sizeof out, &e), 0);
    CHECK_STR(out, "123456789012345678901234567890");
}

TEST(json_unicode_escapes_decode_to_raw_utf8)
{
    char out[256];
    ts_err e = TS_ERR_INIT;
    /* é, 한, and U+1D11E (musical G clef) as a surrogate pair */
    CHECK_INT(roundtrip("\"\\u00e9\\uD55C\\ud834\\udd1e\"", out, sizeof out, &e), 0);
    CHECK_STR(out, "\"\xC3\xA9\xED\x95\x9C\xF0\x9D\x84\x9E\"");
    /* raw UTF-8 passes through untouched */
    CHECK_INT(roundtrip("\"caf\xC3\xA9 \xF0\x9F\x98\x80\"", out, sizeof out, &e), 0);
    CHECK_STR(out, "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(json_writer_escapes_only_what_json_requires)
{
    char out[256];
    ts_err e = TS_ERR_INIT;
    CHECK_INT(roundtrip("\"q\\\" b\\\\ s\\/ n\\n t\\t c\\u0001 z\\u0000\"", out, sizeof out, &e), 0);
    CHECK_STR(out, "\"q\\\" b\\\\ s/ n\\n t\\t c\\u0001 z\\u0000\"");
}

static void expect_error(const char *text, int code, uint64_t byte)
{
    char out[64];
    ts_err e = TS_ERR_INIT;
    int rc = roundtrip(text, out, sizeof out, &e);
    if (rc != code || e.byte != byte)
        test_fail(__FILE__, __LINE__, "%s: got rc %d at byte %llu (%s), expected %d at %llu", text, rc,
                  (unsigned long long)e.byte, e.msg, code, (unsigned long long)byte);
}

TEST(json_errors_name_the_byte)
{
    expect_error("[1,2,]", TS_ESYNTAX, 5);
    expect_error("{\"a\" 1}", TS_ESYNTAX, 5);
    expect_error("[01]", TS_ESYNTAX, 2);
    expect_error("\"abc", TS_ESYNTAX, 4);
    expect_error("\"a\tb\"", TS_ESYNTAX, 2);
    expect_error("\"\\ud800\"", TS_EUTF8, 1);
    expect_error("\"\\udc00\"", TS_EUTF8, 1);
    expect_error("\"\\ud800\\u0041\"", TS_EUTF8, 1);
    expect_error("\"a\xC3\x28\"", TS_EUTF8, 2);
    expect_error("\"\xED\xA0\x80\"", TS_EUTF8, 1);  /* UTF-8 encoded surrogate */
    expect_error("\"\xC0\xAF\"", TS_EUTF8, 1);      /* overlong */
    expect_error("\"\xF4\x90\x80\x80\"", TS_EUTF8, 1); /* past U+10FFFF */
    expect_error("[1] x", TS_ESYNTAX, 4);
    expect_error("", TS_ESYNTAX, 0);
    expect_error("[tru]", TS_ESYNTAX, 1);
    expect_error("{\"a\":1,}", TS_ESYNTAX, 7);
    expect_error("[1\x00]", TS_ESYNTAX, 2);
}

TEST(json_depth_cap_is_an_error_not_a_crash)
{
    size_t n = 100000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = 0;
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_json_parse(deep, 2 * n, &a, NULL, &v, &e), TS_EDEPTH);
    CHECK_INT(e.byte, 1000);
    ts_json_opts o = {.max_depth = 200000};
    CHECK_INT(ts_json_parse(deep, 2 * n, &a, &o, &v, &e), 0);
    ts_arena_release(&a);
    free(deep);
}

TEST(json_string_cap)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    ts_err e = TS_ERR_INIT;
    ts_json_opts o = {.max_string = 4};
    CHECK_INT(ts_json_parse("\"abcd\"", 6, &a, &o, &v, &e), 0);
    CHECK_INT(ts_json_parse("\"abcde\"", 7, &a, &o, &v, &e), TS_ETOOBIG);
    CHECK_INT(ts_json_parse("\"ab\\ncd\"", 8, &a, &o, &v, &e), TS_ETOOBIG);
    ts_arena_release(&a);
}

TEST(json_accessors)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    const char *t = "{\"s\":\"x\",\"i\":-42,\"d\":2.5e1,\"big\":99999999999999999999,\"arr\":[1,2]}";
    CHECK_INT(ts_json_parse(t, strlen(t), &a, NULL, &v, NULL), 0);
    CHECK(ts_json_str_eq(ts_json_get(v, "s"), "x"));
    CHECK(ts_json_get(v, "missing") == NULL);
    int64_t i;
    double d;
    CHECK_INT(ts_json_int64(ts_json_get(v, "i"), &i), 0);
    CHECK_INT(i, -42);
    CHECK_INT(ts_json_int64(ts_json_get(v, "d"), &i), TS_EINVAL);
    CHECK_INT(ts_json_double(ts_json_get(v, "d"), &d), 0);
    CHECK(d == 25.0);
    CHECK_INT(ts_json_int64(ts_json_get(v, "big"), &i), TS_EINVAL);
    CHECK_INT(ts_json_at(ts_json_get(v, "arr"), 1)->type, TS_JSON_NUMBER);
    CHECK(ts_json_at(ts_json_get(v, "arr"), 2) == NULL);
    ts_json *c = ts_json_clone(&a, v);
    CHECK(c && ts_json_equal(c, v));
    ts_arena_release(&a);
}

TEST(json_builder_makes_records)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_jb b;
    ts_jb_init(&b, &a);
    ts_jb_object(&b);
    ts_jb_key(&b, "messages");
    ts_jb_array(&b);
    ts_jb_object(&b);
    ts_jb_key(&b, "role");
    ts_jb_cstr(&b, "user");
    ts_jb_key(&b, "content");
    ts_jb_cstr(&b, "say \"hi\"\n");
    ts_jb_end(&b);
    ts_jb_end(&b);
    ts_jb_key(&b, "n");
    ts_jb_int(&b, -7);
    ts_jb_key(&b, "x");
    ts_jb_double(&b, 0.1);
    ts_jb_key(&b, "ok");
    ts_jb_bool(&b, true);
    ts_jb_key(&b, "none");
    ts_jb_null(&b);
    ts_jb_end(&b);
    ts_json *v;
    CHECK_INT(ts_jb_finish(&b, &v), 0);
    ts_buf out;
    ts_buf_init(&out, 0);
    CHECK_INT(ts_json_write(&out, v), 0);
    ts_buf_putc(&out, 0);
    CHECK_STR(out.data, "{\"messages\":[{\"role\":\"user\",\"content\":\"say \\\"hi\\\"\\n\"}],\"n\":-7,\"x\":0.1,"
                        "\"ok\":true,\"none\":null}");
    /* unbalanced: a key without a value */
    ts_jb_object(&b);
    ts_jb_key(&b, "k");
    ts_jb_end(&b);
    CHECK_INT(ts_jb_finish(&b, &v), TS_EINVAL);
    ts_buf_release(&out);
    ts_jb_release(&b);
    ts_arena_release(&a);
}

TEST(json_buf_cap_is_enforced)
{
    ts_buf b;
    ts_buf_init(&b, 8);
    CHECK_INT(ts_buf_append(&b, "12345678", 8), 0);
    CHECK_INT(ts_buf_append(&b, "9", 1), TS_ETOOBIG);
    CHECK_INT(b.len, 8);
    ts_buf_release(&b);
}
