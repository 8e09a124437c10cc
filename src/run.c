/* The record-processing driver shared by data commands: it keeps the
 * contracts (counts add up, bad input reported with its position and
 * set aside, atomic outputs, progress on a terminal). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tuneset/parquet_write.h"

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double run_elapsed(const cli_run *r)
{
    return cli_now() - ((double)r->t0.tv_sec + (double)r->t0.tv_nsec / 1e9);
}

int run_begin(cli_run *r, const char *cmd, cli_common *c, const char *out_path)
{
    memset(r, 0, sizeof *r);
    r->cmd = cmd;
    r->c = c;
    r->mode = strcmp(c->on_error, "skip") ? ON_ERROR_FAIL : ON_ERROR_SKIP;
    r->sopts.max_record = c->max_record;
    r->sopts.json.max_depth = (uint32_t)c->max_depth;
    r->sopts.framing = !strcmp(c->framing, "lines")    ? TS_FRAMING_LINES
                       : !strcmp(c->framing, "array")  ? TS_FRAMING_ARRAY
                       : !strcmp(c->framing, "values") ? TS_FRAMING_VALUES
                                                       : TS_FRAMING_AUTO;
    ts_stats_init(&r->st);
    ts_arena_init(&r->arena);
    ts_buf_init(&r->line, 0);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->last_progress = r->t0;
    r->tty = !c->quiet && isatty(2);
    r->max_shown = 10;
    ts_err e = TS_ERR_INIT;
    char msg[512];
    size_t n = out_path ? strlen(out_path) : 0;
    if (n > 8 && !strcmp(out_path + n - 8, ".parquet")) {
        ts_parquet_write_opts po = {.row_group_rows = (size_t)c->row_group_rows};
        if (c->compression && ts_parquet_codec_parse(c->compression, &po.codec)) {
            cli_error(cmd, "--compression must be snappy, zstd, gzip or none, not '%s'", c->compression);
            return EXIT_USAGE;
        }
        if (ts_parquet_writer_open(&r->pq, out_path, &po, &e)) {
            ts_err_format(&e, msg, sizeof msg);
            cli_error(cmd, "%s", msg);
            return EXIT_IO;
        }
    } else if (c->compression) {
        cli_error(cmd, "--compression applies to .parquet output (.gz/.zst names compress JSON Lines)");
        return EXIT_USAGE;
    } else if (out_path && ts_out_open(&r->out, out_path, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error(cmd, "%s", msg);
        return EXIT_IO;
    }
    if (c->rejects && ts_out_open(&r->rej, c->rejects, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error(cmd, "%s", msg);
        ts_out_abort(r->out);
        ts_parquet_writer_abort(r->pq);
        r->out = NULL;
        r->pq = NULL;
        return EXIT_IO;
    }
    return 0;
}

void run_progress(cli_run *r)
{
    if (!r->tty)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - r->t0.tv_sec) + (double)(now.tv_nsec - r->t0.tv_nsec) / 1e9;
    double dl = (double)(now.tv_sec - r->last_progress.tv_sec) +
                (double)(now.tv_nsec - r->last_progress.tv_nsec) / 1e9;
    if (el < 1.0 || dl < 0.25)
        return;
    r->last_progress = now;
    uint64_t bytes = r->done_bytes + (r->cur ? ts_stream_bytes(r->cur) : 0);
    fprintf(stderr, "\r\033[Ktuneset %s: %llu records, %.1f MB, %.1f MB/s, %.1f s", r->cmd,
            (unsigned long long)r->st.read, (double)bytes / 1e6, (double)bytes / 1e6 / el, el);
    r->progress_shown = true;
}

int run_fail(cli_run *r, int code, const char *msg)
{
    cli_error(r->cmd, "%s", msg);
    r->exit_code = code;
    r->stop = true;
    return code;
}

int run_fail_err(cli_run *r, int code, const char *prefix, const ts_err *e)
{
    char msg[600];
    ts_err_format(e, msg, sizeof msg);
    cli_error(r->cmd, "%s%s%s", prefix ? prefix : "", prefix ? ": " : "", msg);
    r->exit_code = code;
    r->stop = true;
    return code;
}

/* Records are encoded into r->line back to back and handed to the output
 * in blocks of about 1 MiB: one copy less than writing each line. */
enum { EMIT_BLOCK = 1 << 20 };

