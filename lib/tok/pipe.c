/* Reading the normalizer, pre-tokenizer and decoder of tokenizer.json
 * into flat stage lists (a Sequence is flattened in order). */
#include <stdlib.h>
#include <string.h>

#include "tuneset/json.h"
#include "tok_int.h"

#define GPT2_PATTERN "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

static bool jbool(const ts_json *o, const char *k, bool dflt)
{
    const ts_json *v = ts_json_get(o, k);
    return v && ts_json_is_bool(v) ? v->type == TS_JSON_TRUE : dflt;
}

static int dupj(const ts_json *v, char **out, size_t *n)
{
    if (!ts_json_is(v, TS_JSON_STRING))
        return TS_ESCHEMA;
    *out = malloc(v->len + 1);
    if (!*out)
        return TS_ENOMEM;
    memcpy(*out, v->u.s, v->len);
    (*out)[v->len] = 0;
    *n = v->len;
    return 0;
}

static int grow(void **p, size_t n, size_t elem)
{
    void *q = realloc(*p, (n + 1) * elem);
    if (!q)
        return TS_ENOMEM;
    *p = q;
    memset((char *)q + n * elem, 0, elem);
    return 0;
}

static int type_err(ts_err *err, const char *what, const ts_json *type)
{
    return ts_err_set(err, TS_ENOTSUP, "%s type %.*s is not supported", what,
                      ts_json_is(type, TS_JSON_STRING) ? (int)type->len : 7,
                      ts_json_is(type, TS_JSON_STRING) ? type->u.s : "missing");
}

/* pattern: {"String": s} or {"Regex": r} */
static int pattern(const ts_json *p, char **lit, size_t *litlen, pcre2_code **re, ts_err *err)
{
    const ts_json *s = ts_json_get(p, "String"), *r = ts_json_get(p, "Regex");
    if (ts_json_is(s, TS_JSON_STRING))
        return dupj(s, lit, litlen);
    if (ts_json_is(r, TS_JSON_STRING)) {
        *re = tk_regex(r->u.s, r->len, err);
        return *re ? 0 : TS_ENOTSUP;
    }
    return ts_err_set(err, TS_ESCHEMA, "pattern is neither String nor Regex");
}

static int add_norm(ts_tokenizer *t, const ts_json *n, ts_err *err)
{
    if (!n || n->type == TS_JSON_NULL)
        return 0;
    const ts_json *type = ts_json_get(n, "type");
    if (ts_json_str_eq(type, "Sequence")) {
        const ts_json *list = ts_json_get(n, "normalizers");
        for (uint32_t i = 0; list && list->type == TS_JSON_ARRAY && i < list->len; i++) {
            int rc = add_norm(t, &list->u.items[i], err);
            if (rc)
                return rc;
        }
        return 0;
    }
    static const struct {
        const char *name;
        tk_norm_kind kind;
    } kinds[] = {{"NFC", TK_N_NFC},         {"NFD", TK_N_NFD},         {"NFKC", TK_N_NFKC},
                 {"NFKD", TK_N_NFKD},       {"Lowercase", TK_N_LOWER}, {"Prepend", TK_N_PREPEND},
                 {"Replace", TK_N_REPLACE}, {"Strip", TK_N_STRIP}};
    int k = -1;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (ts_json_str_eq(type, kinds[i].name))
            k = (int)i;
    if (k < 0)
        return type_err(err, "normalizer", type);
    if (grow((void **)&t->norm, t->nnorm, sizeof *t->norm))
        return TS_ENOMEM;
    tk_norm *nm = &t->norm[t->nnorm++];
    nm->kind = kinds[k].kind;
    int rc = 0;
    if (nm->kind == TK_N_PREPEND)
        rc = dupj(ts_json_get(n, "prepend"), &nm->a, &nm->alen);
    else if (nm->kind == TK_N_REPLACE) {
        rc = pattern(ts_json_get(n, "pattern"), &nm->a, &nm->alen, &nm->re, err);
        if (!rc)
            rc = dupj(ts_json_get(n, "content"), &nm->b, &nm->blen);
    } else if (nm->kind == TK_N_STRIP) {
        nm->left = jbool(n, "strip_left", true);
        nm->right = jbool(n, "strip_right", true);
    }
    if (rc && err && !err->code)
        ts_err_set(err, rc, "normalizer %s: bad or missing fields", kinds[k].name);
    return rc;
}

static tk_prepend prepend_scheme(const ts_json *o)
{
    const ts_json *ps = ts_json_get(o, "prepend_scheme");
    if (ts_json_str_eq(ps, "first"))
        return TK_PREPEND_FIRST;
    if (ts_json_str_eq(ps, "never"))
        return TK_PREPEND_NEVER;
    if (ps && ps->type == TS_JSON_STRING)
        return TK_PREPEND_ALWAYS;
    return jbool(o, "add_prefix_space", true) ? TK_PREPEND_ALWAYS : TK_PREPEND_NEVER;
}

static int replacement(const ts_json *o, char *out, size_t *n)
{
    const ts_json *r = ts_json_get(o, "replacement");
    if (!r) {
        memcpy(out, "\xE2\x96\x81", 3); /* U+2581, SentencePiece's space */
        *n = 3;
        return 0;
    }
    if (!ts_json_is(r, TS_JSON_STRING) || !r->len || r->len > 4)
        return TS_ESCHEMA;
    memcpy(out, r->u.s, r->len);
    *n = r->len;
    return 0;
}

