/* The picking scanner: one pass over a record's text that validates it as
 * the parser would, writes its compact form, and decodes only the values a
 * command reads (see include/tuneset/json.h). It builds no tree: tokens go
 * straight from the input to the output, strings sixteen bytes at a time,
 * and UTF-8 is checked once over the whole record. Errors are the
 * parser's own: on a failure the parser runs on the same text and says
 * what and where, so both paths reject with the same words. */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#include "pick_int.h"

ts_json_pick *ts_json_pick_new(const char *const *top, const char *const *inner, const ts_json_opts *opts)
{
    ts_json_pick *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->opts.max_depth = opts && opts->max_depth ? opts->max_depth : TS_JSON_DEFAULT_DEPTH;
    k->opts.max_string = opts && opts->max_string ? opts->max_string : TS_JSON_DEFAULT_STRING;
    const char *const *lists[2] = {top, inner};
    for (int l = 0; l < 2; l++)
        for (unsigned i = 0; lists[l] && lists[l][i]; i++) {
            size_t n = strlen(lists[l][i]);
            if (i >= MAX_KEYS || n > 255) {
                free(k);
                return NULL;
            }
            k->keys[l][i] = lists[l][i];
            k->klen[l][i] = (uint8_t)n;
            k->nkeys[l] = i + 1;
            uint8_t *slot = &k->lut[l][pk_key_hash((const uint8_t *)lists[l][i], n)];
            *slot = *slot ? 0xFF : (uint8_t)(i + 1); /* two keys in a slot: look through */
        }
    ts_buf_init(&k->text, 0);
    ts_arena_init(&k->arena);
    k->ps = ts_json_parser_new(&k->opts);
    if (!k->ps) {
        ts_json_pick_free(k);
        return NULL;
    }
    return k;
}

void ts_json_pick_free(ts_json_pick *k)
{
    if (!k)
        return;
    ts_buf_release(&k->text);
    free(k->hits);
    free(k->kinds);
    free(k->idx);
    ts_json_parser_free(k->ps);
    ts_arena_release(&k->arena);
    free(k);
}

/* --- scanning --------------------------------------------------------------- */

typedef struct {
    const uint8_t *p, *end;
    uint8_t *d;  /* compact output */
    uint8_t *t;  /* decoded text of the value being picked, or NULL */
    ts_json_pick *k;
} S;

#define BAD 2 /* not TS_E*: those are negative */

static inline const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static int hex4(const uint8_t *p, const uint8_t *end)
{
    if (end - p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = tsj_hexval(p[i]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* A decoded character as the writer writes it inside a string. */
static inline uint8_t *put_canonical(uint8_t *d, unsigned cp)
{
    if (cp >= 0x20 && cp != '"' && cp != '\\')
        return tsj_put_utf8(d, cp);
    return (uint8_t *)tsj_put_escape((char *)d, (uint8_t)cp);
}

/* Copies string bytes to the output (and to the picked text when t is
 * set) up to the first '"', '\\' or control byte. Blocks are stored whole
 * before they are looked at: both buffers have SLACK bytes past the end. */
static inline const uint8_t *copy_run(const uint8_t *p, const uint8_t *end, uint8_t **dp, uint8_t **tp)
{
    uint8_t *d = *dp, *t = *tp;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        _mm_storeu_si128((__m128i *)(void *)d, v);
        if (t)
            _mm_storeu_si128((__m128i *)(void *)t, v);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) {
            unsigned n = (unsigned)__builtin_ctz(bits);
            *dp = d + n;
            if (t)
                *tp = t + n;
            return p + n;
        }
        p += 16;
        d += 16;
        if (t)
            t += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\' && *p >= 0x20) {
        if (t)
            *t++ = *p;
        *d++ = *p++;
    }
    *dp = d;
    *tp = t;
    return p;
}

/* x->p is just past an opening quote. Copies the string (canonical
 * escapes) and, when x->t is set, its decoded text. */
static int scan_string(S *x)
{
    const uint8_t *p = x->p, *end = x->end, *from = p;
    uint8_t *d = x->d, *t = x->t;
    size_t shrink = 0; /* raw bytes minus decoded bytes, from escapes */
    *d++ = '"';
    for (;;) {
        p = copy_run(p, end, &d, &t);
        if (p >= end)
            return BAD;
        if (*p == '"')
            break;
        if (*p != '\\' || p + 1 >= end)
            return BAD; /* a raw control byte, or a cut escape */
        unsigned cp;
        size_t raw = 2;
        switch (p[1]) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u': {
            int v = hex4(p + 2, end);
            if (v < 0 || (v >= 0xDC00 && v <= 0xDFFF))
                return BAD;
            raw = 6;
            cp = (unsigned)v;
            if (v >= 0xD800 && v <= 0xDBFF) {
                int lo = end - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, end) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return BAD;
                cp = 0x10000 + (((unsigned)v - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
                raw = 12;
            }
            break;
        }
        default:
            return BAD;
        }
        size_t dec = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (t)
            t = tsj_put_utf8(t, cp);
        shrink += raw - dec;
        d = put_canonical(d, cp);
        p += raw;
    }
    if ((size_t)(p - from) - shrink > x->k->opts.max_string)
        return BAD;
    *d++ = '"';
    x->p = p + 1;
    x->d = d;
    x->t = t;
    return 0;
}

