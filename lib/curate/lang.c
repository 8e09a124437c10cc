/* Language detection over CLD2 (lang_cld2.cc) or libexttextcat. textcat
 * ranks its models by n-gram out-of-place distance and returns every
 * model within a few per cent of the best one, so the number of tied
 * candidates is the honest measure of doubt it offers; confidence is 1 /
 * that number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libexttextcat/textcat.h>

#include "lang_cld2.h"
#include "tuneset/curate_lang.h"

/* textcat is O(text) and a few hundred bytes already decide; long
 * records would only cost time. */
#define LANG_MAX_BYTES 4096
#define LANG_MIN_BYTES 16

struct ts_lang {
    ts_lang_detector det;
    void *tc; /* textcat */
    candidate_t *cand;
};

/* The models loaded: OASST1's 35 languages and the other large written
 * languages, most common first (textcat stops scoring a model early
 * once it cannot beat the best so far). All 163 models would be worse,
 * not better: English prose then comes out as Scots, Frisian or
 * Romansh about one time in seven. */
static const char *const models[][2] = {
    {"en", "en"}, {"es", "es"}, {"ru", "ru"}, {"de", "de"}, {"fr", "fr"}, {"pt", "pt"},
    {"zh-Hans", "zh"}, {"ja", "ja"}, {"ko", "ko"}, {"it", "it"}, {"ca", "ca"}, {"uk", "uk"},
    {"pl", "pl"}, {"th", "th"}, {"hu", "hu"}, {"eu", "eu"}, {"vi", "vi"}, {"fi", "fi"},
    {"cs", "cs"}, {"nl", "nl"}, {"sv", "sv"}, {"tr", "tr"}, {"da", "da"}, {"ro", "ro"},
    {"bg", "bg"}, {"el", "el"}, {"he", "he"}, {"ar", "ar"}, {"fa", "fa"}, {"id", "id"},
    {"nb", "nb"}, {"sr-Cyrl", "sr"}, {"sr-Latn", "sr"}, {"hr", "hr"}, {"sk", "sk"},
    {"sl", "sl"}, {"hi", "hi"}, {"bn", "bn"}, {"lt", "lt"}, {"lv", "lv"}, {"et", "et"},
    {"gl", "gl"}, {"ms", "ms"}, {"ta", "ta"}, {"ur", "ur"}, {"mk", "mk"}, {"be", "be"},
    {"kk", "kk"}, {"is", "is"}, {"af", "af"}, {"sw", "sw"}, {"tl", "tl"}, {"eo", "eo"},
    {"ka", "ka"}, {"hy", "hy"}, {"az", "az"}, {"uz", "uz"},
};

/* textcat reads its model list from a file, so the list above is
 * written to a private temporary one and removed once loaded. */
ts_lang *ts_lang_open_with(ts_lang_detector det, const char *dir)
{
    if (det == TS_LANG_CLD2) { /* its tables are compiled in */
        ts_lang *l = calloc(1, sizeof *l);
        if (l)
            l->det = TS_LANG_CLD2;
        return l;
    }
    return ts_lang_open(dir);
}

ts_lang *ts_lang_open(const char *dir)
{
    if (!dir)
        dir = TS_LANG_MODEL_DIR;
    const char *tmp = getenv("TMPDIR");
    char conf[4096];
    if (!tmp || !*tmp)
        tmp = "/tmp";
    /* textcat reports a missing model on stderr; library code must not
     * print, so a directory without models is refused first. */
    if ((size_t)snprintf(conf, sizeof conf, "%sen.lm", dir) >= sizeof conf || access(conf, R_OK))
        return NULL;
    if ((size_t)snprintf(conf, sizeof conf, "%s/tuneset-lang-XXXXXX", tmp) >= sizeof conf)
        return NULL;
    int fd = mkstemp(conf);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(conf);
        return NULL;
    }
    for (size_t i = 0; i < sizeof models / sizeof *models; i++)
        fprintf(f, "%s.lm %s\n", models[i][0], models[i][1]);
    int bad = fclose(f) != 0;
    ts_lang *l = bad ? NULL : calloc(1, sizeof *l);
    if (l)
        l->tc = special_textcat_Init(conf, dir);
    unlink(conf);
    /* Below this many bytes textcat's guesses on OASST1 were mostly
     * wrong ("dunno" -> eu, "how are you" -> af): say so instead. */
    if (l && l->tc)
        textcat_SetProperty(l->tc, TCPROP_MINIMUM_DOCUMENT_SIZE, LANG_MIN_BYTES);
    if (!l || !l->tc || !(l->cand = textcat_GetClassifyFullOutput(l->tc))) {
        ts_lang_close(l);
        return NULL;
    }
    return l;
}

