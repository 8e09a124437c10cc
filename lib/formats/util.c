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

const ts_json *fmt_req_str(const ts_json *obj, const char *key, ts_arena *a, const char **why)
{
    const ts_json *v = ts_json_get(obj, key);
    if (ts_json_is(v, TS_JSON_STRING))
        return v;
    *why = v ? fmt_printf(a, "field '%s' must be a string", key)
             : fmt_printf(a, "missing field '%s'", key);
    if (!*why)
        *why = "missing or non-string field";
    return NULL;
}

const char *fmt_msgs_problem(const fmt_msg *m, size_t n)
{
    if (!n)
        return "no_turns";
    bool assistant = false;
    for (size_t i = 0; i < n; i++) {
        const char *r = m[i].role;
        if (!m[i].len)
            return "empty_turn";
        if (!strcmp(r, "system")) {
            if (i)
                return "misplaced_system";
            continue;
        }
        const char *prev = i ? m[i - 1].role : "system";
        if (!strcmp(prev, "system")) {
            if (strcmp(r, "user"))
                return "first_turn_not_user";
        } else if (!strcmp(prev, r)) {
            return "not_alternating";
        }
        assistant |= !strcmp(r, "assistant");
    }
    return assistant ? NULL : "no_assistant_turn";
}

void fmt_jb_messages(ts_jb *b, const fmt_msg *m, size_t n)
{
    ts_jb_key(b, "messages");
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++) {
        ts_jb_object(b);
        ts_jb_key(b, "role");
        ts_jb_cstr(b, m[i].role);
        ts_jb_key(b, "content");
        ts_jb_str(b, m[i].s, m[i].len);
        if (m[i].reasoning) {
            ts_jb_key(b, "reasoning_content");
            ts_jb_str(b, m[i].reasoning, m[i].rlen);
        }
        ts_jb_end(b);
    }
    ts_jb_end(b);
}

void fmt_jb_id_source(ts_jb *b, const char *source, const char *own, size_t ownlen, uint64_t row)
{
    char *id = own ? fmt_printf(b->arena, "%s/%.*s", source, (int)ownlen, own)
                   : fmt_printf(b->arena, "%s/%llu", source, (unsigned long long)row);
    ts_jb_key(b, "id");
    if (id)
        ts_jb_cstr(b, id);
    else if (!b->err)
        b->err = TS_ENOMEM;
    ts_jb_key(b, "source");
    ts_jb_cstr(b, source);
}

bool fmt_own_id(const ts_json *v, const char **s, size_t *n)
{
    if (!(ts_json_is(v, TS_JSON_STRING) && v->len) && !ts_json_is(v, TS_JSON_NUMBER))
        return false;
    *s = v->u.s;
    *n = v->len;
    return true;
}

int fmt_emit(ts_jb *b, ts_sink *sink, ts_err *err)
{
    ts_json *rec;
    int rc = ts_jb_finish(b, &rec);
    if (rc)
        return ts_err_set(err, rc, "cannot build the output record");
    if (sink->emit(sink->ctx, rec))
        return ts_err_set(err, TS_EIO, "cannot write the output record");
    return 0;
}

int fmt_reject(ts_sink *sink, const char *why)
{
    sink->reject(sink->ctx, why);
    return 0;
}

int fmt_drop(ts_sink *sink, const char *rule)
{
    sink->drop(sink->ctx, rule);
    return 0;
}

void fmt_jb_msg_list(ts_jb *b, const char *key, const fmt_msg *m, size_t n)
{
    ts_jb_key(b, key);
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++)
        ts_record_message(b, m[i].role, m[i].s, m[i].len);
    ts_jb_end(b);
}

size_t fmt_pref_split(const fmt_msg *c, size_t nc, const fmt_msg *r, size_t nr)
{
    size_t common = 0, split = 0;
    while (common < nc && common < nr && !strcmp(c[common].role, r[common].role) &&
           c[common].len == r[common].len && !memcmp(c[common].s, r[common].s, c[common].len)) {
        if (!strcmp(c[common].role, "user"))
            split = common + 1;
        common++;
    }
    return split;
}

uint64_t fmt_mix64(uint64_t seed, uint64_t n)
{
    uint64_t z = seed + (n + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
