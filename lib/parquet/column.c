/* One column chunk: read its bytes with pread, walk its pages (an optional
 * dictionary page, then data pages v1/v2), decompress, and decode levels
 * and values into flat arrays. Every size from the file is checked
 * against the chunk, the file and the row group's memory budget before it
 * is used, so a hostile header fails with a reason instead of allocating
 * or reading past the data. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "column.h"

uint8_t *pq_scratch_alloc(pq_scratch *s, size_t n)
{
    if (n > s->budget->cap - s->budget->used)
        return NULL;
    s->budget->used += n;
    return ts_arena_alloc(s->arena, n);
}

typedef struct {
    const pq_chunk_in *in;
    pq_colbuf *out;
    size_t cap; /* entries the metadata announces */
    int max_def, max_rep;
    const pq_val *dict;
    size_t ndict;
    const char *why;
    int code;
    ts_err hdr_err; /* a page header's own reason */
} reader;

static int bad(reader *r, int code, const char *why)
{
    r->code = code;
    r->why = why;
    return code;
}

static int budget_fail(reader *r)
{
    return bad(r, TS_ETOOBIG, "row group larger than the memory cap (raise max_row_group_bytes)");
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Deprecated BIT_PACKED levels: packed from the most significant bit. */
static int bit_packed_levels(reader *r, const uint8_t **pp, const uint8_t *end, int bw, uint8_t *out, size_t n)
{
    uint64_t bytes = ((uint64_t)n * (uint64_t)bw + 7) / 8;
    if (bytes > (uint64_t)(end - *pp))
        return bad(r, TS_ESCHEMA, "levels run past the page");
    const uint8_t *p = *pp;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = 0;
        for (int b = 0; b < bw; b++) {
            uint64_t bit = (uint64_t)i * (uint64_t)bw + (uint64_t)b;
            v = v << 1 | ((p[bit / 8] >> (7 - bit % 8)) & 1);
        }
        out[i] = (uint8_t)v;
    }
    *pp += bytes;
    return 0;
}

/* Levels of one page into out[0..n); v1 pages prefix RLE levels with
 * their length, v2 pages give it in the header (len). */
static int read_levels(reader *r, const uint8_t **pp, const uint8_t *end, int enc, int64_t len, int max,
                       uint8_t *out, size_t n)
{
    int bw = pq_bit_width((uint32_t)max);
    if (enc == PQ_BIT_PACKED && len < 0) {
        if (bit_packed_levels(r, pp, end, bw, out, n))
            return r->code;
    } else {
        if (enc != PQ_RLE)
            return bad(r, TS_ENOTSUP, "unsupported level encoding");
        if (len < 0) {
            if (end - *pp < 4)
                return bad(r, TS_ESCHEMA, "levels run past the page");
            len = rd32(*pp);
            *pp += 4;
        }
        if (len > end - *pp)
            return bad(r, TS_ESCHEMA, "levels run past the page");
        pq_rle d;
        pq_rle_init(&d, *pp, (size_t)len, bw);
        uint32_t tmp[512];
        for (size_t i = 0; i < n;) {
            size_t k = n - i < 512 ? n - i : 512;
            if (pq_rle_get(&d, tmp, k))
                return bad(r, TS_ESCHEMA, "levels run past the page");
            for (size_t j = 0; j < k; j++)
                out[i + j] = (uint8_t)tmp[j];
            i += k;
        }
        *pp += len;
    }
    for (size_t i = 0; i < n; i++)
        if (out[i] > max)
            return bad(r, TS_ESCHEMA, "level above the schema's maximum");
    return 0;
}