/* Checks the number at x->p and copies it. */
static int scan_number(S *x)
{
    const uint8_t *s = x->p, *p = pk_number_end(s, x->end);
    if (!p)
        return BAD;
    memcpy(x->d, s, (size_t)(p - s));
    x->d += p - s;
    if (x->t) {
        memcpy(x->t, s, (size_t)(p - s));
        x->t += p - s;
    }
    x->p = p;
    return 0;
}

static inline bool literal(S *x)
{
    const uint8_t *p = x->p;
    size_t avail = (size_t)(x->end - p), n;
    if (avail >= 4 && (!memcmp(p, "true", 4) || !memcmp(p, "null", 4)))
        n = 4;
    else if (avail >= 5 && !memcmp(p, "false", 5))
        n = 5;
    else
        return false;
    memcpy(x->d, p, n);
    x->d += n;
    x->p = p + n;
    return true;
}

static int push_kind(ts_json_pick *k, uint32_t depth, bool obj)
{
    size_t w = depth / 64;
    if (w >= k->capkinds) {
        size_t cap = k->capkinds ? k->capkinds * 2 : 4;
        while (cap <= w)
            cap *= 2;
        uint64_t *s = realloc(k->kinds, cap * sizeof *s);
        if (!s)
            return TS_ENOMEM;
        k->kinds = s;
        k->capkinds = cap;
    }
    uint64_t bit = 1ull << (depth % 64);
    k->kinds[w] = obj ? k->kinds[w] | bit : k->kinds[w] & ~bit;
    return 0;
}

static inline bool is_object_at(const ts_json_pick *k, uint32_t depth)
{
    return k->kinds[depth / 64] >> (depth % 64) & 1;
}

