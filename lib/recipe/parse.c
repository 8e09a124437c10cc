/* Recipe YAML -> ts_recipe, through libyaml's document API so every node
 * keeps its mark (line, column) for the error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tuneset/recipe.h"

#include "parse_int.h"

int recipe_fail(pctx *p, const yaml_node_t *n, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    unsigned long line = n ? (unsigned long)n->start_mark.line + 1 : 0;
    unsigned long col = n ? (unsigned long)n->start_mark.column + 1 : 0;
    if (p->err) {
        p->err->file = p->r->path;
        p->err->line = line;
    }
    return ts_err_set(p->err, TS_EINVAL, "%s:%lu:%lu: %s", p->r->path, line, col, why);
}

yaml_node_t *recipe_node(pctx *p, int id) { return yaml_document_get_node(p->doc, id); }

const char *recipe_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int recipe_str_of(pctx *p, const yaml_node_t *n, const char *what, const char **out)
{
    const char *s = recipe_scalar(n);
    if (!s)
        return recipe_fail(p, n, "%s must be a string", what);
    *out = ts_arena_dup(&p->r->strings, s, strlen(s) + 1);
    return *out ? 0 : ts_err_set(p->err, TS_ENOMEM, "out of memory");
}

int recipe_num_of(pctx *p, const yaml_node_t *n, const char *what, double *out)
{
    const char *s = recipe_scalar(n);
    char *end;
    if (s && *s) {
        *out = strtod(s, &end);
        if (!*end)
            return 0;
    }
    return recipe_fail(p, n, "%s must be a number", what);
}

int recipe_uint_of(pctx *p, const yaml_node_t *n, const char *what, uint64_t *out)
{
    const char *s = recipe_scalar(n);
    char *end;
    if (s && *s >= '0' && *s <= '9') {
        *out = strtoull(s, &end, 10);
        if (!*end)
            return 0;
    }
    return recipe_fail(p, n, "%s must be a non-negative integer", what);
}

int recipe_bool_of(pctx *p, const yaml_node_t *n, const char *what, bool *out)
{
    const char *s = recipe_scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))) {
        *out = true;
        return 0;
    }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))) {
        *out = false;
        return 0;
    }
    return recipe_fail(p, n, "%s must be true or false", what);
}

/* Keys are matched with '-' read as '_', so CLI spellings work too. */
bool recipe_key_is(const char *k, const char *want)
{
    for (; *k && *want; k++, want++)
        if (*k != *want && !(*k == '-' && *want == '_'))
            return false;
    return !*k && !*want;
}

int recipe_need_map(pctx *p, const yaml_node_t *n, const char *what)
{
    return n && n->type == YAML_MAPPING_NODE ? 0 : recipe_fail(p, n, "%s must be a mapping", what);
}