/* The page body after decompression (when compressed). */
static int body(reader *r, const pq_pagehdr *h, const uint8_t *src, size_t n, size_t raw_n, const uint8_t **out)
{
    int codec = r->in->cc->meta.codec;
    if (codec == PQ_UNCOMPRESSED || (h->type == PQ_DATA_PAGE_V2 && !h->is_compressed)) {
        if (raw_n != n)
            return bad(r, TS_ESCHEMA, "uncompressed page whose two sizes differ");
        *out = src;
        return 0;
    }
    uint8_t *dst = pq_scratch_alloc(r->in->scratch, raw_n);
    if (!dst)
        return budget_fail(r);
    int rc = pq_decompress(r->in->codec, codec, src, n, dst, raw_n, &r->why);
    if (rc)
        return r->code = rc;
    *out = dst;
    return 0;
}

static int dict_page(reader *r, const pq_pagehdr *h, const uint8_t *page)
{
    if (r->dict || r->out->n)
        return bad(r, TS_ESCHEMA, "dictionary page after the first page");
    if (h->encoding != PQ_PLAIN && h->encoding != PQ_PLAIN_DICTIONARY)
        return bad(r, TS_ENOTSUP, "dictionary page not PLAIN-encoded");
    const uint8_t *p;
    if (body(r, h, page, (size_t)h->compressed_size, (size_t)h->uncompressed_size, &p))
        return r->code;
    size_t n = (size_t)h->num_values;
    pq_val *d = (pq_val *)pq_scratch_alloc(r->in->scratch, (n ? n : 1) * sizeof *d);
    if (!d)
        return budget_fail(r);
    const pq_node *leaf = r->in->leaf;
    if (pq_decode_values(PQ_PLAIN, leaf->el->type, leaf->el->type_length, p, (size_t)h->uncompressed_size, d, n,
                         NULL, 0, r->in->scratch, &r->why))
        return r->code = TS_ESCHEMA;
    r->dict = d;
    r->ndict = n;
    return 0;
}

static int data_page(reader *r, const pq_pagehdr *h, const uint8_t *page)
{
    pq_colbuf *o = r->out;
    size_t n = (size_t)h->num_values;
    if (n > r->cap - o->n)
        return bad(r, TS_ESCHEMA, "pages hold more values than the column metadata says");
    const uint8_t *p, *end;
    size_t csize = (size_t)h->compressed_size, usize = (size_t)h->uncompressed_size;
    if (h->type == PQ_DATA_PAGE_V2) {
        size_t lv = (size_t)h->rep_len + (size_t)h->def_len;
        if (lv > csize || lv > usize)
            return bad(r, TS_ESCHEMA, "level lengths larger than the page");
        const uint8_t *vals;
        if (body(r, h, page + lv, csize - lv, usize - lv, &vals))
            return r->code;
        const uint8_t *lp = page;
        if ((r->max_rep && read_levels(r, &lp, page + lv, PQ_RLE, h->rep_len, r->max_rep, o->rep + o->n, n)) ||
            (r->max_def && read_levels(r, &lp, page + lv, PQ_RLE, h->def_len, r->max_def, o->def + o->n, n)))
            return r->code;
        p = vals;
        end = vals + (usize - lv);
    } else {
        if (body(r, h, page, csize, usize, &p))
            return r->code;
        end = p + usize;
        if ((r->max_rep && read_levels(r, &p, end, h->rep_encoding, -1, r->max_rep, o->rep + o->n, n)) ||
            (r->max_def && read_levels(r, &p, end, h->def_encoding, -1, r->max_def, o->def + o->n, n)))
            return r->code;
    }
    size_t present = n;
    if (r->max_def) {
        present = 0;
        for (size_t i = 0; i < n; i++)
            present += o->def[o->n + i] == r->max_def;
    }
    if (r->max_rep) {
        for (size_t i = 0; i < n; i++)
            o->rows += o->rep[o->n + i] == 0;
    } else {
        o->rows += n;
    }
    const pq_node *leaf = r->in->leaf;
    if (pq_decode_values(h->encoding, leaf->el->type, leaf->el->type_length, p, (size_t)(end - p),
                         o->vals + o->nvals, present, r->dict, r->ndict, r->in->scratch, &r->why))
        return r->code = TS_ESCHEMA;
    o->n += n;
    o->nvals += present;
    return 0;
}

