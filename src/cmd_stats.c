/* tuneset stats: reads records and summarizes them (readable text on
 * stdout or -o, the same as JSON with --json). Every record read and not
 * rejected is counted as written: it went into the statistics. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_stats.h"
#include "tuneset/tokenizer.h"

static int collect(cli_run *r, ts_json *rec, void *ctx)
{
    int rc = ts_cstats_add(ctx, rec);
    if (rc == TS_EUTF8 || rc == TS_ETOOBIG)
        return run_reject_here(r, "text cannot be tokenized: %s", ts_strerror(rc));
    if (rc) {
        cli_error(r->cmd, "%s", ts_strerror(rc));
        return EXIT_IO;
    }
    r->st.written++;
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *json = NULL, *tokpath = NULL;
    cli_opt opts[] = {
        {0, "json", "FILE", OPT_STR, &json, "also write the statistics as JSON to FILE ('-' = stdout)"},
        {0, "tokenizer", "PATH", OPT_STR, &tokpath, "also token counts per record and turn (tokenizer.json or its folder)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[--json FILE] [options] [FILE...]",
                       "Summarizes records: counts per kind, source, language (meta.lang) and\n"
                       "category (meta.category); turns and characters per record and per turn;\n"
                       "preference score gaps; exact duplicate texts. The summary goes to stdout\n"
                       "(or -o FILE). Percentiles are exact (nearest rank). With --tokenizer,\n"
                       "token counts too (contents as they are, no chat template).\n\n"
                       "example: tuneset stats sft.jsonl --json stats.json",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    cli_run r;
    if ((rc = run_begin(&r, "stats", &c, NULL)))
        return rc;
    static ts_cstats s;
    ts_cstats_init(&s);
    ts_tokenizer *tok = NULL;
    if (tokpath) {
        ts_err e = TS_ERR_INIT;
        if ((rc = ts_tokenizer_load(tokpath, &tok, &e))) {
            char msg[512];
            if (!e.file)
                e.file = tokpath;
            ts_err_format(&e, msg, sizeof msg);
            cli_error("stats", "%s", msg);
            ts_cstats_release(&s);
            run_end(&r);
            return rc == TS_ENOENT || rc == TS_EIO ? EXIT_IO : EXIT_DATA;
        }
        s.tok = tok;
    }
    run_inputs(&r, pos, npos, collect, &s);
    if (!r.exit_code) {
        ts_buf b;
        ts_buf_init(&b, 0);
        if (ts_cstats_to_text(&s, &b)) {
            cli_error("stats", "%s", ts_strerror(TS_ENOMEM));
            r.exit_code = EXIT_IO;
        } else if (cli_write_file("stats", NULL, c.output, &b)) {
            r.exit_code = EXIT_IO;
        }
        b.len = 0;
        if (!r.exit_code && json) {
            if (ts_cstats_to_json(&s, &b) || ts_buf_putc(&b, '\n')) {
                cli_error("stats", "%s", ts_strerror(TS_ENOMEM));
                r.exit_code = EXIT_IO;
            } else if (cli_write_file("stats", NULL, json, &b)) {
                r.exit_code = EXIT_IO;
            }
        }
        ts_buf_release(&b);
    }
    char extra[128];
    snprintf(extra, sizeof extra, "\"duplicates\":%llu,\"unique_texts\":%llu", (unsigned long long)s.duplicates,
             (unsigned long long)s.seen_n);
    r.extra_stats = extra;
    ts_cstats_release(&s);
    ts_tokenizer_free(tok);
    return run_end(&r);
}
