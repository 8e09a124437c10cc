/* tuneset — chat templates: the Jinja subset that Hugging Face chat
 * templates use, rendered byte for byte as transformers' apply_chat_template
 * does (jinja2 with trim_blocks, lstrip_blocks, loopcontrols, a
 * {% generation %} tag, tojson without ASCII escaping, raise_exception and
 * strftime_now).
 *
 * A template is parsed once into a tree and evaluated per conversation. A
 * loaded ts_template is read-only: several threads may render with it at
 * once (each call uses its own scratch memory). See docs/templates.md for
 * the supported subset.
 */
#ifndef TUNESET_TEMPLATE_H
#define TUNESET_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuneset/arena.h"
#include "tuneset/error.h"
#include "tuneset/json.h"

typedef struct ts_template ts_template;

/* From a tokenizer_config.json's text: chat_template is a string, or a
 * list of {name, template} (render picks "tool_use" when tools are given
 * and it exists, else "default", else the first). bos_token / eos_token
 * are strings or {"content": ...} objects. A config without chat_template
 * is TS_ETEMPLATE. Parse errors are TS_ETEMPLATE with err->line = the
 * line in the template source. */
int ts_template_from_config(const char *json, size_t n, ts_template **out, ts_err *err);
/* The same from a file, or from a folder holding tokenizer_config.json. */
int ts_template_load(const char *path, ts_template **out, ts_err *err);
/* One Jinja source (copied), with optional bos/eos tokens (NULL = ""). */
int ts_template_from_source(const char *src, size_t n, const char *bos_token,
                            const char *eos_token, ts_template **out, ts_err *err);
/* A built-in template by name (chatml, llama3, mistral, gemma, phi3,
 * alpaca, vicuna): TS_ENOENT for an unknown name. */
int ts_template_builtin(const char *name, ts_template **out, ts_err *err);
/* Built-in names in order; NULL past the last. */
const char *ts_template_builtin_name(size_t i);
/* A built-in's Jinja source and special tokens (static strings), or NULL
 * for an unknown name; bos/eos may be NULL. */
const char *ts_template_builtin_source(const char *name, const char **bos, const char **eos);
/* A path (file or folder) when one exists, else a built-in name. */
int ts_template_open(const char *path_or_name, ts_template **out, ts_err *err);
/* bos_token / eos_token as loaded (never NULL; "" when absent). */
const char *ts_template_bos(const ts_template *t);
const char *ts_template_eos(const ts_template *t);
void ts_template_free(ts_template *t); /* NULL is a no-op */

/* A byte range [start, end) of the rendered text that a
 * {% generation %}...{% endgeneration %} block produced (the assistant
 * tokens to train on). Offsets are bytes into `out` from where the render
 * started appending (transformers reports characters; bytes are what a
 * tokenizer's offsets use). */
typedef struct ts_tpl_span {
    size_t start, end;
} ts_tpl_span;

typedef struct ts_tpl_spans {
    ts_tpl_span *v;
    size_t n, cap;
} ts_tpl_spans;

void ts_tpl_spans_release(ts_tpl_spans *s);

typedef struct ts_tpl_render_opts {
    bool add_generation_prompt;
    const ts_json *tools; /* the `tools` variable; NULL = none */
    const ts_json *extra; /* object: more variables (enable_thinking, ...); may override bos_token */
    ts_arena *scratch;    /* reset by the call when given (faster); NULL = a private one */
    uint64_t max_steps;   /* statements and loop iterations allowed; 0 = 10 million */
} ts_tpl_render_opts;

/* Renders `messages` (a JSON array of {role, content, ...}) and appends
 * the text to out. spans (may be NULL) is cleared, then receives the
 * generation blocks. o may be NULL (defaults: no generation prompt, no
 * tools). Errors are TS_ETEMPLATE with the template line in err->line:
 * raise_exception(msg) gives msg itself as err->msg; out is then left as
 * it was. A template that runs past max_steps, or writes past out's cap,
 * fails the same way (so hostile templates cannot hang or balloon).
 * Thread-safe for distinct out/spans/scratch. */
int ts_template_render(const ts_template *t, const ts_json *messages, const ts_tpl_render_opts *o,
                       ts_buf *out, ts_tpl_spans *spans, ts_err *err);

/* Assistant spans for templates without {% generation %} blocks (most
 * real ones): renders the conversation into out like ts_template_render,
 * then, when the template marked no generation block, finds each
 * assistant message's bytes by rendering prefixes: the message's span
 * starts where render(messages[:i], add_generation_prompt) ends and ends
 * where render(messages[:i+1]) ends. Those renders must be prefixes of
 * the full text; a template that renders earlier turns differently once
 * later ones follow (Qwen 3 drops old reasoning) is TS_ENOTSUP, with the
 * message index in err->msg. Costs one render per message, twice. */
int ts_template_assistant_spans(const ts_template *t, const ts_json *messages, const ts_tpl_render_opts *o,
                                ts_buf *out, ts_tpl_spans *spans, ts_err *err);

#endif
