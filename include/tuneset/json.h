/* tuneset — JSON values, parser, writer and builder (RFC 8259).
 *
 * A parsed document is a tree of ts_json nodes allocated in one arena.
 * Strings without escapes and all numbers BORROW the input text: keep the
 * input alive as long as the tree, or deep-copy with ts_json_clone. All
 * functions are reentrant; a tree may be read from several threads.
 */
#ifndef TUNESET_JSON_H
#define TUNESET_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"

typedef enum ts_json_type {
    TS_JSON_NULL,
    TS_JSON_FALSE,
    TS_JSON_TRUE,
    TS_JSON_NUMBER, /* s/len: the exact number text from the input */
    TS_JSON_STRING, /* s/len: decoded UTF-8, not NUL-terminated */
    TS_JSON_ARRAY,  /* items[0..len) */
    TS_JSON_OBJECT  /* items[2i] = key (string), items[2i+1] = value */
} ts_json_type;

/* String flag: the bytes need no escaping when written (no '"', '\\' or
 * control characters), so writers can copy them as they are. */
#define TS_JSON_PLAIN 0x1

typedef struct ts_json {
    uint8_t type;
    uint8_t flags;
    uint32_t len;
    union {
        const char *s;
        struct ts_json *items;
    } u;
} ts_json;

typedef struct ts_json_opts {
    uint32_t max_depth;  /* nesting cap (arrays + objects); default 1000 */
    uint32_t max_string; /* bytes in one decoded string; default 1 GiB */
} ts_json_opts;

#define TS_JSON_DEFAULT_DEPTH 1000u
#define TS_JSON_DEFAULT_STRING (1u << 30)

/* Parses exactly one JSON value (whitespace around it allowed) from
 * p[0..n). opts may be NULL for defaults. On failure err->byte is the
 * offset in p where the problem was found and err->line is 0. */
int ts_json_parse(const char *p, size_t n, ts_arena *a, const ts_json_opts *opts,
                  ts_json **out, ts_err *err);

/* A reusable parser: keeps its stacks between calls, so parsing many
 * small documents (JSON Lines) allocates nothing after warm-up. */
typedef struct ts_json_parser ts_json_parser;
ts_json_parser *ts_json_parser_new(const ts_json_opts *opts);
int ts_json_parser_parse(ts_json_parser *ps, const char *p, size_t n, ts_arena *a,
                         ts_json **out, ts_err *err);
void ts_json_parser_free(ts_json_parser *ps);

/* --- reading ------------------------------------------------------------ */

/* Member of an object by key (first match), or NULL when v is not an object
 * or has no such key. Linear: objects in records are small. */
const ts_json *ts_json_get(const ts_json *obj, const char *key);
const ts_json *ts_json_getn(const ts_json *obj, const char *key, size_t klen);
/* Array element or NULL. */
const ts_json *ts_json_at(const ts_json *arr, size_t i);

static inline bool ts_json_is(const ts_json *v, ts_json_type t) { return v && v->type == t; }
static inline bool ts_json_is_bool(const ts_json *v)
{
    return v && (v->type == TS_JSON_TRUE || v->type == TS_JSON_FALSE);
}
/* True when v is a string equal to the NUL-terminated s. */
bool ts_json_str_eq(const ts_json *v, const char *s);
/* Number as double / int64: 0 on success, TS_EINVAL when v is not a number
 * (or, for int64, not an integer in range). */
int ts_json_double(const ts_json *v, double *out);
int ts_json_int64(const ts_json *v, int64_t *out);

/* Sets obj[key] = *val: replaces the first member named key, or appends
 * one (the members are copied to a larger array in a). key is borrowed.
 * 0, TS_EINVAL when obj is not an object, or TS_ENOMEM. */
int ts_json_set(ts_arena *a, ts_json *obj, const char *key, const ts_json *val);

/* Deep copy of v into a (strings and numbers copied too). NULL on ENOMEM. */
ts_json *ts_json_clone(ts_arena *a, const ts_json *v);
/* Structural equality (numbers compared as text). */
bool ts_json_equal(const ts_json *a, const ts_json *b);

/* --- writing ------------------------------------------------------------ */

/* Appends compact JSON: members in stored order, non-ASCII as raw UTF-8,
 * only '"', '\\' and control characters escaped. 0 or TS_ETOOBIG/ENOMEM. */
