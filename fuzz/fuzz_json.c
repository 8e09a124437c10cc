/* libFuzzer target: the JSON parser and writer. Any input must parse or
 * fail cleanly; what parses must write back and re-parse to an equal tree. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v, *v2;
    ts_json_opts o = {.max_depth = 64, .max_string = 1 << 16};
    if (ts_json_parse((const char *)data, size, &a, &o, &v, NULL) == 0) {
        ts_buf b;
        ts_buf_init(&b, 0);
        if (ts_json_write(&b, v) || ts_json_parse(b.data, b.len, &a, &o, &v2, NULL) ||
            !ts_json_equal(v, v2))
            abort();
        ts_buf_release(&b);
    }
    ts_arena_release(&a);
    return 0;
}
