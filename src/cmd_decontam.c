/* tuneset decontam: drop records sharing a word n-gram with a benchmark.
 * The benchmark n-gram set is built once, before the first record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_decontam.h"

typedef struct {
    ts_decontam *d;
    ts_out *report;
    ts_buf rb;     /* pending report lines */
    uint64_t seen; /* records checked (for ids of records without one) */
} decontam_ctx;

static int flush_report(cli_run *r, decontam_ctx *x)
{
    ts_err e = TS_ERR_INIT;
    int rc = ts_out_write(x->report, x->rb.data, x->rb.len, &e);
    x->rb.len = 0;
    if (rc)
        return run_fail_err(r, EXIT_IO, "--report", &e);
    return 0;
}

static int report(cli_run *r, decontam_ctx *x, const ts_json *rec, uint64_t i, const ts_decontam_match *m)
{
    ts_buf *b = &x->rb;
    int rc = ts_buf_append(b, "{\"id\":", 6);
    const ts_json *id = ts_json_get(rec, "id");
    if (ts_json_is(id, TS_JSON_STRING) || ts_json_is(id, TS_JSON_NUMBER)) {
        rc |= ts_json_write(b, id);
    } else {
        char num[32]; /* no id: the 0-based record number over all inputs, like dedup */
        int k = snprintf(num, sizeof num, "\"#%llu\"", (unsigned long long)i);
        rc |= ts_buf_append(b, num, (size_t)k);
    }
    rc |= ts_buf_append(b, ",\"benchmark_file\":", 18);
    rc |= ts_json_write_string(b, m->file, strlen(m->file));
    char num[64];
    int k = snprintf(num, sizeof num, ",\"benchmark_line\":%llu", (unsigned long long)m->line);
    rc |= ts_buf_append(b, num, (size_t)k);
    if (m->bench_id) {
        rc |= ts_buf_append(b, ",\"benchmark_id\":", 16);
        rc |= ts_buf_append(b, m->bench_id, m->bench_id_len);
    }
    rc |= ts_buf_append(b, ",\"ngram\":", 9);
    rc |= ts_json_write_string(b, m->ngram, m->ngram_len);
    rc |= ts_buf_append(b, ",\"field\":", 9);
    rc |= ts_json_write_string(b, m->field, strlen(m->field));
    rc |= ts_buf_append(b, "}\n", 2);
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    return b->len >= (1u << 20) ? flush_report(r, x) : 0;
}

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    decontam_ctx *x = ctx;
    uint64_t i = x->seen++;
    ts_decontam_match m;
    int rc = ts_decontam_check_record(x->d, rec, &m);
    if (rc < 0)
        return run_fail(r, EXIT_IO, "out of memory");
    if (rc == 0)
        return run_emit(r, rec);
    run_drop(r, "contaminated");
    return x->report ? report(r, x, rec, i, &m) : 0;
}

/* Splits "a,b,c" in place into fields (at most cap). */
static size_t split_fields(char *s, const char **out, size_t cap)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < cap; tok = strtok(NULL, ","))
        if (*tok)
            out[n++] = tok;
    return n;
}

