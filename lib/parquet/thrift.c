/* Thrift compact protocol decoder (see thrift.h). Values that cannot be
 * read come back as 0 with t->err set; callers never index with them
 * before checking t->err. */
#include <string.h>

#include "thrift.h"

void pq_t_init(pq_tin *t, const void *p, size_t n)
{
    t->p = p;
    t->end = t->p + n;
    t->depth = 0;
    t->err = NULL;
}

void pq_t_fail(pq_tin *t, const char *msg)
{
    if (!t->err)
        t->err = msg;
    t->p = t->end; /* nothing more is read after a failure */
}

uint64_t pq_t_varint(pq_tin *t)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (t->p >= t->end) {
            pq_t_fail(t, "truncated varint");
            return 0;
        }
        uint8_t c = *t->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    pq_t_fail(t, "varint longer than 10 bytes");
    return 0;
}

static int64_t zigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

int64_t pq_t_i64(pq_tin *t) { return zigzag(pq_t_varint(t)); }

int32_t pq_t_i32(pq_tin *t)
{
    int64_t v = pq_t_i64(t);
    if (v < INT32_MIN || v > INT32_MAX) {
        pq_t_fail(t, "i32 out of range");
        return 0;
    }
    return (int32_t)v;
}

bool pq_t_bool(pq_tin *t, uint8_t type)
{
    if (type == PQ_T_TRUE || type == PQ_T_FALSE) /* field: value in the type */
        return type == PQ_T_TRUE;
    if (t->p >= t->end) {
        pq_t_fail(t, "truncated boolean");
        return false;
    }
    return *t->p++ == 1;
}

const uint8_t *pq_t_binary(pq_tin *t, uint32_t *len)
{
    uint64_t n = pq_t_varint(t);
    *len = 0;
    if (t->err)
        return NULL;
    if (n > (uint64_t)(t->end - t->p)) {
        pq_t_fail(t, "string longer than the bytes left");
        return NULL;
    }
    const uint8_t *s = t->p;
    t->p += n;
    *len = (uint32_t)n;
    return s;
}

uint32_t pq_t_list(pq_tin *t, uint8_t *elem_type)
{
    if (t->p >= t->end) {
        pq_t_fail(t, "truncated list header");
        *elem_type = 0;
        return 0;
    }
    uint8_t h = *t->p++;
    *elem_type = h & 0x0f;
    uint64_t n = h >> 4;
    if (n == 15)
        n = pq_t_varint(t);
    if (n > (uint64_t)(t->end - t->p)) {
        pq_t_fail(t, "list longer than the bytes left");
        return 0;
    }
    return (uint32_t)n;
}

void pq_t_struct_begin(pq_tin *t, pq_tfield *f)
{
    f->last = 0;
    f->id = 0;
    f->type = PQ_T_STOP;
    if (++t->depth > PQ_T_MAX_DEPTH)
        pq_t_fail(t, "structs nested too deeply");
}

bool pq_t_field(pq_tin *t, pq_tfield *f)
{
    if (t->err || t->p >= t->end) {
        pq_t_fail(t, "truncated struct");
        t->depth--;
        return false;
    }
    uint8_t h = *t->p++;
    f->type = h & 0x0f;
    if (f->type == PQ_T_STOP) {
        t->depth--;
        return false;
    }
    uint8_t delta = h >> 4;
    if (delta) {
        f->id = (int16_t)(f->last + delta);
    } else {
        int64_t id = pq_t_i64(t);
        f->id = (int16_t)id;
        if (id < INT16_MIN || id > INT16_MAX)
            pq_t_fail(t, "field id out of range");
    }
    f->last = f->id;
    if (t->err) {
        t->depth--;
        return false;
    }
    return true;
}

static void skip_bytes(pq_tin *t, size_t n)
{
    if (n > (size_t)(t->end - t->p))
        pq_t_fail(t, "truncated value");
    else
        t->p += n;
}

void pq_t_skip(pq_tin *t, uint8_t type)
{
    pq_tfield f;
    uint32_t len;
    uint8_t et;
    switch (type) {
    case PQ_T_TRUE:
    case PQ_T_FALSE:
        break; /* a field's value is in its type; in lists use PQ_T_BYTE */
    case PQ_T_BYTE:
        skip_bytes(t, 1);
        break;
    case PQ_T_I16:
    case PQ_T_I32:
    case PQ_T_I64:
        pq_t_varint(t);
        break;
    case PQ_T_DOUBLE:
        skip_bytes(t, 8);
        break;
    case PQ_T_BINARY:
        pq_t_binary(t, &len);
        break;
    case PQ_T_LIST:
    case PQ_T_SET: {
        uint32_t n = pq_t_list(t, &et);
        if (et == PQ_T_TRUE || et == PQ_T_FALSE)
            et = PQ_T_BYTE; /* list booleans take a byte each */
        if (++t->depth > PQ_T_MAX_DEPTH)
            pq_t_fail(t, "lists nested too deeply");
        for (uint32_t i = 0; i < n && !t->err; i++)
            pq_t_skip(t, et);
        t->depth--;
        break;
    }
    case PQ_T_MAP: {
        uint64_t n = pq_t_varint(t);
        if (t->err || n == 0)
            break;
        if (t->p >= t->end || n > (uint64_t)(t->end - t->p)) {
            pq_t_fail(t, "map longer than the bytes left");
            break;
        }
        uint8_t kv = *t->p++;
        uint8_t kt = kv >> 4, vt = kv & 0x0f;
        kt = (kt == PQ_T_TRUE || kt == PQ_T_FALSE) ? PQ_T_BYTE : kt;
        vt = (vt == PQ_T_TRUE || vt == PQ_T_FALSE) ? PQ_T_BYTE : vt;
        if (++t->depth > PQ_T_MAX_DEPTH)
            pq_t_fail(t, "maps nested too deeply");
        for (uint64_t i = 0; i < n && !t->err; i++) {
            pq_t_skip(t, kt);
            pq_t_skip(t, vt);
        }
        t->depth--;
        break;
    }
    case PQ_T_STRUCT:
        pq_t_struct_begin(t, &f);
        while (pq_t_field(t, &f))
            pq_t_skip(t, f.type);
        break;
    default:
        pq_t_fail(t, "unknown thrift type");
    }
}

int32_t pq_t_field_i32(pq_tin *t, const pq_tfield *f)
{
    if (f->type != PQ_T_I32 && f->type != PQ_T_I16 && f->type != PQ_T_BYTE) {
        pq_t_fail(t, "field is not an integer");
        return 0;
    }
    if (f->type == PQ_T_BYTE) {
        if (t->p >= t->end) {
            pq_t_fail(t, "truncated byte");
            return 0;
        }
        return (int8_t)*t->p++;
    }
    return pq_t_i32(t);
}

int64_t pq_t_field_i64(pq_tin *t, const pq_tfield *f)
{
    if (f->type == PQ_T_I64)
        return pq_t_i64(t);
    return pq_t_field_i32(t, f);
}