static int parse_source(pctx *p, yaml_node_t *m, ts_recipe_source *s)
{
    if (recipe_need_map(p, m, "a source"))
        return TS_EINVAL;
    ts_import_opts_init(&s->opts);
    s->opts.seed = p->r->seed;
    yaml_node_t *fmt_node = NULL;
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k);
        if (!key)
            return recipe_fail(p, k, "keys must be strings");
        if (recipe_key_is(key, "format")) {
            const char *f = recipe_scalar(v);
            if (!f || !(s->fmt = ts_format_find(f)))
                return recipe_fail(p, v, "unknown format '%s' (see 'tuneset import --list')", f ? f : "?");
            fmt_node = v;
        } else if (recipe_key_is(key, "paths") || recipe_key_is(key, "path")) {
            if (v->type == YAML_SCALAR_NODE) {
                if (recipe_str_of(p, v, "path", &s->paths[s->npaths++]))
                    return TS_EINVAL;
                continue;
            }
            if (v->type != YAML_SEQUENCE_NODE)
                return recipe_fail(p, v, "paths must be a list of files");
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
                if (s->npaths == TS_RECIPE_MAX_PATHS)
                    return recipe_fail(p, recipe_node(p, *it), "too many paths (max %d)", TS_RECIPE_MAX_PATHS);
                if (recipe_str_of(p, recipe_node(p, *it), "a path", &s->paths[s->npaths++]))
                    return TS_EINVAL;
            }
        } else if (recipe_key_is(key, "options")) {
            if (recipe_need_map(p, v, "options"))
                return TS_EINVAL;
            ts_import_opts *o = &s->opts;
            FOR_PAIRS(p, v, ok, ov) {
                const char *on = recipe_scalar(ok);
                int rc = 0;
                uint64_t u;
                if (!on)
                    return recipe_fail(p, ok, "keys must be strings");
                if (recipe_key_is(on, "kind")) {
                    const char *kv = recipe_scalar(ov);
                    if (kv && !strcmp(kv, "sft"))
                        o->kind = TS_KIND_SFT;
                    else if (kv && (!strcmp(kv, "pref") || !strcmp(kv, "preference")))
                        o->kind = TS_KIND_PREF;
                    else
                        return recipe_fail(p, ov, "kind must be sft or pref");
                } else if (recipe_key_is(on, "top_k")) {
                    if (!(rc = recipe_uint_of(p, ov, "top_k", &u)))
                        o->top_k = (int)u;
                } else if (recipe_key_is(on, "max_pairs_per_post")) {
                    if (!(rc = recipe_uint_of(p, ov, "max_pairs_per_post", &u)))
                        o->max_pairs_per_post = (int64_t)u;
                } else if (recipe_key_is(on, "min_score_ratio"))
                    rc = recipe_num_of(p, ov, "min_score_ratio", &o->min_score_ratio);
                else if (recipe_key_is(on, "clean"))
                    rc = recipe_bool_of(p, ov, "clean", &o->clean);
                else if (recipe_key_is(on, "pairs"))
                    rc = recipe_str_of(p, ov, "pairs", &o->pairs);
                else if (recipe_key_is(on, "lang"))
                    rc = recipe_str_of(p, ov, "lang", &o->lang);
                else if (recipe_key_is(on, "blocked_words"))
                    rc = recipe_str_of(p, ov, "blocked_words", &o->blocked_words);
                else if (recipe_key_is(on, "trace"))
                    rc = recipe_str_of(p, ov, "trace", &o->trace);
                else if (recipe_key_is(on, "score"))
                    rc = recipe_str_of(p, ov, "score", &o->score);
                else if (recipe_key_is(on, "rejected"))
                    rc = recipe_str_of(p, ov, "rejected", &o->rejected);
                else if (recipe_key_is(on, "drop_source"))
                    rc = recipe_str_of(p, ov, "drop_source", &o->drop_source);
                else
                    return recipe_fail(p, ok, "unknown source option '%s'", on);
                if (rc)
                    return rc;
            }
        } else
            return recipe_fail(p, k, "unknown key '%s' in a source (format, paths, options)", key);
    }
    if (!s->fmt)
        return recipe_fail(p, m, "a source needs a format");
    if (!s->npaths)
        return recipe_fail(p, m, "a source needs paths");
    if (s->opts.kind != TS_KIND_DEFAULT &&
        !strstr(s->fmt->kinds, s->opts.kind == TS_KIND_SFT ? "sft" : "pref"))
        return recipe_fail(p, fmt_node, "format '%s' makes only %s records", s->fmt->name, s->fmt->kinds);
    return 0;
}


static int parse_splits(pctx *p, yaml_node_t *m, ts_recipe_dataset *d)
{
    if (recipe_need_map(p, m, "splits"))
        return TS_EINVAL;
    char spec[1024] = "";
    size_t len = 0;
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k);
        double ratio;
        if (!key)
            return recipe_fail(p, k, "keys must be strings");
        if (recipe_key_is(key, "group_by")) {
            if (recipe_str_of(p, v, "group_by", &d->group_by))
                return TS_EINVAL;
        } else if (recipe_key_is(key, "stratify")) {
            if (recipe_str_of(p, v, "stratify", &d->stratify))
                return TS_EINVAL;
        } else {
            if (recipe_num_of(p, v, "a split ratio", &ratio))
                return TS_EINVAL;
            int w = snprintf(spec + len, sizeof spec - len, "%s%s=%.17g", len ? "," : "", key, ratio);
            if (w < 0 || (size_t)w >= sizeof spec - len)
                return recipe_fail(p, k, "too many splits");
            len += (size_t)w;
        }
    }
    char why[200];
    if (ts_split_parse_ratios(spec, &d->splits, why, sizeof why))
        return recipe_fail(p, m, "splits: %s", why);
    if (d->group_by && d->stratify)
        return recipe_fail(p, m, "splits: group_by and stratify cannot be combined");
    return 0;
}

