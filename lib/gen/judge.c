/* Parsing the feedback judge's replies: 1-5 ratings of n texts on one
 * aspect, and pairwise verdicts (tuneset/feedback.h says what is read).
 * Judges drift from the requested format, so each parser tries JSON
 * first, then the labelled-text forms UltraFeedback's and MT-Bench's
 * prompts produce. */
#include <ctype.h>
#include <string.h>

#include "judge_int.h"
#include "tuneset/feedback.h"

static const char *const K_RATING[] = {"rating", "score", NULL};
static const char *const K_RATIONALE[] = {"rationale", "explanation", "reason", "reasoning", NULL};
static const char *const K_INDEX[] = {"text", "index", "output", "id", "text_id", NULL};
static const char *const K_LIST[] = {"ratings", "results", "evaluations", "outputs", "texts", NULL};

/* The first number inside a string or number ("Text 2" -> 2); 0 = none. */
static size_t index_of(const char *s, size_t n)
{
    size_t i = 0, v = 0;
    while (i < n && !isdigit((unsigned char)s[i]))
        i++;
    if (i == n)
        return 0;
    while (i < n && isdigit((unsigned char)s[i]) && v < 100000)
        v = v * 10 + (size_t)(s[i++] - '0');
    return v;
}

static bool json_item(const ts_json *it, size_t pos, size_t n, ts_fb_rating *out)
{
    if (!ts_json_is(it, TS_JSON_OBJECT))
        return false;
    size_t k = pos;
    const ts_json *ix = jt_get(it, K_INDEX);
    if (ix && (ix->type == TS_JSON_NUMBER || ix->type == TS_JSON_STRING)) {
        size_t v = index_of(ix->u.s, ix->len);
        if (v)
            k = v;
    }
    int r = jt_json_int(jt_get(it, K_RATING), 5);
    if (!r || k < 1 || k > n || out[k - 1].rating)
        return false;
    out[k - 1].rating = r;
    const ts_json *why = jt_get(it, K_RATIONALE);
    if (ts_json_is(why, TS_JSON_STRING)) {
        out[k - 1].rationale = why->u.s;
        out[k - 1].rationale_len = why->len;
    }
    return true;
}

static size_t from_json(const ts_json *v, size_t n, ts_fb_rating *out)
{
    size_t got = 0;
    const ts_json *list = ts_json_is(v, TS_JSON_ARRAY) ? v : jt_get(v, K_LIST);
    if (ts_json_is(list, TS_JSON_ARRAY)) {
        for (uint32_t i = 0; i < list->len; i++)
            got += json_item(&list->u.items[i], i + 1, n, out);
        return got;
    }
    if (!ts_json_is(v, TS_JSON_OBJECT))
        return 0;
    if (jt_get(v, K_RATING))
        return n == 1 ? json_item(v, 1, n, out) : 0;
    /* {"1": {...}, "Text 2": {...}} */
    for (uint32_t i = 0; i < v->len; i++) {
        const ts_json *key = &v->u.items[2 * i];
        size_t k = index_of(key->u.s, key->len);
        if (k)
            got += json_item(&v->u.items[2 * i + 1], k, n, out);
    }
    return got;
}

/* --- text form -------------------------------------------------------- */

typedef struct {
    const char *p; /* section start (the header line) */
    size_t k;      /* 1-based text number */
} section;

enum { MAX_SECTIONS = 256 };

/* A header line names one text and says little else: "#### Output for
 * Text 2", "### Output 2:", "**Text 2**", "Text 2: Rating: 4" — but not
 * "Text 2 is better", which is prose. */
static size_t header_k(const char *line, const char *end)
{
    static const char *const words[] = {"output for text", "output", "text", "response", NULL};
    const char *p = jt_skip_marks(line, end);
    for (int w = 0; words[w]; w++) {
        size_t wl = strlen(words[w]);
        if ((size_t)(end - p) < wl || jt_find(p, wl, words[w]) != p)
            continue;
        const char *q = p + wl;
        while (q < end && (*q == ' ' || *q == '#' || *q == '*'))
            q++;
        if (q >= end || !isdigit((unsigned char)*q))
            return 0;
        size_t k = 0;
        while (q < end && isdigit((unsigned char)*q) && k < 100000)
            k = k * 10 + (size_t)(*q++ - '0');
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        return q == end || strchr(":*#).-", *q) ? k : 0;
    }
    return 0;
}

