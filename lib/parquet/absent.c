/* The writer's "tuneset.absent_fields" (parquet_write.h): struct fields
 * that some records lacked and none held null. Parquet has no "absent",
 * only null, so the writer names them and the reader leaves such a field
 * out where it is null: records come back as they were written. Paths
 * run from the record down, as the writer spells them: "a.b" for struct
 * members, "[]" for a list's elements, ".*" for a map's values. A value
 * that is not a JSON array of strings is ignored, as other readers do. */
#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "tuneset/json.h"

enum { MAX_PATH = 1 << 20 };

typedef struct {
    const pq_schema *s;
    const pq_str *paths; /* sorted */
    size_t npaths;
    bool *omit;
    bool any;
} walker;

static int cmp_str(const void *x, const void *y)
{
    const pq_str *a = x, *b = y;
    int c = memcmp(a->p, b->p, a->n < b->n ? a->n : b->n);
    return c ? c : (a->n > b->n) - (a->n < b->n);
}

static bool listed(const walker *w, const ts_buf *path)
{
    pq_str key = {path->data, (uint32_t)path->len};
    return bsearch(&key, w->paths, w->npaths, sizeof key, cmp_str) != NULL;
}

/* Marks the fields below node ni, whose values are at path. A path over
 * the cap stops the descent: those fields just keep their nulls. */
static void walk(walker *w, uint32_t ni, ts_buf *path)
{
    const pq_node *n = &w->s->nodes[ni];
    size_t mark = path->len;
    if (n->kind == PQ_K_LIST) {
        if (!ts_buf_append(path, "[]", 2))
            walk(w, (uint32_t)n->element, path);
    } else if (n->kind == PQ_K_MAP) {
        const pq_node *kv = &w->s->nodes[n->repeated];
        if (kv->nchildren > 1 && !ts_buf_append(path, ".*", 2))
            walk(w, kv->children[1], path);
    } else if (n->kind == PQ_K_STRUCT) {
        for (uint32_t i = 0; i < n->nchildren; i++) {
            uint32_t ci = n->children[i];
            const pq_node *c = &w->s->nodes[ci];
            path->len = mark;
            if ((n->parent >= 0 && ts_buf_putc(path, '.')) || ts_buf_append(path, c->el->name.p, c->el->name.n))
                continue;
            if (c->el->repetition == PQ_REPEATED) { /* a bare repeated field reads as a list */
                if (!ts_buf_append(path, "[]", 2))
                    walk(w, ci, path);
                continue;
            }
            if (listed(w, path))
                w->omit[ci] = w->any = true;
            walk(w, ci, path);
        }
    }
    path->len = mark;
}

static const pq_kv *find_kv(const pq_filemeta *m)
{
    static const char key[] = "tuneset.absent_fields";
    for (uint32_t i = 0; i < m->nkvs; i++)
        if (m->kvs[i].has_value && m->kvs[i].key.n == sizeof key - 1 && !memcmp(m->kvs[i].key.p, key, sizeof key - 1))
            return &m->kvs[i];
    return NULL;
}

int pq_absent_mark(const pq_filemeta *m, const pq_schema *s, ts_arena *a, bool **omit)
{
    *omit = NULL;
    const pq_kv *kv = find_kv(m);
    if (!kv)
        return 0;
    ts_arena tmp;
    ts_arena_init(&tmp);
    ts_json *list;
    walker w = {.s = s};
    ts_buf path;
    ts_buf_init(&path, MAX_PATH);
    int rc = 0;
    if (ts_json_parse(kv->value.p, kv->value.n, &tmp, NULL, &list, NULL) || list->type != TS_JSON_ARRAY ||
        list->len == 0)
        goto done;
    pq_str *paths = ts_arena_alloc(&tmp, list->len * sizeof *paths);
    w.omit = ts_arena_alloc(a, s->nnodes * sizeof *w.omit);
    if (!paths || !w.omit) {
        rc = TS_ENOMEM;
        goto done;
    }
    memset(w.omit, 0, s->nnodes * sizeof *w.omit);
    for (uint32_t i = 0; i < list->len; i++) {
        const ts_json *p = &list->u.items[i];
        if (p->type == TS_JSON_STRING)
            paths[w.npaths++] = (pq_str){p->u.s, p->len};
    }
    qsort(paths, w.npaths, sizeof *paths, cmp_str);
    w.paths = paths;
    walk(&w, 0, &path);
    if (w.any)
        *omit = w.omit;
done:
    ts_buf_release(&path);
    ts_arena_release(&tmp);
    return rc;
}
