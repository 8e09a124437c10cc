/* Record assembly: rebuild nested values from the leaves' repetition and
 * definition levels. The walk follows the schema; each node reads its
 * state from the first leaf below it (all leaves below a node agree on
 * levels down to that node), and every node instance consumes at least
 * one entry from each of its leaves, so the walk always advances. A node
 * is null or an empty list when that leaf's definition level stops above
 * it; a list goes on while the next repetition level is the list's own.
 * Levels that disagree between leaves are caught at the bounds and at the
 * end of each row, never read past. */
#include "rows.h"

static const char *const INCONSISTENT = "repetition/definition levels inconsistent between columns";

static int corrupt(pq_asm *m, const char *why)
{
    m->why = why;
    return TS_ESCHEMA;
}

static int def_at(const pq_asm *m, uint32_t leaf, size_t i)
{
    const pq_colbuf *c = &m->cols[leaf];
    return c->def ? c->def[i] : m->s->nodes[m->s->leaves[leaf]].def;
}

static int rep_at(const pq_asm *m, uint32_t leaf, size_t i)
{
    const pq_colbuf *c = &m->cols[leaf];
    return c->rep ? c->rep[i] : 0;
}

/* Definition level of the entry where node n's next instance starts. */
static int peek_def(pq_asm *m, const pq_node *n, int *def)
{
    uint32_t l = n->first_leaf;
    if (m->pos[l] >= m->cols[l].n)
        return corrupt(m, INCONSISTENT);
    *def = def_at(m, l, m->pos[l]);
    return 0;
}

/* Node n has no value here (null, or an empty list): one entry in each of
 * its leaves, defined below the threshold. Entries after it that repeat
 * deeper than sep (the level that starts a new instance) would lie inside
 * the missing value: DuckDB writes a null fixed-size ARRAY as one entry a
 * slot. They are skipped too, which never happens in a conforming file. */
static int skip_entry(pq_asm *m, const pq_node *n, int below, int sep)
{
    for (uint32_t l = n->first_leaf; l < n->first_leaf + n->nleaves; l++) {
        if (m->pos[l] >= m->cols[l].n || def_at(m, l, m->pos[l]) >= below)
            return corrupt(m, INCONSISTENT);
        m->pos[l]++;
        while (m->pos[l] < m->cols[l].n && rep_at(m, l, m->pos[l]) > sep && def_at(m, l, m->pos[l]) < below)
            m->pos[l]++;
    }
    return 0;
}

static bool more(const pq_asm *m, const pq_node *rn)
{
    uint32_t l = rn->first_leaf;
    return m->pos[l] < m->cols[l].n && rep_at(m, l, m->pos[l]) == rn->rep;
}

static int emit_field(pq_asm *m, uint32_t ni);
static int emit_value(pq_asm *m, uint32_t ni);

static void soft(pq_asm *m, int code, const pq_node *n)
{
    if (!m->soft) {
        m->soft = code;
        m->soft_leaf = n->first_leaf;
    }
}

static int emit_leaf(pq_asm *m, const pq_node *n)
{
    uint32_t l = (uint32_t)n->leaf;
    pq_colbuf *c = &m->cols[l];
    if (m->pos[l] >= c->n || def_at(m, l, m->pos[l]) != n->def || m->vpos[l] >= c->nvals)
        return corrupt(m, INCONSISTENT);
    int rc = pq_value_json(m->b, m->a, n->el, &c->vals[m->vpos[l]]);
    m->pos[l]++;
    m->vpos[l]++;
    if (rc == TS_EUTF8) {
        soft(m, rc, n);
        rc = 0;
    }
    return rc;
}

/* The instances of repeated node rn as an array; each element is rn's
 * value (legacy lists, bare repeated fields) or the field elem. */
static int emit_list(pq_asm *m, uint32_t rni, int elem)
{
    const pq_node *rn = &m->s->nodes[rni];
    int def, rc;
    if ((rc = peek_def(m, rn, &def)))
        return rc;
    ts_jb_array(m->b);
    if (def < rn->def) {
        ts_jb_end(m->b);
        return skip_entry(m, rn, rn->def, rn->rep - 1);
    }
    do {
        rc = elem < 0 || (uint32_t)elem == rni ? emit_value(m, rni) : emit_field(m, (uint32_t)elem);
        if (rc)
            return rc;
    } while (more(m, rn));
    ts_jb_end(m->b);
    return m->b->err;
}

