/* ts_json_pick, hit by hit: SFT, preference and layout records with
 * escapes in values and keys, duplicate keys, picks only at the right
 * depths; strings across every position of the AVX2 scan's 64-byte
 * blocks; the key lists' limits. Every check also compares both scans
 * with the parser and writer (pick_check.h). */
#include "pick_check.h"

TEST(pick_hits_sft)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    /* escapes in values and keys; a "content" nested deeper is not picked;
     * duplicate inner keys keep the first */
    const char *r = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    "{\"r\\u006fle\":\"user\",\"con\\u0074ent\":\"Say \\\"hi\\\"\\n\\\\ \\/ caf\\u00e9 \\ud83d\\ude00\"},"
                    "{\"content\":\"deep\",\"role\":\"assistant\",\"x\":{\"content\":\"no\"},\"role\":\"again\"}],"
                    "\"id\":\"r1\",\"source\":\"t\",\"meta\":{\"score\":4.5e-1,\"lang\":\"en\",\"content\":\"m\",\"score\":9}}";
    CHECK_INT(check_str(&x, r), 0);
    HITS(&x, {
        CHECK_INT(nhits(k), 11);
        CHECK(hit_is(k, 0, true, T_MESSAGES, 0, TS_JSON_ARRAY, NULL));
        const ts_json_hit *m = ts_json_pick_top(k, T_MESSAGES);
        CHECK(m == ts_json_pick_hits(k, &(size_t){0}));
        CHECK_INT(m->len, 3);
        CHECK_INT(m->first, 1);
        CHECK_INT(m->end, 7);
        CHECK(hit_is(k, 1, false, I_ROLE, 0, TS_JSON_STRING, "system"));
        CHECK(hit_is(k, 2, false, I_CONTENT, 0, TS_JSON_STRING, "Be brief."));
        CHECK(hit_is(k, 3, false, I_ROLE, 1, TS_JSON_STRING, "user"));
        CHECK(hit_is(k, 4, false, I_CONTENT, 1, TS_JSON_STRING, "Say \"hi\"\n\\ / caf\xc3\xa9 \xf0\x9f\x98\x80"));
        CHECK(hit_is(k, 5, false, I_CONTENT, 2, TS_JSON_STRING, "deep"));
        CHECK(hit_is(k, 6, false, I_ROLE, 2, TS_JSON_STRING, "assistant"));
        CHECK(hit_is(k, 7, true, T_ID, 0, TS_JSON_STRING, "r1"));
        CHECK(hit_is(k, 8, true, T_META, 0, TS_JSON_OBJECT, NULL));
        const ts_json_hit *mt = ts_json_pick_top(k, T_META);
        CHECK_INT(mt->len, 4);
        CHECK_INT(mt->first, 9);
        CHECK_INT(mt->end, 11);
        CHECK(hit_is(k, 9, false, I_SCORE, 0, TS_JSON_NUMBER, "4.5e-1"));
        CHECK(hit_is(k, 10, false, I_CONTENT, 2, TS_JSON_STRING, "m"));
        CHECK(!ts_json_pick_top(k, T_PROMPT) && !ts_json_pick_top(k, T_CHOSEN));
    });
    px_free(&x);
}

