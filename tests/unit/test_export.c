/* Export targets: golden rows for each shape, and each consumer's rules
 * (field names, role order, sidecar columns naming real row fields)
 * checked over every record of tests/fixtures/export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/export.h"

static ts_json *parse(ts_arena *a, const char *text, size_t n)
{
    ts_json *v = NULL;
    ts_err e = TS_ERR_INIT;
    return ts_json_parse(text, n, a, NULL, &v, &e) ? NULL : v;
}

/* Row of `in` for o as compact JSON in out ("" when dropped; rule set). */
static int row_text(const ts_export_opts *o, const char *in, char *out, size_t cap, const char **rule)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, in, strlen(in)), *row = NULL;
    char why[200];
    int rc = rec ? ts_export_row(o, rec, &a, &row, rule, why, sizeof why) : TS_ESYNTAX;
    out[0] = 0;
    if (!rc && row) {
        ts_buf b;
        ts_buf_init(&b, 0);
        ts_json_write(&b, row);
        snprintf(out, cap, "%.*s", (int)b.len, b.data);
        ts_buf_release(&b);
    }
    ts_arena_release(&a);
    return rc;
}

static const char *SFT2 =
    "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"u1\"},"
    "{\"role\":\"assistant\",\"content\":\"a1\"},{\"role\":\"user\",\"content\":\"u2\"},"
    "{\"role\":\"assistant\",\"content\":\"a2\",\"reasoning_content\":\"r\"}],\"id\":\"x/1\",\"source\":\"x\",\"meta\":{}}";
static const char *PREF1 =
    "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"good\"}],"
    "\"rejected\":[{\"role\":\"assistant\",\"content\":\"bad\"}],\"id\":\"p/1\"}";

