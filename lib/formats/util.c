#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"

const ts_json *fmt_str(const ts_json *obj, const char *key)
{
    const ts_json *v = ts_json_get(obj, key);
    return ts_json_is(v, TS_JSON_STRING) ? v : NULL;
}

char *fmt_printf(ts_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = ts_arena_alloc(a, (size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

const char *fmt_join(ts_arena *a, const char *x, size_t xlen, const char *sep, const char *y,
                     size_t ylen, size_t *len)
{
    if (!ylen) {
        *len = xlen;
        return x;
    }
    size_t slen = strlen(sep);
    char *s = ts_arena_alloc(a, xlen + slen + ylen);
    if (!s)
        return NULL;
    memcpy(s, x, xlen);
    memcpy(s + xlen, sep, slen);
    memcpy(s + xlen + slen, y, ylen);
    *len = xlen + slen + ylen;
    return s;
}

void fmt_path_parent(const char *path, char *out, size_t cap)
{
    const char *end = strrchr(path, '/');
    out[0] = 0;
    if (!end || end == path)
        return;
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    snprintf(out, cap, "%.*s", (int)(end - start), start);
}

void fmt_path_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, ".");
    snprintf(out, cap, "%.*s", (int)n, base);
}

int fmt_read_lines(ts_arena *a, const char *path, const char ***out, size_t *n, ts_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ts_err_set(err, TS_ENOENT, "cannot open %s", path);
    size_t cap = 16, len = 0;
    const char **v = ts_arena_alloc(a, cap * sizeof *v);
    char line[4096];
    while (v && fgets(line, sizeof line, f)) {
        size_t l = strcspn(line, "\r\n");
        line[l] = 0;
        if (!l || line[0] == '#')
            continue;
        if (len + 1 == cap) {
            const char **nv = ts_arena_alloc(a, cap * 2 * sizeof *nv);
            if (nv)
                memcpy(nv, v, len * sizeof *v);
            v = nv;
            cap *= 2;
            if (!v)
                break;
        }
        v[len++] = ts_arena_dup(a, line, l + 1);
    }
    fclose(f);
    if (!v)
        return ts_err_set(err, TS_ENOMEM, NULL);
    v[len] = NULL;
    *out = v;
    *n = len;
    return 0;
}

bool fmt_list_has(const char *list, const char *s, size_t n)
{
    if (!list)
        return false;
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        if (l == n && !memcmp(p, s, n))
            return true;
        p += l;
        if (*p == ',')
            p++;
    }
    return false;
}

void ts_import_opts_init(ts_import_opts *o)
{
    memset(o, 0, sizeof *o);
    o->min_score_ratio = -1;
    o->max_pairs_per_post = -1;
}
