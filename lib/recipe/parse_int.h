/* Internals of the recipe parser shared by parse.c and parse_step.c:
 * libyaml document helpers that report errors at a node's mark. */
#ifndef TUNESET_RECIPE_PARSE_INT_H
#define TUNESET_RECIPE_PARSE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "tuneset/recipe.h"

typedef struct {
    ts_recipe *r;
    yaml_document_t *doc;
    ts_err *err;
} pctx;

/* Fills err with "PATH:LINE:COLUMN: reason" at n's mark; returns TS_EINVAL. */
int recipe_fail(pctx *p, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
yaml_node_t *recipe_node(pctx *p, int id);
const char *recipe_scalar(const yaml_node_t *n);
int recipe_str_of(pctx *p, const yaml_node_t *n, const char *what, const char **out);
int recipe_num_of(pctx *p, const yaml_node_t *n, const char *what, double *out);
int recipe_uint_of(pctx *p, const yaml_node_t *n, const char *what, uint64_t *out);
int recipe_bool_of(pctx *p, const yaml_node_t *n, const char *what, bool *out);
bool recipe_key_is(const char *k, const char *want);
int recipe_need_map(pctx *p, const yaml_node_t *n, const char *what);
int recipe_parse_step(pctx *p, yaml_node_t *k, yaml_node_t *v, ts_recipe_step *st);

/* Iterates a mapping's pairs as (k, v) nodes; `continue` goes to the next. */
#define FOR_PAIRS(p, map, k, v)                                                      \
    for (yaml_node_pair_t *pr_##k = (map)->data.mapping.pairs.start;                    \
         pr_##k < (map)->data.mapping.pairs.top; pr_##k++)                               \
        for (yaml_node_t *k = recipe_node(p, pr_##k->key), *v = recipe_node(p, pr_##k->value); k; k = NULL)

#endif
