/* tuneset — language identification with CLD2 (Compact Language
 * Detector 2, Debian libcld2-dev: quad-gram tables compiled in) or
 * libexttextcat (n-gram fingerprints, libexttextcat-dev; models in
 * /usr/share/libexttextcat). Codes are ISO 639-1 ("en", "ko", "zh", "pt",
 * "nb", "he", ...). Rules and measured accuracy of both: docs/curate.md.
 */
#ifndef TUNESET_CURATE_LANG_H
#define TUNESET_CURATE_LANG_H

#include <stdbool.h>
#include <stddef.h>

#include "tuneset/arena.h"
#include "tuneset/json.h"

typedef struct ts_lang ts_lang;

/* The default model directory (holds fpdb.conf and the *.lm files). */
#define TS_LANG_MODEL_DIR "/usr/share/libexttextcat/"

typedef enum { TS_LANG_TEXTCAT, TS_LANG_CLD2 } ts_lang_detector;

/* textcat: loads the models from dir (NULL: TS_LANG_MODEL_DIR; must end
 * in '/'). NULL when the models cannot be read. */
ts_lang *ts_lang_open(const char *dir);
/* Either detector (dir is textcat's; CLD2 needs none). NULL on failure. */
ts_lang *ts_lang_open_with(ts_lang_detector det, const char *dir);
void ts_lang_close(ts_lang *l);

typedef struct ts_lang_guess {
    char code[16];     /* "" when unknown or too short */
    double confidence; /* 0 when unknown. textcat: 1 / number of tied
                          candidates; CLD2: the share of the text in the
                          language, halved when CLD2 calls it unreliable */
} ts_lang_guess;

/* Guesses the language of s[0..n) (UTF-8; only the first few KB are
 * looked at). Returns false (code "", confidence 0) when the text is too
 * short or matches no model clearly. */
bool ts_lang_detect(ts_lang *l, const char *s, size_t n, ts_lang_guess *g);

/* Appends the text a record is judged by to out: the user turns of
 * messages / prompt when there are any, else all text (messages,
 * prompt, chosen, rejected, text). 0 or TS_ENOMEM. */
int ts_lang_record_text(const ts_json *rec, ts_buf *out);

typedef struct ts_lang_opts {
    double min_confidence; /* below it the record gets meta.lang "und" */
    bool overwrite;        /* replace an existing meta.lang */
} ts_lang_opts;

typedef enum {
    TS_LANG_SET,     /* meta.lang and meta.lang_confidence written */
    TS_LANG_UNKNOWN, /* written as "und" with the confidence found */
    TS_LANG_KEPT     /* meta.lang was already there and !overwrite */
} ts_lang_outcome;

/* Detects rec's language and writes meta.lang / meta.lang_confidence
 * (creating meta when missing). g receives the guess (code "und" when
 * unknown; the existing value when kept). scratch is reused between
 * calls. 0, TS_ENOMEM, or TS_EINVAL when rec is not an object. */
int ts_lang_record(ts_lang *l, ts_json *rec, const ts_lang_opts *o, ts_arena *a, ts_buf *scratch,
                   ts_lang_guess *g, ts_lang_outcome *out);

/* For a filter: true when code is in the comma-separated list
 * ("ko,en"); an entry matches code exactly or as its prefix before '-'
 * ("pt" matches "pt-BR"). */
bool ts_lang_in_list(const char *code, size_t n, const char *list);

#endif
