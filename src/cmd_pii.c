/* tuneset pii: find e-mail addresses, phone numbers, IP addresses, card
 * numbers, IBANs and secrets in the record text, and redact them, drop
 * the records holding them, or report counts in meta.pii. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tuneset/curate_pii.h"

typedef struct {
    ts_pii_mode mode;
    uint64_t records[TS_PII_NTYPES]; /* records with at least one match */
    uint64_t matches[TS_PII_NTYPES];
    uint64_t with_pii;
} pii_ctx;

static const char *const mode_names[] = {"redact", "drop", "report"};

static int on_record(cli_run *r, ts_json *rec, void *ctx)
{
    pii_ctx *x = ctx;
    ts_pii_result res;
    int rc = ts_pii_record(rec, x->mode, &r->arena, &res);
    if (rc == TS_EINVAL)
        return run_reject_here(r, "record is not a JSON object");
    if (rc)
        return run_fail(r, EXIT_IO, "out of memory");
    if (res.total) {
        x->with_pii++;
        for (int t = 0; t < TS_PII_NTYPES; t++)
            if (res.counts[t]) {
                x->records[t]++;
                x->matches[t] += res.counts[t];
            }
    }
    if (x->mode == TS_PII_DROP && res.total) {
        /* Rule names must outlive the run: the stats keep the pointer. */
        static const char *const rules[] = {"pii_email", "pii_phone", "pii_ip",
                                            "pii_credit_card", "pii_iban", "pii_secret"};
        run_drop(r, rules[res.first]);
        return 0;
    }
    if (x->mode == TS_PII_REDACT && res.total)
        ts_stats_step(&r->st, "pii_redacted");
    return run_emit(r, rec);
}

static void extra_json(const pii_ctx *x, char *out, size_t cap)
{
    size_t k = (size_t)snprintf(out, cap, "\"pii\":{\"mode\":\"%s\",\"records_with_pii\":%llu",
                                mode_names[x->mode], (unsigned long long)x->with_pii);
    for (int part = 0; part < 2 && k < cap; part++) {
        const uint64_t *v = part ? x->matches : x->records;
        k += (size_t)snprintf(out + k, cap - k, ",\"%s\":{", part ? "matches" : "records");
        for (int t = 0; t < TS_PII_NTYPES && k < cap; t++)
            k += (size_t)snprintf(out + k, cap - k, "%s\"%s\":%llu", t ? "," : "",
                                  ts_pii_type_name((ts_pii_type)t), (unsigned long long)v[t]);
        if (k < cap)
            k += (size_t)snprintf(out + k, cap - k, "}");
    }
    if (k < cap)
        snprintf(out + k, cap - k, "}");
}

int cmd_pii(int argc, char **argv)
{
    cli_common c;
    cli_common_defaults(&c);
    const char *mode = "redact";
    cli_opt opts[] = {
        {0, "mode", "M", OPT_STR, &mode, "redact (default): placeholders; drop: records with PII; report: meta.pii"},
        {0},
    };
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "[options] [FILE...] -o OUT",
                       "Finds e-mail addresses, phone numbers, IPv4/IPv6 addresses, credit-card\n"
                       "numbers (Luhn), IBANs (mod 97) and API keys with known prefixes in the\n"
                       "record text. redact replaces them with <EMAIL>, <PHONE>, <IP>,\n"
                       "<CREDIT_CARD>, <IBAN>, <SECRET>; drop removes the records (rule\n"
                       "pii_<type> of the first match); report adds meta.pii counts.\n\n"
                       "example: tuneset pii sft.jsonl -o sft.redacted.jsonl --stats pii.json",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    pii_ctx x;
    memset(&x, 0, sizeof x);
    int m = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(mode, mode_names[i]))
            m = i;
    if (m < 0) {
        cli_error("pii", "--mode must be redact|drop|report, not '%s'", mode);
        return EXIT_USAGE;
    }
    x.mode = (ts_pii_mode)m;
    cli_run r;
    if ((rc = run_begin(&r, "pii", &c, c.output)))
        return rc;
    run_inputs(&r, pos, npos, on_record, &x);
    char extra[512];
    extra_json(&x, extra, sizeof extra);
    r.extra_stats = extra;
    rc = run_end(&r);
    if (!c.quiet) {
        fprintf(stderr, "  pii records %llu\n", (unsigned long long)x.with_pii);
        for (int t = 0; t < TS_PII_NTYPES; t++)
            if (x.matches[t])
                fprintf(stderr, "  pii %-12s records %llu, matches %llu\n", ts_pii_type_name((ts_pii_type)t),
                        (unsigned long long)x.records[t], (unsigned long long)x.matches[t]);
    }
    return rc;
}
