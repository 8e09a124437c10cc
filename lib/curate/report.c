/* The HTML report: see include/tuneset/curate_report.h. */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "tuneset/error.h"

void ts_report_init(ts_report *r, size_t sample_n, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    ts_cstats_init(&r->st);
    ts_buf_init(&r->scratch, 0);
    r->sample_n = sample_n;
    r->rng = seed;
}

/* splitmix64: small, seedable and the same on every platform. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int keep(ts_report *r, ts_report_sample *slot, const ts_json *rec, uint64_t index)
{
    r->scratch.len = 0;
    int rc = rep_record(&r->scratch, rec, index);
    char *h = rc ? NULL : malloc(r->scratch.len + 1);
    if (!h)
        return TS_ENOMEM;
    memcpy(h, r->scratch.data, r->scratch.len);
    h[r->scratch.len] = 0;
    free(slot->html);
    slot->html = h;
    slot->index = index;
    return 0;
}

int ts_report_add(ts_report *r, const ts_json *rec)
{
    uint64_t index = r->st.records;
    int rc = ts_cstats_add(&r->st, rec);
    if (rc || !r->sample_n)
        return rc;
    if (!r->first) {
        r->first = calloc(r->sample_n, sizeof *r->first);
        r->random = calloc(r->sample_n, sizeof *r->random);
        if (!r->first || !r->random)
            return TS_ENOMEM;
    }
    if (r->first_n < r->sample_n)
        return keep(r, &r->first[r->first_n++], rec, index);
    /* Reservoir sampling over the records after the first sample_n. */
    uint64_t m = index - r->sample_n;
    if (m < r->sample_n)
        return keep(r, &r->random[r->random_n++], rec, index);
    uint64_t j = next(&r->rng) % (m + 1);
    return j < r->sample_n ? keep(r, &r->random[j], rec, index) : 0;
}

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1140px;color:#1d2430;background:#fff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde2ea}"
    "table.sum{border-collapse:collapse}table.sum td,table.sum th{padding:2px 10px;text-align:right;"
    "border-bottom:1px solid #eef0f4}table.sum th:first-child{text-align:left}"
    ".charts{display:flex;flex-wrap:wrap;gap:12px}figure.chart{margin:0;padding:8px;border:1px solid #dde2ea;"
    "border-radius:6px;width:540px}figcaption{font-weight:600;margin-bottom:4px}"
    "rect.bar{fill:#3b73c4}rect.bar:hover{fill:#e07b24}.ax{font-size:10px;fill:#55606f}.lb{font-size:11px;"
    "fill:#1d2430}line.axis{stroke:#9aa4b2}p.empty{color:#55606f;font-style:italic}"
    "details.rec{border:1px solid #dde2ea;border-radius:6px;margin:4px 0;padding:4px 10px}"
    "summary{cursor:pointer}.idx{color:#55606f}.kind{font-size:11px;background:#eef0f4;padding:0 6px;"
    "border-radius:8px}.msg{margin:6px 0;padding:4px 8px;border-left:3px solid #9aa4b2}"
    ".msg.user{border-color:#3b73c4}.msg.assistant{border-color:#2f9e5a}.msg.system{border-color:#e07b24}"
    ".role{font-size:11px;font-weight:600;text-transform:uppercase;color:#55606f}"
    "pre{white-space:pre-wrap;word-break:break-word;margin:2px 0;font:13px/1.4 ui-monospace,monospace}"
    ".cut{color:#b04040}h4{margin:8px 0 2px;font-size:13px}.score{font-weight:400;color:#55606f}";

static int dist_row(ts_buf *o, const char *name, ts_cstats_vec *v)
{
    ts_cstats_dist d;
    ts_cstats_summarize(v, &d);
    return rep_printf(o, "<tr><th>%s</th><td>%llu</td><td>%.4g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td>"
                         "<td>%.4g</td><td>%.4g</td></tr>\n",
                      name, (unsigned long long)d.count, d.min, d.mean, d.p50, d.p90, d.p99, d.max);
}

#define MAX_BARS 24

static int hist(ts_buf *o, const char *title, const char *xlabel, size_t nb, const rep_bar *b)
{
    if (!nb) {
        int rc = rep_printf(o, "<figure class=\"chart\"><figcaption>%s</figcaption><p class=\"empty\">", title);
        return rc ? rc : rep_printf(o, "no data</p></figure>\n");
    }
    return rep_svg_vbars(o, title, xlabel, b, nb);
}

