/* Record framing over a byte stream: JSON Lines, or the elements of one
 * top-level array. The window buffer holds the record being read plus
 * read-ahead; it grows only for a record longer than itself, up to
 * max_record, so memory is bounded by the largest record, not the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "tuneset/io.h"
#include "tuneset/parquet.h"
#include "tuneset/stream.h"

enum { WINDOW = 1 << 20, RAW_CUT = 1 << 20 };

typedef enum {
    ARR_BEFORE,     /* before the opening '[' */
    ARR_FIRST,      /* after '[': an element or ']' */
    ARR_AFTER_ELEM, /* ',' or ']' */
    ARR_END,        /* after ']': only whitespace may follow */
    ARR_DONE
} arr_state;

struct ts_stream {
    ts_in *in;
    ts_parquet *pq; /* a Parquet file: rows come from its reader */
    const char *path;
    ts_json_parser *parser;
    ts_stream_opts o;
    ts_framing framing;
    char *buf;
    size_t cap, start, len; /* unread data is buf[start, len) */
    size_t scanned;         /* bytes after start already searched for '\n' */
    bool eof, fatal, skipping, saw_data, sniffed;
    int fatal_code;
    ts_err fatal_err;
    uint64_t base;       /* stream offset of buf[0] */
    uint64_t line;       /* line number at buf[start] */
    uint64_t rec_line, rec_off;
    const char *raw;
    size_t rawlen;
    arr_state arr;
};

static int set_fatal(ts_stream *s, ts_err *err, int code, uint64_t line, uint64_t off, const char *msg)
{
    s->fatal = true;
    s->fatal_code = code;
    ts_err_set(&s->fatal_err, code, "%s", msg);
    s->fatal_err.file = s->path;
    s->fatal_err.line = line;
    s->fatal_err.byte = off;
    if (err)
        *err = s->fatal_err;
    return code;
}

/* Reads more input into the window: compacts, grows if full. Returns 0
 * (check s->eof) or a fatal error. */
static int fill(ts_stream *s, ts_err *err)
{
    if (s->eof)
        return 0;
    if (s->start > 0 && (s->start >= s->len || s->len == s->cap || s->start > s->cap / 2)) {
        memmove(s->buf, s->buf + s->start, s->len - s->start);
        s->base += s->start;
        s->len -= s->start;
        s->start = 0;
    }
    if (s->len == s->cap) {
        size_t limit = s->o.max_record + WINDOW;
        if (s->cap >= limit)
            return TS_ETOOBIG; /* the caller reports it with context */
        size_t cap = s->cap * 2 > limit ? limit : s->cap * 2;
        char *b = realloc(s->buf, cap + 1);
        if (!b)
            return set_fatal(s, err, TS_ENOMEM, s->line, s->base + s->len, "out of memory");
        s->buf = b;
        s->cap = cap;
    }
    size_t got = 0;
    ts_err e = TS_ERR_INIT;
    int rc = ts_in_read(s->in, s->buf + s->len, s->cap - s->len, &got, &e);
    if (rc) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", e.msg);
        return set_fatal(s, err, rc, s->line, s->base + s->len, msg);
    }
    if (got == 0)
        s->eof = true;
    s->len += got;
    return 0;
}

int ts_stream_open(ts_stream **out, const char *path, const ts_stream_opts *opts, ts_err *err)
{
    ts_stream *s = calloc(1, sizeof *s);
    if (!s)
        return ts_err_set(err, TS_ENOMEM, NULL);
    if (opts)
        s->o = *opts;
    if (!s->o.max_record)
        s->o.max_record = TS_STREAM_DEFAULT_MAX_RECORD;
    s->path = strcmp(path, "-") ? path : "<stdin>";
    s->line = 1;
    if (strcmp(path, "-") && ts_parquet_sniff(path)) {
        ts_parquet_opts po = {.columns = s->o.columns};
        while (s->o.columns && s->o.columns[po.ncolumns])
            po.ncolumns++;
        int rc = ts_parquet_open(&s->pq, path, &po, err);
        if (rc) {
            ts_stream_close(s);
            return rc;
        }
        s->framing = TS_FRAMING_PARQUET;
        *out = s;
        return 0;
    }
    s->cap = WINDOW;
    s->buf = malloc(s->cap + 1);
    s->parser = ts_json_parser_new(&s->o.json);
    if (!s->buf || !s->parser) {
        ts_stream_close(s);
        return ts_err_set(err, TS_ENOMEM, NULL);
    }
    int rc = ts_in_open(&s->in, path, err);
    if (rc) {
        ts_stream_close(s);
        return rc;
    }
    s->framing = s->o.framing;
    *out = s;
    return 0;
}

