/* Parquet reader on corrupt input: each broken file fails with a reason
 * that names the file and the problem, never a crash, hang or unbounded
 * allocation; bad text in one row is a per-row error; and every
 * truncation and many byte flips of good files end cleanly. */
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "tuneset/parquet.h"

/* Opens and reads to the end or the first fatal error; returns that code
 * (0 for a clean end) and the last error in *e. */
static int try_read(const char *path, const ts_parquet_opts *o, ts_err *e, int *rows, int *row_errors)
{
    ts_parquet *pq;
    *rows = *row_errors = 0;
    int rc = ts_parquet_open(&pq, path, o, e);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    for (int guard = 0; guard < 1000000; guard++) {
        ts_json *row;
        rc = ts_parquet_next(pq, &a, &row, e);
        ts_arena_reset(&a);
        if (rc == TS_EEOF) {
            rc = 0;
            break;
        }
        if (rc && ts_parquet_fatal(pq))
            break;
        if (rc)
            ++*row_errors;
        else
            ++*rows;
        rc = 0;
    }
    ts_arena_release(&a);
    ts_parquet_close(pq);
    return rc;
}

static bool fails_with(const char *name, int code, const char *reason)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/parquet/%s.parquet", name);
    ts_err e = TS_ERR_INIT;
    int rows, errs;
    int rc = try_read(path, NULL, &e, &rows, &errs);
    bool ok = rc == code && e.file && !strcmp(e.file, path) && strstr(e.msg, reason);
    if (!ok)
        fprintf(stderr, "  %s: rc %d (want %d), file %s, msg \"%s\" (want \"%s\")\n", name, rc, code,
                e.file ? e.file : "(null)", e.msg, reason);
    return ok;
}

TEST(parquet_rejects_broken_file_structure)
{
    CHECK(fails_with("bad_magic", TS_ESCHEMA, "not a Parquet file (no PAR1 magic at the start)"));
    CHECK(fails_with("bad_truncated", TS_ETRUNC, "no PAR1 magic at the end"));
    CHECK(fails_with("bad_short", TS_ETRUNC, "shorter than its magic and footer"));
    CHECK(fails_with("bad_footer_len", TS_ESCHEMA, "footer length 2147483392 does not fit"));
    CHECK(fails_with("bad_footer", TS_ESCHEMA, "corrupt footer metadata"));
    CHECK(fails_with("bad_children", TS_ESCHEMA, "corrupt schema: element 0 has 9 children"));
    CHECK(fails_with("bad_deep", TS_ESCHEMA, "nested deeper than 100 levels"));
    CHECK(fails_with("bad_rows", TS_ESCHEMA, "column id: 3 rows where the row group has 5"));
}

TEST(parquet_rejects_bad_offsets_and_sizes)
{
    CHECK(fails_with("bad_offset", TS_ESCHEMA, "column id: column chunk at bytes 1000000000..+29 lies outside"));
    CHECK(fails_with("bad_page_size", TS_ESCHEMA, "page larger than its column chunk"));
    CHECK(fails_with("bad_num_values", TS_ETOOBIG, "column s: row group larger than the memory cap"));
    CHECK(fails_with("bad_huge_page", TS_ETOOBIG, "row group larger than the memory cap"));
}

TEST(parquet_stops_decompression_bombs)
{
    CHECK(fails_with("bad_bomb_gzip", TS_ECODEC, "more data than the page header's uncompressed size"));
    CHECK(fails_with("bad_bomb_snappy", TS_ECODEC, "more data than the page header's uncompressed size"));
}

TEST(parquet_rejects_bad_levels_and_indices)
{
    CHECK(fails_with("bad_levels", TS_ESCHEMA, "column g.x: level above the schema's maximum"));
    CHECK(fails_with("bad_dict_width", TS_ESCHEMA, "bad bit width for dictionary indices"));
    CHECK(fails_with("bad_dict_index", TS_ESCHEMA, "dictionary index out of range"));
    CHECK(fails_with("bad_delta", TS_ESCHEMA, "bad DELTA_BINARY_PACKED block layout"));
    CHECK(fails_with("bad_inconsistent", TS_ESCHEMA, "levels inconsistent between columns"));
}

TEST(parquet_bad_text_is_a_per_row_error)
{
    ts_parquet *pq;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_parquet_open(&pq, FIXTURE("parquet/bad_utf8.parquet"), NULL, &e), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row;
    CHECK_INT(ts_parquet_next(pq, &a, &row, &e), 0);
    CHECK_INT(ts_parquet_next(pq, &a, &row, &e), TS_EUTF8);
    CHECK(!ts_parquet_fatal(pq));
    CHECK_INT(e.line, 2);
    CHECK(e.byte == UINT64_MAX);
    CHECK(strstr(e.msg, "column s: invalid UTF-8"));
    CHECK_INT(ts_parquet_next(pq, &a, &row, &e), 0);
    CHECK(ts_json_str_eq(ts_json_get(row, "s"), "fine"));
    CHECK_INT(ts_parquet_next(pq, &a, &row, &e), TS_EEOF);
    ts_arena_release(&a);
    ts_parquet_close(pq);
}

TEST(parquet_open_errors_name_the_file)
{
    ts_parquet *pq;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_parquet_open(&pq, "tests/fixtures/parquet/missing.parquet", NULL, &e), TS_ENOENT);
    CHECK_STR(e.file, "tests/fixtures/parquet/missing.parquet");
    CHECK_INT(ts_parquet_open(&pq, "tests/fixtures/parquet", NULL, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "regular file"));
}

static const char *const GOOD[] = {"legacy", "nested", "types", "encodings", "codec_snappy", "codec_lz4_raw",
                                   "codec_gzip", "duckdb_v2_zstd"};

static void *load(const char *name, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/parquet/%s.parquet", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    void *buf = malloc(1 << 16);
    *n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* Damaged copies of good files: whatever the reader says, it must end,
 * and a fatal error must carry a reason. */
static bool survives(const char *tmp, const void *data, size_t n)
{
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return false;
    fwrite(data, 1, n, f);
    fclose(f);
    ts_err e = TS_ERR_INIT;
    int rows, errs;
    ts_parquet_opts o = {.max_row_group_bytes = 1 << 24};
    int rc = try_read(tmp, &o, &e, &rows, &errs);
    return rc == 0 || (rc < 0 && e.msg[0]);
}

TEST(parquet_survives_truncation_and_byte_flips)
{
    char tmp[] = "/tmp/ts_test_parquet_XXXXXX";
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    close(fd);
    for (size_t k = 0; k < sizeof GOOD / sizeof *GOOD; k++) {
        size_t n;
        uint8_t *data = load(GOOD[k], &n);
        CHECK(data);
        for (size_t cut = 0; cut < n; cut += 7)
            CHECK(survives(tmp, data, cut));
        /* Every byte of the footer (the end), every fifth before it. */
        uint8_t *copy = malloc(n);
        for (size_t i = 0; i < n; i += i + 400 < n ? 5 : 1) {
            static const uint8_t vals[] = {0x01, 0xff};
            for (size_t v = 0; v < 2; v++) {
                memcpy(copy, data, n);
                copy[i] ^= vals[v];
                if (!survives(tmp, copy, n)) {
                    fprintf(stderr, "  %s: byte %zu flipped with %02x\n", GOOD[k], i, vals[v]);
                    CHECK(false);
                }
            }
        }
        free(copy);
        free(data);
    }
    unlink(tmp);
}
