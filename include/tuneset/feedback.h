/* tuneset — AI feedback in UltraFeedback's manner (docs/feedback.md).
 *
 * Per prompt: N completions from a pool of models, each optionally steered
 * by a principle (a system prompt); a judge rates every completion on four
 * aspects with a 1-5 rubric and a rationale; the rows come out in
 * UltraFeedback's raw schema and are binarized by the ultrafeedback
 * importer's own rule. Or, with pairwise judging, the judge compares two
 * completions in both orders and only consistent verdicts count.
 *
 * This header holds the pure parts (prompts, reply parsers, row building);
 * the request state machine over ts_llm is ts_fb_* in lib/gen/feedback_run.c.
 * Everything here is reentrant; parsers only read their input.
 */
#ifndef TUNESET_FEEDBACK_H
#define TUNESET_FEEDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/json.h"
#include "tuneset/llm.h"

#define TS_FB_NASPECTS 4
/* instruction_following, honesty, truthfulness, helpfulness (UltraFeedback's keys). */
extern const char *const ts_fb_aspects[TS_FB_NASPECTS];

/* Principles, as UltraFeedback names them: helpfulness, honesty,
 * truthfulness, verbalized_calibration. The default system prompt of each
 * (our own wording), or NULL for an unknown name. */
const char *ts_fb_principle_prompt(const char *principle);

/* The judge's rubric for one aspect (index into ts_fb_aspects). */
const char *ts_fb_rubric(int aspect);

/* --- judge replies ------------------------------------------------------ */

/* One rating parsed from a judge's reply; strings borrow the reply text or
 * the arena given to the parser. rating 0 = not found. */
typedef struct ts_fb_rating {
    int rating; /* 1..5 */
    const char *rationale;
    size_t rationale_len;
} ts_fb_rating;

/* Parses a judge reply that rates n texts on one aspect. Understands, in
 * this order: JSON (bare, or in a ``` fence, or the outermost {...} / [...]
 * of the reply) as {"ratings":[{"text":i,"rating":r,"rationale":s}...]},
 * [{...}...], {"1":{...},...} or {"rating":r,...} when n == 1; then text
 * with sections per text ("#### Output for Text 2", "### Output 2",
 * "Text 2:", "**Text 2**") holding "Rating: 4" / "Rating: [[4]]" /
 * "Rating: **4** /5" and "Rationale: ..."; without sections, the k-th
 * "Rating:" goes to text k when there are exactly n of them. Ratings
 * outside 1..5 are not ratings. out[0..n) is filled; returns how many
 * texts got a rating. */
size_t ts_fb_parse_ratings(const char *text, size_t len, size_t n, ts_fb_rating *out, ts_arena *a);

/* Pairwise verdicts. */
typedef enum { TS_FB_NONE = 0, TS_FB_A, TS_FB_B, TS_FB_TIE } ts_fb_verdict;

/* "[[A]]" / "[[B]]" / "[[C]]" or "[[tie]]" (the last such mark wins, as
 * judges explain before they decide), JSON {"winner": "A"|"B"|"tie"},
 * "Winner: A", "Verdict: Output (b)", "Final verdict: tie". */
ts_fb_verdict ts_fb_parse_verdict(const char *text, size_t len, ts_arena *a);

/* Combines the verdicts of (A=x, B=y) and the swapped (A=y, B=x) order:
 * TS_FB_A when x wins both, TS_FB_B when y wins both, TS_FB_TIE when both
 * are ties, TS_FB_NONE when they disagree (position bias) or one is none. */
ts_fb_verdict ts_fb_consistent(ts_fb_verdict ab, ts_fb_verdict ba);

/* The critique of one response (UltraFeedback's critique step): JSON
 * {"critique"|"feedback": "...", "overall_score"|"score": n}, or text with
 * "Overall Score: 7" / "Overall score: 7.5/10" / "Score: [[7]]" (the last
 * such label counts) and the feedback before it ("Feedback:" or
 * "Critique:" labels dropped). The score is 1 to 10 (halves allowed).
 * 0 with *score and the critique set (borrowing the reply or a), or
 * TS_ESCHEMA when there is no score or no critique text. */