static int add_pre(ts_tokenizer *t, const ts_json *p, ts_err *err)
{
    if (!p || p->type == TS_JSON_NULL)
        return 0;
    const ts_json *type = ts_json_get(p, "type");
    if (ts_json_str_eq(type, "Sequence")) {
        const ts_json *list = ts_json_get(p, "pretokenizers");
        for (uint32_t i = 0; list && list->type == TS_JSON_ARRAY && i < list->len; i++) {
            int rc = add_pre(t, &list->u.items[i], err);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (grow((void **)&t->pre, t->npre, sizeof *t->pre))
        return TS_ENOMEM;
    tk_pre *pr = &t->pre[t->npre];
    int rc = 0;
    if (ts_json_str_eq(type, "Split")) {
        pr->kind = TK_P_SPLIT;
        rc = pattern(ts_json_get(p, "pattern"), &pr->lit, &pr->litlen, &pr->re, err);
        static const char *const names[] = {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext",
                                            "Contiguous"};
        const ts_json *bh = ts_json_get(p, "behavior");
        int b = -1;
        for (int i = 0; i < 5; i++)
            if (ts_json_str_eq(bh, names[i]))
                b = i;
        if (!rc && b < 0)
            rc = ts_err_set(err, TS_ESCHEMA, "Split behavior is missing or unknown");
        pr->behavior = (tk_behavior)(b < 0 ? 0 : b);
        pr->invert = jbool(p, "invert", false);
    } else if (ts_json_str_eq(type, "ByteLevel")) {
        pr->kind = TK_P_BYTELEVEL;
        pr->add_prefix_space = jbool(p, "add_prefix_space", true);
        pr->use_regex = jbool(p, "use_regex", true);
        if (pr->use_regex && !(pr->re = tk_regex(GPT2_PATTERN, strlen(GPT2_PATTERN), err)))
            rc = TS_ENOTSUP;
    } else if (ts_json_str_eq(type, "Metaspace")) {
        pr->kind = TK_P_METASPACE;
        pr->prepend = prepend_scheme(p);
        pr->split = jbool(p, "split", true);
        if (replacement(p, pr->repl, &pr->repllen))
            rc = ts_err_set(err, TS_ESCHEMA, "Metaspace replacement must be one character");
    } else if (ts_json_str_eq(type, "Digits")) {
        pr->kind = TK_P_DIGITS;
        pr->individual = jbool(p, "individual_digits", false);
        const char *pat = pr->individual ? "\\p{N}" : "\\p{N}+";
        if (!(pr->re = tk_regex(pat, strlen(pat), err)))
            rc = TS_ENOTSUP;
    } else {
        return type_err(err, "pre_tokenizer", type);
    }
    t->npre++; /* counted even on error so free() releases what was made */
    return rc;
}

static int add_dec(ts_tokenizer *t, const ts_json *d)
{
    if (!d || d->type == TS_JSON_NULL)
        return 0;
    const ts_json *type = ts_json_get(d, "type");
    if (ts_json_str_eq(type, "Sequence")) {
        const ts_json *list = ts_json_get(d, "decoders");
        for (uint32_t i = 0; list && list->type == TS_JSON_ARRAY && i < list->len; i++) {
            int rc = add_dec(t, &list->u.items[i]);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (grow((void **)&t->dec, t->ndec, sizeof *t->dec))
        return TS_ENOMEM;
    tk_dec *dc = &t->dec[t->ndec];
    if (ts_json_str_eq(type, "ByteLevel")) {
        dc->kind = TK_D_BYTELEVEL;
    } else if (ts_json_str_eq(type, "ByteFallback")) {
        dc->kind = TK_D_BYTEFALLBACK;
    } else if (ts_json_str_eq(type, "Fuse")) {
        dc->kind = TK_D_FUSE;
    } else if (ts_json_str_eq(type, "Strip")) {
        dc->kind = TK_D_STRIP;
        int64_t a = 0, b = 0;
        ts_json_int64(ts_json_get(d, "start"), &a);
        ts_json_int64(ts_json_get(d, "stop"), &b);
        dc->start = a > 0 ? (uint32_t)a : 0;
        dc->stop = b > 0 ? (uint32_t)b : 0;
        if (dupj(ts_json_get(d, "content"), &dc->a, &dc->alen))
            goto unsupported;
    } else if (ts_json_str_eq(type, "Replace")) {
        dc->kind = TK_D_REPLACE;
        const ts_json *pat = ts_json_get(d, "pattern");
        /* Regex replacements are rare in decoders; left unsupported. */
        if (dupj(ts_json_get(pat, "String"), &dc->a, &dc->alen) ||
            dupj(ts_json_get(d, "content"), &dc->b, &dc->blen))
            goto unsupported;
    } else if (ts_json_str_eq(type, "Metaspace")) {
        dc->kind = TK_D_METASPACE;
        dc->prepend = prepend_scheme(d);
        char r[8];
        size_t rn;
        if (replacement(d, r, &rn) || !(dc->a = malloc(rn + 1)))
            goto unsupported;
        memcpy(dc->a, r, rn);
        dc->alen = rn;
    } else {
        goto unsupported;
    }
    t->ndec++;
    return 0;
unsupported:
    t->ndec++;
    t->dec_unsupported = "decoder";
    return 0;
}

int tk_load_pipeline(ts_tokenizer *t, const void *rootv, ts_err *err)
{
    const ts_json *root = rootv;
    int rc = add_norm(t, ts_json_get(root, "normalizer"), err);
    if (!rc)
        rc = add_pre(t, ts_json_get(root, "pre_tokenizer"), err);
    if (rc)
        return rc;
    t->lazy_bytes = t->npre && t->pre[t->npre - 1].kind == TK_P_BYTELEVEL;
    return add_dec(t, ts_json_get(root, "decoder"));
}
