/* UTF-8 validation, 16 bytes at a time where the CPU has SSSE3.
 *
 * The vector path follows the "lookup" method of Keiser and Lemire
 * (Validating UTF-8 In Less Than One Instruction Per Byte, 2021): each
 * byte and the one before it are classified through three 16-entry tables
 * indexed by nibbles; the AND of the three lookups is non-zero exactly for
 * the byte pairs that cannot occur in UTF-8. The only error class a pair
 * cannot see — a continuation byte that should be the 2nd/3rd of a longer
 * sequence — is checked from the bytes two and three back. The vector path
 * only says "valid" or "somewhere here is an error"; the scalar checker then
 * finds the exact byte, so reported offsets are the same on every CPU. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scan.h"

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>

#include "utf8_lookup.h"

__attribute__((target("ssse3"))) static inline __m128i lookup(__m128i table, __m128i idx)
{
    return _mm_shuffle_epi8(table, idx);
}

__attribute__((target("ssse3"))) static __m128i block_errors(__m128i in, __m128i prev)
{
    const __m128i lo4 = _mm_set1_epi8(0x0F);
    const __m128i byte_1_high = _mm_setr_epi8(UTF8_BYTE_1_HIGH);
    const __m128i byte_1_low = _mm_setr_epi8(UTF8_BYTE_1_LOW);
    const __m128i byte_2_high = _mm_setr_epi8(UTF8_BYTE_2_HIGH);
    __m128i prev1 = _mm_alignr_epi8(in, prev, 15);
    __m128i sc = _mm_and_si128(
        _mm_and_si128(lookup(byte_1_high, _mm_and_si128(_mm_srli_epi16(prev1, 4), lo4)),
                      lookup(byte_1_low, _mm_and_si128(prev1, lo4))),
        lookup(byte_2_high, _mm_and_si128(_mm_srli_epi16(in, 4), lo4)));
    /* Bytes 2 and 3 back: a 3-byte lead two back, or a 4-byte lead three
     * back, means this byte must be a continuation (TWO_CONTS is then
     * expected and fine; without such a lead it is an error). */
    __m128i prev2 = _mm_alignr_epi8(in, prev, 14);
    __m128i prev3 = _mm_alignr_epi8(in, prev, 13);
    __m128i is_third = _mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80)));
    __m128i is_fourth = _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80)));
    __m128i must23 = _mm_and_si128(_mm_or_si128(is_third, is_fourth), _mm_set1_epi8((char)0x80));
    return _mm_xor_si128(must23, sc);
}

/* Returns 1 when [p, end) is valid UTF-8 that neither starts nor ends
 * inside a sequence; 0 when there is (or may be) an error. */
__attribute__((target("ssse3"))) static int valid_ssse3(const uint8_t *p, const uint8_t *end)
{
    __m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128();
    while (end - p >= 16) {
        __m128i in = _mm_loadu_si128((const __m128i *)(const void *)p);
        if (_mm_movemask_epi8(_mm_or_si128(in, prev)) == 0) {
            prev = in; /* all ASCII, and nothing pending from before */
        } else {
            err = _mm_or_si128(err, block_errors(in, prev));
            prev = in;
        }
        p += 16;
    }
    /* The tail, padded with ASCII; padding also flushes a sequence cut at
     * the end (TOO_SHORT). */
    uint8_t tail[16] = {0};
    memcpy(tail, p, (size_t)(end - p));
    __m128i in = _mm_loadu_si128((const __m128i *)(const void *)tail);
    err = _mm_or_si128(err, block_errors(in, prev));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) == 0xFFFF;
}
#endif

static const uint8_t *check_scalar(const uint8_t *p, const uint8_t *end)
{
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t n = tsj_utf8_seq(p, end);
        if (!n)
            return p;
        p += n;
    }
    return end;
}

const uint8_t *tsj_utf8_validate(const uint8_t *p, const uint8_t *end)
{
#if defined(__x86_64__) || defined(__i386__)
    static int have_ssse3 = -1;
    if (have_ssse3 < 0)
        have_ssse3 = __builtin_cpu_supports("ssse3") ? 1 : 0;
    /* Short strings (keys, roles) are cheaper byte by byte. */
    if (have_ssse3 && end - p >= 32 && valid_ssse3(p, end))
        return end;
#endif
    return check_scalar(p, end);
}
