/* libFuzzer target: the generators' parsers over model replies and prompt
 * files. The first byte picks the label set (English / Korean) and the
 * number of prompt tasks; the rest is a reply. Everything must parse or
 * drop cleanly, items must point inside their arena copy, and ROUGE-L must
 * stay in [0, 1] and agree with itself. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/gen.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!size)
        return 0;
    unsigned sel = data[0];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    static const ts_si_labels ko = {"지시", "입력", "출력", "<입력 없음>"};
    ts_arena a;
    ts_arena_init(&a);
    ts_si_item *it;
    size_t ni;
    if (ts_si_parse(s, n, sel & 1, (sel >> 1) & 7, (sel & 16) ? &ko : NULL, &a, &it, &ni) == 0) {
        ts_si_filter f = {.allow_non_ascii = sel & 32};
        for (size_t i = 0; i < ni; i++) {
            if (it[i].drop)
                continue;
            volatile char sink = 0;
            for (size_t k = 0; k < it[i].t.instruction_len; k++)
                sink ^= it[i].t.instruction[k];
            for (size_t k = 0; k < it[i].t.output_len; k++)
                sink ^= it[i].t.output[k];
            (void)sink;
            ts_si_check(&it[i].t, &f);
        }
    }
    ts_arena_release(&a);

    ts_gen_str items[32];
    size_t nl = ts_gen_list(s, n, items, 32);
    for (size_t i = 0; i < nl && i < 32; i++)
        if (items[i].s < s || items[i].s + items[i].len > s + n || !items[i].len)
            abort();

    const char *c = s;
    size_t cn = n;
    ts_aug_clean(&c, &cn);
    if (c < s || c + cn > s + n)
        abort();

    ts_buf b;
    ts_buf_init(&b, 1 << 20);
    ts_gen_var v[] = {{"instruction", "X", 1}, {"text", "T", 1}, {"n", "3", 1}};
    ts_gen_fill(&b, s, n, v, 3, NULL);
    ts_buf_release(&b);

    /* ROUGE-L of the two halves, both ways and against a stored set. */
    size_t h = n / 2;
    double f1 = ts_rouge_l(s, h, s + h, n - h), f2 = ts_rouge_l(s + h, n - h, s, h);
    if (!(f1 >= 0 && f1 <= 1) || f1 != f2)
        abort();
    if (h && ts_rouge_ntokens(s, h) && ts_rouge_l(s, h, s, h) != 1.0)
        abort();
    ts_si_words(s, n);
    ts_si_has_word(s, n, "go to");
    return 0;
}
