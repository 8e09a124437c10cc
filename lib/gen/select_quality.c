/* s1K's quality filters on question, trace and answer texts: API error
 * messages stored as answers, images (which a text model cannot see), and
 * markup broken badly enough to mislead training. */
#include <ctype.h>
#include <string.h>

#include "tuneset/select.h"

static bool has_ci(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= n; i++) {
        size_t k = 0;
        while (k < l && tolower((unsigned char)s[i + k]) == lit[k])
            k++;
        if (k == l)
            return true;
    }
    return false;
}

/* Texts API clients store when a call failed instead of a completion. */
static const char *const api_errors[] = {
    "error code: 4", "error code: 5", "api error", "apierror", "rate limit exceeded", "ratelimiterror",
    "internal server error", "service unavailable", "bad gateway", "request timed out",
    "context_length_exceeded", "insufficient_quota", "overloaded_error", "invalid_request_error",
    "the server had an error", "an error occurred while processing",
};

static const char *const images[] = {
    "![", "<img", "\\includegraphics", "[asy]", "\\begin{asy}", "data:image/",
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", "[image]", "<image>",
};

/* \begin{env} ... \end{env} must nest properly. */
static bool envs_balanced(const char *s, size_t n)
{
    enum { MAXD = 32 };
    const char *name[MAXD];
    size_t len[MAXD];
    int d = 0;
    for (size_t i = 0; i < n; i++) {
        bool begin = !strncmp(s + i, "\\begin{", n - i < 7 ? n - i : 7) && n - i >= 7;
        bool end = !begin && n - i >= 5 && !strncmp(s + i, "\\end{", 5);
        if (!begin && !end)
            continue;
        size_t k = i + (begin ? 7 : 5), e = k;
        while (e < n && s[e] != '}' && s[e] != '\n')
            e++;
        if (e >= n || s[e] != '}')
            return false;
        if (begin) {
            if (d == MAXD)
                return false;
            name[d] = s + k;
            len[d++] = e - k;
        } else {
            if (!d || len[d - 1] != e - k || memcmp(name[d - 1], s + k, e - k))
                return false;
            d--;
        }
        i = e;
    }
    return d == 0;
}

static bool markup_broken(const char *s, size_t n)
{
    size_t dd = 0, open = 0, close = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '\\' && (s[i + 1] == '$' || s[i + 1] == '\\')) {
            i++; /* \$ is a dollar sign, \\ a line break */
            continue;
        }
        if (s[i] == '$' && s[i + 1] == '$') {
            dd++;
            i++;
        } else if (s[i] == '\\' && s[i + 1] == '[') {
            open++;
        } else if (s[i] == '\\' && s[i + 1] == ']') {
            close++;
        }
    }
    return (dd & 1) || open != close || !envs_balanced(s, n);
}

const char *ts_select_quality(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof api_errors / sizeof *api_errors; i++)
        if (has_ci(s, n, api_errors[i]))
            return "api_error";
    for (size_t i = 0; i < sizeof images / sizeof *images; i++)
        if (has_ci(s, n, images[i]))
            return "image";
    if (markup_broken(s, n))
        return "broken_markup";
    return NULL;
}
