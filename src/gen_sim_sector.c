/* tuneset gen simulate: options, openers from --seeds, and UltraChat's
 * three sectors as built-in prompt sets. The conversations themselves are
 * in gen_simulate.c. */
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

typedef struct openers {
    sim_opener *v;
    size_t n, cap;
    ts_arena *a;
} openers;

static char *dupz(ts_arena *a, const char *s, size_t n)
{
    char *d = ts_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static sim_opener *add(openers *o)
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
static int load_prompt(const char *cmd, const char *dir, const char *name, ts_buf *out)
{
    char path[4096];
    if (dir) {
        snprintf(path, sizeof path, "%s/%s.txt", dir, name);
        if (access(path, R_OK) == 0)
            return genkit_prompt(cmd, path, NULL, out);
    }
    return genkit_prompt(cmd, NULL, name, out);
}

/* One request per filled prompt, driven to the end; replies in order. */
static int batch(sim_ctx *s, const char *cmd, ts_buf *prompts, size_t n, uint64_t salt, genkit_reply *out,
                 uint64_t *shown);

typedef struct batch_ctx {
    genkit_reply *out;
} batch_ctx;

static void batch_done(void *ctx, uint64_t tag, const ts_llm_reply *reply)
{
    batch_ctx *b = ctx;
    genkit_take(&b->out[tag], reply);
}

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

typedef struct sector_opts {
    const char *name, *materials, *prompts_dir;
    uint64_t subtopics, questions, num;
    const char *const *topics; /* from --seeds, or NULL for the built-in list */
    size_t ntopics;
} sector_opts;

/* Runs `items` requests of template `tmpl_name` and calls take() per reply. */
typedef void (*take_fn)(openers *o, size_t i, const genkit_reply *g, void *ctx);

static int stage(sim_ctx *s, const char *cmd, const sector_opts *so, const char *tmpl_name,
                 const ts_gen_var *vars, size_t nv, size_t items, uint64_t salt, openers *o, take_fn take,
                 void *ctx, uint64_t *shown)
{
    ts_buf tmpl;
    ts_buf_init(&tmpl, 0);
    ts_buf *prompts = calloc(items ? items : 1, sizeof *prompts);
    genkit_reply *rep = calloc(items ? items : 1, sizeof *rep);
    int rc = !prompts || !rep ? EXIT_IO : load_prompt(cmd, so->prompts_dir, tmpl_name, &tmpl);
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
    const sector_opts *so;
    ts_arena *a;
    const char *const *items; /* topics / kinds, or the stage-1 topic per pair */
    const char **pair_topic, **pair_sub; /* world: (topic, subtopic) pairs */
    size_t npairs, cappairs;
    const char *const (*tasks)[2];
    const char **passages;
} sector_ctx;

static void take_subtopics(openers *o, size_t i, const genkit_reply *g, void *ctx)
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
        w->pair_sub[w->npairs++] = dupz(w->a, it[k].s, it[k].len);
    }
}

/* Up to --questions list items of one reply become openers. */
static void take_list(openers *o, const genkit_reply *g, const sector_opts *so, ts_arena *a,
                      const char *sector, const char *topic, const char *sub, const char *task)
{
    ts_gen_str it[64];
    size_t n = ts_gen_list(g->text, g->len, it, 64);
    if (n > so->questions)
        n = (size_t)so->questions;
    if (n > 64)
        n = 64;
    for (size_t k = 0; k < n; k++) {
        sim_opener *p = add(o);
        if (!p)
            return;
        p->text = dupz(a, it[k].s, it[k].len);
        p->sector = sector;
        p->topic = topic;
        p->subtopic = sub;
        p->task = task;
    }
}

static void take_questions(openers *o, size_t i, const genkit_reply *g, void *ctx)
{
    sector_ctx *w = ctx;
    take_list(o, g, w->so, w->a, "world", w->pair_topic[i], w->pair_sub[i], NULL);
}

static void take_writing(openers *o, size_t i, const genkit_reply *g, void *ctx)
{
    sector_ctx *w = ctx;
    take_list(o, g, w->so, w->a, "writing", NULL, NULL, w->items[i]);
}

/* The model's request, then the material it is about. */
static void take_assist(openers *o, size_t i, const genkit_reply *g, void *ctx)
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
    sim_opener *p = add(o);
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
        (*out)[(*n)++] = dupz(a, text.data + b, e - b);
    }
    ts_buf_release(&text);
    if (!rc && !*n) {
        cli_error(cmd, "--materials %s has no text", path);
        rc = EXIT_DATA;
    }
    return rc;
}

