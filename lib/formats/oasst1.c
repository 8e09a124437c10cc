/* OpenAssistant Conversations (oasst1): message trees -> SFT threads or
 * preference pairs.
 *
 * Input, detected per line and freely mixed across files:
 *   - the message table: one message a line (message_id, parent_id, text,
 *     role prompter|assistant, lang, rank, deleted, review_result,
 *     message_tree_id, tree_state, ...), in any order;
 *   - a nested message: the same fields plus "replies": [message...];
 *   - the tree export: {"message_tree_id", "tree_state", "prompt": nested}.
 * Nested replies take their parent from where they sit; table rows from
 * parent_id. All three forms of the same trees give the same records.
 *
 * The trees are only complete after the last input, so this importer
 * aggregates: it holds the whole message table in memory (each message's
 * text plus about 200 bytes; the full 161k-message oasst1 needs roughly
 * 150 MB) and writes everything in finish(), in an order that depends on
 * the input only: trees in the order their roots first appear, threads and
 * pairs depth-first with siblings in input order.
 *
 * Counting (unit "record"): `read` counts the candidates considered — for
 * sft each root-to-leaf thread, for pref each pair — plus every input
 * message that was set aside before the trees were walked (duplicate
 * message ids, orphans whose root never appears, trees not ready for
 * export, --lang, deleted, failed review, --top-k, and the subtrees below
 * those), each under its own drop rule. So read = written + dropped +
 * rejected holds, and the message-level drops explain where every message
 * that reached no thread went. Malformed rows are rejected whole.
 *
 * Rules (issue 3): a tree whose root has a tree_state other than
 * ready_for_export is skipped ("tree_not_ready"; the wrapper's tree_state
 * counts for a tree export line); --lang keeps trees by their root's lang.
 * Deleted messages and those with review_result false are dropped with
 * their subtrees (null is no verdict, kept). --top-k K follows only
 * assistant replies with rank < K, and skips unranked ones that have ranked
 * siblings; it prunes the tree for both kinds, so pref pairs then come from
 * the top K replies only.
 *
 * sft: one thread per root-to-leaf path. A path ending in a user message
 * loses it; the threads this makes more than once are written once
 * ("duplicate_thread"); threads with no assistant turn ("no_assistant_turn")
 * or whose roles do not alternate from a user turn ("not_alternating") are
 * dropped. id "oasst1/<last message_id>"; meta {message_tree_id, lang (the
 * root's), message_ids, ranks (one per assistant turn, null if unranked)}.
 * pref: at each user message with two or more ranked assistant replies,
 * sorted by rank (stable: input order breaks ties), the pairs of --pairs
 * all (every i < j) | adjacent | best-worst; equal ranks state no
 * preference ("rank_tie"). id "oasst1/<chosen id>/<rejected id>"; meta
 * adds chosen_id, rejected_id, rank_chosen, rank_rejected.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"
#include "oasst1.h"

/* Deeper nesting than this in one row is refused rather than recursed. */
#define OA_MAX_NEST 10000

static int oa_detect(const ts_json *first)
{
    if (ts_json_get(first, "message_tree_id") && ts_json_is(ts_json_get(first, "prompt"), TS_JSON_OBJECT))
        return 95;
    if (ts_json_get(first, "message_id") && ts_json_get(first, "role"))
        return ts_json_get(first, "parent_id") || ts_json_get(first, "replies") ? 90 : 50;
    return 0;
}

