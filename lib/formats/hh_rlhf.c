/* Anthropic HH-RLHF: JSON Lines (usually .gz) of {"chosen", "rejected"},
 * each a whole transcript "\n\nHuman: ...\n\nAssistant: ...".
 *
 * A turn starts at "\n\nHuman:" or "\n\nAssistant:" and runs to the next
 * such marker; one space after the colon belongs to the marker, anything
 * else (a newline, a second space, blank lines inside the turn) is turn
 * text and kept as is. "Human:" elsewhere (mid-line) is just text.
 *
 * The pair: prompt = the longest run of whole turns both transcripts
 * share that ends with a user turn; chosen / rejected = the rest of each,
 * so transcripts that part before their last turn give multi-turn sides.
 *
 * Drops, not rejects, for data that parses but cannot be a valid pair:
 *   identical          chosen and rejected are the same text
 *   not_alternating    two turns of one speaker in a row (a few real rows
 *                      have "\n\nAssistant:" twice); merging them would
 *                      invent text, so the row is set aside
 *   first_turn_not_user  a transcript opens with an assistant turn
 *   no_common_prompt   the transcripts share no user turn
 *   empty_response     one side has nothing after the prompt, or an empty
 *                      turn (real rows end in "\n\nAssistant: " with no text)
 *   empty_turn         an empty turn inside the prompt
 * Rows that are not {chosen, rejected} strings, or transcripts that do not
 * start with a turn marker, are rejects. The red-team-attempts file
 * ({transcript, ...}) is a different dataset: a fatal error says so.
 *
 * id "hh-rlhf/<subset>/<split>/<row>": subset is the folder holding the
 * file (helpful-base, ...; also meta.subset), split the file's stem
 * (train, test), row 0-based within the file. */
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"

typedef struct {
    fmt_msg *v;
    size_t n, cap;
} turns;

typedef struct {
    char subset[256], split[256];
    uint64_t row;
    turns c, r; /* reused between rows */
    ts_jb jb;
} hh_state;

static const char HUMAN[] = "Human:", ASSISTANT[] = "Assistant:";

/* The marker starting at p (just after its "\n\n", or at the text's
 * start): its role and the first byte of the turn text; NULL when none. */
static const char *marker_at(const char *p, const char *end, const char **body)
{
    const char *role = NULL;
    size_t n = 0;
    if ((size_t)(end - p) >= sizeof HUMAN - 1 && !memcmp(p, HUMAN, sizeof HUMAN - 1)) {
        role = "user";
        n = sizeof HUMAN - 1;
    } else if ((size_t)(end - p) >= sizeof ASSISTANT - 1 &&
               !memcmp(p, ASSISTANT, sizeof ASSISTANT - 1)) {
        role = "assistant";
        n = sizeof ASSISTANT - 1;
    } else {
        return NULL;
    }
    p += n;
    if (p < end && *p == ' ')
        p++;
    *body = p;
    return role;
}

/* The next "\n\n" + marker at or after p; returns where its "\n\n" starts
 * (or end), with role and body set when found. */
static const char *next_turn(const char *p, const char *end, const char **role, const char **body)
{
    *role = NULL;
    while (end - p >= 2) {
        const char *nl = memchr(p, '\n', (size_t)(end - p - 1));
        if (!nl)
            break;
        if (nl[1] == '\n' && (*role = marker_at(nl + 2, end, body)))
            return nl;
        p = nl + 1;
    }
    return end;
}

static int push(turns *t, const char *role, const char *s, size_t len)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        fmt_msg *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return TS_ENOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (fmt_msg){role, s, len, NULL, 0};
    return 0;
}

/* Splits one transcript into turns. Returns 0, TS_ENOMEM, or TS_ESCHEMA
 * with *why set (a static string). */
static int parse_transcript(const ts_json *v, turns *t, const char **why)
{
    const char *p = v->u.s, *end = p + v->len, *body, *role;
    t->n = 0;
    /* A transcript opens with "\n\nHuman: "; a bare "Human: " is accepted. */
    if (!(role = marker_at(p, end, &body))) {
        const char *at = next_turn(p, end, &role, &body);
        if (!role) {
            *why = "no \"\\n\\nHuman:\" / \"\\n\\nAssistant:\" turns";
            return TS_ESCHEMA;
        }
        if (at != p) {
            *why = "text before the first \"\\n\\nHuman:\" turn";
            return TS_ESCHEMA;
        }
    }
    while (role) {
        const char *next_role, *next_body;
        const char *stop = next_turn(body, end, &next_role, &next_body);
        if (push(t, role, body, (size_t)(stop - body)))
            return TS_ENOMEM;
        role = next_role;
        body = next_body;
    }
    return 0;
}

/* The drop rule for a transcript's shape, or NULL. */
static const char *shape_problem(const turns *t)
{
    if (strcmp(t->v[0].role, "user"))
        return "first_turn_not_user";
    for (size_t i = 1; i < t->n; i++)
        if (!strcmp(t->v[i].role, t->v[i - 1].role))
            return "not_alternating";
    return NULL;
}

