/* The tokenizer on a hand-written tokenizer.json (tests/fixtures/tok/
 * tiny.json: SentencePiece-style BPE with byte fallback, seven merges, added
 * tokens with rstrip and single_word) and on small inline ones for the
 * Split behaviours. Parity with the real tokenizers is tests/tok/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/tokenizer.h"

/* Encodes s and renders the ids as "a,b,c" into a static buffer. */
static const char *enc(ts_tokenizer *t, const char *s)
{
    static char out[512];
    ts_tok_ids v = {0};
    int rc = ts_tokenizer_encode(t, s, strlen(s), &v);
    if (rc) {
        snprintf(out, sizeof out, "error %d", rc);
    } else {
        size_t k = 0;
        out[0] = 0;
        for (size_t i = 0; i < v.len && k < sizeof out - 12; i++)
            k += (size_t)snprintf(out + k, sizeof out - k, "%s%u", i ? "," : "", v.ids[i]);
    }
    ts_tok_ids_release(&v);
    return out;
}

static const char *dec(ts_tokenizer *t, const uint32_t *ids, size_t n, bool skip)
{
    static char out[512];
    ts_buf b;
    ts_buf_init(&b, 0);
    int rc = ts_tokenizer_decode(t, ids, n, skip, &b);
    snprintf(out, sizeof out, "%.*s", rc ? 5 : (int)b.len, rc ? "error" : (b.data ? b.data : ""));
    ts_buf_release(&b);
    return out;
}

static ts_tokenizer *tiny(void)
{
    ts_tokenizer *t = NULL;
    ts_err e = TS_ERR_INIT;
    if (ts_tokenizer_load("tests/fixtures/tok", &t, &e) == 0)
        fprintf(stderr, "unexpected: a folder without tokenizer.json loaded\n");
    ts_tokenizer_free(t);
    t = NULL;
    if (ts_tokenizer_load("tests/fixtures/tok/tiny.json", &t, &e))
        fprintf(stderr, "tiny.json: %s\n", e.msg);
    return t;
}

TEST(tok_merges_follow_ranks)
{
    ts_tokenizer *t = tiny();
    CHECK(t);
    CHECK_STR(enc(t, "lower"), "14");   /* ▁lower: all seven merges */
    CHECK_STR(enc(t, "lowest"), "13,18"); /* ▁low + est (e s, es t) */
    CHECK_STR(enc(t, "low low"), "13,13");
    CHECK_STR(enc(t, ""), "");
    CHECK_INT(ts_tokenizer_count(t, "lowest", 6), 2);
    CHECK_INT(ts_tokenizer_vocab_size(t), 24);
    ts_tokenizer_free(t);
}

TEST(tok_byte_fallback_and_unk)
{
    ts_tokenizer *t = tiny();
    CHECK(t);
    CHECK_STR(enc(t, "\xC3\xA9"), "4,2,3"); /* é: no token, both bytes have <0xNN> */
    CHECK_STR(enc(t, "\xE2\x82\xAC\xE2\x82\xAC"), "4,0"); /* €€: no bytes either: one fused <unk> */
    CHECK_STR(enc(t, "l\xE2\x82\xAC" "e"), "4,5,0,8");
    CHECK_STR(enc(t, "\xC3"), "error -4"); /* invalid UTF-8 is refused, not guessed */
    ts_tokenizer_free(t);
}

TEST(tok_added_tokens)
{
    ts_tokenizer *t = tiny();
    CHECK(t);
    /* Raw added tokens split the text before normalization, so each side
     * gets its own ▁ prepended (the Llama 2 behaviour of the reference);
     * rstrip eats the spaces after <|end|>. */
    CHECK_STR(enc(t, "low<|end|>  low"), "13,22,13");
    CHECK_STR(enc(t, "<s>lower"), "1,14");
    CHECK_STR(enc(t, "<s"), "4,0,16");
    /* "hi" is normalized: it is looked for as its normalized form "▁hi",
     * and single_word keeps it out of "thi" and "low hi" (after w). */
    CHECK_STR(enc(t, "hi"), "23");
    CHECK_STR(enc(t, "hi low"), "23,13");
    CHECK_STR(enc(t, "thi"), "4,17,20,21");
    CHECK_STR(enc(t, "low hi"), "13,4,20,21");
    CHECK_INT(ts_tokenizer_token_to_id(t, "<|end|>", 7), 22);
    CHECK_INT(ts_tokenizer_token_to_id(t, "est", 3), 18);
    CHECK_INT(ts_tokenizer_token_to_id(t, "zzz", 3), -1);
    size_t n;
    const char *s = ts_tokenizer_id_to_token(t, 14, &n);
    CHECK(s && n == 8 && !memcmp(s, "\xE2\x96\x81lower", 8));
    CHECK(ts_tokenizer_id_to_token(t, 9999, &n) == NULL);
    ts_tokenizer_free(t);
}

