/* libFuzzer target: the Parquet reader over bytes that may be anything:
 * footer (Thrift), schema, page headers, codecs, encodings, levels and
 * record assembly. Every call must end; errors must be clean; memory stays
 * under the row group cap. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tuneset/parquet.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char path[] = "/tmp/ts_fuzz_parquet_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    ts_parquet_opts o = {.max_row_group_bytes = 64 << 20};
    ts_parquet *pq;
    if (ts_parquet_open(&pq, path, &o, NULL) == 0) {
        ts_arena a;
        ts_arena_init(&a);
        ts_buf text;
        ts_buf_init(&text, 1 << 20);
        ts_json *v;
        ts_parquet_schema_text(pq, &text);
        ts_parquet_schema_json(pq, &a, &v);
        ts_parquet_meta_json(pq, &a, &v);
        ts_arena_reset(&a);
        for (int i = 0; i < 100000; i++) {
            int rc = ts_parquet_next(pq, &a, &v, NULL);
            if (rc == TS_EEOF || (rc && ts_parquet_fatal(pq)))
                break;
            if (!rc) {
                text.len = 0;
                ts_json_write(&text, v); /* the rows must be writable JSON */
            }
            ts_arena_reset(&a);
        }
        ts_buf_release(&text);
        ts_arena_release(&a);
        ts_parquet_close(pq);
    }
    unlink(path);
    return 0;
}
