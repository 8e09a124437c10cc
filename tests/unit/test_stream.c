/* Record streams: JSON Lines and top-level arrays, compressed input,
 * positions in errors, recovery after a bad record, atomic output. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "test.h"
#include "tuneset/io.h"
#include "tuneset/stream.h"

static char tmpdir[] = "/tmp/ts_test_stream_XXXXXX";

static const char *tmp_path(const char *name)
{
    static char path[256];
    static bool made;
    if (!made)
        made = mkdtemp(tmpdir) != NULL;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

/* Reads the whole stream; writes "ok:<json>" or "err:<line>:<byte>:<code>"
 * lines into out. Returns the number of entries. */
static int drain(const char *path, const ts_stream_opts *o, char *out, size_t cap)
{
    ts_stream *s;
    ts_err e = TS_ERR_INIT;
    out[0] = 0;
    if (ts_stream_open(&s, path, o, &e))
        return -1;
    ts_arena a;
    ts_arena_init(&a);
    ts_buf b;
    ts_buf_init(&b, 0);
    int n = 0;
    for (;;) {
        ts_json *v;
        e = (ts_err)TS_ERR_INIT;
        int rc = ts_stream_next(s, &a, &v, &e);
        if (rc == TS_EEOF)
            break;
        size_t len = strlen(out);
        if (rc) {
            snprintf(out + len, cap - len, "err:%llu:%llu:%d\n", (unsigned long long)e.line,
                     (unsigned long long)e.byte, rc);
        } else {
            b.len = 0;
            ts_json_write(&b, v);
            snprintf(out + len, cap - len, "ok:%.*s\n", (int)b.len, b.data);
        }
        n++;
        if (rc && ts_stream_fatal(s))
            break;
        ts_arena_reset(&a);
    }
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_stream_close(s);
    return n;
}

TEST(stream_jsonl_blank_lines_crlf_and_errors_continue)
{
    const char *t = "{\"a\":1}\r\n\n   \n{\"a\":2,}\n{\"a\":3}";
    const char *p = tmp_path("lines.jsonl");
    write_file(p, t, strlen(t));
    char out[1024];
    CHECK_INT(drain(p, NULL, out, sizeof out), 3);
    /* the bad record is line 4, which starts at byte 15; '}' is 6 bytes in */
    CHECK_STR(out, "ok:{\"a\":1}\nerr:4:21:-3\nok:{\"a\":3}\n");
}

TEST(stream_array_element_by_element_with_lines)
{
    const char *t = "\xEF\xBB\xBF[\n  {\"x\": \"a]b\\\"}\"},\n  [1, {\"y\": [2]}],\n  \"s\", 7 ,null\n]\n";
    const char *p = tmp_path("arr.json");
    write_file(p, t, strlen(t));
    char out[1024];
    CHECK_INT(drain(p, NULL, out, sizeof out), 5);
    CHECK_STR(out, "ok:{\"x\":\"a]b\\\"}\"}\nok:[1,{\"y\":[2]}]\nok:\"s\"\nok:7\nok:null\n");
}

TEST(stream_array_error_positions_and_trailing_comma)
{
    const char *t = "[\n{\"a\":1},\n{\"a\":\n  tru},\n{\"a\":3},\n]";
    const char *p = tmp_path("bad.json");
    write_file(p, t, strlen(t));
    char out[1024];
    CHECK_INT(drain(p, NULL, out, sizeof out), 4);
    /* element 2 starts on line 3; the bad literal is on line 4 at byte 19;
     * the trailing comma is on line 5 at byte 32 */
    CHECK_STR(out, "ok:{\"a\":1}\nerr:4:19:-3\nok:{\"a\":3}\nerr:5:32:-3\n");
}

TEST(stream_truncated_array_is_fatal)
{
    const char *t = "[{\"a\":1},{\"a\":[2";
    const char *p = tmp_path("trunc.json");
    write_file(p, t, strlen(t));
    char out[1024];
    CHECK_INT(drain(p, NULL, out, sizeof out), 2);
    CHECK(strstr(out, "ok:{\"a\":1}\nerr:1:") == out);
    CHECK(strstr(out, ":-7\n") != NULL);
}

TEST(stream_empty_file_is_an_error)
{
    const char *p = tmp_path("empty.jsonl");
    write_file(p, "", 0);
    char out[256];
    CHECK_INT(drain(p, NULL, out, sizeof out), 1);
    CHECK_STR(out, "err:1:0:-3\n");
}

TEST(stream_overlong_line_is_skipped_and_reading_goes_on)
{
    size_t big = 3u << 20;
    char *t = malloc(big + 64);
    size_t n = (size_t)sprintf(t, "{\"a\":1}\n{\"b\":\"");
    memset(t + n, 'x', big);
    n += big;
    n += (size_t)sprintf(t + n, "\"}\n{\"c\":3}\n");
    const char *p = tmp_path("long.jsonl");
    write_file(p, t, n);
    free(t);
    ts_stream_opts o = {.max_record = 1u << 20};
    char out[1024];
    CHECK_INT(drain(p, &o, out, sizeof out), 3);
    CHECK_STR(out, "ok:{\"a\":1}\nerr:2:8:-6\nok:{\"c\":3}\n");
}

