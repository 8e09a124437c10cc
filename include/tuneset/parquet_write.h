/* tuneset — Parquet writer: JSON records to a Parquet file.
 *
 * Records (JSON objects) are buffered one row group at a time and written
 * column by column, so memory is bounded by a row group. The schema is
 * given, or inferred from the records of the first row group:
 *   true/false          BOOLEAN
 *   integer number      INT64 (text without '.', 'e' or 'E' that fits)
 *   other number        DOUBLE (a column mixing both is DOUBLE)
 *   string              BYTE_ARRAY STRING, dictionary-encoded where it pays
 *   array               LIST of the merged element type (3-level layout)
 *   object              struct of the union of its keys, in first-seen order;
 *                       an object that never has a key is MAP<string, string>
 *   only null seen      STRING (all null)
 * Every field is optional: null and a missing key are both written as
 * null. Fields that were sometimes missing and never null are listed in
 * the key-value metadata "tuneset.absent_fields" (a JSON array of paths
 * like "messages[].reasoning_content"), so a reader can drop them again.
 * After the first row group the schema is fixed: a record that does not
 * fit it (new key, other type) is rejected with TS_ESCHEMA.
 * Pages: data page v1, RLE levels, PLAIN or RLE_DICTIONARY values.
 * Column chunks carry statistics (null count; min and max except for
 * strings longer than 128 bytes). Output is atomic (ts_out): the file
 * appears under its name only when ts_parquet_writer_close succeeds.
 * A writer is not thread-safe.
 */
#ifndef TUNESET_PARQUET_WRITE_H
#define TUNESET_PARQUET_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "tuneset/error.h"
#include "tuneset/json.h"

typedef enum ts_parquet_codec {
    TS_PARQUET_SNAPPY = 0, /* the default */
    TS_PARQUET_ZSTD,
    TS_PARQUET_GZIP,
    TS_PARQUET_NONE
} ts_parquet_codec;

/* "snappy", "zstd", "gzip" or "none" (also "uncompressed"): 0 or TS_EINVAL. */
int ts_parquet_codec_parse(const char *name, ts_parquet_codec *out);

typedef struct ts_parquet_write_opts {
    ts_parquet_codec codec;
    int level;              /* zstd / gzip level; 0 = the codec's default */
    size_t row_group_rows;  /* rows per row group; 0 = 100000 */
    size_t row_group_bytes; /* a row group also ends past this much buffered
                               record memory; 0 = 128 MiB */
    size_t page_bytes;      /* data page target (uncompressed); 0 = 1 MiB */
    /* Key-value metadata: kv[2i] = key, kv[2i+1] = value (NUL-terminated,
     * copied at open). */
    const char *const *kv;
    size_t nkv;
    /* A given schema, as a record-shaped template: "string", "int64",
     * "double", "boolean"; [T] a list; {"k": T, ...} a struct;
     * {"$map": T} a MAP<string, T>. NULL = infer. Read at open only. */
    const ts_json *schema;
} ts_parquet_write_opts;

typedef struct ts_parquet_writer ts_parquet_writer;

/* Opens path for atomic writing; opts may be NULL for the defaults. A bad
 * schema template is TS_EINVAL with the reason in err. */
int ts_parquet_writer_open(ts_parquet_writer **out, const char *path, const ts_parquet_write_opts *opts,
                           ts_err *err);

/* Adds one record (copied; the caller may free it at once). A record that
 * is not an object or does not fit the schema is TS_ESCHEMA: it is not
 * written, err->line is its 1-based number among the records added, and
 * the writer goes on. Any other error is fatal: only abort is left. */
int ts_parquet_writer_add(ts_parquet_writer *w, const ts_json *rec, ts_err *err);

/* Records written (or buffered) so far. */
uint64_t ts_parquet_writer_rows(const ts_parquet_writer *w);

/* Writes the last row group and the footer, then renames the file into
 * place. Frees w, also on failure (then nothing is left behind). */
int ts_parquet_writer_close(ts_parquet_writer *w, ts_err *err);

/* Discards the output and frees w. NULL is a no-op. */
void ts_parquet_writer_abort(ts_parquet_writer *w);

#endif