/* The scan proper: BAD for text the parser rejects, TS_ENOMEM, or 0. */
static int scan(S *x)
{
    ts_json_pick *k = x->k;
    const uint8_t *end = x->end;
    uint32_t depth = 0;
    pk_state st = {.cap = -1};
    uint8_t *tbase = (uint8_t *)k->text.data;
value:
    x->p = skip_ws(x->p, end);
    if (x->p >= end)
        return BAD;
    {
        uint8_t c = *x->p;
        ts_json_hit *h = NULL;
        if (st.want != WANT_NONE && !(h = pk_on_value(k, &st, (size_t)(x->t - tbase))))
            return TS_ENOMEM;
        switch (c) {
        case '{':
        case '[':
            if (depth >= k->opts.max_depth)
                return BAD;
            if (push_kind(k, depth, c == '{'))
                return TS_ENOMEM;
            depth++;
            *x->d++ = c;
            if (h)
                h->type = c == '{' ? TS_JSON_OBJECT : TS_JSON_ARRAY;
            pk_on_open(&st, h, depth, c == '{');
            x->p = skip_ws(x->p + 1, end);
            if (x->p < end && *x->p == (c == '{' ? '}' : ']')) {
                x->p++;
                *x->d++ = (uint8_t)(c + 2);
                depth--;
                pk_on_close(k, &st, depth);
                goto after;
            }
            if (st.cap >= 0 && depth == 2)
                st.nonempty = true;
            if (c == '[')
                goto value;
            if (x->p >= end || *x->p != '"')
                return BAD;
            goto key;
        case '"': {
            x->p++;
            uint8_t *t = x->t;
            if (!h)
                x->t = NULL;
            int rc = scan_string(x);
            if (!h)
                x->t = t;
            if (rc)
                return rc;
            if (h) {
                h->type = TS_JSON_STRING;
                h->len = (size_t)(x->t - tbase) - h->off;
            }
            break;
        }
        case 't':
        case 'f':
        case 'n':
            if (!literal(x))
                return BAD;
            if (h)
                h->type = c == 't' ? TS_JSON_TRUE : c == 'f' ? TS_JSON_FALSE : TS_JSON_NULL;
            break;
        default: {
            if (c != '-' && (c < '0' || c > '9'))
                return BAD;
            uint8_t *t = x->t;
            if (!h)
                x->t = NULL;
            int rc = scan_number(x);
            if (!h)
                x->t = t;
            if (rc)
                return rc;
            if (h) {
                h->type = TS_JSON_NUMBER;
                h->len = (size_t)(x->t - tbase) - h->off;
            }
        }
        }
        st.want = WANT_NONE;
    }
after:
    x->p = skip_ws(x->p, end);
    if (depth == 0)
        return x->p < end ? BAD : 0;
    if (x->p >= end)
        return BAD;
    {
        uint8_t c = *x->p;
        bool obj = is_object_at(k, depth - 1);
        if (c == ',') {
            *x->d++ = ',';
            if (st.cap >= 0 && depth == 2)
                st.item++;
            x->p = skip_ws(x->p + 1, end);
            if (!obj)
                goto value;
            if (x->p >= end || *x->p != '"')
                return BAD;
            goto key;
        }
        if (c != (obj ? '}' : ']'))
            return BAD;
        *x->d++ = c;
        x->p++;
        depth--;
        pk_on_close(k, &st, depth);
        goto after;
    }
key:
    /* x->p is at the key's opening quote, inside the object at depth. */
    {
        const uint8_t *from = ++x->p;
        uint8_t *kd = x->d + 1, *t = x->t;
        x->t = NULL;
        int rc = scan_string(x);
        x->t = t;
        if (rc)
            return rc;
        /* Keys match by their decoded text: the canonical output is it,
         * unless it holds an escape (then decode it again). */
        size_t n = (size_t)(x->d - kd) - 1;
        if (!memchr(from, '\\', (size_t)(x->p - from))) {
            pk_on_key(k, &st, depth, kd, n);
        } else if ((size_t)(x->p - from) <= 256 * 6) {
            /* at most 6 raw bytes a decoded one; longer cannot match */
            uint8_t dec[256 * 6 + SLACK], junk[256 * 6 + SLACK];
            S y = {from, x->p, junk, dec, k};
            if (!scan_string(&y))
                pk_on_key(k, &st, depth, dec, (size_t)(y.t - dec));
        }
        x->p = skip_ws(x->p, end);
        if (x->p >= end || *x->p != ':')
            return BAD;
        x->p++;
        *x->d++ = ':';
        goto value;
    }
}

/* --- the API ---------------------------------------------------------------- */

int ts_json_pick_scan(ts_json_pick *k, const char *text, size_t n, ts_buf *out, ts_err *err)
{
    k->nhits = 0;
    k->text.len = 0;
    memset(k->first, 0, sizeof k->first);
    /* Compacting never lengthens and decoding never outgrows the input. */
    if (ts_buf_reserve(out, n + PK_ROOM) || ts_buf_reserve(&k->text, n + PK_ROOM))
        return ts_err_set(err, TS_ENOMEM, NULL);
    const uint8_t *p = (const uint8_t *)text;
    int rc = k->portable ? PK_SLOW : pk_scan_avx2(k, text, n, out);
    if (rc == 0)
        return 0;
    k->nhits = 0;
    memset(k->first, 0, sizeof k->first);
    if (rc != PK_SLOW)
        return ts_err_set(err, rc, NULL);
    S x = {p, p + n, (uint8_t *)out->data + out->len, (uint8_t *)k->text.data, k};
    rc = tsj_utf8_validate(p, p + n) < p + n ? BAD : scan(&x);
    if (rc == 0) {
        out->len = (size_t)((char *)x.d - out->data);
        k->text.len = (size_t)((char *)x.t - k->text.data);
        return 0;
    }
    k->nhits = 0;
    memset(k->first, 0, sizeof k->first);
    if (rc == TS_ENOMEM)
        return ts_err_set(err, TS_ENOMEM, NULL);
    /* Rejected: the parser says why, in the words every command uses. */
    ts_arena_reset(&k->arena);
    ts_json *v;
    rc = ts_json_parser_parse(k->ps, text, n, &k->arena, &v, err);
    ts_arena_reset(&k->arena);
    if (rc)
        return rc;
    return ts_err_set(err, TS_EINVAL, "internal error: the picking scanner rejected a record the parser accepts");
}

const ts_json_hit *ts_json_pick_hits(const ts_json_pick *k, size_t *n)
{
    *n = k->nhits;
    return k->hits;
}

const ts_json_hit *ts_json_pick_top(const ts_json_pick *k, unsigned key)
{
    return key < MAX_KEYS && k->first[key] ? &k->hits[k->first[key] - 1] : NULL;
}

const char *ts_json_pick_text(const ts_json_pick *k) { return k->text.data; }
