/* From records to requests and from replies to turns: the messages of a
 * prompt-only record, and a reasoning trace split off a reply. Shared by
 * the generators. */
#include <string.h>

#include "tuneset/llm.h"

static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

/* "<think>...</think>answer" -> reasoning + answer (models that put their
 * trace in the content instead of reasoning_content). */
void ts_llm_split_think(const char **text, size_t *len, const char **rs, size_t *rlen)
{
    const char *p = *text, *end = p + *len;
    while (p < end && is_space(*p))
        p++;
    if ((size_t)(end - p) < 7 || memcmp(p, "<think>", 7))
        return;
    const char *b = p + 7;
    for (const char *q = b; q + 8 <= end; q++)
        if (!memcmp(q, "</think>", 8)) {
            const char *a = q + 8;
            while (a < end && is_space(*a))
                a++;
            const char *re = q;
            while (re > b && is_space(re[-1]))
                re--;
            while (b < re && is_space(*b))
                b++;
            *rs = b;
            *rlen = (size_t)(re - b);
            *text = a;
            *len = (size_t)(end - a);
            return;
        }
}

static void add_turn(ts_jb *b, const char *role, const char *s, size_t n)
{
    ts_jb_object(b);
    ts_jb_key(b, "role");
    ts_jb_cstr(b, role);
    ts_jb_key(b, "content");
    ts_jb_str(b, s, n);
    ts_jb_end(b);
}

const char *ts_llm_prompt_messages(const ts_json *rec, ts_jb *b, bool *answered)
{
    *answered = false;
    const ts_json *ms = ts_json_get(rec, "messages");
    if (ts_json_is(ms, TS_JSON_ARRAY)) {
        if (!ms->len)
            return "\"messages\" is empty";
        const ts_json *last = &ms->u.items[ms->len - 1];
        const ts_json *role = ts_json_get(last, "role");
        if (ts_json_str_eq(role, "assistant")) {
            *answered = true;
            return NULL;
        }
        if (!ts_json_str_eq(role, "user"))
            return "the last turn of \"messages\" is not a user turn";
        for (uint32_t i = 0; i < ms->len; i++) {
            const ts_json *r = ts_json_get(&ms->u.items[i], "role"), *c = ts_json_get(&ms->u.items[i], "content");
            if (!ts_json_is(r, TS_JSON_STRING) || !ts_json_is(c, TS_JSON_STRING))
                return "a turn of \"messages\" lacks a string role or content";
            ts_jb_object(b);
            ts_jb_key(b, "role");
            ts_jb_value(b, r);
            ts_jb_key(b, "content");
            ts_jb_value(b, c);
            ts_jb_end(b);
        }
        return NULL;
    }
    const ts_json *sys = ts_json_get(rec, "system");
    if (ts_json_is(sys, TS_JSON_STRING) && sys->len)
        add_turn(b, "system", sys->u.s, sys->len);
    const ts_json *p = ts_json_get(rec, "prompt"), *ins = ts_json_get(rec, "instruction");
    if (ts_json_is(p, TS_JSON_STRING) && p->len) {
        add_turn(b, "user", p->u.s, p->len);
        return NULL;
    }
    if (ts_json_is(ins, TS_JSON_STRING) && ins->len) {
        const ts_json *in = ts_json_get(rec, "input");
        if (!ts_json_is(in, TS_JSON_STRING) || !in->len) {
            add_turn(b, "user", ins->u.s, ins->len);
            return NULL;
        }
        /* Alpaca's layout: the instruction, a blank line, the input. */
        size_t n = (size_t)ins->len + 2 + in->len;
        char *s = ts_arena_alloc(b->arena, n);
        if (!s)
            return "out of memory";
        memcpy(s, ins->u.s, ins->len);
        memcpy(s + ins->len, "\n\n", 2);
        memcpy(s + ins->len + 2, in->u.s, in->len);
        add_turn(b, "user", s, n);
        return NULL;
    }
    return "not a prompt: no \"messages\" ending in a user turn, \"prompt\" or \"instruction\"";
}

