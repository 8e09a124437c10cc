/* s1K's diversity sampling: a domain uniformly at random, then within it
 * a question with weight 2^-rank, rank 0 for the longest trace left, so
 * longer (harder) traces are favoured; repeated without replacement. */
#include <math.h>
#include <stdlib.h>

#include "tuneset/select.h"

/* splitmix64: small, seedable, the same on every machine. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s) { return (double)(next(s) >> 11) * 0x1.0p-53; }

typedef struct {
    uint64_t length;
    size_t index;
} keyed;

static int by_length(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->length != y->length)
        return x->length > y->length ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int ts_select_sample(ts_select_item *items, size_t n, int n_domains, size_t target, uint64_t seed)
{
    if (n_domains <= 0)
        return 0;
    /* Per domain, its items sorted longest first; picks are removed. */
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *start = calloc((size_t)n_domains + 1, sizeof *start);
    size_t *left = calloc((size_t)n_domains, sizeof *left);
    int *live = malloc((size_t)n_domains * sizeof *live);
    if (!order || !start || !left || !live) {
        free(order), free(start), free(left), free(live);
        return TS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].round = 0;
        if (items[i].domain >= 0 && items[i].domain < n_domains)
            start[items[i].domain + 1]++;
    }
    for (int d = 0; d < n_domains; d++)
        start[d + 1] += start[d];
    size_t *fill = left; /* counts double as fill cursors first */
    for (size_t i = 0; i < n; i++)
        if (items[i].domain >= 0 && items[i].domain < n_domains)
            order[start[items[i].domain] + fill[items[i].domain]++] = i;
    size_t valid = start[n_domains];
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k) {
        free(order), free(start), free(left), free(live);
        return TS_ENOMEM;
    }
    for (size_t i = 0; i < valid; i++)
        k[i] = (keyed){items[order[i]].length, order[i]};
    for (int d = 0; d < n_domains; d++)
        qsort(k + start[d], left[d], sizeof *k, by_length);
    for (size_t i = 0; i < valid; i++)
        order[i] = k[i].index;
    free(k);
    uint64_t st = seed;
    size_t picked = 0;
    while (picked < target) {
        int nl = 0;
        for (int d = 0; d < n_domains; d++)
            if (left[d])
                live[nl++] = d;
        if (!nl)
            break;
        int d = live[next(&st) % (uint64_t)nl];
        size_t *v = order + start[d], m = left[d];
        /* Weights 1, 1/2, 1/4, ... sum to 2 - 2^(1-m); walk to u. */
        double u = unit(&st) * (2.0 - ldexp(1.0, 1 - (int)(m < 1100 ? m : 1100)));
        size_t r = 0;
        double w = 1.0;
        while (r + 1 < m && u >= w) {
            u -= w;
            w *= 0.5;
            r++;
        }
        items[v[r]].round = (int)++picked;
        for (size_t j = r; j + 1 < m; j++)
            v[j] = v[j + 1];
        left[d]--;
    }
    free(order), free(start), free(left), free(live);
    return (int)picked;
}
