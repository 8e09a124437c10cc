#include <stddef.h>
#include <string.h>

#include "tuneset/format.h"

#define FORMAT(name) extern const ts_format ts_format_##name;
#include "list.h"
#undef FORMAT

static const ts_format *const formats[] = {
#define FORMAT(name) &ts_format_##name,
#include "list.h"
#undef FORMAT
    NULL,
};

const ts_format *const *ts_format_all(size_t *n)
{
    *n = sizeof formats / sizeof *formats - 1;
    return formats;
}

const ts_format *ts_format_find(const char *name)
{
    for (const ts_format *const *f = formats; *f; f++)
        if (!strcmp((*f)->name, name))
            return *f;
    return NULL;
}

const ts_format *ts_format_detect(const ts_json *first, int *score)
{
    const ts_format *best = NULL;
    int best_score = 0;
    for (const ts_format *const *f = formats; *f; f++) {
        int s = (*f)->detect ? (*f)->detect(first) : 0;
        if (s > best_score) {
            best = *f;
            best_score = s;
        }
    }
    if (score)
        *score = best_score;
    return best;
}
