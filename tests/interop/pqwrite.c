/* The interop harness's writer: JSON Lines to Parquet through libtuneset's
 * writer with every option reachable, independent of how the CLI spells
 * them. run.sh compiles it against BUILD/libtuneset.a.
 *   pqwrite IN.jsonl OUT.parquet [--codec C] [--rows N] [--page BYTES]
 * Exit 0 when every record was written, 1 on any error or reject. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/json.h"
#include "tuneset/parquet_write.h"

static int fail(const char *what, const ts_err *e)
{
    fprintf(stderr, "pqwrite: %s: %s\n", what, e->msg[0] ? e->msg : ts_strerror(e->code));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: pqwrite IN.jsonl OUT.parquet [--codec C] [--rows N] [--page BYTES]\n");
        return 2;
    }
    ts_parquet_write_opts o;
    memset(&o, 0, sizeof o);
    const char *kv[] = {"tuneset.test", "interop"};
    o.kv = kv;
    o.nkv = 1;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--codec") && ts_parquet_codec_parse(argv[i + 1], &o.codec) == 0)
            continue;
        if (!strcmp(argv[i], "--rows"))
            o.row_group_rows = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--page"))
            o.page_bytes = strtoull(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "pqwrite: bad option %s %s\n", argv[i], argv[i + 1]);
            return 2;
        }
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    ts_err err = TS_ERR_INIT;
    ts_parquet_writer *w;
    if (ts_parquet_writer_open(&w, argv[2], &o, &err)) {
        fclose(in);
        return fail("open", &err);
    }
    ts_json_parser *ps = ts_json_parser_new(NULL);
    ts_arena a;
    ts_arena_init(&a);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = ps ? 0 : 1;
    while (!rc && (n = getline(&line, &cap, in)) > 0) {
        ts_json *v;
        ts_arena_reset(&a);
        if (n == 1 && line[0] == '\n')
            continue;
        if (ts_json_parser_parse(ps, line, (size_t)n, &a, &v, &err))
            rc = fail("input", &err);
        else if (ts_parquet_writer_add(w, v, &err))
            rc = fail("record", &err);
    }
    if (rc)
        ts_parquet_writer_abort(w);
    else if (ts_parquet_writer_close(w, &err))
        rc = fail("close", &err);
    free(line);
    fclose(in);
    ts_json_parser_free(ps);
    ts_arena_release(&a);
    return rc;
}
