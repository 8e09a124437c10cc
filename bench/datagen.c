/* datagen: deterministic benchmark input for tuneset, in the native shapes
 * of the datasets it imports. Standalone (no libtuneset) so the benchmark
 * input never depends on the code under test.
 *
 *   cc -O2 -o datagen bench/datagen.c bench/datagen_text.c bench/datagen_json.c
 *   bench/datagen --shape sft --size 300M --seed 1 -o sft.jsonl
 *   bench/datagen --shape sharegpt --array --size 300M -o sharegpt.json
 *
 * Same arguments, same bytes, on any machine: one splitmix64 stream drives
 * every choice and nothing reads the clock or the environment. Numbers are
 * written in the form Python's repr gives back (integers, short decimals,
 * no exponents) so a stdlib json round trip is a byte-exact reference. */
#include <errno.h>

#include "datagen.h"

/* ---- record shapes ---------------------------------------------------- */
static buf txt;
static uint64_t rec_no;

static void shape_sft(emitter *e)
{
    enum lang l = dg_pick_lang();
    uint32_t turns = chance(70) ? 1 : between(2, 5);
    em_open(e, '{');
    em_key(e, "messages");
    em_open(e, '[');
    if (chance(20)) {
        em_item(e);
        em_open(e, '{');
        em_key(e, "role");
        em_cstr(e, "system");
        em_key(e, "content");
        txt.len = 0;
        dg_paragraph(&txt, l, 1, 2);
        em_str(e, txt.p, txt.len);
        em_close(e, '}');
    }
    for (uint32_t i = 0; i < 2 * turns; i++) {
        em_item(e);
        em_open(e, '{');
        em_key(e, "role");
        em_cstr(e, i & 1 ? "assistant" : "user");
        em_key(e, "content");
        dg_message(&txt, l, (int)(i & 1));
        em_str(e, txt.p, txt.len);
        em_close(e, '}');
    }
    em_close(e, ']');
    char id[48];
    snprintf(id, sizeof id, "bench/%llu", (unsigned long long)rec_no);
    em_key(e, "id");
    em_cstr(e, id);
    em_key(e, "source");
    em_cstr(e, "bench");
    em_key(e, "meta");
    em_open(e, '{');
    em_key(e, "category");
    em_cstr(e, dg_category());
    em_key(e, "lang");
    em_cstr(e, dg_lang_code[l]);
    em_key(e, "turns");
    em_int(e, turns);
    em_key(e, "quality");
    em_quarter(e, rnd(21));
    em_key(e, "created");
    em_int(e, 1680000000 + (long long)rnd(50000000));
    em_key(e, "flagged");
    em_raw(e, chance(5) ? "true" : "false");
    em_key(e, "parent");
    if (chance(50))
        em_raw(e, "null");
    else
        em_int(e, (long long)rnd(1u << 31) - (1ll << 30));
    em_key(e, "tags");
    em_open(e, '[');
    for (uint32_t i = rnd(4); i > 0; i--) {
        em_item(e);
        em_cstr(e, dg_tech_word());
    }
    em_close(e, ']');
    em_close(e, '}');
    em_close(e, '}');
}

static void shape_sharegpt(emitter *e)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    enum lang l = dg_pick_lang();
    char id[16];
    for (int i = 0; i < 7; i++)
        id[i] = alnum[rnd(62)];
    snprintf(id + 7, sizeof id - 7, "_%u", rnd(4));
    em_open(e, '{');
    em_key(e, "id");
    em_cstr(e, id);
    em_key(e, "conversations");
    em_open(e, '[');
    uint32_t turns = chance(40) ? 1 : between(2, 8);
    int sys = chance(5);
    for (uint32_t i = 0; i < 2 * turns + (uint32_t)sys; i++) {
        int gpt = sys ? i && !(i & 1) : (int)(i & 1);
        em_item(e);
        em_open(e, '{');
        em_key(e, "from");
        em_cstr(e, sys && !i ? "system" : gpt ? "gpt" : "human");
        em_key(e, "value");
        dg_message(&txt, l, gpt);
        if (gpt && chance(10)) { /* the scraped-HTML replies ShareGPT is known for */
            buf h = {0};
            puts_(&h, "<div class=\"markdown prose w-full break-words dark:prose-invert light\"><p>");
            put(&h, txt.p, txt.len);
            puts_(&h, "</p></div>");
            em_str(e, h.p, h.len);
            free(h.p);
        } else {
            em_str(e, txt.p, txt.len);
        }
        em_close(e, '}');
    }
    em_close(e, ']');
    em_close(e, '}');
}

/* HH-RLHF: two transcripts that share every turn but the last reply. */
static void shape_hhrlhf(emitter *e)
{
    static buf prefix, a;
    enum lang l = chance(97) ? EN : dg_pick_lang();
    uint32_t turns = between(1, 4);
    prefix.len = 0;
    for (uint32_t i = 0; i < turns; i++) {
        puts_(&prefix, "\n\nHuman: ");
        txt.len = 0;
        dg_paragraph(&txt, l, 1, 2);
        put(&prefix, txt.p, txt.len);
        puts_(&prefix, "\n\nAssistant:");
        if (i + 1 < turns) {
            putc_(&prefix, ' ');
            txt.len = 0;
            dg_paragraph(&txt, l, 1, 4);
            put(&prefix, txt.p, txt.len);
        }
    }
    em_open(e, '{');
    for (int side = 0; side < 2; side++) {
        a.len = 0;
        put(&a, prefix.p, prefix.len);
        if (!chance(2)) { /* an empty final reply occurs in the real data */
            putc_(&a, ' ');
            txt.len = 0;
            dg_paragraph(&txt, l, 1, 5);
            put(&a, txt.p, txt.len);
        }
        em_key(e, side ? "rejected" : "chosen");
        em_str(e, a.p, a.len);
    }
    em_close(e, '}');
}

