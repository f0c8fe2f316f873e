import HashiAnalysis

/// The katakana words of a corpus indexed by their consonant key, so a query's English words find
/// their loanwords with one hash lookup instead of spelling out every katakana word per query.
public struct LoanwordIndex: Sendable {
    /// The words by consonant key.
    private var byKey: [String: [String]] = [:]
    /// Each indexed word's spelling.
    private var spellings: [String: String] = [:]

    /// Spells out and indexes `katakanaWords` (one ICU transliteration per word: do it once).
    /// - Throws: ``ICUError`` if ICU fails.
    public init(katakanaWords: [String], using phonetic: PhoneticKey) throws(ICUError) {
        for word in katakanaWords {
            let spelling = try phonetic.spelling(ofKatakana: word)
            let key = PhoneticKey.consonantKey(spelling)
            if key.count >= 2 { byKey[key, default: []].append(word) }
            spellings[word] = spelling
        }
    }

    /// The longest indexed katakana word, of two characters or more, that `katakana` starts with
    /// (`fromStart`) or ends with, shorter than `katakana` itself: スレッド in スレッドライブラリ.
    public func longestIndexedPart(of katakana: String, fromStart: Bool) -> String? {
        let characters = Array(katakana)
        guard characters.count >= 3 else { return nil }
        for length in stride(from: characters.count - 1, through: 2, by: -1) {
            let part = String(fromStart ? characters[..<length] : characters[(characters.count - length)...])
            if spellings[part] != nil { return part }
        }
        return nil
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
        for word in bucket {
            guard let spelling = spellings[word] else { continue }
            let similarity = PhoneticKey.similarity(japanese: spelling, english: spelled)
            if similarity >= minimumSimilarity {
                result.append(PhoneticMatch(text: word, key: key, similarity: similarity,
                                            confidence: PhoneticKey.confidence(similarity: similarity, key: key)))
            }
        }
        return result.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.text < $1.text }
    }
}
