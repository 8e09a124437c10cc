/* ShareGPT / Vicuna: a JSON array (or JSON Lines) of
 * {"id", "conversations": [{"from", "value"}...]}.
 *
 * Speakers map to roles (human/user -> user; gpt/chatgpt/bard/bing/
 * assistant -> assistant; system -> system); any other speaker makes the
 * row a reject. Without --clean a conversation is imported as it is, and
 * one that would not be a valid SFT record is dropped under the rule it
 * breaks (empty_turn, first_turn_not_user, not_alternating, ...).
 *
 * --clean applies FastChat's clean_sharegpt.py, in its order:
 *   1. a leading non-user turn and a trailing user turn are cut;
 *      fewer than two turns left -> drop "too_few_turns";
 *   2. turns not strictly user/assistant/user/... -> drop "not_alternating";
 *   3. each turn: HTML to Markdown, ChatGPT artefacts removed ("Copy code"
 *      headers, a leading "N / N", "CopyN chars / N words");
 *   4. a blocked phrase in any turn (case-insensitive; default "openai",
 *      "chatgpt"; --blocked-words FILE replaces them) -> drop "blocked_phrase";
 *   5. the conversation is cut before its first turn left empty, then to
 *      whole user/assistant exchanges; under 16 characters of content
 *      (or nothing) left -> drop "too_short";
 *   6. a (first user, first assistant) pair already written -> drop
 *      "duplicate_pair".
 * Steps 1, 3 and 5 edit a conversation without dropping it; each kept
 * conversation they edited is counted under "steps" in the stats:
 * cut_leading_turn, cut_trailing_user_turn, html_to_markdown,
 * artifacts_removed, cut_at_empty_turn, cut_to_whole_exchanges.
 *
 * The id is "sharegpt/<id>", or "sharegpt/<row>" (rows counted from 0
 * across the run) when a row has none. Output ids must be unique, so with
 * or without --clean a row whose id was already written is dropped as
 * "duplicate_id" (FastChat's cleaning does the same). meta keeps "lang"
 * and "model" when a row has them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt_util.h"
#include "html_md.h"
#include "tuneset/hash.h"

typedef struct {
    bool clean;
    const char **blocked;
    size_t nblocked;
    ts_arena words;
    ts_strset ids, pairs;
    uint64_t row;
    fmt_msg *msgs;
    size_t cap;
    ts_jb jb;
} sharegpt_state;

static void sharegpt_close(void *state);

static const char *default_blocked[] = {"openai", "chatgpt", NULL};

static const char *speaker_role(const ts_json *from)
{
    static const struct {
        const char *from, *role;
    } map[] = {{"human", "user"},           {"user", "user"},       {"gpt", "assistant"},
               {"chatgpt", "assistant"},    {"bard", "assistant"},  {"bing", "assistant"},
               {"assistant", "assistant"}, {"system", "system"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (from->len == strlen(map[i].from) && !strncasecmp(from->u.s, map[i].from, from->len))
            return map[i].role;
    return NULL;
}

static int sharegpt_detect(const ts_json *first)
{
    const ts_json *conv = ts_json_get(first, "conversations");
    if (!ts_json_is(conv, TS_JSON_ARRAY))
        return 0;
    const ts_json *t = ts_json_at(conv, 0);
    if (ts_json_get(t, "from") && ts_json_get(t, "value"))
        return 95;
    /* Turns of another shape: probably some other "conversations" schema. */
    return conv->len ? 30 : 60;
}

