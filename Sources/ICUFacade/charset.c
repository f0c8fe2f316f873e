#include "ICUFacade.h"
#include <unicode/ucsdet.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ustring.h>
#include <string.h>

int32_t hashi_detect_charsets(const uint8_t *bytes, int32_t length, char *names, int32_t *confidences,
                              int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *detector = ucsdet_open(&status);
    if (U_FAILURE(status)) {
        *error = status;
        return 0;
    }
    ucsdet_setText(detector, (const char *)bytes, length, &status);
    int32_t found = 0;
    const UCharsetMatch **matches = ucsdet_detectAll(detector, &found, &status);
    int32_t written = 0;
    if (U_SUCCESS(status)) {
        for (int32_t i = 0; i < found && written < capacity; i++) {
            UErrorCode match_status = U_ZERO_ERROR;
            const char *name = ucsdet_getName(matches[i], &match_status);
            int32_t confidence = ucsdet_getConfidence(matches[i], &match_status);
            if (U_FAILURE(match_status) || name == NULL) {
                continue;
            }
            strncpy(names + 32 * written, name, 31);
            names[32 * written + 31] = '\0';
            confidences[written] = confidence;
            written++;
        }
    }
    ucsdet_close(detector);
    *error = status;
    return written;
}

int32_t hashi_convert_to_utf16(const char *charset, const uint8_t *source, int32_t source_length,
                               uint16_t *destination, int32_t capacity, int32_t *source_offsets,
                               int64_t *error_offset, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    *error_offset = -1;
    UConverter *converter = ucnv_open(charset, &status);
    if (U_FAILURE(status)) {
        *error = status;
        return 0;
    }
    ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    if (U_FAILURE(status)) {
        ucnv_close(converter);
        *error = status;
        return 0;
    }
    const char *in = (const char *)source;
    const char *in_limit = in + source_length;
    UChar *out = (UChar *)destination;
    UChar *out_limit = out + capacity;
    ucnv_toUnicode(converter, &out, out_limit, &in, in_limit, source_offsets, 1, &status);
    int32_t produced = (int32_t)(out - (UChar *)destination);
    if (status == U_ILLEGAL_CHAR_FOUND || status == U_INVALID_CHAR_FOUND ||
        status == U_TRUNCATED_CHAR_FOUND || status == U_ILLEGAL_ESCAPE_SEQUENCE ||
        status == U_UNSUPPORTED_ESCAPE_SEQUENCE) {
        char invalid[32];
        int8_t invalid_length = sizeof(invalid);
        UErrorCode ignored = U_ZERO_ERROR;
        ucnv_getInvalidChars(converter, invalid, &invalid_length, &ignored);
        if (U_FAILURE(ignored)) {
            invalid_length = 0;
        }
        *error_offset = (int64_t)(in - (const char *)source) - invalid_length;
    }
    ucnv_close(converter);
    *error = status;
    return produced;
}

int32_t hashi_utf8_to_utf16(const uint8_t *source, int32_t source_length, uint16_t *destination,
                            int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = 0;
    u_strFromUTF8((UChar *)destination, capacity, &length, (const char *)source, source_length, &status);
    if (status == U_STRING_NOT_TERMINATED_WARNING) {
        status = U_ZERO_ERROR;
    }
    *error = status;
    return length;
}

int32_t hashi_utf16_to_utf8(const uint16_t *source, int32_t source_length, uint8_t *destination,
                            int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = 0;
    u_strToUTF8((char *)destination, capacity, &length, (const UChar *)source, source_length, &status);
    if (status == U_STRING_NOT_TERMINATED_WARNING) {
        status = U_ZERO_ERROR;
    }
    *error = status;
    return length;
}
