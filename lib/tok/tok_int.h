/* Internals of the tokenizer layer (lib/tok): the loaded model, its
 * pipeline stages as data, and the hash maps they use. Prefix tk_. */
#ifndef TS_TOK_INT_H
#define TS_TOK_INT_H

#include <stdbool.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "tuneset/tokenizer.h"

/* --- maps (map.c) ------------------------------------------------------- */

/* Byte string -> u32, open addressing; keys copied into one blob. */
typedef struct tk_strmap {
    char *blob;
    size_t blen, bcap;
    uint32_t *off, *len, *val; /* entries */
    size_t n, cap;
    uint32_t *slots; /* entry index + 1; 0 = empty */
    size_t mask;
} tk_strmap;
int tk_strmap_put(tk_strmap *m, const char *s, size_t n, uint32_t val);
/* Returns 1 and sets *val when found. */
int tk_strmap_get(const tk_strmap *m, const char *s, size_t n, uint32_t *val);
void tk_strmap_free(tk_strmap *m);

/* (left id, right id) -> (rank, merged id); later puts replace earlier
 * ones, as in the Rust HashMap the reference builds from the merge list. */
typedef struct tk_pairslot {
    uint64_t key; /* UINT64_MAX = empty */
    uint32_t rank, newid;
} tk_pairslot;
/* One 16-byte slot per entry, so a probe touches one cache line: the merge
 * loop spends most of its time here. */
typedef struct tk_pairmap {
    tk_pairslot *slots;
    size_t n, mask;
} tk_pairmap;
int tk_pairmap_put(tk_pairmap *m, uint64_t key, uint32_t rank, uint32_t newid);
static inline uint64_t tk_pair(uint32_t a, uint32_t b) { return ((uint64_t)a << 32) | b; }
int tk_pairmap_get(const tk_pairmap *m, uint64_t key, uint32_t *rank, uint32_t *newid);
void tk_pairmap_free(tk_pairmap *m);

/* Bounded cache: piece bytes -> ids. Cleared whole when full. */
typedef struct tk_cache {
    uint64_t *hash;
    uint32_t *koff, *klen, *voff, *vlen; /* entry arrays */
    uint32_t *slots;
    size_t n, cap, mask;
    char *keys;
    size_t kused, kcap;
    uint32_t *vals;
    size_t vused, vcap;
} tk_cache;
int tk_cache_init(tk_cache *c, size_t max_entries);
/* Returns the cached ids (and *n) or NULL. */
const uint32_t *tk_cache_get(const tk_cache *c, const char *k, size_t kn, size_t *n);
void tk_cache_put(tk_cache *c, const char *k, size_t kn, const uint32_t *ids, size_t n);
void tk_cache_free(tk_cache *c);

uint64_t tk_hash(const char *s, size_t n);

/* --- pipeline stages as data ------------------------------------------- */

typedef enum {
    TK_N_NFC, TK_N_NFD, TK_N_NFKC, TK_N_NFKD, TK_N_LOWER, TK_N_PREPEND, TK_N_REPLACE, TK_N_STRIP
} tk_norm_kind;

typedef struct tk_norm {
    tk_norm_kind kind;
    char *a, *b; /* PREPEND: a; REPLACE: pattern a (literal or regex) -> b */
    size_t alen, blen;
    pcre2_code *re; /* REPLACE with a Regex pattern */
    bool left, right; /* STRIP */
} tk_norm;

typedef enum { TK_B_REMOVED, TK_B_ISOLATED, TK_B_PREV, TK_B_NEXT, TK_B_CONTIG } tk_behavior;
typedef enum { TK_P_SPLIT, TK_P_BYTELEVEL, TK_P_METASPACE, TK_P_DIGITS } tk_pre_kind;
typedef enum { TK_PREPEND_ALWAYS, TK_PREPEND_FIRST, TK_PREPEND_NEVER } tk_prepend;

typedef struct tk_pre {
    tk_pre_kind kind;
    pcre2_code *re; /* SPLIT regex, or BYTELEVEL's GPT-2 regex */
    char *lit;      /* SPLIT with a String pattern */
    size_t litlen;
    tk_behavior behavior;
    bool invert;
    bool add_prefix_space, use_regex; /* BYTELEVEL */
    char repl[8];                     /* METASPACE replacement (UTF-8) */
    size_t repllen;
    tk_prepend prepend;
    bool split;      /* METASPACE */
    bool individual; /* DIGITS */
} tk_pre;

typedef enum { TK_D_BYTELEVEL, TK_D_BYTEFALLBACK, TK_D_FUSE, TK_D_STRIP, TK_D_REPLACE, TK_D_METASPACE } tk_dec_kind;
typedef struct tk_dec {
    tk_dec_kind kind;
    char *a, *b; /* REPLACE a -> b; STRIP/METASPACE: a = the character */
    size_t alen, blen;
    uint32_t start, stop; /* STRIP */
    tk_prepend prepend;   /* METASPACE */
} tk_dec;

typedef struct tk_added {
    uint32_t id, off, len; /* content in ts_tokenizer.added_map.blob */
    bool special, lstrip, rstrip, single_word, normalized;
} tk_added;

