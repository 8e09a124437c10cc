/* datagen's JSON emitter: the layouts the real files are written in,
 * json.dump(indent=N) or one line with Python's default separators. */
#include "datagen.h"

static void newline(emitter *e, int depth)
{
    size_t n = (size_t)e->indent * (size_t)depth;
    reserve(e->o, n + 1);
    e->o->p[e->o->len++] = '\n';
    memset(e->o->p + e->o->len, ' ', n);
    e->o->len += n;
}
void em_item(emitter *e)
{
    if (!e->first[e->depth])
        put(e->o, e->indent ? "," : ", ", e->indent ? 1 : 2);
    if (e->indent)
        newline(e, e->depth);
    e->first[e->depth] = 0;
}
void em_open(emitter *e, char c)
{
    putc_(e->o, c);
    e->first[++e->depth] = 1;
}
void em_close(emitter *e, char c)
{
    int empty = e->first[e->depth--];
    if (!empty && e->indent)
        newline(e, e->depth);
    putc_(e->o, c);
}

/* ensure_ascii files (Alpaca, many ShareGPT dumps) spell every non-ASCII
 * character as \uXXXX, astral ones as surrogate pairs. */
int dg_ascii_mode;

void em_str(emitter *e, const char *s, size_t n)
{
    buf *o = e->o;
    reserve(o, n * 2 + 2);
    putc_(o, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        const unsigned char *q = p;
        while (q < end && *q >= 0x20 && *q != '"' && *q != '\\' && (*q < 0x80 || !dg_ascii_mode))
            q++;
        put(o, (const char *)p, (size_t)(q - p));
        if (q == end)
            break;
        unsigned c = *q;
        char esc[16];
        int k;
        p = q + 1;
        switch (c) {
        case '"': k = snprintf(esc, sizeof esc, "\\\""); break;
        case '\\': k = snprintf(esc, sizeof esc, "\\\\"); break;
        case '\n': k = snprintf(esc, sizeof esc, "\\n"); break;
        case '\r': k = snprintf(esc, sizeof esc, "\\r"); break;
        case '\t': k = snprintf(esc, sizeof esc, "\\t"); break;
        default:
            if (c < 0x80) {
                k = snprintf(esc, sizeof esc, "\\u%04x", c);
                break;
            }
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            unsigned cp = c & (0x3F >> (len - 1));
            for (size_t i = 1; i < len; i++)
                cp = cp << 6 | (q[i] & 0x3F);
            p = q + len;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                k = snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            } else {
                k = snprintf(esc, sizeof esc, "\\u%04x", cp);
            }
        }
        put(o, esc, (size_t)k);
    }
    putc_(o, '"');
}
void em_cstr(emitter *e, const char *s) { em_str(e, s, strlen(s)); }
void em_key(emitter *e, const char *k)
{
    em_item(e);
    em_cstr(e, k);
    put(e->o, ": ", 2);
}
void em_raw(emitter *e, const char *s) { puts_(e->o, s); }
void em_int(emitter *e, long long v)
{
    char num[32];
    int k = snprintf(num, sizeof num, "%lld", v);
    put(e->o, num, (size_t)k);
}
/* Quarters: what Python prints for them is exactly what we print. */
void em_quarter(emitter *e, uint32_t quarters)
{
    static const char *frac[] = {".0", ".25", ".5", ".75"};
    em_int(e, quarters / 4);
    em_raw(e, frac[quarters % 4]);
}
