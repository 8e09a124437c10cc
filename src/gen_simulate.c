/* tuneset gen simulate: UltraChat's method. From an opening question (or a
 * topic the model turns into one), one model plays the user (a replaceable
 * user-simulator prompt reading the transcript) and one plays the
 * assistant, for a seeded number of rounds in --rounds, until the
 * simulated user writes the end marker; then post-filters.
 *
 * This file: options and openers from --seeds. Built-in sectors are in
 * gen_sim_sector.c, the conversations in gen_sim_conv.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_sim.h"

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
        p->text = sim_dupz(a, v->u.s, v->len);
    const ts_json *t = ts_json_get(rec, "topic");
    if (ts_json_is(t, TS_JSON_STRING) && t->len)
        p->topic = sim_dupz(a, t->u.s, t->len);
    const ts_json *id = ts_json_get(rec, "id");
    if (ts_json_is(id, TS_JSON_STRING))
        p->seed_id = sim_dupz(a, id->u.s, id->len);
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
    sim_sector_opts so = {.subtopics = 5, .questions = 3};
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
                     : sim_load_prompt(cmd, so.prompts_dir, "simulate_user", &s.user_prompt);
    if (!rc)
        rc = sim_load_prompt(cmd, so.prompts_dir, "simulate_opener", &s.opener_prompt);
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
    sim_openers o = {.a = &a};
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
            rc = sim_sector_openers(&s, cmd, &so, &a, &o, &shown);
        } else {
            for (size_t i = 0; !rc && i < n; i++) {
                sim_opener *p = sim_add(&o);
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
