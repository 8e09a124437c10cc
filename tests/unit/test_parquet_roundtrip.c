/* records -> Parquet -> records gives the same JSON text, byte for byte
 * (compact, as tuneset cat writes it): fields that only some records
 * have, nulls at every level, doubles that are whole numbers, nested
 * messages, several row groups and pages, every codec. */
#include "test.h"
#include "tuneset/parquet.h"
#include "tuneset/parquet_write.h"

#define OUT "build/test_parquet_roundtrip.parquet"

/* Writes the JSON Lines text; returns the first error (a reject too). */
static int write_jsonl(const char *jsonl, const ts_parquet_write_opts *o)
{
    ts_parquet_writer *w;
    ts_err e = TS_ERR_INIT;
    int rc = ts_parquet_writer_open(&w, OUT, o, &e);
    if (rc)
        return rc;
    ts_arena a;
    ts_arena_init(&a);
    for (const char *p = jsonl; *p && !rc;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        ts_json *v;
        ts_arena_reset(&a);
        rc = ts_json_parse(p, n, &a, NULL, &v, &e);
        if (!rc)
            rc = ts_parquet_writer_add(w, v, &e);
        p += n + (nl != NULL);
    }
    ts_arena_release(&a);
    if (rc) {
        ts_parquet_writer_abort(w);
        return rc;
    }
    return ts_parquet_writer_close(w, &e);
}

/* OUT's rows as JSON Lines, in a static buffer ("read error" on error). */
static const char *read_jsonl(const ts_parquet_opts *o)
{
    static ts_buf out;
    ts_buf_release(&out);
    ts_buf_init(&out, 0);
    ts_parquet *pq;
    if (ts_parquet_open(&pq, OUT, o, NULL))
        return "open error";
    ts_arena a;
    ts_arena_init(&a);
    ts_json *row;
    int rc;
    while ((rc = ts_parquet_next(pq, &a, &row, NULL)) == 0) {
        ts_json_write(&out, row);
        ts_buf_putc(&out, '\n');
        ts_arena_reset(&a);
    }
    ts_arena_release(&a);
    ts_parquet_close(pq);
    ts_buf_putc(&out, 0);
    return rc == TS_EEOF ? out.data : "read error";
}

/* Writes in, with each codec and with row groups of `small` and 1000
 * rows (small pages), and reads it back. The schema is fixed by the first
 * row group: the first `small` records must hold every key. */
static bool round_trips(const char *in, size_t small)
{
    static const ts_parquet_codec codecs[] = {TS_PARQUET_SNAPPY, TS_PARQUET_ZSTD, TS_PARQUET_GZIP, TS_PARQUET_NONE};
    for (int i = 0; i < 8; i++) {
        ts_parquet_write_opts o = {.codec = codecs[i % 4], .row_group_rows = i < 4 ? small : 1000, .page_bytes = 64};
        int rc = write_jsonl(in, &o);
        const char *back = rc ? "write error" : read_jsonl(NULL);
        if (strcmp(back, in)) {
            fprintf(stderr, "  codec %d, %zu-row groups:\n%s  expected:\n%s", (int)o.codec, o.row_group_rows, back, in);
            return false;
        }
    }
    return true;
}

/* Canonical SFT records: reasoning_content on some assistant turns only,
 * meta fields that come and go, doubles that are whole numbers. */
static const char SFT[] =
    "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"2+2?\"},"
    "{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"Two and two.\"}],\"id\":\"s1k/0\","
    "\"source\":\"s1k\",\"meta\":{\"score\":8.0,\"tags\":[\"math\"],\"turns\":1}}\n"
    "{\"messages\":[{\"role\":\"user\",\"content\":\"Say \\\"hi\\\"\\n\\ttwice \\u0001\"},"
    "{\"role\":\"assistant\",\"content\":\"hi hi\"}],\"id\":\"s1k/1\",\"source\":\"s1k\",\"meta\":{\"score\":0.5}}\n"
    "{\"messages\":[{\"role\":\"user\",\"content\":\"\u00e9 \U0001F600 \u05e9\u05dc\u05d5\u05dd\"},"
    "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"\"},{\"role\":\"user\",\"content\":\"x\"},"
    "{\"role\":\"assistant\",\"content\":\"y\"}],\"id\":\"s1k/2\",\"source\":\"s1k\","
    "\"meta\":{\"score\":1e+300,\"tags\":[],\"turns\":2}}\n"
    "{\"messages\":[],\"id\":\"s1k/3\",\"source\":\"s1k\",\"meta\":{}}\n"
    "{\"messages\":[{\"role\":\"assistant\",\"content\":\"z\",\"reasoning_content\":\"w\"}],\"id\":\"s1k/4\","
    "\"source\":\"s1k\",\"meta\":{\"score\":-0.0,\"tags\":[\"a\",\"b\"]}}\n";

