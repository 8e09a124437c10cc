/* The vector UTF-8 validator must agree with the byte-by-byte rules on
 * every input: all 1-, 2- and 3-byte sequences, 4-byte sequences around
 * every boundary, at every alignment, and random mixes. */
#include <stdint.h>
#include <stdlib.h>

#include "test.h"

const uint8_t *tsj_utf8_validate(const uint8_t *p, const uint8_t *end);

/* Reference: the definition, written plainly. */
static long ref_invalid_at(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return (long)i;
        if (i + len > n)
            return (long)i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += len;
    }
    return -1;
}

static long got_invalid_at(const uint8_t *s, size_t n)
{
    const uint8_t *r = tsj_utf8_validate(s, s + n);
    return r == s + n ? -1 : (long)(r - s);
}

static int check_at_offsets(const uint8_t *seq, size_t len)
{
    uint8_t buf[64];
    for (size_t off = 0; off < 20; off++) {
        for (size_t total = off + len; total <= off + len + 17; total += 17) {
            memset(buf, 'a', sizeof buf);
            memcpy(buf + off, seq, len);
            if (ref_invalid_at(buf, total) != got_invalid_at(buf, total))
                return 0;
        }
    }
    return 1;
}

TEST(utf8_all_short_sequences_agree_with_the_definition)
{
    uint8_t s[4];
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (uint8_t)a;
        if (!check_at_offsets(s, 1)) { test_fail(__FILE__, __LINE__, "%02x", a); return; }
        for (unsigned b = 0x70; b < 256; b++) {
            s[1] = (uint8_t)b;
            if (!check_at_offsets(s, 2)) { test_fail(__FILE__, __LINE__, "%02x %02x", a, b); return; }
        }
    }
    /* 3 bytes: every lead and second byte with a sample of third bytes */
    static const uint8_t thirds[] = {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xE0, 0xF4, 0xFF};
    for (unsigned a = 0xC0; a < 256; a++)
        for (unsigned b = 0x00; b < 256; b += (b < 0x7F ? 0x3F : 1))
            for (size_t t = 0; t < sizeof thirds; t++) {
                s[0] = (uint8_t)a, s[1] = (uint8_t)b, s[2] = thirds[t];
                if (!check_at_offsets(s, 3)) {
                    test_fail(__FILE__, __LINE__, "%02x %02x %02x", a, b, thirds[t]);
                    return;
                }
            }
    /* 4 bytes around the boundaries of the 4-byte forms */
    static const uint8_t leads[] = {0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8};
    static const uint8_t conts[] = {0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0};
    for (size_t i = 0; i < sizeof leads; i++)
        for (size_t j = 0; j < sizeof conts; j++)
            for (size_t k = 0; k < sizeof conts; k++)
                for (size_t l = 0; l < sizeof conts; l++) {
                    s[0] = leads[i], s[1] = conts[j], s[2] = conts[k], s[3] = conts[l];
                    if (!check_at_offsets(s, 4)) {
                        test_fail(__FILE__, __LINE__, "%02x %02x %02x %02x", s[0], s[1], s[2], s[3]);
                        return;
                    }
                }
}

TEST(utf8_random_text_agrees_with_the_definition)
{
    static const char *pieces[] = {"a", " ", "\xC3\xA9", "\xED\x95\x9C", "\xF0\x9F\x98\x80", "\xE2\x80\xA6",
                                   "\x80", "\xC3", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\x80\x80", "\xFF"};
    uint8_t buf[300];
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int count = (int)(x % 60);
        bool allow_bad = (x >> 8) % 4 == 0;
        for (int i = 0; i < count; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t k = (size_t)(x % (allow_bad ? 12 : 6));
            size_t len = strlen(pieces[k]);
            if (n + len > sizeof buf)
                break;
            memcpy(buf + n, pieces[k], len);
            n += len;
        }
        if (ref_invalid_at(buf, n) != got_invalid_at(buf, n)) {
            test_fail(__FILE__, __LINE__, "round %d: ref %ld, got %ld", round, ref_invalid_at(buf, n),
                      got_invalid_at(buf, n));
            return;
        }
    }
}