TEST(tok_decode)
{
    ts_tokenizer *t = tiny();
    CHECK(t);
    uint32_t a[] = {14};
    CHECK_STR(dec(t, a, 1, false), "lower");
    uint32_t b[] = {4, 2, 3, 13};
    CHECK_STR(dec(t, b, 4, false), "\xC3\xA9 low");
    uint32_t c[] = {2, 13}; /* a lone lead byte decodes to U+FFFD */
    CHECK_STR(dec(t, c, 2, false), "\xEF\xBF\xBD low");
    uint32_t d[] = {1, 13, 22, 13};
    CHECK_STR(dec(t, d, 4, false), "<s> low<|end|> low");
    CHECK_STR(dec(t, d, 4, true), "low low");
    ts_tokenizer_free(t);
}

/* A tokenizer whose vocabulary holds whole pieces and ignore_merges is on:
 * each piece becomes one id, so the ids show where the Split cut. */
static ts_tokenizer *split_tok(const char *behavior, bool invert)
{
    char js[1024];
    snprintf(js, sizeof js,
             "{\"added_tokens\":[],\"normalizer\":null,"
             "\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"String\":\"-\"},\"behavior\":\"%s\",\"invert\":%s},"
             "\"decoder\":null,\"model\":{\"type\":\"BPE\",\"ignore_merges\":true,\"unk_token\":\"?\","
             "\"vocab\":{\"?\":9,\"a\":0,\"b\":1,\"-\":2,\"a-\":3,\"-b\":4,\"--\":5,\"a--\":6,\"--b\":7},\"merges\":[]}}",
             behavior, invert ? "true" : "false");
    ts_tokenizer *t = NULL;
    ts_err e = TS_ERR_INIT;
    if (ts_tokenizer_load_json(js, strlen(js), &t, &e))
        fprintf(stderr, "split_tok: %s\n", e.msg);
    return t;
}

