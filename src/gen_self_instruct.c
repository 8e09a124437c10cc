/* tuneset gen self-instruct: the Alpaca method. Each request shows a few
 * sampled seed tasks in the numbered layout and asks for more; the replies
 * are parsed, filtered, and kept when their ROUGE-L against every seed and
 * kept instruction stays at or under --max-rouge, until --num are kept.
 *
 * Replies arrive in any order but are processed in submission order, and
 * every request is a pure function of (--seed, its index), so the same
 * replies (a cache, a scripted server) give the same output bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_kit.h"

enum { SIMILAR_MAX = 50 };

typedef struct si_run {
    cli_run *r;
    llm_cli_opts *lo;
    ts_llm *llm;
    ts_si_task *seeds;
    size_t nseeds;
    ts_buf preamble;
    ts_si_labels labels;
    ts_si_filter filter;
    ts_rouge *rouge;
    uint64_t seed, num, per_prompt, similar, patience;
    double max_rouge;
    genkit_reply *win; /* ring of replies by request index */
    size_t cap;
    uint64_t next, head; /* next request to submit / to process */
    uint64_t kept, requests_failed, failures_shown, dry; /* dry: processed in a row with none kept */
    uint64_t processed, budget_stop;
    bool done;
    ts_buf body;
} si_run;

static void on_reply(void *ctx, uint64_t tag, const ts_llm_reply *reply)
{
    si_run *x = ctx;
    if (x->done || tag < x->head || tag >= x->next)
        return; /* a request still in flight when the run had enough */
    genkit_take(&x->win[tag % x->cap], reply);
}

/* The seed tasks shown in request i: per_prompt distinct ones. */
static void sample(const si_run *x, uint64_t i, size_t *pick, size_t *n)
{
    *n = x->per_prompt < x->nseeds ? (size_t)x->per_prompt : x->nseeds;
    if (*n == x->nseeds) {
        for (size_t k = 0; k < *n; k++)
            pick[k] = k;
        return;
    }
    uint64_t draw = 0;
    for (size_t k = 0; k < *n;) {
        size_t c = (size_t)(ts_gen_rand(x->seed, i * 1024 + draw++) % x->nseeds);
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup |= pick[j] == c;
        if (!dup)
            pick[k++] = c;
    }
}

static int submit(si_run *x)
{
    uint64_t i = x->next;
    size_t pick[16], n;
    sample(x, i, pick, &n);
    ts_si_task shown[16];
    for (size_t k = 0; k < n; k++)
        shown[k] = x->seeds[pick[k]];
    ts_buf prompt;
    ts_buf_init(&prompt, 0);
    int rc = ts_si_prompt(&prompt, x->preamble.data, x->preamble.len, shown, n, &x->labels);
    ts_gen_str turn = {prompt.data, prompt.len};
    genkit_req q = {.turns = &turn, .n = 1, .seed = x->seed + i};
    if (!rc)
        rc = genkit_request(&x->body, x->lo, &q);
    ts_buf_release(&prompt);
    if (rc) {
        cli_error(x->r->cmd, "cannot build a request: %s", ts_strerror(rc));
        return EXIT_IO;
    }
    genkit_reply_clear(&x->win[i % x->cap]);
    x->next++;
    ts_err e = TS_ERR_INIT;
    rc = ts_llm_submit(x->llm, x->body.data, x->body.len, i, on_reply, x, &e);
    if (rc == TS_EBUDGET) {
        x->next--;
        x->budget_stop = 1;
        return 0;
    }
    if (rc) {
        x->next--;
        return run_fail_err(x->r, EXIT_IO, "submit", &e);
    }
    return 0;
}

/* Requests worth having in flight: enough to reach --num at the yield
 * seen so far (5 kept per request before any is seen), within the window. */
static uint64_t wanted(const si_run *x)
{
    double yield = x->processed ? (double)x->kept / (double)x->processed : 5.0;
    if (yield < 0.5)
        yield = 0.5;
    uint64_t need = (uint64_t)((double)(x->num - x->kept) / yield) + 1;
    return need < x->cap ? need : x->cap;
}

static void add_meta(ts_jb *b, si_run *x, const ts_si_task *t, const ts_rouge_hit *top, size_t ntop,
                     double max, uint64_t req)
{
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    ts_jb_key(b, "instruction");
    ts_jb_str(b, t->instruction, t->instruction_len);
    ts_jb_key(b, "input");
    ts_jb_str(b, t->input, t->input_len);
    ts_jb_key(b, "most_similar");
    ts_jb_array(b);
    for (size_t k = 0; k < ntop && top[k].f > 0; k++) {
        size_t len;
        const char *s = ts_rouge_text(x->rouge, top[k].index, &len);
        ts_jb_object(b);
        ts_jb_key(b, "instruction");
        ts_jb_str(b, s, len);
        ts_jb_key(b, "rouge_l");
        ts_jb_double(b, (double)(int64_t)(top[k].f * 1e4 + 0.5) / 1e4);
        ts_jb_end(b);
    }
    ts_jb_end(b);
    ts_jb_key(b, "max_rouge");
    ts_jb_double(b, (double)(int64_t)(max * 1e4 + 0.5) / 1e4);
    ts_jb_key(b, "request");
    ts_jb_int(b, (int64_t)req);
    ts_jb_end(b);
}

