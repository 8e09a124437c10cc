/* Recipe steps: pii, clean, dedup, decontam, mix, each a one-key mapping whose
 * options map onto the stage library's options struct. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

static int parse_clean(pctx *p, yaml_node_t *m, ts_recipe_step *st)
{
    ts_clean_opts *o = &st->clean;
    ts_clean_opts_default(o);
    if (m->type == YAML_SCALAR_NODE && !*recipe_scalar(m))
        return 0; /* "- clean:" with the defaults */
    if (recipe_need_map(p, m, "clean"))
        return TS_EINVAL;
    static const struct {
        const char *name;
        char type; /* b bool, z size, d double */
        size_t off;
    } fields[] = {
        {"structure", 'b', offsetof(ts_clean_opts, structure)},
        {"require_final_assistant", 'b', offsetof(ts_clean_opts, require_final_assistant)},
        {"min_turn_chars", 'z', offsetof(ts_clean_opts, min_turn_chars)},
        {"max_turn_chars", 'z', offsetof(ts_clean_opts, max_turn_chars)},
        {"min_chars", 'z', offsetof(ts_clean_opts, min_chars)},
        {"max_chars", 'z', offsetof(ts_clean_opts, max_chars)},
        {"max_dup_line_ratio", 'd', offsetof(ts_clean_opts, max_dup_line_ratio)},
        {"max_dup_ngram_ratio", 'd', offsetof(ts_clean_opts, max_dup_ngram_ratio)},
        {"max_char_run", 'z', offsetof(ts_clean_opts, max_char_run)},
        {"drop_disclaimers", 'b', offsetof(ts_clean_opts, drop_disclaimers)},
        {"max_bad_char_ratio", 'd', offsetof(ts_clean_opts, max_bad_char_ratio)},
        {"trim", 'b', offsetof(ts_clean_opts, trim)},
        {"html_to_md", 'b', offsetof(ts_clean_opts, html_to_md)},
        {"min_turn_tokens", 'z', offsetof(ts_clean_opts, min_turn_tokens)},
        {"max_turn_tokens", 'z', offsetof(ts_clean_opts, max_turn_tokens)},
        {"min_tokens", 'z', offsetof(ts_clean_opts, min_tokens)},
        {"max_tokens", 'z', offsetof(ts_clean_opts, max_tokens)},
    };
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k);
        if (key && recipe_key_is(key, "tokenizer")) { /* loaded when the build starts */
            if (recipe_str_of(p, v, key, &st->tokenizer))
                return TS_EINVAL;
            continue;
        }
        size_t i = 0, n = sizeof fields / sizeof fields[0];
        while (key && i < n && !recipe_key_is(key, fields[i].name))
            i++;
        if (!key || i == n)
            return recipe_fail(p, k, "unknown clean option '%s'", key ? key : "?");
        char *dst = (char *)o + fields[i].off;
        uint64_t u;
        int rc;
        if (fields[i].type == 'b')
            rc = recipe_bool_of(p, v, key, (bool *)dst);
        else if (fields[i].type == 'd')
            rc = recipe_num_of(p, v, key, (double *)dst);
        else if (!(rc = recipe_uint_of(p, v, key, &u)))
            *(size_t *)dst = (size_t)u;
        if (rc)
            return rc;
    }
    bool limits = o->min_turn_tokens || o->max_turn_tokens || o->min_tokens || o->max_tokens;
    if (limits != (st->tokenizer != NULL))
        return recipe_fail(p, m, st->tokenizer ? "clean: tokenizer is for min/max_(turn_)tokens: give one"
                                               : "clean: token limits need tokenizer: PATH (a tokenizer.json)");
    return 0;
}

