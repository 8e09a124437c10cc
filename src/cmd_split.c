/* tuneset split: one input, several outputs (DIR/<name>.jsonl), each record
 * in exactly one. The driver's single -o does not fit, so this command
 * keeps one atomic output per split and counts written records itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "tuneset/curate_split.h"

enum { SPLIT_BLOCK = 1 << 20 };

typedef struct split_ctx {
    ts_splitter sp;
    ts_out *out[TS_SPLIT_MAX];
    ts_buf buf[TS_SPLIT_MAX];
    uint64_t index;
} split_ctx;

static int flush(cli_run *r, split_ctx *x, int i)
{
    ts_err e = TS_ERR_INIT;
    int rc = x->buf[i].len ? ts_out_write(x->out[i], x->buf[i].data, x->buf[i].len, &e) : 0;
    x->buf[i].len = 0;
    if (rc)
        return run_fail_err(r, EXIT_IO, NULL, &e);
    return 0;
}

static int assign(cli_run *r, ts_json *rec, void *ctx)
{
    split_ctx *x = ctx;
    int i, rc = ts_splitter_assign(&x->sp, rec, x->index++, &i);
    if (rc == TS_ESCHEMA) {
        run_drop(r, "split_no_group_key");
        return 0;
    }
    if (rc) {
        cli_error(r->cmd, "%s", ts_strerror(rc));
        return EXIT_IO;
    }
    ts_buf *b = &x->buf[i];
    size_t mark = b->len;
    rc = ts_json_write(b, rec);
    if (!rc)
        rc = ts_buf_putc(b, '\n');
    if (rc) {
        b->len = mark;
        cli_error(r->cmd, "cannot encode a record: %s", ts_strerror(rc));
        return EXIT_IO;
    }
    r->st.written++;
    return b->len >= SPLIT_BLOCK ? flush(r, x, i) : 0;
}

/* Opens DIR/<name>.jsonl for every split; DIR is created when missing. */
static int open_outputs(const char *dir, split_ctx *x)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        cli_error("split", "cannot create %s: %s", dir, strerror(errno));
        return EXIT_IO;
    }
    for (int i = 0; i < x->sp.spec.n; i++) {
        char path[4096];
        ts_err e = TS_ERR_INIT;
        snprintf(path, sizeof path, "%s/%s.jsonl", dir, x->sp.spec.name[i]);
        if (ts_out_open(&x->out[i], path, &e)) {
            char msg[512];
            e.file = path; /* the output's own copy of the name is freed by now */
            ts_err_format(&e, msg, sizeof msg);
            cli_error("split", "%s", msg);
            return EXIT_IO;
        }
    }
    return 0;
}

/* All outputs are committed only after the whole input went well and
 * every buffer reached its file, so a failure leaves no split behind
 * (short of a rename failing between two commits). */
static void finish_outputs(cli_run *r, split_ctx *x, const char *dir)
{
    for (int i = 0; i < x->sp.spec.n && !r->exit_code; i++)
        flush(r, x, i);
    for (int i = 0; i < x->sp.spec.n; i++) {
        ts_err e = TS_ERR_INIT;
        if (r->exit_code || !x->out[i]) {
            ts_out_abort(x->out[i]);
        } else if (ts_out_commit(x->out[i], &e)) {
            char msg[512], path[4096];
            snprintf(path, sizeof path, "%s/%s.jsonl", dir, x->sp.spec.name[i]);
            e.file = path; /* the output's own copy of the name is freed by now */
            ts_err_format(&e, msg, sizeof msg);
            cli_error(r->cmd, "%s", msg);
            r->exit_code = EXIT_IO;
        }
        x->out[i] = NULL;
        ts_buf_release(&x->buf[i]);
    }
}

