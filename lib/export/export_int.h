/* Internals shared by the export layer's files (prefix exp_). */
#ifndef TS_EXPORT_INT_H
#define TS_EXPORT_INT_H

#include "tuneset/export.h"

typedef enum { EXP_OTHER, EXP_SYSTEM, EXP_USER, EXP_ASSISTANT, EXP_TOOL } exp_role;

exp_role exp_role_of(const ts_json *msg);
/* The message's content string, or NULL. */
const ts_json *exp_content(const ts_json *msg);

#endif
