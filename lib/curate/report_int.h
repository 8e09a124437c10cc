/* Internals shared by lib/curate/report*.c. */
#ifndef TUNESET_REPORT_INT_H
#define TUNESET_REPORT_INT_H

#include <stdint.h>

#include "tuneset/curate_report.h"

typedef struct rep_bar {
    char label[64];
    uint64_t n;
} rep_bar;

/* printf into a buffer; 0 or TS_ENOMEM. */
int rep_printf(ts_buf *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* One chart as an inline <svg>: vertical bars for histograms (ordered
 * bins), horizontal bars for categories. Every bar is a rect.bar with a
 * <title> "label: count". */
int rep_svg_vbars(ts_buf *o, const char *title, const char *xlabel, const rep_bar *b, size_t n);
int rep_svg_hbars(ts_buf *o, const char *title, const rep_bar *b, size_t n);
/* Histograms of a distribution into at most max bins; return the bins used. */
size_t rep_bins_125(const ts_cstats_vec *v, rep_bar *b, size_t max);
size_t rep_bins_int(const ts_cstats_vec *v, rep_bar *b, size_t max);
size_t rep_bins_linear(const ts_cstats_vec *v, rep_bar *b, size_t max);
/* The top entries of a count map, the rest summed into one "(other)" bar. */
size_t rep_bins_map(const ts_cstats_map *m, rep_bar *b, size_t max);
/* One record as a collapsible <details> element. */
int rep_record(ts_buf *o, const ts_json *rec, uint64_t index);

#endif
