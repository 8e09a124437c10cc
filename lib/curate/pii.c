/* PII scanners. Each det_* looks for one kind starting exactly at i and
 * returns the match length (0 = none); each checks its own left and right
 * boundaries so that a match never starts or ends inside a longer token
 * (an IP inside "1.2.3.4.5", a card inside a longer digit run). */
#include <string.h>

#include "pii_det.h"
#include "tuneset/curate_pii.h"

static const char *const type_names[] = {"email", "phone", "ip", "credit_card", "iban", "secret"};
static const char *const placeholders[] = {"<EMAIL>", "<PHONE>",       "<IP>",
                                           "<CREDIT_CARD>", "<IBAN>", "<SECRET>"};

const char *ts_pii_type_name(ts_pii_type t) { return t < TS_PII_NTYPES ? type_names[t] : "?"; }
const char *ts_pii_placeholder(ts_pii_type t) { return t < TS_PII_NTYPES ? placeholders[t] : "<PII>"; }

/* --- e-mail ------------------------------------------------------------- */

static bool local_ch(char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

static size_t det_email(const char *s, size_t n, size_t i)
{
    if ((i && local_ch(s[i - 1])) || s[i] == '.' || !local_ch(s[i]))
        return 0;
    size_t j = i;
    while (j < n && local_ch(s[j]) && j - i <= 64)
        j++;
    if (j >= n || s[j] != '@' || j - i > 64)
        return 0;
    j++;
    /* Labels of [A-Za-z0-9-] joined by dots; the last (TLD) letters only,
     * >= 2 long. A final dot is the sentence's, not the domain's. */
    size_t labels = 0, last_start = j, end = 0;
    while (j < n) {
        size_t k = j;
        while (k < n && (alnum(s[k]) || s[k] == '-'))
            k++;
        if (k == j || s[j] == '-' || s[k - 1] == '-')
            break;
        labels++;
        last_start = j;
        end = k;
        if (k + 1 < n && s[k] == '.' && alnum(s[k + 1]))
            j = k + 1;
        else
            break;
    }
    if (labels < 2 || (end < n && (s[end] == '_' || s[end] == '@')))
        return 0;
    if (end - last_start < 2)
        return 0;
    for (size_t k = last_start; k < end; k++)
        if (!alpha(s[k]))
            return 0;
    return end - i;
}

/* --- IPv4 / IPv6 -------------------------------------------------------- */

static bool ieq(const char *a, size_t n, const char *w)
{
    size_t m = strlen(w);
    if (n != m)
        return false;
    for (size_t k = 0; k < n; k++)
        if ((char)(a[k] | 0x20) != w[k])
            return false;
    return true;
}

/* A dotted quad right after "v", "ver", "version", "release" or "build"
 * (optionally one space between) is a version number, not an address. */
static bool version_context(const char *s, size_t i)
{
    size_t e = i;
    if (e && s[e - 1] == ' ')
        e--;
    size_t b = e;
    while (b && alpha(s[b - 1]))
        b--;
    static const char *const words[] = {"v", "ver", "version", "release", "build", "rev"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (ieq(s + b, e - b, words[k]))
            return true;
    return false;
}

/* Parses d.d.d.d (octets <= 255, no leading zeros) at i; length or 0. */
static size_t ipv4_at(const char *s, size_t n, size_t i)
{
    size_t j = i;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (j >= n || s[j] != '.')
                return 0;
            j++;
        }
        size_t k = j;
        unsigned v = 0;
        while (k < n && dig(s[k]) && k - j < 4)
            v = v * 10 + (unsigned)(s[k++] - '0');
        if (k == j || k - j > 3 || v > 255 || (s[j] == '0' && k - j > 1))
            return 0;
        j = k;
    }
    return j - i;
}

static size_t det_ipv4(const char *s, size_t n, size_t i)
{
    if (!dig(s[i]) || (i && (alnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '_')))
        return 0;
    size_t len = ipv4_at(s, n, i);
    if (!len)
        return 0;
    size_t j = i + len;
    if (j < n && (alnum(s[j]) || s[j] == '_' || sep_digit_after(s, n, j)))
        return 0;
    return version_context(s, i) ? 0 : len;
}