/* The rating in [p, end): "rating" as a word (not "ratings", not "For
 * Rating" as in "Rationale For Rating"), then ':', '=' or '[', then 1-5. */
static int rating_in(const char *p, const char *end, const char **at)
{
    const char *s = p;
    for (;;) {
        const char *r = jt_find(s, (size_t)(end - s), "rating");
        if (!r)
            return 0;
        s = r + 6;
        if ((r > p && !jt_boundary(r[-1])) || (s < end && !jt_boundary(*s)))
            continue;
        if (r - p >= 4 && jt_find(r - 4, 4, "for ") == r - 4)
            continue;
        const char *q = s;
        while (q < end && strchr(" *_", *q))
            q++;
        if (q >= end || !strchr(":=[", *q))
            continue;
        int v = jt_int_at(q, end, 5);
        if (v) {
            if (at)
                *at = r;
            return v;
        }
    }
}

/* "Rationale: ..." up to the next labelled line or the end of the section. */
static void rationale_in(const char *p, const char *end, ts_fb_rating *out)
{
    const char *r = jt_find(p, (size_t)(end - p), "rationale");
    while (r && ((r > p && !jt_boundary(r[-1])) || (r + 9 < end && !jt_boundary(r[9]) && r[9] != ':')))
        r = jt_find(r + 9, (size_t)(end - r - 9), "rationale");
    if (!r)
        return;
    const char *q = r + 9;
    while (q < end && strchr(" *_", *q))
        q++;
    if (q >= end || *q != ':')
        return;
    q++;
    const char *e = q;
    while (e < end) {
        const char *nl = memchr(e, '\n', (size_t)(end - e));
        if (!nl) {
            e = end;
            break;
        }
        const char *next = jt_skip_marks(nl + 1, end);
        size_t rest = (size_t)(end - next);
        if ((rest >= 6 && jt_find(next, 6, "rating")) || (rest >= 5 && jt_find(next, 5, "type:"))) {
            e = nl;
            break;
        }
        e = nl + 1;
    }
    size_t len = (size_t)(e - q);
    jt_trim(&q, &len);
    out->rationale = q;
    out->rationale_len = len;
}

static size_t from_text(const char *text, size_t len, size_t n, ts_fb_rating *out)
{
    const char *end = text + len;
    section sec[MAX_SECTIONS];
    size_t ns = 0;
    for (const char *line = text; line < end && ns < MAX_SECTIONS;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        size_t k = header_k(line, le);
        if (k)
            sec[ns++] = (section){line, k};
        line = nl ? nl + 1 : end;
    }
    size_t got = 0;
    if (ns) {
        for (size_t i = 0; i < ns; i++) {
            const char *se = i + 1 < ns ? sec[i + 1].p : end;
            size_t k = sec[i].k;
            if (k < 1 || k > n || out[k - 1].rating)
                continue;
            int v = rating_in(sec[i].p, se, NULL);
            if (!v)
                continue;
            out[k - 1].rating = v;
            rationale_in(sec[i].p, se, &out[k - 1]);
            got++;
        }
        return got;
    }
    /* No headers: exactly n ratings, in order. */
    const char *at[MAX_SECTIONS + 1];
    int val[MAX_SECTIONS + 1];
    size_t m = 0;
    for (const char *s = text; m <= MAX_SECTIONS;) {
        const char *r;
        int v = rating_in(s, end, &r);
        if (!v)
            break;
        at[m] = r;
        val[m++] = v;
        s = r + 6;
    }
    if (m != n)
        return 0;
    for (size_t i = 0; i < m; i++) {
        out[i].rating = val[i];
        /* A rationale may come before its rating (UltraFeedback's helpfulness
         * output) or after it: look from the previous rating to the next. */
        const char *from = i ? at[i - 1] + 6 : text, *to = i + 1 < m ? at[i + 1] : end;
        const char *after = jt_find(at[i], (size_t)(to - at[i]), "rationale");
        rationale_in(after ? at[i] : from, after ? to : at[i], &out[i]);
    }
    return m;
}