static int cats(ts_buf *o, const char *title, const ts_cstats_map *m)
{
    rep_bar b[MAX_BARS];
    size_t n = rep_bins_map(m, b, 16);
    return n ? rep_svg_hbars(o, title, b, n) : hist(o, title, "", 0, b);
}

static int charts(ts_report *r, ts_buf *o)
{
    rep_bar b[MAX_BARS];
    ts_cstats *s = &r->st;
    int rc = rep_printf(o, "<h2>Charts</h2><div class=\"charts\">\n");
    if (!rc)
        rc = hist(o, "Characters per record", "characters (Unicode code points)", rep_bins_125(&s->rec_chars, b, 20), b);
    if (!rc)
        rc = hist(o, "Characters per turn", "characters", rep_bins_125(&s->turn_chars, b, 20), b);
    if (!rc)
        rc = hist(o, "Turns per record", "messages (preference: prompt + chosen)", rep_bins_int(&s->turns, b, 16), b);
    if (!rc)
        rc = hist(o, "Preference score gap", "score_chosen - score_rejected", rep_bins_linear(&s->gap, b, 20), b);
    if (!rc)
        rc = cats(o, "Sources", &s->source);
    if (!rc)
        rc = cats(o, "Languages (meta.lang)", &s->lang);
    if (!rc)
        rc = cats(o, "Categories (meta.category)", &s->category);
    return rc ? rc : rep_printf(o, "</div>\n");
}

static int cmp_sample(const void *a, const void *b)
{
    uint64_t x = ((const ts_report_sample *)a)->index, y = ((const ts_report_sample *)b)->index;
    return (x > y) - (x < y);
}

static int samples(ts_report *r, ts_buf *o)
{
    int rc = rep_printf(o, "<h2>Sample: the first %zu records</h2>\n", r->first_n);
    for (size_t i = 0; i < r->first_n && !rc; i++)
        rc = ts_buf_append(o, r->first[i].html, strlen(r->first[i].html));
    if (rc || !r->random_n)
        return rc;
    qsort(r->random, r->random_n, sizeof *r->random, cmp_sample);
    rc = rep_printf(o, "<h2>Sample: %zu records at random from the rest</h2>\n", r->random_n);
    for (size_t i = 0; i < r->random_n && !rc; i++)
        rc = ts_buf_append(o, r->random[i].html, strlen(r->random[i].html));
    return rc;
}

int ts_report_html(ts_report *r, const char *title, ts_buf *out)
{
    ts_cstats *s = &r->st;
    int rc = rep_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    if (!rc)
        rc = ts_report_escape(out, title, strlen(title));
    if (!rc)
        rc = rep_printf(out, "</title><style>%s</style></head><body>\n<h1>", css);
    if (!rc)
        rc = ts_report_escape(out, title, strlen(title));
    if (!rc)
        rc = rep_printf(out, "</h1><p>%llu records: %llu SFT, %llu preference, %llu prompt-only, %llu text, "
                             "%llu unknown; %llu exact duplicate texts.</p>\n",
                        (unsigned long long)s->records, (unsigned long long)s->kind[TS_REC_SFT],
                        (unsigned long long)s->kind[TS_REC_PREF], (unsigned long long)s->kind[TS_REC_PROMPT],
                        (unsigned long long)s->kind[TS_REC_TEXT], (unsigned long long)s->kind[TS_REC_UNKNOWN],
                        (unsigned long long)s->duplicates);
    if (!rc)
        rc = rep_printf(out, "<table class=\"sum\"><tr><th></th><th>count</th><th>min</th><th>mean</th><th>p50</th>"
                             "<th>p90</th><th>p99</th><th>max</th></tr>\n");
    if (!rc)
        rc = dist_row(out, "characters per record", &s->rec_chars);
    if (!rc)
        rc = dist_row(out, "characters per turn", &s->turn_chars);
    if (!rc)
        rc = dist_row(out, "turns per record", &s->turns);
    if (!rc)
        rc = dist_row(out, "score gap", &s->gap);
    if (!rc)
        rc = rep_printf(out, "</table>\n");
    if (!rc)
        rc = charts(r, out);
    if (!rc)
        rc = samples(r, out);
    return rc ? rc : rep_printf(out, "</body></html>\n");
}

void ts_report_release(ts_report *r)
{
    for (size_t i = 0; i < r->first_n; i++)
        free(r->first[i].html);
    for (size_t i = 0; i < r->random_n; i++)
        free(r->random[i].html);
    free(r->first);
    free(r->random);
    ts_cstats_release(&r->st);
    ts_buf_release(&r->scratch);
    memset(r, 0, sizeof *r);
}
