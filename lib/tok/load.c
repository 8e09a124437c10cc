/* Loading tokenizer.json: the BPE model (vocabulary, merges in both the
 * "a b" and ["a", "b"] forms, unk, byte fallback, ignore_merges) and the
 * added tokens. The normalizer, pre-tokenizer and decoder are read by
 * pipe.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tuneset/json.h"
#include "tok_int.h"

static bool get_bool(const ts_json *o, const char *k, bool dflt)
{
    const ts_json *v = ts_json_get(o, k);
    return v && ts_json_is_bool(v) ? v->type == TS_JSON_TRUE : dflt;
}

static char *dup_str(const ts_json *v, size_t *n)
{
    if (!ts_json_is(v, TS_JSON_STRING))
        return NULL;
    char *p = malloc(v->len + 1);
    if (p) {
        memcpy(p, v->u.s, v->len);
        p[v->len] = 0;
        *n = v->len;
    }
    return p;
}

static int load_merges(ts_tokenizer *t, const ts_json *merges, ts_err *err)
{
    if (!ts_json_is(merges, TS_JSON_ARRAY))
        return ts_err_set(err, TS_ESCHEMA, "model.merges is not an array");
    if (!(t->meta_keep = calloc(0x10000, 1)))
        return TS_ENOMEM;
    char *tmp = NULL;
    size_t tmpcap = 0;
    int rc = 0;
    for (uint32_t r = 0; r < merges->len && !rc; r++) {
        const ts_json *m = &merges->u.items[r];
        const char *a, *b;
        size_t an, bn;
        if (m->type == TS_JSON_STRING) {
            const char *sp = memchr(m->u.s, ' ', m->len);
            if (!sp) {
                rc = ts_err_set(err, TS_ESCHEMA, "merge %u has no space", r);
                break;
            }
            a = m->u.s;
            an = (size_t)(sp - a);
            b = sp + 1;
            bn = m->len - an - 1;
        } else if (m->type == TS_JSON_ARRAY && m->len == 2 && m->u.items[0].type == TS_JSON_STRING &&
                   m->u.items[1].type == TS_JSON_STRING) {
            a = m->u.items[0].u.s;
            an = m->u.items[0].len;
            b = m->u.items[1].u.s;
            bn = m->u.items[1].len;
        } else {
            rc = ts_err_set(err, TS_ESCHEMA, "merge %u is neither \"a b\" nor [a, b]", r);
            break;
        }
        uint32_t ia, ib, in;
        /* The merged token drops the right part's subword prefix. */
        size_t cut = t->prefix && bn >= t->prefixlen ? t->prefixlen : 0;
        if (an + bn + 1 > tmpcap) {
            tmpcap = (an + bn + 1) * 2;
            char *p = realloc(tmp, tmpcap);
            if (!p) {
                rc = TS_ENOMEM;
                break;
            }
            tmp = p;
        }
        memcpy(tmp, a, an);
        memcpy(tmp + an, b + cut, bn - cut);
        if (!tk_strmap_get(&t->vocab, a, an, &ia) || !tk_strmap_get(&t->vocab, b, bn, &ib) ||
            !tk_strmap_get(&t->vocab, tmp, an + bn - cut, &in)) {
            rc = ts_err_set(err, TS_ESCHEMA, "merge %u (%.*s %.*s) uses a token outside the vocabulary", r,
                            (int)(an > 40 ? 40 : an), a, (int)(bn > 40 ? 40 : bn), b);
            break;
        }
        rc = tk_pairmap_put(&t->merges, tk_pair(ia, ib), r, in);
        /* A merge joining "...X" to "▁..." makes cutting before "X▁" unsafe
         * (see tk_meta_split_init). A symbol's text is its parts' texts
         * joined, so the character before a cut ends the left symbol. */
        if (bn >= 3 && !memcmp(b, "\xE2\x96\x81", 3) && an) {
            size_t k = an - 1;
            while (k > 0 && ((uint8_t)a[k] & 0xC0) == 0x80)
                k--;
            uint32_t x = tk_utf8_next(a, an, &k);
            if (x < 0x10000)
                t->meta_keep[x] = 1;
        }
    }
    free(tmp);
    return rc;
}