TEST(tok_split_behaviours)
{
    static const struct {
        const char *behavior;
        bool invert;
        const char *text, *want;
    } cases[] = {
        {"Isolated", false, "a-b", "0,2,1"},
        {"Removed", false, "a-b", "0,1"},
        {"MergedWithPrevious", false, "a-b", "3,1"},
        {"MergedWithNext", false, "a-b", "0,4"},
        {"Contiguous", false, "a--b", "0,5,1"},
        {"Isolated", false, "a--b", "0,2,2,1"},
        {"MergedWithPrevious", false, "a--b", "3,2,1"}, /* a second match in a row is its own piece */
        {"MergedWithNext", false, "a--b", "0,2,4"},
        {"Removed", true, "a-b", "2"},
        {"MergedWithPrevious", true, "a-b", "0,4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ts_tokenizer *t = split_tok(cases[i].behavior, cases[i].invert);
        CHECK(t);
        const char *got = enc(t, cases[i].text);
        ts_tokenizer_free(t);
        if (strcmp(got, cases[i].want))
            fprintf(stderr, "  %s%s on %s\n", cases[i].behavior, cases[i].invert ? " (invert)" : "", cases[i].text);
        CHECK_STR(got, cases[i].want);
    }
}

TEST(tok_load_errors)
{
    ts_tokenizer *t = NULL;
    ts_err e = TS_ERR_INIT;
    CHECK_INT(ts_tokenizer_load("tests/fixtures/tok/missing.json", &t, &e), TS_ENOENT);
    const char *uni = "{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}";
    CHECK_INT(ts_tokenizer_load_json(uni, strlen(uni), &t, &e), TS_ENOTSUP);
    CHECK(strstr(e.msg, "Unigram"));
    const char *bad = "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a b\"]}}";
    e = (ts_err)TS_ERR_INIT;
    CHECK_INT(ts_tokenizer_load_json(bad, strlen(bad), &t, &e), TS_ESCHEMA);
    const char *trunc = "{\"model\":{\"type\":";
    e = (ts_err)TS_ERR_INIT;
    CHECK(ts_tokenizer_load_json(trunc, strlen(trunc), &t, &e) < 0);
    CHECK(t == NULL);
    const char *pre = "{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}";
    e = (ts_err)TS_ERR_INIT;
    CHECK_INT(ts_tokenizer_load_json(pre, strlen(pre), &t, &e), TS_ENOTSUP);
}

/* Loads inline tokenizer JSON; NULL (and a message) on failure. */
static ts_tokenizer *inline_tok(const char *js)
{
    ts_tokenizer *t = NULL;
    ts_err e = TS_ERR_INIT;
    if (ts_tokenizer_load_json(js, strlen(js), &t, &e))
        fprintf(stderr, "inline tokenizer: %s\n", e.msg);
    return t;
}

TEST(tok_merge_forms_agree)
{
    /* "a b" strings and ["a", "b"] pairs are the same merges. */
    ts_tokenizer *s = inline_tok("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"c\":2,\"ab\":3,\"abc\":4,\"bc\":5},"
                                 "\"merges\":[\"b c\",\"a b\",\"ab c\"]}}");
    ts_tokenizer *p = inline_tok("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"c\":2,\"ab\":3,\"abc\":4,\"bc\":5},"
                                 "\"merges\":[[\"b\",\"c\"],[\"a\",\"b\"],[\"ab\",\"c\"]]}}");
    CHECK(s && p);
    /* b c has the lower rank, so "abc" is a + bc (no a bc merge), not abc */
    CHECK_STR(enc(s, "abc"), "0,5");
    CHECK_STR(enc(p, "abc"), "0,5");
    CHECK_STR(enc(p, "abab"), "3,3");
    ts_tokenizer_free(s);
    ts_tokenizer_free(p);
}

TEST(tok_added_ids_as_the_reference_assigns)
{
    /* The file says 7; the reference gives the next id after the
     * vocabulary's two entries, so do we. A content in the vocabulary
     * keeps the vocabulary's id. */
    ts_tokenizer *t = inline_tok("{\"added_tokens\":[{\"id\":7,\"content\":\"<x>\",\"special\":true},"
                                 "{\"id\":9,\"content\":\"b\",\"special\":false}],"
                                 "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[]}}");
    CHECK(t);
    CHECK_STR(enc(t, "a<x>b"), "0,2,1");
    CHECK_INT(ts_tokenizer_vocab_size(t), 3);
    ts_tokenizer_free(t);
}

/* Metaspace pre-tokenizer and decoder, each prepend scheme; the vocabulary
 * holds whole pieces (ignore_merges), so ids show the pieces. Expected
 * values are the reference's. */
TEST(tok_metaspace)
{
    static const struct {
        const char *scheme, *text, *ids, *decoded;
    } cases[] = {
        {"always", "a b", "1,4", "a b"},       {"always", "a<s>b c", "1,9,4,5", "a<s> b c"},
        {"always", " a", "1", "a"},            {"always", "a  c", "1,7,5", "a  c"},
        {"first", "a<s>b c", "1,9,3,5", "a<s>b c"}, {"first", "b", "4", "b"},
        {"never", "a b", "2,4", "a b"},        {"never", " a", "1", " a"},
        {"never", "a<s>b c", "2,9,3,5", "a<s>b c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char js[1024];
        snprintf(js, sizeof js,
                 "{\"added_tokens\":[{\"id\":9,\"content\":\"<s>\",\"special\":true,\"normalized\":false}],"
                 "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"prepend_scheme\":\"%s\",\"split\":true},"
                 "\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"prepend_scheme\":\"%s\",\"split\":true},"
                 "\"model\":{\"type\":\"BPE\",\"ignore_merges\":true,\"unk_token\":\"?\",\"vocab\":{\"?\":0,"
                 "\"\xE2\x96\x81" "a\":1,\"a\":2,\"b\":3,\"\xE2\x96\x81" "b\":4,\"\xE2\x96\x81" "c\":5,\"c\":6,"
                 "\"\xE2\x96\x81\":7,\"\xE2\x96\x81\xE2\x96\x81" "c\":8},\"merges\":[]}}",
                 cases[i].scheme, cases[i].scheme);
        ts_tokenizer *t = inline_tok(js);
        CHECK(t);
        char got[64];
        snprintf(got, sizeof got, "%s", enc(t, cases[i].text));
        uint32_t ids[16];
        size_t n = 0;
        for (const char *p = got; *p && n < 16; n++) {
            ids[n] = (uint32_t)strtoul(p, (char **)&p, 10);
            if (*p == ',')
                p++;
        }
        const char *d = dec(t, ids, n, false);
        char dd[64];
        snprintf(dd, sizeof dd, "%s", d);
        uint32_t two[] = {8, 8}; /* every ▁ of the first token goes: "c  c" */
        bool always = !strcmp(cases[i].scheme, "always");
        const char *d2 = always ? dec(t, two, 2, false) : "c  c";
        char dd2[64];
        snprintf(dd2, sizeof dd2, "%s", d2);
        ts_tokenizer_free(t);
        if (strcmp(got, cases[i].ids) || strcmp(dd, cases[i].decoded))
            fprintf(stderr, "  %s on \"%s\"\n", cases[i].scheme, cases[i].text);
        CHECK_STR(got, cases[i].ids);
        CHECK_STR(dd, cases[i].decoded);
        CHECK_STR(dd2, "c  c");
    }
}

/* GPT-2's byte map, spelled out here so the test checks the library's. */
static unsigned gpt2_char(int b)
{
    if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF))
        return (unsigned)b;
    unsigned n = 0;
    for (int k = 0; k < b; k++)
        if (!((k >= '!' && k <= '~') || (k >= 0xA1 && k <= 0xAC) || (k >= 0xAE && k <= 0xFF)))
            n++;
    return 256 + n;
}

