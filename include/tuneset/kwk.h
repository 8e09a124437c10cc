/* tuneset — "know what it knows": Llama 3's factuality pipeline (docs/kwk.md).
 *
 * Snippets of a text corpus; a question written from each; K answers
 * sampled from the model being tuned without the snippet; a judge scores
 * each answer's correctness against the snippet and its informativeness;
 * then, by thresholds: consistently correct -> SFT question -> a correct
 * answer; consistently informative and wrong -> the model writes a refusal
 * -> SFT question -> refusal, and pairs refusal over each confident wrong
 * answer; otherwise pairs correct over incorrect.
 *
 * This header holds the pure parts: reply parsers, the chunker, the seeded
 * snippet sampler, the threshold decision and the request builders.
 * Everything is reentrant; a sampler is one caller's.
 */
#ifndef TUNESET_KWK_H
#define TUNESET_KWK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/json.h"
#include "tuneset/llm.h"

/* --- judge replies ------------------------------------------------------ */

/* Yes/no (correctness): JSON {"correct": true|"yes"|...} (also "verdict",
 * "answer", "judgement"), a labelled line ("Correct: yes", "Verdict:
 * incorrect"), "[[yes]]", or the first word of the reply. "incorrect",
 * "wrong", "false", "no" are no; "correct", "right", "true", "yes" are yes.
 * Returns 1, 0, or -1 when the reply says neither. */
int ts_kwk_parse_yesno(const char *text, size_t len, ts_arena *a);

/* A 1-5 score (informativeness): JSON {"score"|"informativeness"|"rating": n},
 * "Score: 4", "Informativeness: 4/5", "[[4]]", a reply that is just "4";
 * yes/no count as 5/1. Returns 1..5, or 0 when there is none. */
int ts_kwk_parse_score(const char *text, size_t len, ts_arena *a);

/* The question a writer produced: JSON {"question": "..."}, a "Question:"
 * line, or the reply itself, trimmed of quotes and Markdown. 0 with *q set
 * (borrowing text or the arena), or TS_ESCHEMA when the reply is empty,
 * longer than 2000 bytes, or not a question (no '?' in it). */
int ts_kwk_parse_question(const char *text, size_t len, ts_arena *a, const char **q, size_t *qlen);

/* --- snippets ------------------------------------------------------------ */

/* Next chunk of at most max_chars characters (UTF-8 code points) from
 * text[*pos..len): it ends at a paragraph break, else a sentence end, else
 * a space found in the chunk's last fifth, else at max_chars. Leading
 * whitespace is skipped. Returns false at the end of the text. */
bool ts_kwk_next_chunk(const char *text, size_t len, size_t *pos, size_t max_chars,
                       const char **chunk, size_t *clen);

/* Characters (code points) in s[0..n). */
size_t ts_kwk_chars(const char *s, size_t n);

/* Seeded sampling of k items from a stream: each item gets a priority
 * that depends only on (seed, its index), and the k smallest are kept (a
 * bottom-k sample), so the choice does not depend on batching or order of
 * arrival. payload is the caller's; offer returns the payload it pushed
 * out (to free), the offered one when it is not kept, or NULL. */
typedef struct ts_kwk_pick {
    uint64_t prio, index;
    void *payload;
} ts_kwk_pick;

typedef struct ts_kwk_sampler {
    ts_kwk_pick *heap; /* max-heap on prio */
    size_t n, k;
    uint64_t seed;
} ts_kwk_sampler;

int ts_kwk_sampler_init(ts_kwk_sampler *s, size_t k, uint64_t seed);
void *ts_kwk_sampler_offer(ts_kwk_sampler *s, uint64_t index, void *payload, bool *kept);
/* Sorts the kept items by index (input order) and returns them; the
 * sampler then holds them until ts_kwk_sampler_release. */
ts_kwk_pick *ts_kwk_sampler_sorted(ts_kwk_sampler *s, size_t *n);
void ts_kwk_sampler_release(ts_kwk_sampler *s);

/* splitmix64 of (seed, n). */
uint64_t ts_kwk_mix(uint64_t seed, uint64_t n);

/* --- the decision --------------------------------------------------------- */

typedef struct ts_kwk_thresholds {
    double correct_share; /* consistently correct: share correct >= this (0.8) */
    double wrong_share;   /* consistently wrong: share informative and incorrect >= this (0.8) */
    int informative_min;  /* informative: score >= this (3) */
    size_t min_judged;    /* fewer judged answers: unjudged (0 = half of K, rounded up) */
} ts_kwk_thresholds;

void ts_kwk_thresholds_default(ts_kwk_thresholds *t);