static int parse_dedup(pctx *p, yaml_node_t *m, ts_dedup_opts *o)
{
    ts_dedup_opts_default(o);
    o->seed = p->r->seed;
    if (m->type == YAML_SCALAR_NODE && !*recipe_scalar(m))
        return 0;
    if (recipe_need_map(p, m, "dedup"))
        return TS_EINVAL;
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k);
        uint64_t u;
        int rc = 0;
        if (!key)
            return recipe_fail(p, k, "keys must be strings");
        if (recipe_key_is(key, "exact_only"))
            rc = recipe_bool_of(p, v, key, &o->exact_only);
        else if (recipe_key_is(key, "threshold")) {
            if (!(rc = recipe_num_of(p, v, key, &o->threshold)) && !(o->threshold > 0 && o->threshold <= 1))
                return recipe_fail(p, v, "threshold must be in (0, 1]");
        } else if (recipe_key_is(key, "ngram") || recipe_key_is(key, "perms")) {
            if (!(rc = recipe_uint_of(p, v, key, &u)) && (u == 0 || u > 4096))
                return recipe_fail(p, v, "%s must be in 1..4096", key);
            *(key[0] == 'n' ? &o->ngram : &o->perms) = (uint32_t)u;
        } else if (recipe_key_is(key, "fields")) {
            const char *f = recipe_scalar(v);
            if (f && !strcmp(f, "all"))
                o->fields = TS_DEDUP_FIELDS_ALL;
            else if (f && !strcmp(f, "first_user"))
                o->fields = TS_DEDUP_FIELDS_FIRST_USER;
            else if (f && !strcmp(f, "prompt"))
                o->fields = TS_DEDUP_FIELDS_PROMPT;
            else
                return recipe_fail(p, v, "fields must be all, first_user or prompt");
        } else if (recipe_key_is(key, "keep")) {
            /* longest/score see every record first: the build spools them (steps.c) */
            const char *f = recipe_scalar(v);
            if (f && !strcmp(f, "first"))
                o->keep = TS_DEDUP_KEEP_FIRST;
            else if (f && !strcmp(f, "longest"))
                o->keep = TS_DEDUP_KEEP_LONGEST;
            else if (f && !strcmp(f, "score"))
                o->keep = TS_DEDUP_KEEP_SCORE;
            else
                return recipe_fail(p, v, "keep must be first, longest or score");
        } else
            return recipe_fail(p, k, "unknown dedup option '%s' (exact_only, threshold, ngram, perms, fields, keep)",
                               key);
        if (rc)
            return rc;
    }
    return 0;
}

static int str_list(pctx *p, yaml_node_t *v, const char *what, const char **out, int *n)
{
    if (v->type == YAML_SCALAR_NODE) {
        *n = 1;
        return recipe_str_of(p, v, what, &out[0]);
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return recipe_fail(p, v, "%s must be a list", what);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        if (*n == TS_RECIPE_MAX_BENCH)
            return recipe_fail(p, recipe_node(p, *it), "%s: too many (max %d)", what, TS_RECIPE_MAX_BENCH);
        if (recipe_str_of(p, recipe_node(p, *it), what, &out[(*n)++]))
            return TS_EINVAL;
    }
    return 0;
}

static int parse_decontam(pctx *p, yaml_node_t *m, ts_recipe_step *st)
{
    ts_decontam_opts *o = &st->decontam;
    ts_decontam_opts_default(o);
    if (recipe_need_map(p, m, "decontam"))
        return TS_EINVAL;
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k), *c = recipe_scalar(v);
        uint64_t u;
        if (!key)
            return recipe_fail(p, k, "keys must be strings");
        if (recipe_key_is(key, "benchmarks")) {
            if (str_list(p, v, "benchmarks", st->bench, &st->nbench))
                return TS_EINVAL;
        } else if (recipe_key_is(key, "fields")) {
            if (str_list(p, v, "fields", st->fields, &st->nfields))
                return TS_EINVAL;
        } else if (recipe_key_is(key, "ngram")) {
            if (recipe_uint_of(p, v, key, &u))
                return TS_EINVAL;
            if (u == 0 || u > 1000)
                return recipe_fail(p, v, "ngram must be in 1..1000");
            o->ngram = (uint32_t)u;
        } else if (recipe_key_is(key, "check")) {
            if (c && !strcmp(c, "all"))
                o->check = TS_DECONTAM_CHECK_ALL;
            else if (c && !strcmp(c, "prompt"))
                o->check = TS_DECONTAM_CHECK_PROMPT;
            else if (c && !strcmp(c, "response"))
                o->check = TS_DECONTAM_CHECK_RESPONSE;
            else
                return recipe_fail(p, v, "check must be all, prompt or response");
        } else
            return recipe_fail(p, k, "unknown decontam option '%s' (benchmarks, fields, ngram, check)", key);
    }
    if (!st->nbench)
        return recipe_fail(p, m, "decontam needs benchmarks: [FILE...]");
    return 0;
}

/* weights: {a: 0.7, b: 0.3} or counts: {a: 1000, b: 500} become the
 * "a=0.7,b=0.3" text ts_mix_parse reads, checked here so that a bad value
 * is reported at its line. */
