/* tuneset validate: check every record against the canonical shapes and
 * report each problem with file, line and reason. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    ts_strset ids;
    const char *kind; /* required kind, or NULL */
    uint64_t max_shown;
    bool write_valid;
} validate_ctx;

static int check(cli_run *r, ts_json *rec, void *ctx)
{
    validate_ctx *v = ctx;
    char why[256];
    if (ts_record_validate(rec, why, sizeof why)) {
        run_reject_here(r, "%s", why);
        return 0;
    }
    if (v->kind && strcmp(ts_rec_kind_name(ts_record_kind(rec)), v->kind)) {
        snprintf(why, sizeof why, "a %s record where --kind %s was asked for",
                 ts_rec_kind_name(ts_record_kind(rec)), v->kind);
        run_reject_here(r, "%s", why);
        return 0;
    }
    const ts_json *id = ts_json_get(rec, "id");
    if (id) {
        int added = ts_strset_add(&v->ids, id->u.s, id->len);
        if (added == 0) {
            snprintf(why, sizeof why, "duplicate id \"%.*s\"", (int)(id->len > 200 ? 200 : id->len),
                     id->u.s);
            run_reject_here(r, "%s", why);
            return 0;
        }
        if (added < 0)
            return EXIT_IO;
    }
    if (v->write_valid)
        return run_emit(r, rec);
    r->st.written++; /* counted as passing even when not written out */
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    c.output = NULL;
    validate_ctx v = {.max_shown = 100};
    cli_opt opts[] = {
        {0, "kind", "sft|preference|prompt|text", OPT_STR, &v.kind, "require every record to be of this kind"},
        {0, "max-errors", "N", OPT_U64, &v.max_shown, "print at most N problems (default 100; all are counted)"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] FILE...",
                       "Checks every record: JSON syntax, the record shape (SFT messages,\n"
                       "preference prompt/chosen/rejected, prompt, text), role names, turn\n"
                       "order, non-empty string content, field types, and unique ids across all\n"
                       "files. Each problem is printed as FILE:LINE: byte N: reason. Exit code 0\n"
                       "only when every record passes. With -o, valid records are written out;\n"
                       "with --rejects, invalid ones are set aside with their reasons.\n\n"
                       "example: tuneset validate train.jsonl test.jsonl",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (v.kind && strcmp(v.kind, "sft") && strcmp(v.kind, "preference") && strcmp(v.kind, "prompt") &&
        strcmp(v.kind, "text")) {
        cli_error("validate", "--kind must be sft, preference, prompt or text");
        return EXIT_USAGE;
    }
    v.write_valid = c.output != NULL;
    /* Syntax errors are reported like schema errors, and checking goes on. */
    c.on_error = "skip"; /* validate reports every problem, never stops */
    ts_strset_init(&v.ids);
    cli_run r;
    if ((rc = run_begin(&r, "validate", &c, c.output))) {
        ts_strset_release(&v.ids);
        return rc;
    }
    r.max_shown = v.max_shown;
    r.keep_output_on_data_error = true;
    run_inputs(&r, pos, npos, check, &v);
    if (!r.exit_code && r.st.rejected) /* schema and syntax problems alike */
        r.exit_code = EXIT_DATA;
    ts_strset_release(&v.ids);
    int code = run_end(&r);
    return code;
}
