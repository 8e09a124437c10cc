/* Streaming split assignment: see include/tuneset/curate_split.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_split.h"
#include "tuneset/error.h"

static int bad(char *why, size_t cap, const char *msg, const char *arg, size_t alen)
{
    if (why && cap)
        snprintf(why, cap, "%s%s%.*s%s", msg, arg ? " '" : "", (int)(arg ? alen : 0), arg ? arg : "",
                 arg ? "'" : "");
    return TS_EINVAL;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

int ts_split_parse_ratios(const char *s, ts_split_spec *sp, char *why, size_t cap)
{
    memset(sp, 0, sizeof *sp);
    double sum = 0;
    const char *p = s;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq)
            return bad(why, cap, "expected NAME=RATIO, not", p, len);
        size_t nlen = (size_t)(eq - p);
        if (nlen == 0 || nlen >= TS_SPLIT_NAME_MAX || p[0] == '.')
            return bad(why, cap, "bad split name", p, nlen);
        for (size_t i = 0; i < nlen; i++)
            if (!name_char(p[i]))
                return bad(why, cap, "split names are letters, digits, '_', '-' and '.', not", p, nlen);
        if (sp->n == TS_SPLIT_MAX)
            return bad(why, cap, "too many splits (at most 32)", NULL, 0);
        for (int i = 0; i < sp->n; i++)
            if (strlen(sp->name[i]) == nlen && !memcmp(sp->name[i], p, nlen))
                return bad(why, cap, "split named twice:", p, nlen);
        char num[64];
        size_t vlen = len - nlen - 1;
        if (vlen == 0 || vlen >= sizeof num)
            return bad(why, cap, "bad ratio in", p, len);
        memcpy(num, eq + 1, vlen);
        num[vlen] = 0;
        char *end;
        double v = strtod(num, &end);
        if (*end || !(v > 0) || !isfinite(v))
            return bad(why, cap, "ratios must be positive numbers:", p, len);
        memcpy(sp->name[sp->n], p, nlen);
        sp->ratio[sp->n++] = v;
        sum += v;
        p = comma ? comma + 1 : NULL;
    }
    if (sp->n == 0)
        return bad(why, cap, "no splits given", NULL, 0);
    for (int i = 0; i < sp->n; i++)
        sp->ratio[i] /= sum;
    return 0;
}

const ts_json *ts_split_field(const ts_json *v, const char *path)
{
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        v = ts_json_getn(v, path, n);
        path += n + (dot != NULL);
    }
    return v;
}

/* The bytes a key hashes as: strings by content, numbers by their text.
 * Strings and numbers are told apart, so "1" and 1 are different keys. */
static int key_bytes(const ts_json *v, const char **p, size_t *n, uint64_t *salt)
{
    if (ts_json_is(v, TS_JSON_STRING) || ts_json_is(v, TS_JSON_NUMBER)) {
        *p = v->u.s;
        *n = v->len;
        *salt = v->type == TS_JSON_STRING ? 0 : 0x9e3779b97f4a7c15ull;
        return 0;
    }
    return TS_ESCHEMA;
}

/* 53 uniform bits in [0, 1). */
static double unit(uint64_t h) { return (double)(h >> 11) * (1.0 / 9007199254740992.0); }

static int by_ratio(const ts_split_spec *sp, double u)
{
    double acc = 0;
    for (int i = 0; i < sp->n - 1; i++) {
        acc += sp->ratio[i];
        if (u < acc)
            return i;
    }
    return sp->n - 1;
}

int ts_splitter_init(ts_splitter *s, const ts_split_spec *spec, uint64_t seed, const char *group_by,
                     const char *stratify)
{
    memset(s, 0, sizeof *s);
    if (group_by && stratify)
        return TS_EINVAL;
    if (!spec || spec->n < 1 || spec->n > TS_SPLIT_MAX)
        return TS_EINVAL;
    s->spec = *spec;
    s->seed = seed;
    s->group_by = group_by;
    s->stratify = stratify;
    ts_arena_init(&s->keys);
    return 0;
}

static int grow(ts_splitter *s)
{
    size_t cap = s->scap ? s->scap * 2 : 16;
    ts_split_stratum *t = calloc(cap, sizeof *t);
    if (!t)
        return TS_ENOMEM;
    for (size_t i = 0; i < s->scap; i++) {
        if (!s->strata[i].hash)
            continue;
        size_t j = s->strata[i].hash & (cap - 1);
        while (t[j].hash)
            j = (j + 1) & (cap - 1);
        t[j] = s->strata[i];
    }
    free(s->strata);
    s->strata = t;
    s->scap = cap;
    return 0;
}

static ts_split_stratum *stratum(ts_splitter *s, const char *k, size_t n)
{
    if ((s->nstrata + 1) * 2 > s->scap && grow(s))
        return NULL;
    uint64_t h = ts_hash64(k, n, 0x5354524154554dull) | 1; /* 0 marks a free slot */
    size_t j = h & (s->scap - 1);
    while (s->strata[j].hash) {
        ts_split_stratum *t = &s->strata[j];
        if (t->hash == h && t->klen == n && !memcmp(t->key, k, n))
            return t;
        j = (j + 1) & (s->scap - 1);
    }
    ts_split_stratum *t = &s->strata[j];
    t->key = n ? ts_arena_dup(&s->keys, k, n) : "";
    if (!t->key)
        return NULL;
    t->hash = h;
    t->klen = n;
    s->nstrata++;
    return t;
}

/* Takes the hash's proposal unless it would put its split more than one
 * record over target; then the split furthest below target (lowest index
 * on ties). Since the deficits sum to zero and no split runs more than one
 * over, every split stays within k-1 records of its share of the stratum. */
static int balance(const ts_split_spec *sp, ts_split_stratum *t, int proposed)
{
    double n1 = (double)(t->total + 1);
    if ((double)(t->count[proposed] + 1) - sp->ratio[proposed] * n1 <= 1.0)
        return proposed;
    int best = 0;
    double most = -1e300;
    for (int i = 0; i < sp->n; i++) {
        double deficit = sp->ratio[i] * n1 - (double)t->count[i];
        if (deficit > most) {
            most = deficit;
            best = i;
        }
    }
    return best;
}

int ts_splitter_assign(ts_splitter *s, const ts_json *rec, uint64_t index, int *split)
{
    const char *k;
    size_t n;
    uint64_t salt, h;
    if (s->group_by) {
        if (key_bytes(ts_split_field(rec, s->group_by), &k, &n, &salt))
            return TS_ESCHEMA;
        h = ts_hash64(k, n, s->seed ^ salt);
    } else if (!key_bytes(ts_json_get(rec, "id"), &k, &n, &salt)) {
        h = ts_hash64(k, n, s->seed ^ salt);
    } else {
        unsigned char b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (unsigned char)(index >> (8 * i));
        h = ts_hash64(b, 8, s->seed ^ 0x494e444558ull);
    }
    int pick = by_ratio(&s->spec, unit(h));
    if (s->stratify) {
        const ts_json *v = ts_split_field(rec, s->stratify);
        if (key_bytes(v, &k, &n, &salt)) {
            k = "";
            n = 0;
        }
        ts_split_stratum *t = stratum(s, k, n);
        if (!t)
            return TS_ENOMEM;
        pick = balance(&s->spec, t, pick);
        t->count[pick]++;
        t->total++;
    }
    s->count[pick]++;
    *split = pick;
    return 0;
}

void ts_splitter_release(ts_splitter *s)
{
    free(s->strata);
    s->strata = NULL;
    s->scap = s->nstrata = 0;
    ts_arena_release(&s->keys);
}
