/* oasst1, after the last input: link the buffered messages into trees,
 * decide each message's fate, then walk the surviving trees depth-first
 * and write SFT threads or preference pairs. Nothing here iterates a hash
 * table, so the output order follows the input alone. */
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"
#include "oasst1.h"

static const char *const fate_rule[OA_NFATES] = {
    [OA_UNSEEN] = "orphan",
    [OA_F_DELETED] = "deleted",
    [OA_F_REVIEW_FAILED] = "review_failed",
    [OA_F_TREE_NOT_READY] = "tree_not_ready",
    [OA_F_LANG] = "lang_filtered",
    [OA_F_TOP_K] = "top_k",
    [OA_F_TOP_K_UNRANKED] = "top_k_unranked",
    [OA_F_PRUNED] = "pruned_with_parent",
};

static int grow(uint32_t **v, size_t *cap, size_t need, ts_err *err)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 256;
    while (n < need)
        n *= 2;
    uint32_t *nv = realloc(*v, n * sizeof *nv);
    if (!nv)
        return ts_err_set(err, TS_ENOMEM, NULL);
    *v = nv;
    *cap = n;
    return 0;
}

static void link_children(fmt_oa_state *s)
{
    fmt_oa_msg *M = s->msgs;
    for (uint32_t i = 0; i < s->n; i++) {
        M[i].first_child = M[i].last_child = M[i].next = OA_NONE;
        M[i].fate = OA_UNSEEN;
        M[i].ended = 0;
    }
    for (uint32_t i = 0; i < s->n; i++) {
        if (!M[i].parent)
            continue;
        uint32_t p = fmt_oa_find(s, M[i].parent, M[i].parent_len);
        if (p == OA_NONE || p == i)
            continue; /* an orphan: never reached from a root */
        if (M[p].last_child == OA_NONE)
            M[p].first_child = i;
        else
            M[M[p].last_child].next = i;
        M[p].last_child = i;
    }
}

static uint8_t own_fate(const fmt_oa_msg *m)
{
    if (m->flags & OA_DELETED)
        return OA_F_DELETED;
    if (m->flags & OA_REVIEW_FAILED)
        return OA_F_REVIEW_FAILED;
    return OA_ALIVE;
}

/* The replies of a surviving message: their own verdicts, then --top-k
 * among the assistant replies that survived those. */
static void judge_children(fmt_oa_state *s, uint32_t x)
{
    fmt_oa_msg *M = s->msgs;
    bool ranked = false;
    for (uint32_t c = M[x].first_child; c != OA_NONE; c = M[c].next) {
        M[c].fate = own_fate(&M[c]);
        if (M[c].fate == OA_ALIVE && M[c].role == OA_ASSISTANT && M[c].rank >= 0)
            ranked = true;
    }
    if (s->top_k <= 0)
        return;
    for (uint32_t c = M[x].first_child; c != OA_NONE; c = M[c].next) {
        if (M[c].fate != OA_ALIVE || M[c].role != OA_ASSISTANT)
            continue;
        if (M[c].rank >= s->top_k)
            M[c].fate = OA_F_TOP_K;
        else if (M[c].rank < 0 && ranked)
            M[c].fate = OA_F_TOP_K_UNRANKED;
    }
}

/* Sets the fate of every message of the tree under root. Below a message
 * that did not survive, replies share a whole-tree verdict (not ready,
 * language) or are pruned with it. */
static int judge_tree(fmt_oa_state *s, uint32_t root, ts_err *err)
{
    fmt_oa_msg *M = s->msgs;
    fmt_oa_msg *r = &M[root];
    if (r->flags & OA_STATE_NOT_READY)
        r->fate = OA_F_TREE_NOT_READY;
    else if (s->lang && !(r->lang && fmt_list_has(s->lang, r->lang, r->lang_len)))
        r->fate = OA_F_LANG;
    else
        r->fate = own_fate(r);
    size_t n = 0;
    if (grow(&s->buf, &s->buf_cap, 1, err))
        return err->code;
    s->buf[n++] = root;
    while (n) {
        uint32_t x = s->buf[--n];
        uint8_t f = M[x].fate;
        if (f == OA_ALIVE)
            judge_children(s, x);
        for (uint32_t c = M[x].first_child; c != OA_NONE; c = M[c].next) {
            if (f != OA_ALIVE)
                M[c].fate = f == OA_F_TREE_NOT_READY || f == OA_F_LANG ? f : OA_F_PRUNED;
            if (grow(&s->buf, &s->buf_cap, n + 1, err))
                return err->code;
            s->buf[n++] = c;
        }
    }
    return 0;
}

/* --- building records ------------------------------------------------- */

static void put_messages(fmt_oa_state *s, const uint32_t *p, size_t n)
{
    ts_jb_array(&s->jb);
    for (size_t i = 0; i < n; i++) {
        const fmt_oa_msg *m = &s->msgs[p[i]];
        ts_record_message(&s->jb, m->role == OA_PROMPTER ? "user" : "assistant", m->text, m->text_len);
    }
    ts_jb_end(&s->jb);
}

