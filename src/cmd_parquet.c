/* tuneset parquet: look inside a Parquet file. `schema` prints the schema
 * in Parquet's notation, `meta` the footer: row groups and their column
 * chunks (codec, encodings, sizes). Both take --json. Reading rows is
 * `tuneset cat FILE.parquet`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tuneset/parquet.h"

static const char *jstr(const ts_json *obj, const char *key, char *buf, size_t cap)
{
    const ts_json *v = ts_json_get(obj, key);
    if (!v || (v->type != TS_JSON_STRING && v->type != TS_JSON_NUMBER))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.*s", (int)v->len, v->u.s);
    return buf;
}

static void print_meta(const char *path, const ts_json *m)
{
    char a[256], b[256];
    printf("file:        %s (%s bytes)\n", path, jstr(m, "file_size", a, sizeof a));
    printf("created by:  %s\n", jstr(m, "created_by", a, sizeof a));
    printf("version:     %s\n", jstr(m, "version", a, sizeof a));
    printf("rows:        %s\n", jstr(m, "num_rows", a, sizeof a));
    printf("columns:     %s\n", jstr(m, "num_columns", a, sizeof a));
    const ts_json *rgs = ts_json_get(m, "row_groups");
    printf("row groups:  %u\n", rgs ? rgs->len : 0);
    const ts_json *kv = ts_json_get(m, "key_value_metadata");
    if (kv && kv->len) {
        printf("key-value metadata:\n");
        for (uint32_t i = 0; i < kv->len; i++) {
            const ts_json *k = &kv->u.items[2 * i], *v = &kv->u.items[2 * i + 1];
            if (v->type == TS_JSON_STRING)
                printf("  %.*s: %.*s%s\n", (int)k->len, k->u.s, (int)(v->len > 60 ? 60 : v->len), v->u.s,
                       v->len > 60 ? "..." : "");
            else
                printf("  %.*s: (not text)\n", (int)k->len, k->u.s);
        }
    }
    for (uint32_t g = 0; rgs && g < rgs->len; g++) {
        const ts_json *rg = &rgs->u.items[g];
        printf("row group %u: %s rows, %s bytes\n", g, jstr(rg, "num_rows", a, sizeof a),
               jstr(rg, "total_byte_size", b, sizeof b));
        printf("  %-32s %-20s %-12s %-10s %-10s %-12s %s\n", "column", "type", "codec", "values", "nulls",
               "compressed", "encodings");
        const ts_json *cols = ts_json_get(rg, "columns");
        for (uint32_t c = 0; cols && c < cols->len; c++) {
            const ts_json *col = &cols->u.items[c];
            char t[64], codec[32], vals[32], nulls[32], comp[32], enc[256] = "";
            const ts_json *e = ts_json_get(col, "encodings");
            for (uint32_t i = 0; e && i < e->len; i++) {
                size_t l = strlen(enc);
                snprintf(enc + l, sizeof enc - l, "%s%.*s", i ? "," : "", (int)e->u.items[i].len, e->u.items[i].u.s);
            }
            printf("  %-32s %-20s %-12s %-10s %-10s %-12s %s\n", jstr(col, "path", a, sizeof a),
                   jstr(col, "type", t, sizeof t), jstr(col, "codec", codec, sizeof codec),
                   jstr(col, "num_values", vals, sizeof vals), jstr(col, "null_count", nulls, sizeof nulls),
                   jstr(col, "compressed_size", comp, sizeof comp), enc);
        }
    }
}

static int run(const char *name, const char *path, bool json)
{
    ts_err e = TS_ERR_INIT;
    ts_parquet *pq;
    char msg[512];
    if (ts_parquet_open(&pq, path, NULL, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error(name, "%s", msg);
        return e.code == TS_ENOENT || e.code == TS_EIO ? EXIT_IO : EXIT_DATA;
    }
    ts_arena a;
    ts_arena_init(&a);
    ts_buf out;
    ts_buf_init(&out, 0);
    ts_json *v = NULL;
    int rc;
    if (!strcmp(name, "parquet schema") && !json) {
        rc = ts_parquet_schema_text(pq, &out);
    } else {
        rc = !strcmp(name, "parquet schema") ? ts_parquet_schema_json(pq, &a, &v) : ts_parquet_meta_json(pq, &a, &v);
        if (!rc && json && !(rc = ts_json_write(&out, v)))
            rc = ts_buf_putc(&out, '\n');
    }
    if (!rc && v && !json)
        print_meta(path, v);
    else if (!rc)
        fwrite(out.data, 1, out.len, stdout);
    if (rc)
        cli_error(name, "%s: %s", path, ts_strerror(rc));
    ts_buf_release(&out);
    ts_arena_release(&a);
    ts_parquet_close(pq);
    if (fflush(stdout)) {
        cli_error(name, "cannot write the output");
        return EXIT_IO;
    }
    return rc ? EXIT_IO : EXIT_OK;
}

int cmd_parquet(int argc, char **argv)
{
    static char schema_name[] = "parquet schema", meta_name[] = "parquet meta";
    const char *about = "Shows what is inside a Parquet file:\n"
                        "  schema   the schema in Parquet's notation (fields, types, annotations)\n"
                        "  meta     the footer: rows, row groups, and per column chunk its type,\n"
                        "           codec, value and null counts, sizes and encodings\n"
                        "To read the rows as JSON Lines: tuneset cat FILE.parquet\n\n"
                        "example: tuneset parquet schema train-00000-of-00001.parquet";
    if (argc < 2 || (strcmp(argv[1], "schema") && strcmp(argv[1], "meta"))) {
        if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
            printf("usage: tuneset parquet schema|meta [--json] FILE\n\n%s\n", about);
            return EXIT_OK;
        }
        cli_error("parquet", "expected 'schema' or 'meta' (see 'tuneset parquet --help')");
        return EXIT_USAGE;
    }
    argv[1] = !strcmp(argv[1], "schema") ? schema_name : meta_name;
    bool json = false;
    cli_opt opts[] = {
        {0, "json", NULL, OPT_FLAG, &json, "print JSON (one line) instead of text"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc - 1, argv + 1, opts, NULL, "[--json] FILE", about, &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (npos != 1) {
        cli_error(argv[1], "expected one FILE");
        return EXIT_USAGE;
    }
    return run(argv[1], pos[0], json);
}
