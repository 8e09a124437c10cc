/* The pages of one column chunk: a PLAIN dictionary page when a string
 * column repeats enough for it to pay, then data pages v1 (RLE levels;
 * PLAIN values or RLE_DICTIONARY indices), each compressed on its own. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/hash.h"
#include "write_col.h"

enum { PAGE_DATA = 0, PAGE_DICT = 2 };
enum { ENC_PLAIN = 0, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };

typedef struct pages {
    const pqw_col *c;
    const pqw_colopts *o;
    pqw_sink *sink;
    pqw_chunk *ck;
    ts_err *err;
    ts_buf body, comp, hdr, tmp;
    uint32_t *lv; /* levels or indices widened for the RLE encoder */
    size_t caplv;
    uint32_t *idx; /* dictionary index of each value */
    pqw_val *dict;
    size_t ndict;
} pages;

/* --- dictionary ------------------------------------------------------------- */

/* Fills idx/dict when a dictionary pays: its page plus the packed indices
 * under 80% of the PLAIN values. Otherwise leaves ndict 0. */
static int dict_build(pages *g)
{
    const pqw_col *c = g->c;
    if (c->vtype != PQW_STRING || c->nv == 0)
        return 0;
    size_t cap = 64;
    while (cap < 2 * c->nv && cap < ((size_t)1 << 26))
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot);
    g->idx = malloc(c->nv * sizeof *g->idx);
    g->dict = malloc(c->nv * sizeof *g->dict);
    if (!slot || !g->idx || !g->dict) {
        free(slot);
        return TS_ENOMEM;
    }
    size_t dict_bytes = 0, plain_bytes = 0, nd = 0;
    bool ok = true;
    for (size_t i = 0; i < c->nv && ok; i++) {
        const pqw_val *v = &c->val[i];
        plain_bytes += 4 + v->s.n;
        size_t h = (size_t)ts_hash64(v->s.p, v->s.n, 0x7175) & (cap - 1);
        for (;; h = (h + 1) & (cap - 1)) {
            uint32_t e = slot[h];
            if (e == 0) {
                if (nd + 1 >= cap / 2 || dict_bytes + 4 + v->s.n > PQW_DICT_MAX) {
                    ok = false; /* too many or too big: PLAIN */
                    break;
                }
                g->dict[nd] = *v;
                slot[h] = (uint32_t)++nd;
                dict_bytes += 4 + v->s.n;
                g->idx[i] = (uint32_t)(nd - 1);
                break;
            }
            const pqw_val *d = &g->dict[e - 1];
            if (d->s.n == v->s.n && (v->s.n == 0 || memcmp(d->s.p, v->s.p, v->s.n) == 0)) {
                g->idx[i] = e - 1;
                break;
            }
        }
    }
    free(slot);
    int bw = pqw_bit_width(nd ? nd - 1 : 0);
    if (ok && dict_bytes + c->nv * (size_t)(bw ? bw : 1) / 8 < plain_bytes / 10 * 8)
        g->ndict = nd;
    return 0;
}

/* --- encoding ------------------------------------------------------------------ */

static int put_u32(ts_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return ts_buf_append(b, x, 4);
}

static int plain(ts_buf *b, int vtype, const pqw_val *v, size_t n)
{
    int rc = 0;
    if (vtype == PQW_BOOL) {
        for (size_t i = 0; i < n && !rc; i += 8) {
            uint8_t byte = 0;
            for (size_t k = 0; k < 8 && i + k < n; k++)
                byte |= (uint8_t)((v[i + k].i & 1) << k);
            rc = ts_buf_putc(b, (char)byte);
        }
        return rc;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        if (vtype == PQW_STRING) {
            if (v[i].s.n > UINT32_MAX)
                return TS_ETOOBIG;
            rc = put_u32(b, (uint32_t)v[i].s.n);
            rc = rc ? rc : ts_buf_append(b, v[i].s.p, v[i].s.n);
            continue;
        }
        uint64_t u;
        memcpy(&u, vtype == PQW_DOUBLE ? (const void *)&v[i].d : (const void *)&v[i].i, 8);
        uint8_t x[8];
        for (int k = 0; k < 8; k++)
            x[k] = (uint8_t)(u >> (8 * k));
        rc = ts_buf_append(b, x, 8);
    }
    return rc;
}

/* Levels [from, to) as a length-prefixed RLE run (data page v1). */
static int levels(pages *g, const uint16_t *lev, size_t from, size_t to, int max)
{
    size_t n = to - from;
    if (n > g->caplv) {
        uint32_t *p = realloc(g->lv, n * sizeof *p);
        if (!p)
            return TS_ENOMEM;
        g->lv = p;
        g->caplv = n;
    }
    for (size_t i = 0; i < n; i++)
        g->lv[i] = lev[from + i];
    g->tmp.len = 0;
    int rc = pqw_rle_encode(&g->tmp, g->lv, n, pqw_bit_width((uint64_t)max));
    if (!rc && g->tmp.len > UINT32_MAX)
        rc = TS_ETOOBIG;
    rc = rc ? rc : put_u32(&g->body, (uint32_t)g->tmp.len);
    return rc ? rc : ts_buf_append(&g->body, g->tmp.data, g->tmp.len);
}

