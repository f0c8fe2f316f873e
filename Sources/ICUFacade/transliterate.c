#include "ICUFacade.h"
#include <unicode/utrans.h>
#include <stdlib.h>

struct HashiTransliterator {
    UTransliterator *transliterator;
};

HashiTransliterator *hashi_transliterator_open(const uint16_t *id, int32_t id_length, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UTransliterator *transliterator =
        utrans_openU((const UChar *)id, id_length, UTRANS_FORWARD, NULL, 0, NULL, &status);
    *error = status;
    if (U_FAILURE(status)) {
        return NULL;
    }
    HashiTransliterator *result = malloc(sizeof(HashiTransliterator));
    if (result == NULL) {
        utrans_close(transliterator);
        *error = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    result->transliterator = transliterator;
    return result;
}

void hashi_transliterator_close(HashiTransliterator *transliterator) {
    if (transliterator == NULL) {
        return;
    }
    utrans_close(transliterator->transliterator);
    free(transliterator);
}

int32_t hashi_transliterate(HashiTransliterator *transliterator, uint16_t *buffer, int32_t length,
                            int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t text_length = length;
    int32_t limit = length;
    utrans_transUChars(transliterator->transliterator, (UChar *)buffer, &text_length, capacity, 0,
                       &limit, &status);
    *error = status;
    return text_length;
}
