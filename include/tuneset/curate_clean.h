/* tuneset — cleaning: normalization (trim, HTML to Markdown) and named
 * filters (turn structure, lengths, repetition, AI disclaimers, bad
 * characters). A record fails at most one rule: the first, in the order of
 * the TS_CLEAN_RULE_* names below. See docs/curate_clean.md.
 * Not thread-safe; one ts_clean per run.
 */
#ifndef TUNESET_CURATE_CLEAN_H
#define TUNESET_CURATE_CLEAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/json.h"

typedef struct ts_clean_opts {
    bool structure;               /* empty_turn, consecutive_same_role (on) */
    bool require_final_assistant; /* no_final_assistant (off) */
    size_t min_turn_chars, max_turn_chars; /* characters = code points; 0 = off */
    size_t min_chars, max_chars;           /* over all the record's turns; 0 = off */
    double max_dup_line_ratio;  /* < 0 = off */
    double max_dup_ngram_ratio; /* word 3-grams; < 0 = off */
    size_t max_char_run;        /* 0 = off */
    bool drop_disclaimers;
    const char *const *disclaimers; /* NULL-terminated; NULL = ts_clean_default_disclaimers */
    double max_bad_char_ratio;      /* < 0 = off */
    bool trim;                      /* whitespace at both ends of every turn */
    bool html_to_md;
    bool nfc;                       /* Unicode NFC (utf8proc), after HTML, before trim */
    /* Token limits (0 = off) count each turn's content with tokenizer
     * (tuneset/tokenizer.h; borrowed, needed when any is set): no chat
     * template and no special tokens around it, as ts_tokenizer_count. */
    struct ts_tokenizer *tokenizer;
    size_t min_turn_tokens, max_turn_tokens; /* turn_too_few_tokens / turn_too_many_tokens */
    size_t min_tokens, max_tokens;           /* over all turns: too_few_tokens / too_many_tokens */
} ts_clean_opts;

/* The documented default phrase list (NULL-terminated). */
extern const char *const ts_clean_default_disclaimers[];

void ts_clean_opts_default(ts_clean_opts *o);

typedef struct ts_clean ts_clean;

/* Copies what it needs from o (phrases too; the tokenizer stays borrowed).
 * 0, TS_EINVAL (a token limit without a tokenizer) or TS_ENOMEM. */
int ts_clean_new(ts_clean **out, const ts_clean_opts *o);
void ts_clean_free(ts_clean *c);

enum { TS_CLEAN_EDIT_TRIM = 1, TS_CLEAN_EDIT_HTML = 2, TS_CLEAN_EDIT_NFC = 4 };

typedef struct ts_clean_result {
    const char *rule; /* NULL: keep the record; else the drop rule's name */
    unsigned edits;   /* TS_CLEAN_EDIT_* bits: normalizations that changed it */
} ts_clean_result;

/* Normalizes rec in place (changed strings are allocated in a, which must
 * outlive rec's use), then applies the filters. Turns are the contents of
 * messages, prompt, chosen and rejected, or a text record's text; for
 * preference records the prompt continues into chosen and into rejected.
 * 0, or TS_ENOMEM / TS_ETOOBIG. */
int ts_clean_record(ts_clean *c, ts_json *rec, ts_arena *a, ts_clean_result *res);

/* --- the measures, exposed for tests and other stages (clean_text.c) --- */

/* Share of a text's non-blank lines (whitespace-trimmed) equal to an
 * earlier line. 0 when there are none. */
double ts_clean_dup_line_ratio(ts_clean *c, const char *s, size_t n);
/* Share of the word n-grams (whitespace-split, ASCII-lowercased) equal to
 * an earlier one. 0 with fewer than n words. -1 on ENOMEM (both). */
double ts_clean_dup_ngram_ratio(ts_clean *c, const char *s, size_t n, unsigned ngram);
/* Longest run of one repeated non-whitespace character (code point). */
size_t ts_clean_longest_run(const char *s, size_t n);
/* Characters (code points; an invalid byte counts as one) and how many of
 * them are bad: control characters other than \n and \t, C1 controls,
 * U+FFFD, invalid UTF-8, and the characters of mojibake sequences (UTF-8
 * read as Latin-1/cp1252: "Ã©", "Â ", "â€™"). */
size_t ts_clean_bad_chars(const char *s, size_t n, size_t *nchars);
/* True when s contains one of the phrases (case-insensitive for ASCII,
 * U+2019 read as an apostrophe). -1 on ENOMEM. */
int ts_clean_has_disclaimer(ts_clean *c, const char *s, size_t n);
/* Code points in s[0..n). */
size_t ts_clean_chars(const char *s, size_t n);

#endif
