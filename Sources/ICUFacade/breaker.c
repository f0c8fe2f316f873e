#include "ICUFacade.h"
#include <unicode/ubrk.h>
#include <stdlib.h>

struct HashiBreaker {
    UBreakIterator *iterator;
};

HashiBreaker *hashi_breaker_open(int32_t kind, const char *locale, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIteratorType type = kind == HASHI_BREAK_SENTENCE ? UBRK_SENTENCE : UBRK_WORD;
    UBreakIterator *iterator = ubrk_open(type, locale, NULL, 0, &status);
    *error = status;
    if (U_FAILURE(status)) {
        return NULL;
    }
    HashiBreaker *breaker = malloc(sizeof(HashiBreaker));
    if (breaker == NULL) {
        ubrk_close(iterator);
        *error = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    breaker->iterator = iterator;
    return breaker;
}

void hashi_breaker_close(HashiBreaker *breaker) {
    if (breaker == NULL) {
        return;
    }
    ubrk_close(breaker->iterator);
    free(breaker);
}

void hashi_breaker_set_text(HashiBreaker *breaker, const uint16_t *text, int32_t length, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(breaker->iterator, (const UChar *)text, length, &status);
    *error = status;
}

int32_t hashi_breaker_next(HashiBreaker *breaker, int32_t *rule_status) {
    int32_t boundary = ubrk_next(breaker->iterator);
    if (boundary == UBRK_DONE) {
        *rule_status = 0;
        return -1;
    }
    *rule_status = ubrk_getRuleStatus(breaker->iterator);
    return boundary;
}
