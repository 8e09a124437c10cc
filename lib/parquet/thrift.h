/* Thrift compact protocol, decoding only: what Parquet's footer and page
 * headers are written in. The reader is a cursor over a byte range with a
 * sticky error, so struct parsers read fields without checking every call
 * and test t->err once at the end. Every length is checked against the
 * remaining bytes and nesting is capped, so hostile input fails cleanly.
 * Internal to lib/parquet. */
#ifndef PQ_THRIFT_H
#define PQ_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compact protocol type ids (field headers and list element types). */
enum {
    PQ_T_STOP = 0,
    PQ_T_TRUE = 1, /* boolean field: the value is in the type */
    PQ_T_FALSE = 2,
    PQ_T_BYTE = 3,
    PQ_T_I16 = 4,
    PQ_T_I32 = 5,
    PQ_T_I64 = 6,
    PQ_T_DOUBLE = 7,
    PQ_T_BINARY = 8,
    PQ_T_LIST = 9,
    PQ_T_SET = 10,
    PQ_T_MAP = 11,
    PQ_T_STRUCT = 12
};

enum { PQ_T_MAX_DEPTH = 32 };

typedef struct pq_tin {
    const uint8_t *p, *end;
    int depth;       /* structs entered and not yet left */
    const char *err; /* first problem found, NULL while all is well */
} pq_tin;

typedef struct pq_tfield {
    int16_t id;
    int16_t last; /* previous id in this struct (field ids are deltas) */
    uint8_t type;
} pq_tfield;

void pq_t_init(pq_tin *t, const void *p, size_t n);
/* Marks the decoder failed with reason msg (the first reason wins). */
void pq_t_fail(pq_tin *t, const char *msg);

/* Enters a struct: call before reading its fields (checks the depth cap),
 * then pq_t_field until it returns false, which also leaves the struct. */
void pq_t_struct_begin(pq_tin *t, pq_tfield *f);
bool pq_t_field(pq_tin *t, pq_tfield *f);

uint64_t pq_t_varint(pq_tin *t);
int64_t pq_t_i64(pq_tin *t);
int32_t pq_t_i32(pq_tin *t); /* also reads i16 and i8 fields */
/* Boolean field value: from the field type, or a byte inside lists. */
bool pq_t_bool(pq_tin *t, uint8_t type);
/* Binary/string: a pointer into the input, valid as long as the input. */
const uint8_t *pq_t_binary(pq_tin *t, uint32_t *len);
/* List/set header: element type and count. The count is checked against
 * the bytes left (every element takes at least one byte), so callers may
 * allocate count elements. */
uint32_t pq_t_list(pq_tin *t, uint8_t *elem_type);
/* Skips a value of the given type (unknown fields, unused structs). */
void pq_t_skip(pq_tin *t, uint8_t type);
/* Reads an i32 field, or fails when the field has another type. */
int32_t pq_t_field_i32(pq_tin *t, const pq_tfield *f);
int64_t pq_t_field_i64(pq_tin *t, const pq_tfield *f);

#endif