static void put_rank(fmt_oa_state *s, int32_t rank)
{
    if (rank < 0)
        ts_jb_null(&s->jb);
    else
        ts_jb_int(&s->jb, rank);
}

/* "id", "source", and the start of "meta" with the tree's fields and the
 * message ids of the path. The caller adds its own meta and closes. */
static int put_head(fmt_oa_state *s, const char *id, const uint32_t *p, size_t n, ts_err *err)
{
    if (!id)
        return ts_err_set(err, TS_ENOMEM, NULL);
    const fmt_oa_msg *root = &s->msgs[p[0]];
    ts_jb *b = &s->jb;
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, "oasst1");
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    ts_jb_key(b, "message_tree_id");
    if (root->tree_id)
        ts_jb_str(b, root->tree_id, root->tree_id_len);
    else
        ts_jb_str(b, root->id, root->id_len);
    ts_jb_key(b, "lang");
    if (root->lang)
        ts_jb_str(b, root->lang, root->lang_len);
    else
        ts_jb_null(b);
    ts_jb_key(b, "message_ids");
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++)
        ts_jb_str(b, s->msgs[p[i]].id, s->msgs[p[i]].id_len);
    ts_jb_end(b);
    return 0;
}

static int emit(fmt_oa_state *s, ts_sink *sink, ts_err *err)
{
    ts_json *rec;
    int rc = ts_jb_finish(&s->jb, &rec);
    if (rc)
        return ts_err_set(err, rc, "oasst1: cannot build a record");
    if (sink->emit(sink->ctx, rec))
        return ts_err_set(err, TS_EIO, "oasst1: the output could not be written");
    return 0;
}

static int emit_sft(fmt_oa_state *s, const uint32_t *p, size_t n, ts_sink *sink, ts_err *err)
{
    const fmt_oa_msg *last = &s->msgs[p[n - 1]];
    ts_arena_reset(&s->scratch);
    ts_jb_object(&s->jb);
    ts_jb_key(&s->jb, "messages");
    put_messages(s, p, n);
    int rc = put_head(s, fmt_printf(&s->scratch, "oasst1/%.*s", (int)last->id_len, last->id), p, n, err);
    if (rc)
        return rc;
    ts_jb_key(&s->jb, "ranks");
    ts_jb_array(&s->jb);
    for (size_t i = 0; i < n; i++)
        if (s->msgs[p[i]].role == OA_ASSISTANT)
            put_rank(s, s->msgs[p[i]].rank);
    ts_jb_end(&s->jb);
    ts_jb_end(&s->jb); /* meta */
    ts_jb_end(&s->jb);
    return emit(s, sink, err);
}

static int emit_pref(fmt_oa_state *s, const uint32_t *p, size_t n, uint32_t ci, uint32_t ri, ts_sink *sink,
                     ts_err *err)
{
    const fmt_oa_msg *c = &s->msgs[ci], *r = &s->msgs[ri];
    ts_arena_reset(&s->scratch);
    ts_jb *b = &s->jb;
    ts_jb_object(b);
    ts_jb_key(b, "prompt");
    put_messages(s, p, n);
    ts_jb_key(b, "chosen");
    put_messages(s, &ci, 1);
    ts_jb_key(b, "rejected");
    put_messages(s, &ri, 1);
    const char *id =
        fmt_printf(&s->scratch, "oasst1/%.*s/%.*s", (int)c->id_len, c->id, (int)r->id_len, r->id);
    int rc = put_head(s, id, p, n, err);
    if (rc)
        return rc;
    ts_jb_key(b, "chosen_id");
    ts_jb_str(b, c->id, c->id_len);
    ts_jb_key(b, "rejected_id");
    ts_jb_str(b, r->id, r->id_len);
    ts_jb_key(b, "rank_chosen");
    put_rank(s, c->rank);
    ts_jb_key(b, "rank_rejected");
    put_rank(s, r->rank);
    ts_jb_end(b); /* meta */
    ts_jb_end(b);
    return emit(s, sink, err);
}

/* --- candidates --------------------------------------------------------- */

/* A canonical conversation starts with the user and alternates. */
static bool alternates(const fmt_oa_state *s, const uint32_t *p, size_t n)
{
    if (!n || s->msgs[p[0]].role != OA_PROMPTER)
        return false;
    for (size_t i = 1; i < n; i++)
        if (s->msgs[p[i]].role == s->msgs[p[i - 1]].role)
            return false;
    return true;
}

/* A root-to-leaf path. Trimming a prompter leaf makes its thread end at the
 * leaf's parent, so "already written" is a flag on that last message. */
static int sft_leaf(fmt_oa_state *s, size_t d, ts_sink *sink, ts_err *err)
{
    const uint32_t *p = s->path;
    size_t n = d;
    if (s->msgs[p[n - 1]].role == OA_PROMPTER)
        n--;
    sink->read(sink->ctx);
    bool assistant = false;
    for (size_t i = 0; i < n && !assistant; i++)
        assistant = s->msgs[p[i]].role == OA_ASSISTANT;
    if (!assistant) {
        sink->drop(sink->ctx, "no_assistant_turn");
        return 0;
    }
    fmt_oa_msg *last = &s->msgs[p[n - 1]];
    if (last->ended) {
        sink->drop(sink->ctx, "duplicate_thread");
        return 0;
    }
    last->ended = 1;
    if (!alternates(s, p, n)) {
        sink->drop(sink->ctx, "not_alternating");
        return 0;
    }
    return emit_sft(s, p, n, sink, err);
}

