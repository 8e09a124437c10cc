/* RFC 8259 parser: iterative (no recursion, so depth is a counted cap, not
 * a stack overflow), validating UTF-8 and surrogates, zero-copy for plain
 * strings and numbers. Values are pushed on the builder's stack and a
 * container's children are moved into the arena when it closes. */
#include "tuneset/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jb_internal.h"
#include "scan.h"

struct ts_json_parser {
    ts_json_opts opts;
    ts_jb jb;
};

typedef struct {
    const uint8_t *p, *end, *start;
    ts_json_parser *ps;
    ts_err *err;
} P;

static int fail(P *x, const uint8_t *at, int code, const char *msg)
{
    if (x->err) {
        ts_err_set(x->err, code, "%s", msg);
        x->err->byte = (uint64_t)(at - x->start);
        x->err->line = 0;
    }
    return code;
}

static int fail_byte(P *x, const uint8_t *at, const char *what)
{
    char msg[96];
    if (at >= x->end)
        return fail(x, at, TS_ESYNTAX, "unexpected end of input");
    uint8_t c = *at;
    if (c >= 0x20 && c < 0x7f)
        snprintf(msg, sizeof msg, "unexpected '%c', %s", c, what);
    else
        snprintf(msg, sizeof msg, "unexpected byte 0x%02X, %s", c, what);
    return fail(x, at, TS_ESYNTAX, msg);
}

static inline const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static int read_hex4(P *x, const uint8_t *p, unsigned *out)
{
    if (x->end - p < 4)
        return fail(x, p, TS_ESYNTAX, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = tsj_hexval(p[i]);
        if (h < 0)
            return fail(x, p + i, TS_ESYNTAX, "invalid hex digit in \\u escape");
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 0;
}

/* tsj_scan_escape that also copies what it passes over to *dp, sixteen
 * bytes at a time, each block stored before it is looked at (no call per
 * run between escapes). The decoded text never outruns the input, so the
 * stores stay inside the space reserved for it. */
static inline const uint8_t *copy_escape_run(const uint8_t *p, const uint8_t *end, uint8_t **dp, uint8_t *high)
{
    uint8_t *d = *dp;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        _mm_storeu_si128((__m128i *)(void *)d, v);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        unsigned hi = (unsigned)_mm_movemask_epi8(v);
        if (bits) {
            unsigned k = (unsigned)__builtin_ctz(bits);
            if (hi & ((1u << k) - 1))
                *high |= 0x80;
            *dp = d + k;
            return p + k;
        }
        if (hi)
            *high |= 0x80;
        p += 16;
        d += 16;
    }
#endif
    const uint8_t *q = tsj_scan_escape(p, end, high);
    memcpy(d, p, (size_t)(q - p));
    *dp = d + (q - p);
    return q;
}

/* Decodes a string that has escapes, in one pass. `from` is just past the
 * opening quote, `p` the first backslash. The decoded text is never longer
 * than the rest of the input, so it is written straight into reserved
 * arena space and only what was used is kept. */
