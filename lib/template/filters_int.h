/* Shared by filters.c (the table and dispatch) and filter_util.c.
 * Prefix tplf_. */
#ifndef TS_TPL_FILTERS_INT_H
#define TS_TPL_FILTERS_INT_H

#include "tpl_int.h"

static inline tv tplf_str(tpl_ctx *c, tv v) { return tpl_to_str(c, v); }
/* len(v): code points of a string, items of a list or dict; 0 when undefined. */
int64_t tplf_length(tpl_ctx *c, tv v);
/* v (or v.attr), lower-cased unless case_sensitive: the key sort/unique use. */
tv tplf_sort_key(tpl_ctx *c, tv v, bool cs, const char *attr);
/* An attribute-name argument as a C string in the arena, or NULL when absent. */
tv tplf_attr_name(tpl_ctx *c, tv a, char **out);
/* Stable sort of it[] by keys[] (both permuted). */
void tplf_sort(tpl_ctx *c, tv *it, tv *keys, size_t n, bool rev);
tv tplf_select(tpl_ctx *c, const tpl_node *n, tv v, bool attr, bool keep);
tv tplf_map(tpl_ctx *c, const tpl_node *n, tv v);
tv tplf_escape(tpl_ctx *c, tv v);
tv tplf_indent(tpl_ctx *c, const tpl_node *n, tv v);
tv tplf_int(tpl_ctx *c, tv v, tv dflt);
tv tplf_float(tv v, tv dflt);

#endif
