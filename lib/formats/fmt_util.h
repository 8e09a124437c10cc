/* Helpers shared by the importers. Internal to lib/formats. */
#ifndef TS_FMT_UTIL_H
#define TS_FMT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "tuneset/format.h"
#include "tuneset/record.h"

/* The string value of obj[key], or NULL when missing or not a string. */
const ts_json *fmt_str(const ts_json *obj, const char *key);
/* printf into the arena; NULL on ENOMEM. */
char *fmt_printf(ts_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* a + sep + b into the arena (b may be empty: then just a). *len set. */
const char *fmt_join(ts_arena *a, const char *x, size_t xlen, const char *sep, const char *y,
                     size_t ylen, size_t *len);
/* Folder name just above the file in path ("data/helpful-base/train.jsonl.gz"
 * -> "helpful-base"), and the file's base name without extensions
 * ("train"). Written into out (cap bytes); "" when there is none. */
void fmt_path_parent(const char *path, char *out, size_t cap);
void fmt_path_stem(const char *path, char *out, size_t cap);
/* Reads a text file of one phrase a line (blank lines and '#' comments
 * skipped) into a NULL-terminated array in the arena. */
int fmt_read_lines(ts_arena *a, const char *path, const char ***out, size_t *n, ts_err *err);
/* True when the comma-separated list contains s (exact match). */
bool fmt_list_has(const char *list, const char *s, size_t n);

/* --- conversation importers (alpaca, dolly, sharegpt, ultrachat, s1k) --- */

/* obj[key] as a string. When it is missing or not a string, returns NULL
 * and sets *why to a reject reason ("missing field 'key'") in the arena. */
const ts_json *fmt_req_str(const ts_json *obj, const char *key, ts_arena *a, const char **why);

/* One turn of a conversation being assembled; all text borrowed. */
typedef struct fmt_msg {
    const char *role; /* "system", "user" or "assistant" */
    const char *s;
    size_t len;
    const char *reasoning; /* assistant only; NULL = none */
    size_t rlen;
} fmt_msg;

/* The drop rule a list of turns breaks, or NULL when it makes a valid SFT
 * conversation: "no_turns", "empty_turn", "misplaced_system",
 * "first_turn_not_user", "not_alternating", "no_assistant_turn". */
const char *fmt_msgs_problem(const fmt_msg *m, size_t n);

/* Appends "messages": [...] to the open record object. */
void fmt_jb_messages(ts_jb *b, const fmt_msg *m, size_t n);

/* Appends "id": "<source>/<own>" (or "<source>/<row>" when own is NULL)
 * and "source": source to the open record object. */
void fmt_jb_id_source(ts_jb *b, const char *source, const char *own, size_t ownlen, uint64_t row);

/* The source's own id when v is a non-empty string or a number. */
bool fmt_own_id(const ts_json *v, const char **s, size_t *n);

/* Finishes the record in b and emits it. A build or write failure is
 * fatal (err filled, negative code returned). */
int fmt_emit(ts_jb *b, ts_sink *sink, ts_err *err);

/* Reject / drop the current input record; both return 0 so a record()
 * can end with `return fmt_drop(sink, "rule");`. */
int fmt_reject(ts_sink *sink, const char *why);
int fmt_drop(ts_sink *sink, const char *rule);

/* --- preference importers (hh-rlhf, shp, ultrafeedback) --- */

/* Appends "key": [{"role","content"}...] to the open record object
 * (fmt_jb_messages with any key: "prompt", "chosen", "rejected"). */
void fmt_jb_msg_list(ts_jb *b, const char *key, const fmt_msg *m, size_t n);

/* Where two conversations part into a preference pair: the length of
 * their longest common run of whole turns (same role, same text) that
 * ends with a user turn; 0 when they share no user turn. */
size_t fmt_pref_split(const fmt_msg *c, size_t nc, const fmt_msg *r, size_t nr);

/* splitmix64 of seed and n: a well-mixed 64-bit value, so a random choice
 * for row n depends only on (seed, n) and not on batching or threads. */
uint64_t fmt_mix64(uint64_t seed, uint64_t n);

/* Counts a step that edited the current record (sink->step may be NULL). */
static inline void fmt_step(ts_sink *sink, const char *name)
{
    if (sink->step)
        sink->step(sink->ctx, name);
}

#endif
