/// English terms: possessives removed, then the Porter2 (Snowball English) stemmer.
///
/// Hyphenated words are already two tokens (ICU's word rules, like the standard tokenizer of
/// Elasticsearch's `english` analyzer, break at hyphens); the trailing `'s` / `’s` of a possessive
/// is dropped as Elasticsearch's `english_possessive_stemmer` does.
struct EnglishTerms {
    private let stemmer = Porter2Stemmer()

    /// The term of an English word (already lower-cased by normalization).
    func term(for word: String) -> String {
        stemmer.stem(Self.removingPossessive(word))
    }

    /// `word` without a final `'s` or `’s`.
    static func removingPossessive(_ word: String) -> String {
        let units = word.utf8
        guard units.count > 2, units.last == UInt8(ascii: "s") else { return word }
        if word.hasSuffix("'s") { return String(word.dropLast(2)) }
        if word.hasSuffix("\u{2019}s") { return String(word.dropLast(2)) }
        return word
    }
}
