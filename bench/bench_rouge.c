/* The C side of bench/run_rouge.sh: stores the first K lines of a file as
 * kept instructions, then scores each of the next Q lines against all of
 * them (top 10, as self-instruct does) and prints each line's max ROUGE-L
 * F-measure; the time goes to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tuneset/gen.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_rouge FILE K Q\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    long k = atol(argv[2]), q = atol(argv[3]);
    if (!f || k < 0 || q < 0)
        return 2;
    ts_rouge *r = ts_rouge_new();
    char line[8192];
    long i = 0;
    while (i < k && fgets(line, sizeof line, f)) {
        ts_rouge_add(r, line, strcspn(line, "\n"));
        i++;
    }
    char **qs = calloc((size_t)q, sizeof *qs);
    long nq = 0;
    while (nq < q && fgets(line, sizeof line, f))
        qs[nq++] = strdup(line);
    fclose(f);
    double *max = calloc((size_t)nq + 1, sizeof *max);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long j = 0; j < nq; j++) {
        ts_rouge_hit top[10];
        size_t nt;
        ts_rouge_query(r, qs[j], strcspn(qs[j], "\n"), top, 10, &nt, &max[j]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    for (long j = 0; j < nq; j++)
        printf("%.6f\n", max[j]);
    fprintf(stderr, "%.6f\n", s);
    for (long j = 0; j < nq; j++)
        free(qs[j]);
    free(qs);
    free(max);
    ts_rouge_free(r);
    return 0;
}