void ts_lang_close(ts_lang *l)
{
    if (!l)
        return;
    if (l->cand)
        textcat_ReleaseClassifyFullOutput(l->tc, l->cand);
    if (l->tc)
        textcat_Done(l->tc);
    free(l);
}

/* Backs n off to a UTF-8 character boundary so the cut is clean. */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* textcat's byte n-grams confuse Chinese with Japanese (shared Han
 * characters), so CJK text is decided by script: kana (a tenth) means
 * Japanese, Hangul means Korean, Han alone Chinese. Returns false when
 * CJK characters are not the majority of the letters. */
static bool by_script(const char *s, size_t n, ts_lang_guess *g)
{
    size_t letters = 0, han = 0, kana = 0, hangul = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        size_t len;
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                letters++;
            i++;
            continue;
        }
        if (c >= 0xE0 && c < 0xF0 && i + 2 < n) {
            cp = (unsigned)(c & 0x0F) << 12 | (unsigned)(s[i + 1] & 0x3F) << 6 | (unsigned)(s[i + 2] & 0x3F);
            len = 3;
        } else {
            cp = 0;
            len = 1;
            while (i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
                len++;
        }
        i += len;
        if (cp >= 0x3040 && cp <= 0x30FF)
            kana++;
        else if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF))
            hangul++;
        else if (cp >= 0x4E00 && cp <= 0x9FFF)
            han++;
        else if (cp >= 0x3000 && cp <= 0x303F)
            continue; /* CJK punctuation is not a letter */
        else if (cp >= 0xFF00 && cp <= 0xFFEF)
            continue; /* full-width punctuation either */
        letters++;
    }
    size_t cjk = han + kana + hangul;
    if (cjk == 0 || cjk * 2 <= letters)
        return false;
    const char *code = hangul * 2 > cjk ? "ko" : kana * 10 > cjk ? "ja" : "zh";
    strcpy(g->code, code);
    g->confidence = (double)cjk / (double)letters;
    return true;
}

bool ts_lang_detect(ts_lang *l, const char *s, size_t n, ts_lang_guess *g)
{
    memset(g, 0, sizeof *g);
    if (n > LANG_MAX_BYTES)
        n = utf8_cut(s, LANG_MAX_BYTES);
    if (l->det == TS_LANG_CLD2)
        return tslang_cld2_detect(s, n, g->code, sizeof g->code, &g->confidence) == 1;
    if (by_script(s, n, g))
        return true;
    int k = textcat_ClassifyFull(l->tc, s, n, l->cand);
    if (k <= 0 || !l->cand[0].name)
        return false;
    const char *name = l->cand[0].name;
    size_t c = strlen(name);
    if (c == 0 || c >= sizeof g->code)
        return false;
    memcpy(g->code, name, c);
    g->code[c] = '\0';
    g->confidence = 1.0 / k;
    return true;
}

bool ts_lang_in_list(const char *code, size_t n, const char *list)
{
    const char *p = list;
    while (*p) {
        size_t e = strcspn(p, ",");
        if (e > 0 && e <= n && !memcmp(p, code, e) && (e == n || code[e] == '-'))
            return true;
        p += e;
        if (*p == ',')
            p++;
    }
    return false;
}
