/* kwk's pure parts: chunking a corpus text into snippets, the seeded
 * bottom-k snippet sample, and the threshold decision (tuneset/kwk.h). */
#include <stdlib.h>
#include <string.h>

#include "tuneset/kwk.h"

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t ts_kwk_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += !is_cont((unsigned char)s[i]);
    return c;
}

static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ts_kwk_next_chunk(const char *text, size_t len, size_t *pos, size_t max_chars,
                       const char **chunk, size_t *clen)
{
    size_t p = *pos;
    while (p < len && space(text[p]))
        p++;
    if (p >= len || !max_chars) {
        *pos = len;
        return false;
    }
    /* Byte offset of the end of max_chars code points. */
    size_t e = p, chars = 0;
    while (e < len && chars < max_chars) {
        e++;
        while (e < len && is_cont((unsigned char)text[e]))
            e++;
        chars++;
    }
    size_t cut = e;
    if (e < len) {
        /* Break in the last fifth: a paragraph, else a sentence end, else a space. */
        size_t lo = p + (e - p) * 4 / 5, para = 0, sent = 0, sp = 0;
        for (size_t i = e; i > lo; i--) {
            char c = text[i - 1];
            if (!para && c == '\n' && i >= 2 && text[i - 2] == '\n')
                para = i;
            if (!sent && space(c) && i >= 2 && strchr(".!?", text[i - 2]))
                sent = i;
            if (!sp && space(c))
                sp = i;
        }
        cut = para ? para : sent ? sent : sp ? sp : e;
    }
    size_t end = cut;
    while (end > p && space(text[end - 1]))
        end--;
    *chunk = text + p;
    *clen = end - p;
    *pos = cut;
    return true;
}

uint64_t ts_kwk_mix(uint64_t seed, uint64_t n)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull * (n + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int ts_kwk_sampler_init(ts_kwk_sampler *s, size_t k, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    s->seed = seed;
    if (k && !(s->heap = calloc(k, sizeof *s->heap)))
        return TS_ENOMEM;
    return 0;
}

/* Max-heap order: larger priority first; equal priorities by index so the
 * sample is a function of (seed, indexes) alone. */
static bool above(const ts_kwk_pick *x, const ts_kwk_pick *y)
{
    return x->prio != y->prio ? x->prio > y->prio : x->index > y->index;
}

static void sift_down(ts_kwk_pick *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && above(&h[l], &h[m]))
            m = l;
        if (r < n && above(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        ts_kwk_pick t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

void *ts_kwk_sampler_offer(ts_kwk_sampler *s, uint64_t index, void *payload, bool *kept)
{
    ts_kwk_pick x = {ts_kwk_mix(s->seed, index), index, payload};
    *kept = false;
    if (!s->k)
        return payload;
    if (s->n < s->k) {
        size_t i = s->n++;
        s->heap[i] = x;
        while (i && above(&s->heap[i], &s->heap[(i - 1) / 2])) {
            ts_kwk_pick t = s->heap[i];
            s->heap[i] = s->heap[(i - 1) / 2];
            s->heap[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        *kept = true;
        return NULL;
    }
    if (!above(&s->heap[0], &x))
        return payload;
    void *out = s->heap[0].payload;
    s->heap[0] = x;
    sift_down(s->heap, s->n, 0);
    *kept = true;
    return out;
}

static int by_index(const void *a, const void *b)
{
    const ts_kwk_pick *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

ts_kwk_pick *ts_kwk_sampler_sorted(ts_kwk_sampler *s, size_t *n)
{
    if (s->n)
        qsort(s->heap, s->n, sizeof *s->heap, by_index);
    *n = s->n;
    return s->heap;
}

void ts_kwk_sampler_release(ts_kwk_sampler *s)
{
    free(s->heap);
    memset(s, 0, sizeof *s);
}

void ts_kwk_thresholds_default(ts_kwk_thresholds *t)
{
    t->correct_share = 0.8;
    t->wrong_share = 0.8;
    t->informative_min = 3;
    t->min_judged = 0;
}

void ts_kwk_decide(const ts_kwk_answer *ans, size_t k, const ts_kwk_thresholds *t,
                   ts_kwk_decision *d)
{
    memset(d, 0, sizeof *d);
    d->best = -1;
    for (size_t i = 0; i < k; i++) {
        if (ans[i].correct < 0 || !ans[i].info)
            continue;
        d->judged++;
        if (ans[i].correct) {
            d->correct++;
            if (d->best < 0 || ans[i].info > ans[d->best].info)
                d->best = (int)i;
        } else {
            d->incorrect++;
            d->confident_wrong += ans[i].info >= t->informative_min;
        }
    }
    size_t need = t->min_judged ? t->min_judged : (k + 1) / 2;
    if (!d->judged || d->judged < need) {
        d->cls = TS_KWK_UNJUDGED;
        return;
    }
    d->share_correct = (double)d->correct / (double)d->judged;
    d->share_confident_wrong = (double)d->confident_wrong / (double)d->judged;
    /* Compared with a little slack so 4 of 5 meets 0.8 whatever the rounding. */
    if (d->share_correct + 1e-9 >= t->correct_share)
        d->cls = TS_KWK_CORRECT;
    else if (d->share_confident_wrong + 1e-9 >= t->wrong_share)
        d->cls = TS_KWK_WRONG;
    else
        d->cls = TS_KWK_MIXED;
}

const char *ts_kwk_class_name(ts_kwk_class c)
{
    static const char *const names[] = {"unjudged", "correct", "wrong", "mixed"};
    return (unsigned)c < 4 ? names[c] : "?";
}
