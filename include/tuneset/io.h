/* tuneset — byte streams: files, stdin/stdout, gzip and zstd, atomic output.
 *
 * Input compression is recognized by magic bytes, not by name, so a
 * misnamed file still reads. Output compression follows the name (.gz,
 * .zst). Output goes to a hidden temporary file in the destination's
 * folder and is renamed over the final name only by ts_out_commit, so an
 * interrupted run never leaves a half-written file under the final name.
 * Objects are not thread-safe.
 */
#ifndef TUNESET_IO_H
#define TUNESET_IO_H

#include <stddef.h>
#include <stdint.h>

#include "tuneset/error.h"

typedef enum ts_codec { TS_CODEC_NONE, TS_CODEC_GZIP, TS_CODEC_ZSTD } ts_codec;

typedef struct ts_in ts_in;

/* Opens path ("-" = standard input). err->file is set to the path. */
int ts_in_open(ts_in **out, const char *path, ts_err *err);
/* Reads up to cap decompressed bytes; *got = 0 means end of input.
 * A compressed stream cut short is TS_ETRUNC, a corrupt one TS_ECODEC. */
int ts_in_read(ts_in *in, void *buf, size_t cap, size_t *got, ts_err *err);
ts_codec ts_in_codec(const ts_in *in);
/* Compressed bytes consumed so far (for progress). */
uint64_t ts_in_raw_bytes(const ts_in *in);
void ts_in_close(ts_in *in);

typedef struct ts_out ts_out;

/* Opens path for atomic writing ("-" = standard output, written through).
 * path is borrowed: errors from any call on this output name it, so keep
 * it alive until commit or abort returns. */
int ts_out_open(ts_out **out, const char *path, ts_err *err);
int ts_out_write(ts_out *o, const void *p, size_t n, ts_err *err);
/* Flushes, finishes compression, and renames into place; frees o. */
int ts_out_commit(ts_out *o, ts_err *err);
/* Discards the temporary file; frees o. NULL is a no-op. */
void ts_out_abort(ts_out *o);
/* Async-signal-safe: unlinks the temporary files of all open outputs. For a
 * signal handler that is about to end the process. */
void ts_out_unlink_all_temps(void);

/* Codec implied by a file name's suffix. */
ts_codec ts_codec_from_name(const char *path);
/* Length of path without a .gz / .zst suffix (for format detection). */
size_t ts_path_strip_codec(const char *path);

#endif