static int keep(si_run *x, const ts_si_task *t, uint64_t req)
{
    cli_run *r = x->r;
    ts_rouge_hit top[SIMILAR_MAX];
    size_t ntop;
    double max;
    if (ts_rouge_query(x->rouge, t->instruction, t->instruction_len, top, (size_t)x->similar, &ntop, &max))
        return run_fail(r, EXIT_IO, "out of memory");
    if (max > x->max_rouge) {
        run_drop(r, "si_too_similar");
        return 0;
    }
    if (ts_rouge_add(x->rouge, t->instruction, t->instruction_len))
        return run_fail(r, EXIT_IO, "out of memory");
    ts_arena_reset(&r->arena);
    ts_buf user;
    ts_buf_init(&user, 0);
    ts_buf_append(&user, t->instruction, t->instruction_len);
    if (t->input_len) {
        ts_buf_append(&user, "\n\n", 2);
        ts_buf_append(&user, t->input, t->input_len);
    }
    char id[48];
    snprintf(id, sizeof id, "self-instruct/%llu", (unsigned long long)x->kept);
    ts_jb b;
    ts_jb_init(&b, &r->arena);
    ts_jb_object(&b);
    ts_jb_key(&b, "messages");
    ts_jb_array(&b);
    ts_record_message(&b, "user", user.data, user.len);
    ts_record_message(&b, "assistant", t->output, t->output_len);
    ts_jb_end(&b);
    ts_jb_key(&b, "id");
    ts_jb_cstr(&b, id);
    ts_jb_key(&b, "source");
    ts_jb_cstr(&b, "self-instruct");
    add_meta(&b, x, t, top, ntop, max, req);
    ts_jb_end(&b);
    ts_json *rec;
    int rc = ts_jb_finish(&b, &rec);
    if (!rc)
        rc = run_emit(r, rec);
    else
        rc = run_fail(r, EXIT_IO, "out of memory");
    ts_jb_release(&b);
    ts_buf_release(&user);
    if (!rc)
        x->kept++;
    return rc;
}

/* Parses, filters and keeps the blocks of the reply at the head. */
static int process(si_run *x)
{
    genkit_reply *g = &x->win[x->head % x->cap];
    uint64_t req = x->head++;
    uint64_t before = x->kept;
    x->processed++;
    int rc = 0;
    if (g->failed) {
        x->requests_failed++;
        char what[64];
        snprintf(what, sizeof what, "request %llu", (unsigned long long)req);
        genkit_report_failure(x->r->cmd, &x->failures_shown, what, g->err);
    } else {
        ts_arena a;
        ts_arena_init(&a);
        ts_si_item *it;
        size_t n;
        size_t shown = x->per_prompt < x->nseeds ? (size_t)x->per_prompt : x->nseeds;
        if (ts_si_parse(g->text, g->len, g->cut, shown, &x->labels, &a, &it, &n))
            rc = run_fail(x->r, EXIT_IO, "out of memory");
        for (size_t i = 0; !rc && i < n && x->kept < x->num; i++) {
            x->r->st.read++;
            const char *why = it[i].drop ? it[i].drop : ts_si_check(&it[i].t, &x->filter);
            if (why)
                run_drop(x->r, why);
            else
                rc = keep(x, &it[i].t, req);
        }
        ts_arena_release(&a);
    }
    genkit_reply_clear(g);
    run_progress(x->r);
    x->dry = x->kept > before ? 0 : x->dry + 1;
    if (x->kept >= x->num)
        x->done = true;
    return rc;
}

