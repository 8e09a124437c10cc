/* libFuzzer target: record framing (lines, array, values) over bytes that
 * may be anything, including gzip/zstd magic. Every call must end; errors
 * must be clean. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tuneset/stream.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char path[] = "/tmp/ts_fuzz_stream_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    for (int mode = TS_FRAMING_AUTO; mode <= TS_FRAMING_VALUES; mode++) {
        ts_stream_opts o = {.max_record = 4096, .framing = (ts_framing)mode, .json = {.max_depth = 64}};
        ts_stream *s;
        if (ts_stream_open(&s, path, &o, NULL))
            continue;
        ts_arena a;
        ts_arena_init(&a);
        for (int i = 0; i < 100000; i++) {
            ts_json *v;
            int rc = ts_stream_next(s, &a, &v, NULL);
            if (rc == TS_EEOF || (rc && ts_stream_fatal(s)))
                break;
            ts_arena_reset(&a);
        }
        ts_arena_release(&a);
        ts_stream_close(s);
    }
    unlink(path);
    return 0;
}
