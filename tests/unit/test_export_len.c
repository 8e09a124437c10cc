/* Length control: drop, truncate and FastChat-style split, checked as
 * properties (pieces start at a user turn, hold whole rounds, cover the
 * conversation in order, fit unless a single round does not) on fixed and
 * seeded random conversations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/export.h"

static ts_json *parse(ts_arena *a, const char *text)
{
    ts_json *v = NULL;
    ts_err e = TS_ERR_INIT;
    return ts_json_parse(text, strlen(text), a, NULL, &v, &e) ? NULL : v;
}

static const ts_json *msg(const ts_json *rec, const char *field, size_t i)
{
    return ts_json_at(ts_json_get(rec, field), i);
}

static bool same_msg(const ts_json *a, const ts_json *b) { return ts_json_equal(a, b); }

static bool role_is(const ts_json *m, const char *r) { return ts_json_str_eq(ts_json_get(m, "role"), r); }

/* Length of messages [from, to) of arr, measured as a record. */
static size_t sub_len(const ts_len_opts *o, const ts_json *arr, size_t from, size_t to)
{
    ts_json obj[3] = {{.type = TS_JSON_OBJECT, .len = 1},
                      {.type = TS_JSON_STRING, .len = 8, .u.s = "messages"},
                      {.type = TS_JSON_ARRAY, .len = (uint32_t)(to - from), .u.items = arr->u.items + from}};
    obj[0].u.items = &obj[1];
    return ts_len_record(o, &obj[0]);
}

/* Checks the split invariants for rec cut into res under o. Returns NULL
 * or what is broken. */
static const char *split_invariants(const ts_len_opts *o, const ts_json *rec, const ts_len_result *res)
{
    const ts_json *all = ts_json_get(rec, "messages");
    size_t head = role_is(&all->u.items[0], "system") ? 1 : 0;
    size_t end = all->len;
    while (end > head && !role_is(&all->u.items[end - 1], "assistant"))
        end--;
    size_t next = head; /* the next original message a piece must hold */
    for (size_t k = 0; k < res->n; k++) {
        const ts_json *p = res->pieces[k];
        const ts_json *pm = ts_json_get(p, "messages");
        if (head && !same_msg(&pm->u.items[0], &all->u.items[0]))
            return "system prompt not repeated";
        if (!role_is(&pm->u.items[head], "user"))
            return "piece does not start at a user turn";
        if (!role_is(&pm->u.items[pm->len - 1], "assistant"))
            return "piece does not end with a reply";
        size_t rounds = 0;
        for (size_t i = head; i < pm->len; i++, next++) {
            if (next >= end || !same_msg(&pm->u.items[i], &all->u.items[next]))
                return "pieces do not cover the conversation in order";
            rounds += role_is(&pm->u.items[i], "user");
        }
        size_t len = ts_len_record(o, p);
        if (len > o->max && rounds > 1)
            return "a piece of several rounds is over the budget";
        /* Greedy, as FastChat: the next piece's first round did not fit. */
        if (k + 1 < res->n) {
            const ts_json *nm = ts_json_get(res->pieces[k + 1], "messages");
            size_t j = head + 1;
            while (j < nm->len && !role_is(&nm->u.items[j], "user"))
                j++;
            size_t first = sub_len(o, nm, head, j);
            if (len + first <= o->max)
                return "a piece was closed although the next round fit";
        }
        if (res->n > 1) {
            char want[64];
            snprintf(want, sizeof want, "%.*s#%zu", (int)ts_json_get(rec, "id")->len, ts_json_get(rec, "id")->u.s,
                     k + 1);
            if (!ts_json_str_eq(ts_json_get(p, "id"), want))
                return "piece id";
            const ts_json *meta = ts_json_get(p, "meta");
            int64_t piece = 0, pieces = 0;
            if (!ts_json_equal(ts_json_get(meta, "split_from"), ts_json_get(rec, "id")) ||
                ts_json_int64(ts_json_get(meta, "split_piece"), &piece) || piece != (int64_t)k + 1 ||
                ts_json_int64(ts_json_get(meta, "split_pieces"), &pieces) || pieces != (int64_t)res->n)
                return "piece meta";
        }
    }
    if (next != end)
        return "pieces lost rounds";
    return NULL;
}

