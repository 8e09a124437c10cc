/* Parsing the kwk judge's and question writer's replies (tuneset/kwk.h). */
#include <ctype.h>
#include <string.h>

#include "judge_int.h"
#include "tuneset/kwk.h"

/* A yes/no word at the start of p[0..n) (after marks, quotes, brackets). */
static int yesno_word(const char *p, size_t n)
{
    static const char *const no[] = {"incorrect", "not correct", "wrong", "false", "no", "inaccurate", NULL};
    static const char *const yes[] = {"correct", "right", "true", "yes", "accurate", NULL};
    while (n && strchr(" \t*_[(\"'`:", *p))
        p++, n--;
    for (int pass = 0; pass < 2; pass++) {
        const char *const *w = pass ? yes : no;
        for (int i = 0; w[i]; i++) {
            size_t k = strlen(w[i]);
            if (n >= k && jt_find(p, k, w[i]) == p && (n == k || jt_boundary(p[k])))
                return pass;
        }
    }
    return -1;
}

static int yesno_json(const ts_json *v)
{
    if (ts_json_is(v, TS_JSON_TRUE))
        return 1;
    if (ts_json_is(v, TS_JSON_FALSE))
        return 0;
    if (ts_json_is(v, TS_JSON_STRING))
        return yesno_word(v->u.s, v->len);
    return -1;
}

/* The value after the last "label:" in the text, read by fn. */
static int labelled(const char *text, size_t len, const char *const *labels,
                    int (*fn)(const char *, size_t), int none)
{
    const char *end = text + len;
    int last = none;
    for (int i = 0; labels[i]; i++)
        for (const char *s = text; (s = jt_find(s, (size_t)(end - s), labels[i]));) {
            const char *q = s + strlen(labels[i]);
            bool word = s == text || jt_boundary(s[-1]);
            s = q;
            while (q < end && strchr(" *_", *q))
                q++;
            if (!word || q >= end || *q != ':')
                continue;
            /* A value is a word or two: looking 64 bytes ahead keeps many
             * labels on one long line linear. */
            size_t span = (size_t)(end - q) < 64 ? (size_t)(end - q) : 64;
            const char *nl = memchr(q, '\n', span);
            int v = fn(q + 1, (size_t)((nl ? nl : q + span) - q - 1));
            if (v != none)
                last = v;
        }
    return last;
}

static int bracketed(const char *text, size_t len, int (*fn)(const char *, size_t), int none)
{
    const char *end = text + len;
    int last = none;
    for (const char *s = text; (s = jt_find(s, (size_t)(end - s), "[["));) {
        const char *c = jt_find(s + 2, (size_t)(end - s - 2), "]]");
        if (!c)
            break;
        int v = fn(s + 2, (size_t)(c - s - 2));
        if (v != none)
            last = v;
        s = c + 2;
    }
    return last;
}

int ts_kwk_parse_yesno(const char *text, size_t len, ts_arena *a)
{
    if (!text || !len)
        return -1;
    static const char *const keys[] = {"correct", "is_correct", "verdict", "answer", "judgement",
                                       "judgment", "correctness", NULL};
    const ts_json *j = jt_json(text, len, a);
    if (j) {
        int v = yesno_json(jt_get(j, keys));
        if (v >= 0)
            return v;
    }
    int v = bracketed(text, len, yesno_word, -1);
    if (v >= 0)
        return v;
    static const char *const labels[] = {"correct", "correctness", "verdict", "judgement",
                                         "judgment", "final answer", "answer", NULL};
    if ((v = labelled(text, len, labels, yesno_word, -1)) >= 0)
        return v;
    return yesno_word(text, len);
}

static int score_word(const char *p, size_t n)
{
    while (n && strchr(" \t*_\"'`", *p))
        p++, n--;
    int v = jt_int_at(p, p + n, 5);
    if (v)
        return v;
    int yn = yesno_word(p, n);
    return yn < 0 ? 0 : yn ? 5 : 1;
}

int ts_kwk_parse_score(const char *text, size_t len, ts_arena *a)
{
    if (!text || !len)
        return 0;
    static const char *const keys[] = {"score", "informativeness", "informative", "rating", NULL};
    const ts_json *j = jt_json(text, len, a);
    const ts_json *s = jt_get(j, keys);
    if (s) {
        int v = jt_json_int(s, 5);
        if (!v && (s->type == TS_JSON_TRUE || s->type == TS_JSON_FALSE))
            v = s->type == TS_JSON_TRUE ? 5 : 1;
        if (!v && s->type == TS_JSON_STRING)
            v = score_word(s->u.s, s->len);
        if (v)
            return v;
    }
    int v = bracketed(text, len, score_word, 0);
    if (v)
        return v;
    static const char *const labels[] = {"informativeness", "informative", "score", "rating", NULL};
    if ((v = labelled(text, len, labels, score_word, 0)))
        return v;
    /* A bare answer: "4", "4/5", "Yes." — but not prose that merely starts
     * with a number. */
    const char *p = text;
    size_t n = len;
    jt_trim(&p, &n);
    return n <= 8 ? score_word(p, n) : 0;
}

int ts_kwk_parse_question(const char *text, size_t len, ts_arena *a, const char **q, size_t *qlen)
{
    if (!text)
        return TS_ESCHEMA;
    static const char *const keys[] = {"question", NULL};
    const char *s = text;
    size_t n = len;
    const ts_json *j = memchr(text, '{', len) ? jt_json(text, len, a) : NULL;
    const ts_json *jq = jt_get(j, keys);
    if (ts_json_is(jq, TS_JSON_STRING)) {
        s = jq->u.s;
        n = jq->len;
    } else {
        const char *end = text + len;
        const char *l = jt_find(text, len, "question:");
        if (!l)
            l = jt_find(text, len, "q:");
        if (l && (l == text || jt_boundary(l[-1]))) {
            s = memchr(l, ':', (size_t)(end - l)) + 1;
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            /* The question may sit on the line after its label. */
            if (nl && !jt_find(s, (size_t)(nl - s), "?")) {
                const char *nl2 = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
                nl = nl2;
            }
            n = (size_t)((nl ? nl : end) - s);
        }
    }
    jt_trim(&s, &n);
    while (n && strchr("'`", *s))
        s++, n--;
    while (n && strchr("'`", s[n - 1]))
        n--;
    if (!n || n > 2000 || !memchr(s, '?', n))
        return TS_ESCHEMA;
    *q = s;
    *qlen = n;
    return 0;
}
