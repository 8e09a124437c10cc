/* tuneset head: the first N records. */
#include "cli.h"

typedef struct {
    uint64_t n;
} head_ctx;

static int take(cli_run *r, ts_json *rec, void *ctx)
{
    head_ctx *h = ctx;
    int rc = run_emit(r, rec);
    if (!rc && r->st.written >= h->n)
        r->stop = true;
    return rc;
}

int cmd_head(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    head_ctx h = {10};
    cli_opt opts[] = {
        {'n', "lines", "N", OPT_U64, &h.n, "how many records (default 10)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[-n N] [options] [FILE...]",
                       "Writes the first N records of the input as canonical JSON Lines, and\n"
                       "stops reading there.\n\n"
                       "example: tuneset head -n 3 alpaca_data.json",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    cli_run r;
    if ((rc = run_begin(&r, "head", &c, c.output)))
        return rc;
    if (h.n > 0)
        run_inputs(&r, pos, npos, take, &h);
    return run_end(&r);
}
