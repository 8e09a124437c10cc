/* Augmentation: the mode names, the Evol-Instruct variants and the clean-up
 * of a model's rewrite. */
#include <string.h>

#include "tuneset/gen.h"

static const char *const deepen_variants[4] = {"augment_constraints", "augment_deepen",
                                               "augment_concretize", "augment_reasoning"};

const char *ts_aug_deepen_variant(uint64_t pick) { return deepen_variants[pick % 4]; }

static const struct {
    const char *code, *name;
} languages[] = {{"ko", "Korean"},   {"en", "English"}, {"ja", "Japanese"},   {"zh", "Chinese"},
                 {"fr", "French"},   {"de", "German"},  {"es", "Spanish"},    {"it", "Italian"},
                 {"pt", "Portuguese"}, {"ru", "Russian"}, {"ar", "Arabic"},   {"hi", "Hindi"},
                 {"vi", "Vietnamese"}, {"id", "Indonesian"}, {"tr", "Turkish"}, {"nl", "Dutch"}};

int ts_aug_mode_parse(const char *spec, ts_aug_mode *mode, const char **variant,
                      const char **language)
{
    *variant = NULL;
    *language = NULL;
    const char *colon = strchr(spec, ':');
    size_t head = colon ? (size_t)(colon - spec) : strlen(spec);
    const char *arg = colon ? colon + 1 : NULL;
#define IS(w) (head == strlen(w) && !memcmp(spec, w, head))
    if (IS("paraphrase") && !arg) {
        *mode = TS_AUG_PARAPHRASE;
        *variant = "augment_paraphrase";
    } else if (IS("broaden") && !arg) {
        *mode = TS_AUG_BROADEN;
        *variant = "augment_broaden";
    } else if (IS("deepen")) {
        *mode = TS_AUG_DEEPEN;
        if (arg) {
            static const char *const short_names[4] = {"constraints", "deepen", "concretize", "reasoning"};
            for (int i = 0; i < 4; i++)
                if (!strcmp(arg, short_names[i]))
                    *variant = deepen_variants[i];
            if (!*variant)
                return TS_EINVAL;
        }
    } else if (IS("translate")) {
        *mode = TS_AUG_TRANSLATE;
        *variant = "augment_translate";
        *language = "Korean";
        if (arg) {
            if (!*arg)
                return TS_EINVAL;
            *language = arg;
            for (size_t i = 0; i < sizeof languages / sizeof *languages; i++)
                if (!strcmp(arg, languages[i].code))
                    *language = languages[i].name;
        }
    } else {
        return TS_EINVAL;
    }
#undef IS
    return 0;
}

static bool ws(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static void trim(const char **s, size_t *n)
{
    while (*n && ws((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && ws((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static bool iprefix(const char *s, size_t n, const char *p)
{
    size_t l = strlen(p);
    if (n < l)
        return false;
    for (size_t i = 0; i < l; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)p[i];
        if (a >= 'A' && a <= 'Z')
            a += 32;
        if (a != b)
            return false;
    }
    return true;
}

void ts_aug_clean(const char **s, size_t *n)
{
    static const char *const labels[] = {"#rewritten prompt#", "#created prompt#", "#new prompt#",
                                         "rewritten instruction", "rewritten prompt", "new instruction",
                                         "instruction", "paraphrase", "translation", NULL};
    trim(s, n);
    for (const char *const *l = labels; *l; l++) {
        size_t ll = strlen(*l);
        if (!iprefix(*s, *n, *l) || *n <= ll)
            continue;
        /* "Label:" always; "#Label#" also without the colon. */
        bool colon = (*s)[ll] == ':';
        if (!colon && !(**l == '#' && ws((unsigned char)(*s)[ll])))
            continue;
        size_t cut = ll + (colon ? 1 : 0);
        *s += cut;
        *n -= cut;
        trim(s, n);
        break;
    }
    if (*n >= 2 && (**s == '"' && (*s)[*n - 1] == '"') && !memchr(*s + 1, '"', *n - 2)) {
        (*s)++;
        *n -= 2;
        trim(s, n);
    }
}
