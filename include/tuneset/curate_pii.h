/* tuneset — PII detection and redaction: e-mail addresses, phone numbers,
 * IPv4/IPv6 addresses, credit-card numbers (Luhn), IBANs (mod 97) and
 * API-key-like secrets with known provider prefixes. Hand-written
 * scanners, no regex library. Rules and known limits: docs/curate_pii.md.
 */
#ifndef TUNESET_CURATE_PII_H
#define TUNESET_CURATE_PII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/json.h"

typedef enum {
    TS_PII_EMAIL,
    TS_PII_PHONE,
    TS_PII_IP,
    TS_PII_CREDIT_CARD,
    TS_PII_IBAN,
    TS_PII_SECRET,
    TS_PII_NTYPES
} ts_pii_type;

/* "email", "phone", "ip", "credit_card", "iban", "secret". */
const char *ts_pii_type_name(ts_pii_type t);
/* "<EMAIL>", "<PHONE>", "<IP>", "<CREDIT_CARD>", "<IBAN>", "<SECRET>". */
const char *ts_pii_placeholder(ts_pii_type t);

typedef struct ts_pii_match {
    size_t start, end; /* byte range in the text */
    ts_pii_type type;
} ts_pii_match;

/* The first match starting at or after from in s[0..n); false if none.
 * Matches never overlap when the scan resumes at m->end. */
bool ts_pii_next(const char *s, size_t n, size_t from, ts_pii_match *m);

/* Counts matches per type into counts (added to); when out is not NULL,
 * appends s with every match replaced by its placeholder. Returns the
 * number of matches, or (size_t)-1 when out ran out of memory. */
size_t ts_pii_scan(const char *s, size_t n, uint64_t counts[TS_PII_NTYPES], ts_buf *out);

/* The checks, exposed for tests. digits may contain ' ' and '-'. */
bool ts_pii_luhn(const char *digits, size_t n);
/* s: the IBAN without spaces, upper case. */
bool ts_pii_iban_ok(const char *s, size_t n);

typedef enum { TS_PII_REDACT, TS_PII_DROP, TS_PII_REPORT } ts_pii_mode;

typedef struct ts_pii_result {
    uint64_t counts[TS_PII_NTYPES]; /* matches in this record */
    uint64_t total;
    ts_pii_type first; /* type of the first match in text order (total > 0) */
} ts_pii_result;

/* Scans the text of rec (messages[].content; prompt/chosen/rejected as
 * message arrays or strings; text). REDACT rewrites the matched strings
 * in place with copies in a; REPORT sets meta.pii = {type: count} (only
 * types found; {} when none), creating meta when missing; DROP only
 * counts. 0, TS_ENOMEM, or TS_EINVAL when rec is not an object. */
int ts_pii_record(ts_json *rec, ts_pii_mode mode, ts_arena *a, ts_pii_result *res);

#endif
