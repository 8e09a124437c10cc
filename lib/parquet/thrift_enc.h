/* Thrift compact protocol, encoding only: the Parquet writer's page
 * headers and footer. Appends to a capped ts_buf with a sticky error, so
 * a struct writer emits all its fields and checks once at the end.
 * Internal to lib/parquet (the reader's decoder is thrift.h). */
#ifndef PQW_THRIFT_ENC_H
#define PQW_THRIFT_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"

/* Compact protocol element types, as list headers need them. */
enum {
    PQW_T_BOOL = 1,
    PQW_T_I32 = 5,
    PQW_T_I64 = 6,
    PQW_T_BINARY = 8,
    PQW_T_STRUCT = 12
};

enum { PQW_T_MAX_DEPTH = 16 };

typedef struct pqw_tenc {
    ts_buf *out;
    int16_t last[PQW_T_MAX_DEPTH]; /* last field id of each open struct */
    int depth;
    int err; /* first TS_E* code, 0 while all is well */
} pqw_tenc;

/* Appends v as a ULEB128 varint (thrift's, and the RLE run headers'). */
int pqw_put_varint(ts_buf *out, uint64_t v);

/* Starts the top-level struct; out is appended to, never reset. */
void pqw_t_init(pqw_tenc *t, ts_buf *out);

/* Fields of the innermost open struct, in increasing id order. */
void pqw_t_i32(pqw_tenc *t, int16_t id, int32_t v);
void pqw_t_i64(pqw_tenc *t, int16_t id, int64_t v);
void pqw_t_bool(pqw_tenc *t, int16_t id, bool v);
void pqw_t_binary(pqw_tenc *t, int16_t id, const void *p, size_t n);
void pqw_t_string(pqw_tenc *t, int16_t id, const char *s); /* NUL-terminated */
/* A struct-typed field: its fields follow, then pqw_t_end. */
void pqw_t_struct(pqw_tenc *t, int16_t id);
/* A list field of n elements of elem_type, written with the pqw_t_elem_*
 * calls (struct elements: pqw_t_elem_struct ... pqw_t_end). */
void pqw_t_list(pqw_tenc *t, int16_t id, uint8_t elem_type, size_t n);
void pqw_t_elem_i32(pqw_tenc *t, int32_t v);
void pqw_t_elem_binary(pqw_tenc *t, const void *p, size_t n);
void pqw_t_elem_struct(pqw_tenc *t);
/* Closes the innermost struct (the top-level one too). */
void pqw_t_end(pqw_tenc *t);

#endif
