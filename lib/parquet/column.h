/* Column chunk decoding: codecs, value encodings, levels, and the reader
 * that turns one column chunk into arrays of levels and values. Internal
 * to lib/parquet. */
#ifndef PQ_COLUMN_H
#define PQ_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meta.h"
#include "tuneset/arena.h"
#include "tuneset/error.h"

/* --- codecs (codec.c) --------------------------------------------------- */

typedef struct pq_codec_ctx {
    void *zstd; /* ZSTD_DCtx, created on first use */
} pq_codec_ctx;

/* Decompresses src[0..n) into exactly dst_n bytes: the page header's size
 * is a hard cap, so a stream that would produce more (a decompression
 * bomb) or less fails. Returns 0, TS_ECODEC or TS_ENOTSUP; *why says more. */
int pq_decompress(pq_codec_ctx *c, int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n,
                  const char **why);
void pq_codec_release(pq_codec_ctx *c);
const char *pq_codec_name(int codec);

/* --- values and levels (encoding.c, delta.c) ----------------------------- */

/* One decoded value: numbers inline, byte strings as a slice into a page
 * buffer (or the dictionary, or the row group's scratch for
 * DELTA_BYTE_ARRAY), INT96 as its 12 raw bytes. */
typedef struct pq_val {
    union {
        int32_t i32;
        int64_t i64;
        float f;
        double d;
        bool b;
        uint8_t raw[12];
        struct {
            const uint8_t *p;
            uint32_t n;
        } s;
    } u;
} pq_val;

/* RLE / bit-packed hybrid decoder (levels, dictionary indices, booleans). */
typedef struct pq_rle {
    const uint8_t *p, *end;
    int bw;             /* bit width, 0..32 */
    uint32_t rle_left;  /* values left in the current RLE run */
    uint32_t rle_val;
    uint32_t bp_left;   /* values left in the current bit-packed run */
    const uint8_t *bp_end;
    uint64_t bits;      /* bit-packed: buffered bits */
    int nbits;
} pq_rle;

void pq_rle_init(pq_rle *r, const uint8_t *p, size_t n, int bw);
/* Decodes n values into out; returns 0 or -1 when the data runs out. */
int pq_rle_get(pq_rle *r, uint32_t *out, size_t n);

/* Bit width needed for values 0..max. */
int pq_bit_width(uint32_t max);

/* Scratch space for values that do not exist in any page (DELTA_BYTE_ARRAY
 * prefixes): allocations are counted against the row group budget. */
typedef struct pq_scratch pq_scratch;
uint8_t *pq_scratch_alloc(pq_scratch *s, size_t n);

/* Decodes n values of the column's physical type (type_len for FLBA) in
 * the given encoding from p[0..len) into out. dict/ndict resolve
 * dictionary indices. Returns 0, or -1 with *why set. */
int pq_decode_values(int enc, int type, int32_t type_len, const uint8_t *p, size_t len, pq_val *out,
                     size_t n, const pq_val *dict, size_t ndict, pq_scratch *scratch, const char **why);

/* DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: the
 * stream must hold exactly n values. Returns 0 or -1 with *why. */
int pq_decode_delta(int enc, int type, const uint8_t *p, size_t len, pq_val *out, size_t n,
                    pq_scratch *scratch, const char **why);

/* --- column chunks (column.c) ------------------------------------------ */

/* Memory used by one row group's decoded data, against a hard cap. */
typedef struct pq_budget {
    size_t used, cap;
} pq_budget;

struct pq_scratch {
    ts_arena *arena; /* reset when the row group is done */
    pq_budget *budget;
};

/* One column chunk, decoded: a level pair per entry (NULL arrays when the
 * maximum level is 0, meaning all zero / all present), and the non-null
 * values in order. */
typedef struct pq_colbuf {
    uint8_t *def, *rep;
    pq_val *vals;
    size_t n, nvals;
    uint64_t rows; /* entries with repetition level 0 */
} pq_colbuf;

typedef struct pq_chunk_in {
    int fd;
    uint64_t data_end;   /* where the footer starts: chunks must end before */
    const pq_node *leaf; /* schema node: type and maximum levels */
    const pq_colchunk *cc;
    pq_codec_ctx *codec;
    pq_scratch *scratch;
} pq_chunk_in;

/* Reads and decodes a whole column chunk into out (memory from the
 * scratch arena). Returns 0 or an error code with a reason in err->msg. */
int pq_column_read(const pq_chunk_in *in, pq_colbuf *out, ts_err *err);

#endif
