/* tuneset clean: normalize the turns of a record, then run the filters in
 * a fixed order; the first that fails names the drop rule. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "../formats/html_md.h"
#include "clean_int.h"
#include "tuneset/error.h"
#include "tuneset/record.h"
#include "tuneset/tokenizer.h"

const char *const ts_clean_default_disclaimers[] = {
    "As an AI language model",
    "As an AI assistant",
    "As an AI model",
    "As a language model",
    "As a large language model",
    "I'm sorry, but I cannot",
    "I'm sorry, but I can't",
    "I'm sorry, but as an AI",
    "I cannot fulfill",
    "I can't fulfill",
    "I am not able to provide",
    "I'm not able to provide",
    "I'm unable to provide",
    "OpenAI's guidelines",
    "OpenAI's content policy",
    "OpenAI's use case policy",
    "my programming prohibits",
    "it is not appropriate for me to",
    NULL,
};

void ts_clean_opts_default(ts_clean_opts *o)
{
    memset(o, 0, sizeof *o);
    o->structure = true;
    o->max_dup_line_ratio = -1;
    o->max_dup_ngram_ratio = -1;
    o->max_bad_char_ratio = -1;
}

int ts_clean_new(ts_clean **out, const ts_clean_opts *o)
{
    *out = NULL;
    if (!o->tokenizer && (o->min_turn_tokens || o->max_turn_tokens || o->min_tokens || o->max_tokens))
        return TS_EINVAL;
    ts_clean *c = calloc(1, sizeof *c);
    if (!c)
        return TS_ENOMEM;
    c->o = *o;
    ts_buf_init(&c->low, 0);
    const char *const *ph = o->disclaimers ? o->disclaimers : ts_clean_default_disclaimers;
    size_t n = 0;
    while (ph[n])
        n++;
    c->phrases = calloc(n + 1, sizeof *c->phrases);
    c->plen = calloc(n + 1, sizeof *c->plen);
    if (!c->phrases || !c->plen) {
        ts_clean_free(c);
        return TS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (cl_lower(&c->low, ph[i], strlen(ph[i])) || !(c->phrases[i] = malloc(c->low.len + 1))) {
            ts_clean_free(c);
            return TS_ENOMEM;
        }
        memcpy(c->phrases[i], c->low.data, c->low.len);
        c->phrases[i][c->low.len] = 0;
        c->plen[i] = c->low.len;
        c->nphrases = i + 1;
    }
    c->o.disclaimers = NULL; /* the caller's list may go away */
    *out = c;
    return 0;
}

void ts_clean_free(ts_clean *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nphrases; i++)
        free(c->phrases[i]);
    free(c->phrases);
    free(c->plen);
    free(c->set);
    free(c->turns);
    ts_buf_release(&c->low);
    free(c);
}

static bool is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static ts_json *member(ts_json *rec, const char *key) { return (ts_json *)ts_json_get(rec, key); }

/* The converter reads any '<' + letter as a tag, which would mangle plain
 * text like "for (i=0; i<n; i++)": convert only text that holds a closing
 * tag or a <br>/<hr>, which real HTML turns always have. */
static bool looks_html(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] != '<')
            continue;
        unsigned char a = (unsigned char)(s[i + 1] | 0x20), b = (unsigned char)(s[i + 2] | 0x20);
        if (s[i + 1] == '/' && b >= 'a' && b <= 'z')
            return true;
        if ((a == 'b' || a == 'h') && b == 'r' && i + 3 < n && (s[i + 3] == '>' || s[i + 3] == '/' || s[i + 3] == ' '))
            return true;
    }
    return false;
}

static bool ascii_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static int normalize(ts_clean *c, ts_json *s, ts_arena *a, unsigned *edits)
{
    if (!ts_json_is(s, TS_JSON_STRING))
        return 0;
    if (c->o.html_to_md && looks_html(s->u.s, s->len)) {
        const char *md;
        size_t len;
        int rc = fmt_html_to_md(a, s->u.s, s->len, &md, &len);
        if (rc)
            return rc;
        if (len != s->len || memcmp(md, s->u.s, len)) {
            s->u.s = md;
            s->len = (uint32_t)len;
            s->flags &= (uint8_t)~TS_JSON_PLAIN; /* new text may need escapes */
            *edits |= TS_CLEAN_EDIT_HTML;
        }
    }
    if (c->o.nfc && !ascii_only(s->u.s, s->len)) { /* ASCII is already NFC */
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s->u.s, (utf8proc_ssize_t)s->len, &nfc,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n < 0)
            return n == UTF8PROC_ERROR_NOMEM ? TS_ENOMEM : 0; /* input was validated UTF-8 */
        if ((size_t)n != s->len || memcmp(nfc, s->u.s, (size_t)n)) {
            char *d = ts_arena_dup(a, nfc, (size_t)n);
            if (!d) {
                free(nfc);
                return TS_ENOMEM;
            }
            s->u.s = d;
            s->len = (uint32_t)n;
            *edits |= TS_CLEAN_EDIT_NFC;
        }
        free(nfc);
    }
    if (c->o.trim) {
        size_t b = 0, e = s->len;
        while (b < e && is_space((unsigned char)s->u.s[b]))
            b++;
        while (e > b && is_space((unsigned char)s->u.s[e - 1]))
            e--;
        if (b || e != s->len) {
            s->u.s += b; /* a substring of a plain string stays plain */
            s->len = (uint32_t)(e - b);
            *edits |= TS_CLEAN_EDIT_TRIM;
        }
    }
    return 0;
}

