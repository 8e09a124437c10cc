/* Compact JSON writer. Plain strings (no byte needing an escape, as the
 * parser found) are copied whole; others are scanned for the few bytes
 * JSON requires escaping. Non-ASCII goes out as raw UTF-8. */
#include <string.h>

#include "scan.h"
#include "tuneset/json.h"

enum { WRITE_MAX_DEPTH = 100000 };

int ts_json_write_string(ts_buf *out, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    /* Room for the common case (each escape at most doubles a byte); the
     * rare \u00XX escapes top up below. Direct writes, no call per run. */
    int rc = ts_buf_reserve(out, n + n / 4 + 8);
    if (rc)
        return rc;
    char *d = out->data + out->len, *lim = out->data + out->cap;
    *d++ = '"';
    while (p < end) {
        uint8_t high_unused = 0;
        const uint8_t *q = tsj_scan_escape(p, end, &high_unused);
        size_t run = (size_t)(q - p);
        if ((size_t)(lim - d) < run + 8) {
            out->len = (size_t)(d - out->data);
            if ((rc = ts_buf_reserve(out, run + (size_t)(end - q) * 6 + 8)))
                return rc;
            d = out->data + out->len;
            lim = out->data + out->cap;
        }
        memcpy(d, p, run);
        d += run;
        if (q >= end)
            break;
        d = tsj_put_escape(d, *q);
        p = q + 1;
    }
    if (lim - d < 1) {
        out->len = (size_t)(d - out->data);
        if ((rc = ts_buf_reserve(out, 1)))
            return rc;
        d = out->data + out->len;
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    return 0;
}

static int write_value(ts_buf *out, const ts_json *v, int depth)
{
    int rc;
    if (depth > WRITE_MAX_DEPTH)
        return TS_EDEPTH;
    switch (v->type) {
    case TS_JSON_NULL:
        return ts_buf_append(out, "null", 4);
    case TS_JSON_TRUE:
        return ts_buf_append(out, "true", 4);
    case TS_JSON_FALSE:
        return ts_buf_append(out, "false", 5);
    case TS_JSON_NUMBER:
        return ts_buf_append(out, v->u.s, v->len);
    case TS_JSON_STRING:
        if (v->flags & TS_JSON_PLAIN) {
            if ((rc = ts_buf_reserve(out, (size_t)v->len + 2)))
                return rc;
            char *d = out->data + out->len;
            d[0] = '"';
            memcpy(d + 1, v->u.s, v->len);
            d[v->len + 1] = '"';
            out->len += (size_t)v->len + 2;
            return 0;
        }
        return ts_json_write_string(out, v->u.s, v->len);
    case TS_JSON_ARRAY:
        if ((rc = ts_buf_putc(out, '[')))
            return rc;
        for (uint32_t i = 0; i < v->len; i++) {
            if (i && (rc = ts_buf_putc(out, ',')))
                return rc;
            if ((rc = write_value(out, &v->u.items[i], depth + 1)))
                return rc;
        }
        return ts_buf_putc(out, ']');
    case TS_JSON_OBJECT:
        if ((rc = ts_buf_putc(out, '{')))
            return rc;
        for (uint32_t i = 0; i < v->len; i++) {
            if (i && (rc = ts_buf_putc(out, ',')))
                return rc;
            if ((rc = write_value(out, &v->u.items[2 * i], depth + 1)) ||
                (rc = ts_buf_putc(out, ':')) ||
                (rc = write_value(out, &v->u.items[2 * i + 1], depth + 1)))
                return rc;
        }
        return ts_buf_putc(out, '}');
    }
    return TS_EINVAL;
}

int ts_json_write(ts_buf *out, const ts_json *v) { return write_value(out, v, 0); }