int ts_json_write(ts_buf *out, const ts_json *v);
int ts_json_write_string(ts_buf *out, const char *s, size_t n);
/* Appends the compact form of text, which must be one JSON value the
 * parser accepted: the bytes ts_json_write writes for the parsed value,
 * made without a tree (whitespace between tokens dropped, strings copied
 * as they are). 0; TS_EINVAL, appending nothing, when a string holds an
 * escape the writer writes differently ("\/", "\u00e9": write the tree
 * instead); or TS_ENOMEM. */
int ts_json_compact(ts_buf *out, const char *text, size_t n);

/* --- picking: validate, compact and read a few values, without a tree --- */

/* A command that reads two or three fields of each record and passes the
 * record on unchanged (dedup) need not build its tree. The picking scanner
 * makes one pass over the text that (1) accepts exactly what the parser
 * accepts, failing with the parser's own error; (2) appends the bytes
 * ts_json_write would write for the parsed value; (3) decodes the values
 * of chosen keys: "top" keys of the root object, and "inner" keys of the
 * objects one level inside a picked top value (the members of
 * meta = {...}, or of each element object of messages = [{...}, ...]).
 * Only a key's first occurrence in an object is picked, as ts_json_get
 * finds it. */
typedef struct ts_json_pick ts_json_pick;

typedef struct ts_json_hit {
    size_t off, len;     /* strings (decoded) and numbers (their text):
                            bytes [off, off+len) of ts_json_pick_text();
                            picked top arrays/objects: len = elements/members */
    uint32_t item;       /* inner hits: index of the element / member of the
                            top value they were found in */
    uint32_t first, end; /* top arrays/objects: their inner hits are
                            hits[first, end), in document order */
    uint8_t key;         /* index in the top or inner key list */
    uint8_t type;        /* ts_json_type; inner containers are not looked into */
    bool top;
} ts_json_hit;

/* top and inner: NULL-terminated key lists (NULL = none), at most 32 keys
 * each, each at most 255 bytes; they are borrowed. NULL on ENOMEM or a
 * list too long. */
ts_json_pick *ts_json_pick_new(const char *const *top, const char *const *inner, const ts_json_opts *opts);
/* Scans one JSON value text[0..n) (whitespace around it allowed); on
 * success appends its compact form to out and replaces the hits. On
 * failure appends nothing, leaves no hits and fills err exactly as
 * ts_json_parser_parse would (byte = offset in text). */
int ts_json_pick_scan(ts_json_pick *k, const char *text, size_t n, ts_buf *out, ts_err *err);
/* The hits of the last scan, in document order. */
const ts_json_hit *ts_json_pick_hits(const ts_json_pick *k, size_t *n);
/* The hit of top key number key (index in the top list), or NULL. */
const ts_json_hit *ts_json_pick_top(const ts_json_pick *k, unsigned key);
/* The buffer hits' off/len point into; valid until the next scan. At least
 * 32 bytes past the end of every value there are readable (vector code
 * may load whole blocks). */
const char *ts_json_pick_text(const ts_json_pick *k);
void ts_json_pick_free(ts_json_pick *k);

/* --- building ----------------------------------------------------------- */

/* Builds a tree in an arena with begin/end calls, the way a writer emits
 * text. Errors are sticky: check once with ts_jb_finish. Strings passed to
 * ts_jb_str are borrowed; ts_jb_strdup copies. */
typedef struct ts_jb {
    ts_arena *arena;
    ts_json *vals;
    size_t nvals, capvals;
    size_t *frames;
    size_t nframes, capframes;
    int err;
} ts_jb;

void ts_jb_init(ts_jb *b, ts_arena *a);
void ts_jb_release(ts_jb *b);
void ts_jb_object(ts_jb *b);
void ts_jb_array(ts_jb *b);
void ts_jb_end(ts_jb *b);
void ts_jb_key(ts_jb *b, const char *k); /* borrowed, NUL-terminated */
void ts_jb_str(ts_jb *b, const char *s, size_t n);
void ts_jb_cstr(ts_jb *b, const char *s); /* borrowed, NUL-terminated */
void ts_jb_strdup(ts_jb *b, const char *s, size_t n);
void ts_jb_int(ts_jb *b, int64_t v);
void ts_jb_double(ts_jb *b, double v);
void ts_jb_bool(ts_jb *b, bool v);
void ts_jb_null(ts_jb *b);
void ts_jb_value(ts_jb *b, const ts_json *v); /* shallow: shares v's children */
/* Returns the finished root (the builder is then empty and reusable), or
 * the first error. Unbalanced begin/end is TS_EINVAL. */
int ts_jb_finish(ts_jb *b, ts_json **out);

#endif
