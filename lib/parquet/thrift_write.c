/* Thrift compact protocol encoder (see thrift_enc.h). Field ids are sent
 * as deltas from the previous field of the same struct, integers as
 * zigzag varints, booleans inside the field header. */
#include <string.h>

#include "thrift_enc.h"
#include "tuneset/error.h"

enum { T_STOP = 0, T_TRUE = 1, T_FALSE = 2, T_LIST = 9 };

static void put(pqw_tenc *t, const void *p, size_t n)
{
    if (!t->err)
        t->err = ts_buf_append(t->out, p, n);
}

int pqw_put_varint(ts_buf *out, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    while (v >= 0x80) {
        b[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (uint8_t)v;
    return ts_buf_append(out, b, n);
}

static void varint(pqw_tenc *t, uint64_t v)
{
    if (!t->err)
        t->err = pqw_put_varint(t->out, v);
}

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

static void header(pqw_tenc *t, int16_t id, uint8_t type)
{
    if (t->depth <= 0) {
        if (!t->err)
            t->err = TS_EINVAL;
        return;
    }
    int16_t *last = &t->last[t->depth - 1];
    int delta = id - *last;
    if (delta > 0 && delta <= 15) {
        uint8_t b = (uint8_t)(delta << 4 | type);
        put(t, &b, 1);
    } else {
        put(t, &type, 1);
        varint(t, zigzag(id));
    }
    *last = id;
}

static void push(pqw_tenc *t)
{
    if (t->depth >= PQW_T_MAX_DEPTH) {
        if (!t->err)
            t->err = TS_EDEPTH;
        return;
    }
    t->last[t->depth++] = 0;
}

void pqw_t_init(pqw_tenc *t, ts_buf *out)
{
    memset(t, 0, sizeof *t);
    t->out = out;
    push(t);
}

void pqw_t_i32(pqw_tenc *t, int16_t id, int32_t v)
{
    header(t, id, PQW_T_I32);
    varint(t, zigzag(v));
}

void pqw_t_i64(pqw_tenc *t, int16_t id, int64_t v)
{
    header(t, id, PQW_T_I64);
    varint(t, zigzag(v));
}

void pqw_t_bool(pqw_tenc *t, int16_t id, bool v) { header(t, id, v ? T_TRUE : T_FALSE); }

void pqw_t_binary(pqw_tenc *t, int16_t id, const void *p, size_t n)
{
    header(t, id, PQW_T_BINARY);
    pqw_t_elem_binary(t, p, n);
}

void pqw_t_string(pqw_tenc *t, int16_t id, const char *s) { pqw_t_binary(t, id, s, strlen(s)); }

void pqw_t_struct(pqw_tenc *t, int16_t id)
{
    header(t, id, PQW_T_STRUCT);
    push(t);
}

void pqw_t_list(pqw_tenc *t, int16_t id, uint8_t elem_type, size_t n)
{
    header(t, id, T_LIST);
    if (n < 15) {
        uint8_t b = (uint8_t)(n << 4 | elem_type);
        put(t, &b, 1);
    } else {
        uint8_t b = (uint8_t)(0xf0 | elem_type);
        put(t, &b, 1);
        varint(t, n);
    }
}

void pqw_t_elem_i32(pqw_tenc *t, int32_t v) { varint(t, zigzag(v)); }

void pqw_t_elem_binary(pqw_tenc *t, const void *p, size_t n)
{
    varint(t, n);
    put(t, p, n);
}

void pqw_t_elem_struct(pqw_tenc *t) { push(t); }

void pqw_t_end(pqw_tenc *t)
{
    uint8_t stop = T_STOP;
    put(t, &stop, 1);
    if (t->depth > 0)
        t->depth--;
    else if (!t->err)
        t->err = TS_EINVAL;
}
