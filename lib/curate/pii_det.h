/* Internals shared by the PII scanners (lib/curate/pii*.c): character
 * classes and the per-kind detectors split across files. */
#ifndef TS_PII_DET_H
#define TS_PII_DET_H

#include <stdbool.h>
#include <stddef.h>

static inline bool dig(char c) { return c >= '0' && c <= '9'; }
static inline bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static inline bool lower(char c) { return c >= 'a' && c <= 'z'; }
static inline bool alpha(char c) { return upper(c) || lower(c); }
static inline bool alnum(char c) { return dig(c) || alpha(c); }
static inline bool hexd(char c) { return dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* A digit group separator with digits on both sides: "1-2", "3 4". */
static inline bool sep_digit_before(const char *s, size_t i)
{
    return i >= 2 && (s[i - 1] == '-' || s[i - 1] == '.' || s[i - 1] == ' ') && dig(s[i - 2]);
}
static inline bool sep_digit_after(const char *s, size_t n, size_t j)
{
    return j + 1 < n && (s[j] == '-' || s[j] == '.') && dig(s[j + 1]);
}

/* Each returns the length of a match starting exactly at i, or 0. */
size_t pii_det_card(const char *s, size_t n, size_t i);
size_t pii_det_iban(const char *s, size_t n, size_t i);
size_t pii_det_phone(const char *s, size_t n, size_t i);

#endif
