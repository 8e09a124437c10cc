/* tuneset — Parquet reader: rows of a Parquet file as JSON values.
 *
 * Reads the footer at open, then streams row group by row group: memory
 * holds one row group's decoded columns (capped), never the whole file.
 * Rows come out as JSON objects whose keys are the top-level fields in
 * schema order, so everything that reads JSON records reads Parquet the
 * same way. Values:
 *   BOOLEAN            true / false
 *   INT32, INT64       number (unsigned annotations printed unsigned)
 *   FLOAT, DOUBLE      shortest round-trip number laid out as Python's
 *                      repr: "8.0", "0.5", "1e-05", "1e+300"; NaN and
 *                      infinities null
 *   DECIMAL            number text with the scale applied ("12.50")
 *   DATE               "YYYY-MM-DD"
 *   TIME               "HH:MM:SS[.fff[fff[fff]]]"
 *   TIMESTAMP, INT96   "YYYY-MM-DDTHH:MM:SS[.fraction]", with "Z" when
 *                      adjusted to UTC (INT96 carries no zone: no "Z")
 *   STRING, ENUM, JSON string (JSON is kept as its text, not parsed);
 *                      invalid UTF-8 makes the row a per-row error
 *   UUID               "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
 *   other byte arrays  base64 string
 *   LIST / repeated    array (empty lists are [])
 *   MAP                object when keys are strings, else an array of
 *                      {"key": ..., "value": ...}
 *   struct             object;  missing (null) at any level: null, except
 *                      the writer's absent fields (see keep_absent)
 * Codecs: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW (and Hadoop LZ4).
 * Corrupt files fail with a reason naming the file; they never crash,
 * hang or allocate past the caps. A reader is not thread-safe; separate
 * readers may be used from separate threads.
 */
#ifndef TUNESET_PARQUET_H
#define TUNESET_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"
#include "tuneset/json.h"

typedef struct ts_parquet ts_parquet;

typedef struct ts_parquet_opts {
    /* Top-level fields to read (the rest are never decoded); names not in
     * the file are ignored, as a missing key in JSON. NULL = all fields. */
    const char *const *columns;
    size_t ncolumns;
    /* Cap on one row group's decoded data (pages, values, levels); a row
     * group over it is an error. 0 = TS_PARQUET_DEFAULT_MAX_ROW_GROUP. */
    size_t max_row_group_bytes;
    /* Files from tuneset's writer name the fields some records lacked
     * ("tuneset.absent_fields"); they are left out of a row where null,
     * so the records read back as written. true = keep them as null, as
     * readers that do not know the key show them. */
    bool keep_absent;
} ts_parquet_opts;

#define TS_PARQUET_DEFAULT_MAX_ROW_GROUP ((size_t)2 << 30)

/* True when path is a regular file starting with the Parquet magic "PAR1"
 * (pipes are never read, so a stream can still be opened after). */
bool ts_parquet_sniff(const char *path);

/* Opens path (a regular file: Parquet is read from its end) and reads the
 * footer. opts may be NULL. The path is borrowed: keep it alive while the
 * reader is open, since errors point to it in err->file. */
int ts_parquet_open(ts_parquet **out, const char *path, const ts_parquet_opts *opts, ts_err *err);

/* Next row, built in a (caller-owned). Strings borrow the reader's
 * buffers: valid until the next call. Returns 0, TS_EEOF after the last
 * row, a per-row error (the row is skipped; err->line is its 1-based row
 * number, err->byte UINT64_MAX), or a fatal error (ts_parquet_fatal). */
int ts_parquet_next(ts_parquet *pq, ts_arena *a, ts_json **row, ts_err *err);
bool ts_parquet_fatal(const ts_parquet *pq);

/* Rows in the file (from the footer), and the 1-based number of the row
 * last returned or rejected. */
uint64_t ts_parquet_num_rows(const ts_parquet *pq);
uint64_t ts_parquet_row(const ts_parquet *pq);
/* File bytes behind the row groups finished so far (for progress). */
uint64_t ts_parquet_bytes_done(const ts_parquet *pq);
const char *ts_parquet_path(const ts_parquet *pq);

/* The schema in Parquet's text notation ("message schema { ... }"). */
int ts_parquet_schema_text(const ts_parquet *pq, ts_buf *out);
/* The schema as a JSON tree: {"name","repetition","type","logical",
 * "fields":[...]} with max levels on leaves. Built in a. */
int ts_parquet_schema_json(const ts_parquet *pq, ts_arena *a, ts_json **out);
/* File metadata as JSON: version, created_by, num_rows, key-value
 * metadata, and per row group its columns (path, type, codec, encodings,
 * sizes, value and null counts). Built in a; strings borrow the reader. */
int ts_parquet_meta_json(const ts_parquet *pq, ts_arena *a, ts_json **out);

/* Frees the reader. NULL is a no-op. */
void ts_parquet_close(ts_parquet *pq);

#endif
