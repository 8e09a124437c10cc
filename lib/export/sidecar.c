/* The files a trainer reads beside the rows: LLaMA-Factory's
 * dataset_info.json entry and axolotl's `datasets:` YAML snippet. */
#include <stdio.h>
#include <string.h>

#include "export_int.h"

static int puts_(ts_buf *b, const char *s) { return ts_buf_append(b, s, strlen(s)); }

int ts_export_lf_entry(ts_buf *out, ts_export_lf_format f, ts_rec_kind kind, const char *file_name)
{
    bool pref = kind == TS_REC_PREF;
    int rc = puts_(out, "{\"file_name\":");
    rc = rc ? rc : ts_json_write_string(out, file_name, strlen(file_name));
    if (f == TS_EXPORT_LF_SHAREGPT) {
        /* Rows carry "system" as a column and LLaMA-Factory's own role
         * names, spelled out so the entry does not lean on defaults. */
        rc = rc ? rc : puts_(out, ",\"formatting\":\"sharegpt\"");
        rc = rc ? rc : puts_(out, pref ? ",\"ranking\":true" : "");
        rc = rc ? rc : puts_(out, ",\"columns\":{\"messages\":\"conversations\",\"system\":\"system\"");
        rc = rc ? rc : puts_(out, pref ? ",\"chosen\":\"chosen\",\"rejected\":\"rejected\"}" : "}");
        rc = rc ? rc : puts_(out, ",\"tags\":{\"role_tag\":\"from\",\"content_tag\":\"value\",\"user_tag\":\"human\","
                                  "\"assistant_tag\":\"gpt\",\"observation_tag\":\"observation\","
                                  "\"system_tag\":\"system\"}}");
    } else {
        rc = rc ? rc : puts_(out, ",\"formatting\":\"alpaca\"");
        rc = rc ? rc : puts_(out, pref ? ",\"ranking\":true" : "");
        rc = rc ? rc : puts_(out, ",\"columns\":{\"prompt\":\"instruction\",\"query\":\"input\",");
        rc = rc ? rc : puts_(out, pref ? "\"chosen\":\"chosen\",\"rejected\":\"rejected\"," : "\"response\":\"output\",");
        rc = rc ? rc : puts_(out, "\"system\":\"system\",\"history\":\"history\"}}");
    }
    return rc;
}

/* Two-space indented JSON, as dataset_info.json files are kept by hand. */
static int pretty(ts_buf *b, const ts_json *v, int depth)
{
    static const char spaces[] = "                                                                ";
    int ind = (depth + 1) * 2 > 64 ? 64 : (depth + 1) * 2;
    int rc = 0;
    if (v->type != TS_JSON_OBJECT && v->type != TS_JSON_ARRAY)
        return ts_json_write(b, v);
    bool obj = v->type == TS_JSON_OBJECT;
    size_t n = v->len; /* members or items */
    if (!n)
        return puts_(b, obj ? "{}" : "[]");
    rc = ts_buf_putc(b, obj ? '{' : '[');
    for (size_t i = 0; i < n && !rc; i++) {
        rc = puts_(b, i ? ",\n" : "\n");
        rc = rc ? rc : ts_buf_append(b, spaces, (size_t)ind);
        if (obj) {
            rc = rc ? rc : ts_json_write(b, &v->u.items[2 * i]);
            rc = rc ? rc : puts_(b, ": ");
            rc = rc ? rc : pretty(b, &v->u.items[2 * i + 1], depth + 1);
        } else {
            rc = rc ? rc : pretty(b, &v->u.items[i], depth + 1);
        }
    }
    rc = rc ? rc : ts_buf_putc(b, '\n');
    rc = rc ? rc : ts_buf_append(b, spaces, (size_t)(ind - 2));
    return rc ? rc : ts_buf_putc(b, obj ? '}' : ']');
}

