/* The CLD2 detector (lang_cld2.cc, C++) as lang.c calls it. Internal. */
#ifndef TS_LANG_CLD2_H
#define TS_LANG_CLD2_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The language of s[0..n) (UTF-8; invalid bytes are skipped): its ISO
 * 639-1 code into code[0..cap) and the share of the text in it (halved
 * when CLD2 finds the answer unreliable) into *confidence. Returns 1, or
 * 0 (code "", confidence 0) when CLD2 has no evidence for any language. */
int tslang_cld2_detect(const char *s, size_t n, char *code, size_t cap, double *confidence);

#ifdef __cplusplus
}
#endif

#endif