TEST(stream_reads_gzip_and_zstd_and_reports_truncation)
{
    const char *t = "{\"k\":\"v\"}\n{\"k\":\"w\"}\n";
    /* gzip via zlib, two members concatenated */
    char gz[256];
    size_t gzlen = 0;
    for (int m = 0; m < 2; m++) {
        z_stream z = {0};
        deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        z.next_in = (unsigned char *)t;
        z.avail_in = (uInt)strlen(t);
        z.next_out = (unsigned char *)gz + gzlen;
        z.avail_out = (uInt)(sizeof gz - gzlen);
        deflate(&z, Z_FINISH);
        gzlen = sizeof gz - z.avail_out;
        deflateEnd(&z);
    }
    const char *p = tmp_path("a.jsonl.gz");
    write_file(p, gz, gzlen);
    char out[1024];
    CHECK_INT(drain(p, NULL, out, sizeof out), 4);
    /* cut the second member short: the records before it still come out,
     * then the truncation is reported */
    write_file(p, gz, gzlen - 12);
    CHECK(drain(p, NULL, out, sizeof out) >= 3);
    const char *two = "ok:{\"k\":\"v\"}\nok:{\"k\":\"w\"}\n";
    CHECK(strncmp(out, two, strlen(two)) == 0);
    CHECK(strstr(out, ":-7\n") != NULL && strstr(out, ":-7\n")[4] == 0);
    char zs[256];
    size_t zlen = ZSTD_compress(zs, sizeof zs, t, strlen(t), 3);
    p = tmp_path("misnamed.jsonl"); /* codec is found by magic, not by name */
    write_file(p, zs, zlen);
    CHECK_INT(drain(p, NULL, out, sizeof out), 2);
    CHECK_STR(out, "ok:{\"k\":\"v\"}\nok:{\"k\":\"w\"}\n");
    write_file(p, zs, zlen - 3);
    drain(p, NULL, out, sizeof out);
    CHECK(strstr(out, ":-7\n") != NULL);
}

TEST(stream_forced_lines_framing_reads_arrays_as_records)
{
    const char *t = "[1,2]\n[3]\n";
    const char *p = tmp_path("arrays.jsonl");
    write_file(p, t, strlen(t));
    char out[256];
    CHECK_INT(drain(p, NULL, out, sizeof out), 2); /* .jsonl name: lines */
    CHECK_STR(out, "ok:[1,2]\nok:[3]\n");
}

TEST(output_is_atomic_and_compressed_by_name)
{
    const char *p = tmp_path("out.jsonl.zst");
    unlink(p);
    ts_out *o;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_out_open(&o, p, &e), 0);
    CHECK_INT(ts_out_write(o, "{\"a\":1}\n", 8, &e), 0);
    CHECK(access(p, F_OK) != 0); /* nothing under the final name yet */
    CHECK_INT(ts_out_commit(o, &e), 0);
    char out[256];
    CHECK_INT(drain(p, NULL, out, sizeof out), 1);
    CHECK_STR(out, "ok:{\"a\":1}\n");
    const char *q = tmp_path("aborted.jsonl");
    unlink(q);
    CHECK_INT(ts_out_open(&o, q, &e), 0);
    CHECK_INT(ts_out_write(o, "x", 1, &e), 0);
    ts_out_abort(o);
    CHECK(access(q, F_OK) != 0);
    /* no temp files left behind in the folder */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -q tmp-", tmpdir);
    CHECK(system(cmd) != 0);
}

TEST(stream_values_framing_for_pretty_json_objects)
{
    const char *t = "{\n  \"a\": [1,\n 2]\n}\n{\"b\": \"}\"} {\"c\":\n3}\n";
    const char *p = tmp_path("pretty.json");
    write_file(p, t, strlen(t));
    char out[256];
    CHECK_INT(drain(p, NULL, out, sizeof out), 3);
    CHECK_STR(out, "ok:{\"a\":[1,2]}\nok:{\"b\":\"}\"}\nok:{\"c\":3}\n");
}

TEST(stream_misnamed_array_in_a_jsonl_file)
{
    /* '[' alone on the first line of a .jsonl: an array after all */
    const char *t = "[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n";
    const char *p = tmp_path("misnamed_array.jsonl");
    write_file(p, t, strlen(t));
    char out[256];
    CHECK_INT(drain(p, NULL, out, sizeof out), 2);
    CHECK_STR(out, "ok:{\"a\":1}\nok:{\"a\":2}\n");
}
