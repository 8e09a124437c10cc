/* Stanford Human Preferences (SHP): JSON Lines, one pair of Reddit
 * comments a row: {post_id, domain, upvote_ratio, history, c_root_id_A,
 * c_root_id_B, created_at_utc_A/B, score_A, score_B, human_ref_A,
 * human_ref_B, labels, seconds_difference, score_ratio}.
 *
 * prompt = history as one user turn; chosen = comment A when labels is 1,
 * else B; score_chosen / score_rejected are the two comments' scores.
 * The dataset card's advice is the default: keep pairs with score_ratio
 * >= 2 (drop "score_ratio") and at most 5 pairs per post, the highest
 * score_ratio ones, earlier rows first on ties (drop "max_pairs_per_post").
 *
 * The cap needs all of a post's pairs, so pairs are held until the post
 * ends: SHP files are grouped by post_id, and a post is written when the
 * next one starts (or at the end), so memory holds one post. A post that
 * comes back later (a file not grouped that way) is still capped: the
 * pairs written for it earlier count against the cap, and the later group
 * fills what is left — first come, first kept, since written rows cannot
 * be taken back. Because pairs come out after the row that read them, the
 * format aggregates: its unit is "pair", one per valid row.
 *
 * id "shp/<post_id>/<c_root_id_A>-<c_root_id_B>" (or "shp/<row>" when the
 * comment ids are missing); meta: post_id, domain, score_ratio. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_util.h"
#include "tuneset/hash.h"

typedef struct {
    double ratio;
    uint64_t seq; /* input order, for ties and for writing */
    bool keep;
    ts_json *rec; /* in the post arena */
} shp_pair;

typedef struct {
    const char *key; /* NULL = empty slot */
    size_t len;
    uint64_t written;
} post_slot;

typedef struct {
    double min_ratio;
    uint64_t cap; /* 0 = no cap */
    uint64_t row;
    ts_arena post; /* the current post's pairs; reset when it is written */
    const char *post_id;
    size_t post_len;
    shp_pair *pairs;
    size_t n, capn;
    post_slot *done; /* posts written so far -> pairs written */
    size_t done_cap, done_n;
    ts_arena keys;
    ts_jb jb;
} shp_state;

/* The count of pairs written for post k (inserted as 0 when new). */
static uint64_t *post_written(shp_state *st, const char *k, size_t n)
{
    if (2 * (st->done_n + 1) > st->done_cap) {
        size_t cap = st->done_cap ? st->done_cap * 2 : 1024;
        post_slot *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < st->done_cap; i++) {
            post_slot *s = &st->done[i];
            if (!s->key)
                continue;
            size_t j = ts_hash64(s->key, s->len, 0) & (cap - 1);
            while (t[j].key)
                j = (j + 1) & (cap - 1);
            t[j] = *s;
        }
        free(st->done);
        st->done = t;
        st->done_cap = cap;
    }
    size_t j = ts_hash64(k, n, 0) & (st->done_cap - 1);
    for (; st->done[j].key; j = (j + 1) & (st->done_cap - 1))
        if (st->done[j].len == n && !memcmp(st->done[j].key, k, n))
            return &st->done[j].written;
    const char *key = ts_arena_dup(&st->keys, k, n ? n : 1);
    if (!key)
        return NULL;
    st->done[j] = (post_slot){key, n, 0};
    st->done_n++;
    return &st->done[j].written;
}

