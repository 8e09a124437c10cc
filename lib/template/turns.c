/* Assistant spans by prefix rendering, for templates that do not mark
 * their assistant text with {% generation %}. */
#include <stdlib.h>
#include <string.h>

#include "tpl_int.h"

static int add_span(ts_tpl_spans *s, size_t a, size_t b)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        ts_tpl_span *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return TS_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (ts_tpl_span){a, b};
    return 0;
}

int ts_template_assistant_spans(const ts_template *t, const ts_json *messages, const ts_tpl_render_opts *o,
                                ts_buf *out, ts_tpl_spans *spans, ts_err *err)
{
    static const ts_tpl_render_opts none = {0};
    if (!o)
        o = &none;
    size_t base = out->len;
    int rc = ts_template_render(t, messages, o, out, spans, err);
    if (rc || spans->n || !ts_json_is(messages, TS_JSON_ARRAY))
        return rc;
    const char *full = out->data ? out->data + base : "";
    size_t nfull = out->len - base;
    ts_buf b;
    ts_buf_init(&b, out->max);
    ts_json prefix = *messages;
    ts_tpl_render_opts po = *o;
    for (uint32_t i = 0; i < messages->len && !rc; i++) {
        if (!ts_json_str_eq(ts_json_get(&messages->u.items[i], "role"), "assistant"))
            continue;
        size_t ends[2];
        for (int k = 0; k < 2 && !rc; k++) {
            prefix.len = i + (uint32_t)k;
            po.add_generation_prompt = k == 0;
            b.len = 0;
            rc = ts_template_render(t, &prefix, &po, &b, NULL, err);
            if (!rc && (b.len > nfull || (b.len && memcmp(b.data, full, b.len))))
                rc = ts_err_set(err, TS_ENOTSUP,
                                "the template renders messages[:%u] differently once later messages follow, "
                                "so assistant message %u has no span by prefixes",
                                i + (uint32_t)k, i);
            ends[k] = b.len;
        }
        if (!rc && ends[1] < ends[0])
            rc = ts_err_set(err, TS_ENOTSUP, "assistant message %u renders shorter than its prompt", i);
        if (!rc)
            rc = add_span(spans, ends[0], ends[1]);
    }
    ts_buf_release(&b);
    if (rc) {
        out->len = base;
        spans->n = 0;
    }
    return rc;
}
