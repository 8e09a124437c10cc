/* The public API: loading templates (tokenizer_config.json, a source, a
 * built-in) and rendering a conversation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tpl_int.h"

enum { MAX_NAMED = 8, MAX_CONFIG = 64 << 20 };

struct ts_template {
    tpl_prog prog[MAX_NAMED];
    char *names[MAX_NAMED];
    int n;
    int dflt, tool_use; /* indexes; tool_use -1 when absent */
    char *bos, *eos;
};

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

void ts_template_free(ts_template *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++) {
        tpl_prog_release(&t->prog[i]);
        free(t->names[i]);
    }
    free(t->bos);
    free(t->eos);
    free(t);
}

static ts_template *tpl_new(void)
{
    ts_template *t = calloc(1, sizeof *t);
    if (t)
        t->tool_use = -1;
    return t;
}

static int add_source(ts_template *t, const char *name, const char *src, size_t n, ts_err *err)
{
    int rc = tpl_parse(src, n, &t->prog[t->n], err);
    if (rc) {
        tpl_prog_release(&t->prog[t->n]);
        if (err && name && rc == TS_ETEMPLATE) {
            char m[sizeof err->msg + 64];
            snprintf(m, sizeof m, "chat template '%.40s': %s", name, err->msg);
            m[sizeof err->msg - 1] = 0;
            memcpy(err->msg, m, sizeof err->msg);
        }
        return rc;
    }
    t->names[t->n] = name ? dupn(name, strlen(name)) : NULL;
    if (name && !strcmp(name, "tool_use"))
        t->tool_use = t->n;
    t->n++;
    return 0;
}