static int parse_string_slow(P *x, const uint8_t *from, const uint8_t *p, ts_json *out)
{
    const uint8_t *end = x->end;
    uint8_t *d0 = ts_arena_reserve(x->ps->jb.arena, (size_t)(end - from)), *d = d0;
    if (!d0)
        return fail(x, p, TS_ENOMEM, "out of memory");
    uint8_t high = 0;
    const uint8_t *q = from;
    tsj_scan_escape(from, p, &high); /* the plain prefix: note non-ASCII */
    memcpy(d, from, (size_t)(p - from));
    d += p - from;
    for (;;) {
        if (p >= end)
            return fail(x, p, TS_ESYNTAX, "unterminated string");
        uint8_t c = *p;
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(x, p, TS_ESYNTAX, "unescaped control character in string");
        if (c == '\\') {
            if (p + 1 >= end)
                return fail(x, p, TS_ESYNTAX, "unterminated string");
            switch (p[1]) {
            case '"': *d++ = '"'; break;
            case '\\': *d++ = '\\'; break;
            case '/': *d++ = '/'; break;
            case 'b': *d++ = '\b'; break;
            case 'f': *d++ = '\f'; break;
            case 'n': *d++ = '\n'; break;
            case 'r': *d++ = '\r'; break;
            case 't': *d++ = '\t'; break;
            case 'u': {
                unsigned cp, lo;
                int rc = read_hex4(x, p + 2, &cp);
                if (rc)
                    return rc;
                const uint8_t *esc = p;
                p += 6;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return fail(x, esc, TS_EUTF8, "lone low surrogate in \\u escape");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
                        return fail(x, esc, TS_EUTF8, "high surrogate not followed by a low surrogate");
                    if ((rc = read_hex4(x, p + 2, &lo)))
                        return rc;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return fail(x, esc, TS_EUTF8, "high surrogate not followed by a low surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
                d = tsj_put_utf8(d, cp);
                goto next;
            }
            default:
                return fail(x, p, TS_ESYNTAX, "invalid escape in string");
            }
            p += 2;
        }
    next:
        q = copy_escape_run(p, end, &d, &high);
        p = q;
    }
    size_t len = (size_t)(d - d0);
    if (high) {
        /* Escapes decode to whole sequences, so the decoded text is valid
         * exactly when the raw bytes are; find the raw offset on failure. */
        if (tsj_utf8_validate(d0, d) < d)
            return fail(x, tsj_utf8_validate(from, p), TS_EUTF8, "invalid UTF-8 in string");
    }
    if (len > x->ps->opts.max_string)
        return fail(x, from, TS_ETOOBIG, "string longer than the configured limit");
    ts_arena_take(x->ps->jb.arena, len);
    out->type = TS_JSON_STRING;
    out->flags = 0;
    out->len = (uint32_t)len;
    out->u.s = (const char *)d0;
    x->p = p + 1;
    return 0;
}

/* x->p is just past the opening quote. */
static inline int parse_string(P *x, ts_json *out)
{
    const uint8_t *from = x->p, *end = x->end;
    uint8_t high = 0;
    const uint8_t *p = tsj_scan_escape(from, end, &high);
    if (p >= end)
        return fail(x, p, TS_ESYNTAX, "unterminated string");
    if (*p == '\\')
        return parse_string_slow(x, from, p, out);
    if (*p != '"')
        return fail(x, p, TS_ESYNTAX, "unescaped control character in string");
    if (high) {
        const uint8_t *bad = tsj_utf8_validate(from, p);
        if (bad < p)
            return fail(x, bad, TS_EUTF8, "invalid UTF-8 in string");
    }
    size_t len = (size_t)(p - from);
    if (len > x->ps->opts.max_string)
        return fail(x, from, TS_ETOOBIG, "string longer than the configured limit");
    out->type = TS_JSON_STRING;
    out->flags = TS_JSON_PLAIN;
    out->len = (uint32_t)len;
    out->u.s = (const char *)from;
    x->p = p + 1;
    return 0;
}

static inline int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static int parse_number(P *x, ts_json *out)
{
    const uint8_t *s = x->p, *p = s, *end = x->end;
    if (*p == '-')
        p++;
    if (p >= end || !is_digit(*p))
        return fail_byte(x, p, "a digit is expected in a number");
    if (*p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return fail(x, p, TS_ESYNTAX, "leading zero in a number");
    } else {
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return fail_byte(x, p, "a digit is expected after the decimal point");
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            return fail_byte(x, p, "a digit is expected in the exponent");
        while (p < end && is_digit(*p))
            p++;
    }
    out->type = TS_JSON_NUMBER;
    out->flags = 0;
    out->len = (uint32_t)(p - s);
    out->u.s = (const char *)s;
    x->p = p;
    return 0;
}

static int parse_literal(P *x, ts_json *out)
{
    const uint8_t *p = x->p;
    size_t avail = (size_t)(x->end - p);
    if (avail >= 4 && !memcmp(p, "true", 4)) {
        out->type = TS_JSON_TRUE;
        x->p = p + 4;
    } else if (avail >= 5 && !memcmp(p, "false", 5)) {
        out->type = TS_JSON_FALSE;
        x->p = p + 5;
    } else if (avail >= 4 && !memcmp(p, "null", 4)) {
        out->type = TS_JSON_NULL;
        x->p = p + 4;
    } else {
        return fail(x, p, TS_ESYNTAX, "invalid literal (expected true, false or null)");
    }
    out->flags = 0;
    out->len = 0;
    out->u.s = NULL;
    return 0;
}

static int push_container(P *x, ts_json_type t)
{
    ts_jb *b = &x->ps->jb;
    if (b->nframes >= x->ps->opts.max_depth) {
        char msg[64];
        snprintf(msg, sizeof msg, "nesting deeper than %u levels", x->ps->opts.max_depth);
        return fail(x, x->p, TS_EDEPTH, msg);
    }
    if (tsjb_open(b, t))
        return fail(x, x->p, TS_ENOMEM, "out of memory");
    return 0;
}

static int parse_key(P *x)
{
    ts_json *slot = tsjb_push(&x->ps->jb);
    if (!slot)
        return fail(x, x->p, TS_ENOMEM, "out of memory");
    int rc = parse_string(x, slot);
    if (rc)
        return rc;
    const uint8_t *p = skip_ws(x->p, x->end);
    if (p >= x->end || *p != ':')
        return fail_byte(x, p, "':' is expected after an object key");
    x->p = p + 1;
    return 0;
}

static int parse(P *x, ts_json **out)
{
    ts_jb *b = &x->ps->jb;
    int rc;
value:
    x->p = skip_ws(x->p, x->end);
    if (x->p >= x->end)
        return fail(x, x->p, TS_ESYNTAX, "unexpected end of input, a value is expected");
    switch (*x->p) {
    case '{':
        if ((rc = push_container(x, TS_JSON_OBJECT)))
            return rc;
        x->p = skip_ws(x->p + 1, x->end);
        if (x->p < x->end && *x->p == '}') {
            x->p++;
            if (tsjb_close(b))
                return fail(x, x->p, TS_ENOMEM, "out of memory");
            goto after;
        }
        if (x->p >= x->end || *x->p != '"')
            return fail_byte(x, x->p, "a string key or '}' is expected");
        x->p++;
        if ((rc = parse_key(x)))
            return rc;
        goto value;
    case '[':
        if ((rc = push_container(x, TS_JSON_ARRAY)))
            return rc;
        x->p = skip_ws(x->p + 1, x->end);
        if (x->p < x->end && *x->p == ']') {
            x->p++;
            if (tsjb_close(b))
                return fail(x, x->p, TS_ENOMEM, "out of memory");
            goto after;
        }
        goto value;
    case '"': {
        ts_json *slot = tsjb_push(b);
        if (!slot)
            return fail(x, x->p, TS_ENOMEM, "out of memory");
        x->p++;
        if ((rc = parse_string(x, slot)))
            return rc;
        goto after;
    }
    case 't':
    case 'f':
    case 'n': {
        ts_json *slot = tsjb_push(b);
        if (!slot)
            return fail(x, x->p, TS_ENOMEM, "out of memory");
        if ((rc = parse_literal(x, slot)))
            return rc;
        goto after;
    }
    default:
        if (*x->p == '-' || is_digit(*x->p)) {
            ts_json *slot = tsjb_push(b);
            if (!slot)
                return fail(x, x->p, TS_ENOMEM, "out of memory");
            if ((rc = parse_number(x, slot)))
                return rc;
            goto after;
        }
        return fail_byte(x, x->p, "a value is expected");
    }
after:
    if (b->nframes == 0) {
        x->p = skip_ws(x->p, x->end);
        if (x->p < x->end)
            return fail_byte(x, x->p, "nothing may follow the value");
        *out = &b->vals[0];
        return 0;
    }
    x->p = skip_ws(x->p, x->end);
    if (x->p >= x->end)
        return fail(x, x->p, TS_ESYNTAX, "unexpected end of input inside a container");
    {
        uint8_t c = *x->p;
        bool is_obj = tsjb_top_is_object(b);
        if (c == ',') {
            x->p = skip_ws(x->p + 1, x->end);
            if (!is_obj)
                goto value;
            if (x->p >= x->end || *x->p != '"')
                return fail_byte(x, x->p, "a string key is expected after ','");
            x->p++;
            if ((rc = parse_key(x)))
                return rc;
            goto value;
        }
        if ((is_obj && c == '}') || (!is_obj && c == ']')) {
            x->p++;
            if (tsjb_close(b))
                return fail(x, x->p, TS_ENOMEM, "out of memory");
            goto after;
        }
        return fail_byte(x, x->p, is_obj ? "',' or '}' is expected" : "',' or ']' is expected");
    }
}

ts_json_parser *ts_json_parser_new(const ts_json_opts *opts)
{
    ts_json_parser *ps = calloc(1, sizeof *ps);
    if (!ps)
        return NULL;
    ps->opts.max_depth = opts && opts->max_depth ? opts->max_depth : TS_JSON_DEFAULT_DEPTH;
    ps->opts.max_string = opts && opts->max_string ? opts->max_string : TS_JSON_DEFAULT_STRING;
    ts_jb_init(&ps->jb, NULL);
    return ps;
}

void ts_json_parser_free(ts_json_parser *ps)
{
    if (!ps)
        return;
    ts_jb_release(&ps->jb);
    free(ps);
}

int ts_json_parser_parse(ts_json_parser *ps, const char *p, size_t n, ts_arena *a,
                         ts_json **out, ts_err *err)
{
    P x = {(const uint8_t *)p, (const uint8_t *)p + n, (const uint8_t *)p, ps, err};
    tsjb_reset(&ps->jb, a);
    ts_json *root = NULL;
    int rc = parse(&x, &root);
    if (rc) {
        tsjb_reset(&ps->jb, a);
        return rc;
    }
    /* The root lives on the builder stack; give the caller an arena copy. */
    ts_json *r = ts_arena_alloc(a, sizeof *r);
    if (!r)
        return fail(&x, x.p, TS_ENOMEM, "out of memory");
    *r = *root;
    tsjb_reset(&ps->jb, a);
    *out = r;
    return 0;
}

int ts_json_parse(const char *p, size_t n, ts_arena *a, const ts_json_opts *opts, ts_json **out,
                  ts_err *err)
{
    ts_json_parser *ps = ts_json_parser_new(opts);
    if (!ps)
        return ts_err_set(err, TS_ENOMEM, NULL);
    int rc = ts_json_parser_parse(ps, p, n, a, out, err);
    ts_json_parser_free(ps);
    return rc;
}