static int normalize_arr(ts_clean *c, ts_json *arr, ts_arena *a, unsigned *edits)
{
    if (!ts_json_is(arr, TS_JSON_ARRAY))
        return 0;
    for (uint32_t i = 0; i < arr->len; i++) {
        int rc = normalize(c, member(&arr->u.items[i], "content"), a, edits);
        if (rc)
            return rc;
    }
    return 0;
}

static bool blank(const ts_json *s)
{
    for (uint32_t i = 0; i < s->len; i++)
        if (!is_space((unsigned char)s->u.s[i]))
            return false;
    return true;
}

static bool role_is(const ts_json *role, const char *name) { return role && ts_json_str_eq(role, name); }

/* Structure of one sequence: pre (the prompt, may be NULL) then arr. */
static const char *structure(const ts_clean *c, const ts_json *pre, const ts_json *arr, bool final)
{
    const ts_json *prev = NULL;
    const ts_json *seq[2] = {pre, arr};
    for (int k = 0; k < 2; k++) {
        if (!ts_json_is(seq[k], TS_JSON_ARRAY))
            continue;
        for (uint32_t i = 0; i < seq[k]->len; i++) {
            const ts_json *m = &seq[k]->u.items[i];
            const ts_json *ct = ts_json_get(m, "content"), *role = ts_json_get(m, "role");
            if (c->o.structure && ts_json_is(ct, TS_JSON_STRING) && blank(ct))
                return "empty_turn";
            if (c->o.structure && prev && role && ts_json_is(role, TS_JSON_STRING) && ts_json_equal(prev, role))
                return "consecutive_same_role";
            prev = role;
        }
    }
    if (final && c->o.require_final_assistant && !role_is(prev, "assistant"))
        return "no_final_assistant";
    return NULL;
}

/* Appends the string turns of arr to c->turns. */
static int collect(ts_clean *c, ts_json *arr, size_t *n)
{
    if (!ts_json_is(arr, TS_JSON_ARRAY))
        return 0;
    if (*n + arr->len > c->capturns) {
        size_t cap = c->capturns ? c->capturns : 16;
        while (cap < *n + arr->len)
            cap *= 2;
        cl_turn *t = realloc(c->turns, cap * sizeof *t);
        if (!t)
            return TS_ENOMEM;
        c->turns = t;
        c->capturns = cap;
    }
    for (uint32_t i = 0; i < arr->len; i++) {
        ts_json *ct = member(&arr->u.items[i], "content");
        if (ts_json_is(ct, TS_JSON_STRING)) {
            c->turns[*n].content = ct;
            c->turns[(*n)++].role = ts_json_get(&arr->u.items[i], "role");
        }
    }
    return 0;
}

/* Token limits, after the character limits (they cost a tokenizer run). */
static const char *token_limits(ts_clean *c, const cl_turn *t, size_t n, int *rc)
{
    const ts_clean_opts *o = &c->o;
    if (!o->min_turn_tokens && !o->max_turn_tokens && !o->min_tokens && !o->max_tokens)
        return NULL;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t k = ts_tokenizer_count(o->tokenizer, t[i].content->u.s, t[i].content->len);
        if (k == TS_EUTF8)
            return "bad_utf8"; /* the parser validates, so only a stage's edit could cause it */
        if (k < 0)
            return *rc = (int)k, NULL;
        if (o->min_turn_tokens && (uint64_t)k < o->min_turn_tokens)
            return "turn_too_few_tokens";
        if (o->max_turn_tokens && (uint64_t)k > o->max_turn_tokens)
            return "turn_too_many_tokens";
        total += (uint64_t)k;
    }
    if (o->min_tokens && total < o->min_tokens)
        return "too_few_tokens";
    if (o->max_tokens && total > o->max_tokens)
        return "too_many_tokens";
    return NULL;
}

