/* tuneset — the pure parts of the model-backed generators: ROUGE-L
 * similarity, the Self-Instruct prompt builder, reply parser and filters,
 * the simulated-chat and augmentation prompt helpers. Nothing here talks to
 * a model: the CLI (src/gen_*.c) sends what these functions build through
 * ts_llm and feeds the replies back.
 *
 * Strings are (ptr, len) slices. Functions without an object are
 * reentrant; a ts_rouge is not thread-safe (use one per thread).
 */
#ifndef TUNESET_GEN_H
#define TUNESET_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"
#include "tuneset/json.h"

/* --- ROUGE-L ------------------------------------------------------------ */

/* Tokenization follows rouge_score's default (what Alpaca uses): lowercase,
 * everything that is not a letter or a digit becomes a space, split on
 * spaces, no stemming. For ASCII text this is exactly rouge_score's; unlike
 * it, letters and digits outside ASCII (Hangul, accented Latin, ...) are
 * kept as token characters, so Korean text is not scored as empty. */

/* A set of texts to score candidates against (seed and kept instructions).
 * Tokens are interned to ids once; a query builds the bit masks of its own
 * tokens and runs the bit-parallel LCS (Hyyro) over every stored text, so
 * one query costs O(total stored tokens * ceil(query tokens / 64)). */
typedef struct ts_rouge ts_rouge;

typedef struct ts_rouge_hit {
    size_t index; /* of the stored text, in insertion order */
    double f;     /* ROUGE-L F-measure */
} ts_rouge_hit;

ts_rouge *ts_rouge_new(void);
void ts_rouge_free(ts_rouge *r); /* NULL is fine */
/* Stores a copy of s[0..n) and its tokens. 0 or TS_ENOMEM. */
int ts_rouge_add(ts_rouge *r, const char *s, size_t n);
size_t ts_rouge_count(const ts_rouge *r);
/* The stored copy of text i (NUL-terminated). */
const char *ts_rouge_text(const ts_rouge *r, size_t i, size_t *len);
/* Scores s against every stored text: *max gets the best F (0 when the set
 * is empty), top[0..*ntop) the k best, best first, ties by lower index.
 * top may be NULL when k is 0. 0 or TS_ENOMEM. */
int ts_rouge_query(ts_rouge *r, const char *s, size_t n, ts_rouge_hit *top, size_t k,
                   size_t *ntop, double *max);
/* ROUGE-L F-measure of two texts (symmetric: 2 * LCS / (|a| + |b|)). */
double ts_rouge_l(const char *a, size_t an, const char *b, size_t bn);
/* Length of the longest common subsequence of two token-id sequences, by the
 * bit-parallel algorithm (for tests and benchmarks). */
size_t ts_lcs_bits(const uint32_t *a, size_t m, const uint32_t *b, size_t n);
/* Number of ROUGE tokens in s (what the F-measure counts). */
size_t ts_rouge_ntokens(const char *s, size_t n);

/* --- Self-Instruct ------------------------------------------------------ */

typedef struct ts_si_task {
    const char *instruction, *input, *output; /* borrowed slices */
    size_t instruction_len, input_len, output_len;
} ts_si_task;

/* The block labels of the numbered layout. A translated prompt (Korean)
 * uses its own; NULL members take the English defaults "Instruction",
 * "Input", "Output" and "<noinput>". */
typedef struct ts_si_labels {
    const char *instruction, *input, *output, *noinput;
} ts_si_labels;

/* Reads a seed task in the 175-task format {id, name, instruction,
 * instances: [{input, output}], is_classification}: the instruction and the
 * first instance, borrowed from rec. TS_ESCHEMA with a reason otherwise. */
int ts_si_seed(const ts_json *rec, ts_si_task *t, ts_err *err);

/* Appends the request prompt: the preamble, a newline, then for each task
 * "###\nI. Instruction: ...\nI. Input:\n...\nI. Output:\n...\n" (the
 * instruction on one line without a trailing ':', an empty input written
 * as <noinput>), then "###\nN+1. Instruction:". 0 or a ts_buf error. */
int ts_si_prompt(ts_buf *out, const char *preamble, size_t plen, const ts_si_task *tasks,
                 size_t n, const ts_si_labels *lb);

/* One block of a reply: a task, or the name of the rule that dropped it
 * while parsing ("si_cut_by_length", "si_malformed"). */
typedef struct ts_si_item {
    ts_si_task t;
    const char *drop; /* NULL = parsed */
} ts_si_item;

/* Splits a reply on "###" into numbered blocks, the first numbered
 * n_prompt + 1 (the prompt ends with its label). A block needs exactly
 * "K. Instruction:", "K. Input:", "K. Output:" in that order; "<noinput>"
 * becomes an empty input; the last block is dropped when the reply was cut
 * (finish_reason "length"). Items and their texts live in a (the reply is
 * copied). Blocks that are only whitespace are not items. 0 or TS_ENOMEM. */
