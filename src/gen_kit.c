/* Shared pieces of the generators self-instruct, simulate and augment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_kit.h"

int genkit_prompt(const char *cmd, const char *path, const char *builtin, ts_buf *store)
{
    store->len = 0;
    if (!path) {
        const char *t = ts_gen_prompt(builtin);
        if (!t) {
            cli_error(cmd, "no built-in prompt %s", builtin);
            return EXIT_USAGE;
        }
        if (ts_buf_append(store, t, strlen(t) + 1))
            return EXIT_IO;
        store->len--; /* NUL-terminated, not counted */
        return 0;
    }
    ts_in *in;
    ts_err e = TS_ERR_INIT;
    char msg[512];
    if (ts_in_open(&in, path, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error(cmd, "--prompt: %s", msg);
        return EXIT_IO;
    }
    int rc = 0;
    for (;;) {
        if ((rc = ts_buf_reserve(store, 1 << 16)))
            break;
        size_t got;
        if ((rc = ts_in_read(in, store->data + store->len, store->cap - store->len, &got, &e)))
            break;
        if (!got)
            break;
        store->len += got;
    }
    ts_in_close(in);
    if (!rc)
        rc = ts_buf_putc(store, 0);
    if (rc) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error(cmd, "--prompt %s: %s", path, e.msg[0] ? msg : ts_strerror(rc));
        return EXIT_IO;
    }
    store->len--;
    if (!store->len) {
        cli_error(cmd, "--prompt %s is empty", path);
        return EXIT_USAGE;
    }
    return 0;
}

int genkit_load(const char *cmd, const char *path, ts_arena *a, ts_json ***recs, size_t *n)
{
    ts_stream *s;
    ts_err e = TS_ERR_INIT;
    char msg[600];
    *recs = NULL;
    *n = 0;
    if (ts_stream_open(&s, path, NULL, &e)) {
        ts_err_format(&e, msg, sizeof msg);
        cli_error(cmd, "%s", msg);
        return EXIT_IO;
    }
    ts_arena tmp;
    ts_arena_init(&tmp);
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        ts_json *v;
        ts_arena_reset(&tmp);
        e = (ts_err)TS_ERR_INIT;
        int r = ts_stream_next(s, &tmp, &v, &e);
        if (r == TS_EEOF)
            break;
        if (r) {
            ts_err_format(&e, msg, sizeof msg);
            cli_error(cmd, "%s", msg);
            rc = r == TS_EIO ? EXIT_IO : EXIT_DATA;
            break;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            ts_json **g = realloc(*recs, cap * sizeof *g);
            if (!g) {
                rc = EXIT_IO;
                break;
            }
            *recs = g;
        }
        if (!((*recs)[(*n)++] = ts_json_clone(a, v))) {
            rc = EXIT_IO;
            break;
        }
    }
    ts_arena_release(&tmp);
    ts_stream_close(s);
    return rc;
}

int genkit_request(ts_buf *out, const llm_cli_opts *o, const genkit_req *q)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_jb b;
    ts_jb_init(&b, &a);
    ts_jb_object(&b);
    if (q->model) {
        ts_jb_key(&b, "model");
        ts_jb_cstr(&b, q->model);
    }
    ts_jb_key(&b, "messages");
    ts_jb_array(&b);
    if (q->system) {
        ts_jb_object(&b);
        ts_jb_key(&b, "role");
        ts_jb_cstr(&b, "system");
        ts_jb_key(&b, "content");
        ts_jb_str(&b, q->system, q->system_len);
        ts_jb_end(&b);
    }
    bool user = !q->first_role || !strcmp(q->first_role, "user");
    for (size_t i = 0; i < q->n; i++) {
        ts_jb_object(&b);
        ts_jb_key(&b, "role");
        ts_jb_cstr(&b, (i % 2 == 0) == user ? "user" : "assistant");
        ts_jb_key(&b, "content");
        ts_jb_str(&b, q->turns[i].s, q->turns[i].len);
        ts_jb_end(&b);
    }
    ts_jb_end(&b);
    llm_cli_request_params(o, &b);
    ts_jb_key(&b, "seed");
    ts_jb_int(&b, (int64_t)(q->seed & 0x7fffffffffffffffull));
    if (q->stop) {
        ts_jb_key(&b, "stop");
        ts_jb_array(&b);
        for (const char *const *s = q->stop; *s; s++)
            ts_jb_cstr(&b, *s);
        ts_jb_end(&b);
    }
    ts_jb_end(&b);
    ts_json *v;
    int rc = ts_jb_finish(&b, &v);
    out->len = 0;
    if (!rc)
        rc = ts_json_write(out, v);
    ts_jb_release(&b);
    ts_arena_release(&a);
    return rc;
}

bool genkit_take(genkit_reply *g, const ts_llm_reply *r)
{
    genkit_reply_clear(g);
    g->done = true;
    if (r->err.code != TS_OK || !r->n_choices) {
        g->failed = true;
        if (r->err.code != TS_OK)
            ts_err_format(&r->err, g->err, sizeof g->err);
        else
            snprintf(g->err, sizeof g->err, "the reply has no choices");
        return true;
    }
    const ts_llm_choice *c = &r->choices[0];
    g->cut = c->finish_reason && !strcmp(c->finish_reason, "length");
    g->text = malloc(c->len + 1);
    if (!g->text) {
        g->failed = true;
        snprintf(g->err, sizeof g->err, "out of memory");
        return false;
    }
    if (c->len)
        memcpy(g->text, c->text, c->len);
    g->text[c->len] = 0;
    g->len = c->len;
    return true;
}

void genkit_reply_clear(genkit_reply *g)
{
    free(g->text);
    memset(g, 0, sizeof *g);
}

void genkit_report_failure(const char *cmd, uint64_t *shown, const char *what, const char *err)
{
    if ((*shown)++ < 5)
        fprintf(stderr, "tuneset %s: %s failed: %s\n", cmd, what, err);
    else if (*shown == 6)
        fprintf(stderr, "tuneset %s: more failed requests are counted, not shown\n", cmd);
}