static int read_chunk(reader *r, const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    while (r->out->n < r->cap) {
        if (pos >= len)
            return bad(r, TS_ESCHEMA, "column chunk ends before all its values");
        pq_pagehdr h;
        size_t used;
        int rc = pq_page_header(buf + pos, len - pos, &h, &used, &r->hdr_err);
        if (rc) {
            r->code = rc;
            r->why = r->hdr_err.msg;
            return rc;
        }
        pos += used;
        if ((size_t)h.compressed_size > len - pos)
            return bad(r, TS_ESCHEMA, "page larger than its column chunk");
        const uint8_t *page = buf + pos;
        pos += (size_t)h.compressed_size;
        if (h.type == PQ_DICTIONARY_PAGE)
            rc = dict_page(r, &h, page);
        else if (h.type == PQ_DATA_PAGE || h.type == PQ_DATA_PAGE_V2)
            rc = data_page(r, &h, page);
        if (rc)
            return rc; /* other page types (index pages) are skipped */
    }
    return 0;
}

int pq_column_read(const pq_chunk_in *in, pq_colbuf *out, ts_err *err)
{
    const pq_colmeta *m = &in->cc->meta;
    reader r = {.in = in, .out = out, .max_def = in->leaf->def, .max_rep = in->leaf->rep,
                .hdr_err = TS_ERR_INIT};
    memset(out, 0, sizeof *out);
    if (!in->cc->has_meta)
        return ts_err_set(err, TS_ESCHEMA, "column chunk without metadata");
    if (in->cc->file_path.n)
        return ts_err_set(err, TS_ENOTSUP, "column data in another file ('%.*s')", (int)in->cc->file_path.n,
                          in->cc->file_path.p);
    if (m->type != in->leaf->el->type)
        return ts_err_set(err, TS_ESCHEMA, "column type differs from the schema's");
    int64_t start = m->data_page_offset;
    if (m->dict_page_offset > 0 && m->dict_page_offset < start)
        start = m->dict_page_offset;
    if (start < 4 || m->total_compressed < 0 || (uint64_t)start > in->data_end ||
        (uint64_t)m->total_compressed > in->data_end - (uint64_t)start)
        return ts_err_set(err, TS_ESCHEMA, "column chunk at bytes %lld..+%lld lies outside the data",
                          (long long)start, (long long)m->total_compressed);
    if (m->num_values < 0)
        return ts_err_set(err, TS_ESCHEMA, "negative value count");
    size_t per = sizeof(pq_val) + (r.max_def > 0) + (r.max_rep > 0);
    pq_budget *b = in->scratch->budget;
    if ((uint64_t)m->num_values > (b->cap - b->used) / per ||
        (uint64_t)m->total_compressed > b->cap - b->used - (uint64_t)m->num_values * per)
        return ts_err_set(err, TS_ETOOBIG, "row group larger than the memory cap (raise max_row_group_bytes)");
    r.cap = (size_t)m->num_values;
    size_t len = (size_t)m->total_compressed;
    uint8_t *buf = pq_scratch_alloc(in->scratch, len);
    out->vals = (pq_val *)pq_scratch_alloc(in->scratch, (r.cap ? r.cap : 1) * sizeof(pq_val));
    if (r.max_def)
        out->def = pq_scratch_alloc(in->scratch, r.cap ? r.cap : 1);
    if (r.max_rep)
        out->rep = pq_scratch_alloc(in->scratch, r.cap ? r.cap : 1);
    if (!buf || !out->vals || (r.max_def && !out->def) || (r.max_rep && !out->rep))
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    for (size_t got = 0; got < len;) {
        ssize_t k = pread(in->fd, buf + got, len - got, (off_t)((uint64_t)start + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ts_err_set(err, k ? TS_EIO : TS_ETRUNC, "cannot read column chunk: %s",
                              k ? strerror(errno) : "file shorter than its metadata");
        got += (size_t)k;
    }
    if (read_chunk(&r, buf, len))
        return ts_err_set(err, r.code, "%s", r.why ? r.why : ts_strerror(r.code));
    return 0;
}
