/* Leaf values to JSON. Numbers keep their exact decimal text (DECIMAL
 * with its scale applied); dates, times and timestamps become ISO 8601
 * strings; text becomes strings after a UTF-8 check; other bytes become
 * base64 strings, since JSON has no bytes. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

static int push(ts_jb *b, ts_arena *a, ts_json_type t, const char *s, size_t n, bool copy, uint8_t flags)
{
    const char *d = s;
    if (copy && !(d = ts_arena_dup(a, s, n)))
        return TS_ENOMEM;
    ts_json v = {.type = (uint8_t)t, .flags = flags, .len = (uint32_t)n};
    v.u.s = d;
    ts_jb_value(b, &v);
    return b->err;
}

static int num(ts_jb *b, ts_arena *a, const char *s, size_t n) { return push(b, a, TS_JSON_NUMBER, s, n, true, 0); }

static int numf(ts_jb *b, ts_arena *a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int numf(ts_jb *b, ts_arena *a, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return num(b, a, tmp, (size_t)n);
}

bool pq_is_text(const pq_schema_el *el)
{
    if (el->type != PQ_BYTE_ARRAY && el->type != PQ_FLBA)
        return false;
    return el->logical == PQ_LT_STRING || el->logical == PQ_LT_ENUM || el->logical == PQ_LT_JSON ||
           (el->logical == PQ_LT_NONE &&
            (el->converted == PQ_CT_UTF8 || el->converted == PQ_CT_ENUM || el->converted == PQ_CT_JSON));
}

static int base64(ts_jb *b, ts_arena *a, const uint8_t *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t out = (n + 2) / 3 * 4;
    char *d = ts_arena_alloc(a, out ? out : 1);
    if (!d)
        return TS_ENOMEM;
    char *q = d;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        *q++ = tab[v >> 18];
        *q++ = tab[(v >> 12) & 63];
        *q++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *q++ = i + 2 < n ? tab[v & 63] : '=';
    }
    return push(b, a, TS_JSON_STRING, d, out, false, TS_JSON_PLAIN);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int fmt_date(char *out, size_t cap, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    return snprintf(out, cap, "%04" PRId64 "-%02u-%02u", y, m, d);
}

/* "HH:MM:SS" plus the fraction in 3, 6 or 9 digits as the unit needs,
 * trimmed to the shortest of those that loses nothing. */
static int fmt_time(char *out, size_t cap, int64_t secs, int64_t frac, int digits)
{
    int n = snprintf(out, cap, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    while (digits > 3 && frac % 1000 == 0) {
        frac /= 1000;
        digits -= 3;
    }
    if (frac)
        n += snprintf(out + n, cap - (size_t)n, ".%0*" PRId64, digits, frac);
    return n;
}

static int64_t per_second(int unit) { return unit == PQ_MILLIS ? 1000 : unit == PQ_MICROS ? 1000000 : 1000000000; }
static int digits_of(int unit) { return unit == PQ_MILLIS ? 3 : unit == PQ_MICROS ? 6 : 9; }

static int timestamp(ts_jb *b, ts_arena *a, int64_t v, int unit, bool utc)
{
    int64_t ps = per_second(unit), day = 86400;
    int64_t secs = v / ps, frac = v % ps;
    if (frac < 0) {
        frac += ps;
        secs--;
    }
    int64_t days = secs / day, sod = secs % day;
    if (sod < 0) {
        sod += day;
        days--;
    }
    char tmp[96];
    int n = fmt_date(tmp, sizeof tmp, days);
    tmp[n++] = 'T';
    n += fmt_time(tmp + n, sizeof tmp - (size_t)n, sod, frac, digits_of(unit));
    if (utc)
        tmp[n++] = 'Z';
    return push(b, a, TS_JSON_STRING, tmp, (size_t)n, true, TS_JSON_PLAIN);
}

static int int96(ts_jb *b, ts_arena *a, const uint8_t *r)
{
    uint64_t nanos = 0;
    uint32_t julian = 0;
    for (int i = 7; i >= 0; i--)
        nanos = nanos << 8 | r[i];
    for (int i = 11; i >= 8; i--)
        julian = julian << 8 | r[i];
    int64_t ns = (int64_t)nanos, days = (int64_t)julian - 2440588;
    int64_t nday = 86400LL * 1000000000LL;
    days += ns / nday;
    ns %= nday;
    if (ns < 0) {
        ns += nday;
        days--;
    }
    char tmp[96];
    int n = fmt_date(tmp, sizeof tmp, days);
    tmp[n++] = 'T';
    n += fmt_time(tmp + n, sizeof tmp - (size_t)n, ns / 1000000000, ns % 1000000000, 9);
    return push(b, a, TS_JSON_STRING, tmp, (size_t)n, true, TS_JSON_PLAIN);
}

static int decimal_bytes(ts_jb *b, ts_arena *a, const uint8_t *p, size_t n, int32_t scale)
{
    char out[PQ_DECIMAL_TEXT];
    int o = pq_text_decimal(out, p, n, scale);
    return o < 0 ? base64(b, a, p, n) : num(b, a, out, (size_t)o);
}

static int shortest(ts_jb *b, ts_arena *a, double x, bool single)
{
    char out[PQ_NUMBER_TEXT];
    int o = pq_text_shortest(out, x, single);
    if (o < 0) { /* NaN and infinities have no JSON form */
        ts_jb_null(b);
        return b->err;
    }
    return num(b, a, out, (size_t)o);
}

static int decimal_int(ts_jb *b, ts_arena *a, int64_t v, int32_t scale)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    return decimal_bytes(b, a, be, 8, scale);
}

