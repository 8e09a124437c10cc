/* tuneset gen SUB: the model-backed generators, one file src/gen_<sub>.c
 * each, listed in one table (add one X line to GEN_SUBCOMMANDS). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* X(name, function, summary) — one line per generator. */
#define GEN_SUBCOMMANDS(X)                                                                          \
    X("augment", gen_augment, "rewrite records: paraphrase, deepen/broaden (Evol-Instruct), translate")  \
    X("feedback", gen_feedback, "UltraFeedback: completions from a model pool, rated by a judge; pairs") \
    X("kwk", gen_kwk, "Llama 3 know-what-it-knows: questions from snippets, judged answers, refusals") \
    X("respond", gen_respond, "fill the assistant turn of prompt-only records (n samples each)")   \
    X("select", gen_select, "s1K's funnel: quality, weak-model difficulty, MSC-domain diversity")  \
    X("self-instruct", gen_self_instruct, "Alpaca's Self-Instruct: new tasks from seed tasks, ROUGE-L filtered") \
    X("simulate", gen_simulate, "UltraChat's simulated chats: a model plays the user, another the assistant") \
    /* one line per generator above this comment */

#define GEN_DECLARE(name, fn, summary) int fn(int argc, char **argv);
GEN_SUBCOMMANDS(GEN_DECLARE)

static const cli_cmd gens[] = {
#define GEN_ROW(name, fn, summary) {name, fn, summary},
    GEN_SUBCOMMANDS(GEN_ROW)
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tuneset gen <generator> [options] [FILE...] -o OUT\n"
               "       tuneset gen <generator> --help\n\n"
               "Creates records with a language model on any OpenAI-compatible server\n"
               "(vLLM, llama-server, Ollama, SGLang, TGI, hosted APIs); see docs/llm.md.\n\n"
               "generators:\n");
    for (size_t i = 0; gens[i].name; i++)
        fprintf(f, "  %-14s %s\n", gens[i].name, gens[i].summary);
    fprintf(f, "\nexample: tuneset gen respond prompts.jsonl -o sft.jsonl --endpoint http://127.0.0.1:8080 \\\n"
               "           --cache gen.sqlite\n");
}

int cmd_gen(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; gens[i].name; i++)
        if (!strcmp(gens[i].name, name)) {
            /* The generator's argv[0] names it in messages and --help. */
            static char label[64];
            snprintf(label, sizeof label, "gen %s", name);
            argv[1] = label;
            return gens[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "tuneset gen: unknown generator '%s' (see 'tuneset gen --help')\n", name);
    return EXIT_USAGE;
}