TEST(pick_hits_preference)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    /* prompt as a string, chosen/rejected as turn lists */
    CHECK_INT(check_str(&x, "{\"prompt\":\"Why?\",\"chosen\":[{\"role\":\"assistant\",\"content\":\"Because.\"}],"
                            "\"rejected\":[{\"role\":\"assistant\",\"content\":\"No.\"}],\"score_chosen\":8,"
                            "\"score_rejected\":2,\"id\":\"p1\",\"meta\":{}}"),
              0);
    HITS(&x, {
        CHECK_INT(nhits(k), 9);
        CHECK(hit_is(k, 0, true, T_PROMPT, 0, TS_JSON_STRING, "Why?"));
        CHECK(hit_is(k, 1, true, T_CHOSEN, 0, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 3, false, I_CONTENT, 0, TS_JSON_STRING, "Because."));
        CHECK(hit_is(k, 4, true, T_REJECTED, 0, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 6, false, I_CONTENT, 0, TS_JSON_STRING, "No."));
        CHECK(hit_is(k, 7, true, T_ID, 0, TS_JSON_STRING, "p1"));
        const ts_json_hit *mt = ts_json_pick_top(k, T_META);
        CHECK(mt && mt->type == TS_JSON_OBJECT && mt->len == 0 && mt->first == mt->end);
    });
    /* prompt as a turn list; duplicate top keys keep the first; an empty
     * array; elements that are not objects count as items */
    CHECK_INT(check_str(&x, "{\"prompt\":[\"x\",{\"content\":[1,{\"content\":\"in\"}],\"role\":null},{}],"
                            "\"id\":\"first\",\"chosen\":[],\"id\":\"second\",\"prompt\":\"later\",\"meta\":{\"score\":true}}"),
              0);
    HITS(&x, {
        CHECK_INT(nhits(k), 7);
        const ts_json_hit *p = ts_json_pick_top(k, T_PROMPT);
        CHECK(p && p->type == TS_JSON_ARRAY && p->len == 3 && p->first == 1 && p->end == 3);
        CHECK(hit_is(k, 1, false, I_CONTENT, 1, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 2, false, I_ROLE, 1, TS_JSON_NULL, NULL));
        CHECK(hit_is(k, 3, true, T_ID, 0, TS_JSON_STRING, "first"));
        const ts_json_hit *c = ts_json_pick_top(k, T_CHOSEN);
        CHECK(c && c->type == TS_JSON_ARRAY && c->len == 0 && c->first == c->end);
        CHECK(hit_is(k, 6, false, I_SCORE, 0, TS_JSON_TRUE, NULL));
    });
    /* picks only at the right depths: a root array picks nothing, nor do
     * the same keys one level down */
    CHECK_INT(check_str(&x, "[{\"id\":\"x\",\"messages\":[{\"role\":\"u\"}]}]"), 0);
    HITS(&x, { CHECK_INT(nhits(k), 0); CHECK(!ts_json_pick_top(k, T_ID)); });
    CHECK_INT(check_str(&x, "{\"x\":{\"id\":\"no\",\"messages\":[{\"role\":\"no\"}]},\"role\":\"no\",\"messages\":\"s\"}"), 0);
    HITS(&x, { CHECK_INT(nhits(k), 1); CHECK(hit_is(k, 0, true, T_MESSAGES, 0, TS_JSON_STRING, "s")); });
    CHECK_INT(check_str(&x, "\"messages\""), 0);
    HITS(&x, { CHECK_INT(nhits(k), 0); });
    /* a top key written with a surrogate pair; an inner object's members */
    CHECK_INT(check_str(&x, "{\"\\ud83d\\ude00\":{\"role\":{\"role\":1},\"score\":-0.0}}"), 0);
    HITS(&x, {
        CHECK_INT(nhits(k), 3);
        CHECK(hit_is(k, 0, true, T_SMILEY, 0, TS_JSON_OBJECT, NULL));
        CHECK(hit_is(k, 1, false, I_ROLE, 0, TS_JSON_OBJECT, NULL));
        CHECK(hit_is(k, 2, false, I_SCORE, 1, TS_JSON_NUMBER, "-0.0"));
    });
    px_free(&x);
}

TEST(pick_layouts)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    static const char *const layouts[] = {
        "{\n  \"messages\": [\n    {\n      \"role\": \"user\",\n      \"content\": \"a b\"\n    }\n  ],\n  \"id\": \"L\"\n}\n",
        "\r\n{\r\n\t\"messages\" :\t[ { \"role\" : \"user\" ,\r\n\"content\":\"a b\" } ] ,\r\n\t\"id\"\t:\t\"L\"\r\n}\r\n",
        "\t\t{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"id\":\"L\"}                                                                   ",
        "                                                              {\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"id\":\"L\"}",
    };
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
        CHECK_INT(check_str(&x, layouts[i]), 0);
        CHECK_STR(x.w.data ? (ts_buf_putc(&x.w, 0), x.w.data) : NULL,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}],\"id\":\"L\"}");
        HITS(&x, {
            CHECK_INT(nhits(k), 4);
            CHECK(hit_is(k, 1, false, I_ROLE, 0, TS_JSON_STRING, "user"));
            CHECK(hit_is(k, 2, false, I_CONTENT, 0, TS_JSON_STRING, "a b"));
            CHECK(hit_is(k, 3, true, T_ID, 0, TS_JSON_STRING, "L"));
        });
    }
    CHECK(x.fast == 4 || !have_avx2());
    px_free(&x);
}

/* --- 64-byte blocks: every position of quotes, escapes and UTF-8 ------------ */

typedef struct {
    const char *raw, *dec;
} unit;

/* Escapes the AVX2 scan does itself, and ones it leaves to the portable
 * scan (the writer writes them otherwise). */
