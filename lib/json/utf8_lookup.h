/* The tables of the "lookup" UTF-8 validation (Keiser and Lemire, 2021),
 * shared by the SSSE3 validator (utf8.c) and the AVX2 scan of the picking
 * scanner (pick_avx2.c): each byte and the one before it are classified by
 * three 16-entry tables indexed by nibbles; the AND of the three lookups
 * is non-zero exactly for byte pairs that cannot occur in UTF-8. The
 * entries are given as argument lists for _mm_setr_epi8 / _mm256_setr_epi8.
 * Internal to lib/json. */
#ifndef TS_JSON_UTF8_LOOKUP_H
#define TS_JSON_UTF8_LOOKUP_H

/* Error bits: which impossibilities a (previous byte, byte) pair shows. */
enum {
    TOO_SHORT = 1 << 0,   /* lead byte followed by a non-continuation */
    TOO_LONG = 1 << 1,    /* ASCII followed by a continuation */
    OVERLONG_3 = 1 << 2,  /* E0 80..9F */
    TOO_LARGE = 1 << 3,   /* F4 90..BF, F5..FF */
    SURROGATE = 1 << 4,   /* ED A0..BF */
    OVERLONG_2 = 1 << 5,  /* C0, C1 */
    TOO_LARGE_1000 = 1 << 6,
    OVERLONG_4 = 1 << 6,  /* F0 80..8F */
    TWO_CONTS = 1 << 7,   /* two continuations: fine only inside a 3/4-byte form */
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS
};

#define U8C(x) ((char)(x)) /* entries above 0x7F, as char */

/* By the high nibble of the previous byte. */
#define UTF8_BYTE_1_HIGH                                                                                     \
    U8C(TOO_LONG), U8C(TOO_LONG), U8C(TOO_LONG), U8C(TOO_LONG), U8C(TOO_LONG), U8C(TOO_LONG), U8C(TOO_LONG),   \
        U8C(TOO_LONG), U8C(TWO_CONTS), U8C(TWO_CONTS), U8C(TWO_CONTS), U8C(TWO_CONTS),                         \
        U8C(TOO_SHORT | OVERLONG_2), U8C(TOO_SHORT), U8C(TOO_SHORT | OVERLONG_3 | SURROGATE),                  \
        U8C(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4)

/* By the low nibble of the previous byte. */
#define UTF8_BYTE_1_LOW                                                                                      \
    U8C(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4), U8C(CARRY | OVERLONG_2), U8C(CARRY), U8C(CARRY),        \
        U8C(CARRY | TOO_LARGE), U8C(CARRY | TOO_LARGE | TOO_LARGE_1000), U8C(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        U8C(CARRY | TOO_LARGE | TOO_LARGE_1000), U8C(CARRY | TOO_LARGE | TOO_LARGE_1000),                       \
        U8C(CARRY | TOO_LARGE | TOO_LARGE_1000), U8C(CARRY | TOO_LARGE | TOO_LARGE_1000),                       \
        U8C(CARRY | TOO_LARGE | TOO_LARGE_1000), U8C(CARRY | TOO_LARGE | TOO_LARGE_1000),                       \
        U8C(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE), U8C(CARRY | TOO_LARGE | TOO_LARGE_1000),           \
        U8C(CARRY | TOO_LARGE | TOO_LARGE_1000)

/* By the high nibble of the byte itself. */
#define UTF8_BYTE_2_HIGH                                                                                     \
    U8C(TOO_SHORT), U8C(TOO_SHORT), U8C(TOO_SHORT), U8C(TOO_SHORT), U8C(TOO_SHORT), U8C(TOO_SHORT),            \
        U8C(TOO_SHORT), U8C(TOO_SHORT),                                                                      \
        U8C(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4),                    \
        U8C(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),                                     \
        U8C(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),                                      \
        U8C(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE), U8C(TOO_SHORT), U8C(TOO_SHORT),        \
        U8C(TOO_SHORT), U8C(TOO_SHORT)

#endif
