// ICUFacade: the only code in Hashi that includes ICU headers.
//
// Swift cannot see both Foundation (which bundles its own ICU) and the system ICU headers in one
// module, so this header uses <stdint.h> types only and the ICU headers stay in the .c files.
// Calling through C also lets Clang apply ICU's version-renaming macros (ubrk_open -> ubrk_open_72).
//
// Conventions: text is UTF-16 (uint16_t); errors are ICU UErrorCode values returned through an
// int32_t out-parameter (0 = success, > 0 = failure, < 0 = warning).
#ifndef HASHI_ICU_FACADE_H
#define HASHI_ICU_FACADE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Errors

/// ICU's U_BUFFER_OVERFLOW_ERROR: the output buffer was too small; call again with more room.
#define HASHI_ICU_BUFFER_OVERFLOW 15

/// The name of an ICU error code (a static string, e.g. "U_ILLEGAL_CHAR_FOUND").
const char *hashi_icu_error_name(int32_t error);

/// The version of the ICU library linked in, e.g. "72.1" (a static string).
const char *hashi_icu_version(void);

// MARK: - Break iteration (word and sentence)

/// An ICU break iterator. Not thread-safe: use one per thread.
typedef struct HashiBreaker HashiBreaker;

/// Kinds of break iterator.
enum {
    HASHI_BREAK_WORD = 0,
    HASHI_BREAK_SENTENCE = 1,
};

/// Opens a break iterator of `kind` for `locale` (e.g. "ja"). Returns NULL and sets `*error` on failure.
HashiBreaker *hashi_breaker_open(int32_t kind, const char *locale, int32_t *error);

/// Closes a break iterator opened by `hashi_breaker_open`. NULL is ignored.
void hashi_breaker_close(HashiBreaker *breaker);

/// Points the iterator at `text`. ICU keeps the pointer: the buffer must stay alive and unchanged
/// until the next call to this function or `hashi_breaker_close`.
void hashi_breaker_set_text(HashiBreaker *breaker, const uint16_t *text, int32_t length, int32_t *error);

/// Advances to the next boundary and returns it (a UTF-16 offset), or -1 at the end of the text.
/// `*rule_status` receives the rule status of the segment that ends there (word iterators:
/// 0-99 none/punctuation, 100-199 number, 200-299 letter, 300-399 kana, 400-499 ideographic).
int32_t hashi_breaker_next(HashiBreaker *breaker, int32_t *rule_status);

// MARK: - Normalization

/// Applies NFKC with case folding (ICU's "nfkc_cf") to `source` and records where every output
/// code unit came from: `map[k]` is the offset in `source` of the start of the normalization
/// chunk that produced output unit `k`, and `map[result]` is `source_length`.
/// `map` must have room for `capacity + 1` entries. Returns the output length; when it is larger
/// than `capacity`, `*error` is HASHI_ICU_BUFFER_OVERFLOW and the caller retries with more room.
int32_t hashi_nfkc_casefold_mapped(const uint16_t *source, int32_t source_length,
                                   uint16_t *destination, int32_t capacity,
                                   int32_t *map, int32_t *error);

// MARK: - Character classes

/// Classes of characters the analyzer distinguishes (from ICU's script and general category data).
enum {
    HASHI_CHAR_OTHER = 0,      ///< punctuation, symbols, spaces, controls
    HASHI_CHAR_LATIN = 1,      ///< Latin letters
    HASHI_CHAR_DIGIT = 2,      ///< decimal digits
    HASHI_CHAR_HIRAGANA = 3,
    HASHI_CHAR_KATAKANA = 4,   ///< including the prolonged sound mark and kana voicing marks
    HASHI_CHAR_HAN = 5,        ///< ideographs, including 々 and 〆
    HASHI_CHAR_LETTER = 6,     ///< letters of other scripts (Greek, Cyrillic, Hangul, ...)
};

/// The class of the code point `c`.
int32_t hashi_char_class(uint32_t c);

/// Writes the class of every code unit of `text` into `classes` (both units of a surrogate pair
/// get the class of their code point).
void hashi_classify(const uint16_t *text, int32_t length, uint8_t *classes);

// MARK: - Transliteration

/// An ICU transliterator. Not thread-safe: use one per thread.
typedef struct HashiTransliterator HashiTransliterator;

/// Opens the transliterator with ICU id `id` (e.g. "Katakana-Latin"), UTF-16 encoded.
HashiTransliterator *hashi_transliterator_open(const uint16_t *id, int32_t id_length, int32_t *error);

/// Closes a transliterator. NULL is ignored.
void hashi_transliterator_close(HashiTransliterator *transliterator);

/// Transliterates `buffer[0..<length]` in place; returns the new length. When that is larger than
/// `capacity`, `*error` is HASHI_ICU_BUFFER_OVERFLOW and the buffer holds nothing useful.
int32_t hashi_transliterate(HashiTransliterator *transliterator, uint16_t *buffer, int32_t length,
                            int32_t capacity, int32_t *error);

// MARK: - Charset detection and conversion

/// Runs ICU's charset detector over `bytes` and writes up to `capacity` candidates, best first:
/// their names (NUL-terminated, each in a 32-byte slot of `names`) and confidences (0-100).
/// Returns the number written.
int32_t hashi_detect_charsets(const uint8_t *bytes, int32_t length, char *names, int32_t *confidences,
                              int32_t capacity, int32_t *error);

/// Converts `source` from `charset` (an ICU converter name) to UTF-16, stopping at the first
/// illegal or unmappable byte sequence. On success returns the output length; if it is larger than
/// `capacity`, `*error` is HASHI_ICU_BUFFER_OVERFLOW. If `source_offsets` is not NULL it receives,
/// for every output unit, the offset of the source byte it came from.
/// On an illegal sequence `*error` is set and `*error_offset` is the byte offset where it starts.
int32_t hashi_convert_to_utf16(const char *charset, const uint8_t *source, int32_t source_length,
                               uint16_t *destination, int32_t capacity, int32_t *source_offsets,
                               int64_t *error_offset, int32_t *error);

/// UTF-8 to UTF-16 (ICU's u_strFromUTF8). Same buffer protocol as above.
int32_t hashi_utf8_to_utf16(const uint8_t *source, int32_t source_length, uint16_t *destination,
                            int32_t capacity, int32_t *error);

/// UTF-16 to UTF-8 (ICU's u_strToUTF8). Same buffer protocol as above.
int32_t hashi_utf16_to_utf8(const uint16_t *source, int32_t source_length, uint8_t *destination,
                            int32_t capacity, int32_t *error);

#ifdef __cplusplus
}
#endif

#endif
