/* Internals shared by clean.c and clean_text.c. */
#ifndef TS_CLEAN_INT_H
#define TS_CLEAN_INT_H

#include "tuneset/curate_clean.h"

/* A turn: a content string node and its role (NULL for text records). */
typedef struct cl_turn {
    ts_json *content;
    const ts_json *role;
} cl_turn;

struct ts_clean {
    ts_clean_opts o;
    char **phrases; /* lowercased copies */
    size_t *plen;
    size_t nphrases;
    uint64_t *set; /* scratch hash set for the repetition measures */
    size_t setcap;
    ts_buf low;    /* scratch: a lowercased turn */
    cl_turn *turns; /* scratch: the record's turns */
    size_t capturns;
};

/* b = s ASCII-lowercased, U+2019 as an apostrophe (phrases and turns are
 * compared in this form). 0 or TS_ENOMEM. */
int cl_lower(ts_buf *b, const char *s, size_t n);

#endif
