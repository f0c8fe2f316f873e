/// Matches abbreviations with expansions by their initial letters: `CBM` ~ `Confidence Building
/// Measures`, `GGE` ~ `Group of Governmental Experts` (small function words may be skipped or give
/// their initial: `CCDCoE` ~ `Cooperative Cyber Defence Centre of Excellence`).
public enum AbbreviationMatcher {
    /// Small English function words an expansion may skip (a closed list).
    public static let functionWords: Set<String> = [
        "a", "an", "the", "of", "and", "for", "in", "on", "to", "at", "by", "with", "from", "or", "de", "du", "des", "la", "le", "&",
    ]

    /// Whether the initials of `words` (hyphenated words count as several) spell `abbreviation`
    /// (letters and digits, case-insensitive), every word that is not a function word giving its initial.
    public static func matches(abbreviation: String, words: [String]) -> Bool {
        let letters = Array(abbreviation.lowercased().filter { $0.isLetter || $0.isNumber })
        let parts = words.flatMap { $0.split(whereSeparator: { $0 == "-" || $0 == " " }) }.map { $0.lowercased() }
        guard letters.count >= 2, parts.count >= 2 else { return false }
        // Dynamic programming over (word, letter): can words[i...] spell letters[j...]?
        var memo: [Int: Bool] = [:]
        func can(_ i: Int, _ j: Int) -> Bool {
            if i == parts.count { return j == letters.count }
            if let known = memo[i * 64 + j] { return known }
            var ok = false
            let word = parts[i]
            if j < letters.count, word.first == letters[j] { ok = can(i + 1, j + 1) }
            if !ok && functionWords.contains(word) { ok = can(i + 1, j) }
            memo[i * 64 + j] = ok
            return ok
        }
        guard let first = parts.first, let last = parts.last, !functionWords.contains(first), !functionWords.contains(last) else {
            return false
        }
        return letters.count < 64 && can(0, 0)
    }

    /// Abbreviation ↔ expansion pairs of a corpus: for every abbreviation, every run of two or more
    /// English words whose initials spell it. Title-case expansions (every content word capitalized)
    /// get 0.85; lower-case ones 0.45 (often a coincidence). Deterministic, one pair per distinct
    /// (abbreviation, expansion).
    public static func pairs(in vocabulary: CorpusVocabulary) -> [MinedConcept] {
        var result: [MinedConcept] = []
        for (abbreviation, abbreviationPlace) in vocabulary.abbreviations {
            let letters = abbreviation.lowercased().filter { $0.isLetter || $0.isNumber }
            guard letters.count >= 2, let initial = letters.first else { continue }
            var seen: Set<String> = []
            for run in vocabulary.englishRuns {
                for start in run.words.indices where run.terms[start].first == initial {
                    for length in 2...(letters.count + 4) where start + length <= run.words.count {
                        let words = Array(run.words[start..<(start + length)])
                        guard !words.contains(where: MemberKind.isAbbreviationShaped),
                              matches(abbreviation: abbreviation, words: words) else { continue }
                        let content = words.filter { !functionWords.contains($0.lowercased()) }
                        let titleCase = content.allSatisfy { $0.first?.isUppercase == true }
                        let lowerCase = content.allSatisfy { $0.first?.isLowercase == true }
                        guard titleCase || lowerCase else { continue }
                        let text = words.joined(separator: " ")
                        guard seen.insert(text.lowercased()).inserted else { continue }
                        result.append(MinedConcept(terms: [abbreviation, text], rule: .abbreviation,
                                                   confidence: titleCase ? 0.85 : 0.45,
                                                   evidence: [abbreviationPlace, run.evidence]))
                    }
                }
            }
        }
        return result
    }
}