static int oa_open(void **out, const ts_import_opts *o, ts_err *err)
{
    fmt_oa_pairs pairs = OA_PAIRS_ALL;
    if (o->pairs && !strcmp(o->pairs, "adjacent"))
        pairs = OA_PAIRS_ADJACENT;
    else if (o->pairs && !strcmp(o->pairs, "best-worst"))
        pairs = OA_PAIRS_BEST_WORST;
    else if (o->pairs && strcmp(o->pairs, "all"))
        return ts_err_set(err, TS_EINVAL, "oasst1: --pairs must be all, adjacent or best-worst, not '%s'",
                          o->pairs);
    if (o->top_k < 0)
        return ts_err_set(err, TS_EINVAL, "oasst1: --top-k must be positive");
    fmt_oa_state *s = calloc(1, sizeof *s);
    if (!s)
        return ts_err_set(err, TS_ENOMEM, NULL);
    s->kind = o->kind == TS_KIND_PREF ? TS_KIND_PREF : TS_KIND_SFT;
    s->top_k = o->top_k;
    s->pairs = pairs;
    ts_arena_init(&s->store);
    ts_arena_init(&s->scratch);
    ts_jb_init(&s->jb, &s->scratch);
    if (o->lang && *o->lang) {
        s->lang = ts_arena_dup(&s->store, o->lang, strlen(o->lang) + 1);
        if (!s->lang) {
            ts_arena_release(&s->store);
            free(s);
            return ts_err_set(err, TS_ENOMEM, NULL);
        }
    }
    *out = s;
    return 0;
}

static void oa_close(void *state)
{
    fmt_oa_state *s = state;
    if (!s)
        return;
    free(s->msgs);
    free(s->slots);
    free(s->path);
    free(s->buf);
    ts_jb_release(&s->jb);
    ts_arena_release(&s->store);
    ts_arena_release(&s->scratch);
    free(s);
}

/* --- the message_id index --------------------------------------------- */

uint32_t fmt_oa_find(const fmt_oa_state *s, const char *id, size_t len)
{
    if (!s->nslots)
        return OA_NONE;
    uint64_t h = ts_hash64(id, len, 0);
    size_t mask = s->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const fmt_oa_slot *sl = &s->slots[i];
        if (sl->idx == OA_NONE)
            return OA_NONE;
        const fmt_oa_msg *m = &s->msgs[sl->idx];
        if (sl->hash == h && m->id_len == len && !memcmp(m->id, id, len))
            return sl->idx;
    }
}

static void slot_put(fmt_oa_slot *slots, size_t nslots, uint64_t h, uint32_t idx)
{
    size_t i = h & (nslots - 1);
    while (slots[i].idx != OA_NONE)
        i = (i + 1) & (nslots - 1);
    slots[i].hash = h;
    slots[i].idx = idx;
}

/* Keeps the table at most half full. */
static int index_reserve(fmt_oa_state *s)
{
    if (((size_t)s->n + 1) * 2 <= s->nslots)
        return 0;
    size_t n = s->nslots ? s->nslots * 2 : 1024;
    fmt_oa_slot *slots = malloc(n * sizeof *slots);
    if (!slots)
        return TS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        slots[i].idx = OA_NONE;
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].idx != OA_NONE)
            slot_put(slots, n, s->slots[i].hash, s->slots[i].idx);
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return 0;
}

/* --- reading ---------------------------------------------------------- */

static bool str_or_null(const ts_json *v)
{
    return !v || ts_json_is(v, TS_JSON_NULL) || ts_json_is(v, TS_JSON_STRING);
}

static int parse_rank(const ts_json *v, int32_t *out)
{
    *out = -1;
    if (!v || ts_json_is(v, TS_JSON_NULL))
        return 0;
    int64_t r;
    double d;
    if (ts_json_int64(v, &r)) {
        /* Tables converted from Parquet may spell ranks as 1.0. */
        if (ts_json_double(v, &d) || d < 0 || d > 1e9 || (double)(int64_t)d != d)
            return -1;
        r = (int64_t)d;
    }
    if (r < 0 || r > INT32_MAX)
        return -1;
    *out = (int32_t)r;
    return 0;
}

