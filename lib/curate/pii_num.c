/* The digit-shaped PII detectors: card numbers (Luhn), IBANs (mod 97)
 * and phone numbers. Boundary rules as in pii.c. */
#include "pii_det.h"
#include "tuneset/curate_pii.h"

/* --- credit cards ------------------------------------------------------- */

bool ts_pii_luhn(const char *d, size_t n)
{
    unsigned sum = 0, cnt = 0;
    for (size_t k = n; k-- > 0;) {
        if (d[k] == ' ' || d[k] == '-')
            continue;
        if (!dig(d[k]))
            return false;
        unsigned v = (unsigned)(d[k] - '0');
        if (cnt++ & 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return cnt > 0 && sum % 10 == 0;
}

/* 13-19 digits, single ' ' or '-' between groups (one kind only), issuer
 * digit 2-6 (Mastercard 2/5, Amex 3, Visa 4, Discover 6), Luhn valid. */
size_t pii_det_card(const char *s, size_t n, size_t i)
{
    if (s[i] < '2' || s[i] > '6' || (i && (alnum(s[i - 1]) || s[i - 1] == '_' || sep_digit_before(s, i))))
        return 0;
    size_t j = i, digits = 0;
    char sep = 0;
    while (j < n) {
        if (dig(s[j])) {
            digits++;
            j++;
        } else if ((s[j] == ' ' || s[j] == '-') && j + 1 < n && dig(s[j + 1]) && (!sep || sep == s[j])) {
            sep = s[j];
            j++;
        } else
            break;
        if (digits > 19)
            return 0;
    }
    if (digits < 13 || (j < n && (alpha(s[j]) || s[j] == '_' || sep_digit_after(s, n, j))))
        return 0;
    return ts_pii_luhn(s + i, j - i) ? j - i : 0;
}

/* --- IBAN --------------------------------------------------------------- */

bool ts_pii_iban_ok(const char *s, size_t n)
{
    if (n < 15 || n > 34 || !upper(s[0]) || !upper(s[1]) || !dig(s[2]) || !dig(s[3]))
        return false;
    unsigned r = 0;
    for (size_t k = 0; k < n; k++) {
        char c = s[(k + 4) % n]; /* the first four characters move to the end */
        if (dig(c))
            r = (r * 10 + (unsigned)(c - '0')) % 97;
        else if (upper(c))
            r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
        else
            return false;
    }
    return r == 1;
}

/* CC kk then BBAN; printed either solid or in groups of four separated by
 * single spaces (last group 1-4). With spaces we try the longest run of
 * groups first and back off, so a following upper-case word is not eaten. */
size_t pii_det_iban(const char *s, size_t n, size_t i)
{
    if (i + 4 > n || !upper(s[i]) || !upper(s[i + 1]) || !dig(s[i + 2]) || !dig(s[i + 3]) ||
        (i && (alnum(s[i - 1]) || s[i - 1] == '_')))
        return 0;
    char buf[40];
    size_t j = i, len = 0;
    while (j < n && (upper(s[j]) || dig(s[j])) && len < 35)
        buf[len++] = s[j++];
    if (len > 4) /* solid form: the whole run, ended by a word boundary */
        return j < n && (lower(s[j]) || s[j] == '_') ? 0 : ts_pii_iban_ok(buf, len) ? j - i : 0;
    size_t ends[10], nends = 0;
    while (nends < 8 && j + 1 < n && s[j] == ' ') {
        size_t k = j + 1, g = 0;
        while (k < n && (upper(s[k]) || dig(s[k])) && g < 5)
            k++, g++;
        if (g == 0 || g > 4 || (k < n && alnum(s[k])))
            break;
        for (size_t q = j + 1; q < k; q++)
            buf[len++] = s[q];
        ends[nends++] = k;
        j = k;
        if (g < 4)
            break;
    }
    for (size_t e = nends; e-- > 0;) {
        size_t l = 4 + 4 * e + (ends[e] - (e ? ends[e - 1] + 1 : i + 5));
        if (ts_pii_iban_ok(buf, l))
            return ends[e] - i;
    }
    return 0;
}

/* --- phone numbers ------------------------------------------------------ */

/* Digit groups joined by single ' ', '-' or '.' (one kind unless mixed:
 * "+82 10-1234-5678"), or a "(NNN)" group followed by an optional
 * space. Fills the group lengths. */
static size_t digit_groups(const char *s, size_t n, size_t j, unsigned *g, size_t *ng, size_t maxg, char *sep,
                           bool mixed)
{
    size_t start = j;
    *ng = 0;
    *sep = 0;
    while (j < n && *ng < maxg) {
        bool paren = s[j] == '(';
        size_t k = j + paren;
        size_t d = k;
        while (d < n && dig(s[d]))
            d++;
        if (d == k || (paren && (d >= n || s[d] != ')')))
            break;
        g[(*ng)++] = (unsigned)(d - k);
        j = d + paren;
        if (paren && j < n && s[j] == ' ' && j + 1 < n && dig(s[j + 1]))
            j++;
        else if (j + 1 < n && (s[j] == ' ' || s[j] == '-' || s[j] == '.') &&
                 (dig(s[j + 1]) || s[j + 1] == '(') && (mixed || !*sep || *sep == s[j])) {
            if (!paren && s[j + 1] != '(')
                *sep = s[j];
            j++;
        } else if (!paren || j >= n || !dig(s[j]))
            break;
    }
    while (j > start && !dig(s[j - 1]) && s[j - 1] != ')')
        j--;
    return j - start;
}

size_t pii_det_phone(const char *s, size_t n, size_t i)
{
    if (i && (alnum(s[i - 1]) || s[i - 1] == '+' || s[i - 1] == '_' || (s[i] != '+' && sep_digit_before(s, i))))
        return 0;
    unsigned g[12];
    size_t ng, len, digits = 0;
    char sep;
    if (s[i] == '+') {
        /* +CC ...: E.164 allows at most 15 digits; 8 is the shortest real
         * international number we accept. */
        if (i + 1 >= n || !dig(s[i + 1]) || s[i + 1] == '0')
            return 0;
        len = digit_groups(s, n, i + 1, g, &ng, 12, &sep, true);
        for (size_t k = 0; k < ng; k++)
            digits += g[k];
        if (digits < 8 || digits > 15)
            return 0;
        len += 1;
    } else if (s[i] == '(' || dig(s[i])) {
        len = digit_groups(s, n, i, g, &ng, 4, &sep, false);
        for (size_t k = 0; k < ng; k++)
            digits += g[k];
        bool paren = s[i] == '(';
        /* NANP 3-3-4 (or 1-3-3-4), "(NNN) NNN-NNNN", or a trunk-prefixed national
         * number 0N(N)-NNN(N)-NNNN (Korea 010-1234-5678, 02-123-4567). */
        bool nanp = (ng == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4 && (paren || sep)) ||
                    (ng == 4 && s[i] == '1' && g[0] == 1 && g[1] == 3 && g[2] == 3 && g[3] == 4 && sep);
        bool trunk = ng == 3 && (paren ? s[i + 1] == '0' : s[i] == '0') && g[0] >= 2 && g[0] <= 4 &&
                     g[1] >= 3 && g[1] <= 4 && g[2] == 4;
        if (!nanp && !trunk)
            return 0;
    } else
        return 0;
    size_t j = i + len;
    if (j < n && (alnum(s[j]) || s[j] == '_' || sep_digit_after(s, n, j)))
        return 0;
    return len;
}