static int load_model(ts_tokenizer *t, const ts_json *model, ts_err *err)
{
    if (!ts_json_is(model, TS_JSON_OBJECT))
        return ts_err_set(err, TS_ESCHEMA, "no \"model\" object");
    const ts_json *type = ts_json_get(model, "type");
    if (type && !ts_json_str_eq(type, "BPE"))
        return ts_err_set(err, TS_ENOTSUP, "model type %.*s is not supported (BPE only)",
                          type->type == TS_JSON_STRING ? (int)type->len : 4,
                          type->type == TS_JSON_STRING ? type->u.s : "?");
    const ts_json *vocab = ts_json_get(model, "vocab");
    if (!ts_json_is(vocab, TS_JSON_OBJECT))
        return ts_err_set(err, TS_ESCHEMA, "model.vocab is not an object");
    for (uint32_t i = 0; i < vocab->len; i++) {
        const ts_json *k = &vocab->u.items[2 * i], *v = &vocab->u.items[2 * i + 1];
        int64_t id;
        if (ts_json_int64(v, &id) || id < 0 || id >= (1 << 30))
            return ts_err_set(err, TS_ESCHEMA, "vocab entry %.*s has a bad id", (int)(k->len > 40 ? 40 : k->len),
                              k->u.s);
        if (tk_strmap_put(&t->vocab, k->u.s, k->len, (uint32_t)id))
            return ts_err_set(err, TS_ENOMEM, "out of memory");
        if ((uint32_t)id + 1 > t->vocab_size)
            t->vocab_size = (uint32_t)id + 1;
    }
    t->byte_fallback = get_bool(model, "byte_fallback", false);
    t->fuse_unk = get_bool(model, "fuse_unk", false);
    t->ignore_merges = get_bool(model, "ignore_merges", false);
    const ts_json *dropout = ts_json_get(model, "dropout");
    double d;
    if (dropout && !ts_json_double(dropout, &d) && d > 0 && d < 1)
        return ts_err_set(err, TS_ENOTSUP, "BPE dropout is random; only dropout null/0/1 is supported");
    t->prefix = dup_str(ts_json_get(model, "continuing_subword_prefix"), &t->prefixlen);
    t->suffix = dup_str(ts_json_get(model, "end_of_word_suffix"), &t->suffixlen);
    t->unk_id = -1;
    const ts_json *unk = ts_json_get(model, "unk_token");
    uint32_t id;
    if (ts_json_is(unk, TS_JSON_STRING) && tk_strmap_get(&t->vocab, unk->u.s, unk->len, &id))
        t->unk_id = id;
    for (int b = 0; b < 256; b++) {
        char name[8];
        snprintf(name, sizeof name, "<0x%02X>", b);
        t->fallback_id[b] = tk_strmap_get(&t->vocab, name, 6, &id) ? (int32_t)id : -1;
    }
    return load_merges(t, ts_json_get(model, "merges"), err);
}

/* Added tokens get their ids the way the reference assigns them on load:
 * the model's id when the content is in the vocabulary, else the next id
 * after the vocabulary (its entry count) and the added ids so far. The
 * "id" in the file is only a check: a file whose ids disagree (holes in
 * the vocabulary) encodes as the reference encodes it. */
static uint32_t next_added_id(const ts_tokenizer *t)
{
    uint32_t vlen = (uint32_t)t->vocab.n, max = 0;
    if (!t->nadded)
        return vlen;
    for (size_t i = 0; i < t->nadded; i++)
        if (t->added[i].id > max)
            max = t->added[i].id;
    return max >= vlen || !vlen ? max + 1 : vlen;
}

static int load_added(ts_tokenizer *t, const ts_json *arr, ts_err *err)
{
    if (!arr || arr->type == TS_JSON_NULL)
        return 0;
    if (!ts_json_is(arr, TS_JSON_ARRAY))
        return ts_err_set(err, TS_ESCHEMA, "added_tokens is not an array");
    t->added = calloc(arr->len + 1, sizeof *t->added);
    if (!t->added)
        return TS_ENOMEM;
    for (uint32_t i = 0; i < arr->len; i++) {
        const ts_json *o = &arr->u.items[i];
        const ts_json *c = ts_json_get(o, "content");
        int64_t id;
        if (!ts_json_is(c, TS_JSON_STRING) || ts_json_int64(ts_json_get(o, "id"), &id) || id < 0 || id >= (1 << 30))
            return ts_err_set(err, TS_ESCHEMA, "added token %u lacks content or id", i);
        uint32_t prev, mid;
        if (tk_strmap_get(&t->added_map, c->u.s, c->len, &prev))
            continue; /* the same content twice: the first one stays */
        tk_added *a = &t->added[t->nadded];
        a->id = tk_strmap_get(&t->vocab, c->u.s, c->len, &mid) ? mid : next_added_id(t);
        a->len = c->len;
        a->special = get_bool(o, "special", false);
        a->lstrip = get_bool(o, "lstrip", false);
        a->rstrip = get_bool(o, "rstrip", false);
        a->single_word = get_bool(o, "single_word", false);
        a->normalized = get_bool(o, "normalized", !a->special);
        if (tk_strmap_put(&t->added_map, c->u.s, c->len, (uint32_t)t->nadded))
            return TS_ENOMEM;
        a->off = t->added_map.off[t->added_map.n - 1];
        if (a->id + 1 > t->vocab_size)
            t->vocab_size = a->id + 1;
        t->nadded++;
    }
    /* Normalized tokens are matched in normalized text by their normalized
     * form (with a Prepend normalizer, "hi" is looked for as "▁hi"). */
    for (size_t i = 0; i < t->nadded; i++) {
        tk_added *a = &t->added[i];
        const char *s = t->added_map.blob + a->off;
        size_t n = a->len;
        tk_trie *tr = &t->trie_raw;
        if (a->normalized && t->nnorm) {
            tr = &t->trie_norm;
            int rc = tk_normalize(t, s, n, &t->nbuf);
            if (rc)
                return ts_err_set(err, rc, "added token %zu: %s", i, ts_strerror(rc));
            s = t->nbuf.data ? t->nbuf.data : "";
            n = t->nbuf.len;
        }
        if (tk_trie_add(tr, s, n, (int32_t)i))
            return TS_ENOMEM;
    }
    return 0;
}