int ts_si_parse(const char *reply, size_t len, bool cut_by_length, size_t n_prompt,
                const ts_si_labels *lb, ts_arena *a, ts_si_item **items, size_t *n);

typedef struct ts_si_filter {
    unsigned min_words;     /* 0 = 4 */
    unsigned max_words;     /* 0 = 150 */
    const char *const *extra_blacklist; /* NULL-terminated, may be NULL */
    bool no_default_blacklist;
    bool allow_non_ascii;   /* keep instructions starting with a non-ASCII letter */
} ts_si_filter;

/* Alpaca's filters, in its order. Returns NULL to keep, or the rule:
 * "si_too_short", "si_too_long", "si_blacklist", "si_write_a_program",
 * "si_punctuation_start", "si_non_ascii_start", "si_empty_output". */
const char *ts_si_check(const ts_si_task *t, const ts_si_filter *f);

/* Words as Python's str.split() counts them (Unicode whitespace). */
size_t ts_si_words(const char *s, size_t n);
/* Case-insensitive whole-word search (word characters are letters, digits
 * and '_', Unicode-aware), e.g. "go to" in "Go to the store". */
bool ts_si_has_word(const char *s, size_t n, const char *word);

/* --- prompts and shared helpers ----------------------------------------- */

/* A (ptr, len) slice. */
typedef struct ts_gen_str {
    const char *s;
    size_t len;
} ts_gen_str;

/* The built-in prompt called name (the text of share/prompts/<name>.txt), or
 * NULL. ts_gen_prompt_name(i) lists them; NULL past the end. */
const char *ts_gen_prompt(const char *name);
const char *ts_gen_prompt_name(size_t i);

typedef struct ts_gen_var {
    const char *name; /* without the braces */
    const char *val;
    size_t len;
} ts_gen_var;

/* Appends tmpl[0..n) with each {{name}} replaced by its value. An unknown
 * placeholder is TS_ETEMPLATE naming it (a replaced prompt with a typo
 * should fail loudly, not send "{{topc}}" a million times). */
int ts_gen_fill(ts_buf *out, const char *tmpl, size_t n, const ts_gen_var *vars, size_t nvars,
                ts_err *err);
/* True when tmpl uses {{name}}. */
bool ts_gen_uses(const char *tmpl, size_t n, const char *name);

/* Splits a list reply into items, one a line: numbering ("1.", "2)"),
 * bullets ("-", "*", "•") and quotes around the whole item are removed;
 * blank lines and headers (ending in ':') are skipped. Items point into text; returns how many were found
 * (only the first cap are stored). */
size_t ts_gen_list(const char *text, size_t n, ts_gen_str *items, size_t cap);

/* A well-mixed 64-bit value of (seed, i): every seeded choice of a run
 * (sampled seed tasks, rounds, prompt variants) is a pure function of the
 * run seed and the item's index, so the order replies arrive in never
 * changes the output. */
uint64_t ts_gen_rand(uint64_t seed, uint64_t i);

/* --- simulated chats ---------------------------------------------------- */

/* Target rounds of conversation `index`: uniform in [min, max]. */
unsigned ts_sim_rounds(uint64_t seed, uint64_t index, unsigned min, unsigned max);
/* True when the simulated user's reply contains the end marker. */
bool ts_sim_ended(const char *s, size_t n, const char *marker);
/* Appends "User: ...\n\nAssistant: ..." for turns that alternate from a
 * user turn. */
int ts_sim_transcript(ts_buf *out, const ts_gen_str *turns, size_t n);
/* Post-filter: "sim_empty_turn" (a turn blank after trimming),
 * "sim_duplicate_turn" (a turn equal to an earlier turn of the same role),
 * or NULL to keep. */
const char *ts_sim_check(const ts_gen_str *turns, size_t n);

/* --- augmentation ------------------------------------------------------- */

typedef enum ts_aug_mode {
    TS_AUG_PARAPHRASE,
    TS_AUG_DEEPEN,    /* Evol-Instruct in-depth: one of four rewrites, seeded */
    TS_AUG_BROADEN,   /* Evol-Instruct in-breadth: a rarer task in the same domain */
    TS_AUG_TRANSLATE
} ts_aug_mode;

/* Parses "paraphrase", "deepen", "deepen:constraints|deepen|concretize|
 * reasoning", "broaden", "translate[:LANG]" (LANG a code such as ko or a
 * language name; default Korean). *variant gets the built-in prompt name,
 * or NULL for deepen without a variant (chosen per record); *language the
 * language name for translate. TS_EINVAL otherwise. */
int ts_aug_mode_parse(const char *spec, ts_aug_mode *mode, const char **variant,
                      const char **language);
/* The deepen variant for pick (0..3). */
const char *ts_aug_deepen_variant(uint64_t pick);
/* Trims a rewrite and removes what models often wrap it in: a leading
 * label they echo ("#Rewritten Prompt#:", "Rewritten instruction:", ...)
 * and quotes around the whole text. */
void ts_aug_clean(const char **s, size_t *n);

#endif
