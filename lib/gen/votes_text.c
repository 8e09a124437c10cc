/* Reddit text as SHP kept it: a markdown link keeps only its anchor text
 * ("[text](url)" -> "text"), a URL written out stays, and the three
 * entities Reddit's API escapes in bodies (&amp; &lt; &gt;) are decoded. */
#include <string.h>

#include "tuneset/votes.h"

/* Length of "[text](url)" at s (s[0] == '['), or 0 when it is not one;
 * *tlen is the anchor text's length. The URL may hold balanced
 * parentheses (Wikipedia links) but no white space or newline. */
static size_t link_at(const char *s, size_t n, size_t *tlen)
{
    size_t i = 1;
    int depth = 0;
    for (; i < n && s[i] != ']'; i++) {
        if (s[i] == '\n' || s[i] == '[')
            return 0;
    }
    if (i + 1 >= n || s[i + 1] != '(')
        return 0;
    *tlen = i - 1;
    for (size_t j = i + 2; j < n; j++) {
        char c = s[j];
        if (c == ' ' || c == '\n' || c == '\t')
            return 0;
        if (c == '(')
            depth++;
        else if (c == ')' && depth-- == 0)
            return j > i + 2 ? j + 1 : 0;
    }
    return 0;
}

static size_t entity_at(const char *s, size_t n, char *out)
{
    static const struct {
        const char *e;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}};
    for (size_t k = 0; k < 3; k++) {
        size_t l = strlen(ents[k].e);
        if (n >= l && !memcmp(s, ents[k].e, l)) {
            *out = ents[k].c;
            return l;
        }
    }
    return 0;
}

size_t ts_votes_clean_text(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t tlen, l;
        if (s[i] == '[' && (l = link_at(s + i, n - i, &tlen))) {
            /* The anchor text may itself hold entities. */
            for (size_t j = i + 1; j < i + 1 + tlen;) {
                char c;
                size_t el = entity_at(s + j, i + 1 + tlen - j, &c);
                out[o++] = el ? c : s[j];
                j += el ? el : 1;
            }
            i += l;
            continue;
        }
        char c;
        if (s[i] == '&' && (l = entity_at(s + i, n - i, &c))) {
            out[o++] = c;
            i += l;
            continue;
        }
        out[o++] = s[i++];
    }
    size_t a = 0;
    while (a < o && (out[a] == ' ' || out[a] == '\n' || out[a] == '\t' || out[a] == '\r'))
        a++;
    while (o > a && (out[o - 1] == ' ' || out[o - 1] == '\n' || out[o - 1] == '\t' || out[o - 1] == '\r'))
        o--;
    if (a)
        memmove(out, out + a, o - a);
    return o - a;
}
