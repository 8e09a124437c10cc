/* s1K (simplescaling/s1K): rows {"question", "solution",
 * "thinking_trajectories", "attempt", "cot_type", "source_type",
 * "metadata"}; and the s1K-1.1 edition, whose rows carry two traces
 * instead: gemini_thinking_trajectory / gemini_attempt and
 * deepseek_thinking_trajectory / deepseek_attempt (with *_grade).
 *
 * user = question; assistant = the attempt, with the thinking trajectory
 * as reasoning_content (s1K stores it as a list of strings: joined with a
 * blank line). --trace gemini|deepseek picks a 1.1 trace; without it the
 * original fields are read, and a 1.1 row (which has none) uses its
 * deepseek trace, the one s1.1 was trained on. meta keeps the reference
 * solution, cot_type, source_type, metadata, and for 1.1 the trace name
 * and its grade. The id is "s1k/<row>", rows counted from 0 across the run. */
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"

typedef struct {
    const char *trace; /* NULL, "gemini" or "deepseek" */
    uint64_t row;
    ts_jb jb;
} s1k_state;

static int s1k_detect(const ts_json *first)
{
    if (!ts_json_is(ts_json_get(first, "question"), TS_JSON_STRING))
        return 0;
    if (ts_json_get(first, "thinking_trajectories") || ts_json_get(first, "attempt") ||
        ts_json_get(first, "gemini_attempt") || ts_json_get(first, "deepseek_attempt"))
        return 95;
    return ts_json_get(first, "solution") && ts_json_get(first, "cot_type") ? 60 : 0;
}

static int s1k_open(void **state, const ts_import_opts *o, ts_err *err)
{
    if (o->trace && strcmp(o->trace, "gemini") && strcmp(o->trace, "deepseek"))
        return ts_err_set(err, TS_EINVAL, "s1k: --trace must be gemini or deepseek (not '%s')", o->trace);
    s1k_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    st->trace = o->trace;
    *state = st;
    return 0;
}

/* The trajectory as one string (NULL when there is none); *why set when
 * it has the wrong shape. */
static const char *trajectory(const ts_json *t, const char *field, ts_arena *a, size_t *len, const char **why)
{
    *len = 0;
    if (!t || ts_json_is(t, TS_JSON_NULL))
        return NULL;
    if (ts_json_is(t, TS_JSON_STRING)) {
        *len = t->len;
        return t->u.s;
    }
    if (!ts_json_is(t, TS_JSON_ARRAY)) {
        *why = fmt_printf(a, "field '%s' must be a string or a list of strings", field);
        if (!*why)
            *why = "malformed thinking trajectory";
        return NULL;
    }
    const char *acc = "";
    for (uint32_t i = 0; i < t->len; i++) {
        const ts_json *s = &t->u.items[i];
        if (!ts_json_is(s, TS_JSON_STRING)) {
            *why = fmt_printf(a, "%s[%u] must be a string", field, i);
            if (!*why)
                *why = "malformed thinking trajectory";
            return NULL;
        }
        acc = *len ? fmt_join(a, acc, *len, "\n\n", s->u.s, s->len, len)
                   : (*len = s->len, s->u.s);
        if (!acc) {
            *why = "out of memory joining the trajectory";
            return NULL;
        }
    }
    return acc;
}

static void meta_copy(ts_jb *b, const ts_json *in, const char *from, const char *to)
{
    const ts_json *v = ts_json_get(in, from);
    if (v && !ts_json_is(v, TS_JSON_NULL)) {
        ts_jb_key(b, to);
        ts_jb_value(b, v);
    }
}

static int s1k_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    s1k_state *st = state;
    uint64_t row = st->row++;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    const char *trace = st->trace;
    if (!trace && !ts_json_get(in, "attempt") && !ts_json_get(in, "thinking_trajectories")) {
        if (ts_json_get(in, "deepseek_attempt"))
            trace = "deepseek";
        else if (ts_json_get(in, "gemini_attempt"))
            trace = "gemini";
    }
    const char *att_key = "attempt", *traj_key = "thinking_trajectories", *grade_key = NULL;
    if (trace) {
        att_key = fmt_printf(a, "%s_attempt", trace);
        traj_key = fmt_printf(a, "%s_thinking_trajectory", trace);
        grade_key = fmt_printf(a, "%s_grade", trace);
        if (!att_key || !traj_key || !grade_key)
            return ts_err_set(err, TS_ENOMEM, NULL);
    }
    const char *why = NULL;
    const ts_json *q = fmt_req_str(in, "question", a, &why);
    const ts_json *att = q ? fmt_req_str(in, att_key, a, &why) : NULL;
    size_t tlen = 0;
    const char *traj = att ? trajectory(ts_json_get(in, traj_key), traj_key, a, &tlen, &why) : NULL;
    if (why) {
        if (st->trace && !ts_json_get(in, att_key))
            why = fmt_printf(a, "%s (--trace %s reads the s1K-1.1 edition)", why, st->trace);
        return fmt_reject(sink, why ? why : "malformed row");
    }
    if (!q->len)
        return fmt_drop(sink, "empty_question");
    if (!att->len)
        return fmt_drop(sink, "empty_attempt");

    fmt_msg m[2] = {{"user", q->u.s, q->len, NULL, 0},
                    {"assistant", att->u.s, att->len, tlen ? traj : NULL, tlen}};
    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_messages(b, m, 2);
    fmt_jb_id_source(b, "s1k", NULL, 0, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    meta_copy(b, in, "solution", "solution");
    meta_copy(b, in, "cot_type", "cot_type");
    meta_copy(b, in, "source_type", "source_type");
    meta_copy(b, in, "metadata", "metadata");
    if (trace) {
        ts_jb_key(b, "trace");
        ts_jb_cstr(b, trace);
        meta_copy(b, in, grade_key, "grade");
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static void s1k_close(void *state)
{
    s1k_state *st = state;
    if (!st)
        return;
    ts_jb_release(&st->jb);
    free(st);
}

const ts_format ts_format_s1k = {
    .name = "s1k",
    .summary = "s1K / s1K-1.1 {question, thinking_trajectories, attempt, solution, ...} (JSONL)",
    .kinds = "sft",
    .options = "trace",
    .detect = s1k_detect,
    .open = s1k_open,
    .record = s1k_record,
    .close = s1k_close,
};