TEST(export_golden_rows)
{
    char out[2048];
    const char *rule;
    ts_export_opts o = {.target = TS_EXPORT_OPENAI};
    CHECK_INT(row_text(&o, SFT2, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"u1\"},"
                   "{\"role\":\"assistant\",\"content\":\"a1\"},{\"role\":\"user\",\"content\":\"u2\"},"
                   "{\"role\":\"assistant\",\"content\":\"a2\"}]}");
    CHECK_INT(row_text(&o, PREF1, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]},"
                   "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"good\"}],"
                   "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"bad\"}]}");
    o.target = TS_EXPORT_SHAREGPT;
    CHECK_INT(row_text(&o, SFT2, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"id\":\"x/1\",\"conversations\":[{\"from\":\"system\",\"value\":\"S\"},{\"from\":\"human\",\"value\":\"u1\"},"
                   "{\"from\":\"gpt\",\"value\":\"a1\"},{\"from\":\"human\",\"value\":\"u2\"},{\"from\":\"gpt\",\"value\":\"a2\"}]}");
    CHECK_INT(row_text(&o, PREF1, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"id\":\"p/1\",\"conversations\":[{\"from\":\"human\",\"value\":\"q\"}],"
                   "\"chosen\":{\"from\":\"gpt\",\"value\":\"good\"},\"rejected\":{\"from\":\"gpt\",\"value\":\"bad\"}}");
    o.target = TS_EXPORT_LLAMAFACTORY; /* sharegpt with the system prompt as a column */
    CHECK_INT(row_text(&o, SFT2, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"id\":\"x/1\",\"conversations\":[{\"from\":\"human\",\"value\":\"u1\"},{\"from\":\"gpt\",\"value\":\"a1\"},"
                   "{\"from\":\"human\",\"value\":\"u2\"},{\"from\":\"gpt\",\"value\":\"a2\"}],\"system\":\"S\"}");
    o.lf_format = TS_EXPORT_LF_ALPACA;
    o.alpaca_history = true;
    CHECK_INT(row_text(&o, SFT2, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"instruction\":\"u2\",\"input\":\"\",\"output\":\"a2\",\"system\":\"S\",\"history\":[[\"u1\",\"a1\"]]}");
    CHECK_INT(row_text(&o, PREF1, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"instruction\":\"q\",\"input\":\"\",\"chosen\":\"good\",\"rejected\":\"bad\"}");
    o.target = TS_EXPORT_ALPACA;
    o.alpaca_history = false;
    CHECK_INT(row_text(&o, SFT2, out, sizeof out, &rule), 0);
    CHECK_STR(out, "");
    CHECK_STR(rule, "alpaca_multi_turn");
    o.target = TS_EXPORT_AXOLOTL;
    o.axolotl_field = "conversations";
    CHECK_INT(row_text(&o, PREF1, out, sizeof out, &rule), 0);
    CHECK_STR(out, "{\"id\":\"p/1\",\"conversations\":[{\"role\":\"user\",\"content\":\"q\"}],"
                   "\"chosen\":{\"role\":\"assistant\",\"content\":\"good\"},\"rejected\":{\"role\":\"assistant\",\"content\":\"bad\"}}");
    o.target = TS_EXPORT_TRL;
    CHECK_INT(row_text(&o, "{\"text\":\"plain\"}", out, sizeof out, &rule), TS_ESCHEMA);
}

/* Found by fuzz_export: a valid record holding only a system prompt. */
TEST(export_system_only_record_is_a_named_drop)
{
    const char *sys = "{\"messages\":[{\"role\":\"system\",\"content\":\"ks.\"}]}";
    char out[512];
    const char *rule;
    struct { ts_export_target t; const char *rule; } cases[] = {
        {TS_EXPORT_ALPACA, "alpaca_no_final_reply"},
        {TS_EXPORT_OPENAI, "openai_no_final_reply"},
        {TS_EXPORT_SHAREGPT, "sharegpt_no_final_reply"},
        {TS_EXPORT_LLAMAFACTORY, "sharegpt_no_final_reply"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ts_export_opts o = {.target = cases[i].t, .alpaca_history = true};
        CHECK_INT(row_text(&o, sys, out, sizeof out, &rule), 0);
        CHECK_STR(out, "");
        CHECK_STR(rule, cases[i].rule);
    }
    ts_export_opts o = {.target = TS_EXPORT_LLAMAFACTORY, .lf_format = TS_EXPORT_LF_ALPACA, .alpaca_history = true};
    CHECK_INT(row_text(&o, sys, out, sizeof out, &rule), 0);
    CHECK_STR(rule, "alpaca_no_final_reply");
}

TEST(export_target_names)
{
    ts_export_target t;
    const char *names[] = {"trl", "llamafactory", "axolotl", "openai", "alpaca", "sharegpt"};
    for (int i = 0; i < 6; i++) {
        CHECK_INT(ts_export_target_parse(names[i], &t), 0);
        CHECK_STR(ts_export_target_name(t), names[i]);
    }
    CHECK_INT(ts_export_target_parse("TRL", &t), TS_EINVAL);
}

/* --- consumer rules ------------------------------------------------------ */

static bool str_member(const ts_json *o, const char *k) { return ts_json_is(ts_json_get(o, k), TS_JSON_STRING); }

static bool only_keys(const ts_json *o, const char *const *keys)
{
    if (!ts_json_is(o, TS_JSON_OBJECT))
        return false;
    for (uint32_t i = 0; i < o->len; i++) {
        bool ok = false;
        for (const char *const *k = keys; *k; k++)
            ok |= ts_json_str_eq(&o->u.items[2 * i], *k);
        if (!ok)
            return false;
    }
    return true;
}

/* OpenAI chat fine-tuning: {"messages"} of {role, content} only, roles
 * system/user/assistant, ends with an assistant turn; preference rows:
 * input.messages ending with a user turn and one assistant message a side. */
static const char *openai_rule(const ts_json *row)
{
    static const char *const msg_keys[] = {"role", "content", NULL};
    static const char *const sft_keys[] = {"messages", NULL};
    static const char *const pref_keys[] = {"input", "preferred_output", "non_preferred_output", NULL};
    const ts_json *msgs;
    bool pref = ts_json_get(row, "input") != NULL;
    if (!only_keys(row, pref ? pref_keys : sft_keys))
        return "top-level keys";
    msgs = pref ? ts_json_get(ts_json_get(row, "input"), "messages") : ts_json_get(row, "messages");
    if (!ts_json_is(msgs, TS_JSON_ARRAY) || !msgs->len)
        return "messages";
    for (uint32_t i = 0; i < msgs->len; i++) {
        const ts_json *m = &msgs->u.items[i];
        if (!only_keys(m, msg_keys) || !str_member(m, "content"))
            return "message keys";
        const ts_json *r = ts_json_get(m, "role");
        if (!ts_json_str_eq(r, "system") && !ts_json_str_eq(r, "user") && !ts_json_str_eq(r, "assistant"))
            return "role";
    }
    const ts_json *last = ts_json_get(&msgs->u.items[msgs->len - 1], "role");
    if (!ts_json_str_eq(last, pref ? "user" : "assistant"))
        return "last role";
    if (pref)
        for (int k = 0; k < 2; k++) {
            const ts_json *side = ts_json_get(row, k ? "non_preferred_output" : "preferred_output");
            if (!ts_json_is(side, TS_JSON_ARRAY) || side->len != 1 ||
                !ts_json_str_eq(ts_json_get(&side->u.items[0], "role"), "assistant"))
                return "output side";
        }
    return NULL;
}

/* LLaMA-Factory sharegpt: human/observation at odd positions, gpt at even
 * (1-based); SFT rows have an even count, pair prompts an odd one; pairs
 * have chosen/rejected {from: gpt, value}. */
static const char *sharegpt_rule(const ts_json *row, bool system_inline)
{
    const ts_json *c = ts_json_get(row, "conversations");
    if (!ts_json_is(c, TS_JSON_ARRAY))
        return "conversations";
    bool pref = ts_json_get(row, "chosen") != NULL;
    uint32_t k = 0;
    for (uint32_t i = 0; i < c->len; i++) {
        const ts_json *from = ts_json_get(&c->u.items[i], "from");
        if (!str_member(&c->u.items[i], "value"))
            return "value";
        if (i == 0 && system_inline && ts_json_str_eq(from, "system"))
            continue;
        bool asker = ts_json_str_eq(from, "human") || ts_json_str_eq(from, "observation");
        if (!asker && !ts_json_str_eq(from, "gpt"))
            return "from";
        if (asker != (k % 2 == 0))
            return "alternation";
        k++;
    }
    if ((k % 2 == 1) != pref)
        return "count";
    if (pref)
        for (int s = 0; s < 2; s++) {
            const ts_json *m = ts_json_get(row, s ? "rejected" : "chosen");
            if (!ts_json_str_eq(ts_json_get(m, "from"), "gpt") || !str_member(m, "value"))
                return "chosen/rejected";
        }
    return NULL;
}

/* Alpaca / LLaMA-Factory alpaca: instruction, input, output (or chosen and
 * rejected) strings; history a list of [prompt, response] string pairs. */
static const char *alpaca_rule(const ts_json *row, bool history_allowed)
{
    if (!str_member(row, "instruction") || !str_member(row, "input"))
        return "instruction/input";
    bool pref = ts_json_get(row, "chosen") != NULL;
    if (pref ? !str_member(row, "chosen") || !str_member(row, "rejected") : !str_member(row, "output"))
        return "output";
    const ts_json *h = ts_json_get(row, "history");
    if (h) {
        if (!history_allowed || !ts_json_is(h, TS_JSON_ARRAY))
            return "history";
        for (uint32_t i = 0; i < h->len; i++)
            if (!ts_json_is(&h->u.items[i], TS_JSON_ARRAY) || h->u.items[i].len != 2 ||
                !ts_json_is(&h->u.items[i].u.items[0], TS_JSON_STRING) ||
                !ts_json_is(&h->u.items[i].u.items[1], TS_JSON_STRING))
                return "history pair";
    }
    return NULL;
}

/* Every column a dataset_info.json entry names is a field of the row
 * (optional columns may be absent from a row, never misnamed). */
static const char *lf_entry_rule(const ts_json *row, ts_export_lf_format f, ts_rec_kind kind, ts_arena *a)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_export_lf_entry(&b, f, kind, "rows.jsonl");
    char *text = ts_arena_dup(a, b.data, b.len); /* the tree borrows its text */
    ts_json *e = text ? parse(a, text, b.len) : NULL;
    ts_buf_release(&b);
    if (!e)
        return "entry is not JSON";
    if (!ts_json_str_eq(ts_json_get(e, "formatting"), f == TS_EXPORT_LF_ALPACA ? "alpaca" : "sharegpt"))
        return "formatting";
    if ((kind == TS_REC_PREF) != (ts_json_get(e, "ranking") != NULL))
        return "ranking";
    const ts_json *cols = ts_json_get(e, "columns");
    static const char *const optional[] = {"system", "history", NULL};
    for (uint32_t i = 0; cols && i < cols->len; i++) {
        const ts_json *v = &cols->u.items[2 * i + 1];
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)v->len, v->u.s);
        bool opt = false;
        for (const char *const *o = optional; *o; o++)
            opt |= !strcmp(*o, name);
        if (!opt && !ts_json_get(row, name))
            return "a required column is not a row field";
    }
    for (uint32_t i = 0; i < row->len; i++) {
        const ts_json *k = &row->u.items[2 * i];
        bool named = ts_json_str_eq(k, "id"); /* extra columns are ignored by the loader */
        for (uint32_t j = 0; cols && j < cols->len; j++)
            named |= ts_json_equal(k, &cols->u.items[2 * j + 1]);
        if (!named)
            return "a row field no column names";
    }
    const ts_json *tags = ts_json_get(e, "tags");
    if (f == TS_EXPORT_LF_SHAREGPT && (!ts_json_str_eq(ts_json_get(tags, "role_tag"), "from") ||
                                      !ts_json_str_eq(ts_json_get(tags, "content_tag"), "value")))
        return "tags";
    return NULL;
}

static int check_file(const char *path, int *rows)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[8192];
    int bad = 0;
    ts_arena a;
    ts_arena_init(&a);
    while (fgets(line, sizeof line, f)) {
        ts_arena_reset(&a);
        ts_json *rec = parse(&a, line, strlen(line));
        if (!rec)
            continue;
        ts_rec_kind kind = ts_record_kind(rec);
        for (int t = TS_EXPORT_TRL; t <= TS_EXPORT_SHAREGPT; t++) {
            for (int variant = 0; variant < 2; variant++) {
                ts_export_opts o = {.target = (ts_export_target)t, .alpaca_history = variant,
                                    .lf_format = variant ? TS_EXPORT_LF_ALPACA : TS_EXPORT_LF_SHAREGPT};
                ts_json *row;
                const char *rule, *broken = NULL;
                char why[200];
                if (ts_export_row(&o, rec, &a, &row, &rule, why, sizeof why)) {
                    bad++;
                    continue;
                }
                if (!row) {
                    if (!rule)
                        broken = "dropped without a rule";
                } else {
                    (*rows)++;
                    switch (o.target) {
                    case TS_EXPORT_OPENAI: broken = openai_rule(row); break;
                    case TS_EXPORT_SHAREGPT: broken = sharegpt_rule(row, true); break;
                    case TS_EXPORT_ALPACA: broken = alpaca_rule(row, variant); break;
                    case TS_EXPORT_LLAMAFACTORY:
                        broken = variant ? alpaca_rule(row, true) : sharegpt_rule(row, false);
                        if (!broken && ts_json_get(row, "conversations") &&
                            ts_json_str_eq(ts_json_get(&ts_json_get(row, "conversations")->u.items[0], "from"), "system"))
                            broken = "system inline in a llamafactory row";
                        if (!broken)
                            broken = lf_entry_rule(row, o.lf_format, kind, &a);
                        break;
                    case TS_EXPORT_AXOLOTL:
                        if (!ts_json_is(ts_json_get(row, "messages"), TS_JSON_ARRAY))
                            broken = "axolotl field_messages";
                        break;
                    case TS_EXPORT_TRL:
                        broken = ts_record_validate(row, why, sizeof why) ? "trl row is not canonical" : NULL;
                        break;
                    }
                }
                if (broken) {
                    fprintf(stderr, "  %s target %s variant %d: %s\n", path, ts_export_target_name(o.target),
                            variant, broken);
                    bad++;
                }
            }
        }
    }
    ts_arena_release(&a);
    fclose(f);
    return bad;
}

TEST(export_consumer_rules_hold_for_every_fixture)
{
    int rows = 0;
    CHECK_INT(check_file(FIXTURE("export/sft.jsonl"), &rows), 0);
    CHECK_INT(check_file(FIXTURE("export/pref.jsonl"), &rows), 0);
    CHECK_INT(check_file(FIXTURE("export/long.jsonl"), &rows), 0);
    CHECK(rows > 60); /* the rules saw real rows, not only drops */
}

TEST(export_dataset_info_merge)
{
    ts_buf e, out;
    ts_buf_init(&e, 0);
    ts_buf_init(&out, 0);
    CHECK_INT(ts_export_lf_entry(&e, TS_EXPORT_LF_ALPACA, TS_REC_PREF, "d.json"), 0);
    const char *old = "{\"alpaca_en_demo\": {\"file_name\": \"alpaca_en_demo.json\"}, \"mine\": {\"file_name\": \"old\"}}";
    char why[200];
    CHECK_INT(ts_export_lf_merge(&out, old, strlen(old), "mine", e.data, e.len, why, sizeof why), 0);
    ts_arena a;
    ts_arena_init(&a);
    ts_json *doc = parse(&a, out.data, out.len);
    CHECK(doc != NULL);
    CHECK_INT(doc->len, 2); /* replaced, not appended; the other entry kept */
    CHECK(ts_json_str_eq(ts_json_get(ts_json_get(doc, "alpaca_en_demo"), "file_name"), "alpaca_en_demo.json"));
    const ts_json *m = ts_json_get(doc, "mine");
    CHECK(ts_json_str_eq(ts_json_get(m, "file_name"), "d.json"));
    CHECK(ts_json_get(m, "ranking") && ts_json_get(m, "ranking")->type == TS_JSON_TRUE);
    CHECK(ts_json_str_eq(ts_json_get(ts_json_get(m, "columns"), "chosen"), "chosen"));
    CHECK(strstr(out.data, "\n  \"mine\": {\n    \"file_name\": \"d.json\"") != NULL);
    out.len = 0;
    CHECK_INT(ts_export_lf_merge(&out, "[1]", 3, "x", e.data, e.len, why, sizeof why), TS_ESYNTAX);
    CHECK_INT(ts_export_lf_merge(&out, "{\"a\":", 5, "x", e.data, e.len, why, sizeof why), TS_ESYNTAX);
    out.len = 0;
    CHECK_INT(ts_export_lf_merge(&out, NULL, 0, "x", e.data, e.len, why, sizeof why), 0);
    ts_arena_reset(&a);
    doc = parse(&a, out.data, out.len);
    CHECK(doc && doc->len == 1 && ts_json_get(doc, "x"));
    ts_arena_release(&a);
    ts_buf_release(&e);
    ts_buf_release(&out);
}

TEST(export_axolotl_yaml)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_export_axolotl_yaml(&b, TS_REC_SFT, "/d/my \"rows\".jsonl", "messages"), 0);
    ts_buf_putc(&b, 0);
    CHECK(strstr(b.data, "datasets:\n  - path: \"/d/my \\\"rows\\\".jsonl\"\n    ds_type: json\n    type: chat_template\n"));
    CHECK(strstr(b.data, "    field_messages: messages\n"));
    CHECK(strstr(b.data, "    roles_to_train: [\"assistant\"]\n    train_on_eos: turn\n"));
    CHECK(!strstr(b.data, "rl: dpo"));
    b.len = 0;
    CHECK_INT(ts_export_axolotl_yaml(&b, TS_REC_PREF, "p.parquet", "conversations"), 0);
    ts_buf_putc(&b, 0);
    CHECK(strstr(b.data, "rl: dpo\n"));
    CHECK(strstr(b.data, "ds_type: parquet\n"));
    CHECK(strstr(b.data, "type: chat_template.default\n    field_messages: conversations\n"
                         "    field_chosen: chosen\n    field_rejected: rejected\n"));
    ts_buf_release(&b);
}