static int flush_lines(cli_run *r)
{
    ts_err e = TS_ERR_INIT;
    int rc = 0;
    if (r->out && r->line.len)
        rc = ts_out_write(r->out, r->line.data, r->line.len, &e);
    r->line.len = 0;
    if (rc)
        return run_fail_err(r, EXIT_IO, NULL, &e);
    return 0;
}

/* Parquet output: the writer copies the record; one that does not fit the
 * schema fixed by the first row group is a reject, like a bad input. */
static int emit_parquet(cli_run *r, const ts_json *rec)
{
    ts_err e = TS_ERR_INIT;
    int rc = ts_parquet_writer_add(r->pq, rec, &e);
    if (rc == TS_ESCHEMA)
        return run_reject_here(r, "Parquet output: %.200s", e.msg);
    if (rc)
        return run_fail_err(r, EXIT_IO, NULL, &e);
    r->st.written++;
    return 0;
}

int run_emit(cli_run *r, const ts_json *rec)
{
    if (r->pq)
        return emit_parquet(r, rec);
    size_t mark = r->line.len;
    int rc = ts_json_write(&r->line, rec);
    if (!rc)
        rc = ts_buf_putc(&r->line, '\n');
    if (rc) {
        r->line.len = mark;
        cli_error(r->cmd, "cannot encode a record: %s", ts_strerror(rc));
        r->exit_code = EXIT_IO;
        r->stop = true;
        return EXIT_IO;
    }
    r->st.written++;
    if (r->line.len >= EMIT_BLOCK)
        return flush_lines(r);
    return 0;
}

int run_emit_line(cli_run *r)
{
    if (ts_buf_putc(&r->line, '\n'))
        return run_fail(r, EXIT_IO, "out of memory");
    r->st.written++;
    if (r->line.len >= EMIT_BLOCK)
        return flush_lines(r);
    return 0;
}

int run_side_write(cli_run *r, ts_out *out, ts_buf *line, const ts_json *rec, const char *what)
{
    ts_err e = TS_ERR_INIT;
    line->len = 0;
    if (ts_json_write(line, rec) || ts_buf_putc(line, '\n'))
        return run_fail(r, EXIT_IO, "cannot encode a record");
    if (ts_out_write(out, line->data, line->len, &e))
        return run_fail_err(r, EXIT_IO, what, &e);
    return 0;
}

void run_drop(cli_run *r, const char *rule) { ts_stats_drop(&r->st, rule); }

static bool valid_utf8(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p, *end = s + n;
    while (s < end) {
        if (*s < 0x80) {
            s++;
            continue;
        }
        /* Same rules as the parser: no overlongs, surrogates or > U+10FFFF. */
        unsigned c = *s;
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (c < 0xC2 || c > 0xF4 || (size_t)(end - s) < len)
            return false;
        for (size_t i = 1; i < len; i++)
            if ((s[i] & 0xC0) != 0x80)
                return false;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
            (c == 0xF4 && s[1] > 0x8F))
            return false;
        s += len;
    }
    return true;
}

static void append_base64(ts_buf *b, const unsigned char *p, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {t[v >> 18 & 63], t[v >> 12 & 63], i + 1 < n ? t[v >> 6 & 63] : '=',
                     i + 2 < n ? t[v & 63] : '='};
        ts_buf_append(b, q, 4);
    }
}

