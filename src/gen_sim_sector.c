/* gen simulate's openers from UltraChat's three sectors, as built-in prompt
 * sets: world (meta-topic -> subtopics -> questions), writing (writing
 * tasks by kind), assistance (a request about each passage of a text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen_sim.h"

static const char *const world_topics[] = {
    "technology", "health and medicine", "history", "economics and finance", "nature and the environment",
    "science", "art and culture", "education", "philosophy and religion", "sports", "food and cooking",
    "travel and geography", "politics and law", "psychology", "language and literature",
    "business and work", "mathematics", "space and astronomy", "music and film", "everyday life", NULL};

static const char *const writing_kinds[] = {
    "email", "poem", "short story", "essay", "speech", "product description", "cover letter", "blog post",
    "song lyrics", "screenplay scene", "news article", "social media post", "letter of complaint",
    "recipe", "wedding toast", "business proposal", NULL};

/* {{task}} in assistance_request, and the name kept in meta.task. */
static const char *const assist_tasks[][2] = {
    {"rewrite", "rewrite"}, {"continue", "continue"}, {"summarize", "summarize"},
    {"draw an inference from", "infer"}};

char *sim_dupz(ts_arena *a, const char *s, size_t n)
{
    char *d = ts_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

sim_opener *sim_add(sim_openers *o)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        sim_opener *v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return NULL;
        o->v = v;
        o->cap = cap;
    }
    sim_opener *p = &o->v[o->n++];
    memset(p, 0, sizeof *p);
    return p;
}

/* The prompt DIR/<name>.txt when --prompts names a folder that has it, else
 * the built-in one. */
int sim_load_prompt(const char *cmd, const char *dir, const char *name, ts_buf *out)
{
    char path[4096];
    if (dir) {
        snprintf(path, sizeof path, "%s/%s.txt", dir, name);
        if (access(path, R_OK) == 0)
            return genkit_prompt(cmd, path, NULL, out);
    }
    return genkit_prompt(cmd, NULL, name, out);
}

typedef struct batch_ctx {
    genkit_reply *out;
} batch_ctx;

static void batch_done(void *ctx, uint64_t tag, const ts_llm_reply *reply)
{
    batch_ctx *b = ctx;
    genkit_take(&b->out[tag], reply);
}

/* One request per filled prompt, driven to the end; replies in order. */
static int batch(sim_ctx *s, const char *cmd, ts_buf *prompts, size_t n, uint64_t salt, genkit_reply *out,
                 uint64_t *shown)
{
    batch_ctx b = {out};
    ts_buf body;
    ts_buf_init(&body, 0);
    ts_err e = TS_ERR_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        ts_gen_str turn = {prompts[i].data, prompts[i].len};
        genkit_req q = {.turns = &turn, .n = 1, .seed = s->seed + salt + i};
        rc = genkit_request(&body, s->lo, &q);
        if (!rc)
            rc = ts_llm_submit(s->llm, body.data, body.len, i, batch_done, &b, &e);
        if (rc == TS_EBUDGET) {
            s->budget_hit = true;
            rc = 0;
            for (; i < n; i++)
                out[i] = (genkit_reply){.done = true, .failed = true};
            break;
        }
    }
    if (!rc)
        rc = ts_llm_run(s->llm, &e);
    ts_buf_release(&body);
    if (rc) {
        cli_error(cmd, "%s", e.msg[0] ? e.msg : ts_strerror(rc));
        return EXIT_IO;
    }
    for (size_t i = 0; i < n; i++)
        if (out[i].failed && out[i].err[0]) {
            s->failed++;
            genkit_report_failure(cmd, shown, "sector request", out[i].err);
        }
    return 0;
}