static const char *LONG =
    "{\"messages\":[{\"role\":\"system\",\"content\":\"SYS\"},"
    "{\"role\":\"user\",\"content\":\"u1u1u1u1u1\"},{\"role\":\"assistant\",\"content\":\"a1a1a1a1a1\"},"
    "{\"role\":\"user\",\"content\":\"u2u2u2u2u2\"},{\"role\":\"assistant\",\"content\":\"a2a2a2a2a2\"},"
    "{\"role\":\"user\",\"content\":\"u3u3u3u3u3\"},"
    "{\"role\":\"assistant\",\"content\":\"a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3\"},"
    "{\"role\":\"user\",\"content\":\"u4u4u4u4u4\"},{\"role\":\"assistant\",\"content\":\"a4a4a4a4a4\"},"
    "{\"role\":\"user\",\"content\":\"u5 no reply\"}],\"id\":\"long/1\",\"meta\":{\"k\":\"v\"}}";

TEST(export_len_split_fastchat_semantics)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, LONG);
    ts_len_opts o = {.max = 50, .mode = TS_LEN_SPLIT};
    ts_len_result res;
    CHECK_INT(ts_len_record(&o, rec), 3 + 20 + 20 + 70 + 20 + 11);
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK_INT(res.n, 3);
    CHECK(res.split && res.truncated); /* the unanswered last turn is left out */
    const char *broken = split_invariants(&o, rec, &res);
    CHECK_STR(broken ? broken : "ok", "ok");
    /* the round alone over the budget is a piece of its own, kept whole */
    CHECK_INT(ts_json_get(res.pieces[1], "messages")->len, 3);
    CHECK_INT(ts_len_record(&o, res.pieces[1]), 73);
    CHECK(ts_json_str_eq(ts_json_get(ts_json_get(res.pieces[0], "meta"), "k"), "v"));
    ts_arena_release(&a);
}

TEST(export_len_split_keeps_an_oversized_last_round)
{
    /* FastChat loses a final pair that overflows; tuneset keeps it. */
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"aaaa\"},{\"role\":\"assistant\",\"content\":\"bbbb\"},"
                             "{\"role\":\"user\",\"content\":\"cccc\"},{\"role\":\"assistant\",\"content\":\"dddddddddddddddd\"}],"
                             "\"id\":\"t\"}");
    ts_len_opts o = {.max = 10, .mode = TS_LEN_SPLIT};
    ts_len_result res;
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK_INT(res.n, 2);
    CHECK(!res.truncated);
    CHECK(ts_json_str_eq(ts_json_get(msg(res.pieces[1], "messages", 1), "content"), "dddddddddddddddd"));
    CHECK(ts_json_str_eq(ts_json_get(res.pieces[1], "id"), "t#2"));
    /* one round over the budget: the record is kept whole, as it is */
    ts_json *one = parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"aaaaaaaaaaaa\"},"
                             "{\"role\":\"assistant\",\"content\":\"b\"}],\"id\":\"o\"}");
    CHECK_INT(ts_len_apply(&o, one, &a, &res), 0);
    CHECK_INT(res.n, 1);
    CHECK(res.pieces[0] == one);
    ts_arena_release(&a);
}

static unsigned lcg(unsigned *s) { return *s = *s * 1103515245u + 12345u, (*s >> 16) & 0x7fff; }