int run_reject(cli_run *r, const ts_err *e, const char *raw, size_t rawlen)
{
    r->st.rejected++;
    char msg[600];
    ts_err_format(e, msg, sizeof msg);
    if (!raw && r->cur)
        raw = ts_stream_raw(r->cur, &rawlen);
    if (r->rej) {
        /* {"file","line","byte","error","raw"} — raw is the record's text as
         * read; bytes that are not UTF-8 go as base64 so nothing is lost. */
        ts_buf b;
        ts_buf_init(&b, 0);
        char num[64];
        ts_buf_append(&b, "{\"file\":", 8);
        const char *f = e->file ? e->file : "";
        ts_json_write_string(&b, f, strlen(f));
        snprintf(num, sizeof num, ",\"line\":%llu", (unsigned long long)e->line);
        ts_buf_append(&b, num, strlen(num));
        if (e->byte != UINT64_MAX) {
            snprintf(num, sizeof num, ",\"byte\":%llu", (unsigned long long)e->byte);
            ts_buf_append(&b, num, strlen(num));
        }
        ts_buf_append(&b, ",\"error\":", 9);
        const char *why = e->msg[0] ? e->msg : ts_strerror(e->code);
        ts_json_write_string(&b, why, strlen(why));
        if (raw && valid_utf8(raw, rawlen)) {
            ts_buf_append(&b, ",\"raw\":", 7);
            ts_json_write_string(&b, raw, rawlen);
        } else if (raw) {
            ts_buf_append(&b, ",\"raw_base64\":\"", 15);
            append_base64(&b, (const unsigned char *)raw, rawlen);
            ts_buf_putc(&b, '"');
        }
        ts_buf_append(&b, "}\n", 2);
        ts_err we = TS_ERR_INIT;
        if (ts_out_write(r->rej, b.data, b.len, &we))
            run_fail_err(r, EXIT_IO, "--rejects", &we);
        ts_buf_release(&b);
    }
    if (r->mode == ON_ERROR_SKIP && !r->c->quiet && r->shown++ < r->max_shown) {
        if (r->progress_shown)
            fputs("\r\033[K", stderr);
        fprintf(stderr, "%s\n", msg);
    }
    if (r->mode == ON_ERROR_FAIL) {
        if (r->progress_shown)
            fputs("\r\033[K", stderr);
        cli_error(r->cmd, "%s", msg);
        fprintf(stderr, "tuneset %s: stopped at the first bad record (--on-error skip sets bad records aside)\n",
                r->cmd);
        if (!r->exit_code)
            r->exit_code = EXIT_DATA;
        r->stop = true;
        return EXIT_DATA;
    }
    return 0;
}