/* Text keys make an object; other keys an array of {"key", "value"}. */
static int emit_map(pq_asm *m, const pq_node *n)
{
    const pq_node *rn = &m->s->nodes[n->repeated];
    uint32_t ki = rn->children[0];
    int vi = rn->nchildren > 1 ? (int)rn->children[1] : -1;
    const pq_node *kn = &m->s->nodes[ki];
    bool text = kn->kind == PQ_K_LEAF && pq_is_text(kn->el);
    int def, rc;
    if ((rc = peek_def(m, rn, &def)))
        return rc;
    if (text)
        ts_jb_object(m->b);
    else
        ts_jb_array(m->b);
    if (def < rn->def) {
        ts_jb_end(m->b);
        return skip_entry(m, rn, rn->def, rn->rep - 1);
    }
    do {
        if (!text) {
            ts_jb_object(m->b);
            ts_jb_str(m->b, "key", 3);
        }
        int kdef;
        if ((rc = peek_def(m, kn, &kdef)))
            return rc;
        if (text && kdef < kn->def) { /* keys are required; keep the object well-formed */
            ts_jb_str(m->b, "", 0);
            soft(m, TS_ESCHEMA, kn);
            rc = skip_entry(m, kn, kn->def, kn->rep);
        } else {
            rc = emit_field(m, ki);
        }
        if (rc)
            return rc;
        if (!text)
            ts_jb_str(m->b, "value", 5);
        if (vi >= 0 && (rc = emit_field(m, (uint32_t)vi)))
            return rc;
        if (vi < 0)
            ts_jb_null(m->b);
        if (!text)
            ts_jb_end(m->b);
    } while (more(m, rn));
    ts_jb_end(m->b);
    return m->b->err;
}

static int emit_struct(pq_asm *m, const pq_node *n, const bool *wanted)
{
    ts_jb_object(m->b);
    for (uint32_t i = 0; i < n->nchildren; i++) {
        uint32_t ci = n->children[i];
        if (wanted && !wanted[ci])
            continue;
        const pq_node *c = &m->s->nodes[ci];
        if (m->omit && m->omit[ci] && c->el->repetition == PQ_OPTIONAL) {
            /* A field the record never had: leave the key out, not null. */
            int def, rc;
            if ((rc = peek_def(m, c, &def)))
                return rc;
            if (def < c->def) {
                if ((rc = skip_entry(m, c, c->def, c->rep)))
                    return rc;
                continue;
            }
        }
        const pq_str *name = &c->el->name;
        ts_jb_str(m->b, name->p, name->n);
        int rc = emit_field(m, ci);
        if (rc)
            return rc;
    }
    ts_jb_end(m->b);
    return m->b->err;
}

static int emit_value(pq_asm *m, uint32_t ni)
{
    const pq_node *n = &m->s->nodes[ni];
    switch (n->kind) {
    case PQ_K_LEAF:
        return emit_leaf(m, n);
    case PQ_K_LIST:
        return emit_list(m, (uint32_t)n->repeated, n->element);
    case PQ_K_MAP:
        return emit_map(m, n);
    default:
        return emit_struct(m, n, NULL);
    }
}

/* A field as its parent sees it: repeated fields are lists of their
 * instances; optional ones may be null. */
static int emit_field(pq_asm *m, uint32_t ni)
{
    const pq_node *n = &m->s->nodes[ni];
    if (n->el->repetition == PQ_REPEATED)
        return emit_list(m, ni, -1);
    if (n->el->repetition == PQ_OPTIONAL) {
        int def, rc;
        if ((rc = peek_def(m, n, &def)))
            return rc;
        if (def < n->def) {
            ts_jb_null(m->b);
            return skip_entry(m, n, n->def, n->rep);
        }
    }
    return emit_value(m, ni);
}

int pq_assemble_row(pq_asm *m, ts_json **row)
{
    const pq_node *root = &m->s->nodes[0];
    m->soft = 0;
    m->why = NULL;
    m->b->arena = m->a;
    int rc = emit_struct(m, root, m->wanted);
    if (!rc) {
        for (uint32_t i = 0; i < root->nchildren; i++) {
            const pq_node *c = &m->s->nodes[root->children[i]];
            if (!m->wanted[root->children[i]])
                continue;
            for (uint32_t l = c->first_leaf; l < c->first_leaf + c->nleaves; l++)
                if (m->pos[l] < m->cols[l].n && rep_at(m, l, m->pos[l]) != 0)
                    rc = corrupt(m, INCONSISTENT);
        }
    }
    ts_json *out = NULL;
    int frc = ts_jb_finish(m->b, &out); /* also resets the builder after a failure */
    if (rc)
        return rc;
    if (frc)
        return frc;
    if (m->soft)
        return m->soft;
    *row = out;
    return 0;
}
