/* Internals shared by lib/gen/mathnorm.c and select_answer.c. */
#ifndef TS_SELECT_INT_H
#define TS_SELECT_INT_H

#include "tuneset/select.h"

/* True when s[0..n) starts with the NUL-terminated lit. */
bool mn_starts(const char *s, size_t n, const char *lit);
/* Length of a {...} group at s (s[0] == '{'), braces balanced and \x
 * escapes skipped; 0 when it does not close. */
size_t mn_group_len(const char *s, size_t n);
/* Trims ASCII white space: advances *s, returns the new length. */
size_t mn_trim(const char **s, size_t n);

#endif