static int sharegpt_open(void **state, const ts_import_opts *o, ts_err *err)
{
    if (o->blocked_words && !o->clean)
        return ts_err_set(err, TS_EINVAL, "sharegpt: --blocked-words is a --clean option");
    sharegpt_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    st->clean = o->clean;
    ts_arena_init(&st->words);
    ts_strset_init(&st->ids);
    ts_strset_init(&st->pairs);
    st->blocked = default_blocked;
    st->nblocked = 2;
    if (o->blocked_words) {
        int rc = fmt_read_lines(&st->words, o->blocked_words, &st->blocked, &st->nblocked, err);
        if (rc) {
            sharegpt_close(st);
            return rc;
        }
        /* Matching is case-insensitive: fold the phrases once here. */
        for (size_t i = 0; i < st->nblocked; i++)
            for (char *p = (char *)st->blocked[i]; *p; p++)
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
    *state = st;
    return 0;
}

static bool has_phrase(const char *s, size_t n, const char *lower)
{
    size_t k = strlen(lower);
    for (size_t i = 0; k && i + k <= n; i++) {
        size_t j = 0;
        while (j < k && (s[i + j] >= 'A' && s[i + j] <= 'Z' ? s[i + j] + 32 : s[i + j]) == lower[j])
            j++;
        if (j == k)
            return true;
    }
    return false;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

enum {
    EDIT_LEADING = 1 << 0,
    EDIT_TRAILING = 1 << 1,
    EDIT_HTML = 1 << 2,
    EDIT_ARTIFACTS = 1 << 3,
    EDIT_EMPTY_TURN = 1 << 4,
    EDIT_WHOLE_EXCHANGES = 1 << 5
};
static const char *const edit_names[] = {"cut_leading_turn",  "cut_trailing_user_turn",
                                         "html_to_markdown",  "artifacts_removed",
                                         "cut_at_empty_turn", "cut_to_whole_exchanges"};

/* Steps 1-5 of --clean on m[0..*n); returns a drop rule or NULL, and in
 * *edits the steps that changed the conversation. */
static const char *clean_turns(sharegpt_state *st, fmt_msg **mp, size_t *np, ts_arena *a, int *rc,
                               unsigned *edits)
{
    fmt_msg *m = *mp;
    size_t n = *np;
    if (n && strcmp(m[0].role, "user"))
        m++, n--, *edits |= EDIT_LEADING;
    if (n && !strcmp(m[n - 1].role, "user"))
        n--, *edits |= EDIT_TRAILING;
    if (n <= 1)
        return "too_few_turns";
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].role, i % 2 ? "assistant" : "user"))
            return "not_alternating";
    size_t keep = 0, chars = 0;
    for (; keep < n; keep++) {
        const char *md;
        size_t len;
        fmt_msg *t = &m[keep];
        if ((*rc = fmt_html_to_md(a, t->s, t->len, &md, &len)))
            return NULL;
        if (len != t->len || memcmp(md, t->s, len))
            *edits |= EDIT_HTML;
        if ((*rc = fmt_md_strip_artifacts(a, md, len, &t->s, &t->len)))
            return NULL;
        if (t->len != len)
            *edits |= EDIT_ARTIFACTS;
        for (size_t k = 0; k < st->nblocked; k++)
            if (has_phrase(t->s, t->len, st->blocked[k]))
                return "blocked_phrase";
        if (!t->len) {
            *edits |= EDIT_EMPTY_TURN;
            break; /* like FastChat: the conversation ends before an emptied turn */
        }
        chars += utf8_chars(t->s, t->len);
    }
    if (keep % 2)
        *edits |= EDIT_WHOLE_EXCHANGES;
    n = keep / 2 * 2;
    if (!n || chars < 16)
        return "too_short";
    *mp = m;
    *np = n;
    return NULL;
}