static const unit fast_units[] = {{"a", "a"}, {"\\n", "\n"}, {"\\\"", "\""}, {"\\\\", "\\"},
                                  {"\xc3\xa9", "\xc3\xa9"}, {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
                                  {"\xe4\xb8\xad", "\xe4\xb8\xad"}, {" ", " "}, {"\\t", "\t"}, {"\\b", "\b"},
                                  {"\\\\", "\\"}, {"\\\\", "\\"}, {"\\\"", "\""}, {"z", "z"}};
static const unit slow_units[] = {{"a", "a"}, {"\\/", "/"}, {"\\u00e9", "\xc3\xa9"},
                                  {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"}, {"\\u0041", "A"},
                                  {"\\u001f", "\x1f"}, {"\\\\", "\\"}, {"\\r", "\r"}};

static const char *const blk_top[] = {"messages", "id", "meta", NULL};
static const char *const blk_inner[] = {"role", "content", "say \"x\"", "score", NULL};

/* One record: pad blanks, then S (units[r..r+len) cyclically) as a picked
 * value, a picked id, an unpicked key, and an inner key with escapes. */
static bool block_case(px *x, const unit *u, size_t nu, size_t r, size_t len, size_t pad, ts_buf *t, ts_buf *dec)
{
    t->len = dec->len = 0;
    for (size_t i = 0; i < len; i++) {
        const unit *v = &u[(r + i) % nu];
        ts_buf_append(t, v->raw, strlen(v->raw));
        ts_buf_append(dec, v->dec, strlen(v->dec));
    }
    ts_buf_putc(t, 0);
    char *s = strdup(t->data);
    t->len = 0;
    for (size_t i = 0; i < pad; i++)
        ts_buf_putc(t, i % 5 == 4 ? '\n' : ' ');
    ts_buf_printf(t, "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"},{\"say \\\"x\\\"\":\"%s\",\"role\":\"a\"}],"
                     "\"%s\":0,\"id\":\"%s\",\"meta\":{\"score\":%zu}}",
                  s, s, s, s, len);
    free(s);
    bool ok;
    if (check(x, t->data, t->len, &ok) || !ok)
        return ok ? BAD("rejected: %s", g_what) : false;
    ts_buf_putc(dec, 0);
    char num[32];
    snprintf(num, sizeof num, "%zu", len);
    HITS(x, {
        if (nhits(k) != 8 || !hit_is(k, 2, false, 1, 0, TS_JSON_STRING, dec->data) ||
            !hit_is(k, 3, false, 2, 1, TS_JSON_STRING, dec->data) || !hit_is(k, 4, false, 0, 1, TS_JSON_STRING, "a") ||
            !hit_is(k, 5, true, 1, 0, TS_JSON_STRING, dec->data) || !hit_is(k, 6, true, 2, 0, TS_JSON_OBJECT, NULL) ||
            !hit_is(k, 7, false, 3, 0, TS_JSON_NUMBER, num))
            return BAD("len %zu pad %zu rot %zu: hits", len, pad, r);
    });
    return true;
}

TEST(pick_block_boundaries)
{
    px x;
    px_init(&x, blk_top, blk_inner, NULL);
    ts_buf t, dec;
    ts_buf_init(&t, 0);
    ts_buf_init(&dec, 0);
    long fast_records = 0;
    for (int set = 0; set < 2; set++) {
        const unit *u = set ? slow_units : fast_units;
        size_t nu = set ? sizeof slow_units / sizeof *slow_units : sizeof fast_units / sizeof *fast_units;
        long fast0 = x.fast;
        for (size_t r = 0; r < nu; r++)
            for (size_t len = 0; len <= 200; len++)
                for (size_t p = 0; p < 4; p++) {
                    size_t pad = p == 3 ? (len * 13 + r * 5 + 32) % 64 : p == 2 ? (len * 7 + r) % 64 : p;
                    if (!block_case(&x, u, nu, r, len, pad, &t, &dec)) {
                        CHECK(!"block case");
                    }
                    fast_records += !set;
                }
        if (set == 0)
            CHECK(x.fast - fast0 == fast_records || !have_avx2()); /* none fell back */
    }
    fprintf(stderr, "  pick blocks: %ld records, %ld by the AVX2 scan\n", x.checked, x.fast);
    ts_buf_release(&t);
    ts_buf_release(&dec);
    px_free(&x);
}

/* --- the key lists' limits, and state between scans ------------------------- */

TEST(pick_key_limits)
{
    static char names[2][33][16];
    const char *top[34] = {0}, *inner[34] = {0};
    for (int i = 0; i < 33; i++) {
        snprintf(names[0][i], sizeof names[0][i], "t%d", i);
        snprintf(names[1][i], sizeof names[1][i], "i%d", i);
        top[i] = names[0][i];
        inner[i] = names[1][i];
    }
    CHECK(!ts_json_pick_new(top, NULL, NULL)); /* 33 keys: too many */
    CHECK(!ts_json_pick_new(NULL, inner, NULL));
    top[32] = inner[32] = NULL;
    px x;
    px_init(&x, top, inner, NULL); /* 32 keys each: the last ones work */
    CHECK(x.k[0] && x.k[1]);
    CHECK_INT(check_str(&x, "{\"t31\":{\"i0\":1,\"i31\":\"last\",\"i31\":\"dup\"},\"t0\":[{\"i31\":2,\"i30\":3}]}"), 0);
    HITS(&x, {
        CHECK_INT(nhits(k), 6);
        CHECK(hit_is(k, 0, true, 31, 0, TS_JSON_OBJECT, NULL));
        CHECK(hit_is(k, 2, false, 31, 1, TS_JSON_STRING, "last"));
        CHECK(hit_is(k, 3, true, 0, 0, TS_JSON_ARRAY, NULL));
        CHECK(hit_is(k, 5, false, 30, 0, TS_JSON_NUMBER, "3"));
    });
    /* a failed scan leaves no hits behind, and appends nothing */
    CHECK_INT(check_str(&x, "{\"t31\":{\"i0\":1},\"t0\":[}"), TS_ESYNTAX);
    HITS(&x, { CHECK_INT(nhits(k), 0); CHECK(!ts_json_pick_top(k, 31) && !ts_json_pick_top(k, 0)); });
    px_free(&x);

    /* keys of 255 bytes match; 256 is too long for a list */
    char long_key[257];
    memset(long_key, 'k', 256);
    long_key[256] = 0;
    const char *too_long[] = {long_key, NULL};
    CHECK(!ts_json_pick_new(too_long, NULL, NULL));
    long_key[255] = 0;
    px_init(&x, too_long, NULL, NULL);
    char doc[700];
    snprintf(doc, sizeof doc, "{\"%sk\":1,\"%s\":2}", long_key, long_key);
    CHECK_INT(check_str(&x, doc), 0);
    HITS(&x, { CHECK_INT(nhits(k), 1); CHECK(hit_is(k, 0, true, 0, 0, TS_JSON_NUMBER, "2")); });
    /* the same key with an escape: the portable scan decodes it */
    snprintf(doc, sizeof doc, "{\"\\u006b%s\":3}", long_key + 1);
    CHECK_INT(check_str(&x, doc), 0);
    HITS(&x, { CHECK_INT(nhits(k), 1); CHECK(hit_is(k, 0, true, 0, 0, TS_JSON_NUMBER, "3")); });
    px_free(&x);

    /* no keys at all: still validates and compacts */
    px_init(&x, NULL, NULL, NULL);
    CHECK_INT(check_str(&x, " { \"messages\" : [ 1 ] } "), 0);
    HITS(&x, { CHECK_INT(nhits(k), 0); });
    CHECK(x.w.len == 16 && x.o.len == 17);
    px_free(&x);
}

/* Deep mixed nesting: the AVX2 scan keeps one bit a level (object or
 * array) in 64-bit words, and goes to the portable scan past the words it
 * has (256 levels, until a portable scan has grown them); commas at every
 * level make both scans look the bits up on the way out. */
TEST(pick_deep_mixed_nesting)
{
    px x;
    px_init(&x, rec_top, rec_inner, NULL);
    ts_buf t;
    ts_buf_init(&t, 0);
    for (int d = 1; d <= 300; d++) {
        t.len = 0;
        ts_buf_printf(&t, "{\"messages\":[{\"role\":\"r\"}],\"meta\":");
        for (int i = 0; i < d; i++)
            ts_buf_printf(&t, (i * 7 + d) % 3 ? "[0," : "{\"content\":1,\"score\":");
        ts_buf_printf(&t, "\"in\"");
        for (int i = d - 1; i >= 0; i--)
            ts_buf_printf(&t, (i * 7 + d) % 3 ? ",2]" : ",\"role\":3}");
        ts_buf_printf(&t, ",\"id\":\"after %d\"}", d);
        ts_buf_putc(&t, 0);
        CHECK_INT(check_str(&x, t.data), 0);
        char want[32];
        snprintf(want, sizeof want, "after %d", d);
        HITS(&x, {
            const ts_json_hit *id = ts_json_pick_top(k, T_ID), *m = ts_json_pick_top(k, T_META);
            CHECK(id && id->type == TS_JSON_STRING && id->len == strlen(want) &&
                  !memcmp(ts_json_pick_text(k) + id->off, want, id->len));
            CHECK(m && m->type == (d % 3 ? TS_JSON_ARRAY : TS_JSON_OBJECT) && m->len == 3);
        });
    }
    fprintf(stderr, "  pick deep: %ld records, %ld by the AVX2 scan\n", x.checked, x.fast);
    CHECK(x.fast >= 250 || !have_avx2());
    ts_buf_release(&t);
    px_free(&x);
}