int ts_fb_parse_critique(const char *text, size_t len, ts_arena *a, double *score,
                         const char **critique, size_t *clen);

/* --- requests ----------------------------------------------------------- */

/* Request-body builders: append a chat-completions JSON body to out.
 * model may be NULL (the client fills in its default); seed is always set
 * so repeated samples and re-asks get distinct cache entries. */
typedef struct ts_fb_sampling {
    double temperature; /* < 0 = not sent */
    double top_p;       /* < 0 = not sent */
    int64_t max_tokens; /* <= 0 = not sent */
} ts_fb_sampling;

int ts_fb_completion_request(ts_buf *out, const char *model, const char *system,
                             const char *instruction, size_t ilen, uint64_t seed,
                             const ts_fb_sampling *s);
/* The judge sees the instruction and the n responses as "Text 1..n". */
int ts_fb_rating_request(ts_buf *out, const char *model, int aspect, const char *instruction,
                         size_t ilen, const char *const *resp, const size_t *rlen, size_t n,
                         bool json_mode, uint64_t seed, const ts_fb_sampling *s);
/* The critique request: the instruction and one response; feedback on how
 * to improve it and an overall score of 1 to 10. */
int ts_fb_critique_request(ts_buf *out, const char *model, const char *instruction, size_t ilen,
                           const char *resp, size_t rlen, bool json_mode, uint64_t seed,
                           const ts_fb_sampling *s);
int ts_fb_pairwise_request(ts_buf *out, const char *model, const char *instruction, size_t ilen,
                           const char *a, size_t alen, const char *b, size_t blen, bool json_mode,
                           uint64_t seed, const ts_fb_sampling *s);

/* --- rows and pairs ----------------------------------------------------- */

/* One completion of a row; strings borrowed. */
typedef struct ts_fb_completion {
    const char *model, *principle, *system; /* NULL = none */
    const char *response;
    size_t response_len;
    ts_fb_rating ratings[TS_FB_NASPECTS]; /* rating 0 = not rated */
    const char *critique;                  /* NULL = no critique */
    size_t critique_len;
    double overall;                        /* the critique's score, 0 = none */
} ts_fb_completion;

/* Builds a row of UltraFeedback's raw schema in b: {"source",
 * "instruction", "models", "completions": [{"model", "principle",
 * "custom_system_prompt", "response", "annotations": {aspect: {"Rating":
 * "4", "Rationale": "..."}}, "fine-grained_score", "overall_score",
 * "critique"}], "id"?}. An aspect left unrated is {"Rating": "N/A",
 * "Rationale": ""}; fine-grained_score is the mean of the four ratings, or
 * null unless all four are rated; overall_score and critique come from the
 * critique step (null without one). rated = false leaves annotations
 * empty (pairwise judging). id may be NULL. *out is in b's arena. */
int ts_fb_build_row(ts_jb *b, const char *source, size_t slen, const char *id, size_t idlen,
                    const char *ins, size_t ilen, const ts_fb_completion *c, size_t n, bool rated,
                    ts_json **out);

/* Binarizes raw rows with the ultrafeedback importer itself (its score,
 * rejected-pick and tie rules; lib/formats/ultrafeedback.c), so generated
 * pairs and imported ones follow one rule. */
typedef struct ts_fb_binarizer {
    const void *format;
    void *state;
} ts_fb_binarizer;

/* score: "fine-grained" (default here: a completion with an unrated aspect
 * takes no part), "mean", "overall" or an aspect; rejected: "random"
 * (seeded) or "worst". NULL = default. */
int ts_fb_binarizer_open(ts_fb_binarizer *z, const char *score, const char *rejected, uint64_t seed,
                         ts_err *err);
/* Gives one row to the importer. On a pair, *pair is set (in a) with its
 * "id" and "source" replaced by id / source; else *pair = NULL and *rule
 * names the importer's drop rule (fewer_than_two_scored, no_lower_score,
 * ...) or the reason it rejected the row. */
