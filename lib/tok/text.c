/* Text helpers of the tokenizer: UTF-8, the GPT-2 byte-level map, and
 * regex compilation (Oniguruma syntax of tokenizer.json -> PCRE2). */
#include <stdlib.h>
#include <string.h>

#include "tok_int.h"

/* GPT-2's bytes_to_unicode(): printable Latin-1 bytes map to themselves,
 * the rest to U+0100 onwards in byte order. */
const uint16_t tk_byte_char[256] = {
    0x100, 0x101, 0x102, 0x103, 0x104, 0x105, 0x106, 0x107, 0x108, 0x109, 0x10a, 0x10b,
    0x10c, 0x10d, 0x10e, 0x10f, 0x110, 0x111, 0x112, 0x113, 0x114, 0x115, 0x116, 0x117,
    0x118, 0x119, 0x11a, 0x11b, 0x11c, 0x11d, 0x11e, 0x11f, 0x120, 0x21, 0x22, 0x23,
    0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
    0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
    0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
    0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
    0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
    0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x121, 0x122, 0x123, 0x124, 0x125,
    0x126, 0x127, 0x128, 0x129, 0x12a, 0x12b, 0x12c, 0x12d, 0x12e, 0x12f, 0x130, 0x131,
    0x132, 0x133, 0x134, 0x135, 0x136, 0x137, 0x138, 0x139, 0x13a, 0x13b, 0x13c, 0x13d,
    0x13e, 0x13f, 0x140, 0x141, 0x142, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0x143, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
    0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
    0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
    0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3,
    0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
    0xfc, 0xfd, 0xfe, 0xff,
};

int tk_unicode_to_byte(uint32_t cp)
{
    static int16_t rev[0x144];
    static int ready; /* benign race: every thread writes the same values */
    if (!ready) {
        for (size_t i = 0; i < 0x144; i++)
            rev[i] = -1;
        for (int b = 0; b < 256; b++)
            rev[tk_byte_char[b]] = (int16_t)b;
        ready = 1;
    }
    return cp < 0x144 ? rev[cp] : -1;
}

size_t tk_put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int tk_bytes_to_unicode(const char *s, size_t n, ts_buf *out)
{
    if (ts_buf_reserve(out, 2 * n))
        return TS_ENOMEM;
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++)
        o += tk_put_utf8(o, tk_byte_char[(uint8_t)s[i]]);
    out->len = (size_t)(o - out->data);
    return 0;
}

/* Decodes the code point at s[*i] (valid UTF-8 assumed; a stray byte is
 * taken as itself so callers always advance). */
uint32_t tk_utf8_next(const char *s, size_t n, size_t *i)
{
    const uint8_t *p = (const uint8_t *)s + *i;
    size_t left = n - *i;
    uint32_t c = p[0];
    size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (k > left || c < 0xC0 || (c >= 0x80 && k == 1))
        k = 1;
    if (k == 2)
        c = ((c & 0x1F) << 6) | (p[1] & 0x3F);
    else if (k == 3)
        c = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    else if (k == 4)
        c = ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    *i += k;
    return c;
}

size_t tk_utf8_valid(const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t min;
        if (c >= 0xC2 && c <= 0xDF)
            k = 2, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 3, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 4, min = 0x10000;
        else
            return i;
        if (i + k > n)
            return i;
        uint32_t cp = c & (0x7F >> k);
        for (size_t j = 1; j < k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += k;
    }
    return n;
}

/* Letters and numbers that Unicode 15.0 and 16.0 added: Oniguruma in the
 * reference knows them, PCRE2 10.42 (Unicode 14) does not. Found by asking
 * the reference about every code point that Node's newer tables call L or
 * N and PCRE2 does not (docs/tokenize.md says how). Harmless with a newer
 * PCRE2. */