static size_t det_ipv6(const char *s, size_t n, size_t i)
{
    if (!(hexd(s[i]) || s[i] == ':') || (i && (alnum(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '_')))
        return 0;
    size_t j = i, groups = 0, best = 0;
    bool compressed = false, digit = false, v4 = false;
    if (j + 1 < n && s[j] == ':' && s[j + 1] == ':') {
        compressed = true;
        j += 2;
        best = j;
    } else if (s[j] == ':')
        return 0;
    while (j < n && groups < 8) {
        size_t v4len = hexd(s[j]) ? ipv4_at(s, n, j) : 0;
        if (v4len && groups <= 6) { /* an IPv4 tail counts as two groups */
            groups += 2;
            j += v4len;
            best = j;
            digit = v4 = true;
            break;
        }
        size_t k = j;
        while (k < n && hexd(s[k]) && k - j < 5)
            k++;
        if (k == j || k - j > 4)
            break;
        for (size_t q = j; q < k; q++)
            digit |= dig(s[q]);
        groups++;
        j = k;
        best = j;
        if (j + 1 < n && s[j] == ':' && s[j + 1] == ':' && !compressed) {
            compressed = true;
            j += 2;
            best = j;
        } else if (j + 1 < n && s[j] == ':' && hexd(s[j + 1]))
            j++;
        else
            break;
    }
    j = best;
    if (j < n && (alnum(s[j]) || s[j] == '_' || (s[j] == ':' && j + 1 < n && hexd(s[j + 1]))))
        return 0;
    if (compressed ? groups > 7 || (groups < 2 && !(groups == 1 && j - i == 3 && s[j - 1] == '1')) : groups != 8)
        return 0;
    /* "dead::beef" or "a::b" in code is not an address: need a digit. */
    if (!digit && !v4)
        return 0;
    if (j - i == 2)
        return 0; /* bare "::" */
    return j - i;
}

/* --- secrets ------------------------------------------------------------ */

typedef struct {
    const char *prefix;
    unsigned min, max; /* body length bounds (max 0 = none) */
    bool upper_digits; /* body [A-Z0-9] only (AWS) */
} secret_rule;

/* Longer prefixes first where one is a prefix of another (sk-proj-). */
static const secret_rule secret_rules[] = {
    {"sk-proj-", 20, 0, false}, {"sk-ant-", 20, 0, false}, {"sk-", 20, 0, false},
    {"sk_live_", 16, 0, false}, {"sk_test_", 16, 0, false}, {"rk_live_", 16, 0, false},
    {"github_pat_", 22, 0, false}, {"ghp_", 36, 0, false},   {"gho_", 36, 0, false},
    {"ghu_", 36, 0, false},     {"ghs_", 36, 0, false},      {"ghr_", 36, 0, false},
    {"glpat-", 20, 0, false},   {"xoxb-", 10, 0, false},     {"xoxp-", 10, 0, false},
    {"xoxa-", 10, 0, false},    {"xoxs-", 10, 0, false},     {"hf_", 30, 0, false},
    {"AKIA", 16, 16, true},     {"ASIA", 16, 16, true},      {"AIza", 35, 35, false},
};

static bool key_ch(char c) { return alnum(c) || c == '_' || c == '-'; }

static size_t det_secret(const char *s, size_t n, size_t i)
{
    char c = s[i];
    if ((i && key_ch(s[i - 1])) || !(c == 's' || c == 'g' || c == 'r' || c == 'x' || c == 'h' || c == 'A'))
        return 0;
    for (size_t r = 0; r < sizeof secret_rules / sizeof *secret_rules; r++) {
        const secret_rule *sr = &secret_rules[r];
        if (sr->prefix[0] != c || n - i < 4 || sr->prefix[1] != s[i + 1])
            continue;
        size_t pl = strlen(sr->prefix);
        if (n - i < pl || memcmp(s + i, sr->prefix, pl))
            continue;
        size_t j = i + pl;
        bool lo = false, up = false, di = false;
        while (j < n && (sr->upper_digits ? upper(s[j]) || dig(s[j]) : key_ch(s[j]))) {
            lo |= lower(s[j]);
            up |= upper(s[j]);
            di |= dig(s[j]);
            j++;
        }
        size_t body = j - i - pl;
        if (j < n && key_ch(s[j]))
            return 0; /* AWS ids are exactly 16: a longer run is something else */
        /* Random keys mix character classes; "sk-my-very-long-name" does not. */
        if (body < sr->min || (sr->max && body > sr->max) || (lo + up + di) < 2)
            return 0;
        return j - i;
    }
    return 0;
}

/* --- the scan ----------------------------------------------------------- */

bool ts_pii_next(const char *s, size_t n, size_t from, ts_pii_match *m)
{
    for (size_t i = from; i < n; i++) {
        char c = s[i];
        size_t len = 0;
        ts_pii_type t = TS_PII_NTYPES;
        if (!(alnum(c) || c == '+' || c == '(' || c == ':' || c == '.' || c == '_' || c == '%' || c == '-'))
            continue;
        /* Every detector refuses to start inside a word: one try a word. */
        if (i && (alnum(s[i - 1]) || s[i - 1] == '_'))
            continue;
        /* Order matters where kinds share a start: a secret or e-mail wins
         * over digits inside it; a card number over a phone. */
        if ((len = det_secret(s, n, i)))
            t = TS_PII_SECRET;
        else if ((len = det_email(s, n, i)))
            t = TS_PII_EMAIL;
        else if ((len = pii_det_iban(s, n, i)))
            t = TS_PII_IBAN;
        else if ((len = det_ipv6(s, n, i)))
            t = TS_PII_IP;
        else if ((len = det_ipv4(s, n, i)))
            t = TS_PII_IP;
        else if ((len = pii_det_card(s, n, i)))
            t = TS_PII_CREDIT_CARD;
        else if ((len = pii_det_phone(s, n, i)))
            t = TS_PII_PHONE;
        if (len) {
            m->start = i;
            m->end = i + len;
            m->type = t;
            return true;
        }
    }
    return false;
}

size_t ts_pii_scan(const char *s, size_t n, uint64_t counts[TS_PII_NTYPES], ts_buf *out)
{
    size_t pos = 0, found = 0;
    ts_pii_match m;
    while (ts_pii_next(s, n, pos, &m)) {
        counts[m.type]++;
        found++;
        if (out) {
            const char *ph = placeholders[m.type];
            if (ts_buf_append(out, s + pos, m.start - pos) || ts_buf_append(out, ph, strlen(ph)))
                return (size_t)-1;
        }
        pos = m.end;
    }
    if (out && ts_buf_append(out, s + pos, n - pos))
        return (size_t)-1;
    return found;
}
