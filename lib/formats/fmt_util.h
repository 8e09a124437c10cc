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

#endif
