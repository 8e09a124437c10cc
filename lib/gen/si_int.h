/* Internals shared by the Self-Instruct files (si_*.c). */
#ifndef TS_SI_INT_H
#define TS_SI_INT_H

#include "tuneset/gen.h"

/* Fills out with lb's labels, English defaults for NULL members. */
void si_labels(const ts_si_labels *lb, ts_si_labels *out);

#endif
