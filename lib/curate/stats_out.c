/* Rendering collected statistics as JSON or readable text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuneset/curate_stats.h"
#include "tuneset/error.h"

/* Integral values print as integers; the rest with 6 significant digits. */
static void num(char *b, size_t cap, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(b, cap, "%.0f", v);
    else
        snprintf(b, cap, "%.6g", v);
}

static int puts_(ts_buf *b, const char *s) { return ts_buf_append(b, s, strlen(s)); }

static int putf(ts_buf *b, const char *fmt, double v)
{
    char n[64], t[128];
    num(n, sizeof n, v);
    snprintf(t, sizeof t, fmt, n);
    return puts_(b, t);
}

static int json_dist(ts_buf *b, const char *name, ts_cstats_vec *v)
{
    ts_cstats_dist d;
    ts_cstats_summarize(v, &d);
    int rc = ts_buf_putc(b, '"') | puts_(b, name) | puts_(b, "\":{") | putf(b, "\"count\":%s", (double)d.count);
    if (d.count)
        rc |= putf(b, ",\"min\":%s", d.min) | putf(b, ",\"mean\":%s", d.mean) | putf(b, ",\"p50\":%s", d.p50) |
              putf(b, ",\"p90\":%s", d.p90) | putf(b, ",\"p99\":%s", d.p99) | putf(b, ",\"max\":%s", d.max);
    return rc | ts_buf_putc(b, '}');
}

static int json_map(ts_buf *b, const char *name, const ts_cstats_map *m)
{
    const ts_cstats_count **v = ts_cstats_sorted(m);
    if (m->count && !v)
        return TS_ENOMEM;
    int rc = ts_buf_putc(b, '"') | puts_(b, name) | puts_(b, "\":{");
    for (size_t i = 0; i < m->count; i++) {
        if (i)
            rc |= ts_buf_putc(b, ',');
        rc |= ts_json_write_string(b, v[i]->key, v[i]->klen) | putf(b, ":%s", (double)v[i]->n);
    }
    free(v);
    return rc | ts_buf_putc(b, '}');
}

int ts_cstats_to_json(ts_cstats *s, ts_buf *out)
{
    int rc = putf(out, "{\"records\":%s,\"kinds\":{", (double)s->records);
    int first = 1;
    for (int k = 0; k <= TS_REC_TEXT; k++) {
        if (!s->kind[k])
            continue;
        rc |= puts_(out, first ? "\"" : ",\"") | puts_(out, ts_rec_kind_name((ts_rec_kind)k)) |
              putf(out, "\":%s", (double)s->kind[k]);
        first = 0;
    }
    rc |= puts_(out, "},") | json_map(out, "sources", &s->source) | ts_buf_putc(out, ',');
    rc |= json_dist(out, "turns", &s->turns) | ts_buf_putc(out, ',');
    rc |= json_dist(out, "chars_per_record", &s->rec_chars) | ts_buf_putc(out, ',');
    rc |= json_dist(out, "chars_per_turn", &s->turn_chars) | ts_buf_putc(out, ',');
    if (s->tok)
        rc |= json_dist(out, "tokens_per_record", &s->rec_tokens) | ts_buf_putc(out, ',') |
              json_dist(out, "tokens_per_turn", &s->turn_tokens) | ts_buf_putc(out, ',');
    rc |= json_map(out, "languages", &s->lang) | ts_buf_putc(out, ',');
    rc |= json_map(out, "categories", &s->category) | ts_buf_putc(out, ',');
    rc |= json_dist(out, "score_gap", &s->gap);
    rc |= putf(out, ",\"duplicates\":{\"exact\":%s", (double)s->duplicates);
    rc |= putf(out, ",\"unique_texts\":%s}}", (double)s->seen_n);
    return rc ? TS_ENOMEM : 0;
}

enum { TOP = 15 };

static int text_map(ts_buf *b, const char *title, const ts_cstats_map *m, uint64_t total)
{
    const ts_cstats_count **v = ts_cstats_sorted(m);
    if (m->count && !v)
        return TS_ENOMEM;
    char line[256];
    snprintf(line, sizeof line, "%s (%zu distinct)\n", title, m->count);
    int rc = puts_(b, line);
    for (size_t i = 0; i < m->count && i < TOP; i++) {
        int klen = v[i]->klen > 40 ? 40 : (int)v[i]->klen;
        snprintf(line, sizeof line, "  %-40.*s %10llu  %5.1f%%\n", klen, v[i]->key, (unsigned long long)v[i]->n,
                 total ? 100.0 * (double)v[i]->n / (double)total : 0.0);
        rc |= puts_(b, line);
    }
    if (m->count > TOP) {
        snprintf(line, sizeof line, "  ... %zu more\n", m->count - TOP);
        rc |= puts_(b, line);
    }
    free(v);
    return rc;
}

static int text_dist(ts_buf *b, const char *title, ts_cstats_vec *v)
{
    ts_cstats_dist d;
    ts_cstats_summarize(v, &d);
    char line[64];
    snprintf(line, sizeof line, "%-28s", title);
    int rc = puts_(b, line) | putf(b, "n %s", (double)d.count);
    if (d.count)
        rc |= putf(b, "  min %s", d.min) | putf(b, "  mean %s", d.mean) | putf(b, "  p50 %s", d.p50) |
              putf(b, "  p90 %s", d.p90) | putf(b, "  p99 %s", d.p99) | putf(b, "  max %s", d.max);
    return rc | ts_buf_putc(b, '\n');
}

int ts_cstats_to_text(ts_cstats *s, ts_buf *out)
{
    int rc = putf(out, "records %s:", (double)s->records);
    for (int k = 0; k <= TS_REC_TEXT; k++)
        if (s->kind[k])
            rc |= puts_(out, " ") | puts_(out, ts_rec_kind_name((ts_rec_kind)k)) |
                  putf(out, " %s", (double)s->kind[k]);
    rc |= puts_(out, "\n\n") | text_map(out, "sources", &s->source, s->records) | ts_buf_putc(out, '\n');
    rc |= text_dist(out, "turns per record", &s->turns);
    rc |= text_dist(out, "characters per record", &s->rec_chars);
    rc |= text_dist(out, "characters per turn", &s->turn_chars);
    if (s->tok)
        rc |= text_dist(out, "tokens per record", &s->rec_tokens) | text_dist(out, "tokens per turn", &s->turn_tokens);
    rc |= text_dist(out, "score gap (chosen-rejected)", &s->gap) | ts_buf_putc(out, '\n');
    rc |= text_map(out, "languages (meta.lang)", &s->lang, s->records) | ts_buf_putc(out, '\n');
    rc |= text_map(out, "categories (meta.category)", &s->category, s->records) | ts_buf_putc(out, '\n');
    rc |= putf(out, "duplicates: %s exact (same text hash)", (double)s->duplicates);
    rc |= putf(out, ", %s unique texts\n", (double)s->seen_n);
    return rc ? TS_ENOMEM : 0;
}
