/* Driver for the parity suite and the benchmark, built by tests/tok/run.sh
 * and bench/run_tok.sh against BUILD/libtuneset.a.
 *   tokcheck decode TOKENIZER IN.jsonl   IN lines hold {"ids": [...]};
 *                                        prints {"dec": "..."} per line
 *   tokcheck bench TOKENIZER IN.jsonl R  encodes every {"text"} R times;
 *                                        prints "tokens N seconds S ids H":
 *                                        tokens of one pass, the best pass's
 *                                        time, FNV-1a 64 of the ids
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tuneset/tuneset.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ts_buf b;
    ts_buf_init(&b, 0);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (ts_buf_append(&b, chunk, k))
            exit(3);
    fclose(f);
    ts_buf_putc(&b, 0);
    *n = b.len - 1;
    return b.data;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: tokcheck decode|bench TOKENIZER IN.jsonl [R]\n");
        return 2;
    }
    ts_err e = TS_ERR_INIT;
    ts_tokenizer *t;
    if (ts_tokenizer_load(argv[2], &t, &e)) {
        char msg[512];
        ts_err_format(&e, msg, sizeof msg);
        fprintf(stderr, "tokcheck: %s\n", msg);
        return 1;
    }
    size_t n;
    char *data = slurp(argv[3], &n);
    if (!data) {
        fprintf(stderr, "tokcheck: cannot read %s\n", argv[3]);
        return 3;
    }
    ts_arena a;
    ts_arena_init(&a);
    ts_buf out;
    ts_buf_init(&out, 0);
    /* Parse every line first so the benchmark times encoding only. */
    size_t nl = 0, capl = 0;
    ts_json **recs = NULL;
    for (char *p = data, *end = data + n; p < end;) {
        char *q = memchr(p, '\n', (size_t)(end - p));
        if (!q)
            q = end;
        ts_json *v;
        if (q > p) {
            if (ts_json_parse(p, (size_t)(q - p), &a, NULL, &v, &e)) {
                fprintf(stderr, "tokcheck: bad JSON line\n");
                return 1;
            }
            if (nl == capl) {
                capl = capl ? capl * 2 : 1024;
                recs = realloc(recs, capl * sizeof *recs);
            }
            recs[nl++] = v;
        }
        p = q + 1;
    }
    int rc = 0;
    if (!strcmp(argv[1], "decode")) {
        ts_tok_ids ids = {0};
        for (size_t i = 0; i < nl; i++) {
            const ts_json *arr = ts_json_get(recs[i], "ids");
            ids.len = 0;
            for (uint32_t k = 0; arr && k < arr->len; k++) {
                int64_t id;
                ts_json_int64(&arr->u.items[k], &id);
                if (ids.len == ids.cap) {
                    ids.cap = ids.cap ? ids.cap * 2 : 256;
                    ids.ids = realloc(ids.ids, ids.cap * sizeof *ids.ids);
                }
                ids.ids[ids.len++] = (uint32_t)id;
            }
            ts_buf d;
            ts_buf_init(&d, 0);
            if ((rc = ts_tokenizer_decode(t, ids.ids, ids.len, false, &d)))
                break;
            out.len = 0;
            ts_buf_append(&out, "{\"dec\":", 7);
            ts_json_write_string(&out, d.data ? d.data : "", d.len);
            ts_buf_append(&out, "}\n", 2);
            fwrite(out.data, 1, out.len, stdout);
            ts_buf_release(&d);
        }
        ts_tok_ids_release(&ids);
    } else if (!strcmp(argv[1], "bench")) {
        int reps = argc > 4 ? atoi(argv[4]) : 1;
        ts_tok_ids ids = {0};
        /* The best pass counts: the machine is shared, and a pass that
         * was interrupted says nothing about the code. */
        uint64_t tokens = 0, h = 1469598103934665603ull;
        double best = 0;
        for (int r = 0; r < reps && !rc; r++) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            tokens = 0;
            for (size_t i = 0; i < nl; i++) {
                const ts_json *s = ts_json_get(recs[i], "text");
                ids.len = 0;
                if ((rc = ts_tokenizer_encode(t, s->u.s, s->len, &ids)))
                    break;
                tokens += ids.len;
                if (r == 0)
                    for (size_t k = 0; k < ids.len; k++)
                        h = (h ^ ids.ids[k]) * 1099511628211ull;
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            if (r == 0 || sec < best)
                best = sec;
        }
        printf("tokens %llu seconds %.4f ids %016llx\n", (unsigned long long)tokens, best, (unsigned long long)h);
        ts_tok_ids_release(&ids);
    } else {
        fprintf(stderr, "tokcheck: unknown mode %s\n", argv[1]);
        rc = 2;
    }
    free(recs);
    free(data);
    ts_buf_release(&out);
    ts_arena_release(&a);
    ts_tokenizer_free(t);
    if (rc)
        fprintf(stderr, "tokcheck: %s\n", ts_strerror(rc));
    return rc ? 1 : 0;
}