TEST(parquet_roundtrip_sft_with_optional_reasoning)
{
    CHECK(round_trips(SFT, 1));
    /* keep_absent shows the file as other readers do: every field, null
     * where the record had none. */
    ts_parquet_opts keep = {.keep_absent = true};
    CHECK(strstr(read_jsonl(&keep), "{\"messages\":[],\"id\":\"s1k/3\",\"source\":\"s1k\","
                                    "\"meta\":{\"score\":null,\"tags\":null,\"turns\":null}}\n"));
    CHECK(strstr(read_jsonl(&keep), "{\"role\":\"user\",\"content\":\"2+2?\",\"reasoning_content\":null}"));
    /* projection and absent fields together */
    const char *cols[] = {"meta"};
    ts_parquet_opts meta = {.columns = cols, .ncolumns = 1};
    CHECK_STR(read_jsonl(&meta), "{\"meta\":{\"score\":8.0,\"tags\":[\"math\"],\"turns\":1}}\n"
                                 "{\"meta\":{\"score\":0.5}}\n"
                                 "{\"meta\":{\"score\":1e+300,\"tags\":[],\"turns\":2}}\n"
                                 "{\"meta\":{}}\n"
                                 "{\"meta\":{\"score\":-0.0,\"tags\":[\"a\",\"b\"]}}\n");
}

TEST(parquet_roundtrip_nulls_and_absent_fields_at_every_level)
{
    /* Nulls where a field is always there; absences where it is not:
     * top level, structs in structs, structs in lists of lists. */
    const char *in =
        "{\"n\":1,\"x\":2.5,\"a\":{\"b\":{\"c\":1,\"d\":[1.0,null]}},\"g\":[[{\"p\":\"q\"},null],[],null],"
        "\"w\":[null,\"v\"],\"k\":{}}\n"
        "{\"n\":null,\"x\":null,\"a\":{\"b\":{}},\"g\":[[{\"r\":true},{\"p\":\"\",\"r\":false}]],\"w\":null,"
        "\"k\":{},\"late\":100.0}\n"
        "{\"n\":-9223372036854775808,\"x\":1e-05,\"a\":{},\"g\":null,\"w\":[],\"k\":{}}\n"
        "{\"n\":9223372036854775807,\"x\":1.7976931348623157e+308,\"a\":null,\"g\":[[{}]],\"w\":[\"\"],\"k\":{}}\n";
    CHECK(round_trips(in, 2));
}

TEST(parquet_roundtrip_doubles_keep_their_python_spelling)
{
    /* Whole numbers in a DOUBLE column stay doubles ("8.0"), as Python's
     * json.dumps writes them; FLOAT and DOUBLE from other writers too. */
    const char *in = "{\"v\":8.0}\n{\"v\":0.5}\n{\"v\":1e+300}\n{\"v\":1e-05}\n{\"v\":0.0001}\n"
                     "{\"v\":1e+16}\n{\"v\":1234567890123456.8}\n{\"v\":-2.0}\n{\"v\":0.30000000000000004}\n"
                     "{\"v\":5e-324}\n{\"v\":null}\n";
    CHECK(round_trips(in, 1));
    /* Other spellings of a double keep the value, not the text. */
    CHECK_INT(write_jsonl("{\"v\":8}\n{\"v\":1E2}\n{\"v\":0.50}\n{\"v\":1e300}\n", NULL), 0);
    CHECK_STR(read_jsonl(NULL), "{\"v\":8.0}\n{\"v\":100.0}\n{\"v\":0.5}\n{\"v\":1e+300}\n");
}

TEST(parquet_roundtrip_limits_of_absent_fields)
{
    /* A field missing from one record and null in another cannot tell the
     * two apart: both read back as null (the writer does not list it). */
    CHECK_INT(write_jsonl("{\"a\":1,\"b\":null}\n{\"a\":2}\n{\"a\":3,\"b\":\"x\"}\n", NULL), 0);
    CHECK_STR(read_jsonl(NULL), "{\"a\":1,\"b\":null}\n{\"a\":2,\"b\":null}\n{\"a\":3,\"b\":\"x\"}\n");
    /* Keys come back in the order the schema first saw them. */
    CHECK_INT(write_jsonl("{\"a\":1}\n{\"b\":2,\"a\":3}\n", NULL), 0);
    CHECK_STR(read_jsonl(NULL), "{\"a\":1}\n{\"a\":3,\"b\":2}\n");
}

/* The key comes from the file, so it may be anything: what is not a JSON
 * array of strings is ignored; entries that name no field do nothing. */
TEST(parquet_absent_fields_from_the_footer_are_checked)
{
    const char *in = "{\"a\":null,\"b\":{\"c\":null,\"d\":1},\"l\":[{\"e\":null}]}\n";
    static const struct {
        const char *value, *want;
    } cases[] = {
        {"not json", "{\"a\":null,\"b\":{\"c\":null,\"d\":1},\"l\":[{\"e\":null}]}\n"},
        {"{\"a\":1}", "{\"a\":null,\"b\":{\"c\":null,\"d\":1},\"l\":[{\"e\":null}]}\n"},
        {"[]", "{\"a\":null,\"b\":{\"c\":null,\"d\":1},\"l\":[{\"e\":null}]}\n"},
        {"[\"a\",1,null,\"b.c\",\"l[].e\",\"zz\",\"b.d\",\"\"]", "{\"b\":{\"d\":1},\"l\":[{}]}\n"},
        {"[\"b\",\".c\",\"c\",\"l.e\",\"l[]\"]", "{\"a\":null,\"b\":{\"c\":null,\"d\":1},\"l\":[{\"e\":null}]}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *kv[] = {"tuneset.absent_fields", cases[i].value};
        ts_parquet_write_opts o = {.kv = kv, .nkv = 1};
        CHECK_INT(write_jsonl(in, &o), 0);
        CHECK_STR(read_jsonl(NULL), cases[i].want);
    }
}
