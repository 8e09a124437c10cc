/* Reading parsed values: lookups, number conversion, copies, equality. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/json.h"

const ts_json *ts_json_getn(const ts_json *obj, const char *key, size_t klen)
{
    if (!obj || obj->type != TS_JSON_OBJECT)
        return NULL;
    const ts_json *it = obj->u.items;
    for (uint32_t i = 0; i < obj->len; i++, it += 2)
        if (it->len == klen && !memcmp(it->u.s, key, klen))
            return it + 1;
    return NULL;
}

const ts_json *ts_json_get(const ts_json *obj, const char *key)
{
    return ts_json_getn(obj, key, strlen(key));
}

const ts_json *ts_json_at(const ts_json *arr, size_t i)
{
    if (!arr || arr->type != TS_JSON_ARRAY || i >= arr->len)
        return NULL;
    return &arr->u.items[i];
}

bool ts_json_str_eq(const ts_json *v, const char *s)
{
    if (!v || v->type != TS_JSON_STRING)
        return false;
    size_t n = strlen(s);
    return v->len == n && !memcmp(v->u.s, s, n);
}

int ts_json_double(const ts_json *v, double *out)
{
    if (!v || v->type != TS_JSON_NUMBER)
        return TS_EINVAL;
    char tmp[64];
    const char *text = v->u.s;
    char *heap = NULL;
    if (v->len < sizeof tmp) {
        memcpy(tmp, v->u.s, v->len);
        tmp[v->len] = 0;
        text = tmp;
    } else {
        heap = malloc((size_t)v->len + 1);
        if (!heap)
            return TS_ENOMEM;
        memcpy(heap, v->u.s, v->len);
        heap[v->len] = 0;
        text = heap;
    }
    *out = strtod(text, NULL);
    free(heap);
    return 0;
}

int ts_json_int64(const ts_json *v, int64_t *out)
{
    if (!v || v->type != TS_JSON_NUMBER || v->len == 0 || v->len > 20)
        return TS_EINVAL;
    const char *s = v->u.s, *end = s + v->len;
    bool neg = *s == '-';
    if (neg)
        s++;
    uint64_t acc = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return TS_EINVAL; /* fraction or exponent: not an integer text */
        if (acc > (UINT64_MAX - 9) / 10)
            return TS_EINVAL;
        acc = acc * 10 + (uint64_t)(*s - '0');
    }
    if (neg ? acc > (uint64_t)INT64_MAX + 1 : acc > (uint64_t)INT64_MAX)
        return TS_EINVAL;
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return 0;
}

int ts_json_set(ts_arena *a, ts_json *obj, const char *key, const ts_json *val)
{
    if (!ts_json_is(obj, TS_JSON_OBJECT))
        return TS_EINVAL;
    for (uint32_t i = 0; i < obj->len; i++)
        if (ts_json_str_eq(&obj->u.items[2 * i], key)) {
            obj->u.items[2 * i + 1] = *val;
            return 0;
        }
    size_t n = 2 * (size_t)obj->len;
    ts_json *items = ts_arena_alloc(a, (n + 2) * sizeof *items);
    if (!items)
        return TS_ENOMEM;
    if (n)
        memcpy(items, obj->u.items, n * sizeof *items);
    items[n] = (ts_json){.type = TS_JSON_STRING, .flags = TS_JSON_PLAIN, .len = (uint32_t)strlen(key)};
    items[n].u.s = key;
    items[n + 1] = *val;
    obj->u.items = items;
    obj->len++;
    return 0;
}

ts_json *ts_json_clone(ts_arena *a, const ts_json *v)
{
    ts_json *r = ts_arena_alloc(a, sizeof *r);
    if (!r)
        return NULL;
    *r = *v;
    switch (v->type) {
    case TS_JSON_STRING:
    case TS_JSON_NUMBER:
        if (!(r->u.s = ts_arena_dup(a, v->u.s, v->len)))
            return NULL;
        break;
    case TS_JSON_ARRAY:
    case TS_JSON_OBJECT: {
        size_t n = v->type == TS_JSON_OBJECT ? 2 * (size_t)v->len : v->len;
        if (!n)
            break;
        ts_json *items = ts_arena_alloc(a, n * sizeof *items);
        if (!items)
            return NULL;
        for (size_t i = 0; i < n; i++) {
            ts_json *c = ts_json_clone(a, &v->u.items[i]);
            if (!c)
                return NULL;
            items[i] = *c;
        }
        r->u.items = items;
        break;
    }
    default:
        break;
    }
    return r;
}

bool ts_json_equal(const ts_json *a, const ts_json *b)
{
    if (a->type != b->type || a->len != b->len)
        return false;
    switch (a->type) {
    case TS_JSON_STRING:
    case TS_JSON_NUMBER:
        return !memcmp(a->u.s, b->u.s, a->len);
    case TS_JSON_ARRAY:
    case TS_JSON_OBJECT: {
        size_t n = a->type == TS_JSON_OBJECT ? 2 * (size_t)a->len : a->len;
        for (size_t i = 0; i < n; i++)
            if (!ts_json_equal(&a->u.items[i], &b->u.items[i]))
                return false;
        return true;
    }
    default:
        return true;
    }
}
