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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(range.count * 3, 1)) { buffer in
            let length = lengthWithoutPossessive(buffer, length: UTF8Encoding.encode(text, range, into: buffer))
            let word = String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
            guard length > 2 else { return (word, nil) }
            let stemLength = Porter2Stemmer.stemInPlace(UnsafeMutableBufferPointer(rebasing: buffer[0..<length]))
            let stem = UnsafeBufferPointer(rebasing: buffer[0..<stemLength])
            if stemLength == length && stem.elementsEqual(word.utf8) { return (word, nil) }
            return (word, String(decoding: stem, as: UTF8.self))
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
