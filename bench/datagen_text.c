/* datagen's text: chat-like prose from embedded word lists, in English
 * and six other languages, with Markdown lists and fenced code. */
#include "datagen.h"
#include "datagen_vocab.h"

uint64_t dg_rng_state;

const char *dg_tech_word(void) { return PICK(tech); }
const char *dg_category(void) { return PICK(category); }

const char *const dg_lang_code[] = {"en", "ko", "zh", "ja", "fr", "de", "es"};

enum lang dg_pick_lang(void)
{
    uint32_t r = rnd(1000);
    return r < 790 ? EN : r < 860 ? KO : r < 920 ? ZH : r < 950 ? JA : r < 967 ? FR : r < 984 ? DE : ES;
}

static void en_word(buf *t)
{
    uint32_t r = rnd(1000);
    if (r < 12)
        puts_(t, PICK(accented));
    else if (r < 60)
        puts_(t, PICK(tech));
    else
        puts_(t, PICK(en));
}

static void latin_sentence(buf *t, enum lang l)
{
    const char *const *v = l == FR ? fr : l == DE ? de : es;
    size_t nv = l == FR ? N(fr) : l == DE ? N(de) : N(es);
    size_t start = t->len;
    uint32_t n = between(5, 16);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            puts_(t, i > 2 && chance(8) ? ", " : " ");
        if (l == EN || chance(20))
            en_word(t);
        else
            puts_(t, v[rnd((uint32_t)nv)]);
    }
    if (t->p[start] >= 'a' && t->p[start] <= 'z')
        t->p[start] -= 32;
    putc_(t, chance(85) ? '.' : chance(70) ? '?' : '!');
    if (chance(3)) {
        putc_(t, ' ');
        puts_(t, PICK(emoji));
    }
}

static void cjk_sentence(buf *t, enum lang l)
{
    uint32_t n = between(4, 12);
    for (uint32_t i = 0; i < n; i++) {
        if (l == KO) {
            if (i)
                putc_(t, ' ');
            puts_(t, i + 1 == n ? PICK(ko_end) : PICK(ko));
        } else {
            puts_(t, l == ZH ? PICK(zh) : PICK(ja));
            if (i + 1 < n && chance(10))
                puts_(t, l == ZH ? "，" : "、");
        }
        if (i + 1 < n && chance(4)) { /* code-switching, as real chats do */
            putc_(t, ' ');
            puts_(t, PICK(tech));
            if (l != KO)
                putc_(t, ' ');
        }
    }
    if (l != KO)
        puts_(t, chance(85) ? "。" : l == ZH ? "？" : "か？");
    if (chance(3))
        puts_(t, PICK(emoji));
}

void dg_sentence(buf *t, enum lang l)
{
    if (l == KO || l == ZH || l == JA)
        cjk_sentence(t, l);
    else
        latin_sentence(t, l);
}

void dg_paragraph(buf *t, enum lang l, uint32_t lo, uint32_t hi)
{
    uint32_t n = between(lo, hi);
    for (uint32_t i = 0; i < n; i++) {
        if (i && l != ZH && l != JA) /* no spaces between CJK sentences */
            putc_(t, ' ');
        dg_sentence(t, l);
    }
}

static void ident(buf *t)
{
    puts_(t, PICK(en));
    if (chance(50)) {
        putc_(t, '_');
        puts_(t, PICK(en));
    }
}

/* Code is where JSON escapes live: quotes, backslashes, tabs, newlines. */
void dg_code_block(buf *t)
{
    const struct code_tpl *c = &code[rnd((uint32_t)N(code))];
    puts_(t, "```");
    puts_(t, c->lang);
    putc_(t, '\n');
    uint32_t n = between(3, 14);
    for (uint32_t i = 0; i < n; i++) {
        const char *s = c->lines[rnd(c->n)];
        /* Placeholders: {i} an identifier, {n} a number, {w} a word. */
        for (; *s; s++) {
            if (s[0] == '{' && s[1] && s[2] == '}' && strchr("inw", s[1])) {
                if (s[1] == 'i')
                    ident(t);
                else if (s[1] == 'w')
                    puts_(t, PICK(en));
                else {
                    char num[16];
                    put(t, num, (size_t)snprintf(num, sizeof num, "%u", rnd(1000)));
                }
                s += 2;
            } else {
                putc_(t, *s);
            }
        }
        putc_(t, '\n');
    }
    puts_(t, "```");
}

void dg_list(buf *t, enum lang l)
{
    uint32_t n = between(2, 7);
    int numbered = chance(50);
    for (uint32_t i = 0; i < n; i++) {
        char num[16];
        int k = numbered ? snprintf(num, sizeof num, "%u. ", i + 1) : snprintf(num, sizeof num, "- ");
        if (i)
            putc_(t, '\n');
        put(t, num, (size_t)k);
        if (chance(30)) {
            puts_(t, "**");
            puts_(t, PICK(tech));
            puts_(t, "**: ");
        }
        dg_sentence(t, l);
    }
}

/* One chat turn. Assistant replies are longer and carry the structure. */
void dg_message(buf *t, enum lang l, int assistant)
{
    t->len = 0;
    if (!assistant) {
        dg_paragraph(t, l, 1, 3);
        if (chance(15)) {
            puts_(t, "\n\n");
            if (chance(60))
                dg_code_block(t);
            else
                dg_paragraph(t, l, 2, 5);
        }
        return;
    }
    uint32_t blocks = chance(3) ? between(12, 40) : between(1, 6);
    for (uint32_t i = 0; i < blocks; i++) {
        if (i)
            puts_(t, chance(95) ? "\n\n" : "\r\n\r\n");
        uint32_t r = rnd(100);
        if (r < 18)
            dg_code_block(t);
        else if (r < 38)
            dg_list(t, l);
        else
            dg_paragraph(t, l, 2, 7);
    }
}