TEST(export_len_split_random_conversations)
{
    ts_arena a;
    ts_arena_init(&a);
    unsigned seed = 7;
    int multi = 0;
    for (int t = 0; t < 400; t++) {
        ts_arena_reset(&a);
        char buf[8192];
        size_t n = (size_t)snprintf(buf, sizeof buf, "{\"id\":\"r/%d\",\"messages\":[", t);
        bool sys = lcg(&seed) % 2;
        if (sys)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"role\":\"system\",\"content\":\"%.*s\"},",
                                  (int)(1 + lcg(&seed) % 8), "ssssssss");
        int rounds = 1 + (int)(lcg(&seed) % 7);
        for (int r = 0; r < rounds; r++) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s{\"role\":\"user\",\"content\":\"%.*s\"}", r ? "," : "",
                                  (int)(1 + lcg(&seed) % 20), "uuuuuuuuuuuuuuuuuuuu");
            int replies = lcg(&seed) % 4 == 0 ? 2 : 1; /* assistant, tool, assistant */
            for (int k = 0; k < replies; k++) {
                if (k)
                    n += (size_t)snprintf(buf + n, sizeof buf - n, ",{\"role\":\"tool\",\"content\":\"tt\"}");
                n += (size_t)snprintf(buf + n, sizeof buf - n, ",{\"role\":\"assistant\",\"content\":\"%.*s\"}",
                                      (int)(2 + 2 * (lcg(&seed) % 30)), "ééééééééééééééééééééééééééééééé"); /* whole characters */
            }
        }
        if (lcg(&seed) % 5 == 0)
            n += (size_t)snprintf(buf + n, sizeof buf - n, ",{\"role\":\"user\",\"content\":\"tail\"}");
        snprintf(buf + n, sizeof buf - n, "]}");
        ts_json *rec = parse(&a, buf);
        CHECK(rec != NULL);
        ts_len_opts o = {.max = 10 + lcg(&seed) % 60, .mode = TS_LEN_SPLIT, .turn_overhead = lcg(&seed) % 3};
        ts_len_result res;
        CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
        if (ts_len_record(&o, rec) <= o.max) {
            CHECK(res.n == 1 && res.pieces[0] == rec);
            continue;
        }
        if (res.n == 1 && res.pieces[0] == rec)
            continue; /* a single round over the budget */
        CHECK(res.n >= 1);
        multi += res.n > 1;
        const char *broken = split_invariants(&o, rec, &res);
        if (broken)
            fprintf(stderr, "  case %d (max %zu): %s\n  %s\n", t, o.max, broken, buf);
        CHECK(!broken);
    }
    CHECK(multi > 100);
    ts_arena_release(&a);
}

TEST(export_len_truncate)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, LONG);
    ts_len_opts o = {.max = 50, .mode = TS_LEN_TRUNCATE};
    ts_len_result res;
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK(res.n == 1 && res.truncated);
    const ts_json *m = ts_json_get(res.pieces[0], "messages");
    CHECK_INT(m->len, 5); /* system + two whole rounds; a3 is not cut */
    for (uint32_t i = 0; i < m->len; i++)
        CHECK(ts_json_equal(&m->u.items[i], msg(rec, "messages", i)));
    CHECK(ts_len_record(&o, res.pieces[0]) <= o.max);
    /* the input record is unchanged */
    CHECK_INT(ts_json_get(rec, "messages")->len, 10);

    /* Not even the first reply fits: its text is cut at a character. */
    ts_json *ko = parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                            "{\"role\":\"assistant\",\"content\":\"가나다라마바사\"}],\"id\":\"k\"}");
    o.max = 4;
    CHECK_INT(ts_len_apply(&o, ko, &a, &res), 0);
    CHECK(res.n == 1 && res.truncated);
    CHECK(ts_json_str_eq(ts_json_get(msg(res.pieces[0], "messages", 1), "content"), "가나다"));
    /* The prompt alone is over the budget: dropped. */
    o.max = 1;
    CHECK_INT(ts_len_apply(&o, ko, &a, &res), 0);
    CHECK_INT(res.n, 0);
    CHECK_STR(res.drop_rule, "length_prompt_over_max");
    o.mode = TS_LEN_DROP;
    o.max = 4;
    CHECK_INT(ts_len_apply(&o, ko, &a, &res), 0);
    CHECK_INT(res.n, 0);
    CHECK_STR(res.drop_rule, "length_over_max");
    o.max = 0; /* no limit */
    CHECK_INT(ts_len_apply(&o, ko, &a, &res), 0);
    CHECK(res.n == 1 && res.pieces[0] == ko && !res.truncated);
    ts_arena_release(&a);
}

/* A token-like measure: whitespace-separated words. */
static size_t words(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return w;
}