static int generate(si_run *x)
{
    ts_err e = TS_ERR_INIT;
    int rc = 0;
    while (!x->done && !rc) {
        while (!rc && !x->budget_stop && x->next - x->head < wanted(x))
            rc = submit(x);
        if (rc || x->head == x->next)
            break; /* budget reached and everything processed */
        genkit_reply *head = &x->win[x->head % x->cap];
        while (!head->done) {
            if (ts_llm_step(x->llm, &e))
                return run_fail_err(x->r, EXIT_IO, NULL, &e);
            if (!head->done && !ts_llm_pending(x->llm)) {
                head->done = head->failed = true; /* never called back: count it, do not hang */
                snprintf(head->err, sizeof head->err, "no reply");
            }
        }
        rc = process(x);
        if (!rc && x->patience && x->dry >= x->patience) {
            fprintf(stderr, "tuneset %s: stopped: %llu requests in a row kept nothing (--patience)\n",
                    x->r->cmd, (unsigned long long)x->dry);
            x->r->keep_output_on_data_error = true;
            x->r->exit_code = EXIT_DATA;
            break;
        }
    }
    x->done = true;
    /* Let what is still in flight finish: paid for, and cached for a rerun. */
    if (ts_llm_run(x->llm, &e) && !rc)
        rc = run_fail_err(x->r, EXIT_IO, NULL, &e);
    if (!rc && x->budget_stop && x->kept < x->num)
        fprintf(stderr, "tuneset %s: budget reached: kept %llu of %llu\n", x->r->cmd,
                (unsigned long long)x->kept, (unsigned long long)x->num);
    return rc;
}

static int load_seeds(si_run *x, const char *path, ts_arena *a)
{
    ts_json **recs;
    size_t n;
    int rc = genkit_load(x->r->cmd, path, a, &recs, &n);
    if (!rc && !n) {
        cli_error(x->r->cmd, "--seeds %s has no tasks", path);
        rc = EXIT_DATA;
    }
    if (!rc && !(x->seeds = calloc(n, sizeof *x->seeds)))
        rc = EXIT_IO;
    for (size_t i = 0; !rc && i < n; i++) {
        ts_err e = TS_ERR_INIT;
        if (ts_si_seed(recs[i], &x->seeds[i], &e)) {
            cli_error(x->r->cmd, "--seeds %s: record %zu: %s", path, i + 1, e.msg);
            rc = EXIT_DATA;
        } else if (ts_rouge_add(x->rouge, x->seeds[i].instruction, x->seeds[i].instruction_len)) {
            rc = EXIT_IO;
        }
    }
    x->nseeds = n;
    free(recs);
    return rc;
}

/* "Instruction,Input,Output[,<noinput>]" into labels (pointers into s). */
static int parse_labels(char *s, ts_si_labels *lb)
{
    const char **dst[4] = {&lb->instruction, &lb->input, &lb->output, &lb->noinput};
    int k = 0;
    for (char *p = s; k < 4; k++) {
        *dst[k] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = 0;
        p = c + 1;
    }
    return k >= 2 && *lb->instruction && *lb->input && *lb->output ? 0 : -1;
}

