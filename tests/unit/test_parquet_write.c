/* Parquet writer: records -> Parquet -> records through tuneset's own
 * reader (nested, null-heavy, every codec, several row groups and pages),
 * schema inference and its rejects, templates, the RLE encoder. The
 * DuckDB side of the same checks is tests/interop/run.sh. */
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "tuneset/parquet.h"
#include "tuneset/parquet_write.h"

/* Internal to lib/parquet (write_int.h), tested directly. */
int pqw_rle_encode(ts_buf *out, const uint32_t *v, size_t n, int bw);

#define OUT "build/test_parquet_write.parquet"

/* Writes the JSON Lines text with opts; the number of rejected records
 * goes to *rejected (first reject's line in *line). Returns close's code. */
static int write_lines(const char *jsonl, const ts_parquet_write_opts *o, int *rejected, uint64_t *line)
{
    ts_parquet_writer *w;
    ts_err e = TS_ERR_INIT;
    int rc = ts_parquet_writer_open(&w, OUT, o, &e);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    *rejected = 0;
    for (const char *p = jsonl; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        ts_json *v;
        ts_arena_reset(&a);
        if (ts_json_parse(p, n, &a, NULL, &v, &e)) {
            ts_parquet_writer_abort(w);
            ts_arena_release(&a);
            return TS_ESYNTAX;
        }
        rc = ts_parquet_writer_add(w, v, &e);
        if (rc == TS_ESCHEMA) {
            if ((*rejected)++ == 0 && line)
                *line = e.line;
        } else if (rc) {
            ts_parquet_writer_abort(w);
            ts_arena_release(&a);
            return rc;
        }
        p += n + (nl != NULL);
    }
    ts_arena_release(&a);
    return ts_parquet_writer_close(w, &e);
}

/* Every row of OUT as JSON Lines into a static buffer ("" on error). */
static const char *read_back(void)
{
    static ts_buf out;
    ts_parquet *pq;
    ts_err e = TS_ERR_INIT;
    ts_buf_release(&out);
    ts_buf_init(&out, 0);
    if (ts_parquet_open(&pq, OUT, NULL, &e))
        return "";
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row;
    int rc;
    while ((rc = ts_parquet_next(pq, &a, &row, &e)) == 0) {
        ts_json_write(&out, row);
        ts_buf_putc(&out, '\n');
        ts_arena_reset(&a);
    }
    ts_arena_release(&a);
    ts_parquet_close(pq);
    ts_buf_putc(&out, 0);
    return rc == TS_EEOF ? out.data : "";
}

static const char NESTED[] =
    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi \u00e9 \U0001F600\"},"
    "{\"role\":\"assistant\",\"content\":\"yo\\n\\\"q\\\"\"}],\"id\":\"t/0\",\"n\":1,\"x\":0.5,\"ok\":true}\n"
    "{\"messages\":[],\"id\":null,\"n\":-9223372036854775808,\"x\":-1e-300,\"ok\":false}\n"
    "{\"messages\":null,\"id\":\"t/2\",\"n\":9223372036854775807,\"x\":null,\"ok\":null}\n"
    "{\"messages\":[null,{\"role\":null,\"content\":\"\"}],\"id\":\"\",\"n\":0,\"x\":1.7976931348623157e+308,\"ok\":true}\n"
    "{\"messages\":[{\"role\":\"system\",\"content\":null}],\"id\":\"t/4\",\"n\":null,\"x\":2.5,\"ok\":false}\n";

TEST(parquet_write_roundtrip_every_codec)
{
    const char *codecs[] = {"snappy", "zstd", "gzip", "none"};
    for (int i = 0; i < 4; i++) {
        ts_parquet_write_opts o = {0};
        CHECK_INT(ts_parquet_codec_parse(codecs[i], &o.codec), 0);
        o.row_group_rows = 2; /* three row groups */
        o.page_bytes = 16;    /* and many pages */
        int rej;
        CHECK_INT(write_lines(NESTED, &o, &rej, NULL), 0);
        CHECK_INT(rej, 0);
        CHECK_STR(read_back(), NESTED);
    }
    ts_parquet_codec c;
    CHECK_INT(ts_parquet_codec_parse("brotli", &c), TS_EINVAL);
}

