/* The command-line program's shared pieces: options declared as data and
 * parsed by one parser, and the record-processing driver every data
 * command uses (inputs, output, rejects, stats, progress, summary). */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tuneset/tuneset.h"

/* Documented exit codes (docs/cli.md). */
enum {
    EXIT_OK = 0,
    EXIT_DATA = 1,  /* bad input data: rejected records, failed validation */
    EXIT_USAGE = 2, /* bad command line */
    EXIT_IO = 3     /* a file could not be opened, read or written */
};

typedef enum { OPT_FLAG, OPT_STR, OPT_U64, OPT_SIZE, OPT_DOUBLE, OPT_LIST } cli_opt_kind;

typedef struct cli_opt {
    char short_name;       /* 0 = none */
    const char *long_name; /* without the dashes */
    const char *arg;       /* argument name in --help; NULL for flags */
    cli_opt_kind kind;
    void *dest; /* bool*, const char**, uint64_t*, size_t*, double*, or cli_list* */
    const char *help;
} cli_opt;

/* A repeatable option (each use appends). */
typedef struct cli_list {
    const char *items[64];
    int n;
} cli_list;

typedef enum { ON_ERROR_FAIL, ON_ERROR_SKIP } on_error_mode;

/* Options every data command takes. */
typedef struct cli_common {
    const char *output;
    const char *stats;
    const char *on_error;
    const char *rejects;
    const char *framing;
    uint64_t seed;
    bool quiet;
    size_t max_record;
    uint64_t max_depth;
    const char *compression; /* Parquet output codec */
    uint64_t row_group_rows; /* Parquet output row group size */
} cli_common;

typedef struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_cmd;

/* Parses argv (argv[0] is the command name). Positional arguments are
 * collected into *pos (a pointer into a static array; *npos set).
 * common may be NULL for commands without the data options.
 * Returns 0 to go on, CLI_HELP_SHOWN after printing --help, or EXIT_USAGE;
 * commands use CLI_PARSE_RESULT to turn the latter two into exit codes. */
#define CLI_HELP_SHOWN (-1)
#define CLI_PARSE_RESULT(rc) ((rc) == CLI_HELP_SHOWN ? EXIT_OK : (rc))
int cli_parse(int argc, char **argv, const cli_opt *opts, cli_common *common, const char *usage,
              const char *about, char ***pos, int *npos);
void cli_common_defaults(cli_common *c);
/* Messages to stderr as "tuneset CMD: ...". */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* --- the driver --------------------------------------------------------- */

typedef struct cli_run {
    const char *cmd;
    cli_common *c;
    on_error_mode mode;
    ts_stream_opts sopts;
    ts_out *out, *rej;
    struct ts_parquet_writer *pq; /* instead of out when -o names a .parquet */
    ts_buf line; /* one encoded output record */
    ts_stats st;
    ts_arena arena;
    ts_stream *cur; /* the stream being read (for positions) */
    uint64_t done_bytes; /* bytes of finished inputs */
    bool stop;      /* set to end the run early (head, fail mode) */
    int exit_code;
    struct timespec t0, last_progress;
    bool progress_shown, tty;
    const char *extra_stats; /* command's own JSON members for --stats */
    uint64_t shown, max_shown; /* rejects printed in skip mode, and the cap */
    bool keep_output_on_data_error; /* validate: -o holds the valid records */
} cli_run;

/* Monotonic clock, in seconds (for timing stages). */
double cli_now(void);
/* Seconds since run_begin. */
double run_elapsed(const cli_run *r);

/* Writes b to path atomically ("-" = stdout); on failure prints
 * "tuneset CMD: [what: ]reason" and returns EXIT_IO. what may be NULL. */
int cli_write_file(const char *cmd, const char *what, const char *path, const ts_buf *b);

/* Called for each parsed record; returns 0 or an exit code to stop. */
typedef int (*cli_record_fn)(cli_run *r, ts_json *rec, void *ctx);

/* Opens the output (when out_path is not NULL) and the rejects file. */
int run_begin(cli_run *r, const char *cmd, cli_common *c, const char *out_path);
/* Streams every record of every path through fn. */
int run_inputs(cli_run *r, char **paths, int n, cli_record_fn fn, void *ctx);
/* As run_inputs, but JSON records come to raw as their text, unparsed
 * (the command scans them itself, e.g. with ts_json_pick; a record it
 * finds bad it rejects with run_reject after ts_stream_locate(r->cur, e));
 * Parquet rows still come to fn as trees. */
typedef int (*cli_raw_fn)(cli_run *r, const char *text, size_t len, void *ctx);
int run_inputs_raw(cli_run *r, char **paths, int n, cli_record_fn fn, cli_raw_fn raw, void *ctx);
/* Writes rec to the output as one JSON line and counts it written. */
int run_emit(cli_run *r, const ts_json *rec);
/* The command appended one record's compact JSON to r->line itself (JSON
 * Lines output only, not Parquet): ends the line, counts and writes it as
 * run_emit does. */
int run_emit_line(cli_run *r);
void run_drop(cli_run *r, const char *rule);
/* Ends the run: prints "tuneset CMD: msg", sets the exit code, stops
 * reading. Returns code, so callers can `return run_fail(...)`. */
int run_fail(cli_run *r, int code, const char *msg);
/* The same with an error's text and position, after an optional prefix
 * ("--report"). */
int run_fail_err(cli_run *r, int code, const char *prefix, const ts_err *e);
/* Writes rec as one JSON line to a second output of the command (`what`
 * names it in errors, e.g. "--pairs"); line is the caller's scratch.
 * 0, or the run fails with EXIT_IO and that code is returned. */
int run_side_write(cli_run *r, ts_out *out, ts_buf *line, const ts_json *rec, const char *what);
/* Handles a bad record: counts it, writes it to --rejects, and in fail
 * mode reports it and stops the run. raw may be NULL (the stream's raw). */
int run_reject(cli_run *r, const ts_err *e, const char *raw, size_t rawlen);
/* run_reject for the record just read, at its stream position, with a
 * printf-style reason (a record that does not fit the command). */
int run_reject_here(cli_run *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Commits outputs (or discards them after a failure), writes --stats,
 * prints the summary; returns the exit code. */
int run_end(cli_run *r);
void run_progress(cli_run *r);

/* Subcommands. */
int cmd_cat(int argc, char **argv);
int cmd_head(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_pii(int argc, char **argv);
int cmd_lang(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_decontam(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_mix(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_parquet(int argc, char **argv);
int cmd_votes(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_tokenize(int argc, char **argv);
int cmd_render(int argc, char **argv);

#endif