static void count_lines(ts_stream *s, const char *p, const char *end)
{
    while ((p = memchr(p, '\n', (size_t)(end - p)))) {
        s->line++;
        p++;
    }
}

/* Skips whitespace (and a leading BOM); returns the next byte or -1 at
 * the end of input, or -2 after a fatal read error. */
static int peek(ts_stream *s, ts_err *err)
{
    for (;;) {
        if (s->base == 0 && s->start == 0 && s->len >= 3 && !memcmp(s->buf, "\xEF\xBB\xBF", 3))
            s->start = 3;
        while (s->start < s->len) {
            char c = s->buf[s->start];
            if (c == '\n')
                s->line++;
            else if (c != ' ' && c != '\t' && c != '\r')
                return (unsigned char)c;
            s->start++;
        }
        if (s->eof)
            return -1;
        if (fill(s, err))
            return -2;
    }
}

static void sniff(ts_stream *s, int first)
{
    s->sniffed = true;
    if (s->framing != TS_FRAMING_AUTO)
        return;
    size_t n = ts_path_strip_codec(s->path);
    bool lines_name = (n > 6 && !memcmp(s->path + n - 6, ".jsonl", 6)) ||
                      (n > 7 && !memcmp(s->path + n - 7, ".ndjson", 7));
    bool json_name = n > 5 && !memcmp(s->path + n - 5, ".json", 5);
    /* A file named .jsonl that opens with '[' alone on its first line is a
     * misnamed array (Anthropic's red_team_attempts.jsonl.gz is one). */
    bool bracket_line = false;
    if (first == '[') {
        size_t i = s->start + 1;
        while (i < s->len && (s->buf[i] == ' ' || s->buf[i] == '\t' || s->buf[i] == '\r'))
            i++;
        bracket_line = i < s->len && s->buf[i] == '\n';
    }
    if (first == '[' && (!lines_name || bracket_line))
        s->framing = TS_FRAMING_ARRAY;
    else if (first == '{' && json_name)
        s->framing = TS_FRAMING_VALUES;
    else
        s->framing = TS_FRAMING_LINES;
}

/* The record at buf[start] is longer than max_record: report it with a
 * cut copy of its text as raw. */
static int too_long(ts_stream *s, const char *p, size_t have, ts_err *err)
{
    s->raw = p;
    s->rawlen = have > RAW_CUT ? RAW_CUT : have;
    if (err) {
        ts_err_set(err, TS_ETOOBIG, "line longer than %zu bytes (raise --max-record)", s->o.max_record);
        err->file = s->path;
        err->line = s->rec_line;
        err->byte = s->rec_off;
    }
    return TS_ETOOBIG;
}

void ts_stream_locate(const ts_stream *s, ts_err *err)
{
    err->file = s->path;
    err->line = s->rec_line;
    size_t at = err->byte < s->rawlen ? (size_t)err->byte : s->rawlen;
    for (const char *q = s->raw; q && (q = memchr(q, '\n', (size_t)(s->raw + at - q))); q++)
        err->line++;
    err->byte = s->rec_off + at;
}

/* The record framed at [p, p+n): becomes the raw text; parsed when a is
 * given (ts_stream_next), handed out as it is otherwise. */
static int take_record(ts_stream *s, const char *p, size_t n, ts_arena *a, ts_json **v, ts_err *err)
{
    s->raw = p;
    s->rawlen = n;
    if (!a)
        return 0;
    ts_err e = TS_ERR_INIT;
    int rc = ts_json_parser_parse(s->parser, p, n, a, v, &e);
    if (!rc)
        return 0;
    if (err) {
        *err = e;
        ts_stream_locate(s, err);
    }
    return rc;
}

