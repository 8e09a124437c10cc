/* libFuzzer target: the tokenizer.json loader, encode and decode.
 * Input byte 0 picks the mode:
 *   even: the rest is "TOKENIZER-JSON \0 TEXT": load it (must load or fail
 *         cleanly), then encode TEXT and decode the ids;
 *   odd:  the rest is TEXT for built-in tokenizers (a byte-level BPE with
 *         the Llama 3 split regex, and a SentencePiece-style BPE with byte
 *         fallback and added tokens): encode must succeed on valid UTF-8,
 *         and the byte-level one must decode back to TEXT exactly. And a
 *         differential check of the speed-ups: a Llama 2 style tokenizer
 *         (no pre-tokenizer: pieces cut before "X▁", single characters by
 *         table) must give the ids of the same tokenizer with an empty
 *         continuing_subword_prefix, which means the same to the reference
 *         but turns both speed-ups off; and the NFC normalizer's copy of
 *         inert runs must agree with utf8proc's NFC of the whole text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tuneset/tokenizer.h"

static ts_tokenizer *bytelevel, *bl_nfc, *spm, *cut, *nocut;

/* Merges include two that join across a "▁" (">" + "▁</", "b" + "▁"), so
 * cuts must be skipped there. */
static const char *const cut_json =
    "{\"added_tokens\":[{\"id\":0,\"content\":\"<unk>\",\"special\":true,\"normalized\":false}],"
    "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"\xE2\x96\x81\"},"
    "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xE2\x96\x81\"}]},"
    "\"pre_tokenizer\":null,\"decoder\":null,\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\","
    "\"fuse_unk\":true,\"byte_fallback\":true,%s"
    "\"vocab\":{\"<unk>\":0,\"\xE2\x96\x81\":1,\"a\":2,\"b\":3,\">\":4,\"<\":5,\"/\":6,\"\xE2\x96\x81" "a\":7,"
    "\"ab\":8,\"\xE2\x96\x81" "ab\":9,\"\xE2\x96\x81\xE2\x96\x81\":10,\"\xE2\x96\x81<\":11,\"\xE2\x96\x81</\":12,"
    "\">\xE2\x96\x81</\":13,\"b\xE2\x96\x81\":14,\"<0x41>\":15,\"<0xC3>\":16,\"<0xA9>\":17},"
    "\"merges\":[[\"\xE2\x96\x81\",\"a\"],[\"a\",\"b\"],[\"\xE2\x96\x81" "a\",\"b\"],[\"\xE2\x96\x81\",\"\xE2\x96\x81\"],"
    "[\"\xE2\x96\x81\",\"<\"],[\"\xE2\x96\x81<\",\"/\"],[\">\",\"\xE2\x96\x81</\"],[\"b\",\"\xE2\x96\x81\"]]}}";

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
}

/* GPT-2's byte map, spelled out here so the target tests the library's. */
static unsigned byte_char(int b)
{
    if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF))
        return (unsigned)b;
    unsigned n = 0;
    for (int k = 0; k < b; k++)
        if (!((k >= '!' && k <= '~') || (k >= 0xA1 && k <= 0xAC) || (k >= 0xAE && k <= 0xFF)))
            n++;
    return 256 + n;
}

static ts_tokenizer *make_bytelevel(const char *normalizer)
{
    static char js[16384];
    ts_tokenizer *t = NULL;
    size_t k = (size_t)snprintf(js, sizeof js,
        "{\"added_tokens\":[{\"id\":300,\"content\":\"<|eot|>\",\"special\":true,\"normalized\":false}],"
        "\"normalizer\":%s,\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":["
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|"
        "\\\\p{N}{1,3}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+\"},"
        "\"behavior\":\"Isolated\",\"invert\":false},"
        "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":false}]},"
        "\"decoder\":{\"type\":\"ByteLevel\"},\"model\":{\"type\":\"BPE\",\"ignore_merges\":true,\"vocab\":{",
        normalizer);
    for (int b = 0; b < 256; b++) {
        char c[4];
        size_t n = put_utf8(c, byte_char(b));
        k += (size_t)snprintf(js + k, sizeof js - k, "%s\"%s%.*s\":%d", b ? "," : "",
                              (b == '"' || b == '\\') ? "\\" : "", (int)n, c, b);
    }
    /* a few merges over "Ġthe" and "he" (Ġ is U+0120, the space) */
    k += (size_t)snprintf(js + k, sizeof js - k,
                          ",\"he\":256,\"\xC4\xA0t\":257,\"\xC4\xA0the\":258,\"ll\":259},"
                          "\"merges\":[\"h e\",\"\xC4\xA0 t\",\"\xC4\xA0t he\",\"l l\"]}}");
    ts_err e = TS_ERR_INIT;
    if (ts_tokenizer_load_json(js, k, &t, &e)) {
        fprintf(stderr, "fuzz_tokenizer: byte-level: %s\n", e.msg);
        abort();
    }
    return t;
}

