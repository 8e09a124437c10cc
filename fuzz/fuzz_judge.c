/* libFuzzer target: the judge-reply parsers of gen feedback and gen kwk,
 * and the kwk chunker. Any reply must parse or fail cleanly; what parses
 * must be in range and point inside the reply or the arena (ratings,
 * verdicts, yes/no, scores, questions, critiques). The first
 * byte picks how many texts the rating parser expects. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/feedback.h"
#include "tuneset/kwk.h"

static void in_reply(const char *p, size_t n, const char *s, size_t len, ts_arena *a)
{
    (void)a;
    if (!s && len)
        abort();
    /* Either a slice of the reply or a decoded copy: readable either way. */
    volatile char sink = 0;
    for (size_t i = 0; i < len; i++)
        sink ^= s[i];
    (void)sink;
    (void)p;
    (void)n;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!size)
        return 0;
    size_t n = (size_t)(data[0] % 8) + 1;
    const char *p = (const char *)data + 1;
    size_t len = size - 1;
    ts_arena a;
    ts_arena_init(&a);
    ts_fb_rating r[8];
    size_t got = ts_fb_parse_ratings(p, len, n, r, &a);
    if (got > n)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (r[i].rating < 0 || r[i].rating > 5)
            abort();
        in_reply(p, len, r[i].rationale, r[i].rationale_len, &a);
    }
    ts_fb_verdict v = ts_fb_parse_verdict(p, len, &a);
    if (v > TS_FB_TIE)
        abort();
    int yn = ts_kwk_parse_yesno(p, len, &a);
    if (yn < -1 || yn > 1)
        abort();
    int sc = ts_kwk_parse_score(p, len, &a);
    if (sc < 0 || sc > 5)
        abort();
    const char *q;
    size_t qn;
    if (!ts_kwk_parse_question(p, len, &a, &q, &qn)) {
        if (!qn || qn > 2000 || !memchr(q, '?', qn))
            abort();
        in_reply(p, len, q, qn, &a);
    }
    double overall;
    const char *crit;
    size_t cn;
    if (!ts_fb_parse_critique(p, len, &a, &overall, &crit, &cn)) {
        if (!(overall >= 1 && overall <= 10) || !cn)
            abort();
        in_reply(p, len, crit, cn, &a);
    }
    size_t pos = 0, cl, total = 0;
    const char *c;
    while (ts_kwk_next_chunk(p, len, &pos, n * 7, &c, &cl)) {
        if (c < p || c + cl > p + len || ts_kwk_chars(c, cl) > n * 7 || pos > len)
            abort();
        if (++total > len + 1)
            abort(); /* no progress */
    }
    ts_arena_release(&a);
    return 0;
}
