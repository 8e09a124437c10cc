/* tuneset — the command-line program: one table of subcommands, each in
 * its own cmd_<name>.c. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_cmd commands[] = {
    {"build", cmd_build, "run a recipe (YAML): sources, steps, splits -> outputs, manifest, card"},
    {"cat", cmd_cat, "read records (JSONL, JSON array; .gz/.zst) and write canonical JSONL"},
    {"gen", cmd_gen, "create records with a language model (gen respond, ...; see 'tuneset gen --help')"},
    {"head", cmd_head, "write the first N records"},
    {"import", cmd_import, "import a public dataset (alpaca, dolly, oasst1, sharegpt, hh-rlhf, ...) into canonical records"},
    {"clean", cmd_clean, "normalize turns and drop records failing named filters"},
    {"dedup", cmd_dedup, "remove exact and near-duplicate records (MinHash + LSH)"},
    {"decontam", cmd_decontam, "drop records that share an n-gram with benchmark files (--against)"},
    {"pii", cmd_pii, "find PII and redact it, drop the records or report counts"},
    {"tokenize", cmd_tokenize, "count tokens (and ids) of each text with a Hugging Face tokenizer.json"},
    {"split", cmd_split, "assign records to train/test/... splits (seeded; --group-by, --stratify)"},
    {"lang", cmd_lang, "detect each record's language: meta.lang and meta.lang_confidence"},
    {"mix", cmd_mix, "combine sources by weight or count (seeded up/down-sampling)"},
    {"report", cmd_report, "one self-contained HTML page: charts of the statistics and a sample of records"},
    {"stats", cmd_stats, "counts, turns, lengths, languages, categories, score gaps and duplicates"},
    {"render", cmd_render, "render conversations with a chat template (tokenizer_config.json or a built-in) into text"},
    {"export", cmd_export, "write records for a trainer: trl, llamafactory, axolotl, openai, alpaca, sharegpt"},
    {"parquet", cmd_parquet, "show a Parquet file's schema (parquet schema FILE) or row groups (parquet meta FILE)"},
    {"votes", cmd_votes, "preference pairs from Reddit votes (SHP's method): posts + comments -> pairs"},
    {"validate", cmd_validate, "check records against the canonical shapes; exit 0 only if all pass"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tuneset <command> [options] [FILE...]\n"
               "       tuneset <command> --help\n"
               "       tuneset --version\n\n"
               "tuneset builds datasets for fine-tuning language models:\n"
               "import -> create -> curate -> export, streaming and fast.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nFILE '-' (or none) means standard input. Exit codes: 0 ok, 1 bad data,\n"
               "2 bad usage, 3 I/O error. See docs/cli.md.\n");
}

/* An interrupted run must not leave temp files behind. */
static void on_signal(int sig)
{
    ts_out_unlink_all_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(int argc, char **argv)
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
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("tuneset %s\n", ts_version());
        return EXIT_OK;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, reported */
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tuneset: unknown command '%s' (see 'tuneset --help')\n", name);
    return EXIT_USAGE;
}
