/* Dataset statistics on small inputs with hand-computed answers. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/curate_stats.h"

static const char *const recs[] = {
    /* sft: 2 turns, 3 + 2 = 5 chars */
    "{\"messages\":[{\"role\":\"user\",\"content\":\"abc\"},{\"role\":\"assistant\",\"content\":\"de\"}],"
    "\"id\":\"a/0\",\"source\":\"a\",\"meta\":{\"lang\":\"en\",\"category\":\"qa\"}}",
    /* sft: 4 turns; "é" and "한" are one character each: 1 + 1 + 2 + 1 = 5 chars */
    "{\"messages\":[{\"role\":\"system\",\"content\":\"\\u00e9\"},{\"role\":\"user\",\"content\":\"\xed\x95\x9c\"},"
    "{\"role\":\"assistant\",\"content\":\"xy\"},{\"role\":\"user\",\"content\":\"z\"}],"
    "\"id\":\"a/1\",\"source\":\"a\",\"meta\":{\"lang\":\"ko\"}}",
    /* exact duplicate text of the first (other id, source and meta) */
    "{\"messages\":[{\"role\":\"user\",\"content\":\"abc\"},{\"role\":\"assistant\",\"content\":\"de\"}],"
    "\"id\":\"b/0\",\"source\":\"b\",\"meta\":{\"lang\":\"en\",\"category\":\"chat\"}}",
    /* same contents split differently: not a duplicate */
    "{\"messages\":[{\"role\":\"user\",\"content\":\"ab\"},{\"role\":\"assistant\",\"content\":\"cde\"}],"
    "\"id\":\"b/1\",\"source\":\"b\",\"meta\":{\"category\":\"qa\"}}",
    /* preference: turns = prompt 1 + chosen 1; chars 4 + 2 + 6 = 12; gap 0.75 */
    "{\"prompt\":[{\"role\":\"user\",\"content\":\"why?\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"ok\"}],"
    "\"rejected\":[{\"role\":\"assistant\",\"content\":\"no way\"}],\"score_chosen\":1.0,\"score_rejected\":0.25,"
    "\"id\":\"p/0\",\"source\":\"p\",\"meta\":{}}",
    /* preference without scores: no gap; gap of -2 below from the next */
    "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],"
    "\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}],\"id\":\"p/1\",\"source\":\"p\",\"meta\":{}}",
    "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"b\"}],"
    "\"rejected\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"score_chosen\":1,\"score_rejected\":3,"
    "\"id\":\"p/2\",\"source\":\"p\",\"meta\":{}}",
    /* text: 7 chars, no turns, no source */
    "{\"text\":\"hello!!\"}",
    /* unknown kind: counted, no text */
    "{\"foo\":1,\"source\":\"a\"}",
};

static int feed(ts_cstats *s)
{
    ts_arena a;
    ts_arena_init(&a);
    for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) {
        ts_json *v;
        ts_err e = TS_ERR_INIT;
        if (ts_json_parse(recs[i], strlen(recs[i]), &a, NULL, &v, &e) || ts_cstats_add(s, v)) {
            ts_arena_release(&a);
            return -1;
        }
    }
    ts_arena_release(&a);
    return 0;
}

