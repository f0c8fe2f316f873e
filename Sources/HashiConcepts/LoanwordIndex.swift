import HashiAnalysis

/// The katakana words of a corpus indexed by their consonant key, so a query's English words find
/// their loanwords with one hash lookup instead of spelling out every katakana word per query.
public struct LoanwordIndex: Sendable {
    private var byKey: [String: [(word: String, spelling: String)]] = [:]
    /// Each indexed word's spelling.
    private var spellings: [String: String] = [:]

    /// Spells out and indexes `katakanaWords` (one ICU transliteration per word: do it once).
    /// - Throws: ``ICUError`` if ICU fails.
    public init(katakanaWords: [String], using phonetic: PhoneticKey) throws(ICUError) {
        for word in katakanaWords {
            let spelling = try phonetic.spelling(ofKatakana: word)
            let key = PhoneticKey.consonantKey(spelling)
            if key.count >= 2 { byKey[key, default: []].append((word, spelling)) }
            spellings[word] = spelling
        }
    }

    /// How much the indexed katakana word `katakana` sounds like `english`, 0…1, as
    /// ``candidates(forEnglish:minimumSimilarity:)`` measures it; nil when `katakana` is not indexed.
    public func similarity(ofKatakana katakana: String, toEnglish english: String) -> Double? {
        guard let spelling = spellings[katakana] else { return nil }
        return PhoneticKey.similarity(japanese: spelling, english: PhoneticKey.spelling(ofEnglish: english))
    }

    /// The katakana words that may be loanwords of `english`, best first (same key, similarity at
    /// least `minimumSimilarity`); as ``PhoneticKey/katakanaCandidates(forEnglish:among:minimumSimilarity:)``.
    public func candidates(forEnglish english: String, minimumSimilarity: Double) -> [PhoneticMatch] {
        let spelled = PhoneticKey.spelling(ofEnglish: english)
        let key = PhoneticKey.consonantKey(spelled)
        guard key.count >= 2, let bucket = byKey[key] else { return [] }
        var result: [PhoneticMatch] = []
        for entry in bucket {
            let similarity = PhoneticKey.similarity(japanese: entry.spelling, english: spelled)
            if similarity >= minimumSimilarity {
                result.append(PhoneticMatch(text: entry.word, key: key, similarity: similarity,
                                            confidence: PhoneticKey.confidence(similarity: similarity, key: key)))
            }
        }
        return result.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.text < $1.text }
    }
}