static void shape_alpaca(emitter *e)
{
    enum lang l = chance(95) ? EN : dg_pick_lang();
    em_open(e, '{');
    em_key(e, "instruction");
    txt.len = 0;
    dg_sentence(&txt, l);
    em_str(e, txt.p, txt.len);
    em_key(e, "input");
    txt.len = 0;
    if (chance(40)) {
        if (chance(15))
            dg_code_block(&txt);
        else
            dg_paragraph(&txt, l, 1, 3);
    }
    em_str(e, txt.p, txt.len);
    em_key(e, "output");
    txt.len = 0;
    if (chance(10))
        dg_code_block(&txt);
    else if (chance(20))
        dg_list(&txt, l);
    else
        dg_paragraph(&txt, l, 1, 4);
    em_str(e, txt.p, txt.len);
    em_close(e, '}');
}

static const struct {
    const char *name;
    void (*fn)(emitter *);
    int indent, ascii_pct; /* defaults matching the real files */
} shapes[] = {
    {"sft", shape_sft, 2, 3},
    {"sharegpt", shape_sharegpt, 2, 20},
    {"hhrlhf", shape_hhrlhf, 2, 0},
    {"alpaca", shape_alpaca, 4, 100},
};

/* ---- driver ----------------------------------------------------------- */
static int parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10), mul = 1;
    if (errno || end == s || *s == '-')
        return -1;
    switch (*end) {
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    default: break;
    }
    if (*end || v > ~0ull / mul)
        return -1;
    *out = v * mul;
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: datagen [--shape sft|sharegpt|hhrlhf|alpaca] [--array] [--indent N]\n"
          "               [--size BYTES] [--seed N] [--ascii PCT] [-q] [-o FILE]\n"
          "Writes JSONL (default) or a pretty-printed JSON array (--array) of about\n"
          "BYTES bytes (K/M/G = 2^10/2^20/2^30; default 10M): it stops after the\n"
          "record that reaches the size. Same arguments, same bytes.\n"
          "--ascii PCT: share of strings written with \\u escapes (ensure_ascii)\n",
          f);
}

int main(int argc, char **argv)
{
    unsigned long long size = 10ull << 20, seed = 1;
    const char *out_path = "-", *shape = "sft";
    int array = 0, indent = -1, ascii_pct = -1, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--array"))
            array = 1;
        else if (!strcmp(a, "-q"))
            quiet = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!v)
            bad = 1;
        else if (!strcmp(a, "--shape"))
            shape = argv[++i];
        else if (!strcmp(a, "-o"))
            out_path = argv[++i];
        else if (!strcmp(a, "--size"))
            bad = parse_size(argv[++i], &size);
        else if (!strcmp(a, "--seed"))
            bad = parse_size(argv[++i], &seed);
        else if (!strcmp(a, "--indent"))
            indent = atoi(argv[++i]);
        else if (!strcmp(a, "--ascii"))
            ascii_pct = atoi(argv[++i]);
        else
            bad = 1;
        if (bad) {
            fprintf(stderr, "datagen: bad argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    size_t si = 0;
    while (si < N(shapes) && strcmp(shapes[si].name, shape))
        si++;
    if (si == N(shapes)) {
        fprintf(stderr, "datagen: unknown shape '%s'\n", shape);
        return 2;
    }
    if (indent < 0)
        indent = shapes[si].indent;
    if (ascii_pct < 0)
        ascii_pct = shapes[si].ascii_pct;
    if (indent > 16 || ascii_pct > 100) {
        fputs("datagen: --indent takes 0..16, --ascii 0..100\n", stderr);
        return 2;
    }
    FILE *f = strcmp(out_path, "-") ? fopen(out_path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "datagen: %s: %s\n", out_path, strerror(errno));
        return 1;
    }
    /* Shape and seed both feed the stream, so shapes do not share text. */
    dg_rng_state = seed * 0x2545f4914f6cdd1dull + si;
    buf o = {0};
    emitter e = {.o = &o, .indent = array ? indent : 0};
    unsigned long long total = 0, nonascii = 0;
    if (array)
        em_open(&e, '[');
    while (total + o.len < size) {
        dg_ascii_mode = chance((uint32_t)ascii_pct);
        if (array)
            em_item(&e);
        shapes[si].fn(&e);
        if (!array)
            putc_(&o, '\n');
        rec_no++;
        if (o.len >= 1 << 20 || total + o.len >= size) {
            for (size_t i = 0; i < o.len; i++)
                nonascii += (unsigned char)o.p[i] >= 0x80;
            if (fwrite(o.p, 1, o.len, f) != o.len) {
                fprintf(stderr, "datagen: %s: write failed: %s\n", out_path, strerror(errno));
                return 1;
            }
            total += o.len;
            o.len = 0;
        }
    }
    if (array) {
        em_close(&e, ']');
        putc_(&o, '\n');
    }
    total += o.len;
    int err = fwrite(o.p, 1, o.len, f) != o.len || fflush(f) != 0 || (f != stdout && fclose(f) != 0);
    if (err) {
        fprintf(stderr, "datagen: %s: write failed: %s\n", out_path, strerror(errno));
        return 1;
    }
    if (!quiet)
        fprintf(stderr, "datagen: %s%s: %llu records, %llu bytes, %.1f%% non-ASCII bytes\n", shape,
                array ? " array" : "", (unsigned long long)rec_no, total,
                total ? 100.0 * (double)nonascii / (double)total : 0.0);
    free(o.p);
    free(txt.p);
    return 0;
}
