/* Mixing sources by weight or count: see include/tuneset/curate_split.h. */
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

int ts_mix_parse(ts_mix *m, const char *spec, int counts, const char *by, uint64_t seed, int replace,
                 char *why, size_t cap)
{
    memset(m, 0, sizeof *m);
    m->counts = counts;
    m->replace = replace;
    m->seed = seed;
    m->by = by;
    double sum = 0;
    for (const char *p = spec; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq || eq == p)
            return bad(why, cap, "expected SOURCE=VALUE, not", p, len);
        size_t nlen = (size_t)(eq - p), vlen = len - nlen - 1;
        if (nlen >= TS_MIX_NAME_MAX)
            return bad(why, cap, "source name too long:", p, nlen);
        if (m->n == TS_MIX_MAX)
            return bad(why, cap, "too many sources (at most 64)", NULL, 0);
        for (int i = 0; i < m->n; i++)
            if (strlen(m->src[i].name) == nlen && !memcmp(m->src[i].name, p, nlen))
                return bad(why, cap, "source named twice:", p, nlen);
        char num[64], *end;
        if (vlen == 0 || vlen >= sizeof num)
            return bad(why, cap, "bad value in", p, len);
        memcpy(num, eq + 1, vlen);
        num[vlen] = 0;
        ts_mix_source *s = &m->src[m->n++];
        memcpy(s->name, p, nlen);
        if (counts) {
            s->want = strtoull(num, &end, 10);
            if (*end || num[0] == '-' || num[0] == '+')
                return bad(why, cap, "counts are whole numbers:", p, len);
        } else {
            s->weight = strtod(num, &end);
            if (*end || !(s->weight > 0) || !isfinite(s->weight))
                return bad(why, cap, "weights are positive numbers:", p, len);
            sum += s->weight;
        }
        p = comma ? comma + 1 : NULL;
    }
    if (!m->n)
        return bad(why, cap, "no sources given", NULL, 0);
    for (int i = 0; i < m->n && !counts; i++)
        m->src[i].weight /= sum;
    return 0;
}

int ts_mix_find(const ts_mix *m, const ts_json *rec)
{
    const ts_json *v = ts_split_field(rec, m->by);
    if (!ts_json_is(v, TS_JSON_STRING))
        return -1;
    for (int i = 0; i < m->n; i++)
        if (strlen(m->src[i].name) == v->len && !memcmp(m->src[i].name, v->u.s, v->len))
            return i;
    return -1;
}

static uint64_t next_rand(uint64_t *x) /* splitmix64 */
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias (n > 0). */
static uint64_t below(uint64_t *x, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, r;
    do
        r = next_rand(x);
    while (r >= lim);
    return r % n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Weights to counts summing to total exactly: floors, then the largest
 * remainders (lowest index on ties) get one more. */
static void apportion(ts_mix *m, uint64_t total)
{
    uint64_t given = 0;
    double rem[TS_MIX_MAX];
    for (int i = 0; i < m->n; i++) {
        double x = m->src[i].weight * (double)total;
        m->src[i].want = (uint64_t)floor(x);
        rem[i] = x - floor(x);
        given += m->src[i].want;
    }
    while (given < total) {
        int best = 0;
        for (int i = 1; i < m->n; i++)
            if (rem[i] > rem[best])
                best = i;
        m->src[best].want++;
        rem[best] = -1;
        given++;
    }
}

int ts_mix_plan(ts_mix *m, uint64_t total, char *why, size_t cap)
{
    if (!m->counts) {
        if (!total) {
            double most = INFINITY;
            for (int i = 0; i < m->n; i++)
                most = fmin(most, (double)m->src[i].avail / m->src[i].weight);
            total = (uint64_t)floor(most + 1e-9);
        }
        apportion(m, total);
    }
    for (int i = 0; i < m->n; i++) {
        ts_mix_source *s = &m->src[i];
        if ((s->want || !m->counts) && !s->avail)
            return bad(why, cap, "no records of source", s->name, strlen(s->name));
        s->rng = m->seed ^ ts_hash64(s->name, strlen(s->name), 0x4d4958ull);
        s->seen = s->next = 0;
        s->written = 0;
        if (!s->want)
            continue;
        if (!m->replace) {
            s->extra_left = s->want % s->avail;
            continue;
        }
        s->draws = malloc(s->want * sizeof *s->draws);
        if (!s->draws)
            return TS_ENOMEM;
        for (uint64_t k = 0; k < s->want; k++)
            s->draws[k] = below(&s->rng, s->avail);
        qsort(s->draws, s->want, sizeof *s->draws, cmp_u64);
    }
    return 0;
}

uint64_t ts_mix_copies(ts_mix *m, int i)
{
    ts_mix_source *s = &m->src[i];
    uint64_t idx = s->seen++, c = 0;
    if (!s->want || idx >= s->avail)
        return 0;
    if (m->replace) {
        while (s->next < s->want && s->draws[s->next] == idx) {
            s->next++;
            c++;
        }
    } else {
        c = s->want / s->avail;
        /* Selection sampling: take with probability needed / remaining. */
        if (s->extra_left && below(&s->rng, s->avail - idx) < s->extra_left) {
            s->extra_left--;
            c++;
        }
    }
    s->written += c;
    return c;
}

void ts_mix_release(ts_mix *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->src[i].draws);
        m->src[i].draws = NULL;
    }
}
