/* ts_json_compact: the bytes ts_json_write gives for the parsed value, or
 * TS_EINVAL (nothing appended) when an escape would be written otherwise. */
#include <string.h>

#include "test.h"
#include "tuneset/json.h"

/* 1 when compact(text) == write(parse(text)); 0 when compact refused. */
static int same_as_writer(const char *text)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    ts_buf w, c;
    ts_buf_init(&w, 0);
    ts_buf_init(&c, 0);
    int ok = -1;
    if (ts_json_parse(text, strlen(text), &a, NULL, &v, NULL) == 0 && ts_json_write(&w, v) == 0) {
        ts_buf_putc(&c, 'X'); /* what was there stays */
        int rc = ts_json_compact(&c, text, strlen(text));
        if (rc == TS_EINVAL)
            ok = c.len == 1 ? 0 : -1;
        else if (rc == 0)
            ok = c.len == w.len + 1 && !memcmp(c.data + 1, w.data, w.len) && c.data[0] == 'X' ? 1 : -1;
    }
    ts_buf_release(&w);
    ts_buf_release(&c);
    ts_arena_release(&a);
    return ok;
}

TEST(json_compact_matches_writer)
{
    CHECK_INT(same_as_writer("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\\nthere \\\"you\\\"\"}],\r\n"
                             " \"id\": \"a/1\", \"n\": -1.5e+3, \"t\": true, \"f\": false, \"z\": null}"),
              1);
    CHECK_INT(same_as_writer("  [ 1 , [ ] , { } , \"\" , \"a b\\t\\\\\" ]  "), 1);
    /* spaces inside strings stay; long runs cross the 16-byte blocks */
    CHECK_INT(same_as_writer("{\"k\" : \"  many   spaces  and a long run of text, longer than sixteen bytes \"}"), 1);
    CHECK_INT(same_as_writer("\"\\u0000\\u001f\\u0007 korean \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \\b\\f\\r\""), 1);
    CHECK_INT(same_as_writer("{\"dup\": 1, \"dup\": 2}"), 1);
    CHECK_INT(same_as_writer("0"), 1);
}

TEST(json_compact_refuses_other_escapes)
{
    CHECK_INT(same_as_writer("{\"url\": \"a\\/b\"}"), 0);           /* written as "/" */
    CHECK_INT(same_as_writer("\"caf\\u00e9\""), 0);                 /* written as raw UTF-8 */
    CHECK_INT(same_as_writer("\"\\u001F\""), 0);                    /* uppercase hex */
    CHECK_INT(same_as_writer("\"\\u000a\""), 0);                    /* written as \n */
    CHECK_INT(same_as_writer("\"\\ud83d\\ude00\""), 0);             /* a pair: raw UTF-8 */
    CHECK_INT(same_as_writer("[\"ok\", \"then \\/\"]"), 0);         /* refused late: nothing appended */
}
