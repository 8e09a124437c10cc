/* Text forms of values that need care: UTF-8 validation (with a note on
 * whether JSON needs escapes), DECIMAL's unscaled integers of any width,
 * and the shortest round-trip text of floats and doubles. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json/scan.h"
#include "rows.h"

/* The JSON layer's vector scanners: one pass finds whether the text needs
 * escaping and whether it has non-ASCII bytes, which are then validated. */
bool pq_utf8_check(const uint8_t *s, size_t n, bool *plain)
{
    const uint8_t *end = s + n, *p = s;
    uint8_t high = 0;
    bool pl = true;
    for (;;) {
        p = tsj_scan_escape(p, end, &high);
        if (p >= end)
            break;
        pl = false; /* a quote, backslash or control byte: fine, but escaped */
        p++;
    }
    if (high && tsj_utf8_validate(s, end) != end)
        return false;
    *plain = pl;
    return true;
}

/* Unscaled big-endian two's complement integer with a scale, as text. */
int pq_text_decimal(char out[PQ_DECIMAL_TEXT], const uint8_t *p, size_t n, int32_t scale)
{
    if (n == 0 || n > 64 || scale < 0 || scale > 200)
        return -1;
    uint8_t mag[64];
    bool neg = p[0] & 0x80;
    memcpy(mag, p, n);
    if (neg) { /* two's complement negate: invert and add one */
        int carry = 1;
        for (size_t i = n; i-- > 0;) {
            int v = (uint8_t)~mag[i] + carry;
            mag[i] = (uint8_t)v;
            carry = v >> 8;
        }
    }
    char digits[400];
    size_t nd = 0;
    size_t start = 0;
    while (start < n) { /* long division by 10, least significant digit first */
        unsigned rem = 0;
        for (size_t i = start; i < n; i++) {
            unsigned cur = rem << 8 | mag[i];
            mag[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
        }
        digits[nd++] = (char)('0' + rem);
        while (start < n && mag[start] == 0)
            start++;
    }
    if (nd == 0)
        digits[nd++] = '0';
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    size_t whole = nd > (size_t)scale ? nd - (size_t)scale : 0;
    if (whole == 0)
        out[o++] = '0';
    for (size_t i = 0; i < whole; i++)
        out[o++] = digits[nd - 1 - i];
    if (scale > 0) {
        out[o++] = '.';
        for (size_t i = 0; i < (size_t)scale; i++) {
            size_t pos = (size_t)scale - 1 - i; /* digit index from the right */
            out[o++] = pos < nd ? digits[pos] : '0';
        }
    }
    return (int)o;
}

/* Shortest text that reads back to the same float or double, laid out
 * as Python's repr (and DuckDB) print doubles: fixed notation for decimal
 * exponents from -4 to 15, with ".0" on whole numbers ("8.0", "0.0001",
 * "1e+16" is already scientific), scientific beyond with at least two
 * exponent digits ("1e-05", "1.5e+300"). So a column stays visibly
 * floating point, and JSON written by Python comes back byte for byte.
 * A value printable in DIG digits prints back exactly (the DIG
 * guarantee), so only DIG, DIG+1 and DIG+2 significant digits need
 * trying (trailing zeros dropped); the shortest that round-trips is the
 * correctly rounded one, as Python's repr picks. */
int pq_text_shortest(char out[PQ_NUMBER_TEXT], double x, bool single)
{
    if (x != x || x - x != 0)
        return -1;
    char sci[40];
    /* Subnormals hold fewer digits than DIG: search them from one. */
    int dig = fabs(x) < (single ? FLT_MIN : DBL_MIN) ? 1 : single ? 6 : 15;
    for (;; dig++) {
        snprintf(sci, sizeof sci, "%.*e", dig - 1, x);
        if (dig >= (single ? 9 : 17) || (single ? (double)strtof(sci, NULL) == x : strtod(sci, NULL) == x))
            break;
    }
    /* sci is "-d.ddde+XX": collect the digits, drop trailing zeros. */
    const char *p = sci;
    bool neg = *p == '-';
    p += neg;
    char d[24];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            d[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    int o = 0;
    if (neg)
        out[o++] = '-';
    if (exp >= 16 || exp < -4) {
        out[o++] = d[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, d + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        o += snprintf(out + o, PQ_NUMBER_TEXT - (size_t)o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -exp - 1; i++)
            out[o++] = '0';
        memcpy(out + o, d, (size_t)nd);
        o += nd;
    } else {
        for (int i = 0; i <= exp || i < nd; i++) {
            if (i == exp + 1)
                out[o++] = '.';
            out[o++] = i < nd ? d[i] : '0';
        }
        if (nd <= exp + 1) { /* a whole number: keep it a float */
            out[o++] = '.';
            out[o++] = '0';
        }
    }
    return o;
}