int cmd_decontam(int argc, char **argv)
{
    static const char *const check_names[] = {"all", "prompt", "response"};
    cli_common c;
    cli_common_defaults(&c);
    cli_list against = {0};
    const char *check = "all", *bench_fields = NULL, *report_path = NULL;
    uint64_t ngram = 13;
    cli_opt opts[] = {
        {0, "against", "FILE", OPT_LIST, &against, "benchmark file (JSONL, JSON array or Parquet); repeatable"},
        {0, "ngram", "N", OPT_U64, &ngram, "words per n-gram (13)"},
        {0, "check", "WHAT", OPT_STR, &check, "turns checked: all (default), prompt or response"},
        {0, "bench-fields", "F,F", OPT_STR, &bench_fields,
         "benchmark keys whose text counts (default: every string in the row)"},
        {0, "report", "FILE", OPT_STR, &report_path,
         "JSON Lines: {id, benchmark_file, benchmark_line, benchmark_id, ngram, field} per drop"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] --against BENCH... -o OUT",
                       "Drops records that share a word n-gram with a benchmark item. Words\n"
                       "are lowercased; punctuation and whitespace separate them. A benchmark\n"
                       "item shorter than --ngram words is one n-gram of all its words.\n"
                       "Drops count as contaminated.\n\n"
                       "example: tuneset decontam sft.jsonl --against gsm8k_test.jsonl -o clean.jsonl\n"
                       "         --bench-fields question,answer --report hits.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    ts_decontam_opts o;
    ts_decontam_opts_default(&o);
    int ci = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(check, check_names[i]))
            ci = i;
    if (ci < 0) {
        cli_error("decontam", "--check must be all|prompt|response, not '%s'", check);
        return EXIT_USAGE;
    }
    if (ngram == 0 || ngram > 1000) {
        cli_error("decontam", "need 1 <= --ngram <= 1000");
        return EXIT_USAGE;
    }
    if (against.n == 0) {
        cli_error("decontam", "need at least one --against FILE");
        return EXIT_USAGE;
    }
    o.ngram = (uint32_t)ngram;
    o.check = (ts_decontam_check)ci;
    char *fields_copy = NULL;
    const char *fields[64];
    if (bench_fields) {
        if (!(fields_copy = strdup(bench_fields))) {
            cli_error("decontam", "out of memory");
            return EXIT_IO;
        }
        o.nbench_fields = split_fields(fields_copy, fields, sizeof fields / sizeof *fields);
        o.bench_fields = o.nbench_fields ? fields : NULL;
    }
    decontam_ctx x;
    memset(&x, 0, sizeof x);
    rc = ts_decontam_new(&x.d, &o);
    free(fields_copy);
    if (rc) {
        cli_error("decontam", "out of memory");
        return EXIT_IO;
    }
    cli_run r;
    if ((rc = run_begin(&r, "decontam", &c, c.output))) {
        ts_decontam_free(x.d);
        return rc;
    }
    ts_buf_init(&x.rb, 0);
    ts_err e = TS_ERR_INIT;
    char msg[512];
    ts_stream_opts bo = r.sopts;
    bo.framing = TS_FRAMING_AUTO; /* --framing is about the inputs */
    for (int i = 0; i < against.n && !r.exit_code; i++) {
        e = (ts_err)TS_ERR_INIT;
        if (ts_decontam_load(x.d, against.items[i], &bo, &e)) {
            ts_err_format(&e, msg, sizeof msg);
            cli_error("decontam", "--against %s: %s", against.items[i], msg);
            r.exit_code = e.code == TS_ENOMEM || e.code == TS_EIO || e.code == TS_ENOENT ? EXIT_IO : EXIT_DATA;
        }
    }
    e = (ts_err)TS_ERR_INIT;
    if (!r.exit_code && report_path && ts_out_open(&x.report, report_path, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error("decontam", "--report: %s", msg);
        r.exit_code = EXIT_IO;
    }
    if (!r.exit_code)
        run_inputs(&r, pos, npos, on_record, &x);
    if (x.report) {
        e = (ts_err)TS_ERR_INIT;
        if (r.exit_code) {
            ts_out_abort(x.report); /* like -o: no partial file under the final name */
        } else if (x.rb.len && flush_report(&r, &x)) {
            ts_out_abort(x.report);
        } else if (ts_out_commit(x.report, &e)) {
            ts_err_format(&e, msg, sizeof msg);
            cli_error("decontam", "--report: %s", msg);
            r.exit_code = EXIT_IO;
        }
    }
    char extra[256];
    snprintf(extra, sizeof extra,
             "\"decontam\":{\"ngram\":%u,\"check\":\"%s\",\"benchmarks\":%d,\"items\":%zu,\"ngrams\":%zu}",
             o.ngram, check, against.n, ts_decontam_item_count(x.d), ts_decontam_ngram_count(x.d));
    r.extra_stats = extra;
    rc = run_end(&r);
    ts_decontam_free(x.d);
    ts_buf_release(&x.rb);
    return rc;
}
