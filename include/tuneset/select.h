/* tuneset — s1K's selection funnel over question + reasoning trace +
 * answer records: answer equivalence (math normalization), quality
 * filters, reply parsers for judge and domain-label models, and the
 * diversity sampler (domains uniformly, longer traces favoured with
 * weight 2^-rank, without replacement).
 *
 * All functions are pure and reentrant unless noted.
 */
#ifndef TUNESET_SELECT_H
#define TUNESET_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/error.h"
#include "tuneset/json.h"

/* --- answers ------------------------------------------------------------ */

/* Finds the final answer in a model's text: the contents of the last
 * \boxed{...} or \fbox{...} (nested braces allowed); else what follows
 * the last "final answer is" / "answer is" / "Answer:" on its line; else
 * the whole text when it is one short line (<= 120 bytes). Returns true
 * and sets *a / *alen (pointing into s), or false when there is none. */
bool ts_math_answer(const char *s, size_t n, const char **a, size_t *alen);

/* Canonical text of an answer, for comparison: $ and \( \) \[ \] gone,
 * \left/\right and LaTeX spacing dropped, \dfrac/\tfrac -> \frac,
 * \frac{a}{b} and \frac ab -> a/b (parenthesised unless atoms),
 * \text{...} after a number (units) dropped, else kept as plain text,
 * degrees and percent signs dropped, white space dropped, thousands
 * commas removed, trailing zeros of decimals removed, "x = 5" -> 5,
 * "(B)" -> B. Writes at most cap - 1 bytes and a NUL into out; returns
 * the length (cut at cap - 1). */
size_t ts_math_normalize(const char *s, size_t n, char *out, size_t cap);

/* True when the two answers are equivalent: equal canonical texts, or
 * both numbers (decimals or fractions p/q) within 1e-9 relative. The
 * inputs are answers already (see ts_math_answer). */
bool ts_math_equiv(const char *a, size_t alen, const char *b, size_t blen);

/* Extracts the answer from reply text and compares it with the reference
 * answer (itself extracted when it holds a \boxed{}). -1 when the reply
 * has no answer to compare, else 0 / 1. */
int ts_math_reply_correct(const char *reply, size_t rlen, const char *ref, size_t reflen);

/* --- reply parsers ------------------------------------------------------ */

/* A judge's yes/no, tolerant of markup and phrasing ("**Yes**", "Answer:
 * no", "The answer is correct.", "not equivalent"): 1 yes, 0 no, -1 when
 * it cannot be told. */
int ts_select_parse_yesno(const char *s, size_t n);

/* The Mathematics Subject Classification top-level class in a labeller's
 * reply ("11", "MSC 11", "11-XX Number theory", "Domain: 05"): the first
 * two-digit number that is a valid MSC2020 top-level class, as 0..99;
 * -1 when there is none. */
int ts_select_parse_msc(const char *s, size_t n);
/* The class's name ("Number theory"), or NULL when code is not a class. */
const char *ts_select_msc_name(int code);

/* --- quality filters ---------------------------------------------------- */

/* Drop rule for a record's texts, or NULL when it passes:
 * "api_error" (an API error message instead of an answer),
 * "image" (embedded or linked images, Asymptote figures),
 * "broken_markup" (an odd number of $$, \[ without \], \begin{env}
 * without its \end{env}). */
const char *ts_select_quality(const char *s, size_t n);

/* --- the diversity sampler ---------------------------------------------- */

typedef struct ts_select_item {
    int domain;      /* 0..n_domains-1 */
    uint64_t length; /* trace length: longer is favoured */
    int round;       /* out: 1-based selection round, 0 = not selected */
} ts_select_item;

/* Picks up to target items: each round draws a domain uniformly among
 * those with items left, then an item of it with weight 2^-rank (rank 0 =
 * the longest trace left in the domain; equal lengths ranked by input
 * order), without replacement. Seeded: same items + seed = same picks.
 * Sets items[i].round; returns the number picked, or TS_ENOMEM. */
int ts_select_sample(ts_select_item *items, size_t n, int n_domains, size_t target, uint64_t seed);


