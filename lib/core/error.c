#include "tuneset/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ts_strerror(int code)
{
    switch (code) {
#define TS_ERR_CASE_(name, value, msg) \
    case value:                        \
        return msg;
        TS_ERRORS(TS_ERR_CASE_)
#undef TS_ERR_CASE_
    }
    return "unknown error";
}

int ts_err_set(ts_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->msg, sizeof err->msg, "%s", ts_strerror(code));
    }
    return code;
}

void ts_err_format(const ts_err *err, char *out, size_t cap)
{
    if (!cap)
        return;
    const char *file = err->file ? err->file : "<input>";
    const char *msg = err->msg[0] ? err->msg : ts_strerror(err->code);
    int n;
    if (err->line && err->byte != UINT64_MAX)
        n = snprintf(out, cap, "%s:%llu: byte %llu: %s", file,
                     (unsigned long long)err->line,
                     (unsigned long long)err->byte, msg);
    else if (err->line)
        n = snprintf(out, cap, "%s:%llu: %s", file,
                     (unsigned long long)err->line, msg);
    else if (err->byte != UINT64_MAX)
        n = snprintf(out, cap, "%s: byte %llu: %s", file,
                     (unsigned long long)err->byte, msg);
    else
        n = snprintf(out, cap, "%s: %s", file, msg);
    (void)n;
}
