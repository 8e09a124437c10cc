/* tuneset — streams of JSON records: JSON Lines and top-level arrays.
 *
 * A record stream reads one file (any codec ts_in understands, or a
 * Parquet file, recognized by its magic, one record a row) and hands
 * out one parsed value at a time in bounded memory: a JSON Lines file line
 * by line, a top-level JSON array element by element (ShareGPT and Alpaca
 * ship as one big array). Each record knows its line, byte offset and raw
 * text, so errors and rejects can say exactly where they came from.
 *
 * A bad record (syntax, UTF-8, too deep) is a per-record error: next()
 * returns it and the following call continues with the next record. A
 * broken stream (I/O, truncated compression, an array whose structure is
 * lost) is fatal: ts_stream_fatal() turns true and next() keeps failing.
 */
#ifndef TUNESET_STREAM_H
#define TUNESET_STREAM_H

#include <stdbool.h>

#include "tuneset/json.h"

typedef enum ts_framing {
    TS_FRAMING_AUTO,  /* '[' first (not named .jsonl/.ndjson): array; '{'
                         first in a file named .json: values; else lines */
    TS_FRAMING_LINES, /* JSON Lines; blank lines allowed */
    TS_FRAMING_ARRAY, /* one top-level array, element by element */
    TS_FRAMING_VALUES, /* JSON values one after another, any layout (a
                          pretty-printed .json object, concatenated JSON) */
    TS_FRAMING_PARQUET /* set by open for a Parquet file (tuneset/parquet.h):
                          records are its rows, lines are row numbers */
} ts_framing;

typedef struct ts_stream_opts {
    ts_json_opts json;
    size_t max_record; /* bytes in one line / element; default 64 MiB */
    /* Parquet input: the top-level fields to decode (NULL-terminated;
     * NULL = all). JSON input ignores it. */
    const char *const *columns;
    ts_framing framing;
} ts_stream_opts;

#define TS_STREAM_DEFAULT_MAX_RECORD ((size_t)64 << 20)

typedef struct ts_stream ts_stream;

/* Opens path ("-" = stdin). opts may be NULL. */
int ts_stream_open(ts_stream **out, const char *path, const ts_stream_opts *opts, ts_err *err);
/* Next record, parsed into a (which the caller owns and resets as it
 * likes; the value also borrows the stream's buffer, valid until the next
 * call). Returns 0, TS_EEOF at the end, or an error filled into err with
 * file, line and byte. */
int ts_stream_next(ts_stream *s, ts_arena *a, ts_json **v, ts_err *err);
/* Next record as its text, not parsed (for commands that scan records
 * themselves, see ts_json_pick): the text is valid until the next call. Framing
 * errors as ts_stream_next; TS_ENOTSUP for a Parquet stream, which has no
 * record text. */
int ts_stream_next_raw(ts_stream *s, const char **p, size_t *n, ts_err *err);
/* Turns an error whose byte is an offset in the last record's text into
 * one that names the file, the line and the byte in the file. */
void ts_stream_locate(const ts_stream *s, ts_err *err);
bool ts_stream_fatal(const ts_stream *s);
/* Raw text of the record last returned or rejected (may be cut to the
 * buffer for an over-long record); valid until the next call. */
const char *ts_stream_raw(const ts_stream *s, size_t *len);
/* 1-based line where the last record starts, and its byte offset. */
uint64_t ts_stream_line(const ts_stream *s);
uint64_t ts_stream_offset(const ts_stream *s);
/* Decompressed bytes consumed so far (for progress). */
uint64_t ts_stream_bytes(const ts_stream *s);
ts_framing ts_stream_framing(const ts_stream *s);
const char *ts_stream_path(const ts_stream *s);
void ts_stream_close(ts_stream *s);

#endif