TEST(cstats_known_answers)
{
    ts_cstats s;
    ts_cstats_init(&s);
    CHECK_INT(feed(&s), 0);
    CHECK_INT(s.records, 9);
    CHECK_INT(s.kind[TS_REC_SFT], 4);
    CHECK_INT(s.kind[TS_REC_PREF], 3);
    CHECK_INT(s.kind[TS_REC_TEXT], 1);
    CHECK_INT(s.kind[TS_REC_UNKNOWN], 1);
    CHECK_INT(s.duplicates, 1);
    CHECK_INT(s.seen_n, 7);

    ts_cstats_dist d;
    ts_cstats_summarize(&s.turns, &d); /* 2 4 2 2 2 2 2 */
    CHECK_INT(d.count, 7);
    CHECK(d.min == 2 && d.max == 4 && d.p50 == 2 && d.p90 == 4 && d.p99 == 4);
    CHECK(d.mean > 16.0 / 7 - 1e-9 && d.mean < 16.0 / 7 + 1e-9);
    ts_cstats_summarize(&s.rec_chars, &d); /* 5 5 5 5 12 3 3 7 -> 3 3 5 5 5 5 7 12 */
    CHECK_INT(d.count, 8);
    CHECK(d.min == 3 && d.p50 == 5 && d.p90 == 12 && d.max == 12);
    CHECK(d.mean == 45.0 / 8);
    /* per turn: 3 2 | 1 1 2 1 | 3 2 | 2 3 | 4 2 6 | 1 1 1 | 1 1 1, sorted
     * 1 x9, 2 x5, 3 x3, 4, 6: ranks 10, 18 and 19 */
    ts_cstats_summarize(&s.turn_chars, &d);
    CHECK_INT(d.count, 19);
    CHECK(d.min == 1 && d.p50 == 2 && d.p90 == 4 && d.p99 == 6 && d.max == 6);
    ts_cstats_summarize(&s.gap, &d);
    CHECK_INT(d.count, 2);
    CHECK(d.min == -2 && d.p50 == -2 && d.max == 0.75 && d.mean == -0.625);

    const ts_cstats_count **v = ts_cstats_sorted(&s.source);
    CHECK(v != NULL);
    CHECK_INT(s.source.count, 4);
    /* by count, ties by key */
    CHECK(v[0]->klen == 1 && v[0]->key[0] == 'a' && v[0]->n == 3);
    CHECK(v[1]->klen == 1 && v[1]->key[0] == 'p' && v[1]->n == 3);
    CHECK(v[2]->klen == 1 && v[2]->key[0] == 'b' && v[2]->n == 2);
    CHECK(v[3]->klen == 6 && !memcmp(v[3]->key, "(none)", 6) && v[3]->n == 1);
    free(v);
    ts_cstats_release(&s);
}

TEST(cstats_json_report)
{
    ts_cstats s;
    ts_cstats_init(&s);
    CHECK_INT(feed(&s), 0);
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_cstats_to_json(&s, &b), 0);
    CHECK_INT(ts_buf_putc(&b, 0), 0);
    CHECK_STR(b.data,
              "{\"records\":9,\"kinds\":{\"unknown\":1,\"sft\":4,\"preference\":3,\"text\":1},"
              "\"sources\":{\"a\":3,\"p\":3,\"b\":2,\"(none)\":1},"
              "\"turns\":{\"count\":7,\"min\":2,\"mean\":2.28571,\"p50\":2,\"p90\":4,\"p99\":4,\"max\":4},"
              "\"chars_per_record\":{\"count\":8,\"min\":3,\"mean\":5.625,\"p50\":5,\"p90\":12,\"p99\":12,\"max\":12},"
              "\"chars_per_turn\":{\"count\":19,\"min\":1,\"mean\":2,\"p50\":2,\"p90\":4,\"p99\":6,\"max\":6},"
              "\"languages\":{\"(none)\":6,\"en\":2,\"ko\":1},"
              "\"categories\":{\"(none)\":6,\"qa\":2,\"chat\":1},"
              "\"score_gap\":{\"count\":2,\"min\":-2,\"mean\":-0.625,\"p50\":-2,\"p90\":0.75,\"p99\":0.75,\"max\":0.75},"
              "\"duplicates\":{\"exact\":1,\"unique_texts\":7}}");
    /* The JSON parses back. */
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_json_parse(b.data, b.len - 1, &a, NULL, &v, &e), 0);
    b.len = 0;
    CHECK_INT(ts_cstats_to_text(&s, &b), 0);
    CHECK_INT(ts_buf_putc(&b, 0), 0);
    CHECK(strstr(b.data, "records 9: unknown 1 sft 4 preference 3 text 1\n") != NULL);
    CHECK(strstr(b.data, "duplicates: 1 exact (same text hash), 7 unique texts\n") != NULL);
    ts_arena_release(&a);
    ts_buf_release(&b);
    ts_cstats_release(&s);
}

TEST(cstats_empty)
{
    ts_cstats s;
    ts_cstats_init(&s);
    ts_buf b;
    ts_buf_init(&b, 0);
    CHECK_INT(ts_cstats_to_json(&s, &b), 0);
    CHECK_INT(ts_buf_putc(&b, 0), 0);
    CHECK_STR(b.data, "{\"records\":0,\"kinds\":{},\"sources\":{},\"turns\":{\"count\":0},"
                      "\"chars_per_record\":{\"count\":0},\"chars_per_turn\":{\"count\":0},"
                      "\"languages\":{},\"categories\":{},\"score_gap\":{\"count\":0},"
                      "\"duplicates\":{\"exact\":0,\"unique_texts\":0}}");
    ts_buf_release(&b);
    ts_cstats_release(&s);
}