int ts_export_lf_merge(ts_buf *out, const char *existing, size_t n, const char *name, const char *entry,
                       size_t entry_len, char *why, size_t cap)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_err e = TS_ERR_INIT;
    ts_json *doc = NULL, *val = NULL;
    int rc = 0;
    size_t k = 0;
    while (existing && k < n && (existing[k] == ' ' || existing[k] == '\n' || existing[k] == '\t' || existing[k] == '\r'))
        k++;
    if (existing && k < n) {
        rc = ts_json_parse(existing, n, &a, NULL, &doc, &e);
        if (!rc && doc->type != TS_JSON_OBJECT)
            rc = ts_err_set(&e, TS_ESYNTAX, "the file is not a JSON object");
        if (rc) {
            if (why && cap)
                snprintf(why, cap, "byte %llu: %s", (unsigned long long)(e.byte == UINT64_MAX ? 0 : e.byte),
                         e.msg[0] ? e.msg : ts_strerror(rc));
            ts_arena_release(&a);
            return TS_ESYNTAX;
        }
    } else {
        doc = ts_arena_alloc(&a, sizeof *doc);
        if (!doc) {
            ts_arena_release(&a);
            return TS_ENOMEM;
        }
        memset(doc, 0, sizeof *doc);
        doc->type = TS_JSON_OBJECT;
    }
    rc = ts_json_parse(entry, entry_len, &a, NULL, &val, &e);
    if (!rc)
        rc = ts_json_set(&a, doc, name, val);
    if (!rc)
        rc = pretty(out, doc, 0);
    if (!rc)
        rc = ts_buf_putc(out, '\n');
    ts_arena_release(&a);
    return rc;
}

/* A YAML double-quoted scalar: only '"' and '\\' need escaping for paths. */
static int yaml_str(ts_buf *b, const char *s)
{
    int rc = ts_buf_putc(b, '"');
    for (; *s && !rc; s++) {
        if (*s == '"' || *s == '\\')
            rc = ts_buf_putc(b, '\\');
        rc = rc ? rc : ts_buf_putc(b, *s);
    }
    return rc ? rc : ts_buf_putc(b, '"');
}

int ts_export_axolotl_yaml(ts_buf *out, ts_rec_kind kind, const char *path, const char *field)
{
    size_t n = strlen(path);
    bool parquet = n > 8 && !strcmp(path + n - 8, ".parquet");
    if (!field || !*field)
        field = "messages";
    int rc = puts_(out, "# axolotl dataset entry written by `tuneset export axolotl` (docs/export.md).\n"
                        "# Merge into your config; the model's chat template renders the rows.\n");
    if (kind == TS_REC_PREF)
        rc = rc ? rc : puts_(out, "rl: dpo\n");
    rc = rc ? rc : puts_(out, "datasets:\n  - path: ");
    rc = rc ? rc : yaml_str(out, path);
    rc = rc ? rc : puts_(out, parquet ? "\n    ds_type: parquet\n" : "\n    ds_type: json\n");
    if (kind == TS_REC_PREF) {
        rc = rc ? rc : puts_(out, "    split: train\n    type: chat_template.default\n");
        rc = rc ? rc : ts_buf_printf(out, "    field_messages: %s\n", field);
        rc = rc ? rc : puts_(out, "    field_chosen: chosen\n    field_rejected: rejected\n"
                                  "    message_property_mappings:\n      role: role\n      content: content\n"
                                  "    roles:\n      system: [\"system\"]\n      user: [\"user\"]\n"
                                  "      assistant: [\"assistant\"]\n");
    } else {
        rc = rc ? rc : puts_(out, "    type: chat_template\n");
        rc = rc ? rc : ts_buf_printf(out, "    field_messages: %s\n", field);
        /* Loss on every assistant turn and on its end-of-turn token: the
         * choice that keeps the model able to stop. */
        rc = rc ? rc : puts_(out, "    message_property_mappings:\n      role: role\n      content: content\n"
                                  "    roles_to_train: [\"assistant\"]\n    train_on_eos: turn\n");
    }
    return rc;
}
