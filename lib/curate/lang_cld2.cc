// CLD2 (Compact Language Detector 2, Debian libcld2-dev) behind one C
// call for lang.c. CLD2 is C++; this file is the only C++ in the library.
// Its quad-gram tables are compiled into libcld2, so there is nothing to
// load or free.
#include <cstddef>
#include <cstdio> // compact_lang_det.h uses FILE without including <cstdio>
#include <cstring>

#include <cld2/public/compact_lang_det.h>

#include "lang_cld2.h"

// CLD2's codes where they differ from the ISO 639-1 codes tuneset writes
// (OASST1's labels): Hebrew is "iw", Norwegian Bokmål "no", traditional
// Chinese "zh-Hant", Javanese "jw".
static const char *iso_code(const char *c)
{
    static const char *const map[][2] = {{"iw", "he"}, {"no", "nb"}, {"zh-Hant", "zh"}, {"jw", "jv"}};
    for (const auto &m : map)
        if (!std::strcmp(c, m[0]))
            return m[1];
    return c;
}

extern "C" int tslang_cld2_detect(const char *s, size_t n, char *code, size_t cap, double *confidence)
{
    *confidence = 0;
    code[0] = '\0';
    if (n > 0x7fffffff)
        return 0;
    try {
        CLD2::Language l3[3];
        int pct[3] = {0, 0, 0}, text_bytes = 0, valid = 0;
        double score3[3];
        bool reliable = false;
        // The CheckUTF8 form: Parquet strings are not validated on input.
        CLD2::Language l = CLD2::ExtDetectLanguageSummaryCheckUTF8(s, (int)n, true, nullptr, 0, l3, pct, score3,
                                                                   nullptr, &text_bytes, &reliable, &valid);
        // With no evidence CLD2 still answers ENGLISH (percent 0): that is
        // "unknown", not English ("ok", "123", a short Russian line).
        if (l == CLD2::UNKNOWN_LANGUAGE || pct[0] <= 0)
            return 0;
        const char *c = iso_code(CLD2::LanguageCode(l));
        size_t len = std::strlen(c);
        if (!len || len >= cap || !std::strcmp(c, "un") || !std::strcmp(c, "xxx"))
            return 0;
        std::memcpy(code, c, len + 1);
        // The share of the text in that language, halved when CLD2 itself
        // calls the answer unreliable (too little text, or a close second).
        *confidence = pct[0] / 100.0 * (reliable ? 1.0 : 0.5);
        return 1;
    } catch (...) {
        return 0; // no C++ exception may cross into C
    }
}
