/* Parsing the critique step's replies (UltraFeedback's critique: feedback
 * on one response and an overall score of 1 to 10). */
#include <ctype.h>
#include <string.h>

#include "judge_int.h"
#include "tuneset/feedback.h"

/* A 1..10 score, halves allowed, at p (after marks and brackets):
 * "7", "7.5", "**8** of 10", "[[9]]"; 0 when there is none. */
static double score_at(const char *p, const char *end)
{
    while (p < end && strchr(" \t*_[(:=\"'", *p))
        p++;
    if (p >= end || !isdigit((unsigned char)*p))
        return 0;
    int v = 0;
    const char *q = p;
    while (q < end && isdigit((unsigned char)*q) && q - p < 3)
        v = v * 10 + (*q++ - '0');
    if (q < end && isdigit((unsigned char)*q))
        return 0;
    double d = v;
    if (q + 1 < end && *q == '.' && isdigit((unsigned char)q[1])) {
        int f = q[1] - '0';
        if (f != 0 && f != 5)
            return 0;
        d += f / 10.0;
        q += 2;
        if (q < end && isdigit((unsigned char)*q) && *q != '0')
            return 0;
    }
    return d >= 1 && d <= 10 ? d : 0;
}

static double json_score(const ts_json *v)
{
    if (!v || (v->type != TS_JSON_NUMBER && v->type != TS_JSON_STRING))
        return 0;
    return score_at(v->u.s, v->u.s + v->len);
}

/* Drops a leading "Feedback:" / "Critique:" label. */
static void drop_label(const char **s, size_t *n)
{
    static const char *const labels[] = {"feedback", "critique", NULL};
    jt_trim(s, n);
    for (int i = 0; labels[i]; i++) {
        size_t k = strlen(labels[i]);
        if (*n > k && jt_find(*s, k, labels[i]) == *s) {
            const char *q = *s + k;
            while (q < *s + *n && strchr(" *_", *q))
                q++;
            if (q < *s + *n && *q == ':') {
                *n -= (size_t)(q + 1 - *s);
                *s = q + 1;
                jt_trim(s, n);
            }
            return;
        }
    }
}

int ts_fb_parse_critique(const char *text, size_t len, ts_arena *a, double *score,
                         const char **critique, size_t *clen)
{
    static const char *const K_CRIT[] = {"critique", "feedback", NULL};
    static const char *const K_SCORE[] = {"overall_score", "overall score", "score", "rating", NULL};
    if (!text || !len)
        return TS_ESCHEMA;
    const ts_json *j = memchr(text, '{', len) ? jt_json(text, len, a) : NULL;
    const ts_json *c = jt_get(j, K_CRIT);
    double sc = json_score(jt_get(j, K_SCORE));
    if (ts_json_is(c, TS_JSON_STRING) && c->len && sc) {
        *score = sc;
        *critique = c->u.s;
        *clen = c->len;
        return 0;
    }
    /* Text: the last "overall score" label, else the last "score" label. */
    const char *end = text + len, *at = NULL;
    sc = 0;
    static const char *const labels[] = {"overall score", "score", NULL};
    for (int i = 0; labels[i] && !sc; i++)
        for (const char *s = text; (s = jt_find(s, (size_t)(end - s), labels[i]));) {
            const char *q = s + strlen(labels[i]);
            bool word = (s == text || jt_boundary(s[-1])) && (q == end || jt_boundary(*q));
            const char *label = s;
            s = q;
            while (q < end && strchr(" *_", *q))
                q++;
            if (!word || q >= end || (*q != ':' && *q != '['))
                continue;
            double v = score_at(q, end < q + 32 ? end : q + 32);
            if (v) {
                sc = v;
                at = label;
            }
        }
    if (!sc)
        return TS_ESCHEMA;
    /* The feedback is what precedes the score's line. */
    const char *ls = at;
    while (ls > text && ls[-1] != '\n')
        ls--;
    const char *s = text;
    size_t n = (size_t)(ls - text);
    drop_label(&s, &n);
    if (!n)
        return TS_ESCHEMA;
    *score = sc;
    *critique = s;
    *clen = n;
    return 0;
}
