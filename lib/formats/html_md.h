/* HTML to Markdown, for the ShareGPT cleaning: ShareGPT stored ChatGPT's
 * replies as the rendered page's HTML. Internal to lib/formats. */
#ifndef TS_FMT_HTML_MD_H
#define TS_FMT_HTML_MD_H

#include <stdbool.h>
#include <stddef.h>

#include "tuneset/arena.h"

/* Converts HTML to Markdown: <div>/<span> and unknown tags dropped (their
 * text kept), <p> paragraphs, <br> newlines, <pre> blocks (and ChatGPT's
 * "python / Copy code" header inside them) as fenced code blocks with the
 * language, inline <code> in backticks, <b>/<strong> **, <i>/<em> *,
 * <a href> links, <li> "- " / "N. " items, <h1..6> #'s, simple tables,
 * <script>/<style>/<svg> contents removed, entities decoded. Text that
 * contains no tag passes unchanged (entities included). Never fails on
 * malformed HTML: a '<' that starts no tag is text. Result in the arena
 * (may borrow s when unchanged). 0, or TS_ENOMEM / TS_ETOOBIG. */
int fmt_html_to_md(ts_arena *a, const char *s, size_t n, const char **out, size_t *outlen);

/* Removes ChatGPT page artefacts from Markdown text, as FastChat's
 * clean_sharegpt does: "```langCopy code..." fences rebuilt as
 * "```lang\n...\n```" (empty ones removed), a leading "N / N" regenerate
 * counter, "CopyN chars / N words" labels; then trims whitespace at both
 * ends. Result in the arena (may borrow s). 0 or TS_ENOMEM. */
int fmt_md_strip_artifacts(ts_arena *a, const char *s, size_t n, const char **out, size_t *outlen);

/* --- the converter's lexical helpers (html_lex.c) --- */

/* Decodes the character reference at p[0] == '&' (named ones in common
 * use, &#NNN; and &#xHH;) into o (4 bytes, *olen set); returns the bytes
 * consumed, or 0 when it is none (then the '&' is plain text). */
size_t fmt_html_entity(const char *p, size_t n, char *o, int *olen);
/* Value (raw, entities not decoded) of attribute name in a tag's
 * attribute text p[0..n); false when absent. */
bool fmt_html_attr(const char *p, size_t n, const char *name, const char **v, size_t *vlen);
/* Copies x of a "language-x" / "lang-x" class into lang, if any. */
void fmt_html_class_lang(const char *attrs, size_t alen, char *lang, size_t cap);

#endif