int ts_template_from_source(const char *src, size_t n, const char *bos, const char *eos, ts_template **out,
                            ts_err *err)
{
    *out = NULL;
    ts_template *t = tpl_new();
    if (!t)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    t->bos = dupn(bos ? bos : "", bos ? strlen(bos) : 0);
    t->eos = dupn(eos ? eos : "", eos ? strlen(eos) : 0);
    int rc = !t->bos || !t->eos ? ts_err_set(err, TS_ENOMEM, "out of memory") : add_source(t, NULL, src, n, err);
    if (rc) {
        ts_template_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* A special token: a string, or an AddedToken object's "content". */
static char *token_str(const ts_json *cfg, const char *key)
{
    const ts_json *v = ts_json_get(cfg, key);
    if (ts_json_is(v, TS_JSON_OBJECT))
        v = ts_json_get(v, "content");
    if (ts_json_is(v, TS_JSON_STRING))
        return dupn(v->u.s, v->len);
    return dupn("", 0);
}

int ts_template_from_config(const char *json, size_t n, ts_template **out, ts_err *err)
{
    *out = NULL;
    ts_arena a;
    ts_arena_init(&a);
    ts_json *cfg;
    int rc = ts_json_parse(json, n, &a, NULL, &cfg, err);
    if (rc) {
        ts_arena_release(&a);
        return rc;
    }
    ts_template *t = tpl_new();
    if (!t) {
        ts_arena_release(&a);
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    }
    t->bos = token_str(cfg, "bos_token");
    t->eos = token_str(cfg, "eos_token");
    const ts_json *ct = ts_json_get(cfg, "chat_template");
    if (!t->bos || !t->eos) {
        rc = ts_err_set(err, TS_ENOMEM, "out of memory");
    } else if (ts_json_is(ct, TS_JSON_STRING)) {
        rc = add_source(t, NULL, ct->u.s, ct->len, err);
    } else if (ts_json_is(ct, TS_JSON_ARRAY) && ct->len) {
        for (uint32_t i = 0; i < ct->len && !rc; i++) {
            const ts_json *nm = ts_json_get(&ct->u.items[i], "name");
            const ts_json *src = ts_json_get(&ct->u.items[i], "template");
            if (!ts_json_is(nm, TS_JSON_STRING) || !ts_json_is(src, TS_JSON_STRING)) {
                rc = ts_err_set(err, TS_ETEMPLATE, "chat_template[%u] is not {name, template}", i);
            } else if (t->n == MAX_NAMED) {
                rc = ts_err_set(err, TS_ETEMPLATE, "more than %d named chat templates", MAX_NAMED);
            } else {
                char *name = dupn(nm->u.s, nm->len);
                rc = name ? add_source(t, name, src->u.s, src->len, err) : TS_ENOMEM;
                if (!rc && !strcmp(name, "default"))
                    t->dflt = t->n - 1;
                free(name);
            }
        }
    } else {
        rc = ts_err_set(err, TS_ETEMPLATE, "tokenizer_config has no chat_template");
    }
    ts_arena_release(&a);
    if (rc) {
        ts_template_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int ts_template_load(const char *path, ts_template **out, ts_err *err)
{
    char full[4096];
    struct stat st;
    *out = NULL;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(full, sizeof full, "%s/tokenizer_config.json", path);
        path = full;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        ts_err_set(err, TS_ENOENT, "cannot open %s", path);
        return TS_ENOENT;
    }
    ts_buf b;
    ts_buf_init(&b, MAX_CONFIG);
    char chunk[65536];
    size_t got;
    int rc = 0;
    while (!rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = ts_buf_append(&b, chunk, got);
    if (!rc && ferror(f))
        rc = ts_err_set(err, TS_EIO, "cannot read %s", path);
    else if (rc)
        ts_err_set(err, rc, "%s: %s", path, ts_strerror(rc));
    fclose(f);
    if (!rc)
        rc = ts_template_from_config(b.data ? b.data : "", b.len, out, err);
    ts_buf_release(&b);
    return rc;
}

int ts_template_builtin(const char *name, ts_template **out, ts_err *err)
{
    const char *bos, *eos;
    const char *src = tpl_builtin_source(name, &bos, &eos);
    *out = NULL;
    if (!src)
        return ts_err_set(err, TS_ENOENT, "no built-in template named '%s'", name);
    return ts_template_from_source(src, strlen(src), bos, eos, out, err);
}

int ts_template_open(const char *spec, ts_template **out, ts_err *err)
{
    struct stat st;
    if (stat(spec, &st) == 0)
        return ts_template_load(spec, out, err);
    if (tpl_builtin_source(spec, &(const char *){0}, &(const char *){0}))
        return ts_template_builtin(spec, out, err);
    return ts_err_set(err, TS_ENOENT, "%s: no such file, nor a built-in template name", spec);
}

const char *ts_template_bos(const ts_template *t) { return t->bos; }
const char *ts_template_eos(const ts_template *t) { return t->eos; }

void ts_tpl_spans_release(ts_tpl_spans *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static void push_global(tpl_ctx *c, const char *name, tv v)
{
    if (c->nvars == c->capvars) {
        size_t cap = c->capvars ? c->capvars * 2 : 64;
        tpl_var *nv = tpl_alloc(c, cap * sizeof *nv);
        if (c->nvars)
            memcpy(nv, c->vars, c->nvars * sizeof *nv);
        c->vars = nv;
        c->capvars = cap;
    }
    c->vars[c->nvars++] = (tpl_var){name, strlen(name), v};
}

/* Everything that may unwind runs here, so nothing the caller keeps is
 * live across setjmp. */
static int guarded(tpl_ctx *c, const tpl_node *body, const ts_template *t, const ts_json *messages,
                   const ts_tpl_render_opts *o)
{
    if (setjmp(c->jb))
        return c->code ? c->code : TS_ETEMPLATE;
    static const struct {
        const char *name;
        int fn;
    } fns[] = {{"range", FN_RANGE}, {"namespace", FN_NAMESPACE}, {"raise_exception", FN_RAISE},
               {"strftime_now", FN_STRFTIME}, {"dict", FN_DICT}};
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        tv f = {TV_FUNC, 0, 0, {.i = fns[i].fn}};
        push_global(c, fns[i].name, f);
    }
    push_global(c, "bos_token", tv_str(t->bos, strlen(t->bos)));
    push_global(c, "eos_token", tv_str(t->eos, strlen(t->eos)));
    push_global(c, "messages", tpl_from_json(c, messages));
    push_global(c, "tools", o->tools ? tpl_from_json(c, o->tools) : tv_none());
    push_global(c, "documents", tv_none()); /* transformers passes documents=None */
    push_global(c, "add_generation_prompt", tv_bool(o->add_generation_prompt));
    if (ts_json_is(o->extra, TS_JSON_OBJECT))
        for (uint32_t i = 0; i < 2 * o->extra->len; i += 2) {
            const ts_json *k = &o->extra->u.items[i];
            char *name = tpl_alloc(c, k->len + 1);
            memcpy(name, k->u.s, k->len);
            name[k->len] = 0;
            push_global(c, name, tpl_from_json(c, &o->extra->u.items[i + 1]));
        }
    c->scope = c->nvars;
    tpl_exec(c, body);
    return 0;
}

int ts_template_render(const ts_template *t, const ts_json *messages, const ts_tpl_render_opts *o,
                       ts_buf *out, ts_tpl_spans *spans, ts_err *err)
{
    static const ts_tpl_render_opts none = {0};
    if (!o)
        o = &none;
    ts_arena own, *a = o->scratch;
    if (a) {
        ts_arena_reset(a);
    } else {
        ts_arena_init(&own);
        a = &own;
    }
    bool tools = o->tools && !ts_json_is(o->tools, TS_JSON_NULL) &&
                 !(ts_json_is(o->tools, TS_JSON_ARRAY) && o->tools->len == 0);
    int which = tools && t->tool_use >= 0 ? t->tool_use : t->dflt;
    tpl_ctx *c = ts_arena_alloc(a, sizeof *c);
    if (!c) {
        if (a == &own)
            ts_arena_release(&own);
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    }
    memset(c, 0, sizeof *c);
    c->a = a;
    c->out = out;
    c->spans = spans;
    c->base = out->len;
    c->err = err;
    c->max_steps = o->max_steps ? o->max_steps : 10000000;
    if (spans)
        spans->n = 0;
    int rc = guarded(c, t->prog[which].body, t, messages, o);
    if (rc) {
        out->len = c->base;
        if (spans)
            spans->n = 0;
    }
    if (a == &own)
        ts_arena_release(&own);
    return rc;
}
