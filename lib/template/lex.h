/* The template lexer: text and tag tokens, with jinja2's whitespace
 * control applied as it lexes (trim_blocks and lstrip_blocks on, as
 * transformers sets them). */
#ifndef TS_TPL_LEX_H
#define TS_TPL_LEX_H

#include "tpl_int.h"

typedef enum {
    T_EOF,
    T_DATA,
    T_BBEGIN, /* {% */
    T_BEND,   /* %} */
    T_VBEGIN, /* {{ */
    T_VEND,   /* }} */
    T_NAME,
    T_STR, /* s/n: the literal with its quotes */
    T_INT,
    T_FLOAT,
    T_OP, /* s/n: the operator */
    T_RAW /* s/n: the body of a raw block (emitted as data) */
} tpl_tok_type;

typedef struct tpl_tok {
    uint8_t t;
    uint32_t line;
    const char *s;
    size_t n;
} tpl_tok;

typedef struct tpl_toks {
    tpl_tok *v;
    size_t n, cap;
} tpl_toks;

/* Lexes the normalized source (newlines as \n). Tokens borrow src. */
int tpl_lex(const char *src, size_t n, tpl_toks *out, ts_err *err);

#endif