static int next_line(ts_stream *s, ts_arena *a, ts_json **v, ts_err *err)
{
    for (;;) {
        char *nl = NULL;
        if (s->skipping || s->len - s->start > s->scanned)
            nl = memchr(s->buf + s->start + s->scanned, '\n', s->len - s->start - s->scanned);
        if (s->skipping) {
            /* Discarding the rest of an over-long line. */
            if (nl) {
                s->start = (size_t)(nl - s->buf) + 1;
                s->line++;
                s->skipping = false;
            } else {
                s->start = s->len;
                if (s->eof)
                    s->skipping = false;
                else if (fill(s, err))
                    return s->fatal_code;
            }
            s->scanned = 0;
            continue;
        }
        size_t end;
        if (nl) {
            end = (size_t)(nl - s->buf);
        } else if (s->eof) {
            if (s->start == s->len)
                return TS_EEOF;
            end = s->len; /* last line without a newline */
        } else {
            s->scanned = s->len - s->start;
            int rc = fill(s, err);
            if (rc == TS_ETOOBIG) { /* the window is full and holds no newline */
                s->rec_line = s->line;
                s->rec_off = s->base + s->start;
                s->skipping = true; /* the rest of the line is discarded */
                s->scanned = 0;
                return too_long(s, s->buf + s->start, s->len - s->start, err);
            }
            if (rc)
                return rc;
            continue;
        }
        char *p = s->buf + s->start;
        size_t n = end - s->start;
        s->rec_line = s->line;
        s->rec_off = s->base + s->start;
        s->start = end < s->len ? end + 1 : end;
        s->scanned = 0;
        s->line++;
        if (n && p[n - 1] == '\r')
            n--;
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
            i++;
        if (i == n)
            continue; /* blank line */
        s->saw_data = true;
        if (n > s->o.max_record)
            return too_long(s, p, n, err);
        return take_record(s, p, n, a, v, err);
    }
}

/* Finds the end of the array element starting at buf[start]; returns its
 * length, or 0 with a fatal error set. Strings are skipped with the vector
 * scan; brackets only need counting, the parser checks they match. */
static size_t frame_element(ts_stream *s, ts_err *err)
{
    size_t i = 0, depth = 0;
    bool in_str = false;
    char first = s->buf[s->start];
    for (;;) {
        const uint8_t *base = (const uint8_t *)s->buf + s->start;
        const uint8_t *end = (const uint8_t *)s->buf + s->len;
        const uint8_t *p = base + i;
        while (p < end) {
            if (in_str) {
                p = tsj_scan_quote(p, end);
                if (p >= end)
                    break;
                if (*p == '\\') {
                    if (p + 1 >= end)
                        break; /* need the escaped byte too */
                    p += 2;
                    continue;
                }
                in_str = false;
                p++;
                if (first == '"')
                    return (size_t)(p - base);
                continue;
            }
            if (depth > 0) {
                /* Inside a container only quotes and brackets matter. */
                p = tsj_scan_structure(p, end);
                if (p >= end)
                    break;
            }
            uint8_t c = *p;
            if (c == '"') {
                in_str = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) /* end of a scalar element: the array's ']' */
                    return (size_t)(p - base);
                if (--depth == 0)
                    return (size_t)(p - base) + 1;
            } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
                return (size_t)(p - base);
            }
            p++;
        }
        i = (size_t)(p - base);
        if (s->eof) {
            if (depth == 0 && !in_str && i > 0)
                return i;
            set_fatal(s, err, TS_ETRUNC, s->rec_line, s->base + s->len,
                      "unexpected end of input inside an array element (truncated file?)");
            return 0;
        }
        int rc = fill(s, err);
        if (rc == TS_ETOOBIG) {
            char msg[128];
            snprintf(msg, sizeof msg, "array element longer than %zu bytes (raise --max-record)",
                     s->o.max_record);
            set_fatal(s, err, TS_ETOOBIG, s->rec_line, s->rec_off, msg);
            return 0;
        }
        if (rc)
            return 0;
    }
}

