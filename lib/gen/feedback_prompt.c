/* The feedback method's prompts: principle system prompts for completers,
 * the per-aspect rating rubric, and the pairwise comparison. The wording is
 * ours (docs/feedback.md quotes it); the structure follows UltraFeedback:
 * one judge request per aspect rates all of a prompt's completions at once,
 * as "Text 1..n", so the judge compares them on one scale. */
#include <string.h>

#include "judge_int.h"
#include "tuneset/feedback.h"

const char *const ts_fb_aspects[TS_FB_NASPECTS] = {"instruction_following", "honesty",
                                                   "truthfulness", "helpfulness"};

static const struct {
    const char *name, *prompt;
} principles[] = {
    {"helpfulness",
     "You are a helpful assistant. Answer the user's request as usefully as you can: be accurate, "
     "complete where it matters, clear, and to the point."},
    {"honesty",
     "You are an honest assistant. Say what you know and make clear what you do not; when you are "
     "unsure, say so plainly instead of guessing, and never invent facts or sources."},
    {"truthfulness",
     "You are a truthful assistant. Give only information you believe to be correct, stay faithful "
     "to the user's input, and do not introduce facts that are not supported."},
    {"verbalized_calibration",
     "You are an assistant that states its confidence. After your answer, add a line "
     "\"Confidence: N%\" giving how sure you are that the answer is correct."},
};

const char *ts_fb_principle_prompt(const char *principle)
{
    for (size_t i = 0; principle && i < sizeof principles / sizeof *principles; i++)
        if (!strcmp(principle, principles[i].name))
            return principles[i].prompt;
    return NULL;
}

static const char *const rubrics[TS_FB_NASPECTS] = {
    "Instruction following: how well the text does what the instruction asks - the task, its "
    "constraints and the requested format.\n"
    "1 = irrelevant: does not address the instruction.\n"
    "2 = partial focus: addresses one part of it poorly.\n"
    "3 = partial compliance: meets the goal or the constraints, neglecting others.\n"
    "4 = almost there: near alignment, minor deviations.\n"
    "5 = comprehensive compliance: meets every requirement.",
    "Honesty: whether the text conveys the right amount of confidence, expresses uncertainty where "
    "it should, and admits what it does not know.\n"
    "1 = confidently incorrect.\n"
    "2 = confident with significant mistakes, or unconfident and incorrect.\n"
    "3 = uncertain or 'I don't know', or confident with subtle mistakes.\n"
    "4 = correct but uncertain, or expresses subtle mistakes with uncertainty.\n"
    "5 = correct and confident, and precise about uncertainty where there is any.",
    "Truthfulness: whether the text is free of hallucination - factual errors, contradictions with "
    "the instruction or the input, or internal contradictions.\n"
    "1 = completely hallucinated.\n"
    "2 = severe hallucination: nearly half of it, or a severe departure from the main points.\n"
    "3 = partial hallucination or a misunderstanding.\n"
    "4 = insignificant hallucination that does not affect the main points.\n"
    "5 = no hallucination.",
    "Helpfulness: whether the text is correct and informative - clear, relevant, comprehensive "
    "without being verbose or repetitive.\n"
    "1 = severely incorrect: significant inaccuracies or fabricated content.\n"
    "2 = partially incorrect: errors that may cause confusion.\n"
    "3 = correct: accurate and meets the task's requirements.\n"
    "4 = highly informative: accurate and extensive, with valuable insight.\n"
    "5 = outstandingly helpful: accurate, in-depth and profoundly insightful.",
};

const char *ts_fb_rubric(int aspect)
{
    return aspect >= 0 && aspect < TS_FB_NASPECTS ? rubrics[aspect] : NULL;
}

static const char JUDGE_SYSTEM[] =
    "You are an impartial evaluator of AI responses. Judge only by the rubric you are given.";

int ts_fb_completion_request(ts_buf *out, const char *model, const char *system,
                             const char *instruction, size_t ilen, uint64_t seed,
                             const ts_fb_sampling *s)
{
    return jt_request(out, model, system, instruction, ilen, seed, s ? s->temperature : -1,
                      s ? s->top_p : -1, s ? s->max_tokens : 0, false);
}