int gen_self_instruct(int argc, char **argv);
int gen_self_instruct(int argc, char **argv)
{
    const char *cmd = argv[0];
    cli_common c;
    cli_common_defaults(&c);
    llm_cli_opts lo;
    llm_cli_defaults(&lo);
    const char *seeds = NULL, *prompt = NULL, *labels = NULL;
    cli_list blacklist = {{0}, 0};
    si_run x = {.num = 100, .per_prompt = 3, .similar = 10, .patience = 50, .max_rouge = 0.7};
    uint64_t min_words = 4, max_words = 150;
    bool no_blacklist = false, non_ascii = false;
    cli_opt own[] = {
        {0, "seeds", "FILE", OPT_STR, &seeds, "seed tasks, JSONL {id, name, instruction, instances:[{input, output}]}"},
        {'n', "num", "N", OPT_U64, &x.num, "stop when N instructions are kept (default 100)"},
        {0, "prompt", "FILE", OPT_STR, &prompt, "the preamble of each request (default share/prompts/self_instruct.txt)"},
        {0, "labels", "I,IN,OUT[,NONE]", OPT_STR, &labels,
         "block labels of a translated prompt (default Instruction,Input,Output,<noinput>)"},
        {0, "prompt-tasks", "N", OPT_U64, &x.per_prompt, "seed tasks shown in each request (default 3)"},
        {0, "max-rouge", "F", OPT_DOUBLE, &x.max_rouge, "drop a candidate whose ROUGE-L to any seed or kept one is above F (default 0.7)"},
        {0, "similar", "N", OPT_U64, &x.similar, "most similar instructions kept in meta (default 10)"},
        {0, "min-words", "N", OPT_U64, &min_words, "fewer words are dropped (default 4)"},
        {0, "max-words", "N", OPT_U64, &max_words, "more words are dropped (default 150)"},
        {0, "blacklist", "WORD", OPT_LIST, &blacklist, "another word that drops an instruction (repeatable)"},
        {0, "no-default-blacklist", NULL, OPT_FLAG, &no_blacklist, "do not use Alpaca's word list"},
        {0, "allow-non-ascii", NULL, OPT_FLAG, &non_ascii, "keep instructions starting with a non-ASCII letter (Korean, ...)"},
        {0, "patience", "N", OPT_U64, &x.patience, "give up after N requests in a row keep nothing; 0 = never (default 50)"},
        {0},
    };
    cli_opt opts[64];
    llm_opts_table(opts, 64, own, &lo);
    char **pos;
    int npos;
    int rc = cli_parse(argc, argv, opts, &c, "--seeds FILE -n N -o OUT [options]",
                       "Self-Instruct as Alpaca did it: each request shows 3 sampled seed tasks and\n"
                       "asks for more; replies are parsed, filtered (4-150 words, blacklisted words,\n"
                       "'Write a program', punctuation or non-ASCII start) and kept when ROUGE-L\n"
                       "to every seed and kept instruction is <= --max-rouge. Records are SFT with\n"
                       "meta {instruction, input, most_similar, max_rouge, request}.\n\n"
                       "example: tuneset gen self-instruct --seeds seed_tasks.jsonl -n 1000 -o si.jsonl \\\n"
                       "           --endpoint http://127.0.0.1:8080 --cache si.sqlite --seed 1",
                       &pos, &npos);
    if (rc)
        return CLI_PARSE_RESULT(rc);
    if (!seeds || npos || !x.num || !x.per_prompt || x.per_prompt > 16 || x.similar > SIMILAR_MAX ||
        x.max_rouge < 0 || !min_words || max_words < min_words) {
        cli_error(cmd, "needs --seeds FILE and no other inputs; -n >= 1, --prompt-tasks 1..16, "
                       "--similar <= %d, --max-rouge >= 0, 1 <= --min-words <= --max-words", SIMILAR_MAX);
        return EXIT_USAGE;
    }
    char label_buf[512] = "";
    if (labels) {
        snprintf(label_buf, sizeof label_buf, "%s", labels);
        if (parse_labels(label_buf, &x.labels)) {
            cli_error(cmd, "--labels needs three non-empty names: INSTRUCTION,INPUT,OUTPUT[,NOINPUT]");
            return EXIT_USAGE;
        }
    }
    const char *extra[65];
    for (int i = 0; i < blacklist.n; i++)
        extra[i] = blacklist.items[i];
    extra[blacklist.n] = NULL;
    x.filter = (ts_si_filter){(unsigned)min_words, (unsigned)max_words, extra, no_blacklist, non_ascii};
    x.seed = c.seed;
    x.lo = &lo;
    ts_buf_init(&x.preamble, 0);
    ts_buf_init(&x.body, 0);
    if ((rc = genkit_prompt(cmd, prompt, "self_instruct", &x.preamble))) {
        ts_buf_release(&x.preamble);
        return rc;
    }
    ts_err e = TS_ERR_INIT;
    if (!(x.llm = llm_cli_open(&lo, cmd, &e))) {
        cli_error(cmd, "%s", e.msg);
        ts_buf_release(&x.preamble);
        return e.code == TS_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    cli_run r;
    ts_arena seed_arena;
    ts_arena_init(&seed_arena);
    x.rouge = ts_rouge_new();
    x.cap = (size_t)lo.concurrency;
    x.win = calloc(x.cap, sizeof *x.win);
    if (!x.rouge || !x.win) {
        cli_error(cmd, "out of memory");
        rc = EXIT_IO;
    } else if (!(rc = run_begin(&r, cmd, &c, c.output))) {
        x.r = &r;
        rc = load_seeds(&x, seeds, &seed_arena);
        if (rc)
            r.exit_code = rc;
        else
            generate(&x);
        ts_buf stats;
        ts_buf_init(&stats, 0);
        ts_buf_printf(&stats, "\"kept\":%llu,\"requests_processed\":%llu,\"requests_failed\":%llu,",
                      (unsigned long long)x.kept, (unsigned long long)x.processed,
                      (unsigned long long)x.requests_failed);
        llm_cli_stats_text(x.llm, &stats);
        ts_buf_putc(&stats, 0);
        r.extra_stats = stats.data;
        rc = run_end(&r);
        if (!c.quiet) {
            fprintf(stderr, "  kept %llu of %llu wanted from %llu requests (%llu failed)\n",
                    (unsigned long long)x.kept, (unsigned long long)x.num, (unsigned long long)x.processed,
                    (unsigned long long)x.requests_failed);
            llm_cli_summary(x.llm);
        }
        ts_buf_release(&stats);
    }
    for (size_t i = 0; x.win && i < x.cap; i++)
        genkit_reply_clear(&x.win[i]);
    free(x.win);
    free(x.seeds);
    ts_rouge_free(x.rouge);
    ts_llm_close(x.llm);
    ts_arena_release(&seed_arena);
    ts_buf_release(&x.preamble);
    ts_buf_release(&x.body);
    return rc;
}