static bool any_empty(const fmt_msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!m[i].len)
            return true;
    return false;
}

static int hh_detect(const ts_json *first)
{
    const ts_json *c = fmt_str(first, "chosen"), *r = fmt_str(first, "rejected");
    if (!c || !r)
        return 0;
    const char *b;
    bool turns_c = marker_at(c->u.s, c->u.s + c->len, &b) ||
                   (c->len > 2 && c->u.s[0] == '\n' && c->u.s[1] == '\n' &&
                    marker_at(c->u.s + 2, c->u.s + c->len, &b));
    return turns_c ? 95 : 20;
}

static int hh_open(void **state, const ts_import_opts *o, ts_err *err)
{
    hh_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    *state = st;
    return 0;
}

static int hh_begin_file(void *state, const char *path, ts_err *err)
{
    hh_state *st = state;
    st->row = 0;
    st->subset[0] = st->split[0] = 0;
    if (strcmp(path, "-")) {
        fmt_path_parent(path, st->subset, sizeof st->subset);
        fmt_path_stem(path, st->split, sizeof st->split);
    }
    return 0;
}

static char *make_id(const hh_state *st, ts_arena *a, uint64_t row)
{
    return fmt_printf(a, "hh-rlhf/%s%s%s%s%llu", st->subset, *st->subset ? "/" : "", st->split,
                      *st->split ? "/" : "", (unsigned long long)row);
}

static int hh_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    hh_state *st = state;
    uint64_t row = st->row++;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    if (!ts_json_get(in, "chosen") && !ts_json_get(in, "rejected") && ts_json_get(in, "transcript"))
        return ts_err_set(err, TS_ESCHEMA,
                          "this is not an HH-RLHF preference file: it looks like the "
                          "red-team-attempts schema (transcript, ...); hh-rlhf import needs "
                          "{chosen, rejected}");
    const char *why = NULL;
    const ts_json *c = fmt_req_str(in, "chosen", a, &why);
    const ts_json *r = c ? fmt_req_str(in, "rejected", a, &why) : NULL;
    if (!r)
        return fmt_reject(sink, why);
    if (c->len == r->len && !memcmp(c->u.s, r->u.s, c->len))
        return fmt_drop(sink, "identical");

    int rc = parse_transcript(c, &st->c, &why);
    if (rc == TS_ESCHEMA)
        why = fmt_printf(a, "chosen: %s", why);
    else if (!rc && (rc = parse_transcript(r, &st->r, &why)) == TS_ESCHEMA)
        why = fmt_printf(a, "rejected: %s", why);
    if (rc == TS_ENOMEM)
        return ts_err_set(err, TS_ENOMEM, NULL);
    if (rc)
        return fmt_reject(sink, why ? why : "malformed transcript");

    const char *rule = shape_problem(&st->c);
    if (!rule)
        rule = shape_problem(&st->r);
    if (rule)
        return fmt_drop(sink, rule);
    size_t k = fmt_pref_split(st->c.v, st->c.n, st->r.v, st->r.n);
    if (!k)
        return fmt_drop(sink, "no_common_prompt");
    const fmt_msg *ch = st->c.v + k, *rj = st->r.v + k;
    size_t nch = st->c.n - k, nrj = st->r.n - k;
    if (!nch || !nrj || any_empty(ch, nch) || any_empty(rj, nrj))
        return fmt_drop(sink, "empty_response");
    if (any_empty(st->c.v, k))
        return fmt_drop(sink, "empty_turn");

    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_msg_list(b, "prompt", st->c.v, k);
    fmt_jb_msg_list(b, "chosen", ch, nch);
    fmt_jb_msg_list(b, "rejected", rj, nrj);
    const char *id = make_id(st, a, row);
    if (!id)
        return ts_err_set(err, TS_ENOMEM, NULL);
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, "hh-rlhf");
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    if (*st->subset) {
        ts_jb_key(b, "subset");
        ts_jb_cstr(b, st->subset);
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static void hh_close(void *state)
{
    hh_state *st = state;
    if (!st)
        return;
    free(st->c.v);
    free(st->r.v);
    ts_jb_release(&st->jb);
    free(st);
}

/* transcript: only to recognize a file of the red-team schema */

static const char *const hh_rlhf_columns[] = {"chosen", "rejected", "transcript", NULL};

const ts_format ts_format_hh_rlhf = {
    .columns = hh_rlhf_columns,
    .name = "hh-rlhf",
    .summary = "Anthropic HH-RLHF {chosen, rejected} transcripts (JSONL, .gz)",
    .kinds = "pref",
    .options = "",
    .detect = hh_detect,
    .open = hh_open,
    .begin_file = hh_begin_file,
    .record = hh_record,
    .close = hh_close,
};