static void init(void)
{
    ts_err e = TS_ERR_INIT;
    bytelevel = make_bytelevel("null");
    bl_nfc = make_bytelevel("{\"type\":\"NFC\"}");
    const char *sp =
        "{\"added_tokens\":[{\"id\":0,\"content\":\"<unk>\",\"special\":true,\"normalized\":false},"
        "{\"id\":8,\"content\":\"<s>\",\"special\":true,\"normalized\":false,\"rstrip\":true,\"lstrip\":true},"
        "{\"id\":9,\"content\":\"ab\",\"special\":false,\"normalized\":true,\"single_word\":true}],"
        "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Prepend\",\"prepend\":\"\xE2\x96\x81\"},"
        "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xE2\x96\x81\"}]},"
        "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"prepend_scheme\":\"first\",\"split\":true},"
        "\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"\xE2\x96\x81\"},"
        "\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]},"
        "\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"fuse_unk\":true,\"byte_fallback\":true,"
        "\"vocab\":{\"<unk>\":0,\"a\":1,\"b\":2,\"\xE2\x96\x81\":3,\"<0x41>\":4,\"<0xC3>\":5,\"<0xA9>\":6,\"\xE2\x96\x81" "a\":7},"
        "\"merges\":[[\"\xE2\x96\x81\",\"a\"]]}}";
    if (ts_tokenizer_load_json(sp, strlen(sp), &spm, &e)) {
        fprintf(stderr, "fuzz_tokenizer: spm: %s\n", e.msg);
        abort();
    }
    for (int i = 0; i < 2; i++) {
        char buf[4096];
        int n = snprintf(buf, sizeof buf, cut_json, i ? "\"continuing_subword_prefix\":\"\"," : "");
        if (ts_tokenizer_load_json(buf, (size_t)n, i ? &nocut : &cut, &e)) {
            fprintf(stderr, "fuzz_tokenizer: cut %d: %s\n", i, e.msg);
            abort();
        }
    }
}

/* The NFC normalizer copies runs of inert characters itself: decoding a
 * byte-level encode of the text must give utf8proc's NFC of all of it. */
static void nfc_check(const char *s, size_t n)
{
    ts_tok_ids v = {0};
    if (ts_tokenizer_encode(bl_nfc, s, n, &v) == 0) {
        utf8proc_uint8_t *want = NULL;
        utf8proc_ssize_t wn = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &want,
                                           (utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
        ts_buf b;
        ts_buf_init(&b, 0);
        if (wn < 0 || ts_tokenizer_decode(bl_nfc, v.ids, v.len, false, &b) || b.len != (size_t)wn ||
            (wn && memcmp(b.data, want, (size_t)wn)))
            abort();
        ts_buf_release(&b);
        free(want);
    }
    ts_tok_ids_release(&v);
}

static void differential(const char *s, size_t n)
{
    ts_tok_ids a = {0}, b = {0};
    int ra = ts_tokenizer_encode(cut, s, n, &a), rb = ts_tokenizer_encode(nocut, s, n, &b);
    if (ra != rb || a.len != b.len || (a.len && memcmp(a.ids, b.ids, a.len * sizeof *a.ids)))
        abort();
    ts_tok_ids_release(&a);
    ts_tok_ids_release(&b);
}

static void encode_decode(ts_tokenizer *t, const char *s, size_t n, bool must_round_trip)
{
    ts_tok_ids v = {0};
    int rc = ts_tokenizer_encode(t, s, n, &v);
    if (rc == 0) {
        ts_buf b;
        ts_buf_init(&b, 0);
        if (ts_tokenizer_decode(t, v.ids, v.len, false, &b) == 0 && must_round_trip &&
            (b.len != n || (n && memcmp(b.data, s, n))))
            abort();
        ts_buf_release(&b);
    } else if (must_round_trip && rc != TS_EUTF8) {
        abort();
    }
    ts_tok_ids_release(&v);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!bytelevel)
        init();
    if (size < 1)
        return 0;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] & 1) {
        encode_decode(bytelevel, p, n, true);
        encode_decode(spm, p, n, false);
        differential(p, n);
        nfc_check(p, n);
        return 0;
    }
    const char *z = memchr(p, 0, n);
    size_t jn = z ? (size_t)(z - p) : n;
    ts_tokenizer *t = NULL;
    ts_err e = TS_ERR_INIT;
    if (ts_tokenizer_load_json(p, jn, &t, &e) == 0) {
        if (z)
            encode_decode(t, z + 1, n - jn - 1, false);
        ts_tokenizer_free(t);
    } else if (t) {
        abort(); /* a failed load leaves *out NULL */
    }
    return 0;
}
