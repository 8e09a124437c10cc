/* Rows: leaf values to JSON (value.c) and record assembly from levels
 * (assemble.c). Internal to lib/parquet. */
#ifndef PQ_ROWS_H
#define PQ_ROWS_H

#include "column.h"
#include "tuneset/json.h"

/* Appends the JSON form of value v of leaf el to b (text that needs
 * memory goes into a). Returns 0, TS_ENOMEM, or TS_EUTF8 for a STRING
 * that is not UTF-8 (null is appended in its place so the row stays
 * well-formed). */
int pq_value_json(ts_jb *b, ts_arena *a, const pq_schema_el *el, const pq_val *v);
/* True when the leaf's values come out as JSON strings of its bytes
 * (STRING, ENUM, JSON annotations): such keys make a MAP an object. */
bool pq_is_text(const pq_schema_el *el);

/* Text of a DECIMAL's unscaled big-endian two's complement integer
 * p[0..n) with the scale applied; -1 when it is over 64 bytes or the
 * scale is out of 0..200 (the caller falls back to base64). */
enum { PQ_DECIMAL_TEXT = 420, PQ_NUMBER_TEXT = 48 };
int pq_text_decimal(char out[PQ_DECIMAL_TEXT], const uint8_t *p, size_t n, int32_t scale);
/* Shortest round-trip text of x (as a float when single), laid out as
 * Python's repr ("8.0", "0.5", "1e-05", "1e+300"); -1 for NaN and
 * infinities. */
int pq_text_shortest(char out[PQ_NUMBER_TEXT], double x, bool single);

typedef struct pq_asm {
    const pq_schema *s;
    pq_colbuf *cols;    /* by leaf index; only projected leaves are filled */
    size_t *pos, *vpos; /* by leaf index: next entry, next value */
    const bool *wanted; /* by node index of top-level fields: projected */
    const bool *omit;   /* by node index, or NULL: struct fields left out
                           where null (the writer's absent fields) */
    ts_jb *b;
    ts_arena *a;
    int soft;         /* per-row problem (TS_EUTF8) found while building */
    uint32_t soft_leaf; /* the column where it was found */
    const char *why;  /* reason for a fatal error */
} pq_asm;

/* Builds the next row (an object of the wanted top-level fields in schema
 * order) from the cursors. Returns 0; TS_EUTF8 for a row that was read
 * but holds invalid text (the cursors moved past it); or TS_ESCHEMA when
 * the levels are inconsistent (why says how), which ends the row group. */
int pq_assemble_row(pq_asm *m, ts_json **row);

#endif
