/* One canonical record -> one row of a trainer's documented shape
 * (docs/export.md has each shape with its source). A record the target
 * cannot express is a named drop, never a silent change of meaning. */
#include <stdio.h>
#include <string.h>

#include "export_int.h"

static const char *const target_names[] = {"trl", "llamafactory", "axolotl", "openai", "alpaca", "sharegpt"};

int ts_export_target_parse(const char *name, ts_export_target *out)
{
    for (size_t i = 0; i < sizeof target_names / sizeof *target_names; i++)
        if (!strcmp(name, target_names[i])) {
            *out = (ts_export_target)i;
            return 0;
        }
    return TS_EINVAL;
}

const char *ts_export_target_name(ts_export_target t)
{
    return (unsigned)t < sizeof target_names / sizeof *target_names ? target_names[t] : "?";
}

exp_role exp_role_of(const ts_json *msg)
{
    const ts_json *r = ts_json_get(msg, "role");
    if (ts_json_str_eq(r, "system"))
        return EXP_SYSTEM;
    if (ts_json_str_eq(r, "user"))
        return EXP_USER;
    if (ts_json_str_eq(r, "assistant"))
        return EXP_ASSISTANT;
    if (ts_json_str_eq(r, "tool"))
        return EXP_TOOL;
    return EXP_OTHER;
}

const ts_json *exp_content(const ts_json *msg)
{
    const ts_json *c = ts_json_get(msg, "content");
    return ts_json_is(c, TS_JSON_STRING) ? c : NULL;
}

static void put_val(ts_jb *b, const ts_json *s)
{
    if (s)
        ts_jb_str(b, s->u.s, s->len);
    else
        ts_jb_str(b, "", 0);
}

static void put_str(ts_jb *b, const char *key, const ts_json *s)
{
    ts_jb_key(b, key);
    put_val(b, s);
}

/* Copies "id" when the record has one (pieces of a split keep theirs). */
static void put_id(ts_jb *b, const ts_json *rec)
{
    const ts_json *id = ts_json_get(rec, "id");
    if (ts_json_is(id, TS_JSON_STRING))
        put_str(b, "id", id);
}

/* {"role","content"} only: consumers with closed schemas (OpenAI) reject
 * unknown message keys. */
static void put_plain_msgs(ts_jb *b, const ts_json *arr, size_t from, size_t to)
{
    ts_jb_array(b);
    for (size_t i = from; i < to; i++) {
        const ts_json *m = &arr->u.items[i];
        ts_jb_object(b);
        put_str(b, "role", ts_json_get(m, "role"));
        put_str(b, "content", exp_content(m));
        ts_jb_end(b);
    }
    ts_jb_end(b);
}

static int finish(ts_jb *b, ts_json **out)
{
    int rc = ts_jb_finish(b, out);
    ts_jb_release(b);
    return rc;
}

/* The completion of a pair as one assistant message, or NULL when it has
 * several turns (most pair formats hold one message per side). */
static const ts_json *single_reply(const ts_json *arr)
{
    if (!ts_json_is(arr, TS_JSON_ARRAY) || arr->len != 1 || exp_role_of(&arr->u.items[0]) != EXP_ASSISTANT)
        return NULL;
    return &arr->u.items[0];
}

/* --- openai ------------------------------------------------------------- */

static int row_openai(const ts_json *rec, ts_rec_kind kind, ts_arena *a, ts_json **out, const char **rule)
{
    const ts_json *msgs = ts_json_get(rec, kind == TS_REC_SFT ? "messages" : "prompt");
    for (uint32_t i = 0; i < msgs->len; i++)
        if (exp_role_of(&msgs->u.items[i]) == EXP_TOOL) {
            /* OpenAI tool messages need tool_call_id and assistant
             * tool_calls, which canonical records do not carry. */
            *rule = "openai_tool_turn";
            return 0;
        }
    if (kind == TS_REC_SFT && exp_role_of(&msgs->u.items[msgs->len - 1]) != EXP_ASSISTANT) {
        *rule = "openai_no_final_reply"; /* nothing to learn after the last reply */
        return 0;
    }
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    if (kind == TS_REC_SFT) {
        ts_jb_key(&b, "messages");
        put_plain_msgs(&b, msgs, 0, msgs->len);
    } else {
        const ts_json *ch = ts_json_get(rec, "chosen"), *rj = ts_json_get(rec, "rejected");
        if (!single_reply(ch) || !single_reply(rj)) {
            ts_jb_release(&b);
            *rule = "openai_multi_message_output";
            return 0;
        }
        ts_jb_key(&b, "input");
        ts_jb_object(&b);
        ts_jb_key(&b, "messages");
        put_plain_msgs(&b, msgs, 0, msgs->len);
        ts_jb_end(&b);
        ts_jb_key(&b, "preferred_output");
        put_plain_msgs(&b, ch, 0, 1);
        ts_jb_key(&b, "non_preferred_output");
        put_plain_msgs(&b, rj, 0, 1);
    }
    ts_jb_end(&b);
    return finish(&b, out);
}

