/* Reading judge replies: labels, numbers and JSON found the tolerant way
 * (see judge_int.h). */
#include <ctype.h>
#include <string.h>

#include "judge_int.h"

static int lower(char c) { return tolower((unsigned char)c); }

const char *jt_find(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (!k || k > n)
        return k ? NULL : p;
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && lower(p[i + j]) == lower(needle[j]))
            j++;
        if (j == k)
            return p + i;
    }
    return NULL;
}

bool jt_boundary(char c) { return !isalnum((unsigned char)c) && c != '_'; }

const char *jt_skip_marks(const char *p, const char *end)
{
    while (p < end && strchr(" \t*_#>-", *p))
        p++;
    return p;
}

void jt_trim(const char **s, size_t *n)
{
    const char *p = *s, *e = *s + *n;
    while (p < e && strchr(" \t\r\n*_\"", *p))
        p++;
    while (e > p && strchr(" \t\r\n*_\"", e[-1]))
        e--;
    *s = p;
    *n = (size_t)(e - p);
}

int jt_int_at(const char *p, const char *end, int max)
{
    while (p < end && strchr(" \t*_[(:=\"'", *p))
        p++;
    if (p >= end || !isdigit((unsigned char)*p))
        return 0;
    int v = 0;
    const char *q = p;
    while (q < end && isdigit((unsigned char)*q) && q - p < 3)
        v = v * 10 + (*q++ - '0');
    if (q < end && isdigit((unsigned char)*q))
        return 0;
    /* "4.0" is 4, but "4.5" is no rating on an integer scale. */
    if (q + 1 < end && *q == '.' && isdigit((unsigned char)q[1])) {
        q++;
        while (q < end && *q == '0')
            q++;
        if (q < end && isdigit((unsigned char)*q))
            return 0;
    }
    return v >= 1 && v <= max ? v : 0;
}

int jt_json_int(const ts_json *v, int max)
{
    if (!v || (v->type != TS_JSON_NUMBER && v->type != TS_JSON_STRING))
        return 0;
    const char *p = v->u.s, *end = p + v->len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    int r = jt_int_at(p, end, max);
    if (!r)
        return 0;
    /* The whole value must be the rating: "4", "4/5", "[[4]]", not "4 or 5". */
    while (p < end && !isdigit((unsigned char)*p))
        p++;
    while (p < end && (isdigit((unsigned char)*p) || *p == '.'))
        p++;
    while (p < end && strchr(" ]*)\"'", *p))
        p++;
    if (p < end && *p == '/')
        return r;
    return p == end ? r : 0;
}

static const ts_json *try_parse(const char *p, size_t n, ts_arena *a)
{
    ts_json *v;
    ts_json_opts o = {.max_depth = 64, .max_string = 1u << 24};
    if (!n || ts_json_parse(p, n, a, &o, &v, NULL))
        return NULL;
    return v->type == TS_JSON_OBJECT || v->type == TS_JSON_ARRAY ? v : NULL;
}

static const char *rfind(const char *p, size_t n, char c)
{
    while (n--)
        if (p[n] == c)
            return p + n;
    return NULL;
}

const ts_json *jt_json(const char *p, size_t n, ts_arena *a)
{
    const ts_json *v = try_parse(p, n, a);
    if (v)
        return v;
    /* ```json ... ``` (or a bare ``` fence). */
    const char *f = jt_find(p, n, "```");
    if (f) {
        const char *body = memchr(f, '\n', (size_t)(p + n - f));
        const char *close = body ? jt_find(body, (size_t)(p + n - body), "```") : NULL;
        if (close && (v = try_parse(body, (size_t)(close - body), a)))
            return v;
    }
    static const char pairs[2][2] = {{'{', '}'}, {'[', ']'}};
    for (int i = 0; i < 2; i++) {
        const char *o = memchr(p, pairs[i][0], n), *c = rfind(p, n, pairs[i][1]);
        if (o && c && c > o && (v = try_parse(o, (size_t)(c - o + 1), a)))
            return v;
    }
    return NULL;
}

const ts_json *jt_get(const ts_json *obj, const char *const *names)
{
    if (!ts_json_is(obj, TS_JSON_OBJECT))
        return NULL;
    for (; *names; names++) {
        size_t k = strlen(*names);
        for (uint32_t i = 0; i < obj->len; i++) {
            const ts_json *key = &obj->u.items[2 * i];
            if (key->len == k && jt_find(key->u.s, key->len, *names) == key->u.s)
                return &obj->u.items[2 * i + 1];
        }
    }
    return NULL;
}

int jt_request(ts_buf *out, const char *model, const char *system, const char *user, size_t ulen,
               uint64_t seed, double temperature, double top_p, int64_t max_tokens, bool json_mode)
{
    int rc = ts_buf_putc(out, '{');
    if (model) {
        rc |= ts_buf_append(out, "\"model\":", 8);
        rc |= ts_json_write_string(out, model, strlen(model));
        rc |= ts_buf_putc(out, ',');
    }
    rc |= ts_buf_append(out, "\"messages\":[", 12);
    if (system) {
        rc |= ts_buf_append(out, "{\"role\":\"system\",\"content\":", 27);
        rc |= ts_json_write_string(out, system, strlen(system));
        rc |= ts_buf_append(out, "},", 2);
    }
    rc |= ts_buf_append(out, "{\"role\":\"user\",\"content\":", 25);
    rc |= ts_json_write_string(out, user, ulen);
    rc |= ts_buf_printf(out, "}],\"seed\":%llu", (unsigned long long)seed);
    if (temperature >= 0)
        rc |= ts_buf_printf(out, ",\"temperature\":%.6g", temperature);
    if (top_p >= 0)
        rc |= ts_buf_printf(out, ",\"top_p\":%.6g", top_p);
    if (max_tokens > 0)
        rc |= ts_buf_printf(out, ",\"max_tokens\":%lld", (long long)max_tokens);
    if (json_mode)
        rc |= ts_buf_append(out, ",\"response_format\":{\"type\":\"json_object\"}", 41);
    rc |= ts_buf_putc(out, '}');
    return rc ? TS_ENOMEM : 0;
}