/* Compresses g->body and writes it behind its page header. */
static int emit_page(pages *g, int type, size_t nvals, int enc)
{
    int rc = pqw_compress(g->o->codec, g->o->level, g->body.data, g->body.len, &g->comp);
    if (rc)
        return ts_err_set(g->err, rc, "page compression failed: %s", ts_strerror(rc));
    if (nvals > INT32_MAX)
        return ts_err_set(g->err, TS_ETOOBIG, "more than 2^31 values in a page");
    pqw_tenc t;
    g->hdr.len = 0;
    pqw_t_init(&t, &g->hdr);
    pqw_t_i32(&t, 1, type);
    pqw_t_i32(&t, 2, (int32_t)g->body.len);
    pqw_t_i32(&t, 3, (int32_t)g->comp.len);
    pqw_t_struct(&t, type == PAGE_DATA ? 5 : 7);
    pqw_t_i32(&t, 1, (int32_t)nvals);
    pqw_t_i32(&t, 2, enc);
    if (type == PAGE_DATA) {
        pqw_t_i32(&t, 3, ENC_RLE);
        pqw_t_i32(&t, 4, ENC_RLE);
    }
    pqw_t_end(&t);
    pqw_t_end(&t);
    if (t.err)
        return t.err;
    if ((rc = g->sink->write(g->sink->ctx, g->hdr.data, g->hdr.len, g->err)) ||
        (rc = g->sink->write(g->sink->ctx, g->comp.data, g->comp.len, g->err)))
        return rc;
    g->sink->offset += (int64_t)(g->hdr.len + g->comp.len);
    g->ck->uncompressed += (int64_t)(g->hdr.len + g->body.len);
    g->ck->compressed += (int64_t)(g->hdr.len + g->comp.len);
    return 0;
}

static int data_page(pages *g, size_t from, size_t to, size_t vfrom, size_t vto)
{
    const pqw_col *c = g->c;
    int rc = 0;
    g->body.len = 0;
    if (c->max_rep > 0)
        rc = levels(g, c->rep, from, to, c->max_rep);
    if (!rc && c->max_def > 0)
        rc = levels(g, c->def, from, to, c->max_def);
    if (rc)
        return rc;
    if (g->ndict) {
        int bw = pqw_bit_width(g->ndict - 1);
        bw = bw ? bw : 1;
        rc = ts_buf_putc(&g->body, (char)bw);
        rc = rc ? rc : pqw_rle_encode(&g->body, g->idx + vfrom, vto - vfrom, bw);
    } else {
        rc = plain(&g->body, c->vtype, c->val + vfrom, vto - vfrom);
    }
    return rc ? rc : emit_page(g, PAGE_DATA, to - from, g->ndict ? ENC_RLE_DICTIONARY : ENC_PLAIN);
}

int pqw_pages_write(const pqw_col *c, const pqw_colopts *o, pqw_sink *sink, pqw_chunk *ck, ts_err *err)
{
    pages g;
    memset(&g, 0, sizeof g);
    g.c = c;
    g.o = o;
    g.sink = sink;
    g.ck = ck;
    g.err = err;
    ts_buf_init(&g.body, 0);
    ts_buf_init(&g.comp, 0);
    ts_buf_init(&g.hdr, 0);
    ts_buf_init(&g.tmp, 0);
    int rc = dict_build(&g);
    if (!rc && g.ndict) {
        ck->dict = true;
        ck->dict_page_offset = sink->offset;
        rc = plain(&g.body, PQW_STRING, g.dict, g.ndict);
        rc = rc ? rc : emit_page(&g, PAGE_DICT, g.ndict, ENC_PLAIN);
    }
    ck->data_page_offset = sink->offset;
    size_t i = 0, vi = 0;
    while (!rc && i < c->n) {
        size_t j = i, vj = vi, bytes = 0;
        do { /* a page ends only where a record starts (rep 0) */
            if (c->def[j] == c->max_def) {
                bytes += c->vtype == PQW_STRING ? 4 + c->val[vj].s.n : c->vtype == PQW_BOOL ? 1 : 8;
                vj++;
            } else {
                bytes++;
            }
            j++;
        } while (j < c->n && (bytes < o->page_bytes || c->rep[j] != 0));
        rc = data_page(&g, i, j, vi, vj);
        i = j;
        vi = vj;
    }
    ck->num_values = (int64_t)c->n;
    free(g.lv);
    free(g.idx);
    free(g.dict);
    ts_buf_release(&g.body);
    ts_buf_release(&g.comp);
    ts_buf_release(&g.hdr);
    ts_buf_release(&g.tmp);
    return rc;
}
