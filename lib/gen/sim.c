/* Simulated chats (UltraChat's method): the pure parts — rounds, the end
 * marker, the transcript the user simulator reads, and the post-filters. */
#include <string.h>

#include "tuneset/gen.h"

unsigned ts_sim_rounds(uint64_t seed, uint64_t index, unsigned min, unsigned max)
{
    if (max <= min)
        return min;
    return min + (unsigned)(ts_gen_rand(seed ^ 0x726f756e6473ull, index) % (uint64_t)(max - min + 1));
}

bool ts_sim_ended(const char *s, size_t n, const char *marker)
{
    size_t m = strlen(marker);
    if (!m || m > n)
        return false;
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(s + i, marker, m))
            return true;
    return false;
}

int ts_sim_transcript(ts_buf *out, const ts_gen_str *turns, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *label = i % 2 ? "Assistant: " : "User: ";
        if (i)
            rc = ts_buf_append(out, "\n\n", 2);
        if (!rc)
            rc = ts_buf_append(out, label, strlen(label));
        if (!rc)
            rc = ts_buf_append(out, turns[i].s, turns[i].len);
    }
    return rc;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (unsigned char)**s <= ' ') {
        (*s)++;
        (*n)--;
    }
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ')
        (*n)--;
}

const char *ts_sim_check(const ts_gen_str *turns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = turns[i].s;
        size_t len = turns[i].len;
        trim(&s, &len);
        if (!len)
            return "sim_empty_turn";
    }
    /* Conversations are short (a few rounds): the quadratic check is fine. */
    for (size_t i = 0; i < n; i++) {
        const char *a = turns[i].s;
        size_t al = turns[i].len;
        trim(&a, &al);
        for (size_t j = i % 2; j < i; j += 2) {
            const char *b = turns[j].s;
            size_t bl = turns[j].len;
            trim(&b, &bl);
            if (al == bl && !memcmp(a, b, al))
                return "sim_duplicate_turn";
        }
    }
    return NULL;
}