/* A dataset's keys; the top level may hold them too (a one-dataset recipe). */
static int dataset_key(pctx *p, const char *key, yaml_node_t *v, ts_recipe_dataset *d, bool *known)
{
    *known = true;
    if (recipe_key_is(key, "sources")) {
        if (v->type != YAML_SEQUENCE_NODE)
            return recipe_fail(p, v, "sources must be a list");
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            if (d->nsources == TS_RECIPE_MAX_SOURCES)
                return recipe_fail(p, recipe_node(p, *it), "too many sources (max %d)", TS_RECIPE_MAX_SOURCES);
            if (parse_source(p, recipe_node(p, *it), &d->sources[d->nsources++]))
                return TS_EINVAL;
        }
        return 0;
    }
    if (recipe_key_is(key, "steps")) {
        if (v->type != YAML_SEQUENCE_NODE)
            return recipe_fail(p, v, "steps must be a list");
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *sm = recipe_node(p, *it);
            if (sm->type != YAML_MAPPING_NODE ||
                sm->data.mapping.pairs.top - sm->data.mapping.pairs.start != 1)
                return recipe_fail(p, sm, "a step is a mapping with one key: pii, clean, dedup, decontam or mix");
            if (d->nsteps == TS_RECIPE_MAX_STEPS)
                return recipe_fail(p, sm, "too many steps (max %d)", TS_RECIPE_MAX_STEPS);
            yaml_node_pair_t *pr = sm->data.mapping.pairs.start;
            if (recipe_parse_step(p, recipe_node(p, pr->key), recipe_node(p, pr->value), &d->steps[d->nsteps++]))
                return TS_EINVAL;
        }
        return 0;
    }
    if (recipe_key_is(key, "splits"))
        return parse_splits(p, v, d);
    *known = false;
    return 0;
}

static int finish_dataset(pctx *p, yaml_node_t *at, ts_recipe_dataset *d)
{
    if (!d->nsources)
        return recipe_fail(p, at, "dataset '%s' has no sources", d->name);
    if (!d->splits.n) {
        char why[64];
        ts_split_parse_ratios("train=1", &d->splits, why, sizeof why);
    }
    return 0;
}

static int parse_outputs(pctx *p, yaml_node_t *m)
{
    if (recipe_need_map(p, m, "outputs"))
        return TS_EINVAL;
    FOR_PAIRS(p, m, k, v) {
        const char *key = recipe_scalar(k);
        if (key && recipe_key_is(key, "dir")) {
            if (recipe_str_of(p, v, "outputs.dir", &p->r->out_dir))
                return TS_EINVAL;
        } else if (key && recipe_key_is(key, "format")) {
            const char *f = recipe_scalar(v);
            if (f && !strcmp(f, "parquet"))
                p->r->parquet = true;
            else if (f && !strcmp(f, "jsonl"))
                p->r->parquet = false;
            else
                return recipe_fail(p, v, "outputs.format must be jsonl or parquet");
        } else if (key && recipe_key_is(key, "stats")) {
            if (recipe_bool_of(p, v, "outputs.stats", &p->r->stats))
                return TS_EINVAL;
        } else if (key && recipe_key_is(key, "report")) {
            if (recipe_bool_of(p, v, "outputs.report", &p->r->report))
                return TS_EINVAL;
        } else if (key && recipe_key_is(key, "report_sample")) {
            if (recipe_uint_of(p, v, "outputs.report_sample", &p->r->report_sample))
                return TS_EINVAL;
            if (p->r->report_sample > 10000)
                return recipe_fail(p, v, "report_sample: at most 10000");
        } else
            return recipe_fail(p, k, "unknown key '%s' in outputs (dir, format, stats, report, report_sample)",
                               key ? key : "?");
    }
    return 0;
}