size_t ts_fb_parse_ratings(const char *text, size_t len, size_t n, ts_fb_rating *out, ts_arena *a)
{
    memset(out, 0, n * sizeof *out);
    if (!n || !text)
        return 0;
    const ts_json *v = jt_json(text, len, a);
    size_t got = v ? from_json(v, n, out) : 0;
    if (got)
        return got;
    memset(out, 0, n * sizeof *out);
    return from_text(text, len, n, out);
}

/* --- pairwise ------------------------------------------------------- */

/* A verdict word: "A", "B", "tie", "C" (MT-Bench's tie mark), "Output (a)",
 * "Response 1", "1", "2", "equal", "draw", "both". */
static ts_fb_verdict verdict_word(const char *p, size_t n)
{
    jt_trim(&p, &n);
    static const char *const skip[] = {"output", "response", "assistant", "text", NULL};
    for (int i = 0; skip[i]; i++) {
        size_t k = strlen(skip[i]);
        if (n >= k && jt_find(p, k, skip[i]) == p) {
            p += k;
            n -= k;
            break;
        }
    }
    while (n && strchr(" ([\"'", *p))
        p++, n--;
    static const char *const ties[] = {"tie", "equal", "draw", "both", "neither", NULL};
    for (int i = 0; ties[i]; i++) {
        size_t k = strlen(ties[i]);
        if (n >= k && jt_find(p, k, ties[i]) == p && (n == k || jt_boundary(p[k])))
            return TS_FB_TIE;
    }
    if (!n || (n > 1 && !jt_boundary(p[1])))
        return TS_FB_NONE;
    switch (tolower((unsigned char)*p)) {
    case 'a':
    case '1':
        return TS_FB_A;
    case 'b':
    case '2':
        return TS_FB_B;
    case 'c':
        return TS_FB_TIE;
    default:
        return TS_FB_NONE;
    }
}

ts_fb_verdict ts_fb_parse_verdict(const char *text, size_t len, ts_arena *a)
{
    if (!text)
        return TS_FB_NONE;
    const char *end = text + len;
    ts_fb_verdict last = TS_FB_NONE;
    for (const char *s = text; (s = jt_find(s, (size_t)(end - s), "[["));) {
        const char *c = jt_find(s + 2, (size_t)(end - s - 2), "]]");
        if (!c)
            break;
        ts_fb_verdict v = c - s - 2 <= 24 ? verdict_word(s + 2, (size_t)(c - s - 2)) : TS_FB_NONE;
        if (v)
            last = v;
        s = c + 2;
    }
    if (last)
        return last;
    static const char *const keys[] = {"winner", "verdict", "final_verdict", "better", "preferred",
                                       "choice", NULL};
    const ts_json *j = jt_json(text, len, a);
    const ts_json *w = jt_get(j, keys);
    if (w && (w->type == TS_JSON_STRING || w->type == TS_JSON_NUMBER))
        return verdict_word(w->u.s, w->len);
    /* "Winner: A" / "Final verdict: tie": the last labelled line decides. */
    for (int i = 0; keys[i]; i++)
        for (const char *s = text; (s = jt_find(s, (size_t)(end - s), keys[i]));) {
            const char *q = s + strlen(keys[i]);
            s = q;
            while (q < end && strchr(" *_", *q))
                q++;
            if (q >= end || *q != ':')
                continue;
            /* A value is a word or two: looking 64 bytes ahead keeps many
             * labels on one long line linear. */
            size_t span = (size_t)(end - q) < 64 ? (size_t)(end - q) : 64;
            const char *nl = memchr(q, '\n', span);
            ts_fb_verdict v = verdict_word(q + 1, (size_t)((nl ? nl : q + span) - q - 1));
            if (v)
                last = v;
        }
    if (last)
        return last;
    return len <= 12 ? verdict_word(text, len) : TS_FB_NONE;
}

ts_fb_verdict ts_fb_consistent(ts_fb_verdict ab, ts_fb_verdict ba)
{
    if (ab == TS_FB_A && ba == TS_FB_B)
        return TS_FB_A;
    if (ab == TS_FB_B && ba == TS_FB_A)
        return TS_FB_B;
    if (ab == TS_FB_TIE && ba == TS_FB_TIE)
        return TS_FB_TIE;
    return TS_FB_NONE;
}
