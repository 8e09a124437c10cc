/* Parquet reader internals: the Thrift compact decoder, the RLE /
 * bit-packed hybrid, and how values become JSON text (shortest numbers,
 * decimals, timestamps). */
#include <math.h>

#include "../../lib/parquet/rows.h"
#include "../../lib/parquet/thrift.h"
#include "test.h"

TEST(parquet_thrift_reads_fields_varints_and_skips)
{
    /* struct { 1: i32 -3, 3: binary "ab", 20: list<i64>[1, -1], 21: bool true,
     * 22: struct { 1: double } } */
    static const uint8_t in[] = {0x15, 0x05, 0x28, 0x02, 'a', 'b', 0x09, 0x28, 0x26, 0x02, 0x01, 0x11, 0x0c, 0x2c,
                                 0x17, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x00, 0x00, 0x00};
    pq_tin t;
    pq_tfield f;
    pq_t_init(&t, in, sizeof in);
    pq_t_struct_begin(&t, &f);
    int seen = 0;
    while (pq_t_field(&t, &f)) {
        if (f.id == 1)
            CHECK_INT(pq_t_field_i32(&t, &f), -3);
        else if (f.id == 3) {
            uint32_t n;
            const uint8_t *s = pq_t_binary(&t, &n);
            CHECK(n == 2 && !memcmp(s, "ab", 2));
        } else if (f.id == 20) {
            uint8_t et;
            CHECK_INT(pq_t_list(&t, &et), 2);
            CHECK_INT(et, PQ_T_I64);
            CHECK_INT(pq_t_i64(&t), 1);
            CHECK_INT(pq_t_i64(&t), -1);
        } else if (f.id == 21)
            CHECK(pq_t_bool(&t, f.type));
        else
            pq_t_skip(&t, f.type); /* field 22, a nested struct */
        seen++;
    }
    CHECK(t.err == NULL);
    CHECK_INT(seen, 5);
    CHECK(t.p == in + sizeof in - 1); /* one trailing byte left unread */
}

