/* Report charts: binning distributions and drawing them as inline SVG. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "tuneset/error.h"

int rep_printf(ts_buf *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || ts_buf_reserve(o, (size_t)n + 1))
        return TS_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(o->data + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
    return 0;
}

/* 1500 -> "1.5k": axis labels must stay short. */
static void short_num(char *dst, size_t cap, double x)
{
    double a = fabs(x);
    if (a >= 1e6)
        snprintf(dst, cap, "%.3gM", x / 1e6);
    else if (a >= 1e3)
        snprintf(dst, cap, "%.3gk", x / 1e3);
    else
        snprintf(dst, cap, "%.3g", x);
}

/* Edges 0, 10, 20, 50, 100, 200, 500, ...: lengths span several orders of
 * magnitude, so equal-width bins would put nearly everything in one. */
size_t rep_bins_125(const ts_cstats_vec *v, rep_bar *b, size_t max)
{
    if (!v->n || max < 2)
        return 0;
    double hi = 0;
    for (size_t i = 0; i < v->n; i++)
        hi = v->v[i] > hi ? v->v[i] : hi;
    double edge[64];
    size_t ne = 0;
    edge[ne++] = 0;
    static const double step[] = {1, 2, 5};
    for (double p = 10; ne < 63; p *= 10)
        for (int k = 0; k < 3 && ne < 63; k++)
            edge[ne++] = p * step[k];
    size_t n = 1;
    while (n < ne - 1 && n < max && edge[n] <= hi)
        n++;
    memset(b, 0, n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        char lo[24], up[24];
        short_num(lo, sizeof lo, edge[i]);
        short_num(up, sizeof up, edge[i + 1]);
        if (i + 1 < n)
            snprintf(b[i].label, sizeof b[i].label, "%s-%s", lo, up);
        else
            snprintf(b[i].label, sizeof b[i].label, "%s+", lo);
    }
    for (size_t i = 0; i < v->n; i++) {
        size_t j = 0;
        while (j + 1 < n && v->v[i] >= edge[j + 1])
            j++;
        b[j].n++;
    }
    return n;
}

/* One bin per integer from the smallest value; the last bin takes the rest. */
size_t rep_bins_int(const ts_cstats_vec *v, rep_bar *b, size_t max)
{
    if (!v->n || max < 2)
        return 0;
    double lo = v->v[0], hi = v->v[0];
    for (size_t i = 1; i < v->n; i++) {
        lo = v->v[i] < lo ? v->v[i] : lo;
        hi = v->v[i] > hi ? v->v[i] : hi;
    }
    size_t n = (size_t)(hi - lo) + 1;
    int open = n > max;
    if (open)
        n = max;
    memset(b, 0, n * sizeof *b);
    for (size_t i = 0; i < n; i++)
        snprintf(b[i].label, sizeof b[i].label, "%.0f%s", lo + (double)i, open && i + 1 == n ? "+" : "");
    for (size_t i = 0; i < v->n; i++) {
        size_t j = (size_t)(v->v[i] - lo);
        b[j < n ? j : n - 1].n++;
    }
    return n;
}

size_t rep_bins_linear(const ts_cstats_vec *v, rep_bar *b, size_t max)
{
    if (!v->n || !max)
        return 0;
    double lo = v->v[0], hi = v->v[0];
    for (size_t i = 1; i < v->n; i++) {
        lo = v->v[i] < lo ? v->v[i] : lo;
        hi = v->v[i] > hi ? v->v[i] : hi;
    }
    size_t n = hi > lo ? max : 1;
    double w = hi > lo ? (hi - lo) / (double)n : 1;
    memset(b, 0, n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        char a[24], z[24];
        short_num(a, sizeof a, lo + w * (double)i);
        short_num(z, sizeof z, lo + w * (double)(i + 1));
        if (n == 1)
            snprintf(b[i].label, sizeof b[i].label, "%s", a);
        else
            snprintf(b[i].label, sizeof b[i].label, "%s..%s", a, z);
    }
    for (size_t i = 0; i < v->n; i++) {
        size_t j = (size_t)((v->v[i] - lo) / w);
        b[j < n ? j : n - 1].n++;
    }
    return n;
}

