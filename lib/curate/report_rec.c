/* Report samples: one record as a collapsible, escaped <details> element. */
#include <string.h>

#include "report_int.h"
#include "tuneset/error.h"
#include "tuneset/record.h"

int ts_report_escape(ts_buf *out, const char *s, size_t n)
{
    int rc = ts_buf_reserve(out, n);
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': rc = ts_buf_append(out, "&amp;", 5); break;
        case '<': rc = ts_buf_append(out, "&lt;", 4); break;
        case '>': rc = ts_buf_append(out, "&gt;", 4); break;
        case '"': rc = ts_buf_append(out, "&quot;", 6); break;
        case '\'': rc = ts_buf_append(out, "&#39;", 5); break;
        default:
            /* Other control characters are invalid in HTML text; show them as U+FFFD. */
            if (c < 0x20 && c != '\n' && c != '\t')
                rc = ts_buf_append(out, "\xEF\xBF\xBD", 3);
            else
                rc = ts_buf_putc(out, (char)c);
        }
    }
    return rc;
}

static int esc_json_str(ts_buf *o, const ts_json *v)
{
    return ts_json_is(v, TS_JSON_STRING) ? ts_report_escape(o, v->u.s, v->len) : 0;
}

/* Shows at most TS_REPORT_MAX_CONTENT bytes, cut on a character boundary. */
static int content(ts_buf *o, const ts_json *v)
{
    if (!ts_json_is(v, TS_JSON_STRING))
        return rep_printf(o, "<pre class=\"none\">(no text)</pre>");
    size_t n = v->len;
    if (n > TS_REPORT_MAX_CONTENT) {
        n = TS_REPORT_MAX_CONTENT;
        while (n && ((unsigned char)v->u.s[n] & 0xC0) == 0x80)
            n--;
    }
    int rc = rep_printf(o, "<pre>");
    if (!rc)
        rc = ts_report_escape(o, v->u.s, n);
    if (!rc && n < v->len)
        rc = rep_printf(o, "<span class=\"cut\">\xE2\x80\xA6 (%zu more bytes)</span>", (size_t)v->len - n);
    return rc ? rc : rep_printf(o, "</pre>");
}

static int messages(ts_buf *o, const ts_json *arr)
{
    int rc = 0;
    if (!ts_json_is(arr, TS_JSON_ARRAY))
        return 0;
    for (uint32_t i = 0; i < arr->len && !rc; i++) {
        const ts_json *m = &arr->u.items[i], *role = ts_json_get(m, "role");
        /* The role becomes a CSS class only when it is a plain word. */
        const char *cls = "other";
        static const char *const known[] = {"system", "user", "assistant", "tool"};
        for (size_t k = 0; k < 4; k++)
            if (ts_json_str_eq(role, known[k]))
                cls = known[k];
        rc = rep_printf(o, "<div class=\"msg %s\"><div class=\"role\">", cls);
        if (!rc)
            rc = esc_json_str(o, role);
        if (!rc)
            rc = rep_printf(o, "</div>");
        if (!rc)
            rc = content(o, ts_json_get(m, "content"));
        if (!rc)
            rc = rep_printf(o, "</div>");
    }
    return rc;
}

static int section(ts_buf *o, const char *name, const ts_json *rec, const char *score_key)
{
    int rc = rep_printf(o, "<h4>%s", name);
    const ts_json *sc = score_key ? ts_json_get(rec, score_key) : NULL;
    if (!rc && ts_json_is(sc, TS_JSON_NUMBER)) {
        rc = rep_printf(o, " <span class=\"score\">score ");
        if (!rc)
            rc = ts_report_escape(o, sc->u.s, sc->len);
        if (!rc)
            rc = rep_printf(o, "</span>");
    }
    if (!rc)
        rc = rep_printf(o, "</h4>");
    return rc ? rc : messages(o, ts_json_get(rec, name));
}

int rep_record(ts_buf *o, const ts_json *rec, uint64_t index)
{
    ts_rec_kind k = ts_record_kind(rec);
    int rc = rep_printf(o, "<details class=\"rec\"><summary><span class=\"idx\">#%llu</span> <code>",
                        (unsigned long long)index);
    if (!rc)
        rc = esc_json_str(o, ts_json_get(rec, "id"));
    if (!rc)
        rc = rep_printf(o, "</code> <span class=\"kind\">%s</span></summary>\n", ts_rec_kind_name(k));
    if (rc)
        return rc;
    if (k == TS_REC_SFT) {
        rc = messages(o, ts_json_get(rec, "messages"));
    } else if (k == TS_REC_PREF || k == TS_REC_PROMPT) {
        rc = section(o, "prompt", rec, NULL);
        if (!rc && k == TS_REC_PREF)
            rc = section(o, "chosen", rec, "score_chosen");
        if (!rc && k == TS_REC_PREF)
            rc = section(o, "rejected", rec, "score_rejected");
    } else if (k == TS_REC_TEXT) {
        rc = content(o, ts_json_get(rec, "text"));
    }
    const ts_json *meta = ts_json_get(rec, "meta");
    if (!rc && ts_json_is(meta, TS_JSON_OBJECT) && meta->len) {
        ts_buf j;
        ts_buf_init(&j, 0);
        rc = ts_json_write(&j, meta);
        if (!rc)
            rc = rep_printf(o, "<h4>meta</h4><pre class=\"meta\">");
        if (!rc)
            rc = ts_report_escape(o, j.data, j.len);
        if (!rc)
            rc = rep_printf(o, "</pre>");
        ts_buf_release(&j);
    }
    return rc ? rc : rep_printf(o, "</details>\n");
}
