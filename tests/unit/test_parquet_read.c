/* Parquet reader: files from DuckDB and hand-built fixtures (legacy
 * lists, maps, every value type and encoding, each codec) read to the
 * expected JSON Lines; projection; schema and metadata output. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/parquet.h"
#include "tuneset/stream.h"

/* Reads every row as one JSON line into out; rows that fail are written
 * as "error <row>: <message>". Returns the open/fatal error code or 0. */
static int read_all(const char *path, const ts_parquet_opts *o, ts_buf *out)
{
    ts_parquet *pq;
    ts_err e = TS_ERR_INIT;
    out->len = 0;
    int rc = ts_parquet_open(&pq, path, o, &e);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    for (;;) {
        ts_json *row;
        rc = ts_parquet_next(pq, &a, &row, &e);
        if (rc == TS_EEOF) {
            rc = 0;
            break;
        }
        if (rc) {
            char line[400];
            snprintf(line, sizeof line, "error %llu: %s\n", (unsigned long long)e.line, e.msg);
            ts_buf_append(out, line, strlen(line));
            if (ts_parquet_fatal(pq))
                break;
            rc = 0;
            continue;
        }
        ts_json_write(out, row);
        ts_buf_putc(out, '\n');
        ts_arena_reset(&a);
    }
    ts_arena_release(&a);
    ts_parquet_close(pq);
    ts_buf_putc(out, 0);
    out->len--;
    return rc;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* The file's rows must equal the expected JSON Lines exactly. */
static bool matches(const char *parquet, const char *expected)
{
    ts_buf out;
    ts_buf_init(&out, 0);
    int rc = read_all(parquet, NULL, &out);
    const char *want = slurp(expected);
    bool ok = rc == 0 && want && !strcmp(out.data, want);
    if (!ok)
        fprintf(stderr, "  %s (rc %d):\n%s  expected:\n%s", parquet, rc, out.data ? out.data : "", want ? want : "(none)");
    ts_buf_release(&out);
    return ok;
}

TEST(parquet_reads_duckdb_files_v1_and_v2)
{
    CHECK(matches(FIXTURE("parquet/duckdb_v1_snappy.parquet"), FIXTURE("parquet/duckdb.expected.jsonl")));
    CHECK(matches(FIXTURE("parquet/duckdb_v2_zstd.parquet"), FIXTURE("parquet/duckdb.expected.jsonl")));
}

TEST(parquet_reads_legacy_lists_and_bare_repeated_fields)
{
    CHECK(matches(FIXTURE("parquet/legacy.parquet"), FIXTURE("parquet/legacy.expected.jsonl")));
}

TEST(parquet_reads_lists_of_lists_and_maps_over_row_groups)
{
    CHECK(matches(FIXTURE("parquet/nested.parquet"), FIXTURE("parquet/nested.expected.jsonl")));
}

TEST(parquet_converts_every_value_type)
{
    CHECK(matches(FIXTURE("parquet/types.parquet"), FIXTURE("parquet/types.expected.jsonl")));
}

TEST(parquet_decodes_delta_split_rle_and_bit_packed)
{
    CHECK(matches(FIXTURE("parquet/encodings.parquet"), FIXTURE("parquet/encodings.expected.jsonl")));
    CHECK(matches(FIXTURE("parquet/delta_long.parquet"), FIXTURE("parquet/delta_long.expected.jsonl")));
}

TEST(parquet_reads_duckdb_null_arrays_written_one_entry_a_slot)
{
    CHECK(matches(FIXTURE("parquet/quirks.parquet"), FIXTURE("parquet/quirks.expected.jsonl")));
}

TEST(parquet_files_read_through_record_streams)
{
    ts_stream *s;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_stream_open(&s, FIXTURE("parquet/bad_utf8.parquet"), NULL, &e), 0);
    CHECK_INT(ts_stream_framing(s), TS_FRAMING_PARQUET);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    CHECK_INT(ts_stream_next(s, &a, &v, &e), 0);
    CHECK_INT(ts_stream_line(s), 1);
    CHECK(ts_stream_offset(s) == UINT64_MAX);
    CHECK_INT(ts_stream_next(s, &a, &v, &e), TS_EUTF8);
    CHECK_INT(ts_stream_line(s), 2);
    CHECK_INT(e.line, 2);
    CHECK(!ts_stream_fatal(s));
    CHECK_INT(ts_stream_next(s, &a, &v, &e), 0);
    CHECK(ts_json_str_eq(ts_json_get(v, "s"), "fine"));
    CHECK_INT(ts_stream_next(s, &a, &v, &e), TS_EEOF);
    CHECK(ts_stream_bytes(s) > 0);
    ts_stream_close(s);
    CHECK_INT(ts_stream_open(&s, FIXTURE("parquet/bad_page_size.parquet"), NULL, &e), 0);
    CHECK_INT(ts_stream_next(s, &a, &v, &e), TS_ESCHEMA);
    CHECK(ts_stream_fatal(s));
    CHECK_INT(ts_stream_line(s), 1);
    CHECK_INT(ts_stream_next(s, &a, &v, &e), TS_ESCHEMA); /* fatal errors repeat */
    ts_stream_close(s);
    CHECK_INT(ts_stream_open(&s, FIXTURE("parquet/bad_footer_len.parquet"), NULL, &e), TS_ESCHEMA);
    CHECK(strstr(e.msg, "footer length"));
    ts_arena_release(&a);
}