TEST(parquet_write_nested_lists_structs_maps)
{
    const char *in =
        "{\"g\":[[1,null],[],null,[3]],\"s\":{\"a\":{\"b\":[{\"c\":\"x\"},null]},\"t\":[true]},\"m\":{}}\n"
        "{\"g\":null,\"s\":null,\"m\":{}}\n"
        "{\"g\":[[]],\"s\":{\"a\":null,\"t\":[]},\"m\":{}}\n";
    /* m never has a key: a map, read back as {}; s.a.b[].c and s.t keep
     * their nulls and empties. */
    int rej;
    CHECK_INT(write_lines(in, NULL, &rej, NULL), 0);
    CHECK_STR(read_back(), in);
}

TEST(parquet_write_missing_keys_read_as_null)
{
    const char *in = "{\"a\":1}\n{\"b\":\"x\",\"a\":2}\n{}\n";
    int rej;
    CHECK_INT(write_lines(in, NULL, &rej, NULL), 0);
    CHECK_STR(read_back(), "{\"a\":1}\n{\"a\":2,\"b\":\"x\"}\n{}\n"); /* absent fields left out again */
    /* the fields that were missing and never null are named in the footer */
    ts_parquet *pq;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_parquet_open(&pq, OUT, NULL, &e), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *meta;
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_parquet_meta_json(pq, &a, &meta), 0);
    ts_json_write(&b, meta);
    ts_buf_putc(&b, 0);
    bool found = strstr(b.data, "tuneset.absent_fields") && strstr(b.data, "[\\\"a\\\",\\\"b\\\"]");
    ts_buf_release(&b);
    ts_arena_release(&a);
    ts_parquet_close(pq);
    CHECK(found);
}

TEST(parquet_write_int_and_fraction_make_double)
{
    const char *in = "{\"v\":1}\n{\"v\":2.5}\n{\"v\":1e3}\n";
    int rej;
    CHECK_INT(write_lines(in, NULL, &rej, NULL), 0);
    CHECK_STR(read_back(), "{\"v\":1.0}\n{\"v\":2.5}\n{\"v\":1000.0}\n");
}

TEST(parquet_write_rejects_conflicts_and_goes_on)
{
    const char *in = "{\"a\":\"s\",\"l\":[1]}\n{\"a\":5}\n{\"a\":\"t\",\"l\":[\"x\"]}\n[1]\n{\"a\":\"u\",\"l\":[2]}\n";
    int rej;
    uint64_t line = 0;
    CHECK_INT(write_lines(in, NULL, &rej, &line), 0);
    CHECK_INT(rej, 3);
    CHECK_INT(line, 2);
    CHECK_STR(read_back(), "{\"a\":\"s\",\"l\":[1]}\n{\"a\":\"u\",\"l\":[2]}\n");
}

TEST(parquet_write_schema_fixed_after_first_row_group)
{
    ts_parquet_write_opts o = {0};
    o.row_group_rows = 2;
    const char *in = "{\"a\":1,\"z\":null}\n{\"a\":2,\"z\":null}\n{\"a\":3,\"b\":true}\n"
                     "{\"a\":4.5}\n{\"a\":5,\"z\":\"now a string\"}\n{\"a\":6,\"z\":7}\n";
    int rej;
    uint64_t line = 0;
    CHECK_INT(write_lines(in, &o, &rej, &line), 0);
    CHECK_INT(rej, 3); /* new key b, a fraction in the int64 column, z (null-only: string) = 7 */
    CHECK_INT(line, 3);
    CHECK_STR(read_back(), "{\"a\":1,\"z\":null}\n{\"a\":2,\"z\":null}\n{\"a\":5,\"z\":\"now a string\"}\n");
}

