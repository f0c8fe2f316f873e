#include "ICUFacade.h"
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

// Normalizes chunk by chunk so that every output unit can be traced back to its source.
// Most text is already normalized: unorm2_spanQuickCheckYes finds such stretches (ending at a
// normalization boundary), which are copied with an identity map. What remains is cut at
// normalization boundaries into chunks that normalize independently; all output units of a chunk
// map to the chunk's start.
int32_t hashi_nfkc_casefold_mapped(const uint16_t *source, int32_t source_length,
                                   uint16_t *destination, int32_t capacity,
                                   int32_t *map, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) {
        *error = status;
        return 0;
    }
    const UChar *text = (const UChar *)source;
    int32_t in = 0;
    int32_t out = 0;
    while (in < source_length) {
        // ASCII fast path: nfkc_cf only lower-cases ASCII. The last ASCII character before
        // non-ASCII text is left to ICU, since a combining mark may follow and compose with it.
        int32_t ascii_end = in;
        while (ascii_end < source_length && source[ascii_end] < 0x80) ascii_end++;
        if (ascii_end < source_length && ascii_end > in) ascii_end--;
        for (int32_t k = in; k < ascii_end; k++, out++) {
            if (out < capacity) {
                uint16_t unit = source[k];
                destination[out] = (unit >= 'A' && unit <= 'Z') ? (uint16_t)(unit + 32) : unit;
                map[out] = k;
            }
        }
        in = ascii_end;
        if (in >= source_length) {
            break;
        }
        status = U_ZERO_ERROR;
        int32_t span = unorm2_spanQuickCheckYes(normalizer, text + in, source_length - in, &status);
        if (U_FAILURE(status)) {
            *error = status;
            return 0;
        }
        for (int32_t k = 0; k < span; k++) {
            if (out < capacity) {
                destination[out] = source[in + k];
                map[out] = in + k;
            }
            out++;
        }
        in += span;
        if (in >= source_length) {
            break;
        }
        // One chunk: from here to the next code point that has a normalization boundary before it.
        int32_t end = in;
        UChar32 c;
        U16_NEXT(text, end, source_length, c);
        while (end < source_length) {
            int32_t next = end;
            U16_NEXT(text, next, source_length, c);
            if (unorm2_hasBoundaryBefore(normalizer, c)) {
                break;
            }
            end = next;
        }
        int32_t room = out < capacity ? capacity - out : 0;
        status = U_ZERO_ERROR;
        int32_t produced = unorm2_normalize(normalizer, text + in, end - in,
                                            room > 0 ? (UChar *)destination + out : NULL, room, &status);
        if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) {
            status = U_ZERO_ERROR;
        }
        if (U_FAILURE(status)) {
            *error = status;
            return 0;
        }
        for (int32_t k = 0; k < produced; k++) {
            if (out + k < capacity) {
                map[out + k] = in;
            }
        }
        out += produced;
        in = end;
    }
    if (out > capacity) {
        *error = U_BUFFER_OVERFLOW_ERROR;
        return out;
    }
    map[out] = source_length;
    *error = U_ZERO_ERROR;
    return out;
}