TEST(export_len_custom_measure)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"},"
                             "{\"role\":\"assistant\",\"content\":\"one two three four five six\"}]}");
    ts_len_opts o = {.max = 6, .mode = TS_LEN_TRUNCATE, .count = words, .turn_overhead = 0};
    CHECK_INT(ts_len_record(&o, rec), 8);
    ts_len_result res;
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK_INT(res.n, 1);
    const ts_json *c = ts_json_get(msg(res.pieces[0], "messages", 1), "content");
    CHECK(c->len == 19 && !memcmp(c->u.s, "one two three four ", 19)); /* longest prefix of 4 words */
    o.turn_overhead = 1;
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    c = ts_json_get(msg(res.pieces[0], "messages", 1), "content");
    CHECK(c->len == 8 && !memcmp(c->u.s, "one two ", 8));
    ts_arena_release(&a);
}

TEST(export_len_preference)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec = parse(&a, "{\"prompt\":[{\"role\":\"system\",\"content\":\"Be kind.\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                             "{\"role\":\"assistant\",\"content\":\"Hello!\"},{\"role\":\"user\",\"content\":\"Say thanks.\"}],"
                             "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Thank you!\"}],"
                             "\"rejected\":[{\"role\":\"assistant\",\"content\":\"No.\"}],\"id\":\"p\"}");
    ts_len_opts o = {.max = 30, .mode = TS_LEN_SPLIT}; /* pairs are truncated, never split */
    ts_len_result res;
    CHECK_INT(ts_len_record(&o, rec), 8 + 2 + 6 + 11 + 10);
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK(res.n == 1 && res.truncated && !res.split);
    const ts_json *p = ts_json_get(res.pieces[0], "prompt");
    CHECK_INT(p->len, 2); /* system + the last user turn */
    CHECK(ts_json_str_eq(ts_json_get(&p->u.items[1], "content"), "Say thanks."));
    CHECK(ts_json_str_eq(ts_json_get(msg(res.pieces[0], "chosen", 0), "content"), "Thank you!"));
    o.max = 24; /* the longer reply is cut too */
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK(ts_json_str_eq(ts_json_get(msg(res.pieces[0], "chosen", 0), "content"), "Thank"));
    CHECK(ts_json_str_eq(ts_json_get(msg(res.pieces[0], "rejected", 0), "content"), "No."));
    CHECK(ts_len_record(&o, res.pieces[0]) <= o.max);
    o.max = 19;
    CHECK_INT(ts_len_apply(&o, rec, &a, &res), 0);
    CHECK_INT(res.n, 0);
    CHECK_STR(res.drop_rule, "length_prompt_over_max");
    ts_arena_release(&a);
}

/* Cutting a reply: always at a character, as long as the budget allows,
 * for random mixes of 1- to 4-byte characters and every budget. */
TEST(export_len_cut_is_longest_prefix_at_a_character)
{
    static const char *chars[] = {"a", "é", "한", "🙂", " "};
    ts_arena a;
    ts_arena_init(&a);
    unsigned seed = 11;
    for (int t = 0; t < 200; t++) {
        ts_arena_reset(&a);
        char text[512] = "", rec[1024];
        size_t cps = 1 + lcg(&seed) % 40;
        for (size_t i = 0; i < cps; i++)
            strcat(text, chars[lcg(&seed) % 5]);
        if (text[0] == ' ')
            text[0] = 'x';
        snprintf(rec, sizeof rec, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                                  "{\"role\":\"assistant\",\"content\":\"%s\"}]}", text);
        ts_json *r = parse(&a, rec);
        CHECK(r != NULL);
        for (size_t max = 2; max <= cps; max++) {
            ts_len_opts o = {.max = max, .mode = TS_LEN_TRUNCATE};
            ts_len_result res;
            CHECK_INT(ts_len_apply(&o, r, &a, &res), 0);
            CHECK_INT(res.n, 1);
            const ts_json *c = ts_json_get(msg(res.pieces[0], "messages", 1), "content");
            CHECK(!memcmp(c->u.s, text, c->len));                     /* a prefix */
            CHECK(c->len == strlen(text) || (text[c->len] & 0xC0) != 0x80); /* at a character */
            CHECK_INT(ts_len_record(&o, res.pieces[0]), max);          /* as long as allowed */
        }
    }
    ts_arena_release(&a);
}
