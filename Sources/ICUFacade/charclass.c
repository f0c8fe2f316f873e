#include "ICUFacade.h"
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

int32_t hashi_char_class(uint32_t c) {
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return HASHI_CHAR_LATIN;
        if (c >= '0' && c <= '9') return HASHI_CHAR_DIGIT;
        return HASHI_CHAR_OTHER;
    }
    // The prolonged sound mark and the kana voicing marks belong to no single script (Common or
    // Inherited), yet they are part of kana words.
    if (c == 0x30FC || c == 0xFF70 || (c >= 0x3099 && c <= 0x309C)) return HASHI_CHAR_KATAKANA;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript((UChar32)c, &status);
    if (U_FAILURE(status)) return HASHI_CHAR_OTHER;
    switch (script) {
    case USCRIPT_HAN: return HASHI_CHAR_HAN;
    case USCRIPT_HIRAGANA: return HASHI_CHAR_HIRAGANA;
    case USCRIPT_KATAKANA: return HASHI_CHAR_KATAKANA;
    case USCRIPT_LATIN: return u_isalpha((UChar32)c) ? HASHI_CHAR_LATIN : HASHI_CHAR_OTHER;
    default: break;
    }
    if (u_isdigit((UChar32)c)) return HASHI_CHAR_DIGIT;
    if (c == 0x3005 || c == 0x3006 || c == 0x3007) return HASHI_CHAR_HAN; // 々 〆 〇
    if (u_isalpha((UChar32)c)) return HASHI_CHAR_LETTER;
    return HASHI_CHAR_OTHER;
}

void hashi_classify(const uint16_t *text, int32_t length, uint8_t *classes) {
    int32_t i = 0;
    while (i < length) {
        uint16_t unit = text[i];
        if (unit < 0x80) {
            classes[i] = ((unit | 0x20) >= 'a' && (unit | 0x20) <= 'z') ? HASHI_CHAR_LATIN
                       : (unit >= '0' && unit <= '9') ? HASHI_CHAR_DIGIT : HASHI_CHAR_OTHER;
            i++;
            continue;
        }
        UChar32 c;
        int32_t start = i;
        U16_NEXT(text, i, length, c);
        uint8_t value = (uint8_t)hashi_char_class((uint32_t)c);
        for (int32_t k = start; k < i; k++) {
            classes[k] = value;
        }
    }
}