static const char EXTRA_L[] =
    "\\x{1c89}-\\x{1c8a}\\x{a7cb}-\\x{a7cd}\\x{a7da}-\\x{a7dc}\\x{105c0}-\\x{105f3}\\x{10d4a}-\\x{10d65}\\x{10d6f}-\\x{10d85}\\x{10ec2}-\\x{10ec4}\\x{1123f}-\\x{11240}\\x{11380}-\\x{11389}\\x{1138b}\\x{1138e}\\x{11390}-\\x{113b5}\\x{113b7}\\x{113d1}\\x{113d3}\\x{11bc0}-\\x{11be0}\\x{11f02}\\x{11f04}-\\x{11f10}\\x{11f12}-\\x{11f33}\\x{1342f}\\x{13441}-\\x{13446}\\x{13460}-\\x{143fa}\\x{16100}-\\x{1611d}\\x{16d40}-\\x{16d6c}\\x{18cff}\\x{1b132}\\x{1b155}\\x{1df25}-\\x{1df2a}\\x{1e030}-\\x{1e06d}\\x{1e4d0}-\\x{1e4eb}\\x{1e5d0}-\\x{1e5ed}\\x{1e5f0}\\x{2b739}\\x{2ebf0}-\\x{2ee5d}\\x{31350}-\\x{323af}";
static const char EXTRA_N[] = "\\x{10d40}-\\x{10d49}\\x{116d0}-\\x{116e3}\\x{11bf0}-\\x{11bf9}\\x{11f50}-\\x{11f59}\\x{16130}-\\x{16139}\\x{16d70}-\\x{16d79}\\x{1ccf0}-\\x{1ccf9}\\x{1d2c0}-\\x{1d2d3}\\x{1e4f0}-\\x{1e4f9}\\x{1e5f1}-\\x{1e5fa}";

/* tokenizer.json regexes are Oniguruma's. Two differences matter: there
 * \s is Unicode White_Space (with U+0085), while PCRE2's UCP \s is Z plus
 * \t\n\v\f\r; and the Unicode versions differ. So \s and \S are spelled
 * as the property, and \p{L} / \p{N} get the newer letters and numbers
 * (inside a class as more members, outside as a class of their own). */
pcre2_code *tk_regex(const char *pat, size_t n, ts_err *err)
{
    ts_buf b;
    ts_buf_init(&b, 1u << 20);
    bool in_class = false;
    size_t class_start = 0; /* index just past "[" or "[^" */
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char c = pat[i];
        if (c == '\\' && i + 1 < n) {
            char e = pat[i + 1];
            const char *extra = NULL;
            if (i + 4 < n && pat[i + 2] == '{' && pat[i + 4] == '}' && e == 'p')
                extra = pat[i + 3] == 'L' ? EXTRA_L : pat[i + 3] == 'N' ? EXTRA_N : NULL;
            if (e == 's') {
                rc = ts_buf_append(&b, "\\p{White_Space}", 15);
            } else if (e == 'S') {
                rc = ts_buf_append(&b, "\\P{White_Space}", 15);
            } else if (extra) {
                if (!in_class)
                    rc = ts_buf_putc(&b, '[');
                rc = rc ? rc : ts_buf_append(&b, pat + i, 5);
                rc = rc ? rc : ts_buf_append(&b, extra, strlen(extra));
                if (!rc && !in_class)
                    rc = ts_buf_putc(&b, ']');
                i += 3;
            } else {
                rc = ts_buf_append(&b, pat + i, 2);
            }
            i++;
            continue;
        }
        if (!in_class && c == '[') {
            in_class = true;
            class_start = i + 1 + (i + 1 < n && pat[i + 1] == '^');
        } else if (in_class && c == ']' && i != class_start) {
            in_class = false;
        }
        rc = ts_buf_putc(&b, c);
    }
    if (rc) {
        ts_buf_release(&b);
        ts_err_set(err, TS_ENOMEM, "regex too long");
        return NULL;
    }
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)(b.data ? b.data : ""), b.len, PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
    ts_buf_release(&b);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        ts_err_set(err, TS_ENOTSUP, "pattern '%.*s' at %zu: %s", (int)(n > 80 ? 80 : n), pat, (size_t)eo, (char *)msg);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter when JIT is missing */
    return re;
}
