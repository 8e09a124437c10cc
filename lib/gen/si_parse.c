/* Self-Instruct: the reply parser and Alpaca's filters. */
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "tuneset/gen.h"
#include "si_int.h"

static bool ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static void trim(const char **s, size_t *n)
{
    while (*n && ascii_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && ascii_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static bool ieq(const char *a, size_t n, const char *b)
{
    size_t bn = strlen(b);
    if (n != bn)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return false;
    }
    return true;
}

typedef struct marker {
    size_t start, end; /* of "K. Label:" */
    int label;         /* 0 instruction, 1 input, 2 output */
} marker;

/* Finds "K." (not preceded by a digit) + whitespace + a label + ':'. */
static size_t find_markers(const char *s, size_t n, unsigned num, const ts_si_labels *lb, marker *m,
                           size_t cap)
{
    char key[24];
    int kl = snprintf(key, sizeof key, "%u.", num);
    const char *labels[3] = {lb->instruction, lb->input, lb->output};
    size_t count = 0;
    for (size_t i = 0; i + (size_t)kl <= n; i++) {
        if (memcmp(s + i, key, (size_t)kl) || (i && s[i - 1] >= '0' && s[i - 1] <= '9'))
            continue;
        size_t j = i + (size_t)kl, ws = j;
        while (j < n && ascii_space((unsigned char)s[j]))
            j++;
        if (j == ws)
            continue;
        for (int l = 0; l < 3; l++) {
            size_t ll = strlen(labels[l]);
            if (j + ll < n && !memcmp(s + j, labels[l], ll) && s[j + ll] == ':') {
                if (count < cap)
                    m[count] = (marker){i, j + ll + 1, l};
                count++;
                i = j + ll;
                break;
            }
        }
    }
    return count;
}

int ts_si_parse(const char *reply, size_t len, bool cut_by_length, size_t n_prompt,
                const ts_si_labels *lbin, ts_arena *a, ts_si_item **items, size_t *n)
{
    ts_si_labels lb;
    si_labels(lbin, &lb);
    *items = NULL;
    *n = 0;
    /* The prompt ended with "N+1. Instruction:"; the reply continues it.
     * Chat models often restart the block instead ("###\nN+1.
     * Instruction: ..."): then the reply already has its head. */
    char head[160];
    int hl = snprintf(head, sizeof head, "%u. %.100s:", (unsigned)(n_prompt + 1), lb.instruction);
    {
        size_t i = 0;
        while (i < len && ascii_space((unsigned char)reply[i]))
            i++;
        if (i + 3 <= len && !memcmp(reply + i, "###", 3))
            for (i += 3; i < len && ascii_space((unsigned char)reply[i]);)
                i++;
        marker m;
        if (find_markers(reply + i, len - i, (unsigned)(n_prompt + 1), &lb, &m, 1) && m.start == 0 &&
            m.label == 0) {
            reply += i;
            len -= i;
            hl = 0;
        }
    }
    size_t tl = (size_t)hl + len;
    char *text = ts_arena_alloc(a, tl + 1);
    if (!text)
        return TS_ENOMEM;
    memcpy(text, head, (size_t)hl);
    if (len)
        memcpy(text + hl, reply, len);
    text[tl] = 0;
    size_t nblocks = 1;
    for (size_t i = 0; i + 3 <= tl; i++)
        if (!memcmp(text + i, "###", 3)) {
            nblocks++;
            i += 2;
        }
    ts_si_item *out = ts_arena_alloc(a, nblocks * sizeof *out);
    if (!out)
        return TS_ENOMEM;
    size_t b0 = 0, k = 0;
    for (size_t blk = 0; blk < nblocks; blk++) {
        const char *hash = blk + 1 < nblocks ? strstr(text + b0, "###") : NULL;
        size_t b1 = hash ? (size_t)(hash - text) : tl;
        const char *s = text + b0;
        size_t sn = b1 - b0;
        b0 = hash ? b1 + 3 : tl;
        const char *ts = s;
        size_t tn = sn;
        trim(&ts, &tn);
        if (!tn)
            continue;
        ts_si_item *it = &out[k++];
        memset(it, 0, sizeof *it);
        if (blk == nblocks - 1 && cut_by_length) {
            it->drop = "si_cut_by_length";
            continue;
        }
        marker m[4];
        size_t nm = find_markers(s, sn, (unsigned)(n_prompt + 1 + blk), &lb, m, 4);
        if (nm != 3 || m[0].label != 0 || m[1].label != 1 || m[2].label != 2) {
            it->drop = "si_malformed";
            continue;
        }
        const char *p[3];
        size_t pn[3];
        for (int f = 0; f < 3; f++) {
            p[f] = s + m[f].end;
            pn[f] = (f < 2 ? m[f + 1].start : sn) - m[f].end;
            trim(&p[f], &pn[f]);
        }
        it->t.instruction = p[0];
        it->t.instruction_len = pn[0];
        if (ieq(p[1], pn[1], lb.noinput)) {
            it->t.input = p[1];
            it->t.input_len = 0;
        } else {
            it->t.input = p[1];
            it->t.input_len = pn[1];
        }
        it->t.output = p[2];
        it->t.output_len = pn[2];
    }
    *items = out;
    *n = k;
    return 0;
}

/* --- filters ------------------------------------------------------------ */

/* Python's str.isspace() set, so word counts match len(s.split()). */
static bool uni_space(int32_t c)
{
    return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
           c == 0x3000;
}

/* Decodes one code point; invalid bytes read as U+FFFD, one byte long. */
static size_t next_cp(const char *s, size_t n, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
    if (k <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return (size_t)k;
}

size_t ts_si_words(const char *s, size_t n)
{
    size_t words = 0, i = 0;
    bool in = false;
    while (i < n) {
        int32_t c;
        i += next_cp(s + i, n - i, &c);
        bool sp = uni_space(c);
        if (!sp && !in)
            words++;
        in = !sp;
    }
    return words;
}

static bool word_cp(int32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    utf8proc_category_t cat = utf8proc_category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* The code point ending just before s[i] (i > 0). */
static int32_t prev_cp(const char *s, size_t i)
{
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    int32_t c;
    next_cp(s + j, i - j, &c);
    return c;
}

bool ts_si_has_word(const char *s, size_t n, const char *word)
{
    size_t wl = strlen(word);
    if (!wl || wl > n)
        return false;
    int32_t wfirst, wlast;
    next_cp(word, wl, &wfirst);
    wlast = prev_cp(word, wl);
    for (size_t i = 0; i + wl <= n; i++) {
        if (!ieq(s + i, wl, word))
            continue;
        /* \b: a boundary only matters next to the word's own word chars. */
        if (word_cp(wfirst) && i && word_cp(prev_cp(s, i)))
            continue;
        int32_t after = 0;
        if (i + wl < n)
            next_cp(s + i + wl, n - i - wl, &after);
        if (word_cp(wlast) && i + wl < n && word_cp(after))
            continue;
        return true;
    }
    return false;
}

static const char *const default_blacklist[] = {
    "image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps",
    "draw", "plot", "go to", "video", "audio", "music", "flowchart", "diagram", NULL};

static bool ascii_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

const char *ts_si_check(const ts_si_task *t, const ts_si_filter *f)
{
    static const ts_si_filter none;
    if (!f)
        f = &none;
    unsigned minw = f->min_words ? f->min_words : 4, maxw = f->max_words ? f->max_words : 150;
    const char *s = t->instruction;
    size_t n = t->instruction_len;
    size_t w = ts_si_words(s, n);
    if (w < minw)
        return "si_too_short";
    if (w > maxw)
        return "si_too_long";
    if (!f->no_default_blacklist)
        for (const char *const *b = default_blacklist; *b; b++)
            if (ts_si_has_word(s, n, *b))
                return "si_blacklist";
    if (f->extra_blacklist)
        for (const char *const *b = f->extra_blacklist; *b; b++)
            if (ts_si_has_word(s, n, *b))
                return "si_blacklist";
    if (n >= 15 && !memcmp(s, "Write a program", 15))
        return "si_write_a_program";
    unsigned char c0 = (unsigned char)s[0];
    if (c0 < 0x80 && ascii_punct(c0))
        return "si_punctuation_start";
    if (c0 >= 0x80) {
        if (!f->allow_non_ascii)
            return "si_non_ascii_start";
        int32_t cp;
        next_cp(s, n, &cp);
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO)
            return "si_punctuation_start"; /* punctuation and symbols: 「, “, → ... */
    }
    if (!t->output_len)
        return "si_empty_output";
    return NULL;
}