static int sharegpt_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    sharegpt_state *st = state;
    uint64_t row = st->row++;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    const ts_json *conv = ts_json_get(in, "conversations");
    if (!ts_json_is(conv, TS_JSON_ARRAY))
        return fmt_reject(sink, conv ? "field 'conversations' must be an array"
                                     : "missing field 'conversations'");
    if (conv->len > st->cap) {
        fmt_msg *nm = realloc(st->msgs, conv->len * sizeof *nm);
        if (!nm)
            return ts_err_set(err, TS_ENOMEM, NULL);
        st->msgs = nm;
        st->cap = conv->len;
    }
    fmt_msg *m = st->msgs;
    size_t n = conv->len;
    for (size_t i = 0; i < n; i++) {
        const ts_json *t = &conv->u.items[i];
        const ts_json *from = ts_json_get(t, "from"), *value = ts_json_get(t, "value");
        const char *role = NULL, *why = NULL;
        if (!ts_json_is(t, TS_JSON_OBJECT))
            why = fmt_printf(a, "conversations[%zu] must be an object", i);
        else if (!ts_json_is(from, TS_JSON_STRING) || !ts_json_is(value, TS_JSON_STRING))
            why = fmt_printf(a, "conversations[%zu]: '%s' missing or not a string", i,
                             ts_json_is(from, TS_JSON_STRING) ? "value" : "from");
        else if (!(role = speaker_role(from)))
            why = fmt_printf(a, "unknown speaker '%.*s' in conversations[%zu]",
                             (int)(from->len > 40 ? 40 : from->len), from->u.s, i);
        if (!role)
            return fmt_reject(sink, why ? why : "malformed conversations");
        m[i] = (fmt_msg){role, value->u.s, value->len, NULL, 0};
    }
    const char *own = NULL;
    size_t ownlen = 0;
    fmt_own_id(ts_json_get(in, "id"), &own, &ownlen);
    const char *rule;
    int rc = 0;
    unsigned edits = 0;
    rule = st->clean ? clean_turns(st, &m, &n, a, &rc, &edits) : fmt_msgs_problem(m, n);
    if (rc)
        return ts_err_set(err, rc, "sharegpt: cannot convert a turn's HTML");
    if (!rule && own && ts_strset_has(&st->ids, own, ownlen))
        rule = "duplicate_id";
    uint64_t key[2] = {0, 0};
    if (!rule && st->clean) {
        key[0] = ts_hash64(m[0].s, m[0].len, 0x5348415245475054ull);
        key[1] = ts_hash64(m[1].s, m[1].len, 0x6173736973746e74ull);
        if (ts_strset_has(&st->pairs, (const char *)key, sizeof key))
            rule = "duplicate_pair";
    }
    if (!rule && ((own && ts_strset_add(&st->ids, own, ownlen) < 0) ||
                  (st->clean && ts_strset_add(&st->pairs, (const char *)key, sizeof key) < 0)))
        return ts_err_set(err, TS_ENOMEM, NULL);
    if (rule)
        return fmt_drop(sink, rule);
    for (unsigned k = 0; k < sizeof edit_names / sizeof *edit_names; k++)
        if (edits & 1u << k)
            fmt_step(sink, edit_names[k]);

    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_jb_messages(b, m, n);
    fmt_jb_id_source(b, "sharegpt", own, ownlen, row);
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    static const char *keep[] = {"lang", "model"};
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
        const ts_json *v = fmt_str(in, keep[i]);
        if (v) {
            ts_jb_key(b, keep[i]);
            ts_jb_value(b, v);
        }
    }
    ts_jb_end(b);
    ts_jb_end(b);
    return fmt_emit(b, sink, err);
}

static void sharegpt_close(void *state)
{
    sharegpt_state *st = state;
    if (!st)
        return;
    ts_strset_release(&st->ids);
    ts_strset_release(&st->pairs);
    ts_arena_release(&st->words);
    ts_jb_release(&st->jb);
    free(st->msgs);
    free(st);
}

static const char *const sharegpt_columns[] = {"id", "conversations", "lang", "model", NULL};

const ts_format ts_format_sharegpt = {
    .columns = sharegpt_columns,
    .name = "sharegpt",
    .summary = "ShareGPT / Vicuna {id, conversations: [{from, value}]} (JSON array or JSONL)",
    .kinds = "sft",
    .options = "clean,blocked-words",
    .detect = sharegpt_detect,
    .open = sharegpt_open,
    .record = sharegpt_record,
    .close = sharegpt_close,
};