static int mix_table(pctx *p, yaml_node_t *m, ts_recipe_step *st)
{
    if (recipe_need_map(p, m, st->mix_counts ? "counts" : "weights"))
        return TS_EINVAL;
    ts_buf spec;
    ts_buf_init(&spec, 0);
    int rc = 0;
    FOR_PAIRS(p, m, k, v) {
        const char *name = recipe_scalar(k), *val = recipe_scalar(v);
        if (rc) /* FOR_PAIRS is two loops: break would not leave it */
            continue;
        if (!name || !*name || strpbrk(name, ",=")) {
            rc = recipe_fail(p, k, "a mix source name is a non-empty string without ',' or '='");
            continue;
        }
        if (!val) {
            rc = recipe_fail(p, v, "%s must be a number", name);
            continue;
        }
        ts_buf_printf(&spec, "%s%s=%s", spec.len ? "," : "", name, val);
    }
    char why[256];
    ts_mix *mx = rc ? NULL : malloc(sizeof *mx);
    if (!rc && !mx)
        rc = ts_err_set(p->err, TS_ENOMEM, "out of memory");
    if (!rc && ts_mix_parse(mx, spec.len ? spec.data : "", st->mix_counts, "source", 0, 0, why, sizeof why))
        rc = recipe_fail(p, m, "mix: %s", why);
    if (!rc && !(st->mix_spec = ts_arena_dup(&p->r->strings, spec.data, spec.len + 1)))
        rc = ts_err_set(p->err, TS_ENOMEM, "out of memory");
    free(mx);
    ts_buf_release(&spec);
    return rc;
}

static int parse_mix(pctx *p, yaml_node_t *m, ts_recipe_step *st)
{
    st->type = TS_STEP_MIX;
    st->mix_by = "source";
    if (recipe_need_map(p, m, "mix"))
        return TS_EINVAL;
    yaml_node_t *table = NULL;
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k);
        int rc = 0;
        if (!key)
            return recipe_fail(p, k, "keys must be strings");
        if (recipe_key_is(key, "weights") || recipe_key_is(key, "counts")) {
            if (table)
                return recipe_fail(p, k, "give one of weights and counts");
            table = v;
            st->mix_counts = key[0] == 'c';
        } else if (recipe_key_is(key, "total"))
            rc = recipe_uint_of(p, v, key, &st->mix_total);
        else if (recipe_key_is(key, "by"))
            rc = recipe_str_of(p, v, key, &st->mix_by);
        else if (recipe_key_is(key, "replace"))
            rc = recipe_bool_of(p, v, key, &st->mix_replace);
        else
            return recipe_fail(p, k, "unknown mix option '%s' (weights, counts, total, by, replace)", key);
        if (rc)
            return rc;
    }
    if (!table)
        return recipe_fail(p, m, "mix needs weights: {SOURCE: W, ...} or counts: {SOURCE: N, ...}");
    if (st->mix_counts && st->mix_total)
        return recipe_fail(p, m, "mix: total goes with weights");
    return mix_table(p, table, st);
}

int recipe_parse_step(pctx *p, yaml_node_t *k, yaml_node_t *v, ts_recipe_step *st)
{
    const char *name = recipe_scalar(k);
    if (name && !strcmp(name, "pii")) {
        st->type = TS_STEP_PII;
        st->pii_mode = TS_PII_REDACT;
        if (v->type == YAML_SCALAR_NODE && !*recipe_scalar(v))
            return 0;
        if (recipe_need_map(p, v, "pii"))
            return TS_EINVAL;
        FOR_PAIRS(p, v, pk, pv) {
            const char *key = recipe_scalar(pk), *mode = recipe_scalar(pv);
            if (!key || strcmp(key, "mode"))
                return recipe_fail(p, pk, "unknown pii option '%s' (mode)", key ? key : "?");
            if (mode && !strcmp(mode, "redact"))
                st->pii_mode = TS_PII_REDACT;
            else if (mode && !strcmp(mode, "drop"))
                st->pii_mode = TS_PII_DROP;
            else if (mode && !strcmp(mode, "report"))
                st->pii_mode = TS_PII_REPORT;
            else
                return recipe_fail(p, pv, "pii mode must be redact, drop or report");
        }
        return 0;
    }
    if (name && !strcmp(name, "clean")) {
        st->type = TS_STEP_CLEAN;
        return parse_clean(p, v, st);
    }
    if (name && !strcmp(name, "dedup")) {
        st->type = TS_STEP_DEDUP;
        return parse_dedup(p, v, &st->dedup);
    }
    if (name && !strcmp(name, "decontam")) {
        st->type = TS_STEP_DECONTAM;
        return parse_decontam(p, v, st);
    }
    if (name && !strcmp(name, "mix"))
        return parse_mix(p, v, st);
    return recipe_fail(p, k, "unknown step '%s' (pii, clean, dedup, decontam, mix)", name ? name : "?");
}
