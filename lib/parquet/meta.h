/* Parquet file metadata (the footer) and page headers, decoded from Thrift
 * into plain structs, and the schema tree built from the flat schema list.
 * Strings borrow the footer buffer; arrays live in the reader's arena.
 * Internal to lib/parquet. */
#ifndef PQ_META_H
#define PQ_META_H

#include <stdbool.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"

enum pq_type { PQ_BOOLEAN, PQ_INT32, PQ_INT64, PQ_INT96, PQ_FLOAT, PQ_DOUBLE, PQ_BYTE_ARRAY, PQ_FLBA };
enum pq_rep { PQ_REQUIRED, PQ_OPTIONAL, PQ_REPEATED };
enum pq_codec { PQ_UNCOMPRESSED, PQ_SNAPPY, PQ_GZIP, PQ_LZO, PQ_BROTLI, PQ_LZ4, PQ_ZSTD, PQ_LZ4_RAW };
enum pq_enc {
    PQ_PLAIN = 0,
    PQ_PLAIN_DICTIONARY = 2,
    PQ_RLE = 3,
    PQ_BIT_PACKED = 4,
    PQ_DELTA_BINARY_PACKED = 5,
    PQ_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_DELTA_BYTE_ARRAY = 7,
    PQ_RLE_DICTIONARY = 8,
    PQ_BYTE_STREAM_SPLIT = 9
};
enum pq_page { PQ_DATA_PAGE, PQ_INDEX_PAGE, PQ_DICTIONARY_PAGE, PQ_DATA_PAGE_V2 };

/* ConvertedType (the legacy annotation), numbered as in parquet.thrift. */
enum pq_conv {
    PQ_CT_NONE = -1,
    PQ_CT_UTF8 = 0,
    PQ_CT_MAP = 1,
    PQ_CT_MAP_KEY_VALUE = 2,
    PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4,
    PQ_CT_DECIMAL = 5,
    PQ_CT_DATE = 6,
    PQ_CT_TIME_MILLIS = 7,
    PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9,
    PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11,
    PQ_CT_UINT_64 = 14,
    PQ_CT_INT_8 = 15,
    PQ_CT_INT_64 = 18,
    PQ_CT_JSON = 19,
    PQ_CT_BSON = 20,
    PQ_CT_INTERVAL = 21
};

/* LogicalType union member ids, as in parquet.thrift. */
enum pq_lt {
    PQ_LT_NONE = 0,
    PQ_LT_STRING = 1,
    PQ_LT_MAP = 2,
    PQ_LT_LIST = 3,
    PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5,
    PQ_LT_DATE = 6,
    PQ_LT_TIME = 7,
    PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10,
    PQ_LT_UNKNOWN = 11,
    PQ_LT_JSON = 12,
    PQ_LT_BSON = 13,
    PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15
};

enum pq_unit { PQ_MILLIS = 1, PQ_MICROS = 2, PQ_NANOS = 3 };

typedef struct pq_str {
    const char *p;
    uint32_t n;
} pq_str;

typedef struct pq_schema_el {
    pq_str name;
    int type;       /* enum pq_type, or -1 for a group */
    int32_t type_length;
    int repetition; /* enum pq_rep; -1 when absent (the root) */
    int32_t num_children;
    int converted;  /* enum pq_conv */
    int32_t scale, precision;
    int logical;    /* enum pq_lt */
    int unit;       /* TIME / TIMESTAMP unit */
    bool utc;       /* TIME / TIMESTAMP isAdjustedToUTC */
    int8_t bit_width;
    bool is_signed;
} pq_schema_el;

typedef struct pq_colmeta {
    int type;
    int codec;
    uint32_t nencodings;
    int32_t *encodings;
    uint32_t npath;
    pq_str *path;
    int64_t num_values;
    int64_t total_uncompressed, total_compressed;
    int64_t data_page_offset;
    int64_t dict_page_offset; /* -1 when absent */
    int64_t null_count;       /* -1 when unknown */
} pq_colmeta;

typedef struct pq_colchunk {
    pq_str file_path; /* set when the data lives in another file */
    int64_t file_offset;
    bool has_meta;
    pq_colmeta meta;
} pq_colchunk;

typedef struct pq_rowgroup {
    pq_colchunk *cols;
    uint32_t ncols;
    int64_t total_byte_size;
    int64_t num_rows;
} pq_rowgroup;

typedef struct pq_kv {
    pq_str key, value;
    bool has_value;
} pq_kv;

typedef struct pq_filemeta {
    int32_t version;
    pq_schema_el *schema;
    uint32_t nschema;
    int64_t num_rows;
    pq_rowgroup *rgs;
    uint32_t nrgs;
    pq_kv *kvs;
    uint32_t nkvs;
    pq_str created_by;
} pq_filemeta;

typedef struct pq_pagehdr {
    int type;
    int32_t uncompressed_size, compressed_size;
    int32_t num_values;
    int encoding;
    int def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;    /* v2 */
    int32_t def_len, rep_len;       /* v2: level bytes, never compressed */
    bool is_compressed;             /* v2 */
    bool has_data_hdr;
} pq_pagehdr;

/* Decodes FileMetaData from p[0..n) into m; arrays are allocated in a.
 * Returns 0 or TS_ESCHEMA / TS_ENOMEM with the reason in err->msg. */
int pq_meta_parse(const void *p, size_t n, ts_arena *a, pq_filemeta *m, ts_err *err);

/* Decodes a page header at p (at most n bytes); *used is its length.
 * Returns 0, or an error with the reason. */
int pq_page_header(const void *p, size_t n, pq_pagehdr *h, size_t *used, ts_err *err);

/* Validates UTF-8; *plain tells whether the text needs no JSON escaping
 * (no '"', '\\' or control characters). */
bool pq_utf8_check(const uint8_t *s, size_t n, bool *plain);

/* --- schema tree -------------------------------------------------------- */

/* How a node's value is put together from its children. */
enum pq_kind { PQ_K_LEAF, PQ_K_STRUCT, PQ_K_LIST, PQ_K_MAP };

enum { PQ_MAX_LEVEL = 100 };

typedef struct pq_node {
    const pq_schema_el *el;
    int kind;           /* enum pq_kind */
    int parent;         /* -1 for the root */
    uint32_t *children; /* node indices */
    uint32_t nchildren;
    uint8_t def, rep;   /* max levels of leaves reached through this node */
    int leaf;           /* column index for leaves, -1 for groups */
    uint32_t first_leaf, nleaves; /* leaves of this subtree (consecutive) */
    /* LIST / MAP: the repeated node whose instances are the elements, and
     * the node holding an element's value (the repeated node itself for
     * legacy two-level lists). */
    int repeated, element;
} pq_node;

typedef struct pq_schema {
    pq_node *nodes; /* nodes[0] is the root */
    uint32_t nnodes;
    uint32_t *leaves; /* node index of each column, in column order */
    uint32_t nleaves;
} pq_schema;

/* Builds the tree from the flat depth-first schema list and checks it. */
int pq_schema_build(const pq_filemeta *m, ts_arena *a, pq_schema *s, ts_err *err);
/* Dotted path of a node ("messages.list.element.role") into out. */
void pq_schema_path(const pq_schema *s, uint32_t node, char *out, size_t cap);
/* The struct fields named by the writer's key-value metadata
 * "tuneset.absent_fields", as *omit[node] (allocated in a); *omit stays
 * NULL when the file names none. Returns 0 or TS_ENOMEM. */
int pq_absent_mark(const pq_filemeta *m, const pq_schema *s, ts_arena *a, bool **omit);

#endif