int run_reject_here(cli_run *r, const char *fmt, ...)
{
    ts_err e = TS_ERR_INIT;
    e.code = TS_ESCHEMA;
    if (r->cur) {
        e.file = ts_stream_path(r->cur);
        e.line = ts_stream_line(r->cur);
        e.byte = ts_stream_offset(r->cur);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    return run_reject(r, &e, NULL, 0);
}

/* One record of s to fn (a tree) or raw (its text, JSON inputs only).
 * Returns 1 at the end of s, -1 to stop reading s, 0 to go on. */
static int next_record(cli_run *r, ts_stream *s, cli_record_fn fn, cli_raw_fn raw, void *ctx)
{
    ts_json *rec = NULL;
    const char *text = NULL;
    size_t len = 0;
    ts_arena_reset(&r->arena);
    ts_err e = TS_ERR_INIT;
    bool as_text = raw && ts_stream_framing(s) != TS_FRAMING_PARQUET;
    int rc = as_text ? ts_stream_next_raw(s, &text, &len, &e) : ts_stream_next(s, &r->arena, &rec, &e);
    if (rc == TS_EEOF)
        return 1;
    r->st.read++;
    if (rc) {
        if (rc == TS_EIO || rc == TS_ENOMEM) {
            r->st.read--; /* not a record: the file itself failed */
            run_fail_err(r, EXIT_IO, NULL, &e);
            return -1;
        }
        run_reject(r, &e, NULL, 0);
        return ts_stream_fatal(s) ? -1 : 0; /* a fatal error: the rest cannot be framed */
    }
    int frc = as_text ? raw(r, text, len, ctx) : fn(r, rec, ctx);
    if (frc && !r->exit_code)
        r->exit_code = frc;
    if (frc)
        r->stop = true;
    return 0;
}

int run_inputs_raw(cli_run *r, char **paths, int n, cli_record_fn fn, cli_raw_fn raw, void *ctx)
{
    static char *stdin_path[] = {"-"};
    if (n == 0) {
        paths = stdin_path;
        n = 1;
    }
    for (int i = 0; i < n && !r->stop; i++) {
        ts_err e = TS_ERR_INIT;
        ts_stream *s;
        if (ts_stream_open(&s, paths[i], &r->sopts, &e)) {
            run_fail_err(r, EXIT_IO, NULL, &e);
            break;
        }
        r->cur = s;
        unsigned tick = 0;
        while (!r->stop && !next_record(r, s, fn, raw, ctx))
            if (!(++tick & 1023))
                run_progress(r);
        r->done_bytes += ts_stream_bytes(s);
        r->st.bytes_in = r->done_bytes;
        r->cur = NULL;
        ts_stream_close(s);
    }
    return r->exit_code;
}

int run_inputs(cli_run *r, char **paths, int n, cli_record_fn fn, void *ctx)
{
    return run_inputs_raw(r, paths, n, fn, NULL, ctx);
}

int cli_write_file(const char *cmd, const char *what, const char *path, const ts_buf *b)
{
    ts_out *o;
    ts_err e = TS_ERR_INIT;
    int rc = ts_out_open(&o, path, &e);
    if (!rc) {
        rc = ts_out_write(o, b->data, b->len, &e);
        if (rc)
            ts_out_abort(o);
        else
            rc = ts_out_commit(o, &e);
    }
    if (rc) {
        char msg[512];
        ts_err_format(&e, msg, sizeof msg);
        cli_error(cmd, "%s%s%s", what ? what : "", what ? ": " : "", msg);
        return EXIT_IO;
    }
    return 0;
}

static int write_stats(cli_run *r, double secs)
{
    ts_buf b, extra;
    ts_buf_init(&b, 0);
    ts_buf_init(&extra, 0);
    /* Commands' own members (an LLM usage breakdown, per-rule tables) have
     * no size bound, so they go through a growing buffer, never a fixed one. */
    int rc = ts_buf_printf(&extra, "\"command\":\"%s\",\"bytes_in\":%llu,\"seconds\":%.3f%s%s", r->cmd,
                           (unsigned long long)r->st.bytes_in, secs, r->extra_stats ? "," : "",
                           r->extra_stats ? r->extra_stats : "");
    if (!rc)
        rc = ts_stats_to_json(&r->st, &b, extra.data);
    ts_buf_release(&extra);
    if (!rc)
        rc = ts_buf_putc(&b, '\n');
    if (rc)
        cli_error(r->cmd, "--stats: %s", ts_strerror(rc));
    else
        rc = cli_write_file(r->cmd, "--stats", r->c->stats, &b);
    ts_buf_release(&b);
    return rc;
}

int run_end(cli_run *r)
{
    double secs = run_elapsed(r);
    if (r->progress_shown)
        fputs("\r\033[K", stderr);
    ts_err e = TS_ERR_INIT;
    /* A failed run leaves no output under the final name: the data is
     * incomplete. Rejects are kept — they explain the failure. */
    if (!r->exit_code || r->keep_output_on_data_error)
        flush_lines(r);
    bool keep = !r->exit_code || (r->exit_code == EXIT_DATA && r->keep_output_on_data_error);
    if (r->pq) {
        if (!keep)
            ts_parquet_writer_abort(r->pq);
        else if (ts_parquet_writer_close(r->pq, &e))
            run_fail_err(r, EXIT_IO, NULL, &e);
        r->pq = NULL;
    }
    if (r->out) {
        if (!keep)
            ts_out_abort(r->out);
        else if (ts_out_commit(r->out, &e))
            run_fail_err(r, EXIT_IO, NULL, &e);
        r->out = NULL;
    }
    if (r->rej) {
        if (ts_out_commit(r->rej, &e))
            run_fail_err(r, EXIT_IO, NULL, &e);
        r->rej = NULL;
    }
    if (r->c->stats && write_stats(r, secs) && !r->exit_code)
        r->exit_code = EXIT_IO;
    if (r->shown > r->max_shown)
        fprintf(stderr, "tuneset %s: ... %llu more bad records not shown%s%s\n", r->cmd,
                (unsigned long long)(r->shown - r->max_shown), r->c->rejects ? "; all are in " : "",
                r->c->rejects ? r->c->rejects : "");
    if (!r->c->quiet) {
        uint64_t dropped = ts_stats_dropped(&r->st);
        fprintf(stderr, "tuneset %s: read %llu, written %llu, dropped %llu, rejected %llu", r->cmd,
                (unsigned long long)r->st.read, (unsigned long long)r->st.written,
                (unsigned long long)dropped, (unsigned long long)r->st.rejected);
        if (secs >= 0.05 && r->st.bytes_in)
            fprintf(stderr, " (%.1f MB in %.2f s, %.0f MB/s)", (double)r->st.bytes_in / 1e6, secs,
                    (double)r->st.bytes_in / 1e6 / secs);
        fputc('\n', stderr);
        for (int i = 0; i < r->st.nrules; i++)
            fprintf(stderr, "  dropped %-28s %llu\n", r->st.dropped[i].rule,
                    (unsigned long long)r->st.dropped[i].n);
        for (int i = 0; i < r->st.nsteps; i++)
            fprintf(stderr, "  edited  %-28s %llu\n", r->st.steps[i].name,
                    (unsigned long long)r->st.steps[i].n);
        if (r->st.rejected && r->c->rejects)
            fprintf(stderr, "  rejected records are in %s\n", r->c->rejects);
    }
    ts_buf_release(&r->line);
    ts_arena_release(&r->arena);
    return r->exit_code;
}