static int fail(char *why, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* Checks one message's fields; on a problem writes why and returns -1. */
static int check_msg(const ts_json *m, int depth, char *why, size_t cap)
{
    const char *where = depth ? "a reply" : "the row";
    if (!ts_json_is(m, TS_JSON_OBJECT))
        return fail(why, cap, "%s is not an object", where);
    const ts_json *id = ts_json_get(m, "message_id");
    if (!ts_json_is(id, TS_JSON_STRING) || !id->len)
        return fail(why, cap, "%s has no message_id (a non-empty string)", where);
    int il = id->len > 60 ? 60 : (int)id->len;
    const ts_json *role = ts_json_get(m, "role");
    if (!ts_json_str_eq(role, "prompter") && !ts_json_str_eq(role, "assistant")) {
        if (ts_json_is(role, TS_JSON_STRING))
            return fail(why, cap, "message %.*s: role must be prompter or assistant, not \"%.*s\"", il,
                        id->u.s, role->len > 40 ? 40 : (int)role->len, role->u.s);
        return fail(why, cap, "message %.*s: role missing or not a string", il, id->u.s);
    }
    const ts_json *text = ts_json_get(m, "text");
    if (!ts_json_is(text, TS_JSON_STRING))
        return fail(why, cap, "message %.*s: text missing or not a string", il, id->u.s);
    if (!text->len)
        return fail(why, cap, "message %.*s: text is empty", il, id->u.s);
    static const char *const strs[] = {"parent_id", "lang", "message_tree_id", "tree_state"};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        if (!str_or_null(ts_json_get(m, strs[i])))
            return fail(why, cap, "message %.*s: %s must be a string or null", il, id->u.s, strs[i]);
    int32_t rank;
    if (parse_rank(ts_json_get(m, "rank"), &rank))
        return fail(why, cap, "message %.*s: rank must be a non-negative integer or null", il, id->u.s);
    const ts_json *rep = ts_json_get(m, "replies");
    if (rep && !ts_json_is(rep, TS_JSON_NULL) && !ts_json_is(rep, TS_JSON_ARRAY))
        return fail(why, cap, "message %.*s: replies must be an array", il, id->u.s);
    if (ts_json_is(rep, TS_JSON_ARRAY) && rep->len && depth >= OA_MAX_NEST)
        return fail(why, cap, "replies nested deeper than %d", OA_MAX_NEST);
    for (uint32_t i = 0; ts_json_is(rep, TS_JSON_ARRAY) && i < rep->len; i++)
        if (check_msg(&rep->u.items[i], depth + 1, why, cap))
            return -1;
    return 0;
}

/* A copy of v in the store when v is a string, else NULL; *oom set when
 * the copy fails. */
static const char *keep(fmt_oa_state *s, const ts_json *v, uint32_t *len, bool *oom)
{
    *len = 0;
    if (!ts_json_is(v, TS_JSON_STRING))
        return NULL;
    const char *p = ts_arena_dup(&s->store, v->u.s, v->len);
    if (!p)
        *oom = true;
    *len = v->len;
    return p;
}

static bool not_ready(const ts_json *state)
{
    return ts_json_is(state, TS_JSON_STRING) && !ts_json_str_eq(state, "ready_for_export");
}

/* Buffers one checked message and its replies. parent overrides the row's
 * parent_id for nested replies; tree_id/state come from a tree wrapper. */
static int add_msg(fmt_oa_state *s, const ts_json *m, const ts_json *parent, const ts_json *tree_id,
                   const ts_json *state, ts_sink *sink, ts_err *err)
{
    const ts_json *id = ts_json_get(m, "message_id");
    if (fmt_oa_find(s, id->u.s, id->len) != OA_NONE) {
        sink->read(sink->ctx);
        sink->drop(sink->ctx, "duplicate_message");
    } else {
        if (s->n == OA_NONE - 1)
            return ts_err_set(err, TS_ETOOBIG, "oasst1: more than %u messages", OA_NONE - 1);
        if (s->n == s->cap) {
            uint32_t cap = s->cap ? (s->cap > OA_NONE / 2 ? OA_NONE - 1 : s->cap * 2) : 1024;
            fmt_oa_msg *v = realloc(s->msgs, (size_t)cap * sizeof *v);
            if (!v)
                return ts_err_set(err, TS_ENOMEM, NULL);
            s->msgs = v;
            s->cap = cap;
        }
        if (index_reserve(s))
            return ts_err_set(err, TS_ENOMEM, NULL);
        fmt_oa_msg *o = &s->msgs[s->n];
        memset(o, 0, sizeof *o);
        bool oom = false;
        o->id = keep(s, id, &o->id_len, &oom);
        o->parent = keep(s, parent ? parent : ts_json_get(m, "parent_id"), &o->parent_len, &oom);
        o->text = keep(s, ts_json_get(m, "text"), &o->text_len, &oom);
        o->lang = keep(s, ts_json_get(m, "lang"), &o->lang_len, &oom);
        if (!ts_json_is(tree_id, TS_JSON_STRING))
            tree_id = ts_json_get(m, "message_tree_id");
        if (!o->parent) /* the tree's own fields only count on its root */
            o->tree_id = keep(s, tree_id, &o->tree_id_len, &oom);
        if (oom)
            return ts_err_set(err, TS_ENOMEM, NULL);
        parse_rank(ts_json_get(m, "rank"), &o->rank);
        o->role = ts_json_str_eq(ts_json_get(m, "role"), "prompter") ? OA_PROMPTER : OA_ASSISTANT;
        if (ts_json_is(ts_json_get(m, "deleted"), TS_JSON_TRUE))
            o->flags |= OA_DELETED;
        if (ts_json_is(ts_json_get(m, "review_result"), TS_JSON_FALSE))
            o->flags |= OA_REVIEW_FAILED;
        if (not_ready(state && !ts_json_is(state, TS_JSON_NULL) ? state : ts_json_get(m, "tree_state")))
            o->flags |= OA_STATE_NOT_READY;
        slot_put(s->slots, s->nslots, ts_hash64(o->id, o->id_len, 0), s->n);
        s->n++;
    }
    const ts_json *rep = ts_json_get(m, "replies");
    for (uint32_t i = 0; ts_json_is(rep, TS_JSON_ARRAY) && i < rep->len; i++) {
        int rc = add_msg(s, &rep->u.items[i], id, NULL, NULL, sink, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int oa_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    fmt_oa_state *s = state;
    char why[200];
    const ts_json *msg = in, *tree_id = NULL, *tstate = NULL;
    if (!ts_json_is(in, TS_JSON_OBJECT)) {
        sink->reject(sink->ctx, "a row must be a JSON object");
        return 0;
    }
    if (!ts_json_get(in, "message_id")) {
        msg = ts_json_get(in, "prompt");
        if (!ts_json_is(msg, TS_JSON_OBJECT)) {
            sink->reject(sink->ctx, "neither a message (message_id) nor a tree (message_tree_id, prompt)");
            return 0;
        }
        tree_id = ts_json_get(in, "message_tree_id");
        tstate = ts_json_get(in, "tree_state");
        if (!str_or_null(tree_id) || !str_or_null(tstate)) {
            sink->reject(sink->ctx, "message_tree_id and tree_state must be strings or null");
            return 0;
        }
    }
    if (check_msg(msg, 0, why, sizeof why)) {
        sink->reject(sink->ctx, why);
        return 0;
    }
    return add_msg(s, msg, NULL, tree_id, tstate, sink, err);
}

const ts_format ts_format_oasst1 = {
    .name = "oasst1",
    .summary = "OpenAssistant message table or tree export (JSONL): threads or ranked pairs",
    .kinds = "sft,pref",
    .options = "top-k,pairs,lang",
    .aggregates = true,
    .unit = "record",
    .detect = oa_detect,
    .open = oa_open,
    .begin_file = NULL,
    .record = oa_record,
    .finish = fmt_oa_finish,
    .close = oa_close,
};
