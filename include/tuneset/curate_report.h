/* tuneset — an HTML report of a dataset: one self-contained page (inline
 * CSS and SVG, no scripts, no network) with the statistics of
 * curate_stats.h drawn as bar charts (characters per record and per turn,
 * turns per record, sources, languages, categories, preference score
 * gaps) and a browsable sample of records: the first N and N more picked
 * uniformly at random (reservoir sampling, seeded) from the rest.
 *
 * Samples are rendered to HTML as records arrive, so memory holds 2N
 * rendered records (each message cut at TS_REPORT_MAX_CONTENT bytes) plus
 * what the statistics keep. Not thread-safe; one report per run.
 */
#ifndef TUNESET_CURATE_REPORT_H
#define TUNESET_CURATE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tuneset/curate_stats.h"

#define TS_REPORT_MAX_CONTENT 4000 /* bytes of one message shown in the sample */

typedef struct ts_report_sample {
    uint64_t index; /* 0-based position in the input */
    char *html;     /* malloc'ed <details> element */
} ts_report_sample;

typedef struct ts_report {
    ts_cstats st;
    size_t sample_n;
    uint64_t rng;
    ts_report_sample *first, *random; /* sample_n slots each */
    size_t first_n, random_n;
    ts_buf scratch;
} ts_report;

void ts_report_init(ts_report *r, size_t sample_n, uint64_t seed);
/* Adds one record to the statistics and perhaps to the sample. 0 or TS_ENOMEM. */
int ts_report_add(ts_report *r, const ts_json *rec);
/* Appends the whole page; title is escaped. Sorts the collected
 * distributions (as ts_cstats_summarize does). 0 or TS_ENOMEM. */
int ts_report_html(ts_report *r, const char *title, ts_buf *out);
void ts_report_release(ts_report *r);

/* Appends s[0..n) escaped for HTML text and attribute values. 0 or TS_ENOMEM. */
int ts_report_escape(ts_buf *out, const char *s, size_t n);

#endif