int ts_tokenizer_load_json(const char *p, size_t n, ts_tokenizer **out, ts_err *err)
{
    *out = NULL;
    ts_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    t->trie_raw.empty = t->trie_norm.empty = true;
    for (int i = 0; i < 2; i++)
        ts_buf_init(&t->pbuf[i], 0);
    ts_buf_init(&t->nbuf, 0);
    ts_buf_init(&t->mbuf, 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *root;
    int rc = ts_json_parse(p, n, &a, NULL, &root, err);
    if (!rc && !ts_json_is(root, TS_JSON_OBJECT))
        rc = ts_err_set(err, TS_ESCHEMA, "tokenizer.json is not an object");
    if (!rc) {
        t->md = pcre2_match_data_create(4, NULL);
        t->mctx = pcre2_match_context_create(NULL);
        t->jit_stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, NULL);
        if (!t->md || !t->mctx || !t->jit_stack)
            rc = ts_err_set(err, TS_ENOMEM, "out of memory");
        else
            pcre2_jit_stack_assign(t->mctx, NULL, t->jit_stack);
    }
    if (!rc)
        rc = load_model(t, ts_json_get(root, "model"), err);
    if (!rc)
        rc = tk_load_pipeline(t, root, err);
    if (!rc)
        rc = load_added(t, ts_json_get(root, "added_tokens"), err);
    if (!rc && (tk_build_id_table(t) || tk_meta_split_init(t) || tk_cache_init(&t->cache, 1u << 15)))
        rc = ts_err_set(err, TS_ENOMEM, "out of memory");
    ts_arena_release(&a);
    if (rc) {
        if (err && !err->code)
            ts_err_set(err, rc, "%s", ts_strerror(rc));
        ts_tokenizer_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int ts_tokenizer_load(const char *path, ts_tokenizer **out, ts_err *err)
{
    *out = NULL;
    char buf[4096];
    struct stat st;
    const char *file = path;
    if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
        snprintf(buf, sizeof buf, "%s/tokenizer.json", path);
        file = buf;
    }
    FILE *f = fopen(file, "rb");
    if (!f) {
        int en = errno;
        ts_err_set(err, en == ENOENT ? TS_ENOENT : TS_EIO, "cannot open %s: %s", file, strerror(en));
        if (err)
            err->file = path;
        return en == ENOENT ? TS_ENOENT : TS_EIO;
    }
    ts_buf b;
    ts_buf_init(&b, (size_t)1 << 31);
    char chunk[65536];
    size_t k;
    int rc = 0;
    while (!rc && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = ts_buf_append(&b, chunk, k);
    if (!rc && ferror(f))
        rc = TS_EIO;
    fclose(f);
    if (rc) {
        ts_buf_release(&b);
        return ts_err_set(err, rc, "reading %s: %s", file, ts_strerror(rc));
    }
    rc = ts_tokenizer_load_json(b.data ? b.data : "", b.len, out, err);
    ts_buf_release(&b);
    if (rc && err && !err->file)
        err->file = path;
    return rc;
}

void ts_tokenizer_free(ts_tokenizer *t)
{
    if (!t)
        return;
    tk_strmap_free(&t->vocab);
    tk_pairmap_free(&t->merges);
    free(t->id_ptr);
    free(t->id_len);
    free(t->is_special);
    free(t->bmp_id);
    free(t->meta_keep);
    free(t->prefix);
    free(t->suffix);
    free(t->added);
    tk_trie_free(&t->trie_raw);
    tk_trie_free(&t->trie_norm);
    tk_strmap_free(&t->added_map);
    for (size_t i = 0; i < t->nnorm; i++) {
        free(t->norm[i].a);
        free(t->norm[i].b);
        pcre2_code_free(t->norm[i].re);
    }
    free(t->norm);
    for (size_t i = 0; i < t->npre; i++) {
        pcre2_code_free(t->pre[i].re);
        free(t->pre[i].lit);
    }
    free(t->pre);
    for (size_t i = 0; i < t->ndec; i++) {
        free(t->dec[i].a);
        free(t->dec[i].b);
    }
    free(t->dec);
    pcre2_match_data_free(t->md);
    pcre2_match_context_free(t->mctx);
    pcre2_jit_stack_free(t->jit_stack);
    ts_buf_release(&t->nbuf);
    ts_buf_release(&t->mbuf);
    for (int i = 0; i < 2; i++) {
        ts_buf_release(&t->pbuf[i]);
        free(t->spans[i]);
    }
    free(t->mt);
    free(t->bpe_sym);
    free(t->bpe_heap);
    tk_cache_free(&t->cache);
    ts_tok_ids_release(&t->count_ids);
    free(t);
}