static int parse_root(pctx *p, yaml_node_t *root)
{
    ts_recipe *r = p->r;
    if (!root)
        return recipe_fail(p, NULL, "the recipe is empty");
    if (recipe_need_map(p, root, "the recipe"))
        return TS_EINVAL;
    /* The seed first: sources and steps take it as their default. */
    FOR_PAIRS(p, root, k, v)
        if (recipe_scalar(k) && recipe_key_is(recipe_scalar(k), "seed") && recipe_uint_of(p, v, "seed", &r->seed))
            return TS_EINVAL;
    ts_recipe_dataset *top = &r->datasets[0];
    yaml_node_t *datasets = NULL;
    bool top_used = false;
    FOR_PAIRS(p, root, k, v) {
        const char *key = recipe_scalar(k);
        bool known;
        if (!key)
            return recipe_fail(p, k, "keys must be strings");
        if (recipe_key_is(key, "seed"))
            continue;
        if (recipe_key_is(key, "name")) {
            if (recipe_str_of(p, v, "name", &r->name))
                return TS_EINVAL;
        } else if (recipe_key_is(key, "outputs")) {
            if (parse_outputs(p, v))
                return TS_EINVAL;
        } else if (recipe_key_is(key, "datasets")) {
            datasets = v;
        } else {
            if (dataset_key(p, key, v, top, &known))
                return TS_EINVAL;
            if (!known)
                return recipe_fail(p, k, "unknown key '%s' (name, seed, sources, steps, splits, outputs, datasets)", key);
            top_used = true;
        }
    }
    if (!r->name)
        return recipe_fail(p, root, "the recipe needs a name");
    if (!r->out_dir)
        return recipe_fail(p, root, "the recipe needs outputs: {dir: ...}");
    if (datasets && top_used)
        return recipe_fail(p, datasets, "use either datasets: or top-level sources/steps/splits, not both");
    if (!datasets) {
        top->name = r->name;
        r->ndatasets = 1;
        return finish_dataset(p, root, top);
    }
    if (datasets->type != YAML_SEQUENCE_NODE)
        return recipe_fail(p, datasets, "datasets must be a list");
    for (yaml_node_item_t *it = datasets->data.sequence.items.start; it < datasets->data.sequence.items.top; it++) {
        yaml_node_t *dm = recipe_node(p, *it);
        if (r->ndatasets == TS_RECIPE_MAX_DATASETS)
            return recipe_fail(p, dm, "too many datasets (max %d)", TS_RECIPE_MAX_DATASETS);
        ts_recipe_dataset *d = &r->datasets[r->ndatasets++];
        if (recipe_need_map(p, dm, "a dataset"))
            return TS_EINVAL;
        FOR_PAIRS(p, dm, k, v) {
            const char *key = recipe_scalar(k);
            bool known;
            if (key && recipe_key_is(key, "name")) {
                const char *n = recipe_scalar(v);
                if (!n || !*n || strchr(n, '/') || n[0] == '.')
                    return recipe_fail(p, v, "a dataset name must be a plain folder name");
                if (recipe_str_of(p, v, "name", &d->name))
                    return TS_EINVAL;
                continue;
            }
            if (!key)
                return recipe_fail(p, k, "keys must be strings");
            if (dataset_key(p, key, v, d, &known))
                return TS_EINVAL;
            if (!known)
                return recipe_fail(p, k, "unknown key '%s' in a dataset (name, sources, steps, splits)", key);
        }
        if (!d->name)
            return recipe_fail(p, dm, "a dataset needs a name");
        for (int i = 0; i < r->ndatasets - 1; i++)
            if (!strcmp(r->datasets[i].name, d->name))
                return recipe_fail(p, dm, "dataset name '%s' is used twice", d->name);
        if (finish_dataset(p, dm, d))
            return TS_EINVAL;
    }
    if (!r->ndatasets)
        return recipe_fail(p, datasets, "datasets is empty");
    return 0;
}

int ts_recipe_load(ts_recipe *r, const char *path, ts_err *err)
{
    memset(r, 0, sizeof *r);
    ts_arena_init(&r->strings);
    r->path = path;
    r->stats = r->report = true;
    r->report_sample = 20;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            err->file = path;
        return ts_err_set(err, TS_ENOENT, "%s: cannot open the recipe", path);
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc;
    if (!yaml_parser_load(&parser, &doc)) {
        if (err) {
            err->file = path;
            err->line = parser.problem_mark.line + 1;
        }
        rc = ts_err_set(err, TS_EINVAL, "%s:%lu:%lu: YAML: %s", path,
                        (unsigned long)parser.problem_mark.line + 1,
                        (unsigned long)parser.problem_mark.column + 1,
                        parser.problem ? parser.problem : "syntax error");
    } else {
        pctx p = {r, &doc, err};
        rc = parse_root(&p, yaml_document_get_root_node(&doc));
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

void ts_recipe_release(ts_recipe *r) { ts_arena_release(&r->strings); }
