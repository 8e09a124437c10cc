/* libFuzzer target: ts_json_compact against the writer. For any input the
 * parser accepts, compacting the text must give exactly the bytes
 * ts_json_write gives for the tree, or refuse (TS_EINVAL) and append
 * nothing. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    ts_json_opts o = {.max_depth = 64, .max_string = 1 << 16};
    if (ts_json_parse((const char *)data, size, &a, &o, &v, NULL) == 0) {
        ts_buf w, c;
        ts_buf_init(&w, 0);
        ts_buf_init(&c, 0);
        if (ts_json_write(&w, v))
            abort();
        int rc = ts_json_compact(&c, (const char *)data, size);
        if (rc == 0 && (c.len != w.len || memcmp(c.data, w.data, w.len)))
            abort();
        if (rc && (rc != TS_EINVAL || c.len))
            abort();
        ts_buf_release(&w);
        ts_buf_release(&c);
    }
    ts_arena_release(&a);
    return 0;
}
