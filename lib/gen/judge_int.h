/* Text helpers for reading judge replies, shared by the feedback and kwk
 * parsers. Internal to lib/gen. Judges answer in prose, Markdown, JSON or
 * JSON in a code fence, so the helpers look for labels and values the way
 * a reader would: case-insensitively, skipping Markdown emphasis. */
#ifndef TS_GEN_JUDGE_INT_H
#define TS_GEN_JUDGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/json.h"

/* Case-insensitive search for the NUL-terminated needle in p[0..n);
 * NULL when absent. */
const char *jt_find(const char *p, size_t n, const char *needle);

/* The JSON value in a reply: the whole reply, a ``` fenced block, or the
 * span from the first '{' (or '[') to the last '}' (or ']'). NULL when
 * none of them parses. */
const ts_json *jt_json(const char *p, size_t n, ts_arena *a);

/* Object member by any of the NUL-terminated names (NULL-terminated list),
 * compared case-insensitively. */
const ts_json *jt_get(const ts_json *obj, const char *const *names);

/* A 1..max integer at p (after Markdown marks, brackets and spaces:
 * "**4**", "[[4]]", "(4)", "4/5", "4.0"); 0 when there is none. */
int jt_int_at(const char *p, const char *end, int max);

/* A JSON number or string holding a 1..max integer; 0 otherwise. */
int jt_json_int(const ts_json *v, int max);

/* True when c may not continue a word (so "rating" is not in "ratings"). */
bool jt_boundary(char c);

/* Skips spaces and Markdown marks (' ', '\t', '*', '_', '#', '>', '-'). */
const char *jt_skip_marks(const char *p, const char *end);

/* Trims spaces, newlines and Markdown emphasis from both ends of [*s, *s+*n). */
void jt_trim(const char **s, size_t *n);

/* Appends a chat-completions body: {"model"?, "messages": [system?, user],
 * "seed", "temperature"?, "top_p"?, "max_tokens"?, "response_format"?}.
 * model and system may be NULL; temperature / top_p < 0 and max_tokens
 * <= 0 are left out. 0 or a ts_buf error. */
int jt_request(ts_buf *out, const char *model, const char *system, const char *user, size_t ulen,
               uint64_t seed, double temperature, double top_p, int64_t max_tokens, bool json_mode);

#endif