/* Length, repetition, disclaimer and character filters over the turns. */
static const char *filters(ts_clean *c, const cl_turn *t, size_t n, int *rc)
{
    const ts_clean_opts *o = &c->o;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = ts_clean_chars(t[i].content->u.s, t[i].content->len);
        if (o->min_turn_chars && k < o->min_turn_chars)
            return "turn_too_short";
        if (o->max_turn_chars && k > o->max_turn_chars)
            return "turn_too_long";
        total += k;
    }
    if (o->min_chars && total < o->min_chars)
        return "too_short";
    if (o->max_chars && total > o->max_chars)
        return "too_long";
    const char *tok_rule = token_limits(c, t, n, rc);
    if (tok_rule || *rc)
        return tok_rule;
    for (size_t i = 0; i < n; i++) {
        const char *s = t[i].content->u.s;
        size_t len = t[i].content->len;
        if (o->max_dup_line_ratio >= 0) {
            double r = ts_clean_dup_line_ratio(c, s, len);
            if (r < 0)
                return *rc = TS_ENOMEM, NULL;
            if (r > o->max_dup_line_ratio)
                return "dup_lines";
        }
        if (o->max_dup_ngram_ratio >= 0) {
            double r = ts_clean_dup_ngram_ratio(c, s, len, 3);
            if (r < 0)
                return *rc = TS_ENOMEM, NULL;
            if (r > o->max_dup_ngram_ratio)
                return "dup_ngrams";
        }
        if (o->max_char_run && ts_clean_longest_run(s, len) > o->max_char_run)
            return "char_run";
    }
    if (o->drop_disclaimers)
        for (size_t i = 0; i < n; i++) {
            if (!role_is(t[i].role, "assistant"))
                continue;
            int d = ts_clean_has_disclaimer(c, t[i].content->u.s, t[i].content->len);
            if (d < 0)
                return *rc = TS_ENOMEM, NULL;
            if (d)
                return "disclaimer";
        }
    if (o->max_bad_char_ratio >= 0) {
        size_t bad = 0, chars = 0;
        for (size_t i = 0; i < n; i++) {
            size_t k;
            bad += ts_clean_bad_chars(t[i].content->u.s, t[i].content->len, &k);
            chars += k;
        }
        if (chars && (double)bad / (double)chars > o->max_bad_char_ratio)
            return "bad_chars";
    }
    return NULL;
}

int ts_clean_record(ts_clean *c, ts_json *rec, ts_arena *a, ts_clean_result *res)
{
    res->rule = NULL;
    res->edits = 0;
    ts_rec_kind kind = ts_record_kind(rec);
    ts_json *msgs = member(rec, "messages"), *prompt = member(rec, "prompt");
    ts_json *chosen = member(rec, "chosen"), *rejected = member(rec, "rejected");
    ts_json *text = kind == TS_REC_TEXT ? member(rec, "text") : NULL;
    int rc;
    if ((rc = normalize_arr(c, msgs, a, &res->edits)) || (rc = normalize_arr(c, prompt, a, &res->edits)) ||
        (rc = normalize_arr(c, chosen, a, &res->edits)) || (rc = normalize_arr(c, rejected, a, &res->edits)) ||
        (rc = normalize(c, text, a, &res->edits)))
        return rc;

    const char *rule = NULL;
    if (kind == TS_REC_PREF) {
        if (!(rule = structure(c, prompt, chosen, true)))
            rule = structure(c, prompt, rejected, true);
    } else if (kind == TS_REC_PROMPT) {
        rule = structure(c, NULL, prompt, false); /* a prompt ends before the answer */
    } else if (msgs) {
        rule = structure(c, NULL, msgs, true);
    } else if (ts_json_is(text, TS_JSON_STRING) && c->o.structure && blank(text)) {
        rule = "empty_turn";
    }
    if (rule) {
        res->rule = rule;
        return 0;
    }
    size_t n = 0;
    if ((rc = collect(c, msgs, &n)) || (rc = collect(c, prompt, &n)) || (rc = collect(c, chosen, &n)) ||
        (rc = collect(c, rejected, &n)))
        return rc;
    cl_turn one = {text, NULL};
    const cl_turn *t = c->turns;
    if (!n && ts_json_is(text, TS_JSON_STRING)) {
        t = &one; /* a text record: its text is its one turn */
        n = 1;
    }
    res->rule = filters(c, t, n, &rc);
    return rc;
}