TEST(parquet_write_template_schema)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *tpl;
    const char *t = "{\"id\":\"string\",\"turns\":[{\"role\":\"string\",\"len\":\"int64\"}],"
                    "\"score\":\"double\",\"ok\":\"boolean\",\"tags\":{\"$map\":\"int64\"}}";
    CHECK_INT(ts_json_parse(t, strlen(t), &a, NULL, &tpl, NULL), 0);
    ts_parquet_write_opts o = {0};
    o.schema = tpl;
    int rej;
    /* no records: still a valid file with the schema */
    CHECK_INT(write_lines("", &o, &rej, NULL), 0);
    CHECK_STR(read_back(), "");
    const char *in = "{\"id\":\"a\",\"turns\":[{\"role\":\"u\",\"len\":3}],\"score\":1,\"ok\":true,\"tags\":{\"x\":1,\"y\":2}}\n"
                     "{\"id\":\"b\",\"score\":\"high\"}\n"
                     "{\"ok\":false,\"tags\":{}}\n";
    CHECK_INT(write_lines(in, &o, &rej, NULL), 0);
    CHECK_INT(rej, 1);
    CHECK_STR(read_back(), "{\"id\":\"a\",\"turns\":[{\"role\":\"u\",\"len\":3}],\"score\":1.0,\"ok\":true,\"tags\":{\"x\":1,\"y\":2}}\n"
                           "{\"ok\":false,\"tags\":{}}\n");
    ts_json *bad;
    CHECK_INT(ts_json_parse("{\"a\":\"int32\"}", 13, &a, NULL, &bad, NULL), 0);
    o.schema = bad;
    ts_parquet_writer *w;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_parquet_writer_open(&w, OUT, &o, &e), TS_EINVAL);
    CHECK(strstr(e.msg, "int32") != NULL);
    ts_arena_release(&a);
}

TEST(parquet_write_nothing_to_write)
{
    unlink(OUT);
    int rej;
    CHECK(write_lines("{}\n{}\n", NULL, &rej, NULL) != 0); /* no field: no column */
    CHECK(access(OUT, F_OK) != 0);                          /* and no half file */
    CHECK(write_lines("", NULL, &rej, NULL) != 0);
    CHECK(access(OUT, F_OK) != 0);
}

/* Decodes the hybrid encoding back, for the encoder test. */
static size_t rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < n && k < cap) {
        uint64_t h = 0;
        for (int s = 0; i < n; s += 7) {
            h |= (uint64_t)(p[i] & 0x7f) << s;
            if (!(p[i++] & 0x80))
                break;
        }
        if (h & 1) {
            size_t count = (size_t)(h >> 1) * 8, bit = 0;
            for (size_t j = 0; j < count && k < cap; j++, bit += (size_t)bw) {
                uint32_t v = 0;
                for (int b = 0; b < bw; b++)
                    v |= (uint32_t)((p[i + (bit + (size_t)b) / 8] >> ((bit + (size_t)b) % 8)) & 1) << b;
                out[k++] = v;
            }
            i += (size_t)(h >> 1) * (size_t)bw;
        } else {
            uint32_t v = 0;
            for (int b = 0; b < (bw + 7) / 8; b++)
                v |= (uint32_t)p[i++] << (8 * b);
            for (size_t j = 0; j < (h >> 1) && k < cap; j++)
                out[k++] = v;
        }
    }
    return k;
}

TEST(parquet_write_rle_hybrid)
{
    static uint32_t v[5000], back[5000];
    for (int bw = 1; bw <= 32; bw += (bw < 4 ? 1 : 7)) {
        uint32_t mask = bw == 32 ? 0xffffffffu : (1u << bw) - 1;
        uint32_t x = 12345;
        for (size_t i = 0; i < 5000; i++) { /* runs of every length, and noise */
            x = x * 1103515245u + 12345u;
            v[i] = (i / 37) % 3 == 0 ? (uint32_t)(i / 100) & mask : (x >> 7) & mask;
        }
        ts_buf b;
        ts_buf_init(&b, 0);
        CHECK_INT(pqw_rle_encode(&b, v, 5000, bw), 0);
        size_t got = rle_decode((const uint8_t *)b.data, b.len, bw, back, 5000);
        ts_buf_release(&b);
        CHECK_INT(got, 5000);
        CHECK(memcmp(v, back, sizeof v) == 0);
    }
}