/* --- sharegpt ----------------------------------------------------------- */

static const char *sharegpt_from(exp_role r)
{
    switch (r) {
    case EXP_SYSTEM: return "system";
    case EXP_USER: return "human";
    case EXP_ASSISTANT: return "gpt";
    case EXP_TOOL: return "observation";
    default: return "unknown";
    }
}

static void put_from_value(ts_jb *b, const ts_json *m)
{
    ts_jb_object(b);
    ts_jb_key(b, "from");
    ts_jb_cstr(b, sharegpt_from(exp_role_of(m)));
    put_str(b, "value", exp_content(m));
    ts_jb_end(b);
}

/* LLaMA-Factory's rule: human/observation at odd positions, gpt at even
 * ones (1-based, after the system message). SFT rows end with gpt, pair
 * prompts with human. Returns a drop rule or NULL. */
static const char *sharegpt_order(const ts_json *msgs, size_t from, bool ends_with_reply)
{
    size_t k = 0;
    for (size_t i = from; i < msgs->len; i++, k++) {
        exp_role r = exp_role_of(&msgs->u.items[i]);
        bool asker = r == EXP_USER || r == EXP_TOOL;
        if (r == EXP_SYSTEM || asker != (k % 2 == 0))
            return "sharegpt_roles_do_not_alternate";
    }
    if (k == 0 || (k % 2 == 0) != ends_with_reply)
        return ends_with_reply ? "sharegpt_no_final_reply" : "sharegpt_roles_do_not_alternate";
    return NULL;
}

/* system_column: LLaMA-Factory takes the system prompt from a column;
 * plain ShareGPT keeps it as the first "system" turn. */
static int row_sharegpt(const ts_json *rec, ts_rec_kind kind, bool system_column, ts_arena *a, ts_json **out,
                        const char **rule)
{
    const ts_json *msgs = ts_json_get(rec, kind == TS_REC_SFT ? "messages" : "prompt");
    size_t from = msgs->len && exp_role_of(&msgs->u.items[0]) == EXP_SYSTEM ? 1 : 0;
    const ts_json *ch = NULL, *rj = NULL;
    if (kind == TS_REC_PREF) {
        ch = single_reply(ts_json_get(rec, "chosen"));
        rj = single_reply(ts_json_get(rec, "rejected"));
        if (!ch || !rj) {
            *rule = "sharegpt_multi_message_output";
            return 0;
        }
    }
    if ((*rule = sharegpt_order(msgs, from, kind == TS_REC_SFT)))
        return 0;
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    put_id(&b, rec);
    ts_jb_key(&b, "conversations");
    ts_jb_array(&b);
    for (size_t i = system_column ? from : 0; i < msgs->len; i++)
        put_from_value(&b, &msgs->u.items[i]);
    ts_jb_end(&b);
    if (system_column && from)
        put_str(&b, "system", exp_content(&msgs->u.items[0]));
    if (kind == TS_REC_PREF) {
        ts_jb_key(&b, "chosen");
        put_from_value(&b, ch);
        ts_jb_key(&b, "rejected");
        put_from_value(&b, rj);
    }
    ts_jb_end(&b);
    return finish(&b, out);
}

/* --- alpaca ------------------------------------------------------------- */

/* {instruction, input, output | chosen+rejected, [system], [history]}:
 * the conversation must be strict user/assistant pairs; earlier pairs
 * become LLaMA-Factory's history when allowed. */