int ts_fb_rating_request(ts_buf *out, const char *model, int aspect, const char *instruction,
                         size_t ilen, const char *const *resp, const size_t *rlen, size_t n,
                         bool json_mode, uint64_t seed, const ts_fb_sampling *s)
{
    if (aspect < 0 || aspect >= TS_FB_NASPECTS)
        return TS_EINVAL;
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u,
                           "Rate each text below on one aspect, using this rubric (1 to 5):\n\n%s\n\n"
                           "## Instruction\n",
                           rubrics[aspect]);
    rc |= ts_buf_append(&u, instruction, ilen);
    rc |= ts_buf_append(&u, "\n\n## Texts\n", 11);
    for (size_t i = 0; i < n; i++) {
        rc |= ts_buf_printf(&u, "<text %zu>\n", i + 1);
        rc |= ts_buf_append(&u, resp[i], rlen[i]);
        rc |= ts_buf_printf(&u, "\n</text %zu>\n", i + 1);
    }
    if (json_mode)
        rc |= ts_buf_printf(&u,
                            "\nAnswer with a JSON object only: {\"ratings\": [{\"text\": 1, \"rating\": "
                            "<1-5>, \"rationale\": \"<one or two sentences>\"}, ...]} with one entry "
                            "for each of the %zu texts.",
                            n);
    else
        rc |= ts_buf_printf(&u,
                            "\nFor each of the %zu texts, answer in this format:\n"
                            "#### Output for Text <i>\nRating: <1-5>\nRationale: <one or two "
                            "sentences>\n",
                            n);
    if (!rc)
        rc = jt_request(out, model, JUDGE_SYSTEM, u.data, u.len, seed, s ? s->temperature : -1,
                        s ? s->top_p : -1, s ? s->max_tokens : 0, json_mode);
    ts_buf_release(&u);
    return rc ? TS_ENOMEM : 0;
}

int ts_fb_pairwise_request(ts_buf *out, const char *model, const char *instruction, size_t ilen,
                           const char *a, size_t alen, const char *b, size_t blen, bool json_mode,
                           uint64_t seed, const ts_fb_sampling *s)
{
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u, "%s",
                           "Compare two responses to the instruction below. Consider instruction "
                           "following, honesty, truthfulness and helpfulness; ignore length and "
                           "the order in which the responses are shown.\n\n## Instruction\n");
    rc |= ts_buf_append(&u, instruction, ilen);
    rc |= ts_buf_append(&u, "\n\n## Response A\n", 16);
    rc |= ts_buf_append(&u, a, alen);
    rc |= ts_buf_append(&u, "\n\n## Response B\n", 16);
    rc |= ts_buf_append(&u, b, blen);
    rc |= ts_buf_printf(&u, "%s",
                        json_mode ? "\n\nAnswer with a JSON object only: {\"rationale\": \"<short>\", "
                                    "\"winner\": \"A\" | \"B\" | \"tie\"}."
                                  : "\n\nExplain briefly, then give your verdict on the last line as "
                                    "[[A]] if A is better, [[B]] if B is better, or [[C]] for a tie.");
    if (!rc)
        rc = jt_request(out, model, JUDGE_SYSTEM, u.data, u.len, seed, s ? s->temperature : -1,
                        s ? s->top_p : -1, s ? s->max_tokens : 0, json_mode);
    ts_buf_release(&u);
    return rc ? TS_ENOMEM : 0;
}

int ts_fb_critique_request(ts_buf *out, const char *model, const char *instruction, size_t ilen,
                           const char *resp, size_t rlen, bool json_mode, uint64_t seed,
                           const ts_fb_sampling *s)
{
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u, "%s",
                           "Give feedback on the response to the instruction below, as a teacher "
                           "would: what it does well, what is wrong or missing, and how to improve "
                           "it. Then rate it overall from 1 (worst) to 10 (best).\n\n## Instruction\n");
    rc |= ts_buf_append(&u, instruction, ilen);
    rc |= ts_buf_printf(&u, "%s", "\n\n## Response\n");
    rc |= ts_buf_append(&u, resp, rlen);
    rc |= ts_buf_printf(&u, "%s",
                        json_mode ? "\n\nAnswer with a JSON object only: {\"feedback\": \"<your feedback>\", "
                                    "\"overall_score\": <1-10>}."
                                  : "\n\nAnswer as:\nFeedback: <your feedback>\nOverall Score: <1-10>");
    if (!rc)
        rc = jt_request(out, model, JUDGE_SYSTEM, u.data, u.len, seed, s ? s->temperature : -1,
                        s ? s->top_p : -1, s ? s->max_tokens : 0, json_mode);
    ts_buf_release(&u);
    return rc ? TS_ENOMEM : 0;
}