/* Fills n prompts from one template: vars[i*nv .. i*nv+nv). */
static int fill_all(const char *cmd, const ts_buf *tmpl, const ts_gen_var *vars, size_t nv, size_t n,
                    ts_buf *prompts)
{
    for (size_t i = 0; i < n; i++) {
        ts_err e = TS_ERR_INIT;
        ts_buf_init(&prompts[i], 0);
        if (ts_gen_fill(&prompts[i], tmpl->data, tmpl->len, vars + i * nv, nv, &e)) {
            cli_error(cmd, "%s", e.msg);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Runs `items` requests of template `tmpl_name` and calls take() per reply. */
typedef void (*take_fn)(sim_openers *o, size_t i, const genkit_reply *g, void *ctx);

static int stage(sim_ctx *s, const char *cmd, const sim_sector_opts *so, const char *tmpl_name,
                 const ts_gen_var *vars, size_t nv, size_t items, uint64_t salt, sim_openers *o, take_fn take,
                 void *ctx, uint64_t *shown)
{
    ts_buf tmpl;
    ts_buf_init(&tmpl, 0);
    ts_buf *prompts = calloc(items ? items : 1, sizeof *prompts);
    genkit_reply *rep = calloc(items ? items : 1, sizeof *rep);
    int rc = !prompts || !rep ? EXIT_IO : sim_load_prompt(cmd, so->prompts_dir, tmpl_name, &tmpl);
    if (!rc)
        rc = fill_all(cmd, &tmpl, vars, nv, items, prompts);
    if (!rc)
        rc = batch(s, cmd, prompts, items, salt, rep, shown);
    for (size_t i = 0; !rc && i < items; i++)
        if (!rep[i].failed)
            take(o, i, &rep[i], ctx);
    for (size_t i = 0; prompts && i < items; i++) {
        ts_buf_release(&prompts[i]);
        if (rep)
            genkit_reply_clear(&rep[i]);
    }
    free(prompts);
    free(rep);
    ts_buf_release(&tmpl);
    return rc;
}

typedef struct sector_ctx {
    const sim_sector_opts *so;
    ts_arena *a;
    const char *const *items; /* topics / kinds, or the stage-1 topic per pair */
    const char **pair_topic, **pair_sub; /* world: (topic, subtopic) pairs */
    size_t npairs, cappairs;
    const char *const (*tasks)[2];
    const char **passages;
} sector_ctx;

static void take_subtopics(sim_openers *o, size_t i, const genkit_reply *g, void *ctx)
{
    sector_ctx *w = ctx;
    ts_gen_str it[64];
    size_t n = ts_gen_list(g->text, g->len, it, 64);
    (void)o;
    if (n > w->so->subtopics)
        n = (size_t)w->so->subtopics;
    if (n > 64)
        n = 64;
    for (size_t k = 0; k < n; k++) {
        if (w->npairs == w->cappairs) {
            size_t cap = w->cappairs ? w->cappairs * 2 : 64;
            const char **t = realloc(w->pair_topic, cap * sizeof *t);
            if (!t)
                return;
            w->pair_topic = t;
            const char **s = realloc(w->pair_sub, cap * sizeof *s);
            if (!s)
                return;
            w->pair_sub = s;
            w->cappairs = cap;
        }
        w->pair_topic[w->npairs] = w->items[i];
        w->pair_sub[w->npairs++] = sim_dupz(w->a, it[k].s, it[k].len);
    }
}

/* Up to --questions list items of one reply become openers. */
static void take_list(sim_openers *o, const genkit_reply *g, const sim_sector_opts *so, ts_arena *a,
                      const char *sector, const char *topic, const char *sub, const char *task)
{
    ts_gen_str it[64];
    size_t n = ts_gen_list(g->text, g->len, it, 64);
    if (n > so->questions)
        n = (size_t)so->questions;
    if (n > 64)
        n = 64;
    for (size_t k = 0; k < n; k++) {
        sim_opener *p = sim_add(o);
        if (!p)
            return;
        p->text = sim_dupz(a, it[k].s, it[k].len);
        p->sector = sector;
        p->topic = topic;
        p->subtopic = sub;
        p->task = task;
    }
}

static void take_questions(sim_openers *o, size_t i, const genkit_reply *g, void *ctx)
{
    sector_ctx *w = ctx;
    take_list(o, g, w->so, w->a, "world", w->pair_topic[i], w->pair_sub[i], NULL);
}

static void take_writing(sim_openers *o, size_t i, const genkit_reply *g, void *ctx)
{
    sector_ctx *w = ctx;
    take_list(o, g, w->so, w->a, "writing", NULL, NULL, w->items[i]);
}

/* The model's request, then the material it is about. */
static void take_assist(sim_openers *o, size_t i, const genkit_reply *g, void *ctx)
{
    sector_ctx *w = ctx;
    const char *s = g->text;
    size_t n = g->len;
    ts_aug_clean(&s, &n);
    if (!n)
        return;
    const char *pas = w->passages[i / 4];
    size_t pl = strlen(pas);
    char *t = ts_arena_alloc(w->a, n + 2 + pl + 1);
    sim_opener *p = sim_add(o);
    if (!t || !p)
        return;
    memcpy(t, s, n);
    memcpy(t + n, "\n\n", 2);
    memcpy(t + n + 2, pas, pl + 1);
    p->text = t;
    p->sector = "assistance";
    p->task = w->tasks[i % 4][1];
}

/* Passages of a text file: blocks separated by blank lines. */
static int read_passages(const char *cmd, const char *path, ts_arena *a, const char ***out, size_t *n)
{
    ts_buf text;
    ts_buf_init(&text, 0);
    int rc = genkit_prompt(cmd, path, NULL, &text);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; !rc && i < text.len;) {
        while (i < text.len && (text.data[i] == '\n' || text.data[i] == '\r' || text.data[i] == ' '))
            i++;
        size_t b = i;
        while (i < text.len && !(text.data[i] == '\n' && i + 1 < text.len &&
                                 (text.data[i + 1] == '\n' || (text.data[i + 1] == '\r' && i + 2 < text.len &&
                                                                text.data[i + 2] == '\n'))))
            i++;
        size_t e = i;
        while (e > b && (unsigned char)text.data[e - 1] <= ' ')
            e--;
        if (e == b)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            const char **v = realloc(*out, cap * sizeof *v);
            if (!v) {
                rc = EXIT_IO;
                break;
            }
            *out = v;
        }
        (*out)[(*n)++] = sim_dupz(a, text.data + b, e - b);
    }
    ts_buf_release(&text);
    if (!rc && !*n) {
        cli_error(cmd, "--materials %s has no text", path);
        rc = EXIT_DATA;
    }
    return rc;
}

int sim_sector_openers(sim_ctx *s, const char *cmd, const sim_sector_opts *so, ts_arena *a, sim_openers *o,
                          uint64_t *shown)
{
    sector_ctx w = {.so = so, .a = a, .tasks = assist_tasks};
    char nbuf[32];
    int rc = 0;
    if (!strcmp(so->name, "world") || !strcmp(so->name, "writing")) {
        const char *const *list = so->topics ? so->topics : !strcmp(so->name, "world") ? world_topics : writing_kinds;
        size_t n = so->topics ? so->ntopics : 0;
        while (!so->topics && list[n])
            n++;
        uint64_t per = !strcmp(so->name, "world") ? so->subtopics * so->questions : so->questions;
        if (so->num && per && (so->num + per - 1) / per < n)
            n = (size_t)((so->num + per - 1) / per); /* ask only for what --num needs */
        w.items = list;
        ts_gen_var *v = calloc(n ? n * 2 : 1, sizeof *v);
        if (!v)
            return EXIT_IO;
        bool world = !strcmp(so->name, "world");
        snprintf(nbuf, sizeof nbuf, "%llu", (unsigned long long)(world ? so->subtopics : so->questions));
        for (size_t i = 0; i < n; i++) {
            v[2 * i] = (ts_gen_var){world ? "topic" : "kind", list[i], strlen(list[i])};
            v[2 * i + 1] = (ts_gen_var){"n", nbuf, strlen(nbuf)};
        }
        rc = stage(s, cmd, so, world ? "world_subtopics" : "writing_openers", v, 2, n, 1u << 20, o,
                   world ? take_subtopics : take_writing, &w, shown);
        free(v);
        if (rc || !world)
            return rc;
        v = calloc(w.npairs ? w.npairs * 3 : 1, sizeof *v);
        char qbuf[32];
        snprintf(qbuf, sizeof qbuf, "%llu", (unsigned long long)so->questions);
        for (size_t i = 0; v && i < w.npairs; i++) {
            v[3 * i] = (ts_gen_var){"topic", w.pair_topic[i], strlen(w.pair_topic[i])};
            v[3 * i + 1] = (ts_gen_var){"subtopic", w.pair_sub[i], strlen(w.pair_sub[i])};
            v[3 * i + 2] = (ts_gen_var){"n", qbuf, strlen(qbuf)};
        }
        rc = v ? stage(s, cmd, so, "world_questions", v, 3, w.npairs, 2u << 20, o, take_questions, &w, shown)
               : EXIT_IO;
        free(v);
        free(w.pair_topic);
        free(w.pair_sub);
        return rc;
    }
    /* assistance: every passage with each of the four tasks */
    size_t np;
    if ((rc = read_passages(cmd, so->materials, a, &w.passages, &np)))
        return rc;
    if (so->num && (so->num + 3) / 4 < np)
        np = (size_t)((so->num + 3) / 4);
    ts_gen_var *v = calloc(np * 4 * 2, sizeof *v);
    for (size_t i = 0; v && i < np * 4; i++) {
        v[2 * i] = (ts_gen_var){"text", w.passages[i / 4], strlen(w.passages[i / 4])};
        v[2 * i + 1] = (ts_gen_var){"task", assist_tasks[i % 4][0], strlen(assist_tasks[i % 4][0])};
    }
    rc = v ? stage(s, cmd, so, "assistance_request", v, 2, np * 4, 3u << 20, o, take_assist, &w, shown) : EXIT_IO;
    free(v);
    free(w.passages);
    return rc;
}