TEST(parquet_decompresses_each_codec)
{
    CHECK(matches(FIXTURE("parquet/codec_snappy.parquet"), FIXTURE("parquet/codecs.expected.jsonl")));
    CHECK(matches(FIXTURE("parquet/codec_gzip.parquet"), FIXTURE("parquet/codecs.expected.jsonl")));
    CHECK(matches(FIXTURE("parquet/codec_lz4_raw.parquet"), FIXTURE("parquet/codecs.expected.jsonl")));
    CHECK(matches(FIXTURE("parquet/codec_lz4_hadoop.parquet"), FIXTURE("parquet/codecs.expected.jsonl")));
}

TEST(parquet_projection_reads_only_named_fields_in_schema_order)
{
    const char *cols[] = {"s_dict", "date", "no_such_field"};
    ts_parquet_opts o = {.columns = cols, .ncolumns = 3};
    ts_buf out;
    ts_buf_init(&out, 0);
    CHECK_INT(read_all(FIXTURE("parquet/types.parquet"), &o, &out), 0);
    CHECK_STR(out.data, "{\"date\":\"1970-01-01\",\"s_dict\":\"yy\"}\n"
                        "{\"date\":\"1969-12-31\",\"s_dict\":\"x\"}\n"
                        "{\"date\":\"2024-02-29\",\"s_dict\":null}\n");
    /* Projection skips the broken column entirely. */
    const char *id[] = {"id"};
    ts_parquet_opts only_id = {.columns = id, .ncolumns = 1};
    CHECK_INT(read_all(FIXTURE("parquet/bad_dict_index.parquet"), &only_id, &out), 0);
    CHECK_STR(out.data, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
    ts_buf_release(&out);
}

TEST(parquet_memory_cap_bounds_a_row_group)
{
    ts_buf out;
    ts_buf_init(&out, 0);
    ts_parquet_opts small = {.max_row_group_bytes = 64 << 10};
    CHECK_INT(read_all(FIXTURE("parquet/nested.parquet"), &small, &out), 0);
    ts_parquet_opts tiny = {.max_row_group_bytes = 100};
    CHECK_INT(read_all(FIXTURE("parquet/nested.parquet"), &tiny, &out), TS_ETOOBIG);
    CHECK(strstr(out.data, "error 1: row group 0, column grid.list.element.list.element: row group larger than "
                           "the memory cap"));
    ts_buf_release(&out);
}

TEST(parquet_counts_rows_and_positions)
{
    ts_parquet *pq;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_parquet_open(&pq, FIXTURE("parquet/nested.parquet"), NULL, &e), 0);
    CHECK_INT(ts_parquet_num_rows(pq), 3);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row;
    int n = 0;
    while (ts_parquet_next(pq, &a, &row, &e) == 0)
        CHECK_INT(ts_parquet_row(pq), ++n);
    CHECK_INT(n, 3);
    CHECK_INT(ts_parquet_next(pq, &a, &row, &e), TS_EEOF);
    CHECK(ts_parquet_bytes_done(pq) > 0);
    ts_arena_release(&a);
    ts_parquet_close(pq);
    CHECK(ts_parquet_sniff(FIXTURE("parquet/nested.parquet")));
    CHECK(!ts_parquet_sniff(FIXTURE("parquet/nested.expected.jsonl")));
}

TEST(parquet_schema_text_uses_the_parquet_notation)
{
    ts_parquet *pq;
    CHECK_INT(ts_parquet_open(&pq, FIXTURE("parquet/legacy.parquet"), NULL, NULL), 0);
    ts_buf out;
    ts_buf_init(&out, 0);
    CHECK_INT(ts_parquet_schema_text(pq, &out), 0);
    ts_buf_putc(&out, 0);
    const char *head = "message m {\n  required int32 id;\n  repeated int32 nums;\n";
    CHECK(!strncmp(out.data, head, strlen(head)));
    CHECK(strstr(out.data, "  optional group arr (LIST) {\n    repeated binary array (UTF8);\n  }\n"));
    CHECK(strstr(out.data, "    repeated group element {\n      required int32 x;\n      optional int32 y;\n    }\n"));
    ts_arena a;
    ts_arena_init(&a);
    ts_json *j;
    CHECK_INT(ts_parquet_schema_json(pq, &a, &j), 0);
    const ts_json *fields = ts_json_get(j, "fields");
    CHECK_INT(fields->len, 5);
    const ts_json *y = ts_json_at(ts_json_get(ts_json_at(ts_json_get(ts_json_at(fields, 4), "fields"), 0), "fields"), 1);
    CHECK(ts_json_str_eq(ts_json_get(y, "name"), "y"));
    int64_t lv;
    CHECK_INT(ts_json_int64(ts_json_get(y, "max_definition_level"), &lv), 0);
    CHECK_INT(lv, 3);
    ts_arena_release(&a);
    ts_buf_release(&out);
    ts_parquet_close(pq);
}

TEST(parquet_meta_json_lists_row_groups_and_chunks)
{
    ts_parquet *pq;
    CHECK_INT(ts_parquet_open(&pq, FIXTURE("parquet/nested.parquet"), NULL, NULL), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *m;
    CHECK_INT(ts_parquet_meta_json(pq, &a, &m), 0);
    CHECK(ts_json_str_eq(ts_json_get(ts_json_get(m, "key_value_metadata"), "origin"), "make_fixtures.py"));
    const ts_json *rgs = ts_json_get(m, "row_groups");
    CHECK_INT(rgs->len, 2);
    const ts_json *c0 = ts_json_at(ts_json_get(ts_json_at(rgs, 1), "columns"), 0);
    CHECK(ts_json_str_eq(ts_json_get(c0, "path"), "grid.list.element.list.element"));
    CHECK(ts_json_str_eq(ts_json_get(c0, "codec"), "GZIP"));
    CHECK(ts_json_str_eq(ts_json_at(ts_json_get(c0, "encodings"), 0), "PLAIN"));
    ts_arena_release(&a);
    ts_parquet_close(pq);
}
