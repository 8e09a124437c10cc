/* The reader object, shared by reader.c (rows) and describe.c (schema
 * and metadata as text and JSON). Internal to lib/parquet. */
#ifndef PQ_READER_H
#define PQ_READER_H

#include "rows.h"
#include "tuneset/parquet.h"

struct ts_parquet {
    const char *path; /* the caller's: errors point to it */
    int fd;
    uint64_t size, data_end;
    uint8_t *footer;
    ts_arena meta_arena; /* metadata and schema, for the reader's life */
    pq_filemeta meta;
    pq_schema schema;
    bool *wanted; /* by node: top-level fields to read */
    bool *omit;   /* by node, or NULL: fields left out where null */

    /* the row group being read */
    ts_arena rg_arena;
    pq_budget budget;
    pq_scratch scratch;
    pq_codec_ctx codec;
    pq_colbuf *cols;
    size_t *pos, *vpos;
    uint32_t next_rg;
    int64_t rg_rows, rg_row; /* rows in it, rows taken */
    uint64_t row;            /* 1-based number of the last row handed out */
    uint64_t bytes_done;
    ts_jb jb;
    pq_asm as;

    bool fatal;
    ts_err fatal_err;
};

#endif
