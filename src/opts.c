/* One option parser for every subcommand: options are tables of cli_opt,
 * --help is generated from them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tuneset %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_common_defaults(cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->output = "-";
    c->on_error = "fail";
    c->framing = "auto";
    c->max_record = TS_STREAM_DEFAULT_MAX_RECORD;
    c->max_depth = TS_JSON_DEFAULT_DEPTH;
}

static const cli_opt *common_table(cli_common *c)
{
    static cli_opt t[12];
    cli_opt tmp[] = {
        {'o', "output", "FILE", OPT_STR, &c->output, "write records to FILE (.gz/.zst compress; default: stdout)"},
        {0, "stats", "FILE", OPT_STR, &c->stats, "write the run's counts as JSON to FILE"},
        {0, "on-error", "fail|skip", OPT_STR, &c->on_error, "stop at the first bad record (fail) or set it aside (skip)"},
        {0, "rejects", "FILE", OPT_STR, &c->rejects, "write bad records, with file, line and reason, to FILE"},
        {0, "seed", "N", OPT_U64, &c->seed, "seed for every random choice (default 0)"},
        {'q', "quiet", NULL, OPT_FLAG, &c->quiet, "no progress line and no summary"},
        {0, "framing", "MODE", OPT_STR, &c->framing, "auto, lines, array or values (default auto)"},
        {0, "max-record", "BYTES", OPT_SIZE, &c->max_record, "largest line or array element (default 64M)"},
        {0, "max-depth", "N", OPT_U64, &c->max_depth, "deepest JSON nesting (default 1000)"},
        {0, "compression", "CODEC", OPT_STR, &c->compression, "Parquet output: snappy (default), zstd, gzip, none"},
        {0, "row-group-rows", "N", OPT_U64, &c->row_group_rows, "Parquet output: rows per row group (default 100000)"},
        {0},
    };
    memcpy(t, tmp, sizeof tmp);
    return t;
}

static void print_opts(const cli_opt *o)
{
    for (; o && o->long_name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->long_name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->long_name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("  %-30s %s\n", left, o->help);
    }
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned long long mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    default: break;
    }
    if (*end || v > SIZE_MAX / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

static int set_value(const char *cmd, const cli_opt *o, const char *val)
{
    char *end;
    switch (o->kind) {
    case OPT_FLAG:
        *(bool *)o->dest = true;
        return 0;
    case OPT_STR:
        *(const char **)o->dest = val;
        return 0;
    case OPT_U64:
        errno = 0;
        *(uint64_t *)o->dest = strtoull(val, &end, 10);
        if (errno || end == val || *end || *val == '-')
            break;
        return 0;
    case OPT_SIZE:
        if (parse_size(val, (size_t *)o->dest))
            break;
        return 0;
    case OPT_DOUBLE:
        errno = 0;
        *(double *)o->dest = strtod(val, &end);
        if (errno || end == val || *end)
            break;
        return 0;
    case OPT_LIST: {
        cli_list *l = o->dest;
        if (l->n == (int)(sizeof l->items / sizeof *l->items)) {
            cli_error(cmd, "--%s given too many times", o->long_name);
            return -1;
        }
        l->items[l->n++] = val;
        return 0;
    }
    }
    cli_error(cmd, "--%s: invalid value '%s'", o->long_name, val);
    return -1;
}

static const cli_opt *find_long(const cli_opt *t, const char *name, size_t n)
{
    for (; t && t->long_name; t++)
        if (strlen(t->long_name) == n && !strncmp(t->long_name, name, n))
            return t;
    return NULL;
}

static const cli_opt *find_short(const cli_opt *t, char c)
{
    for (; t && t->long_name; t++)
        if (t->short_name == c)
            return t;
    return NULL;
}

int cli_parse(int argc, char **argv, const cli_opt *opts, cli_common *common, const char *usage,
              const char *about, char ***pos, int *npos)
{
    static char *positional[4096];
    const char *cmd = argv[0];
    const cli_opt *ct = common ? common_table(common) : NULL;
    int np = 0;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || !strcmp(a, "-")) {
            if (np == (int)(sizeof positional / sizeof *positional)) {
                cli_error(cmd, "too many arguments");
                return EXIT_USAGE;
            }
            positional[np++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = true;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("usage: tuneset %s %s\n\n%s\n", cmd, usage, about);
            if (opts && opts->long_name) {
                printf("\noptions:\n");
                print_opts(opts);
            }
            if (ct) {
                printf("\ncommon options:\n");
                print_opts(ct);
            }
            printf("  -h, --help                     show this help\n");
            return CLI_HELP_SHOWN;
        }
        const cli_opt *o;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(opts, name, n);
            if (!o)
                o = find_long(ct, name, n);
            if (!o) {
                cli_error(cmd, "unknown option '--%.*s' (see 'tuneset %s --help')", (int)n, name, cmd);
                return EXIT_USAGE;
            }
            if (eq) {
                if (o->kind == OPT_FLAG) {
                    cli_error(cmd, "--%s takes no value", o->long_name);
                    return EXIT_USAGE;
                }
                val = eq + 1;
            }
        } else {
            o = find_short(opts, a[1]);
            if (!o)
                o = find_short(ct, a[1]);
            if (!o) {
                cli_error(cmd, "unknown option '-%c' (see 'tuneset %s --help')", a[1], cmd);
                return EXIT_USAGE;
            }
            if (a[2]) {
                if (o->kind == OPT_FLAG) {
                    cli_error(cmd, "-%c takes no value", a[1]);
                    return EXIT_USAGE;
                }
                val = a + 2;
            }
        }
        if (o->kind != OPT_FLAG && !val) {
            if (i + 1 >= argc) {
                cli_error(cmd, "--%s needs a value (%s)", o->long_name, o->arg);
                return EXIT_USAGE;
            }
            val = argv[++i];
        }
        if (set_value(cmd, o, val))
            return EXIT_USAGE;
    }
    if (common) {
        if (strcmp(common->on_error, "fail") && strcmp(common->on_error, "skip")) {
            cli_error(cmd, "--on-error must be 'fail' or 'skip', not '%s'", common->on_error);
            return EXIT_USAGE;
        }
        if (strcmp(common->framing, "auto") && strcmp(common->framing, "lines") &&
            strcmp(common->framing, "array") && strcmp(common->framing, "values")) {
            cli_error(cmd, "--framing must be auto, lines, array or values, not '%s'", common->framing);
            return EXIT_USAGE;
        }
        if (!common->max_record || !common->max_depth || common->max_depth > 1000000) {
            cli_error(cmd, "--max-record and --max-depth must be positive (depth at most 1000000)");
            return EXIT_USAGE;
        }
    }
    *pos = positional;
    *npos = np;
    return 0;
}
