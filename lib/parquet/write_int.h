/* The Parquet writer's internals, shared by write*.c. Internal to
 * lib/parquet; every name here starts with pqw_. */
#ifndef PQW_WRITE_INT_H
#define PQW_WRITE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "thrift_enc.h"
#include "tuneset/arena.h"
#include "tuneset/error.h"
#include "tuneset/json.h"
#include "tuneset/parquet_write.h"

/* --- schema (write_schema.c) ---------------------------------------------- */

enum { PQW_LEAF, PQW_STRUCT, PQW_LIST, PQW_MAP };
enum { PQW_UNKNOWN, PQW_BOOL, PQW_INT64, PQW_DOUBLE, PQW_STRING };

/* Caps that keep hostile records from growing the schema without bound. */
enum { PQW_MAX_NODES = 10000, PQW_MAX_DEPTH = 64 };

/* One schema node. A list's element is kids[0]; a map's key and value are
 * kids[0] and kids[1]; a struct's fields are kids[0..nkids). */
typedef struct pqw_node pqw_node;
struct pqw_node {
    uint8_t kind, vtype;
    bool required;          /* only map keys */
    bool absent, nulled;    /* a field some present object lacked / held null */
    const char *name;       /* NUL-terminated copy (may hold no NUL inside) */
    size_t name_len;
    pqw_node **kids;
    uint32_t nkids, capkids;
    pqw_node *parent;
    uint64_t seen;          /* non-null values merged (structs: for absent) */
    uint32_t txn;           /* last transaction that saved this node */
    int16_t def, rep;       /* levels of a present value (after freeze) */
};

typedef struct pqw_undo {
    pqw_node *node;
    pqw_node saved;
} pqw_undo;

typedef struct pqw_schema {
    ts_arena arena;     /* nodes, names, kid arrays */
    pqw_node *root;     /* a struct: the record */
    size_t nnodes;
    bool frozen;        /* after the first row group: shape fixed */
    bool given;         /* from a template, not inferred */
    pqw_undo *undo;     /* saved nodes of the record being merged */
    size_t nundo, capundo;
    uint32_t txn;
    pqw_node **leaves;  /* after freeze: the columns in schema order */
    size_t nleaves;
} pqw_schema;

int pqw_schema_init(pqw_schema *s);
void pqw_schema_release(pqw_schema *s);
/* Builds the fixed schema from a template (see parquet_write.h). */
int pqw_schema_from_template(pqw_schema *s, const ts_json *tpl, ts_err *err);
/* Merges one record into the schema, or checks it against the frozen one.
 * All or nothing: on TS_ESCHEMA (reason in err) the schema is unchanged. */
int pqw_schema_merge(pqw_schema *s, const ts_json *rec, ts_err *err);
/* Fixes the shape: unknown leaves become strings, keyless structs maps;
 * computes levels and the leaf list. Idempotent. */
int pqw_schema_freeze(pqw_schema *s);
/* Appends the flattened SchemaElement list (FileMetaData field 2). */
void pqw_schema_write(const pqw_schema *s, pqw_tenc *t);
/* "a.b[].c" paths of the fields that were missing but never null, as a
 * JSON array text in out; empty when there are none. */
int pqw_schema_absent(const pqw_schema *s, ts_buf *out);
/* The path of names from the root to leaf (excluding the root) into out,
 * as Parquet's path_in_schema: list and map levels included. */
size_t pqw_leaf_path(const pqw_node *leaf, const char **names, size_t cap);

/* --- RLE / bit-packed hybrid (write_rle.c) --------------------------------- */

int pqw_bit_width(uint64_t max);
/* Appends values v[0..n) at bit width bw (1..32). */
int pqw_rle_encode(ts_buf *out, const uint32_t *v, size_t n, int bw);

/* --- compression (write_codec.c) -------------------------------------------- */

/* Parquet's codec number for the footer. */
int pqw_codec_id(ts_parquet_codec c);
/* Compresses src into out (replacing its contents). */
int pqw_compress(ts_parquet_codec c, int level, const void *src, size_t n, ts_buf *out);

/* --- column chunks (write_column.c) ------------------------------------------ */

/* What the footer needs about one written column chunk. */
typedef struct pqw_chunk {
    int64_t data_page_offset, dict_page_offset; /* dict: -1 = none */
    int64_t num_values, uncompressed, compressed;
    int64_t null_count;
    bool dict, has_minmax;
    ts_buf min, max; /* PLAIN-encoded statistics */
} pqw_chunk;

typedef struct pqw_sink {
    int (*write)(void *ctx, const void *p, size_t n, ts_err *err);
    void *ctx;
    int64_t offset; /* bytes written so far */
} pqw_sink;

typedef struct pqw_colopts {
    ts_parquet_codec codec;
    int level;
    size_t page_bytes;
} pqw_colopts;

/* Shreds rows[0..n) down to leaf, encodes, compresses and writes the
 * column chunk to sink. *ck is filled (its buffers must be released with
 * pqw_chunk_release). */
int pqw_column_write(const pqw_node *leaf, const ts_json *const *rows, size_t n, const pqw_colopts *o,
                     pqw_sink *sink, pqw_chunk *ck, ts_err *err);
void pqw_chunk_release(pqw_chunk *ck);

#endif