static int next_element(ts_stream *s, ts_arena *a, ts_json **v, ts_err *err)
{
    for (;;) {
        int c = peek(s, err);
        if (c == -2)
            return s->fatal_code;
        uint64_t off = s->base + s->start;
        if (s->framing == TS_FRAMING_VALUES) {
            if (c == -1)
                return TS_EEOF;
            s->arr = ARR_FIRST; /* no brackets or commas between values */
        }
        switch (s->arr) {
        case ARR_BEFORE:
            if (c != '[')
                return set_fatal(s, err, TS_ESYNTAX, s->line, off, "a JSON array ('[') is expected");
            s->start++;
            s->arr = ARR_FIRST;
            continue;
        case ARR_FIRST:
            if (c == ']') {
                s->start++;
                s->arr = ARR_END;
                continue;
            }
            break;
        case ARR_AFTER_ELEM:
            if (c == ',') {
                s->rec_line = s->line;
                s->rec_off = off;
                s->start++;
                c = peek(s, err);
                if (c == -2)
                    return s->fatal_code;
                if (c == ']') {
                    s->raw = ",]";
                    s->rawlen = 2;
                    s->arr = ARR_FIRST;
                    if (err) {
                        ts_err_set(err, TS_ESYNTAX, "trailing comma before the array's ']'");
                        err->file = s->path;
                        err->line = s->rec_line;
                        err->byte = s->rec_off;
                    }
                    return TS_ESYNTAX;
                }
                break;
            }
            if (c == ']') {
                s->start++;
                s->arr = ARR_END;
                continue;
            }
            if (c == -1)
                return set_fatal(s, err, TS_ETRUNC, s->line, off,
                                 "unexpected end of input: the top-level array is not closed");
            return set_fatal(s, err, TS_ESYNTAX, s->line, off, "',' or ']' is expected after an array element");
        case ARR_END:
            if (c == -1) {
                s->arr = ARR_DONE;
                return TS_EEOF;
            }
            return set_fatal(s, err, TS_ESYNTAX, s->line, off, "data after the end of the top-level array");
        case ARR_DONE:
            return TS_EEOF;
        }
        /* An element starts here (after a ',' the position moved on). */
        off = s->base + s->start;
        if (c == -1)
            return set_fatal(s, err, TS_ETRUNC, s->line, off,
                             "unexpected end of input: the top-level array is not closed");
        s->rec_line = s->line;
        s->rec_off = off;
        s->saw_data = true;
        size_t n = frame_element(s, err);
        if (!n) {
            if (!s->fatal)
                return set_fatal(s, err, TS_ESYNTAX, s->line, off, "a value is expected");
            return s->fatal_code;
        }
        char *p = s->buf + s->start;
        s->start += n;
        s->arr = ARR_AFTER_ELEM;
        count_lines(s, p, p + n);
        return take_record(s, p, n, a, v, err);
    }
}

/* Parquet rows: positions are row numbers (line = 1-based row, byte
 * unknown); there is no raw text to hand to rejects. */
static int next_row(ts_stream *s, ts_arena *a, ts_json **v, ts_err *err)
{
    int rc = ts_parquet_next(s->pq, a, v, err);
    s->rec_line = ts_parquet_row(s->pq) + (rc && ts_parquet_fatal(s->pq));
    s->rec_off = UINT64_MAX;
    s->raw = NULL;
    s->rawlen = 0;
    if (rc && rc != TS_EEOF && ts_parquet_fatal(s->pq))
        s->fatal = true; /* no fatal_err: the reader repeats its own */
    return rc;
}

static int next(ts_stream *s, ts_arena *a, ts_json **v, ts_err *err)
{
    if (s->fatal) {
        if (err)
            *err = s->fatal_err;
        return s->fatal_code;
    }
    if (!s->sniffed) {
        int c = peek(s, err);
        if (c == -2)
            return s->fatal_code;
        if (c == -1)
            return set_fatal(s, err, TS_ESYNTAX, 1, s->base + s->start, "empty input: no JSON records");
        if (s->base == 0 && s->len - s->start >= 4 && !memcmp(s->buf + s->start, "PAR1", 4))
            return set_fatal(s, err, TS_ENOTSUP, 1, 0, "Parquet is read from a regular file, not a pipe or stdin");
        sniff(s, c);
    }
    if (s->framing == TS_FRAMING_ARRAY || s->framing == TS_FRAMING_VALUES)
        return next_element(s, a, v, err);
    return next_line(s, a, v, err);
}

int ts_stream_next(ts_stream *s, ts_arena *a, ts_json **v, ts_err *err)
{
    if (s->pq)
        return next_row(s, a, v, err);
    return next(s, a, v, err);
}

int ts_stream_next_raw(ts_stream *s, const char **p, size_t *n, ts_err *err)
{
    if (s->pq)
        return ts_err_set(err, TS_ENOTSUP, "a Parquet stream has no record text");
    int rc = next(s, NULL, NULL, err);
    *p = s->raw;
    *n = s->rawlen;
    return rc;
}

bool ts_stream_fatal(const ts_stream *s) { return s->fatal; }

const char *ts_stream_raw(const ts_stream *s, size_t *len)
{
    *len = s->rawlen;
    return s->raw;
}

uint64_t ts_stream_line(const ts_stream *s) { return s->rec_line; }
uint64_t ts_stream_offset(const ts_stream *s) { return s->rec_off; }
uint64_t ts_stream_bytes(const ts_stream *s)
{
    return s->pq ? ts_parquet_bytes_done(s->pq) : s->base + s->start;
}
ts_framing ts_stream_framing(const ts_stream *s) { return s->framing; }
const char *ts_stream_path(const ts_stream *s) { return s->path; }

void ts_stream_close(ts_stream *s)
{
    if (!s)
        return;
    ts_in_close(s->in);
    ts_parquet_close(s->pq);
    ts_json_parser_free(s->parser);
    free(s->buf);
    free(s);
}
