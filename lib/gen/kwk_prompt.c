/* kwk's prompts (our wording, quoted in docs/kwk.md): the question writer
 * sees the snippet; the model being tuned answers the question alone (as it
 * will be asked after tuning); the judges see the snippet as the reference;
 * the refusal is written by the same model, without the snippet. */
#include "judge_int.h"
#include "tuneset/kwk.h"

static int req(ts_buf *out, const char *model, const char *system, ts_buf *u, int rc, uint64_t seed,
               const ts_kwk_sampling *s, bool json_mode)
{
    if (!rc)
        rc = jt_request(out, model, system, u->data, u->len, seed, s ? s->temperature : -1,
                        s ? s->top_p : -1, s ? s->max_tokens : 0, json_mode);
    ts_buf_release(u);
    return rc ? TS_ENOMEM : 0;
}

int ts_kwk_question_request(ts_buf *out, const char *model, const char *snippet, size_t slen,
                            uint64_t seed, const ts_kwk_sampling *s)
{
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u, "%s",
                           "Write one factual question that the passage below answers. The question "
                           "must make sense on its own, without the passage (name the people, "
                           "places and things it is about), and have a short, unambiguous answer.\n\n"
                           "## Passage\n");
    rc |= ts_buf_append(&u, snippet, slen);
    rc |= ts_buf_printf(&u, "%s", "\n\nReply with the question only, on one line: Question: <question>");
    return req(out, model, NULL, &u, rc, seed, s, false);
}

int ts_kwk_answer_request(ts_buf *out, const char *model, const char *q, size_t qlen, uint64_t seed,
                          const ts_kwk_sampling *s)
{
    return jt_request(out, model, NULL, q, qlen, seed, s ? s->temperature : -1, s ? s->top_p : -1,
                      s ? s->max_tokens : 0, false);
}

int ts_kwk_correct_request(ts_buf *out, const char *model, const char *snippet, size_t slen,
                           const char *q, size_t qlen, const char *ans, size_t alen, uint64_t seed,
                           const ts_kwk_sampling *s)
{
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u, "%s",
                           "Judge whether the answer to the question is correct, using the reference "
                           "passage as the truth. An answer is correct when what it claims about the "
                           "question agrees with the passage; an answer that declines or says it does "
                           "not know is not correct.\n\n## Reference passage\n");
    rc |= ts_buf_append(&u, snippet, slen);
    rc |= ts_buf_printf(&u, "%s", "\n\n## Question\n");
    rc |= ts_buf_append(&u, q, qlen);
    rc |= ts_buf_printf(&u, "%s", "\n\n## Answer\n");
    rc |= ts_buf_append(&u, ans, alen);
    rc |= ts_buf_printf(&u, "%s", "\n\nReply on the last line with: Correct: yes  or  Correct: no");
    return req(out, model, NULL, &u, rc, seed, s, false);
}

int ts_kwk_informative_request(ts_buf *out, const char *model, const char *q, size_t qlen,
                               const char *ans, size_t alen, uint64_t seed, const ts_kwk_sampling *s)
{
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u, "%s",
                           "Rate how informative the answer is: does it commit to a specific answer "
                           "to the question (whether or not it is right)? 1 = declines, hedges or "
                           "says nothing specific; 3 = a specific but vague answer; 5 = a direct, "
                           "specific, confident answer.\n\n## Question\n");
    rc |= ts_buf_append(&u, q, qlen);
    rc |= ts_buf_printf(&u, "%s", "\n\n## Answer\n");
    rc |= ts_buf_append(&u, ans, alen);
    rc |= ts_buf_printf(&u, "%s", "\n\nReply on the last line with: Informativeness: <1-5>");
    return req(out, model, NULL, &u, rc, seed, s, false);
}

int ts_kwk_refusal_request(ts_buf *out, const char *model, const char *q, size_t qlen, uint64_t seed,
                           const ts_kwk_sampling *s)
{
    ts_buf u;
    ts_buf_init(&u, 0);
    int rc = ts_buf_printf(&u, "%s",
                           "You have been found to answer the question below confidently but "
                           "wrongly. Write the reply you should give instead: say briefly and "
                           "politely that you do not know the answer reliably, without guessing, and "
                           "if useful suggest where it could be checked.\n\n## Question\n");
    rc |= ts_buf_append(&u, q, qlen);
    rc |= ts_buf_printf(&u, "%s", "\n\nReply with the refusal only.");
    return req(out, model, NULL, &u, rc, seed, s, false);
}