static int row_alpaca(const ts_json *rec, ts_rec_kind kind, bool history, ts_arena *a, ts_json **out,
                      const char **rule)
{
    const ts_json *msgs = ts_json_get(rec, kind == TS_REC_SFT ? "messages" : "prompt");
    size_t from = msgs->len && exp_role_of(&msgs->u.items[0]) == EXP_SYSTEM ? 1 : 0;
    size_t n = msgs->len - from;
    for (size_t i = from; i < msgs->len; i++) {
        exp_role r = exp_role_of(&msgs->u.items[i]);
        if (r == EXP_TOOL) {
            *rule = "alpaca_tool_turn";
            return 0;
        }
        if (r != ((i - from) % 2 ? EXP_ASSISTANT : EXP_USER)) {
            *rule = "alpaca_roles_do_not_alternate";
            return 0;
        }
    }
    const ts_json *ch = NULL, *rj = NULL;
    if (kind == TS_REC_SFT ? n % 2 == 1 || n == 0 : n % 2 == 0) {
        *rule = kind == TS_REC_SFT ? "alpaca_no_final_reply" : "alpaca_roles_do_not_alternate";
        return 0;
    }
    if (kind == TS_REC_PREF) {
        ch = single_reply(ts_json_get(rec, "chosen"));
        rj = single_reply(ts_json_get(rec, "rejected"));
        if (!ch || !rj) {
            *rule = "alpaca_multi_message_output";
            return 0;
        }
    }
    /* The last user turn is the instruction; pairs before it, history. */
    size_t last_user = kind == TS_REC_SFT ? msgs->len - 2 : msgs->len - 1;
    if (last_user > from && !history) {
        *rule = "alpaca_multi_turn";
        return 0;
    }
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    put_str(&b, "instruction", exp_content(&msgs->u.items[last_user]));
    put_str(&b, "input", NULL);
    if (kind == TS_REC_SFT) {
        put_str(&b, "output", exp_content(&msgs->u.items[last_user + 1]));
    } else {
        put_str(&b, "chosen", exp_content(ch));
        put_str(&b, "rejected", exp_content(rj));
    }
    if (from)
        put_str(&b, "system", exp_content(&msgs->u.items[0]));
    if (last_user > from) {
        ts_jb_key(&b, "history");
        ts_jb_array(&b);
        for (size_t i = from; i < last_user; i += 2) {
            ts_jb_array(&b);
            put_val(&b, exp_content(&msgs->u.items[i]));
            put_val(&b, exp_content(&msgs->u.items[i + 1]));
            ts_jb_end(&b);
        }
        ts_jb_end(&b);
    }
    ts_jb_end(&b);
    return finish(&b, out);
}

/* --- axolotl ------------------------------------------------------------ */

/* chat_template rows: the canonical messages under the configured field
 * (reasoning_content kept: templates such as Qwen 3's read it); pairs as
 * chat_template.default DPO rows with one chosen/rejected message. */
static int row_axolotl(const ts_json *rec, ts_rec_kind kind, const char *field, ts_arena *a, ts_json **out,
                       const char **rule)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    put_id(&b, rec);
    ts_jb_key(&b, field && *field ? field : "messages");
    if (kind == TS_REC_SFT) {
        ts_jb_value(&b, ts_json_get(rec, "messages"));
    } else {
        const ts_json *ch = single_reply(ts_json_get(rec, "chosen"));
        const ts_json *rj = single_reply(ts_json_get(rec, "rejected"));
        if (!ch || !rj) {
            ts_jb_release(&b);
            *rule = "axolotl_multi_message_output";
            return 0;
        }
        ts_jb_value(&b, ts_json_get(rec, "prompt"));
        ts_jb_key(&b, "chosen");
        ts_jb_value(&b, ch);
        ts_jb_key(&b, "rejected");
        ts_jb_value(&b, rj);
    }
    ts_jb_end(&b);
    return finish(&b, out);
}

int ts_export_row(const ts_export_opts *o, const ts_json *rec, ts_arena *a, ts_json **out,
                  const char **drop_rule, char *why, size_t cap)
{
    *out = NULL;
    *drop_rule = NULL;
    ts_rec_kind kind = ts_record_kind(rec);
    if (kind != TS_REC_SFT && kind != TS_REC_PREF) {
        if (why && cap)
            snprintf(why, cap, "export needs an SFT or preference record, not %s", ts_rec_kind_name(kind));
        return TS_ESCHEMA;
    }
    switch (o->target) {
    case TS_EXPORT_TRL:
        *out = (ts_json *)rec; /* the canonical shape is TRL's */
        return 0;
    case TS_EXPORT_OPENAI:
        return row_openai(rec, kind, a, out, drop_rule);
    case TS_EXPORT_SHAREGPT:
        return row_sharegpt(rec, kind, false, a, out, drop_rule);
    case TS_EXPORT_ALPACA:
        return row_alpaca(rec, kind, o->alpaca_history, a, out, drop_rule);
    case TS_EXPORT_LLAMAFACTORY:
        if (o->lf_format == TS_EXPORT_LF_ALPACA)
            return row_alpaca(rec, kind, o->alpaca_history, a, out, drop_rule);
        return row_sharegpt(rec, kind, true, a, out, drop_rule);
    case TS_EXPORT_AXOLOTL:
        return row_axolotl(rec, kind, o->axolotl_field, a, out, drop_rule);
    }
    return TS_EINVAL;
}