/* "splits":{"train":N,...},"strata":N for --stats. */
static char *extra_json(const split_ctx *x)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_buf_append(&b, "\"splits\":{", 10);
    for (int i = 0; i < x->sp.spec.n; i++) {
        char num[32];
        if (i)
            ts_buf_putc(&b, ',');
        ts_json_write_string(&b, x->sp.spec.name[i], strlen(x->sp.spec.name[i]));
        snprintf(num, sizeof num, ":%llu", (unsigned long long)x->sp.count[i]);
        ts_buf_append(&b, num, strlen(num));
    }
    char tail[64];
    snprintf(tail, sizeof tail, "},\"strata\":%llu", (unsigned long long)x->sp.nstrata);
    ts_buf_append(&b, tail, strlen(tail) + 1); /* with the NUL */
    return b.data;
}

int cmd_split(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    c.output = NULL; /* to tell a given -o from the default */
    const char *ratios = NULL, *dir = NULL, *group_by = NULL, *stratify = NULL;
    cli_opt opts[] = {
        {0, "ratios", "NAME=R,...", OPT_STR, &ratios, "splits and their shares, e.g. train=0.9,test=0.1"},
        {0, "out-dir", "DIR", OPT_STR, &dir, "writes DIR/<name>.jsonl per split"},
        {0, "group-by", "FIELD", OPT_STR, &group_by,
         "records with the same FIELD (dotted path) share a split"},
        {0, "stratify", "FIELD", OPT_STR, &stratify, "keeps the ratios within each value of FIELD"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "--ratios NAME=R,... --out-dir DIR [options] [FILE...]",
                       "Assigns each record to one split by a seeded hash of its id (or its\n"
                       "position, or its --group-by key) and writes DIR/<name>.jsonl per split.\n"
                       "Ratios are normalized. Same input and --seed give the same splits.\n\n"
                       "example: tuneset split oasst.jsonl --ratios train=0.9,test=0.1 \\\n"
                       "           --group-by meta.message_tree_id --out-dir splits",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!ratios || !dir) {
        cli_error("split", "--ratios and --out-dir are required");
        return EXIT_USAGE;
    }
    if (c.output) {
        cli_error("split", "writes one file per split under --out-dir; -o does not apply");
        return EXIT_USAGE;
    }
    if (group_by && stratify) {
        cli_error("split", "--group-by and --stratify cannot be combined (a group may span strata)");
        return EXIT_USAGE;
    }
    ts_split_spec spec;
    char why[256];
    if (ts_split_parse_ratios(ratios, &spec, why, sizeof why)) {
        cli_error("split", "--ratios: %s", why);
        return EXIT_USAGE;
    }
    static split_ctx x;
    memset(&x, 0, sizeof x);
    if (ts_splitter_init(&x.sp, &spec, c.seed, group_by, stratify))
        return EXIT_USAGE;
    for (int i = 0; i < spec.n; i++)
        ts_buf_init(&x.buf[i], 0);
    cli_run r;
    if ((rc = run_begin(&r, "split", &c, NULL)))
        goto done;
    if (open_outputs(dir, &x))
        r.exit_code = EXIT_IO;
    else
        run_inputs(&r, pos, npos, assign, &x);
    finish_outputs(&r, &x, dir);
    char *extra = extra_json(&x);
    r.extra_stats = extra;
    bool quiet = c.quiet;
    rc = run_end(&r);
    if (!quiet && !rc) {
        uint64_t total = 0;
        for (int i = 0; i < spec.n; i++)
            total += x.sp.count[i];
        for (int i = 0; i < spec.n; i++)
            fprintf(stderr, "  split   %-28s %llu (%.1f%%) -> %s/%s.jsonl\n", spec.name[i],
                    (unsigned long long)x.sp.count[i],
                    total ? 100.0 * (double)x.sp.count[i] / (double)total : 0.0, dir, spec.name[i]);
    }
    free(extra);
done:
    for (int i = 0; i < spec.n; i++)
        ts_buf_release(&x.buf[i]);
    ts_splitter_release(&x.sp);
    return rc;
}