static int pref_pair(fmt_oa_state *s, size_t d, bool alt, uint32_t ci, uint32_t ri, ts_sink *sink,
                     ts_err *err)
{
    sink->read(sink->ctx);
    if (!alt) {
        sink->drop(sink->ctx, "not_alternating");
        return 0;
    }
    if (s->msgs[ci].rank == s->msgs[ri].rank) {
        sink->drop(sink->ctx, "rank_tie");
        return 0;
    }
    return emit_pref(s, s->path, d, ci, ri, sink, err);
}

/* A user message on the path: pairs from its ranked assistant replies,
 * best first (a stable sort, so equal ranks keep input order). */
static int pref_node(fmt_oa_state *s, size_t d, ts_sink *sink, ts_err *err)
{
    fmt_oa_msg *M = s->msgs;
    size_t n = 0;
    for (uint32_t c = M[s->path[d - 1]].first_child; c != OA_NONE; c = M[c].next) {
        if (M[c].fate != OA_ALIVE || M[c].role != OA_ASSISTANT || M[c].rank < 0)
            continue;
        if (grow(&s->buf, &s->buf_cap, n + 1, err))
            return err->code;
        size_t j = n++;
        while (j && M[s->buf[j - 1]].rank > M[c].rank) {
            s->buf[j] = s->buf[j - 1];
            j--;
        }
        s->buf[j] = c;
    }
    if (n < 2)
        return 0;
    bool alt = alternates(s, s->path, d);
    const uint32_t *v = s->buf;
    int rc = 0;
    if (s->pairs == OA_PAIRS_BEST_WORST)
        return pref_pair(s, d, alt, v[0], v[n - 1], sink, err);
    for (size_t i = 0; i + 1 < n && !rc; i++) {
        if (s->pairs == OA_PAIRS_ADJACENT)
            rc = pref_pair(s, d, alt, v[i], v[i + 1], sink, err);
        else
            for (size_t j = i + 1; j < n && !rc; j++)
                rc = pref_pair(s, d, alt, v[i], v[j], sink, err);
    }
    return rc;
}

static uint32_t alive_from(const fmt_oa_state *s, uint32_t i)
{
    while (i != OA_NONE && s->msgs[i].fate != OA_ALIVE)
        i = s->msgs[i].next;
    return i;
}

static int visit(fmt_oa_state *s, size_t d, ts_sink *sink, ts_err *err)
{
    if (s->kind == TS_KIND_PREF && s->msgs[s->path[d - 1]].role == OA_PROMPTER)
        return pref_node(s, d, sink, err);
    return 0;
}

/* Depth-first over the surviving messages, siblings in input order, with
 * the current root-to-node path in s->path[0..d). */
static int walk(fmt_oa_state *s, uint32_t root, ts_sink *sink, ts_err *err)
{
    const fmt_oa_msg *M = s->msgs;
    size_t d = 0;
    int rc;
    if (grow(&s->path, &s->path_cap, 1, err))
        return err->code;
    s->path[d++] = root;
    if ((rc = visit(s, d, sink, err)))
        return rc;
    for (;;) {
        uint32_t c = alive_from(s, M[s->path[d - 1]].first_child);
        if (c != OA_NONE) {
            if (grow(&s->path, &s->path_cap, d + 1, err))
                return err->code;
            s->path[d++] = c;
            if ((rc = visit(s, d, sink, err)))
                return rc;
            continue;
        }
        if (s->kind != TS_KIND_PREF && (rc = sft_leaf(s, d, sink, err)))
            return rc;
        for (;;) {
            if (d == 1)
                return 0;
            uint32_t nx = alive_from(s, M[s->path[d - 1]].next);
            if (nx != OA_NONE) {
                s->path[d - 1] = nx;
                if ((rc = visit(s, d, sink, err)))
                    return rc;
                break;
            }
            d--;
        }
    }
}

int fmt_oa_finish(void *state, ts_sink *sink, ts_arena *a, ts_err *err)
{
    fmt_oa_state *s = state;
    (void)a; /* records are built one at a time in s->scratch */
    link_children(s);
    int rc;
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->msgs[i].parent && (rc = judge_tree(s, i, err)))
            return rc;
    uint64_t count[OA_NFATES] = {0};
    for (uint32_t i = 0; i < s->n; i++)
        count[s->msgs[i].fate]++;
    for (int f = 0; f < OA_NFATES; f++) {
        if (f == OA_ALIVE || !count[f])
            continue;
        for (uint64_t k = 0; k < count[f]; k++)
            sink->read(sink->ctx);
        sink->drop_n(sink->ctx, fate_rule[f], count[f]);
    }
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->msgs[i].parent && s->msgs[i].fate == OA_ALIVE && (rc = walk(s, i, sink, err)))
            return rc;
    return 0;
}