/* A byte-level tokenizer without merges: the 256 byte tokens plus extra
 * vocabulary entries (ignore_merges: a whole piece in the vocabulary is
 * one id, so ids show the pieces). */
static ts_tokenizer *bytes_tok_ex(const char *normalizer, const char *pretok, const char *extra)
{
    static char js[16384];
    size_t k = (size_t)snprintf(js, sizeof js,
                                "{\"normalizer\":%s,\"pre_tokenizer\":%s,\"decoder\":{\"type\":\"ByteLevel\"},"
                                "\"model\":{\"type\":\"BPE\",\"ignore_merges\":true,\"merges\":[],\"vocab\":{%s",
                                normalizer, pretok, extra);
    for (int b = 0; b < 256; b++) {
        unsigned c = gpt2_char(b);
        char u[3];
        size_t n = c < 0x80 ? 1 : 2;
        if (n == 1)
            u[0] = (char)c;
        else {
            u[0] = (char)(0xC0 | (c >> 6));
            u[1] = (char)(0x80 | (c & 0x3F));
        }
        k += (size_t)snprintf(js + k, sizeof js - k, "%s\"%s%.*s\":%d", b || *extra ? "," : "",
                              (c == '"' || c == '\\') ? "\\" : "", (int)n, u, b);
    }
    snprintf(js + k, sizeof js - k, "}}}");
    return inline_tok(js);
}

/* The same over a normalizer only: decode of encode shows the normalized
 * text. */
static ts_tokenizer *bytes_tok(const char *normalizer)
{
    return bytes_tok_ex(normalizer, "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":false}", "");
}

static const char *normalized(ts_tokenizer *t, const char *s)
{
    static char out[256];
    ts_tok_ids v = {0};
    ts_buf b;
    ts_buf_init(&b, 0);
    if (ts_tokenizer_encode(t, s, strlen(s), &v) || ts_tokenizer_decode(t, v.ids, v.len, false, &b))
        snprintf(out, sizeof out, "error");
    else
        snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? b.data : "");
    ts_tok_ids_release(&v);
    ts_buf_release(&b);
    return out;
}

TEST(tok_normalizers)
{
    /* Expected values are the reference's output for the same file. */
    ts_tokenizer *t = bytes_tok("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"},"
                                "{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true},"
                                "{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"}]}");
    CHECK(t);
    CHECK_STR(normalized(t, "  Hello\t\tWORLD  "), "hello world");
    CHECK_STR(normalized(t, "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xEF\xAC\x81 \xC2\xBD \xE2\x85\xAB"), "abc fi 1\xE2\x81\x84" "2 xii");
    /* İ lowercases to i + U+0307; Σ is lowercased alone (no final sigma) */
    CHECK_STR(normalized(t, "\xC4\xB0stanbul \xCE\xA3\xCE\x91\xCE\xA3"), "i\xCC\x87stanbul \xCF\x83\xCE\xB1\xCF\x83");
    CHECK_STR(normalized(t, "\xC2\xA0 x \xE3\x80\x80"), "x");
    CHECK_STR(normalized(t, "\xC3\x89" "COLE\n\n\nx"), "\xC3\xA9" "cole x");
    ts_tokenizer_free(t);
    /* NFC composes; the byte-level decode gives the text back otherwise */
    t = bytes_tok("{\"type\":\"NFC\"}");
    CHECK(t);
    CHECK_STR(normalized(t, "e\xCC\x81 \xE1\x84\x80\xE1\x85\xA1 caf\xC3\xA9"), "\xC3\xA9 \xEA\xB0\x80 caf\xC3\xA9");
    ts_tokenizer_free(t);
}

TEST(tok_gpt2_bytelevel_pretokenizer)
{
    /* ByteLevel with add_prefix_space and the GPT-2 regex (GPT-2, RoBERTa);
     * expected ids and decodes are the reference's. */
    ts_tokenizer *t = bytes_tok_ex("null", "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"use_regex\":true}",
                                   "\"\xC4\xA0hello\":256,\"\xC4\xA0world\":257,\"'s\":258,\"\xC4\xA0" "123\":259,"
                                   "\"\xC4\xA0\xC4\xA0\":260,\"!!\":261");
    CHECK(t);
    CHECK_STR(enc(t, "hello world's"), "256,257,258");
    CHECK_STR(enc(t, " hello   world!!"), "256,260,257,261");
    CHECK_STR(enc(t, "123 hello\n\n world"), "259,256,10,10,257");
    CHECK_STR(normalized(t, "hello"), " hello");
    ts_tokenizer_free(t);
}