/* --- model calls (difficulty and domain labels) ----------------------- */

#include "tuneset/llm.h"

/* One question of the pool as the model steps see it (text borrowed). */
typedef struct ts_select_q {
    const char *question;
    size_t qlen;
    const char *ref; /* reference answer (or a solution holding \boxed{}) */
    size_t rlen;
    signed char *weak; /* [n_weak], out: 1 solved, 0 not, -1 unknown */
    bool solved;       /* out: some weak model solved it */
    int domain;        /* out: MSC class, or -1 unknown */
} ts_select_q;

typedef struct ts_select_models {
    ts_llm **weak;           /* client per weak model (may repeat) */
    const char *const *weak_model;
    size_t n_weak;
    ts_llm *main;            /* judge and labeller */
    const char *judge_model; /* NULL = math equivalence */
    const char *label_model; /* NULL = the endpoint's default */
    const char *label_prompt; /* "{question}" is replaced; NULL = default */
    /* {question}, {reference}, {candidate} replaced; NULL = default */
    const char *judge_prompt;
    /* Adds sampling members (temperature, ...) to a request being built. */
    void (*params)(void *ctx, ts_jb *b);
    void *params_ctx;
    uint64_t seed;
} ts_select_models;

typedef struct ts_select_model_counts {
    uint64_t weak_answers, weak_failed, weak_no_answer;
    uint64_t judged, judge_failed, judge_unparseable;
    uint64_t labelled, label_failed, label_unknown;
    uint64_t budget_refused; /* requests not sent: a budget was reached */
} ts_select_model_counts;

/* Each weak model answers each question; a reply is judged against the
 * reference (judge model, or math equivalence) and q->weak / q->solved
 * set. Unknown results (failed request, no answer, unparseable judgement)
 * count as not solved. Returns 0 or a client failure code. */
int ts_select_difficulty(ts_select_q *qs, size_t n, const ts_select_models *m,
                         ts_select_model_counts *c, ts_err *err);

/* Labels the MSC class of each question not solved (q->domain). */
int ts_select_label(ts_select_q *qs, size_t n, const ts_select_models *m, ts_select_model_counts *c,
                    ts_err *err);

/* --- records ------------------------------------------------------------ */

/* An SFT record's parts, borrowed from it: the first user turn, the last
 * assistant turn's content and reasoning_content, and the reference
 * answer (meta.solution when a non-empty string, else the answer). */
typedef struct ts_select_fields {
    const ts_json *question, *answer, *trace, *reference;
} ts_select_fields;

/* Fills f. Returns NULL when the record has all three texts and they pass
 * ts_select_quality, else the drop rule ("missing_field", "api_error",
 * "image", "broken_markup"). *not_sft is set (and "missing_field"
 * returned) when the record has no "messages" array at all. */
const char *ts_select_read(const ts_json *rec, ts_select_fields *f, bool *not_sft);

/* Sets rec.meta.select = {domain, domain_name, trace_length, round,
 * weak: [{model, correct}]} (meta created when absent): domain is the
 * two-digit class, "unknown", or null when !labelled; correct is null for
 * unknown results. Allocates in a; 0 or TS_ENOMEM / TS_EINVAL. */
int ts_select_annotate(ts_arena *a, ts_json *rec, const ts_select_q *q, const char *const *weak_models,
                       size_t n_weak, uint64_t trace_len, int round, bool labelled);

#define TS_SELECT_LABEL_PROMPT                                                                     \
    "Classify the following problem into one top-level class of the Mathematics Subject "          \
    "Classification (MSC 2020), for example 05 Combinatorics, 11 Number theory, 60 Probability "  \
    "theory, 81 Quantum theory. Reply with the two-digit class number only.\n\nProblem:\n{question}"

#define TS_SELECT_JUDGE_PROMPT                                                                     \
    "You are checking the final answer to a problem against the reference answer.\n\n"           \
    "Problem:\n{question}\n\nReference answer:\n{reference}\n\nCandidate answer:\n{candidate}\n\n" \
    "Is the candidate's final answer equivalent to the reference answer? Reply yes or no."

#endif