static bool is_decimal(const pq_schema_el *el)
{
    return el->logical == PQ_LT_DECIMAL || (el->logical == PQ_LT_NONE && el->converted == PQ_CT_DECIMAL);
}

static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v = e == 0 ? (float)m / 1024.0f / 16384.0f : e == 31 ? (m ? NAN : INFINITY)
                                                                : (1.0f + (float)m / 1024.0f) * (float)(1 << e) / 32768.0f;
    return (h & 0x8000) ? -v : v;
}

static int ints(ts_jb *b, ts_arena *a, const pq_schema_el *el, int64_t v, bool is64)
{
    int lt = el->logical, ct = el->converted;
    if (is_decimal(el))
        return decimal_int(b, a, v, el->scale);
    if (lt == PQ_LT_DATE || (lt == PQ_LT_NONE && ct == PQ_CT_DATE)) {
        char tmp[48];
        int n = fmt_date(tmp, sizeof tmp, v);
        return push(b, a, TS_JSON_STRING, tmp, (size_t)n, true, TS_JSON_PLAIN);
    }
    int unit = lt == PQ_LT_TIMESTAMP || lt == PQ_LT_TIME ? el->unit
               : ct == PQ_CT_TIMESTAMP_MILLIS || ct == PQ_CT_TIME_MILLIS ? PQ_MILLIS
               : ct == PQ_CT_TIMESTAMP_MICROS || ct == PQ_CT_TIME_MICROS ? PQ_MICROS
                                                                         : 0;
    if (unit && (lt == PQ_LT_TIMESTAMP || ct == PQ_CT_TIMESTAMP_MILLIS || ct == PQ_CT_TIMESTAMP_MICROS))
        return timestamp(b, a, v, unit, lt == PQ_LT_TIMESTAMP ? el->utc : true);
    if (unit && v >= 0 && v / per_second(unit) < 86400) {
        char tmp[48];
        int n = fmt_time(tmp, sizeof tmp, v / per_second(unit), v % per_second(unit), digits_of(unit));
        return push(b, a, TS_JSON_STRING, tmp, (size_t)n, true, TS_JSON_PLAIN);
    }
    bool uns = (lt == PQ_LT_INTEGER && !el->is_signed) ||
               (lt == PQ_LT_NONE && ct >= PQ_CT_UINT_8 && ct <= PQ_CT_UINT_64);
    if (uns)
        return numf(b, a, "%" PRIu64, is64 ? (uint64_t)v : (uint64_t)(uint32_t)v);
    return numf(b, a, "%" PRId64, v);
}

int pq_value_json(ts_jb *b, ts_arena *a, const pq_schema_el *el, const pq_val *v)
{
    switch (el->type) {
    case PQ_BOOLEAN:
        ts_jb_bool(b, v->u.b);
        return b->err;
    case PQ_INT32:
        return ints(b, a, el, v->u.i32, false);
    case PQ_INT64:
        return ints(b, a, el, v->u.i64, true);
    case PQ_INT96:
        return int96(b, a, v->u.raw);
    case PQ_FLOAT:
        return shortest(b, a, v->u.f, true);
    case PQ_DOUBLE:
        return shortest(b, a, v->u.d, false);
    default:
        break;
    }
    const uint8_t *p = v->u.s.p;
    size_t n = v->u.s.n;
    if (pq_is_text(el)) {
        bool plain;
        if (!pq_utf8_check(p, n, &plain)) {
            ts_jb_null(b);
            return b->err ? b->err : TS_EUTF8;
        }
        return push(b, a, TS_JSON_STRING, (const char *)p, n, false, plain ? TS_JSON_PLAIN : 0);
    }
    if (is_decimal(el))
        return decimal_bytes(b, a, p, n, el->scale);
    if (el->logical == PQ_LT_UUID && n == 16) {
        char tmp[40];
        int o = 0;
        for (size_t i = 0; i < 16; i++)
            o += snprintf(tmp + o, sizeof tmp - (size_t)o, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
                          p[i]);
        return push(b, a, TS_JSON_STRING, tmp, (size_t)o, true, TS_JSON_PLAIN);
    }
    if (el->logical == PQ_LT_FLOAT16 && n == 2)
        return shortest(b, a, half_to_float((uint16_t)(p[0] | p[1] << 8)), true);
    return base64(b, a, p, n);
}