static int sector_openers(sim_ctx *s, const char *cmd, const sector_opts *so, ts_arena *a, openers *o,
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

/* One opener per seed record: {"question"|"opening"}, {"topic"}, a prompt
 * (its last user turn) or SFT messages (the first user turn). */
static void seed_opener(const ts_json *rec, ts_arena *a, sim_opener *p)
{
    const ts_json *v = ts_json_get(rec, "question");
    if (!ts_json_is(v, TS_JSON_STRING))
        v = ts_json_get(rec, "opening");
    if (!ts_json_is(v, TS_JSON_STRING)) {
        const ts_json *arr = ts_json_get(rec, "prompt");
        bool last = true;
        if (!ts_json_is(arr, TS_JSON_ARRAY)) {
            arr = ts_json_get(rec, "messages");
            last = false;
        }
        v = NULL;
        for (uint32_t i = 0; ts_json_is(arr, TS_JSON_ARRAY) && i < arr->len; i++) {
            const ts_json *m = &arr->u.items[i];
            if (ts_json_str_eq(ts_json_get(m, "role"), "user") && ts_json_is(ts_json_get(m, "content"), TS_JSON_STRING)) {
                v = ts_json_get(m, "content");
                if (!last)
                    break;
            }
        }
    }
    if (ts_json_is(v, TS_JSON_STRING) && v->len)
        p->text = dupz(a, v->u.s, v->len);
    const ts_json *t = ts_json_get(rec, "topic");
    if (ts_json_is(t, TS_JSON_STRING) && t->len)
        p->topic = dupz(a, t->u.s, t->len);
    const ts_json *id = ts_json_get(rec, "id");
    if (ts_json_is(id, TS_JSON_STRING))
        p->seed_id = dupz(a, id->u.s, id->len);
}

static int parse_rounds(const char *s, unsigned *lo, unsigned *hi)
{
    char *e;
    unsigned long a = strtoul(s, &e, 10), b = a;
    if (e == s)
        return -1;
    if (*e == '-') {
        const char *t = e + 1;
        b = strtoul(t, &e, 10);
        if (e == t)
            return -1;
    }
    if (*e || !a || b < a || b > 100)
        return -1;
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
}

int gen_simulate(int argc, char **argv);
int gen_simulate(int argc, char **argv)
{
    const char *cmd = argv[0];
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    const char *seeds = NULL, *rounds = "3-7", *user_prompt = NULL, *asst_system = NULL, *asst_model = NULL;
    const char *end_marker = "[END]";
    cli_list asst_endpoints = {{0}, 0};
    sector_opts so = {.subtopics = 5, .questions = 3};
    cli_opt own[] = {
        {0, "seeds", "FILE", OPT_STR, &seeds,
         "openers, JSONL: {question}, {topic}, prompt-only or SFT records (the user turn)"},
        {0, "sector", "NAME", OPT_STR, &so.name,
         "built-in openers: world (topics -> subtopics -> questions), writing, assistance"},
        {0, "materials", "FILE", OPT_STR, &so.materials, "assistance: a text file, passages separated by blank lines"},
        {0, "rounds", "MIN-MAX", OPT_STR, &rounds, "user+assistant rounds per conversation, seeded (default 3-7)"},
        {0, "num", "N", OPT_U64, &so.num, "at most N conversations (default: one per opener)"},
        {0, "subtopics", "N", OPT_U64, &so.subtopics, "world: subtopics per topic (default 5)"},
        {0, "questions", "N", OPT_U64, &so.questions, "world/writing: openers per subtopic or kind (default 3)"},
        {0, "user-prompt", "FILE", OPT_STR, &user_prompt,
         "the user simulator's prompt ({{conversation}}, {{topic}}, {{end_marker}})"},
        {0, "prompts", "DIR", OPT_STR, &so.prompts_dir, "DIR/<name>.txt replaces any built-in prompt (see docs)"},
        {0, "end-marker", "TEXT", OPT_STR, &end_marker, "the simulated user ends the chat with TEXT (default [END])"},
        {0, "assistant-endpoint", "URL", OPT_LIST, &asst_endpoints, "another server plays the assistant (repeatable)"},
        {0, "assistant-model", "NAME", OPT_STR, &asst_model, "the assistant's model (default --model)"},
        {0, "assistant-system", "TEXT", OPT_STR, &asst_system, "a system prompt for the assistant (not written out)"},
        {0},
    };
    cli_opt opts[64];
    llm_opts_table(opts, 64, own, &lo);
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "(--seeds FILE | --sector NAME) -o OUT [options]",
                       "UltraChat's method: one model plays the user (reading the transcript), one\n"
                       "the assistant, for a seeded number of rounds, until the simulated user\n"
                       "writes the end marker. Conversations with an empty or repeated turn are\n"
                       "dropped. meta: rounds, target_rounds, ended_by (user|rounds), sector,\n"
                       "topic, subtopic, task, seed_id.\n\n"
                       "example: tuneset gen simulate --sector world --num 1000 -o chats.jsonl \\\n"
                       "           --endpoint http://127.0.0.1:8080 --cache chats.sqlite --seed 1",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    sim_ctx s = {.lo = &lo, .end_marker = end_marker, .assistant_system = asst_system, .seed = c.seed};
    if (npos || (!seeds && !so.name) || parse_rounds(rounds, &s.min_rounds, &s.max_rounds) || !*end_marker ||
        !so.subtopics || !so.questions ||
        (so.name && strcmp(so.name, "world") && strcmp(so.name, "writing") && strcmp(so.name, "assistance")) ||
        (so.name && !strcmp(so.name, "assistance") && (!so.materials || seeds))) {
        cli_error(cmd, "needs --seeds FILE or --sector world|writing|assistance (assistance: --materials FILE, "
                       "no --seeds); --rounds MIN-MAX with 1 <= MIN <= MAX <= 100");
        return EXIT_USAGE;
    }
    ts_buf_init(&s.user_prompt, 0);
    ts_buf_init(&s.opener_prompt, 0);
    rc = user_prompt ? genkit_prompt(cmd, user_prompt, NULL, &s.user_prompt)
                     : load_prompt(cmd, so.prompts_dir, "simulate_user", &s.user_prompt);
    if (!rc)
        rc = load_prompt(cmd, so.prompts_dir, "simulate_opener", &s.opener_prompt);
    ts_err e = TS_ERR_INIT;
    if (!rc && !(s.llm = llm_cli_open(&lo, cmd, &e))) {
        cli_error(cmd, "%s", e.msg);
        rc = e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    s.llm_assistant = s.llm;
    s.assistant_model = asst_model;
    char asst_cache[4096];
    if (!rc && asst_endpoints.n) {
        /* A second client; its cache is a file of its own beside --cache. */
        llm_cli_opts ao = lo;
        ao.endpoints = asst_endpoints;
        if (asst_model)
            ao.model = asst_model;
        if (lo.cache) {
            snprintf(asst_cache, sizeof asst_cache, "%s.assistant", lo.cache);
            ao.cache = asst_cache;
        }
        if (!(s.llm_assistant = llm_cli_open(&ao, cmd, &e))) {
            cli_error(cmd, "--assistant-endpoint: %s", e.msg);
            rc = e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
        }
    }
    s.window = (size_t)lo.concurrency;
    ts_arena a;
    ts_arena_init(&a);
    openers o = {.a = &a};
    cli_run r;
    uint64_t shown = 0;
    if (!rc && !(rc = run_begin(&r, cmd, &c, c.output))) {
        ts_json **recs = NULL;
        size_t n = 0;
        if (seeds)
            rc = genkit_load(cmd, seeds, &a, &recs, &n);
        const char **topics = NULL;
        if (!rc && so.name) {
            /* Seeds give a sector its topics (world) or kinds (writing). */
            topics = calloc(n ? n : 1, sizeof *topics);
            for (size_t i = 0; topics && i < n; i++) {
                sim_opener p = {0};
                seed_opener(recs[i], &a, &p);
                if (p.topic)
                    topics[so.ntopics++] = p.topic;
            }
            so.topics = so.ntopics ? topics : NULL;
            rc = sector_openers(&s, cmd, &so, &a, &o, &shown);
        } else {
            for (size_t i = 0; !rc && i < n; i++) {
                sim_opener *p = add(&o);
                if (!p)
                    rc = EXIT_IO;
                else
                    seed_opener(recs[i], &a, p);
            }
        }
        free(recs);
        free(topics);
        if (!rc && so.num && o.n > so.num)
            o.n = (size_t)so.num;
        if (rc)
            r.exit_code = rc;
        else
            sim_converse(&s, &r, o.v, o.n);
        if (s.budget_hit)
            fprintf(stderr, "tuneset %s: budget reached: stopped after %llu conversations\n", cmd,
                    (unsigned long long)r.st.read);
        ts_buf stats;
        ts_buf_init(&stats, 0);
        ts_buf_printf(&stats, "\"openers\":%zu,\"requests_failed\":%llu,", o.n, (unsigned long long)s.failed);
        llm_cli_stats_text(s.llm, &stats);
        if (s.llm_assistant != s.llm) {
            /* The same object under its own name: "llm":{...} -> "assistant_llm":{...}. */
            ts_buf t;
            ts_buf_init(&t, 0);
            if (!llm_cli_stats_text(s.llm_assistant, &t) && t.len > 5)
                ts_buf_printf(&stats, ",\"assistant_%.*s", (int)(t.len - 1), t.data + 1);
            ts_buf_release(&t);
        }
        ts_buf_putc(&stats, 0);
        r.extra_stats = stats.data;
        rc = run_end(&r);
        if (!c.quiet) {
            llm_cli_summary(s.llm);
            if (s.llm_assistant != s.llm)
                llm_cli_summary(s.llm_assistant);
        }
        ts_buf_release(&stats);
    }
    free(o.v);
    if (s.llm_assistant != s.llm)
        ts_llm_close(s.llm_assistant);
    ts_llm_close(s.llm);
    ts_arena_release(&a);
    ts_buf_release(&s.user_prompt);
    ts_buf_release(&s.opener_prompt);
    return rc;
}
