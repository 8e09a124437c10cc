/* tuneset cat: read records in any supported input form and write them as
 * compact canonical JSON Lines. The pass-through command, and the
 * benchmark's subject. */
#include "cli.h"

static int emit(cli_run *r, ts_json *rec, void *ctx)
{
    (void)ctx;
    return run_emit(r, rec);
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
    run_inputs(&r, pos, npos, emit, NULL);
    return run_end(&r);
}
