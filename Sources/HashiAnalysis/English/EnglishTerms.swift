/// English terms: possessives removed, then the Porter2 (Snowball English) stemmer.
///
/// Hyphenated words are already two tokens (ICU's word rules, like the standard tokenizer of
/// Elasticsearch's `english` analyzer, break at hyphens); the trailing `'s` / `’s` of a possessive
/// is dropped as Elasticsearch's `english_possessive_stemmer` does.
enum EnglishTerms {
    /// Turns the lower-cased UTF-8 word in `word[0..<length]` into its term in place and returns the
    /// term's length.
    static func term(_ word: UnsafeMutableBufferPointer<UInt8>, length: Int) -> Int {
        let n = lengthWithoutPossessive(word, length: length)
        guard n > 2 else { return n }
        return Porter2Stemmer.stemInPlace(UnsafeMutableBufferPointer(rebasing: word[0..<n]))
    }

    /// The length of the word without a final `'s` or `’s` (U+2019, E2 80 99 in UTF-8).
    static func lengthWithoutPossessive(_ word: UnsafeMutableBufferPointer<UInt8>, length n: Int) -> Int {
        guard n > 2, word[n - 1] == UInt8(ascii: "s") else { return n }
        if word[n - 2] == UInt8(ascii: "'") { return n - 2 }
        if n > 4 && word[n - 2] == 0x99 && word[n - 3] == 0x80 && word[n - 4] == 0xE2 { return n - 4 }
        return n
    }
}
