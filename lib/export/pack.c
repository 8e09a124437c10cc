/* Rows of token ids, and packing examples into fixed-length rows. */
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

static void ids_array(ts_jb *b, const char *key, const uint32_t *v, size_t n)
{
    ts_jb_key(b, key);
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++)
        ts_jb_int(b, v[i]);
    ts_jb_end(b);
}

static void labels_array(ts_jb *b, const int32_t *v, size_t n)
{
    ts_jb_key(b, "labels");
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++)
        ts_jb_int(b, v[i]);
    ts_jb_end(b);
}

static void mask_array(ts_jb *b, size_t ones, size_t n)
{
    ts_jb_key(b, "attention_mask");
    ts_jb_array(b);
    for (size_t i = 0; i < n; i++)
        ts_jb_int(b, i < ones);
    ts_jb_end(b);
}

static int finish(ts_jb *b, ts_json **out)
{
    int rc = ts_jb_finish(b, out);
    ts_jb_release(b);
    return rc;
}

int ts_export_example_row(const ts_tok_example *ex, ts_arena *a, ts_json **out)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    ids_array(&b, "input_ids", ex->ids, ex->n);
    mask_array(&b, ex->n, ex->n);
    labels_array(&b, ex->labels, ex->n);
    ts_jb_end(&b);
    return finish(&b, out);
}

int ts_export_pair_row(const ts_tok_pair *p, ts_arena *a, ts_json **out)
{
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    ids_array(&b, "prompt_input_ids", p->prompt, p->np);
    ids_array(&b, "chosen_input_ids", p->chosen, p->nc);
    ids_array(&b, "rejected_input_ids", p->rejected, p->nr);
    ts_jb_end(&b);
    return finish(&b, out);
}

int ts_packer_init(ts_packer *p, size_t len, uint32_t pad_id)
{
    memset(p, 0, sizeof *p);
    p->len = len;
    p->pad_id = pad_id;
    p->ids = malloc(len * sizeof *p->ids);
    p->pos = malloc(len * sizeof *p->pos);
    p->labels = malloc(len * sizeof *p->labels);
    if (!len || !p->ids || !p->pos || !p->labels) {
        ts_packer_release(p);
        return len ? TS_ENOMEM : TS_EINVAL;
    }
    return 0;
}

void ts_packer_release(ts_packer *p)
{
    free(p->ids);
    free(p->pos);
    free(p->labels);
    memset(p, 0, sizeof *p);
}

bool ts_packer_fits(const ts_packer *p, size_t n) { return n <= p->len - p->used; }

void ts_packer_add(ts_packer *p, const ts_tok_example *ex)
{
    for (size_t i = 0; i < ex->n && p->used < p->len; i++, p->used++) {
        p->ids[p->used] = ex->ids[i];
        p->pos[p->used] = (uint32_t)i;
        /* The first token of an example is never predicted from the
         * previous example's last one. */
        p->labels[p->used] = i ? ex->labels[i] : -100;
    }
    p->examples++;
}

int ts_packer_row(ts_packer *p, ts_arena *a, ts_json **out)
{
    if (!p->used)
        return TS_EINVAL;
    size_t used = p->used;
    for (size_t i = used, k = 0; i < p->len; i++, k++) {
        p->ids[i] = p->pad_id;
        p->labels[i] = -100;
        p->pos[i] = (uint32_t)k; /* pads count as a sequence of their own */
    }
    ts_jb b;
    ts_jb_init(&b, a);
    ts_jb_object(&b);
    ids_array(&b, "input_ids", p->ids, p->len);
    mask_array(&b, used, p->len);
    labels_array(&b, p->labels, p->len);
    ids_array(&b, "position_ids", p->pos, p->len);
    ts_jb_end(&b);
    p->used = 0;
    p->examples = 0;
    return finish(&b, out);
}