typedef struct ts_kwk_answer {
    int correct; /* 1, 0, -1 = not judged */
    int info;    /* 1..5, 0 = not judged */
} ts_kwk_answer;

typedef enum { TS_KWK_UNJUDGED, TS_KWK_CORRECT, TS_KWK_WRONG, TS_KWK_MIXED } ts_kwk_class;

typedef struct ts_kwk_decision {
    ts_kwk_class cls;
    size_t judged;          /* answers with both judgements */
    size_t correct, incorrect, confident_wrong;
    double share_correct, share_confident_wrong; /* of judged */
    int best; /* the most informative correct answer (first on ties), -1 = none */
} ts_kwk_decision;

/* Only answers with both judgements count. */
void ts_kwk_decide(const ts_kwk_answer *ans, size_t k, const ts_kwk_thresholds *t,
                   ts_kwk_decision *d);
const char *ts_kwk_class_name(ts_kwk_class c);

/* --- requests ------------------------------------------------------------- */

/* Chat-completions bodies appended to out; model NULL = the client's
 * default; temperature < 0 and max_tokens <= 0 are not sent. */
typedef struct ts_kwk_sampling {
    double temperature, top_p;
    int64_t max_tokens;
} ts_kwk_sampling;

int ts_kwk_question_request(ts_buf *out, const char *model, const char *snippet, size_t slen,
                            uint64_t seed, const ts_kwk_sampling *s);
int ts_kwk_answer_request(ts_buf *out, const char *model, const char *q, size_t qlen, uint64_t seed,
                          const ts_kwk_sampling *s);
int ts_kwk_correct_request(ts_buf *out, const char *model, const char *snippet, size_t slen,
                           const char *q, size_t qlen, const char *ans, size_t alen, uint64_t seed,
                           const ts_kwk_sampling *s);
int ts_kwk_informative_request(ts_buf *out, const char *model, const char *q, size_t qlen,
                               const char *ans, size_t alen, uint64_t seed, const ts_kwk_sampling *s);
int ts_kwk_refusal_request(ts_buf *out, const char *model, const char *q, size_t qlen, uint64_t seed,
                           const ts_kwk_sampling *s);

/* --- the generator: requests as a state machine over ts_llm ------------- */

typedef struct ts_kwk_opts {
    ts_llm *llm;
    const char *model;       /* the model being tuned: answers and refusals (NULL = client default) */
    const char *judge_model; /* question writer and judges (NULL = model) */
    size_t samples;          /* K answers per question, 1..64 */
    unsigned reasks;         /* re-asks of an unparseable reply (distinct seeds) */
    uint64_t seed;           /* answer i uses seed + i; re-ask t uses seed + t */
    ts_kwk_thresholds th;
    ts_kwk_sampling answering, judging;
    bool keep_snippet;       /* copy the snippet into meta */
} ts_kwk_opts;

typedef struct ts_kwk ts_kwk;

typedef struct ts_kwk_result {
    uint64_t index;
    const ts_json *sft;  /* NULL when the snippet gives no SFT record */
    const char *drop;    /* then why: kwk_mixed (pairs only), kwk_unjudged, no_question, ... */
    ts_json **pairs;
    size_t n_pairs;
} ts_kwk_result;

typedef struct ts_kwk_stats {
    uint64_t questions, no_question;
    uint64_t answers, answers_failed;
    uint64_t judgements, reasks, unjudged_answers;
    uint64_t cls[4]; /* snippets by ts_kwk_class */
    uint64_t refusals, refusals_failed;
    uint64_t sft, pairs;
    bool budget_hit;     /* as ts_fb_stats: the snippet and all later ones are cut */
    uint64_t budget_cut;
} ts_kwk_stats;

ts_kwk *ts_kwk_new(const ts_kwk_opts *o, ts_err *err);
/* Starts one snippet (copied). ref names it in ids and meta ("doc/3#2");
 * may be NULL (then the index does). */
int ts_kwk_add(ts_kwk *k, const char *snippet, size_t len, const char *ref, uint64_t index,
               ts_err *err);
size_t ts_kwk_active(const ts_kwk *k);
int ts_kwk_step(ts_kwk *k, ts_err *err);
/* As ts_fb_take: 1 with res filled (valid until the next take), 0 when the
 * oldest snippet is not finished, or a negative code. */
int ts_kwk_take(ts_kwk *k, ts_kwk_result *res, ts_err *err);
const ts_kwk_stats *ts_kwk_get_stats(const ts_kwk *k);
void ts_kwk_free(ts_kwk *k);

#endif
