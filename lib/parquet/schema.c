/* The schema tree: Parquet stores the schema as a depth-first list where
 * each group says how many children follow. Here it becomes nodes with
 * children, maximum definition/repetition levels, and how each group is
 * assembled (struct, LIST in its three-level and legacy two-level forms,
 * MAP), following the spec's backward-compatibility rules. */
#include <stdio.h>
#include <string.h>

#include "meta.h"

typedef struct {
    const pq_filemeta *m;
    ts_arena *a;
    pq_schema *s;
    uint32_t next; /* next schema element to read */
    ts_err *err;
} builder;

static bool name_is(const pq_str *n, const char *s)
{
    return n->n == strlen(s) && !memcmp(n->p, s, n->n);
}

/* LIST: exactly one repeated child. The element is that child's only
 * child, except in the legacy forms where the repeated node itself is
 * the element (a primitive, several fields, or the names "array" and
 * "<list>_tuple"). */
static void classify_list(pq_schema *s, pq_node *n)
{
    if (n->nchildren != 1)
        return;
    uint32_t ri = n->children[0];
    pq_node *r = &s->nodes[ri];
    if (r->el->repetition != PQ_REPEATED)
        return;
    n->kind = PQ_K_LIST;
    n->repeated = (int)ri;
    n->element = (int)ri;
    if (r->kind == PQ_K_LEAF || r->nchildren != 1 || name_is(&r->el->name, "array"))
        return;
    const pq_str *ln = &n->el->name, *rn = &r->el->name;
    if (rn->n == ln->n + 6 && !memcmp(rn->p, ln->p, ln->n) && !memcmp(rn->p + ln->n, "_tuple", 6))
        return;
    n->element = (int)r->children[0];
}

/* MAP: one repeated group of key and (optional) value. */
static void classify_map(pq_schema *s, pq_node *n)
{
    if (n->nchildren != 1)
        return;
    uint32_t ri = n->children[0];
    pq_node *r = &s->nodes[ri];
    if (r->el->repetition != PQ_REPEATED || r->kind == PQ_K_LEAF || r->nchildren < 1 || r->nchildren > 2)
        return;
    n->kind = PQ_K_MAP;
    n->repeated = (int)ri;
    n->element = (int)ri;
}

static int build(builder *b, int parent, int depth, uint32_t *out)
{
    const pq_filemeta *m = b->m;
    pq_schema *s = b->s;
    if (b->next >= m->nschema)
        return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: fewer elements than the groups announce");
    if (depth > PQ_MAX_LEVEL)
        return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: nested deeper than %d levels", PQ_MAX_LEVEL);
    uint32_t idx = b->next++;
    const pq_schema_el *e = &m->schema[idx];
    pq_node *n = &s->nodes[idx];
    *out = idx;
    n->el = e;
    n->parent = parent;
    n->leaf = -1;
    n->repeated = n->element = -1;
    if (parent >= 0) {
        const pq_node *p = &s->nodes[parent];
        n->def = (uint8_t)(p->def + (e->repetition != PQ_REQUIRED));
        n->rep = (uint8_t)(p->rep + (e->repetition == PQ_REPEATED));
    }
    if (e->num_children < 0 || (uint32_t)e->num_children > m->nschema - b->next)
        return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: element %u has %d children", idx,
                          e->num_children);
    bool plain;
    if (!pq_utf8_check((const uint8_t *)e->name.p, e->name.n, &plain))
        return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: element %u's name is not UTF-8", idx);
    n->first_leaf = s->nleaves;
    if (e->num_children == 0) {
        if (e->type < 0)
            return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: group '%.*s' has no fields",
                              (int)e->name.n, e->name.p);
        if (parent < 0)
            return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: the root is not a group");
        if (e->type == PQ_FLBA && e->type_length <= 0)
            return ts_err_set(b->err, TS_ESCHEMA, "corrupt schema: '%.*s' has a fixed length of %d",
                              (int)e->name.n, e->name.p, e->type_length);
        n->kind = PQ_K_LEAF;
        n->leaf = (int)s->nleaves;
        s->leaves[s->nleaves++] = idx;
        n->nleaves = 1;
        return 0;
    }
    n->kind = PQ_K_STRUCT;
    n->nchildren = (uint32_t)e->num_children;
    n->children = ts_arena_alloc(b->a, n->nchildren * sizeof *n->children);
    if (!n->children)
        return ts_err_set(b->err, TS_ENOMEM, "out of memory");
    for (uint32_t i = 0; i < n->nchildren; i++) {
        int rc = build(b, (int)idx, depth + 1, &n->children[i]);
        if (rc)
            return rc;
    }
    n->nleaves = s->nleaves - n->first_leaf;
    if (e->logical == PQ_LT_LIST || e->converted == PQ_CT_LIST)
        classify_list(s, n);
    else if (e->logical == PQ_LT_MAP || e->converted == PQ_CT_MAP || e->converted == PQ_CT_MAP_KEY_VALUE)
        classify_map(s, n);
    return 0;
}

int pq_schema_build(const pq_filemeta *m, ts_arena *a, pq_schema *s, ts_err *err)
{
    memset(s, 0, sizeof *s);
    s->nnodes = m->nschema;
    s->nodes = ts_arena_alloc(a, m->nschema * sizeof *s->nodes);
    s->leaves = ts_arena_alloc(a, m->nschema * sizeof *s->leaves);
    if (!s->nodes || !s->leaves)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    memset(s->nodes, 0, m->nschema * sizeof *s->nodes);
    builder b = {m, a, s, 0, err};
    uint32_t root;
    int rc = build(&b, -1, 0, &root);
    if (rc)
        return rc;
    if (b.next != m->nschema)
        return ts_err_set(err, TS_ESCHEMA, "corrupt schema: %u elements outside the tree",
                          m->nschema - b.next);
    if (s->nodes[0].kind == PQ_K_LEAF)
        return ts_err_set(err, TS_ESCHEMA, "corrupt schema: the root is not a group");
    for (uint32_t g = 0; g < m->nrgs; g++)
        if (m->rgs[g].ncols != s->nleaves)
            return ts_err_set(err, TS_ESCHEMA, "corrupt metadata: row group %u has %u columns, the schema %u",
                              g, m->rgs[g].ncols, s->nleaves);
    return 0;
}

void pq_schema_path(const pq_schema *s, uint32_t node, char *out, size_t cap)
{
    uint32_t chain[PQ_MAX_LEVEL + 2];
    int n = 0;
    for (int i = (int)node; i > 0 && n < PQ_MAX_LEVEL + 2; i = s->nodes[i].parent)
        chain[n++] = (uint32_t)i;
    size_t len = 0;
    out[0] = 0;
    while (n-- > 0 && len + 1 < cap) {
        const pq_str *nm = &s->nodes[chain[n]].el->name;
        int w = snprintf(out + len, cap - len, "%s%.*s", len ? "." : "", (int)nm->n, nm->p);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}
