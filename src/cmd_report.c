/* tuneset report: reads records and writes one self-contained HTML page of
 * charts and sample records (-o, default stdout). Every record read and
 * not rejected is counted as written: it went into the report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_report.h"

static int collect(cli_run *r, ts_json *rec, void *ctx)
{
    if (ts_report_add(ctx, rec)) {
        cli_error(r->cmd, "%s", ts_strerror(TS_ENOMEM));
        return EXIT_IO;
    }
    r->st.written++;
    return 0;
}

int cmd_report(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *title = "tuneset report";
    uint64_t sample = 20;
    cli_opt opts[] = {
        {0, "title", "TEXT", OPT_STR, &title, "page title (default \"tuneset report\")"},
        {0, "sample", "N", OPT_U64, &sample, "show the first N records and N more at random (default 20)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "-o report.html [--title TEXT] [--sample N] [options] [FILE...]",
                       "Writes one self-contained HTML page (inline CSS and SVG, no scripts, no\n"
                       "network): the statistics of `tuneset stats` as charts (characters per record\n"
                       "and per turn, turns, preference score gaps, sources, languages, categories)\n"
                       "and a browsable sample of records: the first N and N at random from the rest\n"
                       "(--seed picks them).\n\n"
                       "example: tuneset report sft.jsonl pref.jsonl -o report.html",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (sample > 10000) {
        cli_error("report", "--sample %llu: at most 10000", (unsigned long long)sample);
        return EXIT_USAGE;
    }
    cli_run r;
    if ((rc = run_begin(&r, "report", &c, NULL)))
        return rc;
    static ts_report rep;
    ts_report_init(&rep, (size_t)sample, c.seed);
    run_inputs(&r, pos, npos, collect, &rep);
    if (!r.exit_code) {
        ts_buf b;
        ts_buf_init(&b, 0);
        if (ts_report_html(&rep, title, &b)) {
            cli_error("report", "%s", ts_strerror(TS_ENOMEM));
            r.exit_code = EXIT_IO;
        } else if (cli_write_file("report", NULL, c.output, &b)) {
            r.exit_code = EXIT_IO;
        }
        ts_buf_release(&b);
    }
    char extra[96];
    snprintf(extra, sizeof extra, "\"sampled\":%zu", rep.first_n + rep.random_n);
    r.extra_stats = extra;
    ts_report_release(&rep);
    return run_end(&r);
}
