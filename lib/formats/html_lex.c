/* The lexical side of the HTML converter: entities and attributes. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "html_md.h"

static int utf8_put(unsigned long cp, char *o)
{
    if (!cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80)
        return o[0] = (char)cp, 1;
    if (cp < 0x800)
        return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 63)), 2;
    if (cp < 0x10000)
        return o[0] = (char)(0xE0 | cp >> 12), o[1] = (char)(0x80 | (cp >> 6 & 63)),
               o[2] = (char)(0x80 | (cp & 63)), 3;
    return o[0] = (char)(0xF0 | cp >> 18), o[1] = (char)(0x80 | (cp >> 12 & 63)),
           o[2] = (char)(0x80 | (cp >> 6 & 63)), o[3] = (char)(0x80 | (cp & 63)), 4;
}

static const struct {
    const char *name;
    unsigned cp;
} entities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '},
    {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"hellip", 0x2026}, {"mdash", 0x2014},
    {"ndash", 0x2013}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"laquo", 0xAB}, {"raquo", 0xBB}, {"times", 0xD7}, {"divide", 0xF7},
    {"deg", 0xB0}, {"middot", 0xB7}, {"bull", 0x2022}, {"euro", 0x20AC}, {"pound", 0xA3},
    {"yen", 0xA5}, {"cent", 0xA2}, {"sect", 0xA7}, {"para", 0xB6}, {"plusmn", 0xB1},
    {"larr", 0x2190}, {"rarr", 0x2192}, {"uarr", 0x2191}, {"darr", 0x2193}, {"le", 0x2264},
    {"ge", 0x2265}, {"ne", 0x2260},
};

size_t fmt_html_entity(const char *p, size_t n, char *o, int *olen)
{
    size_t i = 1;
    unsigned long cp = 0;
    if (i < n && p[i] == '#') {
        bool hex = i + 1 < n && (p[i + 1] == 'x' || p[i + 1] == 'X');
        i += hex ? 2 : 1;
        size_t start = i;
        while (i < n && i - start < 8 && (hex ? isxdigit((unsigned char)p[i]) : isdigit((unsigned char)p[i])))
            cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)p[i]) ? p[i] - '0' : (p[i] | 32) - 'a' + 10), i++;
        if (i == start || i >= n || p[i] != ';')
            return 0;
        *olen = utf8_put(cp, o);
        return i + 1;
    }
    while (i < n && i < 10 && isalnum((unsigned char)p[i]))
        i++;
    if (i >= n || p[i] != ';')
        return 0;
    for (size_t k = 0; k < sizeof entities / sizeof *entities; k++)
        if (strlen(entities[k].name) == i - 1 && !memcmp(entities[k].name, p + 1, i - 1)) {
            *olen = utf8_put(entities[k].cp, o);
            return i + 1;
        }
    return 0;
}

bool fmt_html_attr(const char *p, size_t n, const char *name, const char **v, size_t *vlen)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < n;) {
        while (i < n && (isspace((unsigned char)p[i]) || p[i] == '/'))
            i++;
        size_t ks = i;
        while (i < n && !isspace((unsigned char)p[i]) && p[i] != '=' && p[i] != '/')
            i++;
        size_t klen = i - ks;
        while (i < n && isspace((unsigned char)p[i]))
            i++;
        const char *val = "";
        size_t len = 0;
        if (i < n && p[i] == '=') {
            i++;
            while (i < n && isspace((unsigned char)p[i]))
                i++;
            char q = i < n && (p[i] == '"' || p[i] == '\'') ? p[i++] : 0;
            size_t vs = i;
            while (i < n && (q ? p[i] != q : !isspace((unsigned char)p[i])))
                i++;
            val = p + vs;
            len = i - vs;
            if (q && i < n)
                i++;
        }
        if (klen == nl && !strncasecmp(p + ks, name, nl)) {
            *v = val;
            *vlen = len;
            return true;
        }
        if (!klen)
            i++;
    }
    return false;
}

void fmt_html_class_lang(const char *attrs, size_t alen, char *lang, size_t cap)
{
    const char *v;
    size_t n;
    if (!fmt_html_attr(attrs, alen, "class", &v, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        size_t pre = n - i >= 9 && !memcmp(v + i, "language-", 9) ? 9 : n - i >= 5 && !memcmp(v + i, "lang-", 5) ? 5 : 0;
        if (!pre || (i && !isspace((unsigned char)v[i - 1])))
            continue;
        size_t s = i + pre, e = s;
        while (e < n && !isspace((unsigned char)v[e]))
            e++;
        if (e > s && e - s < cap)
            snprintf(lang, cap, "%.*s", (int)(e - s), v + s);
        return;
    }
}

