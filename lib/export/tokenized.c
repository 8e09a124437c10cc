/* Pre-tokenized rows: a conversation rendered with the model's chat
 * template, encoded with its tokenizer, and labels that are -100 except on
 * the assistant turns (end-of-turn token included).
 *
 * Where an assistant turn lies in the rendered text: the template's own
 * {% generation %} blocks when it has them; otherwise the conversation
 * prefixes are rendered, as Hugging Face does — the turn starts where
 * render(messages[:i], add_generation_prompt) ends and stops where
 * render(messages[:i+1]) ends, so it holds what the template writes after
 * the content (the end-of-turn token). Templates that render a turn
 * differently once more turns follow (Qwen 3 drops earlier reasoning) fail
 * the prefix check for that turn; there the content is found in the text
 * after the previous turn and the tail that render(messages[:i+1]) writes
 * after the content is taken as its end. */
#include <string.h>

#include "export_int.h"
#include "tuneset/template.h"
#include "tuneset/tokenizer.h"

static ts_json slice(const ts_json *arr, size_t n)
{
    ts_json s = *arr;
    s.len = (uint32_t)n;
    return s;
}

static bool starts_with(const ts_buf *full, const ts_buf *p)
{
    return p->len <= full->len && !memcmp(full->data, p->data, p->len);
}

static const char *find(const char *h, size_t hn, const char *n, size_t nn)
{
    if (!nn)
        return h;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == n[0] && !memcmp(h + i, n, nn))
            return h + i;
    return NULL;
}

