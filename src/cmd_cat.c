/* tuneset cat: read records in any supported input form and write them as
 * compact canonical JSON Lines. The pass-through command, and the
 * benchmark's subject. JSON records are not parsed into trees: the picking
 * scanner checks each one as the parser would and writes its compact form
 * straight into the output (the bytes ts_json_write gives the tree);
 * Parquet input or output goes through trees. */
#include "cli.h"

static int emit(cli_run *r, ts_json *rec, void *ctx)
{
    (void)ctx;
    return run_emit(r, rec);
}

static int emit_text(cli_run *r, const char *text, size_t len, void *ctx)
{
    ts_err e = TS_ERR_INIT;
    int rc = ts_json_pick_scan(ctx, text, len, &r->line, &e);
    if (rc == TS_ENOMEM)
        return run_fail(r, EXIT_IO, "out of memory");
    if (rc) {
        ts_stream_locate(r->cur, &e);
        return run_reject(r, &e, NULL, 0);
    }
    return run_emit_line(r);
}

int cmd_cat(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, NULL, &c, "[options] [FILE...]",
                       "Reads JSON Lines or a top-level JSON array (plain, .gz or .zst; '-' is\n"
                       "stdin) and writes one compact JSON record a line, keys in input order,\n"
                       "UTF-8 unescaped. Numbers keep their exact text.\n\n"
                       "example: tuneset cat data.json.gz -o data.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    cli_run r;
    if ((rc = run_begin(&r, "cat", &c, c.output)))
        return rc;
    /* No keys: the scan only checks and compacts. */
    ts_json_pick *k = r.pq ? NULL : ts_json_pick_new(NULL, NULL, &r.sopts.json);
    if (!r.pq && !k)
        run_fail(&r, EXIT_IO, "out of memory");
    else
        run_inputs_raw(&r, pos, npos, emit, k ? emit_text : NULL, k);
    ts_json_pick_free(k);
    return run_end(&r);
}
