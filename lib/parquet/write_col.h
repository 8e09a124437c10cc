/* One column chunk being written: its shredded levels and values.
 * Internal to write_column.c and write_pages.c. */
#ifndef PQW_WRITE_COL_H
#define PQW_WRITE_COL_H

#include "write_int.h"

/* Strings longer than this get no min/max statistics. */
enum { PQW_STAT_MAX = 128 };
/* A dictionary page larger than this is not written (values go PLAIN). */
enum { PQW_DICT_MAX = 1 << 20 };

typedef union pqw_val {
    int64_t i; /* BOOL (0/1) and INT64 */
    double d;
    struct {
        const char *p; /* borrowed from the row group's records */
        size_t n;
    } s;
} pqw_val;

typedef struct pqw_col {
    int vtype;
    int max_def, max_rep;
    uint16_t *rep, *def; /* one per entry */
    size_t n, caplev, capdef;
    pqw_val *val; /* one per non-null entry (def == max_def) */
    size_t nv, capval;
} pqw_col;

/* Writes the chunk's pages (dictionary when it pays, then data) and fills
 * the offsets, sizes and encodings of ck. */
int pqw_pages_write(const pqw_col *c, const pqw_colopts *o, pqw_sink *sink, pqw_chunk *ck, ts_err *err);

#endif
