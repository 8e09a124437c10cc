/* The text measures behind clean's filters: duplicate lines and n-grams,
 * character runs, bad characters, disclaimer phrases. */
#include <stdlib.h>
#include <string.h>

#include "clean_int.h"
#include "tuneset/error.h"
#include "tuneset/hash.h"

static bool is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Decodes one code point at s[0..n); *len gets its bytes. An invalid or
 * truncated sequence is one byte, returned as -1. */
static long utf8_next(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char b = s[0];
    size_t k;
    long cp;
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        k = 2;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        k = 3;
        cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        k = 4;
        cp = b & 0x07;
    } else {
        *len = 1;
        return -1;
    }
    if (k > n) {
        *len = 1;
        return -1;
    }
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = k;
    return cp;
}

size_t ts_clean_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* A fresh, empty hash set with room for at least n keys at half load. */
static int set_reset(ts_clean *c, size_t n)
{
    size_t cap = 64;
    while (cap < 2 * n + 2)
        cap *= 2;
    if (cap > c->setcap) {
        uint64_t *t = malloc(cap * sizeof *t);
        if (!t)
            return TS_ENOMEM;
        free(c->set);
        c->set = t;
        c->setcap = cap;
    }
    memset(c->set, 0, cap * sizeof *c->set);
    c->setcap = cap; /* probe only the part we cleared */
    return 0;
}

/* Inserts h; true when it was already there. 0 marks empty slots. */
static bool set_seen(ts_clean *c, uint64_t h)
{
    if (!h)
        h = 1;
    size_t m = c->setcap - 1;
    for (size_t i = (size_t)h & m;; i = (i + 1) & m) {
        if (c->set[i] == h)
            return true;
        if (!c->set[i]) {
            c->set[i] = h;
            return false;
        }
    }
}

double ts_clean_dup_line_ratio(ts_clean *c, const char *s, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    if (set_reset(c, lines))
        return -1;
    size_t total = 0, dup = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        size_t a = i, b = e;
        while (a < b && is_space((unsigned char)s[a]))
            a++;
        while (b > a && is_space((unsigned char)s[b - 1]))
            b--;
        if (b > a) {
            total++;
            dup += set_seen(c, ts_hash64(s + a, b - a, 0x6c696e65));
        }
        i = e + 1;
    }
    return total ? (double)dup / (double)total : 0;
}

/* Hash of one word, ASCII-lowercased. */
static uint64_t word_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch += 32;
        h = (h ^ ch) * 0x100000001b3ull;
    }
    return h;
}

double ts_clean_dup_ngram_ratio(ts_clean *c, const char *s, size_t n, unsigned ngram)
{
    if (ngram == 0)
        ngram = 1;
    size_t nw = 0;
    for (size_t i = 0; i < n; i++)
        nw += !is_space((unsigned char)s[i]) && (i == 0 || is_space((unsigned char)s[i - 1]));
    if (nw < ngram)
        return 0;
    uint64_t *w = malloc(nw * sizeof *w);
    if (!w || set_reset(c, nw - ngram + 1)) {
        free(w);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && is_space((unsigned char)s[i]))
            i++;
        size_t b = i;
        while (i < n && !is_space((unsigned char)s[i]))
            i++;
        if (i > b)
            w[k++] = word_hash(s + b, i - b);
    }
    size_t total = nw - ngram + 1, dup = 0;
    for (size_t i = 0; i < total; i++)
        dup += set_seen(c, ts_hash64(w + i, ngram * sizeof *w, 0x6e6772616d));
    free(w);
    return (double)dup / (double)total;
}

size_t ts_clean_longest_run(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t best = 0, run = 0;
    long prev = -2;
    for (size_t i = 0; i < n;) {
        size_t len;
        long cp = utf8_next(u + i, n - i, &len);
        /* Whitespace runs are indentation and layout, not degeneration. */
        if (cp >= 0 && cp < 0x80 && is_space((unsigned char)cp)) {
            run = 0;
            prev = -2;
        } else {
            run = cp == prev ? run + 1 : 1;
            prev = cp;
            if (run > best)
                best = run;
        }
        i += len;
    }
    return best;
}

/* cp1252's printable characters in 0x80..0x9F: what the second byte of a
 * UTF-8 sequence becomes when the text was decoded as Windows-1252. */
static bool cp1252_high(long cp)
{
    static const long t[] = {0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
                             0x0160, 0x2039, 0x0152, 0x017D, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                             0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x017E, 0x0178};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i] == cp)
            return true;
    return false;
}

static bool continuation_like(long cp) { return (cp >= 0x80 && cp <= 0xBF) || cp1252_high(cp); }

size_t ts_clean_bad_chars(const char *s, size_t n, size_t *nchars)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = 0, total = 0;
    long prev = -2, prev2 = -2;
    for (size_t i = 0; i < n;) {
        size_t len;
        long cp = utf8_next(u + i, n - i, &len);
        total++;
        bool isbad = cp < 0 || (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) ||
                     cp == 0xFFFD;
        if (isbad) {
            bad++;
        } else if ((prev == 0xC2 || prev == 0xC3) && continuation_like(cp)) {
            bad += 2; /* "Ã©": é (C3 A9) read as Latin-1 */
            cp = -2;  /* consumed: not the lead of another pair */
        } else if (prev2 == 0xE2 && prev == 0x20AC) {
            bad += 3; /* "â€™": a UTF-8 punctuation mark read as cp1252 */
            cp = -2;
        }
        prev2 = prev;
        prev = cp;
        i += len;
    }
    *nchars = total;
    return bad;
}

int cl_lower(ts_buf *b, const char *s, size_t n)
{
    b->len = 0;
    if (ts_buf_reserve(b, n + 1))
        return TS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
            ch = '\'';
            i += 2;
        } else if (ch >= 'A' && ch <= 'Z') {
            ch += 32;
        }
        b->data[b->len++] = (char)ch;
    }
    return 0;
}

int ts_clean_has_disclaimer(ts_clean *c, const char *s, size_t n)
{
    ts_buf *b = &c->low;
    if (cl_lower(b, s, n))
        return -1;
    for (size_t p = 0; p < c->nphrases; p++) {
        size_t m = c->plen[p];
        if (m == 0 || m > b->len)
            continue;
        for (size_t i = 0; i + m <= b->len; i++)
            if (b->data[i] == c->phrases[p][0] && !memcmp(b->data + i, c->phrases[p], m))
                return 1;
    }
    return 0;
}