/* The content as templates print it: most strip surrounding whitespace. */
static void trimmed(const ts_json *m, const char **s, size_t *n)
{
    const ts_json *c = exp_content(m);
    const char *p = c ? c->u.s : "";
    size_t len = c ? c->len : 0;
    while (len && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
        p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\n' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    *s = p;
    *n = len;
}

typedef struct tk_ctx {
    ts_tokenizer *tok;
    const ts_template *tpl;
    const ts_json *extra;
    ts_buf a, b;
    ts_tok_ids v;
} tk_ctx;

static int render(tk_ctx *c, const ts_json *msgs, bool agp, ts_buf *out, ts_tpl_spans *spans, ts_err *err)
{
    ts_tpl_render_opts o = {.add_generation_prompt = agp, .extra = c->extra};
    out->len = 0;
    return ts_template_render(c->tpl, msgs, &o, out, spans, err);
}

/* Where each assistant turn of msgs lies in full: start byte, the end of
 * its content, and the end of what render(messages[:i+1]) writes after it
 * (SIZE_MAX when that render is not a prefix of full). */
typedef struct tk_span {
    size_t start, content_end;
    uint32_t msg; /* index of the assistant message */
} tk_span;

static int assistant_spans(tk_ctx *c, const ts_json *msgs, const ts_buf *full, tk_span *sp, size_t *nsp,
                           size_t cap, ts_err *err)
{
    size_t n = 0, after = 0;
    for (uint32_t i = 0; i < msgs->len; i++) {
        if (exp_role_of(&msgs->u.items[i]) != EXP_ASSISTANT)
            continue;
        if (n == cap)
            return ts_err_set(err, TS_ETOOBIG, "more than %zu assistant turns in one conversation", cap);
        ts_json pre = slice(msgs, i);
        int rc = render(c, &pre, true, &c->a, NULL, err);
        if (rc)
            return rc;
        size_t s = starts_with(full, &c->a) && c->a.len >= after ? c->a.len : after;
        const char *t;
        size_t tn;
        trimmed(&msgs->u.items[i], &t, &tn);
        const char *at = find(full->data + s, full->len - s, t, tn);
        if (!at)
            return ts_err_set(err, TS_ETEMPLATE, "messages[%u]: the assistant turn is not in the rendered text", i);
        if (s == after && !starts_with(full, &c->a))
            s = (size_t)(at - full->data); /* no usable prefix: the turn starts at its content */
        size_t ce = (size_t)(at - full->data) + tn;
        sp[n].start = s;
        sp[n].content_end = ce;
        sp[n].msg = i;
        n++;
        after = ce;
    }
    *nsp = n;
    return 0;
}

/* Where render(messages[:i+1]) ends in full, or SIZE_MAX when it is not
 * a prefix of full reaching past the content. */
static int render_end(tk_ctx *c, const ts_json *msgs, const ts_buf *full, const tk_span *sp, size_t *out, ts_err *err)
{
    ts_json upto = slice(msgs, sp->msg + 1);
    int rc = render(c, &upto, false, &c->b, NULL, err);
    *out = !rc && starts_with(full, &c->b) && c->b.len >= sp->content_end ? c->b.len : SIZE_MAX;
    return rc;
}

/* Special tokens (end-of-turn markers) decode to nothing when special
 * tokens are skipped. */
static bool is_special(const ts_tokenizer *tok, uint32_t id, ts_buf *scratch)
{
    scratch->len = 0;
    return !ts_tokenizer_decode(tok, &id, 1, true, scratch) && scratch->len == 0;
}

/* Index of the first token that does not lie wholly before byte b: the
 * prefix is encoded alone and compared with the whole text's ids; where
 * they part, a token straddles b. */
static int token_at(tk_ctx *c, const ts_buf *full, const ts_tok_ids *ids, size_t b, bool end, size_t *out)
{
    c->v.len = 0;
    int rc = ts_tokenizer_encode(c->tok, full->data, b, &c->v);
    if (rc)
        return rc;
    size_t k = 0;
    while (k < c->v.len && k < ids->len && c->v.ids[k] == ids->ids[k])
        k++;
    bool straddle = k < c->v.len;
    /* a straddling token holds bytes on both sides: it is trained on */
    *out = straddle && end ? k + 1 : k;
    if (*out > ids->len)
        *out = ids->len;
    return 0;
}

/* Token index of each boundary b[0..n) (non-decreasing byte offsets).
 * Fast path: the text is encoded segment by segment between boundaries;
 * when the pieces join up to the whole text's ids (turns are delimited by
 * special tokens or pre-tokenizer splits, the usual case), every boundary
 * falls between tokens and its index is a running count. Otherwise each
 * boundary is placed by token_at. */
static int boundaries(tk_ctx *c, const ts_buf *full, const ts_tok_ids *ids, const size_t *b, const bool *end,
                      size_t n, size_t *out)
{
    size_t from = 0, k = 0;
    bool joined = true;
    for (size_t j = 0; j < n && joined; j++) {
        c->v.len = 0;
        int rc = ts_tokenizer_encode(c->tok, full->data + from, b[j] - from, &c->v);
        if (rc)
            return rc;
        joined = k + c->v.len <= ids->len && !memcmp(ids->ids + k, c->v.ids, c->v.len * sizeof *c->v.ids);
        k += c->v.len;
        out[j] = k;
        from = b[j];
    }
    if (joined) {
        c->v.len = 0; /* the rest must join too, or a token straddles the last boundary */
        int rc = ts_tokenizer_encode(c->tok, full->data + from, full->len - from, &c->v);
        if (rc)
            return rc;
        joined = k + c->v.len == ids->len && !memcmp(ids->ids + k, c->v.ids, c->v.len * sizeof *c->v.ids);
    }
    for (size_t j = 0; j < n && !joined; j++) {
        int rc = token_at(c, full, ids, b[j], end[j], &out[j]);
        if (rc)
            return rc;
    }
    return 0;
}

int ts_export_tokenize_sft(ts_tokenizer *tok, const ts_template *tpl, const ts_json *extra, const ts_json *msgs,
                           bool last_only, ts_arena *ar, ts_tok_example *ex, ts_err *err)
{
    tk_ctx c = {.tok = tok, .tpl = tpl, .extra = extra};
    ts_buf full;
    ts_tpl_spans gen = {0};
    ts_tok_ids ids = {0};
    ts_buf_init(&full, 0);
    ts_buf_init(&c.a, 0);
    ts_buf_init(&c.b, 0);
    memset(ex, 0, sizeof *ex);
    enum { MAXSP = 1024, EOT_LOOKAHEAD = 8 };
    tk_span sp[MAXSP];
    size_t nsp = 0;
    int rc = render(&c, msgs, false, &full, &gen, err);
    if (!rc && !gen.n)
        rc = assistant_spans(&c, msgs, &full, sp, &nsp, MAXSP, err);
    for (size_t k = 0; !rc && k < gen.n && k < MAXSP; k++, nsp++) {
        /* the template marks what to train on: taken as it is */
        sp[k].start = gen.v[k].start;
        sp[k].content_end = gen.v[k].end;
    }
    if (!rc && (rc = ts_tokenizer_encode(tok, full.data, full.len, &ids)))
        ts_err_set(err, rc, "the rendered text cannot be encoded: %s", ts_strerror(rc));
    if (!rc) {
        ex->n = ids.len;
        ex->ids = ts_arena_alloc(ar, (ids.len + 1) * sizeof *ex->ids);
        ex->labels = ts_arena_alloc(ar, (ids.len + 1) * sizeof *ex->labels);
        if (!ex->ids || !ex->labels)
            rc = TS_ENOMEM;
    }
    if (!rc) {
        for (size_t i = 0; i < ids.len; i++) {
            ex->ids[i] = ids.ids[i];
            ex->labels[i] = -100;
        }
        size_t first = last_only && nsp ? nsp - 1 : 0, nb = 2 * (nsp - first);
        size_t b[2 * MAXSP], tk[2 * MAXSP];
        bool end[2 * MAXSP];
        for (size_t k = first; k < nsp; k++) {
            b[2 * (k - first)] = sp[k].start;
            b[2 * (k - first) + 1] = sp[k].content_end;
            end[2 * (k - first)] = false;
            end[2 * (k - first) + 1] = true;
        }
        rc = boundaries(&c, &full, &ids, b, end, nb, tk);
        for (size_t k = first; k < nsp && !rc; k++) {
            size_t ts = tk[2 * (k - first)], te = tk[2 * (k - first) + 1];
            /* The end-of-turn token: the first special token within a few
             * tokens after the content (" </s>" is two tokens in Llama 2);
             * without one, what the template writes up to the turn's end. */
            size_t eot = SIZE_MAX, re;
            for (size_t t = te; !gen.n && t < ids.len && t < te + EOT_LOOKAHEAD; t++)
                if (is_special(tok, ids.ids[t], &c.a)) {
                    eot = t + 1;
                    break;
                }
            if (eot == SIZE_MAX && !gen.n && !(rc = render_end(&c, msgs, &full, &sp[k], &re, err)) && re != SIZE_MAX)
                rc = token_at(&c, &full, &ids, re, true, &eot);
            if (eot != SIZE_MAX && eot > te)
                te = eot;
            for (size_t t = ts; !rc && t < te; t++)
                ex->labels[t] = (int32_t)ids.ids[t];
            ex->trained_turns += !rc && te > ts;
        }
    }
    ts_buf_release(&full);
    ts_buf_release(&c.a);
    ts_buf_release(&c.b);
    ts_tpl_spans_release(&gen);
    ts_tok_ids_release(&ids);
    ts_tok_ids_release(&c.v);
    return rc;
}

static int encode_into(ts_tokenizer *tok, const char *s, size_t n, ts_arena *ar, uint32_t **out, size_t *len)
{
    ts_tok_ids v = {0};
    int rc = ts_tokenizer_encode(tok, s, n, &v);
    if (!rc) {
        *out = ts_arena_dup(ar, v.ids ? (void *)v.ids : (void *)"", (v.len ? v.len : 1) * sizeof **out);
        *len = v.len;
        if (!*out)
            rc = TS_ENOMEM;
    }
    ts_tok_ids_release(&v);
    return rc;
}

/* prompt + one side, as one message array in the arena. */
static ts_json *joined(ts_arena *ar, const ts_json *p, const ts_json *side)
{
    ts_json *j = ts_arena_alloc(ar, sizeof *j);
    size_t n = (size_t)p->len + side->len;
    ts_json *items = ts_arena_alloc(ar, (n ? n : 1) * sizeof *items);
    if (!j || !items)
        return NULL;
    memcpy(items, p->u.items, p->len * sizeof *items);
    memcpy(items + p->len, side->u.items, side->len * sizeof *items);
    *j = *p;
    j->len = (uint32_t)n;
    j->u.items = items;
    return j;
}

int ts_export_tokenize_pref(ts_tokenizer *tok, const ts_template *tpl, const ts_json *extra, const ts_json *rec,
                            ts_arena *ar, ts_tok_pair *out, ts_err *err)
{
    tk_ctx c = {.tok = tok, .tpl = tpl, .extra = extra};
    ts_buf_init(&c.a, 0);
    ts_buf_init(&c.b, 0);
    memset(out, 0, sizeof *out);
    const ts_json *prompt = ts_json_get(rec, "prompt");
    int rc = render(&c, prompt, true, &c.a, NULL, err);
    if (!rc)
        rc = encode_into(tok, c.a.data, c.a.len, ar, &out->prompt, &out->np);
    for (int k = 0; k < 2 && !rc; k++) {
        ts_json *all = joined(ar, prompt, ts_json_get(rec, k ? "rejected" : "chosen"));
        if (!all) {
            rc = TS_ENOMEM;
            break;
        }
        if ((rc = render(&c, all, false, &c.b, NULL, err)))
            break;
        /* TRL's split: the completion is what the full render adds after
         * the prompt with its generation prompt. */
        if (!starts_with(&c.b, &c.a)) {
            rc = ts_err_set(err, TS_ETEMPLATE, "the template renders the prompt differently once the %s reply follows",
                            k ? "rejected" : "chosen");
            break;
        }
        rc = encode_into(tok, c.b.data + c.a.len, c.b.len - c.a.len, ar, k ? &out->rejected : &out->chosen,
                         k ? &out->nr : &out->nc);
    }
    ts_buf_release(&c.a);
    ts_buf_release(&c.b);
    return rc;
}