int ts_fb_binarize(ts_fb_binarizer *z, const ts_json *row, const char *id, const char *source,
                   ts_arena *a, ts_json **pair, const char **rule, ts_err *err);
void ts_fb_binarizer_close(ts_fb_binarizer *z);

/* A pair from a consistent pairwise verdict: prompt = the instruction,
 * chosen = winner, rejected = loser; meta {source?, chosen_model,
 * rejected_model, "pairwise": {"ab", "ba"}}. */
int ts_fb_build_pair(ts_jb *b, const char *ins, size_t ilen, const ts_fb_completion *win,
                     const ts_fb_completion *lose, const char *id, const char *source,
                     const char *row_source, size_t rslen, const char *ab, const char *ba,
                     ts_json **out);

/* --- the generator: requests as a state machine over ts_llm ------------- */

typedef struct ts_fb_completer {
    ts_llm *llm;           /* the client to send through */
    const char *model;     /* NULL = the client's default */
    const char *principle; /* NULL = none */
    const char *system;    /* system prompt; NULL = the principle's, or none */
} ts_fb_completer;

typedef struct ts_fb_opts {
    const ts_fb_completer *completers;
    size_t n_completers;
    ts_llm *judge;
    const char *judge_model; /* NULL = the judge client's default */
    bool judge_json;         /* ask for response_format json_object */
    bool pairwise;           /* compare pairs both ways instead of rating */
    bool critique;           /* also the critique step: critique + overall_score */
    unsigned reasks;         /* re-asks of an unparseable judgement (distinct seeds) */
    uint64_t seed;           /* completion i uses seed + i; re-ask t uses seed + t */
    ts_fb_sampling gen, judging;
    const char *pair_score, *pair_rejected; /* ts_fb_binarizer_open's */
    const char *source;      /* "source" of pair records; NULL = "feedback" */
} ts_fb_opts;

typedef struct ts_fb ts_fb;

typedef struct ts_fb_result {
    uint64_t index;            /* as given to ts_fb_add */
    const ts_json *row;        /* the raw row; NULL when dropped */
    const char *drop;          /* why there is no row */
    ts_json **pairs;           /* pair records, in order */
    size_t n_pairs;
    const char *pair_drop;     /* rating mode: why this row gave no pair */
} ts_fb_result;

typedef struct ts_fb_stats {
    uint64_t completions, completions_failed;
    uint64_t judge_requests, reasks, judge_failed;
    uint64_t unrated;          /* completion-aspects left unrated after the re-asks */
    uint64_t critiques, no_critique; /* critique step: parsed, left without */
    uint64_t consistent, ties, inconsistent, unparsed; /* pairwise comparisons */
    uint64_t pairs;
    /* A budget (--max-requests, --max-tokens) refused a request: that
     * prompt and every later one are cut (dropped as llm_budget), so the
     * output is a prefix of the full run's and a rerun with the same cache
     * and a larger budget goes on. */
    bool budget_hit;
    uint64_t budget_cut;
} ts_fb_stats;

/* The options and their clients are borrowed for the generator's life. */
ts_fb *ts_fb_new(const ts_fb_opts *o, ts_err *err);
/* Starts one prompt record: {"prompt": [{"role": "user", ...}]} (one user
 * turn), {"prompt": "..."} or {"instruction": "..."}; "id" and "source" are
 * kept. TS_ESCHEMA (err->msg says why) for anything else; nothing started. */
int ts_fb_add(ts_fb *f, const ts_json *rec, uint64_t index, ts_err *err);
/* Prompts added and not yet taken. */
size_t ts_fb_active(const ts_fb *f);
/* Drives the clients until at least one reply arrived (or all are idle). */
int ts_fb_step(ts_fb *f, ts_err *err);
/* The oldest prompt when it is finished (results come out in input order,
 * so a resumed run writes the same bytes): returns 1 and fills res (valid
 * until the next take); 0 when it is not finished; a negative code when
 * building its output failed. */
int ts_fb_take(ts_fb *f, ts_fb_result *res, ts_err *err);
const ts_fb_stats *ts_fb_get_stats(const ts_fb *f);
void ts_fb_free(ts_fb *f);

#endif
