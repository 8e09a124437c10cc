/* tuneset — error codes and positioned error reports.
 *
 * Every library function that can fail returns int: 0 on success or a
 * negative TS_E* code. Functions that parse data also fill an optional
 * ts_err (may be NULL) with the position and a human-readable reason.
 * The library never prints and never exits; the CLI turns ts_err into
 * the one-line message the user sees.
 */
#ifndef TUNESET_ERROR_H
#define TUNESET_ERROR_H

#include <stddef.h>
#include <stdint.h>

/* One table makes both the codes and their messages. */
#define TS_ERRORS(X)                                              \
    X(TS_OK, 0, "success")                                        \
    X(TS_ENOMEM, -1, "out of memory")                             \
    X(TS_EIO, -2, "input/output error")                           \
    X(TS_ESYNTAX, -3, "JSON syntax error")                        \
    X(TS_EUTF8, -4, "invalid UTF-8")                              \
    X(TS_EDEPTH, -5, "nesting too deep")                          \
    X(TS_ETOOBIG, -6, "value exceeds size limit")                 \
    X(TS_ETRUNC, -7, "truncated input")                           \
    X(TS_ESCHEMA, -8, "record does not match the expected schema") \
    X(TS_EINVAL, -9, "invalid argument")                          \
    X(TS_ENOENT, -10, "no such file")                             \
    X(TS_ECODEC, -11, "corrupt compressed stream")                \
    X(TS_EEOF, -12, "end of stream")                              \
    X(TS_ENOTSUP, -13, "not supported")                          \
    X(TS_ENET, -14, "network or server error")                    \
    X(TS_EBUDGET, -15, "budget exhausted")                        \
    X(TS_ETEMPLATE, -16, "template error")

enum ts_code {
#define TS_ERR_ENUM_(name, value, msg) name = value,
    TS_ERRORS(TS_ERR_ENUM_)
#undef TS_ERR_ENUM_
};

/* Where and why something failed. `file` is borrowed (the caller keeps the
 * path alive); `line` is 1-based (0 = unknown); `byte` is the 0-based
 * offset in the decompressed stream (UINT64_MAX = unknown). */
typedef struct ts_err {
    int code;
    const char *file;
    uint64_t line;
    uint64_t byte;
    char msg[256];
} ts_err;

#define TS_ERR_INIT {0, NULL, 0, UINT64_MAX, {0}}

/* Static message for a code; never NULL. Thread-safe. */
const char *ts_strerror(int code);

/* Fill err (if not NULL) with code and a printf-style reason; returns code
 * so callers can write `return ts_err_set(err, TS_EINVAL, "...")`. */
int ts_err_set(ts_err *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Formats "file:line: byte N: reason" into out (always NUL-terminated). */
void ts_err_format(const ts_err *err, char *out, size_t cap);

#endif
