/* libFuzzer target: gen select's text parsers — answer extraction, math
 * normalization and equivalence, judge and domain reply parsers, quality
 * filters. The input is split at the first NUL into two texts. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/select.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *s = (const char *)data;
    const char *z = memchr(s, 0, size);
    size_t n1 = z ? (size_t)(z - s) : size;
    const char *t = z ? z + 1 : s;
    size_t n2 = z ? size - n1 - 1 : size;
    const char *a;
    size_t al;
    if (ts_math_answer(s, n1, &a, &al) && (a < s || a + al > s + n1))
        abort();
    char out[64];
    size_t k = ts_math_normalize(s, n1, out, sizeof out);
    if (k >= sizeof out || out[k])
        abort();
    /* Equivalence is symmetric and reflexive on non-empty canonical text. */
    if (ts_math_equiv(s, n1, t, n2) != ts_math_equiv(t, n2, s, n1))
        abort();
    char big[512];
    if (ts_math_normalize(s, n1, big, sizeof big) && n1 < 200 && !ts_math_equiv(s, n1, s, n1))
        abort();
    ts_math_reply_correct(s, n1, t, n2);
    int yn = ts_select_parse_yesno(s, n1);
    if (yn < -1 || yn > 1)
        abort();
    int m = ts_select_parse_msc(s, n1);
    if (m != -1 && !ts_select_msc_name(m))
        abort();
    ts_select_quality(s, n1);
    return 0;
}
