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
int ts_fb_pairwise_request(ts_buf *out, const char *model, const char *instruction, size_t ilen,
                           const char *a, size_t alen, const char *b, size_t blen, bool json_mode,
                           uint64_t seed, const ts_fb_sampling *s);

#endif