/* Leftmost-longest matcher over added tokens: a byte trie. */
typedef struct tk_trie {
    tk_pairmap edges;  /* (node, byte) -> child (in newid) */
    int32_t *term;     /* node -> added token index, or -1 */
    size_t nnodes, capnodes;
    uint8_t first[256]; /* bytes that can start a token */
    bool empty;
} tk_trie;

typedef struct tk_span {
    uint32_t off, len;
    bool first; /* starts at the original text's offset 0 (Metaspace "first") */
} tk_span;

struct ts_tokenizer {
    /* model */
    tk_strmap vocab;
    tk_pairmap merges;
    uint32_t vocab_size;       /* one past the largest id (model or added) */
    const char **id_ptr; /* id -> token text (NULL = no such id) */
    uint32_t *id_len;
    int64_t unk_id;
    bool byte_fallback, fuse_unk, ignore_merges;
    char *prefix, *suffix; /* continuing_subword_prefix, end_of_word_suffix (NULL = none) */
    size_t prefixlen, suffixlen;
    int32_t fallback_id[256]; /* <0xNN> ids, -1 when absent */
    int32_t *bmp_id; /* code point < 0x10000 -> vocab id or -1 (no prefix/suffix); NULL = use the map */
    uint8_t *meta_keep; /* see tk_meta_split_init; NULL = pieces are not cut at U+2581 */
    /* added tokens */
    tk_added *added;
    size_t nadded;
    tk_trie trie_raw, trie_norm;
    tk_strmap added_map; /* content -> index in added */
    uint8_t *is_special; /* id -> 1 for special added tokens */
    /* pipeline */
    tk_norm *norm;
    size_t nnorm;
    tk_pre *pre;
    size_t npre;
    bool lazy_bytes; /* the last pre-tokenizer is ByteLevel: the model maps bytes itself */
    tk_dec *dec;
    size_t ndec;
    const char *dec_unsupported; /* decoder type we cannot run (decode fails), or NULL */
    /* scratch (why encode is not thread-safe) */
    pcre2_match_data *md;
    pcre2_jit_stack *jit_stack;
    pcre2_match_context *mctx;
    ts_buf nbuf, pbuf[2], mbuf;
    tk_span *spans[2], *mt;
    size_t capmt;
    size_t nspans[2], capspans[2];
    void *bpe_sym, *bpe_heap;
    size_t bpe_symcap, bpe_heapcap;
    uint32_t *word;
    size_t wordcap;
    tk_cache cache;
    ts_tok_ids count_ids;
};

/* byte-level map (pretok.c): the GPT-2 byte -> printable character table */
extern const uint16_t tk_byte_char[256];
/* Appends the byte-level mapping of s[0..n) to out. */
int tk_bytes_to_unicode(const char *s, size_t n, ts_buf *out);
int tk_unicode_to_byte(uint32_t cp); /* -1 when cp is not in the map */
size_t tk_put_utf8(char *o, uint32_t cp); /* writes 1-4 bytes, returns how many */

pcre2_code *tk_regex(const char *pat, size_t n, ts_err *err);
int tk_normalize(ts_tokenizer *t, const char *s, size_t n, ts_buf *out);
/* Runs the pre-tokenizers on s[0..n); the spans land in t->spans[*which]
 * over t->pbuf[*which] (or over s itself when *borrowed). */
int tk_pretokenize(ts_tokenizer *t, const char *s, size_t n, bool first, int *which,
                   const char **base);
int tk_bpe(ts_tokenizer *t, const char *s, size_t n, ts_tok_ids *out);
int tk_ids_push(ts_tok_ids *v, uint32_t id);
/* Next added-token match in s[from..n): 1 with [*ms,*me) and the token
 * index (after lstrip/rstrip/single_word rules), 0 when none. */
int tk_added_find(const ts_tokenizer *t, const tk_trie *tr, const char *s, size_t n, size_t from,
                  size_t *ms, size_t *me, size_t *idx);
int tk_trie_add(tk_trie *tr, const char *s, size_t n, int32_t idx);
void tk_trie_free(tk_trie *tr);
/* SentencePiece-style models (Llama 2, Gemma) have no pre-tokenizer split:
 * a whole text is one BPE piece, too long for the cache. When no merge can
 * join a symbol ending in X to one starting with U+2581, cutting the piece
 * before "X▁" changes no id; meta_keep marks the X (code points < 0x10000)
 * before which a cut is NOT safe (filled while the merges load; dropped
 * here unless the cut is sound and pays: no ignore_merges, no byte-level
 * or Metaspace split, U+2581 in the vocabulary). */
int tk_meta_split_init(ts_tokenizer *t);
/* id -> text tables and bmp_id, once every string is in its final place. */
int tk_build_id_table(ts_tokenizer *t);
int tk_load_pipeline(ts_tokenizer *t, const void *root, ts_err *err);
const char *tk_find(const char *h, size_t hn, const char *nd, size_t nn);
bool tk_is_ws(uint32_t c); /* Unicode White_Space */
size_t tk_utf8_valid(const char *s, size_t n); /* length of the valid prefix */
uint32_t tk_utf8_next(const char *s, size_t n, size_t *i);

#endif