/* Copies at most cap-1 bytes without splitting a UTF-8 sequence. */
static void copy_label(char *dst, size_t cap, const char *s, size_t n)
{
    if (n > cap - 1) {
        n = cap - 1;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = 0;
}

size_t rep_bins_map(const ts_cstats_map *m, rep_bar *b, size_t max)
{
    const ts_cstats_count **v = ts_cstats_sorted(m);
    if (!v || max < 2) {
        free(v);
        return 0;
    }
    size_t n = m->count <= max ? m->count : max - 1;
    for (size_t i = 0; i < n; i++) {
        copy_label(b[i].label, sizeof b[i].label, v[i]->key, v[i]->klen);
        b[i].n = v[i]->n;
    }
    if (n < m->count) {
        uint64_t rest = 0;
        for (size_t i = n; i < m->count; i++)
            rest += v[i]->n;
        snprintf(b[n].label, sizeof b[n].label, "(%zu others)", m->count - n);
        b[n++].n = rest;
    }
    free(v);
    return n;
}

static uint64_t top(const rep_bar *b, size_t n)
{
    uint64_t t = 1;
    for (size_t i = 0; i < n; i++)
        t = b[i].n > t ? b[i].n : t;
    return t;
}

static int bar(ts_buf *o, double x, double y, double w, double h, const rep_bar *b)
{
    int rc = rep_printf(o, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", x, y,
                        w, h);
    if (!rc)
        rc = ts_report_escape(o, b->label, strlen(b->label));
    return rc ? rc : rep_printf(o, ": %llu</title></rect>", (unsigned long long)b->n);
}

static int text(ts_buf *o, double x, double y, const char *attrs, const char *s)
{
    int rc = rep_printf(o, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    if (!rc)
        rc = ts_report_escape(o, s, strlen(s));
    return rc ? rc : rep_printf(o, "</text>");
}

static int head(ts_buf *o, const char *title, int w, int h)
{
    int rc = rep_printf(o, "<figure class=\"chart\"><figcaption>");
    if (!rc)
        rc = ts_report_escape(o, title, strlen(title));
    return rc ? rc
              : rep_printf(o, "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                              "viewBox=\"0 0 %d %d\" role=\"img\">", w, h, w, h);
}

#define W 540
#define PLOT_H 170

int rep_svg_vbars(ts_buf *o, const char *title, const char *xlabel, const rep_bar *b, size_t n)
{
    const double left = 48, top_y = 10, pw = W - left - 8;
    int rc = head(o, title, W, PLOT_H + 84);
    uint64_t t = top(b, n);
    double bw = n ? pw / (double)n : pw;
    char s[32];
    snprintf(s, sizeof s, "%llu", (unsigned long long)t);
    if (!rc)
        rc = text(o, left - 4, top_y + 8, "class=\"ax\" text-anchor=\"end\"", s);
    if (!rc)
        rc = text(o, left - 4, top_y + PLOT_H, "class=\"ax\" text-anchor=\"end\"", "0");
    if (!rc)
        rc = rep_printf(o, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", left,
                        top_y + PLOT_H, left + pw, top_y + PLOT_H);
    for (size_t i = 0; i < n && !rc; i++) {
        /* Non-empty bins get at least one pixel so that rare values stay visible. */
        double h = b[i].n ? fmax(1.0, PLOT_H * (double)b[i].n / (double)t) : 0;
        double x = left + bw * (double)i;
        rc = bar(o, x + 1, top_y + PLOT_H - h, fmax(bw - 2, 1), h, &b[i]);
        /* Label every bin when few, else every k-th so labels do not overlap. */
        size_t k = n > 12 ? (n + 11) / 12 : 1;
        if (!rc && i % k == 0) {
            char attrs[128];
            snprintf(attrs, sizeof attrs, "class=\"ax\" text-anchor=\"end\" transform=\"rotate(-40 %.1f %.1f)\"",
                     x + bw / 2, top_y + PLOT_H + 12);
            rc = text(o, x + bw / 2, top_y + PLOT_H + 12, attrs, b[i].label);
        }
    }
    if (!rc)
        rc = text(o, left + pw / 2, PLOT_H + 80, "class=\"ax\" text-anchor=\"middle\"", xlabel);
    return rc ? rc : rep_printf(o, "</svg></figure>\n");
}

int rep_svg_hbars(ts_buf *o, const char *title, const rep_bar *b, size_t n)
{
    const double left = 150, row = 20, pw = W - left - 70;
    int rc = head(o, title, W, (int)(row * (double)n) + 8);
    uint64_t t = top(b, n);
    for (size_t i = 0; i < n && !rc; i++) {
        double y = 4 + row * (double)i;
        double w = b[i].n ? fmax(1.0, pw * (double)b[i].n / (double)t) : 0;
        rc = text(o, left - 6, y + 14, "class=\"lb\" text-anchor=\"end\"", b[i].label);
        if (!rc)
            rc = bar(o, left, y + 2, w, row - 4, &b[i]);
        char s[32];
        snprintf(s, sizeof s, "%llu", (unsigned long long)b[i].n);
        if (!rc)
            rc = text(o, left + w + 4, y + 14, "class=\"ax\"", s);
    }
    return rc ? rc : rep_printf(o, "</svg></figure>\n");
}
