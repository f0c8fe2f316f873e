/// English terms: possessives removed, then the Porter2 (Snowball English) stemmer.
///
/// Hyphenated words are already two tokens (ICU's word rules, like the standard tokenizer of
/// Elasticsearch's `english` analyzer, break at hyphens); the trailing `'s` / `’s` of a possessive
/// is dropped as Elasticsearch's `english_possessive_stemmer` does.
///
/// An English word gives two terms: the word as written (normalized, possessive dropped), which
/// keyword search matches exactly, and its stem, which concept search matches (`connections` finds
/// `connected`). The stem is only a separate term when it differs from the word.
enum EnglishTerms {
    /// The word and (when different) the stem of the English word at `text[range]`.
    static func terms(of text: UnsafeBufferPointer<UInt16>, range: Range<Int>) -> (word: String, stem: String?) {
        withTerms(of: text, range: range) { word, stem in
            (String(decoding: word, as: UTF8.self), stem.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// Calls `body` with the UTF-8 bytes of the word and (when different) of the stem of the English
    /// word at `text[range]`, as ``terms(of:range:)`` gives them (valid during the call only).
    static func withTerms<R>(of text: UnsafeBufferPointer<UInt16>, range: Range<Int>,
                             _ body: (_ word: UnsafeRawBufferPointer, _ stem: UnsafeRawBufferPointer?) -> R) -> R {
        let capacity = max(range.count * 3, 1)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * capacity) { buffer in
            var valid = true
            let length = lengthWithoutPossessive(buffer, length: UTF8Encoding.encode(text, range, into: buffer, valid: &valid))
            let word = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<length]))
            guard valid else {
                // Unpaired surrogates (never in decoded documents): the string path repairs them.
                var repaired = String(decoding: word, as: UTF8.self)
                return repaired.withUTF8 { body(UnsafeRawBufferPointer($0), nil) }
            }
            guard length > 2 else { return body(word, nil) }
            let stemBuffer = UnsafeMutableBufferPointer(rebasing: buffer[capacity..<(capacity + length)])
            _ = stemBuffer.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: buffer[0..<length]))
            let stemLength = Porter2Stemmer.stemInPlace(stemBuffer)
            let stem = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: stemBuffer[0..<stemLength]))
            if stemLength == length && stem.elementsEqual(word) { return body(word, nil) }
            return body(word, stem)
        }
    }

    /// The length of the word without a final `'s` or `’s` (U+2019, E2 80 99 in UTF-8).
    static func lengthWithoutPossessive(_ word: UnsafeMutableBufferPointer<UInt8>, length n: Int) -> Int {
        guard n > 2, word[n - 1] == UInt8(ascii: "s") else { return n }
        if word[n - 2] == UInt8(ascii: "'") { return n - 2 }
        if n > 4 && word[n - 2] == 0x99 && word[n - 3] == 0x80 && word[n - 4] == 0xE2 { return n - 4 }
        return n
    }
}