static int by_ratio(const void *a, const void *b)
{
    const shp_pair *x = a, *y = b;
    if (x->ratio != y->ratio)
        return x->ratio > y->ratio ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_seq(const void *a, const void *b)
{
    const shp_pair *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Writes the held post: its best pairs within the cap, in input order. */
static int flush_post(shp_state *st, ts_sink *sink, ts_err *err)
{
    if (!st->n)
        return 0;
    uint64_t *written = post_written(st, st->post_id, st->post_len);
    if (!written)
        return ts_err_set(err, TS_ENOMEM, NULL);
    uint64_t budget = st->cap > *written ? st->cap - *written : 0;
    if (st->n > budget) {
        qsort(st->pairs, st->n, sizeof *st->pairs, by_ratio);
        for (size_t i = 0; i < st->n; i++)
            st->pairs[i].keep = i < budget;
        qsort(st->pairs, st->n, sizeof *st->pairs, by_seq);
    }
    uint64_t kept = 0;
    for (size_t i = 0; i < st->n; i++) {
        if (!st->pairs[i].keep)
            continue;
        if (sink->emit(sink->ctx, st->pairs[i].rec))
            return ts_err_set(err, TS_EIO, "cannot write the output record");
        kept++;
    }
    if (st->n > kept)
        sink->drop_n(sink->ctx, "max_pairs_per_post", st->n - kept);
    *written += kept;
    st->n = 0;
    st->post_id = NULL;
    ts_arena_reset(&st->post);
    return 0;
}

static int hold_pair(shp_state *st, const char *post_id, size_t post_len, double ratio,
                     const ts_json *rec, ts_err *err)
{
    if (!st->post_id) {
        st->post_id = ts_arena_dup(&st->post, post_id, post_len ? post_len : 1);
        st->post_len = post_len;
    }
    if (st->n == st->capn) {
        size_t cap = st->capn ? st->capn * 2 : 16;
        shp_pair *v = realloc(st->pairs, cap * sizeof *v);
        if (!v)
            return ts_err_set(err, TS_ENOMEM, NULL);
        st->pairs = v;
        st->capn = cap;
    }
    ts_json *copy = ts_json_clone(&st->post, rec);
    if (!copy || !st->post_id)
        return ts_err_set(err, TS_ENOMEM, NULL);
    st->pairs[st->n++] = (shp_pair){ratio, st->row, true, copy};
    return 0;
}

/* Checks the fields a pair needs; NULL when fine, else the reject reason. */
static const char *check_row(const ts_json *in, ts_arena *a, int64_t *label)
{
    const char *why = NULL;
    const char *s;
    size_t n;
    if (!fmt_own_id(ts_json_get(in, "post_id"), &s, &n))
        return "missing or empty field 'post_id'";
    if (!fmt_req_str(in, "history", a, &why) || !fmt_req_str(in, "human_ref_A", a, &why) ||
        !fmt_req_str(in, "human_ref_B", a, &why))
        return why;
    static const char *const nums[] = {"score_A", "score_B", "score_ratio"};
    for (size_t i = 0; i < 3; i++)
        if (!ts_json_is(ts_json_get(in, nums[i]), TS_JSON_NUMBER))
            return fmt_printf(a, "field '%s' must be a number", nums[i]);
    const ts_json *l = ts_json_get(in, "labels");
    if (ts_json_is_bool(l))
        *label = l->type == TS_JSON_TRUE;
    else if (ts_json_int64(l, label) || (*label != 0 && *label != 1))
        return "field 'labels' must be 0 or 1";
    return NULL;
}

static int shp_record(void *state, const ts_json *in, ts_sink *sink, ts_arena *a, ts_err *err)
{
    shp_state *st = state;
    uint64_t row = st->row++;
    if (!ts_json_is(in, TS_JSON_OBJECT))
        return fmt_reject(sink, "a row must be a JSON object");
    int64_t label = 0;
    const char *why = check_row(in, a, &label);
    if (why)
        return fmt_reject(sink, why);
    const char *post_id;
    size_t post_len;
    fmt_own_id(ts_json_get(in, "post_id"), &post_id, &post_len);
    /* A new post: the held one is complete. */
    if (st->post_id && (post_len != st->post_len || memcmp(post_id, st->post_id, post_len))) {
        int rc = flush_post(st, sink, err);
        if (rc)
            return rc;
    }
    sink->read(sink->ctx);

    const ts_json *ratio_v = ts_json_get(in, "score_ratio");
    double ratio = 0;
    ts_json_double(ratio_v, &ratio);
    if (!(ratio >= st->min_ratio))
        return fmt_drop(sink, "score_ratio");
    const ts_json *hist = ts_json_get(in, "history");
    const char *cs = label ? "A" : "B", *rs = label ? "B" : "A";
    const ts_json *ch = ts_json_get(in, label ? "human_ref_A" : "human_ref_B");
    const ts_json *rj = ts_json_get(in, label ? "human_ref_B" : "human_ref_A");
    if (!hist->len || !ch->len || !rj->len)
        return fmt_drop(sink, "empty_text");

    ts_jb *b = &st->jb;
    b->arena = a;
    ts_jb_object(b);
    fmt_msg m[3] = {{"user", hist->u.s, hist->len, NULL, 0},
                    {"assistant", ch->u.s, ch->len, NULL, 0},
                    {"assistant", rj->u.s, rj->len, NULL, 0}};
    fmt_jb_msg_list(b, "prompt", &m[0], 1);
    fmt_jb_msg_list(b, "chosen", &m[1], 1);
    fmt_jb_msg_list(b, "rejected", &m[2], 1);
    char key[8] = "score_X";
    key[6] = *cs;
    ts_jb_key(b, "score_chosen");
    ts_jb_value(b, ts_json_get(in, key));
    key[6] = *rs;
    ts_jb_key(b, "score_rejected");
    ts_jb_value(b, ts_json_get(in, key));
    const ts_json *ida = fmt_str(in, "c_root_id_A"), *idb = fmt_str(in, "c_root_id_B");
    char *id = ida && idb ? fmt_printf(a, "shp/%.*s/%.*s-%.*s", (int)post_len, post_id, (int)ida->len,
                                       ida->u.s, (int)idb->len, idb->u.s)
                          : fmt_printf(a, "shp/%llu", (unsigned long long)row);
    if (!id)
        return ts_err_set(err, TS_ENOMEM, NULL);
    ts_jb_key(b, "id");
    ts_jb_cstr(b, id);
    ts_jb_key(b, "source");
    ts_jb_cstr(b, "shp");
    ts_jb_key(b, "meta");
    ts_jb_object(b);
    ts_jb_key(b, "post_id");
    ts_jb_value(b, ts_json_get(in, "post_id"));
    const ts_json *domain = fmt_str(in, "domain");
    if (domain) {
        ts_jb_key(b, "domain");
        ts_jb_value(b, domain);
    }
    ts_jb_key(b, "score_ratio");
    ts_jb_value(b, ratio_v);
    ts_jb_end(b);
    ts_jb_end(b);
    if (!st->cap) /* nothing to choose between: write at once */
        return fmt_emit(b, sink, err);
    ts_json *rec;
    int rc = ts_jb_finish(b, &rec);
    if (rc)
        return ts_err_set(err, rc, "cannot build the output record");
    return hold_pair(st, post_id, post_len, ratio, rec, err);
}

static int shp_finish(void *state, ts_sink *sink, ts_arena *a, ts_err *err)
{
    return flush_post(state, sink, err);
}

static int shp_detect(const ts_json *first)
{
    static const char *const keys[] = {"post_id", "history", "human_ref_A", "human_ref_B",
                                       "labels", "score_ratio"};
    int hits = 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        hits += ts_json_get(first, keys[i]) != NULL;
    return hits >= 4 ? 40 + hits * 10 : 0;
}

static int shp_open(void **state, const ts_import_opts *o, ts_err *err)
{
    if (isnan(o->min_score_ratio))
        return ts_err_set(err, TS_EINVAL, "shp: --min-score-ratio must be a number");
    shp_state *st = calloc(1, sizeof *st);
    if (!st)
        return ts_err_set(err, TS_ENOMEM, NULL);
    st->min_ratio = o->min_score_ratio < 0 ? 2.0 : o->min_score_ratio;
    st->cap = o->max_pairs_per_post < 0 ? 5 : (uint64_t)o->max_pairs_per_post;
    ts_arena_init(&st->post);
    ts_arena_init(&st->keys);
    *state = st;
    return 0;
}

static void shp_close(void *state)
{
    shp_state *st = state;
    if (!st)
        return;
    ts_arena_release(&st->post);
    ts_arena_release(&st->keys);
    free(st->pairs);
    free(st->done);
    ts_jb_release(&st->jb);
    free(st);
}

const ts_format ts_format_shp = {
    .name = "shp",
    .summary = "Stanford Human Preferences {post_id, history, human_ref_A/B, labels, ...} (JSONL)",
    .kinds = "pref",
    .options = "min-score-ratio,max-pairs-per-post",
    .aggregates = true,
    .unit = "pair",
    .detect = shp_detect,
    .open = shp_open,
    .record = shp_record,
    .finish = shp_finish,
    .close = shp_close,
};