TEST(parquet_thrift_fails_cleanly_on_hostile_input)
{
    pq_tin t;
    pq_tfield f;
    static const uint8_t long_list[] = {0x19, 0xf5, 0xff, 0xff, 0xff, 0x0f, 0x00}; /* list of 2^32-1 */
    pq_t_init(&t, long_list, sizeof long_list);
    pq_t_struct_begin(&t, &f);
    CHECK(pq_t_field(&t, &f));
    uint8_t et;
    CHECK_INT(pq_t_list(&t, &et), 0);
    CHECK_STR(t.err, "list longer than the bytes left");
    uint8_t deep[200];
    memset(deep, 0x1c, sizeof deep); /* struct field 1 inside struct field 1 ... */
    pq_t_init(&t, deep, sizeof deep);
    pq_t_skip(&t, PQ_T_STRUCT);
    CHECK_STR(t.err, "structs nested too deeply");
    static const uint8_t varint[] = {0x15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    pq_t_init(&t, varint, sizeof varint);
    pq_t_skip(&t, PQ_T_STRUCT);
    CHECK_STR(t.err, "varint longer than 10 bytes");
    static const uint8_t bin[] = {0x18, 0x7f, 'x'};
    pq_t_init(&t, bin, sizeof bin);
    pq_t_skip(&t, PQ_T_STRUCT);
    CHECK_STR(t.err, "string longer than the bytes left");
}

TEST(parquet_rle_hybrid_decodes_runs_and_packed_groups)
{
    /* RLE run of 5 x 3 (bit width 2), then one bit-packed group of 8:
     * 0,1,2,3,0,1,2,3 packed LSB first = 0xe4 0xe4. */
    static const uint8_t in[] = {0x0a, 0x03, 0x03, 0xe4, 0xe4};
    pq_rle r;
    uint32_t out[13];
    pq_rle_init(&r, in, sizeof in, 2);
    CHECK_INT(pq_rle_get(&r, out, 13), 0);
    static const uint32_t want[] = {3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3};
    CHECK(!memcmp(out, want, sizeof want));
    CHECK_INT(pq_rle_get(&r, out, 1), -1); /* nothing left */
    /* A bit-packed run cut short yields only the values present. */
    static const uint8_t cut[] = {0x05, 0xe4}; /* claims 2 groups, has 1 byte */
    pq_rle_init(&r, cut, sizeof cut, 2);
    CHECK_INT(pq_rle_get(&r, out, 4), 0);
    CHECK(out[0] == 0 && out[1] == 1 && out[2] == 2 && out[3] == 3);
    CHECK_INT(pq_rle_get(&r, out, 1), -1);
    CHECK_INT(pq_bit_width(0), 0);
    CHECK_INT(pq_bit_width(1), 1);
    CHECK_INT(pq_bit_width(4), 3);
}

/* The JSON text of one value of a leaf. */
static const char *text_of(const pq_schema_el *el, pq_val v)
{
    static char out[128];
    ts_arena a;
    ts_arena_init(&a);
    ts_jb b;
    ts_jb_init(&b, &a);
    ts_json *j = NULL;
    int rc = pq_value_json(&b, &a, el, &v);
    ts_buf buf;
    ts_buf_init(&buf, 0);
    if (!rc && !ts_jb_finish(&b, &j))
        ts_json_write(&buf, j);
    snprintf(out, sizeof out, "%.*s", rc ? 5 : (int)buf.len, rc ? "error" : buf.data);
    ts_buf_release(&buf);
    ts_jb_release(&b);
    ts_arena_release(&a);
    return out;
}

/* Floats print as Python's repr does: shortest round-trip digits, ".0"
 * on whole numbers, scientific below 1e-4 and from 1e16 with two or more
 * exponent digits. Python-written JSON then round-trips byte for byte. */
TEST(parquet_numbers_are_shortest_round_trip_text)
{
    pq_schema_el d = {.type = PQ_DOUBLE, .converted = PQ_CT_NONE}, f = {.type = PQ_FLOAT, .converted = PQ_CT_NONE};
    static const struct {
        double x;
        const char *text;
    } doubles[] = {
        {8.0, "8.0"},
        {100.0, "100.0"},
        {0.5, "0.5"},
        {0.1, "0.1"},
        {123.456, "123.456"},
        {0.0001, "0.0001"},
        {0.00001, "1e-05"},
        {2.5e-7, "2.5e-07"},
        {1e15, "1000000000000000.0"},
        {1e16, "1e+16"},
        {1234567890123456.7, "1234567890123456.8"},
        {123456789012345680000.0, "1.2345678901234568e+20"},
        {1e300, "1e+300"},
        {-1e-300, "-1e-300"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {5e-324, "5e-324"},
        {0.30000000000000004, "0.30000000000000004"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
    };
    pq_val v;
    for (size_t i = 0; i < sizeof doubles / sizeof *doubles; i++) {
        v.u.d = doubles[i].x;
        CHECK_STR(text_of(&d, v), doubles[i].text);
    }
    v.u.d = INFINITY;
    CHECK_STR(text_of(&d, v), "null");
    v.u.f = 0.1f;
    CHECK_STR(text_of(&f, v), "0.1");
    v.u.f = 16777216.0f;
    CHECK_STR(text_of(&f, v), "16777216.0");
    v.u.f = 3.0f;
    CHECK_STR(text_of(&f, v), "3.0");
    v.u.f = 3.4028235e38f;
    CHECK_STR(text_of(&f, v), "3.4028235e+38");
    v.u.f = 1.17549435e-38f;
    CHECK_STR(text_of(&f, v), "1.1754944e-38");
}

TEST(parquet_decimals_dates_and_timestamps)
{
    pq_schema_el dec = {.type = PQ_INT64, .converted = PQ_CT_DECIMAL, .scale = 4, .precision = 18};
    pq_val v;
    v.u.i64 = INT64_MIN;
    CHECK_STR(text_of(&dec, v), "-922337203685477.5808");
    v.u.i64 = 5;
    CHECK_STR(text_of(&dec, v), "0.0005");
    pq_schema_el dec0 = {.type = PQ_INT32, .converted = PQ_CT_NONE, .logical = PQ_LT_DECIMAL, .scale = 0};
    v.u.i32 = -42;
    CHECK_STR(text_of(&dec0, v), "-42");
    pq_schema_el date = {.type = PQ_INT32, .converted = PQ_CT_DATE};
    v.u.i32 = -719162; /* 0001-01-01 */
    CHECK_STR(text_of(&date, v), "\"0001-01-01\"");
    v.u.i32 = 2932896; /* 9999-12-31 */
    CHECK_STR(text_of(&date, v), "\"9999-12-31\"");
    pq_schema_el ts = {.type = PQ_INT64, .converted = PQ_CT_NONE, .logical = PQ_LT_TIMESTAMP, .unit = PQ_MICROS};
    v.u.i64 = -1;
    CHECK_STR(text_of(&ts, v), "\"1969-12-31T23:59:59.999999\"");
    v.u.i64 = 1500000; /* 1.5 s: the fraction is shortened to millis */
    CHECK_STR(text_of(&ts, v), "\"1970-01-01T00:00:01.500\"");
    ts.utc = true;
    v.u.i64 = 0;
    CHECK_STR(text_of(&ts, v), "\"1970-01-01T00:00:00Z\"");
    pq_schema_el u64 = {.type = PQ_INT64, .converted = PQ_CT_UINT_64};
    v.u.i64 = -1;
    CHECK_STR(text_of(&u64, v), "18446744073709551615");
    pq_schema_el str = {.type = PQ_BYTE_ARRAY, .converted = PQ_CT_UTF8};
    v.u.s.p = (const uint8_t *)"\xed\xa0\x80"; /* a UTF-16 surrogate: not UTF-8 */
    v.u.s.n = 3;
    CHECK_STR(text_of(&str, v), "error");
    v.u.s.p = (const uint8_t *)"0123456789abcdef\"0123456789abcdef";
    v.u.s.n = 33;
    CHECK_STR(text_of(&str, v), "\"0123456789abcdef\\\"0123456789abcdef\"");
}
